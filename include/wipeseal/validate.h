/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/validate.h - the second person's decision on a certificate of sanitization
 * (NIST SP 800-88 Rev. 2's validation, Appendix C's concurrence): accept the result, have
 * the drive sanitized again, or escalate.
 *
 * A decision is a record of its own beside the certificate, never a change to it: for
 * NAME.json, NAME.validation.json ("wipeseal-validation/1") and NAME.validation.json.p7s, a
 * detached CMS signature by the validator's own key (a file or a card), bound to the
 * certificate by the SHA-256 of NAME.json's exact bytes. A later decision on the same
 * certificate goes to NAME.validation-2.json, -3, ...; the latest by date is the one that
 * counts, and every one is checked (ws_cert_verify_file_opts()). docs/validation.md.
 *
 * The validator must not be the person who did the work: their certificate (or its key) is
 * neither the operator's the certificate names nor the station's that signed it, and for a
 * certificate without an operator card their commonName is not the person's name.
 */
#ifndef WIPESEAL_VALIDATE_H
#define WIPESEAL_VALIDATE_H

#include <stddef.h>

#include <wipeseal/cert.h>

#define WS_VALIDATION_SCHEMA "wipeseal-validation/1"

/* The most records (NAME.validation.json and -2 ... -N) one certificate may have. */
#define WS_VALIDATION_MAX_RECORDS 99u

/* What the validator decided (Rev. 2: accept the result, repeat it, escalate). */
enum ws_decision {
	WS_DECISION_ACCEPT,
	WS_DECISION_REPEAT,
	WS_DECISION_ESCALATE,
};

/* ws_decision_name() - "accept", "repeat", "escalate". */
const char *ws_decision_name(enum ws_decision d);

/* ws_decision_parse() - the decision named @s. Return: 0, or -EINVAL for another word. */
int ws_decision_parse(const char *s, enum ws_decision *ret);

/* What ws_validate() needs. */
struct ws_validate_opts {
	enum ws_decision decision;
	const char *reason;                  /* free text, or NULL */
	const struct ws_signer *validator;   /* ws_signer_load(): a key file or a card */
	const struct ws_trust *trust;        /* the CA the certificates are checked against */
	const struct ws_trust *validator_ca; /* the CA of validators' certificates ([operators]
	                                      * ca, --ca); NULL: @trust */
	const char *location, *contact;      /* the validator's, for the record, or NULL */
	const char *audit_log;               /* the audit log for the VALIDATED lines, signed by
	                                     * the validator's key; NULL: none */
};

/* What became of one certificate. */
struct ws_validation_outcome {
	int error;    /* 0: written; else a negative errno: -EPERM a self-validation,
	               * -EBADMSG a certificate that does not verify, -ENOENT (-EINVAL...) one
	               * that cannot be read, -EEXIST no free record name, ... */
	char *reason; /* one line when refused, or NULL */
	char *record; /* the record's path (NAME.validation[-N].json) when written */
};

/*
 * ws_validate_check_validator() - the validator's certificate is one that may decide: it
 * chains to @o->validator_ca (else @o->trust) now, allows digitalSignature and carries
 * documentSigning or the operator policy.
 * Return: 0, or -EPERM with @ret_reason set.
 */
int ws_validate_check_validator(const struct ws_validate_opts *o, char **ret_reason);

/*
 * ws_validate() - for each of @certs[0..n): verify it (ws_cert_verify_file_flags(): one that
 * does not verify is refused), refuse a self-validation, then write its record and signature
 * (exclusively, fsync'd; the first free of NAME.validation.json, -2, ...) and append a
 * VALIDATED line to @o->audit_log. @ret: n outcomes, to be cleared with
 * ws_validation_outcome_clear(). Nothing is written for a certificate refused.
 * Return: how many were refused (0: all written), or a negative errno before any was
 * looked at: the validator refused (ws_validate_check_validator()), the audit log cannot
 * be opened (@ret_reason set), -ENOMEM.
 */
int ws_validate(const struct ws_validate_opts *o, const char *const *certs, size_t n,
                struct ws_validation_outcome *ret, char **ret_reason);

void ws_validation_outcome_clear(struct ws_validation_outcome *v);

#endif
