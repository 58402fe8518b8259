/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-certs-copy.c - the register's `certificates` rows in COPY text format (see
 * docs/register.md, "Tables"): what ws_insert_certificate() would store for a generated
 * certificate, written straight into a file that `psql -c "\copy certificates (COLUMNS)
 * FROM FILE"` loads. Tabs separate columns, \N is NULL, bytea is "\\x" and hex.
 */
#include <stdio.h>
#include <string.h>

#include "gen-certs-copy.h"

const char gen_copy_columns[] =
    "certificate_id, sha256, serial, model, wwn, asset_tag, status, method, nist_level, "
    "technique, operator, validator, decision, station, station_hostname, previous_sha256, "
    "issued, clock_synchronized, ntp_server, pushed_by, json, p7s";

/* A text column: the values generated hold no tab, newline or backslash. */
static void text(FILE *f, const char *s, char sep)
{
	if (s)
		fputs(s, f);
	else
		fputs("\\N", f);
	fputc(sep, f);
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
	text(f, r->certificate_id, '\t');
	text(f, r->sha256, '\t');
	text(f, r->serial, '\t');
	text(f, "BenchDisk 1TB", '\t');
	text(f, r->wwn, '\t');
	text(f, r->asset_tag, '\t');
	text(f, "SUCCESS", '\t');
	text(f, "Clear", '\t');
	text(f, "Clear", '\t');
	text(f, "overwrite", '\t');
	text(f, "bench", '\t');
	text(f, NULL, '\t');
	text(f, NULL, '\t');
	text(f, r->station, '\t');
	text(f, r->hostname, '\t');
	text(f, r->previous, '\t');
	text(f, r->issued, '\t');
	text(f, "f", '\t');
	text(f, NULL, '\t');
	text(f, "wipeseal_owner", '\t');
	bytea(f, r->json, r->json_len, '\t');
	bytea(f, r->p7s, strlen(r->p7s), '\n');
	return ferror(f) ? -1 : 0;
}
