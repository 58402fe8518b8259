/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-protected.c - the station's data stick (a FAT file system labelled WIPESEAL)
 * and the boot image (by its build ID, the ISO 9660 volume set ID) are never a target of
 * the station, of `station --auto` or of `wipe` once they are named with --protect-label
 * and --protect-build-id, as the boot image's init names them: not mounted, in a partition
 * (as the USB image has it) or on the whole device, behind a stray second signature, with
 * the label in lower case, or pulled and plugged back in while the screen is up. Two drives
 * with the label stop auto mode before anything starts.
 *
 * Loop devices this suite creates; what happened to them is read back from the devices
 * (sha256sum of the whole device before and after, the marker of the targets), the screen
 * in tmux as test-station.c reads it.
 *
 * The cases: data sticks in a partition and on the whole device, in lower case and behind a stray
 * ext4 superblock, and a boot-image copy made with `xorriso -volset`, against `station --auto`, the
 * screen (including a stick detached and attached again while it is up) and `wipe`; two data sticks
 * stopping `--auto`. Every device is hashed whole before and after. The list, test by test, is in
 * docs/station.md (Tests).
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
#include "testutil.h"
#include "tmuxstation.h"

#define BUILD_ID "5eed0f1ce0ffee0123456789"
#define PROTECT  "--protect-label WIPESEAL --protect-build-id " BUILD_ID

static void sh_ok(const char *cmd)
{
	char *out = NULL;

	ck_assert_msg(test_sh(&out, "%s", cmd) == 0, "%s: %s", cmd, out);
	free(out);
}

/* A data stick as the USB image has it: a dos table, partition 2 FAT labelled WIPESEAL
 * holding the station's directories. */
static char *stick_in_partition(const char *name)
{
	char *img = scratch_image(name, 32), *dev, *p2, *cmd;

	cmd = test_fmt("printf 'label: dos\\n,8M,83\\n,,c\\n' | sfdisk -q '%s'", img);
	sh_ok(cmd);
	free(cmd);
	dev = scratch_attach(img, true, false);
	p2 = scratch_part(dev, 2);
	cmd = test_fmt(
	    "mkfs.vfat -n WIPESEAL '%s' >/dev/null && mmd -i '%s' ::/station ::/certificates", p2,
	    p2);
	sh_ok(cmd);
	free(cmd);
	free(p2);
	free(img);
	return dev;
}

/* A FAT file system labelled @label on the whole device (a stick formatted by hand). */
static char *stick_whole(const char *name, const char *label)
{
	char *img = scratch_image(name, 32), *dev, *cmd;

	dev = scratch_attach(img, false, false);
	cmd = test_fmt("mkfs.vfat -n '%s' '%s' >/dev/null 2>&1 && mmd -i '%s' ::/certificates",
	               label, dev, dev);
	sh_ok(cmd);
	free(cmd);
	free(img);
	return dev;
}

/* A copy of the boot image: an ISO 9660 file system made as iso/build.sh makes it, its
 * build ID in /.disk/wipeseal-id and as the volume set ID. */
static char *boot_image(const char *name, const char *id)
{
	char *img = NULL, *dir = NULL, *cmd, *dev;

	ck_assert_int_ge(asprintf(&img, "%s/%s.iso", scratch_dir(), name), 0);
	ck_assert_int_ge(asprintf(&dir, "%s/%s-tree", scratch_dir(), name), 0);
	cmd = test_fmt("mkdir -p '%s/.disk' && echo %s > '%s/.disk/wipeseal-id' && "
	               "xorriso -as mkisofs -quiet -o '%s' -r -J -joliet-long -V WIPESEAL_BOOT "
	               "-volset %s '%s' 2>/dev/null && truncate -s 4M '%s'",
	               dir, id, dir, img, id, dir, img);
	sh_ok(cmd);
	free(cmd);
	dev = scratch_attach(img, false, false);
	free(dir);
	free(img);
	return dev;
}

/* `station --auto` with the protection the boot image passes, on the named drives. */
static int run_auto(char **out, const char *devs)
{
	return run_cli(out, NULL, "station --auto " PROTECT " %s %s < /dev/null", signed_args(),
	               devs);
}

/* The line of --auto's output about @dev says @has. */
static void expect_said(const char *out, const char *dev, const char *has)
{
	char *key = test_fmt("%s: ", dev), *l = line_with(out, key);

	ck_assert_msg(l && strstr(l, has), "no line on %s saying '%s':\n%s", dev, has, out);
	free(l);
	free(key);
}

/* --auto says @dev ended SUCCESS. */
static bool wiped_ok(const char *out, const char *dev)
{
	char *key = test_fmt("wipeseal: %s: SUCCESS;", dev);
	bool ok = strstr(out, key) != NULL;

	free(key);
	return ok;
}

static int certificates(void)
{
	char *out = NULL;
	int n;

	test_sh(&out, "ls '%s'/certs/*.json 2>/dev/null | wc -l", scratch_dir());
	n = atoi(out);
	free(out);
	return n;
}

/* ---- the tests ------------------------------------------------------------------------ */

/* Auto mode beside a data stick in a partition and a copy of the boot image: both left
 * alone (byte for byte), both targets wiped and certified; then the same with a data
 * stick that is a file system on the whole device. */
START_TEST(test_auto_leaves_sticks_alone)
{
	char *a = marked("aa"), *b = marked("ab"), *sp = stick_in_partition("asp");
	char *iso = boot_image("aiso", BUILD_ID), *sw, *c, *d, *hp = sha(sp), *hi = sha(iso);
	char *hw, *after, *out = NULL, *devs;

	clear_results();
	devs = test_fmt("'%s' '%s' '%s' '%s'", a, sp, iso, b);
	ck_assert_int_eq(run_auto(&out, devs), WS_EXIT_OK);
	free(devs);
	expect_said(out, sp,
	            "skipped: data stick (a file system labelled WIPESEAL, partition 2): never "
	            "a target");
	expect_said(out, iso,
	            "skipped: boot image (holds this station's image, build id " BUILD_ID ")");
	ck_assert_msg(wiped_ok(out, a) && wiped_ok(out, b), "%s", out);
	ck_assert_msg(strstr(out, "started 2 wipes"), "%s", out);
	free(out);
	ck_assert_msg(!has_marker(a) && !has_marker(b), "a target kept its marker");
	after = sha(sp);
	ck_assert_str_eq(hp, after);
	free(after);
	after = sha(iso);
	ck_assert_str_eq(hi, after);
	free(after);
	ck_assert_int_eq(certificates(), 2);

	/* a data stick formatted on the whole device */
	clear_results();
	c = marked("ac");
	d = marked("ad");
	sw = stick_whole("asw", "WIPESEAL");
	hw = sha(sw);
	devs = test_fmt("'%s' '%s' '%s'", c, sw, d);
	ck_assert_int_eq(run_auto(&out, devs), WS_EXIT_OK);
	free(devs);
	expect_said(out, sw,
	            "skipped: data stick (a file system labelled WIPESEAL): never "
	            "a target");
	ck_assert_msg(wiped_ok(out, c) && wiped_ok(out, d), "%s", out);
	ck_assert_msg(!has_marker(c) && !has_marker(d), "a target kept its marker:\n%s", out);
	free(out);
	after = sha(sw);
	ck_assert_str_eq(hw, after);
	ck_assert_int_eq(certificates(), 2);
	free(after);
	free(hw);
	free(hp);
	free(hi);
	free(a);
	free(b);
	free(c);
	free(d);
	free(sp);
	free(sw);
	free(iso);
}
END_TEST

/* Two drives carry the label: which is the station's is not clear, so nothing starts. */
START_TEST(test_auto_two_sticks_starts_nothing)
{
	char *a = marked("ta"), *sp = stick_in_partition("tsp"),
	     *sw = stick_whole("tsw", "WIPESEAL");
	char *ha = sha(a), *hp = sha(sp), *hw = sha(sw), *after, *out = NULL, *devs;

	clear_results();
	devs = test_fmt("'%s' '%s' '%s'", a, sp, sw);
	ck_assert_int_eq(run_auto(&out, devs), WS_EXIT_REFUSED);
	free(devs);
	ck_assert_msg(strstr(out, "more than one data stick") && strstr(out, sp) &&
	                  strstr(out, sw) && strstr(out, "nothing is wiped"),
	              "%s", out);
	ck_assert_msg(!strstr(out, "started") && !strstr(out, "to be wiped"), "%s", out);
	free(out);
	after = sha(a);
	ck_assert_str_eq(ha, after);
	free(after);
	after = sha(sp);
	ck_assert_str_eq(hp, after);
	free(after);
	after = sha(sw);
	ck_assert_str_eq(hw, after);
	free(after);
	ck_assert_int_eq(certificates(), 0);
	free(ha);
	free(hp);
	free(hw);
	free(a);
	free(sp);
	free(sw);
}
END_TEST

static bool stick_row_back(const char *scr, const void *arg)
{
	char *l = line_with(scr, arg);
	bool ok = l && strstr(l, "[-]") && !strstr(l, "gone");

	free(l);
	return ok && strstr(scr, "1 of 2 selected");
}

/* The screen: the data stick is a dimmed [-] row with the reason and Space does not select
 * it; pulled and plugged back in (the same stick at the same node, a new disk sequence
 * number) it comes back as the data stick, not as an eligible drive. */
START_TEST(test_screen_stick_unselectable)
{
	char *a = marked("sa"), *sw = stick_whole("ssw", "WIPESEAL"), *hw = sha(sw), *img = NULL;
	char *args, *scr, *l, *after, *cmd, *msg;

	clear_results();
	ck_assert_int_eq(test_sh(&img, "losetup -nO BACK-FILE '%s'", sw), 0);
	img[strcspn(img, "\n")] = '\0';
	args = test_fmt(PROTECT " %s '%s' '%s'", signed_args(), a, sw);
	start_station("", args);
	free(args);
	scr = wait_for("hot-plug", 20);
	ck_assert_msg(strstr(scr, "1 of 2 selected"), "%s", scr);
	l = line_with(scr, sw);
	ck_assert_msg(l && strstr(l, "[-]") && strstr(l, "data stick"), "the stick's row: %s\n%s",
	              l, scr);
	free(l);
	free(scr);

	keys("j Space");
	scr = wait_for("cannot be selected", 10);
	ck_assert_msg(
	    strstr(scr, "cannot be selected: data stick (a file system labelled WIPESEAL)"), "%s",
	    scr);
	ck_assert_msg(strstr(scr, "1 of 2 selected"), "%s", scr);
	free(scr);

	/* pulled, and plugged back in */
	cmd =
	    test_fmt("losetup -d '%s' && udevadm settle 2>/dev/null; "
	             "for i in 1 2 3 4 5; do losetup '%s' '%s' && exit 0; sleep 0.2; done; exit 1",
	             sw, sw, img);
	sh_ok(cmd);
	free(cmd);
	/* a new medium at the node (a new disk sequence number): a row of its own */
	msg = test_fmt("%s: another medium", sw);
	free(wait_for(msg, 20));
	free(msg);
	free(wait_until(stick_row_back, sw, 20, "the stick's row back, [-]"));
	keys("Home j Space");
	scr = wait_for("cannot be selected", 10);
	ck_assert_msg(strstr(scr, "1 of 2 selected"), "%s", scr);
	l = line_with(scr, sw);
	ck_assert_msg(l && strstr(l, "[-]") && strstr(l, "data stick"), "the stick's row: %s\n%s",
	              l, scr);
	free(l);
	free(scr);
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	after = sha(sw);
	ck_assert_str_eq(hw, after);
	ck_assert_msg(has_marker(a), "nothing was started, yet the target changed");
	free(after);
	free(hw);
	free(img);
	free(a);
	free(sw);
}
END_TEST

/* `wipe` with the same protection refuses them with exit 3, also the label in lower case
 * and a stick whose FAT shares the device with a stray ext4 superblock (a safe probe finds
 * no file system there at all); a FAT file system with another label is no data stick. */
START_TEST(test_wipe_refuses_protected)
{
	char *sp = stick_in_partition("wsp"), *lower = stick_whole("wlow", "wipeseal");
	char *amb = stick_whole("wamb", "WIPESEAL"), *other = stick_whole("woth", "WSBOOT");
	char *iso = boot_image("wiso", BUILD_ID), *err = NULL, *h[4], *after, *cmd;
	char *refused[4] = { sp, lower, amb, iso };
	const char *why[4] = { "partition 2", "labelled WIPESEAL", "labelled WIPESEAL",
		               "boot image (holds this station's image" };

	/* ext4's superblock at 1024 bytes, inside FAT's reserved sectors: fsck.vfat is happy */
	cmd = test_fmt("img=$(mktemp) && truncate -s 8M $img && mkfs.ext4 -q -F $img && "
	               "dd if=$img of='%s' bs=1024 skip=1 seek=1 count=1 conv=notrunc status=none; "
	               "rc=$?; rm -f $img; [ $rc = 0 ] && ! blkid -p '%s' >/dev/null 2>&1",
	               amb, amb);
	sh_ok(cmd);
	free(cmd);
	for (int i = 0; i < 4; i++) {
		h[i] = sha(refused[i]);
		ck_assert_int_eq(
		    run_cli(NULL, &err, "wipe --yes --unsigned " PROTECT " '%s'", refused[i]),
		    WS_EXIT_REFUSED);
		ck_assert_msg(strstr(err, "never a target") && strstr(err, why[i]), "%s: %s",
		              refused[i], err);
		free(err);
		after = sha(refused[i]);
		ck_assert_str_eq(h[i], after);
		free(after);
		free(h[i]);
	}
	/* another label passes (a dry run: nothing written) */
	ck_assert_int_eq(run_cli(NULL, &err, "wipe --dry-run --unsigned " PROTECT " '%s'", other),
	                 WS_EXIT_OK);
	free(err);
	ck_assert_int_eq(run_cli(NULL, &err, "wipe --unsigned --protect-label '' '%s'", other),
	                 WS_EXIT_USAGE);
	free(err);
	free(sp);
	free(lower);
	free(amb);
	free(other);
	free(iso);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station-protected");
	TCase *tc = tcase_create("protected");
	int rc;

	if (test_sh(NULL, "command -v tmux && command -v mmd && command -v xorriso") != 0) {
		printf("SKIP: tmux, mtools or xorriso is not installed (scripts/deps.sh)\n");
		return TEST_SKIP;
	}
	simdrive_init("station-protected", "SP");
	tmuxstation_init();
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_wipe_refuses_protected);
	tcase_add_test(tc, test_auto_leaves_sticks_alone);
	tcase_add_test(tc, test_auto_two_sticks_starts_nothing);
	tcase_add_test(tc, test_screen_stick_unselectable);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	return rc;
}
