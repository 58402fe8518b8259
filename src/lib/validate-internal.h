/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * validate-internal.h - what validate.c (writing a decision) and verify-validation.c
 * (checking the records beside a certificate) share: where the records are, what makes a
 * certificate a validator's, and the self-validation rule, so that both apply one rule.
 */
#ifndef WS_VALIDATE_INTERNAL_H
#define WS_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <time.h>

#include <openssl/x509.h>

#include <wipeseal/cert.h>
#include <wipeseal/validate.h>

/* Records larger than this are refused (they hold a few hundred bytes). */
#define WS_VALIDATION_MAX_BYTES (1u << 20)

/* The record @k (1: NAME.validation.json, 2: NAME.validation-2.json, ...) of the certificate
 * @cert_path (NAME.json), malloc'd; NULL on ENOMEM. */
char *ws_validation_record_path(const char *cert_path, unsigned k);

/* @x chains to @store at @when (@untrusted: intermediates that may help, or NULL).
 * Return: NULL, or why not (OpenSSL's words, a constant). */
const char *ws_validation_chain_why(X509_STORE *store, X509 *x, STACK_OF(X509) * untrusted,
                                    time_t when);

/* @x may decide: the key policy, digitalSignature, and documentSigning or the operator
 * policy. Return: NULL, or why not (a constant or written into @buf). */
const char *ws_validator_cert_why(X509 *x, char *buf, size_t size);

/*
 * ws_self_validation() - the rule against validating one's own work, for the certificate
 * @json (its bytes) signed by @p7s (PEM) and the validator certificate @v: refused when @v
 * or its key is the operator's the document names (person.operator_card) or one that signed
 * it (the station's, the operator's), or, without an operator card, when @v's commonName is
 * the document's person.name.
 * Return: 0 when @v may validate; -EPERM with @ret_why (one line, malloc'd); -ENOMEM.
 */
int ws_self_validation(const char *json, size_t len, const char *p7s, X509 *v, char **ret_why);

/* The first @nid entry (NID_commonName, ...) of @name as UTF-8 (malloc'd), or NULL. */
char *ws_name_entry(const X509_NAME *name, int nid);

/*
 * ws_verify_validation() - the validation records beside the certificate @path, which
 * ws_cert_verify_file_flags() found valid (@c): NAME.validation.json, -2, ... up to the
 * first missing, each signed by a validator whose certificate chains to
 * @opts->validator_trust (else @trust) at its signing time, bound to the certificate's
 * bytes, and not a self-validation; the latest by date is reported. A record that does
 * not check fails @c (WS_VALIDATION_INVALID); WS_VERIFY_REQUIRE_VALIDATION fails it unless
 * the latest decision is "accept". verify-validation.c
 * Return: 0, or -ENOMEM.
 */
int ws_verify_validation(const struct ws_trust *trust, const char *path,
                         const struct ws_verify_opts *opts, struct ws_cert_check *c);

#endif
