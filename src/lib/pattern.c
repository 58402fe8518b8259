/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pattern.c - what a pass writes at any offset, generated on demand.
 *
 * Byte patterns repeat from offset 0 of the device, so the byte at offset o is
 * bytes[o % len]. Random passes are the AES-256-CTR keystream under the pass's key with the
 * 128-bit big-endian counter starting at 0 for offset 0 (the keystream byte o is byte o % 16
 * of AES(key, o / 16)): any region can be regenerated without storing anything, by us now or
 * by anyone holding the key later (`openssl enc -aes-256-ctr -K KEY -iv 0...` over zeros).
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "wipe-internal.h"

int ws_gen_init(struct ws_gen *g, const struct ws_pass_spec *spec, const uint8_t *key)
{
	memset(g, 0, sizeof(*g));
	g->spec = spec;
	if (spec->kind != WS_PATTERN_RANDOM)
		return spec->len > 0 && spec->len <= WS_PATTERN_MAX ? 0 : -EINVAL;
	memcpy(g->key, key, WS_KEY_BYTES);
	g->evp = EVP_CIPHER_CTX_new();
	return g->evp ? 0 : -ENOMEM;
}

void ws_gen_done(struct ws_gen *g)
{
	EVP_CIPHER_CTX_free(g->evp);
	OPENSSL_cleanse(g->key, sizeof(g->key));
	g->evp = NULL;
}

static void fill_bytes(const struct ws_pass_spec *spec, uint64_t offset, uint8_t *buf, size_t len)
{
	size_t phase = (size_t)(offset % spec->len), have;

	if (len == 0)
		return;
	/* one period starting at the right phase, then double it up */
	have = spec->len < len ? spec->len : len;
	for (size_t i = 0; i < have; i++)
		buf[i] = spec->bytes[(phase + i) % spec->len];
	while (have < len) {
		size_t n = have < len - have ? have : len - have;

		memcpy(buf + have, buf, n);
		have += n;
	}
}

static const uint8_t zeros[64 * 1024];

static int fill_random(struct ws_gen *g, uint64_t offset, uint8_t *buf, size_t len)
{
	uint8_t iv[16] = { 0 }, skip[16] = { 0 };
	uint64_t block = offset / 16;
	int outl;

	for (int i = 0; i < 8; i++)
		iv[15 - i] = (uint8_t)(block >> (8 * i));
	if (EVP_EncryptInit_ex(g->evp, EVP_aes_256_ctr(), NULL, g->key, iv) != 1)
		return -EIO;
	if (offset % 16 && EVP_EncryptUpdate(g->evp, skip, &outl, skip, (int)(offset % 16)) != 1)
		return -EIO;
	/* Encrypt zeros from a small block that stays in cache, straight into @buf: no
	 * memset of the output first, and one stream through memory instead of two. */
	for (size_t done = 0; done < len;) {
		size_t n = len - done > sizeof(zeros) ? sizeof(zeros) : len - done;

		if (EVP_EncryptUpdate(g->evp, buf + done, &outl, zeros, (int)n) != 1)
			return -EIO;
		done += n;
	}
	return 0;
}

int ws_gen_fill(struct ws_gen *g, uint64_t offset, uint8_t *buf, size_t len)
{
	if (g->spec->kind == WS_PATTERN_RANDOM)
		return fill_random(g, offset, buf, len);
	fill_bytes(g->spec, offset, buf, len);
	return 0;
}

bool ws_gen_is_fixed(const struct ws_gen *g, size_t chunk)
{
	return g->spec->kind == WS_PATTERN_BYTES && chunk % g->spec->len == 0;
}
