/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmc-areas.c - the areas of an eMMC beside its user area: the two boot partitions, which
 * hold data (a boot loader, often a device's configuration) and are block devices of their
 * own (mmcblkNboot0, boot1), and the RPMB, which no host command erases.
 *
 * The kernel keeps boot partitions read-only (sysfs force_ro 1) so that nothing overwrites a
 * boot loader by mistake. For the erase force_ro is switched off, and on again afterwards,
 * whatever the erase did: on the way out of every path, with SIGINT, SIGTERM and SIGHUP held
 * back in this thread meanwhile (the CLI turns them into a stop request, which is seen after
 * the area is done). Before force_ro is switched off a warning goes to the log naming the
 * attribute, so that a crash between the two (SIGKILL, a fault) leaves a record of what to set
 * back; a power cycle sets it back by itself (the kernel makes boot partitions read-only).
 *
 * Each area is erased with the technique of the user area, then read back whole (boot
 * partitions are a few MiB) against what the EXT_CSD says erased memory reads as, and recorded
 * as an area of the result (docs/certificate.md, "Areas").
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "mmc-internal.h"

#define READ_CHUNK (1u << 20)

/* Write @value ("0" or "1") to @path, then read it back. Return: 0, or a negative errno. */
static int set_force_ro(const char *path, const char *value)
{
	_cleanup_free_ char *back = NULL;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, 1);
	close(fd);
	if (n != 1)
		return n < 0 ? -errno : -EIO;
	if (read_line_file(path, &back) < 0 || strcmp(back, value) != 0)
		return -EIO;
	return 0;
}

/* Read @size bytes of @fd against @byte. Return: bytes that differ, or a negative errno. */
static int64_t read_back(int fd, uint64_t size, uint8_t byte)
{
	uint8_t *buf = malloc(READ_CHUNK);
	int64_t bad = 0;

	if (!buf)
		return -ENOMEM;
	ws_io_drop_cache(fd);
	for (uint64_t off = 0; off < size && bad >= 0;) {
		size_t want = size - off < READ_CHUNK ? (size_t)(size - off) : READ_CHUNK;
		ssize_t n = pread(fd, buf, want, (off_t)off);

		if (n <= 0) {
			bad = n < 0 ? -errno : -EIO;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			bad += buf[i] != byte;
		off += (uint64_t)n;
	}
	free(buf);
	return bad;
}

/* The erase of one boot partition, force_ro already off. */
static void erase_one(struct purge *p, const struct ws_mmc_boot_area *b, int kind,
                      struct ws_area_result *a)
{
	const struct ws_mmc_info *m = &p->dev->mmc;
	unsigned timeout = p->opts->firmware_timeout_s ? p->opts->firmware_timeout_s : 3600u;
	_cleanup_close_ int fd = open(b->node, O_RDWR | O_EXCL | O_CLOEXEC);
	uint32_t status = 0;
	int64_t bad;
	int r;

	if (fd < 0) {
		snprintf(a->note, sizeof(a->note), "could not be opened: %s", strerror(errno));
		return;
	}
	r = ws_mmc_erase_area(fd, m, b->size_bytes / 512, kind, timeout, p->res, &status);
	if (r < 0) {
		snprintf(a->note, sizeof(a->note), "the card refused the erase (%s, status 0x%08x)",
		         strerror(-r), status);
		return;
	}
	bad = read_back(fd, b->size_bytes, ws_mmc_erased_byte(m));
	if (bad < 0)
		snprintf(a->note, sizeof(a->note), "could not be read back: %s",
		         strerror((int)-bad));
	else if (bad > 0)
		snprintf(a->note, sizeof(a->note), "%lld bytes do not read as erased (0x%02x)",
		         (long long)bad, ws_mmc_erased_byte(m));
	else
		a->erased = true;
}

/* One boot partition: force_ro off, the erase, force_ro on, signals held back meanwhile. */
static void boot_area(struct purge *p, const struct ws_mmc_boot_area *b, int kind,
                      struct ws_area_result *a)
{
	sigset_t hold, old;
	int r;

	snprintf(a->name, sizeof(a->name), "boot%c", b->name[strlen(b->name) - 1]);
	snprintf(a->device, sizeof(a->device), "%s", b->node);
	snprintf(a->technique, sizeof(a->technique), "%s", ws_technique_name(p->res->technique));
	a->size_bytes = b->size_bytes;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hold, &old);
	ws_warn(p->ctx,
	        "%s: force_ro off for the erase; should wipeseal die before it is set "
	        "again: echo 1 > %s",
	        b->node, b->force_ro_path);
	r = set_force_ro(b->force_ro_path, "0");
	if (r < 0)
		snprintf(a->note, sizeof(a->note), "force_ro could not be switched off: %s",
		         strerror(-r));
	else
		erase_one(p, b, kind, a);
	/* on again whatever happened, and said so only when it reads back as 1 */
	a->force_ro_restored = set_force_ro(b->force_ro_path, "1") == 0;
	if (!a->force_ro_restored)
		ws_warn(p->ctx, "%s: force_ro could not be set again: echo 1 > %s", b->node,
		        b->force_ro_path);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int ws_mmc_erase_boot_areas(struct purge *p, int kind)
{
	const struct ws_mmc_info *m = &p->dev->mmc;
	struct ws_result *res = p->res;
	const struct ws_area_result *failed = NULL;

	res->n_areas = 0;
	res->areas[res->n_areas] =
	    (struct ws_area_result){ .name = "user", .size_bytes = p->io->size };
	snprintf(res->areas[0].device, sizeof(res->areas[0].device), "%s", res->path);
	snprintf(res->areas[0].technique, sizeof(res->areas[0].technique), "%s",
	         ws_technique_name(res->technique));
	res->n_areas++;
	for (size_t i = 0; i < m->n_boot && res->n_areas < WS_MAX_AREAS - 1; i++) {
		struct ws_area_result *a = &res->areas[res->n_areas++];

		*a = (struct ws_area_result){ 0 };
		boot_area(p, &m->boot[i], kind, a);
		if (!failed && (!a->erased || !a->force_ro_restored))
			failed = a;
	}
	if (m->rpmb_size_bytes) {
		struct ws_area_result *a = &res->areas[res->n_areas++];

		*a = (struct ws_area_result){ .name = "rpmb",
			                      .size_bytes = m->rpmb_size_bytes,
			                      .not_erasable = true };
		snprintf(a->note, sizeof(a->note), "%s",
		         "replay protected memory block: written only with the device's own "
		         "authentication key, no host command erases it");
	}
	if (!failed)
		return 0;
	ws_result_set_status(res, WS_STATUS_FAILED, "boot partition %s was not erased: %s",
	                     failed->device,
	                     failed->erased ? "its force_ro could not be set again" : failed->note);
	return -EIO;
}

void ws_mmc_user_area_judged(struct ws_result *res, int erased)
{
	struct ws_area_result *a = res->n_areas ? &res->areas[0] : NULL;
	bool trusted = res->verify.mode == WS_VERIFY_NONE;

	if (!a || strcmp(a->name, "user") != 0)
		return;
	a->erased = erased == 0 && !res->verify.bytes_mismatched && !res->verify.n_unreadable;
	if (erased)
		snprintf(a->note, sizeof(a->note), "%s", "the erase did not complete");
	else if (!a->erased)
		snprintf(a->note, sizeof(a->note), "%s",
		         "the read-back found data: see the verification");
	else if (trusted) /* the card's word, as the result records (--trust-firmware) */
		snprintf(a->note, sizeof(a->note), "%s", "not read back (--trust-firmware)");
}
