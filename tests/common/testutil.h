/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * testutil.h - what the Check suites share: running a suite, the fixture tree, temporary
 * directories and running commands.
 */
#ifndef WS_TESTUTIL_H
#define WS_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <wipeseal/wipeseal.h>

/* Like ck_assert, but usable outside a running test too (suite setup in main(), cleanup):
 * prints where and why, and exits 1, which Check reports as a failure inside a test. */
#define test_require(cond, ...)                                         \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                   \
			fputc('\n', stderr);                            \
			exit(1);                                        \
		}                                                       \
	} while (0)

/* CTest treats this exit status as "skipped" (SKIP_RETURN_CODE). */
#define TEST_SKIP 77

/* Run @s, print the results, return the process exit status (0 or 1). */
int test_run_suite(Suite *s);

/* A context reading the fixture machine tests/fixtures/@name (sys/, proc/, dev/). */
struct ws_ctx *test_fixture_ctx(const char *name);

/* Run a shell command line; return its exit status (or -1). Output goes to @out (malloc'd,
 * stdout and stderr together) when @out is not NULL. */
int test_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* test_fmt() - a formatted string (malloc'd); the test stops when there is no memory. */
char *test_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* A fresh directory under $TMPDIR (or /tmp); malloc'd path. */
char *test_tmpdir(const char *tag);

/* The signer certs/make-station.sh wrote into @dir (signer.key, signer.pem); the test stops
 * when it cannot be loaded. */
struct ws_signer *test_station_signer(const char *dir);

#endif
