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

typedef void (*ws_push_fn)(void *userdata, const char *path, const struct ws_push_outcome *o);

/* How many certificates ws_register_push_files() stores in one transaction. */
#define WS_REGISTER_PUSH_BATCH 64

/*
 * ws_register_push_files() - ws_register_push_file() of each of @paths, in order, but with
 * the certificates among them stored up to WS_REGISTER_PUSH_BATCH in one transaction. @fn
 * gets each outcome once it is final (the transaction committed), in the order of @paths, up
 * to the first UNREACHABLE one (after which nothing more is sent; a batch that was lost is
 * told whole). @ret_told: how many outcomes @fn got. Return: 0, or -ENOMEM.
 */
int ws_register_push_files(struct ws_register *r, const struct ws_trust *trust,
                           const struct ws_verify_opts *vo, char *const *paths, size_t n,
                           ws_push_fn fn, void *userdata, size_t *ret_told);

/* ---- the station's queue -------------------------------------------------------------------- */

/* The queue is a directory in the result directory: one entry per file not yet sent. */
#define WS_REGISTER_QUEUE_DIR ".register-queue"

/* ws_register_queue_add() - remember that @path (in @result_dir) is to be sent. Durable
 * (fsync) before it returns. Return: 0 or a negative errno. */
int ws_register_queue_add(const char *result_dir, const char *path, char **ret_reason);

/* ws_register_queue_length() - the number of files waiting in @result_dir's queue. */
int ws_register_queue_length(const char *result_dir, size_t *ret);

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

/* ws_register_queue_held() - the number of files set aside in @result_dir's queue
 * (WS_REGISTER_QUEUE_DIR/held/: the register answered CONFLICT or REFUSED; each has a
 * NAME.reason beside it). Return: 0 or a negative errno. */
int ws_register_queue_held(const char *result_dir, size_t *ret);

/* ---- the sender: a station's thread that feeds the register ------------------------------ */

/*
 * The sender pushes @result_dir's queue whenever it is poked (a file was queued) and every
 * @retry_s seconds while the queue is not empty. Every connection it opens has a connect
 * timeout and a statement timeout, so that no call of it waits long on a dead server.
 * Threading: start, poke, status and stop may be called from any thread.
 */
struct ws_register_sender;

/* What the sender knows now. */
struct ws_sender_status {
	size_t queued;        /* files waiting in the queue */
	size_t held;          /* files set aside (conflict, refused) */
	bool tried;           /* it tried at least once */
	char last_error[160]; /* why the last try left files waiting (one line), or "" */
	int64_t last_success; /* Unix time of the last try that emptied the queue, or 0 */
};

/*
 * ws_register_sender_start() - start the thread. @c, @trust, @vo and @result_dir must
 * outlive the sender. @retry_s: 0 means 60.
 * Return: 0, -EINVAL without a url, -ENOMEM, or pthread_create()'s error (negative).
 */
int ws_register_sender_start(const struct ws_register_conn *c, const struct ws_trust *trust,
                             const struct ws_verify_opts *vo, const char *result_dir,
                             unsigned retry_s, struct ws_register_sender **ret);

/* ws_register_sender_poke() - something was queued: try now. NULL-safe. */
void ws_register_sender_poke(struct ws_register_sender *s);

/* ws_register_sender_status() - a copy of what it knows (the queue counted now). */
void ws_register_sender_status(struct ws_register_sender *s, struct ws_sender_status *ret);

/*
 * ws_register_sender_stop() - one last try, bounded by @limit_s seconds (0: 10) of
 * connecting and sending, then stop the thread and free the sender. @ret (or NULL): the
 * status after that try. NULL-safe. Return: NULL.
 */
struct ws_register_sender *ws_register_sender_stop(struct ws_register_sender *s, unsigned limit_s,
                                                   struct ws_sender_status *ret);

/*
 * ws_register_try_once() - one connection and one run of ws_register_push_pending() over
 * @result_dir's queue, bounded by @limit_s seconds (0: 10) as the sender bounds its tries:
 * what a command that filed something does before it ends. @ret_reason: why files were left
 * (one line, malloc'd), or NULL. Return: 0 or a negative errno (connection errors as
 * ws_register_connect()).
 */
int ws_register_try_once(const struct ws_register_conn *c, const struct ws_trust *trust,
                         const struct ws_verify_opts *vo, const char *result_dir, unsigned limit_s,
                         struct ws_pending_summary *ret, char **ret_reason);

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

/* ---- auditors: export, audit, stats (register-export.c, register-audit.c, register-stats.c) -- */

/*
 * ws_register_csv_header(), ws_register_row_csv() - the CSV header record and one row as a
 * record (RFC 4180: quoted when needed, quotes doubled, CRLF at the end). A cell beginning
 * with =, +, -, @, a tab or CR gets a leading apostrophe, so that no spreadsheet runs it as a
 * formula (docs/register.md). @with_document: a last column "document", the exact bytes.
 * *ret is malloc'd. Return: 0, -EINVAL, -ENOMEM.
 */
int ws_register_csv_header(bool with_document, char **ret);
int ws_register_row_csv(const struct ws_register_row *row, bool with_document, char **ret);

/* ws_register_row_json() - one row as one JSON object on one line (no newline): the columns
 * by their names (null when NULL), and with @with_document "document", a string holding the
 * exact bytes. *ret is malloc'd. Return: 0, -EINVAL, -ENOMEM. */
int ws_register_row_json(const struct ws_register_row *row, bool with_document, char **ret);

/* What ws_register_audit() found; ws_register_problem_name() gives each a word. */
enum ws_register_problem {
	WS_REGISTER_BAD_SIGNATURE, /* a certificate does not verify against the trust given */
	WS_REGISTER_BAD_HASH,      /* a row's sha256 is not the SHA-256 of its stored bytes */
	WS_REGISTER_BAD_COLUMN,    /* an extracted column differs from the stored document */
	WS_REGISTER_SERIES_GAP,    /* a previous_sha256 names a certificate the station lacks */
	WS_REGISTER_SERIES_FORK,   /* two certificates of a station claim one predecessor */
	WS_REGISTER_CHAIN_BROKEN,  /* an audit log's lines: missing, unchained, badly signed */
	WS_REGISTER_MISSING_CERT,  /* a SUCCESS line names a certificate the register lacks */
	WS_REGISTER_NOTE,          /* worth knowing, not a problem (a wipe without an outcome) */
};

const char *ws_register_problem_name(enum ws_register_problem kind);

/* Called once per finding, from the audit's worker threads but never two at a time.
 * @station: the station's subject; @id: a certificate_id, or "LOG_ID:LINE" for a log's line
 * (LINE 0: the log as a whole); @text: one line. */
typedef void (*ws_register_problem_fn)(void *userdata, enum ws_register_problem kind,
                                       const char *station, const char *id, const char *text);

struct ws_register_audit_opts {
	const char *station; /* only this station's records, or NULL for all */
	unsigned jobs;       /* worker threads; 0: the online CPUs */
};

struct ws_register_audit_summary {
	size_t certificates; /* certificates read */
	size_t verified;     /* of them, whose signature verified */
	size_t logs, lines;  /* audit logs and lines read */
	size_t problems;     /* findings other than notes */
	size_t notes;
};

/*
 * ws_register_audit() - in one snapshot of the register: every certificate's signature
 * verified again on the stored bytes as ws_cert_verify() does (against @trust), its sha256
 * and extracted columns checked against the bytes; each station's series (every
 * previous_sha256 names a certificate of that station, but each series' first; no two claim
 * one); each audit log's lines (numbered from 1 without gaps, each chained to the stored line
 * before, signed by a signer that chains to @trust, as ws_audit_verify()); and every SUCCESS
 * line's certificate present. Rows are streamed by the caller's thread to @o->jobs workers
 * through bounded queues: memory does not grow with the register. @fn hears each finding.
 * Return: 0 when the audit ran (look at @ret); the errnos of ws_register_find(); -ENOMEM.
 */
int ws_register_audit(struct ws_register *r, const struct ws_trust *trust,
                      const struct ws_register_audit_opts *o, ws_register_problem_fn fn,
                      void *userdata, struct ws_register_audit_summary *ret, char **ret_reason);

/* One group of ws_register_stats(): a station, a day (UTC, YYYY-MM-DD, by issued), a status,
 * method and NIST level, how many certificates, and the first and last issued (RFC 3339). */
struct ws_register_stats_row {
	const char *station, *day, *status, *method, *nist_level, *first_issued, *last_issued;
	uint64_t count;
};

typedef int (*ws_register_stats_fn)(void *userdata, const struct ws_register_stats_row *row);

/*
 * ws_register_stats() - the groups, by station, day, status, method and NIST level, in that
 * order, streamed to @fn; of @f only station and the issued range apply. A non-zero return
 * from @fn stops and is returned. Return: 0 or the errnos of ws_register_find().
 */
int ws_register_stats(struct ws_register *r, const struct ws_register_filter *f,
                      ws_register_stats_fn fn, void *userdata, char **ret_reason);

#endif
