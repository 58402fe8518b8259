/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * regq.h - what the two files of the register-query suite (test-register-query.c,
 * test-register-query-audit.c) share: the register and the certificates made for it, defined
 * in test-register-query.c, and the second file's tests.
 */
#ifndef WS_TEST_REGQ_H
#define WS_TEST_REGQ_H

#include <check.h>

#include <wipeseal/register.h>

/* The edited certificate of station two: what a CSV must quote and escape. */
#define EDITED_SERIAL "SN-1,\"q\" 7"
#define EDITED_WWN    "naa.5000c500a1b2c3d4"
#define EDITED_TAG    "=SUM(1,2) \"x\"\nnext"
#define EDITED_ISSUED "2026-11-20T10:00:00.000Z"
#define EDITED_ID     "aaaaaaaa-0000-4000-8000-000000000001"

struct regq_fixture {
	struct pgserver *pg;
	char *dir;                   /* the PKI (ca.pem, st1..st3), images, empty.conf */
	char *station_url;           /* a member of wipeseal_station */
	char *auditor_url;           /* a member of wipeseal_auditor */
	char *s1[4], *s2[1], *s3[3]; /* the stations' certificates, oldest first */
	const char *edited;          /* station two's edited one (st2/certs/edited.json) */
};
extern struct regq_fixture fx;

/* regq_keep() - @s kept reachable until the process ends (a test's strings, never leaks to
 * LeakSanitizer); KEEP_FMT() is test_fmt() kept so. Return: @s. */
void *regq_keep(void *s);
#define KEEP_FMT(...) ((char *)regq_keep(test_fmt(__VA_ARGS__)))

/* `wipeseal register ARGS` in fx.dir; stdout and stderr into *out. Return: the exit code. */
int regq_cli(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Push @path with the library as @url's role; the outcome must be @want. */
void regq_push(const char *url, const char *path, enum ws_push_status want);
/* A top-level string of a certificate file (malloc'd). */
char *regq_field(const char *path, const char *key);
char *regq_id(const char *path);

/* test-register-query-audit.c */
void regq_add_export_tests(TCase *tc);
void regq_add_audit_tests(TCase *tc);

#endif
