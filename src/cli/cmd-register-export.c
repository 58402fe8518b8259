/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-export.c - `wipeseal register export --csv|--json`: the certificates a filter
 * matches, for an asset-management system: CSV (RFC 4180, a header record first, formula
 * cells escaped: docs/register.md), JSON lines, or one JSON array; with --documents each
 * certificate's exact bytes as a last column. To stdout, or to --output FILE, which must not
 * exist (created exclusively, never overwritten) and is removed again when the export fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "register-query.h"

static int usage(void)
{
	fputs("Usage: wipeseal register export --csv|--json [--array] [--documents] [OPTIONS]\n\n"
	      "Export the certificates the filters match, newest first.\n\n"
	      "  --csv                 CSV (RFC 4180), a header record first\n"
	      "  --json                one JSON object per line\n"
	      "  --array               with --json: one JSON array instead\n"
	      "  --documents           add each certificate's exact JSON bytes\n"
	      "  -o, --output FILE     write FILE, which must not exist (default: stdout)\n",
	      stdout);
	fputs(REGQ_FILTER_HELP, stdout);
	fputs(REGISTER_OPTS_HELP, stdout);
	fputs("  -h, --help            show this help\n\n"
	      "Exit status: 0 exported (maybe nothing), 1 the register or the output failed,\n"
	      "2 usage. See wipeseal(8) and docs/register.md.\n",
	      stdout);
	return WS_EXIT_OK;
}

struct export_ctl {
	struct regq q;
	int format; /* 'c' or 'j' */
	bool array, documents;
	const char *output;
	FILE *out;
	size_t rows;
};

static int put_row(void *userdata, const struct ws_register_row *row)
{
	struct export_ctl *ctl = userdata;
	char *text = NULL;
	int r = ctl->format == 'c' ? ws_register_row_csv(row, ctl->documents, &text)
	                           : ws_register_row_json(row, ctl->documents, &text);

	if (r < 0)
		return r;
	if (ctl->format == 'c')
		fputs(text, ctl->out);
	else if (ctl->array)
		fprintf(ctl->out, "%s%s", ctl->rows ? ",\n" : "[\n", text);
	else
		fprintf(ctl->out, "%s\n", text);
	free(text);
	ctl->rows++;
	return ferror(ctl->out) ? -EIO : 0;
}

static int open_output(struct export_ctl *ctl)
{
	int fd;

	if (!ctl->output) {
		ctl->out = stdout;
		return WS_EXIT_OK;
	}
	fd = open(ctl->output, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0 || !(ctl->out = fdopen(fd, "w"))) {
		cli_err(ctl->q.cli, "cannot create %s: %s%s", ctl->output, strerror(errno),
		        errno == EEXIST ? " (the export never overwrites: name a new file)" : "");
		if (fd >= 0)
			close(fd);
		return errno == EEXIST ? WS_EXIT_USAGE : WS_EXIT_FAILED;
	}
	return WS_EXIT_OK;
}

/* The header, the rows, the end; flushed (and fsync'd for a file). */
static int run_export(struct export_ctl *ctl)
{
	char *text = NULL, *reason = NULL;
	int r = 0;

	if (ctl->format == 'c') {
		r = ws_register_csv_header(ctl->documents, &text);
		if (r == 0)
			fputs(text, ctl->out);
		free(text);
	}
	if (r == 0)
		r = ws_register_find(ctl->q.reg, &ctl->q.filter, ctl->documents, put_row, ctl,
		                     &reason);
	if (r == 0 && ctl->array)
		fputs(ctl->rows ? "\n]\n" : "[]\n", ctl->out);
	if (r == 0 && (fflush(ctl->out) != 0 || (ctl->output && fsync(fileno(ctl->out)) != 0)))
		r = -errno;
	if (r < 0)
		return regq_fail(&ctl->q, r, reason, "the export failed");
	return WS_EXIT_OK;
}

static int parse(struct export_ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		REGQ_FILTER_OPTIONS,
		REGISTER_LONG_OPTIONS,
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "array", no_argument, NULL, 'a' },
		{ "documents", no_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		r = regq_option(&ctl->q, c, optarg, true);
		if (r != 0) {
			if (r < 0)
				return WS_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'c':
		case 'j':
			if (ctl->format && ctl->format != c) {
				cli_err(ctl->q.cli, "--csv or --json, not both");
				return WS_EXIT_USAGE;
			}
			ctl->format = c;
			break;
		case 'a':
			ctl->array = true;
			break;
		case 'd':
			ctl->documents = true;
			break;
		case 'o':
			ctl->output = optarg;
			break;
		case 'h':
			return usage() == WS_EXIT_OK ? -1 : WS_EXIT_USAGE;
		default:
			return cli_bad_usage(ctl->q.cli);
		}
	}
	if (!ctl->format || optind < argc || (ctl->array && ctl->format != 'j')) {
		cli_err(ctl->q.cli, "%s; see --help",
		        !ctl->format    ? "say --csv or --json"
		        : optind < argc ? "unexpected argument"
		                        : "--array goes with --json");
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

int cmd_register_export(struct cli *cli, int argc, char **argv)
{
	struct export_ctl ctl = { .q.cli = cli };
	int r = parse(&ctl, argc, argv);

	if (r != WS_EXIT_OK)
		return r < 0 ? WS_EXIT_OK : r;
	r = regq_connect(&ctl.q);
	if (r == WS_EXIT_OK)
		r = open_output(&ctl);
	if (r == WS_EXIT_OK) {
		r = run_export(&ctl);
		if (ctl.output) {
			if (fclose(ctl.out) != 0 && r == WS_EXIT_OK)
				r = regq_fail(&ctl.q, -errno, NULL, "the export failed");
			if (r != WS_EXIT_OK)
				(void)unlink(ctl.output);
		}
	}
	regq_done(&ctl.q);
	return r;
}
