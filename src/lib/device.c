/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * device.c - snapshots of drives and disk images, and lists of them.
 *
 * A snapshot is assembled in a fixed order: identity (udev's database, then sysfs for what
 * it lacks), transport, what the system does with the disk (usage.c), what is on it
 * (contents.c), and last the safety gate's verdict on all of that (gate.c). Scans find
 * disks through libudev, or by walking a fixture sysfs tree in tests.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "controller-internal.h"
#include "purge-internal.h"
#include "opal-internal.h"
#include "transport-internal.h"

static void fs_info_clear(struct ws_fs_info *fs)
{
	free(fs->type);
	free(fs->label);
	free(fs->uuid);
}

struct ws_device *ws_device_free(struct ws_device *dev)
{
	if (!dev)
		return NULL;
	free(dev->path);
	free(dev->name);
	free(dev->model);
	free(dev->vendor);
	free(dev->serial);
	free(dev->wwn);
	free(dev->firmware);
	free(dev->by_path);
	free(dev->pt_type);
	free(dev->pt_uuid);
	fs_info_clear(&dev->fs);
	for (size_t i = 0; i < dev->n_partitions; i++) {
		free(dev->partitions[i].node);
		free(dev->partitions[i].type);
		fs_info_clear(&dev->partitions[i].fs);
	}
	free(dev->partitions);
	free(dev->probe_error);
	for (size_t i = 0; i < dev->n_mounts; i++) {
		free(dev->mounts[i].source);
		free(dev->mounts[i].mountpoint);
		free(dev->mounts[i].fstype);
	}
	free(dev->mounts);
	ws_strv_clear(&dev->swaps);
	for (size_t i = 0; i < dev->n_holders; i++) {
		free(dev->holders[i].name);
		free(dev->holders[i].kind);
		free(dev->holders[i].label);
		free(dev->holders[i].via);
	}
	free(dev->holders);
	free(dev->loop_backing_file);
	ws_strv_clear(&dev->backs_loops);
	ws_strv_clear(&dev->used_through);
	ws_strv_clear(&dev->ineligible_reasons);
	free(dev);
	return NULL;
}

const char *ws_device_confirm_token(const struct ws_device *dev)
{
	if (dev->kind == WS_DEVICE_DISK && !dev->is_virtual && dev->serial)
		return dev->serial;
	return dev->path;
}

const char *ws_method_name(unsigned bit)
{
	static const char *const overwrite[] = { "clear",  "zero",    "one",
		                                 "random", "pattern", "dod-3pass" };

	for (size_t i = 0; i < ELEMENTSOF(overwrite); i++)
		if (bit == 1u << i)
			return overwrite[i];
	for (int t = 0; t < WS_TECH_COUNT; t++) /* the firmware techniques: their bits */
		if (bit == WS_TECH_BIT(t) &&
		    ws_technique_has((enum ws_technique)t, WS_TECH_F_FIRMWARE))
			return ws_technique_name((enum ws_technique)t);
	return NULL;
}

static const char *udev_prop(void *userdata, const char *key)
{
	return udev_device_get_property_value(userdata, key);
}

/* Identity and transport of the disk @dev->name: udev first, sysfs for the rest. */
static int fill_identity(struct ws_ctx *ctx, struct ws_device *dev)
{
	_cleanup_free_ char *link = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s", dev->name);
	char devpath[PATH_MAX];
	const char *id_bus = NULL;
	struct udev_device *ud = NULL;
	int r;

	if (!link)
		return -ENOMEM;
	if (!realpath(link, devpath))
		return errno == ENOENT ? -ENODEV : -errno;
	dev->source = WS_SOURCE_SYSFS;
	if (!ctx->fixture) {
		ud = udev_device_new_from_subsystem_sysname(ctx->udev, "block", dev->name);
		if (ud && udev_device_get_is_initialized(ud) > 0) {
			dev->source = WS_SOURCE_UDEV;
			ws_props_fill_identity(dev, udev_prop, ud);
			id_bus = udev_device_get_property_value(ud, "ID_BUS");
		}
	}
	dev->transport = ws_transport_classify(
	    dev->name, devpath, id_bus, ws_sysfs_scsi_type(ctx, dev->name), &dev->is_virtual);
	ws_bay_fill(ctx, dev,
	            dev->source == WS_SOURCE_UDEV ? udev_device_get_property_value(ud, "ID_PATH")
	                                          : NULL);
	udev_device_unref(ud);
	ws_controller_probe(ctx, dev, devpath); /* a RAID volume, an HBA, Intel VMD */
	r = ws_sysfs_fill_identity(ctx, dev);
	if (r < 0)
		return r;
	if (!dev->read_only && dev->size_bytes > 0 && strcmp(dev->transport, "optical") != 0)
		dev->methods = WS_METHODS_OVERWRITE;
	return 0;
}

/* The common tail of every description: usage, contents, verdict. */
static int finish(struct ws_ctx *ctx, struct ws_device *dev, const char *partition_of, int held_fd)
{
	int r = ws_usage_fill(ctx, dev, held_fd);

	if (r < 0)
		return r;
	if (dev->kind == WS_DEVICE_DISK && !ctx->fixture) {
		/* any block device may answer as an NVMe namespace, or to SG_IO: ATA behind
		 * SAT, or SCSI (the ATA probe hands over to the SCSI one) */
		ws_nvme_transport.probe(ctx, dev);
		if (strcmp(dev->transport, "mmc") == 0)
			ws_mmc_transport.probe(ctx, dev); /* EXT_CSD; no SG_IO to an MMC host */
		else if (!dev->nvme.present)
			ws_ata_transport.probe(ctx, dev);
		/* and, on any of them, TCG Level 0 Discovery (a self-encrypting drive) */
		ws_opal_transport.probe(ctx, dev);
	}
	ws_controller_limit(dev); /* a logical volume: overwrite only */
	ws_contents_probe(ctx, dev, held_fd);
	return ws_gate_evaluate(ctx, dev, partition_of != NULL, partition_of);
}

/* Describe the block device named @name in sysfs; @path is how the operator named it (or
 * NULL for /dev/<name>); @partition_of is its disk when it is a partition. */
static int describe_block(struct ws_ctx *ctx, const char *name, const char *path,
                          const char *partition_of, int held_fd, struct ws_device **ret)
{
	struct ws_device *dev = calloc(1, sizeof(*dev));
	_cleanup_free_ char *devfile = NULL, *devstr = NULL, *seqfile = NULL;
	unsigned maj, min;
	int r;

	if (!dev)
		return -ENOMEM;
	dev->kind = WS_DEVICE_DISK;
	dev->name = strdup(name);
	dev->path = path ? strdup(path) : ws_path(ctx, WS_ROOT_DEV, "/%s", name);
	devfile = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/dev", name);
	if (!dev->name || !dev->path || !devfile) {
		r = -ENOMEM;
		goto fail;
	}
	if (read_line_file(devfile, &devstr) == 0 && sscanf(devstr, "%u:%u", &maj, &min) == 2)
		dev->devnum = makedev(maj, min);
	seqfile = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/diskseq", name);
	if (seqfile)
		(void)read_u64_file(seqfile, &dev->diskseq);
	r = fill_identity(ctx, dev);
	if (r >= 0)
		r = finish(ctx, dev, partition_of, held_fd);
	if (r < 0)
		goto fail;
	*ret = dev;
	return 0;
fail:
	ws_device_free(dev);
	return r;
}

int ws_device_describe_name(struct ws_ctx *ctx, const char *name, struct ws_device **ret)
{
	return describe_block(ctx, name, NULL, NULL, -1, ret);
}

static int describe_file(struct ws_ctx *ctx, const char *path, const struct stat *st, int held_fd,
                         struct ws_device **ret)
{
	struct ws_device *dev = calloc(1, sizeof(*dev));
	int r;

	if (!dev)
		return -ENOMEM;
	dev->kind = WS_DEVICE_FILE;
	dev->source = WS_SOURCE_FILE;
	dev->path = strdup(path);
	if (!dev->path) {
		ws_device_free(dev);
		return -ENOMEM;
	}
	dev->size_bytes = (uint64_t)st->st_size;
	dev->file_dev = st->st_dev;
	dev->file_ino = st->st_ino;
	dev->logical_sector_size = 512;
	dev->physical_sector_size = 512;
	dev->transport = "file";
	dev->rotational = -1;
	dev->read_only = access(path, W_OK) != 0;
	if (!dev->read_only && dev->size_bytes > 0)
		dev->methods = WS_METHODS_OVERWRITE;
	r = finish(ctx, dev, NULL, held_fd);
	if (r < 0) {
		ws_device_free(dev);
		return r;
	}
	*ret = dev;
	return 0;
}

/* Describe whatever @st (taken from @path or from @held_fd, the gate's descriptor) is. */
static int describe_stat(struct ws_ctx *ctx, const char *path, const struct stat *st, int held_fd,
                         struct ws_device **ret)
{
	_cleanup_free_ char *disk = NULL, *self = NULL;
	bool is_partition = false;
	int r;

	if (S_ISREG(st->st_mode))
		return describe_file(ctx, path, st, held_fd, ret);
	if (!S_ISBLK(st->st_mode))
		return -ENOTBLK;
	r = ws_sysfs_disk_of(ctx, major(st->st_rdev), minor(st->st_rdev), &disk, &self,
	                     &is_partition);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	return describe_block(ctx, self, path, is_partition ? disk : NULL, held_fd, ret);
}

int ws_device_describe_stat(struct ws_ctx *ctx, const char *path, const struct stat *st,
                            struct ws_device **ret)
{
	return describe_stat(ctx, path, st, -1, ret);
}

int ws_device_describe_held(struct ws_ctx *ctx, const char *path, int fd, struct ws_device **ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	return describe_stat(ctx, path, &st, fd, ret);
}

int ws_device_describe(struct ws_ctx *ctx, const char *path, struct ws_device **ret)
{
	struct stat st;

	if (!path || !*path)
		return -EINVAL;
	if (stat(path, &st) < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	return ws_device_describe_stat(ctx, path, &st, ret);
}

/* ---- lists ------------------------------------------------------------------------------ */

struct ws_device_list {
	struct ws_device **v;
	size_t n;
};

int ws_device_list_new(struct ws_device_list **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

struct ws_device_list *ws_device_list_free(struct ws_device_list *list)
{
	if (!list)
		return NULL;
	for (size_t i = 0; i < list->n; i++)
		ws_device_free(list->v[i]);
	free(list->v);
	free(list);
	return NULL;
}

size_t ws_device_list_count(const struct ws_device_list *list)
{
	return list->n;
}

const struct ws_device *ws_device_list_get(const struct ws_device_list *list, size_t i)
{
	return i < list->n ? list->v[i] : NULL;
}

static int list_append(struct ws_device_list *list, struct ws_device *dev)
{
	struct ws_device **v = realloc(list->v, (list->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[list->n++] = dev;
	list->v = v;
	return 0;
}

int ws_device_list_add_path(struct ws_ctx *ctx, struct ws_device_list *list, const char *path)
{
	struct ws_device *dev = NULL;
	int r = ws_device_describe(ctx, path, &dev);

	if (r < 0)
		return r;
	r = list_append(list, dev);
	if (r < 0)
		ws_device_free(dev);
	return r;
}

/* Kernel names of whole-disk block devices: libudev's enumeration, or a fixture walk. */
static int disk_names(struct ws_ctx *ctx, struct ws_strv *names)
{
	struct udev_enumerate *e;
	struct udev_list_entry *le;
	int r = 0;

	if (ctx->fixture) {
		_cleanup_free_ char *dir = ws_path(ctx, WS_ROOT_SYS, "/class/block");
		DIR *d = dir ? opendir(dir) : NULL;
		struct dirent *de;

		if (!d)
			return dir ? -errno : -ENOMEM;
		while (r >= 0 && (de = readdir(d))) {
			_cleanup_free_ char *p = NULL;
			struct stat st;

			if (de->d_name[0] == '.' ||
			    asprintf(&p, "%s/%s/partition", dir, de->d_name) < 0)
				continue;
			if (stat(p, &st) < 0)
				r = ws_strv_add(names, de->d_name);
		}
		closedir(d);
		return r;
	}
	e = udev_enumerate_new(ctx->udev);
	if (!e)
		return -ENOMEM;
	if (udev_enumerate_add_match_subsystem(e, "block") < 0 ||
	    udev_enumerate_add_match_property(e, "DEVTYPE", "disk") < 0 ||
	    udev_enumerate_scan_devices(e) < 0) {
		udev_enumerate_unref(e);
		return -EIO;
	}
	udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e))
	{
		const char *syspath = udev_list_entry_get_name(le);
		const char *slash = strrchr(syspath, '/');

		if ((r = ws_strv_add(names, slash ? slash + 1 : syspath)) < 0)
			break;
	}
	udev_enumerate_unref(e);
	return r;
}

/* The letters after "sd", "vd", "xvd" or "hd" (sdaa follows sdz), or NULL. */
static const char *letter_suffix(const char *name)
{
	static const char *const families[] = { "sd", "vd", "xvd", "hd" };

	for (size_t i = 0; i < ELEMENTSOF(families); i++) {
		size_t n = strlen(families[i]);

		if (strncmp(name, families[i], n) == 0 && name[n] &&
		    strspn(name + n, "abcdefghijklmnopqrstuvwxyz") == strlen(name + n))
			return name + n;
	}
	return NULL;
}

/* Kernel order: numbers compare as numbers (nvme1n1 before nvme10n1) and lettered disks by
 * length first (sdz before sdaa). */
static int cmp_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const char *sx = letter_suffix(x), *sy = letter_suffix(y);

	if (sx && sy && sx - x == sy - y && strncmp(x, y, (size_t)(sx - x)) == 0 &&
	    strlen(sx) != strlen(sy))
		return strlen(sx) < strlen(sy) ? -1 : 1;
	return strverscmp(x, y);
}

/* An eMMC's boot partitions and RPMB (mmcblkNbootM, mmcblkNrpmb) are areas of the drive
 * mmcblkN, listed and erased with it (mmc-areas.c), never as drives of their own. */
static bool mmc_area(const char *name)
{
	const char *rest;
	size_t n;

	if (strncmp(name, "mmcblk", 6) != 0 || (n = strspn(name + 6, "0123456789")) == 0)
		return false;
	rest = name + 6 + n;
	if (strcmp(rest, "rpmb") == 0)
		return true;
	return strncmp(rest, "boot", 4) == 0 && rest[4] &&
	       strspn(rest + 4, "0123456789") == strlen(rest + 4);
}

/* A loop device with nothing attached is not a disk at all. */
static bool unattached_loop(struct ws_ctx *ctx, const char *name)
{
	_cleanup_free_ char *p = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/loop", name);
	struct stat st;

	return strncmp(name, "loop", 4) == 0 && p && stat(p, &st) < 0;
}

int ws_device_list_scan(struct ws_ctx *ctx, struct ws_device_list *list, unsigned flags)
{
	struct ws_strv names = { 0 };
	int r, added = 0;

	r = disk_names(ctx, &names);
	if (r >= 0 && names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_name);
	for (size_t i = 0; r >= 0 && i < names.n; i++) {
		struct ws_device *dev = NULL;

		/* an unattached loop device is no disk; a hidden one (an NVMe multipath path) is
		 * one its head disk stands for, with no node of its own and none of the head's
		 * mounts: listing it would offer the mounted system disk as eligible */
		if (unattached_loop(ctx, names.v[i]) || ws_sysfs_hidden(ctx, names.v[i]) ||
		    mmc_area(names.v[i]))
			continue;
		r = ws_device_describe_name(ctx, names.v[i], &dev);
		if (r == -ENODEV) { /* vanished while we looked */
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		if (!(flags & WS_SCAN_ALL) && (dev->is_virtual || !dev->eligible)) {
			ws_device_free(dev);
			continue;
		}
		r = list_append(list, dev);
		if (r < 0)
			ws_device_free(dev);
		else
			added++;
	}
	ws_strv_clear(&names);
	return r < 0 ? r : added;
}

/* ---- identity --------------------------------------------------------------------------- */

static bool differ(const char *a, const char *b)
{
	return a && b && strcmp(a, b) != 0;
}

bool ws_device_same_medium(const struct ws_device *a, const struct ws_device *b, char *why,
                           size_t len)
{
	char dummy[1];

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	if (a->kind != b->kind)
		snprintf(why, len, "%s", "it is no longer the same kind of target");
	else if (a->kind == WS_DEVICE_FILE &&
	         (a->file_dev != b->file_dev || a->file_ino != b->file_ino))
		snprintf(why, len, "%s", "another file now has its name");
	else if (a->kind == WS_DEVICE_DISK && a->devnum != b->devnum)
		snprintf(why, len, "device number %u:%u, now %u:%u", major(a->devnum),
		         minor(a->devnum), major(b->devnum), minor(b->devnum));
	else if (a->diskseq && b->diskseq && a->diskseq != b->diskseq)
		snprintf(why, len, "disk sequence number %llu, now %llu",
		         (unsigned long long)a->diskseq, (unsigned long long)b->diskseq);
	else if (differ(a->serial, b->serial))
		snprintf(why, len, "serial %s, now %s", a->serial, b->serial);
	else if (differ(a->wwn, b->wwn))
		snprintf(why, len, "WWN %s, now %s", a->wwn, b->wwn);
	/* without a disk sequence number, the size is the last witness (with one, a size
	 * change is the same medium resized: a host protected area made addressable) */
	else if (a->kind == WS_DEVICE_DISK && (!a->diskseq || !b->diskseq) &&
	         a->size_bytes != b->size_bytes)
		snprintf(why, len, "size %llu bytes, now %llu", (unsigned long long)a->size_bytes,
		         (unsigned long long)b->size_bytes);
	else
		return true;
	return false;
}
