/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-timestamp.c - `wipeseal timestamp CERT.json...`: the RFC 3161 tokens a certificate
 * was filed without (the TSA did not answer during the wipe), added now.
 *
 * The TSA is [signer] tsa_url (or --tsa-url); the station's signer from the configuration
 * signs the audit lines (TIMESTAMPED). The work is ws_cert_timestamp()'s.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/timestamp.h>

#include "certify.h"
#include "cli.h"

static int usage(void)
{
	fputs("Usage: wipeseal timestamp [--tsa-url URL] [OPTIONS] CERT.json...\n\n"
	      "Add an RFC 3161 timestamp token from the TSA to every signature of each\n"
	      "certificate that lacks one (it was filed while the TSA did not answer:\n"
	      "NAME.json.awaiting-timestamp). Each .p7s is replaced atomically, the mark\n"
	      "removed, and the audit log records it (TIMESTAMPED).\n\n"
	      "      --tsa-url URL       the TSA (default [signer] tsa_url)\n"
	      "      --tsa-ca FILE       the CA its certificate must chain to (default\n"
	      "                          [signer] tsa_ca)\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "      --signer-key KEY    the station's key, which signs the audit lines (also\n"
	      "                          --signer-cert, --signer-chain; else [signer])\n"
	      "      --audit-log FILE    the audit log (default /var/log/wipeseal/audit.log)\n"
	      "  -h, --help              show this help\n\n"
	      "See wipeseal(8) and docs/certificate.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

static int stamp_all(struct cli *cli, struct certify *c, const struct ws_tsa_config *tsa,
                     char **paths, size_t n)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r = ws_audit_open(c->audit_log, c->signer, &log, &why), code = WS_EXIT_OK;

	if (r < 0) {
		cli_err(cli, "%s; nothing was changed", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		char *name = cli_printable(paths[i]);
		unsigned added = 0;

		why = NULL;
		r = ws_cert_timestamp(tsa, paths[i], log, &added, &why);
		if (r < 0) {
			cli_err(cli, "%s", why ? why : strerror(-r));
			code = WS_EXIT_FAILED;
		} else if (added) {
			printf("%s: %u timestamp token%s added\n", name, added,
			       added == 1 ? "" : "s");
		} else {
			printf("%s: every signature has its token already\n", name);
		}
		free(why);
		free(name);
	}
	ws_audit_close(log);
	return code;
}

int cmd_timestamp(struct cli *cli, int argc, char **argv)
{
	enum { OPT_TSA_URL = 256, OPT_TSA_CA };
	static const struct option opts[] = {
		{ "tsa-url", required_argument, NULL, OPT_TSA_URL },
		{ "tsa-ca", required_argument, NULL, OPT_TSA_CA },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "signer-key", required_argument, NULL, OPT_SIGNER_KEY },
		{ "signer-cert", required_argument, NULL, OPT_SIGNER_CERT },
		{ "signer-chain", required_argument, NULL, OPT_SIGNER_CHAIN },
		{ "audit-log", required_argument, NULL, OPT_AUDIT_LOG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct certify cert = { 0 };
	struct ws_tsa_config tsa = { 0 };
	const char *dir = "certificates", *url = NULL, *ca = NULL;
	int c, code;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == OPT_TSA_URL)
			url = optarg;
		else if (c == OPT_TSA_CA)
			ca = optarg;
		else if (c == 'h')
			return usage();
		else if (!certify_option(&cert, c, optarg))
			return cli_bad_usage(cli);
	}
	if (optind >= argc) {
		cli_err(cli, "no certificate named: name the CERT.json files to timestamp");
		return cli_bad_usage(cli);
	}
	code = certify_prepare(cli, &cert, &dir, false);
	if (code == WS_EXIT_OK) {
		(void)ws_tsa_config_from_config(cert.cfg, &tsa);
		tsa.url = url ? url : tsa.url;
		tsa.ca_file = ca ? ca : tsa.ca_file;
		if (!tsa.url || !tsa.url[0]) {
			cli_err(cli, "no TSA: set [signer] tsa_url or pass --tsa-url");
			code = WS_EXIT_USAGE;
		}
	}
	if (code == WS_EXIT_OK)
		code = stamp_all(cli, &cert, &tsa, argv + optind, (size_t)(argc - optind));
	certify_fini(&cert);
	return code;
}
