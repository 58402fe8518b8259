/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify-tsa-text.c - the trusted time of a verified certificate, in words and in JSON:
 * the RFC 3161 token's time and authority, and how far the station's clock was from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "verify-tsa-text.h"

static const char *const states[] = {
	[WS_TIMESTAMP_NONE] = "none",
	[WS_TIMESTAMP_VALID] = "valid",
	[WS_TIMESTAMP_UNCHECKED] = "unchecked",
	[WS_TIMESTAMP_INVALID] = "invalid",
};

static void rfc3339(int64_t when, char *buf, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;

	buf[0] = '\0';
	if (when && gmtime_r(&t, &tm))
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void verify_tsa_text(const struct ws_cert_check *c)
{
	char when[32];
	long long off = (long long)(c->signing_time - c->tsa_time);
	char *tsa;

	if (c->timestamp == WS_TIMESTAMP_NONE) {
		if (c->timestamp_awaited)
			printf("  trusted time: awaited: the TSA gave no token yet (wipeseal "
			       "timestamp adds it)\n");
		return;
	}
	rfc3339(c->tsa_time, when, sizeof(when));
	tsa = cli_printable(c->tsa_subject ? c->tsa_subject : "?");
	if (c->clock_disagrees)
		printf("  flagged: the station clock differs from the TSA by %lld s (trusted "
		       "time %s, %s)\n",
		       off < 0 ? -off : off, when, tsa);
	else
		printf("  trusted time: %s (%s), station clock %s%lld s%s\n", when, tsa,
		       off < 0 ? "-" : "+", off < 0 ? -off : off,
		       c->timestamp == WS_TIMESTAMP_UNCHECKED
		           ? "; the token is not checked: pass --tsa-ca"
		           : "");
	free(tsa);
}

struct json_object *verify_tsa_json(const struct ws_cert_check *c)
{
	struct json_object *o = json_object_new_object();
	char when[32];

	rfc3339(c->tsa_time, when, sizeof(when));
	json_object_object_add(o, "state", json_object_new_string(states[c->timestamp]));
	json_object_object_add(o, "time", when[0] ? json_object_new_string(when) : NULL);
	json_object_object_add(o, "tsa",
	                       c->tsa_subject ? json_object_new_string(c->tsa_subject) : NULL);
	json_object_object_add(o, "station_clock_offset_s",
	                       c->tsa_time ? json_object_new_int64(c->signing_time - c->tsa_time)
	                                   : NULL);
	json_object_object_add(o, "clock_disagrees", json_object_new_boolean(c->clock_disagrees));
	json_object_object_add(o, "awaited", json_object_new_boolean(c->timestamp_awaited));
	return o;
}
