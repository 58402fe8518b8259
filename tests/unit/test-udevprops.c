/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-udevprops.c - identity from recorded udev property sets (as `udevadm info` prints
 * them for real drives), and udev's \xNN decoding.
 */
#include <check.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

struct prop {
	const char *key, *value;
};

static const char *lookup(void *userdata, const char *key)
{
	for (const struct prop *p = userdata; p->key; p++)
		if (strcmp(p->key, key) == 0)
			return p->value;
	return NULL;
}

START_TEST(test_decode)
{
	char *s = ws_udev_decode("Samsung\\x20SSD\\x20870\\x20EVO\\x20\\x20");

	ck_assert_str_eq(s, "Samsung SSD 870 EVO");
	free(s);
	s = ws_udev_decode("odd\\x2");
	ck_assert_str_eq(s, "odd\\x2");
	free(s);
	ck_assert_ptr_null(ws_udev_decode("\\x20\\x20"));
	ck_assert_ptr_null(ws_udev_decode(NULL));
}
END_TEST

START_TEST(test_sata_props)
{
	static struct prop sata[] = {
		{ "ID_BUS", "ata" },
		{ "ID_MODEL", "Samsung_SSD_870_EVO_500GB" },
		{ "ID_MODEL_ENC", "Samsung\\x20SSD\\x20870\\x20EVO\\x20500GB\\x20\\x20" },
		{ "ID_SERIAL_SHORT", "S62ANJ0R123456A" },
		{ "ID_WWN", "0x5002538f42a1b2c3" },
		{ "ID_REVISION", "SVT01B6Q" },
		{ NULL, NULL },
	};
	struct ws_device d = { 0 };

	ws_props_fill_identity(&d, lookup, sata);
	ck_assert_str_eq(d.model, "Samsung SSD 870 EVO 500GB");
	ck_assert_str_eq(d.serial, "S62ANJ0R123456A");
	ck_assert_str_eq(d.wwn, "0x5002538f42a1b2c3");
	ck_assert_str_eq(d.firmware, "SVT01B6Q");
	ck_assert_ptr_null(d.vendor);
	free(d.model);
	free(d.serial);
	free(d.wwn);
	free(d.firmware);
}
END_TEST

START_TEST(test_udev_does_not_overwrite_known_facts)
{
	static struct prop p[] = { { "ID_MODEL", "from_udev" }, { NULL, NULL } };
	struct ws_device d = { .model = strdup("already known") };

	ws_props_fill_identity(&d, lookup, p);
	ck_assert_str_eq(d.model, "already known");
	free(d.model);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("udevprops");
	TCase *tc = tcase_create("props");

	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_sata_props);
	tcase_add_test(tc, test_udev_does_not_overwrite_known_facts);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
