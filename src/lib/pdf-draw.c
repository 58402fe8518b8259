/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-draw.c - how the PDF's pages are drawn: text through pango (plain text, never markup:
 * a certificate's strings are untrusted), sections and label/value rows, values taken from
 * the certificate by dotted path, and the QR code (libqrencode).
 *
 * Untrusted strings are made safe once, in pdf_clean(): valid UTF-8 (a document that
 * verified is valid UTF-8; one that did not may not be), no control or bidirectional
 * override characters (a value must not reorder the text around it), cut to
 * PDF_VALUE_MAX characters; a row shows at most a few lines of it, ellipsized.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <qrencode.h>

#include "pdf-internal.h"

#define LABEL_W    160.0
#define ROW_FONT   "DejaVu Sans 7.5"
#define LABEL_FONT "DejaVu Sans Bold 7.5"
#define ROW_LINES  2

/* Characters a value may not carry: controls, and the bidirectional embeddings, overrides
 * and isolates (U+202A..U+202E, U+2066..U+2069), which would reorder what follows. */
static bool unwanted(gunichar c)
{
	return g_unichar_iscntrl(c) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

char *pdf_clean(const char *s)
{
	gchar *valid = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_new(NULL);
	long n = 0;
	char *ret;

	for (const gchar *p = valid; *p; p = g_utf8_find_next_char(p, NULL), n++) {
		gunichar c = g_utf8_get_char(p);

		if (n == PDF_VALUE_MAX) {
			g_string_append(out, "\u2026");
			break;
		}
		if (unwanted(c))
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	g_free(valid);
	ret = strdup(out->str);
	g_string_free(out, TRUE);
	return ret;
}

const cairo_user_data_key_t pdf_pango_key;

double pdf_text(cairo_t *cr, const char *text, const char *font, double x, double y, double width,
                int max_lines)
{
	PangoContext *pc = cairo_get_user_data(cr, &pdf_pango_key);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	PangoLayout *l;

	pango_cairo_update_context(cr, pc);
	l = pango_layout_new(pc);
	int w = 0, h = 0;

	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (max_lines > 0) {
		pango_layout_set_height(l, -max_lines);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_text(l, text, -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_layout_get_size(l, &w, &h);
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

/* A new page when fewer than @need points are left on this one. */
static void room(struct pdf_pen *p, double need)
{
	if (p->y + need <= PDF_PAGE_H - PDF_MARGIN)
		return;
	cairo_show_page(p->cr);
	p->y = PDF_MARGIN;
}

void pdf_section(struct pdf_pen *p, const char *title)
{
	cairo_t *cr = p->cr;

	room(p, 40);
	p->y += 4;
	cairo_set_source_rgb(cr, 0.1, 0.2, 0.4);
	p->y += pdf_text(cr, pdf_tr(p->cat, title), "DejaVu Sans Bold 9.5", PDF_MARGIN, p->y,
	                 PDF_PAGE_W - 2 * PDF_MARGIN, 1);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, PDF_MARGIN, p->y + 1);
	cairo_line_to(cr, PDF_PAGE_W - PDF_MARGIN, p->y + 1);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	p->y += 3;
}

void pdf_row(struct pdf_pen *p, const char *label, const char *value)
{
	char *clean = pdf_clean(value ? value : "\u2014");
	double hl, hv;

	room(p, 30);
	cairo_set_source_rgb(p->cr, 0.25, 0.25, 0.25);
	hl = pdf_text(p->cr, pdf_tr(p->cat, label), LABEL_FONT, PDF_MARGIN, p->y, LABEL_W - 6, 2);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	hv = pdf_text(p->cr, clean ? clean : "?", ROW_FONT, PDF_MARGIN + LABEL_W, p->y,
	              PDF_PAGE_W - 2 * PDF_MARGIN - LABEL_W, ROW_LINES);
	p->y += (hl > hv ? hl : hv) + 1;
	free(clean);
}

/* The member at the dotted @path of @o, or NULL. */
static json_object *at(json_object *o, const char *path)
{
	char key[128];

	while (o && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot ? dot + 1 : NULL;
	}
	return o;
}

static char *scalar(const struct pdf_pen *p, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		return strdup(json_object_get_string(v));
	case json_type_boolean:
		return strdup(pdf_tr(p->cat, json_object_get_boolean(v) ? N_("yes") : N_("no")));
	case json_type_null:
		return NULL;
	default:
		return strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
}

char *pdf_value(const struct pdf_pen *p, json_object *o, const char *path)
{
	json_object *v = at(o, path);
	GString *s;
	char *ret;

	if (!v || !json_object_is_type(v, json_type_array))
		return v ? scalar(p, v) : NULL;
	if (json_object_array_length(v) == 0)
		return strdup(pdf_tr(p->cat, N_("none")));
	s = g_string_new(NULL);
	for (size_t i = 0; i < json_object_array_length(v) && s->len < 4 * PDF_VALUE_MAX; i++) {
		char *e = scalar(p, json_object_array_get_idx(v, i));

		g_string_append_printf(s, "%s%s", i ? "; " : "", e ? e : "\u2014");
		free(e);
	}
	ret = strdup(s->str);
	g_string_free(s, TRUE);
	return ret;
}

void pdf_rows(struct pdf_pen *p, const struct pdf_field *fields)
{
	for (const struct pdf_field *f = fields; f->label; f++) {
		const char *path = p->schema2 ? f->path2 : f->path1;
		char *v = path ? pdf_value(p, p->cert, path) : NULL;

		pdf_row(p, f->label, v);
		free(v);
	}
}

int pdf_qr(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m;

	if (!q)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	/* a quiet zone of four modules (ISO/IEC 18004 section 6.3.8) */
	m = size / (q->width + 8);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
	return 0;
}
