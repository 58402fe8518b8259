/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-conn-stub.c - TEMPORARY: a bare connection until part 1's register-conn.c lands
 * on h-reg (removed at the merge). No policy here: do not ship.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>

#include "internal.h"
#include "register-query.h"

struct ws_register {
	PGconn *pg;
};

PGconn *ws_register_pg(struct ws_register *r)
{
	return r->pg;
}

int ws_register_connect(const struct ws_register_conn *c, struct ws_register **ret,
                        char **ret_reason)
{
	const char *keys[] = { "dbname", "sslrootcert", "sslcert", "sslkey", NULL };
	const char *vals[] = { c->url, c->ca, c->cert, c->key, NULL };
	struct ws_register *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (int i = 1; i < 4; i++)
		if (!vals[i])
			keys[i] = vals[i] = "";
	r->pg = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(r->pg) != CONNECTION_OK) {
		ws_reason(ret_reason, 0, "%s", PQerrorMessage(r->pg));
		PQfinish(r->pg);
		free(r);
		return -EHOSTUNREACH;
	}
	*ret = r;
	return 0;
}

struct ws_register *ws_register_close(struct ws_register *r)
{
	if (r) {
		PQfinish(r->pg);
		free(r);
	}
	return NULL;
}

void ws_register_conn_from_config(struct ws_register_conn *c, const struct ws_config *cfg)
{
	if (!c->url)
		c->url = ws_config_get(cfg, "register", "url");
	if (!c->ca)
		c->ca = ws_config_get(cfg, "register", "ca");
	if (!c->cert)
		c->cert = ws_config_get(cfg, "register", "cert");
	if (!c->key)
		c->key = ws_config_get(cfg, "register", "key");
}
