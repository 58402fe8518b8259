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

struct json_object;

/* The member at dotted @path ("evidence.device.serial") of @o, or NULL (absent or null).
 * verify-schema.c */
struct json_object *ws_json_at(struct json_object *o, const char *path);

/* ws_verify_sections() - the sections @c->schema requires are objects in @doc.
 * Return: true, or false with @c->reason set. verify-schema.c */
bool ws_verify_sections(struct json_object *doc, struct ws_cert_check *c);

/* ws_verify_summary() - every summary field of @doc (of schema @c->schema) that repeats a
 * fact of the evidence says what the evidence says. Return: true when they agree; false with
 * the first disagreement in @c->reason. verify-schema.c */
bool ws_verify_summary(struct json_object *doc, struct ws_cert_check *c);

/* ws_verify_fields() - the fields a report shows (struct ws_cert_fields) from @doc, an
 * authentic certificate of either schema. Return: 0 or -ENOMEM. verify-fields.c */
int ws_verify_fields(struct json_object *doc, struct ws_cert_fields *ret);

/* ws_cert_fields_clear() - free what ws_verify_fields() filled in. verify-fields.c */
void ws_cert_fields_clear(struct ws_cert_fields *f);

#endif
