/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/review.h - an auditor's review of many certificates (`wipeseal verify DIR...`):
 * each verified certificate put in one category, the duplicates named, each station's series
 * checked over every authentic certificate whatever its status, and the gaps named by the
 * SHA-256 of what is missing and the files either side; then a summary, and a report an
 * auditor can attach (CSV, or one self-contained HTML file). docs/auditing.md says how to
 * read it.
 *
 * The review decides; a front end prints. Only what proved authentic is read from a
 * certificate (struct ws_cert_check's fields): a row of a certificate that failed holds its
 * file name, its category and the reason, nothing from inside it.
 */
#ifndef WIPESEAL_REVIEW_H
#define WIPESEAL_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <wipeseal/cert.h>

/* The category of a certificate: exactly one each, in this order of precedence from the
 * bottom up (a duplicate that fails integrity is an integrity failure). */
enum ws_review_category {
	WS_REVIEW_SUCCESS,      /* authentic, status SUCCESS, every requirement asked held */
	WS_REVIEW_UNSUCCESSFUL, /* authentic record of a FAILED or ABORTED wipe */
	WS_REVIEW_UNMET,        /* authentic and SUCCESS, but a requirement asked for
	                         * (WS_VERIFY_REQUIRE_OPERATOR, _VALIDATION) does not hold */
	WS_REVIEW_DUPLICATE,    /* authentic, and repeats one reviewed before it: the same
	                         * certificate_id, or a SUCCESS of a drive (serial and model, or
	                         * WWN) that already has one */
	WS_REVIEW_INTEGRITY,    /* fails integrity: changed, foreign or unknown signer, a chain
	                         * that does not reach the CA, unreadable, not a certificate, a
	                         * timestamp token or validation record that does not check */
	WS_REVIEW_CATEGORIES
};

/* ws_review_category_name() - the category's word in reports ("authentic-success",
 * "authentic-failed-wipe", "requirement-unmet", "duplicate", "integrity-failure"). */
const char *ws_review_category_name(enum ws_review_category cat);

/* Why a certificate is a duplicate. */
enum ws_review_dup {
	WS_REVIEW_DUP_NONE,
	WS_REVIEW_DUP_ID,    /* the same certificate_id as an earlier file (a copy) */
	WS_REVIEW_DUP_DRIVE, /* a second SUCCESS of the same drive */
};

/* What ws_review_add() decided of one certificate. */
struct ws_review_item {
	enum ws_review_category category;
	enum ws_review_dup duplicate;
	const char *duplicate_of; /* the file reviewed first (owned by the review), or NULL */
};

/* One gap in a station's series: a certificate names a predecessor none of the authentic
 * certificates is. Strings are owned by the review. */
struct ws_review_gap {
	const char *station;     /* the signer's subject; "" when all files are one series */
	char missing_sha256[65]; /* what @after names as its predecessor; "" when it names none */
	const char *before;      /* the station's file issued last before @after, or NULL */
	const char *after;       /* the file whose predecessor is missing */
};

/* The summary: what the CLI prints last and --json carries. */
struct ws_review_summary {
	size_t certificates;                    /* reviewed */
	size_t count[WS_REVIEW_CATEGORIES];     /* by category; they add up to @certificates */
	size_t duplicate_ids, duplicate_drives; /* the duplicates, by kind */
	size_t gaps;                            /* missing from the series, all stations */
	size_t stations;                        /* series seen (authentic certificates only) */
	size_t series_checked;                  /* authentic certificates in the series */
};

struct ws_review;

/* ws_review_new() flags. */
#define WS_REVIEW_PER_STATION (1u << 0) /* a series per signer (directories); else one */
#define WS_REVIEW_KEEP_ROWS   (1u << 1) /* keep each row's fields for ws_review_csv/_html() */

/* ws_review_new() - an empty review. Return: 0 or -ENOMEM. */
int ws_review_new(unsigned flags, struct ws_review **ret);

/* ws_review_free() - NULL-safe. Return: NULL. */
struct ws_review *ws_review_free(struct ws_review *r);

/*
 * ws_review_add() - the certificate at @path, as ws_cert_verify_file_opts() found it in @c:
 * its category (duplicates found against those added before it), into @ret. Its path, hashes
 * and (only when authentic) identity are kept: about 200 bytes a certificate, plus its
 * fields with WS_REVIEW_KEEP_ROWS. Return: 0 or -ENOMEM.
 */
int ws_review_add(struct ws_review *r, const char *path, const struct ws_cert_check *c,
                  struct ws_review_item *ret);

/*
 * ws_review_finish() - check every station's series over the authentic certificates (each
 * but the earliest issued must follow another of its station) and fill @ret. Call once,
 * after the last ws_review_add(). Return: 0 or -ENOMEM.
 */
int ws_review_finish(struct ws_review *r, struct ws_review_summary *ret);

/* ws_review_gaps() - the gaps ws_review_finish() found, in the order their @after files
 * were added; *@ret valid until the review is freed. Return: how many. */
size_t ws_review_gaps(const struct ws_review *r, const struct ws_review_gap **ret);

/*
 * ws_review_csv() - the report as CSV (RFC 4180, CRLF, quoted where needed, a cell a
 * spreadsheet would run as a formula made text as the register's export does): a header,
 * one row per certificate in the order added, then one row per gap ("kind" says which).
 * Needs WS_REVIEW_KEEP_ROWS and ws_review_finish(). Return: 0, -EINVAL, or -EIO.
 */
int ws_review_csv(const struct ws_review *r, FILE *f);

/*
 * ws_review_html() - the same report as one self-contained HTML file: inline CSS, no
 * script, no external reference, every text escaped; the summary first, then the
 * certificates and the gaps. @title: a line naming what was reviewed (escaped here).
 * Return: 0, -EINVAL, or -EIO.
 */
int ws_review_html(const struct ws_review *r, const char *title, FILE *f);

#endif
