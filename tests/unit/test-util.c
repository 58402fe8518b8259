/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-util.c - the string and file helpers the sysfs and mountinfo readers stand on.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

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

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, test_unescape_octal);
	tcase_add_test(tc, test_strdup_trim);
	tcase_add_test(tc, test_read_u64_file);
	tcase_add_test(tc, test_strv);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
