/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-crypto-verify.c - the read-back of a crypto erase on an image file, changed between the
 * before and the after the way honest and lying drives change it. The expected counts are
 * computed here from the bytes the test wrote, not by the code under test. test_judged_alone:
 * the judgement a re-verification makes later, with no before (ws_crypto_judge_region()).
 */
#include <check.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "purge-internal.h"
#include "testutil.h"

#define MIB  (1u << 20)
#define SIZE (8 * MIB) /* under the 32 MiB budget: the baseline is the whole image */

static uint8_t *original; /* text in the first half, zeros in the second */

static int image(void)
{
	char *dir = test_tmpdir("cv"), path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/img", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, original, SIZE, 0), SIZE);
	free(dir);
	return fd;
}

static void put(int fd, const uint8_t *b)
{
	ck_assert_int_eq(pwrite(fd, b, SIZE, 0), SIZE);
	ck_assert_int_eq(fsync(fd), 0);
}

/* Every 1 MiB, as a full verification reads. */
static struct ws_range regions[SIZE / MIB];

/* Before on the original, @change, after: the verification result. */
static struct ws_verify_result judge(const uint8_t *after, int erased_byte)
{
	struct ws_verify_result ver = { 0 };
	struct ws_crypto_before *b = NULL;
	int fd = image();

	ck_assert_int_eq(ws_crypto_before(fd, SIZE, regions, SIZE / MIB, 42, &ver.crypto, &b), 0);
	put(fd, after);
	ck_assert_int_eq(ws_crypto_after(fd, b, erased_byte, &ver), 0);
	ws_crypto_before_free(b);
	close(fd);
	return ver;
}

static bool one_value(const uint8_t *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (p[i] != p[0])
			return false;
	return true;
}

START_TEST(test_honest_erase_is_noise)
{
	uint8_t *noise = malloc(SIZE);
	struct ws_verify_result v;

	ck_assert_int_eq(getrandom(noise, SIZE, 0), SIZE);
	v = judge(noise, 0x00);
	ck_assert(v.crypto.ran);
	ck_assert_uint_eq(v.crypto.budget, SIZE);
	ck_assert_uint_eq(v.crypto.blocks_compared, SIZE / 2 / 16); /* the text half */
	ck_assert_uint_eq(v.crypto.residue_blocks, 0);
	ck_assert_uint_eq(v.crypto.blocks_judged, SIZE / 4096);
	ck_assert_uint_eq(v.crypto.noise_blocks, SIZE / 4096);
	ck_assert_uint_eq(v.bytes_checked, SIZE / 2); /* the blank regions are not compared */
	ck_assert_uint_eq(v.bytes_mismatched, 0);
	ck_assert(v.crypto.min_entropy > 7.9);
	free(noise);
}
END_TEST

START_TEST(test_scrambled_sectors_are_residue)
{
	uint8_t *s = malloc(SIZE);
	uint64_t want = 0;
	struct ws_verify_result v;

	memcpy(s, original, SIZE);
	for (size_t off = 0; off < SIZE; off += 512)
		ck_assert_int_eq(getrandom(s + off, 16, 0), 16);
	for (size_t off = 0; off < SIZE; off += 16)
		if (off % 512 != 0 && !one_value(original + off, 16))
			want++;
	v = judge(s, 0x00);
	ck_assert_uint_eq(v.crypto.residue_blocks, want);
	ck_assert_uint_eq(v.crypto.n_residue_offsets, WS_MAX_REPORTED);
	ck_assert_uint_eq(v.crypto.residue_offsets[0], 16);
	ck_assert_uint_eq(v.bytes_mismatched, 0); /* every region's hash changed */
	/* text with 16 random bytes a sector, and zeros with them, are not noise */
	ck_assert_uint_eq(v.crypto.structured_blocks, SIZE / 4096);
	free(s);
}
END_TEST

START_TEST(test_zeros_only_when_declared)
{
	uint8_t *z = calloc(1, SIZE);
	struct ws_verify_result v = judge(z, 0x00);

	ck_assert_uint_eq(v.crypto.erased_blocks, SIZE / 4096);
	ck_assert_uint_eq(v.crypto.pattern_blocks, 0);
	v = judge(z, -1); /* the drive does not say: the text half cannot be judged */
	ck_assert_uint_eq(v.crypto.pattern_blocks, SIZE / 2 / 4096);
	ck_assert_uint_eq(v.crypto.blank_blocks, SIZE / 2 / 4096);
	ck_assert_uint_eq(v.crypto.pattern_offsets[0], 0);
	v = judge(z, WS_ERASED_ANY); /* a vendor pattern */
	ck_assert_uint_eq(v.crypto.erased_blocks, SIZE / 4096);
	free(z);
}
END_TEST

START_TEST(test_unchanged_is_found)
{
	struct ws_verify_result v = judge(original, -1);

	ck_assert_uint_eq(v.bytes_mismatched, SIZE / 2);
	ck_assert_uint_eq(v.crypto.residue_blocks, SIZE / 2 / 16);
	ck_assert_uint_eq(v.crypto.structured_blocks, SIZE / 2 / 4096);
	ck_assert_uint_eq(v.crypto.blank_blocks, SIZE / 2 / 4096);
}
END_TEST

/* Later, with nothing known of before (reverify.c): noise passes, the declared erased value
 * passes, text and an undeclared byte value do not. */
START_TEST(test_judged_alone)
{
	static uint8_t buf[4 * 4096];
	struct ws_crypto_check cc;

	ck_assert_int_eq(getrandom(buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	ws_crypto_judge_start(&cc, 0x00);
	ws_crypto_judge_region(&cc, buf, sizeof(buf), 0);
	ck_assert_uint_eq(cc.blocks_judged, 4);
	ck_assert_uint_eq(cc.noise_blocks, 4);
	memset(buf + 4096, 0, 4096);      /* the erased value: fine */
	memset(buf + 8192, 0xff, 4096);   /* undeclared: a pattern */
	for (size_t i = 0; i < 4096; i++) /* text: structured */
		buf[12288 + i] = (uint8_t) "WIPESEAL-MARKER\n"[i % 16];
	ws_crypto_judge_start(&cc, 0x00);
	ws_crypto_judge_region(&cc, buf, sizeof(buf), 1u << 20);
	ck_assert_uint_eq(cc.noise_blocks, 1);
	ck_assert_uint_eq(cc.erased_blocks, 1);
	ck_assert_uint_eq(cc.pattern_blocks, 1);
	ck_assert_uint_eq(cc.pattern_offsets[0], (1u << 20) + 8192);
	ck_assert_uint_eq(cc.structured_blocks, 1);
	ck_assert_uint_eq(cc.structured_offsets[0], (1u << 20) + 12288);
	ck_assert_uint_eq(cc.blank_blocks, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crypto-verify");
	TCase *tc = tcase_create("image file");
	const char line[] = "the quick brown fox jumps over the lazy dog 0123456789\n";

	original = calloc(1, SIZE);
	for (size_t off = 0; off < SIZE / 2; off++)
		original[off] = (uint8_t)line[off % (sizeof(line) - 1)];
	for (size_t i = 0; i < SIZE / MIB; i++)
		regions[i] = (struct ws_range){ i * MIB, MIB };
	tcase_add_test(tc, test_honest_erase_is_noise);
	tcase_add_test(tc, test_scrambled_sectors_are_residue);
	tcase_add_test(tc, test_zeros_only_when_declared);
	tcase_add_test(tc, test_unchanged_is_found);
	tcase_add_test(tc, test_judged_alone);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
