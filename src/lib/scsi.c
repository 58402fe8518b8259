/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scsi.c - SCSI (SAS) drives: which SANITIZE service actions they support (REPORT SUPPORTED
 * OPERATION CODES, SPC-4 6.35) and the sanitize itself (SBC-4 5.30), with progress from
 * REQUEST SENSE (NOT READY, 04h/1Bh, progress in the sense-key specific bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "transport-internal.h"

#define SANITIZE            0x48
#define SA_OVERWRITE        0x01
#define SA_BLOCK            0x02
#define SA_CRYPTO           0x03
#define IMMED               0x80
#define REPORT_OPCODES      0xa3
#define REPORT_OPCODES_SA   0x0c
#define REQUEST_SENSE       0x03
#define KEY_NOT_READY       0x02
#define ASC_IN_PROGRESS     0x04 /* with ASCQ 1Bh: sanitize in progress */
#define ASC_SANITIZE_FAILED 0x31 /* with ASCQ 03h */

/* Does the drive support SANITIZE with service action @sa? *answered tells whether the
 * drive took REPORT SUPPORTED OPERATION CODES at all. */
static bool supports(int fd, uint8_t sa, bool *answered)
{
	uint8_t buf[16] = { 0 };
	struct ws_sg_args a = {
		.dir = WS_SG_FROM_DEV, .data = buf, .len = sizeof(buf), .cdb_len = 12
	};

	a.cdb[0] = REPORT_OPCODES;
	a.cdb[1] = REPORT_OPCODES_SA;
	a.cdb[2] = 0x03; /* one command, with a service action */
	a.cdb[3] = SANITIZE;
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
	dev->scsi.sanitize_overwrite = supports(fd, SA_OVERWRITE, &dev->scsi.probed);
	dev->scsi.sanitize_block = supports(fd, SA_BLOCK, &dev->scsi.probed);
	dev->scsi.sanitize_crypto = supports(fd, SA_CRYPTO, &dev->scsi.probed);
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
	a.cdb[0] = REQUEST_SENSE;
	a.cdb[4] = sizeof(buf); /* fixed format */
	r = ws_sg_submit(fd, &a);
	if (r < 0)
		return r;
	memcpy(parsed.sense, buf, sizeof(buf));
	parsed.sense_len = sizeof(buf) - (size_t)(a.resid > 0 ? a.resid : 0);
	ws_sense_decode(&parsed, &s);
	memset(ret, 0, sizeof(*ret));
	ret->code = s.key;
	ret->detail = (uint32_t)(s.asc << 8 | s.ascq);
	memcpy(ret->raw, buf, 18);
	ret->raw_len = 18;
	*ret_devstatus = s.key;
	if (s.key == KEY_NOT_READY && s.asc == ASC_IN_PROGRESS && s.ascq == 0x1b) {
		ret->state = WS_FW_RUNNING;
		ret->progress = s.progress_valid ? s.progress : 0;
	} else if (s.asc == ASC_SANITIZE_FAILED && s.ascq == 0x03) {
		ret->state = WS_FW_FAILED;
	} else {
		ret->state = WS_FW_NEVER; /* idle: SCSI keeps no record of a finished sanitize */
	}
	return 0;
}

static int scsi_start(int fd, enum ws_technique t, int *ret_devstatus)
{
	/* overwrite parameters (SBC-4 5.30.2): OWCOUNT 1, a 4-byte pattern of zeros */
	uint8_t params[8] = { 0x01, 0x00, 0x00, 0x04, 0, 0, 0, 0 };
	struct ws_sg_args a = { .cdb_len = 10, .dir = WS_SG_NONE };
	struct ws_sense s;
	int r;

	a.cdb[0] = SANITIZE;
	switch (t) {
	case WS_TECH_SCSI_SANITIZE_CRYPTO:
		a.cdb[1] = IMMED | SA_CRYPTO;
		break;
	case WS_TECH_SCSI_SANITIZE_BLOCK:
		a.cdb[1] = IMMED | SA_BLOCK;
		break;
	case WS_TECH_SCSI_SANITIZE_OVERWRITE:
		a.cdb[1] = IMMED | SA_OVERWRITE;
		a.cdb[8] = sizeof(params);
		a.dir = WS_SG_TO_DEV;
		a.data = params;
		a.len = sizeof(params);
		break;
	default:
		return -EINVAL;
	}
	r = ws_sg_submit(fd, &a);
	if (r < 0)
		return r;
	ws_sense_decode(&a, &s);
	*ret_devstatus = a.status ? s.key : 0;
	if (a.status == 0)
		return 0;
	if (s.key == KEY_NOT_READY && s.asc == ASC_IN_PROGRESS && s.ascq == 0x1b)
		return 1; /* one already runs: follow it */
	return -EREMOTEIO;
}

const struct ws_sanitize_ops ws_scsi_sanitize_ops = {
	.name = "SCSI",
	.status = scsi_status,
	.start = scsi_start,
};
