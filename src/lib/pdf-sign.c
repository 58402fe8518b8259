/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-sign.c - the PDF's signature, as an incremental update (ISO 32000-1 section 7.5.6)
 * appended to the file cairo wrote: our own dictionary and byte range, OpenSSL's CMS.
 *
 * The update re-writes two objects of cairo's file and adds two:
 *   - the catalog, with an AcroForm (/Fields [the field], /SigFlags 3: signatures exist,
 *     append only) and the ESIC extension level PAdES declares for PDF 1.7;
 *   - page 1, with the widget in its /Annots;
 *   - the signature field merged with its widget (/FT /Sig, an invisible /Rect [0 0 0 0],
 *     /F 132: print and locked), whose /V is
 *   - the signature dictionary: /Type /Sig /Filter /Adobe.PPKLite /SubFilter
 *     /ETSI.CAdES.detached /ByteRange [0 a b c] /Contents <hex> /M (date),
 * then an xref section for them and a trailer with /Prev. /ByteRange covers the whole file
 * but the /Contents string (its angle brackets included, as pdfsig and qpdf expect); the
 * CMS (pdf-cms.c) is over those bytes, written into /Contents as hex, zero-padded. Its room
 * is guessed first and doubled when the CMS does not fit (a timestamp token is large).
 *
 * Reading cairo's file needs only its last trailer, its cross-reference table and two
 * dictionaries: cairo writes a classic xref table and plain dictionaries for the catalog,
 * the page tree and the pages. A file that is not like that is refused (-EINVAL).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdf-internal.h"

#define CONTENTS_BYTES 16384u /* room for the CMS at first */
#define RANGE_WIDTH    48     /* "[0 a b c]" padded to this */

/* The last occurrence of @needle in @hay[0..@len), or NULL. */
static const char *rfind(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* The number after @key ("/Size") in @s (up to @end), or -1. */
static long number_after(const char *s, const char *end, const char *key)
{
	const char *k = s;
	size_t n = strlen(key);

	for (; k && k + n < end; k++)
		if (memcmp(k, key, n) == 0 && (k[n] == ' ' || k[n] == '\n' || k[n] == '\r'))
			return strtol(k + n, NULL, 10);
	return -1;
}

struct pdf_file {
	const char *p;
	size_t len;
	long xref, size, root, info;
};

/* Object @num's dictionary body (between its outer << and >>), from the xref table. */
static int object_dict(const struct pdf_file *f, long num, const char **ret, size_t *ret_len)
{
	const char *x = f->p + f->xref, *end = f->p + f->len, *obj, *stop, *open, *close;
	long first, count;
	char *e;

	if (strncmp(x, "xref", 4) != 0)
		return -EINVAL;
	first = strtol(x + 4, &e, 10);
	count = strtol(e, &e, 10);
	while (*e == '\r' || *e == '\n' || *e == ' ')
		e++;
	if (num < first || num >= first + count || e + (num - first + 1) * 20 > end)
		return -EINVAL;
	obj = f->p + strtol(e + (num - first) * 20, NULL, 10);
	if (obj <= f->p || obj >= end || !(stop = strstr(obj, "endobj")) || stop >= end)
		return -EINVAL;
	open = strstr(obj, "<<");
	close = rfind(obj, (size_t)(stop - obj), ">>");
	if (!open || !close || open > close)
		return -EINVAL;
	*ret = open + 2;
	*ret_len = (size_t)(close - open - 2);
	return 0;
}

/* The first page's object number: /Pages of the catalog, then the first of its /Kids. */
static long first_page(const struct pdf_file *f, const char *cat, size_t cat_len)
{
	const char *d, *kids;
	size_t n;
	long pages = number_after(cat, cat + cat_len, "/Pages");

	if (pages < 0 || object_dict(f, pages, &d, &n) < 0)
		return -1;
	kids = strstr(d, "/Kids");
	if (!kids || kids > d + n || !(kids = strchr(kids, '[')))
		return -1;
	return strtol(kids + 1, NULL, 10);
}

/* Read cairo's trailer. */
static int parse(struct pdf_file *f)
{
	const char *sx = rfind(f->p, f->len, "startxref"), *tr;

	if (!sx || !(tr = rfind(f->p, (size_t)(sx - f->p), "trailer")))
		return -EINVAL;
	f->xref = strtol(sx + 9, NULL, 10);
	f->size = number_after(tr, sx, "/Size");
	f->root = number_after(tr, sx, "/Root");
	f->info = number_after(tr, sx, "/Info");
	if (f->xref <= 0 || (size_t)f->xref >= f->len || f->size <= 0 || f->root <= 0)
		return -EINVAL;
	return 0;
}

/* Object @n at @off, as an xref entry (exactly 20 bytes, section 7.5.4). */
static void xref_entry(FILE *m, size_t off)
{
	fprintf(m, "%010zu 00000 n \n", off);
}

/* The objects' bodies: catalog, page, signature (with @room bytes of zeros), widget. */
static int bodies(const struct pdf_file *f, long page, size_t room, long long now, char *body[4])
{
	const char *cat, *pg;
	size_t cat_len, pg_len;
	long sig = f->size, widget = f->size + 1;
	char date[32], *hex;
	time_t t = (time_t)now;
	struct tm tm;
	int r = -ENOMEM;

	if (object_dict(f, f->root, &cat, &cat_len) < 0 || object_dict(f, page, &pg, &pg_len) < 0 ||
	    memmem(cat, cat_len, "/AcroForm", 9) || memmem(pg, pg_len, "/Annots", 7))
		return -EINVAL;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "D:%Y%m%d%H%M%S+00'00'", &tm);
	if (!(hex = malloc(2 * room + 1)))
		return -ENOMEM;
	memset(hex, '0', 2 * room);
	hex[2 * room] = '\0';
	if (asprintf(&body[0],
	             "<<%.*s\n/AcroForm << /Fields [%ld 0 R] /SigFlags 3 >>\n"
	             "/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 2 >> >>\n>>",
	             (int)cat_len, cat, widget) >= 0 &&
	    asprintf(&body[1], "<<%.*s\n/Annots [%ld 0 R]\n>>", (int)pg_len, pg, widget) >= 0 &&
	    asprintf(&body[2],
	             "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n"
	             "/ByteRange %-*s\n/M (%s)\n/Contents <%s> >>",
	             RANGE_WIDTH, "[]", date, hex) >= 0 &&
	    asprintf(&body[3],
	             "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V %ld 0 R\n"
	             "/F 132 /Rect [0 0 0 0] /P %ld 0 R >>",
	             sig, page) >= 0)
		r = 0;
	free(hex);
	return r;
}

/* The update (appended at f->len) with room for @room bytes of CMS. */
static int update_text(const struct pdf_file *f, long page, size_t room, long long now, char **ret,
                       size_t *ret_len)
{
	long num[4] = { f->root, page, f->size, f->size + 1 };
	char *body[4] = { 0 }, info[32] = "";
	size_t off[4], xref;
	int lo = f->root < page ? 0 : 1;
	FILE *m = NULL;
	int r = bodies(f, page, room, now, body);

	*ret = NULL;
	if (r < 0 || !(m = open_memstream(ret, ret_len))) {
		r = r < 0 ? r : -ENOMEM;
		goto done;
	}
	fputc('\n', m);
	for (int i = 0; i < 4; i++) {
		off[i] = f->len + (size_t)ftell(m);
		fprintf(m, "%ld 0 obj\n%s\nendobj\n", num[i], body[i]);
	}
	xref = f->len + (size_t)ftell(m);
	/* subsections in ascending order: catalog and page, then signature and widget */
	fprintf(m, "xref\n0 1\n0000000000 65535 f \n%ld 1\n", num[lo]);
	xref_entry(m, off[lo]);
	fprintf(m, "%ld 1\n", num[1 - lo]);
	xref_entry(m, off[1 - lo]);
	fprintf(m, "%ld 2\n", num[2]);
	xref_entry(m, off[2]);
	xref_entry(m, off[3]);
	if (f->info > 0)
		snprintf(info, sizeof(info), " /Info %ld 0 R", f->info);
	fprintf(m, "trailer\n<< /Size %ld /Root %ld 0 R%s /Prev %ld >>\nstartxref\n%zu\n%%%%EOF\n",
	        f->size + 2, f->root, info, f->xref, xref);
	r = fclose(m) == 0 ? 0 : -ENOMEM;
done:
	for (int i = 0; i < 4; i++)
		free(body[i]);
	if (r < 0) {
		free(*ret);
		*ret = NULL;
	}
	return r;
}

/* Fill in /ByteRange and /Contents of @doc (@len bytes; the update at @base). */
static int fill(unsigned char *doc, size_t len, size_t base, size_t room,
                const struct ws_pdf_opts *opts)
{
	char *d = (char *)doc, *br = memmem(d + base, len - base, "/ByteRange ", 11), range[64];
	char *ct = memmem(d + base, len - base, "/Contents <", 11);
	unsigned char *data = NULL, *cms = NULL;
	size_t a, b, cms_len = 0;
	int r, n;

	if (!br || !ct)
		return -EINVAL;
	a = (size_t)(ct + 10 - d);
	b = a + 2 * room + 2;
	n = snprintf(range, sizeof(range), "[0 %zu %zu %zu]", a, b, len - b);
	if (n < 0 || n > RANGE_WIDTH)
		return -EINVAL;
	memcpy(br + 11, range, (size_t)n);
	if (!(data = malloc(a + len - b)))
		return -ENOMEM;
	memcpy(data, doc, a);
	memcpy(data + a, doc + b, len - b);
	r = pdf_cades(opts->signer, data, a + len - b, opts, &cms, &cms_len);
	free(data);
	if (r == 0 && cms_len > room)
		r = -ENOSPC;
	for (size_t i = 0; r == 0 && i < cms_len; i++) {
		static const char digits[] = "0123456789ABCDEF";

		d[a + 1 + 2 * i] = digits[cms[i] >> 4];
		d[a + 2 + 2 * i] = digits[cms[i] & 15];
	}
	free(cms);
	return r;
}

int pdf_sign(const unsigned char *pdf, size_t len, const struct ws_pdf_opts *opts,
             unsigned char **ret, size_t *ret_len)
{
	struct pdf_file f = { .p = (const char *)pdf, .len = len };
	long long now = opts->now ? opts->now : (long long)time(NULL);
	const char *cat;
	size_t cat_len;
	long page;
	int r = parse(&f);

	if (r < 0 || (r = object_dict(&f, f.root, &cat, &cat_len)) < 0)
		return r;
	if ((page = first_page(&f, cat, cat_len)) <= 0)
		return -EINVAL;
	for (size_t room = CONTENTS_BYTES; room <= 16 * CONTENTS_BYTES; room *= 2) {
		char *upd = NULL;
		size_t upd_len = 0;
		unsigned char *doc;

		if ((r = update_text(&f, page, room, now, &upd, &upd_len)) < 0)
			return r;
		doc = malloc(len + upd_len);
		if (!doc) {
			free(upd);
			return -ENOMEM;
		}
		memcpy(doc, pdf, len);
		memcpy(doc + len, upd, upd_len);
		free(upd);
		r = fill(doc, len + upd_len, len, room, opts);
		if (r == 0) {
			*ret = doc;
			*ret_len = len + upd_len;
			return 0;
		}
		free(doc);
		if (r != -ENOSPC)
			return r;
	}
	return -EIO;
}
