/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-audit.h - what register-audit.c (the snapshot, the threads, the series in SQL) and
 * register-audit-check.c (one stored row against its own bytes) share.
 */
#ifndef WS_REGISTER_AUDIT_H
#define WS_REGISTER_AUDIT_H

#include <pthread.h>

#include <wipeseal/cert.h>

#include "register-query.h"

struct ws_audit_walk;

/* The audit as every worker sees it. */
struct audit {
	const struct ws_trust *trust;
	ws_register_problem_fn fn;
	void *userdata;
	pthread_mutex_t lock; /* @fn and @sum: one finding at a time */
	struct ws_register_audit_summary *sum;
};

/* A worker's log in progress: the lines of one log come to one worker, in order. */
struct log_walk {
	struct audit *a;
	struct ws_audit_summary sum; /* the walk's own counts (the log's) */
	char log_id[65];
	char station[512];
	long long last;             /* the line before (0: none yet) */
	struct ws_audit_walk *walk; /* NULL: no log in progress */
};

/* The columns of the rows the audit reads, in SELECT order (register-audit.c). */
enum cert_col {
	CC_STATION,
	CC_ID,
	CC_SHA256,
	CC_JSON,
	CC_P7S,
	CC_SERIAL,
	CC_MODEL,
	CC_WWN,
	CC_ASSET_TAG,
	CC_STATUS,
	CC_METHOD,
	CC_NIST_LEVEL,
	CC_TECHNIQUE,
	CC_OPERATOR,
	CC_PREVIOUS,
	CC_ISSUED_MS,
	CC_HOSTNAME,
	CC_N
};
enum line_col { LC_STATION, LC_LOG_ID, LC_LINE, LC_BYTES, LC_SHA256, LC_N };

/* audit_report() - one finding to the caller's callback, counted. */
void audit_report(struct audit *a, enum ws_register_problem kind, const char *station,
                  const char *id, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* audit_certificate() - a certificates row (one row of @res, CC_* columns) checked. */
void audit_certificate(struct audit *a, const PGresult *res);

/* audit_line() - an audit_lines row (LC_* columns) fed to @lw's log, which it starts
 * when the row begins another; log_end() ends the log in progress. */
void audit_line(struct log_walk *lw, const PGresult *res);
void audit_log_end(struct log_walk *lw);

#endif
