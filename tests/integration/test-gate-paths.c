/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-gate-paths.c - every path by which a mounted file system can be reached, tried as an
 * attacker and as a careless technician would, against real loop devices: loop devices
 * stacked on a disk either way (`mount -o loop,offset=N /dev/sdX` included), two loop
 * devices over one image, backing paths the kernel reports in a form that cannot be
 * resolved (a newline, a bind mount lazily unmounted, another mount namespace), images
 * locked with POSIX and OFD locks (QEMU's own), a loop device attached and mounted while
 * `wipe` waits at the operator's prompt, and a device that changes size mid-pass.
 *
 * Every refusal is checked from outside: exit 3, the reason on stderr, and the backing
 * file's hash unchanged. A mounted file system is frozen (fsfreeze) while it is hashed, so
 * that the kernel's own writes (journal, lazy init) cannot change a byte: only the gate can.
 *
 * The POSIX and OFD locks come from real lockers (the OFD one from `qemu-system-x86_64 -machine
 * none`); the operator's prompt is a pty from script(1), answered through a FIFO; the medium under
 * a shown snapshot is replaced and ws_target_expect() called directly. The mid-pass moment is the
 * fault injector's HOLD action: one write waits until a file named by WS_FAULT_HOLD exists, so the
 * test resizes the device while the pass is certainly running, with no sleep.
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

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

#define ALLOW_SECONDS 60

/* ---- helpers ------------------------------------------------------------------------------ */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&s, f, ap), 0);
	va_end(ap);
	return s;
}

static void sh_ok(const char *cmd)
{
	char *out = NULL;

	ck_assert_msg(test_sh(&out, "%s", cmd) == 0, "%s: %s", cmd, out);
	free(out);
}

static void mkfs(const char *what)
{
	char *cmd = fmt("mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'", what);

	sh_ok(cmd);
	free(cmd);
}

/* Freeze (or thaw) a mounted file system: while frozen, only the gate could write. */
static void freeze(const char *mp, bool on)
{
	char *cmd = fmt("fsfreeze %s '%s'", on ? "-f" : "-u", mp);

	(void)test_sh(NULL, "%s", cmd);
	free(cmd);
}

/* wipe @target as the station would (signed, audited, --yes); the exit code and stderr. */
static int wipe(const char *target, char **err)
{
	char *args = fmt("'%s'", target), *out = NULL;
	int r = simdrive_wipe("", args, &out, err);

	free(args);
	free(out);
	return r;
}

/* Wipe @target while @mp (may be NULL) is frozen; expect a refusal naming every needle
 * (NULL-terminated) and @image unchanged. */
static void expect_refused(const char *target, const char *image, const char *mp, ...)
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

static bool wait_for_text(const char *path, const char *needle, int seconds)
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

/* ---- 4. the moment of truth -------------------------------------------------------------- */

struct prompt {
	char *dir, *fifo, *out, *rc;
	int fd;
};

/* Start `wipe TARGET` (signed, audited, no --yes) on a terminal made by script(1); return
 * once it waits at the confirmation prompt. */
static void prompt_start(struct prompt *p, const char *target)
{
	char *script, *cmd;
	FILE *f;

	p->dir = fmt("%s/prompt-%d", scratch_dir(), getpid());
	p->fifo = fmt("%s/in", p->dir);
	p->out = fmt("%s/out", p->dir);
	p->rc = fmt("%s/rc", p->dir);
	script = fmt("%s/run.sh", p->dir);
	cmd = fmt("mkdir -p '%s' && mkfifo '%s'", p->dir, p->fifo);
	sh_ok(cmd);
	free(cmd);
	f = fopen(script, "we");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "script -qefc \"'%s' wipe --signer-key %s/st/signer.key --signer-cert "
	        "%s/st/signer.pem --audit-log %s/audit.log --cert-dir %s/certs --operator Op "
	        "'%s' 2>&1\" /dev/null <'%s' >'%s' 2>&1\necho $? >'%s'\n",
	        WS_CLI, pki, pki, scratch_dir(), scratch_dir(), target, p->fifo, p->out, p->rc);
	fclose(f);
	cmd = fmt("setsid sh '%s' </dev/null >/dev/null 2>&1 &", script);
	sh_ok(cmd);
	free(cmd);
	p->fd = open(p->fifo, O_WRONLY | O_CLOEXEC); /* script(1) has opened it */
	ck_assert_int_ge(p->fd, 0);
	ck_assert_msg(wait_for_text(p->out, "to confirm:", ALLOW_SECONDS),
	              "no confirmation prompt");
	free(script);
}

/* Type @token at the prompt; the exit status and everything the wipe printed. */
static int prompt_answer(struct prompt *p, const char *token, char **out)
{
	char *line = fmt("%s\n", token), *cmd = fmt("cat '%s'", p->rc), *rc = NULL;

	ck_assert_int_eq(write(p->fd, line, strlen(line)), (ssize_t)strlen(line));
	close(p->fd);
	ck_assert_msg(wait_for_text(p->rc, "\n", ALLOW_SECONDS), "the wipe did not end");
	ck_assert_int_eq(test_sh(&rc, "%s", cmd), 0);
	free(cmd);
	cmd = fmt("cat '%s'", p->out);
	ck_assert_int_eq(test_sh(out, "%s", cmd), 0);
	free(cmd);
	free(line);
	int r = atoi(rc);
	free(rc);
	return r;
}

static void prompt_free(struct prompt *p)
{
	free(p->dir);
	free(p->fifo);
	free(p->out);
	free(p->rc);
}

static void audit_has_refusal(const char *needle)
{
	char *cmd = fmt("grep '\"status\":\"REFUSED\"' '%s/audit.log' | grep -q -F '%s'",
	                scratch_dir(), needle);

	ck_assert_msg(test_sh(NULL, "%s", cmd) == 0, "no REFUSED audit line with '%s'", needle);
	free(cmd);
}

/* An image attached as a loop device and mounted while wipe waits for the operator. */
START_TEST(test_image_mounted_during_prompt)
{
	char *img = scratch_image("prompt.img", 32), *loop, *mp, *before, *after, *out = NULL;
	struct prompt p;
	int r;

	mkfs(img);
	prompt_start(&p, img);
	loop = scratch_attach(img, false, false);
	mp = scratch_mount(loop);
	freeze(mp, true);
	before = sha(img);
	r = prompt_answer(&p, img, &out);
	after = sha(img);
	freeze(mp, false);
	ck_assert_msg(r == 3, "exit %d: %s", r, out);
	ck_assert_msg(strstr(out, "refused at the last moment") && strstr(out, loop), "output: %s",
	              out);
	ck_assert_str_eq(before, after);
	audit_has_refusal("refused at the last moment");
	prompt_free(&p);
	free(before);
	free(after);
	free(out);
	free(mp);
	free(loop);
	free(img);
}
END_TEST

/* A loop device stacked on the target disk and mounted while wipe waits. */
START_TEST(test_loop_stacked_during_prompt)
{
	char *img = scratch_image("prompt-disk.img", 32), *dev = scratch_attach(img, false, false);
	char *upper, *mp, *before, *after, *out = NULL;
	struct prompt p;
	int r;

	prompt_start(&p, dev);
	upper = scratch_attach_over(dev);
	mkfs(upper);
	mp = scratch_mount(upper);
	freeze(mp, true);
	before = sha(img);
	r = prompt_answer(&p, dev, &out);
	after = sha(img);
	freeze(mp, false);
	ck_assert_msg(r == 3, "exit %d: %s", r, out);
	ck_assert_msg(strstr(out, "refused at the last moment") && strstr(out, mp), "output: %s",
	              out);
	ck_assert_str_eq(before, after);
	audit_has_refusal(upper);
	prompt_free(&p);
	free(before);
	free(after);
	free(out);
	free(mp);
	free(upper);
	free(dev);
	free(img);
}
END_TEST

/* ---- 5. the medium shown is the medium opened (issue of identity) -------------------------- */

/* A snapshot of loop device A is what the operator saw; medium B is then attached at the
 * same node. The gate opens B, and ws_target_expect() must refuse it: the library call
 * every front end makes between "shown" and "opened". */
START_TEST(test_medium_changed_after_shown)
{
	char *a = scratch_image("shown-a.img", 16), *b = scratch_image("shown-b.img", 16);
	char *dev = scratch_attach(a, false, false), *cmd, *why = NULL, *hb, *hb2;
	struct ws_ctx *ctx = NULL;
	struct ws_device *shown = NULL;
	struct ws_target *t = NULL;
	int r;

	ck_assert_int_eq(ws_ctx_new(&ctx), 0);
	ck_assert_int_eq(ws_device_describe(ctx, dev, &shown), 0);
	ck_assert_msg(shown->diskseq != 0, "no disk sequence number for %s", dev);
	cmd = fmt("losetup -d '%s' && for i in 1 2 3 4 5; do losetup '%s' '%s' && exit 0; "
	          "sleep 0.2; done; exit 1",
	          dev, dev, b);
	sh_ok(cmd);
	hb = sha(b);
	ck_assert_int_eq(ws_gate_open(ctx, dev, WS_GATE_NAMED | WS_GATE_WRITE, &t, &why), 0);
	r = ws_target_expect(t, shown, &why);
	ck_assert_int_eq(r, -EPERM);
	ck_assert_msg(strstr(why, "changed after it was selected") &&
	                  strstr(why, "disk sequence number"),
	              "reason: %s", why);
	/* the same medium passes */
	free(why);
	why = NULL;
	ws_device_free(shown);
	ck_assert_int_eq(ws_device_describe(ctx, dev, &shown), 0);
	ck_assert_int_eq(ws_target_expect(t, shown, &why), 0);
	ws_target_free(t);
	hb2 = sha(b);
	ck_assert_str_eq(hb, hb2);
	ws_device_free(shown);
	ws_ctx_free(ctx);
	free(hb);
	free(hb2);
	free(why);
	free(cmd);
	free(dev);
	free(a);
	free(b);
}
END_TEST

/* ---- 6. a device that changes size mid-wipe ----------------------------------------------- */

/* Hold the pass's last MiB, resize the loop device underneath (@new_mib), let it go on.
 * Return: the image (malloc'd). */
static char *resize_mid_pass(unsigned new_mib, const char *want)
{
	char *img = scratch_image("resize.img", 64), *dev = scratch_attach(img, false, false);
	char *dir = fmt("%s/resize-%d", scratch_dir(), getpid()), *cmd, *out = NULL;
	struct json_object *root, *res;
	int r;

	cmd = fmt("mkdir -p '%s' && (ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	          "WS_FAULT_PATH='%s' WS_FAULT_WRITE=66060288+1048576:HOLD "
	          "WS_FAULT_HOLD='%s/release' '%s' wipe --yes --json --unsigned --method one "
	          "--verify none --cert-dir '%s/certs' '%s' >'%s/out' 2>'%s/err'; echo $? "
	          ">'%s/rc') </dev/null >/dev/null 2>&1 &",
	          dir, WS_FAULTINJECT, dev, dir, WS_CLI, dir, dev, dir, dir, dir);
	sh_ok(cmd);
	free(cmd);
	cmd = fmt("%s/out", dir);
	ck_assert_msg(wait_for_text(cmd, "\"write\"", ALLOW_SECONDS), "the pass did not start");
	free(cmd);
	cmd = fmt("truncate -s %uM '%s' && losetup -c '%s' && touch '%s/release'", new_mib, img,
	          dev, dir);
	sh_ok(cmd);
	free(cmd);
	cmd = fmt("%s/rc", dir);
	ck_assert_msg(wait_for_text(cmd, "\n", ALLOW_SECONDS), "the wipe did not end");
	free(cmd);
	cmd = fmt("cat '%s/rc' '%s/out'", dir, dir);
	ck_assert_int_eq(test_sh(&out, "%s", cmd), 0);
	r = atoi(out);
	ck_assert_msg(r == 1, "exit %d, want 1 (FAILED): %s", r, out);
	root = json_last_line(out);
	ck_assert(json_object_object_get_ex(root, "result", &res));
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_msg(strstr(jstr(res, "reason"), want), "reason: %s", jstr(res, "reason"));
	if (new_mib < 64)
		ck_assert_msg(strstr(jstr(res, "reason"), "it shrank"), "reason: %s",
		              jstr(res, "reason"));
	json_object_put(root);
	free(out);
	free(cmd);
	free(dir);
	free(dev);
	return img;
}

START_TEST(test_device_grown_mid_pass)
{
	char *img = resize_mid_pass(96, "the device changed size from 67108864 to 100663296 "
	                                "bytes during the wipe: the new tail was never written");
	char *cmd = fmt("head -c 1M '%s' | tr -d '\\377' | wc -c | grep -qx 0 && "
	                "tail -c 32M '%s' | cmp -s - <(head -c 32M /dev/zero)",
	                img, img);

	/* from outside: the pass did write (0xff at the start), the gained tail never */
	ck_assert_int_eq(test_sh(NULL, "bash -c \"%s\"", cmd), 0);
	free(cmd);
	free(img);
}
END_TEST

START_TEST(test_device_shrunk_mid_pass)
{
	/* the new size is what losetup -c found: the loop driver may still be writing back
	 * past 32 MiB when it looks, so only the old size is certain */
	free(resize_mid_pass(32, "the device changed size from 67108864 to "));
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
	tcase_add_test(tc, test_image_mounted_during_prompt);
	tcase_add_test(tc, test_loop_stacked_during_prompt);
	tcase_add_test(tc, test_medium_changed_after_shown);
	tcase_add_test(tc, test_device_grown_mid_pass);
	tcase_add_test(tc, test_device_shrunk_mid_pass);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
