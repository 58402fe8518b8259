/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-io.c - the engine's bookkeeping of bad ranges, and the engine itself on an image file
 * (whole-device writes and reads; the fault paths are the integration tests' part).
 *
 * The cases: the bookkeeping of bad ranges (sorted and merged), and an image file written and
 * verified by the engine.
 */
#include <check.h>
#include <fcntl.h>
#include <string.h>

#include "wipe-internal.h"
#include "testutil.h"

static void add(struct ws_range **v, size_t *n, uint64_t off, uint64_t len)
{
	ck_assert_int_eq(ws_ranges_add(v, n, off, len), 0);
}

START_TEST(test_ranges_merge)
{
	struct ws_range *v = NULL;
	size_t n = 0;

	add(&v, &n, 100, 10);
	add(&v, &n, 0, 10);
	add(&v, &n, 50, 10);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[0].offset, 0);
	ck_assert_uint_eq(v[1].offset, 50);
	ck_assert_uint_eq(v[2].offset, 100);
	add(&v, &n, 10, 40); /* touches both neighbours: 0..60 */
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(v[0].offset, 0);
	ck_assert_uint_eq(v[0].length, 60);
	add(&v, &n, 55, 100); /* swallows 100..110 */
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].length, 155);
	add(&v, &n, 7, 0); /* empty: nothing */
	ck_assert_uint_eq(n, 1);
	add(&v, &n, 1000, 5);
	add(&v, &n, 995, 5);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(v[1].offset, 995);
	ck_assert_uint_eq(v[1].length, 10);
	free(v);
}
END_TEST

START_TEST(test_write_and_verify_an_image)
{
	char *dir = test_tmpdir("io"), *path = NULL;
	struct ws_pass_spec spec = { .kind = WS_PATTERN_BYTES, .bytes = { 0x5a }, .len = 1 };
	struct ws_pass_result pr = { 0 };
	struct ws_verify_result vr = { 0 };
	struct ws_io io = { .dfd = -1, .chunk = 1 << 20, .threads = 3 };
	uint64_t size = (3 << 20) + 4096 + 100; /* a partial chunk and an unaligned tail */
	uint8_t buf[256];

	ck_assert_int_ge(asprintf(&path, "%s/img", dir), 0);
	io.fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(io.fd, 0);
	ck_assert_int_eq(ftruncate(io.fd, (off_t)size), 0);
	io.size = size;
	ck_assert_int_eq(ws_io_write_pass(&io, &spec, NULL, &pr, NULL, NULL, 10), 0);
	ck_assert_uint_eq(pr.n_unwritten, 0);
	ck_assert_uint_eq(atomic_load(&io.done), size);
	ck_assert_int_eq(ws_io_flush(&io), 0);
	ck_assert_int_eq(pread(io.fd, buf, sizeof(buf), (off_t)size - sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0x5a);
	ck_assert_int_eq(ws_io_verify(&io, &spec, NULL, NULL, 0, &vr, NULL, NULL, 10), 0);
	ck_assert_uint_eq(vr.bytes_checked, size);
	ck_assert_uint_eq(vr.bytes_mismatched, 0);

	/* one byte changed behind the engine's back is found, at its offset */
	ck_assert_int_eq(pwrite(io.fd, "\x00", 1, 2000000), 1);
	memset(&vr, 0, sizeof(vr));
	ck_assert_int_eq(ws_io_verify(&io, &spec, NULL, NULL, 0, &vr, NULL, NULL, 10), 0);
	ck_assert_uint_eq(vr.bytes_mismatched, 1);
	ck_assert_uint_eq(vr.n_mismatch_offsets, 1);
	ck_assert_uint_eq(vr.mismatch_offsets[0], 2000000);
	close(io.fd);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	free(pr.unwritten);
	free(path);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, test_ranges_merge);
	tcase_add_test(tc, test_write_and_verify_an_image);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
