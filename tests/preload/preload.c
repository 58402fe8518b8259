/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * preload.c - the helper the LD_PRELOAD shims share; see preload.h for the chaining, the
 * matching and why every symbol here is hidden.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/lib-names.h>
#include <linux/fs.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload.h"

/* ---- the next definitions ------------------------------------------------------------------ */

static struct preload_next next;
static pthread_once_t next_once = PTHREAD_ONCE_INIT;

/* dlsym() hands back a data pointer; POSIX guarantees it converts to a function pointer. */
#define RESOLVE(handle, name) (*(void **)(&next.name) = dlsym(handle, #name))

static void resolve_next(void)
{
	RESOLVE(RTLD_NEXT, ioctl);
	RESOLVE(RTLD_NEXT, pread);
	RESOLVE(RTLD_NEXT, pread64);
	RESOLVE(RTLD_NEXT, pwrite);
	RESOLVE(RTLD_NEXT, pwrite64);
}

const struct preload_next *preload_next(void)
{
	(void)pthread_once(&next_once, resolve_next);
	return &next;
}

/* ---- matching ------------------------------------------------------------------------------ */

/* Whether @a (a descriptor's) and @b (a path's) are the same file. */
static bool same_file(const struct stat *a, const struct stat *b)
{
	if (S_ISBLK(a->st_mode) || S_ISCHR(a->st_mode))
		return (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT) && a->st_rdev == b->st_rdev;
	return !S_ISBLK(b->st_mode) && !S_ISCHR(b->st_mode) && a->st_dev == b->st_dev &&
	       a->st_ino == b->st_ino;
}

/* errno is left as it was: the call that asked is about to be handed on, and a caller may
 * read errno after it. */
int preload_fd_which(int fd, const char *const *paths, size_t n)
{
	struct stat fst, pst;
	int saved = errno, r = -1;

	if (fd >= 0 && fstat(fd, &fst) == 0)
		for (size_t i = 0; i < n && r < 0; i++)
			if (paths[i] && *paths[i] && stat(paths[i], &pst) == 0 &&
			    same_file(&fst, &pst))
				r = (int)i;
	errno = saved;
	return r;
}

bool preload_fd_is(int fd, const char *path)
{
	return preload_fd_which(fd, &path, 1) == 0;
}

/* ---- the medium ---------------------------------------------------------------------------- */

static struct {
	int (*ioctl)(int fd, unsigned long req, ...);
	ssize_t (*pread64)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite64)(int fd, const void *buf, size_t n, off_t off);
} libc;
static pthread_once_t libc_once = PTHREAD_ONCE_INIT;

/* libc's own definitions: a handle's lookup searches that object and its dependencies only,
 * never the preloaded libraries. libc is loaded already (RTLD_NOLOAD); the handle is kept. */
static void resolve_libc(void)
{
	void *h = dlopen(LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);

	if (!h)
		return;
	*(void **)(&libc.ioctl) = dlsym(h, "ioctl");
	*(void **)(&libc.pread64) = dlsym(h, "pread64");
	*(void **)(&libc.pwrite64) = dlsym(h, "pwrite64");
}

ssize_t preload_medium_pread(int fd, void *buf, size_t n, uint64_t off)
{
	(void)pthread_once(&libc_once, resolve_libc);
	return libc.pread64 ? libc.pread64(fd, buf, n, (off_t)off) : -1;
}

ssize_t preload_medium_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	(void)pthread_once(&libc_once, resolve_libc);
	return libc.pwrite64 ? libc.pwrite64(fd, buf, n, (off_t)off) : -1;
}

uint64_t preload_medium_size(const char *path)
{
	uint64_t size = 0;
	struct stat st;
	int fd;

	(void)pthread_once(&libc_once, resolve_libc);
	if (!path || !libc.ioctl || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	else if (libc.ioctl(fd, BLKGETSIZE64, &size) != 0)
		size = 0;
	close(fd);
	return size;
}
