/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify.c - what an auditor's check of a certificate does, in the order it does it.
 *
 * The input is hostile until proven otherwise: sizes are capped before anything is read,
 * the document must be strict UTF-8 and strict JSON of the right schema, and only then is
 * the detached CMS signature checked over the exact bytes, the signer's chain built to the
 * trusted CA at the moment of signing (the signingTime attribute: a certificate signed while
 * its signer was valid stays valid after the signer expires), and the signer held to the
 * same key policy and extended key usage as at signing. Each failure is one line.
 * tests/fuzz/fuzz-verify.c feeds this file arbitrary bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "cert-internal.h"
#include "verify-internal.h"

struct ws_trust {
	X509_STORE *store;         /* never changed once loaded: the audit's threads share it */
	struct ws_sig_cache *sigs; /* the signatures' certificates met (verify-sigcache.c) */
};

/* ---- trust ---------------------------------------------------------------------------------- */

#define CA_FILE_MAX (8u << 20) /* the system's whole bundle is a few hundred KiB */

/* The certificates of one PEM file, read like every file a user names (never a FIFO or a
 * device, never a pass phrase prompt), into @store. Return: how many, or a negative errno
 * with @ret_reason set. */
static int load_pem(X509_STORE *store, const char *path, char **ret_reason)
{
	STACK_OF(X509_INFO) *infos = NULL;
	char *pem = NULL;
	size_t len = 0;
	BIO *b = NULL;
	int r = ws_read_named("CA", path, CA_FILE_MAX, &pem, &len, NULL, ret_reason), n = 0;

	if (r < 0)
		return r;
	if ((b = BIO_new_mem_buf(pem, (int)len)))
		infos = PEM_X509_INFO_read_bio(b, NULL, ws_pem_no_prompt, NULL);
	for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);

		n += xi->x509 && X509_STORE_add_cert(store, xi->x509) == 1;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(b);
	free(pem);
	ERR_clear_error();
	return n;
}

/* *.pem, *.crt and c_rehash's HASH.N names. */
static bool ca_name(const char *name)
{
	size_t n = strlen(name);

	if (n >= 5 && (strcmp(name + n - 4, ".pem") == 0 || strcmp(name + n - 4, ".crt") == 0))
		return true;
	return n >= 10 && strspn(name, "0123456789abcdef") == 8 && name[8] == '.' &&
	       strspn(name + 9, "0123456789") == n - 9;
}

/* Every CA file of a directory, loaded now (OpenSSL's lookup by hash would open them later,
 * without these checks); files that are not regular are passed over. */
static int load_dir(X509_STORE *store, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int loaded = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *p = NULL;
		int n;

		if (!ca_name(de->d_name))
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
			break;
		n = load_pem(store, p, NULL);
		loaded += n > 0 ? n : 0;
		free(p);
	}
	closedir(d);
	return loaded;
}

int ws_trust_load(const char *path, struct ws_trust **ret, char **ret_reason)
{
	struct ws_trust *t = calloc(1, sizeof(*t));
	struct stat st;
	int r = 0;

	if (!t || !(t->store = X509_STORE_new()) || !(t->sigs = ws_sig_cache_new())) {
		ws_trust_free(t);
		return -ENOMEM;
	}
	if (!path || stat(path, &st) < 0)
		r = ws_reason(ret_reason, -ENOENT, "CA %s: %s", path ? path : "(none)",
		              path ? strerror(errno) : "name one with --ca");
	else if (S_ISDIR(st.st_mode) ? load_dir(t->store, path) <= 0
	                             : (r = load_pem(t->store, path, ret_reason)) == 0)
		r = ws_reason(ret_reason, -EINVAL, "CA %s: no PEM certificate could be loaded",
		              path);
	ERR_clear_error();
	if (r < 0) {
		ws_trust_free(t);
		return r;
	}
	/* like `openssl cms -verify -purpose any`: the EKU is checked below, by name */
	X509_VERIFY_PARAM_set_purpose(X509_STORE_get0_param(t->store), X509_PURPOSE_ANY);
	*ret = t;
	return 0;
}

X509_STORE *ws_trust_store(const struct ws_trust *t)
{
	return t->store;
}

struct ws_trust *ws_trust_free(struct ws_trust *t)
{
	if (t) {
		X509_STORE_free(t->store);
		ws_sig_cache_free(t->sigs);
		free(t);
	}
	return NULL;
}

/* ---- the document ---------------------------------------------------------------------------- */

static char *jdup(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

/* The document: parse strictly, check the schema and the fields an auditor relies on. */
static struct json_object *check_document(const char *json, size_t len, struct ws_cert_check *c)
{
	struct json_tokener *tok;
	struct json_object *o, *v;
	char *why = NULL;

	if (!ws_utf8_valid(json, len)) {
		ws_reason(&c->reason, 0, "the document is not valid UTF-8");
		return NULL;
	}
	tok = json_tokener_new_ex(64);
	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		bool trailing = o && strspn(json + json_tokener_get_parse_end(tok), " \t\r\n") ==
		                         len - json_tokener_get_parse_end(tok);

		if (!trailing) {
			ws_reason(&c->reason, 0, "the document is not JSON (%s)",
			          o ? "data after the end"
			            : json_tokener_error_desc(json_tokener_get_error(tok)));
			json_object_put(o);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	if (ws_json_check_strict(json, len, &why) < 0) {
		if (why)
			ws_reason(&c->reason, 0, "the document is ambiguous: %s", why);
		free(why);
		json_object_put(o);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "schema", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (strcmp(json_object_get_string(v), WS_CERT_SCHEMA) != 0 &&
	     strcmp(json_object_get_string(v), WS_CERT_SCHEMA_1) != 0)) {
		ws_reason(&c->reason, 0, "not a %s (or /1) document (wrong or missing \"schema\")",
		          WS_CERT_SCHEMA);
		json_object_put(o);
		return NULL;
	}
	c->schema = jdup(o, "schema");
	c->certificate_id = jdup(o, "certificate_id");
	c->status = jdup(o, "status");
	c->issued = jdup(o, "issued");
	c->previous_sha256 = jdup(o, "previous_certificate_sha256");
	if (json_object_object_get_ex(o, "demo", &v))
		c->demo = json_object_get_boolean(v);
	if (!c->schema || !ws_verify_sections(o, c)) {
		json_object_put(o);
		return NULL;
	}
	if (!c->certificate_id || !c->status || !c->issued) {
		ws_reason(&c->reason, 0, "the document lacks certificate_id, status or issued");
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---- the signature --------------------------------------------------------------------------- */

/* The most useful thing OpenSSL said, as one line. */
static const char *openssl_why(char *buf, size_t len)
{
	const char *data = NULL, *best = NULL;
	unsigned long e, last = 0;
	int flags;

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags))) {
		last = e;
		if (data && (flags & ERR_TXT_STRING) && *data)
			snprintf(buf, len, "%s", data), best = buf;
	}
	if (!best)
		snprintf(buf, len, "%s", last ? ERR_reason_error_string(last) : "unknown error");
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return buf;
}

/* The signer certificate the CMS names, held to the policy. Return: true when acceptable. */
static bool check_signer(CMS_ContentInfo *cms, struct ws_cert_check *c)
{
	STACK_OF(X509) *signers = CMS_get0_signers(cms);
	X509 *x = signers && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
	char why[160];
	bool ok = false;

	if (!x)
		ws_reason(&c->reason, 0, "the signature does not name exactly one signer");
	else if (ws_key_policy(X509_get0_pubkey(x), why, sizeof(why)) < 0)
		ws_reason(&c->reason, 0, "signer key refused: %s", why);
	else if (!ws_cert_has_doc_signing(x))
		ws_reason(&c->reason, 0, "the signer certificate lacks documentSigning (%s)",
		          WS_OID_DOCUMENT_SIGNING);
	else
		ok = (c->signer = ws_x509_name(X509_get_subject_name(x))) != NULL;
	sk_X509_free(signers);
	return ok;
}

/* The one SignerInfo of @cms over @content, its signer chained to @store as it stood at @when
 * (the signing time). Return: true, or false with @c->reason set. */
static bool signature_holds(X509_STORE *store, CMS_ContentInfo *cms, BIO *content, time_t when,
                            struct ws_cert_check *c)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	const char *why;
	X509 *x = NULL;
	char buf[256];

	/* the chain first, as CMS_verify() would: an unknown CA is said before changed bytes */
	(void)CMS_set1_signers_certs(cms, NULL, 0);
	CMS_SignerInfo_get0_algs(si, NULL, &x, NULL, NULL);
	if (x && !ws_verify_chain(store, cms, x, when, &why)) {
		ws_reason(&c->reason, 0, "signature check failed: Verify error: %s", why);
		return false;
	}
	if (CMS_verify(cms, NULL, store, content, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) ==
	    1)
		return true;
	why = openssl_why(buf, sizeof(buf));
	if (strstr(why, "content verify error") || strstr(why, "verification failure"))
		why = "the document's bytes are not the bytes that were signed (changed after "
		      "signing)";
	else if (strstr(why, "Algorithm ("))
		why = "it names an algorithm this OpenSSL does not provide (a damaged or foreign "
		      "signature)";
	ws_reason(&c->reason, 0, "signature check failed: %s", why);
	return false;
}

static bool check_signature(const struct ws_trust *trust, const void *json, size_t len,
                            CMS_ContentInfo *cms, const char *named, struct ws_cert_check *c)
{
	BIO *mem = BIO_new_mem_buf(json, (int)len);
	/*
	 * The content goes in through a pass-through filter: given a memory BIO, OpenSSL 3.0's
	 * CMS_verify copies it into one of its own and leaks that copy when the SignedData
	 * names a digest it cannot fetch (found by tests/fuzz/fuzz-verify.c).
	 */
	BIO *filter = BIO_new(BIO_f_null()),
	    *content = mem && filter ? BIO_push(filter, mem) : NULL;
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	time_t when;
	bool ok = false;

	if (!cms)
		ws_reason(&c->reason, 0, "the signature file is not a PEM CMS signature");
	else if (!CMS_is_detached(cms) || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		ws_reason(&c->reason, 0, "the signature is not a detached CMS SignedData");
	else if (!sis || sk_CMS_SignerInfo_num(sis) < 1 || sk_CMS_SignerInfo_num(sis) > 2)
		ws_reason(&c->reason, 0,
		          "the signature does not hold exactly one signer, or a station's and an "
		          "operator's");
	else if (sk_CMS_SignerInfo_num(sis) == 2)
		ok = ws_verify_two_signers(trust->store, cms, json, len, named, c);
	else if (!ws_cms_signing_time(sk_CMS_SignerInfo_value(sis, 0), &when))
		ws_reason(&c->reason, 0, "the signature carries no signing time");
	else {
		c->signing_time = when;
		ok = signature_holds(trust->store, cms, content, when, c);
		if (ok) {
			ok = check_signer(cms, c);
			/* the station's alone: an operator the document names has yet to sign */
			c->operator_sig = named ? WS_OPERATOR_SIG_AWAITING : WS_OPERATOR_SIG_NONE;
		}
	}
	ERR_clear_error();
	if (content)
		BIO_free_all(content);
	else {
		BIO_free(filter);
		BIO_free(mem);
	}
	return ok;
}

void ws_cert_check_clear(struct ws_cert_check *c)
{
	free(c->reason);
	free(c->certificate_id);
	free(c->status);
	free(c->signer);
	free(c->issued);
	free(c->previous_sha256);
	free(c->operator_subject);
	free(c->operator_name);
	free(c->schema);
	free(c->tsa_subject);
	free(c->validation_decision);
	free(c->validator);
	free(c->validation_date);
	free(c->validation_file);
	ws_cert_fields_clear(&c->fields);
	memset(c, 0, sizeof(*c));
}

/* The operator the document names (person.operator_card): the SHA-256 of their certificate
 * (in @doc), with their subject and name into @c. NULL when it names none. */
static const char *named_operator(struct json_object *doc, struct ws_cert_check *c)
{
	struct json_object *card = ws_json_at(doc, "person.operator_card"),
	                   *fp = ws_json_at(card, "certificate_sha256");

	if (!json_object_is_type(card, json_type_object) ||
	    !json_object_is_type(fp, json_type_string))
		return NULL;
	c->operator_subject = jdup(card, "certificate_subject");
	c->operator_name = jdup(json_object_object_get(doc, "person"), "name");
	return json_object_get_string(fp);
}

/* What @flags asks of the operator's signature, once everything else holds. */
static bool operator_ok(unsigned flags, struct ws_cert_check *c)
{
	if (!(flags & WS_VERIFY_REQUIRE_OPERATOR) || c->operator_sig == WS_OPERATOR_SIG_SIGNED)
		return true;
	if (c->operator_sig == WS_OPERATOR_SIG_AWAITING)
		ws_reason(&c->reason, 0,
		          "validly signed by the station, but the operator's signature is awaited "
		          "(their card was pulled first: wipeseal cosign adds it)");
	else
		ws_reason(&c->reason, 0,
		          "validly signed by the station alone: no operator signed it, and one is "
		          "required");
	return false;
}

int ws_cert_verify(const struct ws_trust *trust, const void *json, size_t json_len, const void *p7s,
                   size_t p7s_len, struct ws_cert_check *c)
{
	return ws_cert_verify_flags(trust, json, json_len, p7s, p7s_len, 0, c);
}

int ws_cert_verify_parsed(const struct ws_trust *trust, const void *json, size_t json_len,
                          const void *p7s, size_t p7s_len, unsigned flags, struct ws_cert_check *c,
                          struct json_object **ret_doc, CMS_ContentInfo **ret_cms)
{
	struct json_object *doc;
	CMS_ContentInfo *cms = NULL;
	bool ok;

	memset(c, 0, sizeof(*c));
	ws_sha256_hex(json, json_len, c->sha256);
	if (json_len > WS_CERT_MAX_BYTES || p7s_len > WS_SIG_MAX_BYTES) {
		ws_reason(&c->reason, 0, "larger than the %u MiB a certificate may be",
		          WS_CERT_MAX_BYTES >> 20);
		return 0;
	}
	doc = check_document(json, json_len, c);
	if (!doc)
		return c->reason ? 0 : -ENOMEM;
	cms = ws_cms_parse_pem(trust->sigs, p7s, p7s_len);
	ok = check_signature(trust, json, json_len, cms, named_operator(doc, c), c) &&
	     ws_verify_summary(doc, c);
	/* only now may the document's fields be reported as what the station signed */
	if (ok && !(c->authentic = ws_verify_fields(doc, &c->fields) == 0)) {
		json_object_put(doc);
		CMS_ContentInfo_free(cms);
		return -ENOMEM;
	}
	if (ret_doc)
		*ret_doc = doc;
	else
		json_object_put(doc);
	if (ret_cms)
		*ret_cms = cms;
	else
		CMS_ContentInfo_free(cms);
	if (!ok)
		return c->reason ? 0 : -ENOMEM;
	if (strcmp(c->status, "SUCCESS") != 0) {
		ws_reason(&c->reason, 0, "validly signed, but the wipe's status is %s", c->status);
		return 0;
	}
	c->ok = operator_ok(flags, c);
	return 0;
}

int ws_cert_verify_flags(const struct ws_trust *trust, const void *json, size_t json_len,
                         const void *p7s, size_t p7s_len, unsigned flags, struct ws_cert_check *c)
{
	return ws_cert_verify_parsed(trust, json, json_len, p7s, p7s_len, flags, c, NULL, NULL);
}

int ws_cert_verify_file(const struct ws_trust *trust, const char *path, struct ws_cert_check *c)
{
	return ws_cert_verify_file_flags(trust, path, 0, c);
}

int ws_cert_read_files(const char *path, char **ret_json, size_t *ret_jl, char **ret_p7s,
                       size_t *ret_pl, struct ws_cert_check *c)
{
	char *json = NULL, *sig_path = NULL;
	struct stat st = { 0 };
	size_t jl = 0;
	int r;

	memset(c, 0, sizeof(*c));
	*ret_json = *ret_p7s = NULL;
	r = ws_read_regular(path, WS_CERT_MAX_BYTES, &json, &jl, &st);
	if (r < 0) {
		if (r == -EINVAL)
			ws_reason(&c->reason, 0, "it is %s, not a regular file",
			          ws_file_kind(st.st_mode));
		else
			ws_reason(&c->reason, 0, "%s",
			          r == -EFBIG ? "larger than the 16 MiB a certificate may be"
			                      : strerror(-r));
		return 1;
	}
	if (asprintf(&sig_path, "%s.p7s", path) < 0) {
		free(json);
		return -ENOMEM;
	}
	r = ws_read_regular(sig_path, WS_SIG_MAX_BYTES, ret_p7s, ret_pl, &st);
	if (r < 0) {
		ws_sha256_hex(json, jl, c->sha256);
		if (r == -EINVAL)
			ws_reason(&c->reason, 0, "signature %s is %s, not a regular file", sig_path,
			          ws_file_kind(st.st_mode));
		else
			ws_reason(&c->reason, 0, "signature %s: %s", sig_path,
			          r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
		free(json);
		r = 1;
	} else {
		*ret_json = json;
		*ret_jl = jl;
	}
	free(sig_path);
	return r;
}

int ws_cert_verify_file_flags(const struct ws_trust *trust, const char *path, unsigned flags,
                              struct ws_cert_check *c)
{
	char *json = NULL, *p7s = NULL;
	size_t jl = 0, sl = 0;
	int r = ws_cert_read_files(path, &json, &jl, &p7s, &sl, c);

	if (r == 0)
		r = ws_cert_verify_flags(trust, json, jl, p7s, sl, flags, c);
	free(json);
	free(p7s);
	return r > 0 ? 0 : r;
}
