/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/monitor.h - drives that come and go while a front end runs (hot-plug).
 *
 * A monitor listens for block-device events: udev's, where udevd runs (the events then come
 * after udev has described the device), the kernel's own otherwise (a boot image without
 * udevd, a container). Only whole disks are reported. The front end polls the descriptor
 * with its keyboard and calls ws_monitor_receive() when it is readable; what a drive now is
 * comes from ws_device_describe(), not from the event.
 */
#ifndef WIPESEAL_MONITOR_H
#define WIPESEAL_MONITOR_H

#include <stdint.h>

struct ws_ctx;
struct ws_monitor;

enum ws_uevent_action {
	WS_UEVENT_ADD,    /* a disk appeared */
	WS_UEVENT_CHANGE, /* media or size changed: a loop device attached or detached, a card */
	WS_UEVENT_REMOVE, /* the disk is gone */
};

struct ws_uevent {
	enum ws_uevent_action action;
	char name[32];    /* kernel name: "sdb" */
	char devnode[64]; /* "/dev/sdb" */
	/* The disk's size in bytes as the kernel has it now (sysfs), 0 when it is gone or
	 * empty (a loop device with nothing attached): what a front end needs to tell a
	 * vanished drive without sending it a command. */
	uint64_t size_bytes;
};

/*
 * ws_monitor_new() - start listening (netlink; needs CAP_NET_ADMIN for the kernel source
 * on some kernels).
 * Return: 0, or a negative errno.
 */
int ws_monitor_new(struct ws_ctx *ctx, struct ws_monitor **ret);

/* ws_monitor_fd() - a non-blocking descriptor to poll for POLLIN. */
int ws_monitor_fd(const struct ws_monitor *m);

/* ws_monitor_source() - "udev" or "kernel": whose events these are. */
const char *ws_monitor_source(const struct ws_monitor *m);

/*
 * ws_monitor_receive() - the next event, if one is waiting.
 * Return: 1 with @ret filled; 0 when nothing (or only events about partitions and other
 * devices) was waiting; a negative errno.
 */
int ws_monitor_receive(struct ws_monitor *m, struct ws_uevent *ret);

/* ws_monitor_free() - NULL-safe. Return: NULL. */
struct ws_monitor *ws_monitor_free(struct ws_monitor *m);

#endif
