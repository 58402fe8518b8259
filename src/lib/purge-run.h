/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * purge-run.h - one firmware erase in progress, as the files that carry it out share it:
 * purge.c (from start to verdict), sanitize.c (the status loop), nvme-format.c (Format NVM),
 * secure-erase.c (ATA security erase) and purge-verify.c (read-back and verdict).
 */
#ifndef WS_PURGE_RUN_H
#define WS_PURGE_RUN_H

#include "purge-internal.h"
#include "transport-internal.h"

/* The clock a firmware erase is watched by: real time by default, a fake one in the unit tests
 * (tests/unit/test-sanitize-loop.c), so that hours of a drive's work pass in milliseconds. */
struct ws_purge_clock {
	int64_t (*now_ns)(void *userdata);             /* CLOCK_MONOTONIC-like */
	void (*sleep_ms)(void *userdata, unsigned ms); /* let @ms pass */
	void *userdata;
};

struct purge {
	struct ws_ctx *ctx; /* for the log: a record the operator sees (mmc-areas.c) */
	const struct ws_transport_ops *ops;
	const struct ws_wipe_opts *opts;
	struct ws_result *res;
	struct ws_io *io;
	const struct ws_device *dev;
	const struct ws_purge_clock *clock; /* NULL: the real one */
	struct ws_progress prog;
	int64_t phase_start;
	int64_t command_ns; /* the clock when our command went out, 0 before */
};

/* Now, on @p's clock. */
int64_t ws_purge_now(const struct purge *p);
/* Let @ms pass, on @p's clock. */
void ws_purge_sleep(const struct purge *p, unsigned ms);
/* Progress of @phase: @done of @total bytes, with rate and ETA. */
void ws_purge_report(struct purge *p, enum ws_phase phase, uint64_t done, uint64_t total);
/* The operator asked to stop. */
bool ws_purge_cancelled(const struct purge *p);
/* The completion just seen, timed from our command against the drive's own estimate. */
void ws_purge_time_completion(struct purge *p);

/* sanitize.c: start the sanitize (or find one running to follow) and poll its status until
 * the drive reports the end, on @p's clock. Success only on a completion seen after our
 * command. Return: 0 on an observed completion (or a started exit-failure), or a negative
 * errno with the result's status set. */
int ws_sanitize_run(struct purge *p);

/* nvme-format.c: Format NVM with the Secure Erase Setting of the result's technique, the
 * NVMe transport's erase. Return: 0, or a negative errno with the result's status set. */
int ws_purge_format_nvm(struct purge *p);

/* secure-erase.c: ATA SECURITY SET PASSWORD + ERASE UNIT, the password recorded first, the
 * ATA transport's erase. Return: 0, or a negative errno with the result's status set. */
int ws_purge_secure_erase(struct purge *p);

/* purge-verify.c: the read-back a technique gets (none only for exit-failure; a crypto erase
 * never goes unread). */
enum ws_verify_mode ws_purge_verify_mode(const struct ws_plan *plan,
                                         const struct ws_wipe_opts *opts, enum ws_technique t);
/* purge-verify.c: the regions read back: the sample plan, or every 1 MiB for a full one. */
int ws_purge_regions(struct purge *p, enum ws_verify_mode mode, unsigned percent, uint64_t seed,
                     struct ws_range **v, size_t *n);
/* purge-verify.c: read the drive back after the erase: the crypto checks (@before), or the
 * erased value everywhere. */
void ws_purge_verify_after(struct purge *p, const struct ws_range *v, size_t n,
                           const struct ws_crypto_before *before);
/* purge-verify.c: the verdict, from the records alone, first cause first. */
void ws_purge_verdict(struct purge *p);

/* mmc-areas.c: after the read-back, whether the user area of an eMMC result (its area 0) reads
 * as erased (@erased: the erase's return). Nothing for other results. */
void ws_mmc_user_area_judged(struct ws_result *res, int erased);

/* The technique's nature, as purge.c's files ask it. */
bool ws_purge_unpredictable(enum ws_technique t);  /* judged by "nothing reads as before" */
bool ws_purge_erases_nothing(enum ws_technique t); /* NVMe exit-failure */

#define WS_PURGE_TOO_FAST 100 /* done in under 1/this of the drive's own estimate: flagged */

#endif
