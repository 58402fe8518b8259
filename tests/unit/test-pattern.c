/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pattern.c - what a pass writes at any offset. The random keystream is checked
 * against AES-256 in ECB mode applied to the counter blocks by hand: a different code path
 * of OpenSSL from the CTR mode the product uses.
 *
 * The cases: the keystream at unaligned offsets, and the phase of byte patterns.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "wipe-internal.h"
#include "testutil.h"

static const uint8_t key[WS_KEY_BYTES] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae,
	0xf0, 0x85, 0x7d, 0x77, 0x81, 0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61,
	0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};

/* AES-256(key, block number @n as a 128-bit big-endian integer): keystream block n. */
static void ecb_block(uint64_t n, uint8_t out[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t in[16] = { 0 };
	int len;

	for (int i = 0; i < 8; i++)
		in[15 - i] = (uint8_t)(n >> (8 * i));
	ck_assert_int_eq(EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	ck_assert_int_eq(EVP_EncryptUpdate(c, out, &len, in, 16), 1);
	EVP_CIPHER_CTX_free(c);
}

START_TEST(test_random_is_seekable_aes_ctr)
{
	struct ws_pass_spec spec = { .kind = WS_PATTERN_RANDOM };
	static uint8_t whole[1 << 16], part[5000];
	struct ws_gen g;

	ck_assert_int_eq(ws_gen_init(&g, &spec, key), 0);
	ck_assert_int_eq(ws_gen_fill(&g, 0, whole, sizeof(whole)), 0);
	/* every block is AES(key, counter) */
	for (uint64_t n = 0; n < sizeof(whole) / 16; n += 97) {
		uint8_t blk[16];

		ecb_block(n, blk);
		ck_assert_mem_eq(whole + 16 * n, blk, 16);
	}
	/* any offset, aligned or not, regenerates the same bytes */
	ck_assert_int_eq(ws_gen_fill(&g, 12345, part, sizeof(part)), 0);
	ck_assert_mem_eq(part, whole + 12345, sizeof(part));
	ck_assert_int_eq(ws_gen_fill(&g, 4096, part, 16), 0);
	ck_assert_mem_eq(part, whole + 4096, 16);
	/* far offsets: the counter carries into the high bytes */
	{
		uint8_t blk[16];

		ck_assert_int_eq(ws_gen_fill(&g, (1ULL << 40) + 3 * 16, part, 16), 0);
		ecb_block(((1ULL << 40) >> 4) + 3, blk);
		ck_assert_mem_eq(part, blk, 16);
	}
	ws_gen_done(&g);
}
END_TEST

START_TEST(test_random_key_matters)
{
	struct ws_pass_spec spec = { .kind = WS_PATTERN_RANDOM };
	uint8_t other[WS_KEY_BYTES], a[64], b[64];
	struct ws_gen g1, g2;

	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	ck_assert_int_eq(ws_gen_init(&g1, &spec, key), 0);
	ck_assert_int_eq(ws_gen_init(&g2, &spec, other), 0);
	ck_assert_int_eq(ws_gen_fill(&g1, 0, a, sizeof(a)), 0);
	ck_assert_int_eq(ws_gen_fill(&g2, 0, b, sizeof(b)), 0);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	ws_gen_done(&g1);
	ws_gen_done(&g2);
}
END_TEST

START_TEST(test_byte_pattern_phase)
{
	struct ws_pass_spec spec = { .kind = WS_PATTERN_BYTES, .bytes = "abc", .len = 3 };
	uint8_t buf[11] = { 0 };
	struct ws_gen g;

	ck_assert_int_eq(ws_gen_init(&g, &spec, NULL), 0);
	ck_assert_int_eq(ws_gen_fill(&g, 5, buf, 10), 0);
	ck_assert_str_eq((char *)buf, "cabcabcabc");
	ck_assert_int_eq(ws_gen_fill(&g, 0, buf, 1), 0);
	ck_assert_int_eq(buf[0], 'a');
	/* a 4 MiB chunk is not a multiple of 3: no shared buffer; it is for 1 and 4 bytes */
	ck_assert(!ws_gen_is_fixed(&g, 4u << 20));
	spec.len = 4;
	ck_assert(ws_gen_is_fixed(&g, 4u << 20));
	ws_gen_done(&g);
}
END_TEST

START_TEST(test_bad_spec)
{
	struct ws_pass_spec spec = { .kind = WS_PATTERN_BYTES, .len = 0 };
	struct ws_gen g;

	ck_assert_int_eq(ws_gen_init(&g, &spec, NULL), -EINVAL);
	spec.len = WS_PATTERN_MAX + 1;
	ck_assert_int_eq(ws_gen_init(&g, &spec, NULL), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pattern");
	TCase *tc = tcase_create("generators");

	tcase_add_test(tc, test_random_is_seekable_aes_ctr);
	tcase_add_test(tc, test_random_key_matters);
	tcase_add_test(tc, test_byte_pattern_phase);
	tcase_add_test(tc, test_bad_spec);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
