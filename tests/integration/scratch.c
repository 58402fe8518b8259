/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scratch.c - scratch loop devices for integration tests (see scratch.h).
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"
#include "testutil.h"

static char *dir;
static pid_t owner;

const char *scratch_dir(void)
{
	return dir;
}

/* One line per object made: "loop /dev/loop3", "mount /tmp/.../m1", "swap /dev/loop4". */
static void record(const char *kind, const char *what)
{
	char *reg = NULL;
	FILE *f;

	test_require(asprintf(&reg, "%s/registry", dir) >= 0, "out of memory");
	f = fopen(reg, "ae");
	test_require(f != NULL, "unexpected failure");
	fprintf(f, "%s %s\n", kind, what);
	fclose(f);
	free(reg);
}

static void on_signal(int sig)
{
	scratch_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(TEST_SKIP);
}

void scratch_init(const char *tag)
{
	if (geteuid() != 0)
		skip("loop-device tests need root");
	if (access("/dev/loop-control", F_OK) != 0)
		skip("no /dev/loop-control: this kernel or container has no loop devices");
	if (test_sh(NULL, "command -v losetup && command -v sfdisk && command -v mkfs.ext4 && "
	                  "command -v partx && command -v blkid") != 0)
		skip("losetup, sfdisk, mkfs.ext4, partx or blkid missing (scripts/test.sh installs "
		     "them)");
	dir = test_tmpdir(tag);
	owner = getpid();
	atexit(scratch_cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	{
		/* one probe attach, so that a machine without free loop devices skips */
		char *img = scratch_image("probe.img", 1), *out = NULL;
		int r = test_sh(&out, "losetup -f --show '%s'", img);

		if (r != 0)
			skip("cannot attach a loop device here (losetup -f failed)");
		out[strcspn(out, "\n")] = '\0';
		record("loop", out);
		free(out);
		free(img);
	}
}

char *scratch_image(const char *name, unsigned mib)
{
	char *path = NULL;
	int fd;

	/* tests run in forked children: pid and sequence keep their images apart */
	static unsigned seq;

	test_require(asprintf(&path, "%s/%d-%u-%s", dir, getpid(), ++seq, name) >= 0,
	             "out of memory");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	test_require(fd >= 0, "unexpected failure");
	test_require(ftruncate(fd, (off_t)mib << 20) == 0, "unexpected failure");
	close(fd);
	return path;
}

static char *attach(const char *image, bool partscan, bool read_only, unsigned sector)
{
	char *out = NULL, *p1 = NULL;
	int r;

	r = test_sh(&out, "losetup -f --show -b %u %s %s '%s'", sector, partscan ? "-P" : "",
	            read_only ? "-r" : "", image);
	test_require(r == 0, "losetup: %s", out);
	out[strcspn(out, "\n")] = '\0';
	record("loop", out);
	if (partscan) {
		/* kernels built without partition parsers (no CONFIG_EFI_PARTITION) leave the
		 * table unread: add the partitions the way udisks would, with BLKPG */
		p1 = scratch_part(out, 1);
		if (access(p1, F_OK) != 0)
			(void)test_sh(NULL, "partx -a '%s'", out); /* fails on an empty disk */
		free(p1);
	}
	return out;
}

char *scratch_attach_over(const char *dev)
{
	char *out = NULL, *what = NULL;
	int r = test_sh(&out, "losetup -f --show '%s'", dev);

	test_require(r == 0, "losetup over %s: %s", dev, out);
	out[strcspn(out, "\n")] = '\0';
	test_require(asprintf(&what, "%s %s", out, dev) >= 0, "out of memory");
	record("stacked", what);
	free(what);
	return out;
}

void scratch_adopt_loop(const char *loop, const char *image)
{
	char *what = NULL;
	struct stat st;

	test_require(stat(image, &st) == 0, "stat %s failed", image);
	test_require(asprintf(&what, "%s %llu", loop, (unsigned long long)st.st_ino) >= 0,
	             "out of memory");
	record("adopted", what);
	free(what);
}

char *scratch_attach(const char *image, bool partscan, bool read_only)
{
	return attach(image, partscan, read_only, 512);
}

char *scratch_attach_sector(const char *image, bool partscan, unsigned sector)
{
	return attach(image, partscan, false, sector);
}

char *scratch_part(const char *loop, int n)
{
	char *p = NULL;

	test_require(asprintf(&p, "%sp%d", loop, n) >= 0, "out of memory");
	return p;
}

char *scratch_mount(const char *dev)
{
	return scratch_mount_opts(dev, NULL);
}

char *scratch_mount_opts(const char *dev, const char *opts)
{
	char *mp = NULL, *out = NULL;
	int r;

	/* unique: each test runs in a child forked from the same parent, so a counter would
	 * start from the same value in every one */
	test_require(asprintf(&mp, "%s/mnt-XXXXXX", dir) >= 0, "out of memory");
	test_require(mkdtemp(mp) != NULL, "mkdtemp %s failed", mp);
	r = test_sh(&out, "mount %s%s '%s' '%s'", opts ? "-o " : "", opts ? opts : "", dev, mp);
	test_require(r == 0, "mount %s: %s", dev, out);
	free(out);
	record("mount", mp);
	return mp;
}

void scratch_swapon(const char *dev)
{
	char *out = NULL;
	int r = test_sh(&out, "mkswap -q '%s' && swapon '%s'", dev, dev);

	test_require(r == 0, "swapon %s: %s", dev, out);
	free(out);
	record("swap", dev);
}

/* Undo one registry line; loop devices only when backed by a file of ours. */
static void undo(const char *kind, const char *what)
{
	if (strcmp(kind, "mount") == 0) {
		(void)test_sh(NULL, "umount '%s' || umount -l '%s'", what, what);
	} else if (strcmp(kind, "stacked") == 0) {
		/* "loopN under": only while loopN still sits on the device we put it on */
		char *out = NULL, *copy = strdup(what), *sp = copy ? strchr(copy, ' ') : NULL;

		if (sp && (*sp = '\0', test_sh(&out, "losetup -nO BACK-FILE '%s'", copy) == 0) &&
		    strncmp(out, sp + 1, strlen(sp + 1)) == 0)
			(void)test_sh(NULL, "losetup -d '%s'", copy);
		free(out);
		free(copy);
	} else if (strcmp(kind, "adopted") == 0) {
		/* "loopN INODE": only while loopN still holds that inode of ours */
		char *out = NULL, *copy = strdup(what), *sp = copy ? strchr(copy, ' ') : NULL;

		if (sp && (*sp = '\0', test_sh(&out, "losetup -nO BACK-INO '%s'", copy) == 0) &&
		    strtoull(out, NULL, 10) == strtoull(sp + 1, NULL, 10))
			(void)test_sh(NULL, "losetup -d '%s'", copy);
		free(out);
		free(copy);
	} else if (strcmp(kind, "swap") == 0) {
		(void)test_sh(NULL, "swapoff '%s'", what);
	} else if (strcmp(kind, "loop") == 0) {
		char *out = NULL;

		if (test_sh(&out, "losetup -nO BACK-FILE '%s'", what) == 0 &&
		    strncmp(out, dir, strlen(dir)) == 0) {
			(void)test_sh(NULL, "partx -d '%s'", what);
			(void)test_sh(NULL, "losetup -d '%s'", what);
		}
		free(out);
	}
}

void scratch_cleanup(void)
{
	char *reg = NULL, line[4200];
	char **lines = NULL;
	size_t n = 0;
	FILE *f;

	if (!dir || getpid() != owner)
		return; /* Check's forked test children leave cleanup to the parent */
	if (asprintf(&reg, "%s/registry", dir) < 0)
		return;
	f = fopen(reg, "re");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		lines = realloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = strdup(line);
	}
	if (f)
		fclose(f);
	while (n-- > 0) {
		char *sp = strchr(lines[n], ' ');

		if (sp) {
			*sp = '\0';
			undo(lines[n], sp + 1);
		}
		free(lines[n]);
	}
	free(lines);
	free(reg);
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
	dir = NULL;
}
