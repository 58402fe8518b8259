/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-records.c - what the register checks of a record before it stores it, where the
 * library had no check to reuse: a re-verification record (wipeseal-reverification/1,
 * written by reverify-record.c) and its detached signature, checked as docs/reverify.md
 * says plain OpenSSL checks it, and the person it names; and the subject of the signer of
 * a .p7s, the identity the register files a record under.
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/err.h>

#include "cert-internal.h"
#include "internal.h"
#include "register-internal.h"
#include "validate-internal.h"
#include "verify-internal.h"

const char *ws_register_jstr(struct json_object *o, const char *path)
{
	struct json_object *v = ws_json_at(o, path);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static CMS_ContentInfo *read_cms(const char *p7s, size_t len)
{
	BIO *b = BIO_new_mem_buf(p7s, (int)len);
	CMS_ContentInfo *cms = b ? PEM_read_bio_CMS(b, NULL, ws_pem_no_prompt, NULL) : NULL;

	BIO_free(b);
	return cms;
}

char *ws_p7s_signer_subject(const char *p7s, size_t len)
{
	CMS_ContentInfo *cms = read_cms(p7s, len);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	STACK_OF(X509) *certs = cms ? CMS_get1_certs(cms) : NULL;
	char *out = NULL;

	for (int i = 0; sis && sk_CMS_SignerInfo_num(sis) > 0 && i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0), x) == 0) {
			out = ws_x509_name(X509_get_subject_name(x));
			break;
		}
	}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return out;
}

/* The signature over @json: one signer, a signing time, the bytes unchanged, the signer
 * chained to @store then and the person @named (SHA-256). NULL, or why not. */
static const char *check_sig(X509_STORE *store, const char *json, size_t len, const char *p7s,
                             size_t plen, const char *named, char *buf, size_t size)
{
	struct ws_record_sig s;
	const char *why = ws_record_sig_verify(store, json, len, p7s, plen, &s), *chain = NULL;
	char fp[65];

	if (!why && !s.signer)
		why = "its signature does not name its signer";
	else if (!why && (chain = ws_validation_chain_why(store, s.signer, s.certs, s.when))) {
		snprintf(buf, size, "its signer does not chain to the CA given (%s)", chain);
		why = buf;
	} else if (!why && ws_x509_fingerprint(s.signer, fp) < 0)
		why = "out of memory";
	else if (!why && (!named || strcmp(named, fp) != 0))
		why = "its signer is not the person it names (person.certificate_sha256)";
	ws_record_sig_clear(&s);
	return why;
}

int ws_reverification_check(const struct ws_trust *trust, const char *json, size_t len,
                            const char *p7s, size_t plen, char **ret_why)
{
	struct json_object *doc = ws_json_parse_strict(json, len);
	const char *why = NULL, *schema = ws_register_jstr(doc, "schema");
	static const char *const need[] = { "reverification_id", "certificate.sha256", "result",
		                            "date" };
	char buf[256];
	int r;

	if (!doc)
		why = "it is not strict JSON";
	else if (!schema || strcmp(schema, "wipeseal-reverification/1") != 0)
		why = "its schema is not wipeseal-reverification/1";
	for (size_t i = 0; !why && i < ELEMENTSOF(need); i++)
		if (!ws_register_jstr(doc, need[i])) {
			snprintf(buf, sizeof(buf), "it lacks %s", need[i]);
			why = buf;
		}
	if (!why)
		why =
		    check_sig(ws_trust_store(trust), json, len, p7s, plen,
		              ws_register_jstr(doc, "person.certificate_sha256"), buf, sizeof(buf));
	r = why ? ws_reason(ret_why, -EPERM, "%s", why) : 0;
	json_object_put(doc);
	return r;
}
