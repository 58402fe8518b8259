/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-validate.c - `wipeseal validate`: the second person's decision on certificates of
 * sanitization (NIST SP 800-88 Rev. 2 validation), signed with their own key.
 *
 *   wipeseal validate CERT.json... --decision accept|repeat|escalate [--reason TEXT]
 *                     (--key FILE --cert FILE | --card URI) [--pin-file FILE] [--ca FILE]
 *                     [--audit-log FILE] [--config FILE]
 *
 * One line per certificate: the record written, or why not. The work is ws_validate()'s
 * (wipeseal/validate.h); this file loads the validator's key and the CA and maps outcomes
 * to exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/validate.h>

#include "certify.h"
#include "cli.h"
#include "register-feed.h"

struct validate_control {
	const char *decision, *reason, *key, *cert, *card, *pin_file, *ca, *audit_log, *config;
	const char *location, *contact;
	struct ws_config *cfg;
	struct register_feed feed; /* [register]: the records are queued and sent */
	struct ws_signer *validator;
	struct ws_trust *trust;
};

static int usage(void)
{
	fputs("Usage: wipeseal validate CERT.json... --decision accept|repeat|escalate\n"
	      "                         [--reason TEXT] (--key FILE --cert FILE | --card URI)\n"
	      "                         [--pin-file FILE] [--ca FILE] [--audit-log FILE]\n\n"
	      "Record the second person's decision on certificates of sanitization (NIST SP\n"
	      "800-88 Rev. 2 validation): accept the result, repeat the sanitization, or\n"
	      "escalate. Each certificate is verified first; the decision is written beside\n"
	      "it as NAME.validation.json (then -2, -3, ...) with a detached signature by the\n"
	      "validator's own key, bound to the certificate's SHA-256, and the audit log\n"
	      "records it (VALIDATED). The operator and the station cannot validate their\n"
	      "own work.\n\n"
	      "  -D, --decision WORD     accept, repeat or escalate\n"
	      "  -r, --reason TEXT       why (free text, in the record)\n"
	      "  -k, --key FILE          the validator's private key (PEM, mode 600)\n"
	      "      --cert FILE         its certificate\n"
	      "      --card URI          or a key on a card (pkcs11: URI)\n"
	      "      --pin-file FILE     the card's PIN (mode 600); else asked on the terminal\n"
	      "  -c, --ca FILE|DIR       the CA of the certificates and the validator (default\n"
	      "                          [operators] ca)\n"
	      "      --location TEXT     the validator's location (also --contact TEXT)\n"
	      "      --audit-log FILE    the audit log (default [wipe] audit_log, else\n"
	      "                          /var/log/wipeseal/audit.log)\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "  -h, --help              show this help\n\n"
	      "See wipeseal(8) and docs/validation.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* The configuration, the CA and the validator's key: each problem one line, exit 2. */
static int prepare(struct cli *cli, struct validate_control *v)
{
	const struct ws_signer_files f = {
		.key = v->card ? v->card : v->key,
		.cert = v->card ? NULL : v->cert,
		.pin_file = v->pin_file,
		.pin = certify_pin_prompt,
	};
	char *why = NULL;
	int r;

	if (cli_config_load(cli, v->config, &v->cfg) != WS_EXIT_OK)
		return WS_EXIT_USAGE;
	if (!v->ca && !(v->ca = ws_config_get(v->cfg, "operators", "ca"))) {
		cli_err(cli, "no CA named: pass --ca (or set [operators] ca)");
		return WS_EXIT_USAGE;
	}
	r = ws_trust_load(v->ca, &v->trust, &why);
	if (r == 0 && !v->audit_log && !(v->audit_log = ws_config_get(v->cfg, "wipe", "audit_log")))
		v->audit_log = WS_AUDIT_DEFAULT;
	if (r == 0)
		r = ws_signer_load(&f, &v->validator, &why);
	if (r < 0)
		cli_err(cli, "%s", why ? why : strerror(-r));
	free(why);
	return r < 0 ? WS_EXIT_USAGE : WS_EXIT_OK;
}

/* What an outcome means as an exit code. */
static int outcome_code(int error)
{
	switch (error) {
	case 0:
		return WS_EXIT_OK;
	case -EPERM:
		return WS_EXIT_REFUSED;
	case -ENOENT:
	case -EINVAL:
	case -EISDIR:
	case -EACCES:
		return WS_EXIT_USAGE;
	default:
		return WS_EXIT_FAILED;
	}
}

static int run(struct cli *cli, struct validate_control *v, enum ws_decision d,
               const char *const *certs, size_t n)
{
	struct ws_validation_outcome *out = calloc(n, sizeof(*out));
	const struct ws_validate_opts o = {
		.decision = d,
		.reason = v->reason,
		.validator = v->validator,
		.trust = v->trust,
		.location = v->location,
		.contact = v->contact,
		.audit_log = v->audit_log,
	};
	char *why = NULL;
	int r, code = WS_EXIT_OK;

	if (!out)
		return WS_EXIT_FAILED;
	r = ws_validate(&o, certs, n, out, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		code = r == -EPERM ? WS_EXIT_USAGE : WS_EXIT_FAILED;
	}
	for (size_t i = 0; r >= 0 && i < n; i++) {
		char *name = cli_printable(certs[i]), *rec = cli_printable(out[i].record);

		if (out[i].error == 0) {
			printf("%s: %s recorded in %s\n", name, ws_decision_name(d), rec);
			register_feed_queue(cli, &v->feed, out[i].record, v->audit_log);
		} else {
			cli_err(cli, "%s: %s", certs[i],
			        out[i].reason ? out[i].reason : strerror(-out[i].error));
		}
		code = cli_worse(code, outcome_code(out[i].error));
		free(name);
		free(rec);
		ws_validation_outcome_clear(&out[i]);
	}
	register_feed_flush(cli, &v->feed); /* the register being away changes no code */
	free(out);
	free(why);
	return code;
}

enum {
	VOPT_CERT = 256,
	VOPT_CARD,
	VOPT_PIN_FILE,
	VOPT_LOCATION,
	VOPT_CONTACT,
	VOPT_AUDIT,
	VOPT_CFG
};

/* One option into @v. Return: false for one getopt rejected. */
static bool take_option(struct validate_control *v, int c, const char *arg)
{
	const char **slot = NULL;

	switch (c) {
	case 'D':
		slot = &v->decision;
		break;
	case 'r':
		slot = &v->reason;
		break;
	case 'k':
		slot = &v->key;
		break;
	case 'c':
		slot = &v->ca;
		break;
	case VOPT_CERT:
		slot = &v->cert;
		break;
	case VOPT_CARD:
		slot = &v->card;
		break;
	case VOPT_PIN_FILE:
		slot = &v->pin_file;
		break;
	case VOPT_LOCATION:
		slot = &v->location;
		break;
	case VOPT_CONTACT:
		slot = &v->contact;
		break;
	case VOPT_AUDIT:
		slot = &v->audit_log;
		break;
	case VOPT_CFG:
		slot = &v->config;
		break;
	default:
		return false;
	}
	*slot = arg;
	return true;
}

int cmd_validate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "decision", required_argument, NULL, 'D' },
		{ "reason", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'c' },
		{ "cert", required_argument, NULL, VOPT_CERT },
		{ "card", required_argument, NULL, VOPT_CARD },
		{ "pin-file", required_argument, NULL, VOPT_PIN_FILE },
		{ "location", required_argument, NULL, VOPT_LOCATION },
		{ "contact", required_argument, NULL, VOPT_CONTACT },
		{ "audit-log", required_argument, NULL, VOPT_AUDIT },
		{ "config", required_argument, NULL, VOPT_CFG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct validate_control v = { 0 };
	enum ws_decision d = WS_DECISION_ACCEPT;
	int c, code;

	while ((c = getopt_long(argc, argv, "D:r:k:c:h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage();
		if (!take_option(&v, c, optarg))
			return cli_bad_usage(cli);
	}
	if (optind >= argc) {
		cli_err(cli, "no certificate named: name the CERT.json files to decide on");
		return cli_bad_usage(cli);
	}
	if (!v.decision || ws_decision_parse(v.decision, &d) < 0) {
		cli_err(cli, "--decision %s: use accept, repeat or escalate",
		        v.decision ? v.decision : "missing");
		return WS_EXIT_USAGE;
	}
	if (!v.card == !v.key) {
		cli_err(cli, "name the validator's key: --key FILE --cert FILE, or --card URI");
		return WS_EXIT_USAGE;
	}
	code = prepare(cli, &v);
	if (code == WS_EXIT_OK)
		code = register_feed_prepare(cli, v.cfg, &v.feed);
	if (code == WS_EXIT_OK)
		code = run(cli, &v, d, (const char *const *)argv + optind, (size_t)(argc - optind));
	register_feed_fini(&v.feed);
	ws_signer_free(v.validator);
	ws_trust_free(v.trust);
	ws_config_free(v.cfg);
	return code;
}
