/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-audit.c - `wipeseal register audit`: the register checked against itself, in one
 * snapshot (a read-only REPEATABLE READ transaction, so pushes during the audit neither
 * appear half nor make gaps that are not there).
 *
 * Why threads and queues: verifying a signature costs far more than reading its row, so the
 * caller's thread only streams rows (single-row mode, register-find.c) and N workers verify
 * them (register-audit-check.c). Each worker has its own bounded queue, so memory holds at
 * most N * QUEUE_CAP rows however large the register is. Certificates go round-robin; an
 * audit log's lines, read in order, all go to the same worker (chosen by the log's id), which
 * walks them in order as `wipeseal verify --audit-log` walks a file. What needs the whole
 * register at once (a series' gaps and forks, the certificates lines name) is asked of the
 * server as anti-joins over its indexes, while the workers drain their queues.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "register-audit.h"

#define QUEUE_CAP   16
#define MAX_WORKERS 64

const char *ws_register_problem_name(enum ws_register_problem kind)
{
	static const char *const names[] = {
		[WS_REGISTER_BAD_SIGNATURE] = "signature", [WS_REGISTER_BAD_HASH] = "hash",
		[WS_REGISTER_BAD_COLUMN] = "column",       [WS_REGISTER_SERIES_GAP] = "gap",
		[WS_REGISTER_SERIES_FORK] = "fork",        [WS_REGISTER_CHAIN_BROKEN] = "chain",
		[WS_REGISTER_MISSING_CERT] = "missing",    [WS_REGISTER_NOTE] = "note",
	};

	return (unsigned)kind < ELEMENTSOF(names) ? names[kind] : "?";
}

/* ---- workers ----------------------------------------------------------------------------------- */

struct worker {
	pthread_t thread;
	struct audit *a;
	pthread_mutex_t m;
	pthread_cond_t items, space;
	PGresult *queue[QUEUE_CAP];
	bool is_line[QUEUE_CAP];
	size_t head, count;
	bool closed;
	struct log_walk lw;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		PGresult *res;
		bool line;

		pthread_mutex_lock(&w->m);
		while (!w->count && !w->closed)
			pthread_cond_wait(&w->items, &w->m);
		if (!w->count) {
			pthread_mutex_unlock(&w->m);
			break;
		}
		res = w->queue[w->head];
		line = w->is_line[w->head];
		w->head = (w->head + 1) % QUEUE_CAP;
		w->count--;
		pthread_cond_signal(&w->space);
		pthread_mutex_unlock(&w->m);
		if (line)
			audit_line(&w->lw, res);
		else
			audit_certificate(w->a, res);
		PQclear(res);
	}
	audit_log_end(&w->lw);
	return NULL;
}

/* Hand a copy of @res's row to @w, waiting while its queue is full. */
static int worker_put(struct worker *w, const PGresult *res, bool line)
{
	PGresult *copy = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);

	if (!copy)
		return -ENOMEM;
	pthread_mutex_lock(&w->m);
	while (w->count == QUEUE_CAP)
		pthread_cond_wait(&w->space, &w->m);
	w->queue[(w->head + w->count) % QUEUE_CAP] = copy;
	w->is_line[(w->head + w->count) % QUEUE_CAP] = line;
	w->count++;
	pthread_cond_signal(&w->items);
	pthread_mutex_unlock(&w->m);
	return 0;
}

struct pool {
	struct audit *a;
	struct worker *w;
	unsigned n, started, next;
};

static int pool_start(struct pool *p, struct audit *a, unsigned jobs)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	p->a = a;
	p->n = jobs ? jobs : online > 0 ? (unsigned)online : 1;
	if (p->n > MAX_WORKERS)
		p->n = MAX_WORKERS;
	p->w = calloc(p->n, sizeof(*p->w));
	if (!p->w)
		return -ENOMEM;
	for (unsigned i = 0; i < p->n; i++) {
		struct worker *w = &p->w[i];

		w->a = a;
		w->lw.a = a;
		pthread_mutex_init(&w->m, NULL);
		pthread_cond_init(&w->items, NULL);
		pthread_cond_init(&w->space, NULL);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			return -EAGAIN;
		p->started++;
	}
	return 0;
}

/* Close every queue, wait for the workers, free. */
static void pool_join(struct pool *p)
{
	for (unsigned i = 0; i < p->started; i++) {
		pthread_mutex_lock(&p->w[i].m);
		p->w[i].closed = true;
		pthread_cond_signal(&p->w[i].items);
		pthread_mutex_unlock(&p->w[i].m);
	}
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->w[i].thread, NULL);
	for (unsigned i = 0; p->w && i < p->n; i++) {
		pthread_mutex_destroy(&p->w[i].m);
		pthread_cond_destroy(&p->w[i].items);
		pthread_cond_destroy(&p->w[i].space);
	}
	free(p->w);
}

static int put_certificate(void *userdata, const PGresult *res)
{
	struct pool *p = userdata;

	pthread_mutex_lock(&p->a->lock);
	p->a->sum->certificates++;
	pthread_mutex_unlock(&p->a->lock);
	return worker_put(&p->w[p->next++ % p->n], res, false);
}

static int put_line(void *userdata, const PGresult *res)
{
	struct pool *p = userdata;
	const char *log_id = ws_pg_str(res, LC_LOG_ID);
	char head[9] = { 0 };
	unsigned long h;

	/* the log's id is hex: its first eight digits pick the worker, the same for every line */
	if (log_id)
		memcpy(head, log_id, strnlen(log_id, 8));
	h = strtoul(head, NULL, 16);
	return worker_put(&p->w[h % p->n], res, true);
}

/* ---- what the server answers over the whole register ------------------------------------------- */

/* Certificates whose predecessor the station's certificates lack. A predecessor that is the
 * certificate of a wipe that did not succeed (the register takes only what verifies) counts
 * as present when that station's log names it on a line of another status. */
static const char gap_sql[] =
    "SELECT c.station, c.certificate_id, c.previous_sha256 FROM certificates c "
    "WHERE coalesce(c.previous_sha256, '') <> '' AND ($1::text IS NULL OR c.station = $1) "
    "AND NOT EXISTS (SELECT 1 FROM certificates p WHERE p.sha256 = c.previous_sha256 "
    "AND p.station = c.station) "
    "AND NOT EXISTS (SELECT 1 FROM audit_lines l WHERE l.certificate_sha256 = "
    "c.previous_sha256 AND l.station = c.station AND l.status IS DISTINCT FROM 'SUCCESS') "
    "ORDER BY c.station, c.issued, c.certificate_id";

static const char fork_sql[] =
    "SELECT station, previous_sha256, string_agg(certificate_id, ', ' ORDER BY issued, "
    "certificate_id) FROM certificates WHERE coalesce(previous_sha256, '') <> '' "
    "AND ($1::text IS NULL OR station = $1) GROUP BY station, previous_sha256 "
    "HAVING count(*) > 1 ORDER BY 1, 2";

static const char missing_sql[] =
    "SELECT l.station, l.log_id || ':' || l.line, l.certificate_sha256 FROM audit_lines l "
    "WHERE l.status = 'SUCCESS' AND l.certificate_sha256 IS NOT NULL "
    "AND ($1::text IS NULL OR l.station = $1) AND NOT EXISTS (SELECT 1 FROM certificates c "
    "WHERE c.sha256 = l.certificate_sha256) ORDER BY l.log_id, l.line";

static int gap_row(void *userdata, const PGresult *res)
{
	audit_report(userdata, WS_REGISTER_SERIES_GAP, ws_pg_str(res, 0), ws_pg_str(res, 1),
	             "its predecessor %s is not in the register: a certificate of the series was "
	             "never pushed, or was removed",
	             ws_pg_str(res, 2));
	return 0;
}

static int fork_row(void *userdata, const PGresult *res)
{
	audit_report(userdata, WS_REGISTER_SERIES_FORK, ws_pg_str(res, 0), ws_pg_str(res, 2),
	             "these certificates all claim the predecessor %s: the series forks (a log "
	             "restored from a copy, or a forgery)",
	             ws_pg_str(res, 1));
	return 0;
}

static int missing_row(void *userdata, const PGresult *res)
{
	audit_report(userdata, WS_REGISTER_MISSING_CERT, ws_pg_str(res, 0), ws_pg_str(res, 1),
	             "the log records the certificate %s, which the register lacks (not pushed "
	             "yet, or removed)",
	             ws_pg_str(res, 2));
	return 0;
}

/* ---- the audit ---------------------------------------------------------------------------------- */

/* Both in binary (ws_pg_stream_binary()): the stored bytes as they are, every other column
 * text. */
static const char cert_sql[] =
    "SELECT station, certificate_id, sha256, json, p7s, serial, model, wwn, asset_tag, status, "
    "method, nist_level, technique, operator, previous_sha256, "
    "round(extract(epoch FROM issued) * 1000)::bigint::text, station_hostname FROM certificates "
    "WHERE ($1::text IS NULL OR station = $1)";

static const char line_sql[] = "SELECT station, log_id, line::text, bytes, sha256 FROM audit_lines "
                               "WHERE ($1::text IS NULL OR station = $1) ORDER BY log_id, line";

/* Everything, in the snapshot; @p's workers take the rows. */
static int audit_run(PGconn *pg, struct pool *p, const char *station, char **ret_reason)
{
	const char *values[1] = { station };
	int r;

	r = ws_pg_stream_binary(pg, cert_sql, 1, values, put_certificate, p, ret_reason);
	if (r == 0)
		r = ws_pg_stream_binary(pg, line_sql, 1, values, put_line, p, ret_reason);
	if (r == 0)
		r = ws_pg_stream(pg, gap_sql, 1, values, gap_row, p->a, ret_reason);
	if (r == 0)
		r = ws_pg_stream(pg, fork_sql, 1, values, fork_row, p->a, ret_reason);
	if (r == 0)
		r = ws_pg_stream(pg, missing_sql, 1, values, missing_row, p->a, ret_reason);
	return r;
}

int ws_register_audit(struct ws_register *r, const struct ws_trust *trust,
                      const struct ws_register_audit_opts *o, ws_register_problem_fn fn,
                      void *userdata, struct ws_register_audit_summary *ret, char **ret_reason)
{
	static const struct ws_register_audit_opts defaults = { 0 };
	struct ws_register_audit_summary sum = { 0 };
	struct audit a = { .trust = trust, .fn = fn, .userdata = userdata, .sum = &sum };
	struct pool p = { 0 };
	PGconn *pg;
	int res;

	if (!r || !trust || !ret)
		return -EINVAL;
	if (!o)
		o = &defaults;
	pg = ws_register_pg(r);
	res = ws_pg_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", ret_reason);
	if (res < 0)
		return res;
	pthread_mutex_init(&a.lock, NULL);
	res = pool_start(&p, &a, o->jobs);
	if (res == 0)
		res = audit_run(pg, &p, o->station, ret_reason);
	else
		ws_reason(ret_reason, 0, "cannot start the audit's threads: %s", strerror(-res));
	pool_join(&p);
	pthread_mutex_destroy(&a.lock);
	(void)ws_pg_exec(pg, res == 0 ? "COMMIT" : "ROLLBACK", NULL);
	if (res == 0)
		*ret = sum;
	return res;
}
