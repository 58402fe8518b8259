/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opalsim-level0.c - the Level 0 Discovery response of the simulated drive, laid out byte by
 * byte from the specifications' tables rather than from the product's parser: TCG Storage
 * Architecture Core Specification 2.01 3.3.6 (the 48-byte header, "Length of Parameter Data"
 * counting the bytes after itself), Opal SSC 2.01 Tables 3 to 6 (TPer, Locking, Geometry,
 * Opal SSC V2.00), Opal Feature Set: Single User Mode (0201h), Pyrite SSC 2.00 (the Pyrite
 * SSC V2.00 feature 0303h and Supported Data Removal Mechanism 0404h). Checked against the
 * layouts of EDK2's MdePkg/Include/IndustryStandard/TcgStorageOpal.h and the kernel's
 * block/sed-opal.c (opal_discovery0_end(), which walks "length + 4" per descriptor).
 */
#include <string.h>

#include "opalsim.h"

/* Append descriptor @d (@n bytes, its header included) at @pos of @buf. */
static size_t put(uint8_t *buf, size_t size, size_t pos, const uint8_t *d, size_t n)
{
	if (pos + n > size)
		return pos;
	memcpy(buf + pos, d, n);
	return pos + n;
}

size_t opalsim_level0(enum opalsim_kind kind, bool locking_enabled, bool locked, uint8_t *buf,
                      size_t size)
{
	/* TPer: code 0001h, version 1, length 0Ch; byte 4: Sync Supported (bit 0), Streaming
	 * Supported (bit 4) */
	static const uint8_t tper[16] = { 0x00, 0x01, 0x10, 0x0c, 0x11 };
	/* Geometry Reporting: 0003h, v1, 1Ch; byte 4 ALIGN (bit 0); 12-15 LogicalBlockSize 512;
	 * 16-23 AlignmentGranularity 8; 24-31 LowestAlignedLBA 0 */
	static const uint8_t geometry[32] = {
		0x00, 0x03, 0x10, 0x1c, 0x01, [14] = 0x02, [23] = 0x08
	};
	/* Opal SSC V2.00: 0203h, version 2, 10h; base ComID 1000h, 1 ComID, range crossing 0,
	 * 4 admins, 8 users (bytes 9-12), initial C_PIN_SID = MSID (0), revert keeps MSID (0) */
	static const uint8_t opal2[20] = { 0x02, 0x03, 0x20, 0x10, 0x10, 0x00, 0x00,
		                           0x01, 0x00, 0x00, 0x04, 0x00, 0x08 };
	/* Single User Mode: 0201h, v1, 0Ch; 9 locking objects; Any/All/Policy 0 */
	static const uint8_t sum[16] = { 0x02, 0x01, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x09 };
	/* Pyrite SSC V2.00: 0303h, v1, 10h; base ComID 1000h, 1 ComID */
	static const uint8_t pyrite2[20] = { 0x03, 0x03, 0x10, 0x10, 0x10, 0x00, 0x00, 0x01 };
	/* Supported Data Removal Mechanism: 0404h, v1, 20h; byte 5 processing 0; byte 6 bit 0
	 * Overwrite Data Erase; byte 7 time format of bit 0: 0 (units of 2 s); bytes 8-9: 30
	 * (60 s) */
	static const uint8_t removal[36] = { 0x04, 0x04, 0x10, 0x20, 0x00,
		                             0x00, 0x01, 0x00, 0x00, 0x1e };
	/* Locking: 0002h, v1, 0Ch; byte 4: Locking Supported (0), Locking Enabled (1), Locked
	 * (2), Media Encryption (3), MBR Enabled (4), MBR Done (5) */
	uint8_t locking[16] = { 0x00, 0x02, 0x10, 0x0c, 0x01 };
	size_t pos = 48;

	if (size < 48 || kind == OPALSIM_NONE)
		return 0;
	memset(buf, 0, size);
	if (locking_enabled)
		locking[4] |= 0x02 | 0x10; /* the previous owner's pre-boot MBR shadow, not done */
	if (locked)
		locking[4] |= 0x04;
	if (kind != OPALSIM_PYRITE)
		locking[4] |= 0x08;
	pos = put(buf, size, pos, tper, sizeof(tper));
	pos = put(buf, size, pos, locking, sizeof(locking));
	if (kind == OPALSIM_PYRITE) {
		pos = put(buf, size, pos, pyrite2, sizeof(pyrite2));
		pos = put(buf, size, pos, removal, sizeof(removal));
	} else {
		pos = put(buf, size, pos, geometry, sizeof(geometry));
		pos = put(buf, size, pos, opal2, sizeof(opal2));
		pos = put(buf, size, pos, sum, sizeof(sum));
	}
	/* header: Length of Parameter Data (bytes 0-3), Data structure revision 1 (4-7) */
	buf[0] = (uint8_t)((pos - 4) >> 24);
	buf[1] = (uint8_t)((pos - 4) >> 16);
	buf[2] = (uint8_t)((pos - 4) >> 8);
	buf[3] = (uint8_t)(pos - 4);
	buf[7] = 0x01;
	return pos;
}
