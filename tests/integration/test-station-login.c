/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-login.c - the station where operators log in with their cards, driven in
 * tmux as test-station.c drives it, with SoftHSM2 as the card (a token per test,
 * softtoken.c) holding two operators' keys and certificates ("Op alice", "Op bob") from
 * the suite's CA, and tests/p11wrap between the station and SoftHSM2 where a card must be
 * pulled (WS_P11WRAP_PULLED: a file whose presence takes the card out of its reader).
 *
 * Login (a wrong PIN says so, the right one shows the operator in the header), the idle
 * lock after a short [station] lock_after, unlock with the same card, a second operator
 * taking over, the lock during a running wipe (its progress still drawn, a start refused),
 * the card pulled (locked at once), and `station --auto` logging in with the configured
 * card (or refusing without one). Every test reads the audit log back: `wipeseal verify
 * --audit-log` passes, the LOGIN, LOGIN-FAILED, LOCK, UNLOCK, CARD-REMOVED and LOGOUT lines
 * are there, and no PIN is. Waits are on the screen's text, never a fixed sleep.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "softtoken.h"
#include "testutil.h"
#include "tmuxstation.h"

static const char *tok; /* this test's token directory */

/* A token with alice's key and, with @two, bob's; a config for the station naming the
 * suite's CA for the operators, lock_after @lock and the extra lines @more. Return: the
 * config's path (malloc'd). */
static char *operators_setup(const char *tag, bool two, const char *lock, const char *more)
{
	char ca[4200], *conf = test_fmt("%s/op-%s.conf", scratch_dir(), tag);
	FILE *f;

	clear_results();
	tok = softtoken_start(tag);
	snprintf(ca, sizeof(ca), "%s/ca", pki);
	softtoken_key(ca, "alice", "01", "EC:secp384r1");
	if (two)
		softtoken_key(ca, "bob", "02", "EC:prime256v1");
	f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "[station]\nlock_after = %s\n[operators]\nca = %s/ca.pem\n%s", lock, ca, more);
	fclose(f);
	return conf;
}

/* The station in tmux with @conf, the token's SoftHSM2 and @env. */
static void start_with(const char *env, const char *conf, const char *devs)
{
	char *e = test_fmt("SOFTHSM2_CONF='%s/softhsm2.conf' %s", tok, env);
	char *a = test_fmt("--config '%s' %s %s", conf, signed_args(), devs);

	start_station(e, a);
	free(e);
	free(a);
}

/* Type the PIN @pin and Enter, at the PIN field. */
static void type_pin(const char *pin)
{
	char *k = test_fmt("-l '%s'", pin);

	free(wait_for("PIN: ", 20));
	keys(k);
	keys("Enter");
	free(k);
}

/* Logged in: the header names @who. */
static void logged_in_as(const char *who)
{
	char *want = test_fmt("selected  %s", who);

	free(wait_until(has_text, want, 20, want));
	free(want);
}

/* The audit log: verified by `wipeseal verify --audit-log`; holds each of @need (statuses,
 * "\"status\":\"X\"" form built here) and no PIN. */
static void audit_has(const char *const *need)
{
	char *out = NULL;

	ck_assert_msg(run_cli(&out, NULL,
	                      "verify --audit-log '%s/audit.log' --ca '%s/ca/ca.pem' --cert-dir "
	                      "'%s/certs'",
	                      scratch_dir(), pki, scratch_dir()) == 0,
	              "%s", out);
	free(out);
	for (; *need; need++)
		ck_assert_msg(test_sh(NULL, "grep -q '\"status\":\"%s\"' '%s/audit.log'", *need,
		                      scratch_dir()) == 0,
		              "no %s line in the audit log", *need);
	ck_assert_int_ne(test_sh(NULL, "grep -q -e '%s' -e '%s' '%s/audit.log'", SOFTTOKEN_PIN,
	                         SOFTTOKEN_BAD_PIN, scratch_dir()),
	                 0);
}

/* The audit lines with @status also say @has (every one of them). */
static void audit_lines_say(const char *status, const char *has)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out,
	                         "grep '\"status\":\"%s\"' '%s/audit.log' | grep -v -c -F '%s'",
	                         status, scratch_dir(), has),
	                 1); /* grep -c prints 0 and exits 1 when no line lacks it */
	free(out);
}

/* The row of @arg (a device) shows a bar and a percentage. */
static bool running(const char *scr, const void *arg)
{
	char *l = line_with(scr, arg);
	bool ok = l && strstr(l, "[#") && strstr(l, "%");

	free(l);
	return ok;
}

/* The running row (the first one, @arg: the row as it was) is no longer as it was. */
static bool row_changed(const char *scr, const void *arg)
{
	const char *was = arg;
	char *dev = strndup(was + 6, strcspn(was + 6, " "));
	char *l = line_with(scr, dev);
	bool ok = l && strstr(l, "[#") && strcmp(l, was) != 0;

	free(l);
	free(dev);
	return ok;
}

/* @cert is signed by the station and by @who's card: `wipeseal verify --require-operator`
 * says both (and openssl checks it, openssl_verify()). */
static void two_signers(const char *cert, const char *who)
{
	char *out = NULL, *want = test_fmt("; and by operator %s (", who);

	ck_assert_int_eq(openssl_verify(cert), 0);
	ck_assert_msg(run_cli(&out, NULL, "verify --require-operator --ca '%s/ca/ca.pem' '%s'", pki,
	                      cert) == 0 &&
	                  strstr(out, want),
	              "%s", out);
	free(out);
	free(want);
}

/* Leave the station (nothing running) and check its exit. */
static void quit_station(void)
{
	keys("q");
	ck_assert_int_eq(wait_exit(20), 0);
	no_sanitizer_reports();
}

/* ---- the tests ------------------------------------------------------------------------ */

START_TEST(test_login_idle_lock_unlock_another_operator)
{
	char *a = marked("la"), *conf = operators_setup("login", true, "5s", ""), *scr;

	start_with("", conf, a);
	/* the login box before anything: the card holds two operators, alice first */
	scr = wait_for("choose yours", 20);
	ck_assert_msg(strstr(scr, " Log in ") && strstr(scr, "Op alice") && strstr(scr, "Op bob"),
	              "%s", scr);
	free(scr);
	keys("s"); /* nothing starts: the key goes to the box */
	keys("Enter");
	/* a wrong PIN: the reason line, still at the PIN */
	type_pin(SOFTTOKEN_BAD_PIN);
	free(wait_for("wrong PIN", 20));
	type_pin(SOFTTOKEN_PIN);
	logged_in_as("Op alice");
	scr = screen();
	ck_assert_msg(strstr(scr, "l lock"), "%s", scr);
	free(scr);

	/* idle for lock_after (5 s): locked, the banner names who may unlock */
	scr = wait_for("LOCKED: Op alice may unlock", 20);
	ck_assert_msg(strstr(scr, "selected  LOCKED Op alice"), "%s", scr);
	free(scr);
	keys("m"); /* no menu: the unlock box */
	scr = wait_for(" Unlock ", 10);
	ck_assert_msg(!strstr(scr, "Method"), "%s", scr);
	free(scr);
	keys("Enter"); /* alice, the first */
	type_pin(SOFTTOKEN_PIN);
	free(wait_for("unlocked by Op alice", 20));

	/* locked by hand; bob logs in: alice is logged out */
	keys("l");
	free(wait_for("LOCKED: Op alice may unlock", 10));
	keys("x");
	free(wait_for("choose yours", 20));
	keys("Down");
	keys("Enter");
	type_pin(SOFTTOKEN_PIN);
	logged_in_as("Op bob");
	quit_station();

	audit_has(
	    (const char *const[]){ "LOGIN", "LOGIN-FAILED", "LOCK", "UNLOCK", "LOGOUT", NULL });
	audit_lines_say("LOCK", "\"station\":");
	ck_assert_int_eq(test_sh(NULL,
	                         "grep '\"status\":\"LOCK\"' '%s/audit.log' | grep -q "
	                         "'\"note\":\"idle\"'",
	                         scratch_dir()),
	                 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "grep '\"status\":\"LOCK\"' '%s/audit.log' | grep -q "
	                         "'\"note\":\"asked\"'",
	                         scratch_dir()),
	                 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "grep '\"status\":\"LOGOUT\"' '%s/audit.log' | grep -q "
	                         "'another operator logged in'",
	                         scratch_dir()),
	                 0);
	free(conf);
	free(a);
}
END_TEST

/* Locked while a wipe runs: the row keeps moving, 's' starts nothing; then the wipe ends
 * certified with alice as the operator and her signature. The card pulled during the next
 * wipe locks at once; that certificate waits for her signature, which her unlock adds. */
START_TEST(test_lock_during_a_wipe_and_card_pulled)
{
	char *a = marked("lw"), *b = marked("lx"),
	     *pulled = test_fmt("%s/card-pulled", scratch_dir());
	char *more = test_fmt("card = pkcs11:token=op?module-path=%s\n", WS_P11WRAP);
	char *conf = operators_setup("wipe", false, "15m", more), *env, *scr, *cert, *devs, *was;

	unlink(pulled);
	env = test_fmt("WS_P11WRAP_PULLED='%s' LD_PRELOAD='%s' WS_FAULT_PATH='%s,%s' "
	               "WS_FAULT_WRITE=0+-:DELAY600",
	               pulled, WS_FAULTINJECT, a, b);
	devs = test_fmt("--io-threads 1 '%s' '%s'", a, b);
	start_with(env, conf, devs);
	type_pin(SOFTTOKEN_PIN);
	logged_in_as("Op alice");
	/* b only: unselect it... select a alone, start */
	keys("Down");
	keys("Space"); /* b unselected */
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	free(wait_until(running, a, 30, "a running"));
	keys("l");
	scr = wait_for("LOCKED: Op alice may unlock", 10);
	free(scr);
	/* the progress goes on being drawn */
	scr = screen();
	was = line_with(scr, a);
	ck_assert_ptr_nonnull(was);
	free(scr);
	free(wait_until(row_changed, was, 20, "the row moving while locked"));
	free(was);
	/* a start (or any key) only opens the unlock box; Esc goes back to the banner */
	keys("s");
	scr = wait_for(" Unlock ", 10);
	ck_assert_msg(!strstr(scr, " Start ") && !strstr(scr, "Type WIPE"), "%s", scr);
	free(scr);
	keys("Escape");
	free(wait_until(lacks_text, " Unlock ", 10, "the unlock box closed"));
	/* unlock, then wait for the end of the wipe */
	keys("x");
	type_pin(SOFTTOKEN_PIN);
	free(wait_until(lacks_text, "LOCKED:", 20, "unlocked"));
	free(wait_for("Summary", 120));
	keys("Escape");
	cert = cert_of(a);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"name\": \"Op alice\"' '%s'", cert), 0);
	two_signers(cert, "Op alice");
	free(cert);

	/* b, and the card pulled while it runs: locked at once, CARD-REMOVED; b ends filed
	 * with the station's signature alone, awaiting hers */
	keys("Home");
	keys("Down");
	keys("Space");
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	free(wait_until(running, b, 30, "b running"));
	ck_assert_int_eq(test_sh(NULL, "touch '%s'", pulled), 0);
	free(wait_for("the card was removed", 20));
	free(wait_for("LOCKED: Op alice", 5));
	free(wait_for("Summary", 120));
	cert = cert_of(b);
	ck_assert_int_eq(test_sh(NULL, "test -e '%s.awaiting-operator'", cert), 0);
	/* back in, her PIN: unlocked, and b's certificate gets her signature */
	ck_assert_int_eq(test_sh(NULL, "rm -f '%s'", pulled), 0);
	keys("x");
	type_pin(SOFTTOKEN_PIN);
	free(wait_until(lacks_text, "LOCKED:", 20, "unlocked"));
	keys("Escape"); /* the summary */
	free(wait_for("1 certificate awaiting your signature signed", 20));
	ck_assert_int_ne(test_sh(NULL, "test -e '%s.awaiting-operator'", cert), 0);
	two_signers(cert, "Op alice");
	free(cert);
	quit_station();
	audit_has((const char *const[]){ "LOGIN", "LOCK", "UNLOCK", "CARD-REMOVED", "STARTED",
	                                 "SUCCESS", "OPERATOR-SIGNED", NULL });
	ck_assert_int_eq(test_sh(NULL,
	                         "grep '\"status\":\"LOCK\"' '%s/audit.log' | grep -q "
	                         "'\"note\":\"card removed\"'",
	                         scratch_dir()),
	                 0);
	free(devs);
	free(env);
	free(conf);
	free(more);
	free(pulled);
	free(a);
	free(b);
}
END_TEST

/* A card whose PIN is locked (tests/p11wrap makes SoftHSM2 say so): a clear message, no
 * login, the station still up; q leaves. */
START_TEST(test_locked_card)
{
	char *a = marked("lk"),
	     *more = test_fmt("card = pkcs11:token=op?module-path=%s\n", WS_P11WRAP);
	char *conf = operators_setup("locked", false, "15m", more), *scr;

	start_with("WS_P11WRAP=locked", conf, a);
	type_pin(SOFTTOKEN_PIN);
	scr = wait_for("this card is locked", 20);
	ck_assert_msg(strstr(scr, "nobody logged in") && strstr(scr, " Log in "), "%s", scr);
	free(scr);
	keys("Escape"); /* back to the card scan, where q leaves */
	free(wait_for("Insert your card", 10));
	quit_station();
	audit_has((const char *const[]){ "LOGIN-FAILED", NULL });
	ck_assert_int_ne(
	    test_sh(NULL, "grep -q '\"status\":\"LOGIN\"' '%s/audit.log'", scratch_dir()), 0);
	free(conf);
	free(more);
	free(a);
}
END_TEST

/* `station --auto` with the card of [operators] card and its pin_file: LOGIN naming the card,
 * the certificate with the operator; require_card without a card refuses. */
START_TEST(test_auto_with_a_card)
{
	char *a = marked("au"), *more, *conf, *out = NULL, *err = NULL, *cert;

	/* the PIN file of the token operators_setup() makes (softtoken_start(): tok-TAG/pin) */
	more = test_fmt("card = pkcs11:token=op;object=alice\npin_file = %s/tok-auto/pin\n",
	                scratch_dir());
	conf = operators_setup("auto", false, "15m", more);
	free(more);
	ck_assert_int_eq(run_cli(&out, &err, "station --auto --config '%s' %s '%s' < /dev/null",
	                         conf, signed_args(), a),
	                 0);
	ck_assert_msg(strstr(out, "operator Op alice logged in"), "%s\n%s", out, err);
	free(out);
	free(err);
	cert = cert_of(a);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"name\": \"Op alice\"' '%s'", cert), 0);
	two_signers(cert, "Op alice");
	free(cert);
	audit_has((const char *const[]){ "LOGIN", "STARTED", "SUCCESS", NULL });
	audit_lines_say("LOGIN", "\"card_serial\":");
	free(conf);

	/* required, none named: one line, exit 2, nothing written */
	conf = operators_setup("auto-req", false, "15m", "require_card = yes\n");
	ck_assert_int_eq(run_cli(&out, &err, "station --auto --config '%s' %s '%s' < /dev/null",
	                         conf, signed_args(), a),
	                 2);
	ck_assert_msg(strstr(err, "require_card = yes and no [operators] card") &&
	                  strchr(err, '\n') == err + strlen(err) - 1,
	              "%s", err);
	ck_assert_int_ne(test_sh(NULL, "ls '%s'/certs/*.json", scratch_dir()), 0);
	free(out);
	free(err);
	free(conf);
	free(a);
}
END_TEST

/* Without operators configured, --auto says in the audit log that the station key alone
 * signs; a lock_after that is not a time is refused before anything. */
START_TEST(test_station_key_only_and_bad_lock_after)
{
	char *a = marked("sk"), *out = NULL, *err = NULL, *conf;

	clear_results();
	ck_assert_int_eq(
	    run_cli(&out, &err, "station --auto %s '%s' < /dev/null", signed_args(), a), 0);
	free(out);
	free(err);
	ck_assert_int_eq(
	    test_sh(NULL, "grep -q '\"status\":\"STATION-KEY\"' '%s/audit.log'", scratch_dir()), 0);
	conf = operators_setup("bad", false, "soon", "");
	ck_assert_int_eq(run_cli(NULL, &err, "station --config '%s' %s '%s' < /dev/null", conf,
	                         signed_args(), a),
	                 2);
	ck_assert_msg(strstr(err, "lock_after = soon: not a time"), "%s", err);
	free(err);
	free(conf);
	free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station-login");
	TCase *tc = tcase_create("tmux");
	int rc;

	if (test_sh(NULL, "command -v tmux >/dev/null && command -v softhsm2-util >/dev/null") !=
	    0) {
		printf("SKIP: tmux or softhsm2-util is not installed (scripts/deps.sh)\n");
		return TEST_SKIP;
	}
	simdrive_init("station-login", "SL");
	tmuxstation_init();
	tcase_set_timeout(tc, 400);
	tcase_add_test(tc, test_login_idle_lock_unlock_another_operator);
	tcase_add_test(tc, test_lock_during_a_wipe_and_card_pulled);
	tcase_add_test(tc, test_locked_card);
	tcase_add_test(tc, test_auto_with_a_card);
	tcase_add_test(tc, test_station_key_only_and_bad_lock_after);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	return rc;
}
