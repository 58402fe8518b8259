/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-certs-copy.h - one row of the register's `certificates` table in PostgreSQL's COPY
 * text format, for bench/gen-certs.c (the columns are in gen-certs-copy.c).
 */
#ifndef WS_BENCH_GEN_CERTS_COPY_H
#define WS_BENCH_GEN_CERTS_COPY_H

#include <stddef.h>
#include <stdio.h>

/* What one generated certificate puts in the columns; the rest comes from the template. */
struct gen_row {
	const char *certificate_id, *sha256, *serial, *wwn, *asset_tag, *issued, *station,
	    *hostname, *previous;
	const char *json; /* the document's bytes */
	size_t json_len;
	const char *p7s; /* the PEM signature */
};

/* The column list for `COPY certificates (...) FROM STDIN`. */
extern const char gen_copy_columns[];

/* gen_copy_row() - write @row as one line. Return: 0 or -1 (errno set). */
int gen_copy_row(FILE *f, const struct gen_row *row);

#endif
