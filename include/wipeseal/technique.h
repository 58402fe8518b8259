/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/technique.h - every erase technique wipeseal knows, as one table.
 *
 * A technique is one row: its --method name, its NIST SP 800-88 level, the IEEE 2883 wording,
 * the transport that carries it, the specification's action code, what it does (flags), what
 * a certificate calls it, the station's short label, and its rank for "the strongest
 * technique". Every consumer (the plan, the gate, results, certificates, the station) reads
 * the row instead of switching on the enum, so adding a technique is one enumerator, one row,
 * its transport's command and its tests.
 *
 * The device's advertised firmware techniques are a bit set indexed by this enum
 * (WS_TECH_BIT(), struct ws_device.methods): one list, not two.
 *
 * Adding a technique: an enumerator before WS_TECH_COUNT, its row in src/lib/technique.c,
 * its command and probe bit (WS_TECH_BIT()) in its transport's file, and its known answers
 * in tests/unit/test-technique.c. At most 24 techniques fit the bit set.
 */
#ifndef WIPESEAL_TECHNIQUE_H
#define WIPESEAL_TECHNIQUE_H

#include <stdbool.h>
#include <stdint.h>

struct ws_device;

/* How a plan erases: by overwriting (the passes), or by the drive's own command. */
enum ws_technique {
	WS_TECH_OVERWRITE,                  /* the plan's passes: NIST Clear */
	WS_TECH_PURGE,                      /* the strongest firmware technique the device has */
	WS_TECH_NVME_SANITIZE_CRYPTO,       /* Sanitize, crypto erase: Purge */
	WS_TECH_NVME_SANITIZE_BLOCK,        /* Sanitize, block erase: Purge */
	WS_TECH_NVME_SANITIZE_OVERWRITE,    /* Sanitize, overwrite: Purge */
	WS_TECH_NVME_SANITIZE_EXIT_FAILURE, /* clear a failed sanitize (erases nothing) */
	WS_TECH_NVME_FORMAT_CRYPTO,         /* Format NVM, SES 2: Clear */
	WS_TECH_NVME_FORMAT_USER_DATA,      /* Format NVM, SES 1: Clear */
	WS_TECH_ATA_SANITIZE_CRYPTO,        /* ATA SANITIZE, CRYPTO SCRAMBLE EXT: Purge */
	WS_TECH_ATA_SANITIZE_BLOCK,         /* ATA SANITIZE, BLOCK ERASE EXT: Purge */
	WS_TECH_ATA_SANITIZE_OVERWRITE,     /* ATA SANITIZE, OVERWRITE EXT: Purge */
	WS_TECH_SCSI_SANITIZE_CRYPTO,       /* SCSI SANITIZE, cryptographic erase: Purge */
	WS_TECH_SCSI_SANITIZE_BLOCK,        /* SCSI SANITIZE, block erase: Purge */
	WS_TECH_SCSI_SANITIZE_OVERWRITE,    /* SCSI SANITIZE, overwrite: Purge */
	WS_TECH_ATA_SECURE_ERASE,           /* SECURITY ERASE UNIT, normal: Purge (disks) */
	WS_TECH_ATA_SECURE_ERASE_ENHANCED,  /* SECURITY ERASE UNIT, enhanced: Purge */
	WS_TECH_OPAL_PSID_REVERT,           /* TCG Revert of the Admin SP as PSID: see opal.h */
	WS_TECH_OPAL_REVERT,                /* TCG Revert of the Admin SP as SID: see opal.h */
	WS_TECH_MMC_ERASE,                  /* eMMC ERASE (CMD38 arg 0): Clear */
	WS_TECH_MMC_TRIM,                   /* eMMC TRIM (CMD38 arg 1): Clear */
	WS_TECH_MMC_SECURE_ERASE,           /* eMMC secure erase (0x80000000): Purge */
	WS_TECH_MMC_SECURE_TRIM,            /* eMMC secure trim, steps 1 and 2: Purge */
	WS_TECH_MMC_SANITIZE,               /* eMMC TRIM, then SANITIZE_START: Purge */
	WS_TECH_PURGE_OR_CLEAR,             /* a policy: purge where offered, else Clear */
	WS_TECH_COUNT                       /* not a technique: the number of rows */
};

/*
 * The bit of a firmware technique in struct ws_device.methods. Bits 0-7 are the overwrite
 * methods (WS_METHOD_CLEAR ...); a technique's bit follows from its place in the enum.
 */
#define WS_TECH_BIT(t) (1u << (8u + (unsigned)(t)))

/* The transport that carries a technique's command. */
enum ws_transport_kind {
	WS_TRANSPORT_NONE, /* the host writes (overwrite), or not a command (purge) */
	WS_TRANSPORT_NVME, /* NVMe admin commands through libnvme */
	WS_TRANSPORT_ATA,  /* ATA commands in ATA PASS-THROUGH(16) (SAT) */
	WS_TRANSPORT_SCSI, /* SCSI commands through SG_IO */
	WS_TRANSPORT_OPAL, /* the kernel's sed-opal interface (TCG Opal), on any block device */
	WS_TRANSPORT_MMC,  /* eMMC commands through MMC_IOC_CMD / MMC_IOC_MULTI_CMD */
};

/* Which specification table a row's action code comes from. */
enum ws_action_kind {
	WS_ACTION_NONE,
	WS_ACTION_NVME_SANACT,        /* NVMe Sanitize, CDW10 SANACT (NVM Express Base) */
	WS_ACTION_NVME_FORMAT_SES,    /* NVMe Format NVM, CDW10 SES (NVM Express Base) */
	WS_ACTION_ATA_SANITIZE,       /* ATA SANITIZE DEVICE (B4h) FEATURE (ACS-3) */
	WS_ACTION_ATA_SECURITY_ERASE, /* SECURITY ERASE UNIT (F4h) mode (ACS-3) */
	WS_ACTION_SCSI_SANITIZE,      /* SCSI SANITIZE (48h) SERVICE ACTION (SBC-4) */
	WS_ACTION_OPAL_AUTHORITY,     /* the authority a TCG Revert is sent as (enum
					 ws_opal_authority) */
	WS_ACTION_MMC_ERASE,          /* eMMC erase kind (enum ws_mmc_erase_kind, JESD84-B51) */
};

/* The authority a TCG Revert of the Admin SP is authenticated as (TCG Storage Opal SSC 2.01,
 * 5.1.3 and the PSID feature set): the PSID printed on the drive's label, or the SID. */
enum ws_opal_authority {
	WS_OPAL_AUTHORITY_PSID = 1,
	WS_OPAL_AUTHORITY_SID = 2,
};

/* ATA SANITIZE DEVICE subcommands, in FEATURE (ACS-3, SANITIZE DEVICE feature set). */
enum ws_ata_sanitize_feature {
	WS_ATA_SANITIZE_STATUS_EXT = 0x0000,
	WS_ATA_SANITIZE_CRYPTO_SCRAMBLE_EXT = 0x0011,
	WS_ATA_SANITIZE_BLOCK_ERASE_EXT = 0x0012,
	WS_ATA_SANITIZE_OVERWRITE_EXT = 0x0014,
};

/* SECURITY ERASE UNIT's erase mode (ACS-3: parameter word 0 bit 1). */
enum ws_ata_security_erase_mode {
	WS_ATA_SECURITY_ERASE_NORMAL = 0,
	WS_ATA_SECURITY_ERASE_ENHANCED = 1,
};

/* SCSI SANITIZE service actions (SBC-4, SANITIZE command). */
enum ws_scsi_sanitize_sa {
	WS_SCSI_SANITIZE_SA_OVERWRITE = 0x01,
	WS_SCSI_SANITIZE_SA_BLOCK_ERASE = 0x02,
	WS_SCSI_SANITIZE_SA_CRYPTOGRAPHIC_ERASE = 0x03,
	WS_SCSI_SANITIZE_SA_EXIT_FAILURE_MODE = 0x1f,
};

/* eMMC erase kinds (JEDEC JESD84-B51: ERASE, TRIM, Secure Erase/Trim, Sanitize): the CMD38
 * argument each sends is mmc.c's (ws_mmc_erase_arg()). */
enum ws_mmc_erase_kind {
	WS_MMC_ERASE = 0,        /* CMD38 0x00000000 */
	WS_MMC_TRIM = 1,         /* CMD38 0x00000001 */
	WS_MMC_SECURE_ERASE = 2, /* CMD38 0x80000000 */
	WS_MMC_SECURE_TRIM = 3,  /* CMD38 0x80000001, then 0x80008000 */
	WS_MMC_SANITIZE = 4,     /* TRIM (or ERASE), then SWITCH EXT_CSD[165] SANITIZE_START = 1 */
};

/* What a technique does, as bits of struct ws_technique_info.flags. */
enum ws_technique_flag {
	/* a cryptographic erase: the drive changes its media key */
	WS_TECH_F_CRYPTO = 1u << 0,
	/* what the media read afterwards is unpredictable (a crypto erase, or an enhanced
	 * security erase's vendor pattern): judged by "nothing reads as before" */
	WS_TECH_F_UNPREDICTABLE = 1u << 1,
	/* acts on the whole NVM subsystem: every namespace of the controller must be named */
	WS_TECH_F_SUBSYSTEM = 1u << 2,
	/* reaches every namespace when the controller says so (NVMe FNA bits 0 and 1) */
	WS_TECH_F_ALL_NAMESPACES_BY_FNA = 1u << 3,
	/* needs a password set on the drive first (ATA Security feature set) */
	WS_TECH_F_PASSWORD = 1u << 4,
	/* the drive reports progress while it runs (sanitize status) */
	WS_TECH_F_PROGRESS = 1u << 5,
	/* erases nothing (leaving NVMe's sanitize failure mode) */
	WS_TECH_F_ERASES_NOTHING = 1u << 6,
	/* carried out by the drive's firmware, not by host writes */
	WS_TECH_F_FIRMWARE = 1u << 7,
	/* what it counts as is the drive's to say (TCG Level 0 Discovery: a revert re-keys only
	 * where the drive encrypts): the row gives the best case, the result the drive's
	 * (ws_result_nist(), docs/methods.md, "Self-encrypting drives (TCG Opal)") */
	WS_TECH_F_DRIVE_DECIDES = 1u << 8,
	/* needs a secret the operator supplies (the PSID from the label, the SID password) */
	WS_TECH_F_SECRET = 1u << 9,
};

/* One row of the table. Every string is static; none is NULL. */
struct ws_technique_info {
	enum ws_technique technique;
	const char *name;     /* as --method spells it: "nvme-sanitize-crypto" */
	const char *nist;     /* NIST SP 800-88: "Clear", "Purge", or "none" */
	const char *ieee2883; /* IEEE 2883-2022's words, "METHOD, INTERFACE technique" (the
	                       * certificate's sanitization.technique_ieee2883) */
	enum ws_transport_kind transport;
	enum ws_action_kind action_kind;
	uint16_t action;     /* the code in the action_kind's table (NVME_SANITIZE_SANACT_*, ...) */
	unsigned flags;      /* enum ws_technique_flag */
	const char *command; /* the drive command a certificate names: "NVMe Sanitize" */
	const char *cert_method; /* the certificate's method_used: "crypto erase", ... */
	const char *label;       /* the station's list column, at most 10 characters */
	/* strongest first (1), 0 when never "the strongest": on solid-state media and on
	 * rotating media (docs/methods.md, "The order of purge"); ties go to the enum order */
	uint8_t rank_solid, rank_rotating;
};

/*
 * ws_technique_info() - the row of @t.
 * Return: the row (static), or NULL when @t is not a technique.
 */
const struct ws_technique_info *ws_technique_info(enum ws_technique t);

/*
 * ws_technique_by_name() - the technique --method @name names, overwrite methods excluded
 * ("overwrite", "purge" and "purge-or-clear" are rows).
 * Return: 0 with @ret set; -ENOENT when no row has that name.
 */
int ws_technique_by_name(const char *name, enum ws_technique *ret);

/* ws_technique_name() - the --method name of a technique, "?" for none. */
const char *ws_technique_name(enum ws_technique t);

/* ws_technique_nist() - "Clear" or "Purge" (NIST SP 800-88), "none" for exit-failure. */
const char *ws_technique_nist(enum ws_technique t);

/* ws_technique_has() - whether @t's row carries every flag of @flags (false for none). */
bool ws_technique_has(enum ws_technique t, unsigned flags);

/* ws_transport_kind_name() - "NVMe", "ATA", "SCSI", "TCG Opal", "MMC", or "none". */
const char *ws_transport_kind_name(enum ws_transport_kind k);

/*
 * ws_technique_rotating() - whether @dev's techniques rank as for rotating media: a drive
 * that says it rotates and is not NVMe.
 */
bool ws_technique_rotating(const struct ws_device *dev);

/*
 * ws_technique_advertised() - whether @dev advertises firmware technique @t: its bit in
 * dev->methods, or, for a technique that erases nothing, any technique of the same command.
 */
bool ws_technique_advertised(const struct ws_device *dev, enum ws_technique t);

/*
 * ws_technique_strongest() - the strongest firmware technique @dev advertises, by the rank
 * for its medium: the one `purge` carries out when it is a Purge technique, and the one the
 * station shows. Nothing is sent to the device.
 * Return: the technique, or WS_TECH_OVERWRITE when it advertises none.
 */
enum ws_technique ws_technique_strongest(const struct ws_device *dev);

/*
 * ws_technique_offers_purge() - whether `purge` has a technique to carry out on @dev: its
 * strongest technique is a Purge one, and it is not a RAID logical volume (whose drives no
 * firmware command reaches). A frozen drive still offers it (it is refused, not cleared).
 * This is the one test of `purge-or-clear` (fallback.c). Nothing is sent to the device.
 */
bool ws_technique_offers_purge(const struct ws_device *dev);

/*
 * ws_technique_fallback() - for a plan of `purge-or-clear` (@plan_technique
 * WS_TECH_PURGE_OR_CLEAR) resolved to @t on @dev, which it is and why, in one sentence for
 * the result and the certificate (sanitization.fallback): the Purge technique the drive
 * offers, or a verified Clear by overwrite and what keeps Purge from it.
 * Return: the sentence (malloc'd), or NULL for another plan (or when memory ran out).
 */
char *ws_technique_fallback(enum ws_technique plan_technique, const struct ws_device *dev,
                            enum ws_technique t);

#endif
