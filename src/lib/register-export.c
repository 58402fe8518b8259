/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-export.c - a register row as asset-management systems take it: a CSV record
 * (RFC 4180) or a JSON object. The library returns strings; the CLI writes them.
 *
 * CSV: every cell is quoted when it holds a comma, a quote, CR or LF (quotes doubled), records
 * end with CRLF, and the first record names the columns. A cell that a spreadsheet would read
 * as a formula (its first character =, +, -, @, a tab or CR; OWASP's "CSV injection") gets a
 * leading apostrophe and is quoted: a serial number "=HYPERLINK(...)" written on a drive's
 * label by someone hostile stays text. docs/register.md says so; the JSON form is unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "register-query.h"

/* The columns, in the order both forms give them: name and the row's field. */
#define ROW_STR(field) offsetof(struct ws_register_row, field)
static const struct {
	const char *name;
	size_t off; /* of a const char * in struct ws_register_row; SIZE_MAX: clock_synchronized */
} columns[] = {
	{ "certificate_id", ROW_STR(certificate_id) },
	{ "sha256", ROW_STR(sha256) },
	{ "serial", ROW_STR(serial) },
	{ "model", ROW_STR(model) },
	{ "wwn", ROW_STR(wwn) },
	{ "asset_tag", ROW_STR(asset_tag) },
	{ "status", ROW_STR(status) },
	{ "method", ROW_STR(method) },
	{ "nist_level", ROW_STR(nist_level) },
	{ "technique", ROW_STR(technique) },
	{ "operator", ROW_STR(operator_name) },
	{ "validator", ROW_STR(validator) },
	{ "decision", ROW_STR(decision) },
	{ "station", ROW_STR(station) },
	{ "issued", ROW_STR(issued) },
	{ "received", ROW_STR(received) },
	{ "clock_synchronized", SIZE_MAX },
	{ "ntp_server", ROW_STR(ntp_server) },
};

static const char *row_str(const struct ws_register_row *row, size_t off)
{
	const char *const *p = (const char *const *)(const void *)((const char *)row + off);

	return *p;
}

static const char *clock_text(int sync)
{
	return sync < 0 ? NULL : sync ? "true" : "false";
}

/* ---- CSV -------------------------------------------------------------------------------------- */

/* Append one cell (and the separator before it) to @f. Also the review's report's
 * (review-report.c): one guard for every CSV the library writes. */
void ws_csv_cell(FILE *f, bool first, const char *s, size_t len)
{
	bool formula = len && strchr("=+-@\t\r", s[0]);
	bool quote = formula || memchr(s, ',', len) || memchr(s, '"', len) ||
	             memchr(s, '\n', len) || memchr(s, '\r', len);

	if (!first)
		fputc(',', f);
	if (!quote) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

/* One record (@row NULL: the header) into *ret, malloc'd. */
static int csv_record(char **ret, const struct ws_register_row *row, bool with_document)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(columns); i++) {
		const char *s = !row                         ? columns[i].name
		                : columns[i].off == SIZE_MAX ? clock_text(row->clock_synchronized)
		                                             : row_str(row, columns[i].off);

		ws_csv_cell(f, i == 0, s ? s : "", s ? strlen(s) : 0);
	}
	if (with_document)
		ws_csv_cell(f, false, row ? (row->json ? row->json : "") : "document",
		            row ? (row->json ? row->json_len : 0) : strlen("document"));
	fputs("\r\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

int ws_register_csv_header(bool with_document, char **ret)
{
	return csv_record(ret, NULL, with_document);
}

int ws_register_row_csv(const struct ws_register_row *row, bool with_document, char **ret)
{
	if (!row)
		return -EINVAL;
	return csv_record(ret, row, with_document);
}

/* ---- JSON ------------------------------------------------------------------------------------- */

int ws_register_row_json(const struct ws_register_row *row, bool with_document, char **ret)
{
	struct json_object *o = json_object_new_object();
	char *out;

	if (!o || !row)
		return row ? -ENOMEM : -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(columns); i++) {
		struct json_object *v;

		if (columns[i].off == SIZE_MAX) {
			v = row->clock_synchronized < 0
			        ? NULL
			        : json_object_new_boolean(row->clock_synchronized != 0);
		} else {
			const char *s = row_str(row, columns[i].off);

			v = s ? json_object_new_string(s) : NULL;
		}
		json_object_object_add(o, columns[i].name, v);
	}
	/* the exact bytes, as a string: parsing them here would lose what was signed */
	if (with_document)
		json_object_object_add(
		    o, "document",
		    row->json ? json_object_new_string_len(row->json, (int)row->json_len) : NULL);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}
