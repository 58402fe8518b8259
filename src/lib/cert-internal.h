/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-internal.h - what signer.c, cert.c, verify.c and audit.c share.
 */
#ifndef WS_CERT_INTERNAL_H
#define WS_CERT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/cms.h>
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

/* The signer's certificate and key (owned by the signer). */
X509 *ws_signer_cert(const struct ws_signer *s);
EVP_PKEY *ws_signer_key(const struct ws_signer *s);

struct ws_operator;

/* ws_cert_build() of a job @op started (NULL: exactly ws_cert_build()): the person block
 * from the operator's certificate, and the card that adds the second signature. */
int ws_cert_build_op(const struct ws_result *res, const struct ws_cert_info *info,
                     const struct ws_signer *signer, const struct ws_operator *op,
                     const char *prev_sha256, char **ret, char *ret_id);

/* ws_der_header() - the DER header of an element of single-byte @tag and @len content
 * bytes, its length in the fewest bytes (X.690 section 10.1), into @out
 * (WS_DER_HEADER_MAX bytes). Return: its length. verify-sigcache.c */
#define WS_DER_HEADER_MAX (2 + sizeof(size_t))
size_t ws_der_header(unsigned char *out, unsigned char tag, size_t len);

/* ws_cms_pem() - @cms as PEM, malloc'd into *ret. Return: 0, -ENOMEM or -EIO. */
int ws_cms_pem(CMS_ContentInfo *cms, char **ret);

/* ws_cms_add_signer() - the detached CMS signature @p7s (PEM) over @data with @s's
 * SignerInfo added beside those it holds, which stay as they are (messageDigest,
 * contentType and signingTime of its own: the digests of two signers may differ).
 * *ret: the new PEM (malloc'd). Return: 0, -EINVAL (@p7s is not a PEM CMS), -ENOMEM, or
 * -EIO when the key could not sign (a card pulled). cms.c */
int ws_cms_add_signer(const char *p7s, const struct ws_signer *s, const void *data, size_t len,
                      char **ret);

/* ws_cms_has_signer() - the CMS @p7s (PEM) holds a SignerInfo whose certificate has the
 * SHA-256 @fingerprint (hex). cms.c */
bool ws_cms_has_signer(const char *p7s, const char *fingerprint);

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

/* The signer's intermediate certificates (owned by the signer; may be NULL or empty): the
 * PDF's CMS embeds them (pdf-cms.c). */
STACK_OF(X509) * ws_signer_chain(const struct ws_signer *s);

/* The signer certificate, then its chain, as PEM (malloc'd), or NULL. */
char *ws_signer_pem(const struct ws_signer *s);

/* ws_read_secret() - a file holding a secret (a pass phrase, a PIN): regular, at most @cap
 * bytes, the owner's alone (refused when group or others may read it), one line (a final
 * newline is not part of it). @what names it in the reason. Free with ws_free_secret().
 * Return: 0, or a negative errno with @ret_reason set. */
int ws_read_secret(const char *what, const char *path, size_t cap, char **ret, size_t *ret_len,
                   char **ret_reason);

/* ws_free_secret() - free() of a buffer of @len bytes that held a secret, cleansed first. */
void ws_free_secret(char *buf, size_t len);

/* ---- keys on PKCS#11 tokens (pkcs11.c) ---- */

/* A token held open (its module loaded, the user logged in) for as long as its key lives. */
struct ws_token;

/* @s names an object on a token: an RFC 7512 URI ("pkcs11:..."). */
bool ws_is_pkcs11_uri(const char *s);

/* ws_token_load() - open the token @f->key names, log in (the PIN as ws_signer_load() says),
 * and take the private key it names, and its certificate when @f->cert is NULL (the one
 * with the key's CKA_ID) or a pkcs11: URI (*@ret_cert NULL otherwise). Free the key before
 * the token. Return: 0, or a negative errno (wipeseal/cert.h) with @ret_reason set. */
int ws_token_load(const struct ws_signer_files *f, struct ws_token **ret_token, EVP_PKEY **ret_key,
                  X509 **ret_cert, char **ret_reason);

/* ws_token_free() - log out, unload the module; NULL-safe. Return: NULL. */
struct ws_token *ws_token_free(struct ws_token *t);

/* The token's serial number (owned by @t), or NULL. */
const char *ws_token_serial(const struct ws_token *t);

/* ws_token_present() - the token is still in its reader and our login session on it open:
 * asked of the token now. False after ws_token_logout(). */
bool ws_token_present(struct ws_token *t);

/* ws_token_logout() - log out of the token: its key can no longer sign. */
void ws_token_logout(struct ws_token *t);

/* ws_token_scan() - every certificate on the tokens @uri matches (NULL: all of them, every
 * module p11-kit knows), without a login: @each gets the pkcs11: URI of the key beside it
 * (token, serial, id; the module of @uri), the token's label and serial, and the
 * certificate (borrowed). A negative return of @each stops the scan and is returned.
 * Return: how many were given (>= 0), or -ELIBACC, -ENODEV (no token) with @ret_reason. */
typedef int (*ws_token_cert_fn)(void *userdata, const char *key_uri, const char *label,
                                const char *serial, X509 *cert);
int ws_token_scan(const char *uri, ws_token_cert_fn each, void *userdata, char **ret_reason);

/* The signer's token when its key is on one, or NULL. */
struct ws_token *ws_signer_token(const struct ws_signer *s);

/* The trusted CAs' store (owned by @t). */
X509_STORE *ws_trust_store(const struct ws_trust *t);

struct json_object;

/* ws_station_json() - the station a record or certificate is made on: a new object with
 * "hostname" and "machine_id" (/etc/machine-id), each null when unknown. A certificate adds
 * its tool and clock (cert.c); validation, re-verification and destruction records use it
 * as it is. cert.c */
struct json_object *ws_station_json(void);

#endif
