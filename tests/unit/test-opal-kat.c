/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-opal-kat.c - TCG Level 0 Discovery and what a revert counts as (opal-discovery.c, opal.c),
 * against responses laid out here byte by byte from the specifications' tables, not from the
 * parser: TCG Storage Architecture Core 2.01 3.3.6 (the 48-byte header; "Length of Parameter
 * Data" counts the bytes after itself), Opal SSC 2.01 Tables 3-6 (TPer, Locking, Geometry, Opal
 * SSC V2.00), Pyrite SSC 2.00 (Pyrite SSC V2.00 0303h, Supported Data Removal Mechanism 0404h).
 * Checked against EDK2's MdePkg/Include/IndustryStandard/TcgStorageOpal.h (the descriptors'
 * layouts; Data Removal: byte 5 bit 0 processing, byte 6 mechanisms, byte 7 time formats,
 * times from byte 8; EDK2 OpalCore's CalculateDataRemovalTime(): units of 2 s or 2 min) and
 * the kernel's block/sed-opal.c (opal_discovery0_end(): each descriptor advances by its length
 * byte + 4; Locking byte 4: MBR_ENABLED_MASK 0x10; the method status names of opal_errors[]).
 * The ioctl numbers are the kernel's uapi include/uapi/linux/sed-opal.h, as libnvme's privsep
 * test lists IOC_OPAL_DISCOVERY (0x401070ef) and IOC_OPAL_GET_STATUS (0x800870ec).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "opal-internal.h"
#include "testutil.h"

/* clang-format off: the descriptors as the tables lay them out */
/* An Opal 2 drive with locking enabled, a range locked, media encryption and the MBR shadow
 * enabled (not done), ComID 07FEh, Single User Mode, 512-byte blocks. */
static const uint8_t opal2[] = {
	/* header: length 0x70 (116 - 4 = 112), revision 1, reserved, vendor unique */
	0x00,
	0x00,
	0x00,
	0x70,
	0x00,
	0x00,
	0x00,
	0x01,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0, /* 0-15 */
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0, /* 16-47 */
	/* TPer 0001h v1 len 0Ch: Sync, Streaming */
	0x00,
	0x01,
	0x10,
	0x0c,
	0x11,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	/* Locking 0002h v1 len 0Ch: supported, enabled, locked, media encryption, MBR enabled */
	0x00,
	0x02,
	0x10,
	0x0c,
	0x1f,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	/* Opal SSC V2.00 0203h v2 len 10h: base ComID 07FEh, 1 ComID */
	0x02,
	0x03,
	0x20,
	0x10,
	0x07,
	0xfe,
	0x00,
	0x01,
	0,
	0,
	0x04,
	0,
	0x08,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	/* Single User Mode 0201h v1 len 0Ch: 9 locking objects */
	0x02,
	0x01,
	0x10,
	0x0c,
	0x00,
	0x00,
	0x00,
	0x09,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
};

/* A Pyrite 2 drive: no encryption; Data Removal: overwrite (60 s) and vendor (6 min). */
static const uint8_t pyrite2[] = {
	/* header: length 0x84 (136 - 4) */
	0x00, 0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x10,
	0x0c, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* Locking 0002h v1 len 0Ch: supported only */
	0x00, 0x02, 0x10, 0x0c, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* Pyrite SSC V2.00 0303h v1 len 10h: base ComID 1000h */
	0x03, 0x03, 0x10, 0x10, 0x10, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* Data Removal 0404h v1 len 20h: mechanisms bit 0 and bit 5; format bit 5 = minutes;
	 * time bit 0 = 30 (x 2 s), time bit 5 = 3 (x 2 min) */
	0x04, 0x04, 0x10, 0x20, 0x00, 0x00, 0x21, 0x20, 0x00, 0x1e, 0, 0, 0, 0, 0, 0, 0,
	0,                                                          /* 0-17 */
	0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 18-35 */
};

/* clang-format on */

START_TEST(test_opal2_known_answer)
{
	struct ws_opal_info o;
	bool crypto;

	ck_assert_uint_eq(sizeof(opal2), 116);
	ck_assert_int_eq(ws_opal_parse_level0(opal2, sizeof(opal2), &o), 0);
	ck_assert(o.present);
	ck_assert_str_eq(o.ssc, "Opal 2");
	ck_assert_uint_eq(o.ssc_feature, 0x0203);
	ck_assert_uint_eq(o.base_comid, 0x07fe);
	ck_assert(o.locking_supported && o.locking_enabled && o.locked && o.media_encryption &&
	          o.mbr_enabled && !o.mbr_done && o.single_user_mode && !o.removal_reported);
	ck_assert_str_eq(ws_opal_counts_as(&o, &crypto), "cryptographic erase");
	ck_assert(crypto);
}
END_TEST

START_TEST(test_pyrite2_known_answer)
{
	struct ws_opal_info o;
	bool crypto;

	ck_assert_uint_eq(sizeof(pyrite2), 136);
	ck_assert_int_eq(ws_opal_parse_level0(pyrite2, sizeof(pyrite2), &o), 0);
	ck_assert_str_eq(o.ssc, "Pyrite 2");
	ck_assert(o.locking_supported && !o.locking_enabled && !o.media_encryption);
	ck_assert(o.removal_reported && !o.removal_processing);
	ck_assert_uint_eq(o.removal_mechanisms, WS_OPAL_REMOVAL_OVERWRITE | WS_OPAL_REMOVAL_VENDOR);
	ck_assert_uint_eq(o.removal_seconds[0], 60);
	ck_assert_uint_eq(o.removal_seconds[5], 360);
	ck_assert_str_eq(ws_opal_counts_as(&o, &crypto), "overwrite");
	ck_assert(!crypto);
	o.removal_mechanisms = WS_OPAL_REMOVAL_VENDOR;
	ck_assert_str_eq(ws_opal_counts_as(&o, &crypto), "no stated mechanism");
	o.removal_mechanisms |= WS_OPAL_REMOVAL_CRYPTO; /* a crypto erase stated: re-keys */
	ck_assert_str_eq(ws_opal_counts_as(&o, &crypto), "cryptographic erase");
}
END_TEST

START_TEST(test_bounds)
{
	uint8_t buf[sizeof(opal2)];
	struct ws_opal_info o = { .present = false };

	ck_assert_int_eq(ws_opal_parse_level0(opal2, 47, &o), -EBADMSG);
	ck_assert_int_eq(ws_opal_parse_level0(NULL, 0, &o), -EBADMSG);
	/* the header alone: no TPer, no TCG drive */
	ck_assert_int_eq(ws_opal_parse_level0(opal2, 48, &o), -ENODATA);
	/* a length beyond the buffer: only what was given is read (TPer and Locking fit) */
	ck_assert_int_eq(ws_opal_parse_level0(opal2, 48 + 32, &o), 0);
	ck_assert(o.locked && !o.ssc);
	/* a descriptor whose length runs past the end: nothing of it is read */
	memcpy(buf, opal2, sizeof(buf));
	buf[48 + 32 + 3] = 0xff; /* the Opal SSC feature (at 80) claims 255 bytes */
	ck_assert_int_eq(ws_opal_parse_level0(buf, sizeof(buf), &o), 0);
	ck_assert_ptr_null(o.ssc);
	/* the header's length shorter than the data: the rest is not read */
	memcpy(buf, opal2, sizeof(buf));
	buf[3] = 44 + 16; /* the TPer only */
	ck_assert_int_eq(ws_opal_parse_level0(buf, sizeof(buf), &o), 0);
	ck_assert(!o.locked && !o.locking_supported);
}
END_TEST

START_TEST(test_ssc_order)
{
	/* Enterprise and Opal 2 both: Opal 2 names the drive, whatever the order */
	uint8_t buf[48 + 16 + 20 + 20] = { 0x00, 0x00, 0x00, 48 + 16 + 20 + 20 - 4, 0, 0, 0, 1 };
	static const uint8_t tper[16] = { 0x00, 0x01, 0x10, 0x0c, 0x01 };
	static const uint8_t ent[20] = { 0x01, 0x00, 0x10, 0x10, 0x07, 0xfe, 0x00, 0x01 };
	static const uint8_t op2[20] = { 0x02, 0x03, 0x20, 0x10, 0x10, 0x00, 0x00, 0x01 };
	struct ws_opal_info o;

	memcpy(buf + 48, tper, 16);
	memcpy(buf + 64, ent, 20);
	memcpy(buf + 84, op2, 20);
	ck_assert_int_eq(ws_opal_parse_level0(buf, sizeof(buf), &o), 0);
	ck_assert_str_eq(o.ssc, "Opal 2");
	memcpy(buf + 64, op2, 20);
	memcpy(buf + 84, ent, 20);
	ck_assert_int_eq(ws_opal_parse_level0(buf, sizeof(buf), &o), 0);
	ck_assert_str_eq(o.ssc, "Opal 2");
	ck_assert_uint_eq(o.base_comid, 0x1000);
}
END_TEST

START_TEST(test_status_names_and_ioctls)
{
	ck_assert_str_eq(ws_tcg_status_name(0x01), "NOT_AUTHORIZED");
	ck_assert_str_eq(ws_tcg_status_name(0x12), "AUTHORITY_LOCKED_OUT");
	ck_assert_str_eq(ws_tcg_status_name(0x3f), "FAIL");
	ck_assert_str_eq(ws_tcg_status_name(0x02), "unknown status");
	ck_assert_str_eq(ws_tcg_status_name(-1), "unknown status");
	ck_assert_uint_eq(IOC_OPAL_DISCOVERY, 0x401070efu);
	ck_assert_uint_eq(IOC_OPAL_GET_STATUS, 0x800870ecu);
	/* _IOW('p', 232 / 226, struct opal_key): 264 bytes (lr, key_len, 6 pad, 256 key) */
	ck_assert_uint_eq(IOC_OPAL_PSID_REVERT_TPR, 0x410870e8u);
	ck_assert_uint_eq(IOC_OPAL_REVERT_TPR, 0x410870e2u);
}
END_TEST

START_TEST(test_rows)
{
	const struct ws_technique_info *p = ws_technique_info(WS_TECH_OPAL_PSID_REVERT);
	const struct ws_technique_info *s = ws_technique_info(WS_TECH_OPAL_REVERT);
	enum ws_technique t;

	ck_assert_int_eq(ws_technique_by_name("opal-psid-revert", &t), 0);
	ck_assert_int_eq(t, WS_TECH_OPAL_PSID_REVERT);
	ck_assert_int_eq(p->transport, WS_TRANSPORT_OPAL);
	ck_assert_int_eq(p->action, WS_OPAL_AUTHORITY_PSID);
	ck_assert_int_eq(s->action, WS_OPAL_AUTHORITY_SID);
	ck_assert(p->flags & WS_TECH_F_SECRET && p->flags & WS_TECH_F_DRIVE_DECIDES);
	/* never what `purge` picks: it cannot know the PSID */
	ck_assert_uint_eq(p->rank_solid, 0);
	ck_assert_uint_eq(s->rank_rotating, 0);
	ck_assert_str_eq(ws_transport_kind_name(WS_TRANSPORT_OPAL), "TCG Opal");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opal");
	TCase *tc = tcase_create("level 0");

	tcase_add_test(tc, test_opal2_known_answer);
	tcase_add_test(tc, test_pyrite2_known_answer);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_ssc_order);
	tcase_add_test(tc, test_status_names_and_ioctls);
	tcase_add_test(tc, test_rows);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
