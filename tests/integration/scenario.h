/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario.h - the scratch machine the CLI integration tests look at: one loop device per
 * situation the safety gate must tell apart, each with real partition tables and file
 * systems made by sfdisk, mkfs.ext4 and mkfs.vfat.
 */
#ifndef WS_SCENARIO_H
#define WS_SCENARIO_H

#include <json-c/json.h>

struct scenario {
	char *idle; /* GPT: p1 ext4 "wsdata" holding files, p2 vfat "WSBOOT"; idle */
	char *idle_img;
	char *whole_mounted; /* ext4 on the whole device, mounted */
	char *whole_mp;
	char *part_mounted; /* dos table, p1 ext4 mounted */
	char *part_mp;
	char *read_only;     /* ext4, attached read-only */
	char *swap;          /* active swap */
	char *image;         /* ext4 image file, not attached */
	char *backing_image; /* image file attached as backing_loop */
	char *backing_loop;
};

/* Build the scenario (in the suite's parent process, before the tests run). */
void scenario_build(struct scenario *s);

/* Run the CLI with @args; stdout into *out, stderr into *err (both malloc'd, may be NULL).
 * Return: the exit status. */
int run_cli(char **out, char **err, const char *args_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* run_cli() with the fault injector preloaded for @dev and the rules in @env
 * ("WS_FAULT_WRITE=... WS_FAULT_READ=..."). */
int run_cli_env(char **out, char **err, const char *dev, const char *env, const char *args_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* run_cli() with @prefix (environment assignments) before the command. */
int run_cli_prefix(char **out, char **err, const char *prefix, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The device object with "path" @path in `list --json` output @root, or NULL. */
struct json_object *json_device(struct json_object *root, const char *path);

/* Whether the JSON array @arr holds the string @s. */
int json_array_has(struct json_object *arr, const char *s);

/* The last line of @out parsed as JSON (asserted); free with json_object_put(). */
struct json_object *json_last_line(const char *out);

/* A value by key or dotted path ("firmware.ran"), as a string; NULL when absent. */
const char *jstr(struct json_object *o, const char *path);

/* sha256sum of the file or device, as printed (malloc'd): to prove nothing changed. */
char *sha(const char *path);

#endif
