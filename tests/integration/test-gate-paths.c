/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-gate-paths.c - every path by which a mounted file system can be reached, tried as an
 * attacker and as a careless technician would, against real loop devices: loop devices
 * stacked on a disk either way (`mount -o loop,offset=N /dev/sdX` included), two loop
 * devices over one image, backing paths the kernel reports in a form that cannot be
 * resolved (a newline, a bind mount lazily unmounted, another mount namespace), and images
 * locked with POSIX and OFD locks (QEMU's own).
 *
 * Every refusal is checked from outside: exit 3, the reason on stderr, and the backing
 * file's hash unchanged. A mounted file system is frozen (fsfreeze) while it is hashed, so
 * that the kernel's own writes (journal, lazy init) cannot change a byte: only the gate can.
 *
 * The POSIX and OFD locks come from real lockers (the OFD one from `qemu-system-x86_64 -machine
 * none`). The suite's second file, test-gate-paths-moment.c, holds the paths that open while
 * `wipe` runs (the operator's prompt, the medium under a shown snapshot, a size change mid-pass);
 * gate-paths.h, the helpers both files share.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wipeseal/wipeseal.h>

#include "gate-paths.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------ */

char *fmt(const char *f, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&s, f, ap), 0);
	va_end(ap);
	return s;
}

void sh_ok(const char *cmd)
{
	char *out = NULL;

	ck_assert_msg(test_sh(&out, "%s", cmd) == 0, "%s: %s", cmd, out);
	free(out);
}

void mkfs(const char *what)
{
	char *cmd = fmt("mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'", what);

	sh_ok(cmd);
	free(cmd);
}

/* Freeze (or thaw) a mounted file system: while frozen, only the gate could write. */
void freeze(const char *mp, bool on)
{
	char *cmd = fmt("fsfreeze %s '%s'", on ? "-f" : "-u", mp);

	(void)test_sh(NULL, "%s", cmd);
	free(cmd);
}

/* wipe @target as the station would (signed, audited, --yes); the exit code and stderr. */
int wipe(const char *target, char **err)
{
	char *args = fmt("'%s'", target), *out = NULL;
	int r = simdrive_wipe("", args, &out, err);

	free(args);
	free(out);
	return r;
}

/* Wipe @target while @mp (may be NULL) is frozen; expect a refusal naming every needle
 * (NULL-terminated) and @image unchanged. */
void expect_refused(const char *target, const char *image, const char *mp, ...)
{
	char *before, *after, *err = NULL;
	const char *needle;
	va_list ap;
	int r;

	if (mp)
		freeze(mp, true);
	before = sha(image);
	r = wipe(target, &err);
	after = sha(image);
	if (mp)
		freeze(mp, false);
	ck_assert_msg(r == 3, "wipe %s: exit %d, want 3; stderr: %s", target, r, err);
	va_start(ap, mp);
	while ((needle = va_arg(ap, const char *)))
		ck_assert_msg(strstr(err, needle), "stderr lacks '%s': %s", needle, err);
	va_end(ap);
	ck_assert_msg(strcmp(before, after) == 0, "%s changed although the wipe was refused",
	              image);
	free(before);
	free(after);
	free(err);
}

bool wait_for_text(const char *path, const char *needle, int seconds)
{
	for (int i = 0; i < seconds * 50; i++) {
		char *text = NULL, *cmd = fmt("cat '%s' 2>/dev/null", path);
		bool found = test_sh(&text, "%s", cmd) == 0 && strstr(text, needle);

		free(text);
		free(cmd);
		if (found)
			return true;
		usleep(20000);
	}
	return false;
}

/* ---- 1. loop devices stacked on a disk ---------------------------------------------------- */

/* `mount -o loop,offset=N /dev/sdX /mnt`: an implicit loop device over the disk, mounted.
 * The disk must be refused with a reason naming the loop device and the mount. */
START_TEST(test_implicit_loop_over_disk)
{
	char *img = scratch_image("disk.img", 48), *dev = scratch_attach(img, false, false);
	char *cmd = fmt("mkfs.ext4 -q -F -E offset=1048576,lazy_itable_init=0,"
	                "lazy_journal_init=0 '%s' 32M",
	                dev);
	char *mp;

	sh_ok(cmd);
	mp = scratch_mount_opts(dev, "loop,offset=1048576");
	expect_refused(dev, img, mp, mp, "backs attached loop device /dev/loop", NULL);
	free(cmd);
	free(mp);
	free(dev);
	free(img);
}
END_TEST

/* `losetup -f /dev/sdX`, then a file system on the loop device mounted: the lower device is
 * the target. */
START_TEST(test_lower_device_under_mounted_loop)
{
	char *img = scratch_image("lower.img", 32), *dev = scratch_attach(img, false, false);
	char *upper = scratch_attach_over(dev), *mp, *want;

	mkfs(upper);
	mp = scratch_mount(upper);
	want = fmt("mounted: %s on %s", mp, upper + 5);
	expect_refused(dev, img, mp, want, NULL);
	free(want);
	free(mp);
	free(upper);
	free(dev);
	free(img);
}
END_TEST

/* The other direction: the upper loop device is the target while the disk under it is
 * mounted, or is active swap. */
START_TEST(test_upper_loop_over_used_disk)
{
	char *img = scratch_image("mounted.img", 32), *dev = scratch_attach(img, false, false);
	char *img2 = scratch_image("swap.img", 16), *dev2 = scratch_attach(img2, false, false);
	char *upper, *upper2, *mp, *want;

	mkfs(dev);
	mp = scratch_mount(dev);
	upper = scratch_attach_over(dev);
	want = fmt("the disk under it, %s, is in use: mounted: %s", dev, mp);
	expect_refused(upper, img, mp, want, NULL);
	scratch_swapon(dev2);
	upper2 = scratch_attach_over(dev2);
	expect_refused(upper2, img2, NULL, "is in use: active swap", NULL);
	free(want);
	free(mp);
	free(upper);
	free(upper2);
	free(dev);
	free(dev2);
	free(img);
	free(img2);
}
END_TEST

/* Two loop devices over one image file: one mounted, the other named as the target. */
START_TEST(test_two_loops_over_one_image)
{
	char *img = scratch_image("twice.img", 32), *one, *two, *mp, *want;

	mkfs(img);
	one = scratch_attach(img, false, false);
	mp = scratch_mount(one);
	two = scratch_attach(img, false, false);
	want = fmt("its backing file is also attached as %s", one);
	expect_refused(two, img, mp, want, mp, NULL);
	free(want);
	free(mp);
	free(one);
	free(two);
	free(img);
}
END_TEST

/* ---- 2. backing paths that cannot be resolved from here ------------------------------------ */

/* A newline in the image's name: sysfs shows the path cut at the newline. */
START_TEST(test_backing_name_with_newline)
{
	char *img = scratch_image("new\nline.img", 32), *loop, *mp, *second;

	mkfs(img);
	loop = scratch_attach(img, false, false);
	mp = scratch_mount(loop);
	expect_refused(img, img, mp, "backs attached loop device", mp, NULL);
	second = scratch_attach(img, false, false);
	expect_refused(second, img, mp, "its backing file is also attached as", NULL);
	free(second);
	free(mp);
	free(loop);
	free(img);
}
END_TEST

/* Attached through a bind mount that was lazily unmounted since: sysfs shows "/x.img". */
START_TEST(test_backing_through_vanished_bind_mount)
{
	char *img = scratch_image("bind.img", 32),
	     *dir = fmt("%s/bind-%d", scratch_dir(), getpid());
	char *cmd, *loop = NULL, *mp, *before, *after, *err = NULL;
	int r;

	mkfs(img);
	cmd = fmt("mkdir -p '%s' && mount --bind '%s' '%s' && losetup -f --show '%s/%s' && "
	          "umount -l '%s'",
	          dir, scratch_dir(), dir, dir, strrchr(img, '/') + 1, dir);
	ck_assert_int_eq(test_sh(&loop, "%s", cmd), 0);
	loop[strcspn(loop, "\n")] = '\0';
	scratch_adopt_loop(loop, img);
	mp = scratch_mount(loop);
	freeze(mp, true);
	before = sha(img);
	r = wipe(img, &err);
	after = sha(img);
	freeze(mp, false);
	ck_assert_msg(r == 3, "exit %d; stderr: %s", r, err);
	ck_assert_msg(strstr(err, "backs attached loop device"), "stderr: %s", err);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(err);
	free(cmd);
	free(mp);
	free(loop);
	free(dir);
	free(img);
}
END_TEST

/* Attached inside another mount namespace, through a path that exists only there. */
START_TEST(test_backing_from_another_namespace)
{
	char *img = scratch_image("ns.img", 32), *dir = fmt("%s/ns-%d", scratch_dir(), getpid());
	char *cmd, *loop = NULL, *mp;

	mkfs(img);
	cmd = fmt("mkdir -p '%s' && unshare -m --propagation private sh -c \"mount --bind '%s' "
	          "'%s' && losetup -f --show '%s/%s'\"",
	          dir, scratch_dir(), dir, dir, strrchr(img, '/') + 1);
	ck_assert_int_eq(test_sh(&loop, "%s", cmd), 0);
	loop[strcspn(loop, "\n")] = '\0';
	scratch_adopt_loop(loop, img);
	mp = scratch_mount(loop);
	expect_refused(img, img, mp, "backs attached loop device", mp, NULL);
	free(cmd);
	free(mp);
	free(loop);
	free(dir);
	free(img);
}
END_TEST

/* ---- 3. locks -------------------------------------------------------------------------- */

/* A POSIX byte-range lock held by another process, then QEMU's OFD locks on a VM's disk. */
START_TEST(test_locked_images)
{
	char *img = scratch_image("locked.img", 16), *want, *cmd, *err = NULL;
	int pipefd[2];
	char c;
	pid_t child;
	bool locked;

	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct flock fl = {
			.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 4096, .l_len = 512
		};
		int fd = open(img, O_RDWR | O_CLOEXEC);

		if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0 || write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	want = fmt("a POSIX write lock by pid %d", (int)child);
	expect_refused(img, img, NULL, "locked by another program", want, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ck_assert_int_eq(run_cli(NULL, &err, "check '%s'", img), 0);
	free(err);
	/* QEMU holds a running VM's disk with OFD locks */
	cmd = fmt("setsid qemu-system-x86_64 -machine none -nodefaults -display none -S "
	          "-monitor none -serial none -drive file='%s',format=raw,if=none,id=d0 "
	          "-pidfile '%s.qemu.pid' </dev/null >/dev/null 2>&1 &",
	          img, img);
	sh_ok(cmd);
	free(cmd);
	cmd = fmt("grep -q \":$(stat -c %%i '%s') \" /proc/locks", img);
	locked = false;
	for (int i = 0; i < 500 && !locked; i++) {
		locked = test_sh(NULL, "%s", cmd) == 0;
		if (!locked)
			usleep(20000);
	}
	free(cmd);
	if (locked)
		expect_refused(img, img, NULL, "locked by another program: an OFD", NULL);
	cmd = fmt("kill $(cat '%s.qemu.pid')", img);
	(void)test_sh(NULL, "%s", cmd);
	ck_assert_msg(locked, "QEMU did not lock the image within 10 s");
	free(cmd);
	free(want);
	free(img);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gate-paths");
	TCase *tc = tcase_create("paths to a mounted file system");
	int r;

	simdrive_init("gate-paths", "GATE");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_implicit_loop_over_disk);
	tcase_add_test(tc, test_lower_device_under_mounted_loop);
	tcase_add_test(tc, test_upper_loop_over_used_disk);
	tcase_add_test(tc, test_two_loops_over_one_image);
	tcase_add_test(tc, test_backing_name_with_newline);
	tcase_add_test(tc, test_backing_through_vanished_bind_mount);
	tcase_add_test(tc, test_backing_from_another_namespace);
	tcase_add_test(tc, test_locked_images);
	gate_paths_add_moment_tests(tc);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
