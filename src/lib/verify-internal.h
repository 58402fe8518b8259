/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-internal.h - what verify.c (a certificate's checks) and verify-signers.c (a station's
 * and an operator's signature side by side) share.
 */
#ifndef WS_VERIFY_INTERNAL_H
#define WS_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <time.h>

#include <openssl/cms.h>

#include <wipeseal/cert.h>

/* The signingTime attribute of @si, as Unix seconds. Return: whether it has one. */
bool ws_cms_signing_time(CMS_SignerInfo *si, time_t *ret);

/*
 * ws_verify_two_signers() - the two SignerInfos of @cms over @json, each on its own: the
 * station's (valid, chained to @store, the key policy, documentSigning: else the check
 * fails) and the operator's (also the operator policy and the SHA-256 @named the document
 * names: else @c->operator_sig is WS_OPERATOR_SIG_INVALID). Sets @c->signer,
 * @c->signing_time (the station's), @c->operator_sig, and @c->reason on failure.
 * Return: true when both hold.
 */
bool ws_verify_two_signers(X509_STORE *store, CMS_ContentInfo *cms, const void *json, size_t len,
                           const char *named, struct ws_cert_check *c);

#endif
