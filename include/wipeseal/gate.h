/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/gate.h - the safety gate: the one place that decides whether a target may be
 * written.
 *
 * Every command that writes opens its target through ws_gate_open() and writes only through
 * the descriptor it returns. The gate opens the device exclusively first (O_EXCL: nothing can
 * mount it or build device-mapper or MD on it while we hold it; the loop driver is not
 * stopped by it, hence ws_gate_recheck()), then takes fresh facts and refuses a target that
 * is mounted or has a mounted partition, is active swap, is held by device-mapper, MD or
 * LVM, holds the running system, is read-only, is a partition or a virtual device, has a
 * loop device attached over it or over its partitions (or, for an image file, over its
 * inode), is a loop device whose disk or backing file is in use, is an image file another
 * program has locked, or was not named explicitly by the operator; and, once a front end
 * names them with ws_gate_protect(), a protected medium: the station's data stick or the
 * boot image it runs from, mounted or not.
 */
#ifndef WIPESEAL_GATE_H
#define WIPESEAL_GATE_H

#include <wipeseal/device.h>
#include <wipeseal/wipe.h>

struct ws_ctx;
struct ws_target;

/* Flags of ws_gate_open(). */
enum ws_gate_flags {
	/* The operator named this target (on the command line or by selecting it). Without
	 * it the gate refuses: nothing is ever written because it merely exists. */
	WS_GATE_NAMED = 1u << 0,
	/* Open for writing. Without it the target is opened read-only (still exclusively):
	 * `wipeseal check` and --dry-run use that. */
	WS_GATE_WRITE = 1u << 1,
	/* For a TCG revert (opal-psid-revert, opal-revert): a locked range, which refuses every
	 * other erase, is what the revert undoes; the drive's other reasons still refuse. */
	WS_GATE_OPAL_REVERT = 1u << 2,
};

/* The reason a drive with a locked range (TCG Opal Level 0 Discovery: Locked) is ineligible,
 * with its remedy: the last of its ineligible_reasons. */
#define WS_GATE_OPAL_LOCKED_REASON                                                               \
	"self-encrypting drive with a locked range (reads and writes fail): run `wipeseal wipe " \
	"--method opal-psid-revert` with the PSID from the drive's label, or --method "          \
	"opal-revert with the SID password"

/*
 * ws_gate_protect() - media that are never a target, whatever else is true of them: the
 * station's data stick (its certificates, audit log and signing key) and the medium the
 * station booted from, also when they are not mounted (a spare stick, one pulled and
 * plugged back in).
 * @label: a file-system label, "WIPESEAL" for the station's data stick, or NULL for none. A
 *         device carries it when a file system on the whole device or in any partition has
 *         this label, compared without regard to case (FAT stores labels in upper case).
 * @build_id: the build ID of the boot image, or NULL for none. A device holds the image
 *            when an ISO 9660 file system on it or in any partition has this volume set ID
 *            (iso/build.sh writes the build ID there and into /.disk/wipeseal-id).
 *
 * Every snapshot taken through @ctx from then on (ws_device_describe(), scans,
 * ws_gate_open()) looks for them in every signature libblkid finds, and ws_gate_evaluate()
 * puts a device that carries one among the ineligible, with the reason first: "data stick
 * (a file system labelled WIPESEAL, partition 3): never a target", "boot image (holds
 * this station's image, build id ...): never a target". struct ws_device.protected_by
 * says which. A device whose contents cannot be read at all cannot be told apart, and is
 * refused as well. Replaces what an earlier call set.
 *
 * Return: 0; -EINVAL for an empty string; -ENOMEM.
 */
int ws_gate_protect(struct ws_ctx *ctx, const char *label, const char *build_id);

/*
 * ws_gate_open() - apply the safety gate to @path and, if it passes, hold it open.
 * @path: the target as the operator named it.
 * @flags: enum ws_gate_flags.
 * @ret: receives the open target on success; free it with ws_target_free().
 * @ret_reason: receives a one-line, malloc'd reason when the call fails (refusal or error);
 *              free() it. Untouched on success.
 *
 * Return: 0 when the target may be written; -EPERM when the gate refuses it (exit code 3);
 * -ENOENT, -ENOTBLK, -ENODEV for a target that is missing or not a disk (exit code 2);
 * another negative errno when it could not be examined.
 */
int ws_gate_open(struct ws_ctx *ctx, const char *path, unsigned flags, struct ws_target **ret,
                 char **ret_reason);

/*
 * ws_gate_recheck() - the gate again, on fresh facts, for a target already held: what was
 * true when it was opened may not be now. O_EXCL keeps mounts, device-mapper and MD off a
 * held disk, but not the loop driver: a loop device attached over the disk (or over the
 * same image file) and mounted while the operator read the prompt is found here. Asks for
 * the usage facts only (mounts, swap, holders, loop devices both ways, locks on a file);
 * nothing is sent to the drive. ws_wipe_run() calls it immediately before the first byte
 * is written (or a firmware erase is sent) and before every further pass.
 * Return: 0 when the target may still be written; -EPERM with @ret_reason ("refused at the
 * last moment: ..."), also when it can no longer be examined.
 */
int ws_gate_recheck(struct ws_ctx *ctx, const struct ws_target *t, char **ret_reason);

/*
 * ws_target_expect() - the target the gate holds is the medium the operator selected: the
 * drive shown in a list (@shown, a snapshot taken when it was shown) and the drive opened
 * may differ when another medium took its device node in between (a card reader, a USB
 * dock, a loop device attached anew). Compares device number, disk sequence number,
 * serial, WWN and size (ws_device_same_medium()). ws_gate_recheck() compares the disk
 * sequence number of the held descriptor again before the first write.
 * Return: 0; -EPERM with @ret_reason ("the medium in /dev/sdX changed after it was
 * selected (...)").
 */
int ws_target_expect(const struct ws_target *t, const struct ws_device *shown, char **ret_reason);

/*
 * ws_gate_controller() - the gate for a firmware technique that reaches beyond one
 * namespace: NVMe Sanitize (always the whole controller) and Format NVM on a controller whose
 * FNA says it formats or secure-erases every namespace. Every namespace of the controller
 * must be one of @targets (named, and so through the gate); a namespace with no block device
 * here cannot be checked and is a refusal too.
 * @i: the target to check, among @n.
 * Return: 0, or -EPERM with @ret_reason (one line).
 */
int ws_gate_controller(struct ws_ctx *ctx, struct ws_target *const *targets, size_t n, size_t i,
                       enum ws_technique technique, char **ret_reason);

/* ws_target_fd() - the descriptor the gate opened (O_EXCL for block devices). */
int ws_target_fd(const struct ws_target *t);

/* ws_target_device() - the facts taken while the target was held. */
const struct ws_device *ws_target_device(const struct ws_target *t);

/* ws_target_free() - close and release; NULL is fine. Return: NULL. */
struct ws_target *ws_target_free(struct ws_target *t);

#endif
