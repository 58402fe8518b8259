/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-technique.c - the table of techniques: every row complete, names that round-trip,
 * action codes that match the specifications' tables (known answers written from the specs,
 * not from the table), the device's method bits indexed by the enum, and one ranking for
 * `purge` and the station: crypto before block before overwrite on solid-state media, the
 * drive's own overwrite first on rotating media (docs/methods.md, "The order of purge").
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "wipe-internal.h"
#include "testutil.h"

START_TEST(test_rows_complete)
{
	for (int t = 0; t < WS_TECH_COUNT; t++) {
		const struct ws_technique_info *i = ws_technique_info((enum ws_technique)t);

		ck_assert_ptr_nonnull(i);
		ck_assert_int_eq(i->technique, t);
		ck_assert_msg(i->name && i->nist && i->ieee2883 && i->command && i->cert_method &&
		                  i->label,
		              "row %d lacks a string", t);
		ck_assert_msg(*i->name && *i->ieee2883 && *i->command && *i->cert_method,
		              "row %d has an empty string", t);
		ck_assert_msg(strlen(i->label) > 0 && strlen(i->label) <= 10, "label of %s",
		              i->name);
		ck_assert_msg(strcmp(i->nist, "Clear") == 0 || strcmp(i->nist, "Purge") == 0 ||
		                  strcmp(i->nist, "none") == 0,
		              "level of %s", i->name);
		if (i->flags & WS_TECH_F_FIRMWARE) {
			ck_assert_int_ne(i->transport, WS_TRANSPORT_NONE);
			ck_assert_int_ne(i->action_kind, WS_ACTION_NONE);
		} else {
			ck_assert_int_eq(i->transport, WS_TRANSPORT_NONE);
		}
		/* a technique that erases nothing is never "the strongest", nor Purge */
		if (i->flags & WS_TECH_F_ERASES_NOTHING) {
			ck_assert_uint_eq(i->rank_solid, 0);
			ck_assert_str_eq(i->nist, "none");
		}
		/* a crypto erase leaves unpredictable media */
		if (i->flags & WS_TECH_F_CRYPTO)
			ck_assert(i->flags & WS_TECH_F_UNPREDICTABLE);
	}
	ck_assert_ptr_null(ws_technique_info(WS_TECH_COUNT));
	ck_assert_ptr_null(ws_technique_info((enum ws_technique) - 1));
	ck_assert_str_eq(ws_technique_name(WS_TECH_COUNT), "?");
}
END_TEST

START_TEST(test_names_round_trip)
{
	for (int t = 0; t < WS_TECH_COUNT; t++) {
		enum ws_technique back = WS_TECH_COUNT;

		ck_assert_int_eq(
		    ws_technique_by_name(ws_technique_name((enum ws_technique)t), &back), 0);
		ck_assert_int_eq(back, t);
		for (int u = 0; u < t; u++) /* and no two rows share a name */
			ck_assert_str_ne(ws_technique_name((enum ws_technique)t),
			                 ws_technique_name((enum ws_technique)u));
	}
	ck_assert_int_eq(ws_technique_by_name("clear", &(enum ws_technique){ 0 }), -ENOENT);
	ck_assert_int_eq(ws_technique_by_name(NULL, &(enum ws_technique){ 0 }), -ENOENT);
	/* the names the CLI has always taken */
	ck_assert_str_eq(ws_technique_name(WS_TECH_NVME_SANITIZE_CRYPTO), "nvme-sanitize-crypto");
	ck_assert_str_eq(ws_technique_name(WS_TECH_ATA_SECURE_ERASE_ENHANCED),
	                 "ata-secure-erase-enhanced");
	ck_assert_str_eq(ws_technique_nist(WS_TECH_NVME_SANITIZE_EXIT_FAILURE), "none");
	ck_assert_str_eq(ws_technique_nist(WS_TECH_NVME_FORMAT_CRYPTO), "Clear");
	ck_assert_str_eq(ws_technique_nist(WS_TECH_SCSI_SANITIZE_BLOCK), "Purge");
}
END_TEST

static void action_is(enum ws_technique t, enum ws_transport_kind tr, enum ws_action_kind k,
                      unsigned code)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	ck_assert_msg(i->transport == tr && i->action_kind == k && i->action == code,
	              "%s: transport %d kind %d code 0x%x", i->name, i->transport, i->action_kind,
	              i->action);
}

/* Known answers, from the specifications' tables as printed. */
START_TEST(test_action_codes)
{
	/* NVM Express Base, Sanitize CDW10 SANACT: 001b exit failure mode, 010b block erase,
	 * 011b overwrite, 100b crypto erase */
	action_is(WS_TECH_NVME_SANITIZE_EXIT_FAILURE, WS_TRANSPORT_NVME, WS_ACTION_NVME_SANACT, 1);
	action_is(WS_TECH_NVME_SANITIZE_BLOCK, WS_TRANSPORT_NVME, WS_ACTION_NVME_SANACT, 2);
	action_is(WS_TECH_NVME_SANITIZE_OVERWRITE, WS_TRANSPORT_NVME, WS_ACTION_NVME_SANACT, 3);
	action_is(WS_TECH_NVME_SANITIZE_CRYPTO, WS_TRANSPORT_NVME, WS_ACTION_NVME_SANACT, 4);
	/* Format NVM CDW10 SES: 001b user data erase, 010b cryptographic erase */
	action_is(WS_TECH_NVME_FORMAT_USER_DATA, WS_TRANSPORT_NVME, WS_ACTION_NVME_FORMAT_SES, 1);
	action_is(WS_TECH_NVME_FORMAT_CRYPTO, WS_TRANSPORT_NVME, WS_ACTION_NVME_FORMAT_SES, 2);
	/* ACS-3 SANITIZE DEVICE: 0011h CRYPTO SCRAMBLE EXT, 0012h BLOCK ERASE EXT, 0014h
	 * OVERWRITE EXT */
	action_is(WS_TECH_ATA_SANITIZE_CRYPTO, WS_TRANSPORT_ATA, WS_ACTION_ATA_SANITIZE, 0x0011);
	action_is(WS_TECH_ATA_SANITIZE_BLOCK, WS_TRANSPORT_ATA, WS_ACTION_ATA_SANITIZE, 0x0012);
	action_is(WS_TECH_ATA_SANITIZE_OVERWRITE, WS_TRANSPORT_ATA, WS_ACTION_ATA_SANITIZE, 0x0014);
	/* SECURITY ERASE UNIT parameter word 0 bit 1: 0 normal, 1 enhanced */
	action_is(WS_TECH_ATA_SECURE_ERASE, WS_TRANSPORT_ATA, WS_ACTION_ATA_SECURITY_ERASE, 0);
	action_is(WS_TECH_ATA_SECURE_ERASE_ENHANCED, WS_TRANSPORT_ATA, WS_ACTION_ATA_SECURITY_ERASE,
	          1);
	/* SBC-4 SANITIZE service actions: 01h overwrite, 02h block erase, 03h cryptographic
	 * erase (1Fh exit failure mode is not offered as a technique) */
	action_is(WS_TECH_SCSI_SANITIZE_OVERWRITE, WS_TRANSPORT_SCSI, WS_ACTION_SCSI_SANITIZE,
	          0x01);
	action_is(WS_TECH_SCSI_SANITIZE_BLOCK, WS_TRANSPORT_SCSI, WS_ACTION_SCSI_SANITIZE, 0x02);
	action_is(WS_TECH_SCSI_SANITIZE_CRYPTO, WS_TRANSPORT_SCSI, WS_ACTION_SCSI_SANITIZE, 0x03);
	ck_assert_uint_eq(WS_SCSI_SANITIZE_SA_EXIT_FAILURE_MODE, 0x1f);
	action_is(WS_TECH_OVERWRITE, WS_TRANSPORT_NONE, WS_ACTION_NONE, 0);
	action_is(WS_TECH_PURGE, WS_TRANSPORT_NONE, WS_ACTION_NONE, 0);
}
END_TEST

START_TEST(test_flags)
{
	static const enum ws_technique crypto[] = {
		WS_TECH_NVME_SANITIZE_CRYPTO,
		WS_TECH_NVME_FORMAT_CRYPTO,
		WS_TECH_ATA_SANITIZE_CRYPTO,
		WS_TECH_SCSI_SANITIZE_CRYPTO,
		/* a TCG revert re-keys where the drive encrypts: the row's case (the drive
		 * decides, tests/unit/test-opal-kat.c) */
		WS_TECH_OPAL_PSID_REVERT,
		WS_TECH_OPAL_REVERT,
	};
	size_t n_crypto = 0, n_subsystem = 0;

	for (size_t k = 0; k < ELEMENTSOF(crypto); k++)
		ck_assert(ws_technique_has(crypto[k], WS_TECH_F_CRYPTO | WS_TECH_F_UNPREDICTABLE));
	for (int t = 0; t < WS_TECH_COUNT; t++) {
		n_crypto += ws_technique_has((enum ws_technique)t, WS_TECH_F_CRYPTO);
		n_subsystem += ws_technique_has((enum ws_technique)t, WS_TECH_F_SUBSYSTEM);
	}
	ck_assert_uint_eq(n_crypto, ELEMENTSOF(crypto));
	/* the enhanced security erase's vendor pattern: unpredictable, not a crypto erase */
	ck_assert(ws_technique_has(WS_TECH_ATA_SECURE_ERASE_ENHANCED, WS_TECH_F_UNPREDICTABLE));
	ck_assert(!ws_technique_has(WS_TECH_ATA_SECURE_ERASE_ENHANCED, WS_TECH_F_CRYPTO));
	/* NVMe Sanitize acts on the subsystem; the three erasing actions, not exit-failure */
	ck_assert(ws_technique_has(WS_TECH_NVME_SANITIZE_BLOCK, WS_TECH_F_SUBSYSTEM));
	ck_assert_uint_eq(n_subsystem, 3);
	ck_assert(ws_technique_has(WS_TECH_NVME_FORMAT_USER_DATA, WS_TECH_F_ALL_NAMESPACES_BY_FNA));
	ck_assert(ws_technique_has(WS_TECH_ATA_SECURE_ERASE, WS_TECH_F_PASSWORD));
	ck_assert(!ws_technique_has(WS_TECH_ATA_SANITIZE_BLOCK, WS_TECH_F_PASSWORD));
	ck_assert(ws_technique_has(WS_TECH_SCSI_SANITIZE_OVERWRITE, WS_TECH_F_PROGRESS));
	ck_assert(!ws_technique_has(WS_TECH_NVME_FORMAT_CRYPTO, WS_TECH_F_PROGRESS));
	ck_assert(ws_technique_has(WS_TECH_NVME_SANITIZE_EXIT_FAILURE, WS_TECH_F_ERASES_NOTHING));
	ck_assert(!ws_technique_has(WS_TECH_OVERWRITE, WS_TECH_F_FIRMWARE));
	ck_assert(!ws_technique_has(WS_TECH_PURGE, WS_TECH_F_FIRMWARE));
	ck_assert(!ws_technique_has(WS_TECH_COUNT, 0));
	ck_assert_str_eq(ws_transport_kind_name(WS_TRANSPORT_ATA), "ATA");
}
END_TEST

/* One list: the device's method bits are the enum's, and list --json names them as before. */
START_TEST(test_method_bits)
{
	ck_assert_uint_eq(WS_METHOD_ATA_SANITIZE_BLOCK, WS_TECH_BIT(WS_TECH_ATA_SANITIZE_BLOCK));
	ck_assert_uint_eq(WS_TECH_BIT(WS_TECH_COUNT - 1) & WS_METHODS_OVERWRITE, 0);
	ck_assert_uint_eq(WS_TECH_BIT(WS_TECH_OVERWRITE) & WS_METHODS_OVERWRITE, 0);
	ck_assert_uint_ne(WS_TECH_BIT(WS_TECH_COUNT - 1), 0); /* fits in the unsigned set */
	for (int t = 0; t < WS_TECH_COUNT; t++) {
		const char *n = ws_method_name(WS_TECH_BIT(t));

		if (ws_technique_has((enum ws_technique)t, WS_TECH_F_FIRMWARE))
			ck_assert_str_eq(n, ws_technique_name((enum ws_technique)t));
		else
			ck_assert_ptr_null(n);
	}
	ck_assert_str_eq(ws_method_name(WS_METHOD_CLEAR), "clear");
	ck_assert_str_eq(ws_method_name(WS_METHOD_DOD_3PASS), "dod-3pass");
	ck_assert_ptr_null(ws_method_name(0));
}
END_TEST

static enum ws_technique strongest(unsigned methods, int rotational, bool nvme)
{
	struct ws_device d = { .methods = methods, .rotational = rotational };

	d.nvme.present = nvme;
	return ws_technique_strongest(&d);
}

START_TEST(test_ranking)
{
	unsigned every_ata = WS_METHOD_ATA_SANITIZE_CRYPTO | WS_METHOD_ATA_SANITIZE_BLOCK |
	                     WS_METHOD_ATA_SANITIZE_OVERWRITE | WS_METHOD_ATA_SECURE_ERASE |
	                     WS_METHOD_ATA_SECURE_ERASE_ENHANCED;
	unsigned se = WS_METHOD_ATA_SECURE_ERASE | WS_METHOD_ATA_SECURE_ERASE_ENHANCED;

	/* solid-state: crypto > block > overwrite > enhanced > normal > the Formats */
	ck_assert_int_eq(strongest(every_ata, 0, false), WS_TECH_ATA_SANITIZE_CRYPTO);
	ck_assert_int_eq(strongest(every_ata & ~WS_METHOD_ATA_SANITIZE_CRYPTO, 0, false),
	                 WS_TECH_ATA_SANITIZE_BLOCK);
	ck_assert_int_eq(strongest(WS_METHOD_ATA_SANITIZE_OVERWRITE | se, 0, false),
	                 WS_TECH_ATA_SANITIZE_OVERWRITE);
	ck_assert_int_eq(strongest(se, 0, false), WS_TECH_ATA_SECURE_ERASE_ENHANCED);
	ck_assert_int_eq(strongest(WS_METHOD_ATA_SECURE_ERASE, 0, false), WS_TECH_ATA_SECURE_ERASE);
	ck_assert_int_eq(
	    strongest(WS_METHOD_NVME_SANITIZE_OVERWRITE | WS_METHOD_NVME_SANITIZE_BLOCK |
	                  WS_METHOD_NVME_SANITIZE_CRYPTO | WS_METHOD_NVME_FORMAT_CRYPTO,
	              0, true),
	    WS_TECH_NVME_SANITIZE_CRYPTO);
	ck_assert_int_eq(
	    strongest(WS_METHOD_SCSI_SANITIZE_BLOCK | WS_METHOD_SCSI_SANITIZE_OVERWRITE, 0, false),
	    WS_TECH_SCSI_SANITIZE_BLOCK);
	ck_assert_int_eq(
	    strongest(WS_METHOD_NVME_FORMAT_CRYPTO | WS_METHOD_NVME_FORMAT_USER_DATA, 0, true),
	    WS_TECH_NVME_FORMAT_CRYPTO);
	/* ties go to the enum's order: ATA before SCSI */
	ck_assert_int_eq(
	    strongest(WS_METHOD_SCSI_SANITIZE_CRYPTO | WS_METHOD_ATA_SANITIZE_CRYPTO, 0, false),
	    WS_TECH_ATA_SANITIZE_CRYPTO);
	/* rotating: the drive's own overwrite first, then crypto, block, the security erases */
	ck_assert_int_eq(strongest(every_ata, 1, false), WS_TECH_ATA_SANITIZE_OVERWRITE);
	ck_assert_int_eq(strongest(every_ata & ~WS_METHOD_ATA_SANITIZE_OVERWRITE, 1, false),
	                 WS_TECH_ATA_SANITIZE_CRYPTO);
	ck_assert_int_eq(
	    strongest(WS_METHOD_SCSI_SANITIZE_BLOCK | WS_METHOD_SCSI_SANITIZE_CRYPTO, 1, false),
	    WS_TECH_SCSI_SANITIZE_CRYPTO);
	ck_assert_int_eq(strongest(se, 1, false), WS_TECH_ATA_SECURE_ERASE_ENHANCED);
	/* NVMe is flash whatever it says of rotation */
	ck_assert_int_eq(
	    strongest(WS_METHOD_NVME_SANITIZE_OVERWRITE | WS_METHOD_NVME_SANITIZE_CRYPTO, 1, true),
	    WS_TECH_NVME_SANITIZE_CRYPTO);
	/* nothing advertised */
	ck_assert_int_eq(strongest(WS_METHODS_OVERWRITE, 0, false), WS_TECH_OVERWRITE);
	ck_assert_int_eq(strongest(0, 1, false), WS_TECH_OVERWRITE);
}
END_TEST

/* purge carries out what ws_technique_strongest() names, when that is Purge. */
START_TEST(test_purge_agrees)
{
	struct ws_device d = { .path = (char *)(uintptr_t) "/dev/sdz", .rotational = 1 };
	struct ws_plan *p = NULL;
	enum ws_technique t = WS_TECH_OVERWRITE;

	ck_assert_int_eq(ws_plan_parse("purge", 1, &p, NULL), 0);
	for (unsigned m = 0; m < (1u << 5); m++) {
		d.methods = (m & 1 ? WS_METHOD_ATA_SANITIZE_CRYPTO : 0) |
		            (m & 2 ? WS_METHOD_ATA_SANITIZE_BLOCK : 0) |
		            (m & 4 ? WS_METHOD_ATA_SANITIZE_OVERWRITE : 0) |
		            (m & 8 ? WS_METHOD_ATA_SECURE_ERASE : 0) |
		            (m & 16 ? WS_METHOD_ATA_SECURE_ERASE_ENHANCED : 0);
		for (int rot = 0; rot <= 1; rot++) {
			char *why = NULL;

			d.rotational = rot;
			if (m == 0) {
				ck_assert_int_eq(ws_technique_resolve(p, &d, &t, &why),
				                 -EOPNOTSUPP);
				free(why);
				continue;
			}
			ck_assert_int_eq(ws_technique_resolve(p, &d, &t, NULL), 0);
			ck_assert_int_eq(t, ws_technique_strongest(&d));
		}
	}
	ws_plan_free(p);
}
END_TEST

START_TEST(test_advertised)
{
	struct ws_device d = { .methods = WS_METHOD_NVME_SANITIZE_BLOCK };

	ck_assert(ws_technique_advertised(&d, WS_TECH_NVME_SANITIZE_BLOCK));
	ck_assert(!ws_technique_advertised(&d, WS_TECH_NVME_SANITIZE_CRYPTO));
	/* exit-failure: wherever a sanitize is */
	ck_assert(ws_technique_advertised(&d, WS_TECH_NVME_SANITIZE_EXIT_FAILURE));
	d.methods = WS_METHOD_NVME_FORMAT_CRYPTO;
	ck_assert(!ws_technique_advertised(&d, WS_TECH_NVME_SANITIZE_EXIT_FAILURE));
	ck_assert(!ws_technique_advertised(&d, WS_TECH_OVERWRITE));
	ck_assert(!ws_technique_advertised(&d, WS_TECH_PURGE));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("technique");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_rows_complete);
	tcase_add_test(tc, test_names_round_trip);
	tcase_add_test(tc, test_action_codes);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_method_bits);
	tcase_add_test(tc, test_ranking);
	tcase_add_test(tc, test_purge_agrees);
	tcase_add_test(tc, test_advertised);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
