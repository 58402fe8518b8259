/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sigcache.c - libFuzzer harness, differential: the DER of a CMS signature, wrapped in
 * PEM, parsed by ws_cms_parse_pem() with one cache kept across inputs (so certificate sets
 * met before are taken from it) and by OpenSSL's PEM_read_bio_CMS(). Either both refuse it,
 * or both parse it and write the same DER back; anything else aborts. Seeded by
 * scripts/fuzz.sh with the DER of real signatures (one signer, two, a chain).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h */
#include <openssl/cms.h>
#include <openssl/err.h>

#include "verify-internal.h"

static struct ws_sig_cache *cache;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	BIO *pem, *in;
	CMS_ContentInfo *want = NULL, *got = NULL;
	unsigned char *wd = NULL, *gd = NULL;
	char *text = NULL;
	long tl;
	int wn, gn;

	if (size == 0) /* no PEM to write */
		return 0;
	if (!cache && !(cache = ws_sig_cache_new()))
		abort();
	pem = BIO_new(BIO_s_mem());
	if (!pem || PEM_write_bio(pem, "CMS", "", data, (long)size) <= 0)
		abort();
	tl = BIO_get_mem_data(pem, &text);
	in = BIO_new_mem_buf(text, (int)tl);
	want = in ? PEM_read_bio_CMS(in, NULL, NULL, NULL) : NULL;
	got = ws_cms_parse_pem(cache, text, (size_t)tl);
	if (!want != !got)
		abort();
	if (want) {
		wn = i2d_CMS_ContentInfo(want, &wd);
		gn = i2d_CMS_ContentInfo(got, &gd);
		if (wn != gn || (wn > 0 && memcmp(wd, gd, (size_t)wn) != 0))
			abort();
	}
	OPENSSL_free(wd);
	OPENSSL_free(gd);
	CMS_ContentInfo_free(want);
	CMS_ContentInfo_free(got);
	BIO_free(in);
	BIO_free(pem);
	ERR_clear_error();
	return 0;
}
