/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/timestamp.h - trusted time: RFC 3161 timestamp tokens from a time-stamping
 * authority (TSA) on the signatures of certificates and records.
 *
 * With [signer] tsa_url set, every signature the station's signer makes (and the
 * operator's beside it) is sent to the TSA: the token it returns, over the SHA-256 of the
 * signature value, becomes the unsigned attribute id-aa-signatureTimeStampToken
 * (1.2.840.113549.1.9.16.2.14, RFC 3161 appendix A) of that SignerInfo. The signed content
 * and signed attributes do not change, so `openssl cms -verify` checks the signature as
 * before. A TSA that does not answer never stops a wipe: the certificate is filed without a
 * token and marked NAME.json.awaiting-timestamp, and ws_cert_timestamp() adds it later.
 */
#ifndef WIPESEAL_TIMESTAMP_H
#define WIPESEAL_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>

struct ws_config;
struct ws_audit;
struct ws_signer;

/* The mark beside a certificate filed without the token it should carry. */
#define WS_AWAITING_TIMESTAMP_SUFFIX ".awaiting-timestamp"

/* The defaults of [signer] tsa_timeout and tsa_tolerance, in seconds. */
#define WS_TSA_TIMEOUT_DEFAULT   10u
#define WS_TSA_TOLERANCE_DEFAULT 300u
/* A TSA's reply larger than this is refused (a token is a few KiB). */
#define WS_TSA_REPLY_MAX         (256u << 10)

/* Where and how to ask a TSA. The strings are borrowed. */
struct ws_tsa_config {
	const char *url;     /* http:// or https:// (TLS verified against the system's CAs) */
	const char *ca_file; /* PEM CA the TSA's certificate must chain to (with the critical
	                      * timeStamping EKU), or NULL: the reply is checked for status,
	                      * nonce and imprint only */
	unsigned timeout_s;  /* the whole exchange; 0: WS_TSA_TIMEOUT_DEFAULT */
};

/*
 * ws_tsa_config_from_config() - [signer] tsa_url, tsa_ca and tsa_timeout of @cfg into
 * @ret (strings owned by @cfg). Return: true when a TSA is configured (tsa_url set).
 */
bool ws_tsa_config_from_config(const struct ws_config *cfg, struct ws_tsa_config *ret);

/*
 * ws_signer_set_tsa() - from now on every CMS signature @s makes (ws_signer_sign(), and
 * the SignerInfos it adds beside others) asks @tsa for a token; NULL stops it. @tsa is
 * copied. A TSA that fails leaves the signature without a token (ws_signer_sign() still
 * succeeds). Return: 0 or -ENOMEM.
 */
int ws_signer_set_tsa(struct ws_signer *s, const struct ws_tsa_config *tsa);

/*
 * ws_tsa_stamp_p7s() - a token for every SignerInfo of the PEM CMS @p7s that has none.
 * @ret: the new PEM (malloc'd), or NULL when every SignerInfo had a token already.
 * @ret_added: how many tokens were added.
 * Return: 0, or a negative errno with @ret_reason set: -EINVAL (@p7s is not a PEM CMS),
 * -EHOSTUNREACH, -ETIMEDOUT, -EPROTO (the TSA refused or answered what does not check),
 * -ENOMEM.
 */
int ws_tsa_stamp_p7s(const struct ws_tsa_config *tsa, const char *p7s, char **ret,
                     unsigned *ret_added, char **ret_reason);

/*
 * ws_cert_timestamp() - the tokens a certificate (@path, its @path.p7s) lacks, added now:
 * the .p7s replaced atomically, the mark @path.awaiting-timestamp removed, and, with @log,
 * a TIMESTAMPED line appended. A certificate whose signatures all carry tokens only loses
 * its mark. @ret_added: how many tokens were added (may be NULL).
 * Return: 0, or a negative errno with @ret_reason set; the files are as they were.
 */
int ws_cert_timestamp(const struct ws_tsa_config *tsa, const char *path, struct ws_audit *log,
                      unsigned *ret_added, char **ret_reason);

#endif
