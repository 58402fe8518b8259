/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station.c - `wipeseal station` driven as an operator drives it: in tmux at 80x24,
 * keys sent with send-keys, the screen read with capture-pane, against loop devices this
 * suite creates (ext4 holding a marker, one of them mounted). What a drive holds afterwards
 * is read back from the device itself; certificates are checked with openssl.
 *
 * The wipes are slowed by the fault injector (DELAY on every write) so that the screen can
 * be read while they run; a drive "pulled" mid-wipe is the injector's ENODEV from the moment
 * a trigger file appears, plus a real `losetup -d` (which the kernel carries out when the
 * station lets go of the device: a loop device cannot vanish while it is open).
 *
 * What each test shows is listed in docs/station.md (Tests); in short: named drives shown and
 * selected, a mounted one unselectable, resize, the method menu, the certificate form (a per-drive
 * asset tag reaching only that drive's certificate), a wrong confirmation word starting nothing,
 * two drives running at once with progress, both wiped and certified, a drive pulled mid-wipe
 * ending FAILED while the other succeeds, a drive attached while the station runs appearing in the
 * list, the refusals before the screen opens, and `station --auto` whose output reader goes away
 * (SIGPIPE): ABORTED and certified, not killed. A drive is pulled with the injector's
 * WS_FAULT_GONE=DEV:TRIGGER (every read and write of DEV fails with ENODEV once TRIGGER exists)
 * together with a real `losetup -d`, which the kernel defers until the station closes the device
 * and which then reaches the station as a uevent. The wipes are slowed with DELAY150 on every write
 * and `--io-threads 1` so that running rows can be read.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "tmuxstation.h"
#include "testutil.h"

/* ---- the tests ------------------------------------------------------------------------ */

START_TEST(test_select_start_progress_certify)
{
	char *a = marked("sta"), *b = marked("stb"), *c = marked("stc");
	char *env, *scr, *l, *ca, *cb, *wide;
	char *const run[2] = { a, b };

	clear_results();
	free(scratch_mount(c)); /* mounted: ext4 writes to it by itself, so no sha compare */
	env = test_fmt("LD_PRELOAD='%s' WS_FAULT_PATH='%s,%s' WS_FAULT_WRITE=0+-:DELAY150",
	               WS_FAULTINJECT, a, b);
	l = test_fmt("--io-threads 1 -V full %s %s %s %s", signed_args(), a, b, c);
	start_station(env, l);
	free(l);

	/* the named drives, and only they, are shown; the two eligible ones selected */
	scr = wait_for("hot-plug", 20);
	ck_assert_msg(strstr(scr, "2 of 3 selected"), "%s", scr);
	l = test_fmt("[x] %s ", a);
	ck_assert_msg(strstr(scr, l), "%s not selected:\n%s", a, scr);
	free(l);
	l = test_fmt("[x] %s ", b);
	ck_assert_msg(strstr(scr, l), "%s not selected:\n%s", b, scr);
	free(l);
	l = line_with(scr, c);
	ck_assert_msg(l && strstr(l, "[-]") && strstr(l, "mounted"), "mounted row: %s", l);
	free(l);
	ck_assert_msg(!strstr(scr, "/dev/sd") && !strstr(scr, "/dev/vd"), "%s", scr);
	free(scr);

	/* the mounted drive cannot be selected */
	keys("j j Space");
	scr = wait_for("cannot be selected", 10);
	ck_assert_msg(strstr(scr, "2 of 3 selected"), "%s", scr);
	free(scr);

	/* a resize redraws at the new size, and back */
	ck_assert_int_eq(tmux("resize-window -t st -x 120 -y 30"), 0);
	scr = wait_for("DEVICE              MODEL", 10);
	wide = line_with(scr, "DEVICE");
	ck_assert_msg(wide && strlen(wide) > 80, "not redrawn wider:\n%s", scr);
	free(wide);
	free(scr);
	ck_assert_int_eq(tmux("resize-window -t st -x 80 -y 24"), 0);

	/* the method menu offers purge only where every selected drive has it */
	keys("m");
	scr = wait_for("Method", 10);
	expect_line(scr, "purge", "not on every selected drive");
	free(scr);
	keys("Escape");
	free(wait_until(lacks_text, "Up/Down choose", 10, "the menu to close"));

	/* o: the fields come pre-filled from the flags; the asset tag is the drive's own */
	keys("k k o");
	scr = wait_for("Certificate fields", 10);
	expect_line(scr, "Operator name", "Test Operator");
	free(scr);
	keys("j j j j j Enter");
	l = test_fmt("Asset tag (%s)", a);
	free(wait_for(l, 10));
	free(l);
	keys("-l ASSET-ST-1");
	keys("Enter Escape");
	free(wait_until(lacks_text, "Certificate fields", 10, "the form to close"));

	/* help; a resize under it draws it again at the new size, centred, and leaves it open
	 * (a resize is no key pressed: it closed the help once, and tmux may deliver the resize
	 * of the step above only now); then a wrong word does not start anything */
	keys("?");
	free(wait_for("Any key closes this help", 10));
	ck_assert_int_eq(tmux("resize-window -t st -x 100 -y 30"), 0);
	free(wait_until(has_text, "\n           +- Keys ", 10, "the help centred at 100x30"));
	ck_assert_int_eq(tmux("resize-window -t st -x 80 -y 24"), 0);
	free(wait_until(has_text, "\n +- Keys ", 10, "the help centred at 80x24"));
	keys("x");
	free(wait_until(lacks_text, "Any key closes this help", 10, "the help to close"));
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l wipe");
	keys("Enter");
	free(wait_for("not started", 10));
	ck_assert_msg(has_marker(a) && has_marker(b), "written without WIPE");

	/* s, WIPE, Enter: both run at once, with progress */
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	free(wait_until(both_running, run, 60, "both drives running with progress"));

	/* q while running asks; n goes on */
	keys("q");
	free(wait_for("Quit aborts them all", 10));
	keys("n");
	free(wait_until(lacks_text, "Quit aborts them all", 10, "the quit question to close"));

	scr = wait_for("Summary", 180);
	l = line_with(scr, a);
	ck_assert_msg(l && strstr(l, "SUCCESS") && strstr(l, "clear"), "%s", scr);
	free(l);
	expect_line(scr, b, "SUCCESS");
	free(scr);
	keys("x");
	free(wait_for("s START", 10));
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();

	/* read back: the markers are gone, the mounted drive is untouched */
	ck_assert_msg(!has_marker(a), "%s still holds the marker", a);
	ck_assert_msg(!has_marker(b), "%s still holds the marker", b);
	ck_assert_msg(has_marker(c), "the mounted drive lost its marker");
	ck_assert_int_ne(
	    test_sh(NULL, "ls '%s'/certs/*_loop_%s.json", scratch_dir(), strrchr(c, '/') + 1), 0);

	/* one certificate each, verifying with plain openssl and with wipeseal verify */
	ca = cert_of(a);
	cb = cert_of(b);
	ck_assert_int_eq(openssl_verify(ca), 0);
	ck_assert_int_eq(openssl_verify(cb), 0);
	ck_assert_int_eq(run_cli(&l, NULL, "verify --ca %s/ca/ca.pem '%s' '%s'", pki, ca, cb), 0);
	free(l);
	ck_assert_int_eq(test_sh(NULL, "ls '%s'/certs/*.json | wc -l | grep -qx 2", scratch_dir()),
	                 0);
	ck_assert_int_eq(
	    test_sh(NULL, "grep -c SUCCESS '%s/audit.log' | grep -qx 2", scratch_dir()), 0);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"ASSET-ST-1\"' '%s'", ca), 0);
	ck_assert_int_ne(test_sh(NULL, "grep -q ASSET-ST-1 '%s'", cb), 0);
	free(ca);
	free(cb);
	free(env);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_pulled_mid_wipe)
{
	char *a = marked("pa"), *b = marked("pb"), *env, *args, *scr, *ca, *cb, *out = NULL;
	char *trigger = test_fmt("%s/pull-%d", scratch_dir(), getpid());
	char *const run[2] = { a, b };

	clear_results();
	env = test_fmt("LD_PRELOAD='%s' WS_FAULT_PATH='%s,%s' WS_FAULT_WRITE=0+-:DELAY150 "
	               "WS_FAULT_GONE='%s:%s'",
	               WS_FAULTINJECT, a, b, b, trigger);
	args = test_fmt("--io-threads 1 %s %s %s", signed_args(), a, b);
	start_station(env, args);
	free(wait_for("2 of 2 selected", 20));
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	free(wait_until(both_running, run, 60, "both drives running"));

	/* pull b: its I/O fails from now on, and the kernel detaches it when it is let go */
	ck_assert_int_eq(test_sh(NULL, "touch '%s' && losetup -d '%s'", trigger, b), 0);

	scr = wait_for("Summary", 180);
	expect_line(scr, a, "SUCCESS");
	expect_line(scr, b, "FAILED");
	ck_assert_msg(strstr(scr, "disappeared"), "no reason shown:\n%s", scr);
	free(scr);

	/* back in the list, the pulled drive is marked gone */
	keys("x");
	scr = wait_for("gone", 20);
	expect_line(scr, b, "gone");
	free(scr);
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_FAILED);
	no_sanitizer_reports();

	ck_assert_msg(!has_marker(a), "%s still holds the marker", a);
	ca = cert_of(a);
	cb = cert_of(b);
	ck_assert_int_eq(openssl_verify(ca), 0);
	ck_assert_int_eq(openssl_verify(cb), 0); /* signed whatever the outcome */
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, ca), 0);
	free(out);
	ck_assert_int_ne(run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, cb), 0);
	ck_assert_msg(strstr(out, "FAILED"), "verify of the pulled drive: %s", out);
	free(out);
	free(ca);
	free(cb);
	free(args);
	free(env);
	free(trigger);
	free(a);
	free(b);
}
END_TEST

/* v: verify none is refused with a firmware method, as `wipe --verify none` is (without
 * --trust-firmware): the drive's own report would be the only evidence. */
START_TEST(test_verify_none_refused_for_firmware)
{
	char *a = marked("vn"), *args, *scr;

	clear_results();
	args =
	    test_fmt("-m nvme-sanitize-crypto --unsigned --cert-dir %s/certs %s", scratch_dir(), a);
	start_station("", args);
	free(wait_for("verify sample", 20));
	keys("v");
	free(wait_for("Verification", 10));
	keys("j j Enter");
	scr = wait_for("not with a firmware method", 10);
	free(scr);
	keys("Escape");
	scr = wait_until(lacks_text, "Up/Down choose", 10, "the menu to close");
	ck_assert_msg(strstr(scr, "verify sample"), "the plan changed:\n%s", scr);
	free(scr);
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	ck_assert(has_marker(a));
	free(args);
	free(a);
}
END_TEST

START_TEST(test_hotplug_shows_new_drive)
{
	char *img = scratch_image("hot", 16), *dev, *scr, *l;

	clear_results();
	l = test_fmt("--all --unsigned --cert-dir %s/certs", scratch_dir());
	start_station("", l);
	free(l);
	free(wait_for("hot-plug", 20));
	dev = scratch_attach(img, false, false);
	l = test_fmt("%s ", dev);
	scr = wait_for(l, 20);
	free(scr);
	ck_assert_int_eq(test_sh(NULL, "losetup -d '%s'", dev), 0);
	free(wait_until(lacks_text, l, 20, "the detached drive to leave the list"));
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	free(l);
	free(dev);
	free(img);
}
END_TEST

START_TEST(test_auto_mode)
{
	char *a = marked("aa"), *c = marked("ac"), *out = NULL, *l, *conf, *ca;
	FILE *f;

	clear_results();
	free(scratch_mount(c));
	conf = test_fmt("%s/station.conf", scratch_dir());
	f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[operator]\nname = Operator From Operator Section\n"
	      "[station]\nmethod = one\nverify = full\noperator = Station Operator\n"
	      "asset_tag = PALLET-7\nauto = yes\nwhen_done = poweroff\n",
	      f);
	fclose(f);
	/* no terminal needed; the [station] keys come before [wipe] and [operator] */
	l = test_fmt("station --auto --config '%s' --signer-key %s/st/signer.key "
	             "--signer-cert %s/st/signer.pem --audit-log %s/audit.log --cert-dir %s/certs "
	             "'%s' '%s' < /dev/null",
	             conf, pki, pki, scratch_dir(), scratch_dir(), a, c);
	ck_assert_int_eq(run_cli(&out, NULL, "%s", l), WS_EXIT_OK);
	free(l);
	l = line_with(out, "skipped");
	ck_assert_msg(l && strstr(l, c) && strstr(l, "mounted"), "%s", out);
	free(l);
	ck_assert_msg(strstr(out, "started 1 wipe") && strstr(out, "summary:"), "%s", out);
	l = test_fmt("%s: SUCCESS", a);
	ck_assert_msg(strstr(out, l), "%s", out);
	free(l);
	free(out);

	/* read back: every byte of a is now 0xff (method one), c still holds its marker */
	ck_assert_int_eq(test_sh(NULL, "test $(tr -d '\\377' < '%s' | head -c 1 | wc -c) = 0", a),
	                 0);
	ck_assert_msg(has_marker(c), "the mounted drive lost its marker");
	ca = cert_of(a);
	ck_assert_int_eq(openssl_verify(ca), 0);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"Station Operator\"' '%s'", ca), 0);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"PALLET-7\"' '%s'", ca), 0);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"details\": \"one: ' '%s'", ca), 0);
	/* --auto is for physical drives: not with --all */
	ck_assert_int_eq(run_cli(NULL, &out, "station --auto --all --unsigned"), WS_EXIT_USAGE);
	free(out);
	free(ca);
	free(conf);
	free(a);
	free(c);
}
END_TEST

START_TEST(test_auto_reader_gone_aborts_and_certifies)
{
	char *a = marked("pp"), *out = NULL, *ca, *l;

	clear_results();
	/* the reader of --auto's output leaves once the wipe has started; the next progress
	 * line meets a closed pipe: SIGPIPE must abort and certify, not kill */
	l = test_fmt("{ ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' WS_FAULT_PATH='%s' "
	             "WS_FAULT_WRITE=0+-:DELAY400 '%s' station --auto --io-threads 1 %s '%s' "
	             "< /dev/null 2>'%s/auto.err'; echo $? > '%s/auto.rc'; } | "
	             "grep -m1 -q 'started 1 wipe'; cat '%s/auto.rc'",
	             WS_FAULTINJECT, a, WS_CLI, signed_args(), a, scratch_dir(), scratch_dir(),
	             scratch_dir());
	ck_assert_int_eq(test_sh(&out, "%s", l), 0);
	ck_assert_msg(atoi(out) == WS_EXIT_FAILED, "exit %s", out);
	free(out);
	ca = cert_of(a);
	ck_assert_int_eq(openssl_verify(ca), 0);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"status\": \"ABORTED\"' '%s'", ca), 0);
	ck_assert_int_eq(
	    test_sh(NULL, "grep -q '\"status\":\"ABORTED\"' '%s/audit.log'", scratch_dir()), 0);
	free(ca);
	free(l);
	free(a);
}
END_TEST

START_TEST(test_refusals_before_the_screen)
{
	char *err = NULL, *a = marked("ra"), *before = sha(a), *after;

	/* no terminal: one line, exit 2, nothing written */
	ck_assert_int_eq(run_cli(NULL, &err, "station --unsigned %s < /dev/null", a),
	                 WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "needs a terminal"), "%s", err);
	free(err);
	ck_assert_int_eq(run_cli(NULL, &err, "station --bogus"), WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "--help"), "%s", err);
	free(err);
	ck_assert_int_eq(run_cli(NULL, &err, "station --unsigned /dev/wipeseal-none"),
	                 WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "wipeseal-none"), "%s", err);
	free(err);
	/* no signer and not --unsigned: refused before the screen opens (an empty
	 * configuration: /dev/null is not a file, and is refused as such) */
	ck_assert_int_eq(test_sh(NULL, ": > %s/empty.conf", scratch_dir()), 0);
	ck_assert_int_eq(run_cli(NULL, &err, "station --config %s/empty.conf %s", scratch_dir(), a),
	                 WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "signer"), "%s", err);
	free(err);
	ck_assert_int_eq(run_cli(NULL, &err, "station --config /dev/null %s", a), WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "/dev/null is a character device, not a regular file"), "%s",
	              err);
	free(err);
	after = sha(a);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station");
	TCase *tc = tcase_create("tmux");

	tcase_set_timeout(tc, 400);
	tcase_add_test(tc, test_refusals_before_the_screen);
	tcase_add_test(tc, test_select_start_progress_certify);
	tcase_add_test(tc, test_pulled_mid_wipe);
	tcase_add_test(tc, test_hotplug_shows_new_drive);
	tcase_add_test(tc, test_verify_none_refused_for_firmware);
	tcase_add_test(tc, test_auto_mode);
	tcase_add_test(tc, test_auto_reader_gone_aborts_and_certifies);
	suite_add_tcase(s, tc);
	return tmuxstation_run(s, "station", "ST");
}
