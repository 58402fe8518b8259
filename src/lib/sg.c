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

/* ATA PASS-THROUGH (16) (SAT-3, SAT-4: the ATA PASS-THROUGH (16) command). */
#define PT16_OPCODE           0x85
#define PT16_PROTOCOL_SHIFT   1    /* byte 1 bits 4:1 */
#define PT16_EXTEND           0x01 /* byte 1 bit 0: the 48-bit registers are valid */
#define PT16_CK_COND          0x20 /* byte 2 bit 5: return the registers in sense data */
#define PT16_T_DIR_IN         0x08 /* byte 2 bit 3: from the device */
#define PT16_BYT_BLOK         0x04 /* byte 2 bit 2: the length counts blocks */
#define PT16_T_LENGTH_COUNT   0x02 /* byte 2 bits 1:0 = 10b: the length is in COUNT */
#define ATA_DEVICE_LBA28_MASK 0x0f /* DEVICE bits 3:0: LBA 27:24 of a 28-bit command */

/* Sense data (SPC-4 4.5): the response code in byte 0 bits 6:0 tells the two formats apart. */
#define SENSE_RESPONSE_CODE_MASK 0x7f
#define SENSE_DESCRIPTOR_CURRENT 0x72 /* 73h: deferred */
#define SENSE_KEY_MASK           0x0f
/* descriptor format (SPC-4 4.5.2): ADDITIONAL SENSE LENGTH in byte 7, descriptors from 8 */
#define SENSE_DESC_ADDL_LENGTH   7
#define SENSE_DESC_FIRST         8
/* sense-key specific descriptor 02h (SPC-4 4.5.2.4): SKSV byte 4 bit 7, progress 5-6 */
#define SENSE_DESC_SKS           0x02
#define SENSE_DESC_SKS_LENGTH    8
#define SENSE_SKSV               0x80
/* fixed format (SPC-4 4.5.3): key byte 2, ASC 12, ASCQ 13, SKSV byte 15 bit 7, field 16-17 */
#define SENSE_FIXED_KEY          2
#define SENSE_FIXED_ASC          12
#define SENSE_FIXED_ASCQ         13
#define SENSE_FIXED_SKS          15
/* ATA Status Return sense data descriptor 09h (SAT-3/SAT-4), 14 bytes: EXTEND byte 2 bit 0,
 * ERROR 3, COUNT 15:8 4, COUNT 7:0 5, LBA 31:24 6, LBA 7:0 7, LBA 39:32 8, LBA 15:8 9,
 * LBA 47:40 10, LBA 23:16 11, DEVICE 12, STATUS 13. Bytes 4, 6, 8, 10 are defined only
 * with EXTEND. */
#define SENSE_DESC_ATA           0x09
#define SENSE_DESC_ATA_LENGTH    14
#define ATA_RET_EXTEND           0x01

/* @sent_extended: the command went out as a 48-bit one. Some bridges leave EXTEND clear in
 * the answer even then; the high bytes are read whenever either side says 48-bit. */
static void ata_status_return(const uint8_t *d, bool sent_extended, struct ws_sense *s)
{
	s->ata_valid = true;
	s->ata_extend = d[2] & ATA_RET_EXTEND;
	s->ata_error = d[3];
	s->ata_count = d[5];
	s->ata_lba = (uint64_t)d[7] | (uint64_t)d[9] << 8 | (uint64_t)d[11] << 16;
	if (s->ata_extend || sent_extended) {
		s->ata_count |= (uint16_t)(d[4] << 8);
		s->ata_lba |= (uint64_t)d[6] << 24 | (uint64_t)d[8] << 32 | (uint64_t)d[10] << 40;
	}
	s->ata_device = d[12];
	s->ata_status = d[13];
}

void ws_sense_decode(const struct ws_sg_args *a, struct ws_sense *s)
{
	const uint8_t *sb = a->sense;
	size_t len = a->sense_len < sizeof(a->sense) ? a->sense_len : sizeof(a->sense);
	bool sent_extended =
	    a->cdb_len >= 2 && a->cdb[0] == PT16_OPCODE && (a->cdb[1] & PT16_EXTEND);

	memset(s, 0, sizeof(*s));
	if (len < 2)
		return;
	if ((sb[0] & SENSE_RESPONSE_CODE_MASK) >= SENSE_DESCRIPTOR_CURRENT) {
		size_t end = SENSE_DESC_FIRST +
		             (len > SENSE_DESC_ADDL_LENGTH ? sb[SENSE_DESC_ADDL_LENGTH] : 0);

		s->key = sb[1] & SENSE_KEY_MASK;
		s->asc = len > 2 ? sb[2] : 0;
		s->ascq = len > 3 ? sb[3] : 0;
		if (end > len) /* what the device says it sent, but no more than arrived */
			end = len;
		/* every descriptor is type, ADDITIONAL LENGTH, then that many bytes; one that
		 * does not fit inside the sense data is not read at all */
		for (size_t i = SENSE_DESC_FIRST; i + 2 <= end;) {
			size_t dl = (size_t)sb[i + 1] + 2;
			const uint8_t *d = sb + i;

			if (i + dl > end)
				break;
			if (d[0] == SENSE_DESC_SKS && dl >= SENSE_DESC_SKS_LENGTH &&
			    (d[4] & SENSE_SKSV)) {
				s->progress_valid = true;
				s->progress = (uint16_t)(d[5] << 8 | d[6]);
			}
			if (d[0] == SENSE_DESC_ATA && dl >= SENSE_DESC_ATA_LENGTH)
				ata_status_return(d, sent_extended, s);
			i += dl;
		}
	} else {
		s->key = len > SENSE_FIXED_KEY ? sb[SENSE_FIXED_KEY] & SENSE_KEY_MASK : 0;
		s->asc = len > SENSE_FIXED_ASC ? sb[SENSE_FIXED_ASC] : 0;
		s->ascq = len > SENSE_FIXED_ASCQ ? sb[SENSE_FIXED_ASCQ] : 0;
		if (len > SENSE_FIXED_SKS + 2 && (sb[SENSE_FIXED_SKS] & SENSE_SKSV)) {
			s->progress_valid = true;
			s->progress =
			    (uint16_t)(sb[SENSE_FIXED_SKS + 1] << 8 | sb[SENSE_FIXED_SKS + 2]);
		}
	}
}

void ws_ata_pt16(struct ws_sg_args *a, const struct ws_ata_cmd *c)
{
	uint8_t *cdb = a->cdb;

	memset(cdb, 0, 16);
	a->cdb_len = 16;
	cdb[0] = PT16_OPCODE;
	cdb[1] = (uint8_t)(c->protocol << PT16_PROTOCOL_SHIFT) | (c->lba28 ? 0 : PT16_EXTEND);
	cdb[2] = c->protocol == WS_ATA_PIO_IN ? PT16_T_DIR_IN | PT16_BYT_BLOK | PT16_T_LENGTH_COUNT
	         : c->protocol == WS_ATA_PIO_OUT ? PT16_BYT_BLOK | PT16_T_LENGTH_COUNT
	                                         : PT16_CK_COND;
	/* the "previous" (15:8, 47:24) halves in bytes 3, 5, 7, 9, 11; only with EXTEND */
	if (!c->lba28) {
		cdb[3] = (uint8_t)(c->features >> 8);
		cdb[5] = (uint8_t)(c->count >> 8);
		cdb[7] = (uint8_t)(c->lba >> 24);
		cdb[9] = (uint8_t)(c->lba >> 32);
		cdb[11] = (uint8_t)(c->lba >> 40);
	}
	cdb[4] = (uint8_t)c->features;
	cdb[6] = (uint8_t)c->count;
	cdb[8] = (uint8_t)c->lba;
	cdb[10] = (uint8_t)(c->lba >> 8);
	cdb[12] = (uint8_t)(c->lba >> 16);
	cdb[13] =
	    c->lba28 ? (uint8_t)(c->device | ((c->lba >> 24) & ATA_DEVICE_LBA28_MASK)) : c->device;
	cdb[14] = c->command;
	a->dir = c->protocol == WS_ATA_PIO_IN    ? WS_SG_FROM_DEV
	         : c->protocol == WS_ATA_PIO_OUT ? WS_SG_TO_DEV
	                                         : WS_SG_NONE;
}
