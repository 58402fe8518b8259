/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-evidence.c - no wipe's evidence is lost.
 *
 * Every wipe here is real (image files and loop devices made by the suite), slowed by the
 * fault injector where a signal or a change of the file system must land mid-pass: the
 * test waits for a `--json` "write" progress event before it acts, never for a fixed time.
 * Results are read back from outside: the certificate with `openssl cms -verify`, the log
 * with grep.
 *
 * The PKI is made by certs/; wipes run on image files, 32 MiB loop devices, and small ext4 file
 * systems on loop devices for the log and the result directory, slowed by the fault injector
 * (DELAY150, --io-threads 1) where something must happen mid-pass. What the tests show:
 *
 * - the log's file system remounted read-only, or filled, during a wipe: exit 1, the certificate
 *   written and verified with openssl, the line kept as `.audit-pending` and appended
 *   (`late_since`) by the next wipe, and `verify --audit-log` passes with a note;
 * - a torn last line (bytes without a newline): the next wipe succeeds, the bytes are kept as they
 *   were, a TORN line follows them, verify notes it;
 * - a stray NAME.json.p7s for every name the wipe could take: the certificate is NAME-1.json,
 *   verified, and the stray files are untouched;
 * - a result directory with room for a byte but not a certificate: exit 2, the device's SHA-256 and
 *   marker unchanged; the room set aside survives the directory's disk being filled during the
 *   wipe;
 * - SIGHUP, and SIGPIPE (the `--json` reader leaves), mid-pass: exit 1, an ABORTED certificate and
 *   audit line; SIGKILL mid-pass: the STARTED line (path, method, operator) is there and verify
 *   notes a wipe without an outcome.
 *
 * The suite's second file, test-evidence-log.c, shows that the audit log resists edits and what
 * --audit-log may name; evidence.h, the helpers both files share.
 *
 * test-station.c adds `station --auto` whose output reader goes away (SIGPIPE): ABORTED and
 * certified, not killed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------- */

/* The certificate options, with a log and a result directory of the test's own. */
char *signer_args(const char *log, const char *certs)
{
	char *a = NULL;

	ck_assert_int_ge(asprintf(&a,
	                          "--signer-key %s/st/signer.key --signer-cert %s/st/signer.pem "
	                          "--audit-log '%s' --cert-dir '%s' --operator 'Test Operator'",
	                          pki, pki, log, certs),
	                 0);
	return a;
}

/* A per-test path in the scratch directory. */
char *path(const char *name)
{
	char *p = NULL;

	ck_assert_int_ge(asprintf(&p, "%s/%d-%s", scratch_dir(), getpid(), name), 0);
	return p;
}

/* A small ext4 file system of @mib MiB on a loop device, mounted; returns the mount point. */
static char *small_fs(const char *name, unsigned mib)
{
	char *img = scratch_image(name, mib), *dev, *mp;

	ck_assert_int_eq(test_sh(NULL, "mkfs.ext4 -q -F -m 0 -b 1024 '%s'", img), 0);
	dev = scratch_attach(img, false, false);
	mp = scratch_mount(dev);
	free(dev);
	free(img);
	return mp;
}

/* The number on the last line of @out (the shell may say "Killed" before it). */
static int last_number(char *out)
{
	size_t n = strlen(out);
	char *nl;

	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	nl = strrchr(out, '\n');
	return atoi(nl ? nl + 1 : out);
}

/*
 * `wipe --json` of @target with every write slowed by 150 ms, in the background; once its
 * output shows a "write" progress event, run @action (shell; $pid is the wipe); then wait.
 * Output in @out_file, stderr in @err_file. Return: the wipe's exit status.
 */
static int slow_wipe(const char *target, const char *args, const char *action, const char *out_file,
                     const char *err_file)
{
	char *out = NULL;
	int r = test_sh(
	    &out,
	    "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' WS_FAULT_PATH='%s' "
	    "WS_FAULT_WRITE=0+-:DELAY150 '%s' wipe --yes --json --io-threads 1 --verify none %s "
	    "'%s' >'%s' 2>'%s' & pid=$!; i=0; "
	    "until grep -q '\"phase\":\"write\"' '%s'; do i=$((i+1)); "
	    "if [ $i -gt 600 ]; then kill -KILL $pid; exit 99; fi; sleep 0.05; done; "
	    "%s; wait $pid; echo $?",
	    WS_FAULTINJECT, target, WS_CLI, args, target, out_file, err_file, out_file, action);

	ck_assert_msg(r == 0, "the slow wipe did not start writing: %s", out);
	r = last_number(out);
	free(out);
	return r;
}

/* The one certificate in @certs with @status, checked with openssl; its path. */
static char *certificate_with(const char *certs, const char *status)
{
	char *file = NULL;

	ck_assert_msg(test_sh(&file, "grep -l '\"status\": \"%s\"' '%s'/*.json", status, certs) ==
	                  0,
	              "no %s certificate in %s", status, certs);
	file[strcspn(file, "\n")] = '\0';
	ck_assert_int_eq(test_sh(NULL,
	                         "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content "
	                         "'%s' -CAfile %s/ca/ca.pem -purpose any -out /dev/null",
	                         file, file, pki),
	                 0);
	return file;
}

/* `verify --audit-log` against the CA alone; its output in *out. */
int verify_log(const char *log, const char *certs, char **out)
{
	return run_cli(out, NULL, "verify --audit-log '%s' --ca %s/ca/ca.pem --cert-dir '%s'", log,
	               pki, certs);
}

bool log_has(const char *log, const char *pattern)
{
	return test_sh(NULL, "grep -q -E '%s' '%s'", pattern, log) == 0;
}

/* ---- section 2: evidence is never lost ------------------------------------------------------ */

START_TEST(test_log_read_only_after_the_start)
{
	char *mp = small_fs("ro.img", 8), *certs = path("ro-certs"), *log = NULL, *args, *img;
	char *out = path("ro.out"), *err = path("ro.err"), *action = NULL, *text = NULL, *file;
	int r;

	ck_assert_int_ge(asprintf(&log, "%s/audit.log", mp), 0);
	args = signer_args(log, certs);
	img = scratch_image("ro-target.img", 24);
	ck_assert_int_ge(asprintf(&action, "mount -o remount,ro '%s'", mp), 0);
	r = slow_wipe(img, args, action, out, err);
	ck_assert_int_eq(test_sh(&text, "cat '%s'", err), 0);
	/* the certificate all the same; the missing line said, and kept */
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, text);
	ck_assert_msg(strstr(text, "its audit line was not written") && strstr(text, "kept in"),
	              "%s", text);
	file = certificate_with(certs, "SUCCESS");
	ck_assert_int_eq(test_sh(NULL, "ls '%s'/*.audit-pending", certs), 0);
	ck_assert(!log_has(log, "\"status\":\"SUCCESS\""));
	free(text);

	/* writable again: the next wipe records it first */
	ck_assert_int_eq(test_sh(NULL, "mount -o remount,rw '%s'", mp), 0);
	free(img);
	img = scratch_image("ro-next.img", 4);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(text);
	ck_assert(log_has(log, "\"status\":\"SUCCESS\".*\"late_since\":\"2"));
	ck_assert_int_ne(test_sh(NULL, "ls '%s'/*.audit-pending", certs), 0);
	ck_assert_int_eq(verify_log(log, certs, &text), WS_EXIT_OK);
	ck_assert_msg(strstr(text, "recorded late"), "%s", text);
	free(text);
	free(file);
	free(action);
	free(img);
	free(args);
	free(log);
	free(out);
	free(err);
	free(certs);
	free(mp);
}
END_TEST

START_TEST(test_log_on_a_full_disk)
{
	char *mp = small_fs("full.img", 8), *certs = path("full-certs"), *log = NULL, *args, *img;
	char *out = path("full.out"), *err = path("full.err"), *action = NULL, *text = NULL;
	int r;

	ck_assert_int_ge(asprintf(&log, "%s/audit.log", mp), 0);
	args = signer_args(log, certs);
	img = scratch_image("full-target.img", 24);
	ck_assert_int_ge(
	    asprintf(&action, "dd if=/dev/zero of='%s/fill' bs=1k 2>/dev/null; sync", mp), 0);
	r = slow_wipe(img, args, action, out, err);
	ck_assert_int_eq(test_sh(&text, "cat '%s'", err), 0);
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, text);
	ck_assert_msg(strstr(text, "its audit line was not written"), "%s", text);
	free(text);
	free(certificate_with(certs, "SUCCESS"));

	/* room again: whatever the full disk left (a torn line or none), wipes go on */
	ck_assert_int_eq(test_sh(NULL, "rm '%s/fill'", mp), 0);
	free(img);
	img = scratch_image("full-next.img", 4);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(text);
	ck_assert_int_eq(verify_log(log, certs, &text), WS_EXIT_OK);
	ck_assert_msg(strstr(text, "recorded late"), "%s", text);
	free(text);
	free(action);
	free(img);
	free(args);
	free(log);
	free(out);
	free(err);
	free(certs);
	free(mp);
}
END_TEST

START_TEST(test_torn_last_line_is_kept_and_the_chain_goes_on)
{
	char *certs = path("torn-certs"), *log = path("torn.log"), *args = signer_args(log, certs);
	char *img = scratch_image("torn.img", 4), *text = NULL;

	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(text);
	/* what a full disk leaves: part of a line, no newline */
	ck_assert_int_eq(test_sh(NULL, "printf '{\"line\":9,\"time\":\"2026-1' >> '%s'", log), 0);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(text);
	/* kept as found, ended, recorded, and the chain continued through it */
	ck_assert(log_has(log, "^\\{\"line\":9,\"time\":\"2026-1$"));
	ck_assert_int_eq(test_sh(NULL,
	                         "grep -A1 -x -F '{\"line\":9,\"time\":\"2026-1' '%s' | "
	                         "tail -n1 | grep -q '\"status\":\"TORN\"'",
	                         log),
	                 0);
	ck_assert_int_eq(verify_log(log, certs, &text), WS_EXIT_OK);
	ck_assert_msg(strstr(text, "torn line") && strstr(text, "kept as found"), "%s", text);
	free(text);
	free(img);
	free(args);
	free(log);
	free(certs);
}
END_TEST

START_TEST(test_stray_signature_takes_the_next_name)
{
	char *certs = path("stray-certs"), *log = path("stray.log"),
	     *args = signer_args(log, certs);
	char *img = scratch_image("stray.img", 4), *text = NULL, *base = strrchr(img, '/') + 1;

	/* a signature without its document under every name the wipe could take for a minute */
	ck_assert_int_eq(test_sh(NULL,
	                         "mkdir -p '%s' && now=$(date +%%s) && for s in $(seq 0 60); do "
	                         "t=$(date -u -d @$((now+s)) +%%Y%%m%%dT%%H%%M%%SZ); "
	                         "echo stray > '%s'/${t}_file_%s.json.p7s; done",
	                         certs, certs, base),
	                 0);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(text);
	free(certificate_with(certs, "SUCCESS"));
	ck_assert_int_eq(test_sh(NULL, "ls '%s' | grep -q -- '-1.json.p7s$'", certs), 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "test $(cat '%s'/*_file_%s.json.p7s | grep -c '^stray$') "
	                         "-eq 61",
	                         certs, base),
	                 0);
	free(img);
	free(args);
	free(log);
	free(certs);
}
END_TEST

START_TEST(test_full_result_directory_refused_before_the_first_byte)
{
	char *mp = small_fs("room.img", 2), *log = path("room.log"), *args = signer_args(log, mp);
	char *dev = marked("room-target.img"), *before = sha(dev), *after, *text = NULL;

	/* room for a byte (the old probe), not for a certificate */
	ck_assert_int_eq(test_sh(NULL,
	                         "dd if=/dev/zero of='%s/fill' bs=1k 2>/dev/null; "
	                         "truncate -s -3072 '%s/fill' && sync",
	                         mp, mp),
	                 0);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes %s '%s'", args, dev), WS_EXIT_USAGE);
	ck_assert_msg(strstr(text, "no room for the certificates"), "%s", text);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	ck_assert(has_marker(dev));
	free(text);
	free(after);
	free(before);
	free(dev);
	free(args);
	free(log);
	free(mp);
}
END_TEST

START_TEST(test_reserved_room_outlives_a_disk_filled_during_the_wipe)
{
	char *mp = small_fs("keep.img", 4), *log = path("keep.log"), *args = signer_args(log, mp);
	char *img = scratch_image("keep-target.img", 24), *out = path("keep.out");
	char *err = path("keep.err"), *action = NULL, *text = NULL;
	int r;

	ck_assert_int_ge(
	    asprintf(&action, "dd if=/dev/zero of='%s/fill' bs=1k 2>/dev/null; sync", mp), 0);
	r = slow_wipe(img, args, action, out, err);
	ck_assert_int_eq(test_sh(&text, "cat '%s'", err), 0);
	ck_assert_msg(r == WS_EXIT_OK, "exit %d: %s", r, text);
	free(text);
	free(certificate_with(mp, "SUCCESS"));
	free(action);
	free(img);
	free(args);
	free(log);
	free(out);
	free(err);
	free(mp);
}
END_TEST

/* A signal mid-pass: an ABORTED certificate and its audit line, like SIGTERM. */
static void signal_is_certified(const char *tag, const char *action, bool pipe)
{
	char *certs = path(tag), *log = NULL, *args, *dev = marked(tag), *out = path("sig.out");
	char *err = path("sig.err"), *text = NULL;
	int r;

	ck_assert_int_ge(asprintf(&log, "%s.log", certs), 0);
	args = signer_args(log, certs);
	if (!pipe) {
		r = slow_wipe(dev, args, action, out, err);
	} else {
		/* the reader of --json leaves after the first write event */
		ck_assert_int_eq(
		    test_sh(&text,
		            "{ ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
		            "WS_FAULT_PATH='%s' WS_FAULT_WRITE=0+-:DELAY150 '%s' wipe --yes --json "
		            "--io-threads 1 %s '%s' 2>'%s'; echo $? > '%s'; } | "
		            "grep -m1 -q '\"phase\":\"write\"'; cat '%s'",
		            WS_FAULTINJECT, dev, WS_CLI, args, dev, err, out, out),
		    0);
		r = atoi(text);
		free(text);
	}
	ck_assert_int_eq(test_sh(&text, "cat '%s'", err), 0);
	ck_assert_msg(r == WS_EXIT_FAILED, "%s: exit %d: %s", tag, r, text);
	free(text);
	free(certificate_with(certs, "ABORTED"));
	ck_assert(log_has(log, "\"status\":\"ABORTED\""));
	free(args);
	free(log);
	free(dev);
	free(out);
	free(err);
	free(certs);
}

START_TEST(test_sighup_mid_pass_is_certified)
{
	signal_is_certified("hup", "kill -HUP $pid", false);
}
END_TEST

START_TEST(test_sigpipe_mid_pass_is_certified)
{
	signal_is_certified("pipe", NULL, true);
}
END_TEST

START_TEST(test_sigkill_leaves_the_started_line)
{
	char *certs = path("kill-certs"), *log = path("kill.log"), *args = signer_args(log, certs);
	char *dev = marked("kill.img"), *out = path("kill.out"), *err = path("kill.err");
	char *text = NULL, *pat = NULL;

	ck_assert_int_eq(slow_wipe(dev, args, "kill -KILL $pid", out, err), 128 + 9);
	/* before the first byte: who, what, how */
	ck_assert_int_ge(asprintf(&pat,
	                          "\"status\":\"STARTED\".*\"target\":\"%s\".*\"method\":\"clear\""
	                          ".*\"operator\":\"Test Operator\"",
	                          dev),
	                 0);
	ck_assert(log_has(log, pat));
	ck_assert(!log_has(log, "\"status\":\"(SUCCESS|ABORTED|FAILED)\""));
	ck_assert_int_eq(verify_log(log, certs, &text), WS_EXIT_OK);
	ck_assert_msg(strstr(text, "has no outcome line"), "%s", text);
	free(text);
	free(pat);
	free(args);
	free(log);
	free(dev);
	free(out);
	free(err);
	free(certs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc = tcase_create("evidence");
	int r;

	simdrive_init("evidence", "EVIDENCE");
	evidence_make_tools();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_log_read_only_after_the_start);
	tcase_add_test(tc, test_log_on_a_full_disk);
	tcase_add_test(tc, test_torn_last_line_is_kept_and_the_chain_goes_on);
	tcase_add_test(tc, test_stray_signature_takes_the_next_name);
	tcase_add_test(tc, test_full_result_directory_refused_before_the_first_byte);
	tcase_add_test(tc, test_reserved_room_outlives_a_disk_filled_during_the_wipe);
	tcase_add_test(tc, test_sighup_mid_pass_is_certified);
	tcase_add_test(tc, test_sigpipe_mid_pass_is_certified);
	tcase_add_test(tc, test_sigkill_leaves_the_started_line);
	evidence_add_log_tests(tc);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
