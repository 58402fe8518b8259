/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * review-internal.h - what review.c (categories, duplicates), review-series.c (the series and
 * its gaps) and review-report.c (CSV and HTML) share: the review's layout.
 */
#ifndef WS_REVIEW_INTERNAL_H
#define WS_REVIEW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <wipeseal/review.h>

/* What a report row shows, kept with WS_REVIEW_KEEP_ROWS; NULL members for a certificate
 * that is not authentic, but @reason. */
struct review_row {
	char *certificate_id, *status, *signer, *issued, *validation, *reason;
	struct ws_cert_fields fields;
};

/* One certificate reviewed. */
struct review_cert {
	char *path;
	char *issued;                    /* authentic only: the document's "issued" */
	unsigned char sha[32], prev[32]; /* its SHA-256, and the predecessor it names */
	uint32_t station;                /* index into ws_review.stations (authentic only) */
	uint32_t dup_of;                 /* index of the file first seen, when a duplicate */
	enum ws_review_category category;
	enum ws_review_dup dup;
	bool authentic, has_prev;
	struct review_row *row; /* WS_REVIEW_KEEP_ROWS only */
};

/* A set of strings (certificate ids, drive identities) -> the certificate first seen. */
struct review_key {
	char *key;
	uint32_t cert;
};

struct ws_review {
	unsigned flags;
	struct review_cert *certs;
	size_t n, cap;
	char **stations; /* signer subjects; "" for one series of files */
	size_t n_stations;
	struct review_key *keys; /* open addressing, a power of two, at most half full */
	size_t n_keys, cap_keys;
	struct ws_review_gap *gaps;
	size_t n_gaps;
	struct ws_review_summary summary;
	bool finished;
};

/* Whether @rc is a link of its station's series: authentic, and not a copy of another. */
static inline bool ws_review_in_series(const struct review_cert *rc)
{
	return rc->authentic && rc->dup != WS_REVIEW_DUP_ID;
}

/* review-series.c: the gaps of every station's series into @r->gaps. Return: 0, -ENOMEM. */
int ws_review_series(struct ws_review *r);

#endif
