/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/register.h - the central register: certificates, validation and re-verification
 * records and the stations' audit-log lines, collected in PostgreSQL (through libpq).
 *
 * Stations file every certificate locally first, then send it; what cannot be sent waits in
 * a queue in the result directory and is sent later (ws_register_push_pending()). Every
 * certificate is verified exactly as `wipeseal verify` verifies it before it is stored; the
 * same bytes twice are harmless, the same id with other bytes is a conflict. Auditors find,
 * export, audit and count. The tables, roles and functions are in docs/register.md.
 *
 * Connections: a libpq connection string or URI; over TCP, TLS is required and the server
 * verified (sslmode=verify-full); only a local socket may go without. Passwords come from
 * libpq's own mechanisms (PGPASSFILE, client certificates), never from the string.
 */
#ifndef WIPESEAL_REGISTER_H
#define WIPESEAL_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws_trust;
struct ws_verify_opts;
struct ws_config;

/* The register's schema version that ws_register_init() creates or migrates to. */
#define WS_REGISTER_SCHEMA_VERSION     1
/* retention_days may not be set below this (the organization's 180-day rule). */
#define WS_REGISTER_MIN_RETENTION_DAYS 180

/* ---- connection --------------------------------------------------------------------------- */

struct ws_register;

/* Where the register is: [register] url, ca, cert, key in wipeseal.conf, or the flags. */
struct ws_register_conn {
	const char *url;            /* libpq connection string or postgresql:// URI */
	const char *ca;             /* sslrootcert: the CA the server's certificate must chain to,
	                             * or NULL for the one @url or libpq's default names */
	const char *cert;           /* sslcert: this client's certificate, or NULL */
	const char *key;            /* sslkey: its key, or NULL */
	unsigned connect_timeout_s; /* 0: 10 s */
};

/* ws_register_conn_from_config() - fill what @c lacks from [register]; strings are @cfg's. */
void ws_register_conn_from_config(struct ws_register_conn *c, const struct ws_config *cfg);

/*
 * ws_register_connect() - open a connection.
 * @ret_reason: on failure, one line saying what is wrong and what to do (malloc'd).
 * Return: 0; -EINVAL for a string libpq cannot parse, one holding a password, or one asking
 * for less than sslmode=verify-full over TCP; -EHOSTUNREACH when the server cannot be
 * reached (the station queues and retries); -EACCES when it refused this client; -EPROTO
 * when TLS or the server's certificate failed; -ENOMEM.
 */
int ws_register_connect(const struct ws_register_conn *c, struct ws_register **ret,
                        char **ret_reason);

/* ws_register_close() - NULL-safe. Return: NULL. */
struct ws_register *ws_register_close(struct ws_register *r);

/* ---- schema ------------------------------------------------------------------------------- */

struct ws_register_init_opts {
	unsigned retention_days;  /* 0: 180; fewer than 180 is refused */
	const char *station_role; /* NULL: "wipeseal_station" (a group: stations log in as
	                           * their own members of it) */
	const char *auditor_role; /* NULL: "wipeseal_auditor" */
};

/*
 * ws_register_init() - create the tables, functions and roles, or migrate them to
 * WS_REGISTER_SCHEMA_VERSION; run as the owner. @ret_from: the version found (0: none).
 * Return: 0; -EINVAL for bad options; -EPROTO when the database holds a newer schema than
 * this build knows; -EACCES when this role may not; -EIO for another server error.
 */
int ws_register_init(struct ws_register *r, const struct ws_register_init_opts *o, int *ret_from,
                     char **ret_reason);

/* ---- push --------------------------------------------------------------------------------- */

enum ws_push_kind {
	WS_PUSH_CERTIFICATE,    /* NAME.json + NAME.json.p7s */
	WS_PUSH_VALIDATION,     /* NAME.validation[-N].json + .p7s (wipeseal/validate.h) */
	WS_PUSH_REVERIFICATION, /* a wipeseal-reverification/1 record + .p7s */
	WS_PUSH_AUDIT_LOG,      /* a station's audit log: the lines the register lacks */
};

enum ws_push_status {
	WS_PUSH_STORED,      /* stored now */
	WS_PUSH_DUPLICATE,   /* the register already held these exact bytes: harmless */
	WS_PUSH_CONFLICT,    /* the same id (or audit line) with other bytes: refused */
	WS_PUSH_REFUSED,     /* does not verify, or is not a record: refused, never stored */
	WS_PUSH_UNREACHABLE, /* the server could not be reached or failed: send again later */
};

struct ws_push_outcome {
	enum ws_push_kind kind;
	enum ws_push_status status;
	char *reason;   /* one line for CONFLICT, REFUSED, UNREACHABLE; else NULL */
	char id[64];    /* certificate_id / record id; for a log, the station */
	unsigned lines; /* audit log: lines stored now */
};

void ws_push_outcome_clear(struct ws_push_outcome *o);

/*
 * ws_register_push_file() - verify @path as `wipeseal verify` does (against @trust, with
 * @vo) and store it. The kind is read from the file. Return: 0 when an outcome was set
 * (look at @ret->status), -ENOMEM.
 */
int ws_register_push_file(struct ws_register *r, const struct ws_trust *trust,
                          const struct ws_verify_opts *vo, const char *path,
                          struct ws_push_outcome *ret);

/* ---- the station's queue -------------------------------------------------------------------- */

/* The queue is a directory in the result directory: one entry per file not yet sent. */
#define WS_REGISTER_QUEUE_DIR ".register-queue"

/* ws_register_queue_add() - remember that @path (in @result_dir) is to be sent. Durable
 * (fsync) before it returns. Return: 0 or a negative errno. */
int ws_register_queue_add(const char *result_dir, const char *path, char **ret_reason);

/* ws_register_queue_length() - the number of files waiting in @result_dir's queue. */
int ws_register_queue_length(const char *result_dir, size_t *ret);

typedef void (*ws_push_fn)(void *userdata, const char *path, const struct ws_push_outcome *o);

struct ws_pending_summary {
	size_t stored, duplicate, conflict, refused, unreachable, left;
};

/*
 * ws_register_push_pending() - send what waits in @result_dir's queue, oldest first; an
 * entry leaves the queue once the register holds it (STORED or DUPLICATE). CONFLICT and
 * REFUSED entries stay, set aside, and are reported; UNREACHABLE stops the run (the rest
 * waits). @fn (or NULL) hears each file. Return: 0 or a negative errno.
 */
int ws_register_push_pending(struct ws_register *r, const struct ws_trust *trust,
                             const struct ws_verify_opts *vo, const char *result_dir, ws_push_fn fn,
                             void *userdata, struct ws_pending_summary *ret);

/* ---- auditors: find, export, audit, stats ------------------------------------------------- */

/* A search; every NULL / 0 field matches everything. Times are Unix seconds. */
struct ws_register_filter {
	const char *serial, *wwn, *asset_tag, *station, *operator_name, *status;
	int64_t issued_from, issued_until; /* 0: open */
	size_t limit;                      /* 0: no limit */
};

/* One certificate as the register's columns give it. Strings belong to the call. */
struct ws_register_row {
	const char *certificate_id, *sha256, *serial, *model, *wwn, *asset_tag, *status, *method,
	    *nist_level, *technique, *operator_name, *validator, *decision, *station, *issued,
	    *received, *ntp_server;
	int clock_synchronized; /* 1, 0, or -1 unknown */
	const char *json;       /* the document's bytes, when asked for (export --json) */
	size_t json_len;
};

typedef int (*ws_register_row_fn)(void *userdata, const struct ws_register_row *row);

/*
 * ws_register_find() - the certificates @f matches, newest first, streamed to @fn one row at
 * a time (memory does not grow with the result). @with_document: fill row->json.
 * A non-zero return from @fn stops and is returned. Return: 0 or a negative errno.
 */
int ws_register_find(struct ws_register *r, const struct ws_register_filter *f, bool with_document,
                     ws_register_row_fn fn, void *userdata, char **ret_reason);

#endif
