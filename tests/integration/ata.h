/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ata.h - what the two files of the ata suite (test-ata.c, test-ata-hidden.c) share: the
 * simulated drive's helpers, defined in test-ata.c, and the second file's tests.
 */
#ifndef WS_TEST_ATA_H
#define WS_TEST_ATA_H

#include <check.h>
#include <json-c/json.h>

/* The environment that has the simulated drive @profile answer for @dev, with @more of the
 * simulator's variables. */
char *sim_env(const char *profile, const char *dev, const char *more);
/* `wipeseal wipe --json ... ARGS` with the simulated drive answering for @dev. */
int sim_wipe_env(const char *profile, const char *more, const char *dev, const char *args,
                 char **out, char **err);
int sim_wipe(const char *profile, const char *dev, const char *args, char **out, char **err);
/* `wipeseal list --json DEV` with the simulated drive: its one device object (in *root). */
struct json_object *sim_list(const char *profile, const char *more, const char *dev,
                             struct json_object **root);

/* test-ata-hidden.c: the Host Protected Area and the Device Configuration Overlay. */
void ata_add_hidden_area_tests(TCase *tc);

#endif
