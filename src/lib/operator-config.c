/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * operator-config.c - what the config file says of operators ([operators], [station]
 * lock_after), read and checked once for every front end: `wipe` and `cosign` at a desk,
 * the station and `--auto` (wipeseal/operator.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>
#include <wipeseal/operator.h>

#include "internal.h"

static void free_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* [operators] allow: SHA-256 fingerprints (hex, colons allowed), separated by commas or
 * blanks, into a NULL-terminated list of lowercase hex. Return: 0, -EINVAL for anything
 * that is not one (or an empty list), -ENOMEM. */
static int parse_allow(const char *s, char ***ret)
{
	char **v = calloc(strlen(s) / 64 + 2, sizeof(*v)), hex[65];
	size_t n = 0, k = 0;

	if (!v)
		return -ENOMEM;
	for (const char *p = s;; p++) {
		if (*p == ':')
			continue;
		if (*p && !strchr(", \t", *p)) {
			if (k == 64 || !strchr("0123456789abcdefABCDEF", *p))
				goto bad;
			hex[k++] = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
			continue;
		}
		if (k && k != 64)
			goto bad;
		if (k) {
			hex[64] = '\0';
			if (!(v[n++] = strdup(hex))) {
				free_list(v);
				return -ENOMEM;
			}
			k = 0;
		}
		if (!*p)
			break;
	}
	if (n) {
		*ret = v;
		return 0;
	}
bad:
	free_list(v);
	return -EINVAL;
}

int ws_operators_config(const struct ws_config *cfg, struct ws_operators_config *o,
                        char **ret_reason)
{
	const char *ca = ws_config_get(cfg, "operators", "ca"),
	           *req = ws_config_get(cfg, "operators", "require_card"),
	           *after = ws_config_get(cfg, "station", "lock_after"),
	           *allow = ws_config_get(cfg, "operators", "allow");
	char *why = NULL;
	int r;

	*o = (struct ws_operators_config){
		.require_card = req && strcmp(req, "yes") == 0,
		.card = ws_config_get(cfg, "operators", "card"),
		.pin_file = ws_config_get(cfg, "operators", "pin_file"),
		.crl = ws_config_get(cfg, "operators", "crl"),
		.lock_after = 15 * 60,
	};
	o->on = ca || o->require_card;
	if (after && !ws_config_seconds(after, &o->lock_after))
		return ws_reason(ret_reason, -EINVAL,
		                 "[station] lock_after = %s: not a time; write seconds (900), 90s, "
		                 "15m or 1h (at most a week; 0: never by time)",
		                 after);
	if (o->require_card && !ca)
		return ws_reason(ret_reason, -EINVAL,
		                 "[operators] require_card = yes needs [operators] ca: the CA that "
		                 "issues the operators' certificates");
	if (ca && (r = ws_trust_load(ca, &o->trust, &why)) < 0) {
		r = ws_reason(ret_reason, r, "[operators] ca: %s", why ? why : ca);
		free(why);
		return r;
	}
	if (allow && (r = parse_allow(allow, &o->allow)) < 0) {
		ws_operators_config_clear(o);
		return ws_reason(
		    ret_reason, r,
		    "[operators] allow: write the SHA-256 fingerprints (64 hex digits) "
		    "of the operator certificates, separated by commas");
	}
	return 0;
}

void ws_operators_config_clear(struct ws_operators_config *c)
{
	free_list(c->allow);
	ws_trust_free(c->trust);
	memset(c, 0, sizeof(*c));
}
