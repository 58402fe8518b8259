/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipe.c - one wipe from start to result: passes, flushes, read-back, residue probe, verdict.
 *
 * The order is fixed: every pass is written and flushed (fsync, which for a block device is
 * also the drive's cache flush) before it counts as done; the page cache is dropped; the last
 * pass is read back (all of it, or a seeded sample); libblkid probes for anything that still
 * looks like a file system or a partition table. The verdict is taken last, from the records
 * alone: SUCCESS only if every byte of every pass was written and flushed, the read-back
 * matched, the probe found nothing and the device kept its size throughout.
 *
 * The gate is asked again (ws_gate_recheck) immediately before the first byte is written,
 * or the firmware erase sent, and before every further pass: a target that fails it then
 * ends REFUSED if nothing was written yet, FAILED otherwise, and is not written again.
 *
 * The drive's health (health.c) is read once before anything is sent or written, and once
 * after the verdict's facts are in (read-back and probe done): evidence, never a reason to
 * stop, and skipped after the erase when the drive had none to give before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "health-internal.h"
#include "mmc-internal.h"
#include "purge-internal.h"

#define DEFAULT_THREADS 4
#define DEFAULT_CHUNK   (1u << 20) /* measured best: docs/performance.md */
#define MIN_CHUNK       (1u << 20) /* a sampled region (up to 1 MiB) must fit in a chunk */

struct run {
	struct ws_ctx *ctx;
	const struct ws_wipe_opts *opts;
	struct ws_target *target;
	struct ws_result *res;
	struct ws_io io;
	struct ws_progress prog;
	int64_t phase_start;
	char *refused;     /* the last-moment gate's reason, NULL while it passes */
	uint64_t size_now; /* the size last read from the descriptor */
	bool size_unknown; /* it could not be read (the device is gone) */
};

static int fill_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- progress ------------------------------------------------------------------------------ */

static void report(struct run *r)
{
	double secs = (double)(ws_monotonic_ns() - r->phase_start) / 1e9;

	if (!r->opts->progress)
		return;
	r->prog.done = atomic_load(&r->io.done);
	r->prog.rate = secs > 0 ? (double)r->prog.done / secs : 0;
	r->prog.eta = r->prog.rate > 0 && r->prog.total >= r->prog.done
	                  ? (double)(r->prog.total - r->prog.done) / r->prog.rate
	                  : -1;
	r->opts->progress(r->opts->userdata, &r->prog);
}

static void tick(void *userdata)
{
	report(userdata);
}

static void phase(struct run *r, enum ws_phase ph, unsigned pass, uint64_t total)
{
	r->prog.phase = ph;
	r->prog.pass = pass;
	r->prog.total = total;
	r->phase_start = ws_monotonic_ns();
	atomic_store(&r->io.done, 0);
	report(r);
}

/* ---- setup --------------------------------------------------------------------------------- */

/* Read the size again; true while it is what the wipe was planned for. */
static bool size_kept(struct run *r)
{
	r->size_unknown = ws_size_now(r->io.fd, &r->size_now) < 0;
	return !r->size_unknown && r->size_now == r->io.size;
}

/* The gate once more, on fresh facts; false (with r->refused) when it refuses. */
static bool gate_passes(struct run *r)
{
	if (r->refused)
		return false;
	return ws_gate_recheck(r->ctx, r->target, &r->refused) == 0;
}

static int setup_io(struct run *r, struct ws_target *t)
{
	char self[64];
	int r2;

	r->io.fd = ws_target_fd(t);
	r->io.threads = r->opts->io_threads ? r->opts->io_threads : DEFAULT_THREADS;
	r->io.chunk = r->opts->chunk_size ? r->opts->chunk_size : DEFAULT_CHUNK;
	if (r->io.chunk < MIN_CHUNK)
		r->io.chunk = MIN_CHUNK;
	r->io.chunk -= r->io.chunk % WS_IO_ALIGN;
	r->io.cancel = r->opts->cancel;
	r2 = ws_size_now(r->io.fd, &r->io.size);
	if (r2 < 0)
		return r2;
	r->size_now = r->io.size;
	/* A second description of the same open device, with O_DIRECT: the gate's exclusive
	 * claim stays with the first. Refused (tmpfs files): buffered I/O plus fsync. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", r->io.fd);
	r->io.dfd = open(self, O_RDWR | O_DIRECT | O_CLOEXEC);
	r->res->direct_io = r->io.dfd >= 0;
	if (r->io.dfd < 0)
		ws_info(r->ctx, "%s: O_DIRECT refused (%s): buffered I/O with fsync", r->res->path,
		        strerror(errno));
	return 0;
}

/* ---- the steps ----------------------------------------------------------------------------- */

static bool stopped(const struct run *r)
{
	return r->refused || atomic_load(&r->io.fatal) ||
	       (r->opts->cancel && atomic_load(r->opts->cancel));
}

static int write_pass(struct run *r, const struct ws_plan *plan, size_t i)
{
	struct ws_pass_result *pr = &r->res->passes[i];
	int64_t t0 = ws_monotonic_ns();
	int e;

	pr->spec = plan->passes[i];
	if (pr->spec.kind == WS_PATTERN_RANDOM && (e = fill_random(pr->key, WS_KEY_BYTES)) < 0)
		return e;
	if (i > 0 && !gate_passes(r))
		return 0; /* the verdict says why; not one more byte */
	r->res->n_passes = i + 1;
	pr->start_ns = ws_now_ns();
	phase(r, WS_PHASE_WRITE, (unsigned)i + 1, r->io.size);
	e = ws_io_write_pass(&r->io, &pr->spec, pr->key, pr, tick, r,
	                     r->opts->progress_interval_ms);
	if (e < 0)
		return e;
	pr->bytes_written = r->io.size;
	for (size_t k = 0; k < pr->n_unwritten; k++)
		pr->bytes_written -= pr->unwritten[k].length;
	if (!stopped(r)) {
		phase(r, WS_PHASE_FLUSH, (unsigned)i + 1, 0);
		e = ws_io_flush(&r->io);
		if (e < 0 && !pr->error)
			pr->error = -e;
		pr->flushed = e == 0;
		pr->completed = pr->flushed && pr->n_unwritten == 0;
	}
	pr->end_ns = ws_now_ns();
	pr->throughput = (double)pr->bytes_written / ((double)(ws_monotonic_ns() - t0) / 1e9);
	return 0;
}

static int verify(struct run *r, const struct ws_plan *plan, uint64_t seed)
{
	struct ws_verify_result *v = &r->res->verify;
	const struct ws_pass_result *last = &r->res->passes[r->res->n_passes - 1];
	struct ws_range *regions = NULL;
	size_t n = 0, drawn = 0;
	uint64_t total = r->io.size;
	int64_t t0;
	int e;

	v->mode = plan->verify;
	if (plan->verify == WS_VERIFY_SAMPLE) {
		v->seed = seed;
		e = ws_sample_regions(seed, r->io.size, plan->sample_percent, &regions, &n,
		                      &v->region_size, &drawn);
		if (e < 0)
			return e;
		total = 0;
		for (size_t i = 0; i < n; i++)
			total += regions[i].length;
	}
	if (r->opts->dry_run) {
		v->regions = drawn;
		free(regions);
		return 0;
	}
	ws_io_drop_cache(r->io.fd);
	t0 = ws_monotonic_ns();
	v->start_ns = ws_now_ns();
	phase(r, WS_PHASE_VERIFY, (unsigned)r->res->n_passes, total);
	e = ws_io_verify(&r->io, &last->spec, last->key, regions, n, v, tick, r,
	                 r->opts->progress_interval_ms);
	if (regions)
		v->regions = drawn;
	v->end_ns = ws_now_ns();
	v->throughput = (double)v->bytes_checked / ((double)(ws_monotonic_ns() - t0) / 1e9);
	r->res->verified = e == 0 && !stopped(r);
	free(regions);
	return e;
}

/* ---- the verdict --------------------------------------------------------------------------- */

/* Totals of what could not be written, over every pass started. */
static void unwritten_totals(const struct ws_result *res, uint64_t *bytes, size_t *ranges,
                             bool *all_flushed)
{
	*bytes = 0;
	*ranges = 0;
	*all_flushed = true;
	for (size_t i = 0; i < res->n_passes; i++) {
		for (size_t k = 0; k < res->passes[i].n_unwritten; k++)
			*bytes += res->passes[i].unwritten[k].length;
		*ranges += res->passes[i].n_unwritten;
		*all_flushed = *all_flushed && res->passes[i].flushed;
	}
}

/* The verdict, from the records alone, first cause first. */
static void verdict(struct run *r)
{
	struct ws_result *res = r->res;
	const struct ws_verify_result *v = &res->verify;
	int fatal = atomic_load(&r->io.fatal);
	uint64_t unwritten;
	size_t ranges;
	bool flushed;

	unwritten_totals(res, &unwritten, &ranges, &flushed);
	if (r->refused && res->n_passes == 0)
		ws_result_set_status(res, WS_STATUS_REFUSED, "%s; nothing was written", r->refused);
	else if (r->refused)
		ws_result_set_status(res, WS_STATUS_FAILED, "%s; stopped after %zu of %zu passes",
		                     r->refused, res->n_passes, res->n_planned);
	else if (!r->size_unknown && r->size_now != 0 && r->size_now != r->io.size)
		ws_result_set_status(
		    res, WS_STATUS_FAILED,
		    "the device changed size from %llu to %llu bytes during the wipe: %s",
		    (unsigned long long)r->io.size, (unsigned long long)r->size_now,
		    r->size_now > r->io.size ? "the new tail was never written"
		                             : "it shrank, and its end was never written");
	else if (r->opts->cancel && atomic_load(r->opts->cancel))
		ws_result_set_status(
		    res, WS_STATUS_ABORTED, "stopped on request after %zu of %zu passes",
		    res->n_passes - (res->n_passes && !res->passes[res->n_passes - 1].completed),
		    res->n_planned);
	else if (fatal == ENODEV || fatal == ENXIO || fatal == ENOMEDIUM)
		ws_result_set_status(res, WS_STATUS_FAILED, "the device disappeared (%s)",
		                     strerror(fatal));
	else if (r->size_unknown || (r->size_now == 0 && r->io.size != 0))
		ws_result_set_status(res, WS_STATUS_FAILED, "%s",
		                     "the device disappeared (its size can no longer be read)");
	else if (unwritten)
		ws_result_set_status(
		    res, WS_STATUS_FAILED, "%llu bytes in %zu ranges could not be written (%s)",
		    (unsigned long long)unwritten, ranges, strerror(fatal ? fatal : EIO));
	else if (v->n_unreadable)
		ws_result_set_status(res, WS_STATUS_FAILED,
		                     "verification could not read %zu ranges (%s)", v->n_unreadable,
		                     strerror(fatal ? fatal : EIO));
	else if (fatal)
		ws_result_set_status(res, WS_STATUS_FAILED, "stopped: %s", strerror(fatal));
	else if (res->n_passes < res->n_planned)
		ws_result_set_status(res, WS_STATUS_FAILED, "only %zu of %zu passes ran",
		                     res->n_passes, res->n_planned);
	else if (!flushed)
		ws_result_set_status(res, WS_STATUS_FAILED, "flushing the written data failed");
	else if (v->bytes_mismatched)
		ws_result_set_status(
		    res, WS_STATUS_FAILED,
		    "verification found data: %llu bytes differ, first at offset %llu",
		    (unsigned long long)v->bytes_mismatched,
		    (unsigned long long)v->mismatch_offsets[0]);
	else if (v->mode != WS_VERIFY_NONE && !res->verified)
		ws_result_set_status(res, WS_STATUS_FAILED, "verification did not complete");
	else if (!res->residue_probed)
		ws_result_set_status(res, WS_STATUS_FAILED,
		                     "the residue probe (libblkid) could not run");
	else if (res->residue.n)
		ws_result_set_status(res, WS_STATUS_FAILED, "signatures remain: %s",
		                     res->residue.v[0]);
	else
		ws_result_set_status(res, WS_STATUS_SUCCESS, NULL);
}

/* ---- health and commands ------------------------------------------------------------------ */

/* Before the first command or write: the health, then a hidden area made addressable (its
 * SET MAX ADDRESS recorded). A dry run asks the drive nothing. */
static void health_before(struct ws_ctx *ctx, struct ws_target *t, struct run *r)
{
	struct ws_command_record set_max = { 0 };

	ws_health_init(&r->res->health_before);
	ws_health_init(&r->res->health_after);
	if (r->opts->dry_run) {
		r->res->health_before.source = r->res->health_after.source =
		    "a dry run asks the drive nothing";
		return;
	}
	ws_health_read(ws_target_fd(t), ws_target_device(t), &r->res->health_before);
	ws_hidden_prepare(ctx, t, r->opts->keep_hidden_areas, &r->res->hidden, &set_max);
	ws_result_add_command(r->res, &set_max);
}

/* After the erase and its checks: the health again, where the drive gave it before. */
static void health_after(struct ws_target *t, struct run *r)
{
	const struct ws_health *before = &r->res->health_before;

	if (r->opts->dry_run)
		return;
	if (!before->read && before->error == -EOPNOTSUPP) {
		r->res->health_after = *before; /* it has none: not asked twice */
		return;
	}
	ws_health_read(ws_target_fd(t), ws_target_device(t), &r->res->health_after);
}

/* ---- entry point --------------------------------------------------------------------------- */

/* Append @s to @out made safe for any file system: [A-Za-z0-9.-], the rest '_', 48 max. */
static void append_safe(char *out, size_t cap, const char *s)
{
	size_t len = strlen(out);

	for (size_t i = 0; s && s[i] && i < 48 && len + 1 < cap; i++) {
		char c = s[i];

		out[len++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                     (c >= '0' && c <= '9') || c == '.' || c == '-'
		                 ? c
		                 : '_';
	}
	out[len] = '\0';
}

/* "20261127T021500Z_Samsung_SSD_870_S6PTNZ0R654321X"; loop devices and images, which have
 * no model or serial, use their transport and kernel name or file name. */
static char *result_name(const struct ws_device *d, int64_t ns)
{
	char name[160];
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	const char *base = strrchr(d->path, '/');

	gmtime_r(&s, &tm);
	strftime(name, sizeof(name), "%Y%m%dT%H%M%SZ_", &tm);
	append_safe(name, sizeof(name), d->model ? d->model : d->transport);
	strcat(name, "_");
	append_safe(name, sizeof(name),
	            d->serial ? d->serial
	            : d->name ? d->name
	            : base    ? base + 1
	                      : d->path);
	return strdup(name);
}

static struct ws_result *result_new(const struct ws_target *t, const struct ws_plan *plan,
                                    enum ws_technique tech, const struct ws_wipe_opts *opts)
{
	struct ws_result *res = calloc(1, sizeof(*res));
	struct json_object *dev;

	if (!res)
		return NULL;
	res->path = strdup(ws_target_device(t)->path);
	res->method = strdup(plan->method);
	res->passes = calloc(plan->n_passes ? plan->n_passes : 1, sizeof(*res->passes));
	dev = ws_device_json(ws_target_device(t));
	if (dev)
		res->device_json = strdup(json_object_to_json_string_ext(
		    dev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(dev);
	res->technique = tech;
	/* purge-or-clear's passes are its Clear's: none planned when the drive purges */
	res->n_planned = tech == WS_TECH_OVERWRITE ? plan->n_passes : 0;
	res->sample_percent = plan->sample_percent;
	res->verify.mode = plan->verify; /* what was planned, also when it never runs */
	res->dry_run = opts->dry_run;
	res->start_ns = ws_now_ns();
	res->name = result_name(ws_target_device(t), res->start_ns);
	if (!res->path || !res->method || !res->passes || !res->device_json || !res->name)
		return ws_result_free(res);
	/* purge-or-clear: which it is and why (fallback.c) */
	if (plan->technique == WS_TECH_PURGE_OR_CLEAR &&
	    !(res->fallback = ws_technique_fallback(plan->technique, ws_target_device(t), tech)))
		return ws_result_free(res);
	return res;
}

int ws_wipe_run(struct ws_ctx *ctx, struct ws_target *target, const struct ws_plan *plan,
                const struct ws_wipe_opts *opts, struct ws_result **ret)
{
	static const struct ws_wipe_opts defaults = { 0 };
	struct run r = { .ctx = ctx, .opts = opts ? opts : &defaults, .target = target };
	uint64_t seed = r.opts->sample_seed;
	int e;

	enum ws_technique tech;

	if (!target || !plan || (plan->technique == WS_TECH_OVERWRITE && plan->n_passes == 0))
		return -EINVAL;
	/* the CLI resolved (and refused) this before; never send what the device lacks */
	if (ws_technique_resolve(plan, ws_target_device(target), &tech, NULL) < 0)
		return -EOPNOTSUPP;
	r.res = result_new(target, plan, tech, r.opts);
	if (!r.res)
		return -ENOMEM;
	r.prog.path = r.res->path;
	r.prog.n_passes = (unsigned)r.res->n_planned;
	health_before(ctx, target, &r);
	e = setup_io(&r, target);
	while (e == 0 && seed == 0)
		e = fill_random(&seed, sizeof(seed));
	if (e < 0)
		goto fail;
	if (tech != WS_TECH_OVERWRITE) {
		e = ws_purge_run(ctx, target, plan, r.opts, &r.io, seed, r.res);
		if (e < 0)
			goto fail;
		goto done;
	}
	if (r.opts->dry_run) {
		/* the same path up to here; the plan's numbers, and not one byte written */
		r.res->verify.mode = plan->verify;
		r.res->n_passes = 0;
		if (plan->verify != WS_VERIFY_NONE) {
			r.res->n_passes = plan->n_passes;
			e = verify(&r, plan, seed);
			r.res->n_passes = 0;
		}
		ws_result_set_status(r.res, WS_STATUS_SUCCESS, "dry run: nothing was written");
		goto done;
	}
	if (r.opts->before_erase)
		r.opts->before_erase(r.opts->userdata);
	/* the moment of truth: the gate once more, on fresh facts, before the first byte */
	(void)gate_passes(&r);
	for (size_t i = 0; i < plan->n_passes && !stopped(&r); i++) {
		if ((e = write_pass(&r, plan, i)) < 0)
			goto fail;
		if (!size_kept(&r))
			break; /* every further byte would go to the wrong place */
	}
	if (!stopped(&r) && plan->verify != WS_VERIFY_NONE && (e = verify(&r, plan, seed)) < 0)
		goto fail;
	if (!stopped(&r)) {
		phase(&r, WS_PHASE_PROBE, (unsigned)r.res->n_passes, 0);
		ws_io_drop_cache(r.io.fd);
		r.res->residue_probed = ws_contents_residue(r.io.fd, &r.res->residue) == 0;
		ws_io_forget_partitions(r.io.fd);
	}
	/* an eMMC's boot partitions: the same passes (mmc-areas.c) */
	ws_mmc_overwrite_areas(ctx, ws_target_device(target), r.res, &r.io, stopped(&r));
	if (!r.refused)
		(void)size_kept(&r); /* once more before the verdict */
	verdict(&r);
	ws_mmc_overwrite_judged(r.res);
done:
	health_after(target, &r);
	/* a hidden area that stayed hidden against the plan was not erased: no SUCCESS */
	ws_hidden_verdict(r.res);
	r.res->end_ns = ws_now_ns();
	phase(&r, WS_PHASE_DONE, (unsigned)r.res->n_passes, 0);
	if (r.io.dfd >= 0)
		(void)close(r.io.dfd);
	free(r.refused);
	*ret = r.res;
	return e < 0 ? e : 0;
fail:
	if (r.io.dfd >= 0)
		(void)close(r.io.dfd);
	free(r.refused);
	ws_result_free(r.res);
	return e;
}
