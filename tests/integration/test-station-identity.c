/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-identity.c - the station erases the medium the technician selected, and a
 * row, a prompt and a key belong to a drive, not to a bay or a row index. Driven in tmux as
 * in test-station.c, on loop devices this suite creates; "another medium in the same bay"
 * is the same loop device detached and attached again to another image (the kernel gives
 * it a new disk sequence number, as it does a new disk at a reused sdX name).
 *
 * The cases (the tmux helpers live in tmuxstation.c, shared by the station suites): another medium
 * attached at a selected drive's loop device while the WIPE prompt is open (nothing of it written);
 * the next medium in a bay getting a fresh row without the previous one's outcome or asset number;
 * a prompt that keeps acting on its drive when a row above the cursor is dropped (the cursor is
 * moved by reading which row is highlighted, never by counting rows); and a start prompt naming
 * twenty drives.
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

/* A marked image (ext4 holding the marker), not attached. */
static char *marked_image(const char *name)
{
	char *dev = marked(name), *img = NULL;

	ck_assert_int_eq(test_sh(&img, "losetup -nO BACK-FILE '%s'", dev), 0);
	img[strcspn(img, "\n")] = '\0';
	ck_assert_int_eq(test_sh(NULL, "losetup -d '%s'", dev), 0);
	free(dev);
	return img;
}

/* Another medium in @dev's bay: detach it and attach @image at the same device node. */
static void swap_medium(const char *dev, const char *image)
{
	char *out = NULL;

	ck_assert_msg(test_sh(&out,
	                      "losetup -d '%s' && udevadm settle 2>/dev/null; "
	                      "for i in 1 2 3 4 5; do losetup '%s' '%s' && exit 0; "
	                      "sleep 0.2; done; exit 1",
	                      dev, dev, image) == 0,
	              "re-attaching %s: %s", dev, out);
	free(out);
}

static bool image_has_marker(const char *img)
{
	return test_sh(NULL, "grep -a -q -F '%s' '%s'", marker, img) == 0;
}

static bool reported_change(const char *scr, const void *arg)
{
	(void)arg;
	return strstr(scr, "changed after it was selected") || strstr(scr, "another medium") ||
	       strstr(scr, "Summary");
}

/* §3: the WIPE prompt is open for medium A; medium B takes A's device node; WIPE erases
 * nothing of B (the row ends, or the gate's identity check refuses it). */
START_TEST(test_medium_swapped_at_the_prompt)
{
	char *dev = marked("swapa"), *imgb = marked_image("swapb"), *hb, *hb2, *scr, *args, *l;
	bool reported;

	clear_results();
	hb = sha(imgb);
	args = test_fmt("%s %s", signed_args(), dev);
	start_station("", args);
	free(wait_for("1 of 1 selected", 20));
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	swap_medium(dev, imgb);
	keys("Enter");
	/* either the row ended under the prompt, or the gate refused at start; or (the bug)
	 * the other medium was erased: then the summary comes up */
	scr = wait_until(reported_change, NULL, 120, "the change to be reported");
	reported = strstr(scr, "Summary") == NULL;
	free(scr);
	keys("Escape");
	keys("q");
	wait_exit(30);
	no_sanitizer_reports();
	hb2 = sha(imgb);
	ck_assert_msg(strcmp(hb, hb2) == 0, "the swapped-in medium was written");
	ck_assert_msg(image_has_marker(imgb), "the swapped-in medium lost its marker");
	ck_assert_int_ne(test_sh(NULL, "ls '%s'/certs/*.json", scratch_dir()), 0);
	l = test_fmt("grep -q SUCCESS '%s/audit.log'", scratch_dir());
	ck_assert_int_ne(test_sh(NULL, "%s", l), 0);
	ck_assert_msg(reported, "the station did not say the medium changed");
	free(l);
	free(hb);
	free(hb2);
	free(args);
	free(imgb);
	free(dev);
}
END_TEST

/* §4: after a wipe, the next drive in the same bay gets a fresh row: not the previous
 * drive's SUCCESS, not its asset number. */
START_TEST(test_next_drive_in_the_bay)
{
	char *dev = marked("baya"), *imgb = marked_image("bayb"), *args, *scr, *l, *certs;

	clear_results();
	args = test_fmt("%s %s", signed_args(), dev);
	start_station("", args);
	free(wait_for("1 of 1 selected", 20));
	keys("o");
	free(wait_for("Certificate fields", 10));
	keys("j j j j j Enter");
	keys("-l ASSET-BAY-A");
	keys("Enter Escape");
	free(wait_until(lacks_text, "Certificate fields", 10, "the form to close"));
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	scr = wait_for("Summary", 120);
	expect_line(scr, dev, "SUCCESS");
	free(scr);
	keys("x");
	free(wait_for("s START", 10));

	swap_medium(dev, imgb);
	/* two rows now: the wiped drive, gone, and the new one, idle */
	scr = wait_for("another medium", 30);
	l = test_fmt("%s ", dev);
	ck_assert_msg(strstr(scr, "gone, was SU"), "%s", scr);
	free(scr);
	/* the new row: not selected, no outcome; select it and wipe it */
	keys("End Space");
	free(wait_for("1 of 2 selected", 10));
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	scr = wait_for("Summary", 120);
	free(scr);
	keys("x q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	ck_assert_msg(!image_has_marker(imgb), "the second drive was not wiped");
	/* two certificates; only the first carries the first drive's asset number */
	certs = test_fmt("ls '%s'/certs/*.json | wc -l | grep -qx 2 && "
	                 "grep -l ASSET-BAY-A '%s'/certs/*.json | wc -l | grep -qx 1",
	                 scratch_dir(), scratch_dir());
	ck_assert_int_eq(test_sh(NULL, "%s", certs), 0);
	free(certs);
	free(l);
	free(args);
	free(imgb);
	free(dev);
}
END_TEST

/* Move the cursor onto the row of @path (the list may scroll, and other rows may come and
 * go meanwhile): step down from the top until the highlighted row ("> ") is it. */
static void cursor_to(const char *path)
{
	char *want = test_fmt("%s ", path);

	keys("Home");
	for (int i = 0; i < 200; i++) {
		char *scr = screen(), *l = line_with(scr, "> [");
		bool there = l && strstr(l, want);

		free(l);
		free(scr);
		if (there) {
			free(want);
			return;
		}
		keys("j");
		nap_ms(50);
	}
	ck_abort_msg("the cursor never reached %s", path);
}

/* §5: a row above the cursor goes away (a drive pulled) while the asset-tag form is open:
 * the tag lands on the drive the form named, and Space afterwards toggles that drive, not
 * its neighbour. An unnamed station (--all), where an idle pulled drive's row is dropped. */
START_TEST(test_prompt_acts_on_its_drive)
{
	char *a = marked("rowa"), *b = marked("rowb"), *up, *down, *args, *scr, *title, *row;

	clear_results();
	args = test_fmt("--all %s", signed_args());
	start_station("", args);
	row = test_fmt("%s ", b);
	free(wait_for(row, 20));
	free(row);
	/* rows are in kernel-name order (strverscmp) at start */
	up = strverscmp(a, b) < 0 ? a : b;
	down = up == a ? b : a;
	cursor_to(down);
	keys("o");
	title = test_fmt("Asset tag (%s)", down);
	free(wait_for(title, 10));
	/* the row above goes */
	ck_assert_int_eq(test_sh(NULL, "losetup -d '%s'", up), 0);
	row = test_fmt("%s ", up);
	free(wait_until(lacks_text, row, 30, "the pulled drive's row to go"));
	free(row);
	scr = screen();
	ck_assert_msg(strstr(scr, title), "the form lost its drive:\n%s", scr);
	free(scr);
	keys("j j j j j Enter");
	keys("-l ASSET-ROW");
	keys("Enter Escape");
	free(wait_until(lacks_text, "Certificate fields", 10, "the form to close"));
	/* the cursor is still on the same drive: Space selects it, and only it */
	keys("Space");
	row = test_fmt("[x] %s ", down);
	scr = wait_for(row, 10);
	ck_assert_msg(strstr(scr, "1 of "), "more than one selected:\n%s", scr);
	free(scr);
	keys("s");
	scr = wait_for("Type WIPE", 10);
	ck_assert_msg(strstr(scr, "ERASE 1 drive") && strstr(scr, down), "the prompt:\n%s", scr);
	free(scr);
	keys("-l WIPE");
	keys("Enter");
	free(wait_for("Summary", 120));
	keys("x q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();
	ck_assert_msg(!has_marker(down), "the drive was not wiped");
	scr = cert_of(down);
	ck_assert_int_eq(test_sh(NULL, "grep -q '\"ASSET-ROW\"' '%s'", scr), 0);
	free(scr);
	free(row);
	free(title);
	free(args);
	free(a);
	free(b);
}
END_TEST

/* The start prompt names every drive it will erase, also more than fit one per line. */
START_TEST(test_start_prompt_lists_every_drive)
{
	char *d[20], *args = strdup(""), *scr;

	clear_results();
	for (int i = 0; i < 20; i++) {
		char *img = scratch_image("many", 1), *next;

		d[i] = scratch_attach(img, false, false);
		next = test_fmt("%s %s", args, d[i]);
		free(args);
		args = next;
		free(img);
	}
	scr = test_fmt("--unsigned --cert-dir %s/certs %s", scratch_dir(), args);
	start_station("", scr);
	free(scr);
	free(wait_for("20 of 20 selected", 20));
	keys("s");
	scr = wait_for("Type WIPE", 10);
	{
		/* the list behind shows the paths too: look inside the prompt's box only */
		char *box = strstr(scr, " Start "),
		     *end = box ? strstr(box, "Everything on") : NULL;

		ck_assert_msg(box && end, "%s", scr);
		*end = '\0';
		for (int i = 0; i < 20; i++) {
			char *tok = test_fmt("%s ", d[i]), *tok_end = test_fmt("%s\n", d[i]);

			ck_assert_msg(strstr(box, tok) || strstr(box, tok_end), "%s not named:\n%s",
			              d[i], box);
			free(tok);
			free(tok_end);
		}
		*end = 'E';
	}
	ck_assert_msg(strstr(scr, "ERASE 20 drives"), "%s", scr);
	free(scr);
	keys("Escape q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	for (int i = 0; i < 20; i++)
		free(d[i]);
	free(args);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station-identity");
	TCase *tc = tcase_create("tmux");
	int rc;

	if (test_sh(NULL, "command -v tmux >/dev/null") != 0) {
		printf("SKIP: tmux is not installed (scripts/deps.sh installs it)\n");
		return TEST_SKIP;
	}
	simdrive_init("station-identity", "SI");
	tmuxstation_init();
	tcase_set_timeout(tc, 400);
	tcase_add_test(tc, test_medium_swapped_at_the_prompt);
	tcase_add_test(tc, test_next_drive_in_the_bay);
	tcase_add_test(tc, test_prompt_acts_on_its_drive);
	tcase_add_test(tc, test_start_prompt_lists_every_drive);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	return rc;
}
