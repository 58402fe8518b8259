/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-cms.c - the CMS inside the PDF's signature: PAdES baseline B-B (ETSI EN 319 142-1,
 * SubFilter ETSI.CAdES.detached), made with OpenSSL.
 *
 * A PAdES signature is a detached CMS SignedData over the file's /ByteRange with three
 * signed attributes: contentType (id-data), messageDigest, and ESS signing-certificate-v2
 * (RFC 5035), which binds the signer's certificate into what is signed; it must not carry
 * signingTime (EN 319 142-1 section 5.2.1: the claimed time is the dictionary's /M).
 * OpenSSL adds signingTime in CMS_SignerInfo_sign() whenever it is missing (3.0 has no flag
 * against it), so the signature over the signed attributes is made here: their DER SET OF,
 * sorted as DER sorts a SET OF (X.690 section 11.6, OpenSSL's own order), signed with the
 * key's digest and padding (RSA PKCS#1 v1.5, the rsaEncryption CMS_add1_signer() names;
 * ECDSA; Ed25519), and set as the SignerInfo's signature value. `openssl cms -verify` and
 * poppler's pdfsig (NSS) check it as any other.
 *
 * B-T: when the signer has a TSA, pdf_timestamp() adds its RFC 3161 token over the
 * signature value as the unsigned attribute id-aa-signatureTimeStampToken (tsa.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cert-internal.h"
#include "pdf-internal.h"
#include "tsa-internal.h"

struct der {
	unsigned char *p;
	int n;
};

/* The DER SET OF ordering of OpenSSL's der_cmp(): bytes first, then length. */
static int der_cmp(const void *a, const void *b)
{
	const struct der *x = a, *y = b;
	int c = memcmp(x->p, y->p, (size_t)(x->n < y->n ? x->n : y->n));

	return c ? c : x->n - y->n;
}

/* The DER of @si's signed attributes as the signature covers them: SET OF, sorted. */
static int signed_attrs_der(CMS_SignerInfo *si, unsigned char **ret, size_t *ret_len)
{
	int count = CMS_signed_get_attr_count(si), r = -ENOMEM;
	struct der *a = calloc((size_t)(count > 0 ? count : 1), sizeof(*a));
	size_t body = 0, hdr, off;
	unsigned char *out = NULL, head[WS_DER_HEADER_MAX];

	if (!a || count <= 0)
		goto done;
	for (int i = 0; i < count; i++) {
		a[i].n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &a[i].p);
		if (a[i].n <= 0)
			goto done;
		body += (size_t)a[i].n;
	}
	qsort(a, (size_t)count, sizeof(*a), der_cmp);
	/* tag 31 (SET), definite length in the fewest bytes (signed attributes never reach
	 * 64 KiB) */
	hdr = ws_der_header(head, 0x31, body);
	if (body > 0xffff || !(out = malloc(hdr + body)))
		goto done;
	memcpy(out, head, hdr);
	off = hdr;
	for (int i = 0; i < count; i++) {
		memcpy(out + off, a[i].p, (size_t)a[i].n);
		off += (size_t)a[i].n;
	}
	*ret = out;
	*ret_len = off;
	r = 0;
done:
	for (int i = 0; a && i < count; i++)
		OPENSSL_free(a[i].p);
	free(a);
	return r;
}

/* Sign @si's signed attributes with @key and set the signature value. */
static int sign_attrs(CMS_SignerInfo *si, EVP_PKEY *key, const EVP_MD *md)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ed = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
	unsigned char *tbs = NULL, *sig = NULL;
	size_t tbs_len = 0, n = 0;
	int r = signed_attrs_der(si, &tbs, &tbs_len);

	if (r < 0 || !ctx)
		goto done;
	r = -EIO;
	if (EVP_DigestSignInit(ctx, NULL, ed ? NULL : md, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, tbs, tbs_len) != 1 || !(sig = OPENSSL_malloc(n)) ||
	    EVP_DigestSign(ctx, sig, &n, tbs, tbs_len) != 1 || n > INT32_MAX)
		goto done;
	if (ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)n) == 1)
		r = 0;
done:
	OPENSSL_free(sig);
	free(tbs);
	EVP_MD_CTX_free(ctx);
	return r;
}

/* contentType id-data and messageDigest of @data (RFC 5652 sections 11.1, 11.2). */
static int content_attrs(CMS_SignerInfo *si, const EVP_MD *md, const void *data, size_t len)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (EVP_Digest(data, len, dg, &n, md, NULL) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
	                                OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, dg,
	                                (int)n) != 1)
		return -EIO;
	return 0;
}

/*
 * pdf_timestamp() - PAdES B-T: the signer's TSA ([signer] tsa_url) stamps the signature
 * value (RFC 3161 token as the unsigned attribute id-aa-signatureTimeStampToken,
 * ws_tsa_stamp_cms()). A TSA that gives no token leaves the PDF B-B: the PDF is a copy, and
 * the certificate's own signature records whether it awaits its token.
 */
static int pdf_timestamp(const struct ws_signer *s, CMS_ContentInfo *cms)
{
	const struct ws_tsa_config *tsa = ws_signer_tsa(s);
	char *why = NULL;

	if (tsa)
		(void)ws_tsa_stamp_cms(tsa, cms, &why);
	free(why);
	return 0;
}

int pdf_cades(const struct ws_signer *s, const unsigned char *data, size_t len,
              const struct ws_pdf_opts *opts, unsigned char **ret, size_t *ret_len)
{
	EVP_PKEY *key = ws_signer_key(s);
	const EVP_MD *md = ws_digest_for(key);
	CMS_ContentInfo *cms =
	    CMS_sign(NULL, NULL, ws_signer_chain(s), NULL, CMS_DETACHED | CMS_BINARY | CMS_PARTIAL);
	CMS_SignerInfo *si = NULL;
	unsigned char *der = NULL;
	int r = -EIO, n;

	(void)opts;
	if (cms)
		si = CMS_add1_signer(cms, ws_signer_cert(s), key, md,
		                     CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | CMS_CADES);
	if (!si || content_attrs(si, md, data, len) < 0 || (r = sign_attrs(si, key, md)) < 0 ||
	    (r = pdf_timestamp(s, cms)) < 0)
		goto done;
	r = -EIO;
	n = i2d_CMS_ContentInfo(cms, &der);
	if (n > 0 && (*ret = malloc((size_t)n))) {
		memcpy(*ret, der, (size_t)n);
		*ret_len = (size_t)n;
		r = 0;
	}
	OPENSSL_free(der);
done:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	return r;
}
