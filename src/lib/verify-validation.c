/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-validation.c - the validation records beside a certificate, checked as an auditor
 * checks the certificate itself (ws_cert_verify_file_opts(), wipeseal/validate.h).
 *
 * Every record found is checked, not only the latest: a decision that was replaced still
 * says who decided what, and a forged one must not hide behind a later one. A record is
 * hostile input like the certificate: capped in size, strict JSON of the validation
 * schema, bound by SHA-256 to the certificate's exact bytes, and signed (detached CMS) by
 * the validator it names, whose certificate chains to the validators' CA at its signing
 * time and is held to the rules of validate-common.c, self-validation included.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <openssl/x509.h>

#include <wipeseal/validate.h>

#include "cert-internal.h"
#include "validate-internal.h"
#include "verify-internal.h"

/* What a record that checks says. */
struct record {
	char *decision, *validator, *date, *file;
};

static void record_clear(struct record *r)
{
	free(r->decision);
	free(r->validator);
	free(r->date);
	free(r->file);
	memset(r, 0, sizeof(*r));
}

static const char *member(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v) || (b && !json_object_object_get_ex(v, b, &v)))
		return NULL;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The document: schema, binding, decision. Return: NULL, or why not. */
static const char *check_doc(struct json_object *doc, const struct ws_cert_check *c,
                             struct record *rec)
{
	const char *schema = member(doc, "schema", NULL),
	           *sha = member(doc, "certificate", "sha256"),
	           *id = member(doc, "certificate", "certificate_id"),
	           *decision = member(doc, "decision", NULL), *date = member(doc, "date", NULL),
	           *name = member(doc, "validator", "name");
	enum ws_decision d;

	if (!schema || strcmp(schema, WS_VALIDATION_SCHEMA) != 0)
		return "not a " WS_VALIDATION_SCHEMA " document";
	if (!sha || strcmp(sha, c->sha256) != 0)
		return "it is bound to other bytes (certificate.sha256 is not this certificate's "
		       "SHA-256)";
	if (!id || !c->certificate_id || strcmp(id, c->certificate_id) != 0)
		return "it names another certificate_id";
	if (ws_decision_parse(decision, &d) < 0)
		return "its decision is not accept, repeat or escalate";
	if (!date || !member(doc, "validator", "certificate_sha256"))
		return "it lacks its date or the validator's certificate_sha256";
	rec->decision = strdup(decision);
	rec->date = strdup(date);
	rec->validator = strdup(name ? name : member(doc, "validator", "certificate_subject")
	                                          ?: "?");
	return rec->decision && rec->date && rec->validator ? NULL : "out of memory";
}

/* The signature over the record's bytes; the signer certificate up-ref'd into *ret_x. */
static const char *check_sig(X509_STORE *store, const char *json, size_t len, const char *p7s,
                             size_t plen, X509 **ret_x, char *buf, size_t size)
{
	struct ws_record_sig s;
	const char *why = ws_record_sig_verify(store, json, len, p7s, plen, &s), *chain = NULL;

	if (!why && !s.signer)
		why = "its signature does not name its signer";
	else if (!why && (chain = ws_validation_chain_why(store, s.signer, s.certs, s.when))) {
		snprintf(buf, size, "its signer is not from the validators' CA (%s)", chain);
		why = buf;
	} else if (!why && !(why = ws_validator_cert_why(s.signer, buf, size)) &&
	           X509_up_ref(s.signer) == 1)
		*ret_x = s.signer;
	ws_record_sig_clear(&s);
	return why;
}

/* The certificate's own bytes and signature, for the self-validation rule. */
struct certificate {
	char *json, *p7s;
	size_t len;
};

/* Whether @x is the validator the document names, and not the one who did the work. */
static int check_person(struct json_object *doc, X509 *x, const struct certificate *cert,
                        char **ret_why)
{
	const char *named = member(doc, "validator", "certificate_sha256");
	char fp[65];

	if (ws_x509_fingerprint(x, fp) < 0)
		return -ENOMEM;
	if (strcmp(named, fp) != 0)
		return ws_reason(ret_why, -EPERM,
		                 "its signer is not the validator it names "
		                 "(validator.certificate_sha256)");
	return ws_self_validation(cert->json, cert->len, cert->p7s, x, ret_why);
}

/* One record. Return: 0 when it checks (@rec filled), -EPERM with *ret_why when it does
 * not, -ENOMEM. */
static int check_one(X509_STORE *store, const struct certificate *cert,
                     const struct ws_cert_check *c, const char *path, struct record *rec,
                     char **ret_why)
{
	char *json = NULL, *p7s = NULL, *sig_path = NULL, buf[256];
	struct json_object *doc = NULL;
	size_t jl = 0, sl = 0;
	const char *why = NULL;
	X509 *x = NULL;
	int r = asprintf(&sig_path, "%s.p7s", path) < 0 ? -ENOMEM : 0;

	if (r == 0 && ws_read_regular(path, WS_VALIDATION_MAX_BYTES, &json, &jl, NULL) < 0)
		why = "it cannot be read (or is not a regular file of at most 1 MiB)";
	else if (r == 0 && ws_read_regular(sig_path, WS_SIG_MAX_BYTES, &p7s, &sl, NULL) < 0)
		why = "its signature (.p7s) is missing or unreadable";
	else if (r == 0 && !(doc = ws_json_parse_strict(json, jl)))
		why = "it is not strict JSON";
	else if (r == 0 && !(why = check_doc(doc, c, rec)))
		why = check_sig(store, json, jl, p7s, sl, &x, buf, sizeof(buf));
	if (r == 0 && why)
		r = ws_reason(ret_why, -EPERM, "%s", why);
	else if (r == 0)
		r = check_person(doc, x, cert, ret_why);
	X509_free(x);
	json_object_put(doc);
	free(sig_path);
	free(json);
	free(p7s);
	return r;
}

/* What @flags asks of the latest decision. */
static void require(const struct ws_verify_opts *opts, struct ws_cert_check *c)
{
	if (!opts || !(opts->flags & WS_VERIFY_REQUIRE_VALIDATION) || !c->ok)
		return;
	if (c->validation != WS_VALIDATION_VALID)
		ws_reason(&c->reason, 0,
		          "validly signed, but not yet validated (wipeseal validate), and a "
		          "validation is required");
	else if (strcmp(c->validation_decision, "accept") != 0)
		ws_reason(&c->reason, 0,
		          "validly signed, but the latest validation decision is \"%s\" (by %s on "
		          "%s), not accept",
		          c->validation_decision, c->validator, c->validation_date);
	else
		return;
	c->ok = false;
}

static int read_certificate(const char *path, const struct ws_cert_check *c,
                            struct certificate *cert)
{
	char *sig_path = NULL, sha[65];
	size_t sl = 0;
	int r = asprintf(&sig_path, "%s.p7s", path) < 0 ? -ENOMEM : 0;

	if (r == 0)
		r = ws_read_regular(path, WS_CERT_MAX_BYTES, &cert->json, &cert->len, NULL);
	if (r == 0)
		r = ws_read_regular(sig_path, WS_SIG_MAX_BYTES, &cert->p7s, &sl, NULL);
	if (r == 0) {
		ws_sha256_hex(cert->json, cert->len, sha);
		r = strcmp(sha, c->sha256) == 0 ? 0 : -ESTALE;
	}
	free(sig_path);
	return r;
}

/* The records, one by one, up to the first missing or the first that fails @c; the latest
 * by date that checks into @latest. */
static int walk(X509_STORE *store, const char *path, const struct certificate *cert,
                struct ws_cert_check *c, struct record *latest)
{
	for (unsigned k = 1; k <= WS_VALIDATION_MAX_RECORDS; k++) {
		char *rp = ws_validation_record_path(path, k), *why = NULL;
		struct record rec = { 0 };
		struct stat st;
		int r;

		if (!rp)
			return -ENOMEM;
		if (lstat(rp, &st) < 0) {
			free(rp);
			return 0;
		}
		r = check_one(store, cert, c, rp, &rec, &why);
		if (r == -EPERM) {
			c->ok = false;
			c->authentic = false; /* a record bound to it that does not check */
			c->validation = WS_VALIDATION_INVALID;
			free(c->reason);
			c->reason = NULL;
			ws_reason(&c->reason, 0, "validation record %s: %s",
			          strrchr(rp, '/') ? strrchr(rp, '/') + 1 : rp, why);
		} else if (r == 0 && (!latest->date || strcmp(rec.date, latest->date) >= 0)) {
			record_clear(latest);
			*latest = rec;
			latest->file = strdup(strrchr(rp, '/') ? strrchr(rp, '/') + 1 : rp);
			rec = (struct record){ 0 };
		}
		record_clear(&rec);
		free(why);
		free(rp);
		if (r < 0 && r != -EPERM)
			return r;
		if (r == -EPERM)
			return 0;
	}
	return 0;
}

int ws_verify_validation(const struct ws_trust *trust, const char *path,
                         const struct ws_verify_opts *opts, struct ws_cert_check *c)
{
	const struct ws_trust *vt = opts && opts->validator_trust ? opts->validator_trust : trust;
	struct certificate cert = { 0 };
	struct record latest = { 0 };
	int r;

	if (!c->ok)
		return 0;
	r = read_certificate(path, c, &cert);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		c->ok = false;
		c->authentic = false;
		ws_reason(&c->reason, 0, "the certificate changed while it was verified");
	} else {
		r = walk(ws_trust_store(vt), path, &cert, c, &latest);
	}
	if (r == 0 && c->validation != WS_VALIDATION_INVALID && latest.date) {
		c->validation = WS_VALIDATION_VALID;
		c->validation_decision = TAKE_PTR(latest.decision);
		c->validator = TAKE_PTR(latest.validator);
		c->validation_date = TAKE_PTR(latest.date);
		c->validation_file = TAKE_PTR(latest.file);
	}
	if (r == 0)
		require(opts, c);
	record_clear(&latest);
	free(cert.json);
	free(cert.p7s);
	return r;
}
