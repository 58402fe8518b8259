/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-verify-audit.c - the auditor's finding (`wipeseal verify DIR`, docs/auditing.md): a
 * folder of one station's certificates, made by real wipes, with a forged, a deleted, a
 * duplicated and an authentic FAILED certificate among authentic SUCCESS ones.
 *
 * The station (certs/make-ca.sh, make-station.sh) wipes, in this order: image files 1 to 4,
 * the simulated NVMe drive SIM-full-0001 (tests/nvmesim over a loop device), image file 5,
 * SIM-full-0001 again, SIM-fails-0001 (its sanitize fails: an honest FAILED certificate), and
 * image file 6. Then the certificate of image 3 is deleted, the bytes of image 5's are changed
 * after signing, and image 2's is copied under another name. What the tests show:
 *
 * - the summary counts each category exactly (5 authentic SUCCESS, 1 authentic FAILED, 1
 *   failing integrity, 2 duplicates: the copy by id, the drive's second SUCCESS, 2 missing);
 *   each gap names the missing SHA-256 (read from the deleted file before it was deleted, and
 *   from the forged file before it was changed) and the files either side;
 * - the exit status is the documented one: 1 with the forgery; 8 without it (a gap and the
 *   duplicates remain); 7 for the FAILED certificate alone; 0 for a SUCCESS alone;
 * - --json agrees with the text, and reports nothing from inside the forged document;
 * - --csv parsed by python3's csv module: a row per certificate with its category and the
 *   verified fields, the forged row empty of fields, a gap row per gap, and an asset tag
 *   that a spreadsheet would run as a formula made text;
 * - --html rendered by headless Chromium: a screenshot that is not blank, and the DOM
 *   (--dump-dom) holds the summary's counts and a row per certificate in its category, the
 *   asset tag "<b>x</b>" as text, not markup.
 *
 * Loop devices (two, for the simulated drives) are made by the scratch helpers and detached
 * by scratch_cleanup(). Chromium runs with a temporary profile, bounded by timeout(1); where
 * it is not installed the HTML check says SKIP.
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

/* The certificates, by what the tests do to them. */
static char *img[7], *full1, *full2, *fails, *copy;
static char *deleted_sha, *forged_sha; /* of image 3's and image 5's bytes as signed */

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

/* Image file @n, wiped with @asset_tag. */
static char *wipe_image(int n, const char *asset_tag)
{
	char *name = test_fmt("img%d.img", n), *file = scratch_image(name, 4), *out = NULL,
	     *err = NULL,
	     *args = test_fmt("--verify none -m clear --asset-tag '%s' '%s'", asset_tag, file);
	int r = simdrive_wipe("", args, &out, &err);
	char *cert;

	test_require(r == WS_EXIT_OK, "wipe %s: exit %d: %s", file, r, err);
	cert = cert_file(out);
	free(name);
	free(file);
	free(out);
	free(err);
	free(args);
	return cert;
}

/* The simulated NVMe drive @dev with @profile, purged; @want: the exit status. */
static char *wipe_sim(const char *dev, const char *profile, int want)
{
	char *prefix = test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                        "WS_NVMESIM_PATH='%s' WS_NVMESIM_PROFILE=%s WS_NVMESIM_SECONDS=1",
	                        WS_NVMESIM, dev, profile),
	     *args = test_fmt("-m nvme-sanitize-block --asset-tag SIM-%s '%s'", profile, dev),
	     *out = NULL, *err = NULL, *cert;
	int r = simdrive_wipe(prefix, args, &out, &err);

	test_require(r == want, "wipe %s (%s): exit %d, want %d: %s", dev, profile, r, want, err);
	cert = cert_file(out);
	free(prefix);
	free(args);
	free(out);
	free(err);
	return cert;
}

static char *sha_of(const char *path)
{
	char *out = NULL;

	test_require(test_sh(&out, "sha256sum < '%s' | cut -c1-64 | tr -d '\\n'", path) == 0,
	             "sha256sum %s", path);
	return out;
}

/* The folder: the series as the station made it, then deleted, forged and copied. */
static void make_folder(void)
{
	char *a = marked_raw("sim-a.img"), *b = marked_raw("sim-b.img");

	img[1] = wipe_image(1, "=SUM(1+1)");
	img[2] = wipe_image(2, "A-2");
	img[3] = wipe_image(3, "A-3");
	img[4] = wipe_image(4, "<b>x</b>");
	full1 = wipe_sim(a, "full", WS_EXIT_OK);
	img[5] = wipe_image(5, "A-5");
	full2 = wipe_sim(a, "full", WS_EXIT_OK);
	fails = wipe_sim(b, "fails", WS_EXIT_FAILED);
	img[6] = wipe_image(6, "A-6");
	deleted_sha = sha_of(img[3]);
	forged_sha = sha_of(img[5]);
	copy = test_fmt("%s/certs/copy-of-second.json", scratch_dir());
	test_require(test_sh(NULL,
	                     "rm '%s' '%s.p7s' && sed -i 's/\"A-5\"/\"A-50\"/' '%s' && "
	                     "grep -q '\"A-50\"' '%s' && cp '%s' '%s' && cp '%s.p7s' '%s.p7s'",
	                     img[3], img[3], img[5], img[5], img[2], copy, img[2], copy) == 0,
	             "making the folder");
	free(a);
	free(b);
}

/* `wipeseal verify --ca CA ARGS...`: the exit status, stdout in *out. */
static int verify(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int verify(char **out, const char *fmt, ...)
{
	char *args = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	test_require(vasprintf(&args, fmt, ap) >= 0, "out of memory");
	va_end(ap);
	r = run_cli(out, NULL, "verify --ca %s/ca/ca.pem %s", pki, args);
	free(args);
	return r;
}

/* How many times @needle is in @hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void want_line(const char *out, const char *line)
{
	ck_assert_msg(strstr(out, line), "wanted: %s\nin:\n%s", line, out);
}

START_TEST(test_summary_counts_each_category)
{
	char *out = NULL, *line;

	ck_assert_int_eq(verify(&out, "'%s/certs'", scratch_dir()), WS_EXIT_FAILED);
	want_line(out, "audit: 5 authentic and SUCCESS, 1 authentic record of FAILED or ABORTED "
	               "wipes, 1 failing integrity, 2 duplicates, 2 missing from a series\n");
	want_line(out, "summary: 7 verified, 2 failed, 0 skipped\n");
	/* the gaps: what is missing, and between which files */
	line = test_fmt("series: missing: the certificate with SHA-256 %s (station CN=wipeseal "
	                "station",
	                deleted_sha);
	want_line(out, line);
	free(line);
	line = test_fmt(", between %s and %s\n", img[2], img[4]);
	want_line(out, line);
	free(line);
	line = test_fmt("series: missing: the certificate with SHA-256 %s", forged_sha);
	want_line(out, line);
	free(line);
	line = test_fmt(", between %s and %s\n", full1, full2);
	want_line(out, line);
	free(line);
	/* each file in its category */
	line = test_fmt("%s: FAILED: signature check failed: the document's bytes are not", img[5]);
	want_line(out, line);
	free(line);
	line = test_fmt("%s: FAILED: validly signed, but the wipe's status is FAILED\n", fails);
	want_line(out, line);
	free(line);
	line = test_fmt("%s: DUPLICATE: the same certificate (id ", copy);
	want_line(out, line);
	free(line);
	line = test_fmt("%s: DUPLICATE: a second SUCCESS of the drive SIM-full-0001, already "
	                "certified by %s\n",
	                full2, full1);
	want_line(out, line);
	free(line);
	free(out);
}
END_TEST

START_TEST(test_exit_status_by_gravity)
{
	char *out = NULL, *dir = test_fmt("%s/noforgery", scratch_dir());

	/* without the forgery: a gap (its genuine certificate is still missing) and duplicates */
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s' && cp -a '%s/certs' '%s' && rm '%s/%s'*", dir,
	                         scratch_dir(), dir, dir, strrchr(img[5], '/') + 1),
	                 0);
	ck_assert_int_eq(verify(&out, "'%s'", dir), WS_EXIT_INCOMPLETE);
	want_line(out, "0 failing integrity, 2 duplicates, 2 missing from a series\n");
	free(out);
	/* an honest record of a failed wipe, alone: authentic, not a forgery */
	ck_assert_int_eq(verify(&out, "'%s'", fails), WS_EXIT_NOT_WIPED);
	free(out);
	ck_assert_int_eq(verify(&out, "'%s'", img[1]), WS_EXIT_OK);
	free(out);
	/* the series runs over the FAILED one too: the SUCCESS after it follows it */
	ck_assert_int_eq(verify(&out, "'%s' '%s'", fails, img[6]), WS_EXIT_NOT_WIPED);
	want_line(out, "series: OK (2 certificates, each following another)\n");
	free(out);
	free(dir);
}
END_TEST

/* The objects of a --json run: certificates by file, and the last line. */
START_TEST(test_json_agrees_and_does_not_leak)
{
	char *out = NULL, *save = NULL;
	struct json_object *forged = NULL, *last = NULL, *sum, *gaps;
	int lines = 0;

	ck_assert_int_eq(verify(&out, "--json '%s/certs'", scratch_dir()), WS_EXIT_FAILED);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save), lines++) {
		struct json_object *o = json_tokener_parse(l);

		ck_assert_msg(o, "not JSON: %s", l);
		if (jstr(o, "file") && strcmp(jstr(o, "file"), img[5]) == 0)
			forged = o;
		else if (json_object_object_get_ex(o, "summary", NULL))
			json_object_put(last), last = o;
		else
			json_object_put(o);
	}
	ck_assert_int_eq(lines, 10); /* 9 certificates and the summary */
	ck_assert_ptr_nonnull(forged);
	ck_assert_str_eq(jstr(forged, "category"), "integrity-failure");
	ck_assert_str_eq(jstr(forged, "authentic"), "false");
	/* nothing from inside the forged document */
	ck_assert_ptr_null(jstr(forged, "certificate_id"));
	ck_assert_ptr_null(jstr(forged, "status"));
	ck_assert_ptr_null(jstr(forged, "signer"));
	ck_assert_ptr_null(jstr(forged, "signing_time"));
	ck_assert_ptr_nonnull(last);
	sum = json_object_object_get(last, "summary");
	ck_assert_str_eq(jstr(sum, "certificates"), "9");
	ck_assert_str_eq(jstr(sum, "authentic-success"), "5");
	ck_assert_str_eq(jstr(sum, "authentic-failed-wipe"), "1");
	ck_assert_str_eq(jstr(sum, "integrity-failure"), "1");
	ck_assert_str_eq(jstr(sum, "duplicate"), "2");
	ck_assert_str_eq(jstr(sum, "duplicate_ids"), "1");
	ck_assert_str_eq(jstr(sum, "duplicate_drives"), "1");
	ck_assert_str_eq(jstr(sum, "missing"), "2");
	ck_assert_str_eq(jstr(last, "series.ok"), "false");
	gaps = json_object_object_get(json_object_object_get(last, "series"), "gaps");
	ck_assert_int_eq((int)json_object_array_length(gaps), 2);
	ck_assert_str_eq(jstr(json_object_array_get_idx(gaps, 0), "missing_sha256"), deleted_sha);
	ck_assert_str_eq(jstr(json_object_array_get_idx(gaps, 0), "before"), img[2]);
	ck_assert_str_eq(jstr(json_object_array_get_idx(gaps, 0), "after"), img[4]);
	ck_assert_str_eq(jstr(json_object_array_get_idx(gaps, 1), "missing_sha256"), forged_sha);
	json_object_put(forged);
	json_object_put(last);
	free(out);
}
END_TEST

/* The CSV, read by python3's csv module: "FILE<TAB>CATEGORY<TAB>SERIAL<TAB>ASSET<TAB>STATUS"
 * per row, "gap<TAB>MISSING<TAB>BEFORE<TAB>AFTER" per gap. */
START_TEST(test_csv_rows)
{
	char *csv = test_fmt("%s/report.csv", scratch_dir()), *out = NULL, *rows = NULL, *want;

	ck_assert_int_eq(verify(&out, "--csv '%s' '%s/certs'", csv, scratch_dir()), WS_EXIT_FAILED);
	free(out);
	ck_assert_int_eq(
	    test_sh(&rows,
	            "python3 -c 'import csv, sys\n"
	            "r = list(csv.DictReader(open(sys.argv[1], newline=\"\")))\n"
	            "for x in r:\n"
	            "    if x[\"kind\"] == \"gap\":\n"
	            "        print(\"gap\", x[\"missing_sha256\"], x[\"before\"], x[\"after\"], "
	            "sep=\"\\t\")\n"
	            "    else:\n"
	            "        print(x[\"file\"], x[\"category\"], x[\"serial\"], x[\"asset_tag\"], "
	            "x[\"status\"], x[\"nist_level\"], sep=\"\\t\")\n"
	            "' '%s'",
	            csv),
	    0);
	want = test_fmt("%s\tintegrity-failure\t\t\t\t\n", img[5]);
	want_line(rows, want);
	free(want);
	want = test_fmt("%s\tauthentic-failed-wipe\tSIM-fails-0001\tSIM-fails\tFAILED\tPurge\n",
	                fails);
	want_line(rows, want);
	free(want);
	want = test_fmt("%s\tduplicate\tSIM-full-0001\tSIM-full\tSUCCESS\tPurge\n", full2);
	want_line(rows, want);
	free(want);
	want = test_fmt("%s\tduplicate\t\tA-2\tSUCCESS\tClear\n", copy);
	want_line(rows, want);
	free(want);
	/* the formula guard of the register's export: a leading apostrophe */
	want = test_fmt("%s\tauthentic-success\t\t'=SUM(1+1)\tSUCCESS\tClear\n", img[1]);
	want_line(rows, want);
	free(want);
	want = test_fmt("gap\t%s\t%s\t%s\n", deleted_sha, img[2], img[4]);
	want_line(rows, want);
	free(want);
	want = test_fmt("gap\t%s\t%s\t%s\n", forged_sha, full1, full2);
	want_line(rows, want);
	free(want);
	ck_assert_int_eq(count(rows, "\n"), 11); /* 9 certificates, 2 gaps */
	free(rows);
	free(csv);
}
END_TEST

START_TEST(test_html_in_chromium)
{
	char *html = test_fmt("%s/report.html", scratch_dir()), *out = NULL, *dom = NULL,
	     *tmp = test_fmt("%s/chromium", scratch_dir()), *want;

	ck_assert_int_eq(verify(&out, "--html '%s' '%s/certs'", html, scratch_dir()),
	                 WS_EXIT_FAILED);
	free(out);
	/* self-contained: no script, nothing fetched */
	ck_assert_int_ne(test_sh(NULL, "grep -Eiq '<script|src=|href=|@import|url\\(' '%s'", html),
	                 0);
	if (test_sh(NULL, "command -v chromium >/dev/null") != 0) {
		fprintf(stderr,
		        "SKIP: chromium is not installed (scripts/deps.sh installs it): the "
		        "HTML report is not rendered\n");
		return;
	}
	ck_assert_int_eq(
	    test_sh(NULL,
	            "mkdir -p '%s' && cd '%s' && HOME='%s' timeout 120 chromium --headless "
	            "--no-sandbox --disable-gpu --no-first-run --user-data-dir='%s/profile' "
	            "--window-size=1400,900 --screenshot='%s/shot.png' 'file://%s' >/dev/null 2>&1",
	            tmp, tmp, tmp, tmp, tmp, html),
	    0);
	/* a PNG, and not of one colour: more than 16 byte values in its decoded rows */
	ck_assert_int_eq(test_sh(NULL,
	                         "python3 -c 'import sys, zlib\n"
	                         "d = open(sys.argv[1], \"rb\").read()\n"
	                         "assert d[:8] == b\"\\x89PNG\\r\\n\\x1a\\n\"\n"
	                         "i, idat = 8, b\"\"\n"
	                         "while i < len(d):\n"
	                         "    n = int.from_bytes(d[i:i + 4], \"big\")\n"
	                         "    if d[i + 4:i + 8] == b\"IDAT\": idat += d[i + 8:i + 8 + n]\n"
	                         "    i += 12 + n\n"
	                         "sys.exit(0 if len(set(zlib.decompress(idat))) > 16 else 1)\n"
	                         "' '%s/shot.png'",
	                         tmp),
	                 0);
	ck_assert_int_eq(
	    test_sh(&dom,
	            "cd '%s' && HOME='%s' timeout 120 chromium --headless --no-sandbox "
	            "--disable-gpu --no-first-run --user-data-dir='%s/profile' "
	            "--dump-dom 'file://%s' 2>/dev/null",
	            tmp, tmp, tmp, html),
	    0);
	/* the summary's counts, then a row per certificate in its category */
	want_line(dom, "<tr class=\"authentic-success\" data-count=\"authentic-success\"><td "
	               "class=\"c\">authentic and SUCCESS</td><td class=\"n\">5</td></tr>");
	want_line(dom, "data-count=\"authentic-failed-wipe\"><td class=\"c\">authentic records of "
	               "FAILED or ABORTED wipes</td><td class=\"n\">1</td>");
	want_line(dom,
	          "data-count=\"integrity-failure\"><td class=\"c\">failing integrity "
	          "(changed, foreign signer, bad chain, unreadable)</td><td class=\"n\">1</td>");
	want_line(dom, "data-count=\"duplicate\"><td class=\"c\">duplicates (the same certificate "
	               "id, or the same drive)</td><td class=\"n\">2</td>");
	want_line(dom, "data-count=\"missing\"><td class=\"c\">missing from a station's series "
	               "(gaps)</td><td class=\"n\">2</td>");
	want = test_fmt("<tr class=\"integrity-failure\"><td>certificate</td><td>%s</td>", img[5]);
	want_line(dom, want);
	free(want);
	want =
	    test_fmt("<tr class=\"authentic-failed-wipe\"><td>certificate</td><td>%s</td>", fails);
	want_line(dom, want);
	free(want);
	want = test_fmt("<tr class=\"duplicate\"><td>certificate</td><td>%s</td>", copy);
	want_line(dom, want);
	free(want);
	want = test_fmt("<tr class=\"missing\"><td>gap</td><td>%s</td>", img[4]);
	want_line(dom, want);
	free(want);
	ck_assert_int_eq(count(dom, "<tr class=\"authentic-success\"><td>certificate</td>"), 5);
	/* the asset tag written as <b>x</b> is text, not markup */
	want_line(dom, "<td>&lt;b&gt;x&lt;/b&gt;</td>");
	free(dom);
	free(html);
	free(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verify-audit");
	TCase *tc = tcase_create("verify-audit");
	int r;

	simdrive_init("verify-audit", "AUDIT");
	tcase_add_unchecked_fixture(tc, make_folder, NULL);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_summary_counts_each_category);
	tcase_add_test(tc, test_exit_status_by_gravity);
	tcase_add_test(tc, test_json_agrees_and_does_not_leak);
	tcase_add_test(tc, test_csv_rows);
	tcase_add_test(tc, test_html_in_chromium);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
