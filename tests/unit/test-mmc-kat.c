/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-mmc-kat.c - known answers for mmc.c and mmc-extcsd.c: the struct mmc_ioc_cmd fields each
 * command must have and the facts an EXT_CSD must yield, written down from mmc-utils' source
 * and the kernel's headers as numbers - never from our own encoder or constants.
 *
 * Sources:
 *   mmc-utils mmc_cmds.c read_extcsd(): write_flag 0, opcode MMC_SEND_EXT_CSD (8), arg 0,
 *     flags MMC_RSP_SPI_R1 | MMC_RSP_R1 | MMC_CMD_ADTC, blksz 512, blocks 1.
 *   mmc-utils mmc_cmds.c write_extcsd_value(): write_flag 1, opcode MMC_SWITCH (6),
 *     arg (MMC_SWITCH_MODE_WRITE_BYTE << 24) | (index << 16) | (value << 8) |
 *     EXT_CSD_CMD_SET_NORMAL, flags MMC_RSP_SPI_R1B | MMC_RSP_R1B | MMC_CMD_AC; do_sanitize()
 *     writes EXT_CSD_SANITIZE_START (165) = 1.
 *   mmc-utils mmc_cmds.c send_status(): opcode MMC_SEND_STATUS (13), arg 1 << 16, flags
 *     MMC_RSP_R1 | MMC_CMD_AC.
 *   mmc-utils mmc_cmds.c erase() and do_erase() (the "Add eMMC erase command support" patch,
 *     linux-mmc, 2021-03-24): CMD35 and CMD36 with flags MMC_RSP_SPI_R1 | MMC_RSP_R1 |
 *     MMC_CMD_AC and write_flag 1; CMD38 with cmd_timeout_ms 300*255*255, flags
 *     MMC_RSP_SPI_R1B | MMC_RSP_R1B | MMC_CMD_AC; arguments legacy 0x00000000, trim
 *     0x00000001, secure-erase 0x80000000, secure-trim1 0x80000001, secure-trim2 0x80008000;
 *     secure erase needs EXT_CSD_SEC_ER_EN (bit 0 of [231]), trim EXT_CSD_SEC_GB_CL_EN
 *     (bit 4), the secure trims both.
 *   mmc-utils mmc.h (from the kernel's include/linux/mmc/core.h): MMC_RSP_PRESENT 1 << 0,
 *     MMC_RSP_CRC 1 << 2, MMC_RSP_BUSY 1 << 3, MMC_RSP_OPCODE 1 << 4, MMC_CMD_AC 0 << 5,
 *     MMC_CMD_ADTC 1 << 5, MMC_RSP_SPI_S1 1 << 7, MMC_RSP_SPI_BUSY 1 << 10: so R1 is 0x15,
 *     R1B 0x1d, SPI_R1 0x80, SPI_R1B 0x480.
 *   The kernel's include/linux/mmc/mmc.h: EXT_CSD_SANITIZE_START 165, EXT_CSD_ERASE_GROUP_DEF
 *     175, EXT_CSD_PART_CONFIG 179, EXT_CSD_ERASED_MEM_CONT 181, EXT_CSD_REV 192,
 *     EXT_CSD_SEC_CNT 212 (4 bytes, little endian), EXT_CSD_HC_ERASE_GRP_SIZE 224,
 *     EXT_CSD_BOOT_MULT 226, EXT_CSD_SEC_FEATURE_SUPPORT 231, EXT_CSD_SEC_SANITIZE BIT(6);
 *     drivers/mmc/core/mmc.c mmc_decode_ext_csd(): boot size BOOT_MULT << 17, RPMB size
 *     RPMB_MULT [168] << 17, hc_erase_size HC_ERASE_GRP_SIZE << 10 sectors.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/context.h>

#include "mmc-internal.h"
#include "testutil.h"

START_TEST(test_send_ext_csd)
{
	uint8_t buf[512];
	struct mmc_ioc_cmd c;

	ws_mmc_ext_csd_cmd(&c, buf);
	ck_assert_int_eq(c.write_flag, 0);
	ck_assert_int_eq(c.is_acmd, 0);
	ck_assert_uint_eq(c.opcode, 8);
	ck_assert_uint_eq(c.arg, 0);
	ck_assert_uint_eq(c.flags, 0x80u | 0x15u | 0x20u); /* SPI_R1 | R1 | ADTC */
	ck_assert_uint_eq(c.blksz, 512);
	ck_assert_uint_eq(c.blocks, 1);
	ck_assert_uint_eq(c.data_ptr, (uint64_t)(uintptr_t)buf);
	ck_assert_uint_eq(c.cmd_timeout_ms, 0);
}
END_TEST

START_TEST(test_switch_sanitize_start)
{
	struct mmc_ioc_cmd c;

	ws_mmc_switch_cmd(&c, 165, 1);
	ck_assert_int_eq(c.write_flag, 1);
	ck_assert_uint_eq(c.opcode, 6);
	ck_assert_uint_eq(c.arg, 0x03a50101u);      /* 3 << 24 | 165 << 16 | 1 << 8 | 1 */
	ck_assert_uint_eq(c.flags, 0x480u | 0x1du); /* SPI_R1B | R1B | AC */
	ck_assert_uint_eq(c.blocks, 0);
	ck_assert_uint_eq(c.data_ptr, 0);
	/* another byte, to see index and value land in their own fields */
	ws_mmc_switch_cmd(&c, 179, 0x48);
	ck_assert_uint_eq(c.arg, 0x03b34801u);
}
END_TEST

START_TEST(test_send_status)
{
	struct mmc_ioc_cmd c;

	ws_mmc_status_cmd(&c);
	ck_assert_int_eq(c.write_flag, 0);
	ck_assert_uint_eq(c.opcode, 13);
	ck_assert_uint_eq(c.arg, 0x00010000u);
	ck_assert_uint_eq(c.flags, 0x15u); /* R1 | AC, no SPI bits in send_status() */
}
END_TEST

START_TEST(test_erase_triplet)
{
	struct mmc_ioc_cmd c[3];

	ws_mmc_erase_cmds(c, 0x100, 0x1ff, 0x80000000u);
	ck_assert_uint_eq(c[0].opcode, 35);
	ck_assert_uint_eq(c[0].arg, 0x100);
	ck_assert_uint_eq(c[0].flags, 0x95u); /* SPI_R1 | R1 | AC */
	ck_assert_int_eq(c[0].write_flag, 1);
	ck_assert_uint_eq(c[1].opcode, 36);
	ck_assert_uint_eq(c[1].arg, 0x1ff);
	ck_assert_uint_eq(c[1].flags, 0x95u);
	ck_assert_int_eq(c[1].write_flag, 1);
	ck_assert_uint_eq(c[2].opcode, 38);
	ck_assert_uint_eq(c[2].arg, 0x80000000u);
	ck_assert_uint_eq(c[2].flags, 0x49du); /* SPI_R1B | R1B | AC */
	ck_assert_uint_eq(c[2].cmd_timeout_ms, 300u * 255u * 255u);
	ck_assert_int_eq(c[2].write_flag, 1);
}
END_TEST

START_TEST(test_erase_arguments)
{
	ck_assert_uint_eq(ws_mmc_erase_arg(WS_MMC_ERASE), 0x00000000u);        /* legacy */
	ck_assert_uint_eq(ws_mmc_erase_arg(WS_MMC_TRIM), 0x00000001u);         /* trim */
	ck_assert_uint_eq(ws_mmc_erase_arg(WS_MMC_SECURE_ERASE), 0x80000000u); /* secure-erase */
	ck_assert_uint_eq(ws_mmc_erase_arg(WS_MMC_SECURE_TRIM), 0x80000001u);  /* secure-trim1 */
	ck_assert_uint_eq(WS_MMC_SECURE_TRIM2_ARG, 0x80008000u);               /* secure-trim2 */
	/* sanitize purges what is unmapped: the card is trimmed first */
	ck_assert_uint_eq(ws_mmc_erase_arg(WS_MMC_SANITIZE), 0x00000001u);
}
END_TEST

/* A byte-laid-out EXT_CSD: a 7.28 GiB eMMC 5.1 with 4 MiB boot partitions and 4 MiB RPMB. */
static void emmc51(uint8_t ext[512])
{
	memset(ext, 0, 512);
	ext[192] = 8;    /* EXT_CSD_REV: 5.1 */
	ext[231] = 0x55; /* SEC_FEATURE_SUPPORT: SEC_SANITIZE, SEC_GB_CL_EN, BD_BLK_EN, SEC_ER_EN */
	ext[181] = 0x00; /* ERASED_MEM_CONT: zeros */
	ext[212] = 0x00; /* SEC_COUNT 0x00e90000 = 15269888 sectors, little endian */
	ext[213] = 0x00;
	ext[214] = 0xe9;
	ext[215] = 0x00;
	ext[224] = 1;    /* HC_ERASE_GRP_SIZE: 512 KiB */
	ext[175] = 1;    /* ERASE_GROUP_DEF: high-capacity sizes in force */
	ext[226] = 32;   /* BOOT_SIZE_MULT: 32 x 128 KiB */
	ext[168] = 32;   /* RPMB_SIZE_MULT */
	ext[179] = 0x48; /* PARTITION_CONFIG: boot ack, boot partition 1 enabled */
}

START_TEST(test_ext_csd_emmc51)
{
	uint8_t ext[512];
	struct ws_mmc_info m = { 0 };
	unsigned bits;

	emmc51(ext);
	ws_mmc_parse_ext_csd(ext, &m);
	ck_assert(m.present);
	ck_assert_uint_eq(m.ext_csd_rev, 8);
	ck_assert(m.sec_er_en && m.sec_gb_cl_en && m.sec_sanitize);
	ck_assert_uint_eq(m.sec_count, 15269888u);
	ck_assert(m.sector_addressing); /* 7.28 GiB: above 2 GiB */
	ck_assert_uint_eq(m.erase_group_bytes, 512u << 10);
	ck_assert_uint_eq(m.boot_size_bytes, 4u << 20);
	ck_assert_uint_eq(m.rpmb_size_bytes, 4u << 20);
	ck_assert_uint_eq(m.partition_config, 0x48);
	ck_assert_uint_eq(ws_mmc_erased_byte(&m), 0x00);
	bits = ws_mmc_methods(&m);
	ck_assert_uint_eq(bits, WS_TECH_BIT(WS_TECH_MMC_ERASE) | WS_TECH_BIT(WS_TECH_MMC_TRIM) |
	                            WS_TECH_BIT(WS_TECH_MMC_SECURE_ERASE) |
	                            WS_TECH_BIT(WS_TECH_MMC_SECURE_TRIM) |
	                            WS_TECH_BIT(WS_TECH_MMC_SANITIZE));
}
END_TEST

START_TEST(test_ext_csd_bits_one_by_one)
{
	uint8_t ext[512];
	struct ws_mmc_info m = { 0 };

	emmc51(ext);
	ext[231] = 0x10; /* TRIM only (SEC_GB_CL_EN) */
	ext[181] = 0x01; /* erased memory reads as ones */
	ext[175] = 0;    /* the CSD's erase group size: not the EXT_CSD's */
	ws_mmc_parse_ext_csd(ext, &m);
	ck_assert_uint_eq(ws_mmc_methods(&m),
	                  WS_TECH_BIT(WS_TECH_MMC_ERASE) | WS_TECH_BIT(WS_TECH_MMC_TRIM));
	ck_assert_uint_eq(ws_mmc_erased_byte(&m), 0xff);
	ck_assert_uint_eq(m.erase_group_bytes, 0);
	memset(&m, 0, sizeof(m));
	ext[231] = 0x01; /* secure erase without TRIM: no secure trim (both bits, do_erase()) */
	ws_mmc_parse_ext_csd(ext, &m);
	ck_assert_uint_eq(ws_mmc_methods(&m),
	                  WS_TECH_BIT(WS_TECH_MMC_ERASE) | WS_TECH_BIT(WS_TECH_MMC_SECURE_ERASE));
	memset(&m, 0, sizeof(m));
	ext[231] = 0x40; /* sanitize alone: unmapped by ERASE first */
	ext[212] = 0x00, ext[213] = 0x00, ext[214] = 0x10, ext[215] = 0x00; /* 512 MiB */
	ws_mmc_parse_ext_csd(ext, &m);
	ck_assert_uint_eq(ws_mmc_methods(&m),
	                  WS_TECH_BIT(WS_TECH_MMC_ERASE) | WS_TECH_BIT(WS_TECH_MMC_SANITIZE));
	ck_assert(!m.sector_addressing); /* 512 MiB: byte addressed unless the OCR says */
	ck_assert_uint_eq(m.sec_count, 0x100000u);
	/* no EXT_CSD at all: nothing advertised */
	memset(&m, 0, sizeof(m));
	ck_assert_uint_eq(ws_mmc_methods(&m), 0);
}
END_TEST

START_TEST(test_rows)
{
	static const struct {
		enum ws_technique t;
		const char *name, *nist;
		int kind;
	} rows[] = {
		{ WS_TECH_MMC_ERASE, "mmc-erase", "Clear", WS_MMC_ERASE },
		{ WS_TECH_MMC_TRIM, "mmc-trim", "Clear", WS_MMC_TRIM },
		{ WS_TECH_MMC_SECURE_ERASE, "mmc-secure-erase", "Purge", WS_MMC_SECURE_ERASE },
		{ WS_TECH_MMC_SECURE_TRIM, "mmc-secure-trim", "Purge", WS_MMC_SECURE_TRIM },
		{ WS_TECH_MMC_SANITIZE, "mmc-sanitize", "Purge", WS_MMC_SANITIZE },
	};
	struct ws_device dev = { .transport = "mmc", .rotational = 0 };

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ws_technique_info *r = ws_technique_info(rows[i].t);

		ck_assert_str_eq(r->name, rows[i].name);
		ck_assert_str_eq(r->nist, rows[i].nist);
		ck_assert_int_eq(r->transport, WS_TRANSPORT_MMC);
		ck_assert_int_eq(r->action_kind, WS_ACTION_MMC_ERASE);
		ck_assert_int_eq(r->action, rows[i].kind);
		ck_assert(ws_transport_for(rows[i].t) == &ws_mmc_transport);
	}
	/* purge on an eMMC: sanitize first, then secure erase, then secure trim; never ERASE */
	dev.methods = ws_mmc_methods(&(struct ws_mmc_info){
	    .present = true, .sec_er_en = true, .sec_gb_cl_en = true, .sec_sanitize = true });
	ck_assert_int_eq(ws_technique_strongest(&dev), WS_TECH_MMC_SANITIZE);
	dev.methods &= ~WS_TECH_BIT(WS_TECH_MMC_SANITIZE);
	ck_assert_int_eq(ws_technique_strongest(&dev), WS_TECH_MMC_SECURE_ERASE);
	dev.methods &= ~WS_TECH_BIT(WS_TECH_MMC_SECURE_ERASE);
	ck_assert_int_eq(ws_technique_strongest(&dev), WS_TECH_MMC_SECURE_TRIM);
	dev.methods = WS_TECH_BIT(WS_TECH_MMC_ERASE) | WS_TECH_BIT(WS_TECH_MMC_TRIM);
	ck_assert_int_eq(ws_technique_strongest(&dev), WS_TECH_OVERWRITE);
}
END_TEST

/* A scan of a machine with one eMMC (a fixture tree made here: sysfs as the MMC block driver
 * lays it out, /sys/class/block/mmcblk0, mmcblk0boot0, mmcblk0boot1, mmcblk0rpmb) lists one
 * drive: the boot partitions and the RPMB are its areas, never drives of their own. */
START_TEST(test_scan_lists_one_drive)
{
	char root[] = "/tmp/wstest-mmc-XXXXXX";
	static const char *const names[] = { "mmcblk0", "mmcblk0boot0", "mmcblk0boot1",
		                             "mmcblk0rpmb", "mmcblk0boot0x" };
	struct ws_device_list *list = NULL;
	struct ws_ctx *ctx = NULL;
	int n;

	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(test_sh(NULL,
	                         "mkdir -p '%s/proc/self' '%s/dev' && : > '%s/proc/swaps' && "
	                         ": > '%s/proc/self/mountinfo'",
	                         root, root, root, root),
	                 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_int_eq(test_sh(NULL,
		                         "d='%s/sys/class/block/%s' && mkdir -p \"$d\" && "
		                         "echo 8192 > \"$d/size\" && echo 179:%zu > \"$d/dev\"",
		                         root, names[i], i * 8),
		                 0);
	ck_assert_int_eq(ws_ctx_new(&ctx), 0);
	for (int i = WS_ROOT_SYS; i <= WS_ROOT_DEV; i++) {
		char *p = test_fmt("%s/%s", root,
		                   i == WS_ROOT_SYS    ? "sys"
		                   : i == WS_ROOT_PROC ? "proc"
		                                       : "dev");

		ck_assert_int_eq(ws_ctx_set_root(ctx, (enum ws_root)i, p), 0);
		free(p);
	}
	ck_assert_int_eq(ws_device_list_new(&list), 0);
	n = ws_device_list_scan(ctx, list, WS_SCAN_ALL);
	/* mmcblk0 and a name that only looks like a boot partition (not bootN) */
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(ws_device_list_get(list, 0)->name, "mmcblk0");
	ck_assert_str_eq(ws_device_list_get(list, 0)->transport, "mmc");
	ck_assert_str_eq(ws_device_list_get(list, 1)->name, "mmcblk0boot0x");
	ws_device_list_free(list);
	ws_ctx_free(ctx);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", root), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mmc");
	TCase *tc = tcase_create("kat");

	tcase_set_timeout(
	    tc, 60); /* the scan test builds its tree with a shell: slow on a loaded machine */

	tcase_add_test(tc, test_send_ext_csd);
	tcase_add_test(tc, test_switch_sanitize_start);
	tcase_add_test(tc, test_send_status);
	tcase_add_test(tc, test_erase_triplet);
	tcase_add_test(tc, test_erase_arguments);
	tcase_add_test(tc, test_ext_csd_emmc51);
	tcase_add_test(tc, test_ext_csd_bits_one_by_one);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_scan_lists_one_drive);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
