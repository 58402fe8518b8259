/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-register-feed.c - stations feed the central register: `wipe`, `validate` and the
 * station with [register] url set, against a real PostgreSQL server of the suite's own
 * (tests/pg/pg-server.sh: TLS, client certificates, 127.0.0.1, a random port) and real loop
 * devices. What the register holds is read with psql as the owner, never with our code; the
 * register's SHA-256 of the bytes it stored is computed by PostgreSQL (sha256()) and
 * compared with sha256sum's of the files.
 *
 * What the tests show:
 * - `wipe` with a register: the certificate (its exact bytes) and every line of the audit
 *   log are in the register, the queue is empty, and stderr says "register: stored".
 * - The server stopped: the wipe succeeds all the same (exit 0), the queue holds the
 *   certificate and the log, and the message names `register push --pending DIR`; the server
 *   back, `register push --pending` stores both and empties the queue; run again, nothing
 *   new is stored.
 * - A queued certificate altered before it is sent does not verify: it is held in
 *   .register-queue/held with its .reason, exit 1, and no row holds either version.
 * - A crash between the register's commit and the entry's removal (the entry put back,
 *   claimed): sent again, answered duplicate, one row.
 * - `validate` with a register: the record (its exact bytes) is in the register.
 * - The station under tmux, the server stopped: the screen shows "register: 2 waiting";
 *   the server back, it reaches "register: stored all" within the retry time; the
 *   certificate is in the register.
 * - `station --auto` with a server that accepts connections and never answers (its
 *   postmaster SIGSTOPped): the station ends by itself (exit 0, under a 150 s timeout that
 *   would say it hung), printed the queue's line when it changed and what is left on the
 *   way out; `register push --pending` sends it once the server answers.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgserver.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"
#include "tmuxstation.h"

static struct pgserver *pg;
static char conf[4096], val_dir[4096];

/* ---- helpers ------------------------------------------------------------------------------- */

/* psql as the owner: the one number @fmt's query answers. */
static long sql_count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long sql_count(const char *fmt, ...)
{
	char *sql = NULL, *out = NULL;
	va_list ap;
	long n;
	int r;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&sql, fmt, ap), 0);
	va_end(ap);
	r = pgserver_psql(&out, pg->owner_url, sql);
	ck_assert_msg(r == 0, "psql %s: %s", sql, out);
	n = strtol(out, NULL, 10);
	free(out);
	free(sql);
	return n;
}

/* The output of a shell command, first line, asserted to succeed (malloc'd). */
static char *sh_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh_line(const char *fmt, ...)
{
	char *out = NULL, *cmd = NULL;
	va_list ap;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	ck_assert_msg(test_sh(&out, "%s", cmd) == 0, "%s: %s", cmd, out);
	out[strcspn(out, "\n")] = '\0';
	free(cmd);
	return out;
}

static char *file_sha(const char *file)
{
	return sh_line("sha256sum '%s' | cut -c1-64", file);
}

/* The number of entries waiting in the result directory's queue, counted by find(1). */
static long queue_len(void)
{
	char *n = sh_line("find '%s/certs/.register-queue' -maxdepth 1 -type f ! -name '.*' "
	                  "2>/dev/null | wc -l",
	                  scratch_dir());
	long k = strtol(n, NULL, 10);

	free(n);
	return k;
}

/* Every line of the audit log is in the register, under the log's id (the SHA-256 of its
 * line 1), each line's bytes as the file has them. */
static void log_in_register(void)
{
	char *log = test_fmt("%s/audit.log", scratch_dir());
	char *id = sh_line("head -n1 '%s' | tr -d '\\n' | sha256sum | cut -c1-64", log);
	char *lines = sh_line("wc -l < '%s'", log);
	char *last = sh_line("tail -n1 '%s' | tr -d '\\n' | sha256sum | cut -c1-64", log);

	ck_assert_int_eq(sql_count("SELECT count(*) FROM audit_lines WHERE log_id = '%s'", id),
	                 strtol(lines, NULL, 10));
	ck_assert_int_eq(sql_count("SELECT count(*) FROM audit_lines WHERE log_id = '%s' AND "
	                           "line = %ld AND encode(sha256(bytes), 'hex') = '%s'",
	                           id, strtol(lines, NULL, 10), last),
	                 1);
	free(last);
	free(lines);
	free(id);
	free(log);
}

/* How many certificates the register holds whose stored bytes hash to @sha. */
static long certs_with(const char *sha)
{
	return sql_count("SELECT count(*) FROM certificates WHERE encode(sha256(json), 'hex') = "
	                 "'%s' AND sha256 = '%s'",
	                 sha, sha);
}

/* `wipe` of a fresh marked device with the register's config: its exit code must be
 * @want; its certificate path (malloc'd); stderr into *err. */
static char *feed_wipe(const char *name, int want, char **err)
{
	char *dev = marked(name), *args = test_fmt("--config '%s' '%s'", conf, dev), *out = NULL;
	struct json_object *root = NULL, *file;
	char *path;
	int r = simdrive_wipe("", args, &out, err);

	ck_assert_msg(r == want, "wipe: exit %d, want %d: %s", r, want, *err);
	(void)result_of(out, &root);
	ck_assert(json_object_object_get_ex(root, "file", &file));
	path = strdup(json_object_get_string(file));
	json_object_put(root);
	free(out);
	free(args);
	free(dev);
	return path;
}

/* The server up (a test that failed may have left it stopped). */
static void server_up(void)
{
	pgserver_restart(pg);
}

static int push_pending(char **out)
{
	return run_cli(out, NULL, "register push --pending '%s/certs' --config '%s'", scratch_dir(),
	               conf);
}

/* ---- the tests ----------------------------------------------------------------------------- */

START_TEST(test_wipe_stores_certificate_and_log)
{
	char *err = NULL, *cert, *sha;

	clear_results();
	server_up();
	cert = feed_wipe("fa", 0, &err);
	ck_assert_msg(strstr(err, "register: stored"), "%s", err);
	sha = file_sha(cert);
	ck_assert_int_eq(certs_with(sha), 1);
	log_in_register();
	ck_assert_int_eq(queue_len(), 0);
	free(sha);
	free(cert);
	free(err);
}
END_TEST

START_TEST(test_server_away_then_pending)
{
	char *err = NULL, *out = NULL, *cert, *sha, *want;

	clear_results();
	pgserver_halt(pg);
	cert = feed_wipe("fb", 0, &err); /* the wipe's exit does not change */
	want = test_fmt("wipeseal register push --pending %s/certs sends them", scratch_dir());
	ck_assert_msg(strstr(err, "register: 2 waiting in the queue") && strstr(err, want), "%s",
	              err);
	ck_assert_int_eq(queue_len(), 2); /* the certificate and the log */
	pgserver_restart(pg);
	sha = file_sha(cert);
	ck_assert_int_eq(certs_with(sha), 0);

	ck_assert_int_eq(push_pending(&out), 0);
	ck_assert_msg(strstr(out, ".json (certificate ") &&
	                  strstr(out, "2 stored, 0 already there"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(queue_len(), 0);
	ck_assert_int_eq(certs_with(sha), 1);
	log_in_register();

	/* again: nothing new */
	ck_assert_int_eq(push_pending(&out), 0);
	ck_assert_msg(strstr(out, "0 stored, 0 already there, 0 held, 0 waiting"), "%s", out);
	ck_assert_int_eq(certs_with(sha), 1);
	free(out);
	free(want);
	free(sha);
	free(cert);
	free(err);
}
END_TEST

START_TEST(test_altered_file_is_held)
{
	char *err = NULL, *out = NULL, *cert, *before, *after, *reason;

	clear_results();
	pgserver_halt(pg);
	cert = feed_wipe("fc", 0, &err);
	before = file_sha(cert);
	ck_assert_int_eq(test_sh(NULL, "sed -i 's/Test Operator/Test Operatoq/' '%s'", cert), 0);
	after = file_sha(cert);
	pgserver_restart(pg);

	ck_assert_int_eq(push_pending(&out), 1);
	ck_assert_msg(strstr(out, "refused ") && strstr(out, "; held in .register-queue/held") &&
	                  strstr(out, "1 held, 0 waiting"),
	              "%s", out);
	free(out);
	/* held with its reason, the log sent, neither version stored */
	ck_assert_int_eq(queue_len(), 0);
	reason = sh_line("cat '%s'/certs/.register-queue/held/*.reason", scratch_dir());
	ck_assert_msg(strlen(reason) > 10, "reason: %s", reason);
	ck_assert_int_eq(test_sh(NULL,
	                         "ls '%s'/certs/.register-queue/held/ | grep -v reason | "
	                         "grep -q json",
	                         scratch_dir()),
	                 0);
	ck_assert_int_eq(certs_with(before), 0);
	ck_assert_int_eq(certs_with(after), 0);
	log_in_register();
	/* held is not retried silently: a second run sends nothing, still says held */
	ck_assert_int_eq(push_pending(&out), 1);
	ck_assert_msg(strstr(out, "0 stored, 0 already there, 1 held"), "%s", out);
	free(out);
	free(reason);
	free(after);
	free(before);
	free(cert);
	free(err);
}
END_TEST

START_TEST(test_crash_after_commit_is_a_duplicate)
{
	char *err = NULL, *out = NULL, *cert, *sha;

	clear_results();
	server_up();
	cert = feed_wipe("fd", 0, &err);
	sha = file_sha(cert);
	ck_assert_int_eq(certs_with(sha), 1);
	/* the entry as a crash after the register's commit leaves it: claimed, not removed */
	ck_assert_int_eq(
	    test_sh(NULL, "basename '%s' > '%s/certs/.register-queue/00000042-x.json.sending'",
	            cert, scratch_dir()),
	    0);
	ck_assert_int_eq(queue_len(), 1);
	ck_assert_int_eq(push_pending(&out), 0);
	ck_assert_msg(strstr(out, "duplicate ") && strstr(out, "0 stored, 1 already there"), "%s",
	              out);
	ck_assert_int_eq(certs_with(sha), 1);
	ck_assert_int_eq(queue_len(), 0);
	free(out);
	free(sha);
	free(cert);
	free(err);
}
END_TEST

START_TEST(test_validate_record_is_stored)
{
	char *err = NULL, *out = NULL, *cert, *rec, *sha, *p;

	clear_results();
	server_up();
	cert = feed_wipe("fe", 0, &err);
	free(err);
	ck_assert_int_eq(run_cli(&out, &err,
	                         "validate '%s' --decision accept --key %s/signer.key --cert "
	                         "%s/signer.pem --ca %s/ca/ca.pem --audit-log %s/audit.log "
	                         "--config '%s'",
	                         cert, val_dir, val_dir, pki, scratch_dir(), conf),
	                 0);
	ck_assert_msg(strstr(err, "register: stored"), "%s", err);
	p = strstr(out, "recorded in ");
	ck_assert_ptr_nonnull(p);
	rec = strndup(p + 12, strcspn(p + 12, "\n"));
	sha = file_sha(rec);
	ck_assert_int_eq(sql_count("SELECT count(*) FROM validations WHERE "
	                           "encode(sha256(record), 'hex') = '%s'",
	                           sha),
	                 1);
	log_in_register();
	free(sha);
	free(rec);
	free(out);
	free(cert);
	free(err);
}
END_TEST

START_TEST(test_station_shows_the_queue)
{
	char *dev = marked("fs"), *args, *cert, *sha;

	clear_results();
	pgserver_halt(pg);
	args = test_fmt("--config '%s' --io-threads 1 %s '%s'", conf, signed_args(), dev);
	start_station("", args);
	free(wait_for("register: stored all", 20)); /* nothing waits yet */
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	free(wait_for("Summary", 180));
	keys("x");
	/* the certificate and the log wait, with the reason */
	free(wait_for("register: 2 waiting", 30));
	pgserver_restart(pg);
	free(wait_for("register: stored all", 30)); /* retry = 2 s, each try bounded */
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	cert = cert_of(dev);
	sha = file_sha(cert);
	ck_assert_int_eq(certs_with(sha), 1);
	log_in_register();
	free(sha);
	free(cert);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_auto_with_a_server_that_does_not_answer)
{
	char *dev = marked("fz"), *pid, *out = NULL, *cert, *sha;

	clear_results();
	server_up();
	/* the postmaster stopped (SIGSTOP): the kernel accepts the connection and nobody
	 * answers; every try must give up by itself. SIGCONT whatever happens. */
	pid = sh_line("head -n1 '%s/data/postmaster.pid'", pg->dir);
	ck_assert_int_eq(test_sh(&out,
	                         "kill -STOP %s; timeout 150 %s station --auto --config '%s' %s "
	                         "'%s' < /dev/null; echo rc=$?; kill -CONT %s",
	                         pid, WS_CLI, conf, signed_args(), dev, pid),
	                 0);
	ck_assert_msg(strstr(out, "rc=0\n"), "%s", out);
	/* a line when the queue changed, and what is left on the way out */
	ck_assert_msg(strstr(out, "wipeseal: register: 2 waiting"), "%s", out);
	ck_assert_msg(strstr(out, "; wipeseal register push --pending"), "%s", out);
	ck_assert_int_eq(queue_len(), 2);
	free(out);
	/* the server answers again: the queue goes */
	ck_assert_int_eq(push_pending(&out), 0);
	cert = cert_of(dev);
	sha = file_sha(cert);
	ck_assert_int_eq(certs_with(sha), 1);
	log_in_register();
	free(sha);
	free(cert);
	free(out);
	free(pid);
	free(dev);
}
END_TEST

/* ---- the register ------------------------------------------------------------------------ */

/* The schema, a station role with its client certificate, and the config that names them. */
static void make_register(void)
{
	char *out = NULL, *url;
	FILE *f;

	test_require(run_cli(&out, NULL, "register init --register '%s'", pg->owner_url) == 0,
	             "register init: %s", out);
	free(out);
	test_require(pgserver_psql(&out, pg->super_url,
	                           "CREATE ROLE feed_station LOGIN IN ROLE wipeseal_station") == 0,
	             "station role: %s", out);
	free(out);
	url = pgserver_client(pg, "feed_station");
	snprintf(conf, sizeof(conf), "%s/feed.conf", scratch_dir());
	f = fopen(conf, "w");
	test_require(f != NULL, "%s", conf);
	fprintf(f, "[register]\nurl = %s\nverify_ca = %s/ca/ca.pem\nretry = 2s\n", url, pki);
	fclose(f);
	free(url);
	snprintf(val_dir, sizeof(val_dir), "%s/validator", scratch_dir());
	test_require(test_sh(&out, "'%s/certs/make-station.sh' '%s/ca' '%s' --cn 'Val Idator'",
	                     WS_SOURCE_DIR, pki, val_dir) == 0,
	             "validator: %s", out);
	free(out);
}

int main(void)
{
	Suite *s = suite_create("register-feed");
	TCase *tc = tcase_create("feed");
	int rc;

	if (test_sh(NULL, "command -v tmux >/dev/null") != 0) {
		printf("SKIP: tmux is not installed (scripts/deps.sh installs it)\n");
		return TEST_SKIP;
	}
	simdrive_init("register-feed", "RF");
	tmuxstation_init();
	pg = pgserver_start();
	make_register();
	tcase_set_timeout(tc, 400);
	tcase_add_test(tc, test_wipe_stores_certificate_and_log);
	tcase_add_test(tc, test_server_away_then_pending);
	tcase_add_test(tc, test_altered_file_is_held);
	tcase_add_test(tc, test_crash_after_commit_is_a_duplicate);
	tcase_add_test(tc, test_validate_record_is_stored);
	tcase_add_test(tc, test_station_shows_the_queue);
	tcase_add_test(tc, test_auto_with_a_server_that_does_not_answer);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	pgserver_stop(pg);
	scratch_cleanup();
	return rc;
}
