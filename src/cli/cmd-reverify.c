/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-reverify.c - `wipeseal reverify --certificate CERT.json DEVICE`: a wiped drive read
 * again, later and by someone else, against what its certificate says (a quality check
 * samples drives this way: docs/reverify.md).
 *
 * The person signs what they found with their own key, a file or a card (the PIN from
 * [operators] pin_file, else asked on the terminal, never the command line); the record is
 * filed beside the certificate (or in --out DIR) and the audit log gets a REVERIFIED line
 * signed by the same key. Nothing is ever written to the drive: the library opens it
 * read-only (ws_reverify()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wipeseal/reverify.h>

#include "certify.h"
#include "cli.h"
#include "register-feed.h"

struct reverify_control {
	const char *certificate, *device, *key, *cert, *card, *ca, *out, *audit_log, *config;
	struct ws_reverify_opts opts;
	struct ws_config *cfg;
	struct register_feed feed; /* [register]: the record is queued and sent */
	struct ws_trust *trust;
	struct ws_signer *person;
};

static int usage(void)
{
	fputs("Usage: wipeseal reverify --certificate CERT.json [--full] (--key FILE --cert FILE\n"
	      "                         | --card URI) [--ca FILE] [--out DIR] DEVICE\n\n"
	      "Read a wiped drive again and check that it still reads as its certificate says:\n"
	      "the last pass's pattern, the random pass's AES-256-CTR keystream (its key is in\n"
	      "the certificate), or the erased state a firmware erase left. The certificate is\n"
	      "verified first, and a drive that is not the certificate's is refused. Nothing is\n"
	      "written to the drive. The outcome (MATCH, MISMATCH, UNREADABLE) is signed with\n"
	      "the person's key as CERT.reverify-TIME.json and .json.p7s, and the audit log\n"
	      "records it (REVERIFIED).\n\n"
	      "  -C, --certificate FILE  the certificate (NAME.json, NAME.json.p7s beside it)\n"
	      "      --full              read every byte (default: a seeded sample)\n"
	      "      --sample-percent N  of the capacity, 1-100 (default 10)\n"
	      "      --seed N            the sample plan's seed (default: random; recorded)\n"
	      "      --key FILE          the person's private key (PEM, mode 600)\n"
	      "      --cert FILE         its certificate (documentSigning)\n"
	      "      --card URI          or a key on their card (pkcs11: URI); the PIN from\n"
	      "                          [operators] pin_file, else asked on the terminal\n"
	      "  -c, --ca FILE|DIR       the CA the certificate must chain to (default\n"
	      "                          [operators] ca)\n"
	      "  -o, --out DIR           where the record goes (default: beside the certificate)\n"
	      "      --audit-log FILE    the audit log (default [wipe] audit_log, else\n"
	      "                          /var/log/wipeseal/audit.log)\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "  -h, --help              show this help\n\n"
	      "Exit status: 0 MATCH, 4 MISMATCH, 1 UNREADABLE or an error, 3 not the drive of\n"
	      "the certificate, 2 bad usage. See wipeseal(8) and docs/reverify.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* ---- setup ------------------------------------------------------------------------------------ */

/* The trust anchor and the person's signer: everything that could stop a record from being
 * signed is found before the drive is read. */
static int prepare(struct cli *cli, struct reverify_control *c)
{
	struct ws_signer_files files = {
		.key = c->card ? c->card : c->key,
		.cert = c->card ? NULL : c->cert,
		.pin_file = ws_config_get(c->cfg, "operators", "pin_file"),
		.pin = certify_pin_prompt,
	};
	char *why = NULL;
	int r;

	if (!c->ca && !(c->ca = ws_config_get(c->cfg, "operators", "ca"))) {
		cli_err(cli, "no CA to verify the certificate against: pass --ca");
		return WS_EXIT_USAGE;
	}
	if (!c->audit_log && !(c->audit_log = ws_config_get(c->cfg, "wipe", "audit_log")))
		c->audit_log = WS_AUDIT_DEFAULT;
	r = ws_trust_load(c->ca, &c->trust, &why);
	if (r == 0)
		r = ws_signer_load(&files, &c->person, &why);
	if (r < 0)
		cli_err(cli, "%s; nothing was read", why ? why : strerror(-r));
	free(why);
	return r < 0 ? WS_EXIT_USAGE : WS_EXIT_OK;
}

/* ---- after ------------------------------------------------------------------------------------ */

/* The REVERIFIED line, signed by the person's key. It names the certificate in its note, not
 * in certificate_sha256: the log's series of certificates is the station's, and a check of a
 * drive is no certificate in it. */
static int audit(struct cli *cli, const struct reverify_control *c, const struct ws_reverify *r,
                 const char *record)
{
	struct ws_audit *log = NULL;
	char *why = NULL, *note = NULL;
	int e;

	if (asprintf(&note, "%s: %s, %llu bytes checked (%s), record %s, certificate sha256 %s",
	             ws_reverify_outcome_name(r->outcome), r->expected,
	             (unsigned long long)r->bytes_checked, ws_verify_mode_name(r->mode), record,
	             r->cert_sha256) < 0)
		return -ENOMEM;
	e = ws_audit_open(c->audit_log, c->person, &log, &why);
	if (e == 0)
		e = ws_audit_append(log,
		                    &(struct ws_audit_entry){
		                        .status = "REVERIFIED",
		                        .certificate_id = r->certificate_id,
		                        .serial = r->serial ? r->serial : r->path,
		                        .target = c->device,
		                        .model = r->model,
		                        .operator_name = ws_signer_subject(c->person),
		                        .note = note,
		                    },
		                    &why);
	ws_audit_close(log);
	if (e < 0)
		cli_err(cli, "%s; the record %s is written", why ? why : strerror(-e), record);
	free(why);
	free(note);
	return e;
}

/* Sign and file the record, log it, say it. Return: an exit code. */
static int finish(struct cli *cli, struct reverify_control *c, const struct ws_reverify *r)
{
	char *record = NULL, *path = NULL, *why = NULL, *p;
	int e = ws_reverify_record(r, c->person, &record), code;

	if (e == 0)
		e = ws_reverify_file(r, record, c->person, c->out, &path, &why);
	if (e < 0) {
		cli_err(cli, "%s", why ? why : strerror(-e));
		free(why);
		free(record);
		return WS_EXIT_FAILED;
	}
	code = r->outcome == WS_REVERIFY_MATCH      ? WS_EXIT_OK
	       : r->outcome == WS_REVERIFY_MISMATCH ? WS_EXIT_DATA_FOUND
	                                            : WS_EXIT_FAILED;
	if (audit(cli, c, r, path) < 0)
		code = cli_worse(code, WS_EXIT_FAILED);
	register_feed_queue(cli, &c->feed, path, c->audit_log);
	p = cli_printable(r->path);
	if (r->outcome == WS_REVERIFY_MATCH)
		printf("MATCH %s: %llu bytes read as the certificate says (%s); record %s\n", p,
		       (unsigned long long)r->bytes_checked, r->expected, path);
	else if (r->outcome == WS_REVERIFY_MISMATCH)
		printf("MISMATCH %s: %llu bytes differ from %s, first at offset %llu; record %s\n",
		       p, (unsigned long long)r->bytes_mismatched, r->expected,
		       (unsigned long long)r->mismatch_offsets[0], path);
	else
		printf("UNREADABLE %s: %zu ranges could not be read, first at offset %llu; "
		       "record %s\n",
		       p, r->n_unreadable, (unsigned long long)r->unreadable[0].offset, path);
	free(p);
	register_feed_flush(cli, &c->feed); /* the register being away changes no code */
	free(path);
	free(record);
	return code;
}

static int run(struct cli *cli, struct reverify_control *c)
{
	struct ws_reverify *r = NULL;
	char *why = NULL;
	int e = ws_reverify(cli->ctx, c->certificate, c->device, &c->opts, &r, &why), code;

	if (e < 0) {
		cli_err(cli, "%s", why ? why : strerror(-e));
		free(why);
		return e == -EBADMSG ? WS_EXIT_FAILED : cli_exit_code(e);
	}
	code = finish(cli, c, r);
	ws_reverify_free(r);
	return code;
}

/* ---- options ---------------------------------------------------------------------------------- */

enum {
	OPT_FULL = 256,
	OPT_PERCENT,
	OPT_SEED,
	OPT_KEY,
	OPT_CERT,
	OPT_CARD,
	OPT_RV_AUDIT,
	OPT_RV_CONFIG,
};

static bool parse_u64(const char *s, uint64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(s, &end, 0);
	return errno == 0 && end != s && !*end && *s != '-';
}

/* One option. Return: true when taken. */
static bool take(struct reverify_control *c, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'C':
		c->certificate = arg;
		return true;
	case 'c':
		c->ca = arg;
		return true;
	case 'o':
		c->out = arg;
		return true;
	case OPT_FULL:
		c->opts.mode = WS_VERIFY_FULL;
		return true;
	case OPT_KEY:
		c->key = arg;
		return true;
	case OPT_CERT:
		c->cert = arg;
		return true;
	case OPT_CARD:
		c->card = arg;
		return true;
	case OPT_RV_AUDIT:
		c->audit_log = arg;
		return true;
	case OPT_RV_CONFIG:
		c->config = arg;
		return true;
	case OPT_PERCENT:
		if (!parse_u64(arg, &v) || v < 1 || v > 100)
			return false;
		c->opts.sample_percent = (unsigned)v;
		return true;
	case OPT_SEED:
		if (!parse_u64(arg, &v) || v == 0)
			return false;
		c->opts.seed = v;
		return true;
	}
	return false;
}

static int check_args(struct cli *cli, struct reverify_control *c, int argc, char **argv)
{
	if (optind + 1 != argc) {
		cli_err(cli, optind < argc ? "one drive at a time" : "name the drive to read");
		return cli_bad_usage(cli);
	}
	c->device = argv[optind];
	if (!c->certificate) {
		cli_err(cli, "--certificate names what the drive must read as");
		return cli_bad_usage(cli);
	}
	if (c->card ? c->key || c->cert : !c->key || !c->cert) {
		cli_err(cli, "sign with --key and --cert, or with --card");
		return cli_bad_usage(cli);
	}
	return WS_EXIT_OK;
}

int cmd_reverify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "certificate", required_argument, NULL, 'C' },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "sample-percent", required_argument, NULL, OPT_PERCENT },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "card", required_argument, NULL, OPT_CARD },
		{ "ca", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "audit-log", required_argument, NULL, OPT_RV_AUDIT },
		{ "config", required_argument, NULL, OPT_RV_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct reverify_control c = { .opts.mode = WS_VERIFY_SAMPLE };
	int o, code;

	while ((o = getopt_long(argc, argv, "C:c:o:h", opts, NULL)) != -1) {
		if (o == 'h')
			return usage();
		if (!take(&c, o, optarg))
			return cli_bad_usage(cli);
	}
	code = check_args(cli, &c, argc, argv);
	if (code == WS_EXIT_OK)
		code = cli_config_load(cli, c.config, &c.cfg);
	if (code == WS_EXIT_OK)
		code = prepare(cli, &c);
	if (code == WS_EXIT_OK)
		code = register_feed_prepare(cli, c.cfg, &c.feed);
	c.opts.trust = c.trust;
	if (code == WS_EXIT_OK)
		code = run(cli, &c);
	register_feed_fini(&c.feed);
	ws_signer_free(c.person);
	ws_trust_free(c.trust);
	ws_config_free(c.cfg);
	return code;
}
