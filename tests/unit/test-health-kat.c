/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-health-kat.c - known answers for the health decoders (health.c, smart.c): logs built here
 * through layouts that are not the product's.
 *
 * Sources:
 *   NVMe: libnvme's struct nvme_smart_log (nvme/types.h, as nvme-cli's smart-log reads it),
 *     filled by its field names: critical_warning, temperature[2] (kelvin), avail_spare,
 *     spare_thresh, percent_used, power_on_hours[16], unsafe_shutdowns[16], media_errors[16],
 *     num_err_log_entries[16]; the NVMe Base 2.0 offsets are asserted against it.
 *   ATA: smartmontools' atacmds.h, struct ata_smart_values (revnumber, 30 x struct
 *     ata_smart_attribute {id, flags, current, worst, raw[6], reserv}, the collection
 *     fields, chksum) and struct ata_smart_thresholds_pvt (30 x {id, threshold,
 *     reserved[10]}); the checksum as its checksum(): all 512 bytes sum to 0. Names as
 *     drivedb.h's default settings. SMART RETURN STATUS as ACS-3 7.48.7 / smartmontools'
 *     ataSmartStatus2(): LBA mid/high 4Fh/C2h passed, F4h/2Ch threshold exceeded.
 *   The SMART commands' CDBs from SAT-3 ATA PASS-THROUGH(16), written out byte by byte.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <nvme/types.h>

#include "health-internal.h"
#include <json-c/json.h>

#include "testutil.h"

/* smartmontools' layout, re-declared here */
struct smart_attribute {
	uint8_t id;
	uint16_t flags;
	uint8_t current, worst;
	uint8_t raw[6];
	uint8_t reserv;
} __attribute__((packed));

struct smart_values {
	uint16_t revnumber;
	struct smart_attribute vendor_attributes[30];
	uint8_t offline_data_collection_status, self_test_exec_status;
	uint16_t total_time_to_complete_off_line;
	uint8_t vendor_specific_366, offline_data_collection_capability;
	uint16_t smart_capability;
	uint8_t errorlog_capability, vendor_specific_371, short_test_completion_time,
	    extend_test_completion_time_b, conveyance_test_completion_time;
	uint16_t extend_test_completion_time_w;
	uint8_t reserved_377_385[9], vendor_specific_386_510[125], chksum;
} __attribute__((packed));

struct smart_threshold_entry {
	uint8_t id, threshold, reserved[10];
} __attribute__((packed));

struct smart_thresholds {
	uint16_t revnumber;
	struct smart_threshold_entry thres_entries[30];
	uint8_t reserved[149], chksum;
} __attribute__((packed));

_Static_assert(sizeof(struct smart_values) == 512, "smartmontools' layout");
_Static_assert(sizeof(struct smart_thresholds) == 512, "smartmontools' layout");

static void seal(void *p)
{
	uint8_t *b = p, sum = 0;

	for (int i = 0; i < 511; i++)
		sum = (uint8_t)(sum + b[i]);
	b[511] = (uint8_t)-sum;
}

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

START_TEST(test_nvme_smart_log)
{
	struct nvme_smart_log log;
	struct ws_health h;

	ck_assert_uint_eq(sizeof(log), 512);
	ck_assert_uint_eq(offsetof(struct nvme_smart_log, power_on_hours), 128);
	ck_assert_uint_eq(offsetof(struct nvme_smart_log, unsafe_shutdowns), 144);
	ck_assert_uint_eq(offsetof(struct nvme_smart_log, media_errors), 160);
	ck_assert_uint_eq(offsetof(struct nvme_smart_log, num_err_log_entries), 176);
	memset(&log, 0, sizeof(log));
	log.critical_warning = 0x05; /* spare below threshold, read-only */
	log.temperature[0] = 0x3c;   /* 316 K */
	log.temperature[1] = 0x01;
	log.avail_spare = 7;
	log.spare_thresh = 10;
	log.percent_used = 120; /* may exceed 100 */
	le(log.power_on_hours, 0x0102030405ull, 8);
	le(log.unsafe_shutdowns, 9, 8);
	le(log.media_errors, 3, 8);
	le(log.num_err_log_entries, 77, 8);
	log.data_units_written[0] = 0xff; /* not ours to read: must not leak in */
	ws_health_init(&h);
	ws_nvme_health_parse((const uint8_t *)&log, &h);
	ck_assert_str_eq(h.source, "NVMe SMART / Health Information log");
	ck_assert_int_eq(h.critical_warning, 5);
	ck_assert_int_eq(h.temperature_k, 316);
	ck_assert_int_eq(h.available_spare, 7);
	ck_assert_int_eq(h.spare_threshold, 10);
	ck_assert_int_eq(h.percentage_used, 120);
	ck_assert_int_eq(h.power_on_hours, 0x0102030405ll);
	ck_assert_int_eq(h.unsafe_shutdowns, 9);
	ck_assert_int_eq(h.media_errors, 3);
	ck_assert_int_eq(h.error_log_entries, 77);
	ck_assert_int_eq(h.smart_passed, -1);
	ck_assert_uint_eq(h.n_attrs, 0);
	log.media_errors[15] = 1; /* beyond 64 bits: as far as the field holds */
	ws_nvme_health_parse((const uint8_t *)&log, &h);
	ck_assert_int_eq(h.media_errors, INT64_MAX);
}
END_TEST

START_TEST(test_ata_smart_data)
{
	struct smart_values v;
	struct smart_thresholds t;
	struct ws_health h;

	memset(&v, 0, sizeof(v));
	memset(&t, 0, sizeof(t));
	v.revnumber = 16;
	v.vendor_attributes[0] =
	    (struct smart_attribute){ .id = 5, .flags = 0x0033, .current = 100, .worst = 99 };
	le(v.vendor_attributes[0].raw, 8, 6);
	/* slot 1 empty: skipped; slot 2 a 48-bit raw value */
	v.vendor_attributes[2] =
	    (struct smart_attribute){ .id = 241, .flags = 0x0032, .current = 99, .worst = 98 };
	le(v.vendor_attributes[2].raw, 0xba9876543210ull, 6);
	v.vendor_attributes[2].reserv = 0xee; /* not part of the raw value */
	v.vendor_attributes[29] = (struct smart_attribute){ .id = 194, .current = 65, .worst = 40 };
	v.vendor_attributes[29].raw[0] = 35;
	seal(&v);
	/* the thresholds in another order */
	t.thres_entries[0] = (struct smart_threshold_entry){ .id = 194, .threshold = 0 };
	t.thres_entries[1] = (struct smart_threshold_entry){ .id = 5, .threshold = 36 };
	seal(&t);
	ws_health_init(&h);
	ck_assert_int_eq(ws_smart_parse((const uint8_t *)&v, (const uint8_t *)&t, &h), 0);
	ck_assert_str_eq(h.source, "ATA SMART READ DATA");
	ck_assert_uint_eq(h.n_attrs, 3);
	ck_assert_uint_eq(h.attrs[0].id, 5);
	ck_assert_uint_eq(h.attrs[0].flags, 0x0033);
	ck_assert_uint_eq(h.attrs[0].value, 100);
	ck_assert_uint_eq(h.attrs[0].worst, 99);
	ck_assert_uint_eq(h.attrs[0].threshold, 36);
	ck_assert_uint_eq(h.attrs[0].raw, 8);
	ck_assert_uint_eq(h.attrs[1].id, 241);
	ck_assert_uint_eq(h.attrs[1].raw, 0xba9876543210ull);
	ck_assert_uint_eq(h.attrs[1].threshold, 0);
	ck_assert_uint_eq(h.attrs[2].id, 194);
	ck_assert_uint_eq(h.attrs[2].raw, 35);
	/* thresholds that fail their checksum are not taken */
	t.chksum ^= 1;
	ck_assert_int_eq(ws_smart_parse((const uint8_t *)&v, (const uint8_t *)&t, &h), 0);
	ck_assert_uint_eq(h.attrs[0].threshold, 0);
	/* data that fails its checksum is not taken at all */
	v.chksum ^= 1;
	ck_assert_int_eq(ws_smart_parse((const uint8_t *)&v, NULL, &h), -EBADMSG);
}
END_TEST

START_TEST(test_attribute_names)
{
	ck_assert_str_eq(ws_smart_attr_name(5, -1), "Reallocated_Sector_Ct");
	ck_assert_str_eq(ws_smart_attr_name(9, -1), "Power_On_Hours");
	ck_assert_str_eq(ws_smart_attr_name(12, -1), "Power_Cycle_Count");
	ck_assert_str_eq(ws_smart_attr_name(177, -1), "Wear_Leveling_Count");
	ck_assert_str_eq(ws_smart_attr_name(187, -1), "Reported_Uncorrect");
	ck_assert_str_eq(ws_smart_attr_name(194, -1), "Temperature_Celsius");
	ck_assert_str_eq(ws_smart_attr_name(196, -1), "Reallocated_Event_Count");
	ck_assert_str_eq(ws_smart_attr_name(197, -1), "Current_Pending_Sector");
	ck_assert_str_eq(ws_smart_attr_name(198, -1), "Offline_Uncorrectable");
	ck_assert_str_eq(ws_smart_attr_name(199, -1), "UDMA_CRC_Error_Count");
	ck_assert_str_eq(ws_smart_attr_name(231, -1), "Temperature_Celsius");
	ck_assert_str_eq(ws_smart_attr_name(233, -1), "Media_Wearout_Indicator");
	ck_assert_str_eq(ws_smart_attr_name(241, -1), "Total_LBAs_Written");
	ck_assert_str_eq(ws_smart_attr_name(242, -1), "Total_LBAs_Read");
	ck_assert_str_eq(ws_smart_attr_name(233, 1), "Unknown_SSD_Attribute");
	ck_assert_str_eq(ws_smart_attr_name(193, 0), "Unknown_HDD_Attribute");
	ck_assert_str_eq(ws_smart_attr_name(100, -1), "Unknown_Attribute");
}
END_TEST

START_TEST(test_smart_commands)
{
	/* RETURN STATUS: PROTOCOL 3 (non-data) << 1, EXTEND 0 (28-bit); CK_COND; FEATURE DAh;
	 * LBA mid 4Fh (byte 10), high C2h (byte 12); COMMAND B0h */
	static const uint8_t status[16] = { 0x85, 0x06, 0x20, 0, 0xda, 0, 0,    0,
		                            0,    0,    0x4f, 0, 0xc2, 0, 0xb0, 0 };
	/* READ DATA: PROTOCOL 4 (PIO data-in) << 1; T_DIR | BYT_BLOK | T_LENGTH 10b; COUNT 1 */
	static const uint8_t data[16] = { 0x85, 0x08, 0x0e, 0, 0xd0, 0, 0x01, 0,
		                          0,    0,    0x4f, 0, 0xc2, 0, 0xb0, 0 };
	struct ws_ata_cmd c;
	struct ws_sg_args a = { 0 };
	struct ws_sense s = { .ata_valid = true };

	ws_smart_cmd(&c, 0xda);
	ws_ata_pt16(&a, &c);
	ck_assert(memcmp(a.cdb, status, 16) == 0);
	ck_assert_int_eq(a.dir, WS_SG_NONE);
	ws_smart_cmd(&c, 0xd0);
	ws_ata_pt16(&a, &c);
	ck_assert(memcmp(a.cdb, data, 16) == 0);
	ck_assert_int_eq(a.dir, WS_SG_FROM_DEV);
	s.ata_lba = 0xc24f00;
	ck_assert_int_eq(ws_smart_status_of(&s), 1);
	s.ata_lba = 0x2cf400;
	ck_assert_int_eq(ws_smart_status_of(&s), 0);
	s.ata_lba = 0;
	ck_assert_int_eq(ws_smart_status_of(&s), -1);
	s.ata_lba = 0xc24f00;
	s.ata_valid = false; /* the bridge returned no registers */
	ck_assert_int_eq(ws_smart_status_of(&s), -1);
}
END_TEST

START_TEST(test_health_json)
{
	struct ws_health h;
	struct json_object *o;

	ws_health_init(&h);
	ck_assert_ptr_null(ws_health_json(&h));
	ck_assert_str_eq(ws_health_unavailable(&h), "not read");
	h.read = true;
	h.source = WS_HEALTH_SOURCE_ATA;
	h.smart_passed = 0;
	h.temperature_k = -1;
	o = ws_health_json(&h);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "smart_status")),
	                 "threshold exceeded");
	ck_assert_ptr_null(json_object_object_get(o, "temperature_celsius"));
	ck_assert_ptr_null(json_object_object_get(o, "media_errors"));
	ck_assert_ptr_null(ws_health_unavailable(&h));
	json_object_put(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("health-kat");
	TCase *tc = tcase_create("known answers");

	tcase_add_test(tc, test_nvme_smart_log);
	tcase_add_test(tc, test_ata_smart_data);
	tcase_add_test(tc, test_attribute_names);
	tcase_add_test(tc, test_smart_commands);
	tcase_add_test(tc, test_health_json);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
