/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-unfreeze.c - `wipeseal unfreeze`: suspend the machine to RAM for a few seconds and
 * wake it by the RTC alarm, which lifts the freeze lock most BIOSes set on SATA drives at
 * boot. It affects the whole machine, so it asks first (or takes --yes).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int usage(void)
{
	fputs("Usage: wipeseal unfreeze [--yes] [--seconds N]\n\n"
	      "Suspend this machine to RAM and wake it by the RTC alarm after N seconds\n"
	      "(default 5): frozen SATA drives come back unfrozen. Wipes in progress would be\n"
	      "interrupted: run it before wiping.\n\n"
	      "  -y, --yes        do not ask\n"
	      "  -s, --seconds N  how long to sleep (2 to 60)\n"
	      "  -h, --help       show this help\n\nSee wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

int cmd_unfreeze(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool yes = false;
	unsigned long seconds = 5;
	char *why = NULL, line[16], *end;
	int c, r;

	while ((c = getopt_long(argc, argv, "ys:h", opts, NULL)) != -1) {
		if (c == 'y') {
			yes = true;
		} else if (c == 's') {
			seconds = strtoul(optarg, &end, 10);
			if (*end || seconds < 2 || seconds > 60) {
				cli_err(cli, "--seconds takes 2 to 60, not '%s'", optarg);
				return cli_bad_usage(cli);
			}
		} else if (c == 'h') {
			return usage();
		} else {
			return cli_bad_usage(cli);
		}
	}
	if (optind < argc) {
		cli_err(cli, "unfreeze takes no device: it suspends the whole machine");
		return cli_bad_usage(cli);
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			cli_err(cli,
			        "refused: no terminal to confirm on; pass --yes to suspend from a "
			        "script");
			return WS_EXIT_REFUSED;
		}
		fprintf(stderr,
		        "Suspend this machine for %lu seconds? Type YES to confirm: ", seconds);
		if (!fgets(line, sizeof(line), stdin) || strcmp(line, "YES\n") != 0) {
			cli_err(cli, "refused: not confirmed");
			return WS_EXIT_REFUSED;
		}
	}
	r = ws_suspend_cycle(cli->ctx, (unsigned)seconds, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : "suspend failed");
		free(why);
		return WS_EXIT_FAILED;
	}
	printf("back from suspend: list the drives again to see whether they are still frozen\n");
	return WS_EXIT_OK;
}
