/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * register-query.c - what the auditors' verbs share (register-query.h): the connection
 * options and the configuration's [register] keys, the filter options, times as RFC 3339 or a
 * day, and one line per failure with its exit code.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "register-query.h"

/* ---- times ------------------------------------------------------------------------------------ */

/* "+HH:MM", "-HH:MM", "Z" or "z" as seconds east of UTC. */
static bool utc_offset(const char *p, long *ret)
{
	if ((p[0] == 'Z' || p[0] == 'z') && !p[1]) {
		*ret = 0;
		return true;
	}
	if ((p[0] != '+' && p[0] != '-') || strlen(p) != 6 || p[3] != ':')
		return false;
	for (int i = 1; i < 6; i++)
		if (i != 3 && (p[i] < '0' || p[i] > '9'))
			return false;
	*ret = (p[0] == '-' ? -1 : 1) * (((p[1] - '0') * 10 + (p[2] - '0')) * 3600L +
	                                 ((p[4] - '0') * 10 + (p[5] - '0')) * 60L);
	return true;
}

bool regq_time(const char *s, bool until, int64_t *ret)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	long off = 0;
	int64_t t;

	if (!p || strlen(s) < 10)
		return false;
	if (!*p) {
		t = (int64_t)timegm(&tm);
		*ret = until ? t + 86400 : t; /* a day: until its end */
		return true;
	}
	if (*p != 'T' && *p != 't')
		return false;
	p = strptime(p + 1, "%H:%M:%S", &tm);
	if (!p)
		return false;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			; /* fractions: the second it falls in */
	if (!utc_offset(p, &off))
		return false;
	t = (int64_t)timegm(&tm) - off;
	*ret = until ? t + 1 : t; /* until that second, included */
	return true;
}

/* ---- options ---------------------------------------------------------------------------------- */

static int bad(struct regq *q, const char *what, const char *arg)
{
	char *p = cli_printable(arg);

	cli_err(q->cli, "%s '%s' is not valid; see --help", what, p);
	free(p);
	return -1;
}

static int filter_option(struct regq *q, int c, const char *arg)
{
	struct ws_register_filter *f = &q->filter;
	char *end = NULL;

	switch (c) {
	case RQ_SERIAL:
		f->serial = arg;
		return 1;
	case RQ_WWN:
		f->wwn = arg;
		return 1;
	case RQ_ASSET_TAG:
		f->asset_tag = arg;
		return 1;
	case RQ_STATION:
		f->station = arg;
		return 1;
	case RQ_OPERATOR:
		f->operator_name = arg;
		return 1;
	case RQ_STATUS:
		f->status = arg;
		return 1;
	case RQ_SINCE:
		return regq_time(arg, false, &f->issued_from) ? 1 : bad(q, "--since", arg);
	case RQ_UNTIL:
		return regq_time(arg, true, &f->issued_until) ? 1 : bad(q, "--until", arg);
	case RQ_LIMIT:
		errno = 0;
		f->limit = (size_t)strtoull(arg, &end, 10);
		return !errno && end && !*end && arg[0] >= '1' && arg[0] <= '9'
		           ? 1
		           : bad(q, "--limit", arg);
	default:
		return 0;
	}
}

int regq_option(struct regq *q, int c, const char *arg, bool filters)
{
	if (register_opts_parse(&q->opts, c, arg))
		return 1;
	return filters ? filter_option(q, c, arg) : 0;
}

/* ---- the connection --------------------------------------------------------------------------- */

int regq_args(struct regq *q, int argc, char **argv, const struct option *opts, bool *json,
              int (*usage)(void))
{
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		r = regq_option(q, c, optarg, true);
		if (r < 0)
			return WS_EXIT_USAGE;
		if (r > 0)
			continue;
		if (c == 'j')
			*json = true;
		else if (c == 'h')
			return usage();
		else
			return cli_bad_usage(q->cli);
	}
	if (optind < argc) {
		cli_err(q->cli, "unexpected argument '%s'; see --help", argv[optind]);
		return WS_EXIT_USAGE;
	}
	return REGQ_GO_ON;
}

int regq_fail(struct regq *q, int r, char *reason, const char *what)
{
	if (reason)
		cli_err(q->cli, "%s", reason);
	else
		cli_err(q->cli, "%s: %s", what, strerror(-r));
	free(reason);
	switch (r) {
	case -EHOSTUNREACH:
		return WS_EXIT_OFFLINE;
	case -EINVAL:
		return WS_EXIT_USAGE;
	default:
		return WS_EXIT_FAILED;
	}
}

int regq_connect(struct regq *q)
{
	return register_opts_connect(q->cli, &q->opts, &q->reg);
}

void regq_done(struct regq *q)
{
	q->reg = ws_register_close(q->reg);
	register_opts_free(&q->opts);
}
