/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-gate-paths-moment.c - the second file of the gate-paths suite (test-gate-paths.c): the
 * paths to a mounted file system that open while `wipe` runs, against real loop devices: a loop
 * device attached and mounted while `wipe` waits at the operator's prompt, a medium replaced
 * under a snapshot the operator was shown, and a device that changes size mid-pass.
 *
 * Every refusal is checked from outside, as in test-gate-paths.c: exit 3, the reason on stderr,
 * and the backing file's hash unchanged.
 *
 * The operator's prompt is a pty from script(1), answered through a FIFO; the medium under a
 * shown snapshot is replaced and ws_target_expect() called directly. The mid-pass moment is the
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

#include "gate-paths.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

#define ALLOW_SECONDS 60

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

void gate_paths_add_moment_tests(TCase *tc)
{
	tcase_add_test(tc, test_image_mounted_during_prompt);
	tcase_add_test(tc, test_loop_stacked_during_prompt);
	tcase_add_test(tc, test_medium_changed_after_shown);
	tcase_add_test(tc, test_device_grown_mid_pass);
	tcase_add_test(tc, test_device_shrunk_mid_pass);
}
