/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmc-internal.h - eMMC commands as the kernel's MMC block driver takes them from user space
 * (struct mmc_ioc_cmd, linux/mmc/ioctl.h), their constants under the specification's names
 * (JEDEC JESD84-B51; the kernel's include/linux/mmc/mmc.h and core.h, which mmc-utils copies
 * into its mmc.h), and the EXT_CSD fields wipeseal reads. mmc.c sends them, mmc-extcsd.c
 * decodes the EXT_CSD, mmc-areas.c erases the boot partitions; tests/unit/test-mmc-kat.c checks
 * every encoder against mmc-utils' own values.
 */
#ifndef WS_MMC_INTERNAL_H
#define WS_MMC_INTERNAL_H

#include <linux/mmc/ioctl.h>

#include "purge-run.h"

/* Command indexes (JESD84-B51, "Command classes"; linux/mmc/mmc.h) */
#define WS_MMC_SWITCH            6  /* ac, R1b */
#define WS_MMC_SEND_EXT_CSD      8  /* adtc, R1 */
#define WS_MMC_SEND_STATUS       13 /* ac, [31:16] RCA, R1 */
#define WS_MMC_ERASE_GROUP_START 35 /* ac, [31:0] data address, R1 */
#define WS_MMC_ERASE_GROUP_END   36 /* ac, [31:0] data address, R1 */
#define WS_MMC_ERASE_CMD         38 /* ac, [31] secure, [15] force GC, [0] TRIM, R1b */

/* Response and command types (linux/mmc/core.h) */
#define WS_MMC_RSP_PRESENT  (1u << 0)
#define WS_MMC_RSP_CRC      (1u << 2)
#define WS_MMC_RSP_BUSY     (1u << 3)
#define WS_MMC_RSP_OPCODE   (1u << 4)
#define WS_MMC_CMD_AC       (0u << 5)
#define WS_MMC_CMD_ADTC     (1u << 5)
#define WS_MMC_RSP_SPI_S1   (1u << 7)
#define WS_MMC_RSP_SPI_BUSY (1u << 10)
#define WS_MMC_RSP_R1       (WS_MMC_RSP_PRESENT | WS_MMC_RSP_CRC | WS_MMC_RSP_OPCODE)
#define WS_MMC_RSP_R1B      (WS_MMC_RSP_R1 | WS_MMC_RSP_BUSY)
#define WS_MMC_RSP_SPI_R1   (WS_MMC_RSP_SPI_S1)
#define WS_MMC_RSP_SPI_R1B  (WS_MMC_RSP_SPI_S1 | WS_MMC_RSP_SPI_BUSY)

/* CMD38 arguments (linux/mmc/mmc.h: MMC_ERASE_ARG ... MMC_SECURE_TRIM2_ARG) */
#define WS_MMC_ERASE_ARG        0x00000000u
#define WS_MMC_TRIM_ARG         0x00000001u
#define WS_MMC_SECURE_ERASE_ARG 0x80000000u
#define WS_MMC_SECURE_TRIM1_ARG 0x80000001u
#define WS_MMC_SECURE_TRIM2_ARG 0x80008000u

/* SWITCH (CMD6) argument: [25:24] access, [23:16] index, [15:8] value, [2:0] command set */
#define WS_MMC_SWITCH_MODE_WRITE_BYTE 0x03u
#define WS_MMC_EXT_CSD_CMD_SET_NORMAL (1u << 0)

/* Card status (R1) bits (JESD84-B51 "Device status"; linux/mmc/mmc.h R1_*) */
#define WS_MMC_R1_OUT_OF_RANGE    (1u << 31)
#define WS_MMC_R1_ADDRESS_ERROR   (1u << 30)
#define WS_MMC_R1_ERASE_SEQ_ERROR (1u << 28)
#define WS_MMC_R1_ERASE_PARAM     (1u << 27)
#define WS_MMC_R1_WP_VIOLATION    (1u << 26)
#define WS_MMC_R1_ILLEGAL_COMMAND (1u << 22)
#define WS_MMC_R1_ERROR           (1u << 19)
#define WS_MMC_R1_WP_ERASE_SKIP   (1u << 15)
#define WS_MMC_R1_ERASE_RESET     (1u << 13)
#define WS_MMC_R1_READY_FOR_DATA  (1u << 8)
#define WS_MMC_R1_SWITCH_ERROR    (1u << 7)
#define WS_MMC_R1_STATE(x)        (((x) >> 9) & 0xfu)
#define WS_MMC_R1_STATE_TRAN      4u
#define WS_MMC_R1_STATE_PRG       7u
/* what makes an erase or a switch a failure: mmc-utils' ERASE_R1_ERR_MASK and more */
#define WS_MMC_R1_ERRORS                                                                \
	(WS_MMC_R1_OUT_OF_RANGE | WS_MMC_R1_ADDRESS_ERROR | WS_MMC_R1_ERASE_SEQ_ERROR | \
	 WS_MMC_R1_ERASE_PARAM | WS_MMC_R1_WP_VIOLATION | WS_MMC_R1_ILLEGAL_COMMAND |   \
	 WS_MMC_R1_ERROR | WS_MMC_R1_WP_ERASE_SKIP | WS_MMC_R1_ERASE_RESET |            \
	 WS_MMC_R1_SWITCH_ERROR)

/* EXT_CSD byte offsets (JESD84-B51 "Extended CSD register"; linux/mmc/mmc.h EXT_CSD_*) */
#define WS_EXT_CSD_BYTES               512
#define WS_EXT_CSD_SANITIZE_START      165
#define WS_EXT_CSD_RPMB_MULT           168
#define WS_EXT_CSD_ERASE_GROUP_DEF     175
#define WS_EXT_CSD_PART_CONFIG         179
#define WS_EXT_CSD_ERASED_MEM_CONT     181
#define WS_EXT_CSD_REV                 192
#define WS_EXT_CSD_SEC_CNT             212 /* 4 bytes, little endian */
#define WS_EXT_CSD_HC_ERASE_GRP_SIZE   224
#define WS_EXT_CSD_BOOT_MULT           226
#define WS_EXT_CSD_SEC_FEATURE_SUPPORT 231
#define WS_EXT_CSD_SEC_ER_EN           (1u << 0)
#define WS_EXT_CSD_SEC_GB_CL_EN        (1u << 4)
#define WS_EXT_CSD_SEC_SANITIZE        (1u << 6)

/* ---- mmc.c: the commands ------------------------------------------------------------------ */

/* SEND_EXT_CSD into @buf (512 bytes), as mmc-utils' read_extcsd(). */
void ws_mmc_ext_csd_cmd(struct mmc_ioc_cmd *c, uint8_t *buf);
/* SWITCH, write byte @value to EXT_CSD[@index], as mmc-utils' write_extcsd_value(). */
void ws_mmc_switch_cmd(struct mmc_ioc_cmd *c, uint8_t index, uint8_t value);
/* SEND_STATUS to the card at RCA 1 (the kernel's only one), as mmc-utils' send_status(). */
void ws_mmc_status_cmd(struct mmc_ioc_cmd *c);
/* ERASE_GROUP_START @start, ERASE_GROUP_END @end, ERASE @arg, as mmc-utils' erase(). */
void ws_mmc_erase_cmds(struct mmc_ioc_cmd c[3], uint32_t start, uint32_t end, uint32_t arg);
/* The CMD38 argument of erase kind @kind (enum ws_mmc_erase_kind); a secure trim's step 1.
 * Sanitize's is TRIM's (its first step). */
uint32_t ws_mmc_erase_arg(int kind);

/* ---- mmc-extcsd.c: what the EXT_CSD says -------------------------------------------------- */

/* Fill @ret (present, rev, the support bits, sizes) from the 512 bytes of @ext. Any bytes are
 * safe. */
void ws_mmc_parse_ext_csd(const uint8_t *ext, struct ws_mmc_info *ret);
/* The techniques (WS_TECH_BIT()s) @m advertises: ERASE always, TRIM on SEC_GB_CL_EN, secure
 * erase on SEC_ER_EN, secure trim on both, SANITIZE on SEC_SANITIZE (with TRIM or ERASE to
 * unmap first). */
unsigned ws_mmc_methods(const struct ws_mmc_info *m);
/* The byte erased memory reads as: 0x00 or 0xFF (ERASED_MEM_CONT). */
uint8_t ws_mmc_erased_byte(const struct ws_mmc_info *m);

/* ---- mmc.c: one erase over a whole area --------------------------------------------------- */

/* Erase sectors [0, @sectors) of the area open on @fd with erase kind @kind, a few erase groups
 * per command, waiting through SEND_STATUS after each, then SANITIZE when @kind asks it.
 * Commands go into @res (NULL: not recorded). @ret_status: the card status of the first
 * failure. Return: 0, -EREMOTEIO (the card reported an error), another negative errno. */
int ws_mmc_erase_area(int fd, const struct ws_mmc_info *m, uint64_t sectors, int kind,
                      unsigned timeout_s, struct ws_result *res, uint32_t *ret_status);

/* ---- mmc-areas.c: the boot partitions ---------------------------------------------------- */

/* After the user area: every boot partition of @p's device erased with the same technique (its
 * force_ro switched off for it and on again, whatever happens), read back, and recorded as an
 * area of the result. Return: 0 when every area was erased and reads as erased, else a
 * negative errno with the result's status set. */
int ws_mmc_erase_boot_areas(struct purge *p, int kind);

/* The host's overwrite of eMMC @dev (wipe.c), after the user area's passes: every boot
 * partition gets the same passes (@res's, written through a descriptor of its own, force_ro
 * off and on again), each flushed, the last read back whole; each area is recorded in @res.
 * @stopped: the wipe stopped early; the boot partitions are recorded as not erased, untouched.
 * Nothing for other devices. */
void ws_mmc_overwrite_areas(struct ws_ctx *ctx, const struct ws_device *dev, struct ws_result *res,
                            const struct ws_io *io, bool stopped);
/* After the overwrite's verdict: the user area judged by it, and SUCCESS turned into FAILED
 * when a boot partition was not erased or its force_ro not set again. */
void ws_mmc_overwrite_judged(struct ws_result *res);

#endif
