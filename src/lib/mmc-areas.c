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
 * Each area is erased with the technique of the user area and read back whole (boot
 * partitions are a few MiB), and recorded as an area of the result (docs/certificate.md,
 * "Areas"): after the card's erase, against what the EXT_CSD says erased memory reads as;
 * after the host's overwrite (wipe.c), with every pass of the user area, the same pattern
 * and key, each pass flushed, and the last one read back.
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

/* One area's erase, force_ro already off and @fd open on it (O_EXCL): sets @a->erased, or
 * @a->note to why not. */
typedef void area_erase_fn(void *data, const struct ws_mmc_boot_area *b, int fd,
                           struct ws_area_result *a);

/* The card's own erase (the technique of the user area), then the read-back. */
struct card_erase {
	struct purge *p;
	int kind;
};

static void card_erase(void *data, const struct ws_mmc_boot_area *b, int fd,
                       struct ws_area_result *a)
{
	const struct card_erase *ce = data;
	struct purge *p = ce->p;
	const struct ws_mmc_info *m = &p->dev->mmc;
	unsigned timeout = p->opts->firmware_timeout_s ? p->opts->firmware_timeout_s : 3600u;
	uint32_t status = 0;
	int64_t bad;
	int r;

	r = ws_mmc_erase_area(fd, m, b->size_bytes / 512, ce->kind, timeout, p->res, &status);
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

/* The host's overwrite: every pass of the user area's (the same pattern and key, as device
 * offsets from 0), each flushed, then the last read back whole. */
struct host_overwrite {
	const struct ws_result *res;
	const struct ws_io *io;
};

static void host_overwrite(void *data, const struct ws_mmc_boot_area *b, int fd,
                           struct ws_area_result *a)
{
	const struct host_overwrite *ho = data;
	const struct ws_pass_result *last = &ho->res->passes[ho->res->n_passes - 1];
	struct ws_io io = { .fd = fd,
		            .dfd = -1,
		            .size = b->size_bytes,
		            .chunk = ho->io->chunk,
		            .threads = 1,
		            .cancel = ho->io->cancel };
	struct ws_verify_result v = { .mode = WS_VERIFY_FULL };
	int e = 0;

	for (size_t i = 0; i < ho->res->n_passes && e == 0; i++) {
		struct ws_pass_result pr = { .spec = ho->res->passes[i].spec };

		e = ws_io_write_pass(&io, &pr.spec, ho->res->passes[i].key, &pr, NULL, NULL, 0);
		if (e == 0 && (pr.n_unwritten || pr.error))
			e = -(pr.error ? pr.error : EIO);
		if (e == 0)
			e = ws_io_flush(&io);
		free(pr.unwritten);
		if (e < 0)
			snprintf(a->note, sizeof(a->note), "pass %zu could not be written: %s",
			         i + 1, strerror(-e));
	}
	if (e < 0)
		return;
	ws_io_drop_cache(fd);
	e = ws_io_verify(&io, &last->spec, last->key, NULL, 0, &v, NULL, NULL, 0);
	if (e < 0 || v.n_unreadable || v.bytes_checked != b->size_bytes)
		snprintf(a->note, sizeof(a->note), "could not be read back whole: %s",
		         strerror(e < 0 ? -e : EIO));
	else if (v.bytes_mismatched)
		snprintf(a->note, sizeof(a->note),
		         "%llu bytes do not read as written, first at offset %llu",
		         (unsigned long long)v.bytes_mismatched,
		         (unsigned long long)v.mismatch_offsets[0]);
	else
		a->erased = true;
	free(v.unreadable);
}

/* One boot partition: force_ro off, @fn's erase, force_ro on, signals held back meanwhile. */
static void boot_area(struct ws_ctx *ctx, const struct ws_mmc_boot_area *b, const char *technique,
                      area_erase_fn *fn, void *data, struct ws_area_result *a)
{
	sigset_t hold, old;
	int r;

	snprintf(a->name, sizeof(a->name), "boot%c", b->name[strlen(b->name) - 1]);
	snprintf(a->device, sizeof(a->device), "%s", b->node);
	snprintf(a->technique, sizeof(a->technique), "%s", technique);
	a->size_bytes = b->size_bytes;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hold, &old);
	ws_warn(ctx,
	        "%s: force_ro off for the erase; should wipeseal die before it is set "
	        "again: echo 1 > %s",
	        b->node, b->force_ro_path);
	r = set_force_ro(b->force_ro_path, "0");
	if (r < 0) {
		snprintf(a->note, sizeof(a->note), "force_ro could not be switched off: %s",
		         strerror(-r));
	} else {
		int fd = open(b->node, O_RDWR | O_EXCL | O_CLOEXEC);

		if (fd < 0) {
			snprintf(a->note, sizeof(a->note), "could not be opened: %s",
			         strerror(errno));
		} else {
			fn(data, b, fd, a);
			close(fd);
		}
	}
	/* on again whatever happened, and said so only when it reads back as 1 */
	a->force_ro_restored = set_force_ro(b->force_ro_path, "1") == 0;
	if (!a->force_ro_restored)
		ws_warn(ctx, "%s: force_ro could not be set again: echo 1 > %s", b->node,
		        b->force_ro_path);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Every area of @res's eMMC @m: the user area first (judged later), each boot partition
 * through @fn, or left unerased with @skip as the note when it is not NULL; then the RPMB.
 * Return: the first boot partition that is not erased, or NULL. */
static const struct ws_area_result *all_areas(struct ws_ctx *ctx, const struct ws_mmc_info *m,
                                              struct ws_result *res, uint64_t user_size,
                                              area_erase_fn *fn, void *data, const char *skip)
{
	const struct ws_area_result *failed = NULL;
	const char *technique = ws_technique_name(res->technique);

	res->n_areas = 0;
	res->areas[res->n_areas] =
	    (struct ws_area_result){ .name = "user", .size_bytes = user_size };
	snprintf(res->areas[0].device, sizeof(res->areas[0].device), "%s", res->path);
	snprintf(res->areas[0].technique, sizeof(res->areas[0].technique), "%s", technique);
	res->n_areas++;
	for (size_t i = 0; i < m->n_boot && res->n_areas < WS_MAX_AREAS - 1; i++) {
		struct ws_area_result *a = &res->areas[res->n_areas++];

		*a = (struct ws_area_result){ 0 };
		if (skip) {
			snprintf(a->name, sizeof(a->name), "boot%c",
			         m->boot[i].name[strlen(m->boot[i].name) - 1]);
			snprintf(a->device, sizeof(a->device), "%s", m->boot[i].node);
			a->size_bytes = m->boot[i].size_bytes;
			a->force_ro_restored = true; /* never switched off */
			snprintf(a->note, sizeof(a->note), "%s", skip);
		} else {
			boot_area(ctx, &m->boot[i], technique, fn, data, a);
		}
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
	return failed;
}

int ws_mmc_erase_boot_areas(struct purge *p, int kind)
{
	struct card_erase ce = { .p = p, .kind = kind };
	const struct ws_area_result *failed =
	    all_areas(p->ctx, &p->dev->mmc, p->res, p->io->size, card_erase, &ce, NULL);

	if (!failed)
		return 0;
	ws_result_set_status(p->res, WS_STATUS_FAILED, "boot partition %s was not erased: %s",
	                     failed->device,
	                     failed->erased ? "its force_ro could not be set again" : failed->note);
	return -EIO;
}

void ws_mmc_overwrite_areas(struct ws_ctx *ctx, const struct ws_device *dev, struct ws_result *res,
                            const struct ws_io *io, bool stopped)
{
	struct host_overwrite ho = { .res = res, .io = io };

	if (!dev->mmc.present || (!dev->mmc.n_boot && !dev->mmc.rpmb_size_bytes) ||
	    res->n_passes == 0)
		return;
	(void)all_areas(ctx, &dev->mmc, res, io->size, host_overwrite, &ho,
	                stopped ? "not erased: the wipe stopped before it" : NULL);
}

void ws_mmc_overwrite_judged(struct ws_result *res)
{
	struct ws_area_result *u = res->n_areas ? &res->areas[0] : NULL;
	const struct ws_area_result *failed = NULL;

	if (!u || strcmp(u->name, "user") != 0)
		return;
	u->erased = res->status == WS_STATUS_SUCCESS;
	if (!u->erased)
		snprintf(u->note, sizeof(u->note), "%s", "not erased: see the result's reason");
	else if (res->verify.mode == WS_VERIFY_NONE)
		snprintf(u->note, sizeof(u->note), "%s", "written, not read back (--verify none)");
	for (size_t i = 1; i < res->n_areas && !failed; i++)
		if (!res->areas[i].not_erasable &&
		    (!res->areas[i].erased || !res->areas[i].force_ro_restored))
			failed = &res->areas[i];
	if (failed && res->status == WS_STATUS_SUCCESS)
		ws_result_set_status(
		    res, WS_STATUS_FAILED, "boot partition %s was not erased: %s", failed->device,
		    failed->erased ? "its force_ro could not be set again" : failed->note);
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
