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
/* Write @text as DIR/NAME.json and, when @sig is not NULL, @sig as DIR/NAME.json.p7s, and
 * fsync them; NAME-1, NAME-2, ... up to NAME-99 when the document or a signature by that
 * name exists: never over a file, never beside a stray signature. *ret_path gets the path
 * of the document whenever one was created, also on failure: what was written is kept.
 * Return: 0 or a negative errno. */
int write_exclusive(const char *dir, const char *name, const char *text, const char *sig,
                    char **ret_path);
/* The outcome of one target: a line of text (plus mismatch offsets and unwritten ranges),
 * or a {"event": "result"} JSON line holding the result document. */
void print_result(const struct ws_result *res, const char *file, bool json);

#endif
