/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-transport.c - transport classification from kernel names and sysfs device paths,
 * including machines we do not have (paths as real kernels show them).
 *
 * Sysfs paths from real machines are fed to the classifier, with and without a SCSI peripheral
 * device type.
 */
#include <check.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static const struct {
	const char *name;
	const char *devpath;
	const char *id_bus;
	const char *want;
	bool is_virtual;
} cases[] = {
	{ "nvme0n1", "/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", NULL,
	  "nvme", false },
	{ "sda", "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda",
	  NULL, "sata", false },
	{ "sdb",
	  "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/"
	  "sdb",
	  "usb", "usb", false },
	/* an NVMe SSD in a USB enclosure is a USB drive to us: the bridge decides what works */
	{ "sdc",
	  "/sys/devices/pci0000:00/0000:00:14.0/usb4/4-1/4-1:1.0/host7/target7:0:0/7:0:0:0/block/"
	  "sdc",
	  "usb", "usb", false },
	{ "sdd",
	  "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/end_device-0:0/"
	  "target0:0:0/0:0:0:0/block/sdd",
	  NULL, "sas", false },
	{ "sde", "/sys/devices/pci0000:00/0000:00:05.0/virtio3/host2/target2:0:0/2:0:0:0/block/sde",
	  NULL, "scsi", false },
	{ "sdf", "/sys/devices/platform/host3/target3:0:0/3:0:0:0/block/sdf", "ata", "sata",
	  false },
	{ "sdg", "/sys/devices/platform/host4/target4:0:0/4:0:0:0/block/sdg", NULL, "scsi", false },
	{ "vda", "/sys/devices/pci0000:00/0000:00:04.0/virtio2/block/vda", NULL, "virtio", false },
	{ "mmcblk0", "/sys/devices/platform/soc/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0",
	  NULL, "mmc", false },
	{ "sr0", "/sys/devices/pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0/block/sr0",
	  NULL, "optical", false },
	{ "loop3", "/sys/devices/virtual/block/loop3", NULL, "loop", true },
	{ "dm-0", "/sys/devices/virtual/block/dm-0", NULL, "dm", true },
	{ "md127", "/sys/devices/virtual/block/md127", NULL, "md", true },
	{ "zram0", "/sys/devices/virtual/block/zram0", NULL, "zram", true },
	{ "nbd0", "/sys/devices/virtual/block/nbd0", NULL, "nbd", true },
	{ "xyz0", "/sys/devices/platform/xyz/block/xyz0", NULL, "unknown", false },
};

START_TEST(test_classify)
{
	bool is_virtual = !cases[_i].is_virtual;
	const char *got = ws_transport_classify(cases[_i].name, cases[_i].devpath, cases[_i].id_bus,
	                                        -1, &is_virtual);

	ck_assert_msg(strcmp(got, cases[_i].want) == 0, "%s: got %s, want %s", cases[_i].name, got,
	              cases[_i].want);
	ck_assert_msg(is_virtual == cases[_i].is_virtual, "%s: virtual flag", cases[_i].name);
}
END_TEST

/* What the drive is comes before how it hangs: the SCSI peripheral device type (SPC-4,
 * INQUIRY data: 0 direct access, 4 write-once, 5 CD/DVD) read from sysfs device/type. Paths as a
 * USB DVD writer (an LG GP57 behind its bridge) and a SATA one show them. */
static const struct {
	const char *name, *devpath, *id_bus;
	int scsi_type;
	const char *want;
} by_type[] = {
	{ "sr0",
	  "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-2/2-2:1.0/host7/target7:0:0/7:0:0:0/block/"
	  "sr0",
	  "usb", 5, "optical" },
	{ "sr1", "/sys/devices/pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0/block/sr1",
	  "ata", 5, "optical" },
	{ "sr2", "/sys/devices/platform/host9/target9:0:0/9:0:0:0/block/sr2", NULL, 4, "optical" },
	/* a disk in a USB enclosure stays a USB drive */
	{ "sdb",
	  "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/"
	  "sdb",
	  "usb", 0, "usb" },
	/* an sr device whose type cannot be read: its driver's name still says optical */
	{ "sr3", "/sys/devices/platform/host8/target8:0:0/8:0:0:0/block/sr3", NULL, -1, "optical" },
};

START_TEST(test_classify_by_peripheral_type)
{
	bool is_virtual = true;
	const char *got =
	    ws_transport_classify(by_type[_i].name, by_type[_i].devpath, by_type[_i].id_bus,
	                          by_type[_i].scsi_type, &is_virtual);

	ck_assert_msg(strcmp(got, by_type[_i].want) == 0, "%s: got %s, want %s", by_type[_i].name,
	              got, by_type[_i].want);
	ck_assert(!is_virtual);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("transport");
	TCase *tc = tcase_create("classify");

	tcase_add_loop_test(tc, test_classify, 0, (int)ELEMENTSOF(cases));
	tcase_add_loop_test(tc, test_classify_by_peripheral_type, 0, (int)ELEMENTSOF(by_type));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
