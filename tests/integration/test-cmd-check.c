/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-check.c - the safety gate through `wipeseal check`, against real loop devices:
 * what passes, what is refused (exit 3, one line naming the reason), what is bad input
 * (exit 2), and that a refused target is left byte-for-byte as it was.
 *
 * It runs against the scratch machine of scenario.c (see test-cmd-list.c) and hashes each target
 * before and after: the bytes must be unchanged.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

static struct scenario sc;

/* Run check on @target; expect @code and, for refusals, exactly one stderr line holding
 * @needle. The target's bytes must not change: what the gate controls. A file system
 * mounted from it (at @frozen_mp) is frozen meanwhile, so that the kernel's own writes
 * (journal commits, lazy inode-table initialisation) cannot change a byte either. */
static void expect_frozen(const char *target, int code, const char *needle, const char *frozen_mp)
{
	char *out = NULL, *err = NULL, *before = NULL, *after = NULL;
	int r;

	if (frozen_mp)
		ck_assert_int_eq(test_sh(NULL, "fsfreeze -f '%s'", frozen_mp), 0);
	if (access(target, R_OK) == 0)
		before = sha(target);
	r = run_cli(&out, &err, "check '%s'", target);
	if (before)
		after = sha(target);
	if (frozen_mp)
		ck_assert_int_eq(test_sh(NULL, "fsfreeze -u '%s'", frozen_mp), 0);
	ck_assert_msg(r == code, "check %s: exit %d, want %d; stderr: %s", target, r, code, err);
	if (code == 0) {
		ck_assert_msg(strstr(out, "passes the gate") != NULL, "stdout: %s", out);
		ck_assert_str_eq(err, "");
	} else {
		ck_assert_msg(strstr(err, needle) != NULL, "stderr lacks '%s': %s", needle, err);
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
		ck_assert_str_eq(out, "");
	}
	if (before)
		ck_assert_str_eq(before, after);
	free(out);
	free(err);
	free(before);
	free(after);
}

static void expect(const char *target, int code, const char *needle)
{
	expect_frozen(target, code, needle, NULL);
}

START_TEST(test_idle_device_passes)
{
	expect(sc.idle, WS_EXIT_OK, NULL);
}
END_TEST

START_TEST(test_mounted_device_is_refused)
{
	char *want = NULL;

	ck_assert_int_ge(asprintf(&want, "refused: mounted: %s on", sc.whole_mp), 0);
	expect_frozen(sc.whole_mounted, WS_EXIT_REFUSED, want, sc.whole_mp);
	free(want);
}
END_TEST

START_TEST(test_disk_with_mounted_partition_is_refused)
{
	char *want = NULL;

	ck_assert_int_ge(asprintf(&want, "refused: mounted: %s on", sc.part_mp), 0);
	expect_frozen(sc.part_mounted, WS_EXIT_REFUSED, want, sc.part_mp);
	free(want);
}
END_TEST

START_TEST(test_partition_is_refused)
{
	char *p1 = scratch_part(sc.idle, 1);

	expect(p1, WS_EXIT_REFUSED, "is a partition of");
	free(p1);
}
END_TEST

START_TEST(test_read_only_is_refused)
{
	expect(sc.read_only, WS_EXIT_REFUSED, "read-only");
}
END_TEST

START_TEST(test_swap_is_refused)
{
	expect(sc.swap, WS_EXIT_REFUSED, "active swap");
}
END_TEST

START_TEST(test_image_files)
{
	expect(sc.image, WS_EXIT_OK, NULL);
	expect(sc.backing_image, WS_EXIT_REFUSED, "backs attached loop device");
}
END_TEST

START_TEST(test_exclusively_held_device_is_refused)
{
	/* as if another program (a second wipeseal, mkfs, a VM) had it open exclusively */
	int fd = open(sc.idle, O_RDONLY | O_EXCL | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	expect(sc.idle, WS_EXIT_REFUSED, "busy");
	close(fd);
	expect(sc.idle, WS_EXIT_OK, NULL);
}
END_TEST

START_TEST(test_bad_input)
{
	char *out = NULL, *err = NULL;

	expect("/dev/no-such-disk", WS_EXIT_USAGE, "no such device or file");
	expect("/dev/null", WS_EXIT_USAGE, "not a block device or a disk image file");
	ck_assert_int_eq(run_cli(&out, &err, "check"), WS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "no target named"));
	free(out);
	free(err);
	ck_assert_int_eq(run_cli(&out, &err, "check --frobnicate %s", sc.idle), WS_EXIT_USAGE);
	free(out);
	free(err);
	/* several targets: the worst outcome decides the exit code */
	ck_assert_int_eq(run_cli(&out, &err, "check %s %s", sc.idle, sc.read_only),
	                 WS_EXIT_REFUSED);
	free(out);
	free(err);
	ck_assert_int_eq(
	    run_cli(&out, &err, "check %s /dev/no-such-disk %s", sc.read_only, sc.idle),
	    WS_EXIT_USAGE);
	free(out);
	free(err);
}
END_TEST

/*
 * A loop device with ext4, mounted where a test can find it and, in addition, bind-mounted on
 * a directory whose name holds an escape and a newline (scratch_mount()'s registry is one
 * line per mount, so the odd one is undone by the test, or with its parent by the registry's
 * lazy unmount). Return: the device; *ret_mp the mount point.
 */
static char *odd_mount(char **ret_mp)
{
	char *img = scratch_image("odd.img", 16), *dev;

	ck_assert_int_eq(
	    test_sh(NULL, "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'", img),
	    0);
	dev = scratch_attach(img, false, false);
	*ret_mp = scratch_mount(dev);
	ck_assert_int_eq(test_sh(NULL,
	                         "d=\"$(printf '%%s/m\\033x\\ny' '%s')\" && mkdir \"$d\" && "
	                         "mount --bind '%s' \"$d\" && sync",
	                         *ret_mp, *ret_mp),
	                 0);
	free(img);
	return dev;
}

static void odd_umount(const char *mp)
{
	ck_assert_int_eq(test_sh(NULL, "umount \"$(printf '%%s/m\\033x\\ny' '%s')\"", mp), 0);
}

/* Names the system supplies reach the terminal escaped, on one line: a mount point in a
 * refusal, a file name in "confirm with:". */
START_TEST(test_control_characters_are_escaped)
{
	char *mp = NULL, *dev = odd_mount(&mp), *want = NULL, *img = NULL, *out = NULL, *err = NULL;

	ck_assert_int_ge(asprintf(&want, "%s/m?x?y on", mp), 0);
	expect(dev, WS_EXIT_REFUSED, want);
	odd_umount(mp);
	/* an image file whose name holds them: the path is the confirmation token */
	ck_assert_int_ge(asprintf(&img, "%s/i\033m\ng.img", scratch_dir()), 0);
	ck_assert_int_eq(
	    test_sh(NULL, "truncate -s 4M \"$(printf '%%s/i\\033m\\ng.img' '%s')\"", scratch_dir()),
	    0);
	ck_assert_int_eq(
	    run_cli(&out, &err, "check \"$(printf '%%s/i\\033m\\ng.img' '%s')\"", scratch_dir()),
	    WS_EXIT_OK);
	free(want);
	ck_assert_int_ge(asprintf(&want, "(confirm with: %s/i?m?g.img)\n", scratch_dir()), 0);
	ck_assert_msg(strstr(out, want) && strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
	unlink(img);
	free(out);
	free(err);
	free(want);
	free(img);
	free(mp);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmd-check");
	TCase *tc = tcase_create("gate on loop devices");
	int r;

	scratch_init("check");
	scenario_build(&sc);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_idle_device_passes);
	tcase_add_test(tc, test_mounted_device_is_refused);
	tcase_add_test(tc, test_disk_with_mounted_partition_is_refused);
	tcase_add_test(tc, test_partition_is_refused);
	tcase_add_test(tc, test_read_only_is_refused);
	tcase_add_test(tc, test_swap_is_refused);
	tcase_add_test(tc, test_image_files);
	tcase_add_test(tc, test_exclusively_held_device_is_refused);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_control_characters_are_escaped);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
