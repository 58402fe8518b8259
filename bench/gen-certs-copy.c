/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-certs-copy.c - the register's `certificates` rows in COPY text format (see
 * docs/register.md, "Tables"): what ws_insert_certificate() would store for a generated
 * certificate, written straight into a file that `psql -c "\copy certificates (COLUMNS)
 * FROM FILE"` loads. Tabs separate columns, \N is NULL, bytea is "\\x" and hex.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "gen-certs-copy.h"

const char gen_copy_columns[] =
    "certificate_id, sha256, json, p7s, schema, serial, model, wwn, asset_tag, status, method, "
    "nist_level, technique, operator, station, station_hostname, previous_sha256, issued, "
    "clock_synchronized";

/* A text column: the values generated hold no tab, newline or backslash. */
static void text(FILE *f, const char *s, char sep)
{
	if (s)
		fputs(s, f);
	else
		fputs("\\N", f);
	fputc(sep, f);
}

/* The document's string at "a.b.c", or NULL. */
static const char *jstr(struct json_object *doc, const char *a, const char *b, const char *c)
{
	const char *keys[] = { a, b, c };
	struct json_object *o = doc;

	for (size_t i = 0; i < 3 && keys[i]; i++)
		if (!json_object_object_get_ex(o, keys[i], &o))
			return NULL;
	return json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

static void bytea(FILE *f, const void *data, size_t len, char sep)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;

	fputs("\\\\x", f);
	for (size_t i = 0; i < len; i++) {
		fputc(digits[p[i] >> 4], f);
		fputc(digits[p[i] & 15], f);
	}
	fputc(sep, f);
}

int gen_copy_row(FILE *f, const struct gen_row *r)
{
	struct json_object *d = r->doc, *sync = NULL;

	text(f, jstr(d, "certificate_id", NULL, NULL), '\t');
	text(f, r->sha256, '\t');
	bytea(f, r->json, r->json_len, '\t');
	bytea(f, r->p7s, strlen(r->p7s), '\t');
	text(f, jstr(d, "schema", NULL, NULL), '\t');
	text(f, jstr(d, "media", "serial", NULL), '\t');
	text(f, jstr(d, "media", "model", NULL), '\t');
	text(f, jstr(d, "media", "wwn", NULL), '\t');
	text(f, jstr(d, "media", "property_number", NULL), '\t');
	text(f, jstr(d, "status", NULL, NULL), '\t');
	text(f, jstr(d, "sanitization", "method", NULL), '\t');
	text(f, jstr(d, "evidence", "nist_level", NULL), '\t');
	text(f, jstr(d, "sanitization", "technique", NULL), '\t');
	text(f, jstr(d, "person", "name", NULL), '\t');
	text(f, r->station, '\t');
	text(f, jstr(d, "station", "hostname", NULL), '\t');
	text(f, jstr(d, "previous_certificate_sha256", NULL, NULL), '\t');
	text(f, jstr(d, "issued", NULL, NULL), '\t');
	if (json_object_object_get_ex(d, "station", &sync) &&
	    json_object_object_get_ex(sync, "clock", &sync) &&
	    json_object_object_get_ex(sync, "synchronized", &sync) && sync)
		text(f, json_object_get_boolean(sync) ? "t" : "f", '\n');
	else
		text(f, NULL, '\n');
	return ferror(f) ? -1 : 0;
}
