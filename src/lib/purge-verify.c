/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * purge-verify.c - after a firmware erase: the drive read back from outside, and the verdict.
 *
 * The drive's report that it finished is no evidence that it erased. Regions are read back:
 * zeros, or what deallocated blocks read as, after a block erase, an overwrite and a format;
 * noise or the erased pattern, with no 16-byte block as it was before, after a crypto erase
 * (crypto-verify.c). The verdict is taken from the records alone, first cause first, and is
 * never SUCCESS for an erase nobody saw finish.
 */
#include <errno.h>
#include <string.h>

#include "opal-internal.h"
#include "purge-run.h"

/* ---- the read-back -------------------------------------------------------------------------- */

int ws_purge_regions(struct purge *p, enum ws_verify_mode mode, unsigned percent, uint64_t seed,
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

/* What the drive says its erased media reads as after a crypto erase, or -1 when it does not
 * say: the transport's answer (NVMe: what deallocated blocks read as; ATA: zeros after TRIM;
 * SCSI: nothing). An enhanced security erase writes a vendor pattern (ACS-4 7.44): any one
 * byte value throughout is taken as that. */
static int erased_byte(const struct purge *p)
{
	if (ws_technique_has(p->res->technique, WS_TECH_F_PASSWORD | WS_TECH_F_UNPREDICTABLE))
		return WS_ERASED_ANY;
	return p->ops && p->ops->erased_byte ? p->ops->erased_byte(p->dev) : -1;
}

/* What the blocks must read as after a block erase, an overwrite (pattern 0) or a format. */
static struct ws_pass_spec expected_after(const struct purge *p)
{
	struct ws_pass_spec s = { .kind = WS_PATTERN_BYTES, .len = 1 };

	s.bytes[0] =
	    p->ops && p->ops->blank_byte ? p->ops->blank_byte(p->dev, p->res->technique) : 0x00;
	return s;
}

/* ---- the verdict ---------------------------------------------------------------------------- */

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
	else if (ws_opal_judge_blank(p->res))
		return true; /* a revert that is no crypto erase: zeros, not noise */
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

void ws_purge_verdict(struct purge *p)
{
	const struct ws_verify_result *v = &p->res->verify;
	const struct ws_firmware_result *fw = &p->res->firmware;

	if (p->res->status_reason)
		return; /* set where it failed */
	if (!fw->transition_seen && !ws_purge_erases_nothing(p->res->technique)) {
		/* never SUCCESS for an erase nobody saw finish, whatever else went right */
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the erase was not seen to complete");
		return;
	}
	if (ws_purge_erases_nothing(p->res->technique))
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
		    (long long)fw->elapsed_ms, WS_PURGE_TOO_FAST, fw->estimate_s);
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

/* ---- the read-back, run ----------------------------------------------------------------------- */

/* None only for exit-failure, and for the others only when the caller trusts the firmware. */
enum ws_verify_mode ws_purge_verify_mode(const struct ws_plan *plan,
                                         const struct ws_wipe_opts *opts, enum ws_technique t)
{
	if (ws_purge_erases_nothing(t))
		return WS_VERIFY_NONE;
	if (plan->verify == WS_VERIFY_NONE && (ws_purge_unpredictable(t) || !opts->trust_firmware))
		return WS_VERIFY_SAMPLE;
	return plan->verify;
}

void ws_purge_verify_after(struct purge *p, const struct ws_range *v, size_t n,
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
