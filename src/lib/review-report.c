/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * review-report.c - the report an auditor attaches to a finding (wipeseal/review.h): CSV for
 * a spreadsheet, one HTML file for a reader. Both hold one row per certificate, in the order
 * reviewed, with the verified fields, the category and what was found, then one row per gap.
 *
 * Nothing of a certificate that is not authentic is shown but its file name, its category and
 * the reason verify gave: review.c never kept more. CSV cells go through ws_csv_cell(), the
 * register export's guard against formulas. The HTML is made to be mailed and archived: one
 * file, its CSS inline, no script, nothing fetched from anywhere, every text escaped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "review-internal.h"

/* The columns of both reports. */
enum col {
	C_KIND,
	C_FILE,
	C_CATEGORY,
	C_FINDING,
	C_ID,
	C_STATUS,
	C_SERIAL,
	C_MODEL,
	C_WWN,
	C_ASSET,
	C_CUSTOMER,
	C_METHOD,
	C_NIST,
	C_TECHNIQUE,
	C_STARTED,
	C_ENDED,
	C_STATION,
	C_HOSTNAME,
	C_OPERATOR,
	C_VALIDATION,
	C_ISSUED,
	C_SHA256,
	C_MISSING,
	C_BEFORE,
	C_AFTER,
	N_COLS
};

static const char *const col_names[N_COLS] = {
	"kind",       "file",       "category", "finding",   "certificate_id", "status",
	"serial",     "model",      "wwn",      "asset_tag", "customer",       "method",
	"nist_level", "technique",  "started",  "ended",     "station",        "station_hostname",
	"operator",   "validation", "issued",   "sha256",    "missing_sha256", "before",
	"after",
};

/* The cells of certificate @i (@buf: room for the finding and the hash). */
static void cert_cells(const struct ws_review *r, size_t i, const char *cell[N_COLS], char *finding,
                       size_t size, char sha[65])
{
	const struct review_cert *rc = &r->certs[i];
	const struct review_row *w = rc->row;
	static const char hex[] = "0123456789abcdef";

	memset(cell, 0, N_COLS * sizeof(*cell));
	cell[C_KIND] = "certificate";
	cell[C_FILE] = rc->path;
	cell[C_CATEGORY] = ws_review_category_name(rc->category);
	if (rc->dup != WS_REVIEW_DUP_NONE && rc->category == WS_REVIEW_DUPLICATE)
		snprintf(finding, size, "%s as %s",
		         rc->dup == WS_REVIEW_DUP_ID ? "the same certificate_id"
		                                     : "a second SUCCESS of the same drive",
		         r->certs[rc->dup_of].path);
	else
		snprintf(finding, size, "%s", w->reason ? w->reason : "");
	cell[C_FINDING] = finding;
	if (!rc->authentic)
		return;
	for (size_t k = 0; k < 32; k++)
		sha[2 * k] = hex[rc->sha[k] >> 4], sha[2 * k + 1] = hex[rc->sha[k] & 15];
	sha[64] = '\0';
	cell[C_ID] = w->certificate_id;
	cell[C_STATUS] = w->status;
	cell[C_SERIAL] = w->fields.serial;
	cell[C_MODEL] = w->fields.model;
	cell[C_WWN] = w->fields.wwn;
	cell[C_ASSET] = w->fields.asset_tag;
	cell[C_CUSTOMER] = w->fields.customer;
	cell[C_METHOD] = w->fields.method;
	cell[C_NIST] = w->fields.nist_level;
	cell[C_TECHNIQUE] = w->fields.technique;
	cell[C_STARTED] = w->fields.started;
	cell[C_ENDED] = w->fields.ended;
	cell[C_STATION] = w->signer;
	cell[C_HOSTNAME] = w->fields.hostname;
	cell[C_OPERATOR] = w->fields.operator_name;
	cell[C_VALIDATION] = w->validation;
	cell[C_ISSUED] = w->issued;
	cell[C_SHA256] = sha;
}

/* The cells of gap @g. */
static void gap_cells(const struct ws_review_gap *g, const char *cell[N_COLS], char *finding,
                      size_t size)
{
	memset(cell, 0, N_COLS * sizeof(*cell));
	cell[C_KIND] = "gap";
	cell[C_FILE] = g->after;
	cell[C_CATEGORY] = "missing";
	if (g->missing_sha256[0])
		snprintf(finding, size,
		         "the certificate with SHA-256 %s is missing from the series, between %s "
		         "and %s",
		         g->missing_sha256, g->before ? g->before : "(none)", g->after);
	else
		snprintf(finding, size,
		         "%s names no predecessor, though %s was issued before it: one is missing",
		         g->after, g->before ? g->before : "(none)");
	cell[C_FINDING] = finding;
	cell[C_STATION] = g->station;
	cell[C_MISSING] = g->missing_sha256[0] ? g->missing_sha256 : NULL;
	cell[C_BEFORE] = g->before;
	cell[C_AFTER] = g->after;
}

/* ---- CSV ------------------------------------------------------------------------------------ */

static void csv_record(FILE *f, const char *const cell[N_COLS])
{
	for (size_t c = 0; c < N_COLS; c++)
		ws_csv_cell(f, c == 0, cell[c] ? cell[c] : "", cell[c] ? strlen(cell[c]) : 0);
	fputs("\r\n", f);
}

int ws_review_csv(const struct ws_review *r, FILE *f)
{
	const char *cell[N_COLS];
	char finding[8192], sha[65];

	if (!(r->flags & WS_REVIEW_KEEP_ROWS) || !r->finished)
		return -EINVAL;
	csv_record(f, col_names);
	for (size_t i = 0; i < r->n; i++) {
		cert_cells(r, i, cell, finding, sizeof(finding), sha);
		csv_record(f, cell);
	}
	for (size_t i = 0; i < r->n_gaps; i++) {
		gap_cells(&r->gaps[i], cell, finding, sizeof(finding));
		csv_record(f, cell);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}

/* ---- HTML ----------------------------------------------------------------------------------- */

/* @s as HTML text: the five characters that mean something escaped, control characters
 * (which XML forbids and a terminal would act on) as U+FFFD. */
static void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '&')
			fputs("&amp;", f);
		else if (ch == '<')
			fputs("&lt;", f);
		else if (ch == '>')
			fputs("&gt;", f);
		else if (ch == '"')
			fputs("&quot;", f);
		else if (ch == '\'')
			fputs("&#39;", f);
		else if (ch < 0x20 || ch == 0x7f)
			fputs("&#xfffd;", f);
		else
			fputc(ch, f);
	}
}

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#111;background:#fff}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"
    "table{border-collapse:collapse;font-size:.85em}"
    "th,td{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}"
    "th{background:#dde}td.n{text-align:right}"
    "tr.authentic-success td.c{background:#cfc}"
    "tr.authentic-failed-wipe td.c{background:#fe9}"
    "tr.requirement-unmet td.c{background:#fdb}"
    "tr.duplicate td.c{background:#fc9}"
    "tr.integrity-failure td.c,tr.missing td.c{background:#f99}"
    "p#verdict{font-size:1.1em;font-weight:bold}";

static void html_row(FILE *f, const char *const cell[N_COLS], bool header)
{
	fputs(header ? "<tr>" : "<tr class=\"", f);
	if (!header) {
		html_text(f, cell[C_CATEGORY]);
		fputs("\">", f);
	}
	for (size_t c = 0; c < N_COLS; c++) {
		fputs(header ? "<th>" : c == C_CATEGORY ? "<td class=\"c\">" : "<td>", f);
		html_text(f, cell[c]);
		fputs(header ? "</th>" : "</td>", f);
	}
	fputs("</tr>\n", f);
}

static void html_count(FILE *f, const char *what, const char *cls, size_t n)
{
	fprintf(f, "<tr class=\"%s\" data-count=\"%s\"><td class=\"c\">", cls, cls);
	html_text(f, what);
	fprintf(f, "</td><td class=\"n\">%zu</td></tr>\n", n);
}

static void html_summary(const struct ws_review *r, FILE *f)
{
	const struct ws_review_summary *s = &r->summary;

	const char *verdict =
	    s->count[WS_REVIEW_INTEGRITY] || s->count[WS_REVIEW_UNMET]
	        ? "Not every certificate is what its station signed, or meets what was required."
	    : s->gaps || s->count[WS_REVIEW_DUPLICATE]
	        ? "Certificates are missing from a series, or duplicated."
	    : s->count[WS_REVIEW_UNSUCCESSFUL]
	        ? "Every certificate is authentic; some record a FAILED or ABORTED wipe."
	        : "Every certificate is authentic and SUCCESS; no gap, no duplicate.";

	fprintf(f, "<p id=\"verdict\">%s</p>\n<h2>Summary</h2>\n<table id=\"summary\">\n", verdict);
	html_count(f, "certificates reviewed", "certificates", s->certificates);
	html_count(f, "authentic and SUCCESS", "authentic-success", s->count[WS_REVIEW_SUCCESS]);
	html_count(f, "authentic records of FAILED or ABORTED wipes", "authentic-failed-wipe",
	           s->count[WS_REVIEW_UNSUCCESSFUL]);
	html_count(f, "failing integrity (changed, foreign signer, bad chain, unreadable)",
	           "integrity-failure", s->count[WS_REVIEW_INTEGRITY]);
	html_count(f, "duplicates (the same certificate id, or the same drive)", "duplicate",
	           s->count[WS_REVIEW_DUPLICATE]);
	html_count(f, "authentic, but a requirement asked for is not met", "requirement-unmet",
	           s->count[WS_REVIEW_UNMET]);
	html_count(f, "missing from a station's series (gaps)", "missing", s->gaps);
	html_count(f, "stations (series)", "stations", s->stations);
	fputs("</table>\n", f);
}

int ws_review_html(const struct ws_review *r, const char *title, FILE *f)
{
	const char *cell[N_COLS];
	char finding[8192], sha[65];

	if (!(r->flags & WS_REVIEW_KEEP_ROWS) || !r->finished)
		return -EINVAL;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
	html_text(f, title);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>", style);
	html_text(f, title);
	fputs("</h1>\n", f);
	html_summary(r, f);
	fputs("<h2>Certificates</h2>\n<table id=\"certificates\">\n", f);
	html_row(f, col_names, true);
	for (size_t i = 0; i < r->n; i++) {
		cert_cells(r, i, cell, finding, sizeof(finding), sha);
		html_row(f, cell, false);
	}
	fputs("</table>\n<h2>Gaps</h2>\n<table id=\"gaps\">\n", f);
	html_row(f, col_names, true);
	for (size_t i = 0; i < r->n_gaps; i++) {
		gap_cells(&r->gaps[i], cell, finding, sizeof(finding));
		html_row(f, cell, false);
	}
	fputs("</table>\n</body></html>\n", f);
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
