/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * register-opts.h - the connection options every `wipeseal register` verb takes, parsed and
 * applied one way: --register URL, --register-ca, --register-cert, --register-key, and
 * --config for the [register] section that fills what the flags leave out.
 *
 * A verb adds REGISTER_LONG_OPTIONS to its getopt table, hands every option to
 * register_opts_parse() first, prints REGISTER_OPTS_HELP in its --help, and opens the
 * connection with register_opts_connect().
 */
#ifndef WS_REGISTER_OPTS_H
#define WS_REGISTER_OPTS_H

#include <stdbool.h>

#include <wipeseal/register.h>

#include "front.h"

struct ws_config;

enum {
	REGOPT_URL = 0x5200,
	REGOPT_CA,
	REGOPT_CERT,
	REGOPT_KEY,
	REGOPT_CONFIG,
};

#define REGISTER_LONG_OPTIONS                                          \
	{ "register", required_argument, NULL, REGOPT_URL },           \
	    { "register-ca", required_argument, NULL, REGOPT_CA },     \
	    { "register-cert", required_argument, NULL, REGOPT_CERT }, \
	    { "register-key", required_argument, NULL, REGOPT_KEY },   \
	{                                                              \
		"config", required_argument, NULL, REGOPT_CONFIG       \
	}

#define REGISTER_OPTS_HELP                                                                   \
	"      --register URL      the register: a libpq connection string or URI\n"         \
	"                          (default [register] url); over TCP sslmode=verify-full\n" \
	"      --register-ca FILE  the CA of the server's certificate (sslrootcert)\n"       \
	"      --register-cert FILE  this client's certificate (its CN: the role)\n"         \
	"      --register-key FILE   its key\n"                                              \
	"      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"

struct register_opts {
	struct ws_register_conn conn;
	const char *config;    /* --config */
	struct ws_config *cfg; /* loaded by register_opts_connect() */
};

/* register_opts_parse() - take getopt's @c (with @arg) when it is a connection option.
 * Return: whether it was one. */
bool register_opts_parse(struct register_opts *o, int c, const char *arg);

/* register_opts_config() - load the configuration (--config, or the default when it exists)
 * and fill the connection from [register]. Prints one line on failure.
 * Return: WS_EXIT_OK or WS_EXIT_USAGE. */
int register_opts_config(const struct cli *cli, struct register_opts *o);

/* register_opts_connect() - register_opts_config(), then connect. Prints one line on
 * failure. Return: WS_EXIT_OK; WS_EXIT_USAGE for a URL the rule refuses or none;
 * WS_EXIT_OFFLINE when the server cannot be reached, refused this client, or TLS failed. */
int register_opts_connect(const struct cli *cli, struct register_opts *o, struct ws_register **ret);

/* register_opts_free() - what register_opts_config() loaded. */
void register_opts_free(struct register_opts *o);

#endif
