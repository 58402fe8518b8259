/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * labels-internal.h - what the two halves of the label sheet share: labels.c (the stocks,
 * the certificates verified into labels, the file) and labels-draw.c (the sheet drawn).
 */
#ifndef WS_LABELS_INTERNAL_H
#define WS_LABELS_INTERNAL_H

#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include <wipeseal/labels.h>

/* What the QR code holds before the 64 hex digits of the certificate file's SHA-256. */
#define LABEL_QR_PREFIX "wipeseal:sha256:"

/* The smallest font a serial or an asset tag shrinks to; below it, it wraps (never cut). */
#define LABEL_MIN_PT 5.0

/* One label's text, every string malloc'd and not yet cleaned (labels-draw.c cleans it);
 * NULL: not in the certificate (an em dash). */
struct label {
	char *serial, *model, *asset_tag;
	char *outcome; /* "SUCCESS · Purge", "FAILED · Clear not met" */
	char *date;    /* the day the wipe ended, YYYY-MM-DD */
	char *station; /* the station's host name */
	char *qr;      /* LABEL_QR_PREFIX and the SHA-256 */
};

void label_clear(struct label *l);

/* Millimetres to PDF points. */
static inline double label_pt(double mm)
{
	return mm * 72.0 / 25.4;
}

/*
 * labels_place() - where label @i of a run that starts at position @skip of the first
 * sheet goes: its page (from 0), and its top left corner in points from the page's top
 * left corner.
 */
void labels_place(const struct ws_label_stock *s, unsigned skip, size_t i, size_t *ret_page,
                  double *ret_x, double *ret_y);

/* labels_setup_context() - @pc set up as the sheet's text is laid out: 72 dpi (a size is in
 * points), advances not hinted (a line's width shrinks with its size). */
void labels_setup_context(PangoContext *pc);

/*
 * labels_fit() - the largest size from @max down to LABEL_MIN_PT, in steps of a quarter
 * point, at which @text in @family ("DejaVu Sans Mono Bold") is at most @width points wide
 * on one line, as pango lays it out on @cr. Return: the size, or 0 when it fits at none.
 */
double labels_fit(cairo_t *cr, const char *text, const char *family, double max, double width);

/*
 * labels_render() - the sheet: the @n labels @l on @s from position @skip on, a page per
 * sheet, as a PDF in memory (@ret malloc'd, @ret_len bytes, @ret_pages pages).
 * Return: 0, -ENOMEM, -EIO (cairo failed).
 */
int labels_render(const struct label *l, size_t n, const struct ws_label_stock *s, unsigned skip,
                  unsigned char **ret, size_t *ret_len, size_t *ret_pages);

#endif
