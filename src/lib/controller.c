/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * controller.c - drives behind controllers: RAID logical volumes, HBA/JBOD pass-through
 * drives, and NVMe drives in an Intel VMD domain.
 *
 * Why it matters: a RAID controller's logical volume is a disk the controller makes of its
 * physical drives. Overwriting every block of the volume is Clear of the volume, and no more:
 * the controller maps the volume onto the drives (parity, spares, metadata areas, drives
 * that left the array stay untouched), and no firmware erase sent to the volume reaches a
 * drive. So a logical volume is listed as one, keeps the overwrite methods only, and every
 * firmware technique is refused with the reason and the way out (the controller's HBA/JBOD
 * mode exposes the drives themselves). A drive in an Intel VMD domain is an ordinary NVMe
 * drive once the vmd driver is loaded: it is only named as such.
 *
 * Everything comes from sysfs, read through the context's root (fixture trees in tests):
 *   /sys/class/scsi_host/hostN/proc_name   the driver of the SCSI host the disk hangs off
 *   .../H:C:T:L/                           the disk's SCSI address, in its device path
 *   device/raid_level                      hpsa (hpsa.c raid_level_show: "RAID 1(+0)", "N/A"
 *                                          for a physical drive), smartpqi
 *                                          (smartpqi_init.c pqi_raid_level_show: "RAID-5",
 *                                          "N/A" for a physical drive)
 *   device/level                           aacraid (linit.c aac_show_raid_level: the
 *                                          container's type, "RAID1"; "JBOD" or "Hidden" off
 *                                          the container channel)
 *   device/raid_devices/H:C:T:L/level      raid_class (raid_class.c), which mpt3sas attaches
 *                                          to its Integrated RAID volumes: "raid1", "raid10"
 *   hostN/{vendor,model}                   smartpqi, aacraid: the controller's names
 *   hostN/board_name                       mpt3sas (mpt3sas_ctl.c): the board's name
 *   .../0000:00:0e.0/pci10000:e0/...       a PCI domain above 0xffff: the VMD driver's
 *                                          (vmd.c: "VMD domains start at 0x10000 to not
 *                                          clash with ACPI _SEG domains"), under the VMD
 *                                          endpoint bound to the driver "vmd"
 * Which SCSI channel holds logical volumes is each driver's own convention: megaraid_sas
 * puts logical drives on channels 2 and 3 (megaraid_sas.h MEGASAS_IS_LOGICAL: channel >=
 * MEGASAS_MAX_PD_CHANNELS), system PDs (JBOD) on 0 and 1; aacraid its containers on
 * CONTAINER_CHANNEL 0; mpt3sas its RAID volumes on RAID_CHANNEL 1 (mpt3sas_scsih.c), SAS and
 * SATA end devices on 0 and NVMe on 2.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "controller-internal.h"
#include "internal.h"

/* How a driver tells a logical volume from a physical drive it passes through. */
enum volume_rule {
	BY_CHANNEL_AT_LEAST, /* logical on channel >= @channel */
	BY_CHANNEL,          /* logical on channel == @channel */
	BY_RAID_LEVEL,       /* logical unless device/raid_level says "N/A" */
};

/* Where a driver says the RAID level of a logical volume. */
enum level_source {
	LEVEL_NONE,
	LEVEL_ATTR,       /* device/<level_attr> */
	LEVEL_RAID_CLASS, /* device/raid_devices/H:C:T:L/level */
};

static const struct driver_rule {
	const char *proc_name;
	enum volume_rule rule;
	unsigned channel;
	enum level_source level;
	const char *level_attr;
	const char *vendor_attr, *model_attr; /* host attributes, NULL when none */
} drivers[] = {
	{ "megaraid_sas", BY_CHANNEL_AT_LEAST, 2, LEVEL_NONE, NULL, NULL, NULL },
	{ "hpsa", BY_RAID_LEVEL, 0, LEVEL_ATTR, "raid_level", NULL, NULL },
	{ "smartpqi", BY_RAID_LEVEL, 0, LEVEL_ATTR, "raid_level", "vendor", "model" },
	{ "aacraid", BY_CHANNEL, 0, LEVEL_ATTR, "level", "vendor", "model" },
	{ "mpt3sas", BY_CHANNEL, 1, LEVEL_RAID_CLASS, NULL, NULL, "board_name" },
	{ "mpt2sas", BY_CHANNEL, 1, LEVEL_RAID_CLASS, NULL, NULL, "board_name" },
};

/* A sysfs attribute, trimmed, into @buf ("" when absent or empty). */
static void read_attr(const char *path, char *buf, size_t len)
{
	_cleanup_free_ char *raw = NULL, *t = NULL;

	buf[0] = '\0';
	if (!path || read_line_file(path, &raw) < 0 || !(t = strdup_trim(raw)))
		return;
	snprintf(buf, len, "%s", t);
}

static void host_attr(struct ws_ctx *ctx, unsigned host, const char *attr, char *buf, size_t len)
{
	_cleanup_free_ char *p = NULL;

	buf[0] = '\0';
	if (attr && (p = ws_path(ctx, WS_ROOT_SYS, "/class/scsi_host/host%u/%s", host, attr)))
		read_attr(p, buf, len);
}

static void device_attr(struct ws_ctx *ctx, const char *name, const char *attr, char *buf,
                        size_t len)
{
	_cleanup_free_ char *p = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/device/%s", name, attr);

	read_attr(p, buf, len);
}

/* The SCSI host number (".../hostN/...") and H:C:T:L (the directory before "/block/") of
 * @devpath. Return: false when it holds no SCSI address. */
static bool scsi_address(const char *devpath, unsigned *ret_host, unsigned *ret_channel, char *hctl,
                         size_t len)
{
	const char *block = strstr(devpath, "/block/"), *start;
	unsigned h, c, t;
	unsigned long long l;
	char tail;

	if (!block)
		return false;
	for (start = block; start > devpath && start[-1] != '/'; start--)
		;
	if ((size_t)(block - start) >= len)
		return false;
	memcpy(hctl, start, (size_t)(block - start));
	hctl[block - start] = '\0';
	if (sscanf(hctl, "%u:%u:%u:%llu%c", &h, &c, &t, &l, &tail) != 4)
		return false;
	*ret_host = h;
	*ret_channel = c;
	return true;
}

/* The rule of the driver named @proc_name, or NULL when it is none we know. */
static const struct driver_rule *rule_of(const char *proc_name)
{
	for (size_t i = 0; i < ELEMENTSOF(drivers); i++)
		if (strcmp(drivers[i].proc_name, proc_name) == 0)
			return &drivers[i];
	return NULL;
}

/* The disk hangs off a SCSI host whose driver is a RAID/HBA driver we know. */
static bool probe_scsi_host(struct ws_ctx *ctx, struct ws_device *dev, const char *devpath)
{
	struct ws_controller_info *c = &dev->controller;
	const struct driver_rule *r;
	_cleanup_free_ char *p = NULL;
	unsigned host, channel;
	char hctl[32], name[32];

	if (!scsi_address(devpath, &host, &channel, hctl, sizeof(hctl)) ||
	    !(p = ws_path(ctx, WS_ROOT_SYS, "/class/scsi_host/host%u/proc_name", host)))
		return false;
	read_attr(p, name, sizeof(name));
	if (!(r = rule_of(name)))
		return false;
	c->behind_controller = true;
	snprintf(c->driver, sizeof(c->driver), "%s", r->proc_name);
	snprintf(c->scsi_address, sizeof(c->scsi_address), "%s", hctl);
	host_attr(ctx, host, r->vendor_attr, c->vendor, sizeof(c->vendor));
	host_attr(ctx, host, r->model_attr, c->model, sizeof(c->model));
	if (r->level == LEVEL_ATTR) {
		device_attr(ctx, dev->name, r->level_attr, c->raid_level, sizeof(c->raid_level));
	} else if (r->level == LEVEL_RAID_CLASS) {
		char attr[64];

		snprintf(attr, sizeof(attr), "raid_devices/%s/level", hctl);
		device_attr(ctx, dev->name, attr, c->raid_level, sizeof(c->raid_level));
	}
	switch (r->rule) {
	case BY_CHANNEL_AT_LEAST:
		c->logical_volume = channel >= r->channel;
		break;
	case BY_CHANNEL:
		c->logical_volume = channel == r->channel;
		break;
	case BY_RAID_LEVEL:
		c->logical_volume = c->raid_level[0] && strcmp(c->raid_level, "N/A") != 0;
		break;
	}
	c->passthrough = !c->logical_volume;
	if (!c->logical_volume)
		c->raid_level[0] = '\0'; /* "N/A", "JBOD", "Hidden": a drive has no RAID level */
	return true;
}

/* The component of @devpath that is a PCI root bus in a VMD domain ("pci10000:e0"), whose
 * parent, the VMD endpoint, is bound to the driver "vmd" (or names no driver). */
static bool probe_vmd(struct ws_device *dev, const char *devpath)
{
	struct ws_controller_info *c = &dev->controller;
	const char *s = devpath;

	while ((s = strstr(s, "/pci"))) {
		char *end = NULL, endpoint[PATH_MAX], link[PATH_MAX], vendor[16];
		unsigned long domain = strtoul(s + 4, &end, 16);
		int at = (int)(s - devpath); /* the endpoint's path is what comes before */
		ssize_t n;

		s += 4;
		if (!end || *end != ':' || domain <= 0xffff || at >= PATH_MAX - 16)
			continue;
		snprintf(endpoint, sizeof(endpoint), "%.*s/driver", at, devpath);
		n = readlink(endpoint, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			if (strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "vmd") != 0)
				continue;
		}
		snprintf(endpoint, sizeof(endpoint), "%.*s/vendor", at, devpath);
		read_attr(endpoint, vendor, sizeof(vendor));
		c->behind_controller = true;
		c->vmd = true;
		snprintf(c->driver, sizeof(c->driver), "vmd");
		snprintf(c->vendor, sizeof(c->vendor), "%s",
		         strcmp(vendor, "0x8086") == 0 ? "Intel" : "");
		snprintf(c->model, sizeof(c->model), "Volume Management Device");
		return true;
	}
	return false;
}

void ws_controller_probe(struct ws_ctx *ctx, struct ws_device *dev, const char *devpath)
{
	memset(&dev->controller, 0, sizeof(dev->controller));
	if (!devpath || !dev->name)
		return;
	if (!probe_scsi_host(ctx, dev, devpath))
		(void)probe_vmd(dev, devpath);
}

void ws_controller_limit(struct ws_device *dev)
{
	if (dev->controller.logical_volume)
		dev->methods &= WS_METHODS_OVERWRITE;
}

const char *ws_controller_describe(const struct ws_device *dev, char *buf, size_t len)
{
	const struct ws_controller_info *c = &dev->controller;

	if (!c->behind_controller)
		snprintf(buf, len, "%s", "");
	else if (c->vmd)
		snprintf(buf, len, "%s", "behind Intel VMD");
	else
		snprintf(buf, len, "%s (%s)", c->logical_volume ? "logical volume" : "pass-through",
		         c->driver);
	return buf;
}

int ws_controller_refuse(const struct ws_device *dev, enum ws_technique t, char **ret_reason)
{
	const struct ws_controller_info *c = &dev->controller;

	if (!c->logical_volume || t == WS_TECH_OVERWRITE)
		return 0;
	ws_reason(ret_reason, -EOPNOTSUPP,
	          "%s is a logical volume of %s%s%s%s: %s needs the physical drives, which "
	          "no command sent to the volume reaches; overwrite the volume (Clear), or put "
	          "the controller in HBA/JBOD mode and erase each drive",
	          dev->path, c->driver, c->raid_level[0] ? " (" : "", c->raid_level,
	          c->raid_level[0] ? ")" : "", ws_technique_name(t));
	return -EOPNOTSUPP;
}

/* A string from sysfs as JSON: valid UTF-8, null when empty. */
static struct json_object *text(const char *s)
{
	_cleanup_free_ char *safe = s && *s ? ws_utf8_safe(s) : NULL;

	return safe ? json_object_new_string(safe) : NULL;
}

struct json_object *ws_controller_json(const struct ws_controller_info *c)
{
	struct json_object *o;

	if (!c->behind_controller || !(o = json_object_new_object()))
		return NULL;
	json_object_object_add(o, "driver", text(c->driver));
	json_object_object_add(o, "vmd", json_object_new_boolean(c->vmd));
	json_object_object_add(o, "logical_volume", json_object_new_boolean(c->logical_volume));
	json_object_object_add(o, "passthrough", json_object_new_boolean(c->passthrough));
	json_object_object_add(o, "vendor", text(c->vendor));
	json_object_object_add(o, "model", text(c->model));
	json_object_object_add(o, "raid_level", text(c->raid_level));
	json_object_object_add(o, "scsi_address", text(c->scsi_address));
	return o;
}
