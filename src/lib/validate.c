/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * validate.c - the second person's decision written down (wipeseal/validate.h): for each
 * certificate, verify it, refuse a self-validation, then write NAME.validation.json and its
 * detached signature by the validator, and say so in the audit log (VALIDATED).
 *
 * The certificate is read once and everything is taken from those bytes: the verification,
 * the SHA-256 the record binds to, the self-validation check. The record goes to the first
 * free name (NAME.validation.json, -2, ...), created exclusively and fsync'd with its
 * directory (ws_write_new_file()), the document first so that its name is claimed, then
 * its signature; a signature that cannot be written takes the document back with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <wipeseal/validate.h>

#include "cert-internal.h"
#include "validate-internal.h"

static const char *const decisions[] = {
	[WS_DECISION_ACCEPT] = "accept",
	[WS_DECISION_REPEAT] = "repeat",
	[WS_DECISION_ESCALATE] = "escalate",
};

const char *ws_decision_name(enum ws_decision d)
{
	return (size_t)d < ELEMENTSOF(decisions) ? decisions[d] : "?";
}

int ws_decision_parse(const char *s, enum ws_decision *ret)
{
	for (size_t i = 0; s && i < ELEMENTSOF(decisions); i++)
		if (strcmp(s, decisions[i]) == 0) {
			*ret = (enum ws_decision)i;
			return 0;
		}
	return -EINVAL;
}

void ws_validation_outcome_clear(struct ws_validation_outcome *v)
{
	free(v->reason);
	free(v->record);
	memset(v, 0, sizeof(*v));
}

static const struct ws_trust *validator_ca(const struct ws_validate_opts *o)
{
	return o->validator_ca ? o->validator_ca : o->trust;
}

int ws_validate_check_validator(const struct ws_validate_opts *o, char **ret_reason)
{
	X509 *x = ws_signer_cert(o->validator);
	const char *why =
	    ws_validation_chain_why(ws_trust_store(validator_ca(o)), x, NULL, time(NULL));
	char buf[160];

	if (why)
		return ws_reason(
		    ret_reason, -EPERM,
		    "validator %s: the certificate is not from the validators' CA (%s)",
		    ws_signer_subject(o->validator), why);
	why = ws_validator_cert_why(x, buf, sizeof(buf));
	if (why)
		return ws_reason(ret_reason, -EPERM, "validator %s: %s",
		                 ws_signer_subject(o->validator), why);
	return 0;
}

/* ---- the record ----------------------------------------------------------------------------- */

static struct json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* Milliseconds, UTC: two decisions on one certificate sort by it. */
static void now_rfc3339(char buf[40])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), 40 - strlen(buf), ".%03ldZ", ts.tv_nsec / 1000000);
}

/* The validator, as their certificate names them. */
static struct json_object *validator_json(const struct ws_validate_opts *o)
{
	struct json_object *v = json_object_new_object();
	X509 *x = ws_signer_cert(o->validator);
	const X509_NAME *n = X509_get_subject_name(x);
	char *cn = ws_name_entry(n, NID_commonName), *title = ws_name_entry(n, NID_title),
	     *org = ws_name_entry(n, NID_organizationName),
	     *loc = ws_name_entry(n, NID_localityName),
	     *issuer = ws_x509_name(X509_get_issuer_name(x));
	const struct ws_token *t = ws_signer_token(o->validator);

	add(v, "name", str(cn ? cn : ws_signer_subject(o->validator)));
	add(v, "title", str(title));
	add(v, "organization", str(org));
	add(v, "location", str(o->location ? o->location : loc));
	add(v, "contact", str(o->contact));
	add(v, "certificate_subject", str(ws_signer_subject(o->validator)));
	add(v, "certificate_issuer", str(issuer));
	add(v, "certificate_sha256", str(ws_signer_fingerprint(o->validator)));
	add(v, "card_serial", str(t ? ws_token_serial(t) : NULL));
	free(cn);
	free(title);
	free(org);
	free(loc);
	free(issuer);
	return v;
}

/* The record for the certificate @path checked as @c, exactly the bytes to sign. */
static int record_text(const struct ws_validate_opts *o, const char *path,
                       const struct ws_cert_check *c, char **ret)
{
	struct json_object *r = json_object_new_object(), *cert = json_object_new_object();
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char id[37], date[40], tool[96];
	const char *text;

	if (!r || !cert || ws_uuid4(id) < 0) {
		json_object_put(r);
		json_object_put(cert);
		return -EIO;
	}
	now_rfc3339(date);
	snprintf(tool, sizeof(tool), "wipeseal %s (%s)", ws_version(), ws_git_revision());
	add(cert, "file", str(base));
	add(cert, "certificate_id", str(c->certificate_id));
	add(cert, "sha256", str(c->sha256));
	add(cert, "status", str(c->status));
	add(r, "schema", str(WS_VALIDATION_SCHEMA));
	add(r, "validation_id", str(id));
	add(r, "date", str(date));
	add(r, "certificate", cert);
	add(r, "decision", str(ws_decision_name(o->decision)));
	add(r, "reason", str(o->reason));
	add(r, "validator", validator_json(o));
	add(r, "tool", str(tool));
	add(r, "station", ws_station_json());
	text = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && asprintf(ret, "%s\n", text) < 0)
		text = NULL;
	json_object_put(r);
	return text ? 0 : -ENOMEM;
}

/* ---- one certificate ------------------------------------------------------------------------ */

/* The record and its signature under the first free name. Return: 0 with *ret_path, or a
 * negative errno. */
static int write_record(const char *cert_path, const char *text, const char *sig, char **ret_path)
{
	for (unsigned k = 1; k <= WS_VALIDATION_MAX_RECORDS; k++) {
		char *path = ws_validation_record_path(cert_path, k), *sig_path = NULL;
		int r = path ? ws_write_new_file(path, text) : -ENOMEM;

		if (r == -EEXIST) {
			free(path);
			continue;
		}
		if (r < 0) {
			free(path);
			return r;
		}
		/* the name is ours: its signature, else the record is taken back (a stray
		 * signature holds the name: the next one) */
		r = asprintf(&sig_path, "%s.p7s", path) < 0 ? -ENOMEM
		                                            : ws_write_new_file(sig_path, sig);
		free(sig_path);
		if (r == 0) {
			*ret_path = path;
			return 0;
		}
		(void)unlink(path);
		free(path);
		if (r != -EEXIST)
			return r;
	}
	return -EEXIST;
}

/* The certificate's bytes, verified, and not the validator's own work. */
static int check_certificate(const struct ws_validate_opts *o, const char *path,
                             struct ws_cert_check *c, char **ret_reason)
{
	char *json = NULL, *p7s = NULL, *sig_path = NULL;
	size_t jl = 0, sl = 0;
	int r = asprintf(&sig_path, "%s.p7s", path) < 0 ? -ENOMEM : 0;

	if (r == 0)
		r = ws_read_named("certificate", path, WS_CERT_MAX_BYTES, &json, &jl, NULL,
		                  ret_reason);
	if (r == 0)
		r = ws_read_named("signature", sig_path, WS_SIG_MAX_BYTES, &p7s, &sl, NULL,
		                  ret_reason);
	if (r == 0)
		r = ws_cert_verify_flags(o->trust, json, jl, p7s, sl, 0, c);
	if (r == 0 && !c->ok)
		r = ws_reason(ret_reason, -EBADMSG, "it does not verify: %s; nothing written",
		              c->reason);
	if (r == 0)
		r = ws_self_validation(json, jl, p7s, ws_signer_cert(o->validator), ret_reason);
	free(sig_path);
	free(json);
	free(p7s);
	return r;
}

static int audit(const struct ws_validate_opts *o, struct ws_audit *log,
                 const struct ws_cert_check *c, const char *record, char **ret_reason)
{
	const char *base = strrchr(record, '/') ? strrchr(record, '/') + 1 : record;
	const struct ws_token *t = ws_signer_token(o->validator);
	struct ws_audit_entry e = {
		.status = "VALIDATED",
		.certificate_id = c->certificate_id,
		.validated_sha256 = c->sha256,
		.decision = ws_decision_name(o->decision),
		.validator_subject = ws_signer_subject(o->validator),
		.validator_sha256 = ws_signer_fingerprint(o->validator),
		.card_serial = t ? ws_token_serial(t) : NULL,
		.note = base,
	};

	return log ? ws_audit_append(log, &e, ret_reason) : 0;
}

static void validate_one(const struct ws_validate_opts *o, struct ws_audit *log, const char *path,
                         struct ws_validation_outcome *out)
{
	struct ws_cert_check c = { 0 };
	char *text = NULL, *sig = NULL, *why = NULL;
	int r = check_certificate(o, path, &c, &out->reason);

	if (r == 0)
		r = record_text(o, path, &c, &text);
	if (r == 0)
		r = ws_signer_sign(o->validator, text, strlen(text), &sig);
	if (r == 0) {
		r = write_record(path, text, sig, &out->record);
		if (r < 0)
			(void)ws_reason(&out->reason, r, "the record cannot be written: %s%s",
			                strerror(-r),
			                r == -EEXIST ? " (every name up to -99 is taken)" : "");
	}
	if (r == 0 && (r = audit(o, log, &c, out->record, &why)) < 0)
		(void)ws_reason(&out->reason, r,
		                "%s written, but the audit log cannot take its VALIDATED line: %s",
		                out->record, why ? why : strerror(-r));
	free(why);
	out->error = r;
	ws_cert_check_clear(&c);
	free(text);
	free(sig);
}

int ws_validate(const struct ws_validate_opts *o, const char *const *certs, size_t n,
                struct ws_validation_outcome *ret, char **ret_reason)
{
	struct ws_audit *log = NULL;
	int r = ws_validate_check_validator(o, ret_reason), refused = 0;

	if (r == 0 && o->audit_log)
		r = ws_audit_open(o->audit_log, o->validator, &log, ret_reason);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		memset(&ret[i], 0, sizeof(ret[i]));
		validate_one(o, log, certs[i], &ret[i]);
		refused += ret[i].error < 0;
	}
	ws_audit_close(log);
	return refused;
}
