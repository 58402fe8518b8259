/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify-report.h - what `wipeseal verify` prints and writes of a review (verify-report.c).
 */
#ifndef WS_CLI_VERIFY_REPORT_H
#define WS_CLI_VERIFY_REPORT_H

#include <stdbool.h>

#include <wipeseal/review.h>

#include "front.h"

/* One certificate: "PATH: OK (...)" or "PATH: FAILED: REASON" (a second line for a
 * duplicate), or with @json one object with its category. */
void verify_print_check(const char *path, const struct ws_cert_check *c,
                        const struct ws_review_item *item, bool json);

/* The series: "series: OK (...)", or per gap its FAILED line and what is missing. */
void verify_print_series(const struct ws_review *r, const struct ws_review_summary *s);

/* "audit: N authentic and SUCCESS, ...": the count of each category. */
void verify_print_summary(const struct ws_review_summary *s);

/* The last --json line: the series with its gaps, and the summary. */
void verify_json_summary(const struct ws_review *r, const struct ws_review_summary *s,
                         size_t skipped, size_t unreadable);

/* --csv and --html (either may be NULL): the report files. Return: 0, or non-zero after
 * saying on stderr what could not be written. */
int verify_write_reports(struct cli *cli, const struct ws_review *r, const char *csv,
                         const char *html, char **paths, size_t n);

#endif
