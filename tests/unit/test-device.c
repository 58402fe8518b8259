/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-device.c - discovery on the fixture machine (tests/fixtures/machine1): identity from
 * sysfs without a udev database, usage (mounts, swap, LVM), the gate's verdicts and the JSON
 * document. The expected values are read off the fixture's README, not from our own code.
 *
 * The fixture holds an NVMe system disk under LVM with the hidden multipath path nvme0c0n1 beside
 * it (left out of every scan), a SATA disk with active swap, an eligible USB stick, a USB DVD
 * writer with a writable disc (SCSI type 5: optical, refused), a read-only virtio disk whose serial
 * holds an escape sequence, an attached and an unattached loop device, and a dm device.
 * test_fixture_ctx() points a context's sys, proc and dev roots at it with ws_ctx_set_root(); a
 * context whose sysfs root is not /sys does not ask libudev, so every fact here comes through the
 * sysfs fallback (docs/testing.md, The fixture machine).
 */
#include <check.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "testutil.h"

static struct ws_ctx *ctx;
static struct ws_device_list *list;

static void setup(void)
{
	ctx = test_fixture_ctx("machine1");
	ck_assert_int_eq(ws_device_list_new(&list), 0);
	ck_assert_int_ge(ws_device_list_scan(ctx, list, WS_SCAN_ALL), 0);
}

static void teardown(void)
{
	list = ws_device_list_free(list);
	ctx = ws_ctx_free(ctx);
}

static const struct ws_device *find(const char *name)
{
	for (size_t i = 0; i < ws_device_list_count(list); i++) {
		const struct ws_device *d = ws_device_list_get(list, i);

		if (d->name && strcmp(d->name, name) == 0)
			return d;
	}
	ck_abort_msg("%s not listed", name);
	return NULL;
}

static bool has_reason(const struct ws_device *d, const char *reason)
{
	return ws_strv_contains(&d->ineligible_reasons, reason);
}

START_TEST(test_scan_all_lists_disks_not_partitions)
{
	static const char *const want[] = {
		"dm-0", "loop0", "nvme0n1", "sda", "sdb", "sr0", "vda"
	};

	ck_assert_uint_eq(ws_device_list_count(list), ELEMENTSOF(want));
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		ck_assert_str_eq(ws_device_list_get(list, i)->name, want[i]);
}
END_TEST

START_TEST(test_scan_default_shows_only_eligible_drives)
{
	struct ws_device_list *l = NULL;

	ck_assert_int_eq(ws_device_list_new(&l), 0);
	ck_assert_int_eq(ws_device_list_scan(ctx, l, 0), 1);
	ck_assert_str_eq(ws_device_list_get(l, 0)->name, "sdb");
	ws_device_list_free(l);
}
END_TEST

START_TEST(test_nvme_identity_and_system_disk)
{
	const struct ws_device *d = find("nvme0n1");

	ck_assert_str_eq(d->path, WS_FIXTURES_DIR "/machine1/dev/nvme0n1");
	ck_assert_str_eq(d->model, "Samsung SSD 980 PRO 1TB");
	ck_assert_str_eq(d->serial, "S5GXNF0R123456");
	ck_assert_str_eq(d->firmware, "5B2QGXA7");
	ck_assert_str_eq(d->wwn, "eui.002538b911b4c1d2");
	ck_assert_str_eq(d->transport, "nvme");
	ck_assert_uint_eq(d->size_bytes, 1953525168ULL * 512);
	ck_assert_int_eq(d->rotational, 0);
	ck_assert_int_eq(d->source, WS_SOURCE_SYSFS);
	ck_assert(!d->is_virtual);
	ck_assert(d->holds_root);
	ck_assert(d->holds_boot);
	ck_assert(!d->eligible);
	ck_assert(has_reason(d, "mounted: / on dm-0"));
	ck_assert(has_reason(d, "mounted: /boot on nvme0n1p1"));
	ck_assert(has_reason(d, "holds the root file system"));
	ck_assert(has_reason(d, "holds the boot file system"));
	ck_assert(has_reason(d, "held by LVM: dm-0 (vg0-root) on nvme0n1p2"));
	ck_assert_uint_eq(d->n_holders, 1);
	ck_assert_str_eq(d->holders[0].kind, "LVM");
}
END_TEST

START_TEST(test_sata_serial_from_vpd_and_swap)
{
	const struct ws_device *d = find("sda");

	ck_assert_str_eq(d->vendor, "ATA");
	ck_assert_str_eq(d->model, "Samsung SSD 870");
	ck_assert_str_eq(d->serial, "S6PTNZ0R654321X");
	ck_assert_str_eq(d->firmware, "2B6Q");
	ck_assert_str_eq(d->wwn, "naa.5002538f42a1b2c3");
	ck_assert_str_eq(d->transport, "sata");
	ck_assert_uint_eq(d->physical_sector_size, 4096);
	ck_assert_uint_eq(d->logical_sector_size, 512);
	ck_assert(!d->holds_root);
	ck_assert(!d->eligible);
	ck_assert(has_reason(d, "active swap: sda1"));
	ck_assert_uint_eq(d->ineligible_reasons.n, 1);
}
END_TEST

START_TEST(test_usb_stick_is_eligible)
{
	const struct ws_device *d = find("sdb");

	ck_assert_str_eq(d->transport, "usb");
	ck_assert_str_eq(d->vendor, "SanDisk");
	ck_assert_str_eq(d->model, "Ultra");
	ck_assert_ptr_null(d->serial);
	ck_assert(d->removable);
	ck_assert_int_eq(d->rotational, 1);
	ck_assert(d->eligible);
	ck_assert_uint_eq(d->ineligible_reasons.n, 0);
	ck_assert_uint_eq(d->methods, WS_METHODS_OVERWRITE);
	/* no serial: the operator confirms with the path */
	ck_assert_str_eq(ws_device_confirm_token(d), d->path);
}
END_TEST

/* A DVD writer behind a USB bridge (SCSI peripheral type 5 in device/type) with a writable
 * disc: optical whatever the bus, so never offered for overwriting. */
START_TEST(test_usb_optical_drive_is_not_eligible)
{
	const struct ws_device *d = find("sr0");

	ck_assert_str_eq(d->transport, "optical");
	ck_assert_str_eq(d->model, "DVDRAM GP57EB40");
	ck_assert(!d->read_only);
	ck_assert(!d->eligible);
	ck_assert(has_reason(d, "optical drive: cannot be overwritten"));
	ck_assert_uint_eq(d->methods, 0);
}
END_TEST

/* nvme0c0n1 is the hidden path (hidden = 1, no /dev node) under nvme0n1, the mounted system
 * disk: neither scan lists it. */
START_TEST(test_hidden_nvme_path_is_left_out)
{
	struct ws_device_list *l = NULL;

	for (size_t i = 0; i < ws_device_list_count(list); i++)
		ck_assert_str_ne(ws_device_list_get(list, i)->name, "nvme0c0n1");
	ck_assert_int_eq(ws_device_list_new(&l), 0);
	ck_assert_int_ge(ws_device_list_scan(ctx, l, 0), 0);
	for (size_t i = 0; i < ws_device_list_count(l); i++)
		ck_assert_str_ne(ws_device_list_get(l, i)->name, "nvme0c0n1");
	ws_device_list_free(l);
}
END_TEST

START_TEST(test_read_only_virtio)
{
	const struct ws_device *d = find("vda");

	ck_assert_str_eq(d->transport, "virtio");
	ck_assert(d->read_only);
	ck_assert(has_reason(d, "read-only"));
	ck_assert_uint_eq(d->methods, 0);
	ck_assert_ptr_null(d->vendor); /* virtio's "0x1af4" would be a number, not a name */
}
END_TEST

START_TEST(test_loop_and_dm)
{
	const struct ws_device *l = find("loop0");
	const struct ws_device *dm = find("dm-0");

	ck_assert_str_eq(l->transport, "loop");
	ck_assert(l->is_virtual);
	ck_assert_str_eq(l->loop_backing_file, "/var/tmp/disk.img");
	ck_assert(has_reason(l, "mounted: /mnt/with space on loop0"));
	ck_assert(!l->holds_root);
	ck_assert(dm->is_virtual);
	ck_assert(has_reason(dm, "virtual device (dm): wipe the drive beneath it"));
	ck_assert(has_reason(dm, "mounted: / on dm-0"));
	ck_assert(dm->holds_root);
}
END_TEST

START_TEST(test_json_escapes_what_drives_report)
{
	char *text = NULL;
	struct json_object *root, *devs, *vda = NULL;

	ck_assert_int_eq(ws_device_list_to_json(list, 0, &text), 0);
	ck_assert_ptr_null(strchr(text, '\x1b'));
	ck_assert_ptr_nonnull(strstr(text, "QM\\u001b[2J0001"));
	root = json_tokener_parse(text);
	ck_assert_ptr_nonnull(root);
	ck_assert(json_object_object_get_ex(root, "devices", &devs));
	ck_assert_uint_eq(json_object_array_length(devs), 7);
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i), *name;

		if (json_object_object_get_ex(d, "name", &name) &&
		    strcmp(json_object_get_string(name), "vda") == 0)
			vda = d;
	}
	ck_assert_ptr_nonnull(vda);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(vda, "serial")),
	                 "QM\x1b[2J0001");
	ck_assert(!json_object_get_boolean(json_object_object_get(vda, "eligible")));
	ck_assert_ptr_null(json_object_object_get(vda, "model")); /* unknown is null */
	json_object_put(root);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("device");
	TCase *tc = tcase_create("fixture machine1");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_scan_all_lists_disks_not_partitions);
	tcase_add_test(tc, test_scan_default_shows_only_eligible_drives);
	tcase_add_test(tc, test_nvme_identity_and_system_disk);
	tcase_add_test(tc, test_sata_serial_from_vpd_and_swap);
	tcase_add_test(tc, test_usb_stick_is_eligible);
	tcase_add_test(tc, test_usb_optical_drive_is_not_eligible);
	tcase_add_test(tc, test_hidden_nvme_path_is_left_out);
	tcase_add_test(tc, test_read_only_virtio);
	tcase_add_test(tc, test_loop_and_dm);
	tcase_add_test(tc, test_json_escapes_what_drives_report);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
