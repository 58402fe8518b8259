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

#endif
