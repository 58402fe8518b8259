/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cert-v2.c - the sections of a certificate of schema 2 (src/lib/cert-v2-*.c) built
 * from results written here: the drive's health either side (NVMe and ATA, and a drive not
 * read), the anomalies health and a firmware erase raise, the commands sent as hex, the
 * crypto erase traceability with "not reported by the device", the technique in IEEE
 * 2883's and Rev. 2's words, and the interface from the transport. The expected strings
 * are written from docs/certificate.md, not from the code.
 */
#include <check.h>
#include <string.h>

#include <json-c/json.h>

#include "cert-v2.h"
#include "health-internal.h"
#include "testutil.h"

static const char *s(struct json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (path[n] == '.');
	}
	return o ? json_object_get_string(o) : NULL;
}

/* Whether an array of strings holds one containing @needle. */
static bool holds(struct json_object *a, const char *needle)
{
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (strstr(json_object_get_string(json_object_array_get_idx(a, i)), needle))
			return true;
	return false;
}

static void nvme_health(struct ws_health *h, int64_t media_errors, int warning)
{
	*h = (struct ws_health){ .read = true,
		                 .source = "NVMe SMART / Health Information log",
		                 .when_ns = 1764648000000000000,
		                 .critical_warning = warning,
		                 .temperature_k = 310,
		                 .available_spare = 100,
		                 .spare_threshold = 10,
		                 .percentage_used = 3,
		                 .media_errors = media_errors,
		                 .error_log_entries = 0,
		                 .power_on_hours = 1234,
		                 .unsafe_shutdowns = 7,
		                 .smart_passed = 0 /* not an ATA field: ignored on NVMe */ };
}

START_TEST(test_health_nvme_and_not_read)
{
	struct ws_health h, none = { 0 };
	struct json_object *o;

	nvme_health(&h, 2, 0);
	o = ws_health_json(&h);
	ck_assert_str_eq(s(o, "source"), "NVMe SMART / Health Information log");
	ck_assert_str_eq(s(o, "read"), "2025-12-02T04:00:00.000Z");
	ck_assert_str_eq(s(o, "temperature_celsius"), "37");
	ck_assert_str_eq(s(o, "percentage_used"), "3");
	ck_assert_str_eq(s(o, "media_errors"), "2");
	ck_assert_str_eq(s(o, "unsafe_shutdowns"), "7");
	ck_assert_ptr_null(s(o, "smart_status"));
	ck_assert_int_eq((int)json_object_array_length(json_object_object_get(o, "attributes")), 0);
	json_object_put(o);
	ck_assert_ptr_null(ws_health_json(&none)); /* not read: null */
}
END_TEST

START_TEST(test_health_ata)
{
	struct ws_health h = { .read = true,
		               .source = "ATA SMART READ DATA",
		               .when_ns = 1764648000000000000,
		               .critical_warning = -1,
		               .media_errors = -1,
		               .smart_passed = 1,
		               .n_attrs = 2 };
	struct json_object *o, *a;

	h.attrs[0] = (struct ws_health_attr){
		.id = 5, .value = 100, .worst = 100, .threshold = 10, .raw = 0
	};
	h.attrs[1] = (struct ws_health_attr){ .id = 100, .value = 1, .worst = 2, .raw = 77 };
	o = ws_health_json(&h);
	ck_assert_str_eq(s(o, "smart_status"), "passed");
	ck_assert_ptr_null(s(o, "media_errors"));
	ck_assert_ptr_null(s(o, "critical_warning"));
	a = json_object_object_get(o, "attributes");
	ck_assert_int_eq((int)json_object_array_length(a), 2);
	ck_assert_str_eq(s(json_object_array_get_idx(a, 0), "name"), "Reallocated_Sector_Ct");
	ck_assert_str_eq(s(json_object_array_get_idx(a, 0), "threshold"), "10");
	ck_assert_ptr_null(s(json_object_array_get_idx(a, 1), "name"));
	ck_assert_ptr_null(s(json_object_array_get_idx(a, 1), "threshold"));
	ck_assert_str_eq(s(json_object_array_get_idx(a, 1), "raw"), "77");
	json_object_put(o);
}
END_TEST

START_TEST(test_verification_anomalies)
{
	struct ws_result r = { .technique = WS_TECH_NVME_SANITIZE_BLOCK,
		               .status = WS_STATUS_SUCCESS };
	struct json_object *o, *an;

	nvme_health(&r.health_before, 2, 0);
	nvme_health(&r.health_after, 5, 0x04);
	r.firmware.too_fast = true;
	r.firmware.estimate_s = 600;
	r.verify.mode = WS_VERIFY_SAMPLE;
	r.verified = true;
	r.verify.bytes_checked = 4096;
	o = ws_cert2_verification(&r);
	ck_assert_str_eq(s(o, "completion_status"), "completed");
	an = json_object_object_get(o, "anomalies");
	ck_assert(holds(an, "too fast"));
	ck_assert(holds(an, "media errors grew during the erase: 2 before, 5 after"));
	ck_assert(holds(an, "after the erase: critical warning 0x04"));
	ck_assert(!holds(an, "before the erase: critical warning"));
	ck_assert_int_eq((int)json_object_array_length(json_object_object_get(o, "errors")), 0);
	ck_assert_str_eq(s(o, "read_back.result"), "matched");
	ck_assert_str_eq(s(o, "health_after.critical_warning"), "4");
	json_object_put(o);
}
END_TEST

START_TEST(test_sanitization_crypto_and_commands)
{
	char method[] = "nvme-sanitize-crypto";
	struct ws_result r = { .technique = WS_TECH_NVME_SANITIZE_CRYPTO,
		               .method = method,
		               .verify.mode = WS_VERIFY_SAMPLE,
		               .n_commands = 1 };
	struct ws_cert_info info = { 0 };
	struct json_object *o, *c;

	r.commands[0] = (struct ws_command_record){ .interface = "NVMe",
		                                    .name = "Sanitize",
		                                    .bytes = { 0x84, 0x00, 0xab },
		                                    .n_bytes = 3,
		                                    .parameters = "SANACT=4 (crypto erase)",
		                                    .status = 0x81 };
	o = ws_cert2_sanitization(&r, &info);
	ck_assert_str_eq(s(o, "method"), "Purge");
	ck_assert_str_eq(s(o, "technique"), "cryptographic erase");
	ck_assert_str_eq(s(o, "technique_ieee2883"), "Purge, NVMe Sanitize cryptographic erase");
	ck_assert_str_eq(s(o, "technique_name"), "nvme-sanitize-crypto");
	c = json_object_array_get_idx(json_object_object_get(o, "commands"), 0);
	ck_assert_str_eq(s(c, "bytes"), "8400ab");
	ck_assert_str_eq(s(c, "command"), "Sanitize");
	ck_assert_str_eq(s(c, "status"), "129");
	ck_assert_ptr_null(s(c, "sent"));
	ck_assert_str_eq(s(o, "cryptographic_erase.key_strength"), "not reported by the device");
	ck_assert_str_eq(s(o, "cryptographic_erase.key_copies"), "not reported by the device");
	ck_assert(strstr(s(o, "cryptographic_erase.key_changed"), "SANACT=4"));
	ck_assert_str_eq(s(o, "cryptographic_erase.assurance"), "not read back");
	json_object_put(o);
	/* a refused command is an error of the verification */
	r.status = WS_STATUS_FAILED;
	o = ws_cert2_verification(&r);
	ck_assert(
	    holds(json_object_object_get(o, "errors"), "NVMe Sanitize: the drive's status 0x81"));
	ck_assert_str_eq(s(o, "completion_status"), "failed");
	json_object_put(o);
	/* a block erase has no crypto erase section */
	r.technique = WS_TECH_ATA_SANITIZE_BLOCK;
	o = ws_cert2_sanitization(&r, &info);
	ck_assert_ptr_null(json_object_object_get(o, "cryptographic_erase"));
	ck_assert_str_eq(s(o, "technique_ieee2883"), "Purge, ATA SANITIZE block erase");
	json_object_put(o);
}
END_TEST

START_TEST(test_technique_words)
{
	static const struct {
		enum ws_technique t;
		const char *words;
	} want[] = {
		{ WS_TECH_OVERWRITE, "overwrite" },
		{ WS_TECH_SCSI_SANITIZE_BLOCK, "block erase" },
		{ WS_TECH_NVME_FORMAT_CRYPTO, "cryptographic erase" },
		{ WS_TECH_ATA_SECURE_ERASE_ENHANCED, "other: ATA SECURITY ERASE UNIT" },
		{ WS_TECH_NVME_FORMAT_USER_DATA, "other: NVMe Format NVM, user data erase" },
	};
	char buf[96];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ws_cert2_technique(want[i].t, buf, sizeof(buf));
		ck_assert_str_eq(buf, want[i].words);
	}
}
END_TEST

START_TEST(test_interface)
{
	static const char *const map[][2] = {
		{ "{\"transport\":\"nvme\"}", "NVMe" },
		{ "{\"transport\":\"sata\"}", "SATA" },
		{ "{\"transport\":\"mmc\"}", "eMMC/SD" },
		{ "{\"transport\":\"loop\",\"virtual\":true}", "virtual" },
		{ "{\"transport\":\"file\"}", "file" },
		{ "{\"transport\":\"optical\"}", NULL },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct json_object *dev = json_tokener_parse(map[i][0]);
		const char *got = ws_cert2_interface(dev);

		if (map[i][1])
			ck_assert_str_eq(got, map[i][1]);
		else
			ck_assert_ptr_null(got);
		json_object_put(dev);
	}
}
END_TEST

int main(void)
{
	Suite *su = suite_create("cert-v2");
	TCase *tc = tcase_create("sections");

	tcase_add_test(tc, test_health_nvme_and_not_read);
	tcase_add_test(tc, test_health_ata);
	tcase_add_test(tc, test_verification_anomalies);
	tcase_add_test(tc, test_sanitization_crypto_and_commands);
	tcase_add_test(tc, test_technique_words);
	tcase_add_test(tc, test_interface);
	suite_add_tcase(su, tc);
	return test_run_suite(su);
}
