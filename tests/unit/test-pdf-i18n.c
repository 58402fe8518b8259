/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pdf-i18n.c - the PDF's labels and values (src/lib/pdf-i18n.c, pdf-draw.c): the
 * German catalog msgfmt built is read without the process's locale; a .mo cut short or
 * with offsets pointing anywhere is refused without reading outside it; untrusted strings
 * come out valid UTF-8, without controls or bidirectional overrides, cut to length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "internal.h"
#include "pdf-internal.h"
#include "testutil.h"

START_TEST(test_german_catalog)
{
	struct pdf_catalog *c = NULL;

	ck_assert_int_eq(setenv("LANGUAGE", "fr", 1), 0);
	ck_assert_int_eq(pdf_catalog_load(WS_BUILD_LOCALEDIR, "de", &c), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(pdf_tr(c, "Media"), "Medium");
	ck_assert_str_eq(pdf_tr(c, "Person performing sanitization"), "Durchführende Person");
	ck_assert_str_eq(pdf_tr(c, "no such label"), "no such label");
	pdf_catalog_free(c);
	/* English is the msgids themselves; other languages are refused */
	ck_assert_int_eq(pdf_catalog_load(WS_BUILD_LOCALEDIR, "en", &c), 0);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(pdf_tr(NULL, "Media"), "Media");
	ck_assert_int_eq(pdf_catalog_load(WS_BUILD_LOCALEDIR, "fr", &c), -EINVAL);
	ck_assert_int_eq(pdf_catalog_load("/nonexistent", "de", &c), -ENOENT);
}
END_TEST

START_TEST(test_broken_mo_is_refused)
{
	char *mo = NULL;
	size_t len = 0;

	ck_assert_int_eq(ws_read_regular(WS_BUILD_LOCALEDIR "/de/LC_MESSAGES/wipeseal.mo", 1 << 20,
	                                 &mo, &len, NULL),
	                 0);
	/* every length short of the whole: never a translation read from beyond the end */
	for (size_t n = 0; n < len; n++) {
		unsigned char *copy = malloc(n ? n : 1);
		const char *t;

		memcpy(copy, mo, n);
		t = pdf_mo_lookup(copy, n, "Media");
		ck_assert(!t ||
		          (t >= (const char *)copy && t + strlen(t) < (const char *)copy + n));
		free(copy);
	}
	/* every byte of the header and tables flipped: still no read outside */
	for (size_t i = 0; i < len && i < 2048; i++) {
		unsigned char *copy = malloc(len);
		const char *t;

		memcpy(copy, mo, len);
		copy[i] ^= 0xff;
		t = pdf_mo_lookup(copy, len, "Verification");
		ck_assert(!t ||
		          (t >= (const char *)copy && t + strlen(t) < (const char *)copy + len));
		free(copy);
	}
	ck_assert_ptr_null(pdf_mo_lookup((const unsigned char *)"not a catalog at all", 20, "x"));
	free(mo);
}
END_TEST

START_TEST(test_untrusted_strings_are_cleaned)
{
	char big[10001], *s;

	s = pdf_clean("a\xff\xfe"
	              "b\x01\x1b[31m\xe2\x80\xae"
	              "c");
	ck_assert(g_utf8_validate(s, -1, NULL));
	ck_assert_ptr_null(strchr(s, '\x1b'));
	ck_assert_ptr_null(strstr(s, "\xe2\x80\xae"));    /* U+202E RIGHT-TO-LEFT OVERRIDE */
	ck_assert_ptr_nonnull(strstr(s, "\xef\xbf\xbd")); /* U+FFFD for the bad bytes */
	free(s);
	memset(big, 'W', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = pdf_clean(big);
	ck_assert_int_eq(g_utf8_strlen(s, -1), PDF_VALUE_MAX + 1);
	ck_assert_str_eq(s + strlen(s) - 3, "\u2026");
	free(s);
	s = pdf_clean(NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf-i18n");
	TCase *tc = tcase_create("pdf-i18n");

	tcase_add_test(tc, test_german_catalog);
	tcase_add_test(tc, test_broken_mo_is_refused);
	tcase_add_test(tc, test_untrusted_strings_are_cleaned);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
