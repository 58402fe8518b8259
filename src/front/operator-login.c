/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * operator-login.c - an operator's card at a desk (operator-login.h): the settings of
 * [operators] turned into ws_operator_login()'s options, and its refusal into one line.
 *
 * [operators] ca has no default: the station's [signer] chain holds intermediates to embed
 * in signatures, not a trust anchor, and trusting whatever it holds to vouch for people
 * would widen who may act without anyone deciding it (docs/config.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wipeseal/operator.h>

#include "operator-login.h"

static int login(struct cli *cli, struct certify *c, const char *card, bool audit)
{
	struct ws_operators_config o;
	char *why = NULL, host[256] = "";
	int r = ws_operators_config(c->cfg, &o, &why);

	if (r < 0) {
		cli_err(cli, "%s; nothing was written", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	if (!o.trust) {
		cli_err(cli,
		        "operator card %s: no CA to check it against: set [operators] ca to "
		        "the CA that issues operators' certificates; nothing was written",
		        card);
		return WS_EXIT_USAGE;
	}
	(void)gethostname(host, sizeof(host) - 1);
	r = ws_operator_login(
	    &(struct ws_operator_opts){
	        .card = card,
	        .pin_file = o.pin_file,
	        .pin = certify_pin_prompt,
	        .trust = o.trust,
	        .crl = o.crl,
	        .allow = (const char *const *)o.allow,
	        .audit_log = audit ? c->audit_log : NULL,
	        .station = c->signer,
	        .station_name = host,
	    },
	    &c->operator, & why);
	if (r < 0)
		cli_err(cli, "%s; nothing was written", why ? why : strerror(-r));
	free(why);
	ws_operators_config_clear(&o);
	return r < 0 ? WS_EXIT_USAGE : WS_EXIT_OK;
}

int operator_login(struct cli *cli, struct certify *c, const char *card, bool required, bool audit)
{
	const char *req = ws_config_get(c->cfg, "operators", "require_card");

	if (!card)
		card = ws_config_get(c->cfg, "operators", "card");
	c->require_operator = required || (req && strcmp(req, "yes") == 0);
	if (!card && c->require_operator) {
		cli_err(cli,
		        "no operator's card: %s; pass --operator-card URI or set [operators] "
		        "card; nothing was written",
		        required ? "this needs one"
		                 : "the configuration requires one "
		                   "([operators] require_card)");
		return WS_EXIT_USAGE;
	}
	if (!card)
		return WS_EXIT_OK;
	if (c->unsigned_results) {
		cli_err(cli, "--operator-card signs certificates, and --unsigned makes none: "
		             "choose one; nothing was written");
		return WS_EXIT_USAGE;
	}
	return login(cli, c, card, audit);
}
