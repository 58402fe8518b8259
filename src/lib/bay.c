/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bay.c - where a drive sits and what keeps a technique from it, for the technician who has
 * ten bays in front of them: the drive's physical path (/dev/disk/by-path), short enough for
 * a column; a freeze lock with its reason and remedy; and why a technique is refused, per
 * drive (the rules are ws_technique_resolve()'s, plan.c: one place).
 *
 * The physical path is udev's ID_PATH (what names the links in /dev/disk/by-path) where udev described
 * the disk; else the by-path symbolic link under the context's /dev root that points at the
 * disk, so that a fixture tree (tests/fixtures) stands in for a machine we do not have.
 * Virtual devices (loop, dm) and image files have none: udev gives them no physical path.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <wipeseal/bay.h>

#include "internal.h"

/* The by-path link in <dev>/disk/by-path whose target is the disk @name: the shortest name
 * when there are several (udev keeps "ata-1" beside "ata-1.0" for compatibility). */
static char *by_path_link(struct ws_ctx *ctx, const char *name)
{
	_cleanup_free_ char *dir_path = ws_path(ctx, WS_ROOT_DEV, "/disk/by-path");
	char *best = NULL;
	DIR *dir;
	struct dirent *e;

	if (!dir_path || !(dir = opendir(dir_path)))
		return NULL;
	while ((e = readdir(dir))) {
		char target[PATH_MAX];
		const char *base;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(dir), e->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		if (strcmp(base, name) != 0)
			continue;
		if (!best || strlen(e->d_name) < strlen(best) ||
		    (strlen(e->d_name) == strlen(best) && strcmp(e->d_name, best) < 0)) {
			free(best);
			best = strdup(e->d_name);
		}
	}
	closedir(dir);
	return best;
}

void ws_bay_fill(struct ws_ctx *ctx, struct ws_device *dev, const char *id_path)
{
	if (dev->by_path || !dev->name)
		return;
	dev->by_path = id_path && *id_path ? ws_utf8_safe(id_path) : by_path_link(ctx, dev->name);
}

/* @s starts with "pci-DDDD:BB:DD.F-": the length of that prefix, else 0. */
static size_t pci_prefix(const char *s)
{
	const char *end;

	if (strncmp(s, "pci-", 4) != 0 || !(end = strchr(s + 4, '-')))
		return 0;
	return (size_t)(end - s) + 1;
}

const char *ws_device_bay(const struct ws_device *dev, char *buf, size_t len)
{
	const char *p = dev ? dev->by_path : NULL, *port, *at;
	size_t pre;

	if (!p || !*p) {
		snprintf(buf, len, "-");
		return buf;
	}
	pre = pci_prefix(p);
	port = p + pre;
	if (pre && strncmp(port, "nvme-", 5) == 0) {
		/* an NVMe controller is its own PCI function: the bus address is the slot
		 * ("pci-0000:3b:00.0" -> "3b:00", function 0 left out) */
		int n = (int)pre - 1 - 9; /* "pci-DDDD:" */
		const char *bdf = p + 9;

		if (n > 2 && strncmp(bdf + n - 2, ".0", 2) == 0)
			n -= 2;
		snprintf(buf, len, "nvme-%.*s", n > 0 ? n : 0, bdf);
	} else if ((at = strstr(p, "-usb-0:")) || strncmp(p, "usb-0:", 6) == 0) {
		/* "usb-0:PORTS:CONFIG.IF": the port path names the socket */
		const char *ports = at ? at + 7 : p + 6;

		snprintf(buf, len, "usb-%.*s", (int)strcspn(ports, ":"), ports);
	} else if ((at = strstr(p, "-ata-")) || (at = strstr(p, "-sas-"))) {
		size_t n = strlen(at + 1);

		if (n > 6 && strcmp(at + 1 + n - 6, "-lun-0") == 0)
			n -= 6; /* SAS: the first LUN is the drive */
		if (strncmp(at + 1, "ata-", 4) == 0 && n > 2 && strcmp(at + 1 + n - 2, ".0") == 0)
			n -= 2; /* ATA: port multiplier port 0, as the compatibility link says */
		snprintf(buf, len, "%.*s", (int)n, at + 1);
	} else if (pre && *port) {
		snprintf(buf, len, "%s", port); /* "scsi-0:0:1:0", "virtio-pci-..." */
	} else {
		/* "pci-0000:00:04.0" alone (virtio-blk), "platform-fe340000.mmc": the address,
		 * the PCI domain left out */
		snprintf(buf, len, "%s", strncmp(p, "pci-0000:", 9) == 0 ? p + 9 : p);
	}
	return buf;
}

const char *ws_device_frozen(const struct ws_device *dev)
{
	bool sanitize = dev && dev->ata.sanitize_frozen;
	bool security = dev && dev->ata.security_frozen;

	if (sanitize && security)
		return "SANITIZE and SECURITY FREEZE LOCK (set by the firmware or BIOS at boot): "
		       "the drive refuses every sanitize and security erase until it loses power; "
		       "suspend and resume the machine (wipeseal unfreeze, u on the station), or "
		       "re-plug the drive";
	if (sanitize)
		return "SANITIZE FREEZE LOCK (set by the firmware or BIOS at boot): the drive "
		       "refuses every sanitize until it loses power; suspend and resume the "
		       "machine (wipeseal unfreeze, u on the station), or re-plug the drive";
	if (security)
		return "SECURITY FREEZE LOCK (set by the firmware or BIOS at boot): the drive "
		       "refuses the security erases until it loses power; suspend and resume the "
		       "machine (wipeseal unfreeze, u on the station), or re-plug the drive";
	return NULL;
}

/* The technique a plan for @t resolves to would be refused by a freeze lock. */
static bool refused_frozen(const struct ws_device *dev, enum ws_technique t)
{
	const struct ws_technique_info *i;

	if (t == WS_TECH_PURGE || t == WS_TECH_PURGE_OR_CLEAR)
		t = ws_technique_strongest(dev);
	i = ws_technique_info(t);
	return i && ((i->action_kind == WS_ACTION_ATA_SANITIZE && dev->ata.sanitize_frozen) ||
	             (i->action_kind == WS_ACTION_ATA_SECURITY_ERASE && dev->ata.security_frozen));
}

int ws_technique_why_not(const struct ws_device *dev, enum ws_technique t, const char **ret_short,
                         char **ret_reason)
{
	struct ws_plan plan = { .technique = t };
	enum ws_technique got;
	char *why = NULL;
	int r;

	if (!dev || !ws_technique_info(t))
		return -EINVAL;
	r = ws_technique_resolve(&plan, dev, &got, &why);
	if (r == 0)
		return 0;
	if (ret_short)
		*ret_short = refused_frozen(dev, t) ? "frozen"
		             : t == WS_TECH_PURGE   ? "no Purge technique"
		                                    : "not advertised";
	if (ret_reason)
		*ret_reason = TAKE_PTR(why);
	free(why);
	return -EOPNOTSUPP;
}
