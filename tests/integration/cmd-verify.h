/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-verify.h - what the two files of the cmd-verify suite (test-cmd-verify.c,
 * test-cmd-verify-refusals.c) share: the PKI and the signed wipe, defined in test-cmd-verify.c,
 * and the second file's tests.
 */
#ifndef WS_TEST_CMD_VERIFY_H
#define WS_TEST_CMD_VERIFY_H

#include <check.h>

/* The directory of the PKI made with openssl alone: ca, foreign, and the stations. */
extern char pki[4096];

/* Wipe a fresh 16 MiB ext4 loop device signed by @signer (a station name); return the
 * certificate path (from the JSON result event). @extra: more options. */
char *signed_wipe_env(const char *signer, const char *env, const char *extra, int want);
char *signed_wipe(const char *signer, const char *extra, int want);
/* `wipeseal verify --ca ca.pem FILE`: its exit code and output. */
int verify(const char *file, char **out);

/* test-cmd-verify-refusals.c: refused signers; the configuration, files that are not files,
 * encrypted keys. */
void cmd_verify_add_signer_tests(TCase *tc);
void cmd_verify_add_refusal_tests(TCase *tc);

#endif
