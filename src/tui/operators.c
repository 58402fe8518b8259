/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * operators.c - the station and the operators' cards (wipeseal/operator.h): whether this
 * station logs operators in, its session (the lock), logging in with a card, and the
 * operator every job is started with.
 *
 * The rule (docs/station.md, Login): the station logs operators in when the config names
 * the organization's CA for them ([operators] ca) or requires a card ([operators]
 * require_card = yes, which needs the CA too). Otherwise it works as before issue #15: the
 * station key alone signs, nobody logs in, nothing locks. A card being present decides
 * nothing: a token left in a reader must not change what the station asks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "station.h"

/* ---- the config ------------------------------------------------------------------------------ */

/* The session: lock_after, the audit log and the station key of its lines. */
static int new_session(struct cli *cli, struct station *st)
{
	struct station_ops *o = &st->ops;
	const struct certify *c = &st->ws->cert;
	int r = ws_session_new(
	    &(struct ws_session_opts){
	        .lock_after = o->cfg.lock_after,
	        .audit_log = c->unsigned_results ? NULL : c->audit_log,
	        .station = c->signer,
	        .station_name = o->name,
	    },
	    &o->session);

	if (r < 0)
		cli_err(cli, "out of memory");
	return r < 0 ? WS_EXIT_FAILED : WS_EXIT_OK;
}

int operators_prepare(struct cli *cli, struct station *st)
{
	struct station_ops *o = &st->ops;
	char *why = NULL;

	if (gethostname(o->name, sizeof(o->name) - 1) < 0)
		snprintf(o->name, sizeof(o->name), "station");
	if (ws_operators_config(st->ws->cert.cfg, &o->cfg, &why) < 0) {
		cli_err(cli, "%s", why ? why : "out of memory");
		free(why);
		return WS_EXIT_USAGE;
	}
	if (!o->cfg.on)
		return WS_EXIT_OK;
	return new_session(cli, st);
}

void operators_fini(struct station *st)
{
	struct station_ops *o = &st->ops;

	o->session = ws_session_free(o->session);
	ws_operators_config_clear(&o->cfg);
}

/* ---- logging in ------------------------------------------------------------------------------ */

int operators_login(struct station *st, const char *uri, const char *pin_file, ws_pin_fn pin,
                    void *pin_userdata, struct ws_operator **ret, char **ret_reason)
{
	struct station_ops *o = &st->ops;
	const struct certify *c = &st->ws->cert;

	return ws_operator_login(
	    &(struct ws_operator_opts){
	        .card = uri,
	        .pin_file = pin_file,
	        .pin = pin,
	        .pin_userdata = pin_userdata,
	        .trust = o->cfg.trust,
	        .crl = o->cfg.crl,
	        .allow = (const char *const *)o->cfg.allow,
	        .audit_log = c->unsigned_results ? NULL : c->audit_log,
	        .station = c->signer,
	        .station_name = o->name,
	    },
	    ret, ret_reason);
}

/* The certificates awaiting @op's signature in the result directory get it. */
static void complete(struct station *st, struct ws_operator *op, unsigned *ret_done)
{
	const struct certify *c = &st->ws->cert;
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r;

	*ret_done = 0;
	if (access(st->ws->cert_dir, F_OK) < 0) /* nothing filed here yet */
		return;
	if (!c->unsigned_results && ws_audit_open(c->audit_log, c->signer, &log, NULL) < 0)
		log = NULL;
	r = ws_operator_complete(op, st->ws->cert_dir, log, ret_done, &why);
	if (r < 0)
		station_message(st, "%s",
		                why ? why
		                    : "a certificate awaiting your signature "
		                      "could not be completed");
	ws_audit_close(log);
	free(why);
}

int operators_take(struct station *st, struct ws_operator *op)
{
	struct ws_operator *before = ws_session_operator(st->ops.session);
	bool other =
	    before && strcmp(ws_operator_fingerprint(before), ws_operator_fingerprint(op)) != 0;
	bool unlock = ws_session_state(st->ops.session) == WS_SESSION_LOCKED && !other;
	char *why = NULL;
	unsigned done = 0;
	int r = ws_session_login(st->ops.session, op, &why);

	if (r < 0) {
		station_message(st, "%s", why ? why : strerror(-r));
		free(why);
		return r;
	}
	station_message(st, "%s %s", unlock ? "unlocked by" : "logged in:", ws_operator_name(op));
	complete(st, op, &done);
	if (done)
		station_message(st, "%s %s; %u certificate%s awaiting your signature signed",
		                unlock ? "unlocked by" : "logged in:", ws_operator_name(op), done,
		                done == 1 ? "" : "s");
	return 0;
}

bool operators_may_act(const struct station *st)
{
	return !st->ops.cfg.on || ws_session_state(st->ops.session) == WS_SESSION_ACTIVE;
}

void operators_job(const struct station *st, struct wipe_setup *ws)
{
	struct certify *c = &ws->cert;

	if (!st->ops.cfg.on)
		return; /* as before: no operator */
	/* the job takes its own reference; certify_fini() lets go of this one */
	ws_operator_unref(c->operator);
	c->operator= ws_operator_ref(ws_session_operator(st->ops.session));
	c->require_operator = st->ops.cfg.require_card;
}

/* A PIN from the screen: the text typed (pin_userdata), once. */
int operators_typed_pin(void *userdata, const char *token, const char *note, char *buf, size_t size)
{
	char *typed = userdata;

	(void)token;
	(void)note;
	if (!typed || !*typed)
		return -ECANCELED;
	snprintf(buf, size, "%s", typed);
	OPENSSL_cleanse(typed, strlen(typed));
	return 0;
}
