/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-labels.c - `wipeseal labels`, the label sheet of a batch, checked with tools that are
 * not ours. The certificates are made the real way: three simulated SATA drives
 * (tests/atasim over loop devices, each with its own serial) wiped and signed by
 * `wipeseal wipe` with a station key made by certs/; drive A and B are sanitized, drive C's
 * sanitize fails (an honest FAILED certificate); then A's certificate is copied and its serial
 * changed after signing: a forgery. What the tests show:
 *
 * - test_sheet_of_a_folder: `labels --stock 5160 DIR` exits 1, names the forgery ("no
 *   label") and writes the other three: pdftotext finds each serial (B's twenty W's whole) and
 *   asset tag, C's FAILED, and not the forged serial; pdfinfo says one US Letter page
 *   (612 x 792 pt); zbarimg reads three QR codes off pdftoppm's sharp 300 dpi rendering
 *   (no anti-aliasing: with it zbarimg missed 2 codes of 60), and they are wipeseal:sha256:
 *   and the sha256sum of each genuine certificate file, nothing else.
 * - test_skip_moves_the_first_label: on l7160 (A4, 595.276 x 841.89 pt), A alone lands in
 *   position 0; with --skip 20, A is in position 20 (row 7, column 3: where Avery's template
 *   puts it, computed here from its numbers, read with pdftotext's crop) and position 0 is
 *   empty, B and C go on a second page at positions 0 and 1: two pages, exit 0.
 * - test_refusals: an unknown stock, a --skip the sheet cannot take, no --ca, no certificate
 *   in the directory named: exit 2 with one line each; a sheet of only the forgery: exit 1,
 *   "none of the 1 certificates verified", no file and no temporary file left; an output in
 *   a directory that does not exist: exit 1, nothing written; an existing output: exit 1 and
 *   the file unchanged, replaced with --force.
 *
 * Loop devices (three) are made by the scratch helpers and detached by scratch_cleanup().
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

#define SERIAL_A "LBL-A-7Q2WX9"
#define SERIAL_B "WWWWWWWWWWWWWWWWWWWW" /* ATA's longest serial, of its widest letter */
#define SERIAL_C "LBL-C-FAILS"
#define FORGED   "LBL-F-FORGED"

static char *cert_a, *cert_b, *cert_c, *forged, *forged_dir;

/* The certificate file the last JSON line of `wipe --json` names. */
static char *cert_file(const char *out)
{
	struct json_object *root = json_last_line(out);
	const char *f = jstr(root, "file");
	char *path;

	test_require(f, "no certificate file in: %s", out);
	path = strdup(f);
	json_object_put(root);
	return path;
}

/* A simulated SATA drive (@profile) with @serial, sanitized; @want: the exit status. */
static char *wipe_drive(const char *img, const char *profile, const char *serial, const char *tag,
                        int want)
{
	char *dev = marked_raw(img),
	     *prefix = test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                        "WS_ATASIM_PATH='%s' WS_ATASIM_PROFILE=%s WS_ATASIM_SECONDS=1 "
	                        "WS_ATASIM_SERIAL='%s'",
	                        WS_ATASIM, dev, profile, serial),
	     *args = test_fmt("-m ata-sanitize-block --asset-tag '%s' '%s'", tag, dev), *out = NULL,
	     *err = NULL, *cert;
	int r = simdrive_wipe(prefix, args, &out, &err);

	test_require(r == want, "wipe %s (%s): exit %d, want %d: %s", dev, profile, r, want, err);
	cert = cert_file(out);
	free(dev), free(prefix), free(args), free(out), free(err);
	return cert;
}

static void make_certificates(void)
{
	cert_a = wipe_drive("a.img", "sata-ssd", SERIAL_A, "TAG-A-001", WS_EXIT_OK);
	cert_b = wipe_drive("b.img", "sata-ssd", SERIAL_B, "TAG-B-002", WS_EXIT_OK);
	cert_c = wipe_drive("c.img", "fails", SERIAL_C, "TAG-C-003", WS_EXIT_FAILED);
	/* a forgery: A's certificate and signature, its serial changed after signing */
	forged = test_fmt("%s/certs/forged.json", scratch_dir());
	forged_dir = test_fmt("%s/forged-only", scratch_dir());
	test_require(test_sh(NULL,
	                     "sed 's/\"%s\"/\"%s\"/' '%s' > '%s' && grep -q '%s' '%s' && "
	                     "cp '%s.p7s' '%s.p7s' && mkdir '%s' && cp '%s' '%s.p7s' '%s'",
	                     SERIAL_A, FORGED, cert_a, forged, FORGED, forged, cert_a, forged,
	                     forged_dir, forged, forged, forged_dir) == 0,
	             "making the forgery");
}

/* `wipeseal labels --ca CA ARGS`: the exit status; stdout and stderr. */
static int labels(char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int labels(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	char *args = NULL;
	int r;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	va_end(ap);
	r = run_cli(out, err, "labels --ca %s/ca/ca.pem %s", pki, args);
	free(args);
	return r;
}

static char *sh_out(const char *cmd)
{
	char *out = NULL;

	ck_assert_msg(test_sh(&out, "%s", cmd) == 0, "%s: %s", cmd, out);
	return out;
}

static char *sha_line(const char *file)
{
	char *cmd = test_fmt("printf 'wipeseal:sha256:%%s\\n' \"$(sha256sum < '%s' | cut -c1-64)\"",
	                     file),
	     *line = sh_out(cmd);

	free(cmd);
	return line;
}

/* What pdfinfo says of @pdf: its number of pages and its page size, a line each. */
static char *pages_and_size(const char *pdf)
{
	char *cmd = test_fmt("pdfinfo '%s' | sed -n 's/^Pages: *//p; s/^Page size: *//p'", pdf),
	     *info = sh_out(cmd);

	free(cmd);
	return info;
}

START_TEST(test_sheet_of_a_folder)
{
	char *out = NULL, *err = NULL, *pdf = test_fmt("%s/folder.pdf", scratch_dir()), *cmd;
	char *text, *info, *qr, *want;
	char *a = sha_line(cert_a), *b = sha_line(cert_b), *c = sha_line(cert_c);

	ck_assert_int_eq(
	    labels(&out, &err, "--stock 5160 --out '%s' '%s/certs'", pdf, scratch_dir()),
	    WS_EXIT_FAILED);
	ck_assert_msg(strstr(err, "forged.json: no label: "), "%s", err);
	ck_assert_msg(strstr(out, "3 labels on 1 page (5160)"), "%s", out);
	cmd = test_fmt("pdftotext -layout '%s' -", pdf);
	text = sh_out(cmd);
	free(cmd);
	for (const char *const *w =
	         (const char *const[]){ SERIAL_A, SERIAL_B, SERIAL_C, "TAG-A-001", "TAG-B-002",
	                                "TAG-C-003", "SUCCESS", "FAILED", NULL };
	     *w; w++)
		ck_assert_msg(strstr(text, *w), "'%s' not on the sheet:\n%s", *w, text);
	ck_assert_msg(!strstr(text, FORGED), "%s", text);
	info = pages_and_size(pdf);
	ck_assert_str_eq(info, "1\n612 x 792 pts (letter)\n");
	/* every QR code on the page, in the order zbarimg found them, sorted */
	cmd = test_fmt("pdftoppm -r 300 -aa no -aaVector no -png '%s' '%s/folder' && "
	               "zbarimg -q --raw '%s/folder-1.png' 2>/dev/null | sort",
	               pdf, scratch_dir(), scratch_dir());
	qr = sh_out(cmd);
	free(cmd);
	cmd = test_fmt("printf '%%s%%s%%s' '%s' '%s' '%s' | sort", a, b, c);
	want = sh_out(cmd);
	ck_assert_str_eq(qr, want);
	free(cmd), free(want), free(qr), free(info), free(text), free(a), free(b), free(c);
	free(out), free(err), free(pdf);
}
END_TEST

/* The text pdftotext finds inside position @pos of page @page of an A4 L7160 sheet, the
 * place computed from Avery's template: top 15.15 mm, side 7.25 mm, pitch 66.04 x 38.1. */
static char *in_position(const char *pdf, int page, int pos)
{
	const double mm = 72.0 / 25.4;
	int x = (int)((7.25 + 66.04 * (pos % 3)) * mm) + 2,
	    y = (int)((15.15 + 38.1 * (pos / 3)) * mm) + 2;
	int w = (int)(63.5 * mm) - 4, h = (int)(38.1 * mm) - 4;
	char *cmd = test_fmt("pdftotext -f %d -l %d -x %d -y %d -W %d -H %d '%s' - | tr -d '\\f'",
	                     page, page, x, y, w, h, pdf),
	     *text = sh_out(cmd);

	free(cmd);
	return text;
}

START_TEST(test_skip_moves_the_first_label)
{
	char *out = NULL, *err = NULL, *pdf = test_fmt("%s/one.pdf", scratch_dir()), *t, *info;

	/* without --skip: position 0 */
	ck_assert_int_eq(labels(&out, &err, "--out '%s' '%s'", pdf, cert_a), WS_EXIT_OK);
	ck_assert_msg(strstr(out, "1 label on 1 page (l7160)"), "%s", out);
	t = in_position(pdf, 1, 0);
	ck_assert_msg(strstr(t, SERIAL_A), "position 0: %s", t);
	free(t), free(out), free(err), free(pdf);
	/* --skip 20: the last position of the first sheet, then a second sheet */
	pdf = test_fmt("%s/skip.pdf", scratch_dir());
	ck_assert_int_eq(labels(&out, &err, "--stock L7160 --skip 20 --out '%s' '%s' '%s' '%s'",
	                        pdf, cert_a, cert_b, cert_c),
	                 WS_EXIT_OK);
	ck_assert_msg(strstr(out, "3 labels on 2 pages (l7160)"), "%s", out);
	t = in_position(pdf, 1, 20);
	ck_assert_msg(strstr(t, SERIAL_A) && strstr(t, "TAG-A-001"), "position 20: %s", t);
	free(t);
	t = in_position(pdf, 1, 0);
	ck_assert_msg(strspn(t, " \n") == strlen(t), "position 0 is not empty: %s", t);
	free(t);
	t = in_position(pdf, 2, 0);
	ck_assert_msg(strstr(t, SERIAL_B), "page 2, position 0: %s", t);
	free(t);
	t = in_position(pdf, 2, 1);
	ck_assert_msg(strstr(t, SERIAL_C) && strstr(t, "FAILED"), "page 2, position 1: %s", t);
	free(t);
	info = pages_and_size(pdf);
	ck_assert_str_eq(info, "2\n595.276 x 841.89 pts (A4)\n");
	free(info), free(out), free(err), free(pdf);
}
END_TEST

/* @err holds @needle. */
static void says(const char *err, const char *needle)
{
	ck_assert_msg(strstr(err, needle), "wanted '%s': %s", needle, err);
}

/* @err is one line, holding @needle. */
static void one_line(const char *err, const char *needle)
{
	says(err, needle);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
}

START_TEST(test_refusals)
{
	char *out = NULL, *err = NULL, *dir = test_fmt("%s/ref", scratch_dir());
	char *pdf = test_fmt("%s/x.pdf", dir), *before, *after;

	ck_assert_int_eq(test_sh(NULL, "mkdir -p '%s/empty'", dir), 0);
	ck_assert_int_eq(labels(&out, &err, "--stock a4 --out '%s' '%s'", pdf, cert_a),
	                 WS_EXIT_USAGE);
	one_line(err, "--stock a4: unknown label stock");
	free(out), free(err);
	ck_assert_int_eq(labels(&out, &err, "--skip 21 --out '%s' '%s'", pdf, cert_a),
	                 WS_EXIT_USAGE);
	one_line(err, "--skip 21: a l7160 sheet holds 21 labels");
	free(out), free(err);
	ck_assert_int_eq(labels(&out, &err, "--skip 1x --out '%s' '%s'", pdf, cert_a),
	                 WS_EXIT_USAGE);
	free(out), free(err);
	ck_assert_int_eq(run_cli(&out, &err, "labels --out '%s' '%s'", pdf, cert_a), WS_EXIT_USAGE);
	one_line(err, "no CA named");
	free(out), free(err);
	ck_assert_int_eq(labels(&out, &err, "--out '%s' '%s/empty'", pdf, dir), WS_EXIT_USAGE);
	one_line(err, "no certificate found");
	free(out), free(err);
	/* only the forgery: nothing written, no temporary file */
	ck_assert_int_eq(labels(&out, &err, "--out '%s' '%s'", pdf, forged_dir), WS_EXIT_FAILED);
	says(err, "none of the 1 certificates verified");
	says(err, "forged.json: no label: ");
	ck_assert_int_eq(test_sh(NULL, "test -z \"$(ls -A '%s' | grep -v '^empty$')\"", dir), 0);
	free(out), free(err);
	/* a directory that does not exist */
	ck_assert_int_eq(labels(&out, &err, "--out '%s/no/such/dir/x.pdf' '%s'", dir, cert_a),
	                 WS_EXIT_FAILED);
	one_line(err, "could not be written");
	ck_assert_int_eq(test_sh(NULL, "test -z \"$(ls -A '%s' | grep -v '^empty$')\"", dir), 0);
	free(out), free(err);
	/* an existing file is not written over, unless --force */
	ck_assert_int_eq(test_sh(NULL, "echo keep > '%s'", pdf), 0);
	before = sha(pdf);
	ck_assert_int_eq(labels(&out, &err, "--out '%s' '%s'", pdf, cert_a), WS_EXIT_FAILED);
	says(err, "exists");
	after = sha(pdf);
	ck_assert_str_eq(before, after);
	free(after), free(out), free(err);
	ck_assert_int_eq(labels(&out, &err, "--force --out '%s' '%s'", pdf, cert_a), WS_EXIT_OK);
	after = sha(pdf);
	ck_assert_str_ne(before, after);
	ck_assert_int_eq(test_sh(NULL, "pdfinfo '%s' >/dev/null", pdf), 0);
	free(after), free(before), free(out), free(err), free(pdf), free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("labels");
	TCase *tc = tcase_create("labels");
	int r;

	simdrive_init("labels", "LABELS");
	tcase_add_unchecked_fixture(tc, make_certificates, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sheet_of_a_folder);
	tcase_add_test(tc, test_skip_moves_the_first_label);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
