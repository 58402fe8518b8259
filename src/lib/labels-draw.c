/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * labels-draw.c - the label sheet drawn: cairo's PDF surface at the stock's page size (the
 * PDF certificate's pdf_surface_render()), one label per certificate at the place the
 * stock's template gives it, text through pango (plain text, never markup, cleaned by
 * pdf_clean() as the PDF certificate's is) and the QR code through pdf_qr() (libqrencode,
 * error correction M, a quiet zone of four modules).
 *
 * A label, inside a margin of LABEL_PAD: the text on the left, the QR code on the right as
 * tall as the label allows (at most 22 mm). The serial and the asset tag identify the drive,
 * so they are never cut: their font shrinks, a quarter point at a time, until the line fits,
 * and below LABEL_MIN_PT they wrap. The model, the date and the station are one line each,
 * shrunk the same way, and ellipsized below LABEL_MIN_PT. An outcome other than SUCCESS is
 * printed white on black, so a failed drive stands out on a monochrome printer too. Each
 * label is clipped to its own rectangle: a label never draws on its neighbour.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "labels-internal.h"
#include "pdf-internal.h"

#define LABEL_PAD   2.5  /* mm, each side: printers place a sheet within about a millimetre */
#define LABEL_QR_MM 22.0 /* the QR code's largest side, its quiet zone included */
#define MONO_BOLD   "DejaVu Sans Mono Bold"
#define SANS        "DejaVu Sans"
#define SANS_BOLD   "DejaVu Sans Bold"
#define LINE_EM     1.17 /* DejaVu's line height, in ems */

void labels_place(const struct ws_label_stock *s, unsigned skip, size_t i, size_t *ret_page,
                  double *ret_x, double *ret_y)
{
	size_t per = (size_t)s->cols * s->rows, slot = skip + i, pos = slot % per;

	*ret_page = slot / per;
	*ret_x = label_pt(s->left + s->pitch_x * (double)(pos % s->cols));
	*ret_y = label_pt(s->top + s->pitch_y * (double)(pos / s->cols));
}

void labels_setup_context(PangoContext *pc)
{
	cairo_font_options_t *fo = cairo_font_options_create();

	/* sizes in points, as cairo's PDF units are (pango's default is 96 dpi), and advances
	 * unhinted: hinted, each glyph's advance is rounded to a whole unit, and a line's width
	 * jumps as its size shrinks */
	pango_cairo_context_set_resolution(pc, 72.0);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
}

/* A pango layout of @text in @family at @size points on @cr: the rendering's own context
 * when it has one (pdf_pango_key), else pango's for @cr. */
static PangoLayout *layout(cairo_t *cr, const char *text, const char *family, double size)
{
	PangoContext *pc = cairo_get_user_data(cr, &pdf_pango_key);
	PangoFontDescription *fd = pango_font_description_from_string(family);
	PangoLayout *l;

	if (pc) {
		pango_cairo_update_context(cr, pc);
		l = pango_layout_new(pc);
	} else {
		l = pango_cairo_create_layout(cr);
	}
	/* set in pango units, never printed through the locale's decimal point */
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	return l;
}

double labels_fit(cairo_t *cr, const char *text, const char *family, double max, double width)
{
	for (double size = max; size >= LABEL_MIN_PT; size -= 0.25) {
		PangoLayout *l = layout(cr, text, family, size);
		PangoRectangle ink, logical;
		int right;

		pango_layout_get_extents(l, &ink, &logical);
		g_object_unref(l);
		/* the further of where the ink and the advance end */
		right = ink.x + ink.width > logical.x + logical.width ? ink.x + ink.width
		                                                      : logical.x + logical.width;
		if ((double)right / PANGO_SCALE <= width)
			return size;
	}
	return 0;
}

/* @text at @x, @y, @width wide: one line, ellipsized, or with @wrap as many lines as it
 * takes (broken anywhere). Return: the height used. */
static double show(cairo_t *cr, const char *text, const char *family, double size, double x,
                   double y, double width, bool wrap)
{
	PangoLayout *l = layout(cr, text, family, size);
	int w = 0, h = 0;

	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	if (wrap) {
		pango_layout_set_wrap(l, PANGO_WRAP_CHAR);
	} else {
		pango_layout_set_height(l, -1);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

/* @prefix and @value (untrusted: cleaned; NULL: an em dash), malloc'd; NULL: no memory. */
static char *text_of(const char *prefix, const char *value)
{
	char *clean = pdf_clean(value ? value : "\u2014"), *s = NULL;

	if (clean && asprintf(&s, "%s%s", prefix, clean) < 0)
		s = NULL;
	free(clean);
	return s;
}

/* An identifier that must not be cut: shrunk from @max to fit, wrapped below the least. */
static double whole(cairo_t *cr, const char *text, double max, double x, double y, double width)
{
	double size = labels_fit(cr, text, MONO_BOLD, max, width);

	return show(cr, text, MONO_BOLD, size > 0 ? size : LABEL_MIN_PT, x, y, width, size == 0);
}

/* A line that may be cut: shrunk from @size to fit, ellipsized below the least. */
static double line(cairo_t *cr, const char *text, double size, double x, double y, double width)
{
	double fit = labels_fit(cr, text, SANS, size, width);

	return show(cr, text, SANS, fit > 0 ? fit : LABEL_MIN_PT, x, y, width, false);
}

/* The outcome: SUCCESS as it is, anything else white on black. */
static double outcome(cairo_t *cr, const char *text, double size, double x, double y, double width)
{
	double fit = labels_fit(cr, text, SANS_BOLD, size, width - 2);
	double h = size * LINE_EM;

	if (strncmp(text, "SUCCESS", 7) == 0)
		return show(cr, text, SANS_BOLD, fit > 0 ? fit : LABEL_MIN_PT, x, y, width, false);
	cairo_rectangle(cr, x, y, width, h);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	(void)show(cr, text, SANS_BOLD, fit > 0 ? fit : LABEL_MIN_PT, x + 1, y, width - 2, false);
	cairo_set_source_rgb(cr, 0, 0, 0);
	return h;
}

/* One label, its top left corner at @x, @y, @w by @h points. Return: 0, -ENOMEM. */
static int draw_label(cairo_t *cr, const struct label *lb, double x, double y, double w, double h)
{
	double pad = label_pt(LABEL_PAD), in_h = h - 2 * pad, qr = label_pt(LABEL_QR_MM);
	double tw, b, gap, ty = y + pad, tx = x + pad;
	char *t[6] = {
		text_of("S/N ", lb->serial),      text_of("", lb->model),
		text_of("Asset ", lb->asset_tag), text_of("", lb->outcome),
		text_of("Wiped ", lb->date),      text_of("Station ", lb->station),
	};
	int r = 0;

	for (size_t i = 0; i < 6; i++)
		if (!t[i])
			r = -ENOMEM;
	qr = qr < in_h ? qr : in_h;
	tw = w - 2 * pad - qr;
	b = in_h / 8.0 < 8.5 ? in_h / 8.0 : 8.5; /* the small lines' size */
	/* what is left of the height, spread between the six lines (at most 4 points each) */
	gap = (in_h - (1.3 + 1.1 + 4) * b * LINE_EM) / 5;
	gap = gap < 0 ? 0 : gap > 4 ? 4 : gap;
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	if (r == 0 && pdf_qr(cr, lb->qr, x + w - pad - qr, y + (h - qr) / 2, qr) < 0)
		r = -ENOMEM;
	cairo_set_source_rgb(cr, 0, 0, 0);
	if (r == 0) {
		ty += whole(cr, t[0], 1.3 * b, tx, ty, tw) + gap;
		ty += line(cr, t[1], b, tx, ty, tw) + gap;
		ty += whole(cr, t[2], 1.1 * b, tx, ty, tw) + gap;
		ty += outcome(cr, t[3], b, tx, ty, tw) + gap;
		ty += line(cr, t[4], b, tx, ty, tw) + gap;
		(void)line(cr, t[5], b, tx, ty, tw);
	}
	cairo_restore(cr);
	for (size_t i = 0; i < 6; i++)
		free(t[i]);
	return r;
}

/* Every label onto @cr, a page shown for each sheet. Return: 0, -ENOMEM; *ret_pages. */
static int draw_all(cairo_t *cr, const struct label *l, size_t n, const struct ws_label_stock *s,
                    unsigned skip, size_t *ret_pages)
{
	size_t page = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		size_t pg;
		double x, y;

		labels_place(s, skip, i, &pg, &x, &y);
		for (; page < pg; page++)
			cairo_show_page(cr);
		r = draw_label(cr, &l[i], x, y, label_pt(s->label_w), label_pt(s->label_h));
	}
	cairo_show_page(cr);
	*ret_pages = page + 1;
	return r;
}

/* What draw_all() draws, for pdf_surface_render(). */
struct sheet {
	const struct label *l;
	size_t n;
	const struct ws_label_stock *stock;
	unsigned skip;
	size_t pages;
};

static int draw_sheet(cairo_t *cr, void *userdata)
{
	struct sheet *sh = userdata;

	labels_setup_context(cairo_get_user_data(cr, &pdf_pango_key));
	return draw_all(cr, sh->l, sh->n, sh->stock, sh->skip, &sh->pages);
}

int labels_render(const struct label *l, size_t n, const struct ws_label_stock *s, unsigned skip,
                  unsigned char **ret, size_t *ret_len, size_t *ret_pages)
{
	struct sheet sh = { .l = l, .n = n, .stock = s, .skip = skip };
	const struct pdf_surface doc = {
		.width = label_pt(s->page_w),
		.height = label_pt(s->page_h),
		.title = "Drive labels",
		.creator = true,
		.draw = draw_sheet,
		.userdata = &sh,
	};
	int r = pdf_surface_render(&doc, ret, ret_len);

	if (r == 0)
		*ret_pages = sh.pages;
	return r;
}
