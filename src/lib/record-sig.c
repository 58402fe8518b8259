/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record-sig.c - the detached signature of a record filed beside a certificate (a
 * destruction record, a validation record, a re-verification record), checked up to its
 * signer in the one way all of them are: a PEM CMS, a detached SignedData with one
 * SignerInfo that carries a signing time, valid over the record's exact bytes.
 *
 * The signer's certificate is deliberately not verified here (CMS_NO_SIGNER_CERT_VERIFY):
 * each record has its own CA and its own rules for who may sign it, and the chain must be
 * judged at the record's signing time, which only this check reads. So each checker takes
 * the signer, the certificates the signature carries and that time from here and applies
 * its own rules (ws_validation_chain_why() and the rest), with its own words.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/err.h>

#include "cert-internal.h"
#include "verify-internal.h"

const char *ws_record_sig_verify(X509_STORE *store, const char *json, size_t len, const char *p7s,
                                 size_t plen, struct ws_record_sig *ret)
{
	BIO *sig = BIO_new_mem_buf(p7s, (int)plen), *mem = BIO_new_mem_buf(json, (int)len);
	/* through a pass-through filter, as verify.c says why */
	BIO *filter = BIO_new(BIO_f_null()),
	    *content = mem && filter ? BIO_push(filter, mem) : NULL;
	CMS_ContentInfo *cms = sig ? PEM_read_bio_CMS(sig, NULL, ws_pem_no_prompt, NULL) : NULL;
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	const char *why = NULL;
	time_t when = 0;

	memset(ret, 0, sizeof(*ret));
	if (!cms || !content)
		why = "its signature file is not a PEM CMS signature";
	else if (!CMS_is_detached(cms) || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	         sk_CMS_SignerInfo_num(sis) != 1)
		why = "its signature is not a detached CMS SignedData with one signer";
	else if (!ws_cms_signing_time(sk_CMS_SignerInfo_value(sis, 0), &when))
		why = "its signature carries no signing time";
	else if (CMS_verify(cms, NULL, store, content, NULL,
	                    CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1)
		why = "the record's bytes are not the bytes that were signed (changed after "
		      "signing)";
	else {
		STACK_OF(X509) *signers = CMS_get0_signers(cms);

		/* the signer stays the SignedData's: kept until ws_record_sig_clear() */
		ret->cms = TAKE_PTR(cms);
		ret->signer =
		    signers && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
		ret->certs = CMS_get1_certs(ret->cms);
		ret->when = when;
		sk_X509_free(signers);
	}
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(sig);
	if (content)
		BIO_free_all(content);
	else {
		BIO_free(filter);
		BIO_free(mem);
	}
	return why;
}

void ws_record_sig_clear(struct ws_record_sig *s)
{
	/* what the caller's own checks of the signer left on OpenSSL's queue, too */
	ERR_clear_error();
	sk_X509_pop_free(s->certs, X509_free);
	CMS_ContentInfo_free(s->cms);
	memset(s, 0, sizeof(*s));
}
