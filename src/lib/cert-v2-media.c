/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-v2-media.c - the "media" section of a certificate of schema 2: NIST SP 800-88 Rev. 2
 * Appendix C's media fields by their own names (manufacturer, model, serial, property number,
 * media type, media source, categorization), the interface in IEEE 2883's words, and the
 * identity the wipe's snapshot recorded (path, WWN, firmware, diskseq, capacity), and for a
 * drive behind a controller what the wipe covered (a RAID logical volume, a drive passed
 * through, a drive in an Intel VMD domain).
 */
#include <string.h>

#include "cert-v2.h"
#include "internal.h"

static const char *jget(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

static bool jtrue(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v && json_object_get_boolean(v);
}

/* What the medium is, in words a person understands, from what discovery found (schema 1's
 * media_type, unchanged). */
static const char *media_type(struct json_object *dev)
{
	static const struct {
		const char *transport, *words;
	} named[] = {
		{ "file", "disk image file" },
		{ "loop", "loop device (a file presented as a disk)" },
		{ "nvme", "NVMe solid-state drive" },
		{ "mmc", "SD/MMC flash card" },
		{ "virtio", "virtual disk" },
	};
	const char *t = jget(dev, "transport");
	struct json_object *rot, *ctrl;

	if (json_object_object_get_ex(dev, "controller", &ctrl) && jtrue(ctrl, "logical_volume"))
		return "RAID logical volume";
	if (!t)
		return "unknown";
	for (size_t i = 0; i < ELEMENTSOF(named); i++)
		if (strcmp(t, named[i].transport) == 0)
			return named[i].words;
	if (strcmp(t, "usb") == 0)
		return jtrue(dev, "rotational") ? "USB hard disk drive"
		                                : "USB flash or solid-state drive";
	if (!json_object_object_get_ex(dev, "rotational", &rot) || !rot)
		return "drive (rotating or solid-state: not reported)";
	return json_object_get_boolean(rot) ? "hard disk drive" : "solid-state drive";
}

const char *ws_cert2_interface(struct json_object *dev)
{
	/* the kernel's transport (transport.c) -> IEEE 2883's interface */
	static const struct {
		const char *transport, *interface;
	} map[] = {
		{ "nvme", "NVMe" }, { "sata", "SATA" },      { "sas", "SAS" },
		{ "scsi", "SCSI" }, { "usb", "USB" },        { "mmc", "eMMC/SD" },
		{ "file", "file" }, { "virtio", "virtual" }, { "xen", "virtual" },
	};
	const char *t = jget(dev, "transport");

	if (!t)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (strcmp(t, map[i].transport) == 0)
			return map[i].interface;
	return jtrue(dev, "virtual") ? "virtual" : NULL; /* loop, dm, md, ...; optical: none */
}

static struct json_object *uint_or_null(struct json_object *dev, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(dev, key, &v) && v
	           ? json_object_new_uint64(json_object_get_uint64(v))
	           : NULL;
}

/* What the wipe covered behind a controller (docs/certificate.md, "Drives behind
 * controllers"): the snapshot's "controller" facts and the scope in words; NULL (the key is
 * left out) when no controller stood before the drive. */
static struct json_object *controller(struct json_object *dev)
{
	static const char *const keys[] = { "driver", "vmd",   "logical_volume", "passthrough",
		                            "vendor", "model", "raid_level",     "scsi_address" };
	struct json_object *c, *o, *v;
	const char *scope;

	if (!json_object_object_get_ex(dev, "controller", &c) || !c ||
	    !(o = json_object_new_object()))
		return NULL;
	for (size_t k = 0; k < ELEMENTSOF(keys); k++)
		json_object_object_add(
		    o, keys[k],
		    json_object_object_get_ex(c, keys[k], &v) ? json_object_get(v) : NULL);
	if (jtrue(c, "logical_volume"))
		scope = "the logical volume the controller presents, not its physical drives: "
		        "overwrite is Clear of the volume; what the drives hold outside it (the "
		        "controller's metadata, spare and failed drives, remapped sectors) was not "
		        "addressed, and no firmware erase reached them";
	else if (jtrue(c, "vmd"))
		scope = "the drive itself, in an Intel VMD domain (the vmd driver passes its "
		        "commands through)";
	else
		scope = "the physical drive, passed through by the controller (HBA/JBOD)";
	json_object_object_add(o, "scope", json_object_new_string(scope));
	return o;
}

struct json_object *ws_cert2_media(struct json_object *dev, const struct ws_cert_info *i)
{
	struct json_object *ctrl;

	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "manufacturer", ws_cert_str(jget(dev, "vendor")));
	json_object_object_add(o, "model", ws_cert_str(jget(dev, "model")));
	json_object_object_add(o, "serial", ws_cert_str(jget(dev, "serial")));
	json_object_object_add(o, "property_number", ws_cert_str(i->asset_tag));
	json_object_object_add(o, "media_type", ws_cert_str(media_type(dev)));
	json_object_object_add(o, "media_source", ws_cert_str(i->media_source));
	json_object_object_add(o, "categorization", ws_cert_str(i->classification));
	json_object_object_add(o, "interface", ws_cert_str(ws_cert2_interface(dev)));
	json_object_object_add(o, "data_backed_up",
	                       ws_cert_str(i->data_backed_up ? i->data_backed_up : "unknown"));
	json_object_object_add(o, "backup_location", ws_cert_str(i->backup_location));
	json_object_object_add(o, "path", ws_cert_str(jget(dev, "path")));
	json_object_object_add(o, "wwn", ws_cert_str(jget(dev, "wwn")));
	json_object_object_add(o, "firmware", ws_cert_str(jget(dev, "firmware")));
	/* the kernel's number for the medium written to (identity: swapped drives) */
	json_object_object_add(o, "diskseq", uint_or_null(dev, "diskseq"));
	json_object_object_add(o, "capacity_bytes", uint_or_null(dev, "size_bytes"));
	if ((ctrl = controller(dev)))
		json_object_object_add(o, "controller", ctrl);
	return o;
}
