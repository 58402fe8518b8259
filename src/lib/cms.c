/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cms.c - a second signer in a certificate's CMS SignedData: the operator's, beside the
 * station's (RFC 5652 section 5.1: SignedData holds any number of SignerInfos over the same
 * content, and `openssl cms -verify` checks every one).
 *
 * The station signs first (signer.c); the operator's SignerInfo is then added to what the
 * station made, which is kept byte for byte. So one code path serves both moments: right
 * after the wipe with the card in its reader, and later (wipeseal cosign) when the card was
 * pulled before. CMS_add1_signer() with CMS_REUSE_DIGEST would copy the station's
 * messageDigest, which is only right when both keys use the same digest (P-384 stations
 * sign with SHA-384, RSA cards with SHA-256); the operator's signed attributes are made
 * here instead: messageDigest of the content with its own digest, contentType id-data
 * (RFC 5652 section 11.1, 11.2), and signingTime, which CMS_SignerInfo_sign() adds.
 */
#include <errno.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "cert-internal.h"
#include "tsa-internal.h"

/* @si's signed attributes for detached content @data: messageDigest, contentType. */
static int content_attrs(CMS_SignerInfo *si, const EVP_MD *md, const void *data, size_t len)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (EVP_Digest(data, len, dg, &n, md, NULL) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, dg,
	                                (int)n) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
	                                OBJ_nid2obj(NID_pkcs7_data), -1) != 1)
		return -EIO;
	return 0;
}

int ws_cms_pem(CMS_ContentInfo *cms, char **ret)
{
	BIO *out = BIO_new(BIO_s_mem());
	char *p = NULL;
	long n;
	int r = -ENOMEM;

	*ret = NULL;
	if (out && PEM_write_bio_CMS(out, cms) != 1)
		r = -EIO;
	else if (out && (n = BIO_get_mem_data(out, &p)) > 0 && (*ret = strndup(p, (size_t)n)))
		r = 0;
	BIO_free(out);
	return r;
}

int ws_cms_add_signer(const char *p7s, const struct ws_signer *s, const void *data, size_t len,
                      char **ret)
{
	return ws_cms_add_signer_tsa(p7s, s, ws_signer_tsa(s), data, len, ret, NULL);
}

int ws_cms_add_signer_tsa(const char *p7s, const struct ws_signer *s,
                          const struct ws_tsa_config *tsa, const void *data, size_t len, char **ret,
                          int *ret_tsa)
{
	BIO *in = BIO_new_mem_buf(p7s, -1);
	CMS_ContentInfo *cms = in ? PEM_read_bio_CMS(in, NULL, ws_pem_no_prompt, NULL) : NULL;
	EVP_PKEY *key = ws_signer_key(s);
	const EVP_MD *md = ws_digest_for(key);
	CMS_SignerInfo *si;
	int r = !in ? -ENOMEM : !cms ? -EINVAL : -EIO, t = 1;

	if (!cms)
		goto done;
	si = CMS_add1_signer(cms, ws_signer_cert(s), key, md, CMS_BINARY | CMS_PARTIAL);
	if (si && content_attrs(si, md, data, len) == 0 && CMS_SignerInfo_sign(si) == 1) {
		/* the token dates this signature; a TSA that fails leaves it without one */
		if (tsa)
			t = ws_tsa_stamp_si(tsa, si, NULL);
		r = ws_cms_pem(cms, ret);
	}
done:
	if (ret_tsa)
		*ret_tsa = t;
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return r;
}

bool ws_cms_has_signer(const char *p7s, const char *fingerprint)
{
	BIO *in = BIO_new_mem_buf(p7s, -1);
	CMS_ContentInfo *cms = in ? PEM_read_bio_CMS(in, NULL, ws_pem_no_prompt, NULL) : NULL;
	STACK_OF(X509) *certs = cms ? CMS_get1_certs(cms) : NULL;
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	char fp[65];
	bool found = false;

	for (int i = 0; sis && certs && !found && i < sk_CMS_SignerInfo_num(sis); i++)
		for (int j = 0; !found && j < sk_X509_num(certs); j++)
			found = CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, i),
			                                sk_X509_value(certs, j)) == 0 &&
			        ws_x509_fingerprint(sk_X509_value(certs, j), fp) == 0 &&
			        strcmp(fp, fingerprint) == 0;
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	ERR_clear_error();
	return found;
}
