/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * simdrive.h - what the suites against simulated drives (test-nvme.c, test-ata.c) share: a
 * marked ext4 loop device, a throw-away PKI, the signed `wipe --json` run with a simulator
 * preloaded, and the result read back from its JSON line with its certificate verified.
 */
#ifndef WIPESEAL_TEST_SIMDRIVE_H
#define WIPESEAL_TEST_SIMDRIVE_H

#include <json-c/json.h>
#include <stdbool.h>

/* The marker written into every marked device, and the PKI directory (ca/, st/). */
extern char marker[64], pki[4096];

/* scratch_init(@suite), the marker (WIPESEAL-@tag-MARKER-pid), and the PKI made by certs/. */
void simdrive_init(const char *suite, const char *tag);

/* A 32 MiB loop device with ext4 holding the marker, on MARKER_LINES lines of a file. */
#define MARKER_LINES 50000
char *marked(const char *name);
/* The same marker lines on a 32 MiB loop device with no file system: no signature to find. */
char *marked_raw(const char *name);
bool has_marker(const char *dev);
/* How many lines of @dev hold the whole marker, counted by grep(1). */
long marker_lines(const char *dev);
/* A number in @o at @path (jstr), asserted present. */
unsigned long long jnum(struct json_object *o, const char *path);

/* `wipeseal wipe --json`, signed, with @env (LD_PRELOAD=... and the simulator's variables)
 * before it. Return: the exit code. */
int simdrive_wipe(const char *env, const char *args, char **out, char **err);

/* The "result" of the last JSON line, and the certificate it names (verified here). */
struct json_object *result_of(const char *out, struct json_object **root);

/* The certificate that @root (from result_of) names, parsed; free with json_object_put(). */
struct json_object *certificate_of(struct json_object *root);

#endif
