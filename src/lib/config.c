/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.c - the INI configuration file, and its one parser.
 *
 * Everything that reads the file goes through ws_config_parse_text(): `wipe` and `station`,
 * and the boot image's init script through `wipeseal config get`, so a file cannot mean one
 * thing to one of them and another to the next (a Windows line ending, an end-of-line
 * comment). Where the file is ambiguous the parser refuses it with a line number rather than
 * guess: an unknown key (a typo would leave a certificate field silently empty), a '#'
 * after a value (a comment to the writer, part of the value to a strict INI reader), a
 * value the boot image cannot act on ("auto = Yes").
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <wipeseal/config.h>

#include "internal.h"

#define MAX_CONFIG_BYTES (1 << 20)

/* Every section.key the tool knows (docs/config.md), and for the few whose value the boot
 * image acts on, the only values allowed: "auto = Yes" must be an error, not auto mode
 * silently off. */
static const struct known_key {
	const char *name;    /* "section.key" */
	const char *choices; /* the values allowed, '|' between them; NULL: any text */
} known[] = {
	{ "operator.name", NULL },
	{ "operator.title", NULL },
	{ "operator.organization", NULL },
	{ "operator.location", NULL },
	{ "operator.phone", NULL },
	{ "validator.name", NULL },
	{ "validator.title", NULL },
	{ "validator.organization", NULL },
	{ "validator.location", NULL },
	{ "validator.phone", NULL },
	{ "media.source", NULL },
	{ "media.classification", NULL },
	{ "media.data_backed_up", NULL },
	{ "media.backup_location", NULL },
	{ "media.post_classification", NULL },
	{ "media.destination", NULL },
	{ "media.destination_details", NULL },
	{ "media.notes", NULL },
	{ "station.auto", "yes|no" },
	{ "station.method", NULL },
	{ "station.verify", NULL },
	{ "station.sample_percent", NULL },
	{ "station.operator", NULL },
	{ "station.organization", NULL },
	{ "station.asset_tag", NULL },
	{ "station.when_done", "poweroff|reboot|wait" },
	{ "station.lock_after", NULL }, /* a length of time: is_time() */
	{ "station.ntp", NULL },        /* NTP server(s) set before any wipe (the boot image) */
	{ "operators.require_card", "yes|no" },
	{ "operators.card", NULL },
	{ "operators.pin_file", NULL },
	{ "operators.ca", NULL },
	{ "operators.crl", NULL },
	{ "operators.allow", NULL },
	{ "signer.key", NULL },
	{ "signer.cert", NULL },
	{ "signer.chain", NULL },
	{ "signer.key_passphrase_file", NULL },
	{ "signer.pin_file", NULL },
	{ "signer.tsa_url", NULL },       /* RFC 3161 time-stamping authority, http(s):// */
	{ "signer.tsa_ca", NULL },        /* CA file the TSA's tokens must chain to */
	{ "signer.tsa_timeout", NULL },   /* a length of time: is_time() */
	{ "signer.tsa_tolerance", NULL }, /* a length of time: is_time() */
	{ "certificate.pdf", "yes|no" },
	{ "certificate.lang", "en|de" },
	{ "register.url", NULL },       /* libpq connection string or URI (wipeseal/register.h) */
	{ "register.ca", NULL },        /* CA the register's server certificate must chain to */
	{ "register.cert", NULL },      /* this station's client certificate for the register */
	{ "register.key", NULL },       /* its key */
	{ "register.verify_ca", NULL }, /* the organization's CA: what is sent is verified first */
	{ "register.retry", NULL }, /* a length of time: is_time(); between tries of the queue */
	{ "wipe.method", NULL },
	{ "wipe.verify", NULL },
	{ "wipe.sample_percent", NULL },
	{ "wipe.cert_dir", NULL },
	{ "wipe.audit_log", NULL },
	{ "lot.customers", NULL }, /* the customer list, a CSV (wipeseal/lot.h) */
	{ "lot.customer", NULL },  /* the customer of every wipe: an id or name of the list */
	{ "lot.job", NULL },       /* the job number */
	{ "lot.batch", NULL },     /* the batch number */
	{ "lot.ca", NULL },        /* the CA the batch report verifies the certificates against */
	{ "lot.label_stock", "l7160|5160|none" }, /* the label sheet at a batch's end */
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

/* The row of @section.@key in known[], or NULL. */
static const struct known_key *find_key(const char *section, const char *key)
{
	size_t n = strlen(section);

	for (size_t i = 0; i < ELEMENTSOF(known); i++)
		if (strncmp(known[i].name, section, n) == 0 && known[i].name[n] == '.' &&
		    strcmp(known[i].name + n + 1, key) == 0)
			return &known[i];
	return NULL;
}

bool ws_config_key_known(const char *section, const char *key)
{
	return section && key && find_key(section, key);
}

/* The keys whose value is a length of time (ws_config_seconds()). */
static bool is_time(const struct known_key *k)
{
	return strcmp(k->name, "station.lock_after") == 0 ||
	       strcmp(k->name, "signer.tsa_timeout") == 0 ||
	       strcmp(k->name, "signer.tsa_tolerance") == 0 ||
	       strcmp(k->name, "register.retry") == 0;
}

/* Whether @value is one of the '|'-separated @choices. */
static bool is_choice(const char *choices, const char *value)
{
	size_t n = strlen(value);

	for (const char *c = choices; c; c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL)
		if (strncmp(c, value, n) == 0 && (c[n] == '|' || c[n] == '\0'))
			return true;
	return false;
}

/* @choices for people: "yes|no" as "yes or no", "a|b|c" as "a, b or c". */
static void choices_text(const char *choices, char *buf, size_t cap)
{
	const char *last = strrchr(choices, '|');
	size_t at = 0;

	for (const char *c = choices; *c && at + 5 < cap; c++) {
		if (*c != '|')
			buf[at++] = *c;
		else if (c == last)
			at += (size_t)snprintf(buf + at, cap - at, " or ");
		else
			at += (size_t)snprintf(buf + at, cap - at, ", ");
	}
	buf[at] = '\0';
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

/* The first '#' or ';' of an unquoted value that begins it or follows a blank: what would be
 * an end-of-line comment in other INI dialects. NULL when there is none. */
static const char *comment_in(const char *value)
{
	for (const char *p = value; *p; p++)
		if ((*p == '#' || *p == ';') && (p == value || p[-1] == ' ' || p[-1] == '\t'))
			return p;
	return NULL;
}

/* The one line for an end-of-line comment @c after the value of @key. */
static int comment_error(const char *path, unsigned lineno, char c, const char *key,
                         char **ret_reason)
{
	return ws_reason(ret_reason, -EINVAL,
	                 "%s:%u: '%c' in the value of '%s': a comment goes on a line of its own "
	                 "(a value that holds '%c' goes in double quotes)",
	                 path, lineno, c, key, c);
}

/* "[name]": the new current section into @section. */
static int parse_header(char *s, char *section, size_t cap, const char *path, unsigned lineno,
                        char **ret_reason)
{
	char *close = strchr(s, ']');

	if (!close || close[1] || close == s + 1 || (size_t)(close - s) >= cap)
		return ws_reason(ret_reason, -EINVAL, "%s:%u: a section header is '[name]'", path,
		                 lineno);
	*close = '\0';
	snprintf(section, cap, "%s", trim(s + 1));
	return 0;
}

/* "key = value" in @section (already trimmed, not a comment, not a header). */
static int parse_setting(struct ws_config *cfg, char *s, const char *section, const char *path,
                         unsigned lineno, char **ret_reason)
{
	const struct known_key *k;
	char *eq = strchr(s, '='), *key, *value, text[64];
	const char *hash;
	size_t n;

	if (!eq)
		return ws_reason(ret_reason, -EINVAL, "%s:%u: expected 'key = value'", path,
		                 lineno);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	n = strlen(value);
	if (!*section)
		return ws_reason(ret_reason, -EINVAL, "%s:%u: '%s' is outside any [section]", path,
		                 lineno, key);
	if (!(k = find_key(section, key)))
		return ws_reason(ret_reason, -EINVAL,
		                 "%s:%u: unknown key '%s' in [%s] (see docs/config.md)", path,
		                 lineno, key, section);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') { /* quoted: everything inside */
		value[n - 1] = '\0';
		value++;
	} else if ((hash = comment_in(value))) {
		return comment_error(path, lineno, *hash, key, ret_reason);
	}
	if (is_time(k) && !ws_config_seconds(value, &(unsigned){ 0 }))
		return ws_reason(
		    ret_reason, -EINVAL,
		    "%s:%u: [%s] %s = %s: not a time; write seconds (900), 90s, 15m or "
		    "1h (at most a week; 0: never by time)",
		    path, lineno, section, key, value);
	if (k->choices && !is_choice(k->choices, value)) {
		choices_text(k->choices, text, sizeof(text));
		return ws_reason(ret_reason, -EINVAL, "%s:%u: %s = '%s' in [%s]: use %s", path,
		                 lineno, key, value, section, text);
	}
	return ws_config_set(cfg, section, key, value);
}

bool ws_config_seconds(const char *s, unsigned *ret)
{
	unsigned long long v = 0, unit = 1;
	const char *p = s;

	if (!s || !*s)
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > 1000000000ULL)
			return false;
	}
	if (p == s)
		return false;
	if (*p == 's')
		p++;
	else if (*p == 'm')
		unit = 60, p++;
	else if (*p == 'h')
		unit = 3600, p++;
	if (*p || v * unit > 7ULL * 24 * 3600)
		return false;
	*ret = (unsigned)(v * unit);
	return true;
}

/* One line of the file (NUL-terminated, without its '\n') into @cfg; @section is the current
 * section, updated by headers. A '\r' before the '\n' goes with the trailing blanks. */
static int parse_line(struct ws_config *cfg, char *line, char *section, size_t cap,
                      const char *path, unsigned lineno, char **ret_reason)
{
	char *s = trim(line);

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_header(s, section, cap, path, lineno, ret_reason);
	return parse_setting(cfg, s, section, path, lineno, ret_reason);
}

int ws_config_load(const char *path, struct ws_config **ret, char **ret_reason)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = ws_read_named("configuration file", path, MAX_CONFIG_BYTES, &text, &len, NULL,
	                  ret_reason);
	if (r < 0)
		return r;
	return ws_config_parse_text(text, len, path, ret, ret_reason);
}

/* The one line loop, behind ws_config_load() and on its own for the fuzzer and the tests:
 * @name stands for the path in reasons. */
int ws_config_parse_text(const char *text, size_t len, const char *name, struct ws_config **ret,
                         char **ret_reason)
{
	static const char bom[] = "\xef\xbb\xbf"; /* UTF-8's byte-order mark, as Notepad wrote it */
	_cleanup_free_ char *copy = NULL;
	struct ws_config *cfg = NULL;
	char section[64] = "", *line, *next;
	unsigned lineno = 0;
	int r;

	if (!text)
		text = "";
	if (len > MAX_CONFIG_BYTES)
		return ws_reason(ret_reason, -EINVAL,
		                 "configuration file %s is larger than the 1 MiB it may be", name);
	if (memchr(text, '\0', len))
		return ws_reason(ret_reason, -EINVAL,
		                 "configuration file %s holds a NUL byte: it is not a text file",
		                 name);
	if (len >= 3 && memcmp(text, bom, 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (!(copy = strndup(text, len)))
		return -ENOMEM;
	if ((r = ws_config_new(&cfg)) < 0)
		return r;
	for (line = copy; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = parse_line(cfg, line, section, sizeof(section), name, ++lineno, ret_reason);
		if (r < 0) {
			ws_config_free(cfg);
			return r;
		}
	}
	*ret = cfg;
	return 0;
}
