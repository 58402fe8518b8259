/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-config.c - `wipeseal config get|check`: the configuration file as wipeseal reads it.
 *
 * The boot image's init script reads its settings through `config get` instead of parsing
 * the file itself, so the library's parser is the only one: a file with Windows line
 * endings or an end-of-line comment means the same to the script as to `wipe` and
 * `station` (docs/config.md). `config check` says whether they would accept a file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* What `config` was asked. */
struct config_cmd {
	const char *path; /* --config, or NULL for the default file */
};

static int usage(void)
{
	fputs("Usage: wipeseal config get [--config FILE] SECTION KEY\n"
	      "       wipeseal config check [--config FILE]\n\n"
	      "Read the configuration file as 'wipe' and 'station' read it.\n"
	      "Without --config: " WS_CONFIG_DEFAULT "\n\n"
	      "  get    print the value of KEY in [SECTION]: exit 0; exit 5, printing nothing,\n"
	      "         when the file does not set it\n"
	      "  check  exit 0 when the file is valid; otherwise one line saying what is wrong\n"
	      "         and where, exit 2\n\n"
	      "  -c, --config FILE  read FILE (it must exist)\n"
	      "  -h, --help         show this help\n\n"
	      "See wipeseal(8) and docs/config.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

/* Load the file into *ret; a missing default file is an empty configuration, as for `wipe`,
 * and *ret_missing says so. Return: an exit code (2 for every problem with the file). */
static int load(struct cli *cli, const struct config_cmd *c, struct ws_config **ret,
                bool *ret_missing)
{
	char *why = NULL;
	int r = ws_config_load(c->path ? c->path : WS_CONFIG_DEFAULT, ret, &why);

	*ret_missing = r == -ENOENT && !c->path;
	if (*ret_missing) {
		free(why);
		return ws_config_new(ret) < 0 ? WS_EXIT_FAILED : WS_EXIT_OK;
	}
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

static int config_get(struct cli *cli, const struct config_cmd *c, int argc, char **argv)
{
	struct ws_config *cfg = NULL;
	const char *value;
	bool missing;
	int code;

	if (argc != 2) {
		cli_err(cli, "get takes SECTION KEY, as in 'wipeseal config get station auto'");
		return WS_EXIT_USAGE;
	}
	if (!ws_config_key_known(argv[0], argv[1])) {
		cli_err(cli, "unknown key '%s' in [%s] (see docs/config.md)", argv[1], argv[0]);
		return WS_EXIT_USAGE;
	}
	if ((code = load(cli, c, &cfg, &missing)) != WS_EXIT_OK)
		return code;
	value = ws_config_get(cfg, argv[0], argv[1]);
	if (!value) {
		code = WS_EXIT_NOT_SET;
	} else if (isatty(STDOUT_FILENO)) { /* a script gets the value as it is; a terminal, safe */
		char *safe = cli_printable(value);

		printf("%s\n", safe);
		free(safe);
	} else {
		printf("%s\n", value);
	}
	ws_config_free(cfg);
	return code;
}

static int config_check(struct cli *cli, const struct config_cmd *c, int argc)
{
	struct ws_config *cfg = NULL;
	char *path = cli_printable(c->path ? c->path : WS_CONFIG_DEFAULT);
	bool missing;
	int code = WS_EXIT_USAGE;

	if (argc != 0)
		cli_err(cli, "check takes no argument: name the file with --config FILE");
	else if ((code = load(cli, c, &cfg, &missing)) == WS_EXIT_OK)
		printf(missing ? "%s: not there: wipe and station use their flags and defaults\n"
		               : "%s: valid\n",
		       path);
	ws_config_free(cfg);
	free(path);
	return code;
}

int cmd_config(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct config_cmd c = { 0 };
	const char *action;
	int opt;

	/* options anywhere: "config get --config F station auto" and "config --config F get ..." */
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.path = optarg;
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	if (optind >= argc) {
		cli_err(cli, "no action given: use 'get SECTION KEY' or 'check'");
		return WS_EXIT_USAGE;
	}
	action = argv[optind++];
	if (strcmp(action, "get") == 0)
		return config_get(cli, &c, argc - optind, argv + optind);
	if (strcmp(action, "check") == 0)
		return config_check(cli, &c, argc - optind);
	cli_err(cli, "'%s' is not an action: use 'get SECTION KEY' or 'check'", action);
	return WS_EXIT_USAGE;
}
