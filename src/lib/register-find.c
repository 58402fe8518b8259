/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-find.c - `wipeseal register find` and `export`: the certificates a filter matches,
 * newest first, streamed to a callback one row at a time.
 *
 * Why single-row mode rather than a server-side cursor: it needs no transaction and no round
 * trip per batch, and it is libpq's own way to keep memory flat whatever a query returns (an
 * auditor's export of a million rows holds one row at a time). A callback that stops early
 * cancels the query on the server instead of reading the rest. Every value a user gave is a
 * bound parameter; the SQL text is made only of the fixed pieces below.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "register-query.h"

/* ---- streaming ------------------------------------------------------------------------------ */

const char *ws_pg_str(const PGresult *res, int c)
{
	return PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
}

/* The server's message, one line, and the errno its SQLSTATE means. */
static int pg_failure(PGconn *pg, const PGresult *res, char **ret_reason)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg);
	size_t len = strcspn(msg ? msg : "", "\n");

	if (PQstatus(pg) != CONNECTION_OK) {
		ws_reason(ret_reason, 0, "the register's server went away: %.*s; try again",
		          (int)len, msg);
		return -EHOSTUNREACH;
	}
	if (state && strcmp(state, "42501") == 0) {
		ws_reason(ret_reason, 0,
		          "%.*s: this role may not read the register (log in as a member of "
		          "wipeseal_auditor)",
		          (int)len, msg);
		return -EACCES;
	}
	if (state && (strcmp(state, "42P01") == 0 || strcmp(state, "42703") == 0)) {
		ws_reason(ret_reason, 0,
		          "%.*s: the register's tables are missing or old (run `wipeseal register "
		          "init` as the owner)",
		          (int)len, msg);
		return -ENOENT;
	}
	ws_reason(ret_reason, 0, "the register's server refused the query: %.*s", (int)len, msg);
	return -EIO;
}

/* Cancel what runs on the server and read what is left of it. */
static void pg_abandon(PGconn *pg)
{
	PGcancel *c = PQgetCancel(pg);
	char buf[256];
	PGresult *res;

	if (c) {
		(void)PQcancel(c, buf, (int)sizeof(buf));
		PQfreeCancel(c);
	}
	while ((res = PQgetResult(pg)))
		PQclear(res);
}

static int stream(PGconn *pg, const char *sql, int n, const char *const *values, int format,
                  ws_pg_row_fn fn, void *userdata, char **ret_reason)
{
	PGresult *res;
	int r = 0;

	if (!PQsendQueryParams(pg, sql, n, NULL, values, NULL, NULL, format))
		return pg_failure(pg, NULL, ret_reason);
	if (!PQsetSingleRowMode(pg)) {
		pg_abandon(pg);
		return ws_reason(ret_reason, -EIO, "libpq could not stream the rows");
	}
	while ((res = PQgetResult(pg))) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && r == 0)
			r = fn(userdata, res);
		else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && r == 0)
			r = pg_failure(pg, res, ret_reason);
		PQclear(res);
		if (r != 0) {
			pg_abandon(pg);
			break;
		}
	}
	return r;
}

int ws_pg_stream(PGconn *pg, const char *sql, int n, const char *const *values, ws_pg_row_fn fn,
                 void *userdata, char **ret_reason)
{
	return stream(pg, sql, n, values, 0, fn, userdata, ret_reason);
}

int ws_pg_stream_binary(PGconn *pg, const char *sql, int n, const char *const *values,
                        ws_pg_row_fn fn, void *userdata, char **ret_reason)
{
	return stream(pg, sql, n, values, 1, fn, userdata, ret_reason);
}

int ws_pg_exec(PGconn *pg, const char *sql, char **ret_reason)
{
	PGresult *res = PQexec(pg, sql);
	int r = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		r = pg_failure(pg, res, ret_reason);
	PQclear(res);
	return r;
}

/* ---- the filter ----------------------------------------------------------------------------- */

static void where_add(struct ws_where *w, const char *expr, const char *value)
{
	size_t used = strlen(w->sql);

	w->values[w->n++] = value;
	snprintf(w->sql + used, sizeof(w->sql) - used, "%s%s $%d", used ? " AND " : " WHERE ", expr,
	         w->n);
}

static int rfc3339(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1)
		return -EINVAL;
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

int ws_where_build(const struct ws_register_filter *f, bool limit_too, struct ws_where *w)
{
	static const struct ws_register_filter none = { 0 };

	memset(w, 0, sizeof(*w));
	if (!f)
		f = &none;
	if (f->serial)
		where_add(w, "serial =", f->serial);
	if (f->wwn)
		where_add(w, "wwn =", f->wwn);
	if (f->asset_tag)
		where_add(w, "asset_tag =", f->asset_tag);
	if (f->station)
		where_add(w, "station =", f->station);
	if (f->operator_name)
		where_add(w, "operator =", f->operator_name);
	if (f->status)
		where_add(w, "status =", f->status);
	if (f->issued_from) {
		if (rfc3339(f->issued_from, w->from, sizeof(w->from)) < 0)
			return -EINVAL;
		where_add(w, "issued >=", w->from);
		strcat(w->sql, "::timestamptz");
	}
	if (f->issued_until) {
		if (rfc3339(f->issued_until, w->until, sizeof(w->until)) < 0)
			return -EINVAL;
		where_add(w, "issued <", w->until);
		strcat(w->sql, "::timestamptz");
	}
	if (limit_too && f->limit) {
		snprintf(w->limit, sizeof(w->limit), "%zu", f->limit);
		w->values[w->n++] = w->limit;
	}
	return 0;
}

/* ---- find ----------------------------------------------------------------------------------- */

/* Times as the documents write them: RFC 3339, UTC, milliseconds. */
#define TIME_OF(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static const char find_columns[] =
    "SELECT certificate_id, sha256, serial, model, wwn, asset_tag, status, method, nist_level, "
    "technique, operator, validator, decision, station, " TIME_OF("issued") ", " TIME_OF(
        "received") ", ntp_server, clock_synchronized";

struct find {
	ws_register_row_fn fn;
	void *userdata;
	bool with_document;
};

static int find_row(void *userdata, const PGresult *res)
{
	struct find *f = userdata;
	const char *sync = ws_pg_str(res, 17);
	struct ws_register_row row = {
		.certificate_id = ws_pg_str(res, 0),
		.sha256 = ws_pg_str(res, 1),
		.serial = ws_pg_str(res, 2),
		.model = ws_pg_str(res, 3),
		.wwn = ws_pg_str(res, 4),
		.asset_tag = ws_pg_str(res, 5),
		.status = ws_pg_str(res, 6),
		.method = ws_pg_str(res, 7),
		.nist_level = ws_pg_str(res, 8),
		.technique = ws_pg_str(res, 9),
		.operator_name = ws_pg_str(res, 10),
		.validator = ws_pg_str(res, 11),
		.decision = ws_pg_str(res, 12),
		.station = ws_pg_str(res, 13),
		.issued = ws_pg_str(res, 14),
		.received = ws_pg_str(res, 15),
		.ntp_server = ws_pg_str(res, 16),
		.clock_synchronized = !sync ? -1 : sync[0] == 't',
	};
	unsigned char *doc = NULL;
	size_t len = 0;
	int r;

	if (f->with_document) {
		doc = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 18), &len);
		if (!doc)
			return -ENOMEM;
		row.json = (const char *)doc;
		row.json_len = len;
	}
	r = f->fn(f->userdata, &row);
	PQfreemem(doc);
	return r;
}

int ws_register_find(struct ws_register *r, const struct ws_register_filter *flt,
                     bool with_document, ws_register_row_fn fn, void *userdata, char **ret_reason)
{
	struct find f = { .fn = fn, .userdata = userdata, .with_document = with_document };
	struct ws_where w;
	char *sql = NULL, limit[24] = "";
	int ret;

	if (!r || !fn)
		return -EINVAL;
	if (ws_where_build(flt, true, &w) < 0)
		return ws_reason(ret_reason, -EINVAL, "a time of the filter is out of range");
	if (w.limit[0])
		snprintf(limit, sizeof(limit), " LIMIT $%d", w.n);
	if (asprintf(&sql,
	             "%s%s FROM certificates%s ORDER BY issued DESC NULLS LAST, "
	             "certificate_id%s",
	             find_columns, with_document ? ", json" : "", w.sql, limit) < 0)
		return -ENOMEM;
	ret = ws_pg_stream(ws_register_pg(r), sql, w.n, w.values, find_row, &f, ret_reason);
	free(sql);
	return ret;
}
