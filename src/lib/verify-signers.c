/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-signers.c - a certificate signed by the station and by its operator: two
 * SignerInfos in one SignedData (cms.c), each checked on its own, so that the verdict can
 * say which one fails.
 *
 * `openssl cms -verify` checks every signer at once and says only that one failed; an
 * auditor needs to know whether the station's signature (the evidence) or the operator's
 * (who did it) is wrong. So each SignerInfo is checked as RFC 5652 section 5.6 says: the
 * messageDigest attribute is the digest of the document's exact bytes, the signature over
 * the signed attributes verifies with the signer certificate's key, and that certificate
 * chains to the trusted CAs at the signer's own signingTime; then the station's is held to
 * the key policy and documentSigning, as verify.c holds a lone signer, and the operator's
 * also to the operator policy and to the SHA-256 the document names
 * (person.operator_card.certificate_sha256).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "cert-internal.h"
#include "operator-internal.h"
#include "verify-internal.h"

bool ws_cms_signing_time(CMS_SignerInfo *si, time_t *ret)
{
	int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *a = idx >= 0 ? CMS_signed_get_attr(si, idx) : NULL;
	ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	struct tm tm;

	if (!t || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME) ||
	    ASN1_TIME_to_tm(t->value.utctime, &tm) != 1)
		return false;
	*ret = timegm(&tm);
	return true;
}

/* The messageDigest attribute is the digest of @data. */
static bool digest_matches(CMS_SignerInfo *si, const void *data, size_t len)
{
	X509_ALGOR *alg = NULL;
	const EVP_MD *md;
	ASN1_OCTET_STRING *want;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &alg, NULL);
	md = alg ? EVP_get_digestbyobj(alg->algorithm) : NULL;
	want = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
	                                   V_ASN1_OCTET_STRING);
	return md && want && EVP_Digest(data, len, dg, &n, md, NULL) == 1 &&
	       ASN1_STRING_length(want) == (int)n &&
	       memcmp(ASN1_STRING_get0_data(want), dg, n) == 0;
}

bool ws_verify_chain(X509_STORE *store, CMS_ContentInfo *cms, X509 *x, time_t when,
                     const char **ret_why)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	STACK_OF(X509_CRL) *crls = CMS_get1_crls(cms);
	bool ok = false;

	*ret_why = "out of memory";
	if (ctx && X509_STORE_CTX_init(ctx, store, x, certs) == 1) {
		/* as CMS_verify() sets its own up, only at the time asked, on this context alone */
		X509_STORE_CTX_set_default(ctx, "smime_sign");
		if (crls)
			X509_STORE_CTX_set0_crls(ctx, crls);
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), when);
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			*ret_why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return ok;
}

/* One SignerInfo over @data. Return: NULL when it holds, else why not (a constant, or
 * written into @buf of @size bytes). */
static const char *signer_why(X509_STORE *store, CMS_ContentInfo *cms, CMS_SignerInfo *si,
                              const void *data, size_t len, X509 **ret_x, char *buf, size_t size)
{
	const char *chain_why = "unknown";
	X509 *x = NULL;
	time_t when;

	CMS_SignerInfo_get0_algs(si, NULL, &x, NULL, NULL);
	*ret_x = x;
	if (!x)
		return "its certificate is not in the signature";
	if (!ws_cms_signing_time(si, &when))
		return "it carries no signing time";
	if (!digest_matches(si, data, len))
		return "the document's bytes are not the bytes that were signed (changed after "
		       "signing)";
	if (CMS_SignerInfo_verify(si) != 1)
		return "its signature does not verify";
	if (!ws_verify_chain(store, cms, x, when, &chain_why)) {
		snprintf(buf, size, "its certificate does not chain to the trusted CA (%s)",
		         chain_why);
		return buf;
	}
	if (ws_key_policy(X509_get0_pubkey(x), buf, size) < 0)
		return buf;
	if (!ws_cert_has_doc_signing(x))
		return "its certificate lacks documentSigning (" WS_OID_DOCUMENT_SIGNING ")";
	return NULL;
}

/* Which of the two is the operator's: the one with the SHA-256 the document names, else
 * the one marked with the operator policy (then refused for its SHA-256). */
static int operator_index(CMS_ContentInfo *cms, const char *named)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	int marked = -1;

	for (int i = 0; i < 2; i++) {
		X509 *x = NULL;
		char fp[65];

		CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, i), NULL, &x, NULL, NULL);
		if (x && named && ws_x509_fingerprint(x, fp) == 0 && strcmp(fp, named) == 0)
			return i;
		if (x && marked < 0 && ws_cert_has_operator_policy(x))
			marked = i;
	}
	return marked >= 0 ? marked : 1;
}

/* The operator the document names (subject, and name in the person block) is the one in
 * @x, the certificate whose SHA-256 it names: what verify reports is what was signed. */
static bool same_person(X509 *x, const struct ws_cert_check *c)
{
	X509_NAME *subject = X509_get_subject_name(x);
	char *text = ws_x509_name(subject), cn[256] = "";
	bool same = text && c->operator_subject && strcmp(text, c->operator_subject) == 0;

	if (X509_NAME_get_text_by_NID(subject, NID_commonName, cn, sizeof(cn)) < 0)
		cn[0] = '\0';
	same = same && c->operator_name && strcmp(cn, c->operator_name) == 0;
	free(text);
	return same;
}

bool ws_verify_two_signers(X509_STORE *store, CMS_ContentInfo *cms, const void *json, size_t len,
                           const char *named, struct ws_cert_check *c)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	CMS_SignerInfo *station_si, *op_si;
	X509 *sx = NULL, *ox = NULL;
	const char *why;
	char fp[65] = "", buf[200];
	time_t when;
	bool ok = false;
	int op;

	/* the signers' certificates, from the SignedData's own set (RFC 5652 section 5.3) */
	(void)CMS_set1_signers_certs(cms, NULL, 0);
	op = operator_index(cms, named);
	station_si = sk_CMS_SignerInfo_value(sis, !op);
	op_si = sk_CMS_SignerInfo_value(sis, op);
	why = signer_why(store, cms, station_si, json, len, &sx, buf, sizeof(buf));
	if (why) {
		ws_reason(&c->reason, 0, "the station's signature: %s", why);
		goto done;
	}
	/* two persons' worth of proof from one: the station's signature made with the
	 * operator's own certificate, or with any operator's, proves no station */
	if (ws_cert_has_operator_policy(sx)) {
		ws_reason(&c->reason, 0,
		          "the station's signature: it was made with an operator's certificate "
		          "(operator policy " WS_OID_OPERATOR_POLICY "), not a station's");
		goto done;
	}
	if (ws_cms_signing_time(station_si, &when))
		c->signing_time = when;
	c->signer = ws_x509_name(X509_get_subject_name(sx));
	why = signer_why(store, cms, op_si, json, len, &ox, buf, sizeof(buf));
	if (!why && !ws_cert_has_operator_policy(ox))
		why = "its certificate lacks the operator policy " WS_OID_OPERATOR_POLICY;
	if (!why && (!named || ws_x509_fingerprint(ox, fp) < 0 || strcmp(fp, named) != 0))
		why = named ? "it is not the operator the document names (another certificate)"
		            : "the document names no operator";
	if (!why && !same_person(ox, c))
		why = "the document's operator (name or subject) is not their certificate's";
	c->operator_sig = why ? WS_OPERATOR_SIG_INVALID : WS_OPERATOR_SIG_SIGNED;
	if (why)
		ws_reason(&c->reason, 0, "the operator's signature: %s", why);
	ok = !why && c->signer;
done:
	ERR_clear_error();
	return ok;
}
