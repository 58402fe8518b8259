/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-nvme.c - Purge on NVMe through the same `wipeseal wipe` path as real drives, against
 * tests/nvmesim: a simulated controller answering the ioctls for loop devices that stand in
 * for its namespaces, changing them the way a drive would. Every profile ends in the status
 * and certificate it deserves; every refusal leaves the backing image byte for byte as it was.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* `wipeseal wipe --json ... ARGS` with the simulator answering for @dev (and @ns2). */
static int sim_wipe(const char *profile, const char *dev, const char *ns2, const char *state,
                    const char *args, char **out, char **err)
{
	char *prefix = NULL;
	int r;

	ck_assert_int_ge(asprintf(&prefix,
	                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                          "WS_NVMESIM_PATH='%s' WS_NVMESIM_NS2='%s' WS_NVMESIM_PROFILE=%s "
	                          "WS_NVMESIM_STATE='%s' WS_NVMESIM_SECONDS=1",
	                          WS_NVMESIM, dev, ns2 ? ns2 : "", profile, state ? state : ""),
	                 0);
	r = simdrive_wipe(prefix, args, out, err);
	free(prefix);
	return r;
}

/* ---- tests --------------------------------------------------------------------------------- */

START_TEST(test_purge_picks_crypto_erase)
{
	char *dev = marked("full.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m purge '%s'", dev), 0);
	ck_assert_msg(sim_wipe("full", dev, NULL, NULL, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(!has_marker(dev));
	ck_assert_int_eq(test_sh(NULL, "blkid -p '%s'", dev), 2);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "technique"), "nvme-sanitize-crypto");
	ck_assert_str_eq(jstr(res, "nist_level"), "Purge");
	ck_assert_str_eq(jstr(res, "firmware.completion_observed"), "true");
	ck_assert_str_eq(jstr(res, "firmware.sanitize_log.status"), "completed");
	ck_assert_str_ne(jstr(res, "verification.bytes_checked"), "0");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_block_and_overwrite_read_zeros)
{
	static const char *const methods[] = { "nvme-sanitize-block", "nvme-sanitize-overwrite" };

	for (size_t i = 0; i < 2; i++) {
		char *dev = marked("blk.img"), *out = NULL, *err = NULL, *args = NULL;
		struct json_object *root, *res;

		ck_assert_int_ge(asprintf(&args, "-m %s --verify full '%s'", methods[i], dev), 0);
		ck_assert_msg(sim_wipe("full", dev, NULL, NULL, args, &out, &err) == WS_EXIT_OK,
		              "%s", err);
		ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
		res = result_of(out, &root);
		ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
		ck_assert_str_eq(jstr(res, "verification.bytes_checked"), "33554432");
		json_object_put(root);
		free(out);
		free(err);
		free(args);
		free(dev);
	}
}
END_TEST

/* A refusal: exit 3, the reason, and not one byte changed. */
static void refused(const char *profile, const char *method, const char *needle)
{
	char *dev = marked("ref.img"), *before = sha(dev), *after, *out = NULL, *err = NULL,
	     *args = NULL;

	ck_assert_int_ge(asprintf(&args, "-m %s '%s'", method, dev), 0);
	ck_assert_int_eq(sim_wipe(profile, dev, NULL, NULL, args, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, needle) != NULL, "wanted '%s': %s", needle, err);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(out);
	free(err);
	free(args);
	free(dev);
}

START_TEST(test_unadvertised_techniques_are_refused)
{
	refused("crypto", "nvme-sanitize-block", "does not advertise nvme-sanitize-block");
	refused("format-only", "purge", "has no Purge technique");
	/* QEMU would accept a crypto Format with FNA saying no: we do not ask */
	refused("format-only", "nvme-format-crypto", "does not advertise nvme-format-crypto");
	refused("format-only", "nvme-sanitize-crypto", "does not advertise");
}
END_TEST

START_TEST(test_format_user_data_like_qemu)
{
	char *dev = marked("fmt.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m nvme-format-user-data '%s'", dev), 0);
	ck_assert_msg(sim_wipe("format-only", dev, NULL, NULL, args, &out, &err) == WS_EXIT_OK,
	              "%s", err);
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "nist_level"), "Clear");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_failed_sanitize_and_exit_failure)
{
	char *dev = marked("fail.img"), *out = NULL, *err = NULL, *args = NULL, *state = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&state, "%s/state-fail-%d", scratch_dir(), getpid()), 0);
	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-block '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("fails", dev, NULL, state, args, &out, &err), WS_EXIT_FAILED);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "the sanitize failed"));
	json_object_put(root);
	free(out);
	free(err);
	/* the drive is in failure mode: a new sanitize is not started until it is cleared */
	ck_assert_int_eq(sim_wipe("fails", dev, NULL, state, args, &out, &err), WS_EXIT_FAILED);
	res = result_of(out, &root);
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "nvme-sanitize-exit-failure"));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-exit-failure '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("fails", dev, NULL, state, args, &out, &err), WS_EXIT_OK);
	free(out);
	free(err);
	ck_assert_int_eq(test_sh(NULL, "grep -q 'sstat=1 ' '%s'", state), 0);
	free(args);
	free(state);
	free(dev);
}
END_TEST

START_TEST(test_running_sanitize_is_followed)
{
	char *dev = marked("run.img"), *out = NULL, *err = NULL, *args = NULL, *state = NULL;
	struct json_object *root, *res;

	/* a block erase at 30%, started by someone before us */
	ck_assert_int_ge(asprintf(&state, "%s/state-run-%d", scratch_dir(), getpid()), 0);
	ck_assert_int_eq(test_sh(NULL, "echo 'sstat=2 sprog=19660 scdw10=2' > '%s'", state), 0);
	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-block '%s'", dev), 0);
	ck_assert_msg(sim_wipe("in-progress", dev, NULL, state, args, &out, &err) == WS_EXIT_OK,
	              "%s", err);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "firmware.followed_running_sanitize"), "true");
	ck_assert_str_eq(jstr(res, "firmware.command_sent"), "false");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(state);
	free(dev);
}
END_TEST

START_TEST(test_stall_times_out)
{
	char *dev = marked("stall.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-block --firmware-timeout 3 '%s'", dev),
	                 0);
	ck_assert_int_eq(sim_wipe("stall", dev, NULL, NULL, args, &out, &err), WS_EXIT_FAILED);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "no completion within 3 s"));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_reset_mid_sanitize)
{
	char *dev = marked("reset.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-crypto '%s'", dev), 0);
	ck_assert_msg(sim_wipe("reset", dev, NULL, NULL, args, &out, &err) == WS_EXIT_OK, "%s",
	              err);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert(!has_marker(dev));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_two_namespaces)
{
	char *a = marked("ns1.img"), *b = marked("ns2.img"), *ha = sha(a), *hb = sha(b), *ha2, *hb2;
	char *out = NULL, *err = NULL, *args = NULL;

	/* naming one namespace of the controller is not enough for Sanitize */
	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-block '%s'", a), 0);
	ck_assert_int_eq(sim_wipe("two-ns", a, b, NULL, args, &out, &err), WS_EXIT_REFUSED);
	ck_assert_ptr_nonnull(strstr(err, "erases every namespace of the controller"));
	ha2 = sha(a);
	hb2 = sha(b);
	ck_assert_str_eq(ha, ha2);
	ck_assert_str_eq(hb, hb2);
	free(out);
	free(err);
	free(args);
	/* nor for a Format whose FNA reaches every namespace */
	ck_assert_int_ge(asprintf(&args, "-m nvme-format-user-data '%s'", a), 0);
	ck_assert_int_eq(sim_wipe("two-ns", a, b, NULL, args, &out, &err), WS_EXIT_REFUSED);
	free(out);
	free(err);
	free(args);
	/* both named: both erased, each certified. Crypto erase reads a sample of each
	 * namespace first: neither may start the sanitize before the other has read */
	ck_assert_int_ge(asprintf(&args, "-m nvme-sanitize-crypto '%s' '%s'", a, b), 0);
	ck_assert_msg(sim_wipe("two-ns", a, b, NULL, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(!has_marker(a));
	ck_assert(!has_marker(b));
	free(out);
	free(err);
	free(args);
	free(ha);
	free(hb);
	free(ha2);
	free(hb2);
	free(a);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nvme");
	TCase *tc = tcase_create("simulated controller");
	int r;

	simdrive_init("nvme", "NVME");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_purge_picks_crypto_erase);
	tcase_add_test(tc, test_block_and_overwrite_read_zeros);
	tcase_add_test(tc, test_unadvertised_techniques_are_refused);
	tcase_add_test(tc, test_format_user_data_like_qemu);
	tcase_add_test(tc, test_failed_sanitize_and_exit_failure);
	tcase_add_test(tc, test_running_sanitize_is_followed);
	tcase_add_test(tc, test_stall_times_out);
	tcase_add_test(tc, test_reset_mid_sanitize);
	tcase_add_test(tc, test_two_namespaces);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
