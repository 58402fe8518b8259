/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-labels-draw.c - the label sheet (src/lib/labels-draw.c, labels.c), checked against numbers
 * and tools that are not ours:
 *
 * - test_stocks_from_the_templates: each stock's first and last label are where its maker's
 *   template puts them, the numbers typed here from the templates (docs/labels.md), not read
 *   from the table: Avery L7160, A4, top 15.15 mm, side 7.25 mm, pitch 66.04 x 38.1 mm;
 *   Avery 5160, US Letter, top 1/2 in, side 3/16 in, pitch 2 3/4 x 1 in; each grid lies on its
 *   page with equal margins left and right (0.1 mm) and top and bottom; names are found
 *   whatever their case, others are not.
 * - test_skip_and_pages: position N of a sheet is row N / cols, column N % cols; skipping
 *   moves the first label there; the label after the last of a sheet is the next page's first.
 * - test_qr_known_answer: a label whose QR code holds a fixed string, rendered to PDF,
 *   rasterized by poppler's pdftoppm at 300 dpi and read by zbarimg (zbar), gives that
 *   string back; so does the certificate form, wipeseal:sha256: and the SHA-256 of "abc"
 *   (FIPS 180-2's example), on the smaller 5160 label.
 * - test_identifiers_never_cut: a serial of twenty W's (ATA's longest, of its widest letter)
 *   and a 28-character asset tag come out of pdftotext -bbox as one word each, whose box ends
 *   left of where the QR code begins; a serial too long for any size (90 characters) wraps,
 *   and pdftotext finds every character of it; labels_fit() shrinks a longer text more.
 *
 * Needs poppler-utils and zbar-tools (scripts/deps.sh); no root, no device.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "labels-internal.h"
#include "pdf-internal.h"
#include "testutil.h"

static const double MM = 72.0 / 25.4;

static void near(double got, double want, const char *what)
{
	ck_assert_msg(fabs(got - want) < 0.01, "%s: %.3f, want %.3f", what, got, want);
}

/* Label @pos's corner in points, for @skip 0, and its page. */
static void at(const struct ws_label_stock *s, size_t pos, double want_x, double want_y)
{
	size_t page = 99;
	double x, y;

	labels_place(s, 0, pos, &page, &x, &y);
	ck_assert_uint_eq(page, 0);
	near(x, want_x, "x");
	near(y, want_y, "y");
}

START_TEST(test_stocks_from_the_templates)
{
	const struct ws_label_stock *a4 = ws_label_stock_find("L7160"),
	                            *us = ws_label_stock_find("5160"), *all;
	size_t n = 0;

	ck_assert_ptr_nonnull(a4);
	ck_assert_ptr_nonnull(us);
	ck_assert_ptr_eq(ws_label_stock_find("l7160"), a4);
	ck_assert_ptr_null(ws_label_stock_find("avery"));
	ck_assert_ptr_null(ws_label_stock_find(""));
	ck_assert_ptr_null(ws_label_stock_find(NULL));
	all = ws_label_stocks(&n);
	ck_assert_uint_ge(n, 2);
	ck_assert_ptr_eq(&all[0], a4); /* the default */
	/* Avery L7160: A4 (210 x 297 mm), 3 x 7 of 63.5 x 38.1 mm */
	ck_assert_uint_eq(a4->cols, 3);
	ck_assert_uint_eq(a4->rows, 7);
	near(a4->label_w, 63.5, "L7160 width");
	near(a4->label_h, 38.1, "L7160 height");
	at(a4, 0, 7.25 * MM, 15.15 * MM);
	at(a4, 20, (7.25 + 2 * 66.04) * MM, (15.15 + 6 * 38.1) * MM);
	/* Avery 5160: US Letter (8.5 x 11 in), 3 x 10 of 2 5/8 x 1 in */
	ck_assert_uint_eq(us->cols, 3);
	ck_assert_uint_eq(us->rows, 10);
	near(us->label_w, 2.625 * 25.4, "5160 width");
	near(us->label_h, 25.4, "5160 height");
	at(us, 0, 0.1875 * 72, 0.5 * 72);
	at(us, 29, (0.1875 + 2 * 2.75) * 72, (0.5 + 9) * 72);
	for (size_t i = 0; i < n; i++) {
		const struct ws_label_stock *s = &all[i];
		double right = s->page_w - s->left - (s->cols - 1) * s->pitch_x - s->label_w;
		double bottom = s->page_h - s->top - (s->rows - 1) * s->pitch_y - s->label_h;

		ck_assert_msg(fabs(right - s->left) < 0.1, "%s: left %.2f, right %.2f mm", s->name,
		              s->left, right);
		ck_assert_msg(fabs(bottom - s->top) < 0.1, "%s: top %.2f, bottom %.2f mm", s->name,
		              s->top, bottom);
		ck_assert(s->pitch_x >= s->label_w && s->pitch_y >= s->label_h);
	}
}
END_TEST

START_TEST(test_skip_and_pages)
{
	const struct ws_label_stock *us = ws_label_stock_find("5160");
	size_t page = 99;
	double x, y;

	/* skip 5: the first label is position 5, row 1, column 2 */
	labels_place(us, 5, 0, &page, &x, &y);
	ck_assert_uint_eq(page, 0);
	near(x, (0.1875 + 2 * 2.75) * 72, "x");
	near(y, (0.5 + 1) * 72, "y");
	/* the 26th label after skipping 5 is position 30: the next sheet's first */
	labels_place(us, 5, 25, &page, &x, &y);
	ck_assert_uint_eq(page, 1);
	near(x, 0.1875 * 72, "x");
	near(y, 0.5 * 72, "y");
	labels_place(us, 0, 60, &page, &x, &y);
	ck_assert_uint_eq(page, 2);
}
END_TEST

static char *copy_of(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	ck_assert(!s || d);
	return d;
}

/* A label of copies of the strings given (NULL: absent). */
static struct label mk(const char *serial, const char *model, const char *tag, const char *outcome,
                       const char *qr)
{
	return (struct label){
		.serial = copy_of(serial),
		.model = copy_of(model),
		.asset_tag = copy_of(tag),
		.outcome = copy_of(outcome),
		.date = copy_of("2026-12-02"),
		.station = copy_of("bay-7"),
		.qr = copy_of(qr),
	};
}

/* Render @l on @stock into DIR/NAME.pdf; return the path. */
static char *render(const char *dir, const char *name, const struct label *l, size_t n,
                    const char *stock)
{
	unsigned char *pdf = NULL;
	size_t len = 0, pages = 0;
	char *path = test_fmt("%s/%s.pdf", dir, name);
	FILE *f;

	ck_assert_int_eq(labels_render(l, n, ws_label_stock_find(stock), 0, &pdf, &len, &pages), 0);
	ck_assert_uint_eq(pages, 1);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(pdf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(pdf);
	return path;
}

/* What zbarimg reads from page 1 of @pdf at 300 dpi. */
static char *decoded(const char *dir, const char *pdf)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out,
	                         "pdftoppm -r 300 -png -f 1 -l 1 '%s' '%s/page' && "
	                         "zbarimg -q --raw '%s/page-1.png' 2>/dev/null",
	                         pdf, dir, dir),
	                 0);
	return out;
}

START_TEST(test_qr_known_answer)
{
	char *dir = test_tmpdir("labels"), *pdf, *got;
	struct label l = mk("KAT-1", NULL, NULL, "SUCCESS \u00b7 Clear",
	                    "wipeseal labels: a known answer 0123456789");

	pdf = render(dir, "kat", &l, 1, "l7160");
	got = decoded(dir, pdf);
	ck_assert_str_eq(got, "wipeseal labels: a known answer 0123456789\n");
	free(got), free(pdf);
	/* the certificate's form on the smallest label, with the SHA-256 of "abc" */
	free(l.qr);
	l.qr = copy_of(
	    "wipeseal:sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pdf = render(dir, "kat2", &l, 1, "5160");
	got = decoded(dir, pdf);
	ck_assert_str_eq(
	    got,
	    "wipeseal:sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
	free(got), free(pdf);
	label_clear(&l);
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}
END_TEST

/* pdftotext -bbox's right edge of the word @word in @pdf, in points; -1 when not one word. */
static double right_edge(const char *pdf, const char *word)
{
	char *out = NULL;
	double x = -1;

	if (test_sh(&out,
	            "pdftotext -bbox '%s' - | grep -F '>%s</word>' | "
	            "sed 's/.*xMax=\"\\([0-9.]*\\)\".*/\\1/'",
	            pdf, word) == 0 &&
	    out[0])
		x = strtod(out, NULL);
	free(out);
	return x;
}

START_TEST(test_identifiers_never_cut)
{
	static const char long_serial[] = "L0NG-SERIAL-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
	                                  "0123456789-abcdefghijklmnopqrstuvwxyz-END";
	char *dir = test_tmpdir("labels"), *pdf, *text = NULL;
	struct label l[2] = {
		mk("WWWWWWWWWWWWWWWWWWWW", "Model M", "ASSET-TAG-0123456789-ABCDEFG",
		   "FAILED \u00b7 Purge not met", "x"),
		mk(long_serial, NULL, NULL, "SUCCESS", "y"),
	};
	/* 5160: the QR code begins 2.5 mm + its side (the label's height less 5 mm) from the
	 * label's right edge */
	double qr_left = (0.1875 * 25.4 + 2.625 * 25.4 - 2.5 - (25.4 - 5.0)) * MM, x;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
	cairo_t *cr = cairo_create(s);
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *pc = pango_font_map_create_context(fm);
	double f20, f10;

	/* a font map of the test's own, freed with it, as labels_render() has */
	labels_setup_context(pc);
	cairo_set_user_data(cr, &pdf_pango_key, pc, NULL);
	f20 = labels_fit(cr, l[0].serial, "DejaVu Sans Mono Bold", 12, 100);
	f10 = labels_fit(cr, "WWWWWWWWWW", "DejaVu Sans Mono Bold", 12, 100);
	ck_assert_msg(f20 > 0 && f20 < f10, "20 W's at %.2f pt, 10 at %.2f", f20, f10);
	ck_assert(labels_fit(cr, long_serial, "DejaVu Sans Mono Bold", 12, 100) == 0);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	g_object_unref(pc);
	g_object_unref(fm);
	pdf = render(dir, "cut", l, 2, "5160");
	x = right_edge(pdf, l[0].serial);
	ck_assert_msg(x > 0 && x <= qr_left, "the serial ends at %.2f pt, the QR begins at %.2f", x,
	              qr_left);
	x = right_edge(pdf, l[0].asset_tag);
	ck_assert_msg(x > 0 && x <= qr_left, "the tag ends at %.2f pt, the QR begins at %.2f", x,
	              qr_left);
	/* the serial too long for one line: every character, over several lines */
	ck_assert_int_eq(test_sh(&text, "pdftotext -raw '%s' - | tr -d ' \\n'", pdf), 0);
	ck_assert_msg(strstr(text, long_serial), "%s", text);
	ck_assert_msg(strstr(text, "FAILED"), "%s", text);
	free(text), free(pdf);
	label_clear(&l[0]);
	label_clear(&l[1]);
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}
END_TEST

#ifdef __SANITIZE_ADDRESS__
/* As the CLI's (cmd-pdf.c): fontconfig keeps a few bytes of the configuration it parses the
 * first time a font is looked up, never freed and not ours to free. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

int main(void)
{
	Suite *s = suite_create("labels");
	TCase *tc = tcase_create("labels");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_stocks_from_the_templates);
	tcase_add_test(tc, test_skip_and_pages);
	tcase_add_test(tc, test_qr_known_answer);
	tcase_add_test(tc, test_identifiers_never_cut);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
