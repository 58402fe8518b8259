/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-audit-check.c - one stored row against its own bytes, in an audit's worker thread.
 *
 * A certificate: the SHA-256 of the stored JSON is the row's sha256; the stored signature
 * verifies on those bytes exactly as `wipeseal verify` verifies a file (ws_cert_verify(); a
 * certificate of a wipe that did not succeed passes here when it is validly signed: its
 * status is a fact, not a forgery); and every column the register extracted for searching
 * says what the document says (the paths are those of ws_insert_certificate() in
 * register-schema.sql: change both together). An audit line: its sha256 is its bytes', line 1
 * is the log's id, the numbers run without gaps, and the walk of ws_audit_verify() checks the
 * chain and the signatures as it does for a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>
#include <wipeseal/file.h>

#include "audit-internal.h"
#include "internal.h"
#include "register-audit.h"
#include "verify-internal.h"

void audit_report(struct audit *a, enum ws_register_problem kind, const char *station,
                  const char *id, const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&a->lock);
	if (kind == WS_REGISTER_NOTE)
		a->sum->notes++;
	else
		a->sum->problems++;
	if (a->fn)
		a->fn(a->userdata, kind, station ? station : "?", id ? id : "?", text);
	pthread_mutex_unlock(&a->lock);
}

/* ---- certificates ----------------------------------------------------------------------------- */

/* The document's time @s ("2026-12-02T07:05:33.127Z", or with an offset) in milliseconds. */
static bool doc_time_ms(const char *s, long long *ret)
{
	struct tm tm = { 0 };
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	long long ms = 0, scale = 100, off = 0;

	if (!p)
		return false;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			ms += (*p - '0') * scale;
	if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':')
		off = (*p == '-' ? -1 : 1) *
		      ((p[1] - '0') * 600 + (p[2] - '0') * 60 + (p[4] - '0') * 10 + (p[5] - '0'));
	else if (strcmp(p, "Z") != 0)
		return false;
	*ret = ((long long)timegm(&tm) - off * 60) * 1000 + ms;
	return true;
}

static const char *doc_str(struct json_object *doc, const char *path)
{
	struct json_object *v = ws_json_at(doc, path);

	return v ? json_object_get_string(v) : NULL;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The columns that differ from the document, as "serial, status" into @out. */
static void columns_differ(const PGresult *res, struct json_object *doc, const char *signer,
                           char *out, size_t size)
{
	bool v1 = same(doc_str(doc, "schema"), WS_CERT_SCHEMA_1);
	const char *method = doc_str(doc, v1 ? "sanitization.method_type" : "sanitization.method");
	const char *nist = doc_str(doc, "evidence.nist_level");
	const struct {
		enum cert_col col;
		const char *name, *want;
	} cols[] = {
		{ CC_ID, "certificate_id", doc_str(doc, "certificate_id") },
		{ CC_STATUS, "status", doc_str(doc, "status") },
		{ CC_SERIAL, "serial", doc_str(doc, "media.serial") },
		{ CC_MODEL, "model", doc_str(doc, "media.model") },
		{ CC_WWN, "wwn", doc_str(doc, "media.wwn") },
		{ CC_ASSET_TAG, "asset_tag",
		  doc_str(doc, v1 ? "media.asset_number" : "media.property_number") },
		{ CC_METHOD, "method", method },
		{ CC_NIST_LEVEL, "nist_level", nist ? nist : method },
		{ CC_TECHNIQUE, "technique",
		  doc_str(doc, v1 ? "sanitization.method_used" : "sanitization.technique") },
		{ CC_OPERATOR, "operator", doc_str(doc, "person.name") },
		{ CC_PREVIOUS, "previous_sha256", doc_str(doc, "previous_certificate_sha256") },
		{ CC_HOSTNAME, "station_hostname", doc_str(doc, "station.hostname") },
		{ CC_STATION, "station", signer ? signer : ws_pg_str(res, CC_STATION) },
	};
	const char *stored;
	long long ms;
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(cols) && used < size; i++)
		if (!same(ws_pg_str(res, (int)cols[i].col), cols[i].want))
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
			                         cols[i].name);
	stored = ws_pg_str(res, CC_ISSUED_MS);
	if (used < size && doc_time_ms(doc_str(doc, "issued"), &ms) &&
	    (!stored || strtoll(stored, NULL, 10) != ms))
		snprintf(out + used, size - used, "%sissued", used ? ", " : "");
}

/* Validly signed, only the wipe did not succeed: ws_cert_verify()'s last check. */
static bool signed_but_unsuccessful(const struct ws_cert_check *c)
{
	return c->status && strcmp(c->status, "SUCCESS") != 0 && c->reason &&
	       strncmp(c->reason, "validly signed, but", 19) == 0;
}

void audit_certificate(struct audit *a, const PGresult *res)
{
	const char *station = ws_pg_str(res, CC_STATION), *id = ws_pg_str(res, CC_ID);
	/* binary rows: the stored bytes themselves */
	const unsigned char *json = (const unsigned char *)PQgetvalue(res, 0, CC_JSON),
	                    *p7s = (const unsigned char *)PQgetvalue(res, 0, CC_P7S);
	size_t jl = (size_t)PQgetlength(res, 0, CC_JSON), sl = (size_t)PQgetlength(res, 0, CC_P7S);
	struct ws_cert_check c = { 0 };
	struct json_object *doc = NULL;
	char differ[256];
	bool verified;

	/* the document as the verification parsed it: NULL when it is no certificate at all */
	if (ws_cert_verify_parsed(a->trust, json, jl, p7s, sl, 0, &c, &doc, NULL) < 0) {
		audit_report(a, WS_REGISTER_NOTE, station, id, "out of memory: not checked");
		goto out;
	}
	/* c.sha256: the SHA-256 of the bytes, whatever the verification found */
	if (!same(c.sha256, ws_pg_str(res, CC_SHA256)))
		audit_report(
		    a, WS_REGISTER_BAD_HASH, station, id,
		    "the row's sha256 is not the SHA-256 of its stored bytes (%s): the row "
		    "was changed after it was stored",
		    c.sha256);
	verified = c.ok || signed_but_unsuccessful(&c);
	if (!verified)
		audit_report(a, WS_REGISTER_BAD_SIGNATURE, station, id,
		             "the stored certificate does not verify: %s",
		             c.reason ? c.reason : "?");
	if (doc) {
		columns_differ(res, doc, verified ? c.signer : NULL, differ, sizeof(differ));
		if (differ[0])
			audit_report(a, WS_REGISTER_BAD_COLUMN, station, id,
			             "the row's %s differ from the stored document: changed in the "
			             "database",
			             differ);
	}
	pthread_mutex_lock(&a->lock);
	a->sum->verified += verified;
	pthread_mutex_unlock(&a->lock);
out:
	json_object_put(doc);
	ws_cert_check_clear(&c);
}

/* ---- audit logs -------------------------------------------------------------------------------- */

static void walk_problem(void *userdata, unsigned line, bool problem, const char *text)
{
	struct log_walk *lw = userdata;
	char id[96];

	snprintf(id, sizeof(id), "%s:%u", lw->log_id, line);
	audit_report(lw->a, problem ? WS_REGISTER_CHAIN_BROKEN : WS_REGISTER_NOTE, lw->station, id,
	             "%s", text);
}

void audit_log_end(struct log_walk *lw)
{
	ws_audit_walk_end(lw->walk);
	lw->walk = NULL;
	lw->log_id[0] = '\0';
}

/* The next log begins at @res's row. Return: false when out of memory. */
static bool log_begin(struct log_walk *lw, const PGresult *res)
{
	audit_log_end(lw);
	snprintf(lw->log_id, sizeof(lw->log_id), "%s", ws_pg_str(res, LC_LOG_ID));
	snprintf(lw->station, sizeof(lw->station), "%s", ws_pg_str(res, LC_STATION));
	lw->last = 0;
	lw->walk = ws_audit_walk_new(lw->a->trust, walk_problem, lw, &lw->sum);
	pthread_mutex_lock(&lw->a->lock);
	lw->a->sum->logs++;
	pthread_mutex_unlock(&lw->a->lock);
	return lw->walk != NULL;
}

void audit_line(struct log_walk *lw, const PGresult *res)
{
	const char *log_id = ws_pg_str(res, LC_LOG_ID);
	long long n = strtoll(PQgetvalue(res, 0, LC_LINE), NULL, 10);
	const unsigned char *bytes = (const unsigned char *)PQgetvalue(res, 0, LC_BYTES);
	size_t len = (size_t)PQgetlength(res, 0, LC_BYTES);
	char sha[65], id[96];

	if (strcmp(lw->log_id, log_id ? log_id : "") != 0 && !log_begin(lw, res))
		return;
	snprintf(id, sizeof(id), "%s:%lld", lw->log_id, n);
	ws_sha256_hex(bytes, len, sha);
	if (!same(sha, ws_pg_str(res, LC_SHA256)))
		audit_report(
		    lw->a, WS_REGISTER_BAD_HASH, lw->station, id,
		    "the row's sha256 is not the SHA-256 of its stored bytes (%s): the row "
		    "was changed after it was stored",
		    sha);
	if (n == 1 && strcmp(sha, lw->log_id) != 0)
		audit_report(lw->a, WS_REGISTER_BAD_HASH, lw->station, id,
		             "line 1's SHA-256 is not the log's id: the row was changed");
	if (n == lw->last + 2)
		audit_report(lw->a, WS_REGISTER_CHAIN_BROKEN, lw->station, id,
		             "line %lld is missing from the register", n - 1);
	else if (n != lw->last + 1)
		audit_report(lw->a, WS_REGISTER_CHAIN_BROKEN, lw->station, id,
		             "lines %lld to %lld are missing from the register", lw->last + 1,
		             n - 1);
	lw->last = n;
	if (n > 0 && n <= (long long)UINT32_MAX)
		ws_audit_walk_line(lw->walk, (unsigned)n, (const char *)bytes, len);
	pthread_mutex_lock(&lw->a->lock);
	lw->a->sum->lines++;
	pthread_mutex_unlock(&lw->a->lock);
}
