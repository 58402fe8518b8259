/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * review-series.c - the series check of a review (wipeseal/review.h), over every authentic
 * certificate whatever its status.
 *
 * A station's certificates form a chain: each names, in previous_certificate_sha256, the
 * SHA-256 of the one the station signed before it (docs/certificate.md, Series). Every
 * authentic certificate but the earliest issued of its station must name another of them;
 * one that does not marks a gap, and the gap is named by what is missing (the hash the
 * successor names) and by its neighbours: the successor, and the station's certificate
 * issued last before it. A certificate that failed integrity is not in the series: the
 * genuine one it may stand in for is missing, and shows as a gap where it belonged. A copy
 * (the same certificate_id as one before it) is not either: the original stands for it.
 *
 * Two sorted indexes of the authentic certificates do it in O(n log n): by (station, hash)
 * to find a predecessor, by (station, issued, place) to find a neighbour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "review-internal.h"

static int cmp_hash(const void *a, const void *b, void *userdata)
{
	const struct review_cert *certs = userdata, *x = &certs[*(const uint32_t *)a],
	                         *y = &certs[*(const uint32_t *)b];

	if (x->station != y->station)
		return x->station < y->station ? -1 : 1;
	return memcmp(x->sha, y->sha, sizeof(x->sha));
}

static int cmp_issued(const void *a, const void *b, void *userdata)
{
	const struct review_cert *certs = userdata;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int c;

	if (certs[i].station != certs[j].station)
		return certs[i].station < certs[j].station ? -1 : 1;
	if ((c = strcmp(certs[i].issued, certs[j].issued)) != 0)
		return c;
	return i < j ? -1 : i > j;
}

/* Is there an authentic certificate of @station whose hash is @sha? */
static bool known(const struct ws_review *r, const uint32_t *idx, size_t n, uint32_t station,
                  const unsigned char *sha)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct review_cert *m = &r->certs[idx[mid]];
		int c = m->station != station ? (m->station < station ? -1 : 1)
		                              : memcmp(m->sha, sha, 32);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The station's certificate just before @me in (issued, place) order, or NULL. */
static const char *before(const struct ws_review *r, const uint32_t *idx, size_t n, uint32_t me)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_issued(&idx[mid], &me, r->certs);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || r->certs[idx[lo - 1]].station != r->certs[me].station)
		return NULL;
	return r->certs[idx[lo - 1]].path;
}

static int add_gap(struct ws_review *r, const struct review_cert *rc, const char *prev_path)
{
	struct ws_review_gap *g = realloc(r->gaps, (r->n_gaps + 1) * sizeof(*g));
	static const char hex[] = "0123456789abcdef";

	if (!g)
		return -ENOMEM;
	r->gaps = g;
	g = &g[r->n_gaps++];
	*g = (struct ws_review_gap){
		.station = r->stations[rc->station],
		.before = prev_path,
		.after = rc->path,
	};
	for (size_t i = 0; rc->has_prev && i < 32; i++) {
		g->missing_sha256[2 * i] = hex[rc->prev[i] >> 4];
		g->missing_sha256[2 * i + 1] = hex[rc->prev[i] & 15];
	}
	return 0;
}

int ws_review_series(struct ws_review *r)
{
	uint32_t *by_hash = malloc((r->n ? r->n : 1) * sizeof(uint32_t)),
	         *by_time = malloc((r->n ? r->n : 1) * sizeof(uint32_t));
	size_t n = 0;
	int k = 0;

	if (!by_hash || !by_time) {
		free(by_hash);
		free(by_time);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n; i++)
		if (ws_review_in_series(&r->certs[i]))
			by_hash[n] = by_time[n] = (uint32_t)i, n++;
	qsort_r(by_hash, n, sizeof(*by_hash), cmp_hash, r->certs);
	qsort_r(by_time, n, sizeof(*by_time), cmp_issued, r->certs);
	for (size_t i = 0; i < r->n && k == 0; i++) {
		const struct review_cert *rc = &r->certs[i];
		const char *prev =
		    ws_review_in_series(rc) ? before(r, by_time, n, (uint32_t)i) : NULL;

		/* the earliest of its station has nothing before it to name */
		if (!ws_review_in_series(rc) || !prev ||
		    (rc->has_prev && known(r, by_hash, n, rc->station, rc->prev)))
			continue;
		k = add_gap(r, rc, prev);
	}
	free(by_hash);
	free(by_time);
	return k;
}
