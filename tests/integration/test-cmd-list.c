/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-list.c - `wipeseal list` against real loop devices with real file systems.
 * Expected sizes and file system identities come from blockdev and blkid, not from us.
 *
 * The scratch machine (scenario.c, shared with test-cmd-check.c): an idle GPT disk with an ext4 and
 * a vfat partition holding files, a whole-device ext4 that is mounted, a DOS-labelled disk with a
 * mounted partition, a read-only loop device, active swap, a free ext4 image file and an image file
 * backing a loop device. The root disk comes from findmnt.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

static struct scenario sc;

static struct json_object *list_all(void)
{
	char *out = NULL, *err = NULL;
	struct json_object *root;

	ck_assert_int_eq(run_cli(&out, &err, "list --json --all"), 0);
	ck_assert_str_eq(err, "");
	root = json_tokener_parse(out);
	ck_assert_msg(root != NULL, "not JSON: %s", out);
	free(out);
	free(err);
	return root;
}

static struct json_object *dev_of(struct json_object *root, const char *path)
{
	struct json_object *d = json_device(root, path);

	ck_assert_msg(d != NULL, "%s not in list --json --all", path);
	return d;
}

static bool jbool(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return json_object_get_boolean(v);
}

static char *sh_line(const char *cmd)
{
	char *out = NULL;

	ck_assert_msg(test_sh(&out, "%s", cmd) == 0, "%s: %s", cmd, out);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

START_TEST(test_idle_loop_device_is_described_and_eligible)
{
	struct json_object *root = list_all(), *d = dev_of(root, sc.idle), *parts, *p, *fs;
	char *cmd = NULL, *size, *uuid;

	ck_assert_int_ge(asprintf(&cmd, "blockdev --getsize64 %s", sc.idle), 0);
	size = sh_line(cmd);
	free(cmd);
	ck_assert_uint_eq(json_object_get_uint64(json_object_object_get(d, "size_bytes")),
	                  strtoull(size, NULL, 10));
	ck_assert_uint_eq(strtoull(size, NULL, 10), 64u << 20);
	ck_assert_str_eq(jstr(d, "transport"), "loop");
	ck_assert_str_eq(jstr(d, "loop_backing_file"), sc.idle_img);
	ck_assert(jbool(d, "eligible"));
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(d, "ineligible_reasons")),
	                  0);
	ck_assert(json_array_has(json_object_object_get(d, "methods"), "clear"));
	ck_assert_str_eq(jstr(json_object_object_get(d, "partition_table"), "type"), "gpt");

	parts = json_object_object_get(d, "partitions");
	ck_assert_uint_eq(json_object_array_length(parts), 2);
	p = json_object_array_get_idx(parts, 0);
	fs = json_object_object_get(p, "filesystem");
	ck_assert_str_eq(jstr(fs, "type"), "ext4");
	ck_assert_str_eq(jstr(fs, "label"), "wsdata");
	ck_assert_int_ge(asprintf(&cmd, "blkid -p -s UUID -o value %sp1", sc.idle), 0);
	uuid = sh_line(cmd);
	free(cmd);
	ck_assert_str_eq(jstr(fs, "uuid"), uuid);
	ck_assert_uint_eq(json_object_get_uint64(json_object_object_get(p, "start_bytes")),
	                  1u << 20);
	ck_assert_uint_eq(json_object_get_uint64(json_object_object_get(p, "size_bytes")),
	                  32u << 20);
	p = json_object_array_get_idx(parts, 1);
	ck_assert_str_eq(jstr(json_object_object_get(p, "filesystem"), "type"), "vfat");
	ck_assert_str_eq(jstr(json_object_object_get(p, "filesystem"), "label"), "WSBOOT");
	free(size);
	free(uuid);
	json_object_put(root);
}
END_TEST

START_TEST(test_mounted_devices_are_ineligible_with_reasons)
{
	struct json_object *root = list_all(), *d;
	char *want = NULL;
	const char *name;

	d = dev_of(root, sc.whole_mounted);
	ck_assert(!jbool(d, "eligible"));
	name = jstr(d, "name");
	ck_assert_int_ge(asprintf(&want, "mounted: %s on %s", sc.whole_mp, name), 0);
	ck_assert_msg(json_array_has(json_object_object_get(d, "ineligible_reasons"), want),
	              "missing reason '%s'", want);
	free(want);

	d = dev_of(root, sc.part_mounted);
	ck_assert(!jbool(d, "eligible"));
	ck_assert_int_ge(asprintf(&want, "mounted: %s on %sp1", sc.part_mp, jstr(d, "name")), 0);
	ck_assert_msg(json_array_has(json_object_object_get(d, "ineligible_reasons"), want),
	              "missing reason '%s'", want);
	free(want);
	ck_assert_str_eq(jstr(json_object_object_get(d, "partition_table"), "type"), "dos");
	json_object_put(root);
}
END_TEST

START_TEST(test_read_only_and_swap_are_ineligible)
{
	struct json_object *root = list_all(), *d;
	char *want = NULL;

	d = dev_of(root, sc.read_only);
	ck_assert(jbool(d, "read_only"));
	ck_assert(!jbool(d, "eligible"));
	ck_assert(json_array_has(json_object_object_get(d, "ineligible_reasons"), "read-only"));
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(d, "methods")), 0);

	d = dev_of(root, sc.swap);
	ck_assert(!jbool(d, "eligible"));
	ck_assert_int_ge(asprintf(&want, "active swap: %s", jstr(d, "name")), 0);
	ck_assert_msg(json_array_has(json_object_object_get(d, "ineligible_reasons"), want),
	              "missing reason '%s'", want);
	free(want);
	json_object_put(root);
}
END_TEST

START_TEST(test_root_disk_is_ineligible)
{
	/* which disk holds "/", found with util-linux and sysfs, not with our code */
	char *disk = sh_line("mm=$(findmnt -no MAJ:MIN /); case $mm in 0:*) echo none; exit 0;; "
	                     "esac; p=$(readlink -f /sys/dev/block/$mm); "
	                     "[ -e $p/partition ] && p=$(dirname $p); basename $p");
	struct json_object *root = list_all(), *devs, *found = NULL;

	if (strcmp(disk, "none") == 0) {
		printf("NOTE: / is not on a block device here; root-disk check limited\n");
	} else {
		ck_assert(json_object_object_get_ex(root, "devices", &devs));
		for (size_t i = 0; i < json_object_array_length(devs); i++) {
			struct json_object *d = json_object_array_get_idx(devs, i);

			if (jstr(d, "name") && strcmp(jstr(d, "name"), disk) == 0)
				found = d;
		}
		ck_assert_msg(found != NULL, "root disk %s not listed", disk);
		ck_assert(!jbool(found, "eligible"));
		ck_assert(jbool(found, "holds_root"));
		ck_assert(json_array_has(json_object_object_get(found, "ineligible_reasons"),
		                         "holds the root file system"));
	}
	free(disk);
	json_object_put(root);
}
END_TEST

START_TEST(test_default_list_hides_loop_and_ineligible)
{
	char *out = NULL, *err = NULL;
	struct json_object *root, *devs;

	ck_assert_int_eq(run_cli(&out, &err, "list --json"), 0);
	root = json_tokener_parse(out);
	ck_assert_ptr_nonnull(root);
	ck_assert(json_object_object_get_ex(root, "devices", &devs));
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);

		ck_assert_str_ne(jstr(d, "transport"), "loop");
		ck_assert(jbool(d, "eligible"));
	}
	json_object_put(root);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_image_files_are_described)
{
	char *out = NULL, *err = NULL;
	struct json_object *root, *d;

	ck_assert_int_eq(run_cli(&out, &err, "list --json '%s' '%s'", sc.image, sc.backing_image),
	                 0);
	root = json_tokener_parse(out);
	ck_assert_ptr_nonnull(root);
	d = dev_of(root, sc.image);
	ck_assert_str_eq(jstr(d, "kind"), "file");
	ck_assert_str_eq(jstr(d, "transport"), "file");
	ck_assert_uint_eq(json_object_get_uint64(json_object_object_get(d, "size_bytes")),
	                  16u << 20);
	ck_assert_str_eq(jstr(json_object_object_get(d, "filesystem"), "type"), "ext4");
	ck_assert_str_eq(jstr(json_object_object_get(d, "filesystem"), "label"), "imgfs");
	ck_assert(jbool(d, "eligible"));
	d = dev_of(root, sc.backing_image);
	ck_assert(!jbool(d, "eligible"));
	ck_assert(json_array_has(json_object_object_get(d, "backs_loop_devices"), sc.backing_loop));
	json_object_put(root);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_table_and_errors)
{
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(run_cli(&out, &err, "list --all"), 0);
	ck_assert_ptr_nonnull(strstr(out, "PATH"));
	ck_assert_ptr_nonnull(strstr(out, sc.idle));
	ck_assert_ptr_nonnull(strstr(out, "gpt: ext4,vfat"));
	free(out);
	free(err);

	ck_assert_int_eq(run_cli(&out, &err, "list /nonexistent/disk"), WS_EXIT_USAGE);
	ck_assert_str_eq(err, "wipeseal list: /nonexistent/disk: no such device or file (see "
	                      "'wipeseal list --all')\n");
	free(out);
	free(err);

	ck_assert_int_eq(run_cli(&out, &err, "list --bogus"), WS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "wipeseal list --help"));
	free(out);
	free(err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmd-list");
	TCase *tc = tcase_create("loop devices");
	int r;

	scratch_init("list");
	scenario_build(&sc);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_idle_loop_device_is_described_and_eligible);
	tcase_add_test(tc, test_mounted_devices_are_ineligible_with_reasons);
	tcase_add_test(tc, test_read_only_and_swap_are_ineligible);
	tcase_add_test(tc, test_root_disk_is_ineligible);
	tcase_add_test(tc, test_default_list_hides_loop_and_ineligible);
	tcase_add_test(tc, test_image_files_are_described);
	tcase_add_test(tc, test_table_and_errors);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
