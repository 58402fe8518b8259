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
#include <strings.h>

#include <wipeseal/pdf.h>

#include "certify.h"
#include "cli.h"

struct pdf_ctl {
	const char *lang, *out, *key, *cert, *chain, *config_path;
	bool force, unsigned_pdf;
	struct ws_config *cfg;
	struct ws_signer *signer;
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
	      "  -f, --force             replace an existing PDF\n"
	      "      --unsigned          an unsigned PDF (no signer needed)\n"
	      "      --signer-key KEY    the station's key (also --signer-cert, --signer-chain;\n"
	      "                          else [signer])\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "  -h, --help              show this help\n\n"
	      "See wipeseal(8) and docs/pdf.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

static const char *pick(const char *flag, const struct ws_config *cfg, const char *section,
                        const char *key)
{
	return flag ? flag : cfg ? ws_config_get(cfg, section, key) : NULL;
}

/* The configuration (none is fine unless named), the language and the signer. */
static int prepare(struct cli *cli, struct pdf_ctl *c)
{
	const char *path = c->config_path ? c->config_path : WS_CONFIG_DEFAULT;
	struct ws_signer_files files;
	char *why = NULL;
	int r = ws_config_load(path, &c->cfg, &why);

	if (r < 0 && !(r == -ENOENT && !c->config_path)) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	free(why);
	why = NULL;
	c->lang = pick(c->lang, c->cfg, "certificate", "lang");
	if (c->lang && strcmp(c->lang, "en") != 0 && strcmp(c->lang, "de") != 0) {
		cli_err(cli, "--lang %s: the labels are in en or de", c->lang);
		return WS_EXIT_USAGE;
	}
	if (c->unsigned_pdf)
		return WS_EXIT_OK;
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

static int render(struct cli *cli, const struct pdf_ctl *c, const char *cert)
{
	struct ws_pdf_opts opts = {
		.lang = c->lang,
		/* the build tree's catalogs (tests, development) before they are installed */
		.localedir = getenv("WIPESEAL_LOCALEDIR"),
		.signer = c->signer,
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
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "unsigned", no_argument, NULL, OPT_UNSIGNED },
		{ "signer-key", required_argument, NULL, OPT_SIGNER_KEY },
		{ "signer-cert", required_argument, NULL, OPT_SIGNER_CERT },
		{ "signer-chain", required_argument, NULL, OPT_SIGNER_CHAIN },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct pdf_ctl c = { 0 };
	int opt, code;

	while ((opt = getopt_long(argc, argv, "l:o:fh", opts, NULL)) != -1) {
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
		case OPT_UNSIGNED:
			c.unsigned_pdf = true;
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
	if (optind >= argc || (c.out && argc - optind > 1)) {
		cli_err(cli, optind >= argc ? "no certificate given"
		                            : "--out names one file: give one certificate");
		return cli_bad_usage(cli);
	}
	code = prepare(cli, &c);
	for (int i = optind; code != WS_EXIT_USAGE && i < argc; i++)
		if (render(cli, &c, argv[i]) != WS_EXIT_OK)
			code = WS_EXIT_FAILED;
	ws_signer_free(c.signer);
	ws_config_free(c.cfg);
	return code;
}

#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer's default suppressions for this binary: fontconfig keeps a few bytes of the
 * configuration it parses the first time a font is looked up (libfontconfig 2.14, Debian 12),
 * never freed and not ours to free; the PDF's own font map is freed with it (pdf.c). */
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
