/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-internal.h - what the parts of the PDF certificate share: the label catalog
 * (pdf-i18n.c), the pages (pdf-page.c, pdf-evidence.c, pdf-draw.c), the signature
 * (pdf-sign.c, pdf-cms.c), the surface drawn into memory (pdf-surface.c, which the batch
 * report and the label sheet use too) and the whole (pdf.c).
 */
#ifndef WS_PDF_INTERNAL_H
#define WS_PDF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cairo.h>
#include <json-c/json.h>
#include <pango/pangocairo.h>

#include <wipeseal/pdf.h>

/* Marks a label for xgettext (po/wipeseal.pot): translated where it is drawn. */
#define N_(s) s

/* ---- labels (pdf-i18n.c) ---- */

/* A message catalog (a GNU .mo file, msgfmt's output) read into memory. */
struct pdf_catalog;

/* pdf_catalog_load() - the catalog of @lang from @localedir/@lang/LC_MESSAGES/wipeseal.mo;
 * "en" (or NULL) is the msgids themselves (*ret NULL). Return: 0, -EINVAL (unknown
 * language), -ENOENT (no catalog), -EBADMSG (not a .mo file), -ENOMEM. */
int pdf_catalog_load(const char *localedir, const char *lang, struct pdf_catalog **ret);
struct pdf_catalog *pdf_catalog_free(struct pdf_catalog *c);

/* pdf_tr() - @msgid in @c's language (@msgid itself without a translation). */
const char *pdf_tr(const struct pdf_catalog *c, const char *msgid);

/* pdf_mo_lookup() - @msgid in the .mo image @mo (@len bytes), or NULL. */
const char *pdf_mo_lookup(const unsigned char *mo, size_t len, const char *msgid);

/* ---- drawing (pdf-draw.c) ---- */

#define PDF_PAGE_W    595.276 /* A4, points */
#define PDF_PAGE_H    841.890
#define PDF_MARGIN    42.0
#define PDF_VALUE_MAX 600 /* characters of one value shown; more is cut with an ellipsis */

/* What a page is drawn with: the context, the pen and the document. */
struct pdf_pen {
	cairo_t *cr;
	const struct pdf_catalog *cat;
	json_object *cert;       /* the certificate document */
	json_object *validation; /* its validation record, or NULL */
	bool schema2;
	double y; /* where the next line goes */
	const char *json_name, *sha256, *qr_text;
};

/* @s made safe to draw: valid UTF-8 (invalid bytes become U+FFFD), no control
 * characters, at most PDF_VALUE_MAX characters. Malloc'd (NULL: no memory). */
char *pdf_clean(const char *s);

/* The PangoContext of a page's cairo context (cairo_set_user_data()): every rendering has a
 * font map of its own, freed with it (pdf-surface.c). */
extern const cairo_user_data_key_t pdf_pango_key;

/* Draw @text (plain text, not markup) at @x, @y in @width points with @font ("DejaVu Sans
 * Bold 9"), at most @max_lines lines (0: any). Return: the height used. */
double pdf_text(cairo_t *cr, const char *text, const char *font, double x, double y, double width,
                int max_lines);

/* A section title with a rule under it. */
void pdf_section(struct pdf_pen *p, const char *title);

/* A row: @label (translated) and @value (untrusted; NULL: an em dash). */
void pdf_row(struct pdf_pen *p, const char *label, const char *value);

/* The value at the dotted @path of @o as text (malloc'd): strings as they are, numbers,
 * booleans as yes/no (translated), arrays joined with "; "; NULL when absent or null. */
char *pdf_value(const struct pdf_pen *p, json_object *o, const char *path);

/* A field shown from either schema: schema 2's path, schema 1's (NULL: none). */
struct pdf_field {
	const char *label, *path2, *path1;
};

/* One row per field of @fields (ended by a NULL label). */
void pdf_rows(struct pdf_pen *p, const struct pdf_field *fields);

/* A QR code of @text, @size points square, at @x, @y. Return: 0, -ENOMEM or -EINVAL. */
int pdf_qr(cairo_t *cr, const char *text, double x, double y, double size);

/* ---- a PDF into memory (pdf-surface.c) ---- */

/* What pdf_surface_render() draws, and how. */
struct pdf_surface {
	double width, height; /* every page's, in points */
	const char *title;    /* the document's Title */
	bool creator;         /* wipeseal and its version as the Creator */
	/* Every page onto @cr, each ended by cairo_show_page(); the rendering's PangoContext
	 * is @cr's pdf_pango_key. Return: 0 or a negative errno. */
	int (*draw)(cairo_t *cr, void *userdata);
	void *userdata;
};

/* pdf_surface_render() - the PDF @d draws, on cairo's PDF surface into memory, with a font
 * map of its own (pdf_pango_key). Return: 0 with *ret (malloc'd) and *ret_len; -ENOMEM;
 * -EIO when cairo fails; or the error of @d->draw. */
int pdf_surface_render(const struct pdf_surface *d, unsigned char **ret, size_t *ret_len);

/* ---- the pages ---- */

void pdf_page_main(struct pdf_pen *p);     /* pdf-page.c: Appendix C */
void pdf_page_evidence(struct pdf_pen *p); /* pdf-evidence.c */

/* ---- the signature ---- */

/* pdf_sign() - @pdf (as cairo wrote it) with an incremental update that signs it: an
 * AcroForm, a signature field and widget on page 1, and a /Sig dictionary whose /Contents
 * is the CMS of pdf_cades() over its /ByteRange. *ret: the signed file (malloc'd).
 * Return: 0, -EINVAL (a PDF we cannot read), -ENOMEM, -EIO. */
int pdf_sign(const unsigned char *pdf, size_t len, const struct ws_pdf_opts *opts,
             unsigned char **ret, size_t *ret_len);

/* pdf_cades() - the detached CMS (DER) of a PAdES baseline B-B signature over @data:
 * signed attributes contentType, messageDigest and ESS signing-certificate-v2, no
 * signingTime (ETSI EN 319 142-1 section 5.2.1: the time is the dictionary's /M); then, when
 * the signer has a TSA, its token (B-T: pdf_timestamp()). Return: 0, -ENOMEM, -EIO. */
int pdf_cades(const struct ws_signer *s, const unsigned char *data, size_t len,
              const struct ws_pdf_opts *opts, unsigned char **ret, size_t *ret_len);

/* ---- the file (pdf-file.c) ---- */

/* pdf_write_whole() - @len bytes as @out, whole or not at all: a temporary file beside it,
 * fsync'd, then renamed over @out (@replace) or linked into place (-EEXIST when @out
 * exists), and the directory fsync'd; no temporary file is left. The label sheet
 * (labels.c) and the batch report (lot-report.c) are written the same way.
 * Return: 0 or a negative errno. */
int pdf_write_whole(const char *out, const unsigned char *p, size_t len, bool replace);

#endif
