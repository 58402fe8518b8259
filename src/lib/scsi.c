/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scsi.c - SCSI (SAS) drives: which SANITIZE service actions they support (REPORT SUPPORTED
 * OPERATION CODES, SPC-4 6.35) and the sanitize itself (SBC-4 5.30), with progress from
 * REQUEST SENSE (NOT READY, 04h/1Bh, progress in the sense-key specific bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "health-internal.h"

/* SCSI operation codes and the answers they get (SPC-4, SBC-4) */
#define WS_SCSI_OP_SANITIZE          0x48 /* SBC-4 5.30 */
#define WS_SCSI_OP_MAINTENANCE_IN    0xa3 /* SPC-4 6.35, with ... */
#define WS_SCSI_SA_REPORT_OPCODES    0x0c /* ... REPORT SUPPORTED OPERATION CODES */
#define WS_SCSI_OP_REQUEST_SENSE     0x03 /* SPC-4 6.39 */
#define WS_SCSI_SANITIZE_IMMED       0x80 /* SBC-4 5.30: return before the sanitize ends */
#define WS_SENSE_NOT_READY           0x02 /* SPC-4 4.5.6, sense keys */
#define WS_ASC_NOT_READY             0x04 /* SPC-4 D.2: LOGICAL UNIT NOT READY, with... */
#define WS_ASCQ_SANITIZE_IN_PROGRESS 0x1b /* ... SANITIZE IN PROGRESS */
#define WS_ASC_MEDIUM_FORMAT         0x31 /* SPC-4 D.2: MEDIUM FORMAT CORRUPTED, with... */
#define WS_ASCQ_SANITIZE_FAILED      0x03 /* ... SANITIZE COMMAND FAILED */

/* Is a sanitize running, by the sense data @s? */
static bool sanitize_running(const struct ws_sense *s)
{
	return s->key == WS_SENSE_NOT_READY && s->asc == WS_ASC_NOT_READY &&
	       s->ascq == WS_ASCQ_SANITIZE_IN_PROGRESS;
}

/* Does the drive support SANITIZE with service action @sa? *answered tells whether the
 * drive took REPORT SUPPORTED OPERATION CODES at all. */
static bool supports(int fd, uint8_t sa, bool *answered)
{
	uint8_t buf[16] = { 0 };
	struct ws_sg_args a = {
		.dir = WS_SG_FROM_DEV, .data = buf, .len = sizeof(buf), .cdb_len = 12
	};

	a.cdb[0] = WS_SCSI_OP_MAINTENANCE_IN;
	a.cdb[1] = WS_SCSI_SA_REPORT_OPCODES;
	a.cdb[2] = 0x03; /* one command, with a service action */
	a.cdb[3] = WS_SCSI_OP_SANITIZE;
	a.cdb[5] = sa;
	a.cdb[9] = sizeof(buf);
	if (ws_sg_submit(fd, &a) < 0 || a.status != 0)
		return false;
	*answered = true;
	return (buf[1] & 0x07) == 0x03; /* SUPPORT: supported as the standard says */
}

void ws_scsi_probe(struct ws_ctx *ctx, struct ws_device *dev)
{
	_cleanup_close_ int fd = open(dev->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	dev->scsi.sanitize_overwrite =
	    supports(fd, WS_SCSI_SANITIZE_SA_OVERWRITE, &dev->scsi.probed);
	dev->scsi.sanitize_block = supports(fd, WS_SCSI_SANITIZE_SA_BLOCK_ERASE, &dev->scsi.probed);
	dev->scsi.sanitize_crypto =
	    supports(fd, WS_SCSI_SANITIZE_SA_CRYPTOGRAPHIC_ERASE, &dev->scsi.probed);
	ws_debug(ctx, "%s: SCSI SANITIZE: overwrite %d block %d crypto %d", dev->path,
	         dev->scsi.sanitize_overwrite, dev->scsi.sanitize_block, dev->scsi.sanitize_crypto);
	if (dev->read_only || dev->size_bytes == 0)
		return;
	if (dev->scsi.sanitize_crypto)
		dev->methods |= WS_METHOD_SCSI_SANITIZE_CRYPTO;
	if (dev->scsi.sanitize_block)
		dev->methods |= WS_METHOD_SCSI_SANITIZE_BLOCK;
	if (dev->scsi.sanitize_overwrite)
		dev->methods |= WS_METHOD_SCSI_SANITIZE_OVERWRITE;
}

static int scsi_status(int fd, enum ws_technique t, struct ws_fw_status *ret, int *ret_devstatus)
{
	uint8_t buf[64] = { 0 };
	struct ws_sg_args a = {
		.dir = WS_SG_FROM_DEV, .data = buf, .len = sizeof(buf), .cdb_len = 6
	};
	struct ws_sense s;
	struct ws_sg_args parsed = { 0 };
	int r;

	(void)t;
	a.cdb[0] = WS_SCSI_OP_REQUEST_SENSE;
	a.cdb[4] = sizeof(buf); /* fixed format */
	r = ws_sg_submit(fd, &a);
	if (r < 0)
		return r;
	memcpy(parsed.sense, buf, sizeof(buf));
	parsed.sense_len = sizeof(buf) - (size_t)(a.resid > 0 ? a.resid : 0);
	ws_sense_decode(&parsed, &s);
	memset(ret, 0, sizeof(*ret));
	ret->status_word = s.key;
	ret->detail_word = (uint32_t)(s.asc << 8 | s.ascq);
	ret->running_action = -1; /* the sense data does not say which sanitize runs */
	ret->global_data_erased = -1;
	memcpy(ret->raw, buf, 18);
	ret->raw_len = 18;
	*ret_devstatus = s.key;
	if (sanitize_running(&s)) {
		ret->state = WS_FIRMWARE_RUNNING;
		ret->progress = s.progress_valid ? s.progress : 0;
	} else if (s.asc == WS_ASC_MEDIUM_FORMAT && s.ascq == WS_ASCQ_SANITIZE_FAILED) {
		ret->state = WS_FIRMWARE_FAILED;
	} else {
		ret->state =
		    WS_FIRMWARE_NEVER; /* idle: SCSI keeps no record of a finished sanitize */
	}
	return 0;
}

/* overwrite parameters (SBC-4 5.30.2): OWCOUNT 1, a 4-byte pattern of zeros */
static uint8_t overwrite_params[8] = { 0x01, 0x00, 0x00, 0x04, 0, 0, 0, 0 };

/* The SANITIZE that starts technique @t, into @a. Return: 0, or -EINVAL. */
static int sanitize_cdb(enum ws_technique t, struct ws_sg_args *a)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	if (!i || i->action_kind != WS_ACTION_SCSI_SANITIZE)
		return -EINVAL;
	*a = (struct ws_sg_args){ .cdb_len = 10, .dir = WS_SG_NONE };
	a->cdb[0] = WS_SCSI_OP_SANITIZE;
	a->cdb[1] = (uint8_t)(WS_SCSI_SANITIZE_IMMED | i->action); /* the service action */
	if (i->action == WS_SCSI_SANITIZE_SA_OVERWRITE) {
		a->cdb[8] = sizeof(overwrite_params); /* PARAMETER LIST LENGTH */
		a->dir = WS_SG_TO_DEV;
		a->data = overwrite_params;
		a->len = sizeof(overwrite_params);
	}
	return 0;
}

void ws_cmd_scsi_sanitize_record(const struct ws_device *dev, enum ws_technique t,
                                 struct ws_command_record *rec)
{
	struct ws_sg_args a;

	(void)dev;
	if (sanitize_cdb(t, &a) < 0)
		return;
	ws_cmd_scsi(rec, "SANITIZE", a.cdb, a.cdb_len);
	ws_cmd_scsi_sanitize_params(rec, a.cdb, a.data, a.len);
}

static int scsi_start(int fd, enum ws_technique t, int *ret_devstatus)
{
	struct ws_sg_args a;
	struct ws_sense s;
	int r = sanitize_cdb(t, &a);

	if (r < 0)
		return r;
	r = ws_sg_submit(fd, &a);
	if (r < 0)
		return r;
	ws_sense_decode(&a, &s);
	*ret_devstatus = a.status ? s.key : 0;
	if (a.status == 0)
		return 0;
	if (sanitize_running(&s))
		return 1; /* one already runs: follow it */
	return -EREMOTEIO;
}

const struct ws_transport_ops ws_scsi_transport = {
	.name = "SCSI",
	/* REQUEST SENSE reports a sanitize only while it runs */
	.flags = WS_TRANSPORT_IDLE_AFTER_RUNNING_IS_DONE,
	.probe = ws_scsi_probe,
	.status = scsi_status,
	.start = scsi_start,
	.erase = NULL,          /* every SCSI technique here is a SANITIZE */
	.prepare_hidden = NULL, /* READ CAPACITY reports all there is */
	.health = NULL,         /* SCSI's own log pages are not read: no health recorded */
	.command = ws_cmd_scsi_sanitize_record,
};
