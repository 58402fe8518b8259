/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-stats.c - `wipeseal register stats`: per station and day (UTC), how many
 * certificates of each status, method and NIST level, with the first and last issued; a
 * table, or JSON lines (ws_register_stats()).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "register-query.h"

static int usage(void)
{
	fputs("Usage: wipeseal register stats [--station SUBJECT] [--since TIME] [--until TIME]\n"
	      "                               [--json] [OPTIONS]\n\n"
	      "Count the register's certificates per station and day (UTC): by status, method\n"
	      "and NIST level, with the first and last issued.\n\n"
	      "  --station SUBJECT     only this station\n"
	      "  --since TIME, --until TIME   issued in this range (as for find)\n"
	      "  --json                one JSON object per line\n",
	      stdout);
	fputs(REGISTER_OPTS_HELP, stdout);
	fputs("  -h, --help            show this help\n\n"
	      "Exit status: 0, 1 the register failed, 2 usage. See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

struct stats_ctl {
	struct regq q;
	bool json;
	size_t rows;
};

static void add(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

static int stats_json(const struct ws_register_stats_row *row)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return -ENOMEM;
	add(o, "station", row->station);
	add(o, "day", row->day);
	add(o, "status", row->status);
	add(o, "method", row->method);
	add(o, "nist_level", row->nist_level);
	json_object_object_add(o, "count", json_object_new_uint64(row->count));
	add(o, "first_issued", row->first_issued);
	add(o, "last_issued", row->last_issued);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

static int print_row(void *userdata, const struct ws_register_stats_row *row)
{
	struct stats_ctl *ctl = userdata;
	const char *cells[] = { row->day,          row->status,      row->method, row->nist_level,
		                row->first_issued, row->last_issued, row->station };
	char *p[7];
	int r = 0;

	if (ctl->json) {
		r = stats_json(row);
	} else {
		if (!ctl->rows)
			printf("%-10s %-8s %-8s %-7s %7s %-24s %-24s %s\n", "DAY", "STATUS",
			       "METHOD", "LEVEL", "COUNT", "FIRST", "LAST", "STATION");
		for (size_t i = 0; i < 7; i++)
			p[i] = cli_printable(cells[i]);
		printf("%-10s %-8s %-8s %-7s %7" PRIu64 " %-24s %-24s %s\n", p[0], p[1], p[2], p[3],
		       row->count, p[4], p[5], p[6]);
		for (size_t i = 0; i < 7; i++)
			free(p[i]);
	}
	ctl->rows++;
	return r < 0 ? r : ferror(stdout) ? -EIO : 0;
}

int cmd_register_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		REGISTER_LONG_OPTIONS,
		{ "station", required_argument, NULL, RQ_STATION },
		{ "since", required_argument, NULL, RQ_SINCE },
		{ "until", required_argument, NULL, RQ_UNTIL },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct stats_ctl ctl = { .q.cli = cli };
	char *reason = NULL;
	int r;

	r = regq_args(&ctl.q, argc, argv, opts, &ctl.json, usage);
	if (r != REGQ_GO_ON)
		return r;
	r = regq_connect(&ctl.q);
	if (r == WS_EXIT_OK) {
		r = ws_register_stats(ctl.q.reg, &ctl.q.filter, print_row, &ctl, &reason);
		r = r < 0 ? regq_fail(&ctl.q, r, reason, "the statistics failed") : WS_EXIT_OK;
	}
	regq_done(&ctl.q);
	return r;
}
