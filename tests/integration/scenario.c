/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario.c - builds the scratch machine of scenario.h and runs the CLI against it.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

static void sh_ok(const char *what, const char *cmd)
{
	char *out = NULL;
	int r = test_sh(&out, "%s", cmd);

	test_require(r == 0, "%s failed (%d): %s", what, r, out);
	free(out);
}

static void run(const char *what, char *cmd)
{
	sh_ok(what, cmd);
	free(cmd);
}

void scenario_build(struct scenario *s)
{
	char *img, *p1, *p2;

	/* idle GPT disk with two file systems and real files */
	s->idle_img = scratch_image("idle.img", 64);
	run("sfdisk",
	    test_fmt("printf 'label: gpt\\n,32M,L\\n,,L\\n' | sfdisk -q '%s'", s->idle_img));
	s->idle = scratch_attach(s->idle_img, true, false);
	p1 = scratch_part(s->idle, 1);
	p2 = scratch_part(s->idle, 2);
	run("mkfs.ext4", test_fmt("mkfs.ext4 -q -F -L wsdata '%s'", p1));
	run("mkfs.vfat", test_fmt("mkfs.vfat -n WSBOOT '%s'", p2));
	{
		char *mp = scratch_mount(p1);

		run("files",
		    test_fmt("seq 1 20000 > '%s/numbers' && echo secret > '%s/payroll.txt'", mp,
		             mp));
		run("umount", test_fmt("umount '%s'", mp));
		free(mp);
	}
	free(p1);
	free(p2);

	/* a whole-device file system, mounted */
	img = scratch_image("whole.img", 32);
	s->whole_mounted = scratch_attach(img, false, false);
	run("mkfs.ext4", test_fmt("mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'",
	                          s->whole_mounted));
	s->whole_mp = scratch_mount(s->whole_mounted);
	free(img);

	/* a mounted partition */
	img = scratch_image("part.img", 48);
	run("sfdisk", test_fmt("printf 'label: dos\\n,24M,83\\n,,83\\n' | sfdisk -q '%s'", img));
	s->part_mounted = scratch_attach(img, true, false);
	p1 = scratch_part(s->part_mounted, 1);
	run("mkfs.ext4",
	    test_fmt("mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'", p1));
	s->part_mp = scratch_mount(p1);
	free(p1);
	free(img);

	/* read-only */
	img = scratch_image("ro.img", 16);
	run("mkfs.ext4", test_fmt("mkfs.ext4 -q -F '%s'", img));
	s->read_only = scratch_attach(img, false, true);
	free(img);

	/* swap */
	img = scratch_image("swap.img", 16);
	s->swap = scratch_attach(img, false, false);
	scratch_swapon(s->swap);
	free(img);

	/* image files: one free, one backing a loop device */
	s->image = scratch_image("free.img", 16);
	run("mkfs.ext4", test_fmt("mkfs.ext4 -q -F -L imgfs '%s'", s->image));
	s->backing_image = scratch_image("backing.img", 16);
	s->backing_loop = scratch_attach(s->backing_image, false, false);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	test_require(f != NULL, "unexpected failure");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	test_require(buf != NULL, "unexpected failure");
	test_require(fread(buf, 1, (size_t)n, f) == (size_t)n, "unexpected failure");
	fclose(f);
	return buf;
}

__attribute__((format(printf, 4, 0))) static int
run_cli_v(char **out, char **err, const char *prefix, const char *args_fmt, va_list ap)
{
	char *args = NULL, *o = NULL, *e = NULL;
	int r;

	test_require(vasprintf(&args, args_fmt, ap) >= 0, "out of memory");
	o = test_fmt("%s/cli.%d.out", scratch_dir(), getpid());
	e = test_fmt("%s/cli.%d.err", scratch_dir(), getpid());
	r = test_sh(NULL, "%s '%s' %s >'%s' 2>'%s' </dev/null", prefix, WS_CLI, args, o, e);
	if (out)
		*out = slurp(o);
	if (err)
		*err = slurp(e);
	unlink(o);
	unlink(e);
	free(o);
	free(e);
	free(args);
	return r;
}

int run_cli(char **out, char **err, const char *args_fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, args_fmt);
	r = run_cli_v(out, err, "", args_fmt, ap);
	va_end(ap);
	return r;
}

int run_cli_prefix(char **out, char **err, const char *prefix, const char *args_fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, args_fmt);
	r = run_cli_v(out, err, prefix, args_fmt, ap);
	va_end(ap);
	return r;
}

int run_cli_env(char **out, char **err, const char *dev, const char *env, const char *args_fmt, ...)
{
	char *prefix = test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                        "WS_FAULT_PATH='%s' %s",
	                        WS_FAULTINJECT, dev, env);
	va_list ap;
	int r;

	va_start(ap, args_fmt);
	r = run_cli_v(out, err, prefix, args_fmt, ap);
	va_end(ap);
	free(prefix);
	return r;
}

struct json_object *json_device(struct json_object *root, const char *path)
{
	struct json_object *devs;

	if (!json_object_object_get_ex(root, "devices", &devs))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);

		if (strcmp(json_object_get_string(json_object_object_get(d, "path")), path) == 0)
			return d;
	}
	return NULL;
}

int json_array_has(struct json_object *arr, const char *s)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s) == 0)
			return 1;
	return 0;
}

struct json_object *json_last_line(const char *out)
{
	const char *last = out;
	struct json_object *root;

	for (const char *p = out; *p; p++)
		if (*p == '\n' && p[1])
			last = p + 1;
	root = json_tokener_parse(last);
	test_require(root != NULL, "the last line is not JSON: %s", last);
	return root;
}

const char *jstr(struct json_object *o, const char *path)
{
	char *copy = strdup(path), *save = NULL, *k;
	struct json_object *v = o;

	test_require(copy != NULL, "out of memory");
	for (k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, k, &v))
			v = NULL;
	free(copy);
	return v ? json_object_get_string(v) : NULL;
}

char *sha(const char *path)
{
	char *out = NULL;

	test_require(test_sh(&out, "sha256sum < '%s'", path) == 0, "cannot read %s", path);
	return out;
}
