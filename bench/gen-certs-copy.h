/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-certs-copy.h - one row of the register's `certificates` table in PostgreSQL's COPY
 * text format, for bench/gen-certs.c (the columns are in gen-certs-copy.c).
 */
#ifndef WS_BENCH_GEN_CERTS_COPY_H
#define WS_BENCH_GEN_CERTS_COPY_H

#include <stddef.h>
#include <stdio.h>

struct json_object;

/* One generated certificate: its bytes, the document they were printed from (the columns
 * are taken from it as ws_insert_certificate() takes them), and its signer's subject. */
struct gen_row {
	const char *sha256, *station;
	struct json_object *doc;
	const char *json; /* the document's bytes */
	size_t json_len;
	const char *p7s; /* the PEM signature */
};

/* The column list for `COPY certificates (...) FROM STDIN`. */
extern const char gen_copy_columns[];

/* gen_copy_row() - write @row as one line. Return: 0 or -1 (errno set). */
int gen_copy_row(FILE *f, const struct gen_row *row);

#endif
