/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * audit-internal.h - what audit.c (writing the log) and audit-verify.c (checking it) share:
 * reading a log line by line, safely, and the shape of a signed line.
 */
#ifndef WS_AUDIT_INTERNAL_H
#define WS_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cert-internal.h"

#define WS_AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The member every signed line ends with: ,"signature":"BASE64"} */
#define WS_AUDIT_SIG_MEMBER ",\"signature\":\""

/* Called for every line, with its number from 1 and its exact bytes (no newline; they may
 * hold NULs). @complete is false for a last line without its newline (a torn write). A
 * negative return stops the walk and is returned. */
typedef int (*ws_line_fn)(void *ud, unsigned n, const char *line, size_t len, bool complete);

/*
 * ws_audit_read_fd() - every line of the regular file @fd from its start. Return: 0, the
 * callback's negative return, -EINVAL (not a regular file), -EFBIG (larger than
 * WS_AUDIT_MAX_BYTES; or a line longer than WS_AUDIT_LINE_MAX, and then *ret_line says
 * which, else 0), or
 * the read error.
 */
int ws_audit_read_fd(int fd, ws_line_fn each, void *ud, unsigned *ret_line);

/* ws_audit_read_mem() - the same over a buffer. */
int ws_audit_read_mem(const void *data, size_t len, ws_line_fn each, void *ud, unsigned *ret_line);

/* ws_audit_parse() - the line as a JSON object, when it is strict UTF-8 without NUL and
 * one strict JSON object with nothing after it; else NULL. */
struct json_object *ws_audit_parse(const char *line, size_t len);

/* ws_audit_signed_len() - where the signature member starts: the signed bytes are
 * line[0, n) followed by "}". Return: n, or 0 when the line does not end with a signature
 * member of base64 characters. */
size_t ws_audit_signed_len(const char *line, size_t len);

/* ws_audit_str() - the string member @key of @o, or NULL. */
const char *ws_audit_str(struct json_object *o, const char *key);

/* A walk of ws_audit_verify() fed one line at a time, certificates not looked up
 * (register-audit.c). ws_audit_walk_new() returns NULL when out of memory. */
struct ws_audit_walk;
struct ws_audit_walk *ws_audit_walk_new(const struct ws_trust *trust, ws_audit_problem_fn cb,
                                        void *userdata, struct ws_audit_summary *sum);
/* Line @n's exact bytes (no newline). */
void ws_audit_walk_line(struct ws_audit_walk *w, unsigned n, const char *line, size_t len);
/* The end of the log: what the end reveals (wipes without an outcome), then free; NULL-safe. */
void ws_audit_walk_end(struct ws_audit_walk *w);

#endif
