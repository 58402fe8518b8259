/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-opal.c - libFuzzer harness for ws_opal_parse_level0() (opal-discovery.c) and the JSON
 * of what it found.
 *
 * Input: any bytes, as a drive, a bridge or a kernel might return for Level 0 Discovery.
 * Parsing must not crash, read outside the input (ASan sees the exact buffer: it is copied
 * into one of the input's size) or leak; what it found must be coherent (an SSC name only
 * with a feature code, removal mechanisms only within the 6 defined bits) and its JSON valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "opal-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct ws_opal_info o = { 0 };
	struct json_object *j;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (ws_opal_parse_level0(copy, size, &o) == 0) {
		if (!o.present || (o.ssc && !o.ssc_feature) || (o.removal_mechanisms & ~0x3fu))
			abort();
		o.source = "sed-opal";
		j = ws_opal_info_json(&o);
		if (!j || !json_object_to_json_string(j))
			abort();
		json_object_put(j);
	}
	free(copy);
	return 0;
}
