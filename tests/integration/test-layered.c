/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-layered.c - the LD_PRELOAD shims stacked: the fault injector (tests/faultinject) in
 * front of a simulated drive (tests/nvmesim, tests/atasim), each handing on what it does not
 * answer to the next through tests/preload. A simulated sanitize really erases the loop device
 * and completes; then one read of the read-back fails: the wipe ends FAILED, and its result
 * and signed certificate say why. Both orders of LD_PRELOAD are tried: with shims that called
 * the kernel themselves, a fault injector loaded after the drive never saw a read, and the wipe
 * came out SUCCESS. The fault's file is also named through a symbolic link: descriptors are
 * matched by device, not by name.
 */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* 64 KiB at 16 MiB: past everything the gate and the residue probe read, so only the
 * read-back after the sanitize meets it. */
#define FAULT_AT  16777216ull
#define FAULT_LEN 65536ull

/* The environment for a wipe of @dev with the simulator @sim ("nvme" or "ata") answering and,
 * when @fault names a file, the fault injector failing the reads of FAULT_AT there;
 * @fault_first puts the injector first in LD_PRELOAD (nearest the product). malloc'd. */
static char *stacked(const char *sim, const char *dev, const char *fault, bool fault_first)
{
	bool nvme = strcmp(sim, "nvme") == 0;
	const char *drive = nvme ? WS_NVMESIM : WS_ATASIM;

	return test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s %s' "
	                "WS_%sSIM_PATH='%s' WS_%sSIM_PROFILE=%s WS_%sSIM_SECONDS=1 "
	                "WS_FAULT_PATH='%s' WS_FAULT_READ=%llu+%llu:EIO",
	                fault_first ? WS_FAULTINJECT : drive, fault_first ? drive : WS_FAULTINJECT,
	                nvme ? "NVME" : "ATA", dev, nvme ? "NVME" : "ATA",
	                nvme ? "full" : "sata-ssd", nvme ? "NVME" : "ATA", fault ? fault : "",
	                FAULT_AT, FAULT_LEN);
}

/* A wipe with @method of a marked device through stacked(); the device, erased, stays with
 * the caller (*ret_dev). Return: the exit code; *out and *err as simdrive_wipe() leaves them. */
static int layered_wipe(const char *sim, const char *method, bool fault, bool fault_first,
                        bool fault_by_link, char **ret_dev, char **out, char **err)
{
	char *dev = marked("layer.img"), *link = test_fmt("%s/link-%d", scratch_dir(), getpid());
	char *env, *args = test_fmt("-m %s --verify full '%s'", method, dev);
	int r;

	ck_assert_int_eq(test_sh(NULL, "ln -sfn '%s' '%s'", dev, link), 0);
	env = stacked(sim, dev, fault ? (fault_by_link ? link : dev) : NULL, fault_first);
	r = simdrive_wipe(env, args, out, err);
	*ret_dev = dev;
	free(env);
	free(args);
	free(link);
	return r;
}

/* The sanitize ran to its end and erased (block erase: zeros); the read of FAULT_AT after it
 * failed; the result and the certificate say so. */
static void failed_by_the_fault(int exit_code, const char *dev, const char *out, const char *err)
{
	struct json_object *root, *res, *cert, *bad, *range;
	unsigned long long off, len;

	ck_assert_msg(exit_code == WS_EXIT_FAILED, "exit %d: %s", exit_code, err);
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_str_eq(jstr(res, "firmware.completion_observed"), "true");
	ck_assert_msg(strstr(jstr(res, "reason"), "verification could not read 1 ranges"),
	              "reason: %s", jstr(res, "reason"));
	bad = json_object_object_get(json_object_object_get(res, "verification"), "unreadable");
	ck_assert_uint_eq(json_object_array_length(bad), 1);
	range = json_object_array_get_idx(bad, 0);
	off = jnum(range, "offset");
	len = jnum(range, "length");
	ck_assert_msg(off <= FAULT_AT && off + len >= FAULT_AT + FAULT_LEN,
	              "unreadable %llu+%llu does not cover the fault", off, len);
	cert = certificate_of(root);
	ck_assert_str_eq(jstr(cert, "status"), "FAILED");
	ck_assert_str_eq(jstr(cert, "status_reason"), jstr(res, "reason"));
	json_object_put(cert);
	json_object_put(root);
}

/* ---- tests --------------------------------------------------------------------------------- */

/* Both shims loaded, no rule for this device: the simulated drive works as alone. */
START_TEST(test_stack_without_fault_succeeds)
{
	char *dev, *out = NULL, *err = NULL;
	struct json_object *root, *res;
	int r = layered_wipe("nvme", "nvme-sanitize-block", false, true, false, &dev, &out, &err);

	ck_assert_msg(r == WS_EXIT_OK, "exit %d: %s", r, err);
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "technique"), "nvme-sanitize-block");
	json_object_put(root);
	free(out);
	free(err);
	free(dev);
}
END_TEST

/* LD_PRELOAD="faultinject.so nvmesim.so": the order the shims' headers recommend. */
START_TEST(test_nvme_sanitize_then_read_fault)
{
	char *dev, *out = NULL, *err = NULL;
	int r = layered_wipe("nvme", "nvme-sanitize-block", true, true, false, &dev, &out, &err);

	failed_by_the_fault(r, dev, out, err);
	free(out);
	free(err);
	free(dev);
}
END_TEST

/* LD_PRELOAD="nvmesim.so faultinject.so": the drive hands on the read it does not refuse. */
START_TEST(test_nvme_drive_first)
{
	char *dev, *out = NULL, *err = NULL;
	int r = layered_wipe("nvme", "nvme-sanitize-block", true, false, false, &dev, &out, &err);

	failed_by_the_fault(r, dev, out, err);
	free(out);
	free(err);
	free(dev);
}
END_TEST

/* The fault's file named through a symbolic link: the injector knows the device by its
 * number, not by the name /proc/self/fd shows. */
START_TEST(test_nvme_fault_by_link)
{
	char *dev, *out = NULL, *err = NULL;
	int r = layered_wipe("nvme", "nvme-sanitize-block", true, true, true, &dev, &out, &err);

	failed_by_the_fault(r, dev, out, err);
	free(out);
	free(err);
	free(dev);
}
END_TEST

/* The same on a simulated SATA SSD, in both orders: LD_PRELOAD="faultinject.so atasim.so" and
 * "atasim.so faultinject.so". */
START_TEST(test_sata_sanitize_then_read_fault)
{
	for (int fault_first = 1; fault_first >= 0; fault_first--) {
		char *dev, *out = NULL, *err = NULL;
		int r = layered_wipe("ata", "ata-sanitize-block", true, fault_first, false, &dev,
		                     &out, &err);

		failed_by_the_fault(r, dev, out, err);
		free(out);
		free(err);
		free(dev);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("layered");
	TCase *tc = tcase_create("fault injector on a simulated drive");
	int r;

	simdrive_init("layered", "LAYER");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stack_without_fault_succeeds);
	tcase_add_test(tc, test_nvme_sanitize_then_read_fault);
	tcase_add_test(tc, test_nvme_drive_first);
	tcase_add_test(tc, test_nvme_fault_by_link);
	tcase_add_test(tc, test_sata_sanitize_then_read_fault);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
