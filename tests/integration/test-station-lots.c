/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-station-lots.c - customers, jobs and batches on the station's screen, driven in tmux
 * at 80x24 as test-station.c drives it, against three loop devices of this suite holding
 * ext4 with a marker:
 *
 * - with [lot] customers set, the station opens on "New batch": the customer is picked from
 *   the list, the job and batch numbers typed as a scanner types them (the text, then
 *   Enter); a number with a '/' is refused in the box, saying why; the header then names
 *   the customer, the job and the batch;
 * - batch B1 wipes two drives; its summary lists both; 'b' ends it: batch-report.csv (a row
 *   per drive, read back) and batch-report.pdf (pdfsig: a valid signature) are written in
 *   CERT_DIR/ACME_Ltd/J-17/B1/ with labels.pdf, the label sheet on [lot] label_stock =
 *   5160 (pdfinfo: US Letter; pdftotext: a SUCCESS label per drive; zbarimg: a QR code per
 *   certificate, each its file's sha256sum), the message line says so, and "New batch" asks
 *   again;
 * - batch B2 wipes the third drive; its summary shows that drive only, not the two of B1;
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
 * SUCCESS, and its QR codes (zbarimg, off pdftoppm's 300 dpi rendering) are exactly the
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
	ck_assert_int_eq(test_sh(&out,
	                         "pdftoppm -r 300 -png '%s/labels.pdf' '%s/lbl-%s' && "
	                         "zbarimg -q --raw '%s/lbl-%s'-*.png 2>/dev/null | sort",
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

static void start_selected(void)
{
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
}

START_TEST(test_two_batches)
{
	char *a = marked("la"), *b = marked("lb"), *c = marked("lc"), *conf = write_config();
	char *args, *scr, *l, *out = NULL;
	struct json_object *doc;

	clear_results();
	args = test_fmt("--config '%s' %s %s %s %s", conf, signed_args(), a, b, c);
	start_station("", args);

	/* a batch number that cannot name a folder is refused in the box */
	new_batch("J-17", "B/1");
	scr = wait_for("cannot name a folder", 10);
	free(scr);
	keys("BSpace BSpace");
	keys("-l 1");
	keys("Enter");
	scr = wait_for("ACME Ltd  job J-17  batch B1", 10);
	ck_assert_msg(strstr(scr, "3 of 3 sel"), "%s", scr);
	free(scr);

	/* batch B1: a and b (c unselected: it is the last row) */
	keys("End Space");
	free(wait_for("2 of 3 sel", 10));
	start_selected();
	scr = wait_for("Summary", 180);
	expect_line(scr, a, "SUCCESS");
	expect_line(scr, b, "SUCCESS");
	free(scr);
	keys("x");
	free(wait_for("s START", 10));

	/* b ends it: the report and the labels, said on the message line; the next batch's box */
	keys("b");
	scr = wait_for("labels.pdf (2, 5160)", 30);
	ck_assert_msg(strstr(scr, "batch ended: batch-report.csv/.pdf (2 drives, 2 ok)"), "%s",
	              scr);
	free(scr);
	new_batch("J-17", "B2");
	scr = wait_for("ACME Ltd  job J-17  batch B2", 10);
	free(scr);
	out = ls("B1", "*.json batch-report.*");
	ck_assert_msg(strstr(out, "batch-report.csv") && strstr(out, "batch-report.pdf"), "%s",
	              out);
	free(out);
	ck_assert_int_eq(test_sh(&out,
	                         "grep -c ',SUCCESS,' '%s/certs/ACME_Ltd/J-17/B1/"
	                         "batch-report.csv'",
	                         scratch_dir()),
	                 0);
	ck_assert_str_eq(out, "2\n");
	free(out);
	ck_assert_int_eq(test_sh(&out,
	                         "pdfsig -nocert '%s/certs/ACME_Ltd/J-17/B1/batch-report.pdf' "
	                         "2>&1",
	                         scratch_dir()),
	                 0);
	ck_assert_msg(strstr(out, "Signature is Valid."), "%s", out);
	free(out);
	check_labels("B1", 2);

	/* batch B2: c alone; the summary shows it, not B1's drives */
	keys("End Space");
	free(wait_for("1 of 3 sel", 10));
	start_selected();
	scr = wait_for("Summary", 180);
	expect_line(scr, c, "SUCCESS");
	l = test_fmt("%s ", a);
	ck_assert_msg(!strstr(scr, l), "B1's drive in B2's summary:\n%s", scr);
	free(l);
	l = test_fmt("%s ", b);
	ck_assert_msg(!strstr(scr, l), "B1's drive in B2's summary:\n%s", scr);
	free(l);
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
	ck_assert_str_eq(jstr(doc, "media.path"), c);
	json_object_put(doc);
	free(l);
	free(out);
	ck_assert(!has_marker(a) && !has_marker(b) && !has_marker(c));
	free(args);
	free(conf);
	free(a), free(b), free(c);
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
