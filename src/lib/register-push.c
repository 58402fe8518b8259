/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-push.c - a file sent to the register: told apart by what it holds, verified as
 * `wipeseal verify` verifies it, and stored through the station's insert functions
 * (docs/register.md), which check the bytes again on the server's side.
 *
 * What does not verify is refused with the reason and never sent. The one kind of failed
 * verification that is stored is a certificate whose signature holds but whose wipe did not
 * succeed: it is the station's signed word about a drive, part of its series, and goes in
 * with status FAILED or ABORTED, which every search shows. Each record is one statement
 * (one transaction); an audit log is sent in batches, each one transaction of whole lines,
 * only the lines past what the register holds. A server that goes away mid-push leaves
 * nothing half-stored: the outcome is UNREACHABLE, and the same push later completes it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>
#include <wipeseal/register.h>

#include "internal.h"
#include "register-internal.h"
#include "validate-internal.h"
#include "verify-internal.h"

void ws_push_outcome_clear(struct ws_push_outcome *o)
{
	if (!o)
		return;
	free(o->reason);
	memset(o, 0, sizeof(*o));
}

/* Set @o's status and reason (printf-style; NULL for none). Return: 0. */
static int __attribute__((format(printf, 3, 4)))
outcome(struct ws_push_outcome *o, enum ws_push_status st, const char *fmt, ...)
{
	va_list ap;

	o->status = st;
	free(o->reason);
	o->reason = NULL;
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&o->reason, fmt, ap) < 0)
			o->reason = NULL;
		va_end(ap);
		ws_one_line(o->reason);
	}
	return 0;
}

/* The outcome of a failed call (ws_register_failed()'s errno @err with @why). */
static int failed(struct ws_push_outcome *o, int err, const char *why)
{
	if (err == -ENOMEM)
		return err;
	if (err == -EINVAL)
		return outcome(o, WS_PUSH_REFUSED, "the register refused it: %s", why);
	if (err == -EACCES)
		return outcome(o, WS_PUSH_REFUSED, "this role may not store it: %s", why);
	return outcome(o, WS_PUSH_UNREACHABLE, "%s", why ?: "the register cannot be reached");
}

/*
 * Call @fn (a "SELECT ws_insert_...($1, ...)") with @n parameters; the first @nbin are
 * bytea (sent as binary, @lens their lengths), the rest text. The function's answer sets @o.
 */
static int call_insert(struct ws_register *r, const char *fn, int n, int nbin,
                       const char *const *vals, const int *lens, struct ws_push_outcome *o)
{
	int fmts[8] = { 0 };
	PGresult *res;
	int err;

	for (int i = 0; i < nbin; i++)
		fmts[i] = 1;
	res = PQexecParams(r->pg, fn, n, NULL, vals, lens, fmts, 0);
	err = ws_push_answer(r, res, o);
	PQclear(res);
	return err;
}

int ws_push_answer(struct ws_register *r, const PGresult *res, struct ws_push_outcome *o)
{
	_cleanup_free_ char *why = NULL;
	const char *got;
	int err;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		err = ws_register_failed(r, res, &why);
		return failed(o, err, why);
	}
	got = PQgetvalue(res, 0, 0);
	if (strcmp(got, "stored") == 0)
		outcome(o, WS_PUSH_STORED, NULL);
	else if (strcmp(got, "duplicate") == 0)
		outcome(o, WS_PUSH_DUPLICATE, NULL);
	else
		outcome(o, WS_PUSH_CONFLICT, "the register holds %s with other bytes: not replaced",
		        o->id);
	return 0;
}

/* @path and @path.p7s, read whole. Return: 0, or a negative errno with @o refused. */
static int read_pair(const char *path, size_t cap, char **json, size_t *jl, char **p7s, size_t *pl,
                     struct ws_push_outcome *o)
{
	_cleanup_free_ char *sig = NULL;
	const char *which = path;
	int err;

	if (asprintf(&sig, "%s.p7s", path) < 0)
		return -ENOMEM;
	err = ws_read_regular(path, cap, json, jl, NULL);
	if (err == 0) {
		which = sig;
		err = ws_read_regular(sig, WS_SIG_MAX_BYTES, p7s, pl, NULL);
		if (err < 0) {
			free(*json);
			*json = NULL;
		}
	}
	if (err < 0 && err != -ENOMEM)
		return outcome(o, WS_PUSH_REFUSED, "%s cannot be read: %s", which, strerror(-err))
		           ?: 1;
	return err;
}

/* Whether @c failed only because the wipe it certifies did not succeed (verify.c's words). */
static bool signed_not_success(const struct ws_cert_check *c)
{
	static const char said[] = "validly signed, but the wipe's status is ";

	return c->signer && c->status && strcmp(c->status, "SUCCESS") != 0 && c->reason &&
	       strncmp(c->reason, said, sizeof(said) - 1) == 0;
}

void ws_push_cert_clear(struct ws_push_cert *pc)
{
	free(pc->json);
	free(pc->p7s);
	json_object_put(pc->doc);
	ws_cert_check_clear(&pc->c);
	memset(pc, 0, sizeof(*pc));
}

int ws_push_cert_prepare(const struct ws_trust *trust, const struct ws_verify_opts *vo,
                         const char *path, struct ws_push_cert *pc, struct ws_push_outcome *o)
{
	int err;

	memset(pc, 0, sizeof(*pc));
	/* the bytes verified are the bytes sent, and the columns come from the document the
	 * verification parsed (strictly) */
	err = ws_cert_read_files(path, &pc->json, &pc->jl, &pc->p7s, &pc->pl, &pc->c);
	if (err == 0)
		err = ws_cert_verify_bytes_opts(trust, path, pc->json, pc->jl, pc->p7s, pc->pl, vo,
		                                &pc->c, &pc->doc);
	if (err >= 0 && !pc->c.ok && !signed_not_success(&pc->c))
		err = outcome(o, WS_PUSH_REFUSED, "%s", pc->c.reason ?: "it does not verify") ?: 1;
	if (err == 0 && !pc->doc)
		err = outcome(o, WS_PUSH_REFUSED, "%s", "it does not verify") ?: 1;
	if (err == 0)
		snprintf(o->id, sizeof(o->id), "%s", pc->c.certificate_id ?: "");
	if (err != 0)
		ws_push_cert_clear(pc);
	return err;
}

void ws_push_cert_params(const struct ws_push_cert *pc, const char *vals[WS_PUSH_CERT_PARAMS],
                         int lens[WS_PUSH_CERT_PARAMS])
{
	const char *v[WS_PUSH_CERT_PARAMS] = { pc->json,
		                               pc->p7s,
		                               pc->c.sha256,
		                               pc->c.certificate_id,
		                               ws_register_jstr(pc->doc, "media.serial"),
		                               pc->c.status,
		                               pc->c.signer };

	for (int i = 0; i < WS_PUSH_CERT_PARAMS; i++) {
		vals[i] = v[i];
		lens[i] = 0;
	}
	lens[0] = (int)pc->jl;
	lens[1] = (int)pc->pl;
}

static int push_certificate(struct ws_register *r, const struct ws_trust *trust,
                            const struct ws_verify_opts *vo, const char *path,
                            struct ws_push_outcome *o)
{
	struct ws_push_cert pc;
	const char *vals[WS_PUSH_CERT_PARAMS];
	int lens[WS_PUSH_CERT_PARAMS];
	int err = ws_push_cert_prepare(trust, vo, path, &pc, o);

	if (err != 0)
		return err > 0 ? 0 : err;
	ws_push_cert_params(&pc, vals, lens);
	err = call_insert(r, WS_PUSH_CERT_SQL, WS_PUSH_CERT_PARAMS, 2, vals, lens, o);
	ws_push_cert_clear(&pc);
	return err;
}

/* NAME.validation.json -> 1, NAME.validation-N.json -> N, with "NAME.json" into @ret_cert;
 * 0 when @path is not named as a validation record. */
static unsigned validation_index(const char *path, char **ret_cert)
{
	const char *v = strstr(path, ".validation"), *p;
	unsigned k = 1;

	for (p = v; p && (p = strstr(p + 1, ".validation"));)
		v = p;
	if (!v)
		return 0;
	if (v[11] == '-') {
		char *end;

		k = (unsigned)strtoul(v + 12, &end, 10);
		if (end == v + 12 || strcmp(end, ".json") != 0 || k < 2)
			return 0;
	} else if (strcmp(v + 11, ".json") != 0) {
		return 0;
	}
	return asprintf(ret_cert, "%.*s.json", (int)(v - path), path) < 0 ? 0 : k;
}

/* The validation record @path checked as verify checks it: with its certificate, which the
 * records 1..k beside it must all be there for (verify reads them in order). */
static int check_validation(const struct ws_trust *trust, const struct ws_verify_opts *vo,
                            const char *path, struct ws_push_outcome *o)
{
	struct ws_verify_opts plain = vo ? *vo : (struct ws_verify_opts){ 0 };
	_cleanup_free_ char *cert = NULL;
	struct ws_cert_check c = { 0 };
	unsigned k = validation_index(path, &cert);
	int err;

	if (!k)
		return outcome(o, WS_PUSH_REFUSED,
		               "a validation record is named NAME.validation.json or "
		               "NAME.validation-N.json beside its certificate")
		           ?: 1;
	for (unsigned i = 1; i < k; i++) {
		_cleanup_free_ char *before = ws_validation_record_path(cert, i);
		struct stat st;

		if (!before)
			return -ENOMEM;
		if (lstat(before, &st) < 0)
			return outcome(o, WS_PUSH_REFUSED,
			               "%s is missing: verify reads the records in order", before)
			           ?: 1;
	}
	plain.flags = 0; /* the decision is what is sent, whatever it is */
	err = ws_cert_verify_file_opts(trust, cert, &plain, &c);
	if (err == 0 && (!c.ok || c.validation != WS_VALIDATION_VALID))
		err = outcome(o, WS_PUSH_REFUSED, "its certificate %s: %s", cert,
		              c.reason ?: "no valid validation record")
		          ?: 1;
	ws_cert_check_clear(&c);
	return err;
}

/* A validation (@kind WS_PUSH_VALIDATION) or re-verification record: checked, then sent. */
static int push_record(struct ws_register *r, const struct ws_trust *trust,
                       const struct ws_verify_opts *vo, const char *path, enum ws_push_kind kind,
                       struct ws_push_outcome *o)
{
	_cleanup_free_ char *json = NULL, *p7s = NULL, *why = NULL, *signer = NULL;
	bool val = kind == WS_PUSH_VALIDATION;
	struct json_object *doc = NULL;
	size_t jl = 0, pl = 0;
	char sha[65];
	int err;

	err = val ? check_validation(trust, vo, path, o) : 0;
	if (err == 0)
		err = read_pair(path, WS_VALIDATION_MAX_BYTES, &json, &jl, &p7s, &pl, o);
	if (err == 0 && !val && (err = ws_reverification_check(trust, json, jl, p7s, pl, &why)))
		err = err == -EPERM ? outcome(o, WS_PUSH_REFUSED, "%s", why) ?: 1 : err;
	if (err == 0 &&
	    (!(doc = ws_json_parse_strict(json, jl)) || !(signer = ws_p7s_signer_subject(p7s, pl))))
		err = outcome(o, WS_PUSH_REFUSED, "it changed while it was verified") ?: 1;
	if (err == 0) {
		const char *id = ws_register_jstr(doc, val ? "validation_id" : "reverification_id");
		const char *vals[] = { json,
			               p7s,
			               sha,
			               id,
			               ws_register_jstr(doc, "certificate.sha256"),
			               ws_register_jstr(doc, val ? "decision" : "result"),
			               signer };
		int lens[] = { (int)jl, (int)pl, 0, 0, 0, 0, 0 };

		ws_sha256_hex(json, jl, sha);
		snprintf(o->id, sizeof(o->id), "%s", id ?: "");
		err =
		    call_insert(r,
		                val ? "SELECT ws_insert_validation($1, $2, $3, $4, $5, $6, $7)"
		                    : "SELECT ws_insert_reverification($1, $2, $3, $4, $5, $6, $7)",
		                7, 2, vals, lens, o);
	}
	json_object_put(doc);
	return err > 0 ? 0 : err;
}

/* The "schema" of a document that names it first, as wipeseal writes every document, into
 * @buf (a value with a JSON escape is not taken: none of ours has one); false for any other
 * start. Only the kind is taken from it: the verification that follows parses the whole
 * document strictly and refuses what is not what the schema says. Parsing the whole once
 * more here (twice for a document on one line) was a tenth of a push's CPU
 * (docs/performance.md, "The register"). */
static bool leading_schema(const char *s, char *buf, size_t size)
{
	static const char key[] = "\"schema\"";
	size_t n;

	s += strspn(s, " \t\r\n");
	if (*s++ != '{')
		return false;
	s += strspn(s, " \t\r\n");
	if (strncmp(s, key, sizeof(key) - 1) != 0)
		return false;
	s += sizeof(key) - 1;
	s += strspn(s, " \t\r\n");
	if (*s++ != ':')
		return false;
	s += strspn(s, " \t\r\n");
	if (*s++ != '"')
		return false;
	n = strcspn(s, "\"\\");
	if (s[n] != '"' || n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/* The kind of @path, from what it holds: a JSON document's schema, or an audit log's first
 * line. Return: 0 with *ret, 1 with @o refused, or a negative errno. */
/* @schema's kind into *@ret. Return: whether it is one a push takes. */
static bool schema_kind(const char *schema, enum ws_push_kind *ret)
{
	if (schema && strncmp(schema, "wipeseal-certificate/", 21) == 0)
		*ret = WS_PUSH_CERTIFICATE;
	else if (schema && strcmp(schema, "wipeseal-validation/1") == 0)
		*ret = WS_PUSH_VALIDATION;
	else if (schema && strcmp(schema, "wipeseal-reverification/1") == 0)
		*ret = WS_PUSH_REVERIFICATION;
	else
		return false;
	return true;
}

int ws_push_kind_of(const char *path, enum ws_push_kind *ret, struct ws_push_outcome *o)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL, *all = NULL;
	struct json_object *first;
	char head[256], lead[64];
	size_t cap = 0, len = 0;
	ssize_t n;
	bool known;
	int err;

	if (!f)
		return outcome(o, WS_PUSH_REFUSED, "%s cannot be read: %s", path, strerror(errno))
		           ?: 1;
	/* what every document wipeseal writes starts with: no parse needed */
	head[fread(head, 1, sizeof(head) - 1, f)] = '\0';
	if (leading_schema(head, lead, sizeof(lead)) && schema_kind(lead, ret))
		return 0;
	rewind(f);
	n = getline(&line, &cap, f);
	first = n > 0 ? json_tokener_parse(line) : NULL;
	known = json_object_is_type(first, json_type_object) &&
	        json_object_object_get_ex(first, "line", NULL) &&
	        json_object_object_get_ex(first, "prev_line_sha256", NULL);
	json_object_put(first);
	if (known) {
		*ret = WS_PUSH_AUDIT_LOG;
		return 0;
	}
	/* a document of another shape: its schema member wherever it is */
	err = ws_read_regular(path, WS_CERT_MAX_BYTES, &all, &len, NULL);
	first = err == 0 ? json_tokener_parse(all) : NULL;
	known = schema_kind(ws_register_jstr(first, "schema"), ret);
	json_object_put(first);
	if (err == -ENOMEM)
		return err;
	if (!known)
		return outcome(o, WS_PUSH_REFUSED,
		               "not a certificate, a validation or re-verification record, or an "
		               "audit log")
		           ?: 1;
	return 0;
}

int ws_register_push_file(struct ws_register *r, const struct ws_trust *trust,
                          const struct ws_verify_opts *vo, const char *path,
                          struct ws_push_outcome *ret)
{
	_cleanup_free_ char *why = NULL;
	enum ws_push_kind kind = WS_PUSH_CERTIFICATE;
	int err;

	memset(ret, 0, sizeof(*ret));
	err = ws_push_kind_of(path, &kind, ret);
	if (err != 0)
		return err > 0 ? 0 : err;
	ret->kind = kind;
	if (ws_register_alive(r, &why) < 0)
		return outcome(ret, WS_PUSH_UNREACHABLE, "%s", why);
	switch (kind) {
	case WS_PUSH_CERTIFICATE:
		return push_certificate(r, trust, vo, path, ret);
	case WS_PUSH_VALIDATION:
	case WS_PUSH_REVERIFICATION:
		return push_record(r, trust, vo, path, kind, ret);
	case WS_PUSH_AUDIT_LOG:
		return ws_register_push_audit(r, trust, path, ret);
	}
	return -EINVAL;
}
