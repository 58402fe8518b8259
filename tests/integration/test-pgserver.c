/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pgserver.c - the PostgreSQL test server the register's suites stand on
 * (tests/pg/pg-server.sh through pgserver.c), checked with psql, openssl and ss: TLS with
 * the server verified (verify-full), client certificates as the only way in over TCP, plain
 * TCP refused, 127.0.0.1 only, a client certificate per role, halt and restart on the same
 * port with the data kept.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgserver.h"
#include "testutil.h"

static struct pgserver *pg;

START_TEST(test_owner_over_tls)
{
	char *out = NULL;

	ck_assert_int_eq(pgserver_psql(&out, pg->owner_url,
	                               "SELECT current_user, s.ssl FROM pg_stat_ssl s "
	                               "WHERE s.pid = pg_backend_pid()"),
	                 0);
	ck_assert_str_eq(out, "wipeseal_owner|t\n");
	free(out);
	ck_assert_int_eq(pgserver_psql(&out, pg->socket_url, "SELECT current_user"), 0);
	ck_assert_str_eq(out, "wipeseal_owner\n");
	free(out);
	/* the server's certificate, read by openssl: the names a client verifies */
	ck_assert_int_eq(test_sh(&out,
	                         "openssl x509 -noout -ext subjectAltName -in '%s/tls/server.crt'",
	                         pg->dir),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "DNS:localhost"));
	ck_assert_ptr_nonnull(strstr(out, "IP Address:127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(out, "IP Address:10.0.2.2"));
	free(out);
	ck_assert_int_eq(
	    test_sh(NULL, "openssl verify -CAfile '%s' '%s/tls/server.crt'", pg->ca, pg->dir), 0);
}
END_TEST

/* Strings a test made, freed at its end (LeakSanitizer fails a test that leaks). */
static char *kept[8];
static size_t n_kept;

static char *keep(char *s)
{
	ck_assert_uint_lt(n_kept, sizeof(kept) / sizeof(kept[0]));
	kept[n_kept++] = s;
	return s;
}

static void free_kept(void)
{
	while (n_kept)
		free(kept[--n_kept]);
}

START_TEST(test_plain_tcp_and_wrong_names_refused)
{
	char *out = NULL;

	/* no TLS: no pg_hba line lets it in */
	ck_assert_int_ne(pgserver_psql(&out,
	                               keep(test_fmt("postgresql://wipeseal_owner@127.0.0.1:%d/"
	                                             "wipeseal?sslmode=disable",
	                                             pg->port)),
	                               "SELECT 1"),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "no pg_hba.conf entry"));
	free(out);
	/* TLS without a client certificate: cert authentication refuses */
	ck_assert_int_ne(pgserver_psql(&out,
	                               keep(test_fmt("postgresql://wipeseal_owner@127.0.0.1:%d/"
	                                             "wipeseal?sslmode=verify-full&sslrootcert=%s"
	                                             "&sslcert=/nonexistent&sslkey=/nonexistent",
	                                             pg->port, pg->ca)),
	                               "SELECT 1"),
	                 0);
	free(out);
	/* a certificate minted for one role does not log in as another */
	keep(pgserver_client(pg, "someone"));
	ck_assert_int_ne(pgserver_psql(&out,
	                               keep(test_fmt("postgresql://wipeseal_owner@127.0.0.1:%d/"
	                                             "wipeseal?sslmode=verify-full&sslrootcert=%s"
	                                             "&sslcert=%s/tls/someone.crt&sslkey=%s/tls/"
	                                             "someone.key",
	                                             pg->port, pg->ca, pg->dir, pg->dir)),
	                               "SELECT 1"),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "certificate authentication failed"));
	free(out);
	/* listening on loopback only */
	ck_assert_int_eq(
	    test_sh(&out, "ss -Htln 'sport = :%d' | awk '{print $4}' | sort -u", pg->port), 0);
	ck_assert_str_eq(out, keep(test_fmt("127.0.0.1:%d\n", pg->port)));
	free(out);
	free_kept();
}
END_TEST

START_TEST(test_client_certificate)
{
	char *url = NULL, *out = NULL;

	ck_assert_int_eq(pgserver_psql(NULL, pg->owner_url, "CREATE ROLE st_one LOGIN"), 0);
	url = pgserver_client(pg, "st_one");
	ck_assert_ptr_nonnull(strstr(url, "sslmode=verify-full"));
	ck_assert_int_eq(pgserver_psql(&out, url, "SELECT session_user"), 0);
	ck_assert_str_eq(out, "st_one\n");
	free(out);
	ck_assert_int_eq(test_sh(&out,
	                         "openssl x509 -noout -subject -nameopt RFC2253 -in "
	                         "'%s/tls/st_one.crt'; stat -c %%a '%s/tls/st_one.key'",
	                         pg->dir, pg->dir),
	                 0);
	ck_assert_str_eq(out, "subject=CN=st_one\n600\n");
	free(out);
	free(url);
}
END_TEST

START_TEST(test_halt_and_restart_keep_port_and_data)
{
	char *out = NULL;

	ck_assert_int_eq(pgserver_psql(NULL, pg->owner_url,
	                               "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)"),
	                 0);
	pgserver_halt(pg);
	ck_assert_int_ne(pgserver_psql(&out, pg->owner_url, "SELECT 1"), 0);
	ck_assert_ptr_nonnull(strstr(out, "refused"));
	free(out);
	pgserver_restart(pg);
	ck_assert_int_eq(pgserver_psql(&out, pg->owner_url, "SELECT v FROM kept"), 0);
	ck_assert_str_eq(out, "7\n");
	free(out);
	pgserver_restart(pg); /* a running server restarts too */
	ck_assert_int_eq(pgserver_psql(NULL, pg->owner_url, "DROP TABLE kept"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgserver");
	TCase *tc = tcase_create("the PostgreSQL test server");
	char *dir;
	int rc;

	pg = pgserver_start();
	dir = strdup(pg->dir);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_owner_over_tls);
	tcase_add_test(tc, test_plain_tcp_and_wrong_names_refused);
	tcase_add_test(tc, test_client_certificate);
	tcase_add_test(tc, test_halt_and_restart_keep_port_and_data);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	pgserver_stop(pg);
	/* the directory is gone and nothing listens on its port */
	test_require(access(dir, F_OK) != 0, "%s left behind", dir);
	free(dir);
	return rc;
}
