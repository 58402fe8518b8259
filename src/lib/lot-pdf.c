/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lot-pdf.c - the batch report's summary as a PDF (wipeseal/lot.h): the lot (customer, job,
 * batch), the counts, and one line per drive (serial, asset tag, status, the certificate's
 * SHA-256), on as many A4 pages as it takes; signed as the certificates' PDFs are
 * (pdf-sign.c, PAdES B-B by the station's signer). The CSV beside it holds every column;
 * this page is what a customer signs off. Labels are English (the certificate's own PDF is
 * the translated one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wipeseal/wipeseal.h>

#include "internal.h"
#include "lot-internal.h"
#include "pdf-internal.h"

#define ROW_FONT  "DejaVu Sans Mono 7.5"
#define HEAD_FONT "DejaVu Sans Bold 8"
#define LINE_H    11.0

/* The columns of the drive table: x offset and width, in points from the margin. */
static const struct {
	const char *title;
	double x, w;
} cols[] = {
	{ "#", 0, 22 },
	{ "Serial", 22, 130 },
	{ "Asset tag", 152, 90 },
	{ "Status", 242, 70 },
	{ "Certificate SHA-256 (first 32)", 312, 199 },
};

static void table_head(cairo_t *cr, double *y)
{
	for (size_t i = 0; i < ELEMENTSOF(cols); i++)
		pdf_text(cr, cols[i].title, HEAD_FONT, PDF_MARGIN + cols[i].x, *y, cols[i].w, 1);
	*y += LINE_H + 2;
}

/* One drive's line: what verify found, never a claim of a document that failed. */
static void table_row(cairo_t *cr, size_t i, const struct lot_entry *e, double y)
{
	char num[24], sha[40], *v[5];

	snprintf(num, sizeof(num), "%zu", i + 1);
	v[0] = pdf_clean(num);
	v[1] = pdf_clean(e->authentic ? e->fields.serial : "-");
	v[2] = pdf_clean(e->authentic ? e->fields.asset_tag : "-");
	v[3] = pdf_clean(e->authentic ? e->status : "NOT AUTHENTIC");
	snprintf(sha, sizeof(sha), "%.32s\u2026", e->sha256); /* the CSV has all 64 */
	v[4] = pdf_clean(sha);
	for (size_t k = 0; k < ELEMENTSOF(cols); k++) {
		if (!e->authentic && k == 3)
			cairo_set_source_rgb(cr, 0.7, 0, 0);
		pdf_text(cr, v[k] ? v[k] : "?", ROW_FONT, PDF_MARGIN + cols[k].x, y, cols[k].w - 4,
		         1);
		cairo_set_source_rgb(cr, 0, 0, 0);
		free(v[k]);
	}
}

/* The header: title, the lot, the counts. */
static void header(struct pdf_pen *p, const struct lot_summary *s)
{
	char line[256], when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	p->y = PDF_MARGIN;
	p->y += pdf_text(p->cr, "Batch report", "DejaVu Sans Bold 16", PDF_MARGIN, p->y,
	                 PDF_PAGE_W - 2 * PDF_MARGIN, 1) +
	        6;
	pdf_section(p, "The batch");
	pdf_row(p, "Customer", s->customer);
	pdf_row(p, "Customer ID", s->customer_id);
	pdf_row(p, "Job number", s->number);
	pdf_row(p, "Batch number", s->batch);
	pdf_row(p, "Folder", s->dir);
	pdf_row(p, "Made", when);
	pdf_section(p, "Outcome (every certificate verified first)");
	snprintf(line, sizeof(line), "%zu", s->counts->drives);
	pdf_row(p, "Drives", line);
	snprintf(line, sizeof(line), "%zu", s->counts->success);
	pdf_row(p, "Sanitized (SUCCESS)", line);
	snprintf(line, sizeof(line), "%zu", s->counts->failed);
	pdf_row(p, "Not sanitized (FAILED, ABORTED)", line);
	snprintf(line, sizeof(line), "%zu", s->counts->invalid);
	pdf_row(p, "Failed verification", line);
	pdf_section(p, "Drives");
}

/* What draw_pages() draws, and with. */
struct summary_pen {
	struct pdf_pen pen;
	const struct lot_summary *s;
};

/* Every page onto @cr (pdf_surface_render()'s draw). */
static int draw_pages(cairo_t *cr, void *userdata)
{
	struct summary_pen *sp = userdata;
	struct pdf_pen *pen = &sp->pen;
	const struct lot_summary *s = sp->s;

	pen->cr = cr;
	header(pen, s);
	table_head(cr, &pen->y);
	for (size_t i = 0; i < s->n; i++) {
		if (pen->y + LINE_H > PDF_PAGE_H - PDF_MARGIN) {
			cairo_show_page(cr);
			pen->y = PDF_MARGIN;
			table_head(cr, &pen->y);
		}
		table_row(cr, i, &s->e[i], pen->y);
		pen->y += LINE_H;
	}
	cairo_show_page(cr);
	return 0;
}

int ws_lot_pdf_render(const struct lot_summary *s, const struct ws_pdf_opts *opts,
                      unsigned char **ret, size_t *ret_len)
{
	struct summary_pen sp = { .s = s };
	/* no Creator: this summary has never named one */
	const struct pdf_surface doc = {
		.width = PDF_PAGE_W,
		.height = PDF_PAGE_H,
		.title = "Batch report",
		.draw = draw_pages,
		.userdata = &sp,
	};
	unsigned char *pdf = NULL;
	size_t len = 0;
	int r = pdf_surface_render(&doc, &pdf, &len);

	if (r == 0 && opts && opts->signer) {
		r = pdf_sign(pdf, len, opts, ret, ret_len);
		free(pdf);
		return r;
	}
	if (r < 0)
		return r;
	*ret = pdf;
	*ret_len = len;
	return 0;
}
