/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-jsoncheck.c - the strict check json-c does not make: no key twice in one object (as
 * JSON defines equal keys, escapes decoded), no NUL character in any string, and no crash
 * on whatever bytes it is given.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

/* The check of @text: 0, or -EINVAL with a reason holding @needle. */
static void expect(const char *text, int want, const char *needle)
{
	char *why = NULL;
	int r = ws_json_check_strict(text, strlen(text), &why);

	ck_assert_msg(r == want, "%s: %d, want %d (%s)", text, r, want, why ? why : "-");
	if (needle)
		ck_assert_msg(why && strstr(why, needle), "%s: reason '%s' lacks '%s'", text,
		              why ? why : "(none)", needle);
	else
		ck_assert_ptr_null(why);
	free(why);
}

START_TEST(test_plain_documents_pass)
{
	expect("{}", 0, NULL);
	expect("  {\"a\": 1, \"b\": [1, 2, {\"a\": 2}], \"c\": {\"a\": null}}\n", 0, NULL);
	/* the same key in different objects, and keys that only look alike */
	expect("{\"a\": {\"a\": {\"a\": true}}, \"A\": false, \"a \": \"a\"}", 0, NULL);
	expect("[{\"k\": 1}, {\"k\": 2}]", 0, NULL);
	/* escapes that are not NUL, and a prefix that is not a duplicate */
	expect("{\"s\": \"tab\\there \\u0001 \\ud83d\\ude00 \\\"q\\\"\", \"ss\": \"\"}", 0, NULL);
}
END_TEST

START_TEST(test_duplicate_keys_are_refused)
{
	expect("{\"status\": \"FAILED\", \"status\": \"SUCCESS\"}", -EINVAL,
	       "the key \"status\" appears twice in one object");
	/* deep inside, and inside an array */
	expect("{\"evidence\": {\"device\": {\"serial\": \"1\", \"model\": \"m\", \"serial\": "
	       "\"2\"}}}",
	       -EINVAL, "\"serial\" appears twice");
	expect("{\"a\": [1, {\"x\": 1, \"y\": 2, \"x\": 3}]}", -EINVAL, "\"x\" appears twice");
	/* equal once decoded: an escaped letter, an escaped slash, a surrogate pair */
	expect("{\"status\": 1, \"st\\u0061tus\": 2}", -EINVAL, "appears twice");
	expect("{\"a/b\": 1, \"a\\/b\": 2}", -EINVAL, "appears twice");
	expect("{\"\xf0\x9f\x98\x80\": 1, \"\\ud83d\\ude00\": 2}", -EINVAL, "appears twice");
}
END_TEST

START_TEST(test_nul_in_strings_is_refused)
{
	expect("{\"status\": \"SUCCESS\\u0000FAILED\"}", -EINVAL, "NUL character");
	expect("{\"st\\u0000atus\": \"SUCCESS\"}", -EINVAL, "NUL character");
	expect("[\"\\u0000\"]", -EINVAL, "NUL character");
	/* a raw NUL byte, for callers that skipped the UTF-8 check */
	{
		static const char raw[] = "{\"a\": \"x\0y\"}";
		char *why = NULL;

		ck_assert_int_eq(ws_json_check_strict(raw, sizeof(raw) - 1, &why), -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "NUL character"));
		free(why);
	}
}
END_TEST

START_TEST(test_any_bytes_are_safe)
{
	static const char *const bad[] = {
		"",          "{",         "{\"a\"",         "{\"a\":", "{\"a\": \"x",
		"[1, 2",     "\"\\u12",   "{\"a\\",         "{1: 2}",  "[[[[[[[[[[",
		"{\"a\": }", "{\"a\" 1}", "\"\\ud83d\\u\"", "[1 2]",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		char *why = NULL;
		int r = ws_json_check_strict(bad[i], strlen(bad[i]), &why);

		ck_assert_msg(r == 0 || r == -EINVAL, "%s: %d", bad[i], r);
		free(why);
	}
	/* deeper than any certificate: refused, not a stack overflow */
	{
		size_t n = 100000;
		char *deep = malloc(n + 1), *why = NULL;

		memset(deep, '[', n);
		deep[n] = '\0';
		ck_assert_int_eq(ws_json_check_strict(deep, n, &why), -EINVAL);
		free(why);
		free(deep);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsoncheck");
	TCase *tc = tcase_create("strict");

	tcase_add_test(tc, test_plain_documents_pass);
	tcase_add_test(tc, test_duplicate_keys_are_refused);
	tcase_add_test(tc, test_nul_in_strings_is_refused);
	tcase_add_test(tc, test_any_bytes_are_safe);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
