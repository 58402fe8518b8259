/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-sigcache.c - a PEM CMS signature parsed, its certificates only once.
 *
 * Why: every signature a station makes carries the same certificates (its own, perhaps an
 * intermediate), and OpenSSL 3.0 spends about a third of a certificate's check setting up a
 * decoder for each embedded certificate's public key (OSSL_DECODER_CTX_new_for_pkey). The
 * register's audit and push and `verify DIR` check thousands of signatures of the same few
 * stations, so the trust (struct ws_trust) keeps the last few certificate sets it met: their
 * exact DER bytes and the X509 objects parsed from them.
 *
 * How: the SignedData's `certificates [0] IMPLICIT` element is cut out of the DER, the rest
 * is parsed by d2i_CMS_ContentInfo() as usual, and the certificates parsed from the same
 * bytes before are added to it in their order (CMS_add1_cert()). A set is reused only when
 * its bytes are byte for byte those cached, so the result is what a full parse gives. Anything
 * out of the ordinary (BER, an empty set, a choice that is no plain certificate, a set larger
 * than SET_MAX) takes the full parse of the same bytes, with its errors.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/x509.h>

#include "cert-internal.h"
#include "verify-internal.h"

#define SETS    16          /* sets kept: more stations than this rotate */
#define SET_MAX (64u << 10) /* bytes of one set: a larger one is parsed each time */

struct cert_set {
	unsigned char *der; /* the whole [0] element, header included */
	size_t len;
	STACK_OF(X509) * certs;
};

struct ws_sig_cache {
	pthread_mutex_t lock; /* the audit's workers share one trust */
	struct cert_set sets[SETS];
	unsigned next; /* the set replaced next */
};

struct ws_sig_cache *ws_sig_cache_new(void)
{
	struct ws_sig_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void ws_sig_cache_free(struct ws_sig_cache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < SETS; i++) {
		free(c->sets[i].der);
		sk_X509_pop_free(c->sets[i].certs, X509_free);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- DER ------------------------------------------------------------------------------------- */

struct der {
	unsigned char tag;
	size_t hl, cl; /* header and content length */
};

/* The element at @p (@n bytes at most): single-byte tag, definite length in minimal form of
 * at most four bytes. Return: false when it is anything else or runs past @n. */
static bool der_at(const unsigned char *p, size_t n, struct der *e)
{
	size_t len = 0, k;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return false;
	e->tag = p[0];
	if (p[1] < 0x80) {
		e->hl = 2;
		len = p[1];
	} else {
		k = p[1] & 0x7f;
		if (k == 0 || k > 4 || n < 2 + k || p[2] == 0)
			return false;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		if (len < 0x80)
			return false;
		e->hl = 2 + k;
	}
	if (len > n - e->hl)
		return false;
	e->cl = len;
	return true;
}

size_t ws_der_header(unsigned char *out, unsigned char tag, size_t len)
{
	size_t k = 0;

	out[0] = tag;
	if (len < 0x80) {
		out[1] = (unsigned char)len;
		return 2;
	}
	for (size_t v = len; v; v >>= 8)
		k++;
	out[1] = (unsigned char)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		out[2 + i] = (unsigned char)(len >> (8 * (k - 1 - i)));
	return 2 + k;
}

/* Where the certificates are in a ContentInfo holding a SignedData. */
struct layout {
	size_t oid_off, oid_len; /* the contentType, header included */
	size_t sd_off, sd_len;   /* the SignedData's content */
	size_t set_off, set_len; /* the [0] certificates element, header included */
};

/* Return: whether @der (@n bytes, the whole input) is a DER ContentInfo whose SignedData holds
 * a non-empty certificates element, at @l. */
static bool find_certificates(const unsigned char *der, size_t n, struct layout *l)
{
	struct der ci, oid, x, sd, e;
	size_t p, end;

	if (!der_at(der, n, &ci) || ci.tag != 0x30 || ci.hl + ci.cl != n)
		return false;
	p = ci.hl;
	if (!der_at(der + p, n - p, &oid) || oid.tag != 0x06)
		return false;
	l->oid_off = p;
	l->oid_len = oid.hl + oid.cl;
	p += l->oid_len;
	if (!der_at(der + p, n - p, &x) || x.tag != 0xa0 || p + x.hl + x.cl != n)
		return false;
	p += x.hl;
	if (!der_at(der + p, n - p, &sd) || sd.tag != 0x30 || p + sd.hl + sd.cl != n)
		return false;
	p += sd.hl;
	l->sd_off = p;
	l->sd_len = sd.cl;
	end = p + sd.cl;
	/* version, digestAlgorithms, encapContentInfo, then [0] certificates when present */
	for (int i = 0; i < 3; i++) {
		static const unsigned char want[] = { 0x02, 0x31, 0x30 };

		if (!der_at(der + p, end - p, &e) || e.tag != want[i])
			return false;
		p += e.hl + e.cl;
	}
	if (!der_at(der + p, end - p, &e) || e.tag != 0xa0 || e.cl == 0)
		return false;
	l->set_off = p;
	l->set_len = e.hl + e.cl;
	return l->set_len <= SET_MAX;
}

/* @der without its certificates element, the lengths around it made right: malloc'ed. */
static unsigned char *without_set(const unsigned char *der, const struct layout *l, size_t *ret)
{
	size_t sd = l->sd_len - l->set_len, x, ci, n, at = 0;
	unsigned char h_sd[WS_DER_HEADER_MAX], h_x[WS_DER_HEADER_MAX], h_ci[WS_DER_HEADER_MAX];
	size_t l_sd = ws_der_header(h_sd, 0x30, sd), l_x, l_ci;
	unsigned char *out;

	x = l_sd + sd;
	l_x = ws_der_header(h_x, 0xa0, x);
	ci = l->oid_len + l_x + x;
	l_ci = ws_der_header(h_ci, 0x30, ci);
	n = l_ci + ci;
	out = malloc(n);
	if (!out)
		return NULL;
	memcpy(out + at, h_ci, l_ci), at += l_ci;
	memcpy(out + at, der + l->oid_off, l->oid_len), at += l->oid_len;
	memcpy(out + at, h_x, l_x), at += l_x;
	memcpy(out + at, h_sd, l_sd), at += l_sd;
	memcpy(out + at, der + l->sd_off, l->set_off - l->sd_off), at += l->set_off - l->sd_off;
	memcpy(out + at, der + l->set_off + l->set_len,
	       l->sd_off + l->sd_len - (l->set_off + l->set_len));
	*ret = n;
	return out;
}

/* The certificates of the set @der (@n bytes, header included), each a plain Certificate.
 * Return: NULL when any is not (the full parse then says what it thinks of them). */
static STACK_OF(X509) * parse_set(const unsigned char *der, size_t n)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct der set, e;
	size_t p;

	if (!certs || !der_at(der, n, &set))
		goto fail;
	for (p = set.hl; p < n; p += e.hl + e.cl) {
		const unsigned char *q = der + p;
		X509 *x;

		if (!der_at(der + p, n - p, &e) || e.tag != 0x30)
			goto fail;
		x = d2i_X509(NULL, &q, (long)(e.hl + e.cl));
		if (!x || q != der + p + e.hl + e.cl || !sk_X509_push(certs, x)) {
			X509_free(x);
			goto fail;
		}
	}
	return certs;
fail:
	sk_X509_pop_free(certs, X509_free);
	return NULL;
}

/* The certificates of the set at @der, from @c or parsed into it: the caller's references. */
static STACK_OF(X509) * cached_set(struct ws_sig_cache *c, const unsigned char *der, size_t n)
{
	STACK_OF(X509) *certs = NULL, *parsed;
	unsigned char *copy;
	struct cert_set *s;

	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < SETS && !certs; i++)
		if (c->sets[i].len == n && memcmp(c->sets[i].der, der, n) == 0)
			certs = X509_chain_up_ref(c->sets[i].certs);
	pthread_mutex_unlock(&c->lock);
	if (certs)
		return certs;
	parsed = parse_set(der, n);
	copy = parsed ? malloc(n) : NULL;
	if (!copy || !(certs = X509_chain_up_ref(parsed))) {
		free(copy);
		sk_X509_pop_free(parsed, X509_free);
		return NULL;
	}
	memcpy(copy, der, n);
	pthread_mutex_lock(&c->lock);
	s = &c->sets[c->next++ % SETS];
	free(s->der);
	sk_X509_pop_free(s->certs, X509_free);
	*s = (struct cert_set){ .der = copy, .len = n, .certs = parsed };
	pthread_mutex_unlock(&c->lock);
	return certs;
}

/* @der parsed with the certificates of @c. Return: NULL when that way does not apply. */
static CMS_ContentInfo *parse_cached(struct ws_sig_cache *c, const unsigned char *der, size_t n)
{
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	unsigned char *rest = NULL;
	const unsigned char *p;
	struct layout l;
	size_t rl = 0;

	if (!c || n > LONG_MAX || !find_certificates(der, n, &l))
		return NULL;
	if (!(certs = cached_set(c, der + l.set_off, l.set_len)) ||
	    !(rest = without_set(der, &l, &rl)))
		goto out;
	p = rest;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)rl);
	if (cms && p != rest + rl)
		goto fail;
	for (int i = 0; cms && i < sk_X509_num(certs); i++)
		if (CMS_add1_cert(cms, sk_X509_value(certs, i)) != 1)
			goto fail;
	goto out;
fail:
	CMS_ContentInfo_free(cms);
	cms = NULL;
out:
	ERR_clear_error();
	free(rest);
	sk_X509_pop_free(certs, X509_free);
	return cms;
}

CMS_ContentInfo *ws_cms_parse_pem(struct ws_sig_cache *c, const void *pem, size_t len)
{
	BIO *in = len <= INT_MAX ? BIO_new_mem_buf(pem, (int)len) : NULL;
	unsigned char *der = NULL;
	CMS_ContentInfo *cms = NULL;
	const unsigned char *p;
	long n = 0;

	/* what PEM_read_bio_CMS() reads: a "CMS" or "PKCS7" block */
	if (in && PEM_bytes_read_bio(&der, &n, NULL, PEM_STRING_CMS, in, ws_pem_no_prompt, NULL) &&
	    n > 0 && !(cms = parse_cached(c, der, (size_t)n))) {
		p = der;
		cms = d2i_CMS_ContentInfo(NULL, &p, n);
	}
	OPENSSL_free(der);
	BIO_free(in);
	ERR_clear_error();
	return cms;
}
