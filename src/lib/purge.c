/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * purge.c - a firmware erase from start to verdict, whatever the technique and transport.
 *
 * The drive does the erasing; our part is to start it only when it is safe to, to watch it
 * honestly and to check the result from outside. Before: for a crypto erase, a hash of every
 * sampled region (crypto-verify.c); then the gate once more. The erase itself is the
 * transport's: a sanitize is started and watched through its status (sanitize.c), a command
 * that returns when it is done is the transport's erase (Format NVM in nvme-format.c, the
 * ATA security erase in secure-erase.c). A completion in under 1/100 of the drive's own
 * estimate is flagged, and fails a run that reads nothing back. After: regions read back,
 * the residue probe, and the verdict (purge-verify.c), with the drive's status as evidence.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <wipeseal/gate.h>

#include "purge-run.h"

/* ---- the clock ---------------------------------------------------------------------------- */

int64_t ws_purge_now(const struct purge *p)
{
	return p->clock ? p->clock->now_ns(p->clock->userdata) : ws_monotonic_ns();
}

void ws_purge_sleep(const struct purge *p, unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (p->clock)
		p->clock->sleep_ms(p->clock->userdata, ms);
	else
		nanosleep(&ts, NULL);
}

/* ---- what every erase shares ------------------------------------------------------------- */

void ws_purge_report(struct purge *p, enum ws_phase phase, uint64_t done, uint64_t total)
{
	double secs;

	if (p->prog.phase != phase || p->phase_start == 0)
		p->phase_start = ws_purge_now(p);
	p->prog.phase = phase;
	p->prog.done = done;
	p->prog.total = total;
	secs = (double)(ws_purge_now(p) - p->phase_start) / 1e9;
	p->prog.rate = secs > 0 ? (double)done / secs : 0;
	p->prog.eta =
	    p->prog.rate > 0 && total >= done ? (double)(total - done) / p->prog.rate : -1;
	if (p->opts->progress)
		p->opts->progress(p->opts->userdata, &p->prog);
}

bool ws_purge_cancelled(const struct purge *p)
{
	return p->opts->cancel && atomic_load(p->opts->cancel);
}

/* The completion we saw, timed from our command against the drive's own estimate: far
 * faster than the drive itself expects is what firmware that erased nothing looks like. */
void ws_purge_time_completion(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	uint32_t est = fw->estimate_s;

	if (!p->command_ns)
		return; /* followed, not started: the start was not seen */
	fw->elapsed_ms = (ws_purge_now(p) - p->command_ns) / 1000000;
	fw->too_fast = est && est != UINT32_MAX &&
	               (uint64_t)fw->elapsed_ms * WS_PURGE_TOO_FAST < (uint64_t)est * 1000u;
}

/* ---- the technique's nature ---------------------------------------------------------------- */

bool ws_purge_unpredictable(enum ws_technique t)
{
	return ws_technique_has(t, WS_TECH_F_UNPREDICTABLE);
}

bool ws_purge_erases_nothing(enum ws_technique t)
{
	return ws_technique_has(t, WS_TECH_F_ERASES_NOTHING);
}

/* A sanitize: started, then watched through the drive's status until it ends (and leaving
 * a failure mode, sent the same way). The others are commands that return when the erase is
 * done: the transport's erase. */
static bool is_sanitize(enum ws_technique t)
{
	return ws_technique_has(t, WS_TECH_F_PROGRESS) ||
	       ws_technique_has(t, WS_TECH_F_ERASES_NOTHING);
}

/* ---- the run ------------------------------------------------------------------------------- */

static int erase(struct purge *p)
{
	if (!p->ops) {
		ws_result_set_status(p->res, WS_STATUS_FAILED, "no transport carries %s",
		                     ws_technique_name(p->res->technique));
		return -EOPNOTSUPP;
	}
	if (is_sanitize(p->res->technique))
		return ws_sanitize_run(p);
	if (!p->ops->erase) {
		ws_result_set_status(p->res, WS_STATUS_FAILED, "%s has no command for %s",
		                     p->ops->name, ws_technique_name(p->res->technique));
		return -EOPNOTSUPP;
	}
	return p->ops->erase(p);
}

/* The gate once more, on fresh facts, before the command. Return: true when it refused
 * (the result says so). */
static bool refused_at_last_moment(struct ws_ctx *ctx, struct ws_target *t, struct ws_result *res)
{
	char *refused = NULL;

	if (res->status_reason || ws_gate_recheck(ctx, t, &refused) >= 0)
		return false;
	ws_result_set_status(res, WS_STATUS_REFUSED, "%s; nothing was sent to the drive",
	                     refused ? refused : "refused at the last moment");
	free(refused);
	return true;
}

/* After the erase: the read-back, the residue probe and the verdict. */
static void judge(struct purge *p, int erased, const struct ws_range *v, size_t n,
                  const struct ws_crypto_before *before)
{
	struct ws_result *res = p->res;

	if (erased == 0 && res->verify.mode != WS_VERIFY_NONE)
		ws_purge_verify_after(p, v, n, before);
	ws_mmc_user_area_judged(res, erased);
	if (!res->status_reason) {
		ws_purge_report(p, WS_PHASE_PROBE, 0, 0);
		ws_io_drop_cache(p->io->fd);
		res->residue_probed = ws_contents_residue(p->io->fd, &res->residue) == 0;
		ws_io_forget_partitions(p->io->fd);
	}
	ws_purge_verdict(p);
}

int ws_purge_run(struct ws_ctx *ctx, struct ws_target *t, const struct ws_plan *plan,
                 const struct ws_wipe_opts *opts, struct ws_io *io, uint64_t seed,
                 struct ws_result *res)
{
	struct purge p = { .ctx = ctx,
		           .opts = opts,
		           .res = res,
		           .io = io,
		           .dev = ws_target_device(t),
		           .ops = ws_transport_for(res->technique) };
	unsigned percent = plan->sample_percent ? plan->sample_percent : 10;
	struct ws_range *v = NULL;
	struct ws_crypto_before *before = NULL;
	size_t n = 0;
	int r;

	p.prog.path = res->path;
	p.prog.pass = 1;
	p.prog.n_passes = 1;
	res->trust_firmware = opts->trust_firmware;
	res->firmware.elapsed_ms = -1;
	res->verify.mode = ws_purge_verify_mode(plan, opts, res->technique);
	if (res->verify.mode != WS_VERIFY_NONE &&
	    (r = ws_purge_regions(&p, res->verify.mode, percent, seed, &v, &n)) < 0)
		return r;
	if (opts->dry_run) {
		free(v);
		ws_result_set_status(res, WS_STATUS_SUCCESS,
		                     "dry run: nothing was sent to the drive");
		return 0;
	}
	if (ws_purge_unpredictable(res->technique) &&
	    (r = ws_crypto_before_locked(io->fd, io->size, v, n, seed, p.dev->opal.locked,
	                                 &res->verify.crypto, &before)) < 0)
		ws_result_set_status(res, WS_STATUS_FAILED,
		                     "could not read the sample before the erase: %s",
		                     strerror(-r));
	if (opts->before_erase) /* the other namespaces may still be reading their samples */
		opts->before_erase(opts->userdata);
	/* the moment of truth: the gate once more, on fresh facts, before the command */
	if (!refused_at_last_moment(ctx, t, res)) {
		res->firmware.start_ns = ws_now_ns();
		r = res->status_reason ? -EIO : erase(&p);
		res->firmware.end_ns = ws_now_ns();
		judge(&p, r, v, n, before);
	}
	ws_crypto_before_free(before);
	free(v);
	return 0;
}
