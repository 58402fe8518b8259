/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ata.c - SATA drives through SAT (ATA PASS-THROUGH(16) in SG_IO): IDENTIFY DEVICE, and the
 * SANITIZE feature set (ACS-4 7.34, feature codes and LBA signatures below).
 *
 * A drive behind a USB bridge that refuses pass-through is told apart from a drive that does
 * not speak ATA at all: the first is reported as such (overwrite remains possible), the second
 * is a SCSI drive and goes to scsi.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <openssl/crypto.h>

#include <wipeseal/gate.h>

#include "health-internal.h"
#include "purge-run.h"

/* ATA commands (ACS-3 7, command descriptions) */
#define WS_ATA_CMD_IDENTIFY_DEVICE     0xec /* ACS-3 7.12 */
#define WS_ATA_CMD_SANITIZE_DEVICE     0xb4 /* ACS-3 7.36, subcommand in FEATURE */
#define WS_ATA_CMD_DCO                 0xb1 /* ATA8-ACS 7.29 DEVICE CONFIGURATION OVERLAY */
#define WS_ATA_DCO_IDENTIFY            0xc2 /* ... its IDENTIFY subcommand, in FEATURE */
#define WS_ATA_STATUS_ERR              0x01 /* ACS-3 6.2.11, STATUS bit 0 */
/* SCSI answers to an ATA PASS-THROUGH (SPC-4 4.5.6 sense keys; SAM-5 5.3.1 status) */
#define WS_SCSI_STATUS_CHECK_CONDITION 0x02
#define WS_SENSE_NO_SENSE              0x00
#define WS_SENSE_RECOVERED_ERROR       0x01
#define WS_SENSE_ILLEGAL_REQUEST       0x05

/* IDENTIFY DEVICE words (ACS-3 7.12.7, IDENTIFY DEVICE data) */
#define W_SERIAL          10  /* 10..19 */
#define W_FIRMWARE        23  /* 23..26 */
#define W_MODEL           27  /* 27..46 */
#define W_CAPABILITIES    49  /* 9 LBA supported */
#define W_SANITIZE        59  /* 12 supported, 13 crypto, 14 overwrite, 15 block */
#define W_LBA28_SECTORS   60  /* 60..61: user addressable sectors, 28-bit commands */
#define W_CMDSET          82  /* 10 HPA (valid when word 83 is) */
#define W_CMDSET2         83  /* 10 48-bit Address, 11 DCO; 15:14 = 01b when valid */
#define W_ERASE           89  /* normal security erase time, 90 enhanced */
#define W_LBA48_SECTORS   100 /* 100..103: user addressable sectors, 48-bit commands */
#define W_SECTOR_SIZE     106 /* 12 logical sector longer than 256 words; 15:14 = 01b valid */
#define W_LOGICAL_WORDS   117 /* 117..118: words per logical sector */
#define W_SECURITY        128 /* 0 supported, 1 enabled, 2 locked, 3 frozen, 5 enhanced */
#define W_DSM_DETERMINISM 69  /* 14 deterministic data after TRIM, 5 that data is zeros */
#define W_ROTATION        217 /* nominal media rotation rate: 1 non-rotating, 0401h.. rpm */
#define CAP_LBA           (1u << 9)
#define CMDSET_HPA        (1u << 10)
#define CMDSET2_LBA48     (1u << 10)
#define CMDSET2_DCO       (1u << 11)
#define VALID_MASK        0xc000u /* words 83, 106: bits 15:14 */
#define VALID             0x4000u
#define SECTOR_SIZE_LONG  (1u << 12)
#define TRIM_ZEROS        (1u << 14 | 1u << 5) /* word 69: deterministic, and zeros */

/* The host protected area (ACS-3 4.11, the HPA feature set; ATA8-ACS READ NATIVE MAX ADDRESS
 * (EXT) and SET MAX ADDRESS (EXT)) */
#define ATA_READ_NATIVE_MAX_ADDRESS_EXT 0x27
#define ATA_SET_MAX_ADDRESS_EXT         0x37
#define ATA_READ_NATIVE_MAX_ADDRESS     0xf8 /* 28-bit: LBA 27:24 in DEVICE 3:0 */
#define ATA_SET_MAX_ADDRESS             0xf9
#define ATA_DEVICE_LBA                  0x40 /* DEVICE bit 6: "shall be set to one" */
#define ATA_DEVICE_LBA28_MASK           0x0f
/* SET MAX ADDRESS (EXT) COUNT bit 0 is VV, "value volatile": one keeps the new maximum over
 * power-on and hardware reset (hdparm -N p...), zero makes it last until the next one. We
 * always send zero. */
#define SET_MAX_COUNT_VV                0x0001

/* The LBA signature each SANITIZE DEVICE (B4h) subcommand requires (ACS-3 7.36; the feature
 * codes are the technique table's, enum ws_ata_sanitize_feature) */
#define WS_ATA_SANITIZE_SIG_CRYPTO    0x43727970ull /* "Cryp" */
#define WS_ATA_SANITIZE_SIG_BLOCK     0x426b4572ull /* "BkEr" */
#define WS_ATA_SANITIZE_SIG_OVERWRITE 0x4f57ull     /* "OW", in LBA 47:32 */
/* SANITIZE STATUS EXT: COUNT bits 15 succeeded, 14 in progress, 13 frozen (ACS-4 7.34.7) */
#define WS_ATA_SANSTAT_SUCCEEDED      (1u << 15)
#define WS_ATA_SANSTAT_RUNNING        (1u << 14)
#define WS_ATA_SANSTAT_FROZEN         (1u << 13)

static uint16_t word(const uint8_t *id, unsigned w)
{
	return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8);
}

static uint64_t words(const uint8_t *id, unsigned w, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i > 0; i--)
		v = v << 16 | word(id, w + i - 1);
	return v;
}

/* ATA strings are two characters per word, the first in the high byte. */
static char *ata_string(const uint8_t *id, unsigned first, unsigned words)
{
	char buf[96];

	for (unsigned i = 0; i < words && 2 * i + 1 < sizeof(buf); i++) {
		buf[2 * i] = (char)id[2 * (first + i) + 1];
		buf[2 * i + 1] = (char)id[2 * (first + i)];
	}
	buf[2 * words] = '\0';
	return strdup_trim(buf);
}

/* One ATA command through SAT. Return: 0, -EOPNOTSUPP when the path refuses ATA
 * PASS-THROUGH, -EREMOTEIO when the drive aborted it, another negative errno. */
static int ata_cmd(int fd, const struct ws_ata_cmd *c, void *data, size_t len, unsigned timeout_ms,
                   struct ws_sense *ret)
{
	struct ws_sg_args a = { .data = data, .len = len, .timeout_ms = timeout_ms };
	int r;

	memset(ret, 0, sizeof(*ret)); /* callers read it whatever happens */
	ws_ata_pt16(&a, c);
	r = ws_sg_submit(fd, &a);
	if (r < 0)
		return r;
	ws_sense_decode(&a, ret);
	if (a.status != WS_SCSI_STATUS_CHECK_CONDITION)
		return 0;
	if (ret->key == WS_SENSE_ILLEGAL_REQUEST && !ret->ata_valid) /* no pass-through here */
		return -EOPNOTSUPP;
	if (ret->ata_valid)
		return ret->ata_status & WS_ATA_STATUS_ERR ? -EREMOTEIO : 0;
	return ret->key == WS_SENSE_NO_SENSE || ret->key == WS_SENSE_RECOVERED_ERROR
	           ? 0
	           : -EREMOTEIO; /* e.g. ABORTED COMMAND */
}

int ws_ata_submit(int fd, const struct ws_ata_cmd *c, void *data, size_t len, unsigned timeout_ms,
                  struct ws_sense *ret)
{
	return ata_cmd(fd, c, data, len, timeout_ms, ret);
}

static int sanitize_status(int fd, struct ws_sense *s)
{
	const struct ws_ata_cmd c = { .protocol = WS_ATA_NON_DATA,
		                      .command = WS_ATA_CMD_SANITIZE_DEVICE,
		                      .features = WS_ATA_SANITIZE_STATUS_EXT };

	return ata_cmd(fd, &c, NULL, 0, 0, s);
}

/* A string the drive gave wins over sysfs's and udev's (libata's SCSI model is 16 and its
 * revision 4 characters of the drive's 40 and 8); an empty one changes nothing. */
static void prefer(char **field, char *from_drive)
{
	if (!from_drive)
		return;
	free(*field);
	*field = from_drive;
}

void ws_ata_parse_identify(struct ws_device *dev, const uint8_t *id)
{
	struct ws_ata_info *a = &dev->ata;
	uint16_t san = word(id, W_SANITIZE), sec = word(id, W_SECURITY);
	bool cmdset2_valid = (word(id, W_CMDSET2) & VALID_MASK) == VALID;

	a->present = true;
	a->sanitize_supported = san & (1u << 12);
	a->sanitize_crypto = a->sanitize_supported && (san & (1u << 13));
	a->sanitize_overwrite = a->sanitize_supported && (san & (1u << 14));
	a->sanitize_block = a->sanitize_supported && (san & (1u << 15));
	a->hpa_supported = cmdset2_valid && (word(id, W_CMDSET) & CMDSET_HPA);
	a->dco_supported = cmdset2_valid && (word(id, W_CMDSET2) & CMDSET2_DCO);
	a->trim_reads_zeros = (word(id, W_DSM_DETERMINISM) & TRIM_ZEROS) == TRIM_ZEROS;
	a->security_supported = sec & 1;
	a->security_enabled = sec & 2;
	a->security_locked = sec & 4;
	a->security_frozen = sec & 8;
	a->enhanced_erase_supported = sec & 0x20;
	/* times in units of 2 minutes: bits 7:0, or bits 14:0 when bit 15 says extended */
	for (int k = 0; k < 2; k++) {
		uint16_t w = word(id, W_ERASE + (unsigned)k);
		uint32_t m = 2u * (w & 0x8000 ? (w & 0x7fffu) : (w & 0xffu));
		uint16_t *dst = k ? &a->enhanced_erase_minutes : &a->erase_minutes;

		*dst = m > UINT16_MAX ? UINT16_MAX : (uint16_t)m;
	}
	/* the drive knows whether it spins better than the block layer's guess (loop devices,
	 * some bridges say "rotational" for everything) */
	if (word(id, W_ROTATION) == 1)
		dev->rotational = 0;
	else if (word(id, W_ROTATION) >= 0x401 && word(id, W_ROTATION) != 0xffff)
		dev->rotational = 1;
	/* 48-bit addressing as libata's ata_id_has_lba48() sees it: word 83 valid, bit 10, and
	 * a capacity in words 100-103; without it the capacity is in words 60-61 */
	a->lba48 = cmdset2_valid && (word(id, W_CMDSET2) & CMDSET2_LBA48) &&
	           words(id, W_LBA48_SECTORS, 4) != 0;
	if (a->lba48)
		a->accessible_sectors = words(id, W_LBA48_SECTORS, 4);
	else if (word(id, W_CAPABILITIES) & CAP_LBA)
		a->accessible_sectors = words(id, W_LBA28_SECTORS, 2);
	else
		a->accessible_sectors = 0; /* CHS only: nothing we address */
	/* every count above is in logical sectors (words 117-118 when word 106 says so) */
	a->sector_size = 512;
	if ((word(id, W_SECTOR_SIZE) & VALID_MASK) == VALID &&
	    (word(id, W_SECTOR_SIZE) & SECTOR_SIZE_LONG) && words(id, W_LOGICAL_WORDS, 2) >= 256 &&
	    words(id, W_LOGICAL_WORDS, 2) <= (1u << 20))
		a->sector_size = (uint32_t)words(id, W_LOGICAL_WORDS, 2) * 2;
	prefer(&dev->model, ata_string(id, W_MODEL, 20));
	prefer(&dev->serial, ata_string(id, W_SERIAL, 10));
	prefer(&dev->firmware, ata_string(id, W_FIRMWARE, 4));
}

void ws_ata_read_native_max_cmd(struct ws_ata_cmd *c, bool lba48)
{
	*c = (struct ws_ata_cmd){
		.protocol = WS_ATA_NON_DATA,
		.command = lba48 ? ATA_READ_NATIVE_MAX_ADDRESS_EXT : ATA_READ_NATIVE_MAX_ADDRESS,
		.device = ATA_DEVICE_LBA,
		.lba28 = !lba48,
	};
}

void ws_ata_set_max_cmd(struct ws_ata_cmd *c, bool lba48, uint64_t max_lba)
{
	*c = (struct ws_ata_cmd){
		.protocol = WS_ATA_NON_DATA,
		.command = lba48 ? ATA_SET_MAX_ADDRESS_EXT : ATA_SET_MAX_ADDRESS,
		.lba = max_lba,
		.count = 0, /* SET_MAX_COUNT_VV clear: volatile, the owner's maximum comes back */
		.device = ATA_DEVICE_LBA,
		.lba28 = !lba48,
	};
}

uint64_t ws_ata_native_max_lba(const struct ws_sense *s, bool lba48)
{
	if (lba48)
		return s->ata_lba;
	return (s->ata_lba & 0xffffffu) | (uint64_t)(s->ata_device & ATA_DEVICE_LBA28_MASK) << 24;
}

/* READ NATIVE MAX ADDRESS (EXT): the number of sectors the drive has. Return: 0 or errno */
static int read_native_max(int fd, bool lba48, uint64_t *ret_sectors, struct ws_sense *s)
{
	struct ws_ata_cmd c;
	int r;

	ws_ata_read_native_max_cmd(&c, lba48);
	r = ata_cmd(fd, &c, NULL, 0, 0, s);
	if (r < 0)
		return r;
	if (!s->ata_valid) /* the bridge did not return the registers */
		return -EIO;
	*ret_sectors = ws_ata_native_max_lba(s, lba48) + 1;
	return 0;
}

void ws_ata_probe(struct ws_ctx *ctx, struct ws_device *dev)
{
	_cleanup_close_ int fd = open(dev->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	const struct ws_ata_cmd identify = { .protocol = WS_ATA_PIO_IN,
		                             .command = WS_ATA_CMD_IDENTIFY_DEVICE,
		                             .count = 1 };
	uint8_t id[512] = { 0 };
	struct ws_sense s;
	int r;

	if (fd < 0)
		return;
	r = ata_cmd(fd, &identify, id, sizeof(id), 0, &s);
	if (r == -EOPNOTSUPP) {
		/* SG_IO works and ATA PASS-THROUGH does not: a SCSI drive, or a bridge that
		 * refuses it. Either way SCSI's own SANITIZE may be there. */
		dev->ata.passthrough_rejected = true; /* a SAS drive, or a bridge refusing it */
		ws_scsi_probe(ctx, dev);
		return;
	}
	if (r < 0 || word(id, 0) & 0x8000) /* not an ATA device (ATAPI sets bit 15) */
		return;
	ws_ata_parse_identify(dev, id);
	if (dev->ata.dco_supported) { /* DEVICE CONFIGURATION IDENTIFY (B1h/C2h) */
		const struct ws_ata_cmd dco = { .protocol = WS_ATA_PIO_IN,
			                        .command = WS_ATA_CMD_DCO,
			                        .features = WS_ATA_DCO_IDENTIFY,
			                        .count = 1 };
		uint8_t block[512] = { 0 };

		if (ata_cmd(fd, &dco, block, sizeof(block), 0, &s) == 0)
			dev->ata.dco_sectors =
			    ((uint64_t)word(block, 3) | (uint64_t)word(block, 4) << 16 |
			     (uint64_t)word(block, 5) << 32 | (uint64_t)word(block, 6) << 48) +
			    1;
	}
	if (dev->ata.hpa_supported &&
	    read_native_max(fd, dev->ata.lba48, &dev->ata.native_sectors, &s) < 0)
		dev->ata.native_sectors = 0;
	if (dev->ata.sanitize_supported && sanitize_status(fd, &s) == 0 && s.ata_valid)
		dev->ata.sanitize_frozen = s.ata_count & WS_ATA_SANSTAT_FROZEN;
	ws_debug(ctx, "%s: ATA IDENTIFY: sanitize %d, security %d", dev->path,
	         dev->ata.sanitize_supported, dev->ata.security_supported);
	if (dev->read_only || dev->size_bytes == 0)
		return;
	if (dev->ata.sanitize_crypto)
		dev->methods |= WS_METHOD_ATA_SANITIZE_CRYPTO;
	if (dev->ata.sanitize_block)
		dev->methods |= WS_METHOD_ATA_SANITIZE_BLOCK;
	if (dev->ata.sanitize_overwrite)
		dev->methods |= WS_METHOD_ATA_SANITIZE_OVERWRITE;
	/* a drive locked with a password nobody here knows cannot be erased by us */
	if (dev->ata.security_supported && !dev->ata.security_locked) {
		dev->methods |= WS_METHOD_ATA_SECURE_ERASE;
		if (dev->ata.enhanced_erase_supported)
			dev->methods |= WS_METHOD_ATA_SECURE_ERASE_ENHANCED;
	}
}

/* ---- sanitize ------------------------------------------------------------------------------ */

static int ata_status(int fd, enum ws_technique t, struct ws_fw_status *ret, int *ret_devstatus)
{
	struct ws_sense s;
	int r = sanitize_status(fd, &s);

	(void)t;
	memset(ret, 0, sizeof(*ret));
	if (r == -EREMOTEIO) { /* the last sanitize failed: the drive aborts the status query */
		ret->state = WS_FIRMWARE_FAILED;
		ret->status_word = s.ata_error;
		ret->running_action = -1;
		ret->global_data_erased = -1;
		*ret_devstatus = s.ata_error;
		return 0;
	}
	if (r < 0)
		return r;
	ret->running_action = -1; /* SANITIZE STATUS EXT does not say which one runs */
	ret->global_data_erased = -1;
	ret->status_word = s.ata_count;
	ret->detail_word = (uint32_t)s.ata_lba;
	ret->progress = (uint16_t)s.ata_lba; /* LBA 15:0 while running */
	ret->state = s.ata_count & WS_ATA_SANSTAT_RUNNING     ? WS_FIRMWARE_RUNNING
	             : s.ata_count & WS_ATA_SANSTAT_SUCCEEDED ? WS_FIRMWARE_DONE
	                                                      : WS_FIRMWARE_NEVER;
	ret->raw_len = 16;
	memcpy(ret->raw, &s.ata_count, 2);
	memcpy(ret->raw + 2, &s.ata_lba, 8);
	return 0;
}

int ws_ata_sanitize_cmd(struct ws_ata_cmd *c, enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	if (!i || i->action_kind != WS_ACTION_ATA_SANITIZE)
		return -EINVAL;
	*c = (struct ws_ata_cmd){ .protocol = WS_ATA_NON_DATA,
		                  .command = WS_ATA_CMD_SANITIZE_DEVICE,
		                  .features = i->action };
	switch (i->action) {
	case WS_ATA_SANITIZE_CRYPTO_SCRAMBLE_EXT:
		c->lba = WS_ATA_SANITIZE_SIG_CRYPTO;
		break;
	case WS_ATA_SANITIZE_BLOCK_ERASE_EXT:
		c->lba = WS_ATA_SANITIZE_SIG_BLOCK;
		break;
	case WS_ATA_SANITIZE_OVERWRITE_EXT:
		c->lba = WS_ATA_SANITIZE_SIG_OVERWRITE << 32; /* pattern 0 in LBA 31:0 */
		c->count = 1;                                 /* one pass, no invert */
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int ata_start(int fd, enum ws_technique t, int *ret_devstatus)
{
	struct ws_ata_cmd c;
	struct ws_sense s;
	int r = ws_ata_sanitize_cmd(&c, t);

	if (r < 0)
		return r;
	r = ata_cmd(fd, &c, NULL, 0, 0, &s);
	*ret_devstatus = s.ata_valid ? s.ata_error : 0;
	return r;
}

/* ---- the Security feature set (ACS-4 7.41-7.46) ------------------------------------------- */

#define WS_ATA_CMD_SECURITY_SET_PASSWORD     0xf1
#define WS_ATA_CMD_SECURITY_UNLOCK           0xf2
#define WS_ATA_CMD_SECURITY_ERASE_PREPARE    0xf3
#define WS_ATA_CMD_SECURITY_ERASE_UNIT       0xf4
#define WS_ATA_CMD_SECURITY_DISABLE_PASSWORD 0xf6
/* the data block's word 0 (ACS-4 7.45.2, 7.44.2): bit 0 user (0) or master (1) password,
 * bit 1 the enhanced erase mode */
#define WS_ATA_SEC_USER_PASSWORD             0x0000
#define WS_ATA_SEC_ENHANCED_ERASE            0x0002

/* The 512-byte data block of SET PASSWORD, UNLOCK, ERASE UNIT and DISABLE PASSWORD: word 0
 * the control bits (bit 0: 0 = user password; bit 1: enhanced erase), words 1-16 the
 * password. @rec (may be NULL): the command as sent, @note standing for the password. */
static int security_cmd(int fd, uint8_t command, uint16_t control, const uint8_t *password,
                        unsigned timeout_ms, int *ret_devstatus, struct ws_command_record *rec,
                        const char *note)
{
	const struct ws_ata_cmd c = { .protocol = WS_ATA_PIO_OUT, .command = command, .count = 1 };
	uint8_t block[512] = { 0 };
	struct ws_sense s;
	int r;

	block[0] = (uint8_t)control;
	block[1] = (uint8_t)(control >> 8);
	memcpy(block + 2, password, WS_ATA_PASSWORD_BYTES);
	if (rec)
		ws_cmd_ata_security(rec, &c, control, note);
	r = ata_cmd(fd, &c, block, sizeof(block), timeout_ms, &s);
	OPENSSL_cleanse(block, sizeof(block));
	if (rec)
		rec->status = s.ata_valid ? s.ata_error : s.key;
	if (ret_devstatus)
		*ret_devstatus = s.ata_valid ? s.ata_error : s.key;
	return r;
}

int ws_ata_security_state(int fd, struct ws_ata_info *ret)
{
	const struct ws_ata_cmd identify = { .protocol = WS_ATA_PIO_IN,
		                             .command = WS_ATA_CMD_IDENTIFY_DEVICE,
		                             .count = 1 };
	uint8_t id[512] = { 0 };
	struct ws_sense s;
	uint16_t sec;
	int r = ata_cmd(fd, &identify, id, sizeof(id), 0, &s);

	if (r < 0)
		return r;
	sec = word(id, W_SECURITY);
	ret->security_supported = sec & 1;
	ret->security_enabled = sec & 2;
	ret->security_locked = sec & 4;
	ret->security_frozen = sec & 8;
	return 0;
}

int ws_ata_secure_erase(int fd, bool enhanced, const uint8_t *password, unsigned timeout_s,
                        int *ret_devstatus, struct ws_command_record *ret_cmds,
                        const char *password_note)
{
	const struct ws_ata_cmd prepare = { .protocol = WS_ATA_NON_DATA,
		                            .command = WS_ATA_CMD_SECURITY_ERASE_PREPARE };
	struct ws_sense s;
	int r;

	/* a user password, high master capability: what the erase needs, nothing more */
	r = security_cmd(fd, WS_ATA_CMD_SECURITY_SET_PASSWORD, WS_ATA_SEC_USER_PASSWORD, password,
	                 0, ret_devstatus, ret_cmds, password_note);
	if (r < 0)
		return r;
	/* ERASE UNIT must follow ERASE PREPARE directly */
	if (ret_cmds)
		ws_cmd_ata_security(&ret_cmds[1], &prepare, 0, NULL);
	r = ata_cmd(fd, &prepare, NULL, 0, 0, &s);
	if (ret_cmds)
		ret_cmds[1].status = s.ata_valid ? s.ata_error : s.key;
	if (r == 0)
		r = security_cmd(fd, WS_ATA_CMD_SECURITY_ERASE_UNIT,
		                 enhanced ? WS_ATA_SEC_ENHANCED_ERASE : WS_ATA_SEC_USER_PASSWORD,
		                 password,
		                 timeout_s > UINT32_MAX / 1000 ? UINT32_MAX : timeout_s * 1000u,
		                 ret_devstatus, ret_cmds ? &ret_cmds[2] : NULL, password_note);
	return r;
}

int ws_ata_unlock(struct ws_target *target, const uint8_t *password, int *ret_devstatus)
{
	if (!target || !password)
		return -EINVAL;
	return ws_ata_security_unlock(ws_target_fd(target), password, ret_devstatus);
}

int ws_ata_security_unlock(int fd, const uint8_t *password, int *ret_devstatus)
{
	int r = security_cmd(fd, WS_ATA_CMD_SECURITY_UNLOCK, WS_ATA_SEC_USER_PASSWORD, password, 0,
	                     ret_devstatus, NULL, NULL);

	if (r == 0)
		r = security_cmd(fd, WS_ATA_CMD_SECURITY_DISABLE_PASSWORD, WS_ATA_SEC_USER_PASSWORD,
		                 password, 0, ret_devstatus, NULL, NULL);
	return r;
}

/* ---- the host protected area (ACS-3 4.11, SET MAX ADDRESS (EXT)) ---------------------------- */

int ws_ata_restore_native_max(int fd, bool lba48, uint64_t *ret_native_sectors, int *ret_devstatus,
                              struct ws_command_record *ret_cmd)
{
	struct ws_ata_cmd set;
	struct ws_sense s;
	uint64_t native = 0;
	int r;

	/* the drive aborts a SET MAX that does not follow READ NATIVE MAX at once (ATA8-ACS, SET
	 * MAX ADDRESS (EXT); hdparm: "spec requires that we do this immediately in front"):
	 * nothing else may be sent between the two */
	r = read_native_max(fd, lba48, &native, &s);
	if (r == 0) {
		ws_ata_set_max_cmd(&set, lba48, native - 1);
		if (ret_cmd)
			ws_cmd_ata_set_max(ret_cmd, &set, lba48);
		r = ata_cmd(fd, &set, NULL, 0, 0, &s);
		if (ret_cmd)
			ret_cmd->status = s.ata_valid ? s.ata_error : s.key;
	}
	*ret_devstatus = s.ata_valid ? s.ata_error : s.key;
	if (r == 0 && ret_native_sectors)
		*ret_native_sectors = native;
	return r;
}

/* Make the host protected area addressable for the wipe, or record it as kept (@keep). The
 * counts are in the drive's logical sectors (IDENTIFY words 106, 117-118). */
static int ata_prepare_hidden(struct ws_ctx *ctx, struct ws_target *t, bool keep,
                              struct ws_hidden_result *h, struct ws_command_record *ret_cmd)
{
	const struct ws_device *d = ws_target_device(t);
	uint64_t lbs = d->ata.sector_size       ? d->ata.sector_size
	               : d->logical_sector_size ? d->logical_sector_size
	                                        : 512;
	uint64_t native = d->ata.native_sectors ? d->ata.native_sectors : d->ata.accessible_sectors;
	int status = 0, r;

	if ((!d->ata.hpa_supported || !d->ata.native_sectors) && !d->ata.dco_sectors)
		return 0; /* the drive cannot say */
	h->checked = true;
	if (d->ata.dco_sectors > native)
		h->dco_hidden = (d->ata.dco_sectors - native) * lbs;
	h->accessible_before = d->ata.accessible_sectors * lbs;
	h->native = native * lbs;
	h->accessible_after = h->accessible_before;
	if (keep && (h->dco_hidden || h->native > h->accessible_before)) {
		h->kept = true; /* left hidden on purpose: the result says "not erased" */
		return 0;
	}
	if (h->native <= h->accessible_before)
		return 0;
	r = ws_ata_restore_native_max(ws_target_fd(t), d->ata.lba48, NULL, &status, ret_cmd);
	if (r < 0) {
		ws_warn(ctx, "%s: the hidden area could not be restored (ATA error 0x%x)", d->path,
		        status);
		return r;
	}
	ws_hidden_reread(ctx, d, ws_target_fd(t), h);
	return 0;
}

/* Zeros when IDENTIFY word 69 promises deterministic zeros after TRIM; else it does not say. */
static int ata_erased_byte(const struct ws_device *dev)
{
	return dev->ata.trim_reads_zeros ? 0x00 : -1;
}

/* ---- the transport ------------------------------------------------------------------------- */

const struct ws_transport_ops ws_ata_transport = {
	.name = "ATA",
	.flags = 0, /* a failed sanitize is followed by a new one; the status keeps a record */
	.probe = ws_ata_probe,
	.status = ata_status,
	.start = ata_start,
	.erase = ws_purge_secure_erase,
	.erased_byte = ata_erased_byte,
	.prepare_hidden = ata_prepare_hidden,
	.health = ws_ata_health,               /* smart.c */
	.command = ws_cmd_ata_sanitize_record, /* commands.c */
};
