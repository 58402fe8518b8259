/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * register-query.h - what the auditors' verbs (`wipeseal register find`, `export`, `audit`,
 * `stats`) share: the connection, the filter options and their times, the exit codes.
 */
#ifndef WS_CLI_REGISTER_QUERY_H
#define WS_CLI_REGISTER_QUERY_H

#include <getopt.h>

#include <wipeseal/register.h>

#include "cli.h"
#include "register-opts.h"

/* One verb's control struct: options, then the connection. */
struct regq {
	struct cli *cli;
	struct register_opts opts; /* the connection options (src/front/register-opts.c) */
	struct ws_register *reg;
	struct ws_register_filter filter;
};

/* getopt codes of the shared options */
enum {
	RQ_SERIAL = 0x100,
	RQ_WWN,
	RQ_ASSET_TAG,
	RQ_STATION,
	RQ_OPERATOR,
	RQ_STATUS,
	RQ_SINCE,
	RQ_UNTIL,
	RQ_LIMIT,
};

#define REGQ_FILTER_OPTIONS                                         \
	{ "serial", required_argument, NULL, RQ_SERIAL },           \
	    { "wwn", required_argument, NULL, RQ_WWN },             \
	    { "asset-tag", required_argument, NULL, RQ_ASSET_TAG }, \
	    { "station", required_argument, NULL, RQ_STATION },     \
	    { "operator", required_argument, NULL, RQ_OPERATOR },   \
	    { "status", required_argument, NULL, RQ_STATUS },       \
	    { "since", required_argument, NULL, RQ_SINCE },         \
	    { "until", required_argument, NULL, RQ_UNTIL },         \
	{                                                           \
		"limit", required_argument, NULL, RQ_LIMIT          \
	}

/* The options' help, for usage(). */
#define REGQ_FILTER_HELP                                                                  \
	"  --serial S, --wwn W, --asset-tag T, --station SUBJECT, --operator NAME,\n"     \
	"  --status SUCCESS|FAILED|ABORTED   only certificates with exactly this value\n" \
	"  --since TIME, --until TIME        issued in this range, both ends included;\n" \
	"                        TIME is RFC 3339 (2026-12-02T08:00:00Z) or a day\n"      \
	"                        (2026-12-02: from its start, until its end; UTC)\n"      \
	"  --limit N             at most N certificates, the newest\n"

/*
 * regq_option() - take @c (with @arg) when it is a connection option (register-opts.h) or,
 * with @filters, a filter option. Return: 1 taken, 0 not a shared option, -1 a bad value (the
 * message is printed: exit with WS_EXIT_USAGE).
 */
int regq_option(struct regq *q, int c, const char *arg, bool filters);

/* What regq_args() returns when the command goes on. */
#define REGQ_GO_ON (-1)

/*
 * regq_args() - the command line of a verb whose own options are only --json and --help
 * (`find`, `stats`): every option of @opts through regq_option() with the filters, --json
 * into *@json, --help through @usage, and no operand.
 * Return: REGQ_GO_ON, or the exit code to end with (the help or the message printed).
 */
int regq_args(struct regq *q, int argc, char **argv, const struct option *opts, bool *json,
              int (*usage)(void));

/* regq_time() - TIME as regq's help says, as Unix seconds; @until: the end of a day, or of
 * the second, as an exclusive bound. Return: false when it is neither form. */
bool regq_time(const char *s, bool until, int64_t *ret);

/* regq_connect() - register_opts_connect(). Return: WS_EXIT_OK or the exit code to end with
 * (the message printed). */
int regq_connect(struct regq *q);

/* regq_fail() - print @reason (or @what and the errno) and return the exit code of @r. */
int regq_fail(struct regq *q, int r, char *reason, const char *what);

/* regq_done() - close and free; NULL-safe members. */
void regq_done(struct regq *q);

#endif
