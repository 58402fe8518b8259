/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-audit-push.c - a station's audit log sent to the register: verified whole first
 * (ws_audit_verify(): strict lines, numbered, chained, signed by a signer that chains to
 * the trust given), then only the lines past the highest one the register holds of that
 * log (ws_audit_high_water(), the one read a station may do), in transactions of whole
 * lines. The log is read line by line, twice, never held whole: memory stays bounded
 * whatever its length.
 *
 * A log is known by log_id, the SHA-256 of its line 1; it is filed under its station, the
 * subject of the first SIGNER line's certificate. A last line without its newline is still
 * being written (or was torn) and waits for the next push.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>
#include <wipeseal/register.h>

#include "internal.h"
#include "register-internal.h"

/* Audit lines per transaction. */
#define AUDIT_BATCH 500

/* The first problem ws_audit_verify() reports. */
struct first_problem {
	unsigned line;
	char *text;
};

static void on_problem(void *userdata, unsigned line, bool problem, const char *text)
{
	struct first_problem *fp = userdata;

	if (problem && !fp->text) {
		fp->line = line;
		fp->text = strdup(text);
	}
}

/* The log's id (line 1's SHA-256) and station (the first SIGNER line's "signer"). */
static int identify(FILE *f, char log_id[65], char **ret_station)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	for (unsigned k = 1; (n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n'; k++) {
		struct json_object *o;
		const char *status, *signer;

		line[--n] = '\0';
		if (k == 1)
			ws_sha256_hex(line, (size_t)n, log_id);
		o = json_tokener_parse(line);
		status = ws_register_jstr(o, "status");
		signer = ws_register_jstr(o, "signer");
		if (status && signer && strcmp(status, "SIGNER") == 0) {
			*ret_station = strdup(signer);
			json_object_put(o);
			return *ret_station ? 0 : -ENOMEM;
		}
		json_object_put(o);
	}
	return -ENOENT;
}

static int high_water(struct ws_register *r, const char *log_id, long long *ret, char **why)
{
	const char *vals[] = { log_id };
	PGresult *res =
	    PQexecParams(r->pg, "SELECT ws_audit_high_water($1)", 1, NULL, vals, NULL, NULL, 0);
	int err = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		err = ws_register_failed(r, res, why);
	else
		*ret = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return err;
}

/* The state of one push. */
struct push {
	struct ws_register *r;
	const char *station;
	const char *log_id;
	unsigned stored, in_batch;
	long long conflict_line;
	char *why;
};

/* One line: 0 stored or duplicate, 1 a conflict, or ws_register_failed()'s errno. */
static int send_line(struct push *p, long long k, const char *line, size_t len)
{
	char num[24], sha[65];
	const char *vals[] = { p->station, p->log_id, num, line, sha };
	int lens[] = { 0, 0, 0, (int)len, 0 }, fmts[] = { 0, 0, 0, 1, 0 };
	PGresult *res;
	int err = 0;

	snprintf(num, sizeof(num), "%lld", k);
	ws_sha256_hex(line, len, sha);
	res = PQexecParams(p->r->pg, "SELECT ws_insert_audit_line($1, $2, $3, $4, $5)", 5, NULL,
	                   vals, lens, fmts, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		err = ws_register_failed(p->r, res, &p->why);
	else if (strcmp(PQgetvalue(res, 0, 0), "stored") == 0)
		p->in_batch++;
	else if (strcmp(PQgetvalue(res, 0, 0), "conflict") == 0) {
		p->conflict_line = k;
		err = 1;
	}
	PQclear(res);
	return err;
}

/* End the batch: COMMIT (@ok) or ROLLBACK; a fresh one begun when @again. */
static int end_batch(struct push *p, bool ok, bool again)
{
	int err = ws_register_exec(p->r, ok ? "COMMIT" : "ROLLBACK", ok ? &p->why : NULL);

	if (err == 0 && ok)
		p->stored += p->in_batch;
	p->in_batch = 0;
	if (err == 0 && again)
		err = ws_register_exec(p->r, "BEGIN", &p->why);
	return err;
}

/* Send the complete lines past @from, in batches. */
static int send_lines(struct push *p, FILE *f, long long from)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long k = 0;
	int err = ws_register_exec(p->r, "BEGIN", &p->why);

	while (err == 0 && (n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
		if (++k <= from)
			continue;
		err = send_line(p, k, line, (size_t)n - 1);
		if (err == 0 && p->in_batch >= AUDIT_BATCH)
			err = end_batch(p, true, true);
	}
	if (err == 0)
		return end_batch(p, true, false);
	(void)end_batch(p, false, false);
	return err;
}

static int sent(struct push *p, int err, struct ws_push_outcome *o)
{
	o->lines = p->stored;
	if (err == 1) {
		o->status = WS_PUSH_CONFLICT;
		return asprintf(
		           &o->reason,
		           "line %lld of log %.16s... differs from the register's: not replaced",
		           p->conflict_line, p->log_id) < 0
		           ? -ENOMEM
		           : 0;
	}
	if (err == -EINVAL || err == -EACCES) {
		o->status = WS_PUSH_REFUSED;
		o->reason = TAKE_PTR(p->why);
	} else if (err < 0) {
		o->status = WS_PUSH_UNREACHABLE;
		o->reason = TAKE_PTR(p->why);
	} else {
		o->status = p->stored ? WS_PUSH_STORED : WS_PUSH_DUPLICATE;
	}
	ws_one_line(o->reason);
	return 0;
}

int ws_register_push_audit(struct ws_register *r, const struct ws_trust *trust, const char *path,
                           struct ws_push_outcome *o)
{
	struct first_problem fp = { 0 };
	struct ws_audit_summary sum = { 0 };
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *station = NULL;
	struct push p = { .r = r };
	char log_id[65] = "";
	long long from = 0;
	int err;

	o->kind = WS_PUSH_AUDIT_LOG;
	o->status = WS_PUSH_REFUSED;
	err = ws_audit_verify(path, NULL, trust, on_problem, &fp, &sum);
	if (err < 0 && err != -ENOMEM)
		err = ws_reason(&o->reason, 0, "the audit log cannot be read: %s", strerror(-err));
	else if (err == 0 && sum.problems)
		err = ws_reason(&o->reason, 0, "the audit log does not verify: line %u: %s",
		                fp.line, fp.text ?: "a problem");
	else if (err == 0 && !(f = fopen(path, "re")))
		err = ws_reason(&o->reason, 0, "%s cannot be read: %s", path, strerror(errno));
	else if (err == 0 && (err = identify(f, log_id, &station)) == -ENOENT)
		err = ws_reason(&o->reason, 0,
		                "the audit log has no SIGNER line: it names no station");
	free(fp.text);
	if (err < 0 || o->reason)
		return err == -ENOMEM ? err : 0;
	snprintf(o->id, sizeof(o->id), "%s", station);
	p.station = station;
	p.log_id = log_id;
	err = high_water(r, log_id, &from, &p.why);
	if (err == 0) {
		rewind(f);
		err = send_lines(&p, f, from);
	}
	return sent(&p, err, o);
}
