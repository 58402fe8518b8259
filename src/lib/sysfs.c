/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sysfs.c - a disk's identity and geometry read straight from sysfs.
 *
 * This is the fallback where udev has no database (containers, early boot, a minimal boot
 * image) and the source of what udev does not record (sizes, sector sizes, read-only).
 * Every read goes through the context's sysfs root so that tests can use fixture trees.
 *
 * Where the facts live (Documentation/ABI/stable/sysfs-block and the drivers):
 *   size                         512-byte sectors, whatever the logical sector size
 *   queue/{logical,physical}_block_size, queue/rotational, removable, ro
 *   device/{model,vendor,rev}    SCSI (sd), also SATA behind libata's SAT layer
 *   device/vpd_pg80              SCSI unit serial number VPD page (SPC-4 7.8.15)
 *   device/wwid                  SCSI designator (naa./t10./eui.)
 *   device/{model,serial,firmware_rev}  NVMe controller; wwid on the namespace itself
 *   serial                       virtio-blk
 *   device/{name,serial}         MMC/SD cards
 *   device/type                  SCSI peripheral device type (5: CD/DVD/BD), any bus
 *   hidden                       1 for a disk without a device node: an NVMe multipath path
 *                                (nvme0c0n1) behind its head disk (nvme0n1)
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Read "<sys>/class/block/<name>/<attr>" as a trimmed string, NULL when absent or empty. */
static char *attr_str(struct ws_ctx *ctx, const char *name, const char *attr)
{
	_cleanup_free_ char *path = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/%s", name, attr);
	_cleanup_free_ char *raw = NULL;

	if (!path || read_line_file(path, &raw) < 0)
		return NULL;
	return strdup_trim(raw);
}

static int attr_u64(struct ws_ctx *ctx, const char *name, const char *attr, uint64_t *ret)
{
	_cleanup_free_ char *path = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/%s", name, attr);

	if (!path)
		return -ENOMEM;
	return read_u64_file(path, ret);
}

/* SCSI Unit Serial Number VPD page: 4-byte header (byte 1 = 80h, bytes 2-3 = length),
 * then the serial in ASCII, often space-padded. */
static char *vpd_pg80_serial(struct ws_ctx *ctx, const char *name)
{
	_cleanup_free_ char *path =
	    ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/device/vpd_pg80", name);
	_cleanup_fclose_ FILE *f = NULL;
	unsigned char buf[260];
	char text[256];
	size_t n, len;

	if (!path || !(f = fopen(path, "rbe")))
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	if (n < 4 || buf[1] != 0x80)
		return NULL;
	len = ((size_t)buf[2] << 8) | buf[3];
	if (len > n - 4)
		len = n - 4;
	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, buf + 4, len);
	text[len] = '\0';
	return strdup_trim(text);
}

/* virtio and PCI devices put a numeric id ("0x1af4") where SCSI puts a vendor name. */
static char *vendor_name(char *v)
{
	if (v && strncmp(v, "0x", 2) == 0) {
		free(v);
		return NULL;
	}
	return v;
}

static void fill_if_null(char **field, char *value)
{
	if (*field)
		free(value);
	else
		*field = value;
}

int ws_sysfs_fill_identity(struct ws_ctx *ctx, struct ws_device *dev)
{
	const char *n = dev->name;
	uint64_t v;
	int r;

	r = attr_u64(ctx, n, "size", &v);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	dev->size_bytes = v * 512;
	if (attr_u64(ctx, n, "queue/logical_block_size", &v) == 0 && v <= UINT32_MAX)
		dev->logical_sector_size = (uint32_t)v;
	if (attr_u64(ctx, n, "queue/physical_block_size", &v) == 0 && v <= UINT32_MAX)
		dev->physical_sector_size = (uint32_t)v;
	if (!dev->logical_sector_size)
		dev->logical_sector_size = 512;
	if (!dev->physical_sector_size)
		dev->physical_sector_size = dev->logical_sector_size;
	dev->rotational = attr_u64(ctx, n, "queue/rotational", &v) == 0 ? (v != 0) : -1;
	dev->removable = attr_u64(ctx, n, "removable", &v) == 0 && v != 0;
	dev->read_only = attr_u64(ctx, n, "ro", &v) == 0 && v != 0;

	fill_if_null(&dev->model, attr_str(ctx, n, "device/model"));
	fill_if_null(&dev->model, attr_str(ctx, n, "device/name")); /* MMC */
	fill_if_null(&dev->vendor, vendor_name(attr_str(ctx, n, "device/vendor")));
	fill_if_null(&dev->serial, attr_str(ctx, n, "device/serial")); /* NVMe, MMC */
	fill_if_null(&dev->serial, attr_str(ctx, n, "serial"));        /* virtio-blk */
	fill_if_null(&dev->serial, vpd_pg80_serial(ctx, n));           /* SCSI, SAT */
	fill_if_null(&dev->wwn, attr_str(ctx, n, "wwid"));             /* NVMe namespace */
	fill_if_null(&dev->wwn, attr_str(ctx, n, "device/wwid"));      /* SCSI */
	fill_if_null(&dev->firmware, attr_str(ctx, n, "device/firmware_rev"));
	fill_if_null(&dev->firmware, attr_str(ctx, n, "device/rev"));
	fill_if_null(&dev->loop_backing_file, attr_str(ctx, n, "loop/backing_file"));
	return 0;
}

int ws_sysfs_scsi_type(struct ws_ctx *ctx, const char *name)
{
	uint64_t v;

	return attr_u64(ctx, name, "device/type", &v) == 0 && v <= 0x1f ? (int)v : -1;
}

bool ws_sysfs_hidden(struct ws_ctx *ctx, const char *name)
{
	uint64_t v;

	return attr_u64(ctx, name, "hidden", &v) == 0 && v != 0;
}

int ws_sysfs_disk_of(struct ws_ctx *ctx, unsigned maj, unsigned min, char **ret_disk,
                     char **ret_self, bool *ret_is_partition)
{
	_cleanup_free_ char *link = ws_path(ctx, WS_ROOT_SYS, "/dev/block/%u:%u", maj, min);
	_cleanup_free_ char *part = NULL;
	char target[4096];
	char *self, *slash;
	ssize_t n;
	struct stat st;

	if (!link)
		return -ENOMEM;
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	slash = strrchr(target, '/');
	self = slash ? slash + 1 : target;
	part = ws_path(ctx, WS_ROOT_SYS, "/dev/block/%u:%u/partition", maj, min);
	if (!part)
		return -ENOMEM;
	*ret_is_partition = stat(part, &st) == 0;
	*ret_self = strdup(self);
	if (*ret_is_partition && slash) {
		char *parent;

		*slash = '\0';
		parent = strrchr(target, '/');
		*ret_disk = strdup(parent ? parent + 1 : target);
	} else {
		*ret_disk = strdup(self);
	}
	if (!*ret_self || !*ret_disk) {
		free(*ret_self);
		free(*ret_disk);
		*ret_self = *ret_disk = NULL;
		return -ENOMEM;
	}
	return 0;
}

int ws_sysfs_partitions(struct ws_ctx *ctx, const char *disk, struct ws_strv *ret)
{
	_cleanup_free_ char *dir = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s", disk);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (!dir)
		return -ENOMEM;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s/partition", dir, de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		if (stat(p, &st) == 0 && (r = ws_strv_add(ret, de->d_name)) < 0)
			break;
	}
	closedir(d);
	return r;
}

/* Names in "<sys>/class/block/<name>/<sub>" (or "<sys>/class/block" for an empty @name);
 * a missing directory is an empty list. */
int ws_sysfs_list(struct ws_ctx *ctx, struct ws_strv *out, const char *name, const char *sub)
{
	_cleanup_free_ char *dir = ws_path(ctx, WS_ROOT_SYS, "/class/block%s%s%s%s",
	                                   *name ? "/" : "", name, *sub ? "/" : "", sub);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (!dir)
		return -ENOMEM;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && (r = ws_strv_add(out, de->d_name)) < 0)
			break;
	closedir(d);
	return r;
}

void ws_sysfs_subsysnqn(struct ws_ctx *ctx, const char *name, char *buf, size_t size)
{
	_cleanup_free_ char *nqn = name ? attr_str(ctx, name, "device/subsysnqn") : NULL;

	buf[0] = '\0';
	if (nqn && size > 0)
		snprintf(buf, size, "%s", nqn);
}
