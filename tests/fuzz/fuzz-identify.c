/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-identify.c - libFuzzer harness for ws_ata_parse_identify() (ata.c) and the JSON of
 * what it found.
 *
 * Input: up to 512 bytes of IDENTIFY DEVICE data (zero-padded). Whatever a drive or bridge
 * sends, parsing must not crash or leak, strings must fit their words, counts must respect
 * the word table (without 48-bit addressing only words 60-61 count), and the device's JSON
 * must be valid UTF-8 whatever bytes the strings held.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "transport-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t id[512] = { 0 };
	struct ws_device *dev = calloc(1, sizeof(*dev));
	struct json_object *o;
	const char *text;

	if (!dev)
		return 0;
	memcpy(id, data, size < sizeof(id) ? size : sizeof(id));
	dev->kind = WS_DEVICE_DISK;
	dev->path = strdup("/dev/sdz");
	dev->transport = "sata";
	dev->rotational = -1;
	if (size & 1) /* sometimes with sysfs's strings already there, as without udev */
		dev->model = strdup("Samsung SSD 870");
	ws_ata_parse_identify(dev, id);
	if ((dev->model && strlen(dev->model) > 40) || (dev->serial && strlen(dev->serial) > 20) ||
	    (dev->firmware && strlen(dev->firmware) > 8))
		abort();
	if (!dev->ata.lba48 && dev->ata.accessible_sectors > 0xffffffffu)
		abort();
	if (dev->ata.sector_size < 512 || dev->ata.sector_size > (1u << 21))
		abort();
	o = ws_device_json(dev);
	text = o ? json_object_to_json_string(o) : NULL;
	if (text && !ws_utf8_valid(text, strlen(text)))
		abort();
	json_object_put(o);
	ws_device_free(dev);
	return 0;
}
