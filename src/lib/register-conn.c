/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-conn.c - the connection to the register: a libpq connection string or URI, held
 * to the rule before libpq sees it. Over TCP, TLS with the server verified
 * (sslmode=verify-full, set when absent, anything weaker refused); only a local socket may
 * go without. No password in the string: libpq's own mechanisms (PGPASSFILE, client
 * certificates) supply credentials. Failures become the errnos wipeseal/register.h names,
 * each with one line saying what to do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>
#include <wipeseal/register.h>

#include "internal.h"
#include "register-internal.h"

/* More keywords than this in one string is not a register URL. */
#define MAX_PARAMS 64

void ws_register_conn_from_config(struct ws_register_conn *c, const struct ws_config *cfg)
{
	if (!cfg)
		return;
	if (!c->url)
		c->url = ws_config_get(cfg, "register", "url");
	if (!c->ca)
		c->ca = ws_config_get(cfg, "register", "ca");
	if (!c->cert)
		c->cert = ws_config_get(cfg, "register", "cert");
	if (!c->key)
		c->key = ws_config_get(cfg, "register", "key");
}

char *ws_one_line(char *s)
{
	char *o = s;
	bool space = false;

	if (!s)
		return s;
	for (const char *p = s; *p; p++) {
		bool ws = *p == '\n' || *p == '\r' || *p == '\t' || *p == ' ';

		if (ws && (space || o == s))
			continue;
		*o++ = ws ? ' ' : *p;
		space = ws;
	}
	if (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
	return s;
}

/* Whether every host of the comma-separated list @hosts is a socket directory. */
static bool all_sockets(const char *hosts)
{
	const char *p = hosts;

	do {
		if (*p != '/' && *p != '@')
			return false;
		p = strchr(p, ',');
	} while (p && *++p);
	return true;
}

/* Whether the parsed options (with the environment libpq would read) name a local socket. */
static bool is_local(const PQconninfoOption *opts)
{
	const char *host = NULL, *hostaddr = NULL;

	for (const PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "host") == 0 && o->val && *o->val)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0 && o->val && *o->val)
			hostaddr = o->val;
	}
	if (hostaddr)
		return false;
	if (!host)
		host = getenv("PGHOST");
	return !host || !*host || all_sockets(host);
}

/* The connection's keywords and values: @opts, with what @c and the rule add. */
struct params {
	const char *key[MAX_PARAMS + 8];
	const char *val[MAX_PARAMS + 8];
	size_t n;
	char timeout[16];
};

static void param_set(struct params *p, const char *key, const char *val)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0) {
			p->val[i] = val;
			return;
		}
	p->key[p->n] = key;
	p->val[p->n++] = val;
}

/* The rule, applied to the parsed @opts into @p. Return: 0 or -EINVAL with the reason. */
static int apply_rule(const struct ws_register_conn *c, const PQconninfoOption *opts, bool local,
                      struct params *p, char **ret_reason)
{
	const char *sslmode = NULL;

	for (const PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0)
			return ws_reason(
			    ret_reason, -EINVAL,
			    "the register URL holds a password: remove it, and use a client "
			    "certificate (--register-cert, --register-key) or PGPASSFILE");
		if (p->n >= MAX_PARAMS)
			return ws_reason(ret_reason, -EINVAL,
			                 "the register URL has too many parameters");
		if (strcmp(o->keyword, "sslmode") == 0)
			sslmode = o->val;
		param_set(p, o->keyword, o->val);
	}
	if (!local && sslmode && strcmp(sslmode, "verify-full") != 0)
		return ws_reason(
		    ret_reason, -EINVAL,
		    "the register URL asks for sslmode=%s over TCP: the register needs "
		    "sslmode=verify-full (TLS, the server's certificate verified), or a "
		    "local socket",
		    sslmode);
	if (!local && !sslmode)
		param_set(p, "sslmode", "verify-full");
	if (c->ca)
		param_set(p, "sslrootcert", c->ca);
	if (c->cert)
		param_set(p, "sslcert", c->cert);
	if (c->key)
		param_set(p, "sslkey", c->key);
	snprintf(p->timeout, sizeof(p->timeout), "%u", c->connect_timeout_s ?: 10);
	param_set(p, "connect_timeout", p->timeout);
	p->key[p->n] = NULL;
	p->val[p->n] = NULL;
	return 0;
}

/* What libpq's connection failure @msg means (see ws_register_connect()). */
static int classify(const char *msg)
{
	static const char *const refused[] = { "authentication failed", "pg_hba.conf",
		                               "does not exist", "permission denied", "password" };
	static const char *const tls[] = { "SSL", "certificate", "TLS", "sslmode", "root cert" };

	for (size_t i = 0; i < ELEMENTSOF(refused); i++)
		if (strstr(msg, refused[i]))
			return -EACCES;
	for (size_t i = 0; i < ELEMENTSOF(tls); i++)
		if (strstr(msg, tls[i]))
			return -EPROTO;
	return -EHOSTUNREACH;
}

static int connect_failed(PGconn *pg, char **ret_reason)
{
	char *msg = ws_one_line(strdup(PQerrorMessage(pg) ?: "unknown error"));
	int err = msg ? classify(msg) : -ENOMEM;

	if (err == -EACCES)
		ws_reason(
		    ret_reason, err,
		    "the register refused this client (%s): the client certificate's CN must be "
		    "a role of the register (docs/register.md)",
		    msg);
	else if (err == -EPROTO)
		ws_reason(
		    ret_reason, err,
		    "TLS with the register failed (%s): check --register-ca (the CA of the "
		    "server's certificate), the host name in the URL and the client certificate",
		    msg);
	else if (err == -EHOSTUNREACH)
		ws_reason(
		    ret_reason, err,
		    "the register cannot be reached (%s): is the server running, and the URL's "
		    "host and port right?",
		    msg);
	free(msg);
	return err;
}

int ws_register_connect(const struct ws_register_conn *c, struct ws_register **ret,
                        char **ret_reason)
{
	_cleanup_free_ struct params *p = calloc(1, sizeof(*p));
	PQconninfoOption *opts;
	char *err = NULL;
	struct ws_register *r = NULL;
	bool local;
	int e;

	if (!p)
		return -ENOMEM;
	if (!c || !c->url || !*c->url)
		return ws_reason(
		    ret_reason, -EINVAL,
		    "no register: set [register] url in wipeseal.conf or give --register");
	opts = PQconninfoParse(c->url, &err);
	if (!opts) {
		e = ws_reason(ret_reason, err ? -EINVAL : -ENOMEM,
		              "the register URL cannot be parsed: %s",
		              err ? ws_one_line(err) : "out of memory");
		PQfreemem(err);
		return e;
	}
	local = is_local(opts);
	e = apply_rule(c, opts, local, p, ret_reason);
	r = e == 0 ? calloc(1, sizeof(*r)) : NULL;
	if (!r) {
		PQconninfoFree(opts);
		return e < 0 ? e : -ENOMEM;
	}
	r->local = local;
	r->pg = PQconnectdbParams(p->key, p->val, 0);
	PQconninfoFree(opts);
	if (!r->pg)
		e = -ENOMEM;
	else if (PQstatus(r->pg) != CONNECTION_OK)
		e = connect_failed(r->pg, ret_reason);
	else if (!local && !PQsslInUse(r->pg))
		e = ws_reason(ret_reason, -EPROTO, "the register connection is not encrypted");
	if (e < 0) {
		ws_register_close(r);
		return e;
	}
	*ret = r;
	return 0;
}

struct ws_register *ws_register_close(struct ws_register *r)
{
	if (!r)
		return NULL;
	if (r->pg)
		PQfinish(r->pg);
	free(r);
	return NULL;
}

int ws_register_alive(struct ws_register *r, char **ret_reason)
{
	if (PQstatus(r->pg) == CONNECTION_OK)
		return 0;
	PQreset(r->pg);
	if (PQstatus(r->pg) == CONNECTION_OK)
		return 0;
	return ws_reason(ret_reason, -EHOSTUNREACH, "the register cannot be reached: %s",
	                 ws_one_line(PQerrorMessage(r->pg)));
}

int ws_register_failed(struct ws_register *r, const PGresult *res, char **ret_reason)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char *text = NULL;
	int err = -EIO;

	if (PQstatus(r->pg) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0)
		err = -EHOSTUNREACH;
	else if (strcmp(state, "42501") == 0)
		err = -EACCES;
	else if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
		err = -EINVAL;
	text = ws_one_line(strdup(msg ?: PQerrorMessage(r->pg)));
	if (err == -EHOSTUNREACH)
		ws_reason(ret_reason, err, "the register went away: %s",
		          text && *text ? text : "the connection was lost");
	else
		ws_reason(ret_reason, err, "%s", text ?: "out of memory");
	free(text);
	return err;
}

int ws_register_exec(struct ws_register *r, const char *sql, char **ret_reason)
{
	PGresult *res = PQexec(r->pg, sql);
	ExecStatusType st = PQresultStatus(res);
	int err = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		err = ws_register_failed(r, res, ret_reason);
	PQclear(res);
	return err;
}
