/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sg.c - SCSI commands through SG_IO, and ATA commands inside them (SAT: ATA PASS-THROUGH).
 *
 * ws_sg_submit() is the one place every SCSI and ATA command goes through: the boundary
 * where a real HBA, a USB bridge, QEMU or tests/atasim answers. It returns a negative errno
 * only when the command could not be delivered; what the device said (SCSI status, sense,
 * ATA registers) goes into struct ws_sg_args.
 */
#include <errno.h>
#include <scsi/sg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "transport-internal.h"

int ws_sg_submit(int fd, struct ws_sg_args *a)
{
	struct sg_io_hdr io = {
		.interface_id = 'S',
		.cmdp = a->cdb,
		.cmd_len = (unsigned char)a->cdb_len,
		.dxfer_direction = a->dir == WS_SG_FROM_DEV ? SG_DXFER_FROM_DEV
		                   : a->dir == WS_SG_TO_DEV ? SG_DXFER_TO_DEV
		                                            : SG_DXFER_NONE,
		.dxferp = a->data,
		.dxfer_len = (unsigned int)a->len,
		.sbp = a->sense,
		.mx_sb_len = sizeof(a->sense),
		.timeout = a->timeout_ms ? a->timeout_ms : 60000,
	};

	memset(a->sense, 0, sizeof(a->sense));
	if (ioctl(fd, SG_IO, &io) < 0)
		return -errno;
	a->status = io.status;
	a->host_status = io.host_status;
	a->sense_len = io.sb_len_wr;
	a->resid = io.resid;
	if (io.host_status || (io.driver_status & 0x0f) == 0x01 /* DRIVER_BUSY */)
		return -EIO;
	return 0;
}

void ws_sense_decode(const struct ws_sg_args *a, struct ws_sense *s)
{
	const uint8_t *sb = a->sense;

	memset(s, 0, sizeof(*s));
	if (a->sense_len < 2)
		return;
	if ((sb[0] & 0x7f) >= 0x72) { /* descriptor format (SPC-4 4.5.2) */
		s->key = sb[1] & 0x0f;
		s->asc = sb[2];
		s->ascq = sb[3];
		/* sense-key specific progress: descriptor 02h */
		for (size_t i = 8; i + 1 < a->sense_len && i < sizeof(a->sense);) {
			size_t dl = (size_t)sb[i + 1] + 2;

			if (sb[i] == 0x02 && dl >= 8 && (sb[i + 4] & 0x80)) {
				s->progress_valid = true;
				s->progress = (uint16_t)(sb[i + 5] << 8 | sb[i + 6]);
			}
			if (sb[i] == 0x09 && dl >= 14) { /* ATA Status Return (SAT-3 12.2.2.7) */
				s->ata_valid = true;
				s->ata_error = sb[i + 3];
				s->ata_count = (uint16_t)(sb[i + 4] << 8 | sb[i + 5]);
				s->ata_lba = (uint64_t)sb[i + 7] | (uint64_t)sb[i + 9] << 8 |
				             (uint64_t)sb[i + 11] << 16 |
				             (uint64_t)sb[i + 6] << 24 | (uint64_t)sb[i + 8] << 32 |
				             (uint64_t)sb[i + 10] << 40;
				s->ata_status = sb[i + 13];
			}
			i += dl;
		}
	} else { /* fixed format */
		s->key = sb[2] & 0x0f;
		s->asc = a->sense_len > 12 ? sb[12] : 0;
		s->ascq = a->sense_len > 13 ? sb[13] : 0;
		if (a->sense_len > 17 && (sb[15] & 0x80)) { /* SKSV */
			s->progress_valid = true;
			s->progress = (uint16_t)(sb[16] << 8 | sb[17]);
		}
	}
}

/* ATA PASS-THROUGH (16), SAT-3 12.2.2: registers into named CDB bytes. */
void ws_ata_pt16(struct ws_sg_args *a, const struct ws_ata_cmd *c)
{
	uint8_t *cdb = a->cdb;

	memset(cdb, 0, 16);
	a->cdb_len = 16;
	cdb[0] = 0x85;
	cdb[1] = (uint8_t)(c->protocol << 1) | 0x01; /* EXTEND: 48-bit registers */
	/* byte 2: CK_COND 5, T_DIR 3, BYT_BLOK 2, T_LENGTH 1:0 (2: the length is in COUNT) */
	cdb[2] = c->protocol == WS_ATA_PIO_IN    ? 0x0e  /* T_DIR from device, blocks, COUNT */
	         : c->protocol == WS_ATA_PIO_OUT ? 0x06  /* to device, blocks, COUNT */
	                                         : 0x20; /* no data; return the registers */
	cdb[3] = (uint8_t)(c->features >> 8);
	cdb[4] = (uint8_t)c->features;
	cdb[5] = (uint8_t)(c->count >> 8);
	cdb[6] = (uint8_t)c->count;
	cdb[7] = (uint8_t)(c->lba >> 24);
	cdb[8] = (uint8_t)c->lba;
	cdb[9] = (uint8_t)(c->lba >> 32);
	cdb[10] = (uint8_t)(c->lba >> 8);
	cdb[11] = (uint8_t)(c->lba >> 40);
	cdb[12] = (uint8_t)(c->lba >> 16);
	cdb[13] = c->device;
	cdb[14] = c->command;
	a->dir = c->protocol == WS_ATA_PIO_IN    ? WS_SG_FROM_DEV
	         : c->protocol == WS_ATA_PIO_OUT ? WS_SG_TO_DEV
	                                         : WS_SG_NONE;
}
