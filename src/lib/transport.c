/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transport.c - how a disk is attached: nvme, sata, sas, scsi, usb, virtio, mmc, loop, ...
 *
 * The answer comes from the kernel name and the device's resolved sysfs path, which records
 * every bus between the CPU and the disk (".../usb2/2-1/...", ".../ata3/host2/...",
 * ".../end_device-0:0/..."), with udev's ID_BUS as a hint where the path is silent. What the
 * drive is comes before how it is attached: a CD/DVD/BD drive says so in its SCSI peripheral
 * device type (sysfs device/type), on any bus. It is a pure function so that unit tests can
 * feed it the paths of machines we do not have.
 */
#include <string.h>

#include "opal-internal.h"
#include "transport-internal.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool path_has(const char *devpath, const char *needle)
{
	return devpath && strstr(devpath, needle);
}

/* Devices that are not drives: their "erase" would not touch any physical medium. */
static const struct {
	const char *prefix;
	const char *transport;
} virtual_names[] = {
	{ "loop", "loop" }, { "dm-", "dm" },  { "md", "md" },      { "zram", "zram" },
	{ "ram", "ram" },   { "nbd", "nbd" }, { "ublkb", "ublk" }, { "rbd", "rbd" },
};

/* SCSI peripheral device types (SPC-4, PERIPHERAL DEVICE TYPE of INQUIRY data) of the drives
 * the sr driver takes: media
 * that are written once or pressed, never overwritten in place. */
#define SCSI_TYPE_WORM 0x04
#define SCSI_TYPE_ROM  0x05 /* CD/DVD/BD (MMC) */

const char *ws_transport_classify(const char *name, const char *devpath, const char *id_bus,
                                  int scsi_type, bool *ret_virtual)
{
	*ret_virtual = false;
	for (size_t i = 0; i < ELEMENTSOF(virtual_names); i++)
		if (has_prefix(name, virtual_names[i].prefix)) {
			*ret_virtual = true;
			return virtual_names[i].transport;
		}
	if (scsi_type == SCSI_TYPE_ROM || scsi_type == SCSI_TYPE_WORM)
		return "optical"; /* also behind a USB bridge: what it is, not how it hangs */
	if (scsi_type < 0 && has_prefix(name, "sr"))
		return "optical"; /* no type to read: the sr driver's name is the next best */

	/* The path first: a USB bridge in front of anything makes it a USB drive. */
	if (path_has(devpath, "/usb"))
		return "usb";
	if (has_prefix(name, "nvme") || path_has(devpath, "/nvme/"))
		return "nvme";
	if (has_prefix(name, "mmcblk") || path_has(devpath, "/mmc_host/"))
		return "mmc";
	if (has_prefix(name, "vd") || path_has(devpath, "/virtio")) {
		/* virtio-scsi disks are sd*: SCSI carried over virtio. */
		if (has_prefix(name, "sd"))
			return "scsi";
		return "virtio";
	}
	if (path_has(devpath, "/ata"))
		return "sata";
	if (path_has(devpath, "/end_device-") || path_has(devpath, "/sas_"))
		return "sas";
	if (id_bus) {
		if (strcmp(id_bus, "ata") == 0)
			return "sata";
		if (strcmp(id_bus, "usb") == 0)
			return "usb";
		if (strcmp(id_bus, "nvme") == 0)
			return "nvme";
	}
	if (has_prefix(name, "sd"))
		return "scsi";
	if (has_prefix(name, "xvd"))
		return "xen";
	return "unknown";
}

/* ---- the transport that carries a firmware erase ------------------------------------------- */

const struct ws_transport_ops *ws_transport_for(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	switch (i ? i->transport : WS_TRANSPORT_NONE) {
	case WS_TRANSPORT_NVME:
		return &ws_nvme_transport;
	case WS_TRANSPORT_ATA:
		return &ws_ata_transport;
	case WS_TRANSPORT_SCSI:
		return &ws_scsi_transport;
	case WS_TRANSPORT_OPAL:
		return &ws_opal_transport;
	case WS_TRANSPORT_MMC:
		return &ws_mmc_transport;
	case WS_TRANSPORT_NONE:
		break;
	}
	return NULL;
}

const struct ws_transport_ops *ws_transport_of(const struct ws_device *dev)
{
	if (dev->nvme.present)
		return &ws_nvme_transport;
	if (dev->ata.present)
		return &ws_ata_transport;
	if (dev->scsi.probed)
		return &ws_scsi_transport;
	return NULL;
}
