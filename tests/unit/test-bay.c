/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-bay.c - where a drive sits and why a technique is not open to it (src/lib/bay.c).
 *
 * The bay: the fixture machine's /dev/disk/by-path links (tests/fixtures/machine1/dev, as
 * udev makes them: relative links to ../../NAME, a compatibility "ata-1" beside "ata-1.0",
 * partition links beside the disks') give each disk the path of its link, the shortest
 * where there are two, and a loop device none; the short forms are written from
 * docs/station.md's rule for paths as udev's path_id names them, not from the code.
 * Frozen drives: the reason and the remedy for each freeze lock, and ws_technique_why_not()
 * for a frozen drive (the technique and purge: "frozen"), a technique the drive does not
 * advertise, a drive without a Purge technique, and one that can.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <wipeseal/bay.h>

#include "internal.h"
#include "testutil.h"

START_TEST(test_by_path_from_the_fixture)
{
	static const char *const want[][2] = {
		{ "sda", "pci-0000:00:17.0-ata-1" },
		{ "sdb", "pci-0000:00:14.0-usb-0:1:1.0-scsi-0:0:0:0" },
		{ "nvme0n1", "pci-0000:00:1d.0-nvme-1" },
		{ "loop0", NULL },
	};
	struct ws_ctx *ctx = test_fixture_ctx("machine1");
	struct ws_device_list *l = NULL;
	size_t found = 0;

	ck_assert_int_eq(ws_device_list_new(&l), 0);
	ck_assert_int_ge(ws_device_list_scan(ctx, l, WS_SCAN_ALL), 0);
	for (size_t i = 0; i < ws_device_list_count(l); i++) {
		const struct ws_device *d = ws_device_list_get(l, i);

		for (size_t k = 0; k < ELEMENTSOF(want); k++) {
			if (!d->name || strcmp(d->name, want[k][0]) != 0)
				continue;
			found++;
			if (want[k][1])
				ck_assert_msg(d->by_path && strcmp(d->by_path, want[k][1]) == 0,
				              "%s: %s", d->path, d->by_path);
			else
				ck_assert_msg(!d->by_path, "%s: %s", d->path, d->by_path);
		}
	}
	ck_assert_uint_eq(found, ELEMENTSOF(want));
	ws_device_list_free(l);
	ws_ctx_free(ctx);
}
END_TEST

START_TEST(test_short_forms)
{
	static const char *const cases[][2] = {
		{ "pci-0000:00:1f.2-ata-3", "ata-3" },
		{ "pci-0000:00:1f.2-ata-3.0", "ata-3" },
		{ "pci-0000:00:1f.2-ata-2.1", "ata-2.1" },
		{ "pci-0000:00:14.0-usb-0:1.4:1.0-scsi-0:0:0:0", "usb-1.4" },
		{ "pci-0000:00:14.0-usb-0:2:1.0-scsi-0:0:0:0", "usb-2" },
		{ "pci-0000:01:00.0-sas-phy2-lun-0", "sas-phy2" },
		{ "pci-0000:01:00.0-sas-exp0x500056b36789abff-phy12-lun-0",
		  "sas-exp0x500056b36789abff-phy12" },
		{ "pci-0000:3b:00.0-nvme-1", "nvme-3b:00" },
		{ "pci-0000:3b:00.1-nvme-1", "nvme-3b:00.1" },
		{ "pci-0000:00:10.0-scsi-0:0:1:0", "scsi-0:0:1:0" },
		{ "pci-0000:00:04.0", "00:04.0" },
		{ "platform-fe340000.mmc", "platform-fe340000.mmc" },
	};
	struct ws_device d = { 0 };
	char buf[64];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		d.by_path = (char *)(uintptr_t)cases[i][0];
		ck_assert_str_eq(ws_device_bay(&d, buf, sizeof(buf)), cases[i][1]);
	}
	d.by_path = NULL;
	ck_assert_str_eq(ws_device_bay(&d, buf, sizeof(buf)), "-");
	ck_assert_str_eq(ws_device_bay(NULL, buf, sizeof(buf)), "-");
}
END_TEST

START_TEST(test_frozen_and_why_not)
{
	struct ws_device d = { .path = (char *)(uintptr_t) "/dev/sdz", .rotational = 0 };
	const char *sh = NULL;
	char *why = NULL;

	d.methods = WS_METHODS_OVERWRITE | WS_TECH_BIT(WS_TECH_ATA_SANITIZE_CRYPTO) |
	            WS_TECH_BIT(WS_TECH_ATA_SANITIZE_BLOCK);
	ck_assert_ptr_null(ws_device_frozen(&d));
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_ATA_SANITIZE_CRYPTO, &sh, &why), 0);
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_PURGE, &sh, &why), 0);
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_OVERWRITE, &sh, &why), 0);

	/* a SANITIZE FREEZE LOCK: the sanitize techniques and purge are refused, with why */
	d.ata.sanitize_frozen = true;
	ck_assert_ptr_nonnull(strstr(ws_device_frozen(&d), "SANITIZE FREEZE LOCK"));
	ck_assert_ptr_nonnull(strstr(ws_device_frozen(&d), "wipeseal unfreeze"));
	ck_assert_ptr_nonnull(strstr(ws_device_frozen(&d), "re-plug the drive"));
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_ATA_SANITIZE_CRYPTO, &sh, &why),
	                 -EOPNOTSUPP);
	ck_assert_str_eq(sh, "frozen");
	ck_assert_msg(strstr(why, "/dev/sdz is frozen") && strstr(why, "wipeseal unfreeze"), "%s",
	              why);
	free(why);
	why = NULL;
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_PURGE, &sh, NULL), -EOPNOTSUPP);
	ck_assert_str_eq(sh, "frozen");
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_OVERWRITE, &sh, NULL), 0);
	/* not advertised at all */
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_NVME_SANITIZE_CRYPTO, &sh, &why),
	                 -EOPNOTSUPP);
	ck_assert_str_eq(sh, "not advertised");
	ck_assert_ptr_nonnull(strstr(why, "does not advertise nvme-sanitize-crypto"));
	free(why);
	why = NULL;
	/* a security freeze lock too; then a drive with no Purge technique */
	d.ata.security_frozen = true;
	ck_assert_ptr_nonnull(strstr(ws_device_frozen(&d), "SANITIZE and SECURITY FREEZE LOCK"));
	d.ata.sanitize_frozen = false;
	ck_assert_ptr_nonnull(strstr(ws_device_frozen(&d), "SECURITY FREEZE LOCK"));
	d.methods = WS_METHODS_OVERWRITE;
	d.ata.security_frozen = false;
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_PURGE, &sh, &why), -EOPNOTSUPP);
	ck_assert_str_eq(sh, "no Purge technique");
	ck_assert_ptr_nonnull(strstr(why, "has no Purge technique"));
	free(why);
	ck_assert_int_eq(ws_technique_why_not(&d, WS_TECH_COUNT, &sh, NULL), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bay");
	TCase *tc = tcase_create("bay");

	tcase_add_test(tc, test_by_path_from_the_fixture);
	tcase_add_test(tc, test_short_forms);
	tcase_add_test(tc, test_frozen_and_why_not);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
