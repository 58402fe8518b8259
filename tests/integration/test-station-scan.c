/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-scan.c - asset tags at scanner speed: the station's scanner mode ('t') driven
 * in tmux at 80x24 as a USB barcode scanner drives it (each tag and Enter, sent in one burst
 * by one tmux invocation), over ten loop devices of this suite (1 MiB each, filled with the
 * suite's marker), with the real `wipeseal` binary and the suite's PKI.
 *
 * What it shows: the TAG column appears (BUS gives way at 80 columns); ten tags scanned land
 * on ten drives in order, each row showing its own, the cursor ending on the last drive,
 * nothing selected or started by the letters in the tags (`jsq-...`: j, s and q are keys of
 * the list); the same tag again (in capitals) is refused naming the drive that has it; a
 * tag too long and one with a Tab the scanner sent are refused with the reason; an empty
 * line changes nothing; Up and a scan re-tag the drive above; Esc leaves the mode. In the
 * form ('o'), typing replaces a field's value (the tag, the operator's name) while
 * Backspace edits it, and a tag another drive has is refused there too. The WIPE prompt
 * and the summary name each drive's tag; every drive is wiped (its marker gone, read back
 * from the device) and its certificate, read from the file, carries its own tag as
 * media.property_number and the name typed, and verifies with openssl.
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

#define N_DRIVES 10

/* A 1 MiB loop device whose every line holds the suite's marker, and no file system. */
static char *small_marked(void)
{
	char *img = scratch_image("scan", 1), *dev;

	ck_assert_int_eq(test_sh(NULL,
	                         "yes '%s' | head -c 1048576 | dd of='%s' conv=notrunc status=none",
	                         marker, img),
	                 0);
	dev = scratch_attach(img, false, false);
	free(img);
	return dev;
}

/* The row of @dev in the list (malloc'd; asserted). */
static char *row(const char *scr, const char *dev)
{
	char *key = test_fmt("] %s ", dev), *l = line_with(scr, key);

	ck_assert_msg(l, "no row for %s:\n%s", dev, scr);
	free(key);
	return l;
}

/* What a scanner does: the tag's characters and Enter, at once (one tmux invocation). */
static void scan(const char *tag)
{
	char *cmd = test_fmt("send-keys -t st -l '%s' \\; send-keys -t st Enter", tag);

	ck_assert_int_eq(tmux(cmd), 0);
	free(cmd);
}

static char *tag_of(int i)
{
	return test_fmt("jsq-42%02d", i + 1);
}

/* Ten tags scanned in one burst: each drive has its own, the cursor is on the last. */
static void scan_ten(char *const *dev)
{
	char *burst = strdup(""), *scr, *l, *last;

	for (int i = 0; i < N_DRIVES; i++) {
		char *tag = tag_of(i), *next = test_fmt("%s send-keys -t st -l '%s' \\; send-keys "
		                                        "-t st Enter \\;",
		                                        burst, tag);

		free(burst);
		burst = next;
		free(tag);
	}
	burst[strlen(burst) - 3] = '\0'; /* no separator after the last command */
	ck_assert_int_eq(tmux(burst), 0);
	free(burst);
	scr = wait_for("that was the last drive", 20);
	for (int i = 0; i < N_DRIVES; i++) {
		char *tag = tag_of(i), *want = test_fmt(" %s ", tag);

		l = row(scr, dev[i]);
		ck_assert_msg(strstr(l, want), "%s has not its tag %s: %s\n%s", dev[i], tag, l,
		              scr);
		free(want);
		free(tag);
		free(l);
	}
	last = test_fmt("> [x] %s ", dev[N_DRIVES - 1]);
	ck_assert_msg(strstr(scr, last), "the cursor is not on the last drive:\n%s", scr);
	ck_assert_msg(strstr(scr, "10 of 10 selected") && !strstr(scr, "Type WIPE"),
	              "a letter of a tag acted as a key:\n%s", scr);
	free(last);
	free(scr);
}

/* What scanner mode refuses, with the reason on the message line; what it lets through. */
static void scan_refusals(char *const *dev)
{
	char *scr, *l, *want;

	scan("JSQ-4203"); /* the third drive's tag, in capitals */
	want = test_fmt("asset tag JSQ-4203 is already on %s: scan this drive's own", dev[2]);
	scr = wait_for(want, 10);
	free(want);
	l = row(scr, dev[N_DRIVES - 1]);
	ck_assert_msg(strstr(l, " jsq-4210 "), "the refused tag replaced the last one: %s", l);
	free(l);
	free(scr);
	scan("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
	free(wait_for("asset tag is longer than 64 characters", 10));
	ck_assert_int_eq(
	    tmux("send-keys -t st -l ab \\; send-keys -t st Tab \\; send-keys -t st -l "
	         "cd \\; send-keys -t st Enter"),
	    0);
	free(wait_for("asset tag byte 0x09 (character 3) is not printable ASCII", 10));
	/* an empty line (a second Enter) is no tag: nothing moves, the message stays */
	keys("Enter");
	nap_ms(500);
	scr = screen();
	ck_assert_msg(strstr(scr, "byte 0x09") && strstr(scr, "jsq-4210"), "%s", scr);
	free(scr);
	/* Up and a scan: the drive above gets the new tag, the cursor comes back down */
	keys("Up");
	scan("jsq-4290");
	want = test_fmt("%s: asset tag jsq-4290; next %s", dev[N_DRIVES - 2], dev[N_DRIVES - 1]);
	scr = wait_for(want, 10);
	free(want);
	l = row(scr, dev[N_DRIVES - 2]);
	ck_assert_msg(strstr(l, " jsq-4290 "), "%s", l);
	free(l);
	free(scr);
	keys("Escape");
	scr = wait_until(lacks_text, "SCANNER", 10, "scanner mode to end");
	ck_assert_msg(strstr(scr, "scanner mode left") && strstr(scr, "s START"), "%s", scr);
	free(scr);
}

/* The screen shows both strings of @arg (const char *const[2]). */
static bool has_both(const char *scr, const void *arg)
{
	const char *const *s = arg;

	return strstr(scr, s[0]) && strstr(scr, s[1]);
}

/* Wait until the form has kept @value (its field no longer edited). */
static char *kept(const char *value)
{
	const char *const both[2] = { value, "Up/Down choose, Enter edits" };

	return wait_until(has_both, both, 10, value);
}

/* The form: typing replaces a value, Backspace edits it, a taken tag is refused. */
static void form_replaces(char *const *dev)
{
	char *scr, *l, *title = test_fmt("Asset tag (%s)", dev[N_DRIVES - 1]);

	keys("o");
	free(wait_for("Certificate fields", 10));
	keys("j j j j j Enter");
	free(wait_for("Typing replaces the value", 10));
	keys("-l jsq-4219");
	keys("Enter");
	scr = kept("jsq-4219");
	expect_line(scr, title, "jsq-4219");
	l = line_with(scr, title);
	ck_assert_msg(!strstr(l, "jsq-4210"), "appended, not replaced: %s", l);
	free(l);
	free(scr);
	keys("Enter BSpace");
	keys("-l 8");
	keys("Enter");
	scr = kept("jsq-4218");
	expect_line(scr, title, "jsq-4218");
	free(scr);
	keys("Enter");
	keys("-l jsq-4201");
	keys("Enter");
	l = test_fmt("asset tag jsq-4201 is already on %s", dev[0]);
	free(wait_for(l, 10));
	free(l);
	keys("Escape");
	/* the operator's name, pre-filled from the flags, replaced by what is typed */
	keys("k k k k k Enter");
	keys("-l 'Dana Reyes'");
	keys("Enter");
	scr = kept("Dana Reyes");
	expect_line(scr, "Operator name", "Dana Reyes");
	ck_assert_msg(!strstr(scr, "Test Operator"), "%s", scr);
	free(scr);
	keys("Escape");
	scr = wait_until(lacks_text, "Certificate fields", 10, "the form to close");
	l = row(scr, dev[N_DRIVES - 1]);
	ck_assert_msg(strstr(l, " jsq-4218 "), "%s\n%s", l, scr);
	free(l);
	free(scr);
	free(title);
}

/* The tag each drive ends with: scanned, re-scanned (the ninth), edited (the tenth). */
static char *final_tag(int i)
{
	return i == N_DRIVES - 1   ? strdup("jsq-4218")
	       : i == N_DRIVES - 2 ? strdup("jsq-4290")
	                           : tag_of(i);
}

/* WIPE prompt, wipe, summary: each names the drive's tag. */
static void wipe_all(char *const *dev)
{
	char *scr, *l;

	keys("s");
	scr = wait_for("Type WIPE", 10);
	for (int i = 0; i < N_DRIVES; i++) {
		char *tag = final_tag(i), *key = test_fmt("%s  serial", dev[i]),
		     *want = test_fmt("tag %s", tag);

		expect_line(scr, key, want);
		free(want);
		free(key);
		free(tag);
	}
	free(scr);
	keys("-l WIPE");
	keys("Enter");
	scr = wait_for("Summary", 120);
	ck_assert_msg(strstr(scr, "TIME  TAG"), "%s", scr);
	l = test_fmt("%s ", dev[0]);
	expect_line(scr, l, "SUCCESS");
	expect_line(scr, l, "  jsq-4201");
	free(l);
	free(scr);
	keys("x");
	free(wait_for("s START", 10));
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
}

START_TEST(test_scanner_mode_ten_drives)
{
	char *dev[N_DRIVES], *args = strdup(""), *scr, *l;

	clear_results();
	for (int i = 0; i < N_DRIVES; i++) {
		char *next;

		dev[i] = small_marked();
		next = test_fmt("%s %s", args, dev[i]);
		free(args);
		args = next;
	}
	l = test_fmt("-V full %s%s", signed_args(), args);
	start_station("", l);
	free(l);
	free(wait_for("10 of 10 selected", 20));
	keys("t");
	scr = wait_for("SCANNER", 10);
	l = line_with(scr, "SEL");
	ck_assert_msg(l && strstr(l, "SERIAL     TAG") && !strstr(l, "BUS"), "header: %s\n%s", l,
	              scr);
	free(l);
	free(scr);
	scan_ten(dev);
	scan_refusals(dev);
	form_replaces(dev);
	wipe_all(dev);

	/* read back: every drive wiped; each certificate, from its file, carries its tag */
	for (int i = 0; i < N_DRIVES; i++) {
		char *cert = cert_of(dev[i]), *tag = final_tag(i);
		struct json_object *root = json_object_from_file(cert);
		const char *got = root ? jstr(root, "media.property_number") : NULL;

		ck_assert_msg(!has_marker(dev[i]), "%s still holds the marker", dev[i]);
		ck_assert_msg(got && strcmp(got, tag) == 0, "%s: property_number %s, not %s", cert,
		              got ? got : "(none)", tag);
		ck_assert_int_eq(test_sh(NULL, "grep -q '\"Dana Reyes\"' '%s'", cert), 0);
		ck_assert_int_eq(openssl_verify(cert), 0);
		json_object_put(root);
		free(tag);
		free(cert);
		free(dev[i]);
	}
	free(args);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station-scan");
	TCase *tc = tcase_create("tmux");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_scanner_mode_ten_drives);
	suite_add_tcase(s, tc);
	return tmuxstation_run(s, "station-scan", "SN");
}
