/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-plan.c - method names into passes, and the sampled verification plan: at least 1,000
 * regions or P% of the capacity, spread over the whole device, the first and last MiB
 * always, reproducible from the seed.
 *
 * The cases: every method parsed, bad names, patterns and counts rejected; sample plans: at least
 * 1,000 regions or P% of the capacity, spread over the whole device, the first and last MiB always
 * in, the same regions from the same seed; firmware techniques resolved: purge to the strongest
 * advertised NVMe Sanitize action, never to Format NVM, the refusals for what a device does not
 * advertise, and the NIST levels. Not covered here: the ATA and SCSI orders, the rotating order and
 * the frozen refusals, which are exercised through the CLI only (test-ata.c).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "wipe-internal.h"
#include "testutil.h"

#define MIB (1ULL << 20)

static struct ws_plan *parse_ok(const char *m, unsigned passes)
{
	struct ws_plan *p = NULL;
	char *why = NULL;

	ck_assert_msg(ws_plan_parse(m, passes, &p, &why) == 0, "%s: %s", m, why);
	ck_assert_ptr_null(why);
	return p;
}

static void parse_bad(const char *m, unsigned passes, const char *needle)
{
	struct ws_plan *p = NULL;
	char *why = NULL;

	ck_assert_int_eq(ws_plan_parse(m, passes, &p, &why), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_msg(why && strstr(why, needle), "%s: reason '%s' lacks '%s'", m, why, needle);
	ck_assert_ptr_null(strchr(why, '\n'));
	free(why);
}

START_TEST(test_methods)
{
	struct ws_plan *p = parse_ok("clear", 1);

	ck_assert_uint_eq(p->n_passes, 1);
	ck_assert_int_eq(p->passes[0].kind, WS_PATTERN_BYTES);
	ck_assert_uint_eq(p->passes[0].len, 1);
	ck_assert_uint_eq(p->passes[0].bytes[0], 0);
	ck_assert_int_eq(p->verify, WS_VERIFY_SAMPLE);
	ck_assert_uint_eq(p->sample_percent, 10);
	ws_plan_free(p);

	p = parse_ok("one", 2);
	ck_assert_uint_eq(p->n_passes, 2);
	ck_assert_uint_eq(p->passes[1].bytes[0], 0xff);
	ws_plan_free(p);

	p = parse_ok("dod-3pass", 2);
	ck_assert_uint_eq(p->n_passes, 6);
	ck_assert_uint_eq(p->passes[3].bytes[0], 0x00);
	ck_assert_uint_eq(p->passes[4].bytes[0], 0xff);
	ck_assert_int_eq(p->passes[5].kind, WS_PATTERN_RANDOM);
	ws_plan_free(p);

	p = parse_ok("pattern:A55a01", 1);
	ck_assert_uint_eq(p->passes[0].len, 3);
	ck_assert_mem_eq(p->passes[0].bytes, "\xa5\x5a\x01", 3);
	ck_assert_str_eq(p->method, "pattern:A55a01");
	ws_plan_free(p);
}
END_TEST

START_TEST(test_bad_methods)
{
	char big[2 * 513 + 9] = "pattern:";

	parse_bad("shred", 1, "unknown method 'shred'");
	parse_bad("pattern:", 1, "even number of hex digits");
	parse_bad("pattern:abc", 1, "even number of hex digits");
	parse_bad("pattern:zz", 1, "not hexadecimal");
	memset(big + 8, 'a', 2 * 513);
	big[sizeof(big) - 1] = '\0';
	parse_bad(big, 1, "pattern is 513 bytes; at most 512 are allowed");
	parse_bad("clear", 0, "--passes must be 1 to 99");
	parse_bad("clear", 100, "--passes must be 1 to 99");
}
END_TEST

static void check_plan(uint64_t cap, unsigned pct, uint64_t seed)
{
	struct ws_range *v = NULL;
	size_t n = 0, drawn = 0;
	uint64_t rs = 0, total = 0, max_gap = 0;

	ck_assert_int_eq(ws_sample_regions(seed, cap, pct, &v, &n, &rs, &drawn), 0);
	ck_assert_uint_ge(rs, 4096);
	ck_assert_uint_le(rs, MIB);
	/* 1,000 regions, or P%, whichever is more, unless the device has fewer */
	ck_assert_uint_ge(drawn, (cap + rs - 1) / rs < 1000 ? (cap + rs - 1) / rs : 1000);
	ck_assert_uint_eq(v[0].offset, 0);
	ck_assert_uint_ge(v[0].length, cap < MIB ? cap : MIB);
	ck_assert_uint_eq(v[n - 1].offset + v[n - 1].length, cap);
	ck_assert_uint_ge(v[n - 1].length, cap < MIB ? 1 : MIB);
	for (size_t i = 0; i < n; i++) {
		total += v[i].length;
		ck_assert_uint_le(v[i].offset + v[i].length, cap);
		ck_assert_uint_le(v[i].length, MIB); /* every read fits one buffer */
		if (i > 0) {
			/* sorted, no byte twice */
			ck_assert_uint_ge(v[i].offset, v[i - 1].offset + v[i - 1].length);
			if (v[i].offset - (v[i - 1].offset + v[i - 1].length) > max_gap)
				max_gap = v[i].offset - (v[i - 1].offset + v[i - 1].length);
		}
	}
	ck_assert_uint_ge(total, cap / 100 * pct < cap ? cap / 100 * pct * 9 / 10 : cap);
	/* spread: one region in every stratum, so no hole is wider than two strata */
	ck_assert_uint_le(max_gap, 2 * (((cap + rs - 1) / rs + drawn - 3) / (drawn - 2)) * rs);
	free(v);
}

START_TEST(test_sample_plans)
{
	check_plan(32 * MIB, 10, 1);
	check_plan(4ULL << 30, 10, 2);
	check_plan(1ULL << 40, 10, 3);
	check_plan(1ULL << 40, 1, 4);
	check_plan(5 * MIB + 1000, 10, 5); /* odd size: the last region is clipped */
	check_plan(64 * 1024, 10, 6);      /* smaller than a MiB */
	check_plan(2000ULL * 1000 * 1000 * 1000, 5, 7);
	check_plan((16ULL << 30) + 512 * 1024, 100, 8); /* folds up to 2 MiB, then cut */
}
END_TEST

START_TEST(test_sample_is_reproducible)
{
	struct ws_range *a = NULL, *b = NULL, *c = NULL;
	size_t na, nb, nc, d;
	uint64_t rs;

	ck_assert_int_eq(ws_sample_regions(42, 8ULL << 30, 10, &a, &na, &rs, &d), 0);
	ck_assert_int_eq(ws_sample_regions(42, 8ULL << 30, 10, &b, &nb, &rs, &d), 0);
	ck_assert_int_eq(ws_sample_regions(43, 8ULL << 30, 10, &c, &nc, &rs, &d), 0);
	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na * sizeof(*a));
	ck_assert(nc != na || memcmp(a, c, na * sizeof(*a)) != 0);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_techniques)
{
	struct ws_device dev = { .path = (char *)(uintptr_t) "/dev/nvme0n1" };
	struct ws_plan *p = parse_ok("purge", 1);
	enum ws_technique t = WS_TECH_OVERWRITE;
	char *why = NULL;

	ck_assert_int_eq(p->technique, WS_TECH_PURGE);
	ck_assert_uint_eq(p->n_passes, 0);
	/* the strongest advertised: crypto before block before overwrite */
	dev.methods = WS_METHOD_NVME_SANITIZE_BLOCK | WS_METHOD_NVME_SANITIZE_CRYPTO;
	ck_assert_int_eq(ws_technique_resolve(p, &dev, &t, NULL), 0);
	ck_assert_int_eq(t, WS_TECH_NVME_SANITIZE_CRYPTO);
	dev.methods = WS_METHOD_NVME_SANITIZE_OVERWRITE | WS_METHOD_NVME_FORMAT_CRYPTO;
	ck_assert_int_eq(ws_technique_resolve(p, &dev, &t, NULL), 0);
	ck_assert_int_eq(t, WS_TECH_NVME_SANITIZE_OVERWRITE);
	/* Format is Clear, never what purge picks */
	dev.methods = WS_METHOD_NVME_FORMAT_CRYPTO | WS_METHODS_OVERWRITE;
	ck_assert_int_eq(ws_technique_resolve(p, &dev, &t, &why), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "has no Purge technique"));
	free(why);
	ws_plan_free(p);
	p = parse_ok("nvme-sanitize-block", 1);
	why = NULL;
	ck_assert_int_eq(ws_technique_resolve(p, &dev, &t, &why), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "does not advertise nvme-sanitize-block"));
	free(why);
	ws_plan_free(p);
	ck_assert_str_eq(ws_technique_nist(WS_TECH_NVME_SANITIZE_CRYPTO), "Purge");
	ck_assert_str_eq(ws_technique_nist(WS_TECH_NVME_FORMAT_USER_DATA), "Clear");
}
END_TEST

/* The crypto-erase baseline: one piece per stratum, aligned, disjoint, the budget exactly;
 * the whole device when it is smaller. */
START_TEST(test_baseline)
{
	const uint64_t piece = 64 * 1024, budget = 32 * MIB;
	const uint64_t caps[] = { 1000 * MIB + 512, 33 * MIB, 32 * MIB, 5 * MIB + 512 };

	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct ws_range *v = NULL, *w = NULL;
		size_t n = 0, n2 = 0;
		uint64_t total = 0, slots = caps[c] / piece;

		ck_assert_int_eq(ws_baseline_regions(7, caps[c], budget, piece, &v, &n), 0);
		for (size_t i = 0; i < n; i++) {
			total += v[i].length;
			ck_assert_uint_le(v[i].offset + v[i].length, caps[c]);
			ck_assert_uint_eq(v[i].offset % piece, 0);
			if (i)
				ck_assert_uint_ge(v[i].offset, v[i - 1].offset + v[i - 1].length);
			if (caps[c] > budget) { /* piece i lies in stratum i of budget/piece */
				ck_assert_uint_ge(v[i].offset / piece, i * slots / n);
				ck_assert_uint_lt(v[i].offset / piece, (i + 1) * slots / n);
			}
		}
		ck_assert_uint_eq(total, caps[c] > budget ? budget : caps[c]);
		ck_assert_uint_eq(n, caps[c] > budget ? budget / piece
		                                      : (caps[c] + piece - 1) / piece);
		ck_assert_int_eq(ws_baseline_regions(7, caps[c], budget, piece, &w, &n2), 0);
		ck_assert_uint_eq(n, n2);
		ck_assert_int_eq(memcmp(v, w, n * sizeof(*v)), 0); /* the seed decides */
		free(v);
		free(w);
	}
	ck_assert_int_eq(
	    ws_baseline_regions(7, MIB, budget, 1000, &(struct ws_range *){ NULL }, &(size_t){ 0 }),
	    -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plans");

	tcase_set_timeout(tc, 60); /* large plans under the sanitizers */

	tcase_add_test(tc, test_methods);
	tcase_add_test(tc, test_bad_methods);
	tcase_add_test(tc, test_sample_plans);
	tcase_add_test(tc, test_sample_is_reproducible);
	tcase_add_test(tc, test_techniques);
	tcase_add_test(tc, test_baseline);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
