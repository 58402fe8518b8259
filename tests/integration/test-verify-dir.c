/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-verify-dir.c - `wipeseal verify DIR`: a tree of certificates checked at once.
 *
 * A CA and two stations made by certs/make-ca.sh and make-station.sh; image files wiped by
 * `wipeseal wipe` into nested directories (each station its own audit log, so each its own
 * series), a validation record made by `wipeseal validate` beside one certificate, the
 * signed PDFs, a hidden register queue and a note that is not a certificate. What the tests
 * show:
 *
 * - the tree verifies: one line per certificate in sorted order, what is not a certificate
 *   skipped or passed over, each station's series checked, a summary line; every
 *   certificate named OK is one `openssl cms -verify` accepts too;
 * - a certificate forged deep down fails and is named; one missing from the middle of a
 *   station's series is caught; a .json that names the certificate schema without its
 *   signature fails;
 * - symbolic links to directories (a loop among them) are not followed, and the walk ends;
 * - a directory that cannot be read is reported and fails the run, the rest is checked;
 * - files and directories mix on one command line; --json gives one object per entry;
 * - a tree without a certificate fails.
 *
 * Image files only: no loop device. The unreadable directory needs a process without
 * CAP_DAC_READ_SEARCH (setpriv), as root ignores permissions.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "scenario.h"
#include "testutil.h"

static char *root; /* ca/, sta/, stb/, val/, tree/ (the pristine tree), work/ (per test) */

static void sh_ok(const char *cmd)
{
	char *out = NULL;
	int r = test_sh(&out, "%s", cmd);

	test_require(r == 0, "%s\n%s", cmd, out);
	free(out);
}

/* Station @st wipes a fresh image into @rel (under tree/), logging to @st.log. */
static void wipe_into(const char *st, const char *rel)
{
	char *cmd = test_fmt("cd '%s' && truncate -s 4M '%s.img' && '%s' wipe --yes --config "
	                     "empty.conf --signer-key %s/signer.key --signer-cert %s/signer.pem "
	                     "--audit-log %s.log --cert-dir 'tree/%s' --operator 'Ada Lovelace' "
	                     "--destination other --verify none '%s.img' >/dev/null </dev/null",
	                     root, st, WS_CLI, st, st, st, rel, st);

	sh_ok(cmd);
	free(cmd);
}

static void make_tree(void)
{
	char *cmd;

	root = test_tmpdir("verify-dir");
	cmd = test_fmt("cd '%s' && : >empty.conf && '%s/certs/make-ca.sh' ca >/dev/null && "
	               "for s in sta:'station A' stb:'station B' val:'Val Idator'; do "
	               "'%s/certs/make-station.sh' ca ${s%%%%:*} --cn \"${s#*:}\" >/dev/null || "
	               "exit 1; done",
	               root, WS_SOURCE_DIR, WS_SOURCE_DIR);
	sh_ok(cmd);
	free(cmd);
	wipe_into("sta", "a/x");
	wipe_into("sta", "a/y/z");
	wipe_into("sta", "a/y/z");
	wipe_into("stb", "b");
	wipe_into("stb", "b");
	/* a validation record beside B's first certificate; a note; a hidden queue entry that
	 * names the schema (passed over, as hidden); a marker */
	cmd = test_fmt(
	    "cd '%s' && f=$(ls tree/b/*.json | head -n1) && '%s' validate \"$f\" --decision "
	    "accept --key val/signer.key --cert val/signer.pem --ca ca/ca.pem --audit-log "
	    "val.log --config empty.conf >/dev/null && echo '{\"note\": 1}' >tree/notes.json && "
	    "mkdir tree/b/.register-queue && echo '\"wipeseal-certificate/2\"' "
	    ">tree/b/.register-queue/q.json && : >\"$f.awaiting-timestamp-test\" && "
	    "ls tree/b/*.validation.json >/dev/null",
	    root, WS_CLI);
	sh_ok(cmd);
	free(cmd);
}

static void drop_tree(void)
{
	(void)test_sh(NULL, "rm -rf '%s'", root);
	free(root);
}

/* A fresh copy of the tree as work/ (a test may change it). */
static void fresh_work(void)
{
	char *cmd = test_fmt("cd '%s' && rm -rf work && cp -a tree work", root);

	sh_ok(cmd);
	free(cmd);
}

/* `wipeseal verify --ca ca/ca.pem ARGS` in root: exit status, stdout (stderr in *err). */
static int verify(char **out, char **err, const char *args)
{
	char *e = test_fmt("%s/err", root);
	int r = test_sh(out, "cd '%s' && timeout 120 '%s' verify --ca ca/ca.pem %s 2>'%s'", root,
	                WS_CLI, args, e);

	if (err)
		ck_assert_int_eq(test_sh(err, "cat '%s'", e), 0);
	free(e);
	return r;
}

/* The number of lines of @out that contain @needle. */
static int lines_with(const char *out, const char *needle)
{
	int n = 0;

	for (const char *p = out; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

START_TEST(test_tree_verifies_sorted_with_summary)
{
	char *out = NULL, *expect = NULL, *got = NULL;

	fresh_work();
	ck_assert_int_eq(verify(&out, NULL, "work"), WS_EXIT_OK);
	ck_assert_int_eq(lines_with(out, ": OK (signed by CN=station "), 5);
	ck_assert_msg(strstr(out, "work/notes.json: skipped: not a certificate document"), "%s",
	              out);
	ck_assert_msg(strstr(out, "series: OK (5 certificates of 2 stations, each following "
	                          "another)\n"),
	              "%s", out);
	ck_assert_msg(strstr(out, "summary: 5 verified, 0 failed, 1 skipped\n"), "%s", out);
	ck_assert_msg(!strstr(out, "validation.json:") && !strstr(out, ".p7s:") &&
	                  !strstr(out, ".pdf") && !strstr(out, "register-queue") &&
	                  !strstr(out, "awaiting"),
	              "%s", out);
	/* B's first certificate carries its validation record: checked with it */
	ck_assert_msg(strstr(out, "; validated: accept by Val Idator"), "%s", out);
	/* the order: each directory's names sorted bytewise, as sort(1) in the C locale sorts
	 * these paths; and openssl accepts every one */
	ck_assert_int_eq(test_sh(&expect,
	                         "cd '%s' && find work -name '*.json' ! -name '*.validation*' ! "
	                         "-path '*/.*' ! -name notes.json | LC_ALL=C sort && for f in "
	                         "$(find work -name '*.json' ! -name '*.validation*' ! -path "
	                         "'*/.*' ! -name notes.json); do openssl cms -verify -binary "
	                         "-inform PEM -in $f.p7s -content $f -CAfile ca/ca.pem -purpose "
	                         "any -out /dev/null 2>/dev/null || echo \"openssl: $f\"; done",
	                         root),
	                 0);
	ck_assert_int_eq(test_sh(&got,
	                         "cd '%s' && timeout 120 '%s' verify --ca ca/ca.pem work | grep "
	                         "': OK (signed' | sed 's/: OK .*//'",
	                         root, WS_CLI),
	                 0);
	ck_assert_str_eq(got, expect);
	free(expect);
	free(got);
	free(out);
}
END_TEST

START_TEST(test_forged_deep_down_fails_named)
{
	char *out = NULL, *forged = NULL, *line;

	fresh_work();
	ck_assert_int_eq(test_sh(&forged,
	                         "cd '%s' && f=$(ls work/a/y/z/*.json | tail -n1) && sed -i "
	                         "'s/Ada Lovelace/Ada Lovelacf/' \"$f\" && printf %%s \"$f\"",
	                         root),
	                 0);
	ck_assert_int_eq(verify(&out, NULL, "work"), WS_EXIT_FAILED);
	line = test_fmt("%s: FAILED: signature check failed: the document's bytes are not the "
	                "bytes that were signed",
	                forged);
	ck_assert_msg(strstr(out, line), "%s\nwanted: %s", out, line);
	ck_assert_int_eq(lines_with(out, ": OK (signed by"), 4);
	ck_assert_msg(strstr(out, "summary: 4 verified, 1 failed, 1 skipped\n"), "%s", out);
	ck_assert_msg(!strstr(out, "series: OK"), "%s", out);
	free(line);
	free(forged);
	free(out);
}
END_TEST

START_TEST(test_series_gap_in_a_directory)
{
	char *out = NULL, *third = NULL, *line;

	fresh_work();
	/* A's second certificate (the one in a/y/z that follows a/x's: two wipes in one second
	 * make X.json and X-1.json, which sort the other way round) is taken away: the third
	 * follows a certificate that is not there; B's series is whole */
	ck_assert_int_eq(test_sh(&third,
	                         "cd '%s' && h=$(cat work/a/x/*.json | sha256sum | cut -c1-64) && "
	                         "f=$(grep -l \"$h\" work/a/y/z/*.json) && [ -n \"$f\" ] && "
	                         "rm \"$f\" \"$f.p7s\" && printf %%s $(ls work/a/y/z/*.json)",
	                         root),
	                 0);
	/* issue #19: a gap has an exit status of its own, and names what is missing */
	ck_assert_int_eq(verify(&out, NULL, "work"), WS_EXIT_INCOMPLETE);
	line = test_fmt("series: FAILED: %s follows a certificate that is not among those "
	                "given: one is missing before it\n",
	                third);
	ck_assert_msg(strstr(out, line), "%s\nwanted: %s", out, line);
	ck_assert_int_eq(lines_with(out, "series: FAILED"), 1);
	ck_assert_int_eq(lines_with(out, "series: missing: the certificate with SHA-256 "), 1);
	ck_assert_msg(strstr(out, "summary: 4 verified, 0 failed, 1 skipped\n"), "%s", out);
	free(line);
	free(third);
	free(out);
}
END_TEST

START_TEST(test_symlink_loop_not_followed)
{
	char *out = NULL;

	fresh_work();
	ck_assert_int_eq(test_sh(NULL,
	                         "cd '%s/work' && ln -s .. a/y/loop && ln -s ../../work "
	                         "b/up && ln -s y a/alias",
	                         root),
	                 0);
	ck_assert_int_eq(verify(&out, NULL, "work"), WS_EXIT_OK);
	ck_assert_msg(strstr(out, "work/a/y/loop: skipped: a symbolic link to a directory: not "
	                          "followed\n") &&
	                  strstr(out, "work/b/up: skipped") && strstr(out, "work/a/alias: skipped"),
	              "%s", out);
	ck_assert_int_eq(lines_with(out, ": OK (signed by"), 5);
	ck_assert_msg(strstr(out, "summary: 5 verified, 0 failed, 4 skipped\n"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_unreadable_directory_reported)
{
	char *out = NULL, *err = NULL;
	int r;

	fresh_work();
	if (test_sh(NULL, "command -v setpriv >/dev/null") != 0) {
		fprintf(stderr, "SKIP: setpriv (util-linux) missing\n");
		return;
	}
	ck_assert_int_eq(test_sh(NULL, "chmod 000 '%s/work/b'", root), 0);
	/* root reads anything: drop the capabilities that let it */
	r = test_sh(&out,
	            "cd '%s' && setpriv --inh-caps=-all --bounding-set=-dac_read_search,"
	            "-dac_override timeout 120 '%s' verify --ca ca/ca.pem work",
	            root, WS_CLI);
	ck_assert_int_eq(test_sh(NULL, "chmod 755 '%s/work/b'", root), 0);
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, out);
	ck_assert_msg(strstr(out, "work/b: FAILED: cannot read the directory: Permission denied\n"),
	              "%s", out);
	ck_assert_int_eq(lines_with(out, ": OK (signed by"), 3);
	ck_assert_msg(strstr(out, "summary: 3 verified, 1 failed, 1 skipped\n"), "%s", out);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_files_and_directories_mixed)
{
	char *out = NULL, *args = NULL;

	fresh_work();
	ck_assert_int_eq(test_sh(&args,
	                         "cd '%s' && printf '%%s ' work/a $(ls work/b/*.json | "
	                         "grep -v validation | head -n1)",
	                         root),
	                 0);
	ck_assert_int_eq(verify(&out, NULL, args), WS_EXIT_OK);
	ck_assert_int_eq(lines_with(out, ": OK (signed by"), 4);
	ck_assert_msg(strstr(out, "series: OK (4 certificates of 2 stations") &&
	                  strstr(out, "summary: 4 verified, 0 failed, 0 skipped\n"),
	              "%s", out);
	free(out);
	free(args);
	/* files alone: the report of before, no summary, one series */
	ck_assert_int_eq(test_sh(&args, "cd '%s' && printf '%%s ' $(ls work/a/y/z/*.json)", root),
	                 0);
	ck_assert_int_eq(verify(&out, NULL, args), WS_EXIT_OK);
	ck_assert_msg(strstr(out, "series: OK (2 certificates, each following another)\n") &&
	                  !strstr(out, "summary:"),
	              "%s", out);
	free(out);
	free(args);
}
END_TEST

START_TEST(test_json_one_object_per_entry)
{
	char *out = NULL, *save = NULL;
	int ok = 0, skipped = 0, other = 0, summaries = 0;

	fresh_work();
	ck_assert_int_eq(verify(&out, NULL, "--json work"), WS_EXIT_OK);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(l), *v;

		ck_assert_msg(o, "not JSON: %s", l);
		/* issue #19: the last object carries the series and the summary */
		if (json_object_object_get_ex(o, "summary", &v)) {
			ck_assert_int_eq(
			    json_object_get_int(json_object_object_get(v, "duplicate")), 0);
			summaries++;
		} else if (json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v))
			ok++;
		else if (json_object_object_get_ex(o, "skipped", &v) && json_object_get_boolean(v))
			skipped++;
		else
			other++;
		json_object_put(o);
	}
	ck_assert_int_eq(ok, 5);
	ck_assert_int_eq(skipped, 1);
	ck_assert_int_eq(other, 0);
	ck_assert_int_eq(summaries, 1);
	free(out);
}
END_TEST

START_TEST(test_no_certificate_and_missing_signature)
{
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(test_sh(NULL,
	                         "cd '%s' && rm -rf empty && mkdir empty && echo '[]' "
	                         ">empty/list.json && : >empty/x.pdf",
	                         root),
	                 0);
	ck_assert_int_eq(verify(&out, &err, "empty"), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "summary: 0 verified, 0 failed, 1 skipped\n"), "%s", out);
	ck_assert_msg(strstr(err, "no certificate found in the directories named"), "%s", err);
	free(out);
	free(err);
	/* a certificate whose signature was deleted is not skipped: it fails */
	fresh_work();
	ck_assert_int_eq(test_sh(NULL, "cd '%s' && rm work/a/x/*.json.p7s", root), 0);
	ck_assert_int_eq(verify(&out, NULL, "work"), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "FAILED: signature") &&
	                  strstr(out, "No such file or directory") &&
	                  strstr(out, "summary: 4 verified, 1 failed, 1 skipped\n"),
	              "%s", out);
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verify-dir");
	TCase *tc = tcase_create("verify-dir");

	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root (the suite's wipes and capabilities)\n");
		return TEST_SKIP;
	}
	tcase_add_unchecked_fixture(tc, make_tree, drop_tree);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_tree_verifies_sorted_with_summary);
	tcase_add_test(tc, test_forged_deep_down_fails_named);
	tcase_add_test(tc, test_series_gap_in_a_directory);
	tcase_add_test(tc, test_symlink_loop_not_followed);
	tcase_add_test(tc, test_unreadable_directory_reported);
	tcase_add_test(tc, test_files_and_directories_mixed);
	tcase_add_test(tc, test_json_one_object_per_entry);
	tcase_add_test(tc, test_no_certificate_and_missing_signature);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
