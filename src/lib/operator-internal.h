/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * operator-internal.h - what operator.c shares with the certificate, the CMS and the job code.
 */
#ifndef WS_OPERATOR_INTERNAL_H
#define WS_OPERATOR_INTERNAL_H

#include <stdbool.h>

#include <openssl/x509.h>

#include <wipeseal/operator.h>

/* Beside a certificate NAME.json filed without its operator's signature: the mark that
 * names them (the SHA-256 of their certificate, one line). */
#define WS_AWAITING_SUFFIX ".awaiting-operator"

/* The certificate carries the certificate policy WS_OID_OPERATOR_POLICY. */
bool ws_cert_has_operator_policy(X509 *cert);

/* The operator's key (on the card) and certificate, as a signer (owned by @op). */
const struct ws_signer *ws_operator_signer(const struct ws_operator *op);

#endif
