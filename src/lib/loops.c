/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loops.c - what loop devices hold and what locks other programs hold on a file, as the
 * kernel says: the facts usage.c needs to follow a disk's use through the loop driver,
 * which claims nothing and makes no holders/ link.
 *
 * A loop device's backing is asked of the device itself (LOOP_GET_STATUS64: the backing
 * block device's number, or the backing file's file system and inode), never taken from
 * the path sysfs shows, which may hold a newline, name a bind mount lazily unmounted since,
 * or belong to another mount namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "internal.h"

bool ws_is_loop_name(const char *name)
{
	return name && strncmp(name, "loop", 4) == 0;
}

void ws_loops_clear(struct ws_loops *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	*l = (struct ws_loops){ 0 };
}

const struct ws_loop *ws_loops_find(const struct ws_loops *l, const char *name)
{
	for (size_t i = 0; name && i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* ---- loop devices ------------------------------------------------------------------------ */

/* The kernel's 64-bit device encoding (huge_encode_dev) into a dev_t. */
static dev_t decode_dev(uint64_t v)
{
	return makedev((unsigned)((v >> 8) & 0xfff),
	               (unsigned)((v & 0xff) | ((v >> 12) & 0xfff00)));
}

/*
 * What the attached loop device @name holds: LOOP_GET_STATUS64 on its node (the backing
 * file's device and inode, or the backing block device's number: linux/loop.h, filled by
 * the driver from the file it holds open). Where the node cannot be asked (a fixture tree),
 * the path sysfs shows, resolved here. Return: 1 when attached, 0 when not, or -errno.
 */
static int loop_status(struct ws_ctx *ctx, const char *name, struct ws_loop *l)
{
	_cleanup_free_ char *dir = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/loop", name);
	_cleanup_free_ char *bf = NULL, *backing = NULL, *node = NULL;
	struct loop_info64 info;
	struct stat st;

	if (!dir)
		return -ENOMEM;
	if (access(dir, F_OK) < 0)
		return 0; /* no loop/ directory: not attached */
	if (!ctx->fixture && (node = ws_path(ctx, WS_ROOT_DEV, "/%s", name))) {
		int fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e = 0;

		if (fd >= 0) {
			e = ioctl(fd, LOOP_GET_STATUS64, &info) < 0 ? errno : 0;
			(void)close(fd);
			if (e == ENXIO)
				return 0; /* detached in between */
			if (e == 0) {
				l->rdev = decode_dev(info.lo_rdevice);
				l->fdev = l->rdev ? 0 : decode_dev(info.lo_device);
				l->ino = l->rdev ? 0 : (ino_t)info.lo_inode;
				return 1;
			}
		}
	}
	bf = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/loop/backing_file", name);
	if (!bf)
		return -ENOMEM;
	if (read_line_file(bf, &backing) < 0 || stat(backing, &st) < 0)
		return 1; /* attached, backing unknown: compared with nothing */
	if (S_ISBLK(st.st_mode)) {
		l->rdev = st.st_rdev;
	} else {
		l->fdev = st.st_dev;
		l->ino = st.st_ino;
	}
	return 1;
}

/* Every attached loop device with what it holds. */
int ws_loops_scan(struct ws_ctx *ctx, struct ws_loops *out)
{
	struct ws_strv all = { 0 };
	int r = ws_sysfs_list(ctx, &all, "", "");

	for (size_t i = 0; r >= 0 && i < all.n; i++) {
		struct ws_loop l = { 0 };
		struct ws_loop *v;

		if (!ws_is_loop_name(all.v[i]))
			continue;
		r = loop_status(ctx, all.v[i], &l);
		if (r <= 0)
			continue;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v || !(l.name = strdup(all.v[i]))) {
			if (v)
				out->v = v;
			r = -ENOMEM;
			break;
		}
		out->v = v;
		out->v[out->n++] = l;
	}
	ws_strv_clear(&all);
	return r < 0 ? r : 0;
}

/* ---- locks on a file --------------------------------------------------------------------- */

/*
 * Locks other programs hold on the file @fdev/@ino, from /proc/locks (proc(5): "1: POSIX
 * ADVISORY WRITE 2285 fd:01:1575966 0 EOF"; OFD locks show pid -1; "->" lines are waiters).
 * Our own flock (the gate's) is not another program's.
 */
int ws_locks_scan(struct ws_ctx *ctx, struct ws_strv *out, dev_t fdev, ino_t ino)
{
	_cleanup_free_ char *path = ws_path(ctx, WS_ROOT_PROC, "/locks");
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int r = 0;

	if (!path)
		return -ENOMEM;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (r >= 0 && getline(&line, &cap, f) > 0) {
		char type[16], rw[16];
		unsigned maj, min;
		unsigned long long i;
		int pid;

		if (sscanf(line, "%*d: %15s %*s %15s %d %x:%x:%llu", type, rw, &pid, &maj, &min,
		           &i) != 6 ||
		    makedev(maj, min) != fdev || (ino_t)i != ino)
			continue;
		if (strcmp(type, "FLOCK") == 0 && pid == getpid())
			continue;
		if (strcmp(type, "OFDLCK") == 0)
			r = ws_strv_addf(out,
			                 "an OFD %s lock (as QEMU holds on a running VM's disk)",
			                 strcmp(rw, "READ") == 0 ? "read" : "write");
		else
			r = ws_strv_addf(out, "a %s %s lock by pid %d",
			                 strcmp(type, "FLOCK") == 0 ? "flock" : "POSIX",
			                 strcmp(rw, "READ") == 0 ? "read" : "write", pid);
	}
	return r;
}

/* Locks others hold on the file the gate holds open as @fd (F_OFD_GETLK answers for every
 * open file description but this one, so the gate's own lock does not count). */
int ws_locks_held(int fd, struct ws_strv *out)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return -errno;
	if (fl.l_type == F_UNLCK)
		return 0;
	if (fl.l_pid > 0)
		return ws_strv_addf(out, "a POSIX %s lock by pid %d",
		                    fl.l_type == F_RDLCK ? "read" : "write", (int)fl.l_pid);
	return ws_strv_addf(out, "an OFD %s lock (as QEMU holds on a running VM's disk)",
	                    fl.l_type == F_RDLCK ? "read" : "write");
}
