/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-internal.h - what signer.c, cert.c, verify.c and audit.c share.
 */
#ifndef WS_CERT_INTERNAL_H
#define WS_CERT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <wipeseal/cert.h>

#include "internal.h"

/* id-kp-documentSigning, RFC 9336 */
#define WS_OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

/* The organization's key policy. Return: 0, or -EPERM with @why filled. */
int ws_key_policy(EVP_PKEY *key, char *why, size_t len);

/* The certificate carries the extended key usage id-kp-documentSigning. */
bool ws_cert_has_doc_signing(X509 *cert);

/* A name as one RFC 2253 line (malloc'd), and whether it marks a demo CA. */
char *ws_x509_name(const X509_NAME *name);
bool ws_name_is_demo(const X509_NAME *name);

/* The pass phrase callback for every PEM read: never prompts. With @userdata NULL it
 * refuses, so an encrypted PEM block is an error instead of a question on the terminal. */
int ws_pem_no_prompt(char *buf, int size, int rwflag, void *userdata);

/* NIST's "method used" for a technique: "overwrite", "crypto erase", "block erase",
 * "other (...)" (the certificate's sanitization.method_used). */
const char *ws_cert_method_used(enum ws_technique t);

/* The signer's certificate (owned by the signer). */
X509 *ws_signer_cert(const struct ws_signer *s);

/* The digest a key signs with: SHA-384 for P-384, SHA-512 for Ed25519, else SHA-256. */
const EVP_MD *ws_digest_for(EVP_PKEY *key);

/* SHA-256 of a certificate's DER as 64 hex digits (`openssl x509 -fingerprint -sha256`
 * without the colons). Return: 0 or -ENOMEM. */
int ws_x509_fingerprint(X509 *cert, char out[65]);

/* The signer certificate's fingerprint, as above. */
const char *ws_signer_fingerprint(const struct ws_signer *s);

/* Padding for a raw signature with @key: RSA-PSS (salt = digest length), else nothing.
 * Return: 0 or -EIO. */
int ws_sig_setup(EVP_PKEY_CTX *pctx, EVP_PKEY *key);

/* A raw signature over @data (RSA-PSS, ECDSA DER or Ed25519), malloc'd into *ret.
 * Return: 0, -ENOMEM or -EIO. */
int ws_signer_sign_raw(const struct ws_signer *s, const void *data, size_t len, unsigned char **ret,
                       size_t *ret_len);

/* The signer certificate, then its chain, as PEM (malloc'd), or NULL. */
char *ws_signer_pem(const struct ws_signer *s);

/* The trusted CAs' store (owned by @t). */
X509_STORE *ws_trust_store(const struct ws_trust *t);

#endif
