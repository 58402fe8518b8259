/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-tsa.c - the RFC 3161 tokens on a certificate's signatures, checked
 * (ws_cert_verify_file_opts(), verify-opts.c).
 *
 * Every SignerInfo of NAME.json.p7s may carry id-aa-signatureTimeStampToken (tsa.c). A token
 * is checked as `openssl ts -verify -data <signature value> -in token -CAfile TSA-CA` checks
 * it: its imprint is the digest of that SignerInfo's signature value, its signature chains
 * to the TSA CA given (--tsa-ca) through a certificate with the critical timeStamping
 * usage; and its time lies within the signer certificate's validity. Without a TSA CA the
 * imprint is still checked and the token reported unchecked. A token that does not check
 * fails the verification: it claims a time nobody can vouch for. The station's token is
 * what the report shows: the TSA's time beside the station's signingTime, flagged when they
 * differ by more than the tolerance.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <wipeseal/file.h>

#include "cert-internal.h"
#include "tsa-internal.h"
#include "verify-internal.h"

/* What one token says and whether it checks. */
struct token_check {
	enum ws_timestamp_state state;
	int64_t time;
	char *subject;
	char why[256];
};

static int64_t token_time(PKCS7 *token)
{
	TS_TST_INFO *tst = PKCS7_to_TS_TST_INFO(token);
	const ASN1_GENERALIZEDTIME *gt = tst ? TS_TST_INFO_get_time(tst) : NULL;
	struct tm tm;
	int64_t t = 0;

	if (gt && ASN1_TIME_to_tm(gt, &tm) == 1)
		t = (int64_t)timegm(&tm);
	TS_TST_INFO_free(tst);
	return t;
}

static char *token_subject(PKCS7 *token)
{
	STACK_OF(X509) *signers = PKCS7_get0_signers(token, NULL, 0);
	char *s = sk_X509_num(signers) > 0
	              ? ws_x509_name(X509_get_subject_name(sk_X509_value(signers, 0)))
	              : NULL;

	sk_X509_free(signers);
	return s;
}

/* @token over @si's signature value: the imprint, and with @store the TSA's signature and
 * chain. Return: 1 when it checks. */
static int check_imprint_and_chain(PKCS7 *token, CMS_SignerInfo *si, X509_STORE *store)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	TS_VERIFY_CTX *ctx = TS_VERIFY_CTX_new();
	BIO *data = sig ? BIO_new_mem_buf(sig->data, sig->length) : NULL;
	unsigned flags = TS_VFY_VERSION | TS_VFY_DATA;
	int ok = 0;

	if (ctx && data) {
		TS_VERIFY_CTX_set_data(ctx, data);
		data = NULL;
		if (store && X509_STORE_up_ref(store) == 1) {
			TS_VERIFY_CTX_set_store(ctx, store);
			flags |= TS_VFY_SIGNATURE;
		}
		TS_VERIFY_CTX_set_flags(ctx, (int)flags);
		ok = TS_RESP_verify_token(ctx, token) == 1;
	}
	BIO_free(data);
	TS_VERIFY_CTX_free(ctx);
	return ok;
}

static void check_token(PKCS7 *token, CMS_SignerInfo *si, X509_STORE *store, struct token_check *t)
{
	X509 *signer = NULL;
	time_t when;

	t->time = token_time(token);
	t->subject = token_subject(token);
	t->state = store ? WS_TIMESTAMP_VALID : WS_TIMESTAMP_UNCHECKED;
	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	when = (time_t)t->time;
	if (!check_imprint_and_chain(token, si, store)) {
		char err[200] = "";

		ERR_error_string_n(ERR_peek_last_error(), err, sizeof(err));
		t->state = WS_TIMESTAMP_INVALID;
		snprintf(t->why, sizeof(t->why), "%s",
		         store ? err : "it is not over the signature it is attached to");
	} else if (!t->time ||
	           (signer && (X509_cmp_time(X509_get0_notBefore(signer), &when) >= 0 ||
	                       X509_cmp_time(X509_get0_notAfter(signer), &when) <= 0))) {
		t->state = WS_TIMESTAMP_INVALID;
		snprintf(t->why, sizeof(t->why),
		         "its time lies outside the validity of the signer's certificate");
	}
	ERR_clear_error();
}

/* @si is the station's: its certificate's subject is the one verify reported. */
static bool is_station(CMS_SignerInfo *si, const struct ws_cert_check *c, int i)
{
	X509 *x = NULL;
	char *name;
	bool yes;

	CMS_SignerInfo_get0_algs(si, NULL, &x, NULL, NULL);
	if (!x || !c->signer)
		return i == 0;
	name = ws_x509_name(X509_get_subject_name(x));
	yes = name && strcmp(name, c->signer) == 0;
	free(name);
	return yes;
}

static void fail(struct ws_cert_check *c, bool station, const char *why)
{
	c->ok = false;
	if (!c->reason &&
	    asprintf(&c->reason, "the timestamp token on the %s signature does not check: %s",
	             station ? "station's" : "operator's", why) < 0)
		c->reason = NULL;
}

/* The station asked a TSA and got no token: the mark, or the document's trusted_time (@parsed,
 * or read from @path when NULL). */
static bool awaited(const char *path, struct json_object *parsed)
{
	char *mark = NULL, *doc = NULL;
	size_t len = 0;
	struct json_object *o = NULL, *tt, *req;
	bool yes = false;

	if (asprintf(&mark, "%s" WS_AWAITING_TIMESTAMP_SUFFIX, path) >= 0)
		yes = access(mark, F_OK) == 0;
	free(mark);
	if (!yes && !parsed && ws_read_file_capped(path, WS_CERT_MAX_BYTES, &doc, &len) == 0)
		o = json_tokener_parse(doc);
	if (!yes && (parsed || o))
		yes = json_object_object_get_ex(parsed ?: o, "trusted_time", &tt) &&
		      json_object_object_get_ex(tt, "requested", &req) &&
		      json_object_get_boolean(req);
	json_object_put(o);
	free(doc);
	return yes;
}

/* Every SignerInfo's token checked; the station's reported in @c. */
static void check_signer_infos(CMS_ContentInfo *cms, const struct ws_verify_opts *opts,
                               struct ws_cert_check *c)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	X509_STORE *store = opts && opts->tsa_trust ? ws_trust_store(opts->tsa_trust) : NULL;

	CMS_set1_signers_certs(cms, NULL, 0);
	for (int i = 0; i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		PKCS7 *token = ws_tsa_si_token(si);
		struct token_check t = { 0 };
		bool station = is_station(si, c, i);

		if (!token) {
			ASN1_OBJECT *oid = OBJ_txt2obj(WS_OID_SIGNATURE_TIMESTAMP_TOKEN, 1);

			/* an attribute that is there but is no token claims a time unchecked */
			if (oid && CMS_unsigned_get_attr_by_OBJ(si, oid, -1) >= 0)
				fail(c, station, "it is not a timestamp token");
			ASN1_OBJECT_free(oid);
			continue;
		}
		check_token(token, si, store, &t);
		if (t.state == WS_TIMESTAMP_INVALID)
			fail(c, station, t.why);
		if (station && c->timestamp == WS_TIMESTAMP_NONE) {
			c->timestamp = t.state;
			c->tsa_time = t.time;
			c->tsa_subject = t.subject;
			t.subject = NULL;
		}
		free(t.subject);
		PKCS7_free(token);
	}
	ERR_clear_error();
}

void ws_verify_tsa_parsed(const char *path, CMS_ContentInfo *cms, struct json_object *doc,
                          const struct ws_verify_opts *opts, struct ws_cert_check *c)
{
	unsigned tol =
	    opts && opts->clock_tolerance_s ? opts->clock_tolerance_s : WS_TSA_TOLERANCE_DEFAULT;
	int64_t d;

	if (cms)
		check_signer_infos(cms, opts, c);
	if (c->timestamp == WS_TIMESTAMP_NONE)
		c->timestamp_awaited = awaited(path, doc);
	d = c->tsa_time - c->signing_time;
	if (c->timestamp != WS_TIMESTAMP_NONE && c->tsa_time && c->signing_time)
		c->clock_disagrees = (d < 0 ? -d : d) > (int64_t)tol;
	ERR_clear_error();
}

int ws_verify_tsa(const char *path, const struct ws_verify_opts *opts, struct ws_cert_check *c)
{
	char *sig_path = NULL, *sig = NULL;
	size_t len = 0;
	BIO *in = NULL;
	CMS_ContentInfo *cms = NULL;

	if (asprintf(&sig_path, "%s.p7s", path) < 0)
		return -ENOMEM;
	if (ws_read_file_capped(sig_path, WS_SIG_MAX_BYTES, &sig, &len) == 0 &&
	    (in = BIO_new_mem_buf(sig, (int)len)))
		cms = PEM_read_bio_CMS(in, NULL, ws_pem_no_prompt, NULL);
	ws_verify_tsa_parsed(path, cms, NULL, opts, c);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	free(sig);
	free(sig_path);
	return 0;
}
