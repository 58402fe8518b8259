/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * monitor.c - hot-plug events for whole disks, from udev or from the kernel (see
 * wipeseal/monitor.h).
 *
 * libudev's monitor takes either source. udev's is better where udevd runs (the database is
 * complete when the event arrives); the kernel's is the only one in a boot image or a
 * container without udevd, and the device is then described from sysfs. Which one we get
 * is decided by whether udevd is listening (/run/udev/control), as libudev itself decides
 * whether a database exists.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include <wipeseal/monitor.h>

#include "internal.h"

struct ws_monitor {
	struct udev_monitor *mon;
	const char *source;
};

int ws_monitor_new(struct ws_ctx *ctx, struct ws_monitor **ret)
{
	struct ws_monitor *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	m->source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	m->mon = udev_monitor_new_from_netlink(ctx->udev, m->source);
	if (!m->mon) {
		r = errno ? -errno : -ENOTSUP;
		free(m);
		return r;
	}
	/* the kernel's messages carry no udev header to filter on in the socket: the same
	 * match is applied by libudev as they are received */
	r = udev_monitor_filter_add_match_subsystem_devtype(m->mon, "block", "disk");
	if (r >= 0)
		r = udev_monitor_enable_receiving(m->mon);
	if (r < 0) {
		ws_monitor_free(m);
		return r;
	}
	ws_debug(ctx, "hot-plug: listening to %s events", m->source);
	*ret = m;
	return 0;
}

int ws_monitor_fd(const struct ws_monitor *m)
{
	return udev_monitor_get_fd(m->mon);
}

const char *ws_monitor_source(const struct ws_monitor *m)
{
	return m->source;
}

static int action_of(const char *s, enum ws_uevent_action *ret)
{
	if (!s)
		return -EINVAL;
	if (strcmp(s, "add") == 0)
		*ret = WS_UEVENT_ADD;
	else if (strcmp(s, "remove") == 0)
		*ret = WS_UEVENT_REMOVE;
	else if (strcmp(s, "change") == 0 || strcmp(s, "online") == 0 || strcmp(s, "offline") == 0)
		*ret = WS_UEVENT_CHANGE;
	else
		return -EINVAL; /* bind, unbind, move: nothing a drive list shows */
	return 0;
}

int ws_monitor_receive(struct ws_monitor *m, struct ws_uevent *ret)
{
	struct udev_device *d = udev_monitor_receive_device(m->mon);
	const char *devtype, *name, *node, *size;
	int r = 0;

	if (!d)
		return 0; /* nothing waiting, or a message libudev dropped */
	devtype = udev_device_get_devtype(d);
	name = udev_device_get_sysname(d);
	node = udev_device_get_devnode(d);
	memset(ret, 0, sizeof(*ret));
	if (devtype && strcmp(devtype, "disk") == 0 && name &&
	    action_of(udev_device_get_action(d), &ret->action) == 0) {
		snprintf(ret->name, sizeof(ret->name), "%s", name);
		/* the kernel's DEVNAME is relative to /dev; udev's devnode is a path */
		if (node)
			snprintf(ret->devnode, sizeof(ret->devnode), "%s", node);
		else
			snprintf(ret->devnode, sizeof(ret->devnode), "/dev/%s", name);
		/* sectors of 512 bytes, whatever the logical block size (block/stat.h) */
		size = udev_device_get_sysattr_value(d, "size");
		ret->size_bytes = size ? strtoull(size, NULL, 10) * 512 : 0;
		r = 1;
	}
	udev_device_unref(d);
	return r;
}

struct ws_monitor *ws_monitor_free(struct ws_monitor *m)
{
	if (!m)
		return NULL;
	udev_monitor_unref(m->mon);
	free(m);
	return NULL;
}
