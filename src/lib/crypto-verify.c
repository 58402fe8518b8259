/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crypto-verify.c - the read-back of an erase whose effect is "unreadable" rather than a known
 * value: crypto erase (NVMe Sanitize and Format, ATA CRYPTO SCRAMBLE, SCSI) and the enhanced
 * security erase.
 *
 * Nothing predictable is left, so nothing can be compared with an expected value, and "each
 * region changed" proves little: a drive that scrambles 16 bytes of every sector changes every
 * hash and keeps 97% of the data. So three checks, all from outside the drive:
 *  1. the SHA-256 of every verified region, before and after: none may be unchanged;
 *  2. a raw baseline of a fixed budget, kept from before the erase and compared 16 bytes at a
 *     time after it: a block that held data (was not one byte value) and reads the same is
 *     residue. For output indistinguishable from random the odds of that are 2^-128 a block;
 *  3. every 4 KiB block read back must read as noise (byte-histogram Shannon entropy of at
 *     least 7 bits per byte; uniform random data falls below with odds under 2^-1023), or as
 *     the value the drive says erased media returns, or as one byte value where it held one
 *     byte value before (never-written or trimmed space stays so).
 * docs/methods.md ("What a crypto erase leaves") gives the rule and the odds.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "purge-internal.h"

#define BLOCK        4096u       /* entropy is judged per 4 KiB */
#define RESIDUE      16u         /* residue is counted per 16 bytes */
#define BUDGET       (32u << 20) /* the raw baseline: 32 MiB ... */
#define PIECE        (64u << 10) /* ... in 512 pieces of 64 KiB */
#define MAX_REGION   (1u << 20)  /* regions are at most 1 MiB (plan.c, purge.c) */
#define NOISE_BITS   7.0         /* bits per byte; random 4 KiB gives 7.95 */
#define BITS_PER_MAP (8 * sizeof(uint64_t))

struct ws_crypto_before {
	const struct ws_range *v; /* the verified regions (the caller's, alive until free) */
	size_t n;
	uint8_t (*hash)[32];
	bool *blank;             /* the whole region was one byte value */
	uint64_t *first_block;   /* index of each region's first 4 KiB block in @uniform */
	uint64_t *uniform;       /* one bit per 4 KiB block: one byte value before the erase */
	struct ws_range *pieces; /* the baseline */
	size_t n_pieces;
	uint8_t *raw;         /* piece i at raw + i * PIECE */
	bool locked_as_blank; /* a read that fails is a locked range: taken as blank */
	uint64_t unreadable;  /* regions and pieces that could not be read */
};

/* ---- blocks ------------------------------------------------------------------------------ */

static bool uniform(const uint8_t *b, size_t len)
{
	return len == 0 || memcmp(b, b + 1, len - 1) == 0;
}

/* The 4 KiB blocks of a region of @len bytes; the last one ends at the region's end, so that
 * every judged block is whole (regions are at least 4 KiB unless the device is smaller). */
static uint64_t blocks_in(uint64_t len)
{
	return len <= BLOCK ? 1 : (len + BLOCK - 1) / BLOCK;
}

static uint64_t block_start(uint64_t len, uint64_t k)
{
	return len <= BLOCK ? 0 : k * BLOCK + BLOCK > len ? len - BLOCK : k * BLOCK;
}

/* c * log2(c) for every count a 4 KiB histogram can hold: 256 log2() calls per block would
 * cost more than the read of a fast drive. */
static double clogc[BLOCK + 1];
static pthread_once_t clogc_once = PTHREAD_ONCE_INIT;

static void clogc_init(void)
{
	for (unsigned c = 1; c <= BLOCK; c++)
		clogc[c] = c * log2((double)c);
}

/* Shannon entropy of the byte histogram of @b, in bits per byte (0 to 8). */
static double entropy(const uint8_t *b, size_t len)
{
	uint32_t h[256] = { 0 };
	double s = 0;

	if (len == 0 || len > BLOCK)
		return 0;
	for (size_t i = 0; i < len; i++)
		h[b[i]]++;
	for (unsigned i = 0; i < 256; i++)
		s += clogc[h[i]];
	return log2((double)len) - s / (double)len;
}

static void keep_offset(uint64_t *v, size_t *n, uint64_t off)
{
	if (*n < WS_MAX_REPORTED)
		v[(*n)++] = off;
}

/* Judge one 4 KiB block read after the erase (check 3). */
static void judge_block(struct ws_crypto_check *cc, const uint8_t *b, size_t len, uint64_t off,
                        bool blank_before, int erased_byte)
{
	double h;

	cc->blocks_judged++;
	if (uniform(b, len)) {
		if (erased_byte == WS_ERASED_ANY ||
		    (erased_byte >= 0 && b[0] == (uint8_t)erased_byte))
			cc->erased_blocks++;
		else if (blank_before)
			cc->blank_blocks++;
		else {
			cc->pattern_blocks++;
			keep_offset(cc->pattern_offsets, &cc->n_pattern_offsets, off);
		}
		return;
	}
	h = entropy(b, len);
	if (h < cc->min_entropy)
		cc->min_entropy = h;
	if (h >= cc->entropy_threshold) {
		cc->noise_blocks++;
		return;
	}
	cc->structured_blocks++;
	keep_offset(cc->structured_offsets, &cc->n_structured_offsets, off);
}

/* ---- before ------------------------------------------------------------------------------ */

struct ws_crypto_before *ws_crypto_before_free(struct ws_crypto_before *b)
{
	if (!b)
		return NULL;
	free(b->hash);
	free(b->blank);
	free(b->first_block);
	free(b->uniform);
	free(b->pieces);
	free(b->raw);
	free(b);
	return NULL;
}

static int read_all(int fd, uint8_t *buf, uint64_t len, uint64_t off)
{
	return len <= MAX_REGION && pread(fd, buf, (size_t)len, (off_t)off) == (ssize_t)len ? 0
	                                                                                    : -EIO;
}

/* Hash each region and map its uniform blocks. */
static int take_regions(int fd, struct ws_crypto_before *b, uint8_t *buf)
{
	uint64_t blocks = 0;

	b->hash = calloc(b->n ? b->n : 1, sizeof(*b->hash));
	b->blank = calloc(b->n ? b->n : 1, sizeof(*b->blank));
	b->first_block = calloc(b->n ? b->n : 1, sizeof(*b->first_block));
	if (!b->hash || !b->blank || !b->first_block)
		return -ENOMEM;
	for (size_t i = 0; i < b->n; i++) {
		b->first_block[i] = blocks;
		blocks += blocks_in(b->v[i].length);
	}
	b->uniform = calloc(blocks / BITS_PER_MAP + 1, sizeof(*b->uniform));
	if (!b->uniform)
		return -ENOMEM;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t len = b->v[i].length;

		if (read_all(fd, buf, len, b->v[i].offset) < 0) {
			if (!b->locked_as_blank)
				return -EIO;
			memset(buf, 0, (size_t)len); /* locked: nothing to compare */
			b->unreadable++;
		}
		SHA256(buf, (size_t)len, b->hash[i]);
		b->blank[i] = uniform(buf, (size_t)len);
		for (uint64_t k = 0; k < blocks_in(len); k++) {
			uint64_t s = block_start(len, k), bit = b->first_block[i] + k;

			if (uniform(buf + s, (size_t)(len < BLOCK ? len : BLOCK)))
				b->uniform[bit / BITS_PER_MAP] |= 1ull << (bit % BITS_PER_MAP);
		}
	}
	return 0;
}

static int take_baseline(int fd, uint64_t size, uint64_t seed, struct ws_crypto_before *b,
                         struct ws_crypto_check *cc)
{
	int r = ws_baseline_regions(seed, size, BUDGET, PIECE, &b->pieces, &b->n_pieces);

	if (r < 0)
		return r;
	b->raw = malloc(b->n_pieces * PIECE);
	if (!b->raw)
		return -ENOMEM;
	cc->seed = seed;
	cc->piece_size = PIECE;
	cc->pieces = b->n_pieces;
	for (size_t i = 0; i < b->n_pieces; i++) {
		if (read_all(fd, b->raw + i * PIECE, b->pieces[i].length, b->pieces[i].offset) <
		    0) {
			if (!b->locked_as_blank)
				return -EIO;
			memset(b->raw + i * PIECE, 0, PIECE); /* uniform: never compared */
			b->unreadable++;
		}
		cc->budget += b->pieces[i].length;
	}
	return 0;
}

int ws_crypto_before(int fd, uint64_t size, const struct ws_range *v, size_t n, uint64_t seed,
                     struct ws_crypto_check *cc, struct ws_crypto_before **ret)
{
	return ws_crypto_before_locked(fd, size, v, n, seed, false, cc, ret);
}

int ws_crypto_before_locked(int fd, uint64_t size, const struct ws_range *v, size_t n,
                            uint64_t seed, bool locked_as_blank, struct ws_crypto_check *cc,
                            struct ws_crypto_before **ret)
{
	struct ws_crypto_before *b = calloc(1, sizeof(*b));
	uint8_t *buf = malloc(MAX_REGION);
	int r;

	(void)pthread_once(&clogc_once, clogc_init);
	if (!b || !buf) {
		free(b);
		free(buf);
		return -ENOMEM;
	}
	b->v = v;
	b->n = n;
	b->locked_as_blank = locked_as_blank;
	ws_io_drop_cache(fd);
	r = take_regions(fd, b, buf);
	if (r == 0)
		r = take_baseline(fd, size, seed, b, cc);
	free(buf);
	if (r < 0) {
		ws_crypto_before_free(b);
		return r;
	}
	cc->unreadable_before = b->unreadable;
	*ret = b;
	return 0;
}

/* ---- after ------------------------------------------------------------------------------- */

/* Checks 1 and 3 on region @i, read again into @buf. */
static void check_region(const struct ws_crypto_before *b, size_t i, const uint8_t *buf,
                         int erased_byte, struct ws_verify_result *ver)
{
	uint64_t len = b->v[i].length;
	uint8_t h[32];

	SHA256(buf, (size_t)len, h);
	if (!b->blank[i]) { /* one byte value before: nothing to tell from, not counted */
		ver->bytes_checked += len;
		if (memcmp(h, b->hash[i], sizeof(h)) == 0) {
			ver->bytes_mismatched += len;
			keep_offset(ver->mismatch_offsets, &ver->n_mismatch_offsets,
			            b->v[i].offset);
		}
	}
	for (uint64_t k = 0; k < blocks_in(len); k++) {
		uint64_t s = block_start(len, k), bit = b->first_block[i] + k;

		judge_block(
		    &ver->crypto, buf + s, (size_t)(len < BLOCK ? len : BLOCK), b->v[i].offset + s,
		    b->uniform[bit / BITS_PER_MAP] & (1ull << (bit % BITS_PER_MAP)), erased_byte);
	}
}

/* Check 2 on baseline piece @i, read again into @buf. */
static void check_piece(const struct ws_crypto_before *b, size_t i, const uint8_t *buf,
                        struct ws_crypto_check *cc)
{
	const uint8_t *was = b->raw + i * PIECE;

	for (uint64_t k = 0; k + RESIDUE <= b->pieces[i].length; k += RESIDUE) {
		if (uniform(was + k, RESIDUE))
			continue; /* held no data: zeros stay zeros on a trimmed block */
		cc->blocks_compared++;
		if (memcmp(was + k, buf + k, RESIDUE) != 0)
			continue;
		cc->residue_blocks++;
		keep_offset(cc->residue_offsets, &cc->n_residue_offsets, b->pieces[i].offset + k);
	}
}

int ws_crypto_after(int fd, const struct ws_crypto_before *b, int erased_byte,
                    struct ws_verify_result *ver)
{
	struct ws_crypto_check *cc = &ver->crypto;
	uint8_t *buf = malloc(MAX_REGION);

	if (!buf)
		return -ENOMEM;
	cc->ran = true;
	cc->erased_byte = erased_byte;
	cc->entropy_threshold = NOISE_BITS;
	cc->min_entropy = 8.0;
	ws_io_drop_cache(fd);
	for (size_t i = 0; i < b->n; i++) {
		if (read_all(fd, buf, b->v[i].length, b->v[i].offset) < 0) {
			free(buf);
			return -EIO;
		}
		check_region(b, i, buf, erased_byte, ver);
	}
	for (size_t i = 0; i < b->n_pieces; i++) {
		if (read_all(fd, buf, b->pieces[i].length, b->pieces[i].offset) < 0) {
			free(buf);
			return -EIO;
		}
		check_piece(b, i, buf, cc);
	}
	free(buf);
	return 0;
}

/* ---- later: a re-verification (reverify.c) ------------------------------------------------ */

void ws_crypto_judge_start(struct ws_crypto_check *cc, int erased_byte)
{
	memset(cc, 0, sizeof(*cc));
	cc->ran = true;
	cc->erased_byte = erased_byte;
	cc->entropy_threshold = NOISE_BITS;
	cc->min_entropy = 8.0;
}

void ws_crypto_judge_region(struct ws_crypto_check *cc, const uint8_t *buf, uint64_t len,
                            uint64_t off)
{
	(void)pthread_once(&clogc_once, clogc_init);
	/* nothing is known of before: one byte value the drive does not declare is a pattern */
	for (uint64_t k = 0; k < blocks_in(len); k++) {
		uint64_t s = block_start(len, k);

		judge_block(cc, buf + s, (size_t)(len < BLOCK ? len : BLOCK), off + s, false,
		            cc->erased_byte);
	}
}
