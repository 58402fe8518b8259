/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-register-roles.c - the register suite's second file (see test-register.c): what each
 * role may do, checked with psql logged in as that role over TLS with its client
 * certificate; the retention trigger, for the owner too; and the connections the rule
 * refuses (sslmode weaker than verify-full over TCP, a password in the URL, a server whose
 * certificate does not chain to the CA given, a client the server does not know).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/exit.h>

#include "register-test.h"
#include "testutil.h"

/* Run @sql at @url; it must fail with @needle in psql's output. */
static void refused(const char *url, const char *sql, const char *needle)
{
	char *out = NULL;
	int r = pgserver_psql(&out, url, sql);

	ck_assert_msg(r != 0, "%s: succeeded: %s", sql, out);
	ck_assert_msg(strstr(out, needle), "%s: wanted '%s' in: %s", sql, needle, out);
	free(out);
}

/* A database with one certificate pushed, for the role tests. */
static char *db_with_one(const char *db)
{
	char *url = reg_fresh_db(db), *out = NULL;

	ck_assert_int_eq(reg_cli(&out, NULL, "push --ca %s/ca.pem --register '%s' '%s'", fx.pki,
	                         reg_url_db(fx.station_url, db), fx.cert[0]),
	                 0);
	free(out);
	return url;
}

START_TEST(test_station_role_inserts_only)
{
	char *url = db_with_one("role_station"), *st = reg_url_db(fx.station_url, "role_station");
	char *out = NULL;

	refused(st, "SELECT * FROM certificates", "permission denied");
	refused(st, "SELECT count(*) FROM audit_lines", "permission denied");
	refused(st, "SELECT count(*) FROM validations", "permission denied");
	refused(st, "UPDATE certificates SET serial = 'x'", "permission denied");
	refused(st, "DELETE FROM certificates", "permission denied");
	refused(st, "TRUNCATE certificates", "permission denied");
	refused(st, "INSERT INTO certificates (certificate_id) VALUES ('x')", "permission denied");
	/* the function checks the bytes: a SHA-256 that is not theirs is refused */
	refused(st,
	        "SELECT ws_insert_certificate(convert_to('{\"certificate_id\":\"a\",\"status\":"
	        "\"SUCCESS\",\"media\":{\"serial\":\"s\"}}', 'UTF8'), '\\x01', repeat('0', 64), "
	        "'a', 's', 'SUCCESS', 'CN=x')",
	        "SHA-256 is not");
	/* and ids that are not what the JSON says */
	refused(st,
	        "SELECT ws_insert_certificate(b, '\\x01', encode(sha256(b), 'hex'), 'other', 's', "
	        "'SUCCESS', 'CN=x') FROM (SELECT convert_to('{\"certificate_id\":\"a\",\"status\":"
	        "\"SUCCESS\",\"media\":{\"serial\":\"s\"}}', 'UTF8') AS b) x",
	        "not what the certificate says");
	/* what it may read: the high water of a log, nothing else */
	ck_assert_int_eq(pgserver_psql(&out, st, "SELECT ws_audit_high_water(repeat('a', 64))"), 0);
	ck_assert_str_eq(out, "0\n");
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "1");
}
END_TEST

START_TEST(test_auditor_role_reads_only)
{
	char *url = db_with_one("role_auditor"), *au = reg_url_db(fx.auditor_url, "role_auditor");

	ck_assert_str_eq(reg_query(au, "SELECT count(*) FROM certificates"), "1");
	ck_assert_str_eq(reg_query(au, "SELECT count(*) FROM register_meta"), "1");
	refused(au, "INSERT INTO certificates (certificate_id) VALUES ('x')", "permission denied");
	refused(au, "UPDATE certificates SET serial = 'x'", "permission denied");
	refused(au, "DELETE FROM certificates", "permission denied");
	refused(au, "UPDATE register_meta SET retention_days = 999", "permission denied");
	refused(au,
	        "SELECT ws_insert_audit_line('s', repeat('a', 64), 1, '\\x7b7d', repeat('a', 64))",
	        "permission denied");
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "1");
}
END_TEST

START_TEST(test_retention_trigger)
{
	char *url = db_with_one("retention"), *super = reg_url_db(fx.pg->super_url, "retention");

	/* the owner owns the table and still cannot delete or change a fresh row */
	refused(url, "DELETE FROM certificates", "keeps records 180 days");
	refused(url, "UPDATE certificates SET serial = 'changed'", "keeps records 180 days");
	refused(url, "TRUNCATE certificates", "younger than 180 days");
	refused(url, "DELETE FROM register_meta", "cannot be deleted");
	refused(url, "UPDATE register_meta SET retention_days = 179", "check constraint");
	ck_assert_int_eq(pgserver_psql(NULL, url, "UPDATE register_meta SET retention_days = 400"),
	                 0);
	refused(url, "DELETE FROM certificates", "keeps records 400 days");
	ck_assert_int_eq(pgserver_psql(NULL, url, "UPDATE register_meta SET retention_days = 180"),
	                 0);
	/* a row received 200 days ago (backdated by the superuser, the trigger off for that
	 * statement alone) is past the retention: the owner may delete it */
	ck_assert_int_eq(
	    pgserver_psql(NULL, super,
	                  "BEGIN; ALTER TABLE certificates DISABLE TRIGGER ws_retention; "
	                  "UPDATE certificates SET received = now() - interval '200 "
	                  "days'; ALTER TABLE certificates ENABLE TRIGGER ws_retention; "
	                  "COMMIT"),
	    0);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM pg_trigger WHERE tgname = "
	                                "'ws_retention' AND tgenabled = 'O'"),
	                 "5");
	ck_assert_int_eq(pgserver_psql(NULL, url, "DELETE FROM certificates"), 0);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "0");
}
END_TEST

/* `register init` against @url: exit code, stderr in @err. */
static int init_at(const char *url, char **err)
{
	return reg_cli(NULL, err, "init --register '%s'", url);
}

START_TEST(test_connections_refused)
{
	char *err = NULL,
	     *base = test_fmt("postgresql://wipeseal_owner@127.0.0.1:%d/wipeseal", fx.pg->port);
	char *key = test_fmt("sslcert=%s/tls/wipeseal_owner.crt&sslkey=%s/tls/wipeseal_owner.key",
	                     fx.pg->dir, fx.pg->dir);

	ck_assert_int_eq(init_at(test_fmt("%s?sslmode=require&%s", base, key), &err),
	                 WS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "sslmode=require over TCP"));
	ck_assert_int_eq(init_at(test_fmt("%s?sslmode=disable", base), &err), WS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "sslmode=disable over TCP"));
	ck_assert_int_eq(init_at(test_fmt("%s?sslmode=verify-ca&%s", base, key), &err),
	                 WS_EXIT_USAGE);
	ck_assert_int_eq(
	    init_at(
	        test_fmt("postgresql://wipeseal_owner:secret@127.0.0.1:%d/wipeseal", fx.pg->port),
	        &err),
	    WS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "holds a password"));
	ck_assert_int_eq(init_at(test_fmt("host=127.0.0.1 port=%d password=x", fx.pg->port), &err),
	                 WS_EXIT_USAGE);
	/* the server's certificate does not chain to the CA given (the wipes' CA) */
	ck_assert_int_eq(init_at(test_fmt("%s?sslrootcert=%s/ca.pem&%s", base, fx.pki, key), &err),
	                 WS_EXIT_OFFLINE);
	ck_assert_msg(strstr(err, "TLS with the register failed") && strstr(err, "certificate"),
	              "%s", err);
	/* no sslmode at all: verify-full is set, and holds with the right CA */
	ck_assert_int_eq(init_at(test_fmt("%s?sslrootcert=%s&%s", base, fx.pg->ca, key), &err), 0);
	/* a client certificate for a role the register does not have */
	ck_assert_int_eq(
	    init_at(reg_url_db(pgserver_client(fx.pg, "nobody_here"), "wipeseal"), &err),
	    WS_EXIT_OFFLINE);
	ck_assert_ptr_nonnull(strstr(err, "refused this client"));
	/* nothing listens there */
	ck_assert_int_eq(
	    init_at(test_fmt("postgresql://wipeseal_owner@127.0.0.1:1/wipeseal?%s", key), &err),
	    WS_EXIT_OFFLINE);
	ck_assert_ptr_nonnull(strstr(err, "cannot be reached"));
	/* the local socket may go without TLS */
	ck_assert_int_eq(init_at(fx.pg->socket_url, &err), 0);
}
END_TEST

void register_add_role_tests(TCase *tc)
{
	tcase_add_test(tc, test_station_role_inserts_only);
	tcase_add_test(tc, test_auditor_role_reads_only);
	tcase_add_test(tc, test_retention_trigger);
	tcase_add_test(tc, test_connections_refused);
}
