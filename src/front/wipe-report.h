/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wipe-report.h - how `wipe` reports: the dry-run plan, the result file, the result line.
 */
#ifndef WS_FRONT_WIPE_REPORT_H
#define WS_FRONT_WIPE_REPORT_H

#include "front.h"

/* The plan of a dry run: a line of text, or a {"event": "plan"} JSON line. */
void print_plan(const struct ws_target *t, const struct ws_plan *plan, const struct ws_result *res,
                bool json);
/* The outcome of one target: a line of text (plus mismatch offsets and unwritten ranges),
 * or a {"event": "result"} JSON line holding the result document. */
void print_result(const struct ws_result *res, const char *file, bool json);

#endif
