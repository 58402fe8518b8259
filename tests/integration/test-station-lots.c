/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-lots.c - customers, jobs and batches on the station's screen, driven in tmux
 * at 80x24 as test-station.c drives it, against eleven loop devices of this suite (2 MiB
 * each, every line the suite's marker: small, so ten bays wipe in seconds):
 *
 * - with [lot] customers set, the station opens on "New batch": the customer is picked from
 *   the list, the job and batch numbers typed as a scanner types them (the text, then
 *   Enter); a number with a '/' is refused in the box, saying why; the header then names
 *   the customer, the job and the batch;
 * - batch B1 is ten drives, each given its asset tag in scanner mode ('t', one burst), wiped
 *   in one start; the summary cannot hold ten at 24 lines: it shows the first ones and how
 *   many more, and PgDn scrolls to the rest, so every one of the ten is seen SUCCESS with
 *   its tag; 'b' ends it: batch-report.csv has ten rows, each read back (python3's csv
 *   module) against the certificate it names (serial, status, asset tag, NIST level, start,
 *   the sha256sum of the file), batch-report.pdf has a valid signature (pdfsig), and
 *   labels.pdf, the label sheet on [lot] label_stock = 5160, is US Letter (pdfinfo) with ten
 *   SUCCESS labels each showing its drive's asset tag (pdftotext; loop devices have no
 *   serial to show) and ten QR codes (zbarimg), each the sha256sum of one certificate of
 *   the folder; the message line says what was written, and "New batch" asks again;
 * - batch B2 wipes the eleventh drive; its summary shows that drive only, none of B1's;
 *   its certificate is in .../B2/ and names batch B2; every marker is gone from the
 *   devices, read back.
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

#define N_B1 10 /* the drives of batch B1: a station of ten bays */

/* A 2 MiB loop device whose every line holds the suite's marker, and no file system. */
static char *small_marked(void)
{
	char *img = scratch_image("lots", 2), *dev;

	ck_assert_int_eq(test_sh(NULL,
	                         "yes '%s' | head -c 2097152 | dd of='%s' conv=notrunc status=none",
	                         marker, img),
	                 0);
	dev = scratch_attach(img, false, false);
	free(img);
	return dev;
}

static char *tag_of(int i)
{
	return test_fmt("AT-%02d", i + 1);
}

/* The config: the customer list and the CA the report verifies against. */
static char *write_config(void)
{
	char *conf = test_fmt("%s/lots.conf", scratch_dir()),
	     *list = test_fmt("%s/customers.csv", scratch_dir());

	ck_assert_int_eq(test_sh(NULL,
	                         "printf 'id,name,contact\\nC001,ACME Ltd,Jane Roe\\n"
	                         "C002,Other,\\n' > '%s' && "
	                         "printf '[lot]\\ncustomers = %s\\nca = %s/ca/ca.pem\\n"
	                         "label_stock = 5160\\n' > '%s'",
	                         list, list, pki, conf),
	                 0);
	free(list);
	return conf;
}

/* The box: the first customer, then @job and @batch typed, each with Enter. */
static void new_batch(const char *job, const char *batch)
{
	char *k, *scr = wait_for(" New batch ", 20);

	ck_assert_msg(strstr(scr, "> C001   ACME Ltd") && strstr(scr, "C002   Other") &&
	                  strstr(scr, "(no customer)"),
	              "%s", scr);
	free(scr);
	keys("Enter");
	free(wait_for("Job number:", 10));
	k = test_fmt("-l %s", job);
	keys(k);
	free(k);
	keys("Enter");
	free(wait_for("Batch number:", 10));
	k = test_fmt("-l %s", batch);
	keys(k);
	free(k);
	keys("Enter");
}

/* The files of the lot folder @batch matching @glob, one per line (malloc'd). */
static char *ls(const char *batch, const char *glob)
{
	char *out = NULL;

	test_sh(&out, "cd '%s/certs/ACME_Ltd/J-17/%s' && ls %s", scratch_dir(), batch, glob);
	return out;
}

/* The label sheet of @batch: on US Letter ([lot] label_stock = 5160), @n labels that say
 * SUCCESS, and its QR codes (zbarimg, off pdftoppm's sharp 300 dpi rendering) are exactly the
 * SHA-256 of each certificate file in the folder. */
static void check_labels(const char *batch, int n)
{
	char *dir = test_fmt("%s/certs/ACME_Ltd/J-17/%s", scratch_dir(), batch), *out = NULL,
	     *want = NULL;

	ck_assert_int_eq(test_sh(&out, "pdfinfo '%s/labels.pdf' | grep '^Page size:'", dir), 0);
	ck_assert_msg(strstr(out, "612 x 792 pts (letter)"), "%s", out);
	free(out);
	ck_assert_int_eq(
	    test_sh(&out, "pdftotext -layout '%s/labels.pdf' - | grep -o SUCCESS | wc -l", dir), 0);
	ck_assert_int_eq(atoi(out), n);
	free(out);
	/* without anti-aliasing: a grey edge on a module of about 5 pixels makes zbar miss a
	 * code now and then (1 in 30 in a trial); sharp modules, 300 of 300 read */
	ck_assert_int_eq(test_sh(&out,
	                         "pdftoppm -r 300 -aa no -aaVector no -png '%s/labels.pdf' "
	                         "'%s/lbl-%s' && for p in '%s/lbl-%s'-*.png; do zbarimg -q --raw "
	                         "-Sdisable -Sqrcode.enable \"$p\" 2>/dev/null; done | sort",
	                         dir, scratch_dir(), batch, scratch_dir(), batch),
	                 0);
	ck_assert_int_eq(test_sh(&want,
	                         "cd '%s' && for f in *.json; do printf 'wipeseal:sha256:%%s\\n' "
	                         "\"$(sha256sum \"$f\" | cut -d' ' -f1)\"; done | sort",
	                         dir),
	                 0);
	ck_assert_int_eq((int)(strlen(want) / 81), n); /* 16 + 64 + newline each */
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	free(dir);
}

/* The CSV's rows against the certificates: "ok" and the tag per row that agrees. */
static const char check_rows[] =
    "import csv, hashlib, json, os, sys\n"
    "d = sys.argv[1]\n"
    "rows = list(csv.DictReader(open(os.path.join(d, 'batch-report.csv'), newline='')))\n"
    "print(len(rows), 'rows')\n"
    "for r in rows:\n"
    "    b = open(os.path.join(d, r['certificate']), 'rb').read()\n"
    "    c = json.loads(b)\n"
    "    ok = (r['verification'] == 'authentic' and r['status'] == c['status'] and\n"
    "          r['serial'] == (c['media']['serial'] or '') and\n"
    "          r['asset_tag'] == c['media']['property_number'] and\n"
    "          r['sha256'] == hashlib.sha256(b).hexdigest() and\n"
    "          r['nist_level'] == c['evidence']['nist_level'] and\n"
    "          r['started'] == c['evidence']['started'])\n"
    "    print(r['status'], r['asset_tag'], 'ok' if ok else r)\n";

/* B1's report: ten rows, each agreeing with its certificate, one per tag. */
static void check_report(void)
{
	char *py = test_fmt("%s/check-rows.py", scratch_dir()), *out = NULL;
	FILE *f = fopen(py, "w");

	ck_assert_ptr_nonnull(f);
	fputs(check_rows, f);
	fclose(f);
	ck_assert_int_eq(
	    test_sh(&out, "python3 '%s' '%s/certs/ACME_Ltd/J-17/B1'", py, scratch_dir()), 0);
	ck_assert_msg(strstr(out, "10 rows\n"), "%s", out);
	for (int i = 0; i < N_B1; i++) {
		char *tag = tag_of(i), *want = test_fmt("SUCCESS %s ok\n", tag);

		ck_assert_msg(strstr(out, want), "no row '%s' in:\n%s", want, out);
		free(want);
		free(tag);
	}
	free(out);
	free(py);
}

/* B1's label sheet shows every drive's tag. */
static void labels_show_tags(void)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out, "pdftotext -layout '%s/certs/ACME_Ltd/J-17/B1/labels.pdf' -",
	                         scratch_dir()),
	                 0);
	for (int i = 0; i < N_B1; i++) {
		char *tag = tag_of(i);

		ck_assert_msg(strstr(out, tag), "'%s' not on the sheet:\n%s", tag, out);
		free(tag);
	}
	free(out);
}

/* Scanner mode: the ten tags in one burst, as a scanner types them, from the top row. */
static void scan_tags(char *const *dev)
{
	char *burst = strdup(""), *scr, *want;

	keys("Home t");
	free(wait_for("SCANNER", 10));
	for (int i = 0; i < N_B1; i++) {
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
	want = test_fmt("%s: asset tag AT-10", dev[N_B1 - 1]);
	free(wait_for(want, 20));
	free(want);
	keys("Escape");
	scr = wait_until(lacks_text, "SCANNER", 10, "scanner mode to end");
	free(scr);
}

/* The summary of B1: the first drives, "N more", and PgDn the rest; every drive of the ten
 * seen SUCCESS with its tag, on one screen or the other. */
static void summary_of_ten(char *const *dev)
{
	char *scr[2], *l;

	scr[0] = wait_for("Summary", 180);
	ck_assert_msg(strstr(scr[0], "more (Down, PgDn") && strstr(scr[0], "PgUp/PgDn scroll"),
	              "ten drives fit at 80x24?\n%s", scr[0]);
	l = test_fmt("%s ", dev[0]);
	ck_assert_msg(strstr(scr[0], l), "%s", scr[0]);
	free(l);
	keys("NPage");
	scr[1] = wait_for(" above (Up, PgUp)", 10);
	ck_assert_msg(strstr(scr[1], "Summary") && !strstr(scr[1], "more (Down"),
	              "PgDn did not reach the end:\n%s", scr[1]);
	/* at the end, the last drive's certificate line too */
	l = test_fmt("_loop_%s.json", strrchr(dev[N_B1 - 1], '/') + 1);
	ck_assert_msg(strstr(scr[1], l), "no %s:\n%s", l, scr[1]);
	free(l);
	for (int i = 0; i < N_B1; i++) {
		char *key = test_fmt("%s ", dev[i]), *tag = tag_of(i), *in = NULL;

		for (int k = 0; k < 2 && !in; k++)
			in = line_with(scr[k], key);
		ck_assert_msg(in && strstr(in, "SUCCESS") && strstr(in, tag),
		              "%s not SUCCESS with %s on either screen:\n%s\n%s", dev[i], tag,
		              scr[0], scr[1]);
		free(in);
		free(tag);
		free(key);
	}
	free(scr[0]);
	free(scr[1]);
	/* Up scrolls back, and the summary stays until another key */
	keys("Home");
	free(wait_until(lacks_text, " above (Up, PgUp)", 10, "Home to scroll back"));
	keys("x");
	free(wait_for("s START", 10));
}

static void start_selected(void)
{
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
}

START_TEST(test_two_batches)
{
	char *dev[N_B1 + 1], *conf = write_config(), *args = strdup(""), *scr, *l, *out = NULL;
	struct json_object *doc;

	clear_results();
	for (int i = 0; i <= N_B1; i++) {
		char *next;

		dev[i] = small_marked();
		next = test_fmt("%s %s", args, dev[i]);
		free(args);
		args = next;
	}
	l = test_fmt("--config '%s' %s%s", conf, signed_args(), args);
	start_station("", l);
	free(l);

	/* a batch number that cannot name a folder is refused in the box */
	new_batch("J-17", "B/1");
	scr = wait_for("cannot name a folder", 10);
	free(scr);
	keys("BSpace BSpace");
	keys("-l 1");
	keys("Enter");
	scr = wait_for("ACME Ltd  job J-17  batch B1", 10);
	ck_assert_msg(strstr(scr, "11 of 11 sel"), "%s", scr);
	free(scr);

	/* batch B1: the first ten, tagged by scanner (the eleventh unselected: the last row) */
	scan_tags(dev);
	keys("End Space");
	free(wait_for("10 of 11 sel", 10));
	start_selected();
	summary_of_ten(dev);

	/* b ends it: the report and the labels, said on the message line; the next batch's box */
	keys("b");
	scr = wait_for("labels.pdf (10, 5160)", 30);
	ck_assert_msg(strstr(scr, "batch ended: batch-report.csv/.pdf (10 drives, 10 ok)"), "%s",
	              scr);
	free(scr);
	new_batch("J-17", "B2");
	scr = wait_for("ACME Ltd  job J-17  batch B2", 10);
	free(scr);
	out = ls("B1", "*.json batch-report.* labels.pdf");
	ck_assert_msg(strstr(out, "batch-report.csv") && strstr(out, "batch-report.pdf") &&
	                  strstr(out, "labels.pdf"),
	              "%s", out);
	free(out);
	check_report();
	ck_assert_int_eq(test_sh(&out,
	                         "pdfsig -nocert '%s/certs/ACME_Ltd/J-17/B1/batch-report.pdf' "
	                         "2>&1",
	                         scratch_dir()),
	                 0);
	ck_assert_msg(strstr(out, "Signature is Valid."), "%s", out);
	free(out);
	check_labels("B1", N_B1);
	labels_show_tags();

	/* batch B2: the eleventh alone; the summary shows it, none of B1's drives */
	keys("End Space");
	free(wait_for("1 of 11 sel", 10));
	start_selected();
	scr = wait_for("Summary", 180);
	expect_line(scr, dev[N_B1], "SUCCESS");
	for (int i = 0; i < N_B1; i++) {
		l = test_fmt("%s ", dev[i]);
		ck_assert_msg(!strstr(scr, l), "B1's drive in B2's summary:\n%s", scr);
		free(l);
	}
	ck_assert_msg(strstr(scr, "Press any key to return"), "%s", scr);
	free(scr);
	keys("x");
	keys("q");
	ck_assert_int_eq(wait_exit(30), 0);
	no_sanitizer_reports();

	out = ls("B2", "*.json");
	ck_assert_msg(out && strchr(out, '\n') == strrchr(out, '\n'), "one certificate: %s", out);
	*strchr(out, '\n') = '\0';
	l = test_fmt("%s/certs/ACME_Ltd/J-17/B2/%s", scratch_dir(), out);
	doc = json_object_from_file(l);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(jstr(doc, "job.batch"), "B2");
	ck_assert_str_eq(jstr(doc, "job.customer"), "ACME Ltd");
	ck_assert_str_eq(jstr(doc, "media.path"), dev[N_B1]);
	json_object_put(doc);
	free(l);
	free(out);
	for (int i = 0; i <= N_B1; i++) {
		ck_assert_msg(!has_marker(dev[i]), "%s still holds the marker", dev[i]);
		free(dev[i]);
	}
	free(args);
	free(conf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("station-lots");
	TCase *tc = tcase_create("tmux");
	int rc;

	if (test_sh(NULL, "command -v tmux >/dev/null") != 0) {
		printf("SKIP: tmux is not installed (scripts/deps.sh installs it)\n");
		return TEST_SKIP;
	}
	simdrive_init("station-lots", "SL");
	tmuxstation_init();
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_two_batches);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	return rc;
}
