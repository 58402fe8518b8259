/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lot-report.c - the batch report (wipeseal/lot.h): every certificate under a lot folder
 * verified, one CSV row each, and the summary PDF (lot-pdf.c).
 *
 * The report is rebuilt from the certificates every time, never from what the station
 * remembers or from index.tsv: a certificate changed, signed by another key or missing
 * its signature is listed as failing verification with its reason, and nothing else is
 * read from it, so no row ever shows a forged document's claimed outcome.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wipeseal/wipeseal.h>

#include "internal.h"
#include "lot-internal.h"
#include "pdf-internal.h"
#include "verify-internal.h"

struct collect {
	const struct ws_trust *trust;
	const struct ws_verify_opts *vopts;
	struct lot_entry *e;
	size_t n;
	char *error; /* a folder that could not be read: the report would be incomplete */
};

static void entry_clear(struct lot_entry *e)
{
	free(e->file);
	free(e->status);
	free(e->reason);
	ws_cert_fields_clear(&e->fields);
}

/* One certificate: verified, and what verification allows kept. */
static int take(void *userdata, const char *path, enum ws_walk_kind kind, const char *reason)
{
	static const struct ws_verify_opts none = { 0 };
	struct collect *c = userdata;
	struct ws_cert_check chk = { 0 };
	struct lot_entry *e;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (kind == WS_WALK_ERROR)
		return ws_reason(&c->error, -EIO, "%s", reason ? reason : path);
	if (kind != WS_WALK_CERTIFICATE)
		return 0;
	e = realloc(c->e, (c->n + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	c->e = e;
	e = &c->e[c->n++];
	memset(e, 0, sizeof(*e));
	if (ws_cert_verify_file_opts(c->trust, path, c->vopts ? c->vopts : &none, &chk) < 0)
		return -ENOMEM;
	e->file = strdup(base);
	memcpy(e->sha256, chk.sha256, sizeof(e->sha256));
	e->authentic = chk.authentic;
	if (chk.authentic) {
		e->status = chk.status;
		chk.status = NULL;
		e->fields = chk.fields; /* taken: the check's copy is zeroed */
		memset(&chk.fields, 0, sizeof(chk.fields));
	} else {
		e->reason = chk.reason ? chk.reason : strdup("the verification failed");
		chk.reason = NULL;
	}
	ws_cert_check_clear(&chk);
	return e->file && (e->authentic ? e->status != NULL : e->reason != NULL) ? 0 : -ENOMEM;
}

/* ---- the CSV ------------------------------------------------------------------------------ */

static const char *const csv_head[] = {
	"serial", "model",   "asset_tag", "bay",         "method", "technique",    "nist_level",
	"status", "started", "ended",     "certificate", "sha256", "verification",
};

static void cell(FILE *f, bool first, const char *s)
{
	ws_csv_cell(f, first, s ? s : "", s ? strlen(s) : 0);
}

static void csv_row(FILE *f, const struct lot_entry *e)
{
	const struct ws_cert_fields *x = &e->fields;
	const char *v[] = { x->serial,     x->model,
		            x->asset_tag,  x->bay,
		            x->method,     x->technique,
		            x->nist_level, e->authentic ? e->status : "NOT AUTHENTIC",
		            x->started,    x->ended };

	for (size_t i = 0; i < ELEMENTSOF(v); i++)
		cell(f, i == 0, v[i]);
	cell(f, false, e->file);
	cell(f, false, e->sha256);
	cell(f, false, e->authentic ? "authentic" : e->reason);
	fputs("\r\n", f);
}

static int write_csv(const char *path, const struct lot_entry *e, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(csv_head); i++)
		cell(f, i == 0, csv_head[i]);
	fputs("\r\n", f);
	for (size_t i = 0; i < n; i++)
		csv_row(f, &e[i]);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	r = ws_replace_file(path, text);
	free(text);
	return r;
}

/* ---- the PDF ------------------------------------------------------------------------------ */

/* The lot the report names: the first authentic certificate's job. */
static void lot_of(struct lot_summary *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].authentic && (s->e[i].fields.customer || s->e[i].fields.job_number ||
		                          s->e[i].fields.batch)) {
			s->customer = s->e[i].fields.customer;
			s->customer_id = s->e[i].fields.customer_id;
			s->number = s->e[i].fields.job_number;
			s->batch = s->e[i].fields.batch;
			return;
		}
}

static int write_pdf(const char *dir, const struct collect *c, const struct ws_pdf_opts *opts,
                     struct ws_lot_report *ret, char **ret_reason)
{
	struct lot_summary s = { .e = c->e, .n = c->n, .counts = ret, .dir = dir };
	unsigned char *pdf = NULL;
	size_t len = 0;
	int r;

	lot_of(&s);
	if (asprintf(&ret->pdf, "%s/" WS_LOT_REPORT_PDF, dir) < 0) {
		ret->pdf = NULL;
		return -ENOMEM;
	}
	r = ws_lot_pdf_render(&s, opts, &pdf, &len);
	if (r == 0)
		r = pdf_write_whole(ret->pdf, pdf, len, true);
	free(pdf);
	if (r < 0)
		return ws_reason(ret_reason, r, "%s could not be %s: %s", ret->pdf,
		                 opts->signer ? "made and signed" : "made", strerror(-r));
	return 0;
}

int ws_lot_report_write(const char *dir, const struct ws_trust *trust,
                        const struct ws_verify_opts *vopts, const struct ws_pdf_opts *pdf,
                        struct ws_lot_report *ret, char **ret_reason)
{
	struct collect c = { .trust = trust, .vopts = vopts };
	const char *paths[] = { dir };
	int r;

	memset(ret, 0, sizeof(*ret));
	r = ws_cert_walk(paths, 1, take, &c);
	if (r < 0 && c.error) {
		ws_reason(ret_reason, r, "%s: %s; no report was written", dir, c.error);
		goto out;
	}
	if (r < 0) {
		ws_reason(ret_reason, r, "%s: %s; no report was written", dir, strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < c.n; i++) {
		const char *st = c.e[i].status;

		ret->drives++;
		if (!c.e[i].authentic)
			ret->invalid++;
		else if (strcmp(st, "SUCCESS") == 0)
			ret->success++;
		else
			ret->failed++;
	}
	if (asprintf(&ret->csv, "%s/" WS_LOT_REPORT_CSV, dir) < 0) {
		ret->csv = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = write_csv(ret->csv, c.e, c.n);
	if (r < 0)
		ws_reason(ret_reason, r, "%s could not be written: %s", ret->csv, strerror(-r));
	else if (pdf)
		r = write_pdf(dir, &c, pdf, ret, ret_reason);
out:
	for (size_t i = 0; i < c.n; i++)
		entry_clear(&c.e[i]);
	free(c.e);
	free(c.error);
	return r;
}

void ws_lot_report_clear(struct ws_lot_report *r)
{
	free(r->csv);
	free(r->pdf);
	memset(r, 0, sizeof(*r));
}
