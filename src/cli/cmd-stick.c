/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-stick.c - `wipeseal stick check PATH`: will the station that boots with this data
 * stick start and sign? Told at a desk, before anyone walks to the machine.
 *
 * The library checks (src/lib/stick.c: the same config parser and signer loader the
 * station runs) and mounts a device or image read-only (src/lib/stick-mount.c); this file
 * prints one line per finding and the verdict. certs/make-stick.sh writes the stick.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/stick.h>

#include "cli.h"

/* What `stick check` was asked. */
struct stick_cmd {
	const char *path;
	unsigned drives;
	unsigned warn_days;
};

static int usage(void)
{
	fputs("Usage: wipeseal stick check [--drives N] [--warn-days D] PATH\n\n"
	      "Check a prepared data stick: the station that boots with it will start and sign.\n"
	      "PATH is the stick's mount point, its device or an image file (mounted read-only\n"
	      "here; the FAT file system labelled WIPESEAL, whole or in a partition).\n\n"
	      "  -n, --drives N     room wanted for N drives' certificates (default 1000)\n"
	      "  -w, --warn-days D  warn when the signer expires within D days (default 30)\n"
	      "  -h, --help         show this help\n\n"
	      "One line per finding, then the verdict. Exit 0: it will start and sign; 1: it\n"
	      "will not (the verdict says why); 2: bad usage or PATH cannot be read.\n"
	      "certs/make-stick.sh writes a stick. See wipeseal(8) and docs/release.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

static const char *level_name(enum ws_stick_level l)
{
	switch (l) {
	case WS_STICK_PASS:
		return "ok";
	case WS_STICK_WARN:
		return "WARN";
	case WS_STICK_NOTE:
		return "note";
	case WS_STICK_FAIL:
		return "FAIL";
	}
	return "?";
}

static int stick_check(struct cli *cli, const struct stick_cmd *s)
{
	struct ws_stick_check_args a = { .args_size = sizeof(a),
		                         .drives = s->drives,
		                         .warn_days = s->warn_days };
	struct ws_stick_mount *m = NULL;
	struct ws_stick_report *rep = NULL;
	const char *why = NULL;
	char *reason = NULL;
	int r = ws_stick_mount(s->path, &m, &reason);

	if (r < 0) {
		cli_err(cli, "%s", reason ? reason : strerror(-r));
		free(reason);
		return WS_EXIT_USAGE;
	}
	a.root = ws_stick_mount_root(m);
	a.free_bytes = ws_stick_mount_free_bytes(m);
	if (a.free_bytes)
		printf("%s: the " WS_STICK_LABEL " file system, read with mtools (this kernel "
		       "cannot mount FAT)\n",
		       s->path);
	else if (ws_stick_mount_source(m))
		printf("%s: the " WS_STICK_LABEL " file system, mounted read-only from %s\n",
		       s->path, ws_stick_mount_source(m));
	r = ws_stick_check(&a, &rep);
	ws_stick_unmount(m);
	if (r < 0) {
		cli_err(cli, "%s", strerror(-r));
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < rep->n; i++) {
		cli_make_printable(rep->v[i].text);
		printf("  %-4s  %s\n", level_name(rep->v[i].level), rep->v[i].text);
	}
	if (ws_stick_verdict(rep, &why))
		printf("this stick will start and sign\n");
	else
		printf("this stick will NOT start and sign: %s\n", why);
	r = why ? WS_EXIT_FAILED : WS_EXIT_OK;
	ws_stick_report_free(rep);
	return r;
}

/* A count option: digits only, 1 to 1000000. */
static bool count(const char *s, unsigned *ret)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 1000000)
		return false;
	*ret = (unsigned)v;
	return true;
}

int cmd_stick(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "drives", required_argument, NULL, 'n' },
		{ "warn-days", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct stick_cmd s = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "n:w:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
		case 'w':
			if (!count(optarg, opt == 'n' ? &s.drives : &s.warn_days)) {
				cli_err(cli, "--%s '%s': a whole number from 1 to 1000000",
				        opt == 'n' ? "drives" : "warn-days", optarg);
				return WS_EXIT_USAGE;
			}
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	if (optind >= argc || strcmp(argv[optind], "check") != 0) {
		cli_err(cli, "%s: use 'wipeseal stick check PATH'",
		        optind >= argc ? "no action given" : "not an action");
		return WS_EXIT_USAGE;
	}
	if (argc - optind != 2) {
		cli_err(cli, "check takes one PATH: the stick's mount point, device or image file");
		return WS_EXIT_USAGE;
	}
	s.path = argv[optind + 1];
	return stick_check(cli, &s);
}
