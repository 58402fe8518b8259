/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * udevprops.c - a disk's identity from udev's database.
 *
 * udev's rules (60-persistent-storage) already did the hard work: ATA IDENTIFY through the
 * SCSI layer, VPD pages, NVMe identify. Where its database exists we take ID_MODEL_ENC,
 * ID_SERIAL_SHORT, ID_WWN and ID_REVISION from it; sysfs.c fills whatever is left.
 * The lookups go through a callback so unit tests can feed recorded property sets.
 */
#include <ctype.h>
#include <string.h>

#include "internal.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *ws_udev_decode(const char *enc)
{
	_cleanup_free_ char *out = NULL;
	size_t w = 0;

	if (!enc)
		return NULL;
	out = malloc(strlen(enc) + 1);
	if (!out)
		return NULL;
	for (const char *r = enc; *r;) {
		int hi, lo;

		if (r[0] == '\\' && r[1] == 'x' && (hi = hexval(r[2])) >= 0 &&
		    (lo = hexval(r[3])) >= 0) {
			out[w++] = (char)((hi << 4) | lo);
			r += 4;
		} else {
			out[w++] = *r++;
		}
	}
	out[w] = '\0';
	return strdup_trim(out);
}

/* First of @keys that udev has, decoded (the _ENC forms) or trimmed. */
static char *first_prop(ws_prop_get_fn get, void *userdata, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *v = get(userdata, *keys);
		char *s;

		if (!v || !*v)
			continue;
		s = strstr(*keys, "_ENC") ? ws_udev_decode(v) : strdup_trim(v);
		if (s)
			return s;
	}
	return NULL;
}

void ws_props_fill_identity(struct ws_device *dev, ws_prop_get_fn get, void *userdata)
{
	static const char *const model_keys[] = { "ID_MODEL_ENC", "ID_MODEL", NULL };
	static const char *const vendor_keys[] = { "ID_VENDOR_ENC", "ID_VENDOR", NULL };
	static const char *const serial_keys[] = { "ID_SERIAL_SHORT", "ID_SCSI_SERIAL", NULL };
	static const char *const wwn_keys[] = { "ID_WWN_WITH_EXTENSION", "ID_WWN", NULL };
	static const char *const fw_keys[] = { "ID_REVISION", NULL };

	if (!dev->model)
		dev->model = first_prop(get, userdata, model_keys);
	if (!dev->vendor)
		dev->vendor = first_prop(get, userdata, vendor_keys);
	if (!dev->serial)
		dev->serial = first_prop(get, userdata, serial_keys);
	if (!dev->wwn)
		dev->wwn = first_prop(get, userdata, wwn_keys);
	if (!dev->firmware)
		dev->firmware = first_prop(get, userdata, fw_keys);
}
