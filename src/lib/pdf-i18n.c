/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-i18n.c - the PDF's labels in the language asked for, from po/LANG.po compiled by
 * msgfmt into LANG/LC_MESSAGES/wipeseal.mo.
 *
 * Why not dgettext(): glibc picks the catalog from the calling thread's LC_MESSAGES locale
 * and the LANGUAGE variable (ignored only under the "C" locale), so a library that wants
 * German while the process runs in C, or English while LANGUAGE=de, would have to change
 * the process's locale or environment: neither is ours to touch, and setlocale() is not
 * thread-safe. A certificate's language is a property of the document, not of the
 * process. So the catalog is read here: the .mo format is GNU gettext's documented one
 * (a header, two tables of (length, offset) pairs, originals sorted by msgfmt), looked up
 * by binary search; no locale, no environment, no global state, any number of threads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pdf-internal.h"

#define MO_MAGIC         0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MO_MAX_BYTES     (1u << 20)

struct pdf_catalog {
	char *mo;
	size_t len;
};

static uint32_t mo_u32(const unsigned char *mo, size_t off, bool swap)
{
	uint32_t v;

	memcpy(&v, mo + off, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* String @i of the table at @table: its bytes, or NULL when it lies outside the image. */
static const char *mo_string(const unsigned char *mo, size_t len, uint32_t table, uint32_t i,
                             bool swap)
{
	size_t entry = (size_t)table + (size_t)i * 8;
	uint32_t n, off;

	if (entry + 8 > len)
		return NULL;
	n = mo_u32(mo, entry, swap);
	off = mo_u32(mo, entry + 4, swap);
	/* the string and its NUL inside the image */
	if ((size_t)off + n >= len || mo[(size_t)off + n] != '\0')
		return NULL;
	return (const char *)mo + off;
}

const char *pdf_mo_lookup(const unsigned char *mo, size_t len, const char *msgid)
{
	uint32_t magic, n, orig, trans, lo = 0, hi;
	bool swap;

	if (!mo || len < 20)
		return NULL;
	memcpy(&magic, mo, 4);
	if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
		return NULL;
	swap = magic == MO_MAGIC_SWAPPED;
	n = mo_u32(mo, 8, swap);
	orig = mo_u32(mo, 12, swap);
	trans = mo_u32(mo, 16, swap);
	hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *o = mo_string(mo, len, orig, mid, swap);
		int c;

		if (!o)
			return NULL;
		c = strcmp(msgid, o);
		if (c == 0) {
			const char *t = mo_string(mo, len, trans, mid, swap);
			return t && *t ? t : NULL;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int pdf_catalog_load(const char *localedir, const char *lang, struct pdf_catalog **ret)
{
	struct pdf_catalog *c;
	char *path = NULL;
	int r;

	*ret = NULL;
	if (!lang || strcmp(lang, "en") == 0)
		return 0;
	if (strcmp(lang, "de") != 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c || asprintf(&path, "%s/%s/LC_MESSAGES/wipeseal.mo",
	                   localedir ? localedir : WS_LOCALEDIR, lang) < 0) {
		free(c);
		return -ENOMEM;
	}
	r = ws_read_regular(path, MO_MAX_BYTES, &c->mo, &c->len, NULL);
	free(path);
	if (r == 0 &&
	    !pdf_mo_lookup((const unsigned char *)c->mo, c->len, "Certificate of Sanitization"))
		r = -EBADMSG;
	if (r < 0) {
		pdf_catalog_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct pdf_catalog *pdf_catalog_free(struct pdf_catalog *c)
{
	if (c)
		free(c->mo);
	free(c);
	return NULL;
}

const char *pdf_tr(const struct pdf_catalog *c, const char *msgid)
{
	const char *t = c ? pdf_mo_lookup((const unsigned char *)c->mo, c->len, msgid) : NULL;

	return t ? t : msgid;
}
