/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * usage.c - what the running system does with a disk: mounts, swap, stacked devices.
 *
 * A disk is in use when anything built on it is: the disk itself, its partitions, every
 * device-mapper, MD or LVM device stacked on those (sysfs holders/, followed to any depth),
 * and every loop device whose backing is one of them. The loop driver claims nothing and
 * makes no holders/ link, so loop devices are found by asking each one what it holds
 * (LOOP_GET_STATUS64: the backing's device number, or its file system and inode), never by
 * the path sysfs shows, which may hold a newline, name a bind mount lazily unmounted since,
 * or belong to another mount namespace. The closure runs both ways: a loop device is in use
 * when what it is built on is (the whole disk under it, or another loop device over the
 * same file). Mounts come from mountinfo by device number, so they are found whatever name
 * the mount was made with (/dev/mapper/..., /dev/disk/by-uuid/..., a loop device).
 * For an image file, "in use" means attached to a loop device (by inode), active as swap,
 * or locked by another program (flock, POSIX or OFD byte-range locks, as QEMU takes).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "internal.h"

#define MAX_STACK_DEPTH 8

/* The block devices built on a disk, each with the device it sits on; @loops are the loop
 * devices (and their partitions) among them, which are reported as such, not as holders. */
struct stack {
	struct ws_strv names;
	struct ws_strv via;
	struct ws_strv loops;
};

static void stack_clear(struct stack *s)
{
	ws_strv_clear(&s->names);
	ws_strv_clear(&s->via);
	ws_strv_clear(&s->loops);
}

/* ---- the stack over a disk --------------------------------------------------------------- */

/* Add @name (sitting on @via) and, recursively, everything that holds it. */
static int stack_add(struct ws_ctx *ctx, struct stack *s, const char *name, const char *via,
                     int depth)
{
	struct ws_strv holders = { 0 };
	int r;

	if (depth > MAX_STACK_DEPTH || ws_strv_contains(&s->names, name))
		return 0;
	if ((r = ws_strv_add(&s->names, name)) < 0 || (r = ws_strv_add(&s->via, via)) < 0)
		return r;
	r = ws_sysfs_list(ctx, &holders, name, "holders");
	for (size_t i = 0; r >= 0 && i < holders.n; i++)
		r = stack_add(ctx, s, holders.v[i], via, depth + 1);
	ws_strv_clear(&holders);
	return r;
}

/* @disk, its partitions, and everything that holds them. */
static int stack_build(struct ws_ctx *ctx, const char *disk, struct stack *s)
{
	struct ws_strv parts = { 0 };
	int r;

	r = stack_add(ctx, s, disk, disk, 0);
	if (r >= 0)
		r = ws_sysfs_partitions(ctx, disk, &parts);
	if (r == -ENOENT)
		r = 0;
	for (size_t i = 0; r >= 0 && i < parts.n; i++)
		r = stack_add(ctx, s, parts.v[i], parts.v[i], 0);
	ws_strv_clear(&parts);
	return r;
}

/* Kernel name of the block device with number @maj:@min, NULL when sysfs has none. */
static char *name_of_devnum(struct ws_ctx *ctx, unsigned maj, unsigned min)
{
	_cleanup_free_ char *link = ws_path(ctx, WS_ROOT_SYS, "/dev/block/%u:%u", maj, min);
	char target[4096];
	const char *slash;
	ssize_t n;

	if (!link || (n = readlink(link, target, sizeof(target) - 1)) < 0)
		return NULL;
	target[n] = '\0';
	slash = strrchr(target, '/');
	return strdup(slash ? slash + 1 : target);
}

/* A loop device over a member of the stack joins it, with its partitions and holders; so
 * does a loop device over that one, until nothing more joins. @exclude (a loop device
 * whose own usage is being asked for, from below) never joins. */
static int stack_add_loops(struct ws_ctx *ctx, struct ws_device *dev, struct stack *s,
                           const struct ws_loops *loops, const char *exclude)
{
	bool grew = true;
	int r = 0;

	for (int round = 0; r >= 0 && grew && round <= MAX_STACK_DEPTH; round++) {
		grew = false;
		for (size_t i = 0; r >= 0 && i < loops->n; i++) {
			const struct ws_loop *l = &loops->v[i];
			_cleanup_free_ char *under = NULL;
			struct ws_strv parts = { 0 };

			if (!l->rdev || ws_strv_contains(&s->names, l->name) ||
			    (exclude && strcmp(l->name, exclude) == 0))
				continue;
			under = name_of_devnum(ctx, major(l->rdev), minor(l->rdev));
			if (!under || !ws_strv_contains(&s->names, under))
				continue;
			grew = true;
			r = ws_strv_addf(&dev->backs_loops, "/dev/%s", l->name);
			if (r >= 0)
				r = ws_strv_add(&s->loops, l->name);
			if (r >= 0)
				r = stack_add(ctx, s, l->name, l->name, 0);
			if (r >= 0 && ws_sysfs_partitions(ctx, l->name, &parts) >= 0)
				for (size_t k = 0; r >= 0 && k < parts.n; k++)
					if ((r = ws_strv_add(&s->loops, parts.v[k])) >= 0)
						r = stack_add(ctx, s, parts.v[k], parts.v[k], 0);
			ws_strv_clear(&parts);
		}
	}
	return r;
}

/* ---- mounts and swap ------------------------------------------------------------------- */

/* Kernel name of the block device a path from mountinfo or swaps names: "/dev/<name>" is
 * looked up in sysfs directly, anything else (/dev/mapper/..., by-uuid links; btrfs shows
 * 0:N in mountinfo) through stat(). NULL when it is not a block device. */
static char *name_of_node(struct ws_ctx *ctx, const char *node)
{
	_cleanup_free_ char *sys = NULL;
	struct stat st;

	if (!node || strncmp(node, "/dev/", 5) != 0)
		return NULL;
	if (!strchr(node + 5, '/') &&
	    (sys = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s", node + 5)) &&
	    access(sys, F_OK) == 0)
		return strdup(node + 5);
	if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode))
		return NULL;
	return name_of_devnum(ctx, major(st.st_rdev), minor(st.st_rdev));
}

static bool is_boot_mountpoint(const char *mp)
{
	return strcmp(mp, "/boot") == 0 || strcmp(mp, "/boot/efi") == 0 || strcmp(mp, "/efi") == 0;
}

static int add_mount(struct ws_device *dev, const char *source, const char *mp, const char *fstype)
{
	struct ws_mount *m = realloc(dev->mounts, (dev->n_mounts + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	dev->mounts = m;
	m = &dev->mounts[dev->n_mounts];
	m->source = strdup(source);
	m->mountpoint = strdup(mp);
	m->fstype = strdup(fstype);
	dev->n_mounts++;
	if (!m->source || !m->mountpoint || !m->fstype)
		return -ENOMEM;
	if (strcmp(mp, "/") == 0)
		dev->holds_root = true;
	if (is_boot_mountpoint(mp))
		dev->holds_boot = true;
	return 0;
}

/*
 * One mountinfo line (proc(5)): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root
 * rw,errors=continue": field 3 is major:minor, field 5 the mount point, and after the "-"
 * separator come the file system type and the source.
 */
static int scan_mountinfo_line(struct ws_ctx *ctx, struct ws_device *dev, const struct stack *s,
                               char *line)
{
	char *save = NULL, *tok, *mp = NULL, *fstype = NULL, *source = NULL;
	unsigned maj = 0, min = 0;
	_cleanup_free_ char *name = NULL;
	int field = 0;
	bool after_sep = false;

	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		field++;
		if (after_sep) {
			if (!fstype)
				fstype = tok;
			else if (!source)
				source = tok;
		} else if (field == 3) {
			if (sscanf(tok, "%u:%u", &maj, &min) != 2)
				return 0;
		} else if (field == 5) {
			mp = tok;
		} else if (field > 6 && strcmp(tok, "-") == 0) {
			after_sep = true;
		}
	}
	if (!mp || !fstype)
		return 0;
	name = maj ? name_of_devnum(ctx, maj, min) : name_of_node(ctx, source);
	if (!name || !ws_strv_contains(&s->names, name))
		return 0;
	unescape_octal(mp);
	return add_mount(dev, name, mp, fstype);
}

static int scan_mounts(struct ws_ctx *ctx, struct ws_device *dev, const struct stack *s)
{
	_cleanup_free_ char *path = ws_path(ctx, WS_ROOT_PROC, "/self/mountinfo");
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int r = 0;

	if (!path)
		return -ENOMEM;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (r >= 0 && getline(&line, &cap, f) > 0)
		r = scan_mountinfo_line(ctx, dev, s, line);
	return r;
}

/* /proc/swaps: a header line, then "Filename Type Size Used Priority" per swap area. Block
 * devices of @s, or (with @s NULL) the file @fdev/@ino, go into @out. */
static int scan_swaps(struct ws_ctx *ctx, struct ws_strv *out, const struct stack *s, dev_t fdev,
                      ino_t ino)
{
	_cleanup_free_ char *path = ws_path(ctx, WS_ROOT_PROC, "/swaps");
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int r = 0;

	if (!path)
		return -ENOMEM;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (getline(&line, &cap, f) <= 0) /* header */
		return 0;
	while (r >= 0 && getline(&line, &cap, f) > 0) {
		_cleanup_free_ char *name = NULL;
		char *sv = NULL;
		char *file = strtok_r(line, " \t\n", &sv);
		struct stat st;

		if (!file)
			continue;
		unescape_octal(file);
		if (!s) {
			if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == fdev &&
			    st.st_ino == ino)
				r = ws_strv_add(out, file);
			continue;
		}
		name = name_of_node(ctx, file);
		if (name && ws_strv_contains(&s->names, name))
			r = ws_strv_add(out, name);
	}
	return r;
}

/* ---- holders --------------------------------------------------------------------------- */

static int add_holder(struct ws_ctx *ctx, struct ws_device *dev, const char *name, const char *via)
{
	_cleanup_free_ char *uuid_path = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/dm/uuid", name);
	_cleanup_free_ char *name_path = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/dm/name", name);
	_cleanup_free_ char *uuid = NULL;
	struct ws_holder *h = realloc(dev->holders, (dev->n_holders + 1) * sizeof(*h));
	const char *kind = "other";

	if (!h || !uuid_path || !name_path) {
		if (h)
			dev->holders = h;
		return -ENOMEM;
	}
	dev->holders = h;
	h = &dev->holders[dev->n_holders++];
	memset(h, 0, sizeof(*h));
	if (strncmp(name, "dm-", 3) == 0) {
		kind = "device-mapper";
		if (read_line_file(uuid_path, &uuid) == 0) {
			if (strncmp(uuid, "LVM-", 4) == 0)
				kind = "LVM";
			else if (strncmp(uuid, "CRYPT-", 6) == 0)
				kind = "dm-crypt";
			else if (strncmp(uuid, "mpath-", 6) == 0)
				kind = "multipath";
		}
		(void)read_line_file(name_path, &h->label);
	} else if (strncmp(name, "md", 2) == 0) {
		kind = "MD";
	}
	h->name = strdup(name);
	h->kind = strdup(kind);
	h->via = strdup(via);
	return h->name && h->kind && h->via ? 0 : -ENOMEM;
}

/* Every device of the stack except the disk, its partitions and the loop devices over them
 * holds the disk. */
static int fill_holders(struct ws_ctx *ctx, struct ws_device *dev, const struct stack *s)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < s->names.n; i++) {
		_cleanup_free_ char *part = NULL;
		struct stat st;

		if (strcmp(s->names.v[i], dev->name) == 0 ||
		    ws_strv_contains(&s->loops, s->names.v[i]))
			continue;
		part = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/%s/partition", dev->name,
		               s->names.v[i]);
		if (!part)
			return -ENOMEM;
		if (stat(part, &st) == 0)
			continue;
		r = add_holder(ctx, dev, s->names.v[i], s->via.v[i]);
	}
	return r;
}

/* ---- the closure ------------------------------------------------------------------------- */

static int block_usage(struct ws_ctx *ctx, struct ws_device *dev, const struct ws_loops *loops,
                       const char *exclude, bool below, int depth);

/* The usage of the block device @name (never counting @exclude; what it is built on too when
 * @below) as lines "@prefix: reason" in @out. */
static int usage_lines(struct ws_ctx *ctx, const char *name, const struct ws_loops *loops,
                       const char *exclude, bool below, int depth, struct ws_strv *out,
                       const char *prefix)
{
	struct ws_device *d = calloc(1, sizeof(*d));
	struct ws_strv why = { 0 };
	int r;

	if (!d || !(d->name = strdup(name))) {
		free(d);
		return -ENOMEM;
	}
	d->kind = WS_DEVICE_DISK;
	r = block_usage(ctx, d, loops, exclude, below, depth);
	if (r >= 0)
		r = ws_gate_usage_reasons(d, &why);
	for (size_t i = 0; r >= 0 && i < why.n; i++)
		r = ws_strv_addf(out, "%s: %s", prefix, why.v[i]);
	ws_strv_clear(&why);
	ws_device_free(d);
	return r;
}

/* The file @fdev/@ino as what a loop device @self (or nothing) is built on: other loop
 * devices over the same inode and their usage, swap on it, locks on it (from /proc/locks
 * unless @held_fd is the gate's descriptor on it). Lines go into @out. */
static int file_usage(struct ws_ctx *ctx, struct ws_device *dev, const struct ws_loops *loops,
                      dev_t fdev, ino_t ino, const char *self, int held_fd, int depth)
{
	struct ws_strv locks = { 0 }, swaps = { 0 };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < loops->n; i++) {
		const struct ws_loop *l = &loops->v[i];
		_cleanup_free_ char *prefix = NULL;

		if (l->rdev || l->ino != ino || l->fdev != fdev || (self && !strcmp(l->name, self)))
			continue;
		if (self)
			r = ws_strv_addf(&dev->used_through,
			                 "its backing file is also attached as /dev/%s", l->name);
		else
			r = ws_strv_addf(&dev->backs_loops, "/dev/%s", l->name);
		if (r >= 0 && asprintf(&prefix, "/dev/%s over %s", l->name,
		                       self ? "the same file" : "it") < 0)
			r = -ENOMEM;
		/* the siblings' own usage, not their file's again: that is this loop */
		if (r >= 0)
			r = usage_lines(ctx, l->name, loops, self, false, depth + 1,
			                &dev->used_through, prefix);
	}
	if (r >= 0)
		r = scan_swaps(ctx, &swaps, NULL, fdev, ino);
	if (r >= 0)
		r = held_fd >= 0 ? ws_locks_held(held_fd, &locks)
		                 : ws_locks_scan(ctx, &locks, fdev, ino);
	for (size_t i = 0; r >= 0 && i < swaps.n; i++)
		r = self ? ws_strv_addf(&dev->used_through, "its backing file is active swap (%s)",
		                        swaps.v[i])
		         : ws_strv_add(&dev->swaps, swaps.v[i]);
	for (size_t i = 0; r >= 0 && i < locks.n; i++)
		r = ws_strv_addf(&dev->used_through, "%slocked by another program: %s",
		                 self ? "its backing file is " : "", locks.v[i]);
	ws_strv_clear(&locks);
	ws_strv_clear(&swaps);
	return r;
}

/* What the loop device @dev is built on, in use by anything but @dev: the whole disk under
 * it (conservatively: anything on that disk), or its backing file. */
static int backing_usage(struct ws_ctx *ctx, struct ws_device *dev, const struct ws_loops *loops,
                         int depth)
{
	const struct ws_loop *self = ws_loops_find(loops, dev->name);
	_cleanup_free_ char *disk = NULL, *under = NULL, *prefix = NULL;
	bool is_part = false;
	int r;

	if (!self)
		return 0;
	if (!self->rdev)
		return self->ino ? file_usage(ctx, dev, loops, self->fdev, self->ino, dev->name, -1,
		                              depth)
		                 : 0;
	r = ws_sysfs_disk_of(ctx, major(self->rdev), minor(self->rdev), &disk, &under, &is_part);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (asprintf(&prefix, "the disk under it, /dev/%s, is in use", disk) < 0)
		return -ENOMEM;
	return usage_lines(ctx, disk, loops, dev->name, true, depth + 1, &dev->used_through,
	                   prefix);
}

static int block_usage(struct ws_ctx *ctx, struct ws_device *dev, const struct ws_loops *loops,
                       const char *exclude, bool below, int depth)
{
	struct stack s = { 0 };
	int r;

	if (depth > MAX_STACK_DEPTH)
		return 0;
	r = stack_build(ctx, dev->name, &s);
	if (r >= 0)
		r = stack_add_loops(ctx, dev, &s, loops, exclude);
	if (r >= 0)
		r = scan_mounts(ctx, dev, &s);
	if (r >= 0)
		r = scan_swaps(ctx, &dev->swaps, &s, 0, 0);
	if (r >= 0)
		r = fill_holders(ctx, dev, &s);
	if (r >= 0 && below && ws_is_loop_name(dev->name))
		r = backing_usage(ctx, dev, loops, depth);
	stack_clear(&s);
	return r;
}

int ws_usage_fill(struct ws_ctx *ctx, struct ws_device *dev, int held_fd)
{
	struct ws_loops loops = { 0 };
	struct stat st;
	int r = ws_loops_scan(ctx, &loops);

	if (r >= 0 && dev->kind == WS_DEVICE_FILE) {
		if ((held_fd >= 0 ? fstat(held_fd, &st) : stat(dev->path, &st)) < 0)
			r = -errno;
		else
			r = file_usage(ctx, dev, &loops, st.st_dev, st.st_ino, NULL, held_fd, 0);
	} else if (r >= 0) {
		r = block_usage(ctx, dev, &loops, NULL, true, 0);
	}
	ws_loops_clear(&loops);
	return r;
}
