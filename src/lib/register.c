/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register.c - the register's schema: create it, or migrate it to
 * WS_REGISTER_SCHEMA_VERSION, from src/lib/register-schema.sql (embedded at build time).
 *
 * One transaction under an advisory lock, so that two `register init` at once do not
 * interleave and a failure leaves the database as it was. The version found decides: the
 * current one changes nothing (run twice = no change) but the retention asked for; an
 * older one (0: none, or a register_meta saying 0) runs the script, whose every statement
 * meets what it creates already there; a newer one is refused, before anything is touched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/register.h>

#include "internal.h"
#include "register-internal.h"

/* pg_advisory_xact_lock() key of `register init`: "wsreg\0" in ASCII, 0x777372656700. */
#define INIT_LOCK_KEY "131337724192512"

/* A role name the script may carry unquoted: lower-case letters, digits and _. */
static bool plain_role(const char *s)
{
	if (!s || !*s || strlen(s) > 63 || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* @in with every @from replaced by @to, malloc'd (NULL on ENOMEM). */
static char *replace_all(const char *in, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = in; (p = strstr(p, from)); p += fl)
		n++;
	out = malloc(strlen(in) + n * tl + 1);
	if (!out)
		return NULL;
	for (o = out, p = in;;) {
		const char *hit = strstr(p, from);
		size_t len = hit ? (size_t)(hit - p) : strlen(p);

		memcpy(o, p, len);
		o += len;
		if (!hit)
			break;
		memcpy(o, to, tl);
		o += tl;
		p = hit + fl;
	}
	*o = '\0';
	return out;
}

/* The script with the roles' names in. */
static char *schema_script(const char *station, const char *auditor)
{
	_cleanup_free_ char *a = replace_all(ws_register_schema_sql, "@station_name@", station);
	_cleanup_free_ char *b = a ? replace_all(a, "@auditor_name@", auditor) : NULL;
	_cleanup_free_ char *c = b ? replace_all(b, "@station@", station) : NULL;

	return c ? replace_all(c, "@auditor@", auditor) : NULL;
}

/* The version the database holds (0: no register_meta or no row). */
static int read_version(struct ws_register *r, int *ret, char **ret_reason)
{
	PGresult *res = PQexec(r->pg, "SELECT to_regclass('register_meta') IS NOT NULL");
	int err = 0;

	*ret = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		err = ws_register_failed(r, res, ret_reason);
	else if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
		PQclear(res);
		res = PQexec(r->pg, "SELECT max(schema_version) FROM register_meta");
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			err = ws_register_failed(r, res, ret_reason);
		else if (!PQgetisnull(res, 0, 0))
			*ret = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10); /* an int column */
	}
	PQclear(res);
	return err;
}

/* The schema at version @from brought to the current one, and the retention set. */
static int migrate(struct ws_register *r, const struct ws_register_init_opts *o, int from,
                   char **ret_reason)
{
	const char *station = o && o->station_role ? o->station_role : "wipeseal_station";
	const char *auditor = o && o->auditor_role ? o->auditor_role : "wipeseal_auditor";
	unsigned days = o ? o->retention_days : 0;
	char sql[256];
	int err = 0;

	if (from < WS_REGISTER_SCHEMA_VERSION) {
		_cleanup_free_ char *script = schema_script(station, auditor);

		if (!script)
			return -ENOMEM;
		err = ws_register_exec(r, script, ret_reason);
		snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO register_meta (schema_version, retention_days) VALUES (%d, %u) "
		    "ON CONFLICT (one) DO UPDATE SET schema_version = EXCLUDED.schema_version",
		    WS_REGISTER_SCHEMA_VERSION, days ?: WS_REGISTER_MIN_RETENTION_DAYS);
		if (err == 0)
			err = ws_register_exec(r, sql, ret_reason);
	}
	if (err == 0 && days) {
		snprintf(sql, sizeof(sql),
		         "UPDATE register_meta SET retention_days = %u WHERE retention_days <> %u",
		         days, days);
		err = ws_register_exec(r, sql, ret_reason);
	}
	return err;
}

int ws_register_init(struct ws_register *r, const struct ws_register_init_opts *o, int *ret_from,
                     char **ret_reason)
{
	int from = 0, err;

	if (o && o->retention_days && o->retention_days < WS_REGISTER_MIN_RETENTION_DAYS)
		return ws_reason(
		    ret_reason, -EINVAL,
		    "a retention of %u days is refused: records are kept at least %u days",
		    o->retention_days, WS_REGISTER_MIN_RETENTION_DAYS);
	if (o && ((o->station_role && !plain_role(o->station_role)) ||
	          (o->auditor_role && !plain_role(o->auditor_role))))
		return ws_reason(ret_reason, -EINVAL,
		                 "a role name may hold lower-case letters, digits and _ only");
	err = ws_register_alive(r, ret_reason);
	if (err == 0)
		err = ws_register_exec(r, "BEGIN; SELECT pg_advisory_xact_lock(" INIT_LOCK_KEY ")",
		                       ret_reason);
	if (err < 0)
		return err;
	err = read_version(r, &from, ret_reason);
	if (err == 0 && from > WS_REGISTER_SCHEMA_VERSION)
		err = ws_reason(
		    ret_reason, -EPROTO,
		    "the register holds schema version %d, newer than this wipeseal's %d: "
		    "use a newer wipeseal",
		    from, WS_REGISTER_SCHEMA_VERSION);
	if (err == 0)
		err = migrate(r, o, from, ret_reason);
	if (err == 0)
		err = ws_register_exec(r, "COMMIT", ret_reason);
	if (err < 0) {
		PGresult *res = PQexec(r->pg, "ROLLBACK");

		PQclear(res);
		return err == -EINVAL || err == -EACCES || err == -EPROTO || err == -ENOMEM ||
		               err == -EHOSTUNREACH
		           ? err
		           : -EIO;
	}
	if (ret_from)
		*ret_from = from;
	return 0;
}
