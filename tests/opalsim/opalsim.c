/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opalsim.c - a simulated self-encrypting drive at the kernel's sed-opal interface, as an
 * LD_PRELOAD library over one loop device.
 *
 * It answers IOC_OPAL_DISCOVERY (the raw Level 0 Discovery response, opalsim-level0.c),
 * IOC_OPAL_GET_STATUS, IOC_OPAL_PSID_REVERT_TPR and IOC_OPAL_REVERT_TPR the way the kernel
 * does for a drive of the chosen kind, and changes the backing image as the drive would:
 *
 *   WS_OPALSIM_PATH=/dev/loop3   the drive
 *   WS_OPALSIM_PROFILE=opal2 | pyrite | none | liar
 *     opal2   Opal 2.01 with media encryption, locking enabled by a previous owner and a
 *             range locked: reads and writes of it fail with EIO. A revert with the right
 *             PSID (or SID) re-keys: the whole image becomes fresh random noise, locking off.
 *     pyrite  Pyrite 2.00: no encryption, locking enabled but nothing locked; Data Removal
 *             Mechanism "overwrite": a revert leaves zeros.
 *     none    no TCG subsystem: every sed-opal ioctl fails with EOPNOTSUPP, as the kernel's
 *             does for a disk whose Level 0 Discovery found no Opal.
 *     liar    as opal2, but a revert reports success, unlocks and changes nothing.
 *   WS_OPALSIM_PSID=...          the PSID it accepts (also as the SID password unless
 *   WS_OPALSIM_SID=...           names another); a wrong one gets NOT_AUTHORIZED (01h) as a
 *                                positive ioctl return, as sed-opal hands back the drive's
 *                                method status, and changes nothing
 *   WS_OPALSIM_LOCKED=OFF:LEN    the locked range in bytes (default: the second half)
 *   WS_OPALSIM_STATE=FILE        "locked=N enabled=N reverts=N failures=N", kept across
 *                                processes
 *
 * The product cannot tell it from the kernel: it issues the same ioctls. What it does not
 * answer goes on to the next definition of the call (tests/preload/preload.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sed-opal.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "opalsim.h"
#include "preload.h"

/* The kernel's uapi (include/uapi/linux/sed-opal.h, Linux 6.4): not in Debian 12's headers. */
#ifndef IOC_OPAL_DISCOVERY
struct opal_discovery {
	__u64 data;
	__u64 size;
};
#define IOC_OPAL_DISCOVERY _IOW('p', 239, struct opal_discovery)
#endif

#define TCG_NOT_AUTHORIZED 0x01 /* TCG Core 2.01 5.1.5 */

static struct {
	const char *path;
	enum opalsim_kind kind;
	const char *psid, *sid;
	const char *state_file;
	uint64_t locked_off, locked_len;
	bool enabled, locked;
	unsigned reverts, failures;
	pthread_mutex_t lock;
} sim = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void save_state(void)
{
	FILE *f;

	if (!sim.state_file || !(f = fopen(sim.state_file, "we")))
		return;
	fprintf(f, "locked=%d enabled=%d reverts=%u failures=%u\n", sim.locked, sim.enabled,
	        sim.reverts, sim.failures);
	fclose(f);
}

static void load_state(void)
{
	FILE *f;
	int l, e;
	unsigned r, x;

	if (!sim.state_file || !(f = fopen(sim.state_file, "re")))
		return;
	if (fscanf(f, "locked=%d enabled=%d reverts=%u failures=%u", &l, &e, &r, &x) == 4) {
		sim.locked = l;
		sim.enabled = e;
		sim.reverts = r;
		sim.failures = x;
	}
	fclose(f);
}

__attribute__((constructor)) static void init(void)
{
	const char *p = getenv("WS_OPALSIM_PROFILE"), *range = getenv("WS_OPALSIM_LOCKED");
	unsigned long long off, len;

	sim.path = getenv("WS_OPALSIM_PATH");
	sim.psid = getenv("WS_OPALSIM_PSID");
	sim.sid = getenv("WS_OPALSIM_SID");
	if (!sim.sid)
		sim.sid = sim.psid;
	sim.state_file = getenv("WS_OPALSIM_STATE");
	sim.kind = !p || strcmp(p, "opal2") == 0 ? OPALSIM_OPAL2
	           : strcmp(p, "pyrite") == 0    ? OPALSIM_PYRITE
	           : strcmp(p, "liar") == 0      ? OPALSIM_LIAR
	                                         : OPALSIM_NONE;
	sim.enabled = sim.kind != OPALSIM_NONE;
	sim.locked = sim.kind == OPALSIM_OPAL2 || sim.kind == OPALSIM_LIAR;
	if (sim.path) {
		uint64_t size = preload_medium_size(sim.path);

		sim.locked_off = size / 2;
		sim.locked_len = size - size / 2;
	}
	if (range && sscanf(range, "%llu:%llu", &off, &len) == 2) {
		sim.locked_off = off;
		sim.locked_len = len;
	}
	load_state();
}

static bool ours(int fd)
{
	return sim.path && preload_fd_is(fd, sim.path);
}

/* ---- the revert ------------------------------------------------------------------------------ */

/* The drive's own writes of its whole medium: noise (a new media key) or zeros. */
static void rewrite_medium(bool noise)
{
	static uint8_t buf[1 << 20];
	uint64_t size = preload_medium_size(sim.path);
	int fd = open(sim.path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	for (uint64_t off = 0; off < size;) {
		size_t n = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);

		if (!noise)
			memset(buf, 0, n);
		else if (getrandom(buf, n, 0) != (ssize_t)n)
			memset(buf, 0xa5, n); /* never in practice */
		if (preload_medium_pwrite(fd, buf, n, off) != (ssize_t)n)
			break;
		off += n;
	}
	fsync(fd);
	close(fd);
}

static int revert(const struct opal_key *key, const char *want)
{
	bool match =
	    want && key->key_len == strlen(want) && memcmp(key->key, want, key->key_len) == 0;

	pthread_mutex_lock(&sim.lock);
	if (!match) {
		sim.failures++;
		save_state();
		pthread_mutex_unlock(&sim.lock);
		return TCG_NOT_AUTHORIZED; /* the method status, returned as is by sed-opal */
	}
	if (sim.kind == OPALSIM_OPAL2)
		rewrite_medium(true);
	else if (sim.kind == OPALSIM_PYRITE)
		rewrite_medium(false);
	sim.locked = sim.enabled = false;
	sim.reverts++;
	save_state();
	pthread_mutex_unlock(&sim.lock);
	return 0;
}

/* ---- the interposed calls ---------------------------------------------------------------------- */

static int discovery(struct opal_discovery *d)
{
	uint8_t buf[2048];
	size_t n = opalsim_level0(sim.kind, sim.enabled, sim.locked, buf, sizeof(buf));

	if (d->data && d->size)
		memcpy((void *)(uintptr_t)d->data, buf, d->size < n ? d->size : n);
	d->size = n;
	return (int)n; /* sed-opal returns the length of the whole response */
}

static int status(struct opal_status *st)
{
	memset(st, 0, sizeof(*st));
	st->flags = OPAL_FL_SUPPORTED | OPAL_FL_LOCKING_SUPPORTED;
	if (sim.enabled)
		st->flags |= OPAL_FL_LOCKING_ENABLED | OPAL_FL_MBR_ENABLED;
	if (sim.locked)
		st->flags |= OPAL_FL_LOCKED;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!ours(fd) || _IOC_TYPE(req) != 'p')
		return preload_next()->ioctl(fd, req, arg);
	if (sim.kind == OPALSIM_NONE) {
		errno =
		    EOPNOTSUPP; /* sed_ioctl(): no Opal found in the drive's Level 0 Discovery */
		return -1;
	}
	switch (req) {
	case IOC_OPAL_DISCOVERY:
		return discovery(arg);
	case IOC_OPAL_GET_STATUS:
		return status(arg);
	case IOC_OPAL_PSID_REVERT_TPR:
		return revert(arg, sim.psid);
	case IOC_OPAL_REVERT_TPR:
		return revert(arg, sim.sid);
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* A read or write that touches the locked range fails, as a locked drive's do. */
static bool refused(int fd, size_t n, off_t off)
{
	return sim.locked && ours(fd) && (uint64_t)off < sim.locked_off + sim.locked_len &&
	       (uint64_t)off + n > sim.locked_off;
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	if (refused(fd, n, off)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pread64(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (refused(fd, n, off)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pwrite64(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	if (refused(fd, n, off)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pread(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (refused(fd, n, off)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pwrite(fd, buf, n, off);
}
