/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sigcache.c - a signature parsed with its certificates taken from the trust's cache
 * (src/lib/verify-sigcache.c) is the signature OpenSSL's own PEM_read_bio_CMS() parses: the
 * same DER when written out again, the same certificates, for RSA and P-384 signers, one
 * signer and two; met a second time, its certificates are the objects parsed the first time;
 * what the cache does not take (BER from `openssl cms -stream`, a set with a certificate
 * twice, no certificates, a "PKCS7" label, damage) is parsed in full, as OpenSSL parses it.
 * And a verification leaves the trust as it was: the audit's threads share it.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h */
#include <openssl/cms.h>
#include <openssl/x509_vfy.h>

#include "cert-internal.h"
#include "testutil.h"
#include "verify-internal.h"

static char *dir;
static const char doc[] = "{\"hello\": \"world\"}\n";

static struct ws_signer *load(const char *name)
{
	char *sub = test_fmt("%s/%s", dir, name);
	struct ws_signer *s = test_station_signer(sub);

	free(sub);
	return s;
}

static CMS_ContentInfo *openssl_parse(const char *pem)
{
	BIO *in = BIO_new_mem_buf(pem, (int)strlen(pem));
	CMS_ContentInfo *cms = PEM_read_bio_CMS(in, NULL, NULL, NULL);

	BIO_free(in);
	return cms;
}

/* @cms written out as DER (OPENSSL_malloc'ed), its length in @n. */
static unsigned char *der_of(CMS_ContentInfo *cms, int *n)
{
	unsigned char *der = NULL;

	*n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(*n, 0);
	return der;
}

/* @pem parsed through @c is what OpenSSL parses. Return: the parse (the caller's), NULL when
 * neither parses it. */
static CMS_ContentInfo *same_parse(struct ws_sig_cache *c, const char *pem)
{
	CMS_ContentInfo *want = openssl_parse(pem), *got = ws_cms_parse_pem(c, pem, strlen(pem));
	STACK_OF(X509) * wc, *gc;
	unsigned char *wd, *gd;
	int wn, gn;

	ck_assert_msg(!want == !got, "OpenSSL %s it, the cache's parse %s",
	              want ? "parses" : "refuses", got ? "parses" : "refuses");
	if (!want)
		return NULL;
	wd = der_of(want, &wn);
	gd = der_of(got, &gn);
	ck_assert_int_eq(wn, gn);
	ck_assert_mem_eq(wd, gd, (size_t)wn);
	wc = CMS_get1_certs(want);
	gc = CMS_get1_certs(got);
	ck_assert_int_eq(sk_X509_num(wc), sk_X509_num(gc));
	for (int i = 0; i < sk_X509_num(wc); i++)
		ck_assert_int_eq(X509_cmp(sk_X509_value(wc, i), sk_X509_value(gc, i)), 0);
	sk_X509_pop_free(wc, X509_free);
	sk_X509_pop_free(gc, X509_free);
	OPENSSL_free(wd);
	OPENSSL_free(gd);
	CMS_ContentInfo_free(want);
	return got;
}

/* The first certificate @cms carries, or NULL (a pointer to compare, not a reference). */
static X509 *first_cert(CMS_ContentInfo *cms)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509 *x = sk_X509_num(certs) > 0 ? sk_X509_value(certs, 0) : NULL;

	sk_X509_pop_free(certs, X509_free);
	return x;
}

/* Parsed twice through a fresh cache: the same both times, and whether the second time took
 * the first time's certificates. */
static bool reused(const char *pem)
{
	struct ws_sig_cache *c = ws_sig_cache_new();
	CMS_ContentInfo *a = same_parse(c, pem), *b = same_parse(c, pem);
	bool same = a && b && first_cert(a) && first_cert(a) == first_cert(b);

	CMS_ContentInfo_free(a);
	CMS_ContentInfo_free(b);
	ws_sig_cache_free(c);
	return same;
}

START_TEST(test_cached_parse_is_openssls)
{
	struct ws_signer *rsa = load("rsa"), *ec = load("ec");
	char *one = NULL, *two = NULL, *ec_one = NULL, *ec_two = NULL;

	ck_assert_int_eq(ws_signer_sign(rsa, doc, strlen(doc), &one), 0);
	ck_assert_int_eq(ws_cms_add_signer(one, ec, doc, strlen(doc), &two), 0);
	ck_assert_int_eq(ws_signer_sign(ec, doc, strlen(doc), &ec_one), 0);
	ck_assert_int_eq(ws_cms_add_signer(ec_one, rsa, doc, strlen(doc), &ec_two), 0);
	ck_assert(reused(one));
	ck_assert(reused(two));
	ck_assert(reused(ec_one));
	ck_assert(reused(ec_two));
	free(one);
	free(two);
	free(ec_one);
	free(ec_two);
	ws_signer_free(rsa);
	ws_signer_free(ec);
}
END_TEST

/* The signature `openssl cms -sign` makes of doc.json with the rsa station and @opts. */
static char *openssl_sign(const char *opts)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out,
	                         "cd '%s' && openssl cms -sign -binary -in doc.json -signer "
	                         "rsa/signer.pem -inkey rsa/signer.key -outform PEM %s",
	                         dir, opts),
	                 0);
	return out;
}

/* @pem's DER with its one certificate twice in the set, as PEM: the four lengths around it
 * (ContentInfo, [0], SignedData, the set) are all of the two-byte form at these sizes. */
static char *doubled(const char *pem)
{
	CMS_ContentInfo *cms = openssl_parse(pem);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	unsigned char *der = NULL, *cd = NULL, *out, *at;
	int n = i2d_CMS_ContentInfo(cms, &der), cn = i2d_X509(sk_X509_value(certs, 0), &cd);
	size_t heads[4];
	BIO *b64 = BIO_new(BIO_s_mem());
	char *text;
	long tl;

	ck_assert_int_eq(sk_X509_num(certs), 1);
	at = memmem(der, (size_t)n, cd, (size_t)cn);
	ck_assert_ptr_nonnull(at);
	/* ContentInfo at 0; its OID is 11 bytes, so [0] at 15 and the SignedData at 19 */
	heads[0] = 0, heads[1] = 15, heads[2] = 19, heads[3] = (size_t)(at - der) - 4;
	out = malloc((size_t)n + (size_t)cn);
	ck_assert_ptr_nonnull(out);
	memcpy(out, der, (size_t)(at - der) + (size_t)cn);
	memcpy(out + (at - der) + cn, at, (size_t)(n - (at - der)));
	for (int i = 0; i < 4; i++) {
		unsigned char *h = out + heads[i];
		unsigned v = (unsigned)h[2] << 8 | h[3];

		ck_assert_int_eq(h[1], 0x82);
		v += (unsigned)cn;
		ck_assert_uint_lt(v, 0x10000);
		h[2] = (unsigned char)(v >> 8), h[3] = (unsigned char)v;
	}
	ck_assert_int_gt(PEM_write_bio(b64, "CMS", "", out, n + cn), 0);
	tl = BIO_get_mem_data(b64, &text);
	text = strndup(text, (size_t)tl);
	BIO_free(b64);
	free(out);
	OPENSSL_free(der);
	OPENSSL_free(cd);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return text;
}

/* @pem with the label @label in place of CMS. */
static char *relabelled(const char *pem, const char *label)
{
	const char *begin = strstr(pem, "-----BEGIN CMS-----"),
	           *end = strstr(pem, "-----END CMS-----");

	ck_assert(begin && end);
	return test_fmt("%.*s-----BEGIN %s-----%.*s-----END %s-----%s", (int)(begin - pem), pem,
	                label, (int)(end - begin - 19), begin + 19, label, end + 17);
}

START_TEST(test_odd_signatures_parsed_in_full)
{
	char *plain = openssl_sign(""), *streamed = openssl_sign("-stream"),
	     *bare = openssl_sign("-nocerts"), *twice = doubled(plain), *pkcs7, *cut;

	ck_assert(reused(plain)); /* the control: what `openssl cms` writes is cached */
	ck_assert_ptr_nonnull(strstr(streamed, "BEGIN CMS"));
	ck_assert(!reused(streamed));
	ck_assert(!reused(twice));
	ck_assert(!reused(bare));
	/* the label PEM_read_bio_CMS() also takes */
	pkcs7 = relabelled(plain, "PKCS7");
	ck_assert_ptr_nonnull(strstr(pkcs7, "BEGIN PKCS7-----"));
	ck_assert(reused(pkcs7));
	/* damaged: the body cut short, or the label wrong */
	cut = strdup(plain);
	strcpy(cut + strlen(cut) / 2, "\n-----END CMS-----\n");
	ck_assert(!reused(cut));
	ck_assert_ptr_null(ws_cms_parse_pem(NULL, "not a signature", 15));
	free(plain);
	free(streamed);
	free(bare);
	free(twice);
	free(pkcs7);
	free(cut);
}
END_TEST

/* ---- the trust, shared ------------------------------------------------------------------------ */

struct fixture {
	struct ws_trust *trust;
	char *json, *p7s;
	size_t jl, pl;
	int ok; /* how many verified */
};

static void *verify_many(void *arg)
{
	struct fixture *f = arg;

	for (int i = 0; i < 200; i++) {
		struct ws_cert_check c;

		if (ws_cert_verify(f->trust, f->json, f->jl, f->p7s, f->pl, &c) == 0 && c.ok)
			__atomic_add_fetch(&f->ok, 1, __ATOMIC_RELAXED);
		ws_cert_check_clear(&c);
	}
	return NULL;
}

START_TEST(test_trust_left_as_it_was)
{
	struct fixture f = { 0 };
	struct ws_cert_check c;
	X509_VERIFY_PARAM *param;
	pthread_t t[2];

	ck_assert_int_eq(ws_trust_load(WS_SOURCE_DIR "/tests/data/cert1/ca.pem", &f.trust, NULL),
	                 0);
	ck_assert_int_eq(ws_cert_read_files(WS_SOURCE_DIR "/tests/data/cert1/overwrite.json",
	                                    &f.json, &f.jl, &f.p7s, &f.pl, &c),
	                 0);
	ws_cert_check_clear(&c);
	param = X509_STORE_get0_param(ws_trust_store(f.trust));
	ck_assert_int_eq(ws_cert_verify(f.trust, f.json, f.jl, f.p7s, f.pl, &c), 0);
	ck_assert_msg(c.ok, "%s", c.reason);
	ws_cert_check_clear(&c);
	/* the signing time is the verification's own: never set on the store threads share */
	ck_assert(!(X509_VERIFY_PARAM_get_flags(param) & X509_V_FLAG_USE_CHECK_TIME));
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, verify_many, &f), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(f.ok, 400);
	ws_trust_free(f.trust);
	free(f.json);
	free(f.p7s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sigcache");
	TCase *tc = tcase_create("sigcache");
	char path[4200];
	FILE *f;
	int r;

	dir = test_tmpdir("sigcache");
	test_require(test_sh(NULL,
	                     "cd '%s' && '%s/certs/make-ca.sh' ca >/dev/null && "
	                     "'%s/certs/make-station.sh' ca rsa >/dev/null && "
	                     "'%s/certs/make-station.sh' ca ec --ec >/dev/null",
	                     dir, WS_SOURCE_DIR, WS_SOURCE_DIR, WS_SOURCE_DIR) == 0,
	             "cannot make the test CA");
	snprintf(path, sizeof(path), "%s/doc.json", dir);
	f = fopen(path, "w");
	test_require(f && fputs(doc, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cached_parse_is_openssls);
	tcase_add_test(tc, test_odd_signatures_parsed_in_full);
	tcase_add_test(tc, test_trust_left_as_it_was);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
	return r;
}
