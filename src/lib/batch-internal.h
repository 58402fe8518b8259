/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * batch-internal.h - several wipes at once, each in its own thread, behind one start line.
 *
 * What `wipeseal wipe A B C` and the station both do: every target runs ws_wipe_run() in a
 * thread of its own; targets that share an NVMe controller must all read their before-samples
 * before any of them starts the Sanitize that makes the others unreadable, so nobody erases
 * until every wipe has reached its start line (or ended early). The caller polls; the
 * library never draws.
 *
 * This is the job's runner (wipeseal/job.h): it applies none of the rules a job applies
 * when a target is added and checked (the technique, DCO and NVMe subsystem rules), which is
 * why it is not in the public headers: a library caller wipes through a job, and so cannot
 * pass a target the rules refuse. ws_wipe_run() (wipe-internal.h) is internal for the
 * same reason.
 */
#ifndef WS_BATCH_INTERNAL_H
#define WS_BATCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <wipeseal/wipe.h>

struct ws_batch;

struct ws_batch_item {
	struct ws_ctx *ctx;
	struct ws_target *target;
	const struct ws_plan *plan;
	/* As for ws_wipe_run(); opts.before_erase, if set, is called after the start line.
	 * Set opts.cancel per item to abort one wipe, or share one flag to abort all. */
	struct ws_wipe_opts opts;
	/* Out, once ws_batch_wait() returned 0: the result (also of a failed or aborted wipe;
	 * NULL when the wipe could not start) and ws_wipe_run()'s return value. */
	struct ws_result *result;
	int error;
};

/*
 * ws_batch_start() - start one thread per item.
 * @items: must stay valid, unmoved, until ws_batch_free().
 *
 * Return: 0, or -ENOMEM. An item whose thread could not be created ends at once with
 * error -EAGAIN and no result; the others run.
 */
int ws_batch_start(struct ws_batch_item *items, size_t n, struct ws_batch **ret);

/*
 * ws_batch_wait() - wait up to @timeout_ms for the batch to end.
 *
 * Return: the number of wipes still running (0: all have ended, and their results are in
 * the items).
 */
size_t ws_batch_wait(struct ws_batch *b, unsigned timeout_ms);

/* Whether item @i has ended (its result may be read). */
bool ws_batch_item_done(struct ws_batch *b, size_t i);

/* Wait for every wipe to end, join the threads, free the batch (not the results). */
struct ws_batch *ws_batch_free(struct ws_batch *b);

#endif
