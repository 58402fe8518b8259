/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-init.c - `wipeseal register init`: create the register's tables, functions
 * and roles, or migrate them to this build's schema version; run as the owner.
 *
 *   wipeseal register init [--retention-days N] [--station-role NAME] [--auditor-role NAME]
 *                          [--register URL] [--register-ca F --register-cert F --register-key F]
 *
 * Run twice, it changes nothing (but the retention asked for). One line: what it did.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "register-opts.h"

struct init_control {
	struct register_opts reg;
	struct ws_register_init_opts init;
};

enum { IOPT_STATION = 0x5300, IOPT_AUDITOR };

static int usage(void)
{
	fputs(
	    "Usage: wipeseal register init [--retention-days N] [--station-role NAME]\n"
	    "                              [--auditor-role NAME] [--register URL]\n"
	    "                              [--register-ca F --register-cert F --register-key F]\n\n"
	    "Create the register's tables, functions and roles in the database the URL names,\n"
	    "or migrate them to this wipeseal's schema version. Run it as the owner role.\n"
	    "Running it again changes nothing but the retention asked for.\n\n"
	    "  -r, --retention-days N  keep records at least N days (at least 180, the\n"
	    "                          default for a new register)\n"
	    "      --station-role NAME the stations' group role (default wipeseal_station)\n"
	    "      --auditor-role NAME the auditors' group role (default "
	    "wipeseal_auditor)\n" REGISTER_OPTS_HELP "  -h, --help              show this help\n\n"
	    "docs/register.md, wipeseal(8).\n",
	    stdout);
	return WS_EXIT_OK;
}

static int parse(const struct cli *cli, struct init_control *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "retention-days", required_argument, NULL, 'r' },
		{ "station-role", required_argument, NULL, IOPT_STATION },
		{ "auditor-role", required_argument, NULL, IOPT_AUDITOR },
		{ "help", no_argument, NULL, 'h' },
		REGISTER_LONG_OPTIONS,
		{ 0 },
	};
	unsigned long days;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		if (register_opts_parse(&ctl->reg, c, optarg))
			continue;
		switch (c) {
		case 'r':
			errno = 0;
			days = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    days < WS_REGISTER_MIN_RETENTION_DAYS || days > 100000) {
				cli_err(cli,
				        "--retention-days %s: give a number of days, at least %u",
				        optarg, WS_REGISTER_MIN_RETENTION_DAYS);
				return WS_EXIT_USAGE;
			}
			ctl->init.retention_days = (unsigned)days;
			break;
		case IOPT_STATION:
			ctl->init.station_role = optarg;
			break;
		case IOPT_AUDITOR:
			ctl->init.auditor_role = optarg;
			break;
		case 'h':
			return -1;
		default:
			return cli_bad_usage(cli);
		}
	}
	if (optind < argc) {
		cli_err(cli, "unexpected argument '%s': try --help", argv[optind]);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

int cmd_register_init(struct cli *cli, int argc, char **argv)
{
	struct init_control ctl = { 0 };
	struct ws_register *r = NULL;
	char *why = NULL;
	int rc = parse(cli, &ctl, argc, argv), from = 0, e;

	if (rc < 0)
		return usage();
	if (rc == WS_EXIT_OK)
		rc = register_opts_connect(cli, &ctl.reg, &r);
	if (rc != WS_EXIT_OK) {
		register_opts_free(&ctl.reg);
		return rc;
	}
	e = ws_register_init(r, &ctl.init, &from, &why);
	if (e < 0) {
		cli_err(cli, "%s", why ? why : strerror(-e));
		rc = e == -EINVAL         ? WS_EXIT_USAGE
		     : e == -EHOSTUNREACH ? WS_EXIT_OFFLINE
		                          : WS_EXIT_FAILED;
	} else if (from == WS_REGISTER_SCHEMA_VERSION) {
		printf("register: schema version %d already%s\n", from,
		       ctl.init.retention_days ? "; retention set" : ": nothing changed");
	} else if (from == 0) {
		printf("register: schema version %d created\n", WS_REGISTER_SCHEMA_VERSION);
	} else {
		printf("register: schema migrated from version %d to %d\n", from,
		       WS_REGISTER_SCHEMA_VERSION);
	}
	free(why);
	ws_register_close(r);
	register_opts_free(&ctl.reg);
	return rc;
}
