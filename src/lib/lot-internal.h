/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lot-internal.h - what lot.c shares with the certificate (cert.c writes the "job" object,
 * verify-schema.c checks its shape) and what the batch report's parts share (lot-report.c
 * reads the certificates, lot-pdf.c draws their summary).
 */
#ifndef WS_LOT_INTERNAL_H
#define WS_LOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <wipeseal/cert.h>
#include <wipeseal/lot.h>

struct json_object;

/* The certificate's "job" object of @lot: every key present, null when not given. */
struct json_object *ws_lot_json(const struct ws_lot *lot);

/* A document's "job" (optional) is an object whose keys are strings or null; else false
 * with @c->reason set. */
bool ws_verify_job(struct json_object *doc, struct ws_cert_check *c);

/* One certificate of a batch report, as verified: the fields only when authentic. */
struct lot_entry {
	char *file; /* base name */
	char sha256[65];
	bool authentic;
	char *status; /* the document's, when authentic */
	char *reason; /* why verification failed, else NULL */
	struct ws_cert_fields fields;
};

/* What the summary PDF shows. */
struct lot_summary {
	const struct lot_entry *e;
	size_t n;
	const struct ws_lot_report *counts;
	const char *customer, *customer_id, *number, *batch; /* from an authentic one, or NULL */
	const char *dir;
};

/* lot-pdf.c: the summary as a PDF, signed when @opts->signer is set. Return: 0, -ENOMEM,
 * -EIO (cairo or the signature failed), -ENOENT (no catalog for @opts->lang). */
int ws_lot_pdf_render(const struct lot_summary *s, const struct ws_pdf_opts *opts,
                      unsigned char **ret, size_t *ret_len);

#endif
