/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register.c - `wipeseal register VERB`: the central register (docs/register.md).
 *
 * Only dispatches: each verb is a file of its own (cmd-register-VERB.c) and one line of the
 * table below. The verbs share their connection options (src/front/register-opts.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *summary;
} verbs[] = {
	{ "init", cmd_register_init, "create the register's tables and roles, or migrate them" },
	{ "push", cmd_register_push,
	  "verify certificates, records and audit logs, and store them" },
};

static int usage(FILE *out, int code)
{
	fputs("Usage: wipeseal register VERB [OPTIONS] [ARGS]\n\n"
	      "The central register: certificates, validation and re-verification records and\n"
	      "audit logs collected in PostgreSQL.\n\nVerbs:\n",
	      out);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n'wipeseal register VERB --help' describes a verb; see wipeseal(8) and\n"
	      "docs/register.md.\n",
	      out);
	return code;
}

int cmd_register(struct cli *cli, int argc, char **argv)
{
	static char name[64], cmd[48];
	struct cli sub = *cli;

	if (argc < 2) {
		cli_err(cli, "no verb given: try 'wipeseal register --help'");
		return WS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(stdout, WS_EXIT_OK);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		/* getopt names the program by argv[0]: "wipeseal register VERB" */
		snprintf(name, sizeof(name), "wipeseal register %s", verbs[i].name);
		argv[1] = name;
		snprintf(cmd, sizeof(cmd), "register %s", verbs[i].name);
		sub.cmd = cmd;
		optind = 0;
		return verbs[i].fn(&sub, argc - 1, argv + 1);
	}
	cli_err(cli, "'%s' is not a verb: try 'wipeseal register --help'", argv[1]);
	return WS_EXIT_USAGE;
}
