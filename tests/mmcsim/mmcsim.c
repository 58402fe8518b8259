/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmcsim.c - a simulated eMMC at the ioctl boundary, as an LD_PRELOAD library.
 *
 * It answers MMC_IOC_CMD and MMC_IOC_MULTI_CMD (linux/mmc/ioctl.h) for three device nodes -
 * loop devices over image files that stand in for the user area and the two boot partitions
 * (tests/mmcsim/mmc-ns.sh gives them the names mmcblk0, mmcblk0boot0 and mmcblk0boot1) - the
 * way a card behind the kernel's MMC block driver would: SEND_EXT_CSD returns an EXT_CSD
 * of the profile, ERASE_GROUP_START/END and ERASE really erase the range of the area the
 * command came to (its image then reads as ERASED_MEM_CONT says), SWITCH writes EXT_CSD
 * bytes (SANITIZE_START is accepted only where SEC_SANITIZE says so), SEND_STATUS reports
 * the programming state twice after each erase, then the transfer state.
 *
 *   WS_MMCSIM_PATH=/dev/mmcblk0       the user area
 *   WS_MMCSIM_BOOT0=/dev/mmcblk0boot0 boot partitions (optional)
 *   WS_MMCSIM_BOOT1=/dev/mmcblk0boot1
 *   WS_MMCSIM_PROFILE=emmc51 | emmc44 | no-sanitize | erased-ff | lying
 *     emmc51: EXT_CSD_REV 8, SEC_FEATURE_SUPPORT 0x50 (SANITIZE, TRIM; secure erase and
 *       trim obsolete: SEC_ER_EN clear); emmc44: REV 5, 0x15 (secure erase and trim, TRIM,
 *       no SANITIZE); no-sanitize: REV 8, 0x10 (TRIM only); erased-ff: emmc51 with
 *       ERASED_MEM_CONT 1 (erased memory reads 0xFF); lying: emmc51 that acknowledges every
 *       erase and sanitize and changes nothing.
 *   WS_MMCSIM_LOG=FILE               one line per command: "AREA CMDn arg=0x...".
 *
 * A boot partition refuses writes (EROFS) while its force_ro reads 1
 * (/sys/class/block/NAME/force_ro, NAME its node's name) and so do erase commands sent to it:
 * stricter than the kernel, whose ioctl path does not look at force_ro, so that a product that
 * forgot to switch it off fails here. Everything else goes on to the next definition of the
 * call (tests/preload/preload.h), so the fault injector can sit in front.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mmc/ioctl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "preload.h"

/* card status (R1) bits the simulator sets (JESD84-B51 "Device status") */
#define R1_ERASE_PARAM  (1u << 27)
#define R1_ILLEGAL      (1u << 22)
#define R1_SWITCH_ERROR (1u << 7)
#define R1_READY        (1u << 8)
#define R1_STATE_TRAN   (4u << 9)
#define R1_STATE_PRG    (7u << 9)
#define AREAS           3

static struct {
	const char *path[AREAS]; /* user, boot0, boot1 */
	const char *profile, *log;
	uint8_t ext[512];
	uint32_t start[AREAS], end[AREAS];
	uint32_t trim1_start[AREAS], trim1_end[AREAS]; /* secure trim step 1, pending */
	bool trim1[AREAS];
	int busy; /* SEND_STATUS answers left in the programming state */
} sim;

static bool is(const char *p)
{
	return sim.profile && strcmp(sim.profile, p) == 0;
}

__attribute__((format(printf, 1, 2))) static void logf_(const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	if (!sim.log || !(f = fopen(sim.log, "ae")))
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

__attribute__((constructor)) static void init(void)
{
	uint64_t sectors;
	uint8_t sec = 0x50, rev = 8;

	sim.path[0] = getenv("WS_MMCSIM_PATH");
	sim.path[1] = getenv("WS_MMCSIM_BOOT0");
	sim.path[2] = getenv("WS_MMCSIM_BOOT1");
	sim.profile = getenv("WS_MMCSIM_PROFILE");
	sim.log = getenv("WS_MMCSIM_LOG");
	if (!sim.path[0])
		return;
	if (is("emmc44"))
		sec = 0x15, rev = 5;
	else if (is("no-sanitize"))
		sec = 0x10;
	sectors = preload_medium_size(sim.path[0]) / 512;
	sim.ext[192] = rev;                     /* EXT_CSD_REV */
	sim.ext[231] = sec;                     /* SEC_FEATURE_SUPPORT */
	sim.ext[181] = is("erased-ff") ? 1 : 0; /* ERASED_MEM_CONT */
	sim.ext[212] = (uint8_t)sectors;        /* SEC_COUNT, little endian */
	sim.ext[213] = (uint8_t)(sectors >> 8);
	sim.ext[214] = (uint8_t)(sectors >> 16);
	sim.ext[215] = (uint8_t)(sectors >> 24);
	sim.ext[175] = 1; /* ERASE_GROUP_DEF */
	sim.ext[224] = 1; /* HC_ERASE_GRP_SIZE: 512 KiB */
	sim.ext[168] = 1; /* RPMB_SIZE_MULT: 128 KiB */
	if (sim.path[1])  /* BOOT_SIZE_MULT, 128 KiB units */
		sim.ext[226] = (uint8_t)(preload_medium_size(sim.path[1]) >> 17);
}

static int area_of(int fd)
{
	return sim.path[0] ? preload_fd_which(fd, sim.path, AREAS) : -1;
}

/* Whether boot area @a is kept read-only by the kernel (force_ro 1). */
static bool force_ro(int a)
{
	const char *slash;
	char path[256], v = '0';
	int fd;

	if (a <= 0 || !sim.path[a])
		return false;
	slash = strrchr(sim.path[a], '/');
	snprintf(path, sizeof(path), "/sys/class/block/%s/force_ro",
	         slash ? slash + 1 : sim.path[a]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &v, 1) != 1)
		v = '0';
	close(fd);
	return v == '1';
}

/* Sectors [@from, @to] of area @a read as erased memory does. */
static void erase(int a, uint32_t from, uint32_t to)
{
	uint64_t size = preload_medium_size(sim.path[a]);
	static uint8_t buf[1 << 16];
	int fd;

	if (is("lying"))
		return; /* acknowledged, nothing done */
	memset(buf, sim.ext[181] ? 0xff : 0x00, sizeof(buf));
	fd = open(sim.path[a], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (uint64_t off = (uint64_t)from * 512; off < ((uint64_t)to + 1) * 512 && off < size;) {
		uint64_t end = ((uint64_t)to + 1) * 512 < size ? ((uint64_t)to + 1) * 512 : size;
		size_t n = end - off < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);

		if (preload_medium_pwrite(fd, buf, n, off) != (ssize_t)n)
			break;
		off += n;
	}
	fsync(fd);
	close(fd);
}

/* CMD38 with argument @arg over the range CMD35/36 set. Return: the R1 status. */
static uint32_t cmd38(int a, uint32_t arg)
{
	uint8_t sec = sim.ext[231];
	bool trim = sec & 0x10, secure = sec & 0x01;

	switch (arg) {
	case 0x00000000u: /* ERASE: mandatory */
	case 0x00000001u: /* TRIM */
		if (arg && !trim)
			return R1_ERASE_PARAM;
		erase(a, sim.start[a], sim.end[a]);
		break;
	case 0x80000000u: /* secure erase */
		if (!secure)
			return R1_ERASE_PARAM;
		erase(a, sim.start[a], sim.end[a]);
		break;
	case 0x80000001u: /* secure trim step 1: marks */
		if (!secure || !trim)
			return R1_ERASE_PARAM;
		sim.trim1[a] = true;
		sim.trim1_start[a] = sim.start[a];
		sim.trim1_end[a] = sim.end[a];
		break;
	case 0x80008000u: /* secure trim step 2: erases what step 1 marked */
		if (!sim.trim1[a])
			return R1_ERASE_PARAM;
		erase(a, sim.trim1_start[a], sim.trim1_end[a]);
		sim.trim1[a] = false;
		break;
	default:
		return R1_ERASE_PARAM;
	}
	sim.busy = 2;
	return R1_READY | R1_STATE_TRAN;
}

/* One command to area @a. Return: 0, or -1 with errno set (the ioctl's answer). */
static int command(int a, struct mmc_ioc_cmd *c)
{
	uint32_t r1 = R1_READY | R1_STATE_TRAN;

	logf_("%s CMD%u arg=0x%08x flags=0x%x",
	      a == 0   ? "user"
	      : a == 1 ? "boot0"
	               : "boot1",
	      c->opcode, c->arg, c->flags);
	if (a > 0 && force_ro(a) && (c->opcode == 35 || c->opcode == 36 || c->opcode == 38)) {
		errno = EROFS;
		return -1;
	}
	switch (c->opcode) {
	case 8: /* SEND_EXT_CSD */
		if (c->blksz != 512 || c->blocks != 1 || !c->data_ptr) {
			errno = EINVAL;
			return -1;
		}
		memcpy((void *)(uintptr_t)c->data_ptr, sim.ext, 512);
		break;
	case 13: /* SEND_STATUS */
		if (sim.busy > 0) {
			sim.busy--;
			r1 = R1_STATE_PRG;
		}
		break;
	case 35:
		sim.start[a] = c->arg;
		break;
	case 36:
		sim.end[a] = c->arg;
		break;
	case 38:
		r1 = cmd38(a, c->arg);
		break;
	case 6: /* SWITCH: [25:24] access 3 (write byte), [23:16] index, [15:8] value */
		if (((c->arg >> 24) & 3u) != 3u) {
			r1 |= R1_SWITCH_ERROR;
		} else if (((c->arg >> 16) & 0xffu) == 165) { /* SANITIZE_START */
			if (!(sim.ext[231] & 0x40))
				r1 |= R1_SWITCH_ERROR;
			else
				sim.busy =
				    3; /* the unmapped blocks are purged: nothing the host sees */
		} else {
			sim.ext[(c->arg >> 16) & 0xffu] = (uint8_t)(c->arg >> 8);
		}
		break;
	default:
		r1 |= R1_ILLEGAL;
	}
	c->response[0] = r1;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int a;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	a = area_of(fd);
	if (a < 0 || (req != MMC_IOC_CMD && req != MMC_IOC_MULTI_CMD))
		return preload_next()->ioctl(fd, req, arg);
	if (req == MMC_IOC_CMD)
		return command(a, arg);
	{
		struct mmc_ioc_multi_cmd *m = arg;

		if (m->num_of_cmds == 0 || m->num_of_cmds > MMC_IOC_MAX_CMDS) {
			errno = EINVAL;
			return -1;
		}
		for (uint64_t i = 0; i < m->num_of_cmds; i++)
			if (command(a, &m->cmds[i]) < 0)
				return -1;
	}
	return 0;
}

/* Writes to a boot partition kept read-only fail as the kernel fails them. */
static bool refused(int fd)
{
	int a = area_of(fd);

	if (a > 0 && force_ro(a)) {
		errno = EROFS;
		return true;
	}
	return false;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return refused(fd) ? -1 : preload_next()->pwrite64(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return refused(fd) ? -1 : preload_next()->pwrite(fd, buf, n, off);
}
