/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ata-kat.c - known answers for ata.c and the ATA PASS-THROUGH encoder in sg.c: the
 * bytes a command must have and the facts IDENTIFY data must yield, written down from the
 * specifications' tables, from independent tools' sources and from real drives' IDENTIFY
 * dumps - never from our own encoder.
 *
 * Sources:
 *   SAT-3/SAT-4, the ATA PASS-THROUGH (16) command: byte 1 PROTOCOL 4:1, EXTEND 0; byte 2
 *     CK_COND 5, T_DIR 3, BYT_BLOK 2, T_LENGTH 1:0; bytes 3/4 FEATURES 15:8/7:0, 5/6 COUNT,
 *     7 LBA 31:24, 8 LBA 7:0, 9 LBA 39:32, 10 LBA 15:8, 11 LBA 47:40, 12 LBA 23:16,
 *     13 DEVICE, 14 COMMAND. The same placement is in hdparm sgio.c (sg16(): cdb[7] =
 *     hob.lbal, cdb[8] = lob.lbal, ...; "SG_CDB2_TDIR_FROM_DEV = 1 << 3" etc.).
 *   hdparm hdparm.c do_set_max_sectors(): "nsect = permanent ? 1 : 0" and DEVICE 0x40 for
 *     SET MAX ADDRESS EXT; do_get_native_max_sectors(): READ NATIVE MAX (F8h) returns LBA
 *     27:24 in DEVICE 3:0. Linux drivers/ata/libata-core.c ata_set_max_sectors(): COUNT
 *     left 0, DEVICE |= ATA_LBA (40h), 28-bit "tf.device |= (new_sectors >> 24) & 0xf".
 *   ACS-3 7.12.7 (IDENTIFY DEVICE data): words 10-19 serial, 23-26 firmware, 27-46 model
 *     (two characters a word, the first in bits 15:8), 49 bit 9 LBA, 59 sanitize, 60-61
 *     28-bit capacity, 82 bit 10 HPA, 83 bit 10 48-bit Address and bit 11 DCO (valid when
 *     15:14 = 01b), 89/90 erase times, 100-103 48-bit capacity, 106/117-118 logical sector
 *     size, 128 security, 217 rotation, 255 integrity word (7:0 = A5h, all bytes sum to 0).
 *   hdparm.c SANITIZE_*_KEY ("Cryp" 43727970h, "BkEr" 426B4572h, "OW" 4F57h << 32) and
 *     ACS-3/ACS-4 SANITIZE DEVICE.
 *
 * The cases: the ATA PASS-THROUGH(16) CDBs of IDENTIFY, SECURITY ERASE UNIT, READ NATIVE MAX, SET
 * MAX (48- and 28-bit) and SANITIZE; IDENTIFY parsing of two real drives' published dumps (a 28-bit
 * TOSHIBA MK4025GAS from linux-kernel, a Samsung 870 QVO 4TB from a CrystalDiskInfo report; their
 * integrity words prove the copy). test-sense.c and test-nvme-kat.c are the other known-answer
 * suites.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "transport-internal.h"

/* ---- real IDENTIFY DEVICE data --------------------------------------------------------- */

/* TOSHIBA MK4025GAS, a 40 GB laptop disk without the 48-bit Address feature set, as
 * /proc/ide/hda/identify showed it in Sebastian's reply "Re: 2.6.{14,15-rc4} harddrive cache
 * not detected", linux-kernel, 8 Dec 2005, Message-Id
 * <20051208202337.e3798191.mailing@wodkahexe.de>. Words as printed (eight a line). */
static const uint16_t toshiba_mk4025gas[256] = {
	0x0040, 0x3fff, 0xc837, 0x0010, 0x0000, 0x0000, 0x003f, 0x0000, 0x0000, 0x0000, 0x2020,
	0x2020, 0x2020, 0x2020, 0x2020, 0x2059, 0x3535, 0x4c37, 0x3338, 0x3253, 0x0000, 0x0000,
	0x0030, 0x4b41, 0x3130, 0x3041, 0x2020, 0x544f, 0x5348, 0x4942, 0x4120, 0x4d4b, 0x3430,
	0x3235, 0x4741, 0x5320, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020,
	0x2020, 0x2020, 0x2020, 0x8010, 0x0000, 0x2f00, 0x4000, 0x0200, 0x0000, 0x0007, 0x3fff,
	0x0010, 0x003f, 0xfc10, 0x00fb, 0x0110, 0x5300, 0x04a8, 0x0007, 0x0007, 0x0003, 0x0078,
	0x0078, 0x0078, 0x0078, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x007e, 0x0000, 0x7c6b, 0x5908, 0x4003, 0x7c69, 0x1808, 0x4003,
	0x043f, 0x0012, 0x0000, 0x0080, 0xfffe, 0x604b, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0001, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x77a5,
};

/* Samsung SSD 870 QVO 4TB, from the IDENTIFY_DEVICE section of a CrystalDiskInfo report
 * published in a public notes repository (the report's drive: S/N S5STNF0W706332M, firmware
 * SVQ02B6Q; ten words a line there). libata shows this drive in sysfs as model
 * "Samsung SSD 870" and rev "2B6Q": INQUIRY's 16 and 4 characters. */
static const uint16_t samsung_870qvo[256] = {
	0x0040, 0x3fff, 0xc837, 0x0010, 0x0000, 0x0000, 0x003f, 0x0000, 0x0000, 0x0000, 0x5335,
	0x5354, 0x4e46, 0x3057, 0x3730, 0x3633, 0x3332, 0x4d20, 0x2020, 0x2020, 0x0000, 0x0000,
	0x0000, 0x5356, 0x5130, 0x3242, 0x3651, 0x5361, 0x6d73, 0x756e, 0x6720, 0x5353, 0x4420,
	0x3837, 0x3020, 0x5156, 0x4f20, 0x3454, 0x4220, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020,
	0x2020, 0x2020, 0x2020, 0x8001, 0x4001, 0x2f00, 0x4000, 0x0200, 0x0200, 0x0007, 0x3fff,
	0x0010, 0x003f, 0xfc10, 0x00fb, 0x0101, 0xffff, 0x0fff, 0x0000, 0x0007, 0x0003, 0x0078,
	0x0078, 0x0078, 0x0078, 0x4f30, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x001f, 0x850e,
	0x00c6, 0x056c, 0x0060, 0x09fc, 0x005e, 0x746b, 0x7d01, 0x4163, 0x7469, 0xbc01, 0x4163,
	0x407f, 0x0002, 0x0004, 0x0000, 0xfffe, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0xbeb0, 0xd1c0, 0x0001, 0x0000, 0x0000, 0x0008, 0x4000, 0x0000, 0x5002, 0x538f,
	0x4372, 0xdd3a, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x401e, 0x401c,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0029, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0003, 0x0001, 0x2020, 0x2020, 0x2020, 0x2020, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x003d, 0x0000, 0x0000,
	0x4000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0001, 0x0000, 0x0000,
	0x0000, 0x0000, 0x11ff, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x1400, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x4000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x32a5,
};

static void to_bytes(const uint16_t *w, uint8_t *id)
{
	for (int i = 0; i < 256; i++) { /* IDENTIFY data is 256 little-endian words */
		id[2 * i] = (uint8_t)w[i];
		id[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
}

/* The integrity word (ACS-3 7.12.7, word 255): signature A5h, and every byte sums to zero. This
 * proves the dumps above were copied without a slip. */
static void integrity(const uint8_t *id)
{
	unsigned sum = 0;

	for (int i = 0; i < 512; i++)
		sum += id[i];
	ck_assert_uint_eq(id[510], 0xa5);
	ck_assert_uint_eq(sum % 256, 0);
}

START_TEST(test_identify_28bit_drive)
{
	struct ws_device dev = { .rotational = -1 };
	uint8_t id[512];

	to_bytes(toshiba_mk4025gas, id);
	integrity(id);
	ws_ata_parse_identify(&dev, id);
	ck_assert(dev.ata.present);
	ck_assert_str_eq(dev.model, "TOSHIBA MK4025GAS");
	ck_assert_str_eq(dev.serial, "Y55L7382S");
	ck_assert_str_eq(dev.firmware, "KA100A");
	/* word 83 = 5908h: valid, bit 10 clear (no 48-bit Address), bit 11 set (DCO) */
	ck_assert(!dev.ata.lba48);
	ck_assert(dev.ata.dco_supported);
	/* word 82 = 7C6Bh: bit 10, the HPA feature set */
	ck_assert(dev.ata.hpa_supported);
	/* words 60-61 = 5300h, 04A8h: 04A85300h = 78140160 sectors (40.0 GB) */
	ck_assert_uint_eq(dev.ata.accessible_sectors, 78140160ull);
	ck_assert_uint_eq(dev.ata.sector_size, 512);
	/* word 59 = 0110h: no sanitize; word 128 = 0001h: security supported, not enabled */
	ck_assert(!dev.ata.sanitize_supported);
	ck_assert(dev.ata.security_supported);
	ck_assert(!dev.ata.security_enabled && !dev.ata.security_frozen);
	ck_assert(!dev.ata.enhanced_erase_supported);
	/* word 89 = 0012h: 18 x 2 minutes */
	ck_assert_uint_eq(dev.ata.erase_minutes, 36);
	ck_assert_int_eq(dev.rotational, -1); /* word 217 = 0: not reported */
	free(dev.model);
	free(dev.serial);
	free(dev.firmware);
}
END_TEST

START_TEST(test_identify_48bit_drive_strings_win)
{
	/* what sysfs gave without a udev database: libata's 16-character model, 4 of firmware */
	struct ws_device dev = { .rotational = -1,
		                 .model = strdup("Samsung SSD 870"),
		                 .firmware = strdup("2B6Q"),
		                 .serial = strdup("S5STNF0W706332M") };
	uint8_t id[512];

	to_bytes(samsung_870qvo, id);
	integrity(id);
	ws_ata_parse_identify(&dev, id);
	ck_assert_str_eq(dev.model, "Samsung SSD 870 QVO 4TB");
	ck_assert_str_eq(dev.firmware, "SVQ02B6Q");
	ck_assert_str_eq(dev.serial, "S5STNF0W706332M");
	/* word 83 = 7D01h: valid, 48-bit Address, DCO; word 82 = 746Bh: HPA */
	ck_assert(dev.ata.lba48);
	ck_assert(dev.ata.dco_supported);
	ck_assert(dev.ata.hpa_supported);
	/* words 100-103 = BEB0h D1C0h 0001h 0000h: 1D1C0BEB0h = 7814037168 sectors (4.0 TB);
	 * words 60-61 say 0FFFFFFFh, the 28-bit ceiling */
	ck_assert_uint_eq(dev.ata.accessible_sectors, 7814037168ull);
	ck_assert_uint_eq(dev.ata.sector_size, 512); /* word 106 = 4000h: bit 12 clear */
	/* word 128 = 0029h: supported, frozen, enhanced erase; 89/90 = 2, 4: 4 and 8 minutes */
	ck_assert(dev.ata.security_supported && dev.ata.security_frozen);
	ck_assert(!dev.ata.security_enabled && !dev.ata.security_locked);
	ck_assert(dev.ata.enhanced_erase_supported);
	ck_assert_uint_eq(dev.ata.erase_minutes, 4);
	ck_assert_uint_eq(dev.ata.enhanced_erase_minutes, 8);
	ck_assert(!dev.ata.sanitize_supported); /* word 59 = 0101h */
	ck_assert_int_eq(dev.rotational, 0);    /* word 217 = 0001h: non-rotating */
	free(dev.model);
	free(dev.serial);
	free(dev.firmware);
}
END_TEST

/* ACS-3 7.12.7, words 106 and 117-118: a drive with 4096-byte logical sectors sets word 106
 * bits 15:14 = 01b and bit 12, and puts 2048 (words) in 117-118. Constructed from the word
 * table. */
START_TEST(test_identify_4kn_sector_size)
{
	struct ws_device dev = { .rotational = -1 };
	uint8_t id[512] = { 0 };

	id[2 * 106 + 1] = 0x50; /* 5000h */
	id[2 * 117] = 0x00;
	id[2 * 117 + 1] = 0x08; /* 0800h = 2048 words */
	ws_ata_parse_identify(&dev, id);
	ck_assert_uint_eq(dev.ata.sector_size, 4096);
	free(dev.model);
	free(dev.serial);
	free(dev.firmware);
}
END_TEST

/* ---- command encoding ------------------------------------------------------------------- */

static void cdb_is(const struct ws_ata_cmd *c, const uint8_t want[16], enum ws_sg_dir dir)
{
	struct ws_sg_args a = { 0 };

	ws_ata_pt16(&a, c);
	ck_assert_uint_eq(a.cdb_len, 16);
	for (int i = 0; i < 16; i++)
		ck_assert_msg(a.cdb[i] == want[i], "CDB byte %d: %02x, want %02x", i, a.cdb[i],
		              want[i]);
	ck_assert_int_eq(a.dir, dir);
}

START_TEST(test_cdb_identify)
{
	/* PIO data-in (4) << 1 | EXTEND; T_DIR, BYT_BLOK, T_LENGTH 10b; COUNT 1; ECh */
	static const uint8_t want[16] = { 0x85, 0x09, 0x0e, 0, 0, 0, 0x01, 0,
		                          0,    0,    0,    0, 0, 0, 0xec, 0 };
	const struct ws_ata_cmd c = { .protocol = WS_ATA_PIO_IN, .command = 0xec, .count = 1 };

	cdb_is(&c, want, WS_SG_FROM_DEV);
}
END_TEST

START_TEST(test_cdb_security_erase_unit)
{
	/* PIO data-out (5) << 1 | EXTEND; T_DIR 0 (to the device), BYT_BLOK, T_LENGTH 10b */
	static const uint8_t want[16] = { 0x85, 0x0b, 0x06, 0, 0, 0, 0x01, 0,
		                          0,    0,    0,    0, 0, 0, 0xf4, 0 };
	const struct ws_ata_cmd c = { .protocol = WS_ATA_PIO_OUT, .command = 0xf4, .count = 1 };

	cdb_is(&c, want, WS_SG_TO_DEV);
}
END_TEST

START_TEST(test_cdb_read_native_max)
{
	/* non-data (3) << 1 | EXTEND, CK_COND (the registers are the answer), DEVICE 40h; the
	 * bytes hdparm 9.65 "--verbose -N" printed as its outgoing cdb */
	static const uint8_t ext[16] = { 0x85, 0x07, 0x20, 0, 0, 0,    0,    0,
		                         0,    0,    0,    0, 0, 0x40, 0x27, 0 };
	/* the 28-bit command: EXTEND 0 */
	static const uint8_t lba28[16] = { 0x85, 0x06, 0x20, 0, 0, 0,    0,    0,
		                           0,    0,    0,    0, 0, 0x40, 0xf8, 0 };
	struct ws_ata_cmd c;

	ws_ata_read_native_max_cmd(&c, true);
	cdb_is(&c, ext, WS_SG_NONE);
	ws_ata_read_native_max_cmd(&c, false);
	cdb_is(&c, lba28, WS_SG_NONE);
}
END_TEST

START_TEST(test_cdb_set_max_is_volatile)
{
	/* SET MAX ADDRESS EXT to LBA 123456789ABCh: bytes 7..12 = LBA 31:24, 7:0, 39:32,
	 * 15:8, 47:40, 23:16; COUNT 0 (VV clear: hdparm without "p", libata); DEVICE 40h */
	static const uint8_t ext[16] = { 0x85, 0x07, 0x20, 0,    0,    0,    0,    0x56,
		                         0xbc, 0x34, 0x9a, 0x12, 0x78, 0x40, 0x37, 0 };
	/* SET MAX ADDRESS to LBA 9ABCDEFh: LBA 7:0, 15:8, 23:16 in bytes 8, 10, 12, and
	 * 27:24 in DEVICE 3:0 (40h | 9h); nothing in the EXTEND bytes */
	static const uint8_t lba28[16] = { 0x85, 0x06, 0x20, 0, 0,    0,    0,    0,
		                           0xef, 0,    0xcd, 0, 0xab, 0x49, 0xf9, 0 };
	/* hdparm 9.65 "--verbose -N 65536" (temporary) on a drive with 48-bit addressing
	 * printed "outgoing cdb: 85 07 20 00 00 00 00 00 ff 00 ff 00 00 40 37 00" */
	static const uint8_t hdparm[16] = { 0x85, 0x07, 0x20, 0, 0, 0,    0,    0,
		                            0xff, 0,    0xff, 0, 0, 0x40, 0x37, 0 };
	struct ws_ata_cmd c;

	ws_ata_set_max_cmd(&c, true, 0x123456789abcull);
	cdb_is(&c, ext, WS_SG_NONE);
	ws_ata_set_max_cmd(&c, true, 65535);
	cdb_is(&c, hdparm, WS_SG_NONE);
	ws_ata_set_max_cmd(&c, false, 0x9abcdefull);
	cdb_is(&c, lba28, WS_SG_NONE);
}
END_TEST

START_TEST(test_cdb_sanitize)
{
	/* CRYPTO SCRAMBLE EXT: FEATURE 0011h, LBA 43727970h ("Cryp") */
	static const uint8_t crypto[16] = { 0x85, 0x07, 0x20, 0x00, 0x11, 0,    0,    0x43,
		                            0x70, 0x00, 0x79, 0x00, 0x72, 0x00, 0xb4, 0 };
	/* BLOCK ERASE EXT: FEATURE 0012h, LBA 426B4572h ("BkEr") */
	static const uint8_t block[16] = { 0x85, 0x07, 0x20, 0x00, 0x12, 0,    0,    0x42,
		                           0x72, 0x00, 0x45, 0x00, 0x6b, 0x00, 0xb4, 0 };
	/* OVERWRITE EXT: FEATURE 0014h, LBA 47:32 = 4F57h ("OW"), pattern 0 in 31:0, COUNT 1
	 * (one pass, no invert) */
	static const uint8_t overwrite[16] = { 0x85, 0x07, 0x20, 0x00, 0x14, 0x00, 0x01, 0x00,
		                               0x00, 0x57, 0x00, 0x4f, 0x00, 0x00, 0xb4, 0 };
	struct ws_ata_cmd c;

	ck_assert_int_eq(ws_ata_sanitize_cmd(&c, WS_TECH_ATA_SANITIZE_CRYPTO), 0);
	cdb_is(&c, crypto, WS_SG_NONE);
	ck_assert_int_eq(ws_ata_sanitize_cmd(&c, WS_TECH_ATA_SANITIZE_BLOCK), 0);
	cdb_is(&c, block, WS_SG_NONE);
	ck_assert_int_eq(ws_ata_sanitize_cmd(&c, WS_TECH_ATA_SANITIZE_OVERWRITE), 0);
	cdb_is(&c, overwrite, WS_SG_NONE);
	ck_assert_int_eq(ws_ata_sanitize_cmd(&c, WS_TECH_OVERWRITE), -EINVAL);
}
END_TEST

/* READ NATIVE MAX's answer in the ATA Status Return descriptor (SAT-3/SAT-4; sg3_utils
 * sg_lib.c prints "lba=0x%02x%02x%02x" from descp[11], descp[9], descp[7] without EXTEND and
 * "device=0x%x" from descp[12]); the 28-bit LBA 27:24 are DEVICE 3:0 (hdparm, libata
 * ata_tf_to_lba()). */
START_TEST(test_native_max_from_registers)
{
	struct ws_sense s = { .ata_valid = true, .ata_lba = 0xabcdef, .ata_device = 0x49 };

	ck_assert_uint_eq(ws_ata_native_max_lba(&s, false), 0x9abcdefull);
	s.ata_lba = 0x1d1c0beafull; /* the 870 QVO's last LBA */
	s.ata_device = 0x40;
	ck_assert_uint_eq(ws_ata_native_max_lba(&s, true), 7814037167ull);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ata-kat");
	TCase *tc = tcase_create("known answers");

	tcase_add_test(tc, test_identify_28bit_drive);
	tcase_add_test(tc, test_identify_48bit_drive_strings_win);
	tcase_add_test(tc, test_identify_4kn_sector_size);
	tcase_add_test(tc, test_cdb_identify);
	tcase_add_test(tc, test_cdb_security_erase_unit);
	tcase_add_test(tc, test_cdb_read_native_max);
	tcase_add_test(tc, test_cdb_set_max_is_volatile);
	tcase_add_test(tc, test_cdb_sanitize);
	tcase_add_test(tc, test_native_max_from_registers);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
