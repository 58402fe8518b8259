/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ata-hidden.c - the second file of the ata suite (test-ata.c): hidden areas, the Host
 * Protected Area (SET MAX ADDRESS) and the Device Configuration Overlay, against tests/atasim,
 * through the same `wipeseal wipe` and `list` paths as real drives.
 *
 * As in test-ata.c, the built binary runs with the simulator preloaded against 32 MiB loop
 * devices holding ext4 filled with a marker string, and signs every wipe with a station key of
 * the suite's PKI. What each test shows:
 *
 * - test_hidden_area: on `hpa`, with a marker in the last 4 KiB (above the accessible maximum),
 *   clear and purge each exit 0 with the hidden marker gone, and the result says `restored: true`,
 *   `hidden_bytes` 4194304, `hidden_area_erased: true`; with `--keep-hidden-areas` the marker
 *   survives and the result says `kept_on_request: true`, `hidden_area_erased: false`.
 * - test_hidden_area_comes_back_after_power_cycle: on `hpa` with a state file, clear restores and
 *   erases the hidden area; the state file says no SET MAX asked for a permanent change (`max 57344
 *   permanent 0`), and the next process (the next power-on) sees the owner's HPA again in `list
 *   --json` (57344 accessible of 65536 sectors).
 * - test_simulator_agrees_with_hdparm: hdparm, whose encoder is not ours, against the simulator
 *   (48- and 28-bit): `-N` reads 57344/65536; `-N 65536` ("temporary") lifts the HPA and the next
 *   process sees it back; `-N p65536` ("permanent") is kept and counted in the state file. Skipped,
 *   with a note, where hdparm is not installed.
 * - test_lba28_drive_hidden_area: on `hpa` without 48-bit addressing, `list --json` shows the
 *   capacity of words 60-61 and the native maximum of F8h; clear lifts the HPA with F8h/F9h and
 *   erases the hidden marker.
 * - test_lba28_drive_dco: without 48-bit addressing, `dco` is refused naming the 4096 sectors the
 *   DCO hides (not the whole drive), and `dco-open` is wiped with nothing hidden.
 * - test_4kn_hidden_area_in_bytes: on `hpa` with 4096-byte logical sectors (and a loop device to
 *   match), the result's byte counts are the sector counts times 4096.
 * - test_dco_restriction_is_reported: on `dco`, clear is refused up front (exit 3) with the reason
 *   naming the 4096 sectors the DCO hides, the image unchanged; with `--keep-hidden-areas` it exits
 *   0, `hidden_area_erased: false`, `kept_on_request: true`.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ata.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* A marker in the last 4 KiB of the image: above the accessible maximum of profile hpa. */
static char *hpa_disk_sector(unsigned sector)
{
	char *img = scratch_image("hpa.img", 32), *dev;

	ck_assert_int_eq(test_sh(NULL,
	                         "printf '%s' | dd of='%s' bs=1 seek=$((32*1048576 - 4096)) "
	                         "conv=notrunc status=none",
	                         marker, img),
	                 0);
	dev = scratch_attach_sector(img, false, sector);
	free(img);
	return dev;
}

static char *hpa_disk(void)
{
	return hpa_disk_sector(512);
}

START_TEST(test_hidden_area)
{
	static const char *const methods[] = { "clear", "purge" };

	for (size_t i = 0; i < 2; i++) {
		char *dev = hpa_disk(), *out = NULL, *err = NULL, *args = NULL;
		struct json_object *root, *res;

		ck_assert(has_marker(dev));
		ck_assert_int_ge(asprintf(&args, "-m %s '%s'", methods[i], dev), 0);
		ck_assert_msg(sim_wipe("hpa", dev, args, &out, &err) == WS_EXIT_OK, "%s", err);
		/* read through the loop device, which has no HPA: the whole image */
		ck_assert_msg(!has_marker(dev), "%s: the hidden marker survived", methods[i]);
		res = result_of(out, &root);
		ck_assert_str_eq(jstr(res, "hidden_areas.restored"), "true");
		ck_assert_str_eq(jstr(res, "hidden_areas.hidden_bytes"), "4194304");
		ck_assert_str_eq(jstr(res, "hidden_areas.hidden_area_erased"), "true");
		json_object_put(root);
		free(out);
		free(err);
		free(args);
		free(dev);
	}
	{
		/* kept on request: not erased, and the certificate says so */
		char *dev = hpa_disk(), *out = NULL, *err = NULL, *args = NULL;
		struct json_object *root, *res;

		ck_assert_int_ge(asprintf(&args, "-m clear --keep-hidden-areas '%s'", dev), 0);
		ck_assert_int_eq(sim_wipe("hpa", dev, args, &out, &err), WS_EXIT_OK);
		ck_assert(has_marker(dev));
		res = result_of(out, &root);
		ck_assert_str_eq(jstr(res, "hidden_areas.kept_on_request"), "true");
		ck_assert_str_eq(jstr(res, "hidden_areas.hidden_area_erased"), "false");
		json_object_put(root);
		free(out);
		free(err);
		free(args);
		free(dev);
	}
}
END_TEST

/* ATA8-ACS, SET MAX ADDRESS EXT: with COUNT bit 0 (VV) clear lasts until the next power
 * cycle, which brings the owner's maximum back; with it set the change is permanent. The
 * simulator aborts SET MAX not immediately preceded by READ NATIVE MAX, keeps the maximum set
 * with VV=1 in its state file and counts those commands; each process is one power-on. */
START_TEST(test_hidden_area_comes_back_after_power_cycle)
{
	char *dev = hpa_disk(), *out = NULL, *err = NULL, *args = NULL, *state = NULL, *more = NULL;
	struct json_object *root, *res, *d;

	ck_assert_int_ge(asprintf(&state, "%s/hpa-state-%d", scratch_dir(), getpid()), 0);
	ck_assert_int_ge(asprintf(&more, "WS_ATASIM_STATE='%s'", state), 0);
	ck_assert_int_ge(asprintf(&args, "-m clear '%s'", dev), 0);
	ck_assert_msg(sim_wipe_env("hpa", more, dev, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(!has_marker(dev));
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "hidden_areas.restored"), "true");
	json_object_put(root);
	/* no SET MAX with VV=1 ever reached the drive */
	ck_assert_int_eq(test_sh(NULL, "grep -q '^max 57344 permanent 0$' '%s'", state), 0);
	/* the next power-on: the owner's host protected area is back */
	d = sim_list("hpa", more, dev, &root);
	ck_assert_str_eq(jstr(d, "ata.accessible_sectors"), "57344");
	ck_assert_str_eq(jstr(d, "ata.native_sectors"), "65536");
	ck_assert_str_eq(jstr(d, "ata.hidden_sectors"), "8192");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(more);
	free(state);
	free(dev);
}
END_TEST

/* hdparm, as an encoder independent of ours, against the simulator: its -N reads the HPA with
 * READ NATIVE MAX, "-N 65536" sets the maximum "temporary" (COUNT 0), "-N p65536"
 * "permanent" (COUNT 1). The simulator must agree with it: the temporary setting is gone at
 * the next power-on (the next process), the permanent one stays and is counted. 48-bit and
 * 28-bit drives. Skipped, visibly, without hdparm. */
static void hdparm_n(const char *env, const char *dev, const char *arg, const char *want)
{
	char *out = NULL;

	ck_assert_int_eq(
	    test_sh(&out, "%s hdparm --yes-i-know-what-i-am-doing -N %s '%s' 2>&1", env, arg, dev),
	    0);
	ck_assert_msg(strstr(out, want) != NULL, "hdparm -N %s: wanted '%s': %s", arg, want, out);
	free(out);
}

START_TEST(test_simulator_agrees_with_hdparm)
{
	static const char *const widths[] = { "", "WS_ATASIM_LBA28=1" };

	if (test_sh(NULL, "command -v hdparm >/dev/null") != 0) {
		fprintf(stderr,
		        "SKIP: test_simulator_agrees_with_hdparm: hdparm is not installed\n");
		return;
	}
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		char *dev = hpa_disk(), *state = NULL, *more = NULL, *env, *st = NULL;

		ck_assert_int_ge(
		    asprintf(&state, "%s/hdparm-state-%d-%zu", scratch_dir(), getpid(), i), 0);
		ck_assert_int_ge(asprintf(&more, "WS_ATASIM_STATE='%s' %s", state, widths[i]), 0);
		env = sim_env("hpa", dev, more);
		hdparm_n(env, dev, "", "max sectors   = 57344/65536, HPA is enabled");
		hdparm_n(env, dev, "65536", "setting max visible sectors to 65536 (temporary)");
		ck_assert_int_eq(test_sh(&st, "cat '%s'", state), 0);
		ck_assert_msg(strstr(st, "max 57344 permanent 0") != NULL, "%s", st);
		free(st);
		hdparm_n(env, dev, "", "max sectors   = 57344/65536, HPA is enabled");
		hdparm_n(env, dev, "p65536", "setting max visible sectors to 65536 (permanent)");
		ck_assert_int_eq(test_sh(&st, "cat '%s'", state), 0);
		ck_assert_msg(strstr(st, "max 65536 permanent 1") != NULL, "%s", st);
		free(st);
		hdparm_n(env, dev, "", "max sectors   = 65536/65536, HPA is disabled");
		free(env);
		free(more);
		free(state);
		free(dev);
	}
}
END_TEST

/* A drive without the 48-bit Address feature set: its capacity is in IDENTIFY words 60-61, its
 * host protected area is read with READ NATIVE MAX ADDRESS (F8h) and lifted with SET MAX
 * ADDRESS (F9h); the EXT commands it aborts. */
START_TEST(test_lba28_drive_hidden_area)
{
	char *dev = hpa_disk(), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res, *d;

	d = sim_list("hpa", "WS_ATASIM_LBA28=1", dev, &root);
	ck_assert_str_eq(jstr(d, "ata.accessible_sectors"), "57344");
	ck_assert_str_eq(jstr(d, "ata.native_sectors"), "65536");
	json_object_put(root);
	ck_assert_int_ge(asprintf(&args, "-m clear '%s'", dev), 0);
	ck_assert_msg(sim_wipe_env("hpa", "WS_ATASIM_LBA28=1", dev, args, &out, &err) == WS_EXIT_OK,
	              "%s", err);
	ck_assert_msg(!has_marker(dev), "the hidden marker survived");
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "hidden_areas.restored"), "true");
	ck_assert_str_eq(jstr(res, "hidden_areas.hidden_bytes"), "4194304");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

/* A drive with 4096-byte logical sectors counts its LBAs in those: the hidden area is 1/8 of
 * the image in bytes, not 1/8 of it divided by 8. */
START_TEST(test_4kn_hidden_area_in_bytes)
{
	char *dev = hpa_disk_sector(4096), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m clear '%s'", dev), 0);
	ck_assert_msg(sim_wipe_env("hpa", "WS_ATASIM_SECTOR=4096", dev, args, &out, &err) ==
	                  WS_EXIT_OK,
	              "%s", err);
	ck_assert(!has_marker(dev));
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "hidden_areas.restored"), "true");
	ck_assert_str_eq(jstr(res, "hidden_areas.accessible_bytes_before"), "29360128");
	ck_assert_str_eq(jstr(res, "hidden_areas.native_bytes"), "33554432");
	ck_assert_str_eq(jstr(res, "hidden_areas.hidden_bytes"), "4194304");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

/* A 28-bit drive with the DCO feature set: an overlay that hides nothing is no reason to
 * refuse, and one that hides sectors is counted from words 60-61, not from zero. */
START_TEST(test_lba28_drive_dco)
{
	char *dev = marked("dco28.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m clear '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe_env("dco", "WS_ATASIM_LBA28=1", dev, args, &out, &err),
	                 WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, "a DCO restriction hides 4096 sectors") != NULL, "%s", err);
	free(out);
	free(err);
	ck_assert_msg(sim_wipe_env("dco-open", "WS_ATASIM_LBA28=1", dev, args, &out, &err) ==
	                  WS_EXIT_OK,
	              "%s", err);
	ck_assert(!has_marker(dev));
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "hidden_areas.hidden_area_erased"), "true");
	ck_assert_str_eq(jstr(res, "hidden_areas.dco_hidden_bytes"), "0");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_dco_restriction_is_reported)
{
	char *dev = marked("dco.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	/* a DCO hides sectors we will not restore (that is permanent): refused up front,
	 * nothing written */
	{
		char *before = sha(dev), *after;

		ck_assert_int_ge(asprintf(&args, "-m clear '%s'", dev), 0);
		ck_assert_int_eq(sim_wipe("dco", dev, args, &out, &err), WS_EXIT_REFUSED);
		ck_assert_ptr_nonnull(strstr(err, "a DCO restriction hides 4096 sectors"));
		after = sha(dev);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
		free(out);
		free(err);
		free(args);
	}
	/* kept on request: SUCCESS for what was reachable, and still "not erased" */
	ck_assert_int_ge(asprintf(&args, "-m clear --keep-hidden-areas '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("dco", dev, args, &out, &err), WS_EXIT_OK);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "hidden_areas.hidden_area_erased"), "false");
	ck_assert_str_eq(jstr(res, "hidden_areas.kept_on_request"), "true");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

void ata_add_hidden_area_tests(TCase *tc)
{
	tcase_add_test(tc, test_hidden_area);
	tcase_add_test(tc, test_hidden_area_comes_back_after_power_cycle);
	tcase_add_test(tc, test_simulator_agrees_with_hdparm);
	tcase_add_test(tc, test_lba28_drive_hidden_area);
	tcase_add_test(tc, test_lba28_drive_dco);
	tcase_add_test(tc, test_4kn_hidden_area_in_bytes);
	tcase_add_test(tc, test_dco_restriction_is_reported);
}
