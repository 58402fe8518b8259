/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan.c - method names to pass lists, and the sampled verification plan.
 *
 * Methods (docs/methods.md says which NIST SP 800-88 level each meets):
 *   clear      one pass of 0x00 (NIST Clear for overwrite-capable media)
 *   zero       0x00          one        0xFF          random     AES-256-CTR keystream
 *   pattern:HEX  1..512 bytes repeated from offset 0
 *   dod-3pass  0x00, 0xFF, random (the DoD 5220.22-M sequence some policies still name)
 * --passes N repeats the method's sequence N times.
 *
 * Sampling: the region size is the largest multiple of 4 KiB up to 1 MiB (at least 4 KiB)
 * that still gives 1,000 regions within P% of the capacity; the device is cut into that many
 * equal strata and one region is drawn in each with splitmix64 seeded by the plan's seed;
 * the first and the last MiB are always added. Same seed, same capacity, same regions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "controller-internal.h"
#include "wipe-internal.h"

#define MIB               (1024u * 1024u)
#define SAMPLE_MIN        1000u
#define SAMPLE_MAX_REGION MIB
#define SAMPLE_MIN_REGION 4096u

static void constant(struct ws_pass_spec *p, uint8_t byte)
{
	p->kind = WS_PATTERN_BYTES;
	p->bytes[0] = byte;
	p->len = 1;
}

static int parse_hex(const char *hex, struct ws_pass_spec *p, char **ret_reason)
{
	size_t n = strlen(hex);

	if (n == 0 || n % 2)
		return ws_reason(ret_reason, -EINVAL,
		                 "pattern:HEX needs an even number of hex digits, got '%s'", hex);
	if (n / 2 > WS_PATTERN_MAX)
		return ws_reason(ret_reason, -EINVAL,
		                 "pattern is %zu bytes; at most %d are allowed", n / 2,
		                 WS_PATTERN_MAX);
	for (size_t i = 0; i < n; i += 2) {
		char pair[3] = { hex[i], hex[i + 1], 0 };

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]))
			return ws_reason(ret_reason, -EINVAL,
			                 "'%s' is not hexadecimal (pattern:HEX, e.g. pattern:a55a)",
			                 hex);
		p->bytes[i / 2] = (uint8_t)strtoul(pair, NULL, 16);
	}
	p->kind = WS_PATTERN_BYTES;
	p->len = n / 2;
	return 0;
}

/* The passes of one round of @method into @out (up to 3). Return: count or -EINVAL. */
static int method_round(const char *method, struct ws_pass_spec *out, char **ret_reason)
{
	if (strcmp(method, "clear") == 0 || strcmp(method, "zero") == 0) {
		constant(&out[0], 0x00);
		return 1;
	}
	if (strcmp(method, "one") == 0) {
		constant(&out[0], 0xff);
		return 1;
	}
	if (strcmp(method, "random") == 0) {
		out[0].kind = WS_PATTERN_RANDOM;
		return 1;
	}
	if (strncmp(method, "pattern:", 8) == 0) {
		int r = parse_hex(method + 8, &out[0], ret_reason);

		return r < 0 ? r : 1;
	}
	if (strcmp(method, "dod-3pass") == 0) {
		constant(&out[0], 0x00);
		constant(&out[1], 0xff);
		out[2].kind = WS_PATTERN_RANDOM;
		return 3;
	}
	return ws_reason(
	    ret_reason, -EINVAL,
	    "unknown method '%s': use clear, zero, one, random, pattern:HEX, dod-3pass, purge, "
	    "or a firmware technique (nvme-*, ata-*, scsi-*: wipeseal list shows a drive's)",
	    method);
}

/* An ATA drive under SANITIZE FREEZE LOCK refuses every sanitize until it is power-cycled (and
 * one under SECURITY FREEZE LOCK every security erase): say so, and what to do, before
 * anything is sent. */
static bool frozen(const struct ws_device *dev, enum ws_technique t, char **ret_reason)
{
	const struct ws_technique_info *i = ws_technique_info(t);
	bool sanitize = i->action_kind == WS_ACTION_ATA_SANITIZE;
	bool security = i->action_kind == WS_ACTION_ATA_SECURITY_ERASE;

	if (!(sanitize && dev->ata.sanitize_frozen) && !(security && dev->ata.security_frozen))
		return false;
	ws_reason(ret_reason, -EOPNOTSUPP,
	          "%s is frozen (a FREEZE LOCK, usually set by the firmware or BIOS at boot): "
	          "suspend and resume the machine (wipeseal unfreeze), or re-plug the drive, then "
	          "run again",
	          dev->path);
	return true;
}

/* "purge": the strongest technique by the table's rank for the medium (technique.c), which
 * must be a Purge technique. */
static int resolve_purge(const struct ws_device *dev, enum ws_technique *ret, char **ret_reason)
{
	enum ws_technique t = ws_technique_strongest(dev);

	if (t == WS_TECH_OVERWRITE || strcmp(ws_technique_nist(t), "Purge") != 0) {
		ws_reason(ret_reason, -EINVAL,
		          "%s has no Purge technique (no NVMe, ATA or SCSI sanitize it "
		          "advertises): use an "
		          "overwrite "
		          "method (Clear) or destroy the medium",
		          dev->path);
		return -EOPNOTSUPP;
	}
	if (frozen(dev, t, ret_reason))
		return -EOPNOTSUPP;
	*ret = t;
	return 0;
}

int ws_technique_resolve(const struct ws_plan *plan, const struct ws_device *dev,
                         enum ws_technique *ret, char **ret_reason)
{
	/* purge-or-clear: purge's choice where the drive offers Purge (frozen included: refused,
	 * never cleared instead), else the plan's overwrite (fallback.c) */
	if (plan->technique == WS_TECH_PURGE_OR_CLEAR && ws_technique_offers_purge(dev))
		return resolve_purge(dev, ret, ret_reason);
	if (plan->technique == WS_TECH_OVERWRITE || plan->technique == WS_TECH_PURGE_OR_CLEAR) {
		*ret = WS_TECH_OVERWRITE;
		return 0;
	}
	/* a RAID logical volume: no firmware erase reaches its drives (controller.c) */
	if (ws_controller_refuse(dev, plan->technique, ret_reason) < 0)
		return -EOPNOTSUPP;
	if (plan->technique == WS_TECH_PURGE)
		return resolve_purge(dev, ret, ret_reason);
	if (!ws_technique_info(plan->technique))
		return -EINVAL;
	if (frozen(dev, plan->technique, ret_reason))
		return -EOPNOTSUPP;
	if (ws_technique_advertised(dev, plan->technique)) {
		*ret = plan->technique;
		return 0;
	}
	ws_reason(ret_reason, -EINVAL,
	          "%s does not advertise %s: refused before any command was sent", dev->path,
	          ws_technique_name(plan->technique));
	return -EOPNOTSUPP;
}

int ws_plan_check_verify(const struct ws_plan *plan, bool trust_firmware, char **ret_reason)
{
	/* its Clear is a verified Clear, and which of the two a drive gets is not known yet */
	if (plan->technique == WS_TECH_PURGE_OR_CLEAR && plan->verify == WS_VERIFY_NONE)
		return ws_reason(ret_reason, -EINVAL,
		                 "verify none with purge-or-clear: the Clear it falls back to is a "
		                 "verified Clear, and its Purge is read back too; verify sample or "
		                 "full");
	if (plan->verify != WS_VERIFY_NONE || plan->technique == WS_TECH_OVERWRITE ||
	    ws_technique_has(plan->technique, WS_TECH_F_ERASES_NOTHING) || trust_firmware)
		return 0;
	return ws_reason(ret_reason, -EINVAL,
	                 "verify none with the firmware method %s: the drive's report would be "
	                 "the only evidence; verify (sample or full), or add --trust-firmware",
	                 plan->method);
}

int ws_plan_parse(const char *method, unsigned passes, struct ws_plan **ret, char **ret_reason)
{
	struct ws_pass_spec round[3];
	struct ws_plan *plan;
	enum ws_technique tech;
	int n;

	if (!method || strlen(method) >= sizeof(plan->method))
		return ws_reason(ret_reason, -EINVAL, "%s", "method name too long");
	if (passes < 1 || passes > 99)
		return ws_reason(ret_reason, -EINVAL, "--passes must be 1 to 99, got %u", passes);
	memset(round, 0, sizeof(round));
	if (ws_technique_by_name(method, &tech) < 0)
		tech = WS_TECH_OVERWRITE;
	if (tech != WS_TECH_OVERWRITE && tech != WS_TECH_PURGE_OR_CLEAR) {
		/* purge and the firmware techniques ("overwrite" names no method) */
		plan = calloc(1, sizeof(*plan));
		if (!plan)
			return -ENOMEM;
		plan->technique = tech;
		plan->verify = WS_VERIFY_SAMPLE;
		plan->sample_percent = 10;
		snprintf(plan->method, sizeof(plan->method), "%s", method);
		*ret = plan;
		return 0;
	}
	/* purge-or-clear carries the passes of its fallback: clear's */
	n = method_round(tech == WS_TECH_PURGE_OR_CLEAR ? "clear" : method, round, ret_reason);
	if (n < 0)
		return n;
	plan = calloc(1, sizeof(*plan));
	if (!plan || !(plan->passes = calloc((size_t)n * passes, sizeof(*plan->passes)))) {
		free(plan);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < passes; i++)
		memcpy(&plan->passes[i * (unsigned)n], round, (size_t)n * sizeof(*round));
	plan->n_passes = (size_t)n * passes;
	plan->technique = tech;
	plan->verify = WS_VERIFY_SAMPLE;
	plan->sample_percent = 10;
	snprintf(plan->method, sizeof(plan->method), "%s", method);
	*ret = plan;
	return 0;
}

struct ws_plan *ws_plan_free(struct ws_plan *plan)
{
	if (plan) {
		free(plan->passes);
		free(plan);
	}
	return NULL;
}

const char *ws_verify_mode_name(enum ws_verify_mode mode)
{
	switch (mode) {
	case WS_VERIFY_NONE:
		return "none";
	case WS_VERIFY_SAMPLE:
		return "sample";
	case WS_VERIFY_FULL:
		return "full";
	}
	return "?";
}

uint64_t ws_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* As large as possible (fewer, longer reads are faster), yet 1,000 of them within P%. */
static uint64_t region_size_for(uint64_t capacity, unsigned percent)
{
	uint64_t budget = capacity / 100 * percent / SAMPLE_MIN;
	uint64_t r = budget - budget % SAMPLE_MIN_REGION;

	return r < SAMPLE_MIN_REGION   ? SAMPLE_MIN_REGION
	       : r > SAMPLE_MAX_REGION ? SAMPLE_MAX_REGION
	                               : r;
}

static int cmp_range(const void *a, const void *b)
{
	const struct ws_range *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sort by offset and fold overlapping regions together, so no byte is counted twice. */
static size_t merge_overlaps(struct ws_range *v, size_t n)
{
	size_t w = 0;

	qsort(v, n, sizeof(*v), cmp_range);
	for (size_t i = 0; i < n; i++) {
		uint64_t end = v[i].offset + v[i].length;

		if (w > 0 && v[i].offset < v[w - 1].offset + v[w - 1].length) {
			if (end > v[w - 1].offset + v[w - 1].length)
				v[w - 1].length = end - v[w - 1].offset;
			continue;
		}
		v[w++] = v[i];
	}
	return w;
}

/* Cut folded regions longer than @max into pieces, so every read fits one I/O buffer. */
static int split_long(struct ws_range **v, size_t *n, uint64_t max)
{
	size_t extra = 0, w;
	struct ws_range *out;

	for (size_t i = 0; i < *n; i++)
		extra += (size_t)(((*v)[i].length - 1) / max);
	if (extra == 0)
		return 0;
	out = calloc(*n + extra, sizeof(*out));
	if (!out)
		return -ENOMEM;
	w = 0;
	for (size_t i = 0; i < *n; i++)
		for (uint64_t off = 0; off < (*v)[i].length; off += max)
			out[w++] =
			    (struct ws_range){ (*v)[i].offset + off, (*v)[i].length - off < max
				                                         ? (*v)[i].length - off
				                                         : max };
	free(*v);
	*v = out;
	*n = w;
	return 0;
}

int ws_sample_regions(uint64_t seed, uint64_t capacity, unsigned percent, struct ws_range **ret,
                      size_t *ret_n, uint64_t *ret_region_size, size_t *ret_drawn)
{
	uint64_t rs = region_size_for(capacity, percent);
	uint64_t slots = (capacity + rs - 1) / rs, want, n, state = seed;
	struct ws_range *v;
	size_t k = 0;
	int r;

	if (capacity == 0)
		return -EINVAL;
	want = capacity / 100 * percent / rs;
	n = want > SAMPLE_MIN ? want : SAMPLE_MIN;
	if (n > slots)
		n = slots;
	v = calloc(n + 2, sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* the first MiB */
	v[k++] = (struct ws_range){ 0, capacity < MIB ? capacity : MIB };
	for (uint64_t i = 0; i < n; i++) {
		uint64_t lo = i * slots / n, hi = (i + 1) * slots / n;
		uint64_t slot = lo + ws_splitmix64(&state) % (hi - lo);
		uint64_t off = slot * rs;

		v[k++] = (struct ws_range){ off, off + rs > capacity ? capacity - off : rs };
	}
	/* the last MiB */
	if (capacity > MIB)
		v[k++] = (struct ws_range){ capacity - MIB, MIB };
	*ret_drawn = k;
	k = merge_overlaps(v, k);
	r = split_long(&v, &k, SAMPLE_MAX_REGION);
	if (r < 0) {
		free(v);
		return r;
	}
	*ret_n = k;
	*ret = v;
	*ret_region_size = rs;
	return 0;
}

int ws_baseline_regions(uint64_t seed, uint64_t capacity, uint64_t budget, uint64_t piece,
                        struct ws_range **ret, size_t *ret_n)
{
	uint64_t n, slots, state = seed;
	struct ws_range *v;

	if (capacity == 0 || piece == 0 || piece % SAMPLE_MIN_REGION || budget < piece)
		return -EINVAL;
	if (capacity <= budget) { /* all of it, piece by piece */
		n = (capacity + piece - 1) / piece;
		v = calloc(n, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (uint64_t i = 0; i < n; i++)
			v[i] = (struct ws_range){ i * piece, capacity - i * piece < piece
				                                 ? capacity - i * piece
				                                 : piece };
	} else { /* one whole piece in each of budget/piece equal strata */
		n = budget / piece;
		slots = capacity / piece;
		v = calloc(n, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t lo = i * slots / n, hi = (i + 1) * slots / n;

			v[i] = (struct ws_range){ (lo + ws_splitmix64(&state) % (hi - lo)) * piece,
				                  piece };
		}
	}
	*ret = v;
	*ret_n = (size_t)n;
	return 0;
}
