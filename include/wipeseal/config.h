/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/config.h - the configuration file (/etc/wipeseal/wipeseal.conf or --config).
 *
 * INI style: "[section]" lines, "key = value" lines, "#" or ";" comment lines, surrounding
 * whitespace ignored (so CRLF line endings too, and a UTF-8 byte-order mark), a value may be
 * quoted with "...". There are no end-of-line comments: a '#' or ';' that begins an unquoted
 * value or follows a blank in it is refused, never taken into the value. Keys are
 * documented in docs/config.md; unknown keys are reported, so that a typo does not silently
 * leave a certificate field empty. This is the only parser of the file: the boot image reads
 * it through `wipeseal config get`.
 */
#ifndef WIPESEAL_CONFIG_H
#define WIPESEAL_CONFIG_H

#include <stdbool.h>

struct ws_config;

/* The default path read when --config is not given (a missing default file is fine). */
#define WS_CONFIG_DEFAULT "/etc/wipeseal/wipeseal.conf"

/*
 * ws_config_load() - read and parse @path.
 * @ret: receives the configuration; free with ws_config_free().
 * @ret_reason: on failure, one line naming the file and line (malloc'd).
 *
 * Return: 0; -ENOENT when the file does not exist; -EINVAL for a syntax error, an unknown
 * section or key, an end-of-line comment or a value outside a key's choices; another
 * negative errno when it cannot be read.
 */
int ws_config_load(const char *path, struct ws_config **ret, char **ret_reason);

/* ws_config_key_known() - whether @section.@key is a key of the file (docs/config.md). */
bool ws_config_key_known(const char *section, const char *key);

/* ws_config_new() - an empty configuration. Return: 0 or -ENOMEM. */
int ws_config_new(struct ws_config **ret);

/* ws_config_free() - NULL-safe. Return: NULL. */
struct ws_config *ws_config_free(struct ws_config *cfg);

/* ws_config_get() - the value of @section.@key, or NULL. The string belongs to @cfg. */
const char *ws_config_get(const struct ws_config *cfg, const char *section, const char *key);

/*
 * ws_config_seconds() - a length of time as the file writes it: seconds ("900"), or a
 * number with s, m or h ("90s", "15m", "1h"); "0" is zero. At most a week: more is a typing
 * error. Return: false when @s is none of these.
 */
bool ws_config_seconds(const char *s, unsigned *ret);

/* ws_config_set() - set (or override) @section.@key. Return: 0 or -ENOMEM. */
int ws_config_set(struct ws_config *cfg, const char *section, const char *key, const char *value);

#endif
