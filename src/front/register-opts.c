/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * register-opts.c - the connection options of the `wipeseal register` verbs (see
 * register-opts.h): the flags first, [register] in the configuration for the rest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>
#include <wipeseal/exit.h>

#include "register-opts.h"

bool register_opts_parse(struct register_opts *o, int c, const char *arg)
{
	switch (c) {
	case REGOPT_URL:
		o->conn.url = arg;
		return true;
	case REGOPT_CA:
		o->conn.ca = arg;
		return true;
	case REGOPT_CERT:
		o->conn.cert = arg;
		return true;
	case REGOPT_KEY:
		o->conn.key = arg;
		return true;
	case REGOPT_CONFIG:
		o->config = arg;
		return true;
	default:
		return false;
	}
}

int register_opts_config(const struct cli *cli, struct register_opts *o)
{
	int code;

	if (o->cfg)
		return WS_EXIT_OK;
	code = cli_config_load(cli, o->config, &o->cfg);
	if (code != WS_EXIT_OK)
		return code;
	ws_register_conn_from_config(&o->conn, o->cfg);
	return WS_EXIT_OK;
}

int register_opts_connect(const struct cli *cli, struct register_opts *o, struct ws_register **ret)
{
	char *why = NULL;
	int r = register_opts_config(cli, o);

	if (r != WS_EXIT_OK)
		return r;
	r = ws_register_connect(&o->conn, ret, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return r == -EINVAL   ? WS_EXIT_USAGE
		       : r == -ENOMEM ? WS_EXIT_FAILED
		                      : WS_EXIT_OFFLINE;
	}
	return WS_EXIT_OK;
}

void register_opts_free(struct register_opts *o)
{
	o->cfg = ws_config_free(o->cfg);
}
