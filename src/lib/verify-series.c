/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-series.c - the series check of `wipeseal verify`, kept small (wipeseal/cert.h).
 *
 * A station's certificates form a chain: each names, in previous_certificate_sha256, the
 * SHA-256 of the one the station signed before it. Given many certificates, every one but
 * the earliest (by "issued") must follow another of them, else one is missing before it.
 * Checking that needs every certificate's hash and its predecessor's, nothing else: so this
 * keeps 76 bytes per certificate (two binary SHA-256s, its station's number and its place in
 * the order given) and one string per station, never a document or a path. The caller names
 * a broken one from its place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/cert.h>

#include "internal.h"

struct link {
	unsigned char sha[32], prev[32];
	uint32_t station; /* index into ws_series.stations */
	uint32_t place;   /* 0-based, in the order added */
	bool has_prev;
};

struct station {
	char *subject;      /* the signer's subject; "" when all are one series */
	char *first_issued; /* the earliest "issued" seen */
	uint32_t first;     /* its place */
	size_t count;
};

struct ws_series {
	bool per_station;
	struct link *links;
	size_t n, cap;
	struct station *stations;
	size_t n_stations, last; /* last: the station found last, tried first */
};

int ws_series_new(bool per_station, struct ws_series **ret)
{
	struct ws_series *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->per_station = per_station;
	*ret = s;
	return 0;
}

struct ws_series *ws_series_free(struct ws_series *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_stations; i++) {
		free(s->stations[i].subject);
		free(s->stations[i].first_issued);
	}
	free(s->stations);
	free(s->links);
	free(s);
	return NULL;
}

static int unhex(const char *hex, unsigned char out[32])
{
	if (!hex || strlen(hex) != 64)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		unsigned v = 0;

		for (size_t k = 0; k < 2; k++) {
			char c = hex[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -EINVAL;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* The station @subject's index, added when new. */
static int station_of(struct ws_series *s, const char *subject, uint32_t *ret)
{
	struct station *m;

	if (s->last < s->n_stations && strcmp(s->stations[s->last].subject, subject) == 0) {
		*ret = (uint32_t)s->last;
		return 0;
	}
	for (size_t i = 0; i < s->n_stations; i++)
		if (strcmp(s->stations[i].subject, subject) == 0) {
			*ret = (uint32_t)(s->last = i);
			return 0;
		}
	if (s->n_stations >= UINT32_MAX ||
	    !(m = realloc(s->stations, (s->n_stations + 1) * sizeof(*m))))
		return -ENOMEM;
	s->stations = m;
	m[s->n_stations] = (struct station){ .subject = strdup(subject) };
	if (!m[s->n_stations].subject)
		return -ENOMEM;
	*ret = (uint32_t)(s->last = s->n_stations++);
	return 0;
}

int ws_series_add(struct ws_series *s, const struct ws_cert_check *c)
{
	const char *issued = c->issued ? c->issued : "";
	struct station *st;
	struct link *l;
	uint32_t k;
	int r;

	if (s->n >= UINT32_MAX)
		return -EOVERFLOW;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;

		if (!(l = realloc(s->links, cap * sizeof(*l))))
			return -ENOMEM;
		s->links = l;
		s->cap = cap;
	}
	r = station_of(s, s->per_station && c->signer ? c->signer : "", &k);
	if (r < 0)
		return r;
	l = &s->links[s->n];
	*l = (struct link){ .station = k, .place = (uint32_t)s->n };
	(void)unhex(c->sha256, l->sha);
	l->has_prev = unhex(c->previous_sha256, l->prev) == 0;
	st = &s->stations[k];
	/* the earliest by "issued"; of equals, the first given (as the check always did) */
	if (!st->count || strcmp(issued, st->first_issued) < 0) {
		char *m = strdup(issued);

		if (!m)
			return -ENOMEM;
		free(st->first_issued);
		st->first_issued = m;
		st->first = l->place;
	}
	st->count++;
	s->n++;
	return 0;
}

size_t ws_series_stations(const struct ws_series *s)
{
	return s->n_stations;
}

/* Order of the index qsort_r sorts: station, then hash. */
static int cmp_link(const void *a, const void *b, void *userdata)
{
	const struct link *links = userdata, *x = &links[*(const uint32_t *)a],
	                  *y = &links[*(const uint32_t *)b];

	if (x->station != y->station)
		return x->station < y->station ? -1 : 1;
	return memcmp(x->sha, y->sha, sizeof(x->sha));
}

/* Is there a certificate of @station whose hash is @sha? A binary search of @idx. */
static bool known(const struct ws_series *s, const uint32_t *idx, uint32_t station,
                  const unsigned char *sha)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct link *m = &s->links[idx[mid]];
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

int ws_series_check(const struct ws_series *s, ws_series_fn fn, void *userdata)
{
	uint32_t *idx = malloc((s->n ? s->n : 1) * sizeof(*idx));
	int broken = 0;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, s->n, sizeof(*idx), cmp_link, s->links);
	for (size_t i = 0; i < s->n; i++) {
		const struct link *l = &s->links[i];

		if (l->place == s->stations[l->station].first ||
		    (l->has_prev && known(s, idx, l->station, l->prev)))
			continue;
		broken++;
		if (fn)
			fn(userdata, l->place);
	}
	free(idx);
	return broken;
}
