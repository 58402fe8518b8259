/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-mmc.c - eMMC and SD cards through the same `wipeseal` paths as real ones, against
 * tests/mmcsim: a simulated eMMC answering MMC_IOC_CMD and MMC_IOC_MULTI_CMD for three loop
 * devices that stand for its user area and its two boot partitions, changing them the way a
 * card would. The product finds them the real way: tests/mmcsim/mmc-ns.sh runs it in a private
 * mount namespace (unshare -m) where /sys/class/block, /sys/dev/block and /dev hold
 * mmcblk0, mmcblk0boot0 and mmcblk0boot1 with the loop devices' numbers, and /run/udev is
 * empty: that the product took the tree for real is shown by `list` naming the device
 * "mmcblk0", transport "mmc", model WSSIM8 and facts_source "sysfs", with the boot partitions
 * found beside it.
 *
 * The user area is 32 MiB of ext4 holding a marker; each boot partition 4 MiB of marker lines.
 * Every wipe is signed by a PKI the suite makes, and every certificate inspected is checked
 * with `openssl cms -verify` (result_of()). What the tests show:
 *
 * - test_list_one_drive: one drive with its EXT_CSD facts, two boot partitions (force_ro 1) and
 *   a 128 KiB RPMB; emmc51 advertises erase, trim and sanitize and not the secure pair.
 * - test_each_technique: mmc-erase, mmc-trim (emmc51), mmc-secure-erase, mmc-secure-trim
 *   (emmc44), mmc-sanitize (emmc51, and erased-ff where erased memory reads 0xFF) and purge
 *   (sanitize on emmc51, secure erase on emmc44): exit 0, the user area and both boot
 *   partitions read back byte for byte as erased memory (cmp), the CMD38 argument (or the
 *   SANITIZE_START switch) in the simulator's log, four areas in the result and the
 *   certificate (user, boot0, boot1 erased; rpmb not host-erasable), force_ro 1 afterwards.
 * - test_unadvertised_is_refused: mmc-secure-erase on emmc51 and mmc-sanitize on no-sanitize
 *   exit 3 with one line naming the technique; the three images unchanged (SHA-256).
 * - test_lying_card_fails: a card that acknowledges and does nothing: with boot partitions,
 *   FAILED naming boot partition mmcblk0boot0, force_ro 1 again; without them, exit 4, the
 *   read-back found data.
 * - test_overwrite_covers_boot_areas: `-m clear` on an eMMC writes the boot partitions too
 *   (zeros read back by cmp, no CMD38 sent), force_ro 1 afterwards, every area in the result
 *   and the certificate; with boot1 on a read-only loop device, FAILED naming it, boot0 and
 *   the user area still written, boot1's marker still there, force_ro 1 again.
 * - test_sd_card_overwrite: an SD card (device/type SD) gets no EXT_CSD request, only the
 *   overwrite methods; mmc-erase is refused; `-m clear` exits 0, zeros, and the certificate's
 *   sanitization.flash_media says overwrite on flash is Clear and what Purge would need, which
 *   `show` prints.
 *
 * Not covered here: the kernel's MMC stack and a real card (the VM suite overwrites an SD card
 * on QEMU's SDHCI); byte-addressed cards (the simulator is sector addressed); a crash while
 * force_ro is off (only signals are held back, and a warning names the attribute); `list`
 * without paths (libudev accepts only a real sysfs, so the scan cannot see the namespace's
 * tmpfs: tests/unit/test-mmc-kat.c shows the scan leaving boot partitions and RPMB out).
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

struct card {
	char *user, *boot0, *boot1; /* loop devices */
	char state[512];            /* where mmc-ns.sh leaves the force_ro files */
	char log[512];              /* the simulator's command log */
};

/* jstr() that also steps into arrays: "areas.1.name". */
static const char *js(struct json_object *o, const char *path)
{
	char *copy = strdup(path), *save = NULL, *k;
	struct json_object *v = o;

	ck_assert_ptr_nonnull(copy);
	for (k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		if (json_object_is_type(v, json_type_array))
			v = json_object_array_get_idx(v, (size_t)strtoul(k, NULL, 10));
		else if (!json_object_object_get_ex(v, k, &v))
			v = NULL;
	free(copy);
	return v ? json_object_get_string(v) : NULL;
}

/* 4 MiB of marker lines on a loop device: a boot partition holding data. */
static char *boot_area(const char *name, bool read_only)
{
	char *img = scratch_image(name, 4), *dev;

	ck_assert_int_eq(test_sh(NULL,
	                         "yes '%s' | head -c 4194304 | dd of='%s' conv=notrunc status=none",
	                         marker, img),
	                 0);
	dev = scratch_attach(img, false, read_only);
	free(img);
	return dev;
}

/* A card named @tag, with boot partitions when @boot; boot1 on a read-only loop device when
 * @boot1_ro (a partition that cannot be written). */
static void card_new_ro(struct card *c, const char *tag, bool boot, bool boot1_ro)
{
	static int n;
	char name[64];

	snprintf(name, sizeof(name), "%s-user.img", tag);
	c->user = marked(name);
	c->boot0 = c->boot1 = NULL;
	if (boot) {
		snprintf(name, sizeof(name), "%s-boot0.img", tag);
		c->boot0 = boot_area(name, false);
		snprintf(name, sizeof(name), "%s-boot1.img", tag);
		c->boot1 = boot_area(name, boot1_ro);
	}
	/* each test runs in a process of its own: the pid keeps their files apart */
	snprintf(c->state, sizeof(c->state), "%s/state-%s-%d-%d", scratch_dir(), tag, getpid(),
	         ++n);
	snprintf(c->log, sizeof(c->log), "%s/sim-%s-%d-%d.log", scratch_dir(), tag, getpid(), n);
	ck_assert_int_eq(test_sh(NULL, "mkdir -p '%s'", c->state), 0);
}

static void card_new(struct card *c, const char *tag, bool boot)
{
	card_new_ro(c, tag, boot, false);
}

static void card_free(struct card *c)
{
	free(c->user);
	free(c->boot0);
	free(c->boot1);
}

/* The prefix that runs the CLI as card @c with the simulator's @profile (NULL: none), of
 * @type ("MMC" or "SD"). */
static char *ns_prefix(const struct card *c, const char *profile, const char *type)
{
	return test_fmt("WS_MMCNS_USER='%s' WS_MMCNS_BOOT0='%s' WS_MMCNS_BOOT1='%s' "
	                "WS_MMCNS_TYPE=%s WS_MMCNS_STATE='%s' WS_MMCNS_PRELOAD='%s' "
	                "WS_MMCNS_ENV='ASAN_OPTIONS=verify_asan_link_order=0 "
	                "WS_MMCSIM_PATH=/dev/mmcblk0 WS_MMCSIM_BOOT0=%s WS_MMCSIM_BOOT1=%s "
	                "WS_MMCSIM_PROFILE=%s WS_MMCSIM_LOG=%s' "
	                "unshare -m sh '%s/tests/mmcsim/mmc-ns.sh'",
	                c->user, c->boot0 ? c->boot0 : "", c->boot1 ? c->boot1 : "", type, c->state,
	                profile ? WS_MMCSIM : "", c->boot0 ? "/dev/mmcblk0boot0" : "",
	                c->boot1 ? "/dev/mmcblk0boot1" : "", profile ? profile : "none", c->log,
	                WS_SOURCE_DIR);
}

static int card_wipe(const struct card *c, const char *profile, const char *type,
                     const char *method, char **out, char **err)
{
	char *prefix = ns_prefix(c, profile, type), *args = test_fmt("-m %s /dev/mmcblk0", method);
	int r = simdrive_wipe(prefix, args, out, err);

	free(prefix);
	free(args);
	return r;
}

/* @dev reads as @byte for @bytes bytes. */
static bool reads_as(const char *dev, unsigned bytes, unsigned byte)
{
	return test_sh(NULL, "head -c %u /dev/zero | tr '\\000' '\\%03o' | cmp -s -n %u - '%s'",
	               bytes, byte, bytes, dev) == 0;
}

static void force_ro_is_1(const struct card *c)
{
	char *v = NULL;

	ck_assert_int_eq(test_sh(&v, "cat '%s/mmcblk0boot0.force_ro' '%s/mmcblk0boot1.force_ro'",
	                         c->state, c->state),
	                 0);
	ck_assert_str_eq(v, "1\n1\n");
	free(v);
}

/* ---- tests --------------------------------------------------------------------------------- */

START_TEST(test_list_one_drive)
{
	struct card c;
	struct json_object *root, *d;
	char *prefix, *out = NULL, *err = NULL;

	card_new(&c, "list", true);
	prefix = ns_prefix(&c, "emmc51", "MMC");
	ck_assert_msg(run_cli_prefix(&out, &err, prefix, "list --json /dev/mmcblk0") == 0, "%s",
	              err);
	root = json_tokener_parse(out);
	d = json_device(root, "/dev/mmcblk0");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(js(d, "name"), "mmcblk0");
	ck_assert_str_eq(js(d, "transport"), "mmc");
	ck_assert_str_eq(js(d, "model"), "WSSIM8");
	ck_assert_str_eq(js(d, "facts_source"), "sysfs");
	ck_assert_str_eq(js(d, "mmc.card_type"), "MMC");
	ck_assert_str_eq(js(d, "mmc.ext_csd_rev"), "8");
	ck_assert_str_eq(js(d, "mmc.sanitize"), "true");
	ck_assert_str_eq(js(d, "mmc.secure_erase"), "false");
	ck_assert_str_eq(js(d, "mmc.erased_byte"), "0");
	ck_assert_str_eq(js(d, "mmc.rpmb_bytes"), "131072");
	ck_assert_str_eq(js(d, "mmc.boot_partition_bytes"), "4194304");
	ck_assert_str_eq(js(d, "mmc.boot_partitions.0.path"), "/dev/mmcblk0boot0");
	ck_assert_str_eq(js(d, "mmc.boot_partitions.1.name"), "mmcblk0boot1");
	ck_assert_str_eq(js(d, "mmc.boot_partitions.1.force_ro"), "true");
	ck_assert(json_array_has(json_object_object_get(d, "methods"), "mmc-sanitize"));
	ck_assert(json_array_has(json_object_object_get(d, "methods"), "mmc-trim"));
	ck_assert(!json_array_has(json_object_object_get(d, "methods"), "mmc-secure-erase"));
	json_object_put(root);
	free(out);
	free(err);
	/* and for people: one drive, its areas on a line under it */
	ck_assert_msg(run_cli_prefix(&out, &err, prefix, "list /dev/mmcblk0") == 0, "%s", err);
	ck_assert_int_eq(test_sh(NULL, "printf '%%s' '%s' | grep -c '^/dev/' | grep -qx 1", out),
	                 0);
	ck_assert_msg(strstr(out, "areas: mmcblk0boot0 4.0M, mmcblk0boot1 4.0M (erased with it); "
	                          "rpmb 128K (no host command erases it)"),
	              "%s", out);
	free(out);
	free(err);
	free(prefix);
	card_free(&c);
}
END_TEST

/* One technique on a fresh card, everything read back. */
static void technique(const char *profile, const char *method, const char *want_technique,
                      const char *want_log, unsigned byte)
{
	struct card c;
	struct json_object *root, *res, *cert, *areas;
	char *out = NULL, *err = NULL;

	card_new(&c, "tech", true);
	ck_assert_msg(card_wipe(&c, profile, "MMC", method, &out, &err) == WS_EXIT_OK, "%s %s: %s",
	              profile, method, err);
	ck_assert_msg(reads_as(c.user, 32u << 20, byte), "%s %s: user area", profile, method);
	ck_assert_msg(reads_as(c.boot0, 4u << 20, byte), "%s %s: boot0", profile, method);
	ck_assert_msg(reads_as(c.boot1, 4u << 20, byte), "%s %s: boot1", profile, method);
	ck_assert_int_eq(test_sh(NULL, "grep -q -F '%s' '%s'", want_log, c.log), 0);
	force_ro_is_1(&c);
	res = result_of(out, &root);
	ck_assert_str_eq(js(res, "status"), "SUCCESS");
	ck_assert_str_eq(js(res, "technique"), want_technique);
	ck_assert_str_eq(js(res, "firmware.completion_observed"), "true");
	ck_assert_str_eq(js(res, "areas.0.name"), "user");
	ck_assert_str_eq(js(res, "areas.0.erased"), "true");
	ck_assert_str_eq(js(res, "areas.1.name"), "boot0");
	ck_assert_str_eq(js(res, "areas.1.erased"), "true");
	ck_assert_str_eq(js(res, "areas.1.technique"), want_technique);
	ck_assert_str_eq(js(res, "areas.1.force_ro_restored"), "true");
	ck_assert_str_eq(js(res, "areas.2.device"), "/dev/mmcblk0boot1");
	ck_assert_str_eq(js(res, "areas.2.size_bytes"), "4194304");
	ck_assert_str_eq(js(res, "areas.3.name"), "rpmb");
	ck_assert_str_eq(js(res, "areas.3.host_erasable"), "false");
	cert = certificate_of(root);
	ck_assert(json_object_object_get_ex(json_object_object_get(cert, "sanitization"), "areas",
	                                    &areas));
	ck_assert_int_eq(json_object_array_length(areas), 4);
	ck_assert_str_eq(js(cert, "sanitization.areas.2.erased"), "true");
	json_object_put(cert);
	json_object_put(root);
	free(out);
	free(err);
	card_free(&c);
}

START_TEST(test_each_technique)
{
	technique("emmc51", "mmc-erase", "mmc-erase", "user CMD38 arg=0x00000000", 0x00);
	technique("emmc51", "mmc-trim", "mmc-trim", "boot1 CMD38 arg=0x00000001", 0x00);
	technique("emmc44", "mmc-secure-erase", "mmc-secure-erase", "user CMD38 arg=0x80000000",
	          0x00);
	technique("emmc44", "mmc-secure-trim", "mmc-secure-trim", "boot0 CMD38 arg=0x80008000",
	          0x00);
	technique("emmc51", "mmc-sanitize", "mmc-sanitize", "user CMD6 arg=0x03a50101", 0x00);
	technique("erased-ff", "mmc-sanitize", "mmc-sanitize", "user CMD6 arg=0x03a50101", 0xff);
	technique("emmc51", "purge", "mmc-sanitize", "user CMD6 arg=0x03a50101", 0x00);
	technique("emmc44", "purge", "mmc-secure-erase", "user CMD38 arg=0x80000000", 0x00);
}
END_TEST

static void refused(const char *profile, const char *method)
{
	struct card c;
	char *before[3], *out = NULL, *err = NULL,
	                 *want = test_fmt("does not advertise %s", method);

	card_new(&c, "ref", true);
	before[0] = sha(c.user);
	before[1] = sha(c.boot0);
	before[2] = sha(c.boot1);
	ck_assert_int_eq(card_wipe(&c, profile, "MMC", method, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, want) != NULL, "wanted '%s': %s", want, err);
	for (int i = 0; i < 3; i++) {
		char *after = sha(i == 0 ? c.user : i == 1 ? c.boot0 : c.boot1);

		ck_assert_str_eq(before[i], after);
		free(after);
		free(before[i]);
	}
	force_ro_is_1(&c);
	free(want);
	free(out);
	free(err);
	card_free(&c);
}

START_TEST(test_unadvertised_is_refused)
{
	refused("emmc51", "mmc-secure-erase");
	refused("no-sanitize", "mmc-sanitize");
}
END_TEST

START_TEST(test_lying_card_fails)
{
	struct card c;
	struct json_object *root, *res;
	char *out = NULL, *err = NULL;
	int r;

	card_new(&c, "lie", true);
	r = card_wipe(&c, "lying", "MMC", "mmc-sanitize", &out, &err);
	ck_assert_msg(r == WS_EXIT_FAILED || r == WS_EXIT_DATA_FOUND, "exit %d: %s", r, err);
	force_ro_is_1(&c);
	ck_assert(has_marker(c.boot0));
	res = result_of(out, &root);
	ck_assert_str_eq(js(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(strstr(js(res, "reason"), "boot partition /dev/mmcblk0boot0"));
	ck_assert_str_eq(js(res, "areas.1.erased"), "false");
	ck_assert_str_eq(js(res, "areas.1.force_ro_restored"), "true");
	json_object_put(root);
	free(out);
	free(err);
	card_free(&c);

	card_new(&c, "lie2", false); /* the user area alone: the read-back finds the data */
	ck_assert_int_eq(card_wipe(&c, "lying", "MMC", "mmc-sanitize", &out, &err),
	                 WS_EXIT_DATA_FOUND);
	ck_assert(has_marker(c.user));
	res = result_of(out, &root);
	ck_assert_str_eq(js(res, "status"), "FAILED");
	ck_assert_str_eq(js(res, "areas.0.erased"), "false");
	json_object_put(root);
	free(out);
	free(err);
	card_free(&c);
}
END_TEST

/* The host's overwrite of an eMMC reaches its boot partitions too, with the same pass, and
 * the certificate lists every area; a boot partition that cannot be written makes it FAILED. */
START_TEST(test_overwrite_covers_boot_areas)
{
	struct card c;
	struct json_object *root, *res, *cert;
	char *out = NULL, *err = NULL;
	int r;

	card_new(&c, "ovw", true);
	ck_assert_msg(card_wipe(&c, "emmc51", "MMC", "clear", &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(reads_as(c.user, 32u << 20, 0x00));
	ck_assert(reads_as(c.boot0, 4u << 20, 0x00));
	ck_assert(reads_as(c.boot1, 4u << 20, 0x00));
	ck_assert(!has_marker(c.boot0) && !has_marker(c.boot1));
	/* the host wrote it: not one erase command went to the card */
	ck_assert_int_ne(test_sh(NULL, "grep -q CMD38 '%s'", c.log), 0);
	force_ro_is_1(&c);
	res = result_of(out, &root);
	ck_assert_str_eq(js(res, "status"), "SUCCESS");
	ck_assert_str_eq(js(res, "technique"), "overwrite");
	ck_assert_str_eq(js(res, "areas.0.name"), "user");
	ck_assert_str_eq(js(res, "areas.0.erased"), "true");
	for (int i = 1; i <= 2; i++) {
		char key[32];

		snprintf(key, sizeof(key), "areas.%d.technique", i);
		ck_assert_str_eq(js(res, key), "overwrite");
		snprintf(key, sizeof(key), "areas.%d.erased", i);
		ck_assert_str_eq(js(res, key), "true");
		snprintf(key, sizeof(key), "areas.%d.force_ro_restored", i);
		ck_assert_str_eq(js(res, key), "true");
	}
	ck_assert_str_eq(js(res, "areas.3.name"), "rpmb");
	cert = certificate_of(root);
	ck_assert_str_eq(js(cert, "sanitization.areas.1.device"), "/dev/mmcblk0boot0");
	ck_assert_str_eq(js(cert, "sanitization.areas.2.erased"), "true");
	json_object_put(cert);
	json_object_put(root);
	free(out);
	free(err);
	card_free(&c);

	card_new_ro(&c, "ovwro", true, true); /* boot1 cannot be written */
	r = card_wipe(&c, "emmc51", "MMC", "clear", &out, &err);
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, err);
	ck_assert(reads_as(c.boot0, 4u << 20, 0x00));
	ck_assert(has_marker(c.boot1));
	force_ro_is_1(&c);
	res = result_of(out, &root);
	ck_assert_str_eq(js(res, "status"), "FAILED");
	ck_assert_msg(strstr(js(res, "reason"), "boot partition /dev/mmcblk0boot1 was not erased"),
	              "%s", js(res, "reason"));
	ck_assert_str_eq(js(res, "areas.0.erased"), "true");
	ck_assert_str_eq(js(res, "areas.1.erased"), "true");
	ck_assert_str_eq(js(res, "areas.2.erased"), "false");
	ck_assert_str_eq(js(res, "areas.2.force_ro_restored"), "true");
	json_object_put(root);
	free(out);
	free(err);
	card_free(&c);
}
END_TEST

START_TEST(test_sd_card_overwrite)
{
	struct card c;
	struct json_object *root, *res, *cert;
	char *out = NULL, *err = NULL, *shown = NULL, *prefix;

	card_new(&c, "sd", false);
	/* mmcsim preloaded all the same: an SD card must get no EXT_CSD request */
	ck_assert_int_eq(card_wipe(&c, "emmc51", "SD", "mmc-erase", &out, &err), WS_EXIT_REFUSED);
	ck_assert_ptr_nonnull(strstr(err, "does not advertise mmc-erase"));
	ck_assert_int_ne(test_sh(NULL, "grep -q CMD8 '%s'", c.log), 0);
	free(out);
	free(err);
	ck_assert_msg(card_wipe(&c, "emmc51", "SD", "clear", &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(reads_as(c.user, 32u << 20, 0x00));
	res = result_of(out, &root);
	ck_assert_str_eq(js(res, "status"), "SUCCESS");
	ck_assert_ptr_null(js(res, "areas"));
	cert = certificate_of(root);
	ck_assert_str_eq(js(cert, "sanitization.method"), "Clear");
	ck_assert_ptr_nonnull(
	    strstr(js(cert, "sanitization.flash_media"), "Overwrite on flash media is Clear"));
	ck_assert_ptr_nonnull(strstr(js(cert, "sanitization.flash_media"), "destruction"));
	prefix = test_fmt("'%s' show '%s'", WS_CLI, js(root, "file"));
	ck_assert_int_eq(test_sh(&shown, "%s", prefix), 0);
	ck_assert_ptr_nonnull(strstr(shown, "flash media"));
	json_object_put(cert);
	json_object_put(root);
	free(prefix);
	free(shown);
	free(out);
	free(err);
	card_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mmc");
	TCase *tc = tcase_create("simulated eMMC");
	int r;

	simdrive_init("mmc", "MMC");
	if (test_sh(NULL, "unshare -m true") != 0) {
		fprintf(stderr, "SKIP: no private mount namespace (unshare -m) here\n");
		scratch_cleanup();
		return 77;
	}
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_list_one_drive);
	tcase_add_test(tc, test_each_technique);
	tcase_add_test(tc, test_unadvertised_is_refused);
	tcase_add_test(tc, test_lying_card_fails);
	tcase_add_test(tc, test_overwrite_covers_boot_areas);
	tcase_add_test(tc, test_sd_card_overwrite);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
