/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-preload.c - the helper the LD_PRELOAD shims share (preload.h), without root and without
 * loop devices: descriptors matched by what they are (a dup, a symbolic link, a device node),
 * errno left alone, the drive's own medium access; and the shims stacked in either order on a
 * plain file, in a child process (this program, run with --child): the simulated controller
 * answers its ioctl, the fault injector fails its read.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "preload.h"
#include "testutil.h"

static char *dir;

/* A file @name of @size bytes (0x5a) in the suite's directory. Return: its path, malloc'd. */
static char *file(const char *name, size_t size)
{
	char *path = NULL;
	char buf[4096];
	int fd;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	memset(buf, 0x5a, sizeof(buf));
	for (size_t done = 0; done < size; done += sizeof(buf))
		ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	return path;
}

START_TEST(test_matching_by_identity)
{
	char *a = file("a", 4096), *b = file("b", 4096), *link = NULL;
	const char *paths[] = { NULL, b, a };
	int fd, dfd, null;

	ck_assert_int_ge(asprintf(&link, "%s/link", dir), 0);
	ck_assert_int_eq(symlink(a, link), 0);
	fd = open(a, O_RDONLY | O_CLOEXEC);
	dfd = dup(fd);
	ck_assert(preload_fd_is(fd, a));
	ck_assert(preload_fd_is(dfd, a));   /* a dup is the same file */
	ck_assert(preload_fd_is(fd, link)); /* named through a link: the same file */
	ck_assert(!preload_fd_is(fd, b));
	ck_assert_int_eq(preload_fd_which(dfd, paths, 3), 2);
	/* a device node: by device number, and never a file's inode */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert(preload_fd_is(null, "/dev/null"));
	ck_assert(!preload_fd_is(null, a));
	ck_assert(!preload_fd_is(fd, "/dev/null"));
	close(null);
	/* no descriptor, no file: no match, and errno as the caller left it */
	close(dfd);
	errno = EXDEV;
	ck_assert(!preload_fd_is(dfd, a));
	ck_assert(!preload_fd_is(fd, "/nonexistent/wipeseal"));
	ck_assert(!preload_fd_is(-1, a));
	ck_assert_int_eq(errno, EXDEV);
	close(fd);
	free(link);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_medium_and_next)
{
	char *a = file("m", 8192), buf[4] = { 0 };
	const struct preload_next *next = preload_next();
	int fd = open(a, O_RDWR | O_CLOEXEC);

	ck_assert_uint_eq(preload_medium_size(a), 8192);
	ck_assert_uint_eq(preload_medium_size("/nonexistent/wipeseal"), 0);
	ck_assert_int_eq(preload_medium_pwrite(fd, "wsok", 4, 4096), 4);
	ck_assert_int_eq(preload_medium_pread(fd, buf, 4, 4096), 4);
	ck_assert_int_eq(memcmp(buf, "wsok", 4), 0);
	ck_assert(next->ioctl && next->pread && next->pread64 && next->pwrite && next->pwrite64);
	ck_assert_int_eq(next->pread64(fd, buf, 4, 0), 4);
	ck_assert_int_eq(buf[0], 0x5a);
	close(fd);
	free(a);
}
END_TEST

/* The child's line for the file @path: what NVME_IOCTL_ID and a pread of it answered. */
static int child(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC), dfd = fd >= 0 ? dup(fd) : -1, id;
	ssize_t n;

	if (dfd < 0)
		return 2;
	id = ioctl(dfd, NVME_IOCTL_ID);
	n = pread(dfd, buf, sizeof(buf), 0);
	printf("id=%d read=%s\n", id,
	       n == (ssize_t)sizeof(buf) ? "ok"
	       : n < 0 && errno == EIO   ? "EIO"
	                                 : "other");
	return 0;
}

/* This program as a child with @preload, nvmesim answering for @sim_path and the fault
 * injector failing every read of @fault_path. Return: its line, malloc'd. */
static char *stacked(const char *preload, const char *sim_path, const char *fault_path,
                     const char *file_path)
{
	char self[4096], *out = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	ck_assert_int_eq(test_sh(&out,
	                         "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                         "WS_NVMESIM_PATH='%s' WS_FAULT_PATH='%s' WS_FAULT_READ=0+-:EIO "
	                         "'%s' --child '%s'",
	                         preload, sim_path, fault_path, self, file_path),
	                 0);
	return out;
}

static void want(char *line, const char *expected)
{
	ck_assert_msg(strncmp(line, expected, strlen(expected)) == 0, "got %s, want %s", line,
	              expected);
	free(line);
}

START_TEST(test_shims_stack_either_way)
{
	char *a = file("ns", 4096), *link = NULL;

	ck_assert_int_ge(asprintf(&link, "%s/ns-link", dir), 0);
	ck_assert_int_eq(symlink(a, link), 0);
	want(stacked(WS_NVMESIM, a, a, a), "id=1 read=ok");
	want(stacked(WS_FAULTINJECT, a, a, a), "id=-1 read=EIO");
	want(stacked(WS_FAULTINJECT " " WS_NVMESIM, a, a, a), "id=1 read=EIO");
	want(stacked(WS_NVMESIM " " WS_FAULTINJECT, a, a, a), "id=1 read=EIO");
	/* each named through a link, the file opened by its name: the same file to both */
	want(stacked(WS_NVMESIM " " WS_FAULTINJECT, link, link, a), "id=1 read=EIO");
	want(stacked(WS_FAULTINJECT " " WS_NVMESIM, a, link, link), "id=1 read=EIO");
	free(link);
	free(a);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;
	int r;

	if (argc == 3 && strcmp(argv[1], "--child") == 0)
		return child(argv[2]); /* before anything is allocated: LeakSanitizer looks */
	s = suite_create("preload");
	tc = tcase_create("helper");
	dir = test_tmpdir("preload");
	tcase_add_test(tc, test_matching_by_identity);
	tcase_add_test(tc, test_medium_and_next);
	tcase_add_test(tc, test_shims_stack_either_way);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
	return r;
}
