/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-asset-tag.c - the rules for a medium's asset tag (src/lib/asset-tag.c), which the
 * station's scanner mode and its certificate form call.
 *
 * The cases, written from the rules in include/wipeseal/asset-tag.h and docs/station.md:
 * tags a label carries (letters, digits, dashes, inner spaces, every printable ASCII
 * character) pass, exactly WS_ASSET_TAG_MAX characters too; an empty tag, one character
 * over, a Tab a scanner sent, a non-ASCII byte, DEL and a space at either end are refused,
 * each with its reason naming the byte or the limit and what to do. The same tag is found
 * on another drive whatever the case of its letters, never in an empty or NULL slot, and an
 * empty tag is never looked for.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <wipeseal/asset-tag.h>

#include "testutil.h"

START_TEST(test_tags_that_pass)
{
	static const char *const ok[] = {
		"PC-0042-DISK", "A", "0000123456", "IT 4512", "~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}",
	};
	char long_ok[WS_ASSET_TAG_MAX + 1];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *why = NULL;

		ck_assert_msg(ws_asset_tag_check(ok[i], &why) == 0, "%s: %s", ok[i], why);
		ck_assert_ptr_null(why);
	}
	memset(long_ok, 'X', WS_ASSET_TAG_MAX);
	long_ok[WS_ASSET_TAG_MAX] = '\0';
	ck_assert_int_eq(ws_asset_tag_check(long_ok, NULL), 0);
}
END_TEST

START_TEST(test_tags_refused_with_the_reason)
{
	static const char *const bad[][2] = {
		{ "", "is empty" },
		{ "PC-\t0042", "byte 0x09 (character 4)" },
		{ "PC-0042\t", "byte 0x09 (character 8)" },
		{ "caf\xc3\xa9", "byte 0xC3 (character 4)" },
		{ "DEL\x7f", "byte 0x7F (character 4)" },
		{ " PC-0042", "begins or ends with a space" },
		{ "PC-0042 ", "begins or ends with a space" },
	};
	char too_long[WS_ASSET_TAG_MAX + 2];
	char *why = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(ws_asset_tag_check(bad[i][0], &why), -EINVAL);
		ck_assert_msg(why && strstr(why, bad[i][1]) && strchr(why, ':'), "case %zu: %s", i,
		              why);
		free(why);
		why = NULL;
	}
	ck_assert_int_eq(ws_asset_tag_check(NULL, NULL), -EINVAL);
	memset(too_long, 'X', WS_ASSET_TAG_MAX + 1);
	too_long[WS_ASSET_TAG_MAX + 1] = '\0';
	ck_assert_int_eq(ws_asset_tag_check(too_long, &why), -EINVAL);
	ck_assert_msg(why && strstr(why, "longer than 64 characters"), "%s", why);
	free(why);
}
END_TEST

START_TEST(test_the_same_tag_on_another_drive)
{
	const char *const tags[] = { "PC-0001", NULL, "", "pc-0042", "PC-0042", "PC-00420" };

	ck_assert(ws_asset_tag_same("PC-0042", "pc-0042"));
	ck_assert(ws_asset_tag_same("a~b", "A~B"));
	ck_assert(!ws_asset_tag_same("PC-0042", "PC-00420"));
	ck_assert(!ws_asset_tag_same("PC-0042", "PC-004"));
	/* '@' and '`' are one bit away from 'A' and 'a' without being letters */
	ck_assert(!ws_asset_tag_same("@1", "`1"));
	ck_assert(!ws_asset_tag_same("", ""));
	ck_assert(!ws_asset_tag_same(NULL, NULL));
	ck_assert(!ws_asset_tag_same("X", NULL));
	/* the first that holds it, whatever its case; NULL and empty slots skipped */
	ck_assert_int_eq(ws_asset_tag_find("PC-0042", tags, 6), 3);
	ck_assert_int_eq(ws_asset_tag_find("pc-00420", tags, 6), 5);
	ck_assert_int_eq(ws_asset_tag_find("PC-0001", tags, 6), 0);
	ck_assert_int_eq(ws_asset_tag_find("PC-0042", tags, 3), -ENOENT);
	ck_assert_int_eq(ws_asset_tag_find("PC-9999", tags, 6), -ENOENT);
	ck_assert_int_eq(ws_asset_tag_find("", tags, 6), -EINVAL);
	ck_assert_int_eq(ws_asset_tag_find(NULL, tags, 6), -EINVAL);
	ck_assert_int_eq(ws_asset_tag_find("PC-0042", NULL, 0), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("asset-tag");
	TCase *tc = tcase_create("asset-tag");

	tcase_add_test(tc, test_tags_that_pass);
	tcase_add_test(tc, test_tags_refused_with_the_reason);
	tcase_add_test(tc, test_the_same_tag_on_another_drive);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
