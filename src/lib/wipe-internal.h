/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipe-internal.h - what the wipe modules (pattern, plan, io, wipe, result) share.
 */
#ifndef WS_WIPE_INTERNAL_H
#define WS_WIPE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

struct evp_cipher_ctx_st;

/* ---- pattern.c: a pass's bytes at any offset ----------------------------------------------- */

struct ws_gen {
	const struct ws_pass_spec *spec;
	uint8_t key[WS_KEY_BYTES];
	struct evp_cipher_ctx_st *evp; /* one per thread: EVP contexts are not shared */
};

int ws_gen_init(struct ws_gen *g, const struct ws_pass_spec *spec, const uint8_t *key);
void ws_gen_done(struct ws_gen *g);
/* Fill @buf with the pass's bytes for device offsets [offset, offset + len). */
int ws_gen_fill(struct ws_gen *g, uint64_t offset, uint8_t *buf, size_t len);
/* The same buffer serves every @chunk-aligned chunk (byte patterns whose period divides it). */
bool ws_gen_is_fixed(const struct ws_gen *g, size_t chunk);

/* ---- plan.c: sampled verification ---------------------------------------------------------- */

/* The regions a sampled verification reads: @ret_drawn regions are drawn (one per stratum,
 * plus the first and the last MiB); the list in @ret is sorted with overlaps folded
 * together (@ret_n entries), so that no byte is read twice. See docs/methods.md. */
int ws_sample_regions(uint64_t seed, uint64_t capacity, unsigned percent, struct ws_range **ret,
                      size_t *ret_n, uint64_t *ret_region_size, size_t *ret_drawn);
/* The raw baseline a crypto erase is judged by: @budget bytes in pieces of @piece (a multiple
 * of 4 KiB), one drawn in each of budget/piece equal strata with splitmix64 from @seed; the
 * whole device, piece by piece, when it holds no more than @budget. Sorted, never overlapping.
 * Return: 0, -EINVAL, -ENOMEM. */
int ws_baseline_regions(uint64_t seed, uint64_t capacity, uint64_t budget, uint64_t piece,
                        struct ws_range **ret, size_t *ret_n);
/* splitmix64 step: the sample plan's generator, fixed so anyone can re-derive a plan. */
uint64_t ws_splitmix64(uint64_t *state);

/* ---- io.c: the worker pool ---------------------------------------------------------------- */

struct ws_io {
	int fd;  /* the gate's descriptor (buffered) */
	int dfd; /* O_DIRECT descriptor on the same device, or -1 */
	uint64_t size;
	size_t chunk; /* bytes per request, a multiple of WS_IO_ALIGN */
	unsigned threads;
	const atomic_bool *cancel;
	/* progress, read by the reporting thread */
	_Atomic uint64_t done;
	_Atomic int fatal; /* errno that stops everything (device gone), 0 if none */
};

#define WS_IO_ALIGN 4096

/* Called every interval by the thread that waits for the workers (progress reports). */
typedef void (*ws_io_tick_fn)(void *userdata);

/* Write the whole device with @spec/@key; failures go into @res (unwritten, error). */
int ws_io_write_pass(struct ws_io *io, const struct ws_pass_spec *spec, const uint8_t *key,
                     struct ws_pass_result *res, ws_io_tick_fn tick, void *userdata,
                     unsigned interval_ms);
/* Read back @regions (the whole device when @regions is NULL), compare with @spec/@key. */
int ws_io_verify(struct ws_io *io, const struct ws_pass_spec *spec, const uint8_t *key,
                 const struct ws_range *regions, size_t n_regions, struct ws_verify_result *res,
                 ws_io_tick_fn tick, void *userdata, unsigned interval_ms);
/* After an erase: the kernel drops the partition devices of the table that is gone. */
void ws_io_forget_partitions(int fd);
/* Forget cached pages of @fd so that reads come from the medium. */
void ws_io_drop_cache(int fd);
/* result.c: set the status and its one-line reason (NULL for none). */
void ws_result_set_status(struct ws_result *res, enum ws_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* fsync both descriptors: for block devices this also flushes the drive's write cache. */
int ws_io_flush(struct ws_io *io);

/* Append [off, off + len) to a sorted, merged range list. */
int ws_ranges_add(struct ws_range **v, size_t *n, uint64_t off, uint64_t len);

/* ---- time ---------------------------------------------------------------------------------- */

int64_t ws_now_ns(void);       /* CLOCK_REALTIME */
int64_t ws_monotonic_ns(void); /* CLOCK_MONOTONIC */

/* ---- wipe.c: one target (public wiping goes through a job: wipeseal/job.h) ---------------- */

/*
 * ws_wipe_run() - carry out @plan on @target.
 * @target: opened by ws_gate_open() with WS_GATE_WRITE (and WS_GATE_NAMED).
 * @ret: receives the result, also when the wipe failed or was aborted.
 *
 * Return: 0 when a result was produced (look at its status), or a negative errno when the
 * wipe could not start at all (-ENOMEM, -EBADF).
 */
int ws_wipe_run(struct ws_ctx *ctx, struct ws_target *target, const struct ws_plan *plan,
                const struct ws_wipe_opts *opts, struct ws_result **ret);

#endif
