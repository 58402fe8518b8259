/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-register-queue.c - the station's queue for the register (src/lib/register-queue.c),
 * without a register: what an entry is named and holds (read back with the shell, not with
 * our reader), that a file waiting is queued once, that a file queued again while its entry
 * is claimed gets a new entry, that nothing temporary is left, and that entries set aside
 * leave the queue for held/ with their reason.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wipeseal/register.h>

#include "register-queue-internal.h"
#include "testutil.h"

/* A result directory with a certificate in it and an audit log elsewhere. */
static char *setup(char **log)
{
	char *dir = test_tmpdir("regq");

	ck_assert_int_eq(test_sh(NULL,
	                         "mkdir -p '%s/certs' '%s/log' && echo '{}' > "
	                         "'%s/certs/a.json' && echo '{}' > '%s/log/audit.log'",
	                         dir, dir, dir, dir),
	                 0);
	*log = test_fmt("%s/log/audit.log", dir);
	return dir;
}

/* The output of the shell command @cmd run in @dir. */
static char *shell(const char *dir, const char *cmd)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out, "cd '%s' && %s", dir, cmd), 0);
	return out;
}

START_TEST(test_entries_and_their_paths)
{
	char *log, *dir = setup(&log), *certs = test_fmt("%s/certs", dir);
	char *cert = test_fmt("%s/certs/a.json", dir), *out, *why = NULL, *q;
	size_t n = 99;

	ck_assert_int_eq(ws_register_queue_length(certs, &n), 0); /* no queue yet */
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(ws_register_queue_add(certs, cert, &why), 0);
	ck_assert_int_eq(ws_register_queue_add(certs, log, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(ws_register_queue_length(certs, &n), 0);
	ck_assert_uint_eq(n, 2);
	/* names sort oldest first; the certificate by its base name, the log absolute */
	q = test_fmt("%s/certs/.register-queue", dir);
	out = shell(q, "ls && cat 00000001-a.json 00000002-audit.log && ls -A | grep -c '^\\.'; "
	               "true");
	free(q);
	ck_assert_msg(strstr(out, "00000001-a.json\n00000002-audit.log\na.json\n/"), "%s", out);
	ck_assert_msg(strstr(out, "/log/audit.log\n0\n"), "temporary files left: %s", out);
	free(out);
	free(cert);
	free(certs);
	free(log);
	free(dir);
}
END_TEST

START_TEST(test_queued_once_unless_claimed)
{
	char *log, *dir = setup(&log), *certs = test_fmt("%s/certs", dir), *claimed = NULL;
	size_t n = 0;
	int dfd;

	/* an audit log that gets lines while it waits: one entry */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(ws_register_queue_add(certs, log, NULL), 0);
	ck_assert_int_eq(ws_register_queue_length(certs, &n), 0);
	ck_assert_uint_eq(n, 1);
	/* claimed by a sender (which may have read it already): a line added now gets a new
	 * entry, so it is not lost */
	ck_assert_int_eq(queue_open(certs, &dfd), 0);
	ck_assert_int_eq(queue_claim(dfd, "00000001-audit.log", &claimed), 0);
	ck_assert_str_eq(claimed, "00000001-audit.log.sending");
	ck_assert_int_eq(queue_claim(dfd, "00000001-audit.log", &claimed), -ENOENT);
	ck_assert_int_eq(ws_register_queue_add(certs, log, NULL), 0);
	ck_assert_int_eq(ws_register_queue_length(certs, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(
	    test_sh(NULL, "test -f '%s/certs/.register-queue/00000002-audit.log'", dir), 0);
	/* the register holds it: the claimed entry leaves */
	ck_assert_int_eq(queue_done(dfd, "00000001-audit.log.sending"), 0);
	ck_assert_int_eq(ws_register_queue_length(certs, &n), 0);
	ck_assert_uint_eq(n, 1);
	close(dfd);
	free(claimed);
	free(certs);
	free(log);
	free(dir);
}
END_TEST

START_TEST(test_held_with_reason)
{
	char *log, *dir = setup(&log), *certs = test_fmt("%s/certs", dir);
	char *cert = test_fmt("%s/certs/a.json", dir), *claimed = NULL, *out, *q;
	size_t n = 9, held = 9;
	int dfd;

	ck_assert_int_eq(ws_register_queue_add(certs, cert, NULL), 0);
	ck_assert_int_eq(queue_open(certs, &dfd), 0);
	ck_assert_int_eq(queue_claim(dfd, "00000001-a.json", &claimed), 0);
	ck_assert_int_eq(queue_hold(dfd, claimed, "the signature does not verify"), 0);
	close(dfd);
	ck_assert_int_eq(ws_register_queue_length(certs, &n), 0);
	ck_assert_int_eq(ws_register_queue_held(certs, &held), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(held, 1);
	q = test_fmt("%s/certs/.register-queue/held", dir);
	out = shell(q, "ls && cat 00000001-a.json.reason");
	free(q);
	ck_assert_str_eq(out, "00000001-a.json\n00000001-a.json.reason\n"
	                      "the signature does not verify\n");
	free(out);
	/* the next entry does not reuse the held one's number */
	ck_assert_int_eq(ws_register_queue_add(certs, cert, NULL), 0);
	ck_assert_int_eq(test_sh(NULL, "test -f '%s/certs/.register-queue/00000002-a.json'", dir),
	                 0);
	free(claimed);
	free(cert);
	free(certs);
	free(log);
	free(dir);
}
END_TEST

START_TEST(test_refusals)
{
	char *log, *dir = setup(&log), *certs = test_fmt("%s/certs", dir), *why = NULL;

	ck_assert_int_lt(ws_register_queue_add(certs, "/nonexistent/file.json", &why), 0);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "could not be queued"));
	free(why);
	free(certs);
	free(log);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("register-queue");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_entries_and_their_paths);
	tcase_add_test(tc, test_queued_once_unless_claimed);
	tcase_add_test(tc, test_held_with_reason);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
