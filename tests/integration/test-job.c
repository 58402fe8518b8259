/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-job.c - the library's job (wipeseal/job.h) keeps its rules without any front end:
 * a library caller (job-probe) naming one namespace of a simulated two-namespace NVMe
 * subsystem for a Sanitize is refused by ws_job_check(), while the batch runner alone
 * (ws_batch_start(), the old way round, now internal to the library) lets the same target
 * through. Nothing is written: the refusal comes before any command, and the batch runs as
 * a dry run.
 *
 * A job a library caller starts with a signer and an audit log writes each target's
 * STARTED line before its wipe runs (read back from the log at the first progress report),
 * and the outcome line filed later closes it; a log that cannot take the STARTED lines
 * (a directory, or a path under a regular file) makes ws_job_start() start nothing: the
 * device reads back unchanged.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

/* job-probe MODE METHOD ARGS with the simulator answering for @a and @b (namespaces 1, 2). */
static int probe(const char *mode, const char *method, const char *a, const char *b,
                 const char *args, char **out)
{
	return test_sh(out,
	               "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	               "WS_NVMESIM_PATH='%s' WS_NVMESIM_NS2='%s' WS_NVMESIM_PROFILE=two-ns "
	               "WS_NVMESIM_SECONDS=1 '%s' %s %s %s",
	               WS_NVMESIM, a, b, WS_JOB_PROBE, mode, method, args);
}

START_TEST(test_one_namespace_of_two_is_refused)
{
	char *ia = scratch_image("ns1.img", 16), *ib = scratch_image("ns2.img", 16);
	char *a = scratch_attach(ia, false, false), *b = scratch_attach(ib, false, false);
	char *ha = sha(a), *hb = sha(b), *ha2, *hb2, *out = NULL, *one = NULL, *both = NULL;

	ck_assert_int_ge(asprintf(&one, "'%s'", a), 0);
	ck_assert_int_ge(asprintf(&both, "'%s' '%s'", a, b), 0);
	/* the job: one namespace of the subsystem is not enough for a Sanitize */
	ck_assert_int_eq(probe("job", "nvme-sanitize-block", a, b, one, &out), 3);
	ck_assert_msg(strstr(out, "erases every namespace of the controller"), "%s", out);
	ck_assert_msg(strstr(out, b), "the namespace left out is named: %s", out);
	free(out);
	/* both named: nothing refused */
	ck_assert_int_eq(probe("job", "nvme-sanitize-block", a, b, both, &out), 0);
	ck_assert_str_eq(out, "");
	free(out);
	/* an overwrite reaches one namespace only: one may be named alone */
	ck_assert_int_eq(probe("job", "zero", a, b, one, &out), 0);
	free(out);
	/* the batch runner alone never asked: it ran the Sanitize (as a dry run) */
	ck_assert_int_eq(probe("batch", "nvme-sanitize-block", a, b, one, &out), 0);
	ck_assert_msg(!strstr(out, "refused"), "%s", out);
	free(out);
	ha2 = sha(a);
	hb2 = sha(b);
	ck_assert_str_eq(ha, ha2);
	ck_assert_str_eq(hb, hb2);
	free(ha);
	free(hb);
	free(ha2);
	free(hb2);
	free(one);
	free(both);
	free(a);
	free(b);
	free(ia);
	free(ib);
}
END_TEST

/* A loop device of 8 MiB holding a pattern (a wipe with zeros changes it). */
static char *patterned(const char *name)
{
	char *img = scratch_image(name, 8), *dev;

	ck_assert_int_eq(test_sh(NULL, "yes WIPESEAL-STARTED | head -c 8388608 > '%s'", img), 0);
	dev = scratch_attach(img, false, false);
	free(img);
	return dev;
}

/* job-probe start zero with the test's station key, audit log @log and result dir @dir. */
static int start(const char *pki, const char *log, const char *dir, const char *dev, char **out)
{
	return test_sh(out,
	               "ASAN_OPTIONS=verify_asan_link_order=0 timeout 60 '%s' start zero "
	               "'%s/st/signer.key' '%s/st/signer.pem' '%s' '%s' '%s'",
	               WS_JOB_PROBE, pki, pki, log, dir, dev);
}

START_TEST(test_started_lines_are_the_library_s)
{
	char *pki = NULL, *log = NULL, *dir = NULL, *bad = NULL, *out = NULL, *line = NULL;
	char *a = patterned("started-a.img"), *b = patterned("started-b.img");
	char *ha = sha(a), *hb = sha(b), *h2;

	ck_assert_int_ge(asprintf(&pki, "%s/pki-%d", scratch_dir(), getpid()), 0);
	ck_assert_int_ge(asprintf(&log, "%s/started-%d.log", scratch_dir(), getpid()), 0);
	ck_assert_int_ge(asprintf(&dir, "%s/started-certs-%d", scratch_dir(), getpid()), 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "'%s/certs/make-ca.sh' '%s/ca' >/dev/null && "
	                         "'%s/certs/make-station.sh' '%s/ca' '%s/st' >/dev/null && "
	                         "mkdir -p '%s'",
	                         WS_SOURCE_DIR, pki, WS_SOURCE_DIR, pki, pki, dir),
	                 0);
	/* a library caller, no front end: the STARTED line is in the log while it wipes */
	ck_assert_int_eq(start(pki, log, dir, a, &out), 0);
	ck_assert_msg(strstr(out, "STARTED lines at the first report: 1\n"), "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&line, "grep '\"status\":\"STARTED\"' '%s'", log), 0);
	ck_assert_msg(strstr(line, a) && strstr(line, "\"method\":\"zero\"") &&
	                  strstr(line, "\"operator\":\"Probe Operator\""),
	              "%s", line);
	free(line);
	/* the outcome line (filed after the wipe) closes it: started_line is its number */
	ck_assert_int_eq(test_sh(&out,
	                         "n=$(grep -n '\"status\":\"STARTED\"' '%s' | cut -d: -f1) && "
	                         "tail -n +$((n + 1)) '%s' | grep -c \"\\\"started_line\\\":$n\"",
	                         log, log),
	                 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
	h2 = sha(a);
	ck_assert_str_ne(ha, h2); /* it was wiped */
	free(h2);
	/* a log that cannot take the line: nothing starts, nothing is written */
	ck_assert_int_eq(start(pki, dir, dir, b, &out), 4); /* the log is a directory */
	ck_assert_msg(strstr(out, "not started: "), "%s", out);
	ck_assert_msg(!strstr(out, "STARTED lines at the first report"), "%s", out);
	free(out);
	ck_assert_int_ge(asprintf(&bad, "%s/x/audit.log", log), 0); /* under a regular file */
	ck_assert_int_eq(start(pki, bad, dir, b, &out), 4);
	ck_assert_msg(strstr(out, "not started: "), "%s", out);
	free(out);
	h2 = sha(b);
	ck_assert_str_eq(hb, h2);
	free(h2);
	free(ha);
	free(hb);
	free(a);
	free(b);
	free(bad);
	free(dir);
	free(log);
	free(pki);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("job");
	TCase *tc = tcase_create("the library's rules");
	int r;

	scratch_init("job");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_one_namespace_of_two_is_refused);
	tcase_add_test(tc, test_started_lines_are_the_library_s);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
