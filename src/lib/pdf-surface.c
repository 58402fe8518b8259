/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-surface.c - a PDF drawn into memory: what the certificate's PDF (pdf.c), the batch
 * report's (lot-pdf.c) and the label sheet (labels-draw.c) share before and after their
 * own pages.
 *
 * cairo's PDF surface writes through a callback into a buffer that grows, so that a PDF is
 * signed (pdf-sign.c) and written whole (pdf-file.c) or not at all. Each rendering has a
 * pango font map of its own, handed to the drawing through the cairo context
 * (pdf_pango_key), rather than pango's per-thread default: what it caches (fonts, glyphs)
 * goes with it, instead of staying for the life of the thread (a station renders many).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include <wipeseal/wipeseal.h>

#include "pdf-internal.h"

struct buf {
	unsigned char *p;
	size_t len, cap;
	bool failed;
};

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;

	if (b->len + len > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 65536) + len;
		unsigned char *p = realloc(b->p, cap);

		if (!p) {
			b->failed = true;
			return CAIRO_STATUS_NO_MEMORY;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

int pdf_surface_render(const struct pdf_surface *d, unsigned char **ret, size_t *ret_len)
{
	struct buf b = { 0 };
	cairo_surface_t *s =
	    cairo_pdf_surface_create_for_stream(buf_write, &b, d->width, d->height);
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *pc = pango_font_map_create_context(fm);
	cairo_status_t st;
	cairo_t *cr;
	int r;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
	if (d->creator) {
		char creator[96];

		snprintf(creator, sizeof(creator), "wipeseal %s (%s)", ws_version(),
		         ws_git_revision());
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, creator);
	}
	cr = cairo_create(s);
	cairo_set_user_data(cr, &pdf_pango_key, pc, NULL);
	r = d->draw(cr, d->userdata);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	g_object_unref(pc);
	g_object_unref(fm);
	if (r == 0 && b.failed)
		r = -ENOMEM;
	if (r == 0 && st != CAIRO_STATUS_SUCCESS)
		r = st == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
	if (r < 0) {
		free(b.p);
		return r;
	}
	*ret = b.p;
	*ret_len = b.len;
	return 0;
}
