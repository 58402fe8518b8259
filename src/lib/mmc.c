/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmc.c - the eMMC transport: commands to the card through the kernel's MMC block driver
 * (MMC_IOC_CMD, MMC_IOC_MULTI_CMD on /dev/mmcblkN), the one boundary where a real card or
 * tests/mmcsim answers.
 *
 * What is sent is what mmc-utils sends (mmc_cmds.c: read_extcsd(), write_extcsd_value(),
 * send_status(), erase()), field for field; tests/unit/test-mmc-kat.c holds each encoder to those
 * values. An erase is ERASE_GROUP_START, ERASE_GROUP_END and ERASE (CMD35, 36, 38) in one
 * MMC_IOC_MULTI_CMD, a few erase groups at a time, each waited for with SEND_STATUS until
 * the card leaves the programming state; SANITIZE is the SWITCH that sets SANITIZE_START,
 * after the whole card was unmapped by TRIM (or ERASE): sanitize only purges what is
 * unmapped (JESD84-B51, Sanitize). Every command returns when the card is done, so the
 * transport's erase carries them out (struct ws_transport_ops.erase), not the sanitize loop.
 *
 * SD cards get no EXT_CSD request: CMD8 is SEND_IF_COND there. The kernel says which card it
 * holds in sysfs (device/type "MMC" or "SD"); only "MMC" is probed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "health-internal.h"
#include "mmc-internal.h"

#define CHUNK_SECTORS     (1ull << 21)         /* 1 GiB of 512-byte sectors per erase command */
#define POLL_MS           10u                  /* SEND_STATUS every this long while busy */
#define ERASE_TIMEOUT_MS  (300u * 255u * 255u) /* mmc-utils' erase(): the longest it allows */
#define DEFAULT_TIMEOUT_S (4u * 3600u)

/* ---- the commands, as mmc-utils builds them ------------------------------------------------ */

void ws_mmc_ext_csd_cmd(struct mmc_ioc_cmd *c, uint8_t *buf)
{
	memset(c, 0, sizeof(*c));
	c->write_flag = 0;
	c->opcode = WS_MMC_SEND_EXT_CSD;
	c->arg = 0;
	c->flags = WS_MMC_RSP_SPI_R1 | WS_MMC_RSP_R1 | WS_MMC_CMD_ADTC;
	c->blksz = WS_EXT_CSD_BYTES;
	c->blocks = 1;
	mmc_ioc_cmd_set_data((*c), buf);
}

void ws_mmc_switch_cmd(struct mmc_ioc_cmd *c, uint8_t index, uint8_t value)
{
	memset(c, 0, sizeof(*c));
	c->write_flag = 1;
	c->opcode = WS_MMC_SWITCH;
	c->arg = WS_MMC_SWITCH_MODE_WRITE_BYTE << 24 | (uint32_t)index << 16 |
	         (uint32_t)value << 8 | WS_MMC_EXT_CSD_CMD_SET_NORMAL;
	c->flags = WS_MMC_RSP_SPI_R1B | WS_MMC_RSP_R1B | WS_MMC_CMD_AC;
}

void ws_mmc_status_cmd(struct mmc_ioc_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = WS_MMC_SEND_STATUS;
	c->arg = 1u << 16; /* RCA 1: the kernel gives the one card on a host that address */
	c->flags = WS_MMC_RSP_R1 | WS_MMC_CMD_AC;
}

void ws_mmc_erase_cmds(struct mmc_ioc_cmd c[3], uint32_t start, uint32_t end, uint32_t arg)
{
	memset(c, 0, 3 * sizeof(*c));
	c[0].opcode = WS_MMC_ERASE_GROUP_START;
	c[0].arg = start;
	c[0].flags = WS_MMC_RSP_SPI_R1 | WS_MMC_RSP_R1 | WS_MMC_CMD_AC;
	c[0].write_flag = 1;
	c[1].opcode = WS_MMC_ERASE_GROUP_END;
	c[1].arg = end;
	c[1].flags = WS_MMC_RSP_SPI_R1 | WS_MMC_RSP_R1 | WS_MMC_CMD_AC;
	c[1].write_flag = 1;
	c[2].opcode = WS_MMC_ERASE_CMD;
	c[2].arg = arg;
	c[2].cmd_timeout_ms = ERASE_TIMEOUT_MS;
	c[2].flags = WS_MMC_RSP_SPI_R1B | WS_MMC_RSP_R1B | WS_MMC_CMD_AC;
	c[2].write_flag = 1;
}

uint32_t ws_mmc_erase_arg(int kind)
{
	switch (kind) {
	case WS_MMC_TRIM:
	case WS_MMC_SANITIZE:
		return WS_MMC_TRIM_ARG;
	case WS_MMC_SECURE_ERASE:
		return WS_MMC_SECURE_ERASE_ARG;
	case WS_MMC_SECURE_TRIM:
		return WS_MMC_SECURE_TRIM1_ARG;
	default:
		return WS_MMC_ERASE_ARG;
	}
}

/* ---- sending them -------------------------------------------------------------------------- */

/* One command. Return: 0 (@c->response[0] holds the card status), or a negative errno. */
static int submit(int fd, struct mmc_ioc_cmd *c)
{
	return ioctl(fd, MMC_IOC_CMD, c) < 0 ? -errno : 0;
}

/* Wait until the card is out of the programming state and ready for data (the kernel's
 * card_busy_detect()). Return: 0; -ETIMEDOUT; -EREMOTEIO with @ret_status on an error bit. */
static int wait_ready(int fd, unsigned timeout_s, uint32_t *ret_status)
{
	int64_t deadline = ws_monotonic_ns() + (int64_t)timeout_s * 1000000000;
	struct timespec ts = { 0, (long)POLL_MS * 1000000L };
	struct mmc_ioc_cmd c;
	int r;

	for (;;) {
		ws_mmc_status_cmd(&c);
		if ((r = submit(fd, &c)) < 0)
			return r;
		if (c.response[0] & WS_MMC_R1_ERRORS) {
			*ret_status = c.response[0];
			return -EREMOTEIO;
		}
		if ((c.response[0] & WS_MMC_R1_READY_FOR_DATA) &&
		    WS_MMC_R1_STATE(c.response[0]) != WS_MMC_R1_STATE_PRG)
			return 0;
		if (ws_monotonic_ns() > deadline)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
	}
}

/* One erase command over sectors [@from, @to], waited for. */
static int erase_range(int fd, const struct ws_mmc_info *m, uint64_t from, uint64_t to,
                       uint32_t arg, unsigned timeout_s, uint32_t *ret_status)
{
	_cleanup_free_ struct mmc_ioc_multi_cmd *multi =
	    calloc(1, sizeof(*multi) + 3 * sizeof(struct mmc_ioc_cmd));
	uint64_t shift = m->sector_addressing ? 0 : 9; /* byte addresses: the sector x 512 */

	if (!multi)
		return -ENOMEM;
	if ((to << shift) > UINT32_MAX)
		return -ERANGE;
	ws_mmc_erase_cmds(multi->cmds, (uint32_t)(from << shift), (uint32_t)(to << shift), arg);
	multi->num_of_cmds = 3;
	if (ioctl(fd, MMC_IOC_MULTI_CMD, multi) < 0)
		return -errno;
	for (size_t i = 0; i < 3; i++)
		if (multi->cmds[i].response[0] & WS_MMC_R1_ERRORS) {
			*ret_status = multi->cmds[i].response[0];
			return -EREMOTEIO;
		}
	return wait_ready(fd, timeout_s, ret_status);
}

/* The record of a whole-area erase: the CMD38 as opcode, argument and flags (little endian),
 * the range and the number of commands decoded. */
static void record(struct ws_result *res, const char *name, uint32_t opcode, uint32_t arg,
                   uint32_t flags, const char *params, int64_t sent_ns)
{
	struct ws_command_record rec = { .interface = "MMC", .sent_ns = sent_ns };
	uint32_t w[3] = { opcode, arg, flags };

	if (!res)
		return;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	for (size_t i = 0; i < 3; i++)
		for (size_t b = 0; b < 4; b++)
			rec.bytes[rec.n_bytes++] = (uint8_t)(w[i] >> (8 * b));
	snprintf(rec.parameters, sizeof(rec.parameters), "%s", params);
	ws_result_add_command(res, &rec);
}

/* Every chunk of [0, @sectors) with CMD38 argument @arg. */
static int erase_all(int fd, const struct ws_mmc_info *m, uint64_t sectors, uint32_t arg,
                     unsigned timeout_s, struct ws_result *res, uint32_t *ret_status)
{
	int64_t sent = ws_now_ns();
	uint64_t n = 0;
	char params[192];
	int r = 0;

	for (uint64_t from = 0; r == 0 && from < sectors; from += CHUNK_SECTORS, n++)
		r = erase_range(fd, m, from,
		                (sectors - from > CHUNK_SECTORS ? from + CHUNK_SECTORS : sectors) -
		                    1,
		                arg, timeout_s, ret_status);
	snprintf(params, sizeof(params),
	         "CMD35/CMD36 sectors 0-%llu (%s addresses), CMD38 arg=0x%08x, %llu command%s",
	         (unsigned long long)(sectors ? sectors - 1 : 0),
	         m->sector_addressing ? "sector" : "byte", arg, (unsigned long long)n,
	         n == 1 ? "" : "s");
	record(res, "ERASE_GROUP_START/END, ERASE", WS_MMC_ERASE_CMD, arg,
	       WS_MMC_RSP_SPI_R1B | WS_MMC_RSP_R1B | WS_MMC_CMD_AC, params, sent);
	return r;
}

int ws_mmc_erase_area(int fd, const struct ws_mmc_info *m, uint64_t sectors, int kind,
                      unsigned timeout_s, struct ws_result *res, uint32_t *ret_status)
{
	uint32_t arg = ws_mmc_erase_arg(kind);
	int r;

	/* sanitize unmaps first: by TRIM where the card has it, else by ERASE */
	if (kind == WS_MMC_SANITIZE && !m->sec_gb_cl_en)
		arg = WS_MMC_ERASE_ARG;
	r = erase_all(fd, m, sectors, arg, timeout_s, res, ret_status);
	if (r == 0 && kind == WS_MMC_SECURE_TRIM) /* step 2 purges what step 1 marked */
		r = erase_all(fd, m, sectors, WS_MMC_SECURE_TRIM2_ARG, timeout_s, res, ret_status);
	return r;
}

/* SANITIZE_START, then SEND_STATUS until the card is done. */
static int sanitize(int fd, unsigned timeout_s, struct ws_result *res, uint32_t *ret_status)
{
	struct mmc_ioc_cmd c;
	char params[64];
	int r;

	ws_mmc_switch_cmd(&c, WS_EXT_CSD_SANITIZE_START, 1);
	c.cmd_timeout_ms = timeout_s > UINT32_MAX / 1000u ? UINT32_MAX : timeout_s * 1000u;
	snprintf(params, sizeof(params), "EXT_CSD[%u] SANITIZE_START = 1, arg=0x%08x",
	         WS_EXT_CSD_SANITIZE_START, c.arg);
	record(res, "SWITCH (SANITIZE_START)", c.opcode, c.arg, c.flags, params, ws_now_ns());
	if ((r = submit(fd, &c)) < 0)
		return r;
	if (c.response[0] & WS_MMC_R1_ERRORS) {
		*ret_status = c.response[0];
		return -EREMOTEIO;
	}
	return wait_ready(fd, timeout_s, ret_status);
}

/* ---- the transport ------------------------------------------------------------------------- */

static char *sysfs_attr(struct ws_ctx *ctx, const char *name, const char *attr)
{
	_cleanup_free_ char *p = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/%s", name, attr);
	char *v = NULL;

	return p && read_line_file(p, &v) == 0 ? v : NULL;
}

/* The boot partitions the kernel made block devices of (mmcblkNboot0, boot1). */
static void find_boot_areas(struct ws_ctx *ctx, struct ws_device *dev)
{
	struct ws_mmc_info *m = &dev->mmc;

	for (unsigned i = 0; i < WS_MMC_BOOT_AREAS; i++) {
		struct ws_mmc_boot_area *b = &m->boot[m->n_boot];
		_cleanup_free_ char *size = NULL, *ro = NULL, *node = NULL, *rop = NULL;
		char name[32];
		uint64_t sectors;

		snprintf(name, sizeof(name), "%sboot%u", dev->name, i);
		size = sysfs_attr(ctx, name, "size");
		if (!size || sscanf(size, "%llu", (unsigned long long *)&sectors) != 1)
			continue;
		snprintf(b->name, sizeof(b->name), "%s", name);
		b->size_bytes = sectors * 512;
		node = ws_path(ctx, WS_ROOT_DEV, "/%s", name);
		rop = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/force_ro", name);
		if (!node || !rop || strlen(node) >= sizeof(b->node) ||
		    strlen(rop) >= sizeof(b->force_ro_path))
			continue;
		memcpy(b->node, node, strlen(node) + 1);
		memcpy(b->force_ro_path, rop, strlen(rop) + 1);
		ro = sysfs_attr(ctx, name, "force_ro");
		b->force_ro = ro && strcmp(ro, "1") == 0;
		m->n_boot++;
	}
}

static void mmc_probe(struct ws_ctx *ctx, struct ws_device *dev)
{
	_cleanup_free_ char *type = NULL, *ocr = NULL;
	_cleanup_close_ int fd = -1;
	uint8_t ext[WS_EXT_CSD_BYTES];
	struct mmc_ioc_cmd c;
	unsigned long v;

	if (!dev->name || strcmp(dev->transport, "mmc") != 0)
		return;
	type = sysfs_attr(ctx, dev->name, "device/type");
	if (type)
		snprintf(dev->mmc.card_type, sizeof(dev->mmc.card_type), "%s", type);
	if (!type || strcmp(type, "MMC") != 0)
		return; /* an SD card: CMD8 means something else there */
	fd = open(dev->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ws_mmc_ext_csd_cmd(&c, ext);
	if (fd < 0 || submit(fd, &c) < 0) {
		ws_debug(ctx, "%s: an eMMC that does not answer SEND_EXT_CSD", dev->path);
		return;
	}
	ws_mmc_parse_ext_csd(ext, &dev->mmc);
	ocr = sysfs_attr(ctx, dev->name, "device/ocr");
	if (ocr && (v = strtoul(ocr, NULL, 16)) != 0)
		dev->mmc.sector_addressing = v & (1ul << 30); /* OCR access mode: sector */
	find_boot_areas(ctx, dev);
	dev->methods |= ws_mmc_methods(&dev->mmc);
}

/* The transport's erase: the user area, the boot partitions, then SANITIZE when asked. */
static int mmc_erase(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	const struct ws_technique_info *info = ws_technique_info(p->res->technique);
	int kind = info ? info->action : WS_MMC_ERASE;
	unsigned timeout =
	    p->opts->firmware_timeout_s ? p->opts->firmware_timeout_s : DEFAULT_TIMEOUT_S;
	uint32_t status = 0;
	int r;

	fw->transport = p->ops->name;
	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before the erase was sent");
		return -ECANCELED;
	}
	ws_purge_report(p, WS_PHASE_WRITE, 0, 1);
	fw->ran = true;
	p->command_ns = ws_purge_now(p);
	r = ws_mmc_erase_area(p->io->fd, &p->dev->mmc, p->io->size / 512, kind, timeout, p->res,
	                      &status);
	if (r == 0)
		r = ws_mmc_erase_boot_areas(p, kind);
	if (r == 0 && kind == WS_MMC_SANITIZE)
		r = sanitize(p->io->fd, timeout, p->res, &status);
	fw->command_status = (int)status;
	if (r < 0) {
		if (!p->res->status_reason)
			ws_result_set_status(p->res, WS_STATUS_FAILED,
			                     "the card refused %s (%s, card status 0x%08x)",
			                     ws_technique_name(p->res->technique), strerror(-r),
			                     status);
		return r;
	}
	fw->state = WS_FIRMWARE_DONE;
	fw->transition_seen = true; /* every command was waited for until the card was ready */
	ws_purge_time_completion(p);
	return 0;
}

/* What erased memory reads as, ERASED_MEM_CONT: after an erase, a trim or a sanitize alike. */
static uint8_t mmc_blank_byte(const struct ws_device *dev, enum ws_technique t)
{
	(void)t;
	return ws_mmc_erased_byte(&dev->mmc);
}

const struct ws_transport_ops ws_mmc_transport = {
	.name = "MMC",
	.flags = 0,
	.probe = mmc_probe,
	.status = NULL, /* every command is waited for: there is no sanitize to follow */
	.start = NULL,
	.erase = mmc_erase,
	.erased_byte = NULL, /* no crypto erase */
	.blank_byte = mmc_blank_byte,
	.prepare_hidden = NULL, /* the boot partitions are erased by mmc_erase() */
	.health = NULL,
	.command = NULL,
};
