/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-gate.c - the safety gate on image files and on things that are not disks. Loop
 * devices, mounts and partitions are the integration tests' part (tests/integration).
 *
 * The cases, on image files in a temporary directory: named passes and the descriptor is writable,
 * unnamed is refused, missing and not-a-disk paths, an empty file, a file another descriptor holds
 * with flock, a symlink; ws_gate_protect() on image files: a FAT labelled WIPESEAL and an ISO with
 * the build ID refused, another label passes.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "internal.h"
#include "testutil.h"

static struct ws_ctx *ctx;
static char *dir, *image;

static void setup(void)
{
	int fd;

	ck_assert_int_eq(ws_ctx_new(&ctx), 0);
	dir = test_tmpdir("gate");
	ck_assert_int_ge(asprintf(&image, "%s/disk.img", dir), 0);
	fd = open(image, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4 << 20), 0);
	close(fd);
}

static void teardown(void)
{
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	free(image);
	free(dir);
	ctx = ws_ctx_free(ctx);
}

static int gate(const char *path, unsigned flags, char **why)
{
	struct ws_target *t = NULL;
	int r = ws_gate_open(ctx, path, flags, &t, why);

	if (r == 0) {
		ck_assert_int_ge(ws_target_fd(t), 0);
		ws_target_free(t);
	} else {
		ck_assert_ptr_null(t);
		ck_assert_ptr_nonnull(*why);
		ck_assert_ptr_null(strchr(*why, '\n')); /* one line */
	}
	return r;
}

START_TEST(test_image_named_passes)
{
	struct ws_target *t = NULL;
	char *why = NULL;

	ck_assert_int_eq(ws_gate_open(ctx, image, WS_GATE_NAMED | WS_GATE_WRITE, &t, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(ws_target_device(t)->kind, WS_DEVICE_FILE);
	ck_assert_uint_eq(ws_target_device(t)->size_bytes, 4 << 20);
	ck_assert_str_eq(ws_target_device(t)->transport, "file");
	ck_assert_str_eq(ws_device_confirm_token(ws_target_device(t)), image);
	/* the descriptor is writable */
	ck_assert_int_eq(pwrite(ws_target_fd(t), "x", 1, 0), 1);
	ws_target_free(t);
}
END_TEST

START_TEST(test_not_named_is_refused)
{
	char *why = NULL;

	ck_assert_int_eq(gate(image, WS_GATE_WRITE, &why), -EPERM);
	ck_assert_str_eq(why, "not named explicitly");
	free(why);
}
END_TEST

START_TEST(test_missing_and_not_a_disk)
{
	char *why = NULL, *missing = NULL;

	ck_assert_int_ge(asprintf(&missing, "%s/nope.img", dir), 0);
	ck_assert_int_eq(gate(missing, WS_GATE_NAMED, &why), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "no such device or file"));
	free(why);
	ck_assert_int_eq(gate(dir, WS_GATE_NAMED, &why), -ENOTBLK);
	free(why);
	ck_assert_int_eq(gate("/dev/null", WS_GATE_NAMED, &why), -ENOTBLK);
	free(why);
	ck_assert_int_eq(gate("", WS_GATE_NAMED, &why), -EINVAL);
	free(why);
	free(missing);
}
END_TEST

START_TEST(test_empty_file_is_refused)
{
	char *why = NULL, *empty = NULL;

	ck_assert_int_ge(asprintf(&empty, "%s/empty.img", dir), 0);
	ck_assert_int_eq(test_sh(NULL, "touch '%s'", empty), 0);
	ck_assert_int_eq(gate(empty, WS_GATE_NAMED | WS_GATE_WRITE, &why), -EPERM);
	ck_assert_str_eq(why, "no medium (size 0)");
	free(why);
	free(empty);
}
END_TEST

START_TEST(test_busy_image_is_refused)
{
	char *why = NULL;
	int fd = open(image, O_RDONLY | O_CLOEXEC);

	/* another wipeseal holds it: an exclusive lock from a different open file description */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(gate(image, WS_GATE_NAMED | WS_GATE_WRITE, &why), -EPERM);
	ck_assert_ptr_nonnull(strstr(why, "busy"));
	free(why);
	close(fd);
}
END_TEST

START_TEST(test_symlink_is_followed)
{
	char *link = NULL, *why = NULL;

	ck_assert_int_ge(asprintf(&link, "%s/by-id-link", dir), 0);
	ck_assert_int_eq(symlink(image, link), 0);
	ck_assert_int_eq(gate(link, WS_GATE_NAMED, &why), 0);
	free(link);
}
END_TEST

/* ws_gate_protect(): a FAT image labelled as the data stick, and an ISO 9660 image with the
 * build ID as its volume set ID, are refused with their reasons; another label passes. */
START_TEST(test_protected_media)
{
	char *why = NULL;

	ck_assert_int_eq(ws_gate_protect(ctx, "", NULL), -EINVAL);
	ck_assert_int_eq(test_sh(NULL, "mkfs.vfat -n wipeseal '%s' >/dev/null 2>&1", image), 0);
	ck_assert_int_eq(gate(image, WS_GATE_NAMED | WS_GATE_WRITE, &why), 0); /* not asked */
	ck_assert_int_eq(ws_gate_protect(ctx, "WIPESEAL", "0123abcd"), 0);
	ck_assert_int_eq(gate(image, WS_GATE_NAMED | WS_GATE_WRITE, &why), -EPERM);
	ck_assert_str_eq(why, "data stick (a file system labelled WIPESEAL): never a target");
	free(why);
	why = NULL;
	ck_assert_int_eq(test_sh(NULL, "mkfs.vfat -n WSBOOT '%s' >/dev/null 2>&1", image), 0);
	ck_assert_int_eq(gate(image, WS_GATE_NAMED | WS_GATE_WRITE, &why), 0);
	if (test_sh(NULL, "command -v xorriso >/dev/null") == 0) {
		ck_assert_int_eq(test_sh(NULL,
		                         "rm -f '%s' && mkdir -p '%s/t' && xorriso -as mkisofs "
		                         "-quiet -o '%s' -V WIPESEAL_BOOT -volset 0123ABCD '%s/t' "
		                         "2>/dev/null",
		                         image, dir, image, dir),
		                 0);
		ck_assert_int_eq(gate(image, WS_GATE_NAMED | WS_GATE_WRITE, &why), -EPERM);
		ck_assert_str_eq(why, "boot image (holds this station's image, build id 0123abcd): "
		                      "never a target");
		free(why);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gate");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_image_named_passes);
	tcase_add_test(tc, test_not_named_is_refused);
	tcase_add_test(tc, test_missing_and_not_a_disk);
	tcase_add_test(tc, test_empty_file_is_refused);
	tcase_add_test(tc, test_busy_image_is_refused);
	tcase_add_test(tc, test_symlink_is_followed);
	tcase_add_test(tc, test_protected_media);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
