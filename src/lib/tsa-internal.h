/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tsa-internal.h - RFC 3161 tokens on CMS SignerInfos (tsa.c), for signer.c, cms.c,
 * job-file.c, verify-tsa.c and the PDF signature (PAdES B-T).
 */
#ifndef WS_TSA_INTERNAL_H
#define WS_TSA_INTERNAL_H

#include <stdint.h>

#include <openssl/cms.h>
#include <openssl/ts.h>

#include <wipeseal/timestamp.h>

/* id-aa-signatureTimeStampToken, RFC 3161 appendix A */
#define WS_OID_SIGNATURE_TIMESTAMP_TOKEN "1.2.840.113549.1.9.16.2.14"

/*
 * ws_tsa_stamp_si() - ask @tsa for a token over the SHA-256 of @si's signature value and
 * add it to @si as the unsigned attribute id-aa-signatureTimeStampToken. @si must be
 * signed already. Return: 0, or a negative errno (ws_tsa_stamp_p7s()) with @ret_reason.
 */
int ws_tsa_stamp_si(const struct ws_tsa_config *tsa, CMS_SignerInfo *si, char **ret_reason);

/*
 * ws_tsa_stamp_cms() - ws_tsa_stamp_si() for every SignerInfo of @cms that has no token
 * (PAdES B-T: the PDF's one signature; ws_signer_tsa() gives the signer's TSA).
 * Return: how many were stamped (>= 0), or the first failure, a negative errno with
 * @ret_reason set (those stamped before it keep their tokens).
 */
int ws_tsa_stamp_cms(const struct ws_tsa_config *tsa, CMS_ContentInfo *cms, char **ret_reason);

/* ws_tsa_si_token() - @si's token (DER of the TimeStampToken ContentInfo), or NULL. */
PKCS7 *ws_tsa_si_token(CMS_SignerInfo *si);

/* A copy of @tsa (its strings too), and its free (NULL-safe). tsa.c */
struct ws_tsa_config *ws_tsa_config_dup(const struct ws_tsa_config *tsa);
void ws_tsa_config_free(struct ws_tsa_config *tsa);

/* A copy of the TSA configuration a signer holds (signer.c), or NULL. */
const struct ws_tsa_config *ws_signer_tsa(const struct ws_signer *s);

/*
 * ws_signer_sign_stamped() - ws_signer_sign(), telling what became of the token:
 * *@ret_tsa 0 when one was added, 1 when no TSA is configured, else the TSA's negative
 * errno (the signature made all the same) and *@ret_tsa_reason (may be NULL) says why.
 * @stamp false: no token asked for (a trial signature, the room to reserve).
 */
int ws_signer_sign_stamped(const struct ws_signer *s, const void *data, size_t len, char **ret,
                           int *ret_tsa, char **ret_tsa_reason, bool stamp);

/* The room two signers' tokens take in a PEM .p7s, set aside before a wipe. */
#define WS_TSA_TOKEN_ROOM (64u << 10)

/* ws_cms_add_signer() that stamps the new SignerInfo with @tsa (NULL: none), *@ret_tsa as
 * above (may be NULL). cms.c */
int ws_cms_add_signer_tsa(const char *p7s, const struct ws_signer *s,
                          const struct ws_tsa_config *tsa, const void *data, size_t len, char **ret,
                          int *ret_tsa);

/* ws_verify_tsa() - the tokens on the signatures of @path.p7s, checked against
 * @opts->tsa_trust, into @c (timestamp, tsa_time, tsa_subject, timestamp_awaited,
 * clock_disagrees); a token that does not check fails @c. Return: 0 or -ENOMEM.
 * verify-tsa.c */
struct ws_verify_opts;
struct ws_cert_check;
int ws_verify_tsa(const char *path, const struct ws_verify_opts *opts, struct ws_cert_check *c);
/* ws_verify_tsa() of the signature @cms already parsed (NULL: none) and the document @doc
 * (NULL: @path is read for it). verify-tsa.c */
struct json_object;
void ws_verify_tsa_parsed(const char *path, CMS_ContentInfo *cms, struct json_object *doc,
                          const struct ws_verify_opts *opts, struct ws_cert_check *c);

/* ws_tsa_mark() - @cert_path.awaiting-timestamp, created exclusively and fsync'd, saying
 * @why. Return: 0 or a negative errno (-EEXIST when it is there). */
int ws_tsa_mark(const char *cert_path, const char *why);

#endif
