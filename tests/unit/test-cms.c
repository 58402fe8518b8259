/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cms.c - a second signer added to a detached CMS signature (src/lib/cms.c), with key
 * files: the first signer's SignerInfo kept as it was, the second with its own digest
 * (an RSA station signs with SHA-256, a P-384 one with SHA-384), and plain `openssl cms
 * -verify` accepting both; ws_cms_has_signer() finding each by its certificate's SHA-256;
 * what is not a CMS refused.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert-internal.h"
#include "testutil.h"

static char *dir;

static struct ws_signer *load(const char *name)
{
	char *sub = test_fmt("%s/%s", dir, name);
	struct ws_signer *s = test_station_signer(sub);

	free(sub);
	return s;
}

static void write_file(const char *name, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* How many SignerInfos @name holds, and whether openssl verifies it over doc.json. */
static int openssl_signers(const char *name)
{
	char *out = NULL;
	int n;

	ck_assert_int_eq(test_sh(&out,
	                         "cd '%s' && openssl cms -verify -binary -inform PEM -in %s "
	                         "-content doc.json -CAfile ca/ca.pem -purpose any -out /dev/null",
	                         dir, name),
	                 0);
	free(out);
	ck_assert_int_eq(test_sh(&out,
	                         "cd '%s' && openssl cms -cmsout -print -inform PEM -in %s | grep "
	                         "-c d.issuerAndSerialNumber",
	                         dir, name),
	                 0);
	n = atoi(out);
	free(out);
	return n;
}

START_TEST(test_second_signer)
{
	static const char doc[] = "{\"hello\": \"world\"}\n";
	struct ws_signer *rsa = load("rsa"), *ec = load("ec");
	char *one = NULL, *two = NULL, fp_rsa[65], fp_ec[65];

	write_file("doc.json", doc);
	ck_assert_int_eq(ws_signer_sign(rsa, doc, strlen(doc), &one), 0);
	ck_assert_int_eq(ws_cms_add_signer(one, ec, doc, strlen(doc), &two), 0);
	write_file("one.p7s", one);
	write_file("two.p7s", two);
	ck_assert_int_eq(openssl_signers("one.p7s"), 1);
	ck_assert_int_eq(openssl_signers("two.p7s"), 2);
	ck_assert_int_eq(ws_x509_fingerprint(ws_signer_cert(rsa), fp_rsa), 0);
	ck_assert_int_eq(ws_x509_fingerprint(ws_signer_cert(ec), fp_ec), 0);
	ck_assert(ws_cms_has_signer(one, fp_rsa));
	ck_assert(!ws_cms_has_signer(one, fp_ec));
	ck_assert(ws_cms_has_signer(two, fp_rsa));
	ck_assert(ws_cms_has_signer(two, fp_ec));
	/* the other way round: the P-384 key first (SHA-384), then the RSA one */
	free(one);
	free(two);
	ck_assert_int_eq(ws_signer_sign(ec, doc, strlen(doc), &one), 0);
	ck_assert_int_eq(ws_cms_add_signer(one, rsa, doc, strlen(doc), &two), 0);
	write_file("two.p7s", two);
	ck_assert_int_eq(openssl_signers("two.p7s"), 2);
	free(one);
	free(two);
	ws_signer_free(rsa);
	ws_signer_free(ec);
}
END_TEST

START_TEST(test_not_a_cms)
{
	struct ws_signer *rsa = load("rsa");
	char *out = NULL;

	ck_assert_int_eq(ws_cms_add_signer("not a signature", rsa, "x", 1, &out), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert(!ws_cms_has_signer("not a signature", "00"));
	ws_signer_free(rsa);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cms");
	TCase *tc = tcase_create("cms");
	int r;

	dir = test_tmpdir("cms");
	test_require(test_sh(NULL,
	                     "cd '%s' && '%s/certs/make-ca.sh' ca >/dev/null && "
	                     "'%s/certs/make-station.sh' ca rsa >/dev/null && "
	                     "'%s/certs/make-station.sh' ca ec --ec >/dev/null",
	                     dir, WS_SOURCE_DIR, WS_SOURCE_DIR, WS_SOURCE_DIR) == 0,
	             "cannot make the test CA");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_second_signer);
	tcase_add_test(tc, test_not_a_cms);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
	return r;
}
