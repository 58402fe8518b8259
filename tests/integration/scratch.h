/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scratch.h - scratch disks for integration tests: image files in a private directory,
 * attached as loop devices, with real partition tables and file systems, mounted or used as
 * swap where a test needs it.
 *
 * Safety: everything made is recorded in a registry file inside the scratch directory and
 * torn down by scratch_cleanup(), which the suite's parent process runs after the tests,
 * on exit and on SIGINT/SIGTERM, so a failing test (Check runs each in a child) leaves
 * nothing behind. A loop device is detached only if its backing file is in our directory.
 */
#ifndef WS_SCRATCH_H
#define WS_SCRATCH_H

#include <stdbool.h>
#include <stdint.h>

/* Check that this machine can run loop-device tests; if not, print "SKIP: why" and exit 77
 * (CTest's skip code). Then create the scratch directory and install cleanup. */
void scratch_init(const char *tag);

/* The scratch directory (valid after scratch_init()). */
const char *scratch_dir(void);

/* Path of a new image file of @mib MiB in the scratch directory. */
char *scratch_image(const char *name, unsigned mib);

/* Attach @image; @partscan makes partition nodes (with partx where the kernel has no
 * partition parsers), @read_only attaches it read-only. Return: "/dev/loopN". */
char *scratch_attach(const char *image, bool partscan, bool read_only);

/* scratch_attach() with a logical sector size of @sector bytes (losetup -b). */
char *scratch_attach_sector(const char *image, bool partscan, unsigned sector);

/* A loop device over the block device @dev (a loop device of ours): stacking as
 * `losetup -f /dev/sdX` does. Detached by scratch_cleanup() while it still sits on @dev. */
char *scratch_attach_over(const char *dev);

/* Register @loop, attached by the test itself over @image through a path that does not
 * lead back to the scratch directory (a bind mount, another mount namespace): detached by
 * scratch_cleanup() while it still holds @image's inode. */
void scratch_adopt_loop(const char *loop, const char *image);

/* Path of partition @n of loop device @loop ("/dev/loopNpN"). */
char *scratch_part(const char *loop, int n);

/* Mount @dev on a new directory in the scratch directory; return the mount point. */
char *scratch_mount(const char *dev);

/* mkswap + swapon @dev. */
void scratch_swapon(const char *dev);

/* scratch_mount() with mount options ("loop,offset=1048576"). */
char *scratch_mount_opts(const char *dev, const char *opts);

/* Tear down everything made, in reverse order. Safe to call more than once. */
void scratch_cleanup(void);

#endif
