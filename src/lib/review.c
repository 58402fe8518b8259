/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * review.c - an auditor's review of many certificates (wipeseal/review.h): the category of
 * each, the duplicates, the summary.
 *
 * `verify` used to say FAILED both of a forged certificate and of an honest record of a wipe
 * that failed, and stopped checking the series at the first of either, so a deleted
 * certificate went unreported whenever a drive had failed. Here the two are apart: integrity
 * (what verify.c, verify-tsa.c and verify-validation.c call authentic) comes first, then the
 * status, then what the auditor required. Duplicates are found as certificates are added, by
 * their certificate_id and by the drive a SUCCESS certifies, in a hash set of strings, so a
 * hundred thousand certificates cost one lookup each. A certificate that is not authentic
 * gives nothing but its file name and the reason: no id, no drive, no place in a series.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "review-internal.h"
#include "verify-internal.h"

static const char *const category_names[] = {
	[WS_REVIEW_SUCCESS] = "authentic-success",
	[WS_REVIEW_UNSUCCESSFUL] = "authentic-failed-wipe",
	[WS_REVIEW_UNMET] = "requirement-unmet",
	[WS_REVIEW_DUPLICATE] = "duplicate",
	[WS_REVIEW_INTEGRITY] = "integrity-failure",
};

const char *ws_review_category_name(enum ws_review_category cat)
{
	return (unsigned)cat < ELEMENTSOF(category_names) ? category_names[cat] : "unknown";
}

int ws_review_new(unsigned flags, struct ws_review **ret)
{
	struct ws_review *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->flags = flags;
	*ret = r;
	return 0;
}

static void row_free(struct review_row *w)
{
	if (!w)
		return;
	free(w->certificate_id);
	free(w->status);
	free(w->signer);
	free(w->issued);
	free(w->validation);
	free(w->reason);
	ws_cert_fields_clear(&w->fields);
	free(w);
}

struct ws_review *ws_review_free(struct ws_review *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		free(r->certs[i].path);
		free(r->certs[i].issued);
		row_free(r->certs[i].row);
	}
	for (size_t i = 0; i < r->n_stations; i++)
		free(r->stations[i]);
	for (size_t i = 0; i < r->cap_keys; i++)
		free(r->keys[i].key);
	free(r->certs);
	free(r->stations);
	free(r->keys);
	free(r->gaps);
	free(r);
	return NULL;
}

/* ---- the set of ids and drives ------------------------------------------------------------- */

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int keys_grow(struct ws_review *r)
{
	size_t cap = r->cap_keys ? r->cap_keys * 2 : 1024;
	struct review_key *k = calloc(cap, sizeof(*k));

	if (!k)
		return -ENOMEM;
	for (size_t i = 0; i < r->cap_keys; i++) {
		size_t j;

		if (!r->keys[i].key)
			continue;
		for (j = hash(r->keys[i].key) & (cap - 1); k[j].key;)
			j = (j + 1) & (cap - 1);
		k[j] = r->keys[i];
	}
	free(r->keys);
	r->keys = k;
	r->cap_keys = cap;
	return 0;
}

/* The certificate that first had @key; else @key is remembered as @cert's and *@ret_first
 * is @cert. Return: 0 or -ENOMEM. */
static int key_seen(struct ws_review *r, const char *key, uint32_t cert, uint32_t *ret_first)
{
	size_t j;

	if ((r->n_keys + 1) * 2 > r->cap_keys && keys_grow(r) < 0)
		return -ENOMEM;
	for (j = hash(key) & (r->cap_keys - 1); r->keys[j].key; j = (j + 1) & (r->cap_keys - 1))
		if (strcmp(r->keys[j].key, key) == 0) {
			*ret_first = r->keys[j].cert;
			return 0;
		}
	if (!(r->keys[j].key = strdup(key)))
		return -ENOMEM;
	r->keys[j].cert = cert;
	r->n_keys++;
	*ret_first = cert;
	return 0;
}

/* Is @cert (authentic) a duplicate? By id, whatever its status; by drive, a SUCCESS only:
 * a drive wiped again after a FAILED wipe has one record of each, which is no duplicate. */
static int find_duplicate(struct ws_review *r, uint32_t cert, const struct ws_cert_check *c)
{
	const struct ws_cert_fields *f = &c->fields;
	struct review_cert *rc = &r->certs[cert];
	char *key = NULL;
	uint32_t first = cert;
	int k;

	if (c->certificate_id && asprintf(&key, "id\037%s", c->certificate_id) < 0)
		return -ENOMEM;
	k = key ? key_seen(r, key, cert, &first) : 0;
	free(key);
	key = NULL;
	if (k < 0)
		return k;
	if (first != cert) {
		rc->dup = WS_REVIEW_DUP_ID;
		rc->dup_of = first;
		return 0;
	}
	if (!c->status || strcmp(c->status, "SUCCESS") != 0)
		return 0;
	/* a drive is its serial with its model, or its WWN: either seen before is the drive */
	for (int i = 0; i < 2; i++) {
		if (i == 0 && f->serial && *f->serial)
			k = asprintf(&key, "sn\037%s\037%s", f->model ? f->model : "", f->serial);
		else if (i == 1 && f->wwn && *f->wwn)
			k = asprintf(&key, "wwn\037%s", f->wwn);
		else
			continue;
		if (k < 0)
			return -ENOMEM;
		k = key_seen(r, key, cert, &first);
		free(key);
		key = NULL;
		if (k < 0)
			return k;
		if (first != cert && rc->dup == WS_REVIEW_DUP_NONE) {
			rc->dup = WS_REVIEW_DUP_DRIVE;
			rc->dup_of = first;
		}
	}
	return 0;
}

/* ---- one certificate ------------------------------------------------------------------------ */

static int unhex(const char *hex, unsigned char out[32])
{
	if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0'
		                                           : hex[2 * i] - 'a' + 10),
		         lo = (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0'
		                                               : hex[2 * i + 1] - 'a' + 10);

		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* The series @c belongs to: its signer's, or the one series of files named. */
static int station_of(struct ws_review *r, const struct ws_cert_check *c, uint32_t *ret)
{
	const char *s = (r->flags & WS_REVIEW_PER_STATION) && c->signer ? c->signer : "";
	char **m;

	for (size_t i = r->n_stations; i-- > 0;)
		if (strcmp(r->stations[i], s) == 0) {
			*ret = (uint32_t)i;
			return 0;
		}
	if (!(m = realloc(r->stations, (r->n_stations + 1) * sizeof(*m))))
		return -ENOMEM;
	r->stations = m;
	if (!(m[r->n_stations] = strdup(s)))
		return -ENOMEM;
	*ret = (uint32_t)r->n_stations++;
	return 0;
}

static enum ws_review_category category_of(const struct review_cert *rc,
                                           const struct ws_cert_check *c)
{
	if (!rc->authentic)
		return WS_REVIEW_INTEGRITY;
	if (rc->dup != WS_REVIEW_DUP_NONE)
		return WS_REVIEW_DUPLICATE;
	if (!c->status || strcmp(c->status, "SUCCESS") != 0)
		return WS_REVIEW_UNSUCCESSFUL;
	return c->ok ? WS_REVIEW_SUCCESS : WS_REVIEW_UNMET;
}

static char *dup_or_null(const char *s, bool *nomem)
{
	char *d = s ? strdup(s) : NULL;

	*nomem |= s && !d;
	return d;
}

/* The row a report shows: the verified fields of an authentic certificate, the reason of
 * any other. */
static int keep_row(struct review_cert *rc, const struct ws_cert_check *c)
{
	struct review_row *w = calloc(1, sizeof(*w));
	bool nomem = !w;

	if (!w)
		return -ENOMEM;
	rc->row = w;
	w->reason = dup_or_null(c->ok ? NULL : c->reason, &nomem);
	if (!rc->authentic)
		return nomem ? -ENOMEM : 0;
	w->certificate_id = dup_or_null(c->certificate_id, &nomem);
	w->status = dup_or_null(c->status, &nomem);
	w->signer = dup_or_null(c->signer, &nomem);
	w->issued = dup_or_null(c->issued, &nomem);
	if (c->validation == WS_VALIDATION_VALID)
		nomem |= asprintf(&w->validation, "%s by %s on %s", c->validation_decision,
		                  c->validator, c->validation_date) < 0;
	else
		w->validation = dup_or_null("not yet validated", &nomem);
#define COPY(x) w->fields.x = dup_or_null(c->fields.x, &nomem)
	COPY(serial), COPY(model), COPY(wwn), COPY(asset_tag), COPY(customer), COPY(method);
	COPY(nist_level), COPY(technique), COPY(started), COPY(ended), COPY(operator_name);
	COPY(hostname);
#undef COPY
	return nomem ? -ENOMEM : 0;
}

int ws_review_add(struct ws_review *r, const char *path, const struct ws_cert_check *c,
                  struct ws_review_item *ret)
{
	struct review_cert *rc;
	uint32_t me;
	int k;

	if (r->n >= UINT32_MAX - 1)
		return -EOVERFLOW;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;

		if (!(rc = realloc(r->certs, cap * sizeof(*rc))))
			return -ENOMEM;
		r->certs = rc;
		r->cap = cap;
	}
	me = (uint32_t)r->n;
	rc = &r->certs[me];
	*rc = (struct review_cert){ .authentic = c->authentic, .dup_of = me };
	if (!(rc->path = strdup(path)))
		return -ENOMEM;
	r->n++; /* owned from here on */
	if (rc->authentic) {
		(void)unhex(c->sha256, rc->sha);
		rc->has_prev = unhex(c->previous_sha256, rc->prev) == 0;
		if (!(rc->issued = strdup(c->issued ? c->issued : "")) ||
		    (k = station_of(r, c, &rc->station)) < 0 || (k = find_duplicate(r, me, c)) < 0)
			return -ENOMEM;
	}
	rc->category = category_of(rc, c);
	if ((r->flags & WS_REVIEW_KEEP_ROWS) && keep_row(rc, c) < 0)
		return -ENOMEM;
	r->summary.certificates++;
	r->summary.count[rc->category]++;
	r->summary.duplicate_ids +=
	    rc->category == WS_REVIEW_DUPLICATE && rc->dup == WS_REVIEW_DUP_ID;
	r->summary.duplicate_drives +=
	    rc->category == WS_REVIEW_DUPLICATE && rc->dup == WS_REVIEW_DUP_DRIVE;
	if (ret)
		*ret = (struct ws_review_item){
			.category = rc->category,
			.duplicate = rc->dup,
			.duplicate_of =
			    rc->dup != WS_REVIEW_DUP_NONE ? r->certs[rc->dup_of].path : NULL,
		};
	return 0;
}

int ws_review_finish(struct ws_review *r, struct ws_review_summary *ret)
{
	int k;

	if (!r->finished) {
		if ((k = ws_review_series(r)) < 0)
			return k;
		r->finished = true;
		r->summary.gaps = r->n_gaps;
		r->summary.stations = r->n_stations;
		for (size_t i = 0; i < r->n; i++)
			r->summary.series_checked += ws_review_in_series(&r->certs[i]);
	}
	if (ret)
		*ret = r->summary;
	return 0;
}

size_t ws_review_gaps(const struct ws_review *r, const struct ws_review_gap **ret)
{
	*ret = r->gaps;
	return r->n_gaps;
}
