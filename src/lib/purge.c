/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * purge.c - a firmware erase from start to verdict: NVMe Sanitize or Format NVM (and, through
 * secure-erase.c, ATA SECURITY ERASE UNIT).
 *
 * The drive does the erasing; our part is to start it only when it is safe to, to watch it
 * honestly and to check the result from outside. Before: the Sanitize Status log (a
 * sanitize already running is followed, not restarted; a failed one must be cleared first)
 * and, for crypto erase, a hash of every sampled region. During: the log polled at a bounded
 * interval, SPROG as progress, controller resets tolerated within a bound, a deadline from
 * the device's own estimate. Success only on a transition to "completed" seen after our
 * command: a drive sanitized years ago also says "completed"; a completion in under 1/100 of
 * the drive's own estimate is flagged, and fails a run that reads nothing back. After:
 * regions read back (zeros, or the deallocated pattern, after block erase and format; noise
 * or the erased pattern, with no 16-byte block as it was, after crypto erase:
 * crypto-verify.c), the residue probe, and the log itself as evidence.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <wipeseal/gate.h>

#include "purge-run.h"
#include "transport-internal.h"

#define MAX_LOST_S     60  /* how long the log may be out of reach (a controller reset) */
#define MIN_DEADLINE_S 600 /* a firmware erase is given at least this long */
#define TOO_FAST       100 /* done in under 1/TOO_FAST of the drive's own estimate: flagged */

void ws_purge_report(struct purge *p, enum ws_phase phase, uint64_t done, uint64_t total)
{
	double secs;

	if (p->prog.phase != phase || p->phase_start == 0)
		p->phase_start = ws_monotonic_ns();
	p->prog.phase = phase;
	p->prog.done = done;
	p->prog.total = total;
	secs = (double)(ws_monotonic_ns() - p->phase_start) / 1e9;
	p->prog.rate = secs > 0 ? (double)done / secs : 0;
	p->prog.eta =
	    p->prog.rate > 0 && total >= done ? (double)(total - done) / p->prog.rate : -1;
	if (p->opts->progress)
		p->opts->progress(p->opts->userdata, &p->prog);
}

/* The drive's progress (of 65536) as bytes of the device, the ETA from its own estimate. */
static void report_sprog(struct purge *p, uint16_t sprog)
{
	uint32_t est = p->res->firmware.estimate_s;

	ws_purge_report(p, WS_PHASE_WRITE, p->io->size / 65536 * sprog, p->io->size);
	if (est && est != UINT32_MAX && p->opts->progress) {
		p->prog.eta = (double)est * (65536.0 - sprog) / 65536.0;
		p->opts->progress(p->opts->userdata, &p->prog);
	}
}

bool ws_purge_cancelled(const struct purge *p)
{
	return p->opts->cancel && atomic_load(p->opts->cancel);
}

void ws_purge_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void keep_status(struct purge *p, const struct ws_fw_status *st)
{
	struct ws_firmware_result *fw = &p->res->firmware;

	fw->log_valid = true;
	fw->transport = p->ops->name;
	fw->state = (int)st->state;
	memset(fw->log_raw, 0, sizeof(fw->log_raw));
	memcpy(fw->log_raw, st->raw,
	       st->raw_len < sizeof(fw->log_raw) ? st->raw_len : sizeof(fw->log_raw));
	fw->sstat = st->code;
	fw->sprog = st->progress;
	fw->scdw10 = st->detail;
}

/* The completion we saw, timed from our command against the drive's own estimate: far
 * faster than the drive itself expects is what firmware that erased nothing looks like. */
void ws_purge_time_completion(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	uint32_t est = fw->estimate_s;

	if (!p->command_ns)
		return; /* followed, not started: the start was not seen */
	fw->elapsed_ms = (ws_monotonic_ns() - p->command_ns) / 1000000;
	fw->too_fast =
	    est && est != UINT32_MAX && (uint64_t)fw->elapsed_ms * TOO_FAST < (uint64_t)est * 1000u;
}

/* ---- sanitize ------------------------------------------------------------------------------ */

static const struct ws_sanitize_ops *ops_for(enum ws_technique t)
{
	switch (t) {
	case WS_TECH_ATA_SANITIZE_CRYPTO:
	case WS_TECH_ATA_SANITIZE_BLOCK:
	case WS_TECH_ATA_SANITIZE_OVERWRITE:
		return &ws_ata_sanitize_ops;
	case WS_TECH_SCSI_SANITIZE_CRYPTO:
	case WS_TECH_SCSI_SANITIZE_BLOCK:
	case WS_TECH_SCSI_SANITIZE_OVERWRITE:
		return &ws_scsi_sanitize_ops;
	default:
		return &ws_nvme_sanitize_ops;
	}
}

/* Start the sanitize, or find one to follow. Return: 0 to poll, 1 when done (no polling),
 * or <0 with the result's status set. */
static int start_sanitize(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	enum ws_technique t = p->res->technique;
	struct ws_fw_status st;
	int status = 0, r = p->ops->status(p->io->fd, t, &st, &status);

	if (r < 0) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "cannot read the drive's sanitize status (%s, %s status 0x%x)",
		                     strerror(-r), p->ops->name, status);
		return r;
	}
	keep_status(p, &st);
	fw->sstat_before = st.code;
	fw->state_before = (int)st.state;
	fw->estimate_s = st.estimate_s;
	if (st.state == WS_FW_RUNNING) {
		/* already running: follow it, do not restart it; but only when it is what was
		 * asked for (NVMe says which action in SCDW10; ATA and SCSI do not say) */
		unsigned want = t == WS_TECH_NVME_SANITIZE_CRYPTO      ? 4
		                : t == WS_TECH_NVME_SANITIZE_BLOCK     ? 2
		                : t == WS_TECH_NVME_SANITIZE_OVERWRITE ? 3
		                                                       : 0;

		if (t == WS_TECH_NVME_SANITIZE_EXIT_FAILURE ||
		    (p->ops == &ws_nvme_sanitize_ops && want && (st.detail & 7) != want)) {
			ws_result_set_status(
			    p->res, WS_STATUS_FAILED,
			    "another sanitize (SANACT %u) is running: let it finish, "
			    "then run again",
			    st.detail & 7);
			return -EBUSY;
		}
		fw->followed = true;
		return 0;
	}
	/* NVMe stays in failure mode until told to leave it; ATA and SCSI take a new sanitize */
	if (st.state == WS_FW_FAILED && p->ops == &ws_nvme_sanitize_ops &&
	    t != WS_TECH_NVME_SANITIZE_EXIT_FAILURE) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive's previous sanitize failed%s",
		                     p->ops == &ws_nvme_sanitize_ops
		                         ? ": clear it with --method nvme-sanitize-exit-failure, "
		                           "then sanitize again"
		                         : ": run the sanitize again, or destroy the medium");
		return -EIO;
	}
	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before the sanitize was sent");
		return -ECANCELED;
	}
	p->command_ns = ws_monotonic_ns();
	r = p->ops->start(p->io->fd, t, &status);
	fw->command_status = status;
	fw->ran = true;
	if (r == 1) { /* one was running after all: follow that one */
		fw->followed = true;
		p->command_ns = 0;
		return 0;
	}
	if (r < 0) {
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "the drive refused the sanitize command (%s, %s status 0x%x)%s", strerror(-r),
		    p->ops->name, status,
		    p->ops == &ws_ata_sanitize_ops && p->dev->ata.sanitize_frozen
		        ? ": it is frozen; power-cycle or re-plug it"
		        : "");
		return r;
	}
	return t == WS_TECH_NVME_SANITIZE_EXIT_FAILURE ? 1 : 0;
}

static unsigned deadline_s(const struct purge *p)
{
	uint32_t est = p->res->firmware.estimate_s;

	if (p->opts->firmware_timeout_s)
		return p->opts->firmware_timeout_s;
	if (est == 0 || est == UINT32_MAX || est > UINT32_MAX / 3)
		return 48 * 3600; /* no estimate: two days, the longest a drive has taken */
	return est * 3 > MIN_DEADLINE_S ? est * 3 : MIN_DEADLINE_S;
}

/* Poll until the drive reports the end. Return: 0 on an observed completion. */
static int follow_sanitize(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	unsigned interval = p->opts->poll_interval_ms ? p->opts->poll_interval_ms : 1000;
	int64_t start = ws_monotonic_ns(), lost_since = 0;
	int64_t limit = start + (int64_t)deadline_s(p) * 1000000000;
	bool running_seen = fw->followed, first = true;

	for (;;) {
		struct ws_fw_status st;
		int status = 0;

		if (ws_purge_cancelled(p)) {
			/* the drive goes on regardless (it survives resets and power cycles) */
			ws_result_set_status(p->res, WS_STATUS_ABORTED,
			                     "stopped watching on request; the drive's sanitize "
			                     "continues and must be checked again");
			return -ECANCELED;
		}
		/* the first look at once: a short sanitize must be seen running */
		ws_purge_sleep_ms(first ? 10 : interval);
		first = false;
		if (p->ops->status(p->io->fd, p->res->technique, &st, &status) < 0) {
			if (!lost_since)
				lost_since = ws_monotonic_ns();
			if (ws_monotonic_ns() - lost_since > (int64_t)MAX_LOST_S * 1000000000) {
				ws_result_set_status(
				    p->res, WS_STATUS_FAILED,
				    "lost the drive for over %d s while it sanitized", MAX_LOST_S);
				return -EIO;
			}
			continue; /* a reset: the sanitize resumes after it, keep asking */
		}
		lost_since = 0;
		keep_status(p, &st);
		if (st.state == WS_FW_RUNNING) {
			running_seen = true;
			report_sprog(p, st.progress);
		} else if (st.state == WS_FW_DONE ||
		           (st.state == WS_FW_NEVER && p->ops == &ws_scsi_sanitize_ops)) {
			/* "completed" proves something only as the end of what we watched (SCSI
			 * keeps no record: idle after running is its "completed") */
			if (running_seen ||
			    (st.state == WS_FW_DONE && fw->state_before != (int)WS_FW_DONE)) {
				fw->transition_seen = true;
				ws_purge_time_completion(p);
				return 0;
			}
			ws_result_set_status(p->res, WS_STATUS_FAILED,
			                     "the drive reports no sanitize running, and none was "
			                     "seen running after our command");
			return -EIO;
		} else if (st.state == WS_FW_FAILED) {
			ws_result_set_status(p->res, WS_STATUS_FAILED,
			                     "the drive reports that the sanitize failed");
			return -EIO;
		}
		if (ws_monotonic_ns() > limit) {
			ws_result_set_status(p->res, WS_STATUS_FAILED,
			                     "no completion within %u s (progress at %u%%)",
			                     deadline_s(p),
			                     (unsigned)(st.progress * 100u / 65536u));
			return -ETIMEDOUT;
		}
	}
}

/* ---- format -------------------------------------------------------------------------------- */

static int format_nvm(struct purge *p, int ses)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	int status = 0, r;
	unsigned timeout = p->opts->firmware_timeout_s ? p->opts->firmware_timeout_s : 4 * 3600;

	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before Format NVM was sent");
		return -ECANCELED;
	}
	ws_purge_report(p, WS_PHASE_WRITE, 0, 1);
	fw->ran = true;
	p->command_ns = ws_monotonic_ns();
	r = ws_nvme_format(p->io->fd, &p->dev->nvme, ses, timeout * 1000u, &status);
	fw->command_status = status;
	if (r < 0) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive refused Format NVM (%s, NVMe status 0x%x)",
		                     strerror(-r), status);
		return r;
	}
	fw->transition_seen = true; /* the command returns when the format is done */
	ws_purge_time_completion(p);
	return 0;
}

/* ---- verification -------------------------------------------------------------------------- */

/* Regions: the sample plan, or every 1 MiB of the device for a full verification. */
static int regions_for(struct purge *p, enum ws_verify_mode mode, unsigned percent, uint64_t seed,
                       struct ws_range **v, size_t *n)
{
	struct ws_verify_result *ver = &p->res->verify;
	size_t drawn;

	if (mode == WS_VERIFY_SAMPLE) {
		ver->seed = seed;
		int r =
		    ws_sample_regions(seed, p->io->size, percent, v, n, &ver->region_size, &drawn);

		ver->regions = drawn;
		return r;
	}
	*n = (size_t)((p->io->size + (1u << 20) - 1) >> 20);
	*v = calloc(*n, sizeof(**v));
	if (!*v)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		(*v)[i] = (struct ws_range){ (uint64_t)i << 20,
			                     p->io->size - ((uint64_t)i << 20) < (1u << 20)
			                         ? p->io->size - ((uint64_t)i << 20)
			                         : 1u << 20 };
	ver->regions = *n;
	return 0;
}

/* Techniques after which the content is unpredictable (crypto erase, enhanced secure erase's
 * vendor pattern): judged by "nothing reads as before", not by an expected value. */
static bool is_crypto(enum ws_technique t)
{
	return t == WS_TECH_NVME_SANITIZE_CRYPTO || t == WS_TECH_NVME_FORMAT_CRYPTO ||
	       t == WS_TECH_ATA_SANITIZE_CRYPTO || t == WS_TECH_SCSI_SANITIZE_CRYPTO ||
	       t == WS_TECH_ATA_SECURE_ERASE_ENHANCED;
}

/* What the drive says its erased media reads as after a crypto erase, or -1 when it does not
 * say: NVMe, what deallocated blocks read as (Identify Namespace DLFEAT bits 2:0; our Sanitize
 * lets the drive deallocate); ATA, zeros when IDENTIFY word 69 promises deterministic zeros
 * after TRIM; SCSI, nothing. An enhanced security erase writes a vendor pattern (ACS-4
 * 7.44): any one byte value throughout is taken as that. */
static int erased_byte(const struct purge *p)
{
	switch (p->res->technique) {
	case WS_TECH_NVME_SANITIZE_CRYPTO:
	case WS_TECH_NVME_FORMAT_CRYPTO:
		return p->dev->nvme.dlfeat == 1 ? 0x00 : p->dev->nvme.dlfeat == 2 ? 0xff : -1;
	case WS_TECH_ATA_SANITIZE_CRYPTO:
		return p->dev->ata.trim_reads_zeros ? 0x00 : -1;
	case WS_TECH_ATA_SECURE_ERASE_ENHANCED:
		return WS_ERASED_ANY;
	default:
		return -1;
	}
}

/* What the blocks must read as after a block erase, an overwrite (pattern 0) or a format. */
static struct ws_pass_spec expected_after(const struct purge *p)
{
	struct ws_pass_spec s = { .kind = WS_PATTERN_BYTES, .len = 1 };

	s.bytes[0] = p->res->technique == WS_TECH_NVME_SANITIZE_BLOCK && p->dev->nvme.dlfeat == 2
	                 ? 0xff
	                 : 0x00;
	return s;
}

/* ---- the run ------------------------------------------------------------------------------- */

static int erase(struct purge *p)
{
	enum ws_technique t = p->res->technique;
	int r;

	if (t == WS_TECH_ATA_SECURE_ERASE || t == WS_TECH_ATA_SECURE_ERASE_ENHANCED)
		return ws_purge_secure_erase(p);
	if (t == WS_TECH_NVME_FORMAT_CRYPTO)
		return format_nvm(p, 2);
	if (t == WS_TECH_NVME_FORMAT_USER_DATA)
		return format_nvm(p, 1);
	r = start_sanitize(p);
	if (r != 0)
		return r > 0 ? 0 : r;
	return follow_sanitize(p);
}

/* What the read-back found after a crypto erase. Return: true when it found something (the
 * status is set then). */
static bool crypto_verdict(struct purge *p)
{
	const struct ws_crypto_check *c = &p->res->verify.crypto;

	if (c->residue_blocks)
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "verification found data: %llu of %llu 16-byte blocks that held "
		    "data read as before the erase, first at offset %llu",
		    (unsigned long long)c->residue_blocks, (unsigned long long)c->blocks_compared,
		    (unsigned long long)c->residue_offsets[0]);
	else if (p->res->verify.bytes_mismatched)
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "verification found data: %llu bytes read as before the erase, "
		    "first at offset %llu",
		    (unsigned long long)p->res->verify.bytes_mismatched,
		    (unsigned long long)p->res->verify.mismatch_offsets[0]);
	else if (c->structured_blocks)
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "verification found data: %llu 4 KiB blocks read as neither "
		                     "noise nor erased (entropy down to %.2f bits per byte, under "
		                     "%.1f), first at offset %llu",
		                     (unsigned long long)c->structured_blocks, c->min_entropy,
		                     c->entropy_threshold,
		                     (unsigned long long)c->structured_offsets[0]);
	else if (c->pattern_blocks)
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "the erase cannot be judged: %llu 4 KiB blocks read as one byte "
		    "value that the drive does not say its erased media returns, "
		    "first at offset %llu",
		    (unsigned long long)c->pattern_blocks,
		    (unsigned long long)c->pattern_offsets[0]);
	else
		return false;
	return true;
}

static void verdict(struct purge *p)
{
	const struct ws_verify_result *v = &p->res->verify;
	const struct ws_firmware_result *fw = &p->res->firmware;

	if (p->res->status_reason)
		return; /* set where it failed */
	if (!fw->transition_seen && p->res->technique != WS_TECH_NVME_SANITIZE_EXIT_FAILURE) {
		/* never SUCCESS for an erase nobody saw finish, whatever else went right */
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the erase was not seen to complete");
		return;
	}
	if (p->res->technique == WS_TECH_NVME_SANITIZE_EXIT_FAILURE)
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "failure mode cleared; the drive was not sanitized: run the "
		                     "sanitize again");
	else if (fw->too_fast && v->mode == WS_VERIFY_NONE)
		/* trusted and not read back: the clock is the only witness left */
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "the drive reported completion after %lld ms, under 1/%d of its "
		    "own estimate of %u s, and nothing was read back: run again "
		    "with --verify sample or full",
		    (long long)fw->elapsed_ms, TOO_FAST, fw->estimate_s);
	else if (v->crypto.ran && crypto_verdict(p))
		return;
	else if (v->bytes_mismatched)
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "verification found data: %llu bytes are not erased, first at "
		                     "offset %llu",
		                     (unsigned long long)v->bytes_mismatched,
		                     (unsigned long long)v->mismatch_offsets[0]);
	else if (v->n_unreadable)
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "verification could not read %zu ranges", v->n_unreadable);
	else if (!p->res->residue_probed)
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the residue probe (libblkid) could not run");
	else if (p->res->residue.n)
		ws_result_set_status(p->res, WS_STATUS_FAILED, "signatures remain: %s",
		                     p->res->residue.v[0]);
	else
		ws_result_set_status(p->res, WS_STATUS_SUCCESS, NULL);
}

/* Read the drive back after the erase: the crypto checks, or the erased value everywhere. */
static void verify_after(struct purge *p, const struct ws_range *v, size_t n,
                         const struct ws_crypto_before *before)
{
	struct ws_result *res = p->res;
	int r;

	res->verify.start_ns = ws_now_ns();
	ws_purge_report(p, WS_PHASE_VERIFY, 0, 0);
	if (before) {
		r = ws_crypto_after(p->io->fd, before, erased_byte(p), &res->verify);
		if (r < 0)
			ws_result_set_status(res, WS_STATUS_FAILED,
			                     "could not read the sample after the erase");
	} else {
		struct ws_pass_spec spec = expected_after(p);
		uint64_t drawn = res->verify.regions;

		ws_io_drop_cache(p->io->fd);
		r = ws_io_verify(p->io, &spec, NULL,
		                 res->verify.mode == WS_VERIFY_SAMPLE ? v : NULL, n, &res->verify,
		                 NULL, NULL, 250);
		if (res->verify.mode == WS_VERIFY_SAMPLE)
			res->verify.regions = drawn; /* regions drawn, as for Clear */
		if (r < 0)
			ws_result_set_status(res, WS_STATUS_FAILED, "verification failed: %s",
			                     strerror(-r));
	}
	res->verified = !res->status_reason;
	res->verify.end_ns = ws_now_ns();
	if (res->verify.end_ns > res->verify.start_ns)
		res->verify.throughput =
		    (double)res->verify.bytes_checked /
		    ((double)(res->verify.end_ns - res->verify.start_ns) / 1e9);
}

/* The read-back a technique gets: none only for exit-failure, and for the others only when
 * the caller trusts the firmware; a crypto erase never goes unread. */
static enum ws_verify_mode verify_mode(const struct ws_plan *plan, const struct ws_wipe_opts *opts,
                                       enum ws_technique t)
{
	if (t == WS_TECH_NVME_SANITIZE_EXIT_FAILURE)
		return WS_VERIFY_NONE;
	if (plan->verify == WS_VERIFY_NONE && (is_crypto(t) || !opts->trust_firmware))
		return WS_VERIFY_SAMPLE;
	return plan->verify;
}

int ws_purge_run(struct ws_ctx *ctx, struct ws_target *t, const struct ws_plan *plan,
                 const struct ws_wipe_opts *opts, struct ws_io *io, uint64_t seed,
                 struct ws_result *res)
{
	struct purge p = { .opts = opts,
		           .res = res,
		           .io = io,
		           .dev = ws_target_device(t),
		           .ops = ops_for(res->technique) };
	struct ws_range *v = NULL;
	struct ws_crypto_before *before = NULL;
	char *refused = NULL;
	size_t n = 0;
	int r;

	p.prog.path = res->path;
	p.prog.pass = 1;
	p.prog.n_passes = 1;
	res->trust_firmware = opts->trust_firmware;
	res->firmware.elapsed_ms = -1;
	res->verify.mode = verify_mode(plan, opts, res->technique);
	if (res->verify.mode != WS_VERIFY_NONE &&
	    (r = regions_for(&p, res->verify.mode, plan->sample_percent ? plan->sample_percent : 10,
	                     seed, &v, &n)) < 0)
		return r;
	if (opts->dry_run) {
		free(v);
		ws_result_set_status(res, WS_STATUS_SUCCESS,
		                     "dry run: nothing was sent to the drive");
		return 0;
	}
	if (is_crypto(res->technique) &&
	    (r = ws_crypto_before(io->fd, io->size, v, n, seed, &res->verify.crypto, &before)) < 0)
		ws_result_set_status(res, WS_STATUS_FAILED,
		                     "could not read the sample before the erase: %s",
		                     strerror(-r));
	if (opts->before_erase) /* the other namespaces may still be reading their samples */
		opts->before_erase(opts->userdata);
	/* the moment of truth: the gate once more, on fresh facts, before the command */
	if (!res->status_reason && ws_gate_recheck(ctx, t, &refused) < 0) {
		ws_result_set_status(res, WS_STATUS_REFUSED, "%s; nothing was sent to the drive",
		                     refused ? refused : "refused at the last moment");
		free(refused);
		ws_crypto_before_free(before);
		free(v);
		return 0;
	}
	res->firmware.start_ns = ws_now_ns();
	r = res->status_reason ? -EIO : erase(&p);
	res->firmware.end_ns = ws_now_ns();
	if (r == 0 && res->verify.mode != WS_VERIFY_NONE)
		verify_after(&p, v, n, before);
	if (!res->status_reason) {
		ws_purge_report(&p, WS_PHASE_PROBE, 0, 0);
		ws_io_drop_cache(io->fd);
		res->residue_probed = ws_contents_residue(io->fd, &res->residue) == 0;
		ws_io_forget_partitions(io->fd);
	}
	verdict(&p);
	ws_crypto_before_free(before);
	free(v);
	return 0;
}
