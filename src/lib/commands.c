/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * commands.c - the record of every command wipeseal sends a drive to erase it: NIST SP 800-88
 * Rev. 2 asks a certificate for "the exact commands and parameters", so each one is kept as
 * the bytes that left the host (the NVMe submission entry, the ATA PASS-THROUGH(16) CDB, the
 * SCSI CDB) and, beside them, the fields decoded by the name the specification gives them.
 *
 * The bytes of an ATA or SCSI command are built by the very encoder that sends it; an NVMe
 * command is sent by libnvme, so its entry is rebuilt here from the same fields, and
 * tests/unit/test-commands.c holds the two against each other at the ioctl. Passwords are
 * never recorded: they travel in a data block, and the record says where they were logged.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "health-internal.h"

/* NVMe admin opcodes (NVMe Base 2.0, Figure "Opcodes for Admin Commands") */
#define NVME_OPC_FORMAT_NVM 0x80
#define NVME_OPC_SANITIZE   0x84
/* the submission queue entry (NVMe Base 2.0, "Common Command Format") */
#define SQE_OPCODE          0
#define SQE_NSID            4
#define SQE_CDW10           40
#define SQE_CDW11           44
#define SQE_LEN             64
/* Sanitize CDW10 (NVMe Base 2.0 Figure "Sanitize - Command Dword 10"; EMVS of 2.1) */
#define SAN_SANACT_SHIFT    0
#define SAN_SANACT_MASK     0x7u
#define SAN_AUSE_SHIFT      3
#define SAN_OWPASS_SHIFT    4
#define SAN_OWPASS_MASK     0xfu
#define SAN_OIPBP_SHIFT     8
#define SAN_NDAS_SHIFT      9
#define SAN_EMVS_SHIFT      10
/* Format NVM CDW10 (NVMe Base 2.0 Figure "Format NVM - Command Dword 10") */
#define FMT_LBAFL_SHIFT     0
#define FMT_LBAFL_MASK      0xfu
#define FMT_MSET_SHIFT      4
#define FMT_PI_SHIFT        5
#define FMT_PI_MASK         0x7u
#define FMT_PIL_SHIFT       8
#define FMT_SES_SHIFT       9
#define FMT_SES_MASK        0x7u
#define FMT_LBAFU_SHIFT     12
#define FMT_LBAFU_MASK      0x3u
/* ATA SANITIZE DEVICE COUNT (ACS-4 7.34): bit 4 FAILURE MODE; OVERWRITE EXT also 3:0
 * OVERWRITE LOOP COUNT, 7 INVERT PATTERN BETWEEN OVERWRITE LOOPS */
#define SAN_COUNT_FAILURE   (1u << 4)
#define OW_COUNT_LOOPS_MASK 0xfu
#define OW_COUNT_INVERT     (1u << 7)
/* SCSI SANITIZE CDB (SBC-4 5.30): byte 1 IMMED 7, ZNR 6, AUSE 5, SERVICE ACTION 4:0;
 * PARAMETER LIST LENGTH bytes 7-8 */
#define SCSI_SAN_IMMED      0x80
#define SCSI_SAN_ZNR        0x40
#define SCSI_SAN_AUSE       0x20
#define SCSI_SAN_SA_MASK    0x1f

static uint32_t bit(uint32_t v, unsigned shift)
{
	return v >> shift & 1u;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void named(struct ws_command_record *rec, const char *interface, const char *name)
{
	memset(rec, 0, sizeof(*rec));
	rec->interface = interface;
	snprintf(rec->name, sizeof(rec->name), "%s", name);
	rec->sent_ns = ws_now_ns();
}

void ws_cmd_nvme(struct ws_command_record *rec, const char *name, uint8_t opcode, uint32_t nsid,
                 uint32_t cdw10, uint32_t cdw11)
{
	named(rec, "NVMe", name);
	rec->bytes[SQE_OPCODE] = opcode;
	put_le32(rec->bytes + SQE_NSID, nsid);
	put_le32(rec->bytes + SQE_CDW10, cdw10);
	put_le32(rec->bytes + SQE_CDW11, cdw11);
	rec->n_bytes = SQE_LEN;
}

void ws_cmd_ata(struct ws_command_record *rec, const char *name, const struct ws_ata_cmd *c)
{
	struct ws_sg_args a = { 0 };

	named(rec, "ATA", name);
	ws_ata_pt16(&a, c);
	memcpy(rec->bytes, a.cdb, a.cdb_len);
	rec->n_bytes = a.cdb_len;
}

void ws_cmd_scsi(struct ws_command_record *rec, const char *name, const uint8_t *cdb, size_t len)
{
	named(rec, "SCSI", name);
	if (len > sizeof(rec->bytes))
		len = sizeof(rec->bytes);
	memcpy(rec->bytes, cdb, len);
	rec->n_bytes = len;
}

void ws_cmd_params(struct ws_command_record *rec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rec->parameters, sizeof(rec->parameters), fmt, ap);
	va_end(ap);
}

void ws_result_add_command(struct ws_result *res, const struct ws_command_record *rec)
{
	if (!rec->n_bytes || res->n_commands >= WS_MAX_COMMANDS)
		return;
	res->commands[res->n_commands] = *rec;
	if (!res->commands[res->n_commands].sent_ns)
		res->commands[res->n_commands].sent_ns = ws_now_ns();
	res->n_commands++;
}

/* ---- NVMe ---------------------------------------------------------------------------------- */

static const char *sanact_word(unsigned sanact)
{
	static const char *const words[] = { "reserved",  "exit failure mode", "block erase",
		                             "overwrite", "crypto erase",      "reserved",
		                             "reserved",  "reserved" };

	return words[sanact & SAN_SANACT_MASK];
}

void ws_cmd_nvme_sanitize_params(struct ws_command_record *rec, uint32_t cdw10, uint32_t cdw11)
{
	unsigned sanact = cdw10 >> SAN_SANACT_SHIFT & SAN_SANACT_MASK;

	ws_cmd_params(rec,
	              "SANACT=%u (%s), AUSE=%u, OWPASS=%u, OIPBP=%u, NDAS=%u, EMVS=%u, "
	              "OVRPAT=0x%08x",
	              sanact, sanact_word(sanact), bit(cdw10, SAN_AUSE_SHIFT),
	              cdw10 >> SAN_OWPASS_SHIFT & SAN_OWPASS_MASK, bit(cdw10, SAN_OIPBP_SHIFT),
	              bit(cdw10, SAN_NDAS_SHIFT), bit(cdw10, SAN_EMVS_SHIFT), cdw11);
}

/* What nvme.c's ws_nvme_sanitize_start() has libnvme send for technique @t: SANACT from the
 * technique table, OWPASS 1, everything else 0, OVRPAT 0, NSID 0. */
void ws_cmd_nvme_sanitize_record(const struct ws_device *dev, enum ws_technique t,
                                 struct ws_command_record *rec)
{
	const struct ws_technique_info *i = ws_technique_info(t);
	uint32_t sanact = i && i->action_kind == WS_ACTION_NVME_SANACT ? i->action : 0;
	uint32_t cdw10 = (sanact & SAN_SANACT_MASK) << SAN_SANACT_SHIFT | 1u << SAN_OWPASS_SHIFT;

	(void)dev;
	ws_cmd_nvme(rec, "Sanitize", NVME_OPC_SANITIZE, 0, cdw10, 0);
	ws_cmd_nvme_sanitize_params(rec, cdw10, 0);
}

static const char *ses_word(unsigned ses)
{
	return ses == 0   ? "no secure erase"
	       : ses == 1 ? "user data erase"
	       : ses == 2 ? "cryptographic erase"
	                  : "reserved";
}

void ws_cmd_nvme_format_params(struct ws_command_record *rec, uint32_t nsid, uint32_t cdw10)
{
	unsigned ses = cdw10 >> FMT_SES_SHIFT & FMT_SES_MASK;

	ws_cmd_params(rec, "NSID=%u, LBAF=%u, MSET=%u, PI=%u, PIL=%u, SES=%u (%s)", nsid,
	              (cdw10 >> FMT_LBAFL_SHIFT & FMT_LBAFL_MASK) |
	                  (cdw10 >> FMT_LBAFU_SHIFT & FMT_LBAFU_MASK) << 4,
	              bit(cdw10, FMT_MSET_SHIFT), cdw10 >> FMT_PI_SHIFT & FMT_PI_MASK,
	              bit(cdw10, FMT_PIL_SHIFT), ses, ses_word(ses));
}

void ws_cmd_nvme_format_record(const struct ws_nvme_info *n, int ses, struct ws_command_record *rec)
{
	/* as ws_nvme_format() fills libnvme's args: FLBAS 3:0 and 6:5 the format, 4 extended
	 * metadata; DPS 2:0 PI type, 3 PI in the first bytes */
	uint32_t cdw10 = (uint32_t)(n->flbas & FMT_LBAFL_MASK) << FMT_LBAFL_SHIFT |
	                 (uint32_t)(n->flbas >> 4 & 1) << FMT_MSET_SHIFT |
	                 (uint32_t)(n->dps & FMT_PI_MASK) << FMT_PI_SHIFT |
	                 (uint32_t)(n->dps >> 3 & 1) << FMT_PIL_SHIFT |
	                 ((uint32_t)ses & FMT_SES_MASK) << FMT_SES_SHIFT |
	                 (uint32_t)(n->flbas >> 5 & FMT_LBAFU_MASK) << FMT_LBAFU_SHIFT;

	ws_cmd_nvme(rec, "Format NVM", NVME_OPC_FORMAT_NVM, n->nsid, cdw10, 0);
	ws_cmd_nvme_format_params(rec, n->nsid, cdw10);
}

/* ---- ATA ----------------------------------------------------------------------------------- */

/* Four bytes of a signature as the characters they spell ("Cryp"), '.' for the rest. */
static void spell(char *out, uint32_t key, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		char c = (char)(key >> (8 * (bytes - 1 - i)));

		out[i] = c >= 0x20 && c < 0x7f ? c : '.';
	}
	out[bytes] = '\0';
}

void ws_cmd_ata_sanitize_params(struct ws_command_record *rec, const struct ws_ata_cmd *c)
{
	char sig[8];

	if (c->features == WS_ATA_SANITIZE_OVERWRITE_EXT) {
		spell(sig, (uint32_t)(c->lba >> 32 & 0xffff), 2);
		ws_cmd_params(rec,
		              "FEATURE=%04Xh (OVERWRITE EXT), LBA 47:32=%04Xh (signature \"%s\"), "
		              "pattern (LBA 31:0)=%08Xh, COUNT=%04Xh (OVERWRITE LOOP COUNT %u, "
		              "INVERT PATTERN %u, FAILURE MODE %u)",
		              c->features, (unsigned)(c->lba >> 32 & 0xffff), sig,
		              (unsigned)(c->lba & 0xffffffffu), c->count,
		              c->count & OW_COUNT_LOOPS_MASK, !!(c->count & OW_COUNT_INVERT),
		              !!(c->count & SAN_COUNT_FAILURE));
		return;
	}
	spell(sig, (uint32_t)c->lba, 4);
	ws_cmd_params(rec,
	              "FEATURE=%04Xh (%s), LBA=%012llXh (signature \"%s\"), COUNT=%04Xh "
	              "(FAILURE MODE %u)",
	              c->features,
	              c->features == WS_ATA_SANITIZE_CRYPTO_SCRAMBLE_EXT ? "CRYPTO SCRAMBLE EXT"
	              : c->features == WS_ATA_SANITIZE_BLOCK_ERASE_EXT   ? "BLOCK ERASE EXT"
	                                                                 : "?",
	              (unsigned long long)c->lba, sig, c->count, !!(c->count & SAN_COUNT_FAILURE));
}

void ws_cmd_ata_sanitize_record(const struct ws_device *dev, enum ws_technique t,
                                struct ws_command_record *rec)
{
	struct ws_ata_cmd c;

	(void)dev;
	if (ws_ata_sanitize_cmd(&c, t) < 0)
		return;
	ws_cmd_ata(rec,
	           c.features == WS_ATA_SANITIZE_CRYPTO_SCRAMBLE_EXT
	               ? "SANITIZE DEVICE (CRYPTO SCRAMBLE EXT)"
	           : c.features == WS_ATA_SANITIZE_BLOCK_ERASE_EXT
	               ? "SANITIZE DEVICE (BLOCK ERASE EXT)"
	               : "SANITIZE DEVICE (OVERWRITE EXT)",
	           &c);
	ws_cmd_ata_sanitize_params(rec, &c);
}

void ws_cmd_ata_security(struct ws_command_record *rec, const struct ws_ata_cmd *c,
                         uint16_t control, const char *note)
{
	/* ACS-4 7.41-7.46; the data block's word 0: bit 0 master (1) or user (0) password, bit 1
	 * enhanced erase (ERASE UNIT), bit 8 master password capability maximum (SET PASSWORD) */
	const char *name = c->command == 0xf1   ? "SECURITY SET PASSWORD"
	                   : c->command == 0xf3 ? "SECURITY ERASE PREPARE"
	                   : c->command == 0xf4 ? "SECURITY ERASE UNIT"
	                                        : "SECURITY";

	ws_cmd_ata(rec, name, c);
	if (c->command == 0xf3) {
		ws_cmd_params(rec, "COMMAND=F3h, no data");
		return;
	}
	ws_cmd_params(rec,
	              "COMMAND=%02Xh, PIO data-out 1 block: word 0=%04Xh (%s password%s), "
	              "words 1-16: %s",
	              c->command, control, control & 1 ? "master" : "user",
	              c->command == 0xf4 ? (control & 2 ? ", enhanced erase" : ", normal erase")
	                                 : ", high security",
	              note ? note : "(one-time password)");
}

void ws_cmd_ata_set_max(struct ws_command_record *rec, const struct ws_ata_cmd *c, bool lba48)
{
	ws_cmd_ata(rec, lba48 ? "SET MAX ADDRESS EXT" : "SET MAX ADDRESS", c);
	ws_cmd_params(rec,
	              "LBA=%llu (the native maximum, read by READ NATIVE MAX ADDRESS%s just "
	              "before), COUNT bit 0 VV=%u (%s)",
	              (unsigned long long)c->lba, lba48 ? " EXT" : "", c->count & 1u,
	              c->count & 1u ? "kept over power-on"
	                            : "volatile: until the next power cycle");
}

/* ---- SCSI ---------------------------------------------------------------------------------- */

void ws_cmd_scsi_sanitize_params(struct ws_command_record *rec, const uint8_t *cdb,
                                 const uint8_t *params, size_t n_params)
{
	static const char *const sa[] = { "?", "OVERWRITE", "BLOCK ERASE", "CRYPTOGRAPHIC ERASE" };
	unsigned action = cdb[1] & SCSI_SAN_SA_MASK;
	char list[64] = "none";

	for (size_t i = 0; i < n_params && 2 * i + 2 < sizeof(list); i++)
		snprintf(list + 2 * i, 3, "%02x", params[i]);
	ws_cmd_params(rec,
	              "SERVICE ACTION=%02Xh (%s), IMMED=%u, ZNR=%u, AUSE=%u, PARAMETER LIST "
	              "LENGTH=%u, parameter list: %s%s",
	              action,
	              action < 4                                        ? sa[action]
	              : action == WS_SCSI_SANITIZE_SA_EXIT_FAILURE_MODE ? "EXIT FAILURE MODE"
	                                                                : "?",
	              !!(cdb[1] & SCSI_SAN_IMMED), !!(cdb[1] & SCSI_SAN_ZNR),
	              !!(cdb[1] & SCSI_SAN_AUSE), (unsigned)(cdb[7] << 8 | cdb[8]), list,
	              n_params ? " (OWCOUNT, pattern length, pattern)" : "");
}

/* ---- JSON ---------------------------------------------------------------------------------- */

struct json_object *ws_commands_json(const struct ws_result *res)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < res->n_commands; i++) {
		const struct ws_command_record *c = &res->commands[i];
		struct json_object *o = json_object_new_object();
		char hex[2 * sizeof(c->bytes) + 1] = "";

		for (size_t k = 0; k < c->n_bytes && k < sizeof(c->bytes); k++)
			snprintf(hex + 2 * k, 3, "%02x", c->bytes[k]);
		json_object_object_add(o, "interface", json_object_new_string(c->interface));
		json_object_object_add(o, "command", json_object_new_string(c->name));
		json_object_object_add(o, "bytes", json_object_new_string(hex));
		json_object_object_add(o, "parameters", json_object_new_string(c->parameters));
		json_object_object_add(o, "status", json_object_new_int(c->status));
		json_object_object_add(o, "sent", ws_json_time(c->sent_ns));
		json_object_array_add(a, o);
	}
	return a;
}
