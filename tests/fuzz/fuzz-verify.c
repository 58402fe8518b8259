/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-verify.c - libFuzzer harness for the certificate reader and verifier.
 *
 * Input: a 4-byte little-endian length N, then N bytes of certificate document, then the
 * detached signature (PEM CMS). ws_cert_verify() must return without crashing, leaking or
 * reading out of bounds, whatever the bytes; and a verdict of "ok" needs a signature that
 * chains to the CA in $WS_FUZZ_CA, which random bytes never produce.
 * scripts/fuzz.sh builds it with clang and runs it from a seed of a real signed certificate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/wipeseal.h>

static struct ws_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *ca = getenv("WS_FUZZ_CA");
	char *why = NULL;

	(void)argc;
	(void)argv;
	if (!ca || ws_trust_load(ca, &trust, &why) < 0) {
		fprintf(stderr, "fuzz-verify: set WS_FUZZ_CA to a CA certificate (%s)\n",
		        why ? why : "unset");
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_cert_check c;
	uint32_t n;

	if (size < 4)
		return 0;
	n = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
	    (uint32_t)data[3] << 24;
	data += 4;
	size -= 4;
	if (n > size)
		n = (uint32_t)size;
	if (ws_cert_verify(trust, data, n, data + n, size - n, &c) == 0) {
		/* the verdict is consistent with itself */
		if (c.ok && (c.reason || !c.signer || strcmp(c.status, "SUCCESS") != 0))
			abort();
		if (!c.ok && !c.reason)
			abort();
	}
	ws_cert_check_clear(&c);
	return 0;
}
