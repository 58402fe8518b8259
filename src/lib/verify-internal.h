/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-internal.h - what verify.c (a certificate's checks) and verify-signers.c (a station's
 * and an operator's signature side by side) share, and the signature check of the records
 * filed beside a certificate (record-sig.c).
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
 * ws_verify_chain() - @x, a signer of @cms, chains to @store at @when, as CMS_verify() checks
 * it ("smime_sign" defaults, the CMS's certificates as untrusted ones and its CRLs), on a
 * context of its own: @store, which threads share, is not changed. Return: true, or false
 * with OpenSSL's reason in @ret_why (a constant). verify-signers.c
 */
bool ws_verify_chain(X509_STORE *store, CMS_ContentInfo *cms, X509 *x, time_t when,
                     const char **ret_why);

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

/* A record's signature checked up to its signer (ws_record_sig_verify()). */
struct ws_record_sig {
	CMS_ContentInfo *cms;
	X509 *signer;           /* the one signer, the SignedData's; NULL if it names not one */
	STACK_OF(X509) * certs; /* the certificates it carries (intermediates), or NULL */
	time_t when;            /* its signingTime */
};

/*
 * ws_record_sig_verify() - the detached signature @p7s (PEM) of a record beside a
 * certificate over the record's exact bytes @json, as every such record is checked
 * (destruction, validation, re-verification): a detached CMS SignedData with one
 * SignerInfo and a signing time, valid over the bytes. The signer certificate is not
 * verified: the caller holds @ret->signer to its own CA at @ret->when, and to its rules.
 * record-sig.c
 * Return: NULL with @ret filled (ws_record_sig_clear() it), or why not (a constant, in
 * the words every record's check uses; @ret cleared).
 */
const char *ws_record_sig_verify(X509_STORE *store, const char *json, size_t len, const char *p7s,
                                 size_t plen, struct ws_record_sig *ret);

/* ws_record_sig_clear() - free what ws_record_sig_verify() filled in, and clear OpenSSL's
 * error queue. record-sig.c */
void ws_record_sig_clear(struct ws_record_sig *s);

/*
 * The certificate sets of the signatures a trust has checked, kept so that a signature with
 * the same certificates as one before is parsed without parsing them again. Thread-safe.
 * verify-sigcache.c
 */
struct ws_sig_cache;
struct ws_sig_cache *ws_sig_cache_new(void);
void ws_sig_cache_free(struct ws_sig_cache *c);

/*
 * ws_cms_parse_pem() - the PEM CMS @pem (@len bytes), as PEM_read_bio_CMS() parses it, its
 * certificates taken from @c when it has met the same bytes (@c may be NULL). OpenSSL's error
 * queue is cleared. Return: the CMS (the caller's), or NULL when it is none.
 */
CMS_ContentInfo *ws_cms_parse_pem(struct ws_sig_cache *c, const void *pem, size_t len);

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

/*
 * ws_cert_verify_parsed() - ws_cert_verify_flags(), handing back what it parsed for the checks
 * that follow (timestamps, the register's columns): the document into @ret_doc (NULL when it
 * did not pass the document checks) and the signature into @ret_cms (NULL when it is no PEM
 * CMS), each the caller's to free, or not wanted when the pointer is NULL. verify.c
 */
int ws_cert_verify_parsed(const struct ws_trust *trust, const void *json, size_t json_len,
                          const void *p7s, size_t p7s_len, unsigned flags, struct ws_cert_check *c,
                          struct json_object **ret_doc, CMS_ContentInfo **ret_cms);

/*
 * ws_cert_read_files() - @path and @path.p7s, read whole into @ret_json and @ret_p7s (free
 * both). Return: 0; 1 when either cannot be read, with @c (cleared first) saying why and its
 * sha256 set when the document was read; -ENOMEM. verify.c
 */
int ws_cert_read_files(const char *path, char **ret_json, size_t *ret_jl, char **ret_p7s,
                       size_t *ret_pl, struct ws_cert_check *c);

/*
 * ws_cert_verify_bytes_opts() - ws_cert_verify_file_opts() of a certificate already read
 * from @path: each file read once and parsed once for every check. @ret_doc as in
 * ws_cert_verify_parsed(). verify-opts.c
 */
int ws_cert_verify_bytes_opts(const struct ws_trust *trust, const char *path, const void *json,
                              size_t json_len, const void *p7s, size_t p7s_len,
                              const struct ws_verify_opts *opts, struct ws_cert_check *c,
                              struct json_object **ret_doc);

#endif
