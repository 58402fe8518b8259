/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sense.c - known answers for ws_sense_decode() (sg.c): sense data as the standards lay
 * it out, and sense data that claims more than arrived.
 *
 * Sources:
 *   SPC-4 4.5.3 (fixed format, response code 70h): SENSE KEY byte 2 bits 3:0, ADDITIONAL
 *     SENSE LENGTH byte 7, ASC 12, ASCQ 13, SKSV byte 15 bit 7, progress in bytes 16-17.
 *   SPC-4 4.5.2 (descriptor format, 72h): SENSE KEY byte 1, ASC 2, ASCQ 3, ADDITIONAL SENSE
 *     LENGTH byte 7, descriptors from byte 8, each "type, additional length, ...";
 *     4.5.2.4 sense-key specific descriptor 02h (SKSV byte 4 bit 7, bytes 5-6).
 *   SAT-3/SAT-4 ATA Status Return sense data descriptor 09h, additional length 0Ch: EXTEND byte 2
 *     bit 0, ERROR 3, COUNT 15:8 4 / 7:0 5, LBA 31:24 6, 7:0 7, 39:32 8, 15:8 9, 47:40 10,
 *     23:16 11, DEVICE 12, STATUS 13. sg3_utils sg_lib.c (sg_get_sense_descriptors_str(),
 *     "case 9: ATA Status Return") reads the same bytes: "lba=0x%02x%02x%02x%02x%02x%02x"
 *     from descp[10], [8], [6], [11], [9], [7] with extend, descp[11], [9], [7] without.
 *   The answer of libata to a SANITIZE in progress: NOT READY, 04h/1Bh (SPC-4 Annex D).
 *
 * The cases: sense data in both formats, with the sense-key specific progress and the ATA Status
 * Return descriptor, also cut short.
 */
#include <check.h>
#include <string.h>

#include "testutil.h"
#include "transport-internal.h"

static struct ws_sense decode(const uint8_t *sense, size_t len, size_t sense_len)
{
	struct ws_sg_args a = { .sense_len = sense_len };
	struct ws_sense s;

	memcpy(a.sense, sense, len);
	ws_sense_decode(&a, &s);
	return s;
}

START_TEST(test_fixed_format_progress)
{
	/* NOT READY, LOGICAL UNIT NOT READY, SANITIZE IN PROGRESS, half done (8000h) */
	static const uint8_t sb[18] = { 0x70, 0, 0x02, 0,    0,    0, 0,    0x0a, 0,
		                        0,    0, 0,    0x04, 0x1b, 0, 0x80, 0x80, 0x00 };
	struct ws_sense s = decode(sb, sizeof(sb), sizeof(sb));

	ck_assert_uint_eq(s.key, 0x02);
	ck_assert_uint_eq(s.asc, 0x04);
	ck_assert_uint_eq(s.ascq, 0x1b);
	ck_assert(s.progress_valid);
	ck_assert_uint_eq(s.progress, 0x8000);
	ck_assert(!s.ata_valid);
}
END_TEST

START_TEST(test_descriptor_progress)
{
	/* the same, descriptor format: sense-key specific descriptor 02h, progress 4000h */
	static const uint8_t sb[16] = { 0x72, 0x02, 0x04, 0x1b, 0,    0,    0,    0x08,
		                        0x02, 0x06, 0x00, 0x00, 0x80, 0x40, 0x00, 0x00 };
	struct ws_sense s = decode(sb, sizeof(sb), sizeof(sb));

	ck_assert_uint_eq(s.key, 0x02);
	ck_assert_uint_eq(s.asc, 0x04);
	ck_assert_uint_eq(s.ascq, 0x1b);
	ck_assert(s.progress_valid);
	ck_assert_uint_eq(s.progress, 0x4000);
}
END_TEST

/* READ NATIVE MAX ADDRESS EXT on the Samsung 870 QVO 4TB (IDENTIFY words 100-103 =
 * 1D1C0BEB0h sectors): RECOVERED ERROR, ATA PASS THROUGH INFORMATION AVAILABLE (00h/1Dh), the
 * last LBA 1D1C0BEAFh in the registers, STATUS 50h. */
static const uint8_t native_ext[22] = { 0x72, 0x01, 0x00, 0x1d, 0,    0,    0,    0x0e,
	                                0x09, 0x0c, 0x01, 0x00, 0x00, 0x00, 0xd1, 0xaf,
	                                0x01, 0xbe, 0x00, 0xc0, 0x40, 0x50 };

START_TEST(test_ata_status_return_extended)
{
	struct ws_sense s = decode(native_ext, sizeof(native_ext), sizeof(native_ext));

	ck_assert_uint_eq(s.key, 0x01);
	ck_assert_uint_eq(s.asc, 0x00);
	ck_assert_uint_eq(s.ascq, 0x1d);
	ck_assert(s.ata_valid);
	ck_assert(s.ata_extend);
	ck_assert_uint_eq(s.ata_lba, 0x1d1c0beafull);
	ck_assert_uint_eq(s.ata_status, 0x50);
	ck_assert_uint_eq(s.ata_error, 0x00);
	ck_assert_uint_eq(s.ata_device, 0x40);
}
END_TEST

START_TEST(test_ata_status_return_28bit)
{
	/* READ NATIVE MAX ADDRESS (F8h) answer without EXTEND: LBA 23:0 in bytes 7, 9, 11
	 * (ABCDEFh), 27:24 in DEVICE 3:0 (49h); bytes 4, 6, 8, 10 are not defined: their junk
	 * must not leak into the LBA or COUNT */
	static const uint8_t sb[22] = { 0x72, 0x01, 0x00, 0x1d, 0,    0,    0,    0x0e,
		                        0x09, 0x0c, 0x00, 0x00, 0xee, 0x00, 0xee, 0xef,
		                        0xee, 0xcd, 0xee, 0xab, 0x49, 0x50 };
	struct ws_sense s = decode(sb, sizeof(sb), sizeof(sb));

	ck_assert(s.ata_valid);
	ck_assert(!s.ata_extend);
	ck_assert_uint_eq(s.ata_lba, 0xabcdefull);
	ck_assert_uint_eq(s.ata_count, 0);
	ck_assert_uint_eq(s.ata_device, 0x49);
	ck_assert_uint_eq(ws_ata_native_max_lba(&s, false), 0x9abcdefull);
}
END_TEST

START_TEST(test_aborted_command_registers)
{
	/* a drive aborting SET MAX: ABORTED COMMAND, ERROR 04h (ABRT), STATUS 51h (ERR) */
	static const uint8_t sb[22] = { 0x72, 0x0b, 0x00, 0x00, 0, 0, 0, 0x0e, 0x09, 0x0c, 0x01,
		                        0x04, 0,    0,    0,    0, 0, 0, 0,    0,    0x40, 0x51 };
	struct ws_sense s = decode(sb, sizeof(sb), sizeof(sb));

	ck_assert_uint_eq(s.key, 0x0b);
	ck_assert(s.ata_valid);
	ck_assert_uint_eq(s.ata_error, 0x04);
	ck_assert_uint_eq(s.ata_status, 0x51);
}
END_TEST

/* The device wrote 20 bytes: the ATA descriptor (14 bytes from byte 8) needs 22. Its last
 * bytes were never sent; reading them would take whatever the buffer held before. */
START_TEST(test_descriptor_beyond_sense_length_is_ignored)
{
	struct ws_sense s = decode(native_ext, sizeof(native_ext), 20);

	ck_assert(!s.ata_valid);
	ck_assert_uint_eq(s.ata_lba, 0);
	ck_assert_uint_eq(s.key, 0x01); /* the header itself did arrive */
}
END_TEST

/* ADDITIONAL SENSE LENGTH says 4 bytes follow the header: a descriptor beyond them is not
 * the device's answer, whatever the transfer length. */
START_TEST(test_descriptor_beyond_additional_length_is_ignored)
{
	uint8_t sb[22];
	struct ws_sense s;

	memcpy(sb, native_ext, sizeof(sb));
	sb[7] = 4;
	s = decode(sb, sizeof(sb), sizeof(sb));
	ck_assert(!s.ata_valid);
}
END_TEST

/* A descriptor whose own length runs past the end is ignored, and the walk ends there. */
START_TEST(test_descriptor_own_length_past_end)
{
	static const uint8_t sb[16] = { 0x72, 0x02, 0x04, 0x1b, 0,    0,    0, 0x08,
		                        0x02, 0x40, 0x00, 0x00, 0x80, 0x40, 0, 0 };
	struct ws_sense s = decode(sb, sizeof(sb), sizeof(sb));

	ck_assert(!s.progress_valid);
	ck_assert_uint_eq(s.key, 0x02);
}
END_TEST

/* Fixed format cut short: key and ASC present, ASCQ and the progress field not. */
START_TEST(test_fixed_format_short)
{
	static const uint8_t sb[18] = { 0x70, 0, 0x02, 0,    0,    0, 0,    0x0a, 0,
		                        0,    0, 0,    0x04, 0x1b, 0, 0x80, 0x80, 0x00 };
	struct ws_sense s = decode(sb, sizeof(sb), 13);

	ck_assert_uint_eq(s.key, 0x02);
	ck_assert_uint_eq(s.asc, 0x04);
	ck_assert_uint_eq(s.ascq, 0);
	ck_assert(!s.progress_valid);
}
END_TEST

/* A sense length larger than the buffer (a confused driver) reads no further than it. */
START_TEST(test_sense_len_beyond_buffer)
{
	struct ws_sg_args a = { .sense_len = 4096 };
	struct ws_sense s;

	memset(a.sense, 0, sizeof(a.sense));
	a.sense[0] = 0x72;
	a.sense[7] = 0xff;
	for (size_t i = 8; i + 1 < sizeof(a.sense); i += 2) {
		a.sense[i] = 0x09; /* ATA Status Return, claiming 255 bytes each time */
		a.sense[i + 1] = 0xff;
	}
	ws_sense_decode(&a, &s);
	ck_assert(!s.ata_valid);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sense");
	TCase *tc = tcase_create("known answers");

	tcase_add_test(tc, test_fixed_format_progress);
	tcase_add_test(tc, test_descriptor_progress);
	tcase_add_test(tc, test_ata_status_return_extended);
	tcase_add_test(tc, test_ata_status_return_28bit);
	tcase_add_test(tc, test_aborted_command_registers);
	tcase_add_test(tc, test_descriptor_beyond_sense_length_is_ignored);
	tcase_add_test(tc, test_descriptor_beyond_additional_length_is_ignored);
	tcase_add_test(tc, test_descriptor_own_length_past_end);
	tcase_add_test(tc, test_fixed_format_short);
	tcase_add_test(tc, test_sense_len_beyond_buffer);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
