/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-bays.c - what a technician at ten bays needs on the station's screen, driven
 * in tmux at 80x24 as test-station.c drives it: the BAY column, the serial kept by its end
 * where the column is too narrow, and a frozen drive shown as frozen with the reason and the
 * remedy, its firmware techniques greyed with the drive's own reason, and the unfreeze
 * action asked first.
 *
 * A frozen drive is the ATA simulator's `frozen` profile (SANITIZE FREEZE LOCK: serial
 * SIMATA-frozen, every sanitize aborted) on a loop device of this suite, and `hdd-frozen`
 * (security frozen) for `list`. The unfreeze question is answered "no" only: the suspend
 * itself (ws_suspend_cycle()) is never run on this machine; its refusals are
 * tests/unit/test-power.c's, against a sysfs of plain files. Loop devices have no physical
 * path, so their bay is "-"; the bay's values come from the fixture machine
 * (tests/unit/test-bay.c). What the drive holds afterwards is read back (its marker).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"
#include "tmuxstation.h"

/* The simulated drive @profile answering for @dev (the station's and list's environment). */
static char *sim(const char *profile, const char *dev)
{
	return test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' WS_ATASIM_PATH='%s' "
	                "WS_ATASIM_PROFILE=%s",
	                WS_ATASIM, dev, profile);
}

/* list and list --json say frozen, with the freeze lock and the remedy; BAY is there. */
START_TEST(test_list_says_frozen)
{
	static const char *const profile[][2] = {
		{ "frozen", "SANITIZE FREEZE LOCK" },
		{ "hdd-frozen", "SECURITY FREEZE LOCK" },
	};
	char *dev = marked("lf");

	for (size_t i = 0; i < 2; i++) {
		char *env = sim(profile[i][0], dev), *out = NULL, *err = NULL, *l;
		struct json_object *root, *d;

		ck_assert_int_eq(run_cli_prefix(&out, &err, env, "list %s", dev), 0);
		ck_assert_msg(strstr(out, "PATH") && strstr(out, " BAY "), "%s", out);
		l = strstr(out, dev);
		ck_assert_msg(l && strstr(l, "eligible; frozen: ") && strstr(l, profile[i][1]) &&
		                  strstr(l, "wipeseal unfreeze"),
		              "%s", out);
		free(out);
		free(err);
		ck_assert_int_eq(run_cli_prefix(&out, &err, env, "list --json %s", dev), 0);
		root = json_tokener_parse(out);
		d = json_device(root, dev);
		ck_assert_ptr_nonnull(d);
		ck_assert_msg(jstr(d, "frozen") && strstr(jstr(d, "frozen"), profile[i][1]), "%s",
		              out);
		ck_assert_msg(json_object_object_get_ex(d, "by_path", NULL) && !jstr(d, "by_path"),
		              "a loop device has no physical path: %s", out);
		json_object_put(root);
		free(out);
		free(err);
		free(env);
	}
	ck_assert(has_marker(dev));
	free(dev);
}
END_TEST

/* The row of @dev on the screen (malloc'd). */
static char *row(const char *scr, const char *dev)
{
	char *key = test_fmt("] %s ", dev), *l = line_with(scr, key);

	ck_assert_msg(l, "no row for %s:\n%s", dev, scr);
	free(key);
	return l;
}

START_TEST(test_frozen_drive_on_the_screen)
{
	char *dev = marked("fz"), *env = sim("frozen", dev), *args, *scr, *l;

	clear_results();
	args = test_fmt("--unsigned --cert-dir %s/certs %s", scratch_dir(), dev);
	start_station(env, args);
	scr = wait_for("1 of 1 selected", 20);
	/* 80 columns: BAY and SERIAL, the model left to the line below */
	l = line_with(scr, "SEL");
	ck_assert_msg(l && strstr(l, "DEVICE       BAY      SERIAL") && !strstr(l, "MODEL"),
	              "header: %s\n%s", l, scr);
	free(l);
	/* the row: bay "-", the 13-character serial by its end, frozen instead of ready */
	l = row(scr, dev);
	ck_assert_msg(strstr(l, " -        ~TA-frozen ") && strstr(l, "frozen: press u") &&
	                  !strstr(l, "ready"),
	              "row: %s\n%s", l, scr);
	free(l);
	/* the line below: the lock, why, and the remedy; the keys name u */
	ck_assert_msg(strstr(scr, ": frozen: SANITIZE FREEZE LOCK (set by the firmware"), "%s",
	              scr);
	ck_assert_msg(strstr(scr, "u unfreeze"), "%s", scr);
	free(scr);

	/* the method menu: the drive's own reason, not "not on every selected drive" */
	keys("m");
	scr = wait_for("Method", 10);
	expect_line(scr, "purge", "(frozen)");
	expect_line(scr, "ata-sanitize-crypto", "(frozen)");
	ck_assert_msg(!strstr(scr, "not on every selected drive"), "%s", scr);
	free(scr);
	keys("j j j j j Enter"); /* clear zero one random dod-3pass -> purge */
	scr = wait_for("(u unfreezes, or re-plug it)", 10);
	l = test_fmt("%s is frozen (a FREEZE LOCK", dev);
	ck_assert_msg(strstr(scr, l), "the whole reason on the message line:\n%s", scr);
	free(l);
	free(scr);
	keys("Escape");
	scr = wait_until(lacks_text, "Up/Down choose", 10, "the menu to close");
	ck_assert_msg(strstr(scr, "method clear"), "the plan changed:\n%s", scr);
	free(scr);

	/* u asks first, naming the drive; "no" leaves the machine running */
	keys("u");
	scr = wait_for(" Unfreeze ", 10);
	l = test_fmt("%s is frozen", dev);
	ck_assert_msg(strstr(scr, l), "%s", scr);
	free(l);
	ck_assert_msg(strstr(scr, "Suspend this machine to RAM for 5 seconds?") &&
	                  strstr(scr, "y: suspend now   any other key: no"),
	              "%s", scr);
	free(scr);
	keys("n");
	scr = wait_for("unfreeze: not confirmed; nothing was done", 10);
	ck_assert_msg(!strstr(scr, " Unfreeze "), "%s", scr);
	free(scr);

	/* wider: the model gets its column again, the bay stays */
	ck_assert_int_eq(tmux("resize-window -t st -x 120 -y 30"), 0);
	scr = wait_for("DEVICE              MODEL", 10);
	l = line_with(scr, "DEVICE");
	ck_assert_msg(l && strstr(l, "BAY") && strstr(l, "SERIAL"), "%s", scr);
	free(l);
	l = row(scr, dev);
	ck_assert_msg(strstr(l, "SIMATA-frozen"), "the whole serial at 120 columns: %s", l);
	free(l);
	free(scr);
	ck_assert_int_eq(tmux("resize-window -t st -x 80 -y 24"), 0);
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	ck_assert(has_marker(dev));
	free(args);
	free(env);
	free(dev);
}
END_TEST

/* u with no frozen drive does nothing but say so. */
START_TEST(test_unfreeze_nothing_frozen)
{
	char *dev = marked("nf"), *args, *scr;

	clear_results();
	args = test_fmt("--unsigned --cert-dir %s/certs %s", scratch_dir(), dev);
	start_station("", args);
	scr = wait_for("1 of 1 selected", 20);
	ck_assert_msg(!strstr(scr, "u unfreeze") && strstr(scr, "? help"), "%s", scr);
	free(scr);
	keys("u");
	free(wait_for("no drive is frozen: nothing to unfreeze", 10));
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	ck_assert(has_marker(dev));
	free(args);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station-bays");
	TCase *tc = tcase_create("tmux");
	int rc;

	if (test_sh(NULL, "command -v tmux >/dev/null") != 0) {
		printf("SKIP: tmux is not installed (scripts/deps.sh installs it)\n");
		return TEST_SKIP;
	}
	simdrive_init("station-bays", "SB");
	tmuxstation_init();
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_list_says_frozen);
	tcase_add_test(tc, test_frozen_drive_on_the_screen);
	tcase_add_test(tc, test_unfreeze_nothing_frozen);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	return rc;
}
