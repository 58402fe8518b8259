/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-config.c - libFuzzer harness for the configuration text parser (config.c,
 * ws_config_parse_text(), the parser behind ws_config_load()).
 *
 * Input: configuration text, any bytes. The parser must not crash or leak; a refusal comes
 * with its one-line reason, and an accepted file answers lookups.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_config *cfg = NULL;
	char *why = NULL;
	int r = ws_config_parse_text((const char *)data, size, "fuzz.conf", &cfg, &why);

	if (r == 0) {
		const char *v = ws_config_get(cfg, "operator", "name");

		if (!cfg || why)
			abort();
		if (v && strchr(v, '\n'))
			abort(); /* a value never runs past its line */
		(void)ws_config_get(cfg, "wipe", "method");
	} else if (r == -EINVAL && (!why || strchr(why, '\n'))) {
		abort(); /* a refusal explains itself, on one line */
	}
	ws_config_free(cfg);
	free(why);
	return 0;
}
