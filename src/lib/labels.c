/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * labels.c - the label sheet of a batch (wipeseal/labels.h): the label stocks, each
 * certificate verified and turned into a label, the sheet written whole or not at all.
 *
 * A label says what its certificate says, and only once the certificate proved authentic
 * (ws_cert_verify_file_opts(): signature, chain, policy, summary against evidence): its
 * fields are the verified ones (struct ws_cert_fields), and its QR code the SHA-256 of the
 * very bytes that verified, never of the file read again. A certificate that fails gets no
 * label; the caller gets its path and the reason. The drawing is labels-draw.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wipeseal/cert.h>

#include "internal.h"
#include "labels-internal.h"
#include "pdf-internal.h"

/*
 * The stocks, from their makers' published templates (docs/labels.md says where each number
 * comes from). The first is the default.
 */
static const struct ws_label_stock stocks[] = {
	{
	    /* Avery L7160 (and J8160, L7160-compatible sheets): A4, 21 labels; Avery's template:
	     * top margin 15.15 mm, side margin 7.25 mm, pitch 66.04 mm across, 38.1 mm down */
	    .name = "l7160",
	    .description = "Avery L7160: A4, 3 x 7 labels of 63.5 x 38.1 mm",
	    .page_w = 210.0,
	    .page_h = 297.0,
	    .cols = 3,
	    .rows = 7,
	    .label_w = 63.5,
	    .label_h = 38.1,
	    .left = 7.25,
	    .top = 15.15,
	    .pitch_x = 66.04,
	    .pitch_y = 38.1,
	},
	{
	    /* Avery 5160 (and 8160, 5160-compatible sheets): US Letter, 30 labels of 2 5/8 x 1 in;
	     * Avery's template: top margin 0.5 in, side margin 3/16 in, pitch 2.75 in across,
	     * 1 in down */
	    .name = "5160",
	    .description = "Avery 5160: US Letter, 3 x 10 labels of 66.7 x 25.4 mm (2 5/8 x 1 in)",
	    .page_w = 215.9,
	    .page_h = 279.4,
	    .cols = 3,
	    .rows = 10,
	    .label_w = 66.675,
	    .label_h = 25.4,
	    .left = 4.7625,
	    .top = 12.7,
	    .pitch_x = 69.85,
	    .pitch_y = 25.4,
	},
};

const struct ws_label_stock *ws_label_stocks(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(stocks);
	return stocks;
}

const struct ws_label_stock *ws_label_stock_find(const char *name)
{
	for (size_t i = 0; name && i < ELEMENTSOF(stocks); i++)
		if (strcasecmp(stocks[i].name, name) == 0)
			return &stocks[i];
	return NULL;
}

void label_clear(struct label *l)
{
	free(l->serial);
	free(l->model);
	free(l->asset_tag);
	free(l->outcome);
	free(l->date);
	free(l->station);
	free(l->qr);
	memset(l, 0, sizeof(*l));
}

void ws_labels_report_clear(struct ws_labels_report *r)
{
	for (size_t i = 0; r && i < r->n_refused; i++) {
		free(r->refused[i].path);
		free(r->refused[i].reason);
	}
	if (r) {
		free(r->refused);
		memset(r, 0, sizeof(*r));
	}
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "SUCCESS · Purge"; any other status "FAILED · Purge not met": the level was not reached. */
static char *outcome_of(const struct ws_cert_check *c)
{
	const char *status = c->status ? c->status : "?", *level = c->fields.nist_level;
	const char *not_met = strcmp(status, "SUCCESS") == 0 ? "" : " not met";
	char *s = NULL;
	int r;

	if (level && strcmp(level, "none") != 0)
		r = asprintf(&s, "%s \u00b7 %s%s", status, level, not_met);
	else
		r = asprintf(&s, "%s", status);
	return r < 0 ? NULL : s;
}

/* The day of @t ("2026-12-02T04:15:10.123Z"): its first ten characters when they are one. */
static char *day_of(const char *t)
{
	if (!t || strlen(t) < 10 || strspn(t, "0123456789") != 4 || t[4] != '-' || t[7] != '-')
		return dup_or_null(t);
	return strndup(t, 10);
}

/* The label of a certificate that proved authentic. Return: 0, -ENOMEM. */
static int label_of(const struct ws_cert_check *c, struct label *ret)
{
	const struct ws_cert_fields *f = &c->fields;

	*ret = (struct label){
		.serial = dup_or_null(f->serial),
		.model = dup_or_null(f->model),
		.asset_tag = dup_or_null(f->asset_tag),
		.outcome = outcome_of(c),
		.date = day_of(f->ended ? f->ended : c->issued),
		.station = dup_or_null(f->hostname),
	};
	if (asprintf(&ret->qr, LABEL_QR_PREFIX "%s", c->sha256) < 0)
		ret->qr = NULL;
	if (!ret->outcome || !ret->qr || (f->serial && !ret->serial) || (f->model && !ret->model) ||
	    (f->asset_tag && !ret->asset_tag) || (f->hostname && !ret->station)) {
		label_clear(ret);
		return -ENOMEM;
	}
	return 0;
}

static int refuse(struct ws_labels_report *rep, const char *path, const char *why)
{
	struct ws_label_refusal *p =
	    realloc(rep->refused, (rep->n_refused + 1) * sizeof(*rep->refused));

	if (!p)
		return -ENOMEM;
	rep->refused = p;
	p[rep->n_refused].path = strdup(path);
	p[rep->n_refused].reason = strdup(why ? why : "it does not verify");
	if (!p[rep->n_refused].path || !p[rep->n_refused].reason) {
		free(p[rep->n_refused].path);
		free(p[rep->n_refused].reason);
		return -ENOMEM;
	}
	rep->n_refused++;
	return 0;
}

/* Whether a label for the bytes whose SHA-256 is @sha is among @l already. */
static bool labelled(const struct label *l, size_t n, const char *sha)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i].qr + strlen(LABEL_QR_PREFIX), sha) == 0)
			return true;
	return false;
}

/* Each certificate verified: a label in @l (room for @n; *@made of them made) or a
 * refusal in @rep. Return: 0, -ENOMEM. */
static int verify_all(const struct ws_trust *trust, const char *const *certs, size_t n,
                      const struct ws_verify_opts *vo, struct label *l, size_t *made,
                      struct ws_labels_report *rep)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		struct ws_cert_check c = { 0 };

		r = ws_cert_verify_file_opts(trust, certs[i], vo, &c);
		if (r == 0 && !c.authentic)
			r = refuse(rep, certs[i], c.reason);
		else if (r == 0 && !labelled(l, *made, c.sha256) &&
		         (r = label_of(&c, &l[*made])) == 0)
			(*made)++;
		ws_cert_check_clear(&c);
	}
	return r;
}

int ws_labels_write_file(const struct ws_trust *trust, const char *const *certs, size_t n,
                         const char *out, const struct ws_labels_opts *opts,
                         struct ws_labels_report *ret, char **ret_reason)
{
	static const struct ws_labels_opts none = { 0 };
	const struct ws_label_stock *s;
	struct label *l = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0, per, made = 0;
	int r;

	memset(ret, 0, sizeof(*ret));
	opts = opts ? opts : &none;
	s = opts->stock ? opts->stock : &stocks[0];
	per = (size_t)s->cols * s->rows;
	if (n == 0)
		return ws_reason(ret_reason, -EINVAL, "no certificate to label");
	if (!trust)
		return ws_reason(ret_reason, -EINVAL,
		                 "no CA to verify the certificates against: no label is printed "
		                 "for a certificate that was not verified");
	if (opts->skip >= per)
		return ws_reason(ret_reason, -EINVAL,
		                 "cannot skip %u labels: a %s sheet holds %zu (skip at most %zu)",
		                 opts->skip, s->name, per, per - 1);
	if (!(l = calloc(n, sizeof(*l))))
		return ws_reason(ret_reason, -ENOMEM, "out of memory");
	r = verify_all(trust, certs, n, opts->verify, l, &made, ret);
	if (r < 0) {
		ws_reason(ret_reason, r, "out of memory");
	} else if (made == 0) {
		r = ws_reason(ret_reason, -ENODATA,
		              "none of the %zu certificates verified: no label, nothing written",
		              n);
	} else if ((r = labels_render(l, made, s, opts->skip, &pdf, &len, &ret->pages)) < 0) {
		ws_reason(ret_reason, r, "the label sheet could not be made: %s", strerror(-r));
	} else if ((r = pdf_write_whole(out, pdf, len, opts->flags & WS_LABELS_REPLACE)) < 0) {
		ws_reason(ret_reason, r, "%s could not be written: %s", out,
		          r == -EEXIST ? "it exists (a label sheet is never written over a file "
		                         "unless asked)"
		                       : strerror(-r));
	} else {
		ret->labels = made;
	}
	if (r < 0)
		ret->pages = 0;
	for (size_t i = 0; i < made; i++)
		label_clear(&l[i]);
	free(l);
	free(pdf);
	return r;
}
