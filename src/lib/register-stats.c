/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-stats.c - `wipeseal register stats`: per station and day (UTC, by the time each
 * certificate was issued), how many certificates of each status, method and NIST level, and
 * the first and last issued. The server counts (GROUP BY over the station and issued index);
 * the rows come back streamed like find's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "register-query.h"

#define UTC(col)     "(" col " AT TIME ZONE 'UTC')"
#define TIME_OF(col) "to_char(" UTC(col) ", 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

struct stats {
	ws_register_stats_fn fn;
	void *userdata;
};

static int stats_row(void *userdata, const PGresult *res)
{
	struct stats *s = userdata;
	const char *count = ws_pg_str(res, 5);
	struct ws_register_stats_row row = {
		.station = ws_pg_str(res, 0),
		.day = ws_pg_str(res, 1),
		.status = ws_pg_str(res, 2),
		.method = ws_pg_str(res, 3),
		.nist_level = ws_pg_str(res, 4),
		.first_issued = ws_pg_str(res, 6),
		.last_issued = ws_pg_str(res, 7),
	};
	char *end = NULL;

	errno = 0;
	row.count = count ? strtoull(count, &end, 10) : 0;
	if (!count || errno || !end || *end)
		return -EPROTO;
	return s->fn(s->userdata, &row);
}

int ws_register_stats(struct ws_register *r, const struct ws_register_filter *flt,
                      ws_register_stats_fn fn, void *userdata, char **ret_reason)
{
	struct ws_register_filter only = { 0 };
	struct stats s = { .fn = fn, .userdata = userdata };
	struct ws_where w;
	char *sql = NULL;
	int ret;

	if (!r || !fn)
		return -EINVAL;
	/* per station and day: the other filters do not apply */
	if (flt) {
		only.station = flt->station;
		only.issued_from = flt->issued_from;
		only.issued_until = flt->issued_until;
	}
	if (ws_where_build(&only, false, &w) < 0)
		return ws_reason(ret_reason, -EINVAL, "a time of the filter is out of range");
	if (asprintf(
	        &sql,
	        "SELECT station, to_char(" UTC(
	            "issued") ", 'YYYY-MM-DD') AS day, status, "
	                      "method, nist_level, count(*), " TIME_OF("min(issued)") ", " TIME_OF(
	                          "max(issued)") " FROM certificates%s GROUP BY 1, 2, 3, 4, 5 "
	                                         "ORDER BY 1, 2 NULLS FIRST, 3, 4, 5",
	        w.sql) < 0)
		return -ENOMEM;
	ret = ws_pg_stream(ws_register_pg(r), sql, w.n, w.values, stats_row, &s, ret_reason);
	free(sql);
	return ret;
}
