/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-station.c - `wipeseal station [OPTIONS] [DEVICE...]`: the terminal UI of a disposal
 * station (src/tui/, through tui.h). This file takes the same method, verification and certificate options
 * as `wipe` (wipe-setup.c) and checks them, the config file and the signer before the
 * screen opens: a station that could not certify does not let anyone start.
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "tui.h"

static int usage(void)
{
	fputs("Usage: wipeseal station [OPTIONS] [DEVICE...]\n\n"
	      "The disposal station's screen: select drives, start, watch them all wipe at once,\n"
	      "and get a certificate for each. Named DEVICEs are the only drives shown, and\n"
	      "start selected; without any, every real drive is shown (ineligible ones dimmed).\n"
	      "Keyboard only; works at 80x24 and on a serial console. '?' shows the keys.\n\n"
	      "      --all               also show virtual devices (loop) when none are "
	      "named\n" WIPE_SETUP_USAGE
	      "  -h, --help              show this help\n\n" CERTIFY_USAGE
	      "\nSee wipeseal(8) and docs/station.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

int cmd_station(struct cli *cli, int argc, char **argv)
{
	enum { OPT_ALL = 256, OPT_AUTO };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "auto", no_argument, NULL, OPT_AUTO },
		{ "help", no_argument, NULL, 'h' },
		WIPE_SETUP_OPTIONS,
		{ 0 },
	};
	struct wipe_setup ws = WIPE_SETUP_INIT;
	bool all = false, unattended = false;
	int c, r, code;

	while ((c = getopt_long(argc, argv, WIPE_SETUP_SHORT "h", opts, NULL)) != -1) {
		r = wipe_setup_option(cli, &ws, c, optarg);
		if (r == 1)
			continue;
		if (r != 0)
			return r;
		switch (c) {
		case OPT_ALL:
			all = true;
			break;
		case OPT_AUTO:
			unattended = true;
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	if (unattended && all) {
		cli_err(cli, "--auto wipes physical drives only: drop --all, or name the devices");
		return cli_bad_usage(cli);
	}
	ws.station = true; /* [station] settings apply */
	code = wipe_setup_prepare(cli, &ws);
	if (code == WS_EXIT_OK && unattended)
		code = station_auto(cli, &ws, argv + optind, (size_t)(argc - optind));
	else if (code == WS_EXIT_OK)
		code = station_run(cli, &ws, argv + optind, (size_t)(argc - optind), all);
	wipe_setup_fini(&ws);
	return code;
}
