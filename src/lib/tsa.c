/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tsa.c - RFC 3161 timestamp tokens for CMS signatures: the request, the exchange with the
 * time-stamping authority over HTTP(S), the check of its reply, and the token added to the
 * SignerInfo (wipeseal/timestamp.h).
 *
 * The token dates the signature, not the document: its message imprint is the SHA-256 of
 * the SignerInfo's signature value, and it becomes that SignerInfo's unsigned attribute
 * id-aa-signatureTimeStampToken (RFC 3161 appendix A; ETSI EN 319 122-1's CAdES-T and
 * PAdES B-T use the same attribute). OpenSSL's TS API builds the request and checks the
 * reply: status granted, our nonce, our imprint, and, with a TSA CA, the TSA's chain and its
 * critical timeStamping extended key usage. libcurl carries it: a POST of
 * application/timestamp-query (RFC 3161 section 3.4), TLS verified, bounded in time and in
 * size, so that a TSA that hangs or floods never holds a certificate back for long.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <wipeseal/config.h>

#include "cert-internal.h"
#include "tsa-internal.h"

/* The connection itself: a TSA that does not accept within this is down. */
#define CONNECT_TIMEOUT_S 3L

/* ---- the configuration ---------------------------------------------------------------- */

/* A copy owns its strings; the public struct first, so the one pointer frees both. */
struct tsa_copy {
	struct ws_tsa_config pub;
	char *url, *ca_file;
};

struct ws_tsa_config *ws_tsa_config_dup(const struct ws_tsa_config *tsa)
{
	struct tsa_copy *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->url = tsa->url ? strdup(tsa->url) : NULL;
	c->ca_file = tsa->ca_file ? strdup(tsa->ca_file) : NULL;
	c->pub = (struct ws_tsa_config){ .url = c->url,
		                         .ca_file = c->ca_file,
		                         .timeout_s = tsa->timeout_s };
	if ((tsa->url && !c->url) || (tsa->ca_file && !c->ca_file)) {
		ws_tsa_config_free(&c->pub);
		return NULL;
	}
	return &c->pub;
}

void ws_tsa_config_free(struct ws_tsa_config *tsa)
{
	struct tsa_copy *c = (struct tsa_copy *)tsa;

	if (!c)
		return;
	free(c->url);
	free(c->ca_file);
	free(c);
}

bool ws_tsa_config_from_config(const struct ws_config *cfg, struct ws_tsa_config *ret)
{
	const char *timeout = ws_config_get(cfg, "signer", "tsa_timeout");
	unsigned s = 0;

	*ret = (struct ws_tsa_config){
		.url = ws_config_get(cfg, "signer", "tsa_url"),
		.ca_file = ws_config_get(cfg, "signer", "tsa_ca"),
	};
	if (timeout && ws_config_seconds(timeout, &s))
		ret->timeout_s = s;
	return ret->url && ret->url[0];
}

/* ---- the request ------------------------------------------------------------------------ */

/* A TimeStampReq (RFC 3161 section 2.4.1) for the SHA-256 @digest, with a random nonce and
 * certReq true (the token carries the TSA's certificate, for the verifier). */
static TS_REQ *make_request(unsigned char digest[32])
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	unsigned char rnd[8];
	BIGNUM *bn = NULL;
	ASN1_INTEGER *nonce = NULL;
	bool ok =
	    req && mi && alg && RAND_bytes(rnd, sizeof(rnd)) == 1 &&
	    (bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) && (nonce = BN_to_ASN1_INTEGER(bn, NULL)) &&
	    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) == 1 &&
	    TS_MSG_IMPRINT_set_algo(mi, alg) == 1 && TS_MSG_IMPRINT_set_msg(mi, digest, 32) == 1 &&
	    TS_REQ_set_version(req, 1) == 1 && TS_REQ_set_msg_imprint(req, mi) == 1 &&
	    TS_REQ_set_nonce(req, nonce) == 1 && TS_REQ_set_cert_req(req, 1) == 1;

	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	if (!ok) {
		TS_REQ_free(req);
		return NULL;
	}
	return req;
}

/* ---- the exchange ----------------------------------------------------------------------- */

struct reply {
	unsigned char *data;
	size_t len;
};

static size_t take_reply(char *p, size_t size, size_t n, void *userdata)
{
	struct reply *r = userdata;
	unsigned char *more;

	if (n && size > (WS_TSA_REPLY_MAX - r->len) / n)
		return 0; /* larger than any token: refused (CURLE_WRITE_ERROR) */
	more = realloc(r->data, r->len + size * n);
	if (!more)
		return 0;
	memcpy(more + r->len, p, size * n);
	r->data = more;
	r->len += size * n;
	return size * n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	(void)curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int curl_errno(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return -EHOSTUNREACH;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return -EPROTO;
	}
}

static void curl_setup(CURL *h, const struct ws_tsa_config *tsa, struct curl_slist *hdr,
                       const unsigned char *der, long len, struct reply *rep, char *err)
{
	long timeout = tsa->timeout_s ? (long)tsa->timeout_s : (long)WS_TSA_TIMEOUT_DEFAULT;

	curl_easy_setopt(h, CURLOPT_URL, tsa->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 timeout < CONNECT_TIMEOUT_S ? timeout : CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, der);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take_reply);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, rep);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "wipeseal/" WS_VERSION);
}

/* POST @req to the TSA; *ret gets the reply's bytes (malloc'd). */
static int post(const struct ws_tsa_config *tsa, TS_REQ *req, struct reply *ret, char **ret_reason)
{
	unsigned char *der = NULL;
	int len = i2d_TS_REQ(req, &der), r = 0;
	struct curl_slist *hdr = NULL, *h2 = NULL;
	char err[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURL *h;
	CURLcode c;

	(void)pthread_once(&curl_once, curl_init);
	h = len > 0 ? curl_easy_init() : NULL;
	hdr = h ? curl_slist_append(NULL, "Content-Type: application/timestamp-query") : NULL;
	h2 = hdr ? curl_slist_append(hdr, "Accept: application/timestamp-reply") : NULL;
	if (!h2) {
		r = ws_reason(ret_reason, -ENOMEM, "out of memory asking the TSA");
		goto done;
	}
	curl_setup(h, tsa, h2, der, len, ret, err);
	c = curl_easy_perform(h);
	if (c != CURLE_OK) {
		r = ws_reason(ret_reason, c == CURLE_WRITE_ERROR ? -EPROTO : curl_errno(c),
		              "TSA %s: %s", tsa->url,
		              c == CURLE_WRITE_ERROR ? "its reply is larger than any token"
		              : err[0]               ? err
		                                     : curl_easy_strerror(c));
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200)
		r = ws_reason(ret_reason, -EPROTO, "TSA %s: HTTP status %ld", tsa->url, code);
done:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	OPENSSL_free(der);
	return r;
}

/* ---- the reply -------------------------------------------------------------------------- */

/* The store of @ca_file's certificates, for TS_VERIFY_CTX (which takes it). */
static X509_STORE *load_store(const char *ca_file)
{
	X509_STORE *st = X509_STORE_new();

	if (st && X509_STORE_load_file(st, ca_file) == 1)
		return st;
	X509_STORE_free(st);
	return NULL;
}

/* The reply checked against the request: granted, our nonce and imprint, and the TSA's
 * chain to @tsa->ca_file when there is one. Return: 0, or -EPROTO with the reason. */
static int check_reply(const struct ws_tsa_config *tsa, TS_REQ *req, TS_RESP *resp,
                       char **ret_reason)
{
	/* the request's imprint and nonce to compare (TS_VFY_IMPRINT, TS_VFY_NONCE) */
	TS_VERIFY_CTX *ctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
	X509_STORE *st = NULL;
	unsigned flags = TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE;
	int r = 0;
	char why[256] = "out of memory";

	if (!ctx)
		goto fail;
	if (tsa->ca_file) {
		if (!(st = load_store(tsa->ca_file))) {
			snprintf(why, sizeof(why), "the TSA CA %s cannot be read", tsa->ca_file);
			goto fail;
		}
		TS_VERIFY_CTX_set_store(ctx, st); /* the context frees it */
		flags |= TS_VFY_SIGNATURE;
	}
	TS_VERIFY_CTX_set_flags(ctx, (int)flags);
	if (TS_RESP_verify_response(ctx, resp) == 1)
		goto done;
	ERR_error_string_n(ERR_peek_last_error(), why, sizeof(why));
fail:
	r = ws_reason(ret_reason, -EPROTO, "TSA %s: the reply does not check: %s", tsa->url, why);
done:
	TS_VERIFY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

/* ---- the token on the SignerInfo -------------------------------------------------------- */

static ASN1_OBJECT *token_oid(void)
{
	return OBJ_txt2obj(WS_OID_SIGNATURE_TIMESTAMP_TOKEN, 1);
}

PKCS7 *ws_tsa_si_token(CMS_SignerInfo *si)
{
	ASN1_OBJECT *oid = token_oid();
	int i = oid ? CMS_unsigned_get_attr_by_OBJ(si, oid, -1) : -1;
	X509_ATTRIBUTE *a = i >= 0 ? CMS_unsigned_get_attr(si, i) : NULL;
	ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	const unsigned char *p;
	PKCS7 *token = NULL;

	if (t && t->type == V_ASN1_SEQUENCE) {
		p = t->value.sequence->data;
		token = d2i_PKCS7(NULL, &p, t->value.sequence->length);
	}
	ASN1_OBJECT_free(oid);
	ERR_clear_error();
	return token;
}

static int add_token(CMS_SignerInfo *si, PKCS7 *token)
{
	ASN1_OBJECT *oid = token_oid();
	unsigned char *der = NULL;
	int len = i2d_PKCS7(token, &der), r = -ENOMEM;

	if (oid && len > 0 &&
	    CMS_unsigned_add1_attr_by_OBJ(si, oid, V_ASN1_SEQUENCE, der, len) == 1)
		r = 0;
	OPENSSL_free(der);
	ASN1_OBJECT_free(oid);
	return r;
}

int ws_tsa_stamp_si(const struct ws_tsa_config *tsa, CMS_SignerInfo *si, char **ret_reason)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	unsigned char digest[32];
	struct reply rep = { 0 };
	const unsigned char *p;
	TS_REQ *req = NULL;
	TS_RESP *resp = NULL;
	int r;

	if (!tsa || !tsa->url)
		return ws_reason(ret_reason, -EINVAL, "no TSA configured ([signer] tsa_url)");
	if (!sig || SHA256(sig->data, (size_t)sig->length, digest) == NULL ||
	    !(req = make_request(digest)))
		return ws_reason(ret_reason, -ENOMEM, "out of memory asking the TSA");
	r = post(tsa, req, &rep, ret_reason);
	p = rep.data;
	if (r == 0 && !(resp = d2i_TS_RESP(NULL, &p, (long)rep.len)))
		r = ws_reason(ret_reason, -EPROTO, "TSA %s: its reply is not a TimeStampResp",
		              tsa->url);
	if (r == 0)
		r = check_reply(tsa, req, resp, ret_reason);
	if (r == 0 && add_token(si, TS_RESP_get_token(resp)) < 0)
		r = ws_reason(ret_reason, -ENOMEM, "out of memory adding the token");
	TS_RESP_free(resp);
	TS_REQ_free(req);
	free(rep.data);
	ERR_clear_error();
	return r;
}

int ws_tsa_stamp_cms(const struct ws_tsa_config *tsa, CMS_ContentInfo *cms, unsigned *ret_added,
                     char **ret_reason)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	unsigned added = 0;
	int r = 0;

	for (int i = 0; r == 0 && i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		PKCS7 *have = ws_tsa_si_token(si);

		if (!have && (r = ws_tsa_stamp_si(tsa, si, ret_reason)) == 0)
			added++;
		PKCS7_free(have);
	}
	if (ret_added)
		*ret_added = added;
	return r;
}

int ws_tsa_stamp_p7s(const struct ws_tsa_config *tsa, const char *p7s, char **ret,
                     unsigned *ret_added, char **ret_reason)
{
	BIO *in = BIO_new_mem_buf(p7s, -1);
	CMS_ContentInfo *cms = in ? PEM_read_bio_CMS(in, NULL, ws_pem_no_prompt, NULL) : NULL;
	unsigned added = 0;
	int r = 0;

	*ret = NULL;
	if (!in)
		r = -ENOMEM;
	else if (!cms)
		r = ws_reason(ret_reason, -EINVAL, "not a PEM CMS signature");
	if (r == 0)
		r = ws_tsa_stamp_cms(tsa, cms, &added, ret_reason);
	if (r == 0 && added && ws_cms_pem(cms, ret) < 0)
		r = ws_reason(ret_reason, -ENOMEM, "out of memory writing the signature");
	if (ret_added)
		*ret_added = r == 0 ? added : 0;
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	ERR_clear_error();
	return r;
}

int ws_tsa_mark(const char *cert_path, const char *why)
{
	char *path = NULL, *text = NULL;
	int r = -ENOMEM;

	if (asprintf(&path, "%s" WS_AWAITING_TIMESTAMP_SUFFIX, cert_path) >= 0 &&
	    asprintf(&text, "%s\n", why ? why : "the TSA gave no token") >= 0)
		r = ws_write_new_file(path, text);
	free(path);
	free(text);
	return r;
}
