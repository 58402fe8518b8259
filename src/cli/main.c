/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - the wipeseal command: finds the subcommand and hands over. Nothing else.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "describe drives, what is on them and whether they may be wiped" },
	{ "check", cmd_check, "apply the safety gate to targets, writing nothing" },
	{ "stick", cmd_stick, "check a data stick: will the station start and sign with it" },
	{ "wipe", cmd_wipe, "erase (Clear or Purge), verify by reading back, certify" },
	{ "station", cmd_station, "the disposal station's screen: select, start, watch, certify" },
	{ "verify", cmd_verify, "check certificates of sanitization and the audit log" },
	{ "cosign", cmd_cosign, "add an operator's signature to certificates that await it" },
	{ "timestamp", cmd_timestamp, "add trusted-time tokens to certificates that await them" },
	{ "reverify", cmd_reverify, "read a wiped drive again against its certificate" },
	{ "validate", cmd_validate, "record the second person's decision on certificates" },
	{ "destroyed", cmd_destroyed, "record that a drive was destroyed, with its witness" },
	{ "show", cmd_show, "print a certificate of sanitization for human eyes" },
	{ "pdf", cmd_pdf, "render a certificate as a signed PDF people can print" },
	{ "find", cmd_find, "find certificates by serial or asset tag in the lot indexes" },
	{ "batch-report", cmd_batch_report,
	  "a batch's report (CSV, signed PDF) from its certificates" },
	{ "labels", cmd_labels, "a PDF sheet of drive labels for certificates that verify" },
	{ "unlock", cmd_unlock, "unlock a drive an interrupted security erase left locked" },
	{ "unfreeze", cmd_unfreeze, "suspend and wake the machine to lift SATA freeze locks" },
	{ "config", cmd_config, "read the configuration file as wipe and station read it" },
	{ "register", cmd_register, "the central register: init, push (PostgreSQL)" },
};

static int usage(FILE *out, int code)
{
	fputs("Usage: wipeseal [--verbose] COMMAND [OPTIONS] [ARGS]\n"
	      "       wipeseal --help | --version\n\n"
	      "Erase storage the NIST SP 800-88 way and prove it.\n\nCommands:\n",
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'wipeseal COMMAND --help' describes a command; see wipeseal(8).\n", out);
	return code;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ 0 },
	};
	struct cli cli = { .cmd = "" };
	char name[64];
	int c, r;

	/* '+': stop at the subcommand, its options are its own */
	while ((c = getopt_long(argc, argv, "+hVv", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return usage(stdout, WS_EXIT_OK);
		case 'V':
			printf("wipeseal %s (%s)\n", ws_version(), ws_git_revision());
			return WS_EXIT_OK;
		case 'v':
			cli.verbose++;
			break;
		default:
			fputs("Try 'wipeseal --help' for more information.\n", stderr);
			return WS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("wipeseal: no command given.\n", stderr);
		return usage(stderr, WS_EXIT_USAGE);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int first = optind;

		if (strcmp(argv[first], commands[i].name) != 0)
			continue;
		cli.cmd = commands[i].name;
		r = ws_ctx_new(&cli.ctx);
		if (r < 0) {
			cli_err(&cli, "cannot start the library: %s", strerror(-r));
			return WS_EXIT_FAILED;
		}
		ws_ctx_set_log(cli.ctx, cli_log, NULL, cli.verbose ? WS_LOG_DEBUG : WS_LOG_WARN);
		/* getopt names the program by argv[0]: make that "wipeseal CMD" */
		snprintf(name, sizeof(name), "wipeseal %s", commands[i].name);
		argv[first] = name;
		optind = 0; /* restart getopt for the subcommand's own options */
		r = commands[i].fn(&cli, argc - first, argv + first);
		ws_ctx_free(cli.ctx);
		return r;
	}
	fprintf(stderr, "wipeseal: '%s' is not a command. See 'wipeseal --help'.\n", argv[optind]);
	return WS_EXIT_USAGE;
}
