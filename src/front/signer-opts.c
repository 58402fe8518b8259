/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signer-opts.c - the station's signer from the flags and [signer] (see signer-opts.h):
 * every front end that signs names it, and is refused it, in the same words.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signer-opts.h"

bool signer_opts_parse(struct signer_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_UNSIGNED:
		o->unsigned_pdf = true;
		return true;
	case OPT_SIGNER_KEY:
		o->key = arg;
		return true;
	case OPT_SIGNER_CERT:
		o->cert = arg;
		return true;
	case OPT_SIGNER_CHAIN:
		o->chain = arg;
		return true;
	case OPT_CONFIG:
		o->config = arg;
		return true;
	default:
		return false;
	}
}

int signer_opts_config(const struct cli *cli, struct signer_opts *o)
{
	return cli_config_load(cli, o->config, &o->cfg);
}

int signer_opts_signer(const struct cli *cli, struct signer_opts *o)
{
	if (o->unsigned_pdf)
		return WS_EXIT_OK;
	return signer_load(cli, o->cfg, o->key, o->cert, o->chain, SIGNER_MISSING_OR_UNSIGNED,
	                   &o->signer);
}

void signer_opts_free(struct signer_opts *o)
{
	ws_signer_free(o->signer);
	ws_config_free(o->cfg);
	o->signer = NULL;
	o->cfg = NULL;
}

int signer_load(const struct cli *cli, const struct ws_config *cfg, const char *key,
                const char *cert, const char *chain, const char *missing, struct ws_signer **ret)
{
	struct ws_signer_files files = {
		.key = key ? key : ws_config_get(cfg, "signer", "key"),
		.cert = cert ? cert : ws_config_get(cfg, "signer", "cert"),
		.chain = chain ? chain : ws_config_get(cfg, "signer", "chain"),
		.key_passphrase = ws_config_get(cfg, "signer", "key_passphrase_file"),
		.pin_file = ws_config_get(cfg, "signer", "pin_file"),
		.pin = certify_pin_prompt,
	};
	char *why = NULL;
	int r;

	/* a token's key brings its own certificate; a key file does not */
	if (!files.key || (!files.cert && strncasecmp(files.key, "pkcs11:", 7) != 0)) {
		cli_err(cli, "%s", missing);
		return WS_EXIT_USAGE;
	}
	r = ws_signer_load(&files, ret, &why);
	if (r < 0) {
		cli_err(cli, "%s; nothing was written", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}
