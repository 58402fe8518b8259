/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-labels.c - `wipeseal labels`: a PDF sheet of drive labels for a batch, one per
 * certificate that verifies, on common label stock.
 *
 *   wipeseal labels --ca FILE|DIR [--stock l7160|5160] [--skip N] [--force] --out FILE.pdf
 *                   CERT.json|DIR...
 *
 * Directories are walked as `verify` walks them (ws_cert_walk()); every certificate found is
 * verified and labelled by ws_labels_write_file() (wipeseal/labels.h), which the station's
 * end of batch calls too. A certificate that does not verify gets no label, and a line here
 * saying which and why; the sheet holds the others (exit 1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/labels.h>

#include "cli.h"

enum { OPT_SKIP = 700 };

struct labels_ctl {
	const char *ca, *out, *stock_name, *skip;
	bool force;
	const struct ws_label_stock *stock;
	unsigned skip_n;
};

/* The certificates a walk found. */
struct found {
	const struct cli *cli;
	char **paths;
	size_t n;
	bool unreadable, nomem;
};

static int usage(void)
{
	fputs("Usage: wipeseal labels --ca FILE|DIR [--stock NAME] [--skip N] [--force]\n"
	      "                       --out FILE.pdf CERT.json|DIR...\n\n"
	      "Write a PDF sheet of drive labels, one per certificate that verifies: the\n"
	      "serial, model and asset tag, the outcome and its NIST level, the date, the\n"
	      "station, and a QR code of wipeseal:sha256:<SHA-256 of NAME.json>. A certificate\n"
	      "that does not verify gets no label, and is named with the reason.\n\n"
	      "  -c, --ca FILE|DIR       the CA certificate(s) to trust (PEM)\n"
	      "  -s, --stock NAME        l7160 (A4, 3 x 7, 63.5 x 38.1 mm; the default) or\n"
	      "                          5160 (US Letter, 3 x 10, 66.7 x 25.4 mm)\n"
	      "      --skip N            start at position N of the first sheet (0: top left),\n"
	      "                          for a sheet already partly used\n"
	      "  -o, --out FILE.pdf      where to write the sheet\n"
	      "  -f, --force             replace an existing FILE.pdf\n"
	      "  -h, --help              show this help\n\n"
	      "See wipeseal(8) and docs/labels.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* The stock and where to start on it. Return: an exit code. */
static int check_options(const struct cli *cli, struct labels_ctl *c)
{
	char *end = NULL;
	size_t per;
	unsigned long n;

	c->stock = c->stock_name ? ws_label_stock_find(c->stock_name) : ws_label_stocks(&per);
	if (!c->stock) {
		cli_err(cli, "--stock %s: unknown label stock: name l7160 (A4) or 5160 (US Letter)",
		        c->stock_name);
		return WS_EXIT_USAGE;
	}
	per = (size_t)c->stock->cols * c->stock->rows;
	if (c->skip) {
		errno = 0;
		n = strtoul(c->skip, &end, 10);
		if (errno || end == c->skip || *end || c->skip[0] == '-' || n >= per) {
			cli_err(cli, "--skip %s: a %s sheet holds %zu labels: give 0 to %zu",
			        c->skip, c->stock->name, per, per - 1);
			return WS_EXIT_USAGE;
		}
		c->skip_n = (unsigned)n;
	}
	if (!c->out || !c->ca) {
		cli_err(cli, !c->out
		                 ? "no --out FILE.pdf named: say where the label sheet goes"
		                 : "no CA named: pass --ca with the organization's CA certificate "
		                   "(only certificates that verify get a label)");
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

static int on_found(void *userdata, const char *path, enum ws_walk_kind kind, const char *reason)
{
	struct found *f = userdata;
	char **p;

	if (kind == WS_WALK_ERROR) {
		cli_err(f->cli, "%s: %s", path, reason ? reason : "cannot be read");
		f->unreadable = true;
		return 0;
	}
	if (kind != WS_WALK_CERTIFICATE) /* skipped, or another record (a destruction) */
		return 0;
	p = realloc(f->paths, (f->n + 1) * sizeof(*f->paths));
	if (!p || !(p[f->n] = strdup(path))) {
		if (p)
			f->paths = p;
		f->nomem = true;
		return -ENOMEM;
	}
	f->paths = p;
	f->n++;
	return 0;
}

/* The sheet of the certificates found. Return: an exit code. */
static int write_sheet(const struct cli *cli, const struct labels_ctl *c, const struct ws_trust *t,
                       const struct found *f)
{
	struct ws_labels_opts opts = {
		.stock = c->stock,
		.skip = c->skip_n,
		.flags = c->force ? WS_LABELS_REPLACE : 0,
	};
	struct ws_labels_report rep = { 0 };
	char *why = NULL;
	int r =
	    ws_labels_write_file(t, (const char *const *)f->paths, f->n, c->out, &opts, &rep, &why);

	for (size_t i = 0; i < rep.n_refused; i++)
		cli_err(cli, "%s: no label: %s", rep.refused[i].path, rep.refused[i].reason);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
	} else {
		char *name = cli_printable(c->out);

		printf("%s: %zu label%s on %zu page%s (%s)\n", name, rep.labels,
		       rep.labels == 1 ? "" : "s", rep.pages, rep.pages == 1 ? "" : "s",
		       c->stock->name);
		free(name);
	}
	free(why);
	r = r == -EINVAL ? WS_EXIT_USAGE : r < 0 || rep.n_refused ? WS_EXIT_FAILED : WS_EXIT_OK;
	ws_labels_report_clear(&rep);
	return r;
}

static int run(const struct cli *cli, const struct labels_ctl *c, char **paths, size_t n)
{
	struct found f = { .cli = cli };
	struct ws_trust *trust = NULL;
	char *why = NULL;
	int code, r = ws_trust_load(c->ca, &trust, &why);

	if (r < 0) {
		cli_err(cli, "--ca %s: %s", c->ca, why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	if (ws_cert_walk((const char *const *)paths, n, on_found, &f) < 0 || f.nomem) {
		cli_err(cli, "out of memory");
		code = WS_EXIT_FAILED;
	} else if (f.n == 0) {
		cli_err(cli,
		        "no certificate found: name NAME.json files (with NAME.json.p7s beside "
		        "them) or the directory that holds them");
		code = f.unreadable ? WS_EXIT_FAILED : WS_EXIT_USAGE;
	} else {
		code = write_sheet(cli, c, trust, &f);
		if (f.unreadable)
			code = cli_worse(code, WS_EXIT_FAILED);
	}
	for (size_t i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(f.paths);
	ws_trust_free(trust);
	return code;
}

int cmd_labels(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "stock", required_argument, NULL, 's' },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct labels_ctl c = { 0 };
	int opt, code;

	while ((opt = getopt_long(argc, argv, "c:s:o:fh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.ca = optarg;
			break;
		case 's':
			c.stock_name = optarg;
			break;
		case OPT_SKIP:
			c.skip = optarg;
			break;
		case 'o':
			c.out = optarg;
			break;
		case 'f':
			c.force = true;
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	code = check_options(cli, &c);
	if (code != WS_EXIT_OK)
		return code;
	if (optind >= argc) {
		cli_err(cli, "no certificate given: name NAME.json files or directories");
		return cli_bad_usage(cli);
	}
	return run(cli, &c, argv + optind, (size_t)(argc - optind));
}
