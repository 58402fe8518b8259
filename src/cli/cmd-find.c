/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-find.c - `wipeseal find --serial S | --asset-tag T [DIR]`: the certificates filed for a
 * drive, found through the lot folders' index.tsv files (wipeseal/lot.h) without reading a
 * certificate or needing jq. What it prints is what the indexes say; `wipeseal verify`
 * checks the certificates it names. Not `register find`, which asks the central register.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "certify.h"

struct find_ctl {
	struct cli *cli;
	enum ws_lot_key key;
	const char *value, *config_path;
	unsigned unreadable;
};

static int usage(void)
{
	fputs("Usage: wipeseal find (--serial S | --asset-tag T) [DIR]\n\n"
	      "Find the certificates filed for a drive in the lot folders under DIR (default:\n"
	      "[wipe] cert_dir of the configuration, else ./certificates), through each\n"
	      "folder's index.tsv. Prints one line per certificate: its status as filed, its\n"
	      "start, and its path. `wipeseal verify` checks the certificates it names.\n\n"
	      "  -s, --serial S          the drive's serial number, exactly\n"
	      "  -t, --asset-tag T       its asset tag, exactly\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "  -h, --help              show this help\n\n"
	      "Exit status: 0 found, 5 nothing found. See wipeseal(8) and docs/lots.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

static int found(void *userdata, const char *path, const struct ws_lot_row *row)
{
	char *p = cli_printable(path);

	(void)userdata;
	printf("%-8s %-24s %s\n", row->status[0] ? row->status : "-",
	       row->started[0] ? row->started : "-", p ? p : path);
	free(p);
	return 0;
}

static void skipped(void *userdata, const char *index, int error)
{
	struct find_ctl *c = userdata;
	char *p = cli_printable(index);

	c->unreadable++;
	cli_err(c->cli, "%s: cannot be read (%s): its certificates are not searched", p ? p : index,
	        strerror(-error));
	free(p);
}

/* DIR, else [wipe] cert_dir, else ./certificates. */
static int default_dir(struct find_ctl *c, const char **ret, struct ws_config **cfg)
{
	int code = cli_config_load(c->cli, c->config_path, cfg);

	if (code != WS_EXIT_OK)
		return code;
	*ret = ws_config_get(*cfg, "wipe", "cert_dir") ? ws_config_get(*cfg, "wipe", "cert_dir")
	                                               : "certificates";
	return WS_EXIT_OK;
}

static int parse(struct find_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "asset-tag", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "s:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
		case 't':
			if (c->value) {
				cli_err(c->cli, "give one of --serial and --asset-tag, once");
				return cli_bad_usage(c->cli);
			}
			c->key = opt == 's' ? WS_LOT_BY_SERIAL : WS_LOT_BY_ASSET_TAG;
			c->value = optarg;
			break;
		case OPT_CONFIG:
			c->config_path = optarg;
			break;
		case 'h':
			usage();
			return -1;
		default:
			return cli_bad_usage(c->cli);
		}
	}
	if (!c->value || !*c->value || argc - optind > 1) {
		cli_err(c->cli, !c->value || !*c->value ? "give --serial S or --asset-tag T"
		                                        : "give one directory to search");
		return cli_bad_usage(c->cli);
	}
	return 0;
}

int cmd_find(struct cli *cli, int argc, char **argv)
{
	struct find_ctl c = { .cli = cli };
	struct ws_config *cfg = NULL;
	const char *dir = NULL;
	int r = parse(&c, argc, argv), code = WS_EXIT_OK;

	if (r != 0)
		return r < 0 ? WS_EXIT_OK : r;
	if (optind < argc)
		dir = argv[optind];
	else
		code = default_dir(&c, &dir, &cfg);
	if (code == WS_EXIT_OK) {
		r = ws_lot_find(dir, c.key, c.value, found, skipped, &c);
		if (r < 0) {
			cli_err(cli, "%s: cannot be searched: %s", dir, strerror(-r));
			code = r == -ENOENT || r == -ENOTDIR ? WS_EXIT_USAGE : WS_EXIT_FAILED;
		} else if (r == 0) {
			cli_err(cli, "no certificate for %s %s under %s%s",
			        c.key == WS_LOT_BY_SERIAL ? "serial" : "asset tag", c.value, dir,
			        c.unreadable ? " (some indexes could not be read)" : "");
			code = c.unreadable ? WS_EXIT_FAILED : WS_EXIT_NOT_SET;
		}
	}
	ws_config_free(cfg);
	return code;
}
