/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-test.h - what the two files of the register suite (test-register.c,
 * test-register-roles.c) share: the PostgreSQL server, the PKI, the signed wipes made once in
 * main(), the roles' URLs, and the second file's tests.
 */
#ifndef WS_REGISTER_TEST_H
#define WS_REGISTER_TEST_H

#include <check.h>

#include "pgserver.h"

/* What main() made before the tests (read-only in the tests: they copy what they change). */
struct reg_fixture {
	struct pgserver *pg;
	char pki[4096];       /* ca.pem, station.*, weak.*, validator.*, alien CA */
	char *cert[3];        /* three certificates of one station, in their order */
	char *validation;     /* cert[0]'s validation record (NAME.validation.json) */
	char *reverification; /* cert[0]'s re-verification record */
	char *audit_log;      /* the station's audit log */
	char *station_url;    /* role st_one, a member of wipeseal_station (database wipeseal) */
	char *auditor_url;    /* role au_one, a member of wipeseal_auditor */
};

extern struct reg_fixture fx;

/* A fresh database @db owned by wipeseal_owner, `register init` run in it; the owner's URL
 * for it (malloc'd). */
char *reg_fresh_db(const char *db);

/* @url with its database replaced by @db (malloc'd). */
char *reg_url_db(const char *url, const char *db);

/* `wipeseal register ARGS`: exit code, stdout in @out, stderr in @err (both may be NULL). */
int reg_cli(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One value from psql at @url (the first line of the output, trailing newline removed). */
char *reg_query(const char *url, const char *sql);

/* test-register-roles.c: roles, retention, connections. */
void register_add_role_tests(TCase *tc);

#endif
