/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-check.c - `wipeseal check TARGET...`: put each target through the safety gate exactly
 * as a wipe would (exclusive open, fresh facts, every rule) and say whether it would pass.
 * Nothing is written: the targets are opened read-only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int usage(void)
{
	fputs("Usage: wipeseal check [--quiet] TARGET...\n\n"
	      "Apply the safety gate to each TARGET (a whole-disk device or a disk image file)\n"
	      "the way 'wipeseal wipe' would, and write nothing. Exit 0 when every target\n"
	      "passes, 3 when the gate refuses one, 2 when one does not exist.\n\n"
	      "  -q, --quiet  print only refusals\n"
	      "  -h, --help   show this help\n\n"
	      "See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool quiet = false;
	int c, code = WS_EXIT_OK;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	if (optind >= argc) {
		cli_err(cli, "no target named: name a device or an image file");
		return cli_bad_usage(cli);
	}
	for (int i = optind; i < argc; i++) {
		struct ws_target *t = NULL;
		char *why = NULL;
		int r = ws_gate_open(cli->ctx, argv[i], WS_GATE_NAMED, &t, &why);

		if (r == 0) {
			char *path = cli_printable(argv[i]),
			     *token = cli_printable(ws_device_confirm_token(ws_target_device(t)));

			if (!quiet)
				printf("%s: passes the gate (confirm with: %s)\n", path, token);
			free(path);
			free(token);
			ws_target_free(t);
			continue;
		}
		cli_err(cli, "%s: %s%s", argv[i], r == -EPERM ? "refused: " : "",
		        why ? why : strerror(-r));
		free(why);
		code = cli_worse(code, cli_exit_code(r));
	}
	return code;
}
