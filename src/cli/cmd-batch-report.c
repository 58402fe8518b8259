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

#include <wipeseal/pdf.h>

#include "cli.h"
#include "signer-opts.h"

struct report_ctl {
	const char *ca, *stock_name;
	bool no_labels;
	const struct ws_label_stock *stock;
	struct signer_opts signer;
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
	      "      --stock NAME        the label sheet's stock: l7160 (A4), 5160 (US Letter)\n"
	      "                          or none (else [lot] label_stock, else "
	      "l7160)\n" SIGNER_OPTS_HELP "  -h, --help              show this help\n\n"
	      "Exit status: 0 every drive sanitized, 7 some FAILED or ABORTED (authentic\n"
	      "records), 1 some certificate failed verification or the report could not be\n"
	      "written. See wipeseal(8) and docs/lots.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* The configuration (none is fine unless named), the CA and the signer. */
static int prepare(struct cli *cli, struct report_ctl *c)
{
	const struct ws_config *cfg;
	char *why = NULL;
	int r = signer_opts_config(cli, &c->signer);

	if (r != WS_EXIT_OK)
		return r;
	cfg = c->signer.cfg;
	if (!c->ca)
		c->ca = ws_config_get(cfg, "lot", "ca");
	if (!c->ca)
		c->ca = ws_config_get(cfg, "register", "verify_ca");
	if (!c->ca) {
		cli_err(cli, "no CA to verify the certificates against: give --ca FILE (or set "
		             "[lot] ca)");
		return WS_EXIT_USAGE;
	}
	r = ws_lot_label_stock(cfg, c->stock_name, &c->stock, &c->no_labels, &why);
	if (r == 0)
		r = ws_trust_load(c->ca, &c->trust, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return signer_opts_signer(cli, &c->signer);
}

static int report(struct cli *cli, const struct report_ctl *c, const char *dir)
{
	struct ws_pdf_opts pdf = { .signer = c->signer.signer };
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
		{ "stock", required_argument, NULL, OPT_STOCK },
		SIGNER_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct report_ctl c = { 0 };
	int opt, code;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (signer_opts_parse(&c.signer, opt, optarg))
			continue;
		switch (opt) {
		case OPT_CA:
			c.ca = optarg;
			break;
		case OPT_STOCK:
			c.stock_name = optarg;
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
	signer_opts_free(&c.signer);
	return code;
}
