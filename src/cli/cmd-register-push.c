/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-push.c - `wipeseal register push`: verify files as `wipeseal verify` does and
 * store them in the register: certificates (NAME.json beside NAME.json.p7s), validation and
 * re-verification records, and audit logs (the lines the register lacks).
 *
 *   wipeseal register push --ca FILE|DIR [--tsa-ca FILE] [--validator-ca FILE]
 *                          [--register URL] [--register-ca F --register-cert F --register-key F]
 *                          FILE...
 *
 * One line per file: stored, duplicate, conflict, refused (with the reason) or unreachable.
 * Exit 0 when every file is stored or was there already; 1 when one was refused or is a
 * conflict; 6 when the register went away (the files from there on are not sent).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>

#include "cli.h"
#include "register-opts.h"

struct push_control {
	struct register_opts reg;
	const char *ca, *tsa_ca, *validator_ca;
};

enum { POPT_TSA = 0x5400, POPT_VALIDATOR };

static const char *const status_words[] = {
	[WS_PUSH_STORED] = "stored",           [WS_PUSH_DUPLICATE] = "duplicate",
	[WS_PUSH_CONFLICT] = "conflict",       [WS_PUSH_REFUSED] = "refused",
	[WS_PUSH_UNREACHABLE] = "unreachable",
};

static int usage(void)
{
	fputs(
	    "Usage: wipeseal register push --ca FILE|DIR [--tsa-ca FILE] [--validator-ca FILE]\n"
	    "                              [--register URL] [--register-ca F\n"
	    "                              --register-cert F --register-key F] FILE...\n\n"
	    "Verify each file as 'wipeseal verify' does and store it in the register: a\n"
	    "certificate (NAME.json with NAME.json.p7s beside it), a validation or\n"
	    "re-verification record, or a station's audit log (only the lines the register\n"
	    "lacks). What does not verify is refused with the reason and never stored; the\n"
	    "same file twice is harmless; the same id with other bytes is a conflict.\n\n"
	    "  -c, --ca FILE|DIR       the CA certificate(s) to trust (default\n"
	    "                          [register] verify_ca)\n"
	    "      --tsa-ca FILE       check RFC 3161 timestamp tokens against this CA\n"
	    "      --validator-ca FILE the validators' CA (default: the --ca)\n" REGISTER_OPTS_HELP
	    "  -h, --help              show this help\n\n"
	    "Exit 0: all stored or there already; 1: one refused or a conflict; 6: the\n"
	    "register went away. docs/register.md, wipeseal(8).\n",
	    stdout);
	return WS_EXIT_OK;
}

static int parse(const struct cli *cli, struct push_control *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "tsa-ca", required_argument, NULL, POPT_TSA },
		{ "validator-ca", required_argument, NULL, POPT_VALIDATOR },
		{ "help", no_argument, NULL, 'h' },
		REGISTER_LONG_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (register_opts_parse(&ctl->reg, c, optarg))
			continue;
		switch (c) {
		case 'c':
			ctl->ca = optarg;
			break;
		case POPT_TSA:
			ctl->tsa_ca = optarg;
			break;
		case POPT_VALIDATOR:
			ctl->validator_ca = optarg;
			break;
		case 'h':
			return -1;
		default:
			return cli_bad_usage(cli);
		}
	}
	if (optind >= argc) {
		cli_err(cli, "no file given: name the certificates, records or logs to push");
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

/* The CAs: --ca (or [register] verify_ca), --tsa-ca, --validator-ca. */
static int load_trust(const struct cli *cli, struct push_control *ctl, struct ws_trust *t[3])
{
	const char *paths[3] = { ctl->ca, ctl->tsa_ca, ctl->validator_ca };
	static const char *const what[3] = { "--ca", "--tsa-ca", "--validator-ca" };

	if (!paths[0])
		paths[0] = ws_config_get(ctl->reg.cfg, "register", "verify_ca");
	if (!paths[0]) {
		cli_err(cli,
		        "no CA to verify against: give --ca FILE (or set [register] verify_ca)");
		return WS_EXIT_USAGE;
	}
	for (int i = 0; i < 3; i++) {
		char *why = NULL;
		int r = paths[i] ? ws_trust_load(paths[i], &t[i], &why) : 0;

		if (r < 0) {
			cli_err(cli, "%s %s: %s", what[i], paths[i], why ? why : strerror(-r));
			free(why);
			return WS_EXIT_USAGE;
		}
	}
	return WS_EXIT_OK;
}

/* One line for @path's outcome. Return: the exit code it calls for. */
static int report(const char *path, const struct ws_push_outcome *o)
{
	char *p = cli_printable(path), *why = cli_printable(o->reason), *id = cli_printable(o->id);

	if (o->status == WS_PUSH_STORED || o->status == WS_PUSH_DUPLICATE) {
		if (o->kind == WS_PUSH_AUDIT_LOG)
			printf("%s %s (audit log of %s: %u lines stored)\n",
			       status_words[o->status], p, id, o->lines);
		else
			printf("%s %s (%s %s)\n", status_words[o->status], p,
			       o->kind == WS_PUSH_CERTIFICATE ? "certificate" : "record", id);
	} else {
		printf("%s %s: %s\n", status_words[o->status], p, why);
	}
	free(p);
	free(why);
	free(id);
	return o->status == WS_PUSH_UNREACHABLE                                ? WS_EXIT_OFFLINE
	       : o->status == WS_PUSH_CONFLICT || o->status == WS_PUSH_REFUSED ? WS_EXIT_FAILED
	                                                                       : WS_EXIT_OK;
}

struct push_run {
	int rc;
};

static void told(void *userdata, const char *path, const struct ws_push_outcome *o)
{
	struct push_run *run = userdata;
	int x = report(path, o);

	if (x != WS_EXIT_OK && run->rc != WS_EXIT_OFFLINE)
		run->rc = x;
}

static int push_all(struct ws_register *r, struct ws_trust *t[3], char **files, int n)
{
	struct ws_verify_opts vo = { .tsa_trust = t[1], .validator_trust = t[2] };
	struct push_run run = { WS_EXIT_OK };
	size_t done = 0;
	int e = ws_register_push_files(r, t[0], &vo, files, (size_t)n, told, &run, &done);

	if (e < 0) {
		fprintf(stderr, "wipeseal register push: %s\n", strerror(-e));
		return WS_EXIT_FAILED;
	}
	if (run.rc == WS_EXIT_OFFLINE)
		for (size_t j = done; j < (size_t)n; j++) {
			char *p = cli_printable(files[j]);

			printf("unreachable %s: not sent: the register went away\n", p);
			free(p);
		}
	return run.rc;
}

int cmd_register_push(struct cli *cli, int argc, char **argv)
{
	struct push_control ctl = { 0 };
	struct ws_trust *t[3] = { NULL };
	struct ws_register *r = NULL;
	int rc;

	/* `push --pending DIR`: the queue (cmd-register-pending.c) */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--pending", 9) == 0 && (!argv[i][9] || argv[i][9] == '='))
			return cmd_register_push_pending(cli, argc, argv);
	rc = parse(cli, &ctl, argc, argv);

	if (rc < 0)
		return usage();
	if (rc == WS_EXIT_OK)
		rc = register_opts_config(cli, &ctl.reg);
	if (rc == WS_EXIT_OK)
		rc = load_trust(cli, &ctl, t);
	if (rc == WS_EXIT_OK)
		rc = register_opts_connect(cli, &ctl.reg, &r);
	if (rc == WS_EXIT_OK)
		rc = push_all(r, t, argv + optind, argc - optind);
	ws_register_close(r);
	for (int i = 0; i < 3; i++)
		ws_trust_free(t[i]);
	register_opts_free(&ctl.reg);
	return rc;
}
