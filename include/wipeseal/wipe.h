/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/wipe.h - Clear: overwrite every addressable byte, verify by reading back.
 *
 * A plan (parsed from a --method name) is a list of passes, each a constant byte, a repeated
 * pattern or an AES-256-CTR keystream, plus a verification mode. ws_wipe_run() carries a plan
 * out on a target the safety gate opened, reporting progress through a callback, and leaves
 * behind a struct ws_result: what was written, when, how fast, what failed, and what the
 * read-back and the residue probe found. A result is FAILED whenever any range could not be
 * written; it is never SUCCESS with a gap.
 */
#ifndef WIPESEAL_WIPE_H
#define WIPESEAL_WIPE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wipeseal/device.h>
#include <wipeseal/technique.h>

struct ws_ctx;
struct ws_target;

/* What one pass writes. */
enum ws_pattern_kind {
	WS_PATTERN_BYTES,  /* bytes[0..len) repeated from offset 0 (a constant is len 1) */
	WS_PATTERN_RANDOM, /* AES-256-CTR keystream under a fresh key, counter = offset / 16 */
};

#define WS_PATTERN_MAX 512 /* longest pattern:HEX, in bytes */
#define WS_KEY_BYTES   32  /* AES-256 */

struct ws_pass_spec {
	enum ws_pattern_kind kind;
	uint8_t bytes[WS_PATTERN_MAX];
	size_t len;
};

enum ws_verify_mode {
	WS_VERIFY_NONE,
	WS_VERIFY_SAMPLE, /* pseudorandom regions, stratified over the whole device */
	WS_VERIFY_FULL,   /* every byte */
};

/* An ATA user password, as an interrupted security erase recorded it. */
#define WS_ATA_PASSWORD_LEN 32

/*
 * ws_ata_unlock() - SECURITY UNLOCK and DISABLE PASSWORD with the user password @password
 * (WS_ATA_PASSWORD_LEN bytes), on @target opened by ws_gate_open() with WS_GATE_WRITE.
 * Return: 0; -EREMOTEIO when the drive refuses (wrong password); another negative errno.
 */
int ws_ata_unlock(struct ws_target *target, const uint8_t *password, int *ret_devstatus);

/* A wipe plan: the passes in order and how to verify the last one. */
struct ws_plan {
	char method[16 + 2 * WS_PATTERN_MAX]; /* as named: "clear", "pattern:a55a", ... */
	struct ws_pass_spec *passes;
	size_t n_passes;
	enum ws_verify_mode verify;
	unsigned sample_percent;     /* of the capacity, for WS_VERIFY_SAMPLE (1..100) */
	enum ws_technique technique; /* WS_TECH_OVERWRITE unless a firmware method was named */
};

/*
 * ws_technique_resolve() - the technique @plan means on @dev: "purge" becomes
 * ws_technique_strongest() when that is a Purge technique (the table's rank for the medium);
 * a named firmware technique must be one the device advertises (ws_technique_advertised()),
 * and an ATA one must not be frozen. Nothing is sent to the device.
 * @ret_reason: on refusal, one line saying why and what to do (malloc'd).
 * Return: 0; -EOPNOTSUPP when the device does not support it (exit code 3).
 */
int ws_technique_resolve(const struct ws_plan *plan, const struct ws_device *dev,
                         enum ws_technique *ret, char **ret_reason);

/*
 * ws_plan_parse() - build the plan for a --method name.
 * @method: clear | zero | one | random | pattern:HEX | dod-3pass
 * @passes: how many times to repeat the method's passes (1..99)
 * @ret: receives the plan (verify = SAMPLE at 10%); free with ws_plan_free().
 * @ret_reason: on failure, a one-line reason (malloc'd).
 *
 * Return: 0, -EINVAL for a bad name, pattern or count, or -ENOMEM.
 */
int ws_plan_parse(const char *method, unsigned passes, struct ws_plan **ret, char **ret_reason);

/*
 * ws_plan_check_verify() - the rule for reading back: a firmware erase's own report is no
 * evidence that it erased, so a plan with a firmware technique (other than
 * nvme-sanitize-exit-failure) and verify none is refused unless @trust_firmware (the
 * operator's explicit word, recorded in the certificate). docs/methods.md.
 * Return: 0; -EINVAL with @ret_reason (one line).
 */
int ws_plan_check_verify(const struct ws_plan *plan, bool trust_firmware, char **ret_reason);

/* ws_plan_free() - NULL-safe. Return: NULL. */
struct ws_plan *ws_plan_free(struct ws_plan *plan);

/* ws_verify_mode_name() - "none", "sample", "full". */
const char *ws_verify_mode_name(enum ws_verify_mode mode);

/* ---- progress ----------------------------------------------------------------------------- */

enum ws_phase {
	WS_PHASE_WRITE,  /* writing pass @pass */
	WS_PHASE_FLUSH,  /* fsync + cache flush of pass @pass */
	WS_PHASE_VERIFY, /* reading back */
	WS_PHASE_PROBE,  /* residue probe (libblkid) */
	WS_PHASE_DONE,
};

struct ws_progress {
	const char *path;
	enum ws_phase phase;
	unsigned pass; /* 1-based; the verified pass during VERIFY */
	unsigned n_passes;
	uint64_t done; /* bytes of this phase */
	uint64_t total;
	double rate; /* bytes per second over this phase so far */
	double eta;  /* seconds left in this phase, < 0 when unknown */
};

typedef void (*ws_progress_fn)(void *userdata, const struct ws_progress *p);

/* ---- results ------------------------------------------------------------------------------ */

enum ws_status {
	WS_STATUS_SUCCESS, /* every byte written, flushed, verified, nothing found */
	WS_STATUS_FAILED,  /* a range could not be written, verification found data, ... */
	WS_STATUS_ABORTED, /* stopped on request (SIGINT/SIGTERM) */
	WS_STATUS_REFUSED, /* the gate, asked again before the first write, refused: nothing
			      was written (ws_gate_recheck); audited, not certified */
};

/* A byte range [offset, offset + length). */
struct ws_range {
	uint64_t offset;
	uint64_t length;
};

#define WS_MAX_REPORTED 16 /* mismatch offsets kept in a result */

struct ws_pass_result {
	struct ws_pass_spec spec;
	uint8_t key[WS_KEY_BYTES]; /* random passes: the key, so the pass can be re-verified */
	uint64_t bytes_written;
	int64_t start_ns, end_ns; /* CLOCK_REALTIME */
	double throughput;        /* bytes per second, flush included */
	bool flushed;             /* fsync (and the drive's cache flush) succeeded */
	bool completed;           /* every byte written and flushed */
	struct ws_range *unwritten;
	size_t n_unwritten;
	int error; /* first errno seen, 0 if none */
};

#define WS_ERASED_ANY 256 /* ws_crypto_check.erased_byte: any one byte value throughout */

/*
 * What a crypto erase (or an enhanced security erase) left, judged where no data can hide
 * (docs/methods.md, "What a crypto erase leaves"): a raw baseline of @budget bytes read before
 * the erase and compared 16 bytes at a time after it, and every 4 KiB block read back judged
 * as noise, as the drive's erased pattern, or as neither.
 */
struct ws_crypto_check {
	bool ran;
	uint64_t seed;            /* where the baseline's pieces fell (stratified-splitmix64) */
	uint64_t budget;          /* bytes of the baseline kept from before the erase */
	uint64_t piece_size;      /* bytes per baseline piece */
	uint64_t pieces;          /* pieces read before and after */
	uint64_t blocks_compared; /* 16-byte blocks of the baseline that were not uniform before */
	uint64_t residue_blocks;  /* of those, read exactly as before after the erase */
	uint64_t residue_offsets[WS_MAX_REPORTED]; /* the first residue blocks */
	size_t n_residue_offsets;
	int erased_byte; /* what the drive says erased media reads as: a byte, WS_ERASED_ANY (any
			    one byte value: a vendor pattern), or -1: it does not say */
	double entropy_threshold;   /* bits per byte a 4 KiB block needs to count as noise */
	uint64_t blocks_judged;     /* 4 KiB blocks of the verified regions */
	uint64_t noise_blocks;      /* at or above the threshold */
	uint64_t erased_blocks;     /* the drive's erased pattern throughout */
	uint64_t blank_blocks;      /* one byte value throughout, after and before */
	uint64_t pattern_blocks;    /* one byte value throughout, not the erased pattern, not blank
				     before: an effect the drive does not declare */
	uint64_t structured_blocks; /* not uniform, below the threshold: content, not noise */
	uint64_t structured_offsets[WS_MAX_REPORTED];
	size_t n_structured_offsets;
	uint64_t pattern_offsets[WS_MAX_REPORTED];
	size_t n_pattern_offsets;
	double min_entropy; /* lowest entropy of a block that was not uniform; 8 when none */
	uint64_t unreadable_before; /* regions and baseline pieces a locked range (TCG Opal)
				       kept from being read before a revert */
};

struct ws_verify_result {
	enum ws_verify_mode mode;
	uint64_t seed;        /* sample plan seed (0 for full) */
	uint64_t region_size; /* bytes per sampled region */
	uint64_t regions;     /* regions read */
	uint64_t bytes_checked;
	uint64_t bytes_mismatched;
	uint64_t
	    mismatch_offsets[WS_MAX_REPORTED]; /* first mismatching byte of the first regions */
	size_t n_mismatch_offsets;
	struct ws_range *unreadable;
	size_t n_unreadable;
	int64_t start_ns, end_ns;
	double throughput;
	struct ws_crypto_check crypto; /* after a crypto or enhanced security erase */
};

/* Where a firmware erase stands, as the drive's own status report says (NVMe Sanitize
 * Status log SSTAT, ATA SANITIZE STATUS EXT, SCSI REQUEST SENSE). The values are fixed: they
 * index the result's words for them. */
enum ws_firmware_state {
	WS_FIRMWARE_NEVER,   /* none on record (SCSI keeps no record: "idle") */
	WS_FIRMWARE_DONE,    /* the most recent one completed */
	WS_FIRMWARE_RUNNING, /* one is in progress */
	WS_FIRMWARE_FAILED,  /* the most recent one failed */
};

/* What a firmware erase did, from the device's own reports. */
struct ws_firmware_result {
	bool ran;             /* a firmware technique was carried out (or followed) */
	bool followed;        /* a sanitize already in progress was followed, not started */
	bool transition_seen; /* in progress -> completed observed after our command */
	int command_status;   /* the device's status for the command (NVMe status, ATA ERROR,
				 SCSI sense key), 0 when it was accepted */
	enum ws_firmware_state state_before; /* before we started */
	enum ws_firmware_state state;        /* the last status read */
	bool keeps_no_record;        /* the transport keeps no record of a finished erase (SCSI):
				  WS_FIRMWARE_NEVER reads as "idle" */
	uint16_t status_word_before; /* the status word before we started */
	uint16_t status_word;        /* the last status word: NVMe SSTAT, ATA SANITIZE STATUS COUNT,
				 SCSI sense key */
	uint16_t progress;      /* the drive's progress, of 65536 (0xFFFF: none running, NVMe) */
	uint32_t detail_word;   /* what the status adds: NVMe SCDW10 (the command dword 10 that
				 started the most recent sanitize), ATA LBA, SCSI ASC << 8 | ASCQ */
	int global_data_erased; /* 1 or 0 as the drive says (NVMe SSTAT bit 8, Global Data
				   Erased); -1 when the transport has no such report */
	uint32_t estimate_s;    /* the device's own estimate for this action, 0 unknown */
	int64_t elapsed_ms;     /* from our command to the completion we saw, -1 not measured */
	bool too_fast;          /* completed in under 1/100 of the device's own estimate */
	const char *transport;  /* "NVMe", "ATA", "SCSI" */
	bool log_valid;         /* a status was read: the fields above and log_raw hold it */
	uint8_t log_raw[512];   /* the status as last read (the Sanitize Status log, ...) */
	int64_t start_ns, end_ns;
};

/*
 * The drive's own account of its health, read before the erase and after it (NIST SP 800-88
 * Rev. 2 counts media health as verification evidence): the NVMe SMART / Health Information
 * log (log page 02h) or the ATA SMART attributes (SMART READ DATA, through SAT on SCSI
 * hosts). A drive that does not answer leaves @read false and says why in @error.
 */
#define WS_HEALTH_MAX_ATTRS 30 /* the ATA SMART data structure holds 30 attributes */

struct ws_health_attr { /* one ATA SMART attribute */
	uint8_t id;
	uint16_t flags;
	uint8_t value, worst, threshold; /* threshold 0: not read */
	uint64_t raw;                    /* the 48-bit raw value */
};

struct ws_health {
	bool read;          /* the drive answered */
	int error;          /* errno when it did not (-EOPNOTSUPP: no such log), 0 */
	const char *source; /* "NVMe SMART / Health Information log", "ATA SMART READ DATA";
			       when not @read: why not, one line */
	int64_t when_ns;    /* CLOCK_REALTIME when read */
	/* NVMe (-1 where not read) */
	int critical_warning; /* byte 0 */
	int temperature_k;    /* composite temperature, kelvin */
	int available_spare;  /* percent */
	int spare_threshold;  /* percent */
	int percentage_used;  /* may exceed 100 */
	int64_t media_errors; /* media and data integrity errors (low 64 bits) */
	int64_t error_log_entries;
	int64_t power_on_hours;
	int64_t unsafe_shutdowns;
	/* ATA */
	int smart_passed; /* SMART RETURN STATUS: 1 passed, 0 threshold exceeded, -1 not read */
	struct ws_health_attr attrs[WS_HEALTH_MAX_ATTRS];
	size_t n_attrs;
};

/*
 * One command the tool sent the drive to erase it (NIST SP 800-88 Rev. 2 asks for the exact
 * commands and parameters): the interface, the command's name, its bytes as sent (NVMe: the
 * 64-byte submission entry; ATA: the taskfile as a 16-byte ATA PASS-THROUGH CDB or the
 * registers; SCSI: the CDB) and, one line, the parameters decoded.
 */
#define WS_MAX_COMMANDS 8

struct ws_command_record {
	const char *interface; /* "NVMe", "ATA", "SCSI" */
	char name[48];         /* "Sanitize", "SANITIZE DEVICE (CRYPTO SCRAMBLE EXT)", ... */
	uint8_t bytes[64];
	size_t n_bytes;
	char parameters[192]; /* "SANACT=4 (crypto erase), AUSE=1, OWPASS=0, ..." */
	int status;           /* the drive's status for it, 0 accepted */
	int64_t sent_ns;      /* CLOCK_REALTIME */
};

/* A host protected area (HPA): the part of a drive hidden above its accessible maximum. */
struct ws_hidden_result {
	bool checked; /* the drive could say (ATA with the HPA feature set) */
	uint64_t accessible_before, native, accessible_after; /* bytes */
	bool restored;       /* SET MAX ADDRESS EXT (volatile) to the native maximum */
	bool kept;           /* --keep-hidden-areas: left hidden on purpose */
	uint64_t dco_hidden; /* bytes a DCO restriction hides beyond the native maximum:
				     never restored here (a DCO RESTORE is permanent) */
};

/* A TCG revert (opal-psid-revert, opal-revert): who it was sent as, what the drive answered,
 * what it reported before and after, and what that makes the revert (docs/methods.md). Never
 * the secret. */
struct ws_opal_result {
	bool ran;              /* the revert was sent to the drive */
	const char *interface; /* "sed-opal" */
	const char *authority; /* "PSID", "SID" */
	int tcg_status;        /* the drive's method status (0 success, 01h NOT_AUTHORIZED,
				  ...); -1 when none came back */
	struct ws_opal_info before, after;
	bool after_read; /* Level 0 Discovery answered after the revert */
	/* what the revert counts as, from what the drive reported before it: "cryptographic
	 * erase" (Purge), "overwrite", "block erase" or "no stated mechanism" (Clear, and the
	 * media must read back as zeros) */
	const char *counts_as;
};

/*
 * One hardware area of a drive and what became of it, where a drive has more than the one its
 * block device addresses: an eMMC's user area, boot partitions and RPMB (docs/certificate.md,
 * "Areas"). Any area not erased makes a SUCCESS FAILED.
 */
#define WS_MAX_AREAS 4
struct ws_area_result {
	char name[16];   /* "user", "boot0", "boot1", "rpmb" */
	char device[64]; /* its block device, "/dev/mmcblk0boot0"; "" for none */
	uint64_t size_bytes;
	bool erased;            /* erased, and read back as erased where it could be read */
	bool not_erasable;      /* no host command reaches it (RPMB): recorded, never a failure */
	bool force_ro_restored; /* a boot partition's force_ro is 1 again (false: not one) */
	char technique[32];     /* the --method name of what erased it, "" for none */
	char note[160];         /* why it was not erased, or how it was, "" for nothing to add */
};

struct ws_result {
	char *path;
	char *name;        /* file-system-safe "UTCTIME_MODEL_SERIAL" for result files */
	char *device_json; /* the gate's snapshot of the target, as `list --json` shows it */
	char *method;
	bool dry_run;
	bool trust_firmware;         /* --trust-firmware: a firmware erase not read back */
	enum ws_technique technique; /* what was carried out (resolved from "purge") */
	struct ws_hidden_result hidden;
	struct ws_area_result areas[WS_MAX_AREAS]; /* an eMMC's areas; none for other drives */
	size_t n_areas;
	struct ws_firmware_result firmware;
	struct ws_opal_result opal; /* a TCG revert's record (technique opal-*) */
	struct ws_command_record commands[WS_MAX_COMMANDS]; /* firmware erase: what was sent */
	size_t n_commands;
	struct ws_health health_before, health_after; /* the drive's health log, either side */
	bool direct_io;                               /* O_DIRECT was used */
	struct ws_pass_result *passes;
	size_t n_passes; /* passes started */
	size_t n_planned;
	unsigned sample_percent; /* the plan's, for WS_VERIFY_SAMPLE */
	bool verified;           /* verification ran to its end */
	struct ws_verify_result verify;
	struct ws_strv residue; /* signatures libblkid found after the last pass */
	bool residue_probed;
	enum ws_status status;
	char *status_reason; /* one line; NULL on success */
	int64_t start_ns, end_ns;
	/* purge-or-clear: which the drive got and why, one sentence (ws_technique_fallback());
	 * NULL for every other method */
	char *fallback;
};

/*
 * ws_result_nist() - what @res counts as under NIST SP 800-88: the technique's level, or for a
 * technique whose nature the drive decides (a TCG revert), what the drive made it: "Purge"
 * for a cryptographic erase, "Clear" otherwise.
 */
const char *ws_result_nist(const struct ws_result *res);

/* ws_result_method_used() - the certificate's words for what @res did ("crypto erase",
 * "overwrite", ...), the drive's where the technique leaves it to the drive. */
const char *ws_result_method_used(const struct ws_result *res);

/* ws_status_name() - "SUCCESS", "FAILED", "ABORTED". */
const char *ws_status_name(enum ws_status status);

/* ws_result_free() - NULL-safe; wipes the keys. Return: NULL. */
struct ws_result *ws_result_free(struct ws_result *res);

/* ws_result_data_found() - verification or the residue probe found data. */
bool ws_result_data_found(const struct ws_result *res);

/*
 * ws_result_to_json() - the result as a JSON document (schema "wipeseal-result/1", see
 * docs/result.md). @ret: malloc'd NUL-terminated text. Return: 0 or -ENOMEM.
 */
int ws_result_to_json(const struct ws_result *res, char **ret);

/* ---- running ------------------------------------------------------------------------------ */

struct ws_wipe_opts {
	ws_progress_fn progress; /* may be NULL */
	void *userdata;
	const atomic_bool *cancel;     /* set to stop: the result is ABORTED */
	unsigned io_threads;           /* requests in flight; 0 = default (4) */
	size_t chunk_size;             /* bytes per request; 0 = default (1 MiB) */
	unsigned progress_interval_ms; /* 0 = default (250) */
	bool dry_run;                  /* plan only: stop before the first write */
	uint64_t sample_seed;          /* 0 = fresh from getrandom() */
	unsigned poll_interval_ms;     /* firmware progress polls; 0 = default (1000) */
	/* Called once, after everything is read that must be read before the erase (a crypto
	 * erase's before-sample) and before the first write or command: several targets that
	 * share a controller wait here for one another. May be NULL. */
	void (*before_erase)(void *userdata);
	/* Give up on a firmware erase after this long; 0 = from the device's estimate (3x, at
	 * least 10 minutes). */
	unsigned firmware_timeout_s;
	/* A file where an ATA security erase records its one-time password (fsynced) before
	 * setting it, so that a drive left locked by a power cut can be unlocked. */
	const char *password_log;
	/* Leave a host protected area hidden (and unerased) instead of restoring the native
	 * maximum first; the result says so. */
	bool keep_hidden_areas;
	/* Take a firmware erase's report of completion as proof without reading the drive back
	 * (WS_VERIFY_NONE); without it a firmware erase planned with WS_VERIFY_NONE is verified
	 * by sample. A crypto erase is always read back. The result records it. */
	bool trust_firmware;
	/* The secret a TCG revert authenticates with (opal-psid-revert: the PSID from the
	 * drive's label; opal-revert: the SID password), @opal_secret_len bytes, owned by the
	 * caller, who wipes it (OPENSSL_cleanse) after the wipe. Never logged, never recorded.
	 * NULL for every other technique. */
	const uint8_t *opal_secret;
	size_t opal_secret_len;
};

#endif
