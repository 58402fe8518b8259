/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-machine.c - the machine a drive was in (src/lib/machine.c): SMBIOS read through the
 * context's sysfs root from two fixture trees, and the certificate's "machine" section built
 * from it and checked by verify.
 *
 * tests/fixtures/machine1 is a laptop whose /sys/class/dmi/id (a link into
 * devices/virtual/dmi/id, as the kernel lays it out) names its manufacturer, product,
 * serial, UUID (stored upper case, as some firmware reports it) and chassis asset tag;
 * tests/fixtures/placeholders is a board left as shipped: "To Be Filled By O.E.M.",
 * "Default string", AMI's placeholder UUID, an asset tag of zeros (with trailing blanks) and
 * no product_serial at all (as for a reader who is not root). The expected values are the
 * fixture files' and docs/certificate.md's, not the code's. Also: the placeholder rule on
 * its own, the section when nothing was read, and verify's shape check of the section (a
 * number where a string belongs refused; an older certificate without the section passes).
 */
#include <check.h>
#include <string.h>

#include <json-c/json.h>

#include <wipeseal/machine.h>

#include "cert-v2.h"
#include "internal.h"
#include "testutil.h"

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "(missing)";
	return v ? json_object_get_string(v) : NULL;
}

START_TEST(test_laptop)
{
	struct ws_ctx *ctx = test_fixture_ctx("machine1");
	struct ws_machine *m = NULL;
	struct json_object *sec;

	ck_assert_int_eq(ws_machine_read(ctx, &m), 0);
	ck_assert_str_eq(m->manufacturer, "LENOVO");
	ck_assert_str_eq(m->product, "20XW00GAGE");
	ck_assert_str_eq(m->serial, "PF2ABCDE");
	ck_assert_str_eq(m->uuid, "4c4c4544-0042-3510-8051-b4c04f4b4e33");
	ck_assert_str_eq(m->chassis_asset_tag, "IT-004711");
	sec = ws_cert2_machine(m);
	ck_assert_str_eq(field(sec, "source"),
	                 "SMBIOS, as the kernel exports it (/sys/class/dmi/id)");
	ck_assert_str_eq(field(sec, "manufacturer"), "LENOVO");
	ck_assert_str_eq(field(sec, "product"), "20XW00GAGE");
	ck_assert_str_eq(field(sec, "serial"), "PF2ABCDE");
	ck_assert_str_eq(field(sec, "uuid"), "4c4c4544-0042-3510-8051-b4c04f4b4e33");
	ck_assert_str_eq(field(sec, "chassis_asset_tag"), "IT-004711");
	json_object_put(sec);
	ws_machine_free(m);
	ws_ctx_free(ctx);
}
END_TEST

START_TEST(test_placeholders_and_unreadable_record_nothing)
{
	struct ws_ctx *ctx = test_fixture_ctx("placeholders");
	struct ws_machine *m = NULL;
	struct json_object *sec;
	static const char *const keys[] = { "manufacturer", "product", "serial", "uuid",
		                            "chassis_asset_tag" };

	ck_assert_int_eq(ws_machine_read(ctx, &m), 0);
	ck_assert_ptr_null(m->manufacturer);
	ck_assert_ptr_null(m->product);
	ck_assert_ptr_null(m->serial);
	ck_assert_ptr_null(m->uuid);
	ck_assert_ptr_null(m->chassis_asset_tag);
	sec = ws_cert2_machine(m);
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		ck_assert_msg(field(sec, keys[i]) == NULL, "%s: %s", keys[i], field(sec, keys[i]));
	json_object_put(sec);
	/* no machine at all (a caller that read none): the same nulls */
	sec = ws_cert2_machine(NULL);
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		ck_assert_ptr_null(field(sec, keys[i]));
	json_object_put(sec);
	ws_machine_free(m);
	ws_ctx_free(ctx);
}
END_TEST

START_TEST(test_placeholder_rule)
{
	static const char *const placeholder[] = {
		"Default string",
		"default STRING",
		"To Be Filled By O.E.M.",
		"  Not Specified ",
		"System Serial Number",
		"0",
		"00000000",
		"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
		"00000000-0000-0000-0000-000000000000",
		"",
		"   ",
		"N/A",
		"None",
		"123456789",
		"03000200-0400-0500-0006-000700080009",
		"Chassis Serial Number",
		"No Asset Tag",
	};
	static const char *const real[] = {
		"LENOVO",    "Dell Inc.",        "PF2ABCDE", "4c4c4544-0042-3510-8051-b4c04f4b4e33",
		"IT-004711", "Default string 2", "00000001", "QEMU",
	};

	for (size_t i = 0; i < ELEMENTSOF(placeholder); i++)
		ck_assert_msg(ws_machine_placeholder(placeholder[i]), "'%s'", placeholder[i]);
	for (size_t i = 0; i < ELEMENTSOF(real); i++)
		ck_assert_msg(!ws_machine_placeholder(real[i]), "'%s'", real[i]);
	ck_assert(ws_machine_placeholder(NULL));
}
END_TEST

/* verify's shape check: strings or nulls; an older certificate without the section passes. */
START_TEST(test_verify_shape)
{
	struct ws_cert_check c = { 0 };
	struct json_object *doc = json_tokener_parse("{\"schema\": \"x\"}");

	ck_assert(ws_verify_machine(doc, &c));
	json_object_put(doc);
	doc = json_tokener_parse(
	    "{\"machine\": {\"source\": \"s\", \"manufacturer\": \"LENOVO\", \"serial\": null}}");
	ck_assert(ws_verify_machine(doc, &c));
	json_object_put(doc);
	doc = json_tokener_parse("{\"machine\": {\"serial\": 1234}}");
	ck_assert(!ws_verify_machine(doc, &c));
	ck_assert_msg(strstr(c.reason, "machine.serial is neither a string nor null"), "%s",
	              c.reason);
	ws_cert_check_clear(&c);
	json_object_put(doc);
	doc = json_tokener_parse("{\"machine\": \"LENOVO\"}");
	ck_assert(!ws_verify_machine(doc, &c));
	ck_assert_ptr_nonnull(strstr(c.reason, "\"machine\" section is not an object"));
	ws_cert_check_clear(&c);
	json_object_put(doc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("machine");
	TCase *tc = tcase_create("smbios");

	tcase_add_test(tc, test_laptop);
	tcase_add_test(tc, test_placeholders_and_unreadable_record_nothing);
	tcase_add_test(tc, test_placeholder_rule);
	tcase_add_test(tc, test_verify_shape);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
