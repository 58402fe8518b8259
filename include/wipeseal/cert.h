/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/cert.h - certificates of sanitization: built from a wipe's result, signed with the
 * organization's key as a detached CMS signature, verified by auditors, chained per station
 * through an append-only audit log.
 *
 * A certificate is two files: NAME.json, the document ("wipeseal-certificate/2", every
 * field of NIST SP 800-88 Rev. 2's sample certificate, Appendix C, the technique in IEEE
 * 2883's words, plus the evidence; schema 1 followed Rev. 1), and NAME.json.p7s, a
 * PEM CMS (RFC 5652) SignedData over the exact bytes of NAME.json. Plain OpenSSL verifies it:
 *   openssl cms -verify -binary -inform PEM -in NAME.json.p7s -content NAME.json \
 *           -CAfile ca.pem -purpose any
 */
#ifndef WIPESEAL_CERT_H
#define WIPESEAL_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wipeseal/wipe.h>

struct ws_config;
struct ws_machine;

#define WS_CERT_SCHEMA    "wipeseal-certificate/2" /* what is written (docs/certificate.md) */
#define WS_CERT_SCHEMA_1  "wipeseal-certificate/1" /* written until issue #16; still verified */
/* The standards a schema 2 certificate follows (its "standards" section). */
#define WS_CERT_NIST      "NIST SP 800-88 Rev. 2 (September 2025), Appendix C"
#define WS_CERT_IEEE      "IEEE 2883-2022"
#define WS_CERT_MAX_BYTES (16u << 20) /* a certificate larger than this is refused */
#define WS_SIG_MAX_BYTES  (1u << 20)  /* and a signature larger than this */

/* ---- signer ------------------------------------------------------------------------------- */

struct ws_signer;

/*
 * ws_pin_fn - the front end's question for a token's user PIN (the terminal with echo off, a
 * masked field on the station), asked only when no PIN file names it.
 * @token: the token, one line ("label (serial ...)"); @note: what the token reports about
 * its tries ("the token reports few tries left", ...), or NULL.
 * Write the PIN and a NUL into @buf (@size bytes).
 * Return: 0, or a negative errno: -ENOTTY when nobody can be asked, -ECANCELED when the
 * person declined.
 */
typedef int (*ws_pin_fn)(void *userdata, const char *token, const char *note, char *buf,
                         size_t size);

/* The files a signer is made of. Each must be a regular file of at most 1 MiB. A key may also
 * live on a PKCS#11 token (a smart card, a USB token, an HSM): @key is then an RFC 7512
 * URI, "pkcs11:token=...;object=...;id=..." (docs/config.md), and the key never leaves the
 * token. */
struct ws_signer_files {
	const char *key;            /* PEM private key (refused when group or others may read
	                             * it), or a pkcs11: URI of a private key on a token */
	const char *cert;           /* PEM certificate of that key; with a token key also a
	                             * pkcs11: URI, or NULL for the certificate stored on the
	                             * token beside the key (the same CKA_ID) */
	const char *chain;          /* PEM intermediate certificates to embed, or NULL */
	const char *key_passphrase; /* file holding the pass phrase of an encrypted key (mode
	                             * 600, one line), or NULL */
	const char *pin_file;       /* token keys: file holding the user PIN (mode 600, one
	                             * line), or NULL; a pin-source in the URI comes first */
	ws_pin_fn pin;              /* token keys: asked when no file holds the PIN, or NULL */
	void *pin_userdata;         /* passed to @pin */
};

/*
 * ws_signer_load() - load and check the station's signing key and certificate.
 * @files: where they are.
 * @ret_reason: on failure, one line saying what is wrong and what to do (malloc'd).
 *
 * Nothing ever prompts for a pass phrase (an unattended station would hang): an encrypted
 * key without @files->key_passphrase is refused, saying so. A token's PIN comes from the
 * URI's pin-source, @files->pin_file or @files->pin, in that order; never from the URI
 * itself (a pin-value is refused: a URI sits on command lines and in config files).
 *
 * The key policy (docs/certificate.md): RSA of at least 2048 bits, EC on P-256 or P-384, or
 * Ed25519. The certificate must match the key, be valid now, allow digitalSignature and
 * carry the extended key usage id-kp-documentSigning (1.3.6.1.5.5.7.3.36). A token key is
 * held to the same policy, after the login and before anything is signed.
 *
 * Return: 0; -EPERM for a key or certificate that breaks the policy; -ENOENT, -EACCES when a
 * file cannot be read; -EINVAL for a file that is not what it should be. Token keys also:
 * -ELIBACC, the PKCS#11 module cannot be loaded; -ENODEV, no token matches the URI;
 * -ENOKEY, no private key (or certificate) on it matches; -ENOTUNIQ, more than one does;
 * -EKEYREJECTED, a wrong PIN (the reason says what the token reports of the tries left);
 * -EKEYREVOKED, the token's PIN is locked; -ENOTTY, a PIN is needed and nobody can give it;
 * -ECANCELED (or what @files->pin returned), the person asked gave none;
 * -EIO, the token failed otherwise. Nothing is written in any case.
 */
int ws_signer_load(const struct ws_signer_files *files, struct ws_signer **ret, char **ret_reason);

/* ws_signer_free() - NULL-safe; the key is freed by OpenSSL, which cleanses it. */
struct ws_signer *ws_signer_free(struct ws_signer *s);

/* ws_signer_subject() - the signer certificate's subject, one line (RFC 2253). */
const char *ws_signer_subject(const struct ws_signer *s);

/* ws_signer_is_demo() - the signer was issued by a demo CA (a "DEMO" subject in the chain). */
bool ws_signer_is_demo(const struct ws_signer *s);

/*
 * ws_signer_sign() - detached CMS signature (PEM) over @data, with SHA-256 (SHA-384 for
 * P-384 keys; Ed25519 as RFC 8419 says), signing time included.
 * @ret: malloc'd NUL-terminated PEM.
 * Return: 0, -ENOMEM, or -EIO when OpenSSL fails.
 */
int ws_signer_sign(const struct ws_signer *s, const void *data, size_t len, char **ret);

/* ---- the certificate document ------------------------------------------------------------- */

/* Who did it and what for: the fields the operator supplies (flags or config file). Every
 * field may be NULL. */
struct ws_cert_info {
	const char *operator_name, *operator_title, *operator_organization, *operator_location,
	    *operator_phone;
	const char *asset_tag, *media_source, *classification;
	const char *data_backed_up; /* "yes", "no", "unknown" */
	const char *backup_location, *post_classification;
	const char
	    *destination; /* internal-reuse, external-reuse, recycling, manufacturer, other */
	const char *destination_details, *notes;
	const char *validator_name, *validator_title, *validator_organization, *validator_location,
	    *validator_phone;
	const char *tsa_url; /* [signer] tsa_url: the station asks this TSA for a timestamp of
	                      * its signature (the document's trusted_time says so), or NULL */
	/* the NTP server the station's clock was set from (the boot image exports it as
	 * WIPESEAL_NTP_SERVER), or NULL: the document's station.clock */
	const char *ntp_server;
	/* the machine the drive was in (ws_machine_read(), wipeseal/machine.h), or NULL: the
	 * document's "machine", every field null without it */
	const struct ws_machine *machine;
};

/*
 * ws_cert_info_from_config() - fill the fields @info lacks from the config file.
 * The strings belong to @cfg.
 */
void ws_cert_info_from_config(struct ws_cert_info *info, const struct ws_config *cfg);

/*
 * ws_cert_info_check() - one line saying which field is wrong (an unknown destination or
 * data_backed_up value), or NULL when all are acceptable (malloc'd).
 */
char *ws_cert_info_check(const struct ws_cert_info *info);

/*
 * ws_cert_build() - the certificate document for @res, exactly the bytes to sign and write.
 * @prev_sha256: hex SHA-256 of the previous certificate this station signed, or NULL.
 * @ret: malloc'd UTF-8 JSON text, newline-terminated.
 * @ret_id: receives the certificate's UUID (37 bytes), or NULL.
 * Return: 0, -ENOMEM, or -EIO when no random UUID could be made.
 */
int ws_cert_build(const struct ws_result *res, const struct ws_cert_info *info,
                  const struct ws_signer *signer, const char *prev_sha256, char **ret,
                  char *ret_id);

/*
 * ws_cert_reserve_size() - the bytes to set aside before wiping @t so that its certificate
 * and signature (with @signer; its unsigned result with NULL) will fit afterwards: a
 * document built for the largest outcome (every pass, the most mismatch offsets, a long
 * reason) with @info's fields, signed, plus room for lists that can grow and the blocks
 * of the files. Return: 0 or -ENOMEM.
 */
int ws_cert_reserve_size(const struct ws_target *t, const struct ws_plan *plan,
                         const struct ws_cert_info *info, const struct ws_signer *signer,
                         size_t *ret);

/* ---- verification ------------------------------------------------------------------------- */

struct ws_trust;

/*
 * ws_trust_load() - the CAs an auditor trusts: a PEM file (one or more certificates) or a
 * directory of them (c_rehash layout or plain *.pem files).
 * Return: 0, or a negative errno with @ret_reason set.
 */
int ws_trust_load(const char *path, struct ws_trust **ret, char **ret_reason);

/* ws_trust_free() - NULL-safe. */
struct ws_trust *ws_trust_free(struct ws_trust *t);

/* The operator's signature on a certificate (wipeseal/operator.h). */
enum ws_operator_sig {
	WS_OPERATOR_SIG_NONE,     /* the document names no operator: a station's alone */
	WS_OPERATOR_SIG_SIGNED,   /* the operator it names signed it: a valid signature from a
	                             certificate that chains to the trusted CA, carries the
	                             operator policy and has the SHA-256 the document names */
	WS_OPERATOR_SIG_AWAITING, /* it names one, and the signature lacks theirs (their card
	                             was pulled first: wipeseal cosign adds it) */
	WS_OPERATOR_SIG_INVALID,  /* a second signature that is not that (the check fails) */
};

/* The RFC 3161 timestamp token on the station's signature (ws_cert_verify_file_opts()). */
enum ws_timestamp_state {
	WS_TIMESTAMP_NONE,      /* no token */
	WS_TIMESTAMP_VALID,     /* a token over the signature from a TSA that chains to the TSA
	                           CA given, its time within the signer certificate's validity */
	WS_TIMESTAMP_UNCHECKED, /* a token, but no TSA CA was given to check it */
	WS_TIMESTAMP_INVALID,   /* a token that does not check: the verification fails */
};

/* The second person's decision on a certificate (wipeseal validate, NAME.validation.json). */
enum ws_validation_state {
	WS_VALIDATION_NONE,    /* not yet validated */
	WS_VALIDATION_VALID,   /* a validation record, validly signed, bound to these bytes */
	WS_VALIDATION_INVALID, /* a record that does not check: the verification fails */
};

/* The fields an auditor's report shows of a certificate (wipeseal/review.h), read from the
 * document only once it proved authentic; every one may be NULL (absent from the document). */
struct ws_cert_fields {
	char *serial, *model, *wwn; /* media.serial, media.model, media.wwn */
	char *asset_tag;            /* media.property_number (schema 1: media.asset_number) */
	char *customer;             /* job.customer, when the certificate names one */
	char *method;               /* evidence.method: the --method as given */
	char *nist_level;           /* evidence.nist_level: "Clear", "Purge", "none" */
	char *technique;            /* evidence.technique: what was carried out */
	char *started, *ended;      /* evidence.started, evidence.finished */
	char *operator_name;        /* person.name */
	char *hostname;             /* station.hostname */
};

/* What a verification found. Strings are malloc'd; free with ws_cert_check_clear(). */
struct ws_cert_check {
	bool ok;               /* every check passed */
	char *reason;          /* the first check that failed, one line; NULL when ok */
	char *certificate_id;  /* from the document, when it parsed */
	char *status;          /* "SUCCESS", "FAILED", "ABORTED" */
	char *signer;          /* signer subject, when the signature parsed */
	char *issued;          /* the document's issue time */
	char *previous_sha256; /* the document's link to its predecessor, or NULL */
	char sha256[65];       /* SHA-256 of the document's bytes */
	int64_t signing_time;  /* from the CMS signingTime attribute, Unix seconds */
	bool demo;             /* the document says it was signed under a demo CA */
	/* The second signer: the operator's (WS_OPERATOR_SIG_NONE and NULLs without one). */
	enum ws_operator_sig operator_sig;
	char *operator_subject; /* the operator certificate's subject, as the document names it */
	char *operator_name;    /* the person block's name */
	char *schema;           /* "wipeseal-certificate/1" or "/2", when it parsed */
	/* Trusted time: the station signature's token (WS_TIMESTAMP_NONE without one). */
	enum ws_timestamp_state timestamp;
	int64_t tsa_time;       /* the token's genTime, Unix seconds */
	char *tsa_subject;      /* the TSA certificate's subject */
	bool timestamp_awaited; /* the station asked a TSA and got no token (yet) */
	bool clock_disagrees;   /* signing_time and tsa_time differ by more than the tolerance */
	/* Validation: the latest validation record beside the certificate. */
	enum ws_validation_state validation;
	char *validation_decision; /* "accept", "repeat", "escalate" */
	char *validator;           /* the validator's name (subject when it has none) */
	char *validation_date;     /* RFC 3339 */
	char *validation_file;     /* base name of the record */
	/* Integrity: the document's bytes are the bytes its station signed, under the trusted
	 * CA and the key policy, its summary agrees with its evidence, and what was checked
	 * with it (timestamp tokens, validation records) checks too. The status and the
	 * requirements (WS_VERIFY_REQUIRE_*) do not count: an authentic record of a FAILED
	 * wipe is authentic. When false, no field above but sha256 and reason is to be
	 * believed: they were read from a document that failed. */
	bool authentic;
	struct ws_cert_fields fields; /* filled only when authentic */
};

/* ws_cert_verify_flags() flags. */
#define WS_VERIFY_REQUIRE_OPERATOR   (1u << 0) /* fail unless WS_OPERATOR_SIG_SIGNED */
#define WS_VERIFY_REQUIRE_VALIDATION (1u << 1) /* fail unless validated with "accept" */

/* ws_cert_verify_file_opts() options. */
struct ws_verify_opts {
	unsigned flags;                   /* WS_VERIFY_* */
	const struct ws_trust *tsa_trust; /* the TSA CA (--tsa-ca), or NULL: tokens unchecked */
	unsigned clock_tolerance_s;       /* station clock vs TSA; 0: the default, 300 s */
	const struct ws_trust *validator_trust; /* CA of validators' certificates; NULL: trust */
};

void ws_cert_check_clear(struct ws_cert_check *c);

/*
 * ws_cert_verify() - check a certificate document and its detached signature: size, UTF-8,
 * JSON, schema and required fields; the CMS signature over the exact bytes; the chain to
 * @trust at the signing time; the signer's key policy and extended key usage; and that the
 * status is SUCCESS.
 * Return: 0 when the checks ran (look at @ret->ok), -ENOMEM otherwise. Never crashes on
 * bad input: this is what tests/fuzz feeds.
 */
int ws_cert_verify(const struct ws_trust *trust, const void *json, size_t json_len, const void *p7s,
                   size_t p7s_len, struct ws_cert_check *ret);

/*
 * ws_cert_verify_flags() - ws_cert_verify(), and the operator's signature beside the
 * station's (@ret->operator_sig): a document that names an operator (person.operator_card)
 * may carry their SignerInfo, whose certificate must chain to @trust at its signing time,
 * carry the operator policy and have the SHA-256 the document names; the station's must be
 * there and valid in every case. A second signer that is not that fails the check;
 * AWAITING passes unless @flags holds WS_VERIFY_REQUIRE_OPERATOR, which fails every
 * certificate that is not SIGNED.
 */
int ws_cert_verify_flags(const struct ws_trust *trust, const void *json, size_t json_len,
                         const void *p7s, size_t p7s_len, unsigned flags,
                         struct ws_cert_check *ret);

/*
 * ws_cert_verify_file() - ws_cert_verify() of @path and @path.p7s, read with the size caps
 * above. A missing or unreadable file is a failed check, not an error.
 */
int ws_cert_verify_file(const struct ws_trust *trust, const char *path, struct ws_cert_check *ret);

/*
 * ws_cert_verify_file_opts() - ws_cert_verify_file_flags(), and what lies beside the
 * certificate: the RFC 3161 token on its signature (@ret->timestamp) and the latest
 * validation record, NAME.validation.json and its .p7s (@ret->validation).
 */
int ws_cert_verify_file_opts(const struct ws_trust *trust, const char *path,
                             const struct ws_verify_opts *opts, struct ws_cert_check *ret);

/* ws_cert_verify_file_flags() - ws_cert_verify_file() with ws_cert_verify_flags(). */
int ws_cert_verify_file_flags(const struct ws_trust *trust, const char *path, unsigned flags,
                              struct ws_cert_check *ret);

/* ---- certificates in directories (verify-dir.c, verify-series.c) ------------------------- */

/* What ws_cert_walk() found. */
enum ws_walk_kind {
	WS_WALK_CERTIFICATE, /* a certificate to check: a path named that is not a directory, or
	                      * in a directory NAME.json with NAME.json.p7s beside it, or a
	                      * NAME.json that names the wipeseal-certificate schema (its
	                      * signature is missing: the check fails) */
	WS_WALK_SKIPPED,     /* a .json that is not a certificate document, a symbolic link to a
	                      * directory (never followed): @reason says which */
	WS_WALK_ERROR,       /* a directory that could not be read: @reason says why; the walk
	                      * goes on */
	WS_WALK_DESTRUCTION, /* a destruction record (NAME.destruction.json, named or found):
	                      * ws_destruction_verify_file() checks it (wipeseal/destruction.h) */
};

/* Called once per finding, in order; a non-zero return stops the walk and is returned. */
typedef int (*ws_walk_fn)(void *userdata, const char *path, enum ws_walk_kind kind,
                          const char *reason);

/*
 * ws_cert_walk() - the certificates under @paths, streamed to @fn one at a time. A path that
 * is not a directory is a certificate, whatever its name (but NAME.destruction.json, a
 * destruction record: WS_WALK_DESTRUCTION, as in a directory). A directory is walked recursively,
 * each directory's names sorted bytewise (the same tree always gives the same order),
 * without following symbolic links to directories. Passed over in silence: hidden names
 * (".register-queue", ...), files that do not end in ".json" (.p7s, .pdf, .awaiting-*
 * markers, ...), and validation and re-verification records beside their certificate
 * (NAME.validation[-N].json, NAME.reverify-TIME[-N].json next to NAME.json: checked with
 * it). Memory: the sorted names of the directories being walked, nothing per certificate.
 * Return: 0, what @fn returned, or -ENOMEM.
 */
int ws_cert_walk(const char *const *paths, size_t n, ws_walk_fn fn, void *userdata);

/* ---- audit log ---------------------------------------------------------------------------- */

/* One event, as the audit log records it. Every field may be NULL (0). */
struct ws_audit_entry {
	const char *status;           /* "STARTED", "SUCCESS", "FAILED", "ABORTED", "REFUSED",
	                               * "VALIDATED", ...; "REVERIFIED": a drive read again
	                               * (wipeseal/reverify.h), the certificate named in @note,
	                               * not in the series */
	const char *certificate_file; /* base name, e.g. "20261127T...json" */
	const char *certificate_id;
	const char *certificate_sha256;
	const char *serial; /* or the path, for devices without one */
	const char *target; /* the path as named */
	const char *model;
	const char *method;
	const char *operator_name;
	const char *note;       /* why there is no certificate (a refused attempt), or NULL */
	unsigned started_line;  /* the STARTED line this outcome ends, 0 for none */
	const char *late_since; /* recorded late: when the log could not be written, or NULL */
	/* Operators (wipeseal/operator.h): written only when set. */
	const char *station;          /* the station's name (LOGIN, LOCK... lines) */
	const char *card_serial;      /* the operator's card */
	const char *operator_subject; /* the operator certificate's subject */
	const char *operator_sha256;  /* and its SHA-256 fingerprint */
	/* A validator's decision (VALIDATED lines, wipeseal/validate.h): written only when
	 * set. The certificate decided on is "validated_sha256", not certificate_sha256: the
	 * line is not a certificate of the station's series. */
	const char *validated_sha256;
	const char *decision;          /* "accept", "repeat", "escalate" */
	const char *validator_subject; /* the validator certificate's subject */
	const char *validator_sha256;  /* and its SHA-256 fingerprint */
	/* A record of its own (DESTROYED lines, wipeseal/destruction.h): written only when
	 * set; the record's SHA-256, and the wipe certificate it links. Neither is a
	 * certificate of the station's series. */
	const char *record_sha256;
	const char *linked_sha256;
};

/* The default audit log. */
#define WS_AUDIT_DEFAULT "/var/log/wipeseal/audit.log"

/* A log larger than this is refused (read neither by the station nor by verify). */
#define WS_AUDIT_MAX_BYTES (1ull << 30)
/* And a line longer than this. */
#define WS_AUDIT_LINE_MAX  (64u << 10)

/* An audit log held open and locked (flock, exclusive) for appending. */
struct ws_audit;

/*
 * ws_audit_open() - open (creating it and its directory when missing) and lock the log,
 * and read it: the line to chain to, the station's previous certificate, the signer last
 * recorded. Hold it from before the certificate is built until after it is appended, so
 * that no other process can slip a certificate in between. Only a regular file is read.
 * @signer: the station's signer; every line appended is signed with its key.
 * Return: 0, or a negative errno with @ret_reason set (unwritable, not a regular file,
 * larger than WS_AUDIT_MAX_BYTES, a line longer than WS_AUDIT_LINE_MAX, a read error).
 * A last line cut short (no newline: a write that did not finish) is kept and recorded
 * by the next append, not refused.
 */
int ws_audit_open(const char *path, const struct ws_signer *signer, struct ws_audit **ret,
                  char **ret_reason);

/* ws_audit_previous() - SHA-256 of the last certificate logged, or "" for a new log. */
const char *ws_audit_previous(const struct ws_audit *log);

/* ws_audit_lines() - the number of lines in the log: after ws_audit_append(), its line's. */
unsigned ws_audit_lines(const struct ws_audit *log);

/*
 * ws_audit_append() - append @e as one JSON line carrying its number, the SHA-256 of the
 * line before it and a signature by the signer's key over the line, and fsync. Before it,
 * when needed: a line recording a torn last line, and a SIGNER line with the signer's
 * certificate when it is not the one the log last recorded (docs/certificate.md).
 * Return: 0, or a negative errno with @ret_reason set.
 */
int ws_audit_append(struct ws_audit *log, const struct ws_audit_entry *e, char **ret_reason);

/*
 * ws_audit_keep() - the line of @e, kept while the log cannot take it: DIR/NAME.audit-pending
 * (JSON, created exclusively, fsync'd), for ws_audit_flush_kept() to append later, marked as
 * recorded late. *ret_path gets its path. Return: 0 or a negative errno.
 */
int ws_audit_keep(const char *dir, const char *name, const struct ws_audit_entry *e,
                  char **ret_path);

/*
 * ws_audit_flush_kept() - append every DIR/\*.audit-pending to @log, oldest first, each
 * marked as recorded late, and remove it once its line is written.
 * Return: 0; a negative errno at the first that could not be appended (the rest wait),
 * with *ret_path and *ret_reason (malloc'd; the reason may be NULL).
 */
int ws_audit_flush_kept(struct ws_audit *log, const char *dir, char **ret_path, char **ret_reason);

/* ws_audit_close() - unlock and close; NULL-safe. Return: NULL. */
struct ws_audit *ws_audit_close(struct ws_audit *log);

/* What ws_audit_verify() found. */
struct ws_audit_summary {
	unsigned lines;          /* lines read */
	unsigned signed_lines;   /* lines whose signature checked out */
	unsigned unsigned_lines; /* lines without a signature before the first signed one */
	unsigned notes;          /* things to know that are not tampering (torn, interrupted) */
	unsigned problems;       /* things that break the log's proof */
};

/* Called once per finding of ws_audit_verify(): @problem false for a note. */
typedef void (*ws_audit_problem_fn)(void *userdata, unsigned line, bool problem, const char *text);

/*
 * ws_audit_verify() - walk the log: every line strict JSON without NUL bytes, numbered in
 * order, chained by SHA-256 to the line before, and signed by a signer whose certificate
 * (on a SIGNER line before it) chains to @trust; every listed certificate present in
 * @cert_dir with the recorded SHA-256 and following the certificate logged before it;
 * every STARTED line ended by an outcome; torn lines recorded. @cert_dir NULL: the
 * certificates are not looked up.
 * Return: 0 when the walk ran (look at @ret), or a negative errno: the log cannot be
 * opened, is not a regular file (-EINVAL), is too large (-EFBIG), or a read failed.
 */
int ws_audit_verify(const char *path, const char *cert_dir, const struct ws_trust *trust,
                    ws_audit_problem_fn problem, void *userdata, struct ws_audit_summary *ret);

/* ws_audit_verify_mem() - the same walk over @len bytes in memory (tests/fuzz). */
int ws_audit_verify_mem(const void *data, size_t len, const char *cert_dir,
                        const struct ws_trust *trust, ws_audit_problem_fn problem, void *userdata,
                        struct ws_audit_summary *ret);

#endif
