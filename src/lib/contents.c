/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contents.c - what is on a disk: its partition table and the file systems in it (libblkid).
 *
 * The disk is probed once for a partition table and a whole-disk superblock, then every
 * partition is probed at its offset within the same descriptor. Working by offset rather
 * than through /dev/sdXN nodes means image files and disks whose partition nodes were never
 * created are described just the same.
 *
 * Protected media (ws_gate_protect()) are looked for apart from that description, in every
 * signature libblkid finds on the whole device and in every partition of any table it
 * finds: a data stick with a stray second signature is ambivalent to a safe probe (no
 * file system, no partitions), and must still be known for what it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include <blkid/blkid.h>

#include "internal.h"

static char *lookup(blkid_probe pr, const char *key)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, key, &v, NULL) != 0 || !v || !*v)
		return NULL;
	return strdup(v);
}

static void take_fs(blkid_probe pr, struct ws_fs_info *fs)
{
	fs->type = lookup(pr, "TYPE");
	fs->label = lookup(pr, "LABEL");
	fs->uuid = lookup(pr, "UUID");
}

/* Superblock probe of [offset, offset+size) of @fd. Return: 0 found, 1 nothing, <0 error. */
static int probe_fs_at(int fd, uint64_t offset, uint64_t size, struct ws_fs_info *fs)
{
	blkid_probe pr = blkid_new_probe();
	int r;

	if (!pr)
		return -ENOMEM;
	r = blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)size);
	if (r == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
		                                          BLKID_SUBLKS_UUID);
		r = blkid_do_safeprobe(pr);
		if (r == 0)
			take_fs(pr, fs);
	}
	blkid_free_probe(pr);
	return r == -2 ? -EEXIST : r < 0 ? -EIO : r;
}

/* The /dev node the kernel made for partition @partno of @dev, if any. */
static char *partition_node(struct ws_ctx *ctx, const struct ws_device *dev, unsigned partno)
{
	struct ws_strv parts = { 0 };
	char *node = NULL;

	if (dev->kind != WS_DEVICE_DISK || ws_sysfs_partitions(ctx, dev->name, &parts) < 0)
		return NULL;
	for (size_t i = 0; i < parts.n && !node; i++) {
		_cleanup_free_ char *p = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/%s/partition",
		                                 dev->name, parts.v[i]);
		uint64_t n;

		if (p && read_u64_file(p, &n) == 0 && n == partno)
			node = ws_path(ctx, WS_ROOT_DEV, "/%s", parts.v[i]);
	}
	ws_strv_clear(&parts);
	return node;
}

static int take_partitions(struct ws_ctx *ctx, struct ws_device *dev, blkid_probe pr, int fd)
{
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	int n = ls ? blkid_partlist_numof_partitions(ls) : 0;

	if (n <= 0)
		return 0;
	dev->partitions = calloc((size_t)n, sizeof(*dev->partitions));
	if (!dev->partitions)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);
		struct ws_partition *p = &dev->partitions[dev->n_partitions];
		const char *ts;
		int r;

		if (!par)
			continue;
		ts = blkid_partition_get_type_string(par);
		dev->n_partitions++;
		p->number = (unsigned)blkid_partition_get_partno(par);
		/* libblkid counts in 512-byte sectors whatever the logical sector size */
		p->start_bytes = (uint64_t)blkid_partition_get_start(par) * 512;
		p->size_bytes = (uint64_t)blkid_partition_get_size(par) * 512;
		if (ts)
			p->type = strdup(ts);
		else if (asprintf(&p->type, "0x%x", (unsigned)blkid_partition_get_type(par)) < 0)
			p->type = NULL;
		p->node = partition_node(ctx, dev, p->number);
		if (blkid_partition_is_extended(par))
			continue;
		r = probe_fs_at(fd, p->start_bytes, p->size_bytes, &p->fs);
		if (r < 0)
			ws_debug(ctx, "%s: partition %u: probe failed: %s", dev->path, p->number,
			         strerror(-r));
	}
	return 0;
}

/* ---- protected media ---------------------------------------------------------------------- */

/* Labels and IDs as libblkid reports them (trailing padding already gone); FAT stores
 * labels in upper case, other file systems as typed: case does not count. */
static bool same_id(const char *found, const char *want)
{
	return want && found && strcasecmp(found, want) == 0;
}

/* Every superblock in [@offset, +@size) of @fd, not only one a safe probe is sure of.
 * Return: the enum ws_protected_bit found there, or a negative errno. */
static int protected_at(const struct ws_ctx *ctx, int fd, uint64_t offset, uint64_t size)
{
	blkid_probe pr = blkid_new_probe();
	int found = 0;

	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)size) != 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	blkid_probe_enable_superblocks(pr, 1);
	/* LABEL also brings the ISO 9660 identifiers (VOLUME_SET_ID) */
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL);
	while (blkid_do_probe(pr) == 0) {
		const char *v = NULL;

		if (blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0 &&
		    same_id(v, ctx->protect_label))
			found |= WS_PROTECTED_LABEL;
		if (blkid_probe_lookup_value(pr, "VOLUME_SET_ID", &v, NULL) == 0 &&
		    same_id(v, ctx->protect_build_id))
			found |= WS_PROTECTED_BUILD_ID;
	}
	blkid_free_probe(pr);
	return found;
}

/* Where one partition lies, clipped to the device. */
struct range {
	unsigned number;
	uint64_t start, size;
};

/* The partitions of any table on @fd, read by a probe of tables alone (a safe probe of the
 * whole device stops at ambivalent superblocks before it reads the table). */
static int table_ranges(int fd, uint64_t dev_size, struct range **ret, size_t *ret_n)
{
	blkid_probe pr = blkid_new_probe();
	blkid_partlist ls = NULL;
	struct range *v = NULL;
	size_t n = 0;
	int k = 0;

	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) != 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	if (blkid_do_safeprobe(pr) == 0 && (ls = blkid_probe_get_partitions(pr)))
		k = blkid_partlist_numof_partitions(ls);
	if (k > 0 && !(v = calloc((size_t)k, sizeof(*v)))) {
		blkid_free_probe(pr);
		return -ENOMEM;
	}
	for (int i = 0; i < k; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);
		uint64_t start, size;

		if (!par)
			continue;
		/* libblkid counts in 512-byte sectors whatever the logical sector size */
		start = (uint64_t)blkid_partition_get_start(par) * 512;
		size = (uint64_t)blkid_partition_get_size(par) * 512;
		if (start >= dev_size || size == 0)
			continue; /* nothing of it is on the device */
		v[n].number = (unsigned)blkid_partition_get_partno(par);
		v[n].start = start;
		v[n++].size = size < dev_size - start ? size : dev_size - start;
	}
	blkid_free_probe(pr);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Protected media anywhere on @fd: the whole device first, then each partition. */
static void protected_scan(const struct ws_ctx *ctx, struct ws_device *dev, int fd)
{
	_cleanup_free_ struct range *parts = NULL;
	size_t n = 0;
	int r = protected_at(ctx, fd, 0, 0);

	if (r >= 0)
		dev->protected_by |= (unsigned)r;
	if (r < 0 || table_ranges(fd, dev->size_bytes, &parts, &n) < 0) {
		dev->protected_by |= WS_PROTECTED_UNREADABLE;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		r = protected_at(ctx, fd, parts[i].start, parts[i].size);
		if (r < 0) {
			dev->protected_by |= WS_PROTECTED_UNREADABLE;
			continue;
		}
		if ((r & WS_PROTECTED_LABEL) && !(dev->protected_by & WS_PROTECTED_LABEL))
			dev->protected_partition = parts[i].number;
		dev->protected_by |= (unsigned)r;
	}
}

/* ---- the description -------------------------------------------------------------------- */

void ws_contents_probe(struct ws_ctx *ctx, struct ws_device *dev, int held_fd)
{
	_cleanup_close_ int fd = -1;
	bool protect = ctx->protect_label || ctx->protect_build_id;
	char self[64];
	blkid_probe pr;
	int r;

	if (dev->size_bytes == 0)
		return;
	/* what the gate holds, not whatever the path names by now: a rule reads this */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", held_fd);
	fd = open(held_fd >= 0 ? self : dev->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (asprintf(&dev->probe_error, "cannot open to read: %s", strerror(errno)) < 0)
			dev->probe_error = NULL;
		if (protect)
			dev->protected_by |= WS_PROTECTED_UNREADABLE;
		return;
	}
	if (protect)
		protected_scan(ctx, dev, fd);
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0) != 0) {
		dev->probe_error = strdup("libblkid could not use the device");
		blkid_free_probe(pr);
		return;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
	                                          BLKID_SUBLKS_UUID);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	r = blkid_do_safeprobe(pr);
	if (r == -2) {
		dev->probe_error = strdup("conflicting signatures (ambivalent probe result)");
	} else if (r < 0) {
		dev->probe_error = strdup("libblkid probe failed");
	} else if (r == 0) {
		dev->pt_type = lookup(pr, "PTTYPE");
		dev->pt_uuid = lookup(pr, "PTUUID");
		take_fs(pr, &dev->fs);
		if (dev->pt_type && take_partitions(ctx, dev, pr, fd) < 0)
			dev->probe_error = strdup("out of memory reading the partition table");
	}
	blkid_free_probe(pr);
}

/* One hit of the residue probe: "TYPE at offset N" (superblock) or "PTTYPE table at N". */
static int note_hit(blkid_probe pr, struct ws_strv *found)
{
	const char *type = NULL, *off = NULL;

	if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0) {
		(void)blkid_probe_lookup_value(pr, "SBMAGIC_OFFSET", &off, NULL);
		return ws_strv_addf(found, "%s at offset %s", type, off ? off : "?");
	}
	if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0) {
		(void)blkid_probe_lookup_value(pr, "PTMAGIC_OFFSET", &off, NULL);
		return ws_strv_addf(found, "%s partition table at offset %s", type,
		                    off ? off : "?");
	}
	return 0;
}

int ws_contents_residue(int fd, struct ws_strv *found)
{
	blkid_probe pr = blkid_new_probe();
	int r = 0;

	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) != 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	/* the way wipefs looks: every chain, every hit, damaged superblocks included */
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_MAGIC |
	                                          BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	while (r >= 0 && blkid_do_probe(pr) == 0)
		r = note_hit(pr, found);
	blkid_free_probe(pr);
	return r;
}
