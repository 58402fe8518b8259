/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-cosign.c - `wipeseal cosign [--cert-dir DIR] [--operator-card URI]`: the operator's
 * signature added to the certificates filed without it (their card was pulled before they
 * were signed), once the card is back.
 *
 * The operator logs in as for `wipe` (operator-login.c: the PIN from [operators] pin_file or
 * the terminal, never the command line); the station's signer from the configuration signs
 * the audit lines (LOGIN, OPERATOR-SIGNED). The work is ws_operator_complete()'s.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/operator.h>

#include "cli.h"
#include "operator-login.h"

static int usage(void)
{
	fputs("Usage: wipeseal cosign [--cert-dir DIR] [--operator-card URI] [OPTIONS]\n\n"
	      "Add the operator's own signature to every certificate in DIR that awaits it\n"
	      "(NAME.json.awaiting-operator: their card was pulled before it was signed).\n"
	      "The operator logs in with the card; each .p7s is rewritten with both signers,\n"
	      "and the audit log records it (OPERATOR-SIGNED).\n\n"
	      "  -d, --cert-dir DIR      where the certificates are (default [wipe] cert_dir,\n"
	      "                          else ./certificates)\n"
	      "      --operator-card URI the operator's card (pkcs11: URI; else [operators]\n"
	      "                          card); the PIN from [operators] pin_file, else asked\n"
	      "                          on the terminal\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "      --signer-key KEY    the station's key, which signs the audit lines (also\n"
	      "                          --signer-cert, --signer-chain; else [signer])\n"
	      "      --audit-log FILE    the audit log (default /var/log/wipeseal/audit.log)\n"
	      "  -h, --help              show this help\n\n"
	      "See wipeseal(8) and docs/operators.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* The signatures themselves, once the operator is in. */
static int cosign(struct cli *cli, struct certify *c, const char *dir)
{
	struct ws_audit *log = NULL;
	unsigned done = 0;
	char *why = NULL, *name;
	int r = ws_audit_open(c->audit_log, c->signer, &log, &why);

	if (r == 0)
		r = ws_operator_complete(c->operator, dir, log, &done, &why);
	ws_audit_close(log);
	name = cli_printable(ws_operator_name(c->operator));
	if (r < 0)
		cli_err(cli, "%s%s", why ? why : strerror(-r),
		        done ? "; the certificates before it are signed" : "");
	else if (done)
		printf("%u certificate%s in %s signed by operator %s\n", done, done == 1 ? "" : "s",
		       dir, name);
	else
		printf("no certificate in %s awaits the signature of operator %s\n", dir, name);
	free(name);
	free(why);
	return r < 0 ? WS_EXIT_FAILED : WS_EXIT_OK;
}

int cmd_cosign(struct cli *cli, int argc, char **argv)
{
	enum { OPT_CARD = 256 };
	static const struct option opts[] = {
		{ "cert-dir", required_argument, NULL, 'd' },
		{ "operator-card", required_argument, NULL, OPT_CARD },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "signer-key", required_argument, NULL, OPT_SIGNER_KEY },
		{ "signer-cert", required_argument, NULL, OPT_SIGNER_CERT },
		{ "signer-chain", required_argument, NULL, OPT_SIGNER_CHAIN },
		{ "audit-log", required_argument, NULL, OPT_AUDIT_LOG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct certify cert = { 0 };
	const char *dir = "certificates", *card = NULL;
	bool dir_given = false;
	int c, code;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		if (c == 'd') {
			dir = optarg;
			dir_given = true;
		} else if (c == OPT_CARD) {
			card = optarg;
		} else if (c == 'h') {
			return usage();
		} else if (!certify_option(&cert, c, optarg)) {
			return cli_bad_usage(cli);
		}
	}
	if (optind < argc) {
		cli_err(cli,
		        "unexpected argument %s: cosign signs the certificates of a "
		        "directory (--cert-dir)",
		        argv[optind]);
		return cli_bad_usage(cli);
	}
	code = certify_prepare(cli, &cert, &dir, dir_given);
	if (code == WS_EXIT_OK)
		code = operator_login(cli, &cert, card, true, true);
	if (code == WS_EXIT_OK)
		code = cosign(cli, &cert, dir);
	certify_fini(&cert);
	return code;
}
