/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-destroyed.c - `wipeseal destroyed`: the record that a drive was physically destroyed
 * (NIST SP 800-88 Destruct), with its witness, signed by the station, linked to the wipe
 * certificate it closes.
 *
 *   wipeseal destroyed (DEVICE | --serial S [--model M]) --how HOW --witness NAME
 *                      [--witness-role ROLE] [--witness-organization ORG]
 *                      [--certificate CERT.json [--ca FILE|DIR]] [--cert-dir DIR]
 *                      [certificate options: --operator, --location, --notes, --signer-*,
 *                      --config, --audit-log]
 *
 * One line: the record written, or why not. Nothing is asked: every fact comes from the
 * options, the configuration and the device. The work is ws_destruction_record()'s
 * (wipeseal/destruction.h); this file reads the options, describes the device (nothing is
 * written to it) and maps the outcome to an exit code.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <wipeseal/destruction.h>

#include "certify.h"
#include "cli.h"

struct destroyed_control {
	const char *serial, *model, *how, *witness, *role, *org, *certificate, *ca, *cert_dir;
	bool cert_dir_given;
	struct certify cert;
	struct ws_trust *trust;
	struct ws_device *dev;
};

static int usage(void)
{
	fputs("Usage: wipeseal destroyed (DEVICE | --serial S [--model M]) --how HOW\n"
	      "                          --witness NAME [--witness-role ROLE]\n"
	      "                          [--witness-organization ORG]\n"
	      "                          [--certificate CERT.json [--ca FILE|DIR]]\n"
	      "                          [--cert-dir DIR] [certificate options]\n\n"
	      "Record that a drive was physically destroyed (NIST SP 800-88 Destruct), for\n"
	      "example one whose wipe FAILED: the drive (from the device when it is attached,\n"
	      "else --serial and --model as printed on its label), how, by whom (--operator or\n"
	      "the config, as on certificates), the witness, where and when. The record,\n"
	      "UTCTIME_MODEL_SERIAL.destruction.json, is signed by the station like a\n"
	      "certificate, written into the certificate directory, and said in the audit log\n"
	      "(DESTROYED). With --certificate the wipe certificate is verified first and\n"
	      "linked by its SHA-256; without it the record says that none is linked.\n"
	      "wipeseal verify checks the record.\n\n"
	      "  -s, --serial S          the drive's serial, when it is no longer attached\n"
	      "      --model M           and its model\n"
	      "  -H, --how HOW           shred, disintegrate, pulverize, incinerate or melt\n"
	      "  -w, --witness NAME      who saw it done (required)\n"
	      "      --witness-role ROLE the witness's role (also --witness-organization ORG)\n"
	      "  -C, --certificate FILE  the wipe certificate (NAME.json) it closes\n"
	      "  -c, --ca FILE|DIR       the CA that certificate is verified against (default\n"
	      "                          [operators] ca)\n"
	      "  -d, --cert-dir DIR      where the record goes (default [wipe] cert_dir, else\n"
	      "                          ./certificates)\n"
	      "  -h, --help              show this help\n\n" CERTIFY_USAGE
	      "\nExit 0 recorded; 1 the certificate does not verify, or the record or its\n"
	      "audit line could not be written; 2 a bad option (no witness, no drive, ...);\n"
	      "3 the certificate is another drive's. See wipeseal(8), docs/certificate.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

enum {
	DOPT_MODEL = 300,
	DOPT_ROLE,
	DOPT_ORG,
};

/* One option into @d. Return: false for one getopt rejected. */
static bool take_option(struct destroyed_control *d, int c, const char *arg)
{
	const char **slot = NULL;

	switch (c) {
	case 's':
		slot = &d->serial;
		break;
	case 'H':
		slot = &d->how;
		break;
	case 'w':
		slot = &d->witness;
		break;
	case 'C':
		slot = &d->certificate;
		break;
	case 'c':
		slot = &d->ca;
		break;
	case 'd':
		d->cert_dir_given = true;
		slot = &d->cert_dir;
		break;
	case DOPT_MODEL:
		slot = &d->model;
		break;
	case DOPT_ROLE:
		slot = &d->role;
		break;
	case DOPT_ORG:
		slot = &d->org;
		break;
	default:
		return certify_option(&d->cert, c, arg) == 1;
	}
	*slot = arg;
	return true;
}

/* What the options say before anything is loaded: each problem one line, exit 2. */
static int check_options(struct cli *cli, const struct destroyed_control *d, int n_devices,
                         enum ws_destruct_how *how)
{
	if (!d->witness || !*d->witness) {
		cli_err(cli, "no witness named: a destruction is recorded with its witness "
		             "(--witness NAME)");
		return WS_EXIT_USAGE;
	}
	if (!d->how || ws_destruct_how_parse(d->how, how) < 0) {
		cli_err(cli, "--how %s: use shred, disintegrate, pulverize, incinerate or melt",
		        d->how ? d->how : "missing");
		return WS_EXIT_USAGE;
	}
	if (n_devices > 1 || (n_devices == 0 && !d->serial)) {
		cli_err(cli, "name one drive: the device, or --serial S when it is no longer "
		             "attached");
		return WS_EXIT_USAGE;
	}
	if (n_devices == 1 && d->model) {
		cli_err(cli, "--model is for a drive no longer attached: the device says its own");
		return WS_EXIT_USAGE;
	}
	if (d->cert.unsigned_results) {
		cli_err(cli, "--unsigned: a destruction record is always signed");
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

/* The config, the signer and the audit log (certify_prepare()), the CA, the device. */
static int prepare(struct cli *cli, struct destroyed_control *d, const char *path)
{
	char *why = NULL;
	int code = certify_prepare(cli, &d->cert, &d->cert_dir, d->cert_dir_given), r = 0;

	if (code != WS_EXIT_OK)
		return code;
	if (d->certificate && !d->ca && !(d->ca = ws_config_get(d->cert.cfg, "operators", "ca"))) {
		cli_err(cli, "no CA to verify %s against: pass --ca (or set [operators] ca)",
		        d->certificate);
		return WS_EXIT_USAGE;
	}
	if (d->certificate && (r = ws_trust_load(d->ca, &d->trust, &why)) < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	if (path && (r = ws_device_describe(cli->ctx, path, &d->dev)) < 0) {
		cli_err(cli, "%s: %s", path, cli_strerror(r));
		return cli_exit_code(r);
	}
	if (mkdir(d->cert_dir, 0750) < 0 && errno != EEXIST) {
		cli_err(cli, "%s: cannot make the directory: %s; choose another with --cert-dir",
		        d->cert_dir, strerror(errno));
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

static int outcome_code(int error)
{
	switch (error) {
	case 0:
		return WS_EXIT_OK;
	case -EXDEV:
		return WS_EXIT_REFUSED;
	case -EINVAL:
	case -ENOENT:
	case -EISDIR:
	case -EACCES:
		return WS_EXIT_USAGE;
	default:
		return WS_EXIT_FAILED;
	}
}

static int record(struct cli *cli, struct destroyed_control *d, enum ws_destruct_how how)
{
	const struct ws_destruction_opts o = {
		.dev = d->dev,
		.serial = d->serial,
		.model = d->model,
		.how = how,
		.witness = d->witness,
		.witness_role = d->role,
		.witness_organization = d->org,
		.certificate = d->certificate,
		.trust = d->trust,
		.info = &d->cert.info,
		.signer = d->cert.signer,
		.dir = d->cert_dir,
		.audit_log = d->cert.audit_log,
	};
	struct ws_destruction_outcome out;
	int r = ws_destruction_record(&o, &out), code = outcome_code(r);

	if (r < 0)
		cli_err(cli, "%s", out.reason ? out.reason : strerror(-r));
	if (r == 0) {
		char *file = cli_printable(out.record);

		printf("%s: destruction recorded (%s, witness %s%s%s)\n", file,
		       ws_destruct_how_name(how), d->witness,
		       d->certificate ? "; linked to " : "; no wipe certificate linked",
		       d->certificate ? d->certificate : "");
		free(file);
	}
	if (r == 0 && out.audit_failed) {
		cli_err(cli, "%s", out.reason);
		code = WS_EXIT_FAILED;
	}
	ws_destruction_outcome_clear(&out);
	return code;
}

int cmd_destroyed(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "model", required_argument, NULL, DOPT_MODEL },
		{ "how", required_argument, NULL, 'H' },
		{ "witness", required_argument, NULL, 'w' },
		{ "witness-role", required_argument, NULL, DOPT_ROLE },
		{ "witness-organization", required_argument, NULL, DOPT_ORG },
		{ "certificate", required_argument, NULL, 'C' },
		{ "ca", required_argument, NULL, 'c' },
		{ "cert-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		CERTIFY_OPTIONS,
		{ 0 },
	};
	struct destroyed_control d = { .cert_dir = "certificates" };
	enum ws_destruct_how how = WS_DESTRUCT_SHRED;
	int c, code;

	while ((c = getopt_long(argc, argv, "s:H:w:C:c:d:h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage();
		if (!take_option(&d, c, optarg))
			return cli_bad_usage(cli);
	}
	code = check_options(cli, &d, argc - optind, &how);
	if (code == WS_EXIT_OK)
		code = prepare(cli, &d, optind < argc ? argv[optind] : NULL);
	if (code == WS_EXIT_OK)
		code = record(cli, &d, how);
	ws_device_free(d.dev);
	ws_trust_free(d.trust);
	certify_fini(&d.cert);
	return code;
}
