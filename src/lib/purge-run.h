/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * purge-run.h - one firmware erase in progress, as purge.c and secure-erase.c share it.
 */
#ifndef WS_PURGE_RUN_H
#define WS_PURGE_RUN_H

#include "purge-internal.h"
#include "transport-internal.h"

struct purge {
	const struct ws_sanitize_ops *ops;
	const struct ws_wipe_opts *opts;
	struct ws_result *res;
	struct ws_io *io;
	const struct ws_device *dev;
	struct ws_progress prog;
	int64_t phase_start;
	int64_t command_ns; /* CLOCK_MONOTONIC when our command went out, 0 before */
};

/* Progress of @phase: @done of @total bytes, with rate and ETA. */
void ws_purge_report(struct purge *p, enum ws_phase phase, uint64_t done, uint64_t total);
/* The operator asked to stop. */
bool ws_purge_cancelled(const struct purge *p);
void ws_purge_sleep_ms(unsigned ms);
/* The completion just seen, timed from our command against the drive's own estimate. */
void ws_purge_time_completion(struct purge *p);

/* secure-erase.c: ATA SECURITY SET PASSWORD + ERASE UNIT, the password recorded first.
 * Return: 0, or a negative errno with the result's status set. */
int ws_purge_secure_erase(struct purge *p);

#endif
