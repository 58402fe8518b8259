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

/* "fp1, fp2,fp3" into a NULL-terminated array (malloc'd, the strings in *ret_buf). */
static const char **split_allow(const char *text, char **ret_buf)
{
	char *buf = strdup(text), *save = NULL, *tok;
	const char **v = calloc(strlen(text) / 2 + 2, sizeof(*v));
	size_t n = 0;

	if (!buf || !v) {
		free(buf);
		free(v);
		return NULL;
	}
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
		v[n++] = tok;
	*ret_buf = buf;
	return v;
}

static int login(struct cli *cli, struct certify *c, const char *card, bool audit)
{
	const char *ca = ws_config_get(c->cfg, "operators", "ca"),
	           *allow = ws_config_get(c->cfg, "operators", "allow");
	struct ws_trust *trust = NULL;
	const char **list = NULL;
	char *why = NULL, *allow_buf = NULL, host[256] = "";
	int r;

	if (!ca) {
		cli_err(cli,
		        "operator card %s: no CA to check it against: set [operators] ca to "
		        "the CA that issues operators' certificates; nothing was written",
		        card);
		return WS_EXIT_USAGE;
	}
	r = ws_trust_load(ca, &trust, &why);
	if (r == 0 && allow && !(list = split_allow(allow, &allow_buf)))
		r = -ENOMEM;
	(void)gethostname(host, sizeof(host) - 1);
	if (r == 0)
		r = ws_operator_login(
		    &(struct ws_operator_opts){
		        .card = card,
		        .pin_file = ws_config_get(c->cfg, "operators", "pin_file"),
		        .pin = certify_pin_prompt,
		        .trust = trust,
		        .crl = ws_config_get(c->cfg, "operators", "crl"),
		        .allow = list,
		        .audit_log = audit ? c->audit_log : NULL,
		        .station = c->signer,
		        .station_name = host,
		    },
		    &c->operator, & why);
	if (r < 0)
		cli_err(cli, "%s; nothing was written", why ? why : strerror(-r));
	free(why);
	free(list);
	free(allow_buf);
	ws_trust_free(trust);
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
