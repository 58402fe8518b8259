/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-find.c - `wipeseal register find`: the certificates a filter matches, newest
 * first, as a table for people or as JSON lines for scripts. Rows are printed as the
 * register streams them, so a search that matches a million rows prints a million lines in
 * flat memory. Exit 0 when something was found, WS_EXIT_NOT_SET (5) when nothing matched
 * (nothing printed: a script can test it), as `config get` does for a key the file lacks.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "register-query.h"

static int usage(void)
{
	fputs("Usage: wipeseal register find [OPTIONS]\n\n"
	      "Find certificates in the register, newest first: a table, or with --json one\n"
	      "JSON object per line. Every option narrows the search; none lists everything.\n\n",
	      stdout);
	fputs(REGQ_FILTER_HELP, stdout);
	fputs("  --json                one JSON object per line (the columns by name)\n", stdout);
	fputs(REGISTER_OPTS_HELP, stdout);
	fputs("  -h, --help            show this help\n\n"
	      "Exit status: 0 found, 5 nothing matched, 1 the register failed, 2 usage.\n"
	      "See wipeseal(8) and docs/register.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

struct find_ctl {
	struct regq q;
	bool json;
	size_t found;
};

static void cell(const char *s, int width)
{
	char *p = cli_printable(s);

	printf("%-*s ", width, p);
	free(p);
}

static int print_row(void *userdata, const struct ws_register_row *row)
{
	struct find_ctl *ctl = userdata;
	char *line = NULL;
	int r;

	if (ctl->json) {
		r = ws_register_row_json(row, false, &line);
		if (r < 0)
			return r;
		puts(line);
		free(line);
	} else {
		if (!ctl->found)
			printf("%-24s %-8s %-7s %-20s %-12s %-16s %-36s %s\n", "ISSUED", "STATUS",
			       "LEVEL", "SERIAL", "ASSET TAG", "OPERATOR", "CERTIFICATE",
			       "STATION");
		cell(row->issued, 24);
		cell(row->status, 8);
		cell(row->nist_level, 7);
		cell(row->serial, 20);
		cell(row->asset_tag, 12);
		cell(row->operator_name, 16);
		cell(row->certificate_id, 36);
		line = cli_printable(row->station);
		puts(line);
		free(line);
	}
	ctl->found++;
	return ferror(stdout) ? -EIO : 0;
}

int cmd_register_find(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		REGQ_FILTER_OPTIONS,
		REGISTER_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct find_ctl ctl = { .q.cli = cli };
	char *reason = NULL;
	int r;

	r = regq_args(&ctl.q, argc, argv, opts, &ctl.json, usage);
	if (r != REGQ_GO_ON)
		return r;
	r = regq_connect(&ctl.q);
	if (r == WS_EXIT_OK) {
		r = ws_register_find(ctl.q.reg, &ctl.q.filter, false, print_row, &ctl, &reason);
		r = r < 0       ? regq_fail(&ctl.q, r, reason, "the search failed")
		    : ctl.found ? WS_EXIT_OK
		                : WS_EXIT_NOT_SET;
	}
	regq_done(&ctl.q);
	return r;
}
