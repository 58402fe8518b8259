/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * purge-internal.h - what nvme.c, purge.c and wipe.c share about firmware erases.
 */
#ifndef WS_PURGE_INTERNAL_H
#define WS_PURGE_INTERNAL_H

#include "wipe-internal.h"

/* Admin commands that return at once still get more than the kernel's default. */
#define WS_NVME_COMMAND_TIMEOUT_MS 120000u

/* nvme.c: fill dev->nvme and the firmware methods when @dev is an NVMe namespace. */
void ws_nvme_probe(struct ws_ctx *ctx, struct ws_device *dev);

/* The Sanitize Status log (LID 81h), decoded, and its 512 raw bytes. */
struct ws_sanitize_log {
	uint8_t raw[512];
	uint16_t sprog;       /* progress / 65536; 0xFFFF when none runs */
	uint16_t sstat;       /* bits 2:0 status, 7:3 passes, 8 global data erased */
	uint32_t scdw10;      /* the CDW10 that started the most recent sanitize */
	uint32_t estimate[3]; /* seconds: overwrite, block erase, crypto erase; ~0 unknown */
};

int ws_nvme_sanitize_log(int fd, struct ws_sanitize_log *ret, int *ret_status);
/* Security Receive (NVM Express Base 2.0, admin 82h) of protocol @secp, SP Specific @spsp,
 * into @buf. Return: 0; -EREMOTEIO when the drive refused; another negative errno. */
int ws_nvme_security_receive(int fd, uint8_t secp, uint16_t spsp, void *buf, uint32_t len);
/* Start a Sanitize (SANACT @sanact). A positive NVMe status makes -EREMOTEIO. */
int ws_nvme_sanitize_start(int fd, int sanact, uint32_t ovrpat, int *ret_status);
/* Format NVM namespace @n with Secure Erase Setting @ses, waiting up to @timeout_ms. The
 * namespace keeps its LBA format, metadata setting and protection information. */
int ws_nvme_format(int fd, const struct ws_nvme_info *n, int ses, uint32_t timeout_ms,
                   int *ret_status);

/* crypto-verify.c: the read-back of a crypto or enhanced security erase (docs/methods.md,
 * "What a crypto erase leaves"). */
struct ws_crypto_before;

/* Before the erase: the SHA-256 and the uniform 4 KiB blocks of each region @v[0..n) (kept by
 * reference until freed), and the raw baseline drawn with @seed over @size bytes, its plan
 * recorded in @cc. Return: 0, -EIO when a read fails, -ENOMEM. */
int ws_crypto_before(int fd, uint64_t size, const struct ws_range *v, size_t n, uint64_t seed,
                     struct ws_crypto_check *cc, struct ws_crypto_before **ret);
/* The same for a drive with a locked range (TCG Opal): a region or piece that cannot be read is
 * taken as blank (nothing of it is compared afterwards) and counted in @cc->unreadable_before. */
int ws_crypto_before_locked(int fd, uint64_t size, const struct ws_range *v, size_t n,
                            uint64_t seed, bool locked_as_blank, struct ws_crypto_check *cc,
                            struct ws_crypto_before **ret);
/* After it: the regions and the baseline read again and judged into @ver (bytes_checked,
 * bytes_mismatched, crypto). @erased_byte: what the drive says erased media reads as, or -1.
 * Return: 0, -EIO when a read fails, -ENOMEM. */
int ws_crypto_after(int fd, const struct ws_crypto_before *b, int erased_byte,
                    struct ws_verify_result *ver);
/* NULL-safe. Return: NULL. */
struct ws_crypto_before *ws_crypto_before_free(struct ws_crypto_before *b);
/* A re-verification (reverify.c), long after the erase: check 3 alone, with nothing known
 * of before. Start @cc with @erased_byte (what the drive says erased media reads as, or -1),
 * then judge each region read (every 4 KiB block: noise, erased, or neither). */
void ws_crypto_judge_start(struct ws_crypto_check *cc, int erased_byte);
void ws_crypto_judge_region(struct ws_crypto_check *cc, const uint8_t *buf, uint64_t len,
                            uint64_t off);

/* purge.c: the firmware path of ws_wipe_run(). */
int ws_purge_run(struct ws_ctx *ctx, struct ws_target *t, const struct ws_plan *plan,
                 const struct ws_wipe_opts *opts, struct ws_io *io, uint64_t seed,
                 struct ws_result *res);

#endif
