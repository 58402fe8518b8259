/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gate.c - the safety gate.
 *
 * Three parts. ws_gate_evaluate() applies the rules to a snapshot; `list` shows its verdict
 * as eligible/ineligible_reasons. ws_gate_open() is the only way to get a descriptor to
 * write with: it claims the device exclusively first (O_EXCL: nothing can mount it, or build
 * device-mapper, MD or a partition table's devices on it, while we hold it), then takes a
 * fresh snapshot of the device it holds (found by fstat() of the descriptor, so a path
 * swapped in between cannot redirect it) and applies the same rules, plus the one a
 * snapshot cannot know: that the operator named the target. An image file is held by an
 * exclusive flock and a whole-file OFD write lock (which QEMU's own locking respects).
 *
 * Protected media (ws_gate_protect(): the station's data stick, the boot image) are found in
 * the contents probe of every snapshot and refused by ws_gate_evaluate() like everything
 * else, so every front end and every path to a descriptor gets the rule.
 *
 * What O_EXCL cannot stop: the loop driver claims nothing, so a loop device can still be
 * attached over a held disk (or over the same image file) and mounted. ws_gate_recheck()
 * therefore asks again, on fresh facts, immediately before the first byte is written and
 * before every further pass: the moment of truth is the write, not the prompt.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "internal.h"

struct ws_target {
	int fd;
	struct ws_device *dev;
};

int ws_gate_usage_reasons(const struct ws_device *dev, struct ws_strv *out)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < dev->n_mounts; i++)
		r = ws_strv_addf(out, "mounted: %s on %s", dev->mounts[i].mountpoint,
		                 dev->mounts[i].source);
	if (r >= 0 && dev->holds_root)
		r = ws_strv_add(out, "holds the root file system");
	if (r >= 0 && dev->holds_boot)
		r = ws_strv_add(out, "holds the boot file system");
	for (size_t i = 0; r >= 0 && i < dev->swaps.n; i++)
		r = ws_strv_addf(out, "active swap: %s", dev->swaps.v[i]);
	for (size_t i = 0; r >= 0 && i < dev->n_holders; i++) {
		const struct ws_holder *h = &dev->holders[i];

		r = ws_strv_addf(out, "held by %s: %s%s%s%s on %s", h->kind, h->name,
		                 h->label ? " (" : "", h->label ? h->label : "",
		                 h->label ? ")" : "", h->via);
	}
	for (size_t i = 0; r >= 0 && i < dev->backs_loops.n; i++)
		r = ws_strv_addf(out, "backs attached loop device %s", dev->backs_loops.v[i]);
	for (size_t i = 0; r >= 0 && i < dev->used_through.n; i++)
		r = ws_strv_add(out, dev->used_through.v[i]);
	return r;
}

/* ---- protected media --------------------------------------------------------------------- */

int ws_gate_protect(struct ws_ctx *ctx, const char *label, const char *build_id)
{
	char *l = NULL, *b = NULL;

	if ((label && !*label) || (build_id && !*build_id))
		return -EINVAL;
	if ((label && !(l = strdup(label))) || (build_id && !(b = strdup(build_id)))) {
		free(l);
		return -ENOMEM;
	}
	free(ctx->protect_label);
	free(ctx->protect_build_id);
	ctx->protect_label = l;
	ctx->protect_build_id = b;
	return 0;
}

/* Why a protected medium is never a target (contents.c found it). First among the reasons:
 * for the station's own sticks it is the one that matters, mounted or not. */
static int protected_reasons(const struct ws_ctx *ctx, const struct ws_device *dev,
                             struct ws_strv *why)
{
	int r = 0;

	/* the first words are what a narrow STATE column shows */
	if (dev->protected_by & WS_PROTECTED_BUILD_ID)
		r = ws_strv_addf(
		    why, "boot image (holds this station's image, build id %s): never a target",
		    ctx->protect_build_id);
	if (r >= 0 && (dev->protected_by & WS_PROTECTED_LABEL) && dev->protected_partition)
		r = ws_strv_addf(
		    why, "data stick (a file system labelled %s, partition %u): never a target",
		    ctx->protect_label, dev->protected_partition);
	else if (r >= 0 && (dev->protected_by & WS_PROTECTED_LABEL))
		r = ws_strv_addf(why, "data stick (a file system labelled %s): never a target",
		                 ctx->protect_label);
	if (r >= 0 && (dev->protected_by & WS_PROTECTED_UNREADABLE))
		r = ws_strv_add(why, "contents unreadable: it cannot be told apart from a data "
		                     "stick or the boot image, so never a target");
	return r;
}

int ws_gate_evaluate(const struct ws_ctx *ctx, struct ws_device *dev, bool is_partition,
                     const char *partition_of)
{
	struct ws_strv *why = &dev->ineligible_reasons;
	int r = protected_reasons(ctx, dev, why);

	if (r >= 0 && is_partition)
		r = ws_strv_addf(why, "is a partition of %s: name the whole disk", partition_of);
	if (r >= 0 && dev->is_virtual && strcmp(dev->transport, "loop") != 0)
		r = ws_strv_addf(why, "virtual device (%s): wipe the drive beneath it",
		                 dev->transport);
	if (r >= 0 && dev->read_only)
		r = ws_strv_add(why, "read-only");
	if (r >= 0 && dev->size_bytes == 0)
		r = ws_strv_add(why, "no medium (size 0)");
	if (r >= 0 && dev->transport && strcmp(dev->transport, "optical") == 0)
		r = ws_strv_add(why, "optical drive: cannot be overwritten");
	if (r >= 0)
		r = ws_gate_usage_reasons(dev, why);
	/* last: the one reason a TCG revert may pass (WS_GATE_OPAL_REVERT) */
	if (r >= 0 && dev->opal.locked)
		r = ws_strv_add(why, WS_GATE_OPAL_LOCKED_REASON);
	dev->eligible = r >= 0 && why->n == 0;
	return r < 0 ? r : 0;
}

/* ---- ws_gate_open ----------------------------------------------------------------------- */

static char *join_reasons(const struct ws_strv *sv)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + 2;
	out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			strcat(out, "; ");
		strcat(out, sv->v[i]);
	}
	return out;
}

/* Open @path the way the gate holds targets: O_EXCL for block devices (the kernel refuses it
 * while anything is mounted on or stacked over the device, and refuses mounts while we hold
 * it), an exclusive flock for image files. */
static int open_exclusive(const char *path, const struct stat *st, unsigned flags, int *ret_fd)
{
	int mode = (flags & WS_GATE_WRITE) ? O_RDWR : O_RDONLY;
	int fd;

	if (S_ISBLK(st->st_mode)) {
		fd = open(path, mode | O_EXCL | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else {
		fd = open(path, mode | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;

			(void)close(fd);
			return e == EWOULDBLOCK ? -EBUSY : -e;
		}
	}
	*ret_fd = fd;
	return 0;
}

/* An image file the gate passed is held against byte-range locks too: QEMU and other
 * programs that lock disk images with OFD or POSIX locks cannot take it while we write. */
static int hold_file(int fd, unsigned flags)
{
	struct flock fl = { .l_type = (flags & WS_GATE_WRITE) ? F_WRLCK : F_RDLCK,
		            .l_whence = SEEK_SET };

	return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* Facts about @path when it could not even be opened: refusal with the gate's reasons. */
static int refuse_unopenable(struct ws_ctx *ctx, const char *path, int err, char **ret_reason)
{
	struct ws_device *dev = NULL;
	_cleanup_free_ char *why = NULL;
	int r;

	if (err != -EBUSY && err != -EROFS && err != -EACCES && err != -EPERM)
		return ws_reason(ret_reason, err, "cannot open: %s", strerror(-err));
	r = ws_device_describe(ctx, path, &dev);
	if (r >= 0 && dev->ineligible_reasons.n > 0)
		why = join_reasons(&dev->ineligible_reasons);
	ws_device_free(dev);
	if (why)
		return ws_reason(ret_reason, -EPERM, "%s", why);
	if (err == -EBUSY)
		return ws_reason(ret_reason, -EPERM, "%s",
		                 "busy: another program or the kernel holds it open exclusively");
	return ws_reason(ret_reason, -EPERM, "read-only or not writable: %s", strerror(-err));
}

/* A TCG revert is the remedy for a locked range, not refused by it: its reason (always the
 * last one ws_gate_evaluate() adds) is dropped, and the others decide. */
static void pass_opal_lock(struct ws_device *d)
{
	struct ws_strv *why = &d->ineligible_reasons;

	if (why->n == 0 || strcmp(why->v[why->n - 1], WS_GATE_OPAL_LOCKED_REASON) != 0)
		return;
	free(why->v[--why->n]);
	d->eligible = why->n == 0;
}

int ws_gate_open(struct ws_ctx *ctx, const char *path, unsigned flags, struct ws_target **ret,
                 char **ret_reason)
{
	struct ws_target *t;
	struct stat st;
	int fd = -1, r;

	if (!path || !*path)
		return ws_reason(ret_reason, -EINVAL, "%s", "no target named");
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ws_reason(ret_reason, -ENOENT, "%s",
			                 "no such device or file (see 'wipeseal list --all')");
		return ws_reason(ret_reason, -errno, "cannot examine: %s", strerror(errno));
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ws_reason(ret_reason, -ENOTBLK, "%s",
		                 "not a block device or a disk image file");
	r = open_exclusive(path, &st, flags, &fd);
	if (r < 0)
		return refuse_unopenable(ctx, path, r, ret_reason);
	t = calloc(1, sizeof(*t));
	if (!t) {
		(void)close(fd);
		return ws_reason(ret_reason, -ENOMEM, "%s", "out of memory");
	}
	t->fd = fd;
	/* The facts are those of what we hold, not of whatever the path names by now. */
	r = ws_device_describe_held(ctx, path, fd, &t->dev);
	if (r < 0) {
		ws_target_free(t);
		return ws_reason(ret_reason, r, "cannot describe: %s", strerror(-r));
	}
	if ((flags & WS_GATE_OPAL_REVERT) && t->dev->opal.locked)
		pass_opal_lock(t->dev);
	if (!(flags & WS_GATE_NAMED)) {
		(void)ws_strv_add(&t->dev->ineligible_reasons, "not named explicitly");
		t->dev->eligible = false; /* refused even if the reason could not be recorded */
	}
	if (!t->dev->eligible) {
		char *why = join_reasons(&t->dev->ineligible_reasons);

		ws_target_free(t);
		r = ws_reason(ret_reason, -EPERM, "%s", why ? why : "refused");
		free(why);
		return r;
	}
	if (t->dev->kind == WS_DEVICE_FILE && (r = hold_file(t->fd, flags)) < 0) {
		ws_target_free(t);
		return ws_reason(ret_reason, -EPERM, "%s",
		                 "locked by another program (a byte-range lock taken just now)");
	}
	*ret = t;
	return 0;
}

/* The medium in the held device is still the one the gate looked at: a card reader or a
 * dock can change it under an open descriptor, and the kernel gives the new one a new disk
 * sequence number. */
static int same_medium_held(const struct ws_target *t, char **ret_reason)
{
	uint64_t seq = 0;

	if (!t->dev->diskseq || ioctl(t->fd, BLKGETDISKSEQ, &seq) < 0 || seq == t->dev->diskseq)
		return 0;
	return ws_reason(ret_reason, -EPERM,
	                 "refused at the last moment: the medium in %s changed after it was "
	                 "selected (disk sequence number %llu, now %llu)",
	                 t->dev->path, (unsigned long long)t->dev->diskseq,
	                 (unsigned long long)seq);
}

int ws_target_expect(const struct ws_target *t, const struct ws_device *shown, char **ret_reason)
{
	char why[256];

	if (ws_device_same_medium(shown, t->dev, why, sizeof(why)))
		return 0;
	return ws_reason(ret_reason, -EPERM, "the medium in %s changed after it was selected (%s)",
	                 t->dev->path, why);
}

int ws_gate_recheck(struct ws_ctx *ctx, const struct ws_target *t, char **ret_reason)
{
	struct ws_device *now = calloc(1, sizeof(*now));
	struct ws_strv why = { 0 };
	_cleanup_free_ char *disk = NULL, *text = NULL;
	bool is_part = false;
	struct stat st;
	int r = 0;

	if (!now)
		return ws_reason(ret_reason, -ENOMEM, "%s", "out of memory");
	now->kind = t->dev->kind;
	now->path = strdup(t->dev->path);
	if (fstat(t->fd, &st) < 0)
		r = -errno;
	else if (S_ISBLK(st.st_mode) && (r = same_medium_held(t, ret_reason)) < 0) {
		ws_device_free(now);
		return r;
	} else if (S_ISBLK(st.st_mode))
		r = ws_sysfs_disk_of(ctx, major(st.st_rdev), minor(st.st_rdev), &disk, &now->name,
		                     &is_part);
	if (r >= 0 && !now->path)
		r = -ENOMEM;
	if (r >= 0)
		r = ws_usage_fill(ctx, now, t->fd);
	if (r >= 0)
		r = ws_gate_usage_reasons(now, &why);
	if (r >= 0 && why.n)
		text = join_reasons(&why);
	ws_strv_clear(&why);
	ws_device_free(now);
	if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
		return ws_reason(ret_reason, -EPERM, "%s",
		                 "refused at the last moment: the device "
		                 "disappeared");
	if (r < 0)
		return ws_reason(ret_reason, -EPERM,
		                 "refused at the last moment: it could not be examined again (%s)",
		                 strerror(-r));
	if (text)
		return ws_reason(ret_reason, -EPERM, "refused at the last moment: %s", text);
	return 0;
}

/* Two namespaces in one NVM subsystem, which a Sanitize acts on as a whole (NVMe base spec
 * 8.21): by the subsystem's NQN; a drive too old to report one (before NVMe 1.2.1) by its
 * serial and model, which name the subsystem, not one of its controllers. */
static bool same_subsystem(const struct ws_device *a, const struct ws_device *b)
{
	if (!a->nvme.present || !b->nvme.present)
		return false;
	if (a->nvme.subnqn[0] && b->nvme.subnqn[0])
		return strcmp(a->nvme.subnqn, b->nvme.subnqn) == 0;
	return a->serial && b->serial && strcmp(a->serial, b->serial) == 0 && a->model &&
	       b->model && strcmp(a->model, b->model) == 0;
}

static bool reaches_all(const struct ws_device *d, enum ws_technique t)
{
	if (ws_technique_has(t, WS_TECH_F_SUBSYSTEM))
		return true; /* Sanitize acts on the whole NVM subsystem */
	if (ws_technique_has(t, WS_TECH_F_ALL_NAMESPACES_BY_FNA))
		return d->nvme.fna & 0x3; /* FNA bits 0 and 1 */
	return false;
}

int ws_gate_controller(struct ws_ctx *ctx, struct ws_target *const *targets, size_t n, size_t i,
                       enum ws_technique technique, char **ret_reason)
{
	const struct ws_device *d = ws_target_device(targets[i]);
	struct ws_device_list *all = NULL;
	size_t found = 1; /* the target itself */
	int r = 0;

	if (!d->nvme.present || !reaches_all(d, technique))
		return 0;
	if (ws_device_list_new(&all) < 0 || ws_device_list_scan(ctx, all, WS_SCAN_ALL) < 0) {
		ws_device_list_free(all);
		return ws_reason(ret_reason, -EPERM, "%s",
		                 "cannot list the controller's namespaces");
	}
	for (size_t k = 0; r == 0 && k < ws_device_list_count(all); k++) {
		const struct ws_device *o = ws_device_list_get(all, k);
		bool named = false;

		if (o->devnum == d->devnum || !same_subsystem(o, d))
			continue;
		found++;
		for (size_t j = 0; j < n && !named; j++)
			named = ws_target_device(targets[j])->devnum == o->devnum;
		if (!named)
			r = ws_reason(
			    ret_reason, -EPERM,
			    "%s erases every namespace of the controller, and %s (namespace "
			    "%u) was not named: name every namespace, or use an overwrite method",
			    ws_technique_name(technique), o->path, o->nvme.nsid);
	}
	if (r == 0 && found < d->nvme.n_namespaces)
		r = ws_reason(
		    ret_reason, -EPERM,
		    "%s erases every namespace of the controller, and %zu of its %zu namespaces "
		    "have no block device here to check",
		    ws_technique_name(technique), d->nvme.n_namespaces - found,
		    d->nvme.n_namespaces);
	ws_device_list_free(all);
	return r;
}

int ws_target_fd(const struct ws_target *t)
{
	return t->fd;
}

const struct ws_device *ws_target_device(const struct ws_target *t)
{
	return t->dev;
}

struct ws_target *ws_target_free(struct ws_target *t)
{
	if (!t)
		return NULL;
	if (t->fd >= 0)
		(void)close(t->fd);
	ws_device_free(t->dev);
	free(t);
	return NULL;
}
