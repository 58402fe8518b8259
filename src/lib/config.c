/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.c - the INI configuration file.
 *
 * Only the sections and keys in the table below are accepted: a misspelt key in a station's
 * configuration would otherwise leave a certificate field silently empty.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <wipeseal/config.h>

#include "internal.h"

#define MAX_CONFIG_BYTES (1 << 20)

/* Every section.key the tool knows (docs/config.md). */
static const char *const known[] = {
	"operator.name",
	"operator.title",
	"operator.organization",
	"operator.location",
	"operator.phone",
	"validator.name",
	"validator.title",
	"validator.organization",
	"validator.location",
	"validator.phone",
	"media.source",
	"media.classification",
	"media.data_backed_up",
	"media.backup_location",
	"media.post_classification",
	"media.destination",
	"media.destination_details",
	"media.notes",
	"station.auto",
	"station.method",
	"station.verify",
	"station.sample_percent",
	"station.operator",
	"station.organization",
	"station.asset_tag",
	"station.when_done",
	"signer.key",
	"signer.cert",
	"signer.chain",
	"signer.key_passphrase_file",
	"wipe.method",
	"wipe.verify",
	"wipe.sample_percent",
	"wipe.cert_dir",
	"wipe.audit_log",
};

struct entry {
	char *section, *key, *value;
};

struct ws_config {
	struct entry *v;
	size_t n;
};

int ws_config_new(struct ws_config **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

struct ws_config *ws_config_free(struct ws_config *cfg)
{
	if (!cfg)
		return NULL;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->v[i].section);
		free(cfg->v[i].key);
		free(cfg->v[i].value);
	}
	free(cfg->v);
	free(cfg);
	return NULL;
}

const char *ws_config_get(const struct ws_config *cfg, const char *section, const char *key)
{
	for (size_t i = cfg ? cfg->n : 0; i > 0; i--) /* the last setting wins */
		if (strcmp(cfg->v[i - 1].section, section) == 0 &&
		    strcmp(cfg->v[i - 1].key, key) == 0)
			return cfg->v[i - 1].value;
	return NULL;
}

int ws_config_set(struct ws_config *cfg, const char *section, const char *key, const char *value)
{
	struct entry *v = realloc(cfg->v, (cfg->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	cfg->v = v;
	v[cfg->n] = (struct entry){ strdup(section), strdup(key), strdup(value) };
	if (!v[cfg->n].section || !v[cfg->n].key || !v[cfg->n].value) {
		free(v[cfg->n].section);
		free(v[cfg->n].key);
		free(v[cfg->n].value);
		return -ENOMEM;
	}
	cfg->n++;
	return 0;
}

static bool is_known(const char *section, const char *key)
{
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", section, key);
	for (size_t i = 0; i < ELEMENTSOF(known); i++)
		if (strcmp(known[i], full) == 0)
			return true;
	return false;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One line of the file into @cfg; @section is the current section (updated by headers). */
static int parse_line(struct ws_config *cfg, char *line, char *section, size_t cap,
                      const char *path, unsigned lineno, char **ret_reason)
{
	char *s = trim(line), *eq, *key, *value;

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']');

		if (!close || close[1] || close == s + 1 || (size_t)(close - s) >= cap)
			return ws_reason(ret_reason, -EINVAL, "%s:%u: a section header is '[name]'",
			                 path, lineno);
		*close = '\0';
		snprintf(section, cap, "%s", trim(s + 1));
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq)
		return ws_reason(ret_reason, -EINVAL, "%s:%u: expected 'key = value'", path,
		                 lineno);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (!*section)
		return ws_reason(ret_reason, -EINVAL, "%s:%u: '%s' is outside any [section]", path,
		                 lineno, key);
	if (!is_known(section, key))
		return ws_reason(ret_reason, -EINVAL,
		                 "%s:%u: unknown key '%s' in [%s] (see docs/config.md)", path,
		                 lineno, key, section);
	if (strlen(value) >= 2 && value[0] == '"' && value[strlen(value) - 1] == '"') {
		value[strlen(value) - 1] = '\0';
		value++;
	}
	return ws_config_set(cfg, section, key, value);
}

int ws_config_load(const char *path, struct ws_config **ret, char **ret_reason)
{
	_cleanup_free_ char *text = NULL;
	struct ws_config *cfg = NULL;
	char section[64] = "", *line, *next;
	unsigned lineno = 0;
	size_t len = 0;
	int r;

	r = ws_read_named("configuration file", path, MAX_CONFIG_BYTES, &text, &len, NULL,
	                  ret_reason);
	if (r < 0)
		return r;
	if (memchr(text, '\0', len))
		return ws_reason(ret_reason, -EINVAL,
		                 "configuration file %s holds a NUL byte: it is not a text file",
		                 path);
	if ((r = ws_config_new(&cfg)) < 0)
		return r;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = parse_line(cfg, line, section, sizeof(section), path, ++lineno, ret_reason);
		if (r < 0) {
			ws_config_free(cfg);
			return r;
		}
	}
	*ret = cfg;
	return 0;
}

/* The text parser on its own, for the fuzzer and for callers that already hold the text:
 * the same lines, limits and errors as ws_config_load(), @name standing for the path. */
int ws_config_parse_text(const char *text, size_t len, const char *name, struct ws_config **ret,
                         char **ret_reason)
{
	struct ws_config *cfg = NULL;
	char section[64] = "";
	unsigned lineno = 0;
	int r;

	if (len > MAX_CONFIG_BYTES)
		return ws_reason(ret_reason, -EINVAL,
		                 "%s: larger than 1 MiB: not a configuration file", name);
	if ((r = ws_config_new(&cfg)) < 0)
		return r;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
		char *line = strndup(text + at, n); /* stops at a NUL, as getline()'s string does */

		if (!line) {
			ws_config_free(cfg);
			return -ENOMEM;
		}
		lineno++;
		r = parse_line(cfg, line, section, sizeof(section), name, lineno, ret_reason);
		free(line);
		if (r < 0) {
			ws_config_free(cfg);
			return r;
		}
		at += n;
	}
	*ret = cfg;
	return 0;
}
