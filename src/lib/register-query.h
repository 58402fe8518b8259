/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-query.h - what the auditors' side of the register shares (register-find.c,
 * register-export.c, register-audit.c, register-stats.c): a query whose rows are streamed one
 * at a time, and the WHERE clause a struct ws_register_filter makes.
 *
 * Every value travels as a bound parameter (PQsendQueryParams): nothing a user typed is ever
 * pasted into SQL. Rows come in libpq's single-row mode, so memory does not grow with the
 * number of rows a query matches.
 */
#ifndef WS_REGISTER_QUERY_H
#define WS_REGISTER_QUERY_H

#include <libpq-fe.h>

#include <wipeseal/register.h>

#include "register-internal.h"

/* Called once per row: @res holds exactly that row (row 0). A non-zero return stops the
 * query (the server is asked to cancel it) and is returned by ws_pg_stream(). */
typedef int (*ws_pg_row_fn)(void *userdata, const PGresult *res);

/*
 * ws_pg_stream() - run @sql with @n text parameters @values (NULL entries are SQL NULL) and
 * hand each row to @fn. Return: 0; @fn's non-zero return; -EHOSTUNREACH when the connection
 * failed; -EACCES when the role may not read; -ENOENT when the tables are missing (no
 * `register init` yet); -EIO for another server error. *ret_reason says which (malloc'd).
 */
int ws_pg_stream(PGconn *pg, const char *sql, int n, const char *const *values, ws_pg_row_fn fn,
                 void *userdata, char **ret_reason);

/*
 * ws_pg_stream_binary() - ws_pg_stream() with the rows in binary format: a bytea column is
 * its bytes (PQgetlength() long, not hex at twice the size), a text column its text (still
 * NUL-terminated: ws_pg_str() reads it); any other type must be cast to text in @sql.
 */
int ws_pg_stream_binary(PGconn *pg, const char *sql, int n, const char *const *values,
                        ws_pg_row_fn fn, void *userdata, char **ret_reason);

/* ws_pg_exec() - a statement without rows (BEGIN, COMMIT); the same returns. */
int ws_pg_exec(PGconn *pg, const char *sql, char **ret_reason);

/* The connection of @r (struct ws_register: register-internal.h). */
static inline PGconn *ws_register_pg(struct ws_register *r)
{
	return r->pg;
}

/* A WHERE clause over the certificates table and its parameters. */
#define WS_WHERE_MAX 10
struct ws_where {
	char sql[512]; /* " WHERE a = $1 AND ..." or "" */
	const char *values[WS_WHERE_MAX];
	int n;
	char from[32], until[32], limit[24]; /* storage for the values made here */
};

/* ws_where_build() - the clause for @f (NULL: everything); the time range is issued_from <=
 * issued < issued_until. @limit_too: also fill w->limit for a "LIMIT $n" the caller adds
 * (w->n counts it). Return: 0, or -EINVAL for a time out of range. */
int ws_where_build(const struct ws_register_filter *f, bool limit_too, struct ws_where *w);

/* ws_pg_str() - column @c of the row, or NULL for SQL NULL. */
const char *ws_pg_str(const PGresult *res, int c);

#endif
