/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * validate-common.c - the rules a validation is held to, written once for both sides: the
 * records' names, the validator's certificate, and the self-validation rule (validate.c
 * applies them before writing, verify-validation.c again when it checks a record).
 *
 * Self-validation is refused because Rev. 2 asks for the organization's decision, not the
 * operator's own: a validator whose certificate, or whose key under another certificate,
 * signed the certificate of sanitization (the station's or the operator's signature) or
 * is the operator's the document names. A certificate without an operator card names the
 * person only by the name typed in, so there the commonName is compared with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cert-internal.h"
#include "operator-internal.h"
#include "validate-internal.h"

char *ws_validation_record_path(const char *cert_path, unsigned k)
{
	size_t n = strlen(cert_path);
	char *out = NULL;
	int r;

	if (n > 5 && strcmp(cert_path + n - 5, ".json") == 0)
		n -= 5;
	if (k <= 1)
		r = asprintf(&out, "%.*s.validation.json", (int)n, cert_path);
	else
		r = asprintf(&out, "%.*s.validation-%u.json", (int)n, cert_path, k);
	return r < 0 ? NULL : out;
}

const char *ws_validation_chain_why(X509_STORE *store, X509 *x, STACK_OF(X509) * untrusted,
                                    time_t when)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	const char *why = "out of memory";

	if (ctx && X509_STORE_CTX_init(ctx, store, x, untrusted) == 1) {
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), when);
		why = X509_verify_cert(ctx) == 1
		          ? NULL
		          : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return why;
}

const char *ws_validator_cert_why(X509 *x, char *buf, size_t size)
{
	if (ws_key_policy(X509_get0_pubkey(x), buf, size) < 0)
		return buf;
	/* no keyUsage extension: every usage is allowed (RFC 5280 4.2.1.3) */
	if (!(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE))
		return "its certificate does not allow digitalSignature";
	if (!ws_cert_has_doc_signing(x) && !ws_cert_has_operator_policy(x))
		return "its certificate carries neither documentSigning (" WS_OID_DOCUMENT_SIGNING
		       ") nor the operator policy";
	return NULL;
}

char *ws_name_entry(const X509_NAME *name, int nid)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char *u = NULL;
	char *out = NULL;
	int n;

	if (i < 0)
		return NULL;
	n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n >= 0 && ws_utf8_valid(u, (size_t)n))
		out = strndup((const char *)u, (size_t)n);
	OPENSSL_free(u);
	return out;
}

/* The same certificate, or another with the same key. */
static bool same_holder(X509 *a, X509 *b)
{
	char fa[65], fb[65];

	if (ws_x509_fingerprint(a, fa) == 0 && ws_x509_fingerprint(b, fb) == 0 &&
	    strcmp(fa, fb) == 0)
		return true;
	return EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(b)) == 1;
}

/* Whether @v (or its key) made one of the signatures of @p7s: 2 the operator's (a signer
 * with the operator policy, which a station's never carries: verify-signers.c), 1 the
 * station's, 0 none. */
static int signed_it(const char *p7s, X509 *v)
{
	BIO *b = BIO_new_mem_buf(p7s, -1);
	CMS_ContentInfo *cms = b ? PEM_read_bio_CMS(b, NULL, ws_pem_no_prompt, NULL) : NULL;
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	int found = 0;

	if (cms)
		(void)CMS_set1_signers_certs(cms, NULL, 0);
	for (int i = 0; sis && !found && i < sk_CMS_SignerInfo_num(sis); i++) {
		X509 *x = NULL;

		CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, i), NULL, &x, NULL, NULL);
		if (x && same_holder(x, v))
			found = ws_cert_has_operator_policy(x) ? 2 : 1;
	}
	CMS_ContentInfo_free(cms);
	BIO_free(b);
	ERR_clear_error();
	return found;
}

static const char *member(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v) || (b && !json_object_object_get_ex(v, b, &v)))
		return NULL;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int ws_self_validation(const char *json, size_t len, const char *p7s, X509 *v, char **ret_why)
{
	struct json_object *doc = json_tokener_parse(json), *person = NULL, *card = NULL;
	char fp[65], *cn = ws_name_entry(X509_get_subject_name(v), NID_commonName);
	const char *named = NULL, *name = NULL;
	int who = signed_it(p7s, v), r = 0;

	(void)len;
	if (!doc || ws_x509_fingerprint(v, fp) < 0) {
		json_object_put(doc);
		free(cn);
		return -ENOMEM;
	}
	if (json_object_object_get_ex(doc, "person", &person)) {
		name = member(person, "name", NULL);
		if (json_object_object_get_ex(person, "operator_card", &card) &&
		    json_object_is_type(card, json_type_object))
			named = member(card, "certificate_sha256", NULL);
	}
	if (who == 1)
		r = ws_reason(ret_why, -EPERM,
		              "self-validation refused: the validator's key signed the certificate "
		              "as its station");
	else if (who == 2 || (named && strcmp(named, fp) == 0))
		r = ws_reason(ret_why, -EPERM,
		              "self-validation refused: the validator is the operator who did the "
		              "work (their certificate or key)");
	else if (!named && cn && name && strcmp(cn, name) == 0)
		r = ws_reason(ret_why, -EPERM,
		              "self-validation refused: the validator's name (%s) is the person's "
		              "who did the work",
		              cn);
	json_object_put(doc);
	free(cn);
	return r;
}
