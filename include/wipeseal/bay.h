/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/bay.h - what a technician needs to find a drive and to know why a technique is
 * not open to it: the bay (the drive's physical path, as /dev/disk/by-path names it), a
 * freeze lock with its remedy, and why a technique is refused, per drive. All of it is read
 * from a snapshot (wipeseal/device.h); nothing is sent to the drive.
 */
#ifndef WIPESEAL_BAY_H
#define WIPESEAL_BAY_H

#include <stddef.h>

#include <wipeseal/technique.h>

struct ws_device;

/*
 * ws_device_bay() - the drive's bay, short enough for a column: its by-path name
 * (struct ws_device.by_path) with the controller's PCI address left out where the rest
 * names the port ("pci-0000:00:1f.2-ata-3" -> "ata-3", "pci-0000:00:14.0-usb-0:1.4:1.0-
 * scsi-0:0:0:0" -> "usb-1.4", "pci-0000:01:00.0-sas-phy2-lun-0" -> "sas-phy2"), and an NVMe
 * drive, whose controller is the slot, as its PCI bus address ("pci-0000:3b:00.0-nvme-1" ->
 * "nvme-3b:00"); docs/station.md gives the rule. "-" when the drive has no by-path name
 * (loop and other virtual devices, image files, a system without udev).
 * Return: @buf.
 */
const char *ws_device_bay(const struct ws_device *dev, char *buf, size_t len);

/*
 * ws_device_frozen() - what a freeze lock takes from @dev, its reason and the remedy, one
 * line ("SANITIZE FREEZE LOCK (set by the firmware at boot): ..."), or NULL when no lock is
 * in force. Static text.
 */
const char *ws_device_frozen(const struct ws_device *dev);

/*
 * ws_technique_why_not() - whether @dev can carry out @t now (ws_technique_resolve()'s rules:
 * advertised, not frozen, and for WS_TECH_PURGE a Purge technique to resolve to).
 * @ret_short: when refused, a few words for a menu ("frozen", "not advertised",
 * "no Purge technique"), static; may be NULL.
 * @ret_reason: when refused, the whole line with the remedy (malloc'd); may be NULL.
 * Return: 0 when it can; -EOPNOTSUPP when it cannot; -EINVAL for no technique.
 */
int ws_technique_why_not(const struct ws_device *dev, enum ws_technique t, const char **ret_short,
                         char **ret_reason);

#endif
