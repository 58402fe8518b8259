/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * evidence.h - what the two files of the evidence suite (test-evidence.c, test-evidence-log.c)
 * share: the helpers, defined in test-evidence.c, and the second file's setup and tests.
 */
#ifndef WS_TEST_EVIDENCE_H
#define WS_TEST_EVIDENCE_H

#include <check.h>
#include <stdbool.h>

/* The certificate options, with a log and a result directory of the test's own. */
char *signer_args(const char *log, const char *certs);
char *path(const char *name);
int verify_log(const char *log, const char *certs, char **out);
bool log_has(const char *log, const char *pattern);

/* test-evidence-log.c: the forger's tools (made once, before the tests), and its tests. */
void evidence_make_tools(void);
void evidence_add_log_tests(TCase *tc);

#endif
