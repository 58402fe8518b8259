/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/reverify.h - re-verification of a drive from its certificate: read the drive again,
 * later and independently, and check that it still reads as the signed certificate says it
 * was left (a quality check samples wiped drives this way, docs/reverify.md).
 *
 * Nothing here ever writes to the drive: it is opened O_RDONLY (and O_EXCL for a block device,
 * so that nothing mounts it while it is read), never through the gate's write path. What is
 * expected comes from the certificate's evidence alone, after the certificate's signature has
 * been verified: the last pass's constant pattern, the AES-256-CTR keystream of a random pass
 * (its key is in the evidence, the counter starts at 0), or after a firmware erase the drive's
 * erased value, or for a crypto erase the noise judgement the purge verifier uses. The drive's
 * identity must be the certificate's: a different drive is refused before a byte is read.
 *
 * The outcome is signed by the person who ran it as a re-verification record
 * ("wipeseal-reverification/1", NAME.reverify-TIME.json and its .p7s beside it).
 */
#ifndef WIPESEAL_REVERIFY_H
#define WIPESEAL_REVERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wipeseal/wipe.h>

struct ws_ctx;
struct ws_trust;
struct ws_signer;

#define WS_REVERIFY_SCHEMA "wipeseal-reverification/1"

/* What a re-verification found. */
enum ws_reverify_outcome {
	WS_REVERIFY_MATCH,      /* every byte read is what the certificate says */
	WS_REVERIFY_MISMATCH,   /* bytes differ (or, after a crypto erase, are not noise) */
	WS_REVERIFY_UNREADABLE, /* ranges could not be read; nothing read differs */
};

/* How to re-verify. */
struct ws_reverify_opts {
	const struct ws_trust *trust; /* the CA the certificate must chain to */
	enum ws_verify_mode mode;     /* WS_VERIFY_SAMPLE (the default) or WS_VERIFY_FULL */
	unsigned sample_percent;      /* of the capacity, 1..100; 0: 10 */
	uint64_t seed;                /* the sample plan's seed; 0: fresh from getrandom() */
};

/* What a re-verification read and found. Free with ws_reverify_free(). */
struct ws_reverify {
	enum ws_reverify_outcome outcome;
	/* the certificate */
	char *certificate_path;
	char *certificate_id;
	char cert_sha256[65];
	/* the drive, as read now */
	char *path, *model, *serial, *wwn;
	uint64_t capacity;
	/* what was read and expected */
	enum ws_verify_mode mode;
	uint64_t seed;    /* 0 for full */
	uint64_t regions; /* sample: regions drawn; full: 1 MiB requests */
	uint64_t bytes_checked;
	uint64_t bytes_mismatched;
	uint64_t mismatch_offsets[WS_MAX_REPORTED]; /* the lowest first differing offsets */
	size_t n_mismatch_offsets;
	struct ws_range *unreadable;
	size_t n_unreadable;
	char expected[160]; /* "constant 0x00", "AES-256-CTR keystream of pass 3", ... */
	char *technique;    /* the certificate's technique ("overwrite", "nvme-sanitize-...") */
};

/*
 * ws_reverify() - read @device again and compare it with the certificate @cert_path.
 * @cert_path: NAME.json; NAME.json.p7s beside it. It must verify (ws_cert_verify_flags()
 *             against @o->trust, over the very bytes whose evidence is then used).
 * @device: the drive as the person names it.
 * @ret: receives what was found (look at ->outcome), when the drive was read.
 * @ret_reason: on failure, one line (malloc'd).
 *
 * Return: 0 when the drive was read (MATCH, MISMATCH or UNREADABLE); -EBADMSG for a
 * certificate that does not verify or whose evidence says nothing that can be re-read
 * (no pass, an unknown technique); -EPERM when the drive is not the certificate's (the
 * reason names the field that differs: serial, WWN, model, capacity, disk sequence number);
 * -ENOENT, -ENOTBLK, -ENODEV for a device that is missing or not a disk; -EBUSY when it is
 * held exclusively (mounted); another negative errno. Nothing is written in any case.
 */
int ws_reverify(struct ws_ctx *ctx, const char *cert_path, const char *device,
                const struct ws_reverify_opts *o, struct ws_reverify **ret, char **ret_reason);

/* ws_reverify_free() - NULL-safe. Return: NULL. */
struct ws_reverify *ws_reverify_free(struct ws_reverify *r);

/* ws_reverify_outcome_name() - "MATCH", "MISMATCH", "UNREADABLE". */
const char *ws_reverify_outcome_name(enum ws_reverify_outcome o);

/*
 * ws_reverify_record() - the re-verification record of @r (schema WS_REVERIFY_SCHEMA,
 * docs/reverify.md), signed by @person, exactly the bytes to write.
 * @ret: malloc'd UTF-8 JSON text, newline-terminated.
 * Return: 0, -ENOMEM, or -EIO when no random UUID could be made.
 */
int ws_reverify_record(const struct ws_reverify *r, const struct ws_signer *person, char **ret);

/*
 * ws_reverify_file() - write @record as DIR/NAME.reverify-TIME.json (created exclusively;
 * -1, -2, ... added when the name is taken) and its detached signature by @person as
 * .json.p7s beside it. @dir: where, or NULL for the certificate's directory.
 * @ret_path: receives the record's path (malloc'd).
 * Return: 0, or a negative errno with @ret_reason (one line).
 */
int ws_reverify_file(const struct ws_reverify *r, const char *record,
                     const struct ws_signer *person, const char *dir, char **ret_path,
                     char **ret_reason);

#endif
