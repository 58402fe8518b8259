/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * technique.c - the table of erase techniques (wipeseal/technique.h) and the one ranking
 * rule that `purge` and the station share.
 *
 * Why a table: a technique used to be described by a switch in every file that needed one
 * fact about it (its name, its level, whether it is a crypto erase, what a certificate calls
 * it); the switches drifted apart. Here each technique is one row, and the action codes are
 * the specifications' own names (libnvme's NVME_SANITIZE_SANACT_* and NVME_FORMAT_SES_*).
 *
 * The ranking (docs/methods.md, "The order of purge"): on solid-state media crypto erase,
 * then block erase, then overwrite (NIST SP 800-88 Rev. 1 Table A-8, IEEE 2883), then the
 * ATA security erases; on rotating media the drive's own overwrite first, reaching every
 * sector (Table A-5), then crypto and block. The NVMe Formats are Clear: they rank last and
 * `purge` never carries them out.
 */
#include <errno.h>
#include <string.h>

#include <libnvme.h>

#include "internal.h"
#include <wipeseal/device.h>
#include <wipeseal/technique.h>

#define FW WS_TECH_F_FIRMWARE

/* NVMe Sanitize: acts on the whole NVM subsystem, reports progress (Sanitize Status log). */
#define NVME_SANITIZE(act, extra)                                                              \
	.transport = WS_TRANSPORT_NVME, .action_kind = WS_ACTION_NVME_SANACT, .action = (act), \
	.flags = FW | WS_TECH_F_SUBSYSTEM | WS_TECH_F_PROGRESS | (extra),                      \
	.command = "NVMe Sanitize"

#define NVME_FORMAT(ses, extra)                                                                    \
	.transport = WS_TRANSPORT_NVME, .action_kind = WS_ACTION_NVME_FORMAT_SES, .action = (ses), \
	.flags = FW | WS_TECH_F_ALL_NAMESPACES_BY_FNA | (extra), .command = "NVMe Format NVM"

#define ATA_SANITIZE(feature, extra)                                                               \
	.transport = WS_TRANSPORT_ATA, .action_kind = WS_ACTION_ATA_SANITIZE, .action = (feature), \
	.flags = FW | WS_TECH_F_PROGRESS | (extra), .command = "ATA SANITIZE DEVICE"

#define SCSI_SANITIZE(sa, extra)                                                                \
	.transport = WS_TRANSPORT_SCSI, .action_kind = WS_ACTION_SCSI_SANITIZE, .action = (sa), \
	.flags = FW | WS_TECH_F_PROGRESS | (extra), .command = "SCSI SANITIZE"

#define ATA_SECURITY_ERASE(mode, extra)                                             \
	.transport = WS_TRANSPORT_ATA, .action_kind = WS_ACTION_ATA_SECURITY_ERASE, \
	.action = (mode), .flags = FW | WS_TECH_F_PASSWORD | (extra),               \
	.command = "ATA SECURITY ERASE UNIT", .cert_method = "other (ATA SECURITY ERASE UNIT)"

/* eMMC: ERASE_GROUP_START/END and ERASE (CMD35, 36, 38), or SANITIZE_START, each waited for
 * through SEND_STATUS (mmc.c): a command that returns when the erase is done */
#define MMC_ERASE_KIND(kind)                                                                 \
	.transport = WS_TRANSPORT_MMC, .action_kind = WS_ACTION_MMC_ERASE, .action = (kind), \
	.flags = FW

#define CRYPTO (WS_TECH_F_CRYPTO | WS_TECH_F_UNPREDICTABLE)

/* TCG Revert (IOC_OPAL_PSID_REVERT_TPR / IOC_OPAL_REVERT_TPR): one call that returns when the
 * drive is reverted; a sample is always read before it (nothing may read as before). */
#define OPAL_REVERT(authority)                                                                    \
	.transport = WS_TRANSPORT_OPAL, .action_kind = WS_ACTION_OPAL_AUTHORITY,                  \
	.action = (authority), .flags = FW | CRYPTO | WS_TECH_F_DRIVE_DECIDES | WS_TECH_F_SECRET, \
	.command = "TCG Revert", .cert_method = "crypto erase"

/* ranks: crypto, block, overwrite, security erase enhanced, normal, the Formats */
#define RANK_CRYPTO    .rank_solid = 1, .rank_rotating = 2
#define RANK_BLOCK     .rank_solid = 2, .rank_rotating = 3
#define RANK_OVERWRITE .rank_solid = 3, .rank_rotating = 1

static const struct ws_technique_info table[WS_TECH_COUNT] = {
	[WS_TECH_OVERWRITE] = { .technique = WS_TECH_OVERWRITE,
	                        .name = "overwrite",
	                        .nist = "Clear",
	                        .ieee2883 = "Clear, overwrite by the host (logical, every "
	                                    "addressable block)",
	                        .command = "overwrite",
	                        .cert_method = "overwrite",
	                        .label = "clear" },
	[WS_TECH_PURGE] = { .technique = WS_TECH_PURGE,
	                    .name = "purge",
	                    .nist = "Purge",
	                    .ieee2883 = "Purge, the strongest technique the drive advertises",
	                    .command = "NVMe Sanitize",
	                    .cert_method = "overwrite",
	                    .label = "purge" },
	[WS_TECH_NVME_SANITIZE_CRYPTO] = { .technique = WS_TECH_NVME_SANITIZE_CRYPTO,
	                                   .name = "nvme-sanitize-crypto",
	                                   .nist = "Purge",
	                                   .ieee2883 = "Purge, NVMe Sanitize cryptographic erase",
	                                   NVME_SANITIZE(NVME_SANITIZE_SANACT_START_CRYPTO_ERASE,
	                                                 CRYPTO),
	                                   .cert_method = "crypto erase",
	                                   .label = "san-crypto",
	                                   RANK_CRYPTO },
	[WS_TECH_NVME_SANITIZE_BLOCK] = { .technique = WS_TECH_NVME_SANITIZE_BLOCK,
	                                  .name = "nvme-sanitize-block",
	                                  .nist = "Purge",
	                                  .ieee2883 = "Purge, NVMe Sanitize block erase",
	                                  NVME_SANITIZE(NVME_SANITIZE_SANACT_START_BLOCK_ERASE, 0),
	                                  .cert_method = "block erase",
	                                  .label = "san-block",
	                                  RANK_BLOCK },
	[WS_TECH_NVME_SANITIZE_OVERWRITE] = { .technique = WS_TECH_NVME_SANITIZE_OVERWRITE,
	                                      .name = "nvme-sanitize-overwrite",
	                                      .nist = "Purge",
	                                      .ieee2883 = "Purge, NVMe Sanitize overwrite",
	                                      NVME_SANITIZE(NVME_SANITIZE_SANACT_START_OVERWRITE,
	                                                    0),
	                                      .cert_method = "overwrite",
	                                      .label = "san-overwr",
	                                      RANK_OVERWRITE },
	[WS_TECH_NVME_SANITIZE_EXIT_FAILURE] = { .technique = WS_TECH_NVME_SANITIZE_EXIT_FAILURE,
	                                         .name = "nvme-sanitize-exit-failure",
	                                         .nist = "none",
	                                         .ieee2883 =
	                                             "none, NVMe Sanitize exit failure mode "
	                                             "(nothing erased)",
	                                         .transport = WS_TRANSPORT_NVME,
	                                         .action_kind = WS_ACTION_NVME_SANACT,
	                                         .action = NVME_SANITIZE_SANACT_EXIT_FAILURE,
	                                         .flags = FW | WS_TECH_F_ERASES_NOTHING,
	                                         .command = "NVMe Sanitize",
	                                         .cert_method = "other (exit sanitize failure "
	                                                        "mode: nothing erased)",
	                                         .label = "exit-fail" },
	[WS_TECH_NVME_FORMAT_CRYPTO] = { .technique = WS_TECH_NVME_FORMAT_CRYPTO,
	                                 .name = "nvme-format-crypto",
	                                 .nist = "Clear",
	                                 .ieee2883 = "Clear, NVMe Format NVM cryptographic erase",
	                                 NVME_FORMAT(NVME_FORMAT_SES_CRYPTO_ERASE, CRYPTO),
	                                 .cert_method = "crypto erase",
	                                 .label = "fmt-crypto",
	                                 .rank_solid = 6,
	                                 .rank_rotating = 6 },
	[WS_TECH_NVME_FORMAT_USER_DATA] = { .technique = WS_TECH_NVME_FORMAT_USER_DATA,
	                                    .name = "nvme-format-user-data",
	                                    .nist = "Clear",
	                                    .ieee2883 = "Clear, NVMe Format NVM user data erase",
	                                    NVME_FORMAT(NVME_FORMAT_SES_USER_DATA_ERASE, 0),
	                                    .cert_method =
	                                        "other (NVMe Format NVM, user data erase)",
	                                    .label = "format",
	                                    .rank_solid = 7,
	                                    .rank_rotating = 7 },
	[WS_TECH_ATA_SANITIZE_CRYPTO] = { .technique = WS_TECH_ATA_SANITIZE_CRYPTO,
	                                  .name = "ata-sanitize-crypto",
	                                  .nist = "Purge",
	                                  .ieee2883 =
	                                      "Purge, ATA SANITIZE cryptographic erase (CRYPTO "
	                                      "SCRAMBLE EXT)",
	                                  ATA_SANITIZE(WS_ATA_SANITIZE_CRYPTO_SCRAMBLE_EXT, CRYPTO),
	                                  .cert_method = "crypto erase",
	                                  .label = "san-crypto",
	                                  RANK_CRYPTO },
	[WS_TECH_ATA_SANITIZE_BLOCK] = { .technique = WS_TECH_ATA_SANITIZE_BLOCK,
	                                 .name = "ata-sanitize-block",
	                                 .nist = "Purge",
	                                 .ieee2883 = "Purge, ATA SANITIZE block erase",
	                                 ATA_SANITIZE(WS_ATA_SANITIZE_BLOCK_ERASE_EXT, 0),
	                                 .cert_method = "block erase",
	                                 .label = "san-block",
	                                 RANK_BLOCK },
	[WS_TECH_ATA_SANITIZE_OVERWRITE] = { .technique = WS_TECH_ATA_SANITIZE_OVERWRITE,
	                                     .name = "ata-sanitize-overwrite",
	                                     .nist = "Purge",
	                                     .ieee2883 = "Purge, ATA SANITIZE overwrite",
	                                     ATA_SANITIZE(WS_ATA_SANITIZE_OVERWRITE_EXT, 0),
	                                     .cert_method = "overwrite",
	                                     .label = "san-overwr",
	                                     RANK_OVERWRITE },
	[WS_TECH_SCSI_SANITIZE_CRYPTO] = { .technique = WS_TECH_SCSI_SANITIZE_CRYPTO,
	                                   .name = "scsi-sanitize-crypto",
	                                   .nist = "Purge",
	                                   .ieee2883 = "Purge, SCSI SANITIZE cryptographic erase",
	                                   SCSI_SANITIZE(WS_SCSI_SANITIZE_SA_CRYPTOGRAPHIC_ERASE,
	                                                 CRYPTO),
	                                   .cert_method = "crypto erase",
	                                   .label = "san-crypto",
	                                   RANK_CRYPTO },
	[WS_TECH_SCSI_SANITIZE_BLOCK] = { .technique = WS_TECH_SCSI_SANITIZE_BLOCK,
	                                  .name = "scsi-sanitize-block",
	                                  .nist = "Purge",
	                                  .ieee2883 = "Purge, SCSI SANITIZE block erase",
	                                  SCSI_SANITIZE(WS_SCSI_SANITIZE_SA_BLOCK_ERASE, 0),
	                                  .cert_method = "block erase",
	                                  .label = "san-block",
	                                  RANK_BLOCK },
	[WS_TECH_SCSI_SANITIZE_OVERWRITE] = { .technique = WS_TECH_SCSI_SANITIZE_OVERWRITE,
	                                      .name = "scsi-sanitize-overwrite",
	                                      .nist = "Purge",
	                                      .ieee2883 = "Purge, SCSI SANITIZE overwrite",
	                                      SCSI_SANITIZE(WS_SCSI_SANITIZE_SA_OVERWRITE, 0),
	                                      .cert_method = "overwrite",
	                                      .label = "san-overwr",
	                                      RANK_OVERWRITE },
	[WS_TECH_ATA_SECURE_ERASE] = { .technique = WS_TECH_ATA_SECURE_ERASE,
	                               .name = "ata-secure-erase",
	                               .nist = "Purge",
	                               .ieee2883 = "Purge, ATA SECURITY ERASE UNIT (normal)",
	                               ATA_SECURITY_ERASE(WS_ATA_SECURITY_ERASE_NORMAL, 0),
	                               .label = "sec-erase",
	                               .rank_solid = 5,
	                               .rank_rotating = 5 },
	[WS_TECH_ATA_SECURE_ERASE_ENHANCED] = { .technique = WS_TECH_ATA_SECURE_ERASE_ENHANCED,
	                                        .name = "ata-secure-erase-enhanced",
	                                        .nist = "Purge",
	                                        .ieee2883 =
	                                            "Purge, ATA SECURITY ERASE UNIT (enhanced)",
	                                        ATA_SECURITY_ERASE(WS_ATA_SECURITY_ERASE_ENHANCED,
	                                                           WS_TECH_F_UNPREDICTABLE),
	                                        .label = "sec-erase+",
	                                        .rank_solid = 4,
	                                        .rank_rotating = 4 },
	/* TCG Revert of the Admin SP (opal.c): the row is the case of a drive that encrypts (a
	 * cryptographic erase, Purge); a drive that does not is recorded as what it says it
	 * does (ws_result_nist()). Never ranked: `purge` cannot know the PSID or the SID. */
	[WS_TECH_OPAL_PSID_REVERT] = { .technique = WS_TECH_OPAL_PSID_REVERT,
	                               .name = "opal-psid-revert",
	                               .nist = "Purge",
	                               .ieee2883 = "Purge, TCG Opal PSID revert (cryptographic "
	                                           "erase)",
	                               OPAL_REVERT(WS_OPAL_AUTHORITY_PSID),
	                               .label = "opal-psid" },
	[WS_TECH_OPAL_REVERT] = { .technique = WS_TECH_OPAL_REVERT,
	                          .name = "opal-revert",
	                          .nist = "Purge",
	                          .ieee2883 = "Purge, TCG Opal SID revert (cryptographic erase)",
	                          OPAL_REVERT(WS_OPAL_AUTHORITY_SID),
	                          .label = "opal-sid" },
	/* eMMC (docs/methods.md, "eMMC and SD cards"): ERASE and TRIM unmap, and are Clear;
	 * the secure variants and SANITIZE purge the unmapped copies too */
	[WS_TECH_MMC_ERASE] = { .technique = WS_TECH_MMC_ERASE,
	                        .name = "mmc-erase",
	                        .nist = "Clear",
	                        .ieee2883 = "Clear, eMMC ERASE",
	                        MMC_ERASE_KIND(WS_MMC_ERASE),
	                        .command = "eMMC ERASE (CMD38)",
	                        .cert_method = "other (eMMC ERASE)",
	                        .label = "mmc-erase" },
	[WS_TECH_MMC_TRIM] = { .technique = WS_TECH_MMC_TRIM,
	                       .name = "mmc-trim",
	                       .nist = "Clear",
	                       .ieee2883 = "Clear, eMMC TRIM",
	                       MMC_ERASE_KIND(WS_MMC_TRIM),
	                       .command = "eMMC TRIM (CMD38)",
	                       .cert_method = "other (eMMC TRIM)",
	                       .label = "mmc-trim" },
	[WS_TECH_MMC_SECURE_ERASE] = { .technique = WS_TECH_MMC_SECURE_ERASE,
	                               .name = "mmc-secure-erase",
	                               .nist = "Purge",
	                               .ieee2883 = "Purge, eMMC Secure Erase",
	                               MMC_ERASE_KIND(WS_MMC_SECURE_ERASE),
	                               .command = "eMMC Secure Erase (CMD38)",
	                               .cert_method = "block erase",
	                               .label = "mmc-secer",
	                               .rank_solid = 4,
	                               .rank_rotating = 4 },
	[WS_TECH_MMC_SECURE_TRIM] = { .technique = WS_TECH_MMC_SECURE_TRIM,
	                              .name = "mmc-secure-trim",
	                              .nist = "Purge",
	                              .ieee2883 = "Purge, eMMC Secure Trim",
	                              MMC_ERASE_KIND(WS_MMC_SECURE_TRIM),
	                              .command = "eMMC Secure Trim (CMD38)",
	                              .cert_method = "block erase",
	                              .label = "mmc-sectr",
	                              .rank_solid = 5,
	                              .rank_rotating = 5 },
	[WS_TECH_MMC_SANITIZE] = { .technique = WS_TECH_MMC_SANITIZE,
	                           .name = "mmc-sanitize",
	                           .nist = "Purge",
	                           .ieee2883 = "Purge, eMMC SANITIZE",
	                           MMC_ERASE_KIND(WS_MMC_SANITIZE),
	                           .command = "eMMC SANITIZE",
	                           .cert_method = "block erase",
	                           .label = "mmc-sanit",
	                           RANK_BLOCK },
	/* a policy, not a command: resolved per drive to its strongest Purge technique, else to
	 * a verified overwrite (fallback.c); the row's level is the floor it guarantees */
	[WS_TECH_PURGE_OR_CLEAR] = { .technique = WS_TECH_PURGE_OR_CLEAR,
	                             .name = "purge-or-clear",
	                             .nist = "Clear",
	                             .ieee2883 = "Purge where the drive offers it, else Clear "
	                                         "(overwrite by the host)",
	                             .command = "purge-or-clear",
	                             .cert_method = "overwrite",
	                             .label = "purge/clr" },
};

/* every technique's bit above the overwrite methods' byte, inside an unsigned */
_Static_assert(8 + WS_TECH_COUNT <= 32, "struct ws_device.methods has no room for the techniques");

const struct ws_technique_info *ws_technique_info(enum ws_technique t)
{
	if ((unsigned)t >= WS_TECH_COUNT)
		return NULL;
	return &table[t];
}

int ws_technique_by_name(const char *name, enum ws_technique *ret)
{
	for (size_t i = 0; name && i < ELEMENTSOF(table); i++)
		if (strcmp(table[i].name, name) == 0) {
			*ret = (enum ws_technique)i;
			return 0;
		}
	return -ENOENT;
}

const char *ws_technique_name(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i ? i->name : "?";
}

const char *ws_technique_nist(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i ? i->nist : "?";
}

bool ws_technique_has(enum ws_technique t, unsigned flags)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i && (i->flags & flags) == flags;
}

const char *ws_transport_kind_name(enum ws_transport_kind k)
{
	switch (k) {
	case WS_TRANSPORT_NVME:
		return "NVMe";
	case WS_TRANSPORT_ATA:
		return "ATA";
	case WS_TRANSPORT_SCSI:
		return "SCSI";
	case WS_TRANSPORT_OPAL:
		return "TCG Opal";
	case WS_TRANSPORT_MMC:
		return "MMC";
	case WS_TRANSPORT_NONE:
		break;
	}
	return "none";
}

bool ws_technique_rotating(const struct ws_device *dev)
{
	return dev->rotational == 1 && !dev->nvme.present; /* NVMe: flash */
}

bool ws_technique_advertised(const struct ws_device *dev, enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	if (!i || !(i->flags & WS_TECH_F_FIRMWARE))
		return false;
	if (!(i->flags & WS_TECH_F_ERASES_NOTHING))
		return dev->methods & WS_TECH_BIT(t);
	/* leaving a failure mode: offered wherever the command that fails is */
	for (size_t k = 0; k < ELEMENTSOF(table); k++)
		if (k != (size_t)t && table[k].action_kind == i->action_kind &&
		    (dev->methods & WS_TECH_BIT(k)))
			return true;
	return false;
}

enum ws_technique ws_technique_strongest(const struct ws_device *dev)
{
	bool rotating = ws_technique_rotating(dev);
	enum ws_technique best = WS_TECH_OVERWRITE;
	unsigned best_rank = 0;

	for (size_t k = 0; k < ELEMENTSOF(table); k++) {
		unsigned rank = rotating ? table[k].rank_rotating : table[k].rank_solid;

		if (rank == 0 || !(dev->methods & WS_TECH_BIT(k)))
			continue;
		if (best_rank == 0 || rank < best_rank) { /* ties: the first in the enum */
			best = (enum ws_technique)k;
			best_rank = rank;
		}
	}
	return best;
}
