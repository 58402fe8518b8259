/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pkcs11.c - what of a token key is ours before any module is loaded: telling a URI from
 * a path, refusing a URI that does not parse or carries its PIN, a module that is not there,
 * a certificate on a token with a key in a file; and the reader of PIN files. Signing with a
 * token, and every refusal a token gives, are in tests/integration/test-token.c (SoftHSM2).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "cert-internal.h"
#include "testutil.h"

START_TEST(test_is_uri)
{
	ck_assert(ws_is_pkcs11_uri("pkcs11:token=op;object=card"));
	ck_assert(ws_is_pkcs11_uri("PKCS11:"));
	ck_assert(!ws_is_pkcs11_uri("pkcs11"));
	ck_assert(!ws_is_pkcs11_uri("/etc/wipeseal/pkcs11:key.pem"));
	ck_assert(!ws_is_pkcs11_uri("signer.key"));
	ck_assert(!ws_is_pkcs11_uri(NULL));
}
END_TEST

/* ws_signer_load() of @key and @cert fails with @err and a reason holding @needle. */
static void refused(const char *key, const char *cert, int err, const char *needle)
{
	struct ws_signer_files f = { .key = key, .cert = cert };
	struct ws_signer *s = NULL;
	char *why = NULL;

	ck_assert_int_eq(ws_signer_load(&f, &s, &why), err);
	ck_assert_ptr_null(s);
	ck_assert_msg(why && strstr(why, needle), "%s: want \"%s\" in %s", key, needle, why);
	ck_assert_ptr_null(strchr(why, '\n'));
	free(why);
}

START_TEST(test_refused_before_a_module)
{
	refused("pkcs11:token=op;id=%zz", NULL, -EINVAL, "not an RFC 7512 URI");
	refused("pkcs11:token=op;object=card?pin-value=1234", NULL, -EINVAL,
	        "a PIN in the URI (pin-value) is refused");
	refused("pkcs11:token=op;object=card?module-path=/nonexistent/module.so", NULL, -ELIBACC,
	        "the PKCS#11 module /nonexistent/module.so cannot be loaded");
	refused("/nonexistent/signer.key", "pkcs11:token=op;object=card", -EINVAL,
	        "is on a token, the key /nonexistent/signer.key is not");
	refused("/nonexistent/signer.key", NULL, -EINVAL, "needs both a key and a certificate");
}
END_TEST

START_TEST(test_read_secret)
{
	char *dir = test_tmpdir("pkcs11"), *pin = NULL, *text = NULL, *why = NULL;
	size_t len = 0;

	ck_assert_int_ge(asprintf(&pin, "%s/pin", dir), 0);
	ck_assert_int_eq(test_sh(NULL, "printf '1234\\n' > '%s' && chmod 600 '%s'", pin, pin), 0);
	ck_assert_int_eq(ws_read_secret("token PIN file", pin, 256, &text, &len, &why), 0);
	ck_assert_str_eq(text, "1234");
	ck_assert_uint_eq(len, 4);
	ws_free_secret(text, len);
	ck_assert_int_eq(test_sh(NULL, "chmod 644 '%s'", pin), 0);
	ck_assert_int_eq(ws_read_secret("token PIN file", pin, 256, &text, &len, &why), -EPERM);
	ck_assert_ptr_nonnull(strstr(why, "readable by group or others (mode 644)"));
	free(why);
	why = NULL;
	ck_assert_int_eq(test_sh(NULL, "printf '1\\n2\\n' > '%s' && chmod 600 '%s'", pin, pin), 0);
	ck_assert_int_eq(ws_read_secret("token PIN file", pin, 256, &text, &len, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "must hold the PIN on one line"));
	free(why);
	free(pin);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pkcs11");
	TCase *tc = tcase_create("pkcs11");

	tcase_add_test(tc, test_is_uri);
	tcase_add_test(tc, test_refused_before_a_module);
	tcase_add_test(tc, test_read_secret);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
