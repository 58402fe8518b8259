/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-batch-report.c - `wipeseal batch-report [OPTIONS] DIR`: the report of a batch (or of a
 * whole job, or of any folder of certificates), rebuilt from the certificates under DIR:
 * DIR/batch-report.csv, one row per drive, DIR/batch-report.pdf, a summary signed by the
 * station's signer, and DIR/labels.pdf, the label sheet. Each certificate is verified against
 * the CA first; one that fails is listed as failing, never as its claimed outcome, and gets
 * no label. The work is ws_lot_end()'s, as the station's end of a batch is.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wipeseal/pdf.h>

#include "certify.h"
#include "cli.h"

struct report_ctl {
	const char *ca, *key, *cert, *chain, *config_path, *stock_name;
	bool unsigned_pdf, no_labels;
	const struct ws_label_stock *stock;
	struct ws_config *cfg;
	struct ws_signer *signer;
	struct ws_trust *trust;
};

static int usage(void)
{
	fputs("Usage: wipeseal batch-report [OPTIONS] DIR\n\n"
	      "Rebuild the batch report of the certificates under DIR (a batch's folder, or a\n"
	      "job's): every certificate verified against the CA, then DIR/batch-report.csv\n"
	      "(serial, model, asset tag, bay, method, technique, NIST level, status, start,\n"
	      "end, certificate, SHA-256, verification), DIR/batch-report.pdf, a summary\n"
	      "signed by the station's signer, and DIR/labels.pdf, a label per certificate\n"
	      "that verifies. An older report and sheet are replaced.\n\n"
	      "      --ca FILE           the organization's CA (else [lot] ca, else [register]\n"
	      "                          verify_ca)\n"
	      "      --unsigned          an unsigned PDF (no signer needed)\n"
	      "      --stock NAME        the label sheet's stock: l7160 (A4), 5160 (US Letter)\n"
	      "                          or none (else [lot] label_stock, else l7160)\n"
	      "      --signer-key KEY    the station's key (also --signer-cert, --signer-chain;\n"
	      "                          else [signer])\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "  -h, --help              show this help\n\n"
	      "Exit status: 0 every drive sanitized, 7 some FAILED or ABORTED (authentic\n"
	      "records), 1 some certificate failed verification or the report could not be\n"
	      "written. See wipeseal(8) and docs/lots.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

static const char *pick(const char *flag, const struct ws_config *cfg, const char *section,
                        const char *key)
{
	return flag ? flag : cfg ? ws_config_get(cfg, section, key) : NULL;
}

static int load_signer(struct cli *cli, struct report_ctl *c)
{
	struct ws_signer_files files;
	char *why = NULL;
	int r;

	c->key = pick(c->key, c->cfg, "signer", "key");
	c->cert = pick(c->cert, c->cfg, "signer", "cert");
	c->chain = pick(c->chain, c->cfg, "signer", "chain");
	if (!c->key || (!c->cert && strncasecmp(c->key, "pkcs11:", 7) != 0)) {
		cli_err(cli, "no signer configured: pass --signer-key and --signer-cert (or set "
		             "[signer] in the config), or --unsigned");
		return WS_EXIT_USAGE;
	}
	files = (struct ws_signer_files){
		.key = c->key,
		.cert = c->cert,
		.chain = c->chain,
		.key_passphrase = pick(NULL, c->cfg, "signer", "key_passphrase_file"),
		.pin_file = pick(NULL, c->cfg, "signer", "pin_file"),
		.pin = certify_pin_prompt,
	};
	r = ws_signer_load(&files, &c->signer, &why);
	if (r < 0) {
		cli_err(cli, "%s; nothing was written", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

/* The configuration (none is fine unless named), the CA and the signer. */
static int prepare(struct cli *cli, struct report_ctl *c)
{
	const char *path = c->config_path ? c->config_path : WS_CONFIG_DEFAULT;
	char *why = NULL;
	int r = ws_config_load(path, &c->cfg, &why);

	if (r < 0 && !(r == -ENOENT && !c->config_path)) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	free(why);
	why = NULL;
	c->ca = pick(c->ca, c->cfg, "lot", "ca");
	c->ca = pick(c->ca, c->cfg, "register", "verify_ca");
	if (!c->ca) {
		cli_err(cli, "no CA to verify the certificates against: give --ca FILE (or set "
		             "[lot] ca)");
		return WS_EXIT_USAGE;
	}
	r = ws_lot_label_stock(c->cfg, c->stock_name, &c->stock, &c->no_labels, &why);
	if (r == 0)
		r = ws_trust_load(c->ca, &c->trust, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return c->unsigned_pdf ? WS_EXIT_OK : load_signer(cli, c);
}

static int report(struct cli *cli, const struct report_ctl *c, const char *dir)
{
	struct ws_pdf_opts pdf = { .signer = c->signer };
	struct ws_lot_end_opts opts = { .pdf = &pdf, .stock = c->stock, .no_labels = c->no_labels };
	struct ws_lot_end end = { 0 };
	const struct ws_lot_report *rep = &end.report;
	char *why = NULL;
	int r = ws_lot_end(dir, c->trust, &opts, &end, &why), code;

	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		ws_lot_end_clear(&end);
		return WS_EXIT_FAILED;
	}
	printf("%s\n%s\n", rep->csv, rep->pdf);
	if (end.labels_pdf)
		printf("%s\n", end.labels_pdf);
	printf("%zu drive%s: %zu sanitized, %zu not (FAILED or ABORTED), %zu failed "
	       "verification\n",
	       rep->drives, rep->drives == 1 ? "" : "s", rep->success, rep->failed, rep->invalid);
	code = rep->invalid ? WS_EXIT_FAILED : rep->failed ? WS_EXIT_NOT_WIPED : WS_EXIT_OK;
	/* a sheet missing while some certificate verified is a failure to write it; with none
	 * verified the report's count already says why there is no label */
	if (end.labels_reason && rep->success + rep->failed > 0) {
		cli_err(cli, "no label sheet: %s", end.labels_reason);
		code = WS_EXIT_FAILED;
	}
	ws_lot_end_clear(&end);
	return code;
}

int cmd_batch_report(struct cli *cli, int argc, char **argv)
{
	enum { OPT_CA = 256, OPT_STOCK };
	static const struct option opts[] = {
		{ "ca", required_argument, NULL, OPT_CA },
		{ "unsigned", no_argument, NULL, OPT_UNSIGNED },
		{ "stock", required_argument, NULL, OPT_STOCK },
		{ "signer-key", required_argument, NULL, OPT_SIGNER_KEY },
		{ "signer-cert", required_argument, NULL, OPT_SIGNER_CERT },
		{ "signer-chain", required_argument, NULL, OPT_SIGNER_CHAIN },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct report_ctl c = { 0 };
	int opt, code;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_CA:
			c.ca = optarg;
			break;
		case OPT_UNSIGNED:
			c.unsigned_pdf = true;
			break;
		case OPT_STOCK:
			c.stock_name = optarg;
			break;
		case OPT_SIGNER_KEY:
			c.key = optarg;
			break;
		case OPT_SIGNER_CERT:
			c.cert = optarg;
			break;
		case OPT_SIGNER_CHAIN:
			c.chain = optarg;
			break;
		case OPT_CONFIG:
			c.config_path = optarg;
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	if (argc - optind != 1) {
		cli_err(cli, "give the one folder of certificates to report on");
		return cli_bad_usage(cli);
	}
	code = prepare(cli, &c);
	if (code == WS_EXIT_OK)
		code = report(cli, &c, argv[optind]);
	ws_trust_free(c.trust);
	ws_signer_free(c.signer);
	ws_config_free(c.cfg);
	return code;
}
