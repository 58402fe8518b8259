/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-util.c - the string and file helpers the sysfs and mountinfo readers stand on, and the
 * one reader of every file a user names.
 *
 * The cases: mountinfo's octal escapes, trimming, sysfs-style number files, string lists, the
 * regular-file reader (ws_read_regular()) on files it reads and on the FIFOs, devices and
 * directories it refuses, and ws_escape_field() (control bytes, spaces and backslashes as \xNN).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "testutil.h"

START_TEST(test_unescape_octal)
{
	char s[] = "/mnt/with\\040space\\011tab\\134and\\999";

	unescape_octal(s);
	ck_assert_str_eq(s, "/mnt/with space\ttab\\and\\999");
}
END_TEST

START_TEST(test_strdup_trim)
{
	char *s = strdup_trim("  ATA     ");

	ck_assert_str_eq(s, "ATA");
	free(s);
	ck_assert_ptr_null(strdup_trim("   \n"));
	ck_assert_ptr_null(strdup_trim(NULL));
}
END_TEST

START_TEST(test_read_u64_file)
{
	char *dir = test_tmpdir("util"), *f = NULL;
	uint64_t v = 7;

	ck_assert_int_ge(asprintf(&f, "%s/n", dir), 0);
	ck_assert_int_eq(test_sh(NULL, "echo 1953525168 > '%s'", f), 0);
	ck_assert_int_eq(read_u64_file(f, &v), 0);
	ck_assert_uint_eq(v, 1953525168ULL);
	ck_assert_int_eq(test_sh(NULL, "echo -5 > '%s'", f), 0);
	ck_assert_int_eq(read_u64_file(f, &v), -EINVAL);
	ck_assert_int_eq(test_sh(NULL, "echo 12abc > '%s'", f), 0);
	ck_assert_int_eq(read_u64_file(f, &v), -EINVAL);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(read_u64_file(f, &v), -ENOENT);
	free(f);
	free(dir);
}
END_TEST

START_TEST(test_strv)
{
	struct ws_strv sv = { 0 };

	ck_assert_int_eq(ws_strv_add(&sv, "a"), 0);
	ck_assert_int_eq(ws_strv_addf(&sv, "%s-%d", "b", 2), 0);
	ck_assert_uint_eq(sv.n, 2);
	ck_assert(ws_strv_contains(&sv, "b-2"));
	ck_assert(!ws_strv_contains(&sv, "c"));
	ws_strv_clear(&sv);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

/* ---- ws_read_regular(): what a user may name instead of a file ----------------------------- */

static int read_it(const char *path, size_t cap, size_t *len)
{
	char *buf = NULL;
	int r = ws_read_regular(path, cap, &buf, len, NULL);

	free(buf);
	return r;
}

START_TEST(test_read_regular_files)
{
	char *dir = test_tmpdir("read"), *f = NULL, *buf = NULL;
	size_t len = 0;

	ck_assert_int_ge(asprintf(&f, "%s/f", dir), 0);
	ck_assert_int_eq(test_sh(NULL, "printf 'a\\000b\\n' > '%s'", f), 0);
	ck_assert_int_eq(ws_read_regular(f, 64, &buf, &len, NULL), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(buf, "a\0b\n", 5); /* NUL-terminated too */
	free(buf);
	/* the cap: exactly at it is fine, one byte past it is not */
	ck_assert_int_eq(read_it(f, 4, &len), 0);
	ck_assert_int_eq(read_it(f, 3, &len), -EFBIG);
	/* a size of 0 is only a hint (procfs): read to the end */
	ck_assert_int_eq(read_it("/proc/self/status", 1 << 20, &len), 0);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(read_it("/proc/self/status", 16, &len), -EFBIG);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(read_it(f, 64, &len), -ENOENT);
	free(f);
	free(dir);
}
END_TEST

START_TEST(test_read_regular_refuses_the_rest)
{
	char *dir = test_tmpdir("read"), *fifo = NULL, *buf = NULL, *why = NULL;
	struct stat st;
	size_t len;

	/* a FIFO without a writer: refused at once, not waited on (Check's timeout bounds it) */
	ck_assert_int_ge(asprintf(&fifo, "%s/fifo", dir), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(ws_read_regular(fifo, 1 << 20, &buf, &len, &st), -EINVAL);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_str_eq(ws_file_kind(st.st_mode), "a FIFO");
	/* endless, empty, a directory */
	ck_assert_int_eq(read_it("/dev/zero", 1 << 20, &len), -EINVAL);
	ck_assert_int_eq(read_it("/dev/null", 1 << 20, &len), -EINVAL);
	ck_assert_int_eq(read_it(dir, 1 << 20, &len), -EINVAL);
	/* a regular file whose read fails: an error, not an empty file */
	ck_assert_int_eq(read_it("/proc/self/mem", 1 << 20, &len), -EIO);
	/* the reason names the file and what it is */
	ck_assert_int_eq(ws_read_named("configuration file", fifo, 1 << 20, &buf, &len, NULL, &why),
	                 -EINVAL);
	ck_assert_ptr_null(buf);
	ck_assert_ptr_nonnull(strstr(why, "configuration file"));
	ck_assert_ptr_nonnull(strstr(why, "is a FIFO, not a regular file"));
	free(why);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	free(fifo);
	free(dir);
}
END_TEST

START_TEST(test_escape_field)
{
	char *s = ws_escape_field("AB\nC D\\\x1b[0m\x7f\xc3\xa9");

	ck_assert_str_eq(s, "AB\\x0aC\\x20D\\x5c\\x1b[0m\\x7f\xc3\xa9");
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, test_unescape_octal);
	tcase_add_test(tc, test_strdup_trim);
	tcase_add_test(tc, test_read_u64_file);
	tcase_add_test(tc, test_strv);
	tcase_add_test(tc, test_read_regular_files);
	tcase_add_test(tc, test_read_regular_refuses_the_rest);
	tcase_add_test(tc, test_escape_field);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
