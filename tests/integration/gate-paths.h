/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gate-paths.h - what the two files of the gate-paths suite (test-gate-paths.c,
 * test-gate-paths-moment.c) share: the helpers, defined in test-gate-paths.c, and the second
 * file's tests.
 */
#ifndef WS_TEST_GATE_PATHS_H
#define WS_TEST_GATE_PATHS_H

#include <check.h>
#include <stdbool.h>

char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
void sh_ok(const char *cmd);
void mkfs(const char *what);
/* Freeze (or thaw) a mounted file system: while frozen, only the gate could write. */
void freeze(const char *mp, bool on);
/* wipe @target as the station would (signed, audited, --yes); the exit code and stderr. */
int wipe(const char *target, char **err);
/* Wipe @target while @mp (may be NULL) is frozen; expect a refusal naming every needle
 * (NULL-terminated) and @image unchanged. */
void expect_refused(const char *target, const char *image, const char *mp, ...);
bool wait_for_text(const char *path, const char *needle, int seconds);

/* test-gate-paths-moment.c: the prompt, the shown medium, the size change mid-pass. */
void gate_paths_add_moment_tests(TCase *tc);

#endif
