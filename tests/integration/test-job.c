/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-job.c - the library's job (wipeseal/job.h) keeps its rules without any front end:
 * a library caller (job-probe) naming one namespace of a simulated two-namespace NVMe
 * subsystem for a Sanitize is refused by ws_job_check(), while the batch runner alone
 * (ws_batch_start(), the old way round, now internal to the library) lets the same target
 * through. Nothing is written: the refusal comes before any command, and the batch runs as
 * a dry run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	Suite *s = suite_create("job");
	TCase *tc = tcase_create("the library's rules");
	int r;

	scratch_init("job");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_one_namespace_of_two_is_refused);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
