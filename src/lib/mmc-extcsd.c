/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmc-extcsd.c - what an eMMC's EXT_CSD (JEDEC JESD84-B51, "Extended CSD register") says about
 * erasing it: which erase commands it takes, what erased memory reads as, how large its user
 * area, boot partitions and RPMB are. Pure functions over the 512 bytes, so that
 * tests/unit/test-mmc-kat.c can feed them byte-laid-out fixtures.
 *
 * Secure Erase and Secure Trim were made obsolete by eMMC 4.51 (EXT_CSD_REV 6); devices that
 * no longer carry them out clear SEC_ER_EN. We follow the bit, as the kernel does
 * (mmc_can_secure_erase_trim() in drivers/mmc/core/core.c): a device that still sets it says it
 * still does them.
 */
#include <string.h>

#include "mmc-internal.h"

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void ws_mmc_parse_ext_csd(const uint8_t *ext, struct ws_mmc_info *ret)
{
	uint8_t sec = ext[WS_EXT_CSD_SEC_FEATURE_SUPPORT];

	ret->present = true;
	ret->ext_csd_rev = ext[WS_EXT_CSD_REV];
	ret->sec_feature_support = sec;
	ret->sec_er_en = sec & WS_EXT_CSD_SEC_ER_EN;
	ret->sec_gb_cl_en = sec & WS_EXT_CSD_SEC_GB_CL_EN;
	ret->sec_sanitize = sec & WS_EXT_CSD_SEC_SANITIZE;
	/* bit 0 only: 1 means erased memory reads as ones */
	ret->erased_mem_cont = ext[WS_EXT_CSD_ERASED_MEM_CONT] & 1u;
	ret->sec_count = le32_at(ext + WS_EXT_CSD_SEC_CNT);
	ret->erase_group_bytes = (ext[WS_EXT_CSD_ERASE_GROUP_DEF] & 1u)
	                             ? (uint32_t)ext[WS_EXT_CSD_HC_ERASE_GRP_SIZE] * (512u << 10)
	                             : 0;
	ret->partition_config = ext[WS_EXT_CSD_PART_CONFIG];
	ret->boot_size_bytes = (uint64_t)ext[WS_EXT_CSD_BOOT_MULT] * (128u << 10);
	ret->rpmb_size_bytes = (uint64_t)ext[WS_EXT_CSD_RPMB_MULT] * (128u << 10);
	/* a device above 2 GiB is sector addressed (JESD84-B51, "Access mode validation"); the
	 * OCR, where sysfs gives it, decides for smaller ones (mmc.c) */
	ret->sector_addressing = ret->sec_count > (2ull << 30) / 512;
}

unsigned ws_mmc_methods(const struct ws_mmc_info *m)
{
	unsigned bits = 0;

	if (!m->present)
		return 0;
	bits |= WS_TECH_BIT(WS_TECH_MMC_ERASE); /* erase class 5 is mandatory */
	if (m->sec_gb_cl_en)
		bits |= WS_TECH_BIT(WS_TECH_MMC_TRIM);
	if (m->sec_er_en)
		bits |= WS_TECH_BIT(WS_TECH_MMC_SECURE_ERASE);
	if (m->sec_er_en && m->sec_gb_cl_en) /* mmc-utils do_erase: both bits for secure trim */
		bits |= WS_TECH_BIT(WS_TECH_MMC_SECURE_TRIM);
	if (m->sec_sanitize)
		bits |= WS_TECH_BIT(WS_TECH_MMC_SANITIZE);
	return bits;
}

uint8_t ws_mmc_erased_byte(const struct ws_mmc_info *m)
{
	return m->erased_mem_cont ? 0xff : 0x00;
}
