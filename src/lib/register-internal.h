/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-internal.h - what the register's files share (register-conn.c, register.c,
 * register-push.c, and the auditors' and the stations' files of other parts): the handle,
 * the mapping of libpq's failures to errnos, and the one-line reasons.
 */
#ifndef WS_REGISTER_INTERNAL_H
#define WS_REGISTER_INTERNAL_H

#include <stdbool.h>

#include <libpq-fe.h>

#include <wipeseal/register.h>

/* An open connection to the register. */
struct ws_register {
	PGconn *pg;
	bool local; /* over a local socket (no TLS) */
};

/* The register's schema, src/lib/register-schema.sql, NUL-terminated (generated at build
 * time from the .sql by src/lib/embed.cmake). */
extern const char ws_register_schema_sql[];

/*
 * ws_register_failed() - what a failed @res (NULL: the connection failed) of @r means:
 * -EHOSTUNREACH when the connection is gone (the server stopped, the network failed),
 * -EACCES for a permission the role lacks (SQLSTATE 42501), -EINVAL for a check that failed
 * (class 22 and 23: what was sent is not what it says), -EIO otherwise. *ret_reason (when
 * asked for) gets the server's message, one line.
 */
int ws_register_failed(struct ws_register *r, const PGresult *res, char **ret_reason);

/* ws_register_alive() - make sure @r is connected, resetting it once when the server went
 * away. Return: 0, or -EHOSTUNREACH with *ret_reason. */
int ws_register_alive(struct ws_register *r, char **ret_reason);

/* ws_register_exec() - run @sql (no parameters) and keep nothing. Return: 0 or as
 * ws_register_failed(). */
int ws_register_exec(struct ws_register *r, const char *sql, char **ret_reason);

/* ws_one_line() - @s with newlines and trailing whitespace folded into one line (in place). */
char *ws_one_line(char *s);

/* ws_register_push_audit() - the audit log @path, verified (ws_audit_verify() against
 * @trust), its lines past the register's high water sent (register-audit-push.c).
 * Return: 0 with @o set, or -ENOMEM. */
struct ws_trust;
int ws_register_push_audit(struct ws_register *r, const struct ws_trust *trust, const char *path,
                           struct ws_push_outcome *o);

/* ---- records (register-records.c) ------------------------------------------------------- */

struct json_object;

/* The string at dotted @path of @o, or NULL (absent, null, not a string). */
const char *ws_register_jstr(struct json_object *o, const char *path);

/* ws_p7s_signer_subject() - the RFC 2253 subject of the certificate of the (first) signer of
 * the detached CMS @p7s (PEM), malloc'd; NULL when there is none. It checks nothing: call it
 * on a signature that was verified. */
char *ws_p7s_signer_subject(const char *p7s, size_t len);

/*
 * ws_reverification_check() - a re-verification record's bytes @json and signature @p7s:
 * strict JSON of wipeseal-reverification/1 with its ids; the detached CMS signature, one
 * signer, a signing time, over the exact bytes; the signer chaining to @trust at that time
 * and being the person the record names (person.certificate_sha256).
 * Return: 0; -EPERM with *ret_why (one line) when it does not check; -ENOMEM.
 */
int ws_reverification_check(const struct ws_trust *trust, const char *json, size_t len,
                            const char *p7s, size_t plen, char **ret_why);

/* ---- register-push.c: the pieces register-batch.c sends in one transaction ------------------- */

#include <wipeseal/cert.h>

/* A certificate read, verified, and ready to be stored. */
struct ws_push_cert {
	char *json, *p7s;
	size_t jl, pl;
	struct json_object *doc; /* as the verification parsed it */
	struct ws_cert_check c;
};

#define WS_PUSH_CERT_SQL    "SELECT ws_insert_certificate($1, $2, $3, $4, $5, $6, $7)"
#define WS_PUSH_CERT_PARAMS 7 /* the first two bytea, sent as binary */

/* The kind of @path, from what it holds. Return: 0 with *ret, 1 with @o refused, or a
 * negative errno. */
int ws_push_kind_of(const char *path, enum ws_push_kind *ret, struct ws_push_outcome *o);
/* Read and verify the certificate @path into @pc (@o->id set). Return: 0 when it is to be
 * sent; 1 when @o says why not (refused); -ENOMEM. @pc is cleared unless 0. */
int ws_push_cert_prepare(const struct ws_trust *trust, const struct ws_verify_opts *vo,
                         const char *path, struct ws_push_cert *pc, struct ws_push_outcome *o);
/* The parameters of WS_PUSH_CERT_SQL for @pc (pointers into it). */
void ws_push_cert_params(const struct ws_push_cert *pc, const char *vals[WS_PUSH_CERT_PARAMS],
                         int lens[WS_PUSH_CERT_PARAMS]);
void ws_push_cert_clear(struct ws_push_cert *pc);
/* What one insert function's result @res says, into @o. Return: 0, or -ENOMEM. */
int ws_push_answer(struct ws_register *r, const PGresult *res, struct ws_push_outcome *o);

#endif
