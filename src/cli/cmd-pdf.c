/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-pdf.c - `wipeseal pdf CERT.json...`: the PDF certificate people can print (NAME.pdf
 * beside each certificate, or --out FILE for one), signed by the station's signer as PAdES
 * B-B, in English or German (--lang, else [certificate] lang).
 *
 * The signed NAME.json stays the record; the PDF is rendered from its exact bytes (the QR
 * code holds their SHA-256). The work is ws_pdf_write_file()'s (wipeseal/pdf.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/pdf.h>

#include "cli.h"
#include "signer-opts.h"

struct pdf_ctl {
	const char *lang, *out;
	bool force;
	struct signer_opts signer;
};

static int usage(void)
{
	fputs("Usage: wipeseal pdf [OPTIONS] CERT.json...\n\n"
	      "Render each certificate of sanitization as a PDF people can print (NAME.pdf\n"
	      "beside it): NIST SP 800-88 Rev. 2 Appendix C on page 1 with a QR code of the\n"
	      "certificate ID and the SHA-256 of NAME.json, the evidence on page 2, the\n"
	      "validation when NAME.validation.json is beside it. Signed by the station's\n"
	      "signer (PAdES B-B: pdfsig checks it). The signed NAME.json stays the record.\n\n"
	      "  -l, --lang LANG         labels in en or de (default [certificate] lang, else en)\n"
	      "  -o, --out FILE          write here (one certificate only)\n"
	      "  -f, --force             replace an existing PDF\n" SIGNER_OPTS_HELP
	      "  -h, --help              show this help\n\n"
	      "See wipeseal(8) and docs/pdf.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* The configuration (none is fine unless named), the language and the signer. */
static int prepare(struct cli *cli, struct pdf_ctl *c)
{
	int code = signer_opts_config(cli, &c->signer);

	if (code != WS_EXIT_OK)
		return code;
	if (!c->lang)
		c->lang = ws_config_get(c->signer.cfg, "certificate", "lang");
	if (c->lang && strcmp(c->lang, "en") != 0 && strcmp(c->lang, "de") != 0) {
		cli_err(cli, "--lang %s: the labels are in en or de", c->lang);
		return WS_EXIT_USAGE;
	}
	return signer_opts_signer(cli, &c->signer);
}

static int render(struct cli *cli, const struct pdf_ctl *c, const char *cert)
{
	struct ws_pdf_opts opts = {
		.lang = c->lang,
		/* the build tree's catalogs (tests, development) before they are installed */
		.localedir = getenv("WIPESEAL_LOCALEDIR"),
		.signer = c->signer.signer,
	};
	char *path = NULL, *why = NULL, *name;
	int r = ws_pdf_write_file(cert, c->out, c->force ? WS_PDF_REPLACE : 0, &opts, &path, &why);

	name = cli_printable(cert);
	if (r < 0) {
		cli_err(cli, "%s: %s", name, why ? why : strerror(-r));
	} else {
		char *p = cli_printable(path);

		printf("%s: %s\n", name, p);
		free(p);
	}
	free(name);
	free(path);
	free(why);
	return r < 0 ? WS_EXIT_FAILED : WS_EXIT_OK;
}

int cmd_pdf(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' }, { "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },      SIGNER_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },       { 0 },
	};
	struct pdf_ctl c = { 0 };
	int opt, code;

	while ((opt = getopt_long(argc, argv, "l:o:fh", opts, NULL)) != -1) {
		if (signer_opts_parse(&c.signer, opt, optarg))
			continue;
		switch (opt) {
		case 'l':
			c.lang = optarg;
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
	if (optind >= argc || (c.out && argc - optind > 1)) {
		cli_err(cli, optind >= argc ? "no certificate given"
		                            : "--out names one file: give one certificate");
		return cli_bad_usage(cli);
	}
	code = prepare(cli, &c);
	for (int i = optind; code != WS_EXIT_USAGE && i < argc; i++)
		if (render(cli, &c, argv[i]) != WS_EXIT_OK)
			code = WS_EXIT_FAILED;
	signer_opts_free(&c.signer);
	return code;
}

#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer's default suppressions for this binary: fontconfig keeps a few bytes of the
 * configuration it parses the first time a font is looked up (libfontconfig 2.14, Debian 12),
 * never freed and not ours to free; the PDF's own font map is freed with it (pdf-surface.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* and without the table of suppressions used on standard error */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif
