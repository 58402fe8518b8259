/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signer-opts.h - the station's signer as a command names it: --signer-key, --signer-cert
 * and --signer-chain, each before [signer] in the configuration (--config), and one loader
 * of it, so that `wipe`, the station, `pdf` and `batch-report` read [signer] alike.
 *
 * A command that signs a PDF (`pdf`, `batch-report`) adds SIGNER_LONG_OPTIONS to its getopt
 * table (with --unsigned) and SIGNER_OPTS_HELP to its --help, hands every option to
 * signer_opts_parse() first, loads the configuration with signer_opts_config() and the
 * signer with signer_opts_signer(). certify.c, which takes the certificate's options too,
 * calls signer_load() alone.
 */
#ifndef WS_SIGNER_OPTS_H
#define WS_SIGNER_OPTS_H

#include <stdbool.h>

#include "certify.h"

/* getopt_long entries for the signer's options, --config and --unsigned. */
#define SIGNER_LONG_OPTIONS                                                \
	{ "unsigned", no_argument, NULL, OPT_UNSIGNED },                   \
	    { "signer-key", required_argument, NULL, OPT_SIGNER_KEY },     \
	    { "signer-cert", required_argument, NULL, OPT_SIGNER_CERT },   \
	    { "signer-chain", required_argument, NULL, OPT_SIGNER_CHAIN }, \
	{                                                                  \
		"config", required_argument, NULL, OPT_CONFIG              \
	}

/* The usage lines for them. */
#define SIGNER_OPTS_HELP                                                                     \
	"      --unsigned          an unsigned PDF (no signer needed)\n"                     \
	"      --signer-key KEY    the station's key (also --signer-cert, --signer-chain;\n" \
	"                          else [signer])\n"                                         \
	"      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"

/* The line said when a command that can sign unsigned names no signer. */
#define SIGNER_MISSING_OR_UNSIGNED                                                           \
	"no signer configured: pass --signer-key and --signer-cert (or set [signer] in the " \
	"config), or --unsigned"

struct signer_opts {
	const char *key, *cert, *chain; /* the flags */
	const char *config;             /* --config */
	bool unsigned_pdf;              /* --unsigned: no signer */
	struct ws_config *cfg;          /* loaded by signer_opts_config() */
	struct ws_signer *signer;       /* loaded by signer_opts_signer() */
};

/* signer_opts_parse() - take getopt's @opt (with @arg) when it is one of the options above.
 * Return: whether it was one. */
bool signer_opts_parse(struct signer_opts *o, int opt, const char *arg);

/* signer_opts_config() - the configuration: --config, else the default file when it exists
 * (cli_config_load()). Return: WS_EXIT_OK or WS_EXIT_USAGE (said on stderr). */
int signer_opts_config(const struct cli *cli, struct signer_opts *o);

/* signer_opts_signer() - unless --unsigned, the signer the flags and [signer] name
 * (signer_load(), SIGNER_MISSING_OR_UNSIGNED when there is none).
 * Return: WS_EXIT_OK or WS_EXIT_USAGE (said on stderr). */
int signer_opts_signer(const struct cli *cli, struct signer_opts *o);

/* signer_opts_free() - what signer_opts_config() and signer_opts_signer() loaded. */
void signer_opts_free(struct signer_opts *o);

/*
 * signer_load() - the station's signer: @key, @cert and @chain as the flags give them, each
 * NULL for [signer] key, cert and chain of @cfg; [signer] key_passphrase_file and pin_file;
 * a token's PIN asked on the terminal when there is no PIN file (certify_pin_prompt()). A
 * pkcs11: key needs no certificate: the token's own is used.
 * @missing: the line said when no key (or no certificate for a key file) is named.
 * Return: WS_EXIT_OK with *ret, or WS_EXIT_USAGE with one line on stderr.
 */
int signer_load(const struct cli *cli, const struct ws_config *cfg, const char *key,
                const char *cert, const char *chain, const char *missing, struct ws_signer **ret);

#endif
