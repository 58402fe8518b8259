/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/destruction.h - the record that a drive was physically destroyed (NIST SP 800-88
 * Destruct: shred, disintegrate, pulverize, incinerate, melt), typically one whose wipe
 * FAILED: what drive, how, by whom, with which witness, where and when, and the wipe
 * certificate it closes, verified first and bound by its SHA-256.
 *
 * A record is two files, like a certificate: NAME.destruction.json ("wipeseal-destruction/1",
 * docs/certificate.md, "Destruction records") and NAME.destruction.json.p7s, a detached CMS
 * signature by the station's key that plain `openssl cms -verify` checks. It is written into
 * the certificate directory, created exclusively, and said in the audit log (DESTROYED); it is
 * not part of the station's series of certificates. `wipeseal verify` checks it
 * (ws_destruction_verify_file()).
 *
 * The witness is named (name, role, organization), not a signer: a witness at a shredder is
 * often the customer's or the shredding company's person, with no key of the organization's
 * CA; the record says so (witness.signed false), and the operator's word that they were there
 * is what the station's signature covers.
 */
#ifndef WIPESEAL_DESTRUCTION_H
#define WIPESEAL_DESTRUCTION_H

#include <stdbool.h>
#include <stdint.h>

#include <wipeseal/cert.h>

#define WS_DESTRUCTION_SCHEMA    "wipeseal-destruction/1"
#define WS_DESTRUCTION_MAX_BYTES (1u << 20) /* a record larger than this is refused */
#define WS_DESTRUCTION_SUFFIX    ".destruction.json"

/* How the medium was destroyed (NIST SP 800-88 Rev. 1, Appendix A: Destroy; Rev. 2: Destruct). */
enum ws_destruct_how {
	WS_DESTRUCT_SHRED,
	WS_DESTRUCT_DISINTEGRATE,
	WS_DESTRUCT_PULVERIZE,
	WS_DESTRUCT_INCINERATE,
	WS_DESTRUCT_MELT,
};

/* ws_destruct_how_name() - "shred", "disintegrate", "pulverize", "incinerate", "melt". */
const char *ws_destruct_how_name(enum ws_destruct_how h);

/* ws_destruct_how_parse() - the technique named @s. Return: 0, or -EINVAL. */
int ws_destruct_how_parse(const char *s, enum ws_destruct_how *ret);

/* What ws_destruction_record() needs. Strings may be NULL unless said otherwise. */
struct ws_destruction_opts {
	/* the drive: attached (@dev, its own identity), or no longer (@serial, @model typed by
	 * the operator); exactly one of @dev and @serial */
	const struct ws_device *dev;
	const char *serial, *model;
	enum ws_destruct_how how;
	const char *witness; /* required: the witness's name */
	const char *witness_role, *witness_organization;
	/* the wipe certificate the destruction closes (NAME.json), verified against @trust
	 * first; NULL: none is linked, and the record says so */
	const char *certificate;
	const struct ws_trust *trust;
	const struct ws_cert_info *info; /* the operator, location, notes (as certificates) */
	const struct ws_signer *signer;  /* the station's */
	const char *dir;                 /* where the record goes (the certificate directory) */
	const char *audit_log;           /* the DESTROYED line; NULL: none */
};

/* What ws_destruction_record() did. Free with ws_destruction_outcome_clear(). */
struct ws_destruction_outcome {
	char *record; /* the record's path, once written */
	char *reason; /* one line when refused or not written */
	char record_id[37];
	char sha256[65];   /* of the record's bytes */
	bool audit_failed; /* written, but the audit log could not take its line */
};

/*
 * ws_destruction_record() - check @o (a witness, one identity), verify the linked certificate
 * (authentic, whatever its status, and of the same drive: the serial it names is the drive's),
 * build the record, sign it, write it and its signature into @o->dir (the first free of
 * UTCTIME_MODEL_SERIAL.destruction.json, -2, ...), and append a DESTROYED line.
 * Return: 0; -EINVAL for options that do not make a record (no witness, no identity, both);
 * -ENOENT a certificate that cannot be read; -EBADMSG one that is not authentic; -EXDEV one
 * of another drive; -EIO (signing), -EEXIST, another negative errno when writing; each with
 * @ret->reason. With @ret->audit_failed the record stands and 0 is returned.
 */
int ws_destruction_record(const struct ws_destruction_opts *o, struct ws_destruction_outcome *ret);

void ws_destruction_outcome_clear(struct ws_destruction_outcome *v);

/* What ws_destruction_verify_file() found. Free with ws_destruction_check_clear(). */
struct ws_destruction_check {
	bool ok;
	char *reason;    /* the first check that failed, one line */
	char sha256[65]; /* of the record's bytes */
	char *record_id, *serial, *model, *how, *witness, *operator_name, *date;
	char *signer;    /* the station certificate's subject */
	char *linked_id; /* the linked certificate's id, or NULL: none linked */
	int64_t signing_time;
};

/* ws_destruction_is_record() - whether @path names a destruction record (its suffix). */
bool ws_destruction_is_record(const char *path);

/*
 * ws_destruction_verify_file() - check @path and @path.p7s as `verify` checks a certificate:
 * sizes capped, strict UTF-8 JSON of the schema with every required field, a detached CMS
 * signature with one signer and a signing time over the exact bytes, the signer chained to
 * @trust at that time, held to the key policy and documentSigning, and not an operator's
 * certificate; and, when the linked certificate lies beside the record, its SHA-256 is the
 * one recorded. Return: 0 (look at @ret->ok), or -ENOMEM.
 */
int ws_destruction_verify_file(const struct ws_trust *trust, const char *path,
                               struct ws_destruction_check *ret);

void ws_destruction_check_clear(struct ws_destruction_check *c);

#endif
