/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/stick.h - the check of a prepared data stick: will the station that boots with
 * it start and sign? Asked by a technician before they walk to the machine
 * (`wipeseal stick check`, docs/release.md).
 *
 * The station reads the stick's wipeseal.conf with ws_config_load() and loads its signer
 * with ws_signer_load(); the check runs the same two, then what the station would only
 * find out later: how long the signer's certificate stays valid, that it chains to the
 * stick's ca.pem, that a signature made with it verifies, that there is room for the
 * certificates of a batch, and that the register settings are complete. Findings come back
 * as data, one line each; nothing is printed and nothing on the stick is written.
 */
#ifndef WIPESEAL_STICK_H
#define WIPESEAL_STICK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The label of the data stick's FAT file system (what iso/init mounts). */
#define WS_STICK_LABEL           "WIPESEAL"
/* What one drive leaves on the stick, at most, for the free-space estimate: the
 * certificate, its signature, its PDF and audit lines, rounded up to FAT clusters. */
#define WS_STICK_BYTES_PER_DRIVE (256u * 1024u)

enum ws_stick_level {
	WS_STICK_PASS, /* checked, and fine */
	WS_STICK_WARN, /* it will start and sign, but look at this soon (expiry, space) */
	WS_STICK_NOTE, /* cannot be checked off the station (a token's key): said, not judged */
	WS_STICK_FAIL, /* the station will not start, or not sign: the verdict's reason */
};

struct ws_stick_finding {
	enum ws_stick_level level;
	char *text; /* one line, no newline */
};

struct ws_stick_report {
	struct ws_stick_finding *v;
	size_t n;
};

struct ws_stick_check_args {
	size_t args_size;    /* sizeof(struct ws_stick_check_args) */
	const char *root;    /* the stick's file system, mounted (ws_stick_mount()) */
	unsigned drives;     /* room wanted, in drives (WS_STICK_BYTES_PER_DRIVE each); 0: 1000 */
	unsigned warn_days;  /* warn when the signer expires within this many days; 0: 30 */
	time_t now;          /* the time to check at; 0: now */
	uint64_t free_bytes; /* the stick's free space; 0: statvfs() of @root (a copy's is
	                      * ws_stick_mount_free_bytes()) */
};

/*
 * ws_stick_check() - check the stick mounted at @a->root.
 * @ret: the findings, in the order checked; free with ws_stick_report_free().
 * Return: 0 (the findings say what is wrong, if anything), -EINVAL for bad arguments,
 * -ENOMEM.
 */
int ws_stick_check(const struct ws_stick_check_args *a, struct ws_stick_report **ret);

/*
 * ws_stick_verdict() - whether the station will start and sign with the stick.
 * @ret_why: the first failure's text (it belongs to @r), or NULL when it will.
 * Return: true when no finding is WS_STICK_FAIL.
 */
bool ws_stick_verdict(const struct ws_stick_report *r, const char **ret_why);

/* ws_stick_report_free() - NULL-safe. Return: NULL. */
struct ws_stick_report *ws_stick_report_free(struct ws_stick_report *r);

struct ws_stick_mount;

/*
 * ws_stick_mount() - mount a stick read-only where the check can read it.
 * @path: a directory (taken as it is: the stick is already mounted there), a block device
 * or an image file (attached to a read-only loop device that goes away on unmount); on a
 * device or image the file system labelled WIPESEAL is used, on the whole of it or in a
 * partition (the --usb-image layout). Mounted nosuid, nodev, noexec, files mode 600 as
 * iso/init mounts it, in a private directory under /tmp. A kernel without a FAT driver
 * cannot mount it: then wipeseal.conf and station/ are copied with mtools into a private
 * directory on /dev/shm (memory), and the free space is mtools'.
 * @ret_reason: on failure, one line saying what is wrong and what to do (malloc'd).
 * Return: 0; -ENOENT, @path does not exist; -ENODEV, no file system labelled WIPESEAL on
 * it; -ENOTUNIQ, more than one; -EINVAL, neither a directory, a block device nor a regular
 * file; another negative errno when the loop device or the mount fails.
 */
int ws_stick_mount(const char *path, struct ws_stick_mount **ret, char **ret_reason);

/* ws_stick_mount_root() - the directory to check. */
const char *ws_stick_mount_root(const struct ws_stick_mount *m);

/* ws_stick_mount_source() - what was mounted ("/dev/loop3"), "mtools" for a copy, or NULL
 * for a directory taken as it is. */
const char *ws_stick_mount_source(const struct ws_stick_mount *m);

/* ws_stick_mount_free_bytes() - a copy's free space on the stick, as mtools reports it;
 * 0 when the stick is mounted (statvfs() tells). */
uint64_t ws_stick_mount_free_bytes(const struct ws_stick_mount *m);

/* ws_stick_unmount() - unmount, remove the directory, detach the loop device. NULL-safe.
 * Return: NULL. */
struct ws_stick_mount *ws_stick_unmount(struct ws_stick_mount *m);

#endif
