/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * controller-internal.h - drives behind controllers (controller.c): what discovery, the JSON
 * of a snapshot and the technique resolver need of struct ws_controller_info.
 */
#ifndef WS_CONTROLLER_INTERNAL_H
#define WS_CONTROLLER_INTERNAL_H

#include <wipeseal/device.h>
#include <wipeseal/technique.h>

struct ws_ctx;
struct json_object;

/*
 * ws_controller_probe() - fill @dev->controller from sysfs: the RAID/HBA driver of the SCSI
 * host in @devpath (the disk's resolved sysfs path), whether the disk is a logical volume or
 * a pass-through drive, the RAID level and the controller's vendor and model where its driver
 * tells; or the Intel VMD domain an NVMe drive sits in. Reads only; leaves it zeroed when no
 * known controller stands before the disk.
 */
void ws_controller_probe(struct ws_ctx *ctx, struct ws_device *dev, const char *devpath);

/*
 * ws_controller_limit() - what a logical volume allows: only the overwrite methods (its
 * firmware bits, if a controller answered for the volume, are cleared).
 */
void ws_controller_limit(struct ws_device *dev);

/*
 * ws_controller_refuse() - the refusal of firmware technique @t (or purge) on a logical
 * volume, as one line in @ret_reason: why (the controller stands between) and what would
 * work. Return: -EOPNOTSUPP when @dev is a logical volume and @t a firmware technique or
 * purge; 0 when nothing stands in the way.
 */
int ws_controller_refuse(const struct ws_device *dev, enum ws_technique t, char **ret_reason);

/* ws_controller_json() - @c as the "controller" object of docs/json.md; NULL (JSON null)
 * when no controller stands before the drive. */
struct json_object *ws_controller_json(const struct ws_controller_info *c);

#endif
