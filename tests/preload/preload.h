/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * preload.h - what the LD_PRELOAD test libraries (tests/faultinject, tests/nvmesim,
 * tests/atasim) share: the next definition of every call they wrap, the simulated drive's own
 * access to its medium, and one answer to "is this descriptor the file I stand for?".
 *
 * Chaining. A shim defines some of ioctl, pread, pread64, pwrite and pwrite64. What it does not
 * answer itself it hands on to preload_next(), whose pointers dlsym(RTLD_NEXT, ...) resolved:
 * the same call in the next library of LD_PRELOAD, or, after the last one, libc (or the
 * sanitizer's interceptor in an ASan build). No shim calls syscall() for the product's I/O, so
 * shims stack, and a fault can be injected into a simulated drive:
 *
 *   LD_PRELOAD="faultinject.so nvmesim.so"   (or atasim.so)
 *
 * The first library is the one nearest the product. The order above is the one the tests use
 * and the one that reads as the hardware does: the product's read meets the fault injector
 * first (a fault on the way to the drive: cable, HBA, a medium error the drive reports), then
 * the simulated drive (which refuses I/O while it sanitizes, or above a host protected area),
 * then the kernel. The reverse order works too, since every layer passes on what it does not
 * answer; it changes only which answer wins where both would answer. In an ASan build the
 * sanitizer's runtime must come after the shims: ASAN_OPTIONS=verify_asan_link_order=0.
 *
 * The medium. What a simulated drive does to its own medium (a sanitize writing the image,
 * reading its size) is not the host's I/O: preload_medium_*() call libc's own definitions,
 * looked up in libc itself, so no shim (the drive's own wrappers included) sees them.
 *
 * Matching. preload_fd_which() tells whether a descriptor is one of the files a shim stands
 * for, by what the descriptor is rather than by its name: the same device number for block and
 * character devices (st_rdev), the same st_dev and st_ino for anything else, from fstat() of
 * the descriptor and stat() of the path at the time of the call. So dup(), dup2(), fork, the
 * product's second O_DIRECT open through /proc/self/fd/N, and a path given through a symbolic
 * link all match, and there is no table of descriptors to keep in step with open and close.
 *
 * Visibility. This is a static library linked into each shim, and every symbol in it is
 * hidden: each shim has its own copy, so RTLD_NEXT is relative to that shim. Were they
 * exported, the first shim's copy would serve them all, and the last shim's "next" would be
 * itself.
 */
#ifndef WIPESEAL_TEST_PRELOAD_H
#define WIPESEAL_TEST_PRELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

/* The next definition of each call a shim wraps. */
struct preload_next {
	int (*ioctl)(int fd, unsigned long req, ...);
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pread64)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
	ssize_t (*pwrite64)(int fd, const void *buf, size_t n, off_t off);
};

/* The calls after this shim, resolved once (thread-safe, also before the constructors ran).
 * Return: never NULL; a pointer is NULL only where no later object defines the call. */
const struct preload_next *preload_next(void);

/* The index in @paths (@n of them, NULL entries skipped) of the file @fd is, or -1 when it
 * is none of them (or @fd is not open). */
int preload_fd_which(int fd, const char *const *paths, size_t n);

/* Whether @fd is the file @path names (preload_fd_which() of one path). */
bool preload_fd_is(int fd, const char *path);

/* The drive's own reads and writes of its medium, past every shim. Return: as pread(2) and
 * pwrite(2). */
ssize_t preload_medium_pread(int fd, void *buf, size_t n, uint64_t off);
ssize_t preload_medium_pwrite(int fd, const void *buf, size_t n, uint64_t off);

/* The size in bytes of the block device (or file) @path, past every shim; 0 when it cannot be
 * told. */
uint64_t preload_medium_size(const char *path);

#pragma GCC visibility pop

#endif
