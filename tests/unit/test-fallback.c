/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-fallback.c - `purge-or-clear` (src/lib/fallback.c, plan.c): the plan carries clear's
 * pass and refuses --verify none even with --trust-firmware; on a drive that offers Purge it
 * resolves exactly as `purge` does (over every combination of ATA techniques and both media),
 * frozen included (refused, never cleared instead); on a drive that offers none (an NVMe
 * drive with only Format NVM, one with nothing, a loop device, a RAID logical volume that
 * advertises a sanitize) it resolves to the overwrite; and the sentence for the certificate
 * names the technique or the reason. The wipes themselves: tests/integration/test-purge-or-clear.c.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "wipe-internal.h"
#include "testutil.h"

static struct ws_plan *plan(const char *method)
{
	struct ws_plan *p = NULL;

	ck_assert_int_eq(ws_plan_parse(method, 1, &p, NULL), 0);
	return p;
}

START_TEST(test_plan_is_clear_underneath)
{
	struct ws_plan *p = plan("purge-or-clear");
	char *why = NULL;

	ck_assert_int_eq(p->technique, WS_TECH_PURGE_OR_CLEAR);
	ck_assert_str_eq(p->method, "purge-or-clear");
	ck_assert_uint_eq(p->n_passes, 1);
	ck_assert_int_eq(p->passes[0].kind, WS_PATTERN_BYTES);
	ck_assert_uint_eq(p->passes[0].len, 1);
	ck_assert_uint_eq(p->passes[0].bytes[0], 0x00);
	ck_assert_int_eq(p->verify, WS_VERIFY_SAMPLE);
	ck_assert_int_eq(ws_plan_check_verify(p, false, NULL), 0);
	/* a verified Clear: no --verify none, whatever the operator trusts */
	p->verify = WS_VERIFY_NONE;
	ck_assert_int_eq(ws_plan_check_verify(p, true, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "verify none with purge-or-clear"));
	free(why);
	ws_plan_free(p);
	/* the name is the table's, like purge's */
	ck_assert_str_eq(ws_technique_name(WS_TECH_PURGE_OR_CLEAR), "purge-or-clear");
	ck_assert(!ws_technique_has(WS_TECH_PURGE_OR_CLEAR, WS_TECH_F_FIRMWARE));
}
END_TEST

/* Wherever Purge is offered, the same answer as purge: technique and refusal alike. */
START_TEST(test_agrees_with_purge_where_offered)
{
	struct ws_device d = { .path = (char *)(uintptr_t) "/dev/sdz" };
	struct ws_plan *purge = plan("purge"), *poc = plan("purge-or-clear");

	for (unsigned m = 1; m < (1u << 5); m++) {
		d.methods = (m & 1 ? WS_METHOD_ATA_SANITIZE_CRYPTO : 0) |
		            (m & 2 ? WS_METHOD_ATA_SANITIZE_BLOCK : 0) |
		            (m & 4 ? WS_METHOD_ATA_SANITIZE_OVERWRITE : 0) |
		            (m & 8 ? WS_METHOD_ATA_SECURE_ERASE : 0) |
		            (m & 16 ? WS_METHOD_ATA_SECURE_ERASE_ENHANCED : 0);
		for (int k = 0; k < 4; k++) {
			enum ws_technique a = WS_TECH_COUNT, b = WS_TECH_COUNT;
			int ra, rb;

			d.rotational = k & 1;
			d.ata.sanitize_frozen = d.ata.security_frozen = (k & 2) != 0;
			ck_assert(ws_technique_offers_purge(&d));
			ra = ws_technique_resolve(purge, &d, &a, NULL);
			rb = ws_technique_resolve(poc, &d, &b, NULL);
			ck_assert_int_eq(ra, rb);
			if (k & 2) /* frozen: refused, not cleared */
				ck_assert_int_eq(rb, -EOPNOTSUPP);
			else
				ck_assert_int_eq(b, a);
		}
	}
	ws_plan_free(purge);
	ws_plan_free(poc);
}
END_TEST

/* Resolve @d with purge-or-clear: 0 and the technique. */
static enum ws_technique resolved(const struct ws_device *d)
{
	struct ws_plan *p = plan("purge-or-clear");
	enum ws_technique t = WS_TECH_COUNT;

	ck_assert_int_eq(ws_technique_resolve(p, d, &t, NULL), 0);
	ws_plan_free(p);
	return t;
}

/* The sentence for @d resolved to @t holds @needle. */
static void says(const struct ws_device *d, enum ws_technique t, const char *needle)
{
	char *s = ws_technique_fallback(WS_TECH_PURGE_OR_CLEAR, d, t);

	ck_assert_ptr_nonnull(s);
	ck_assert_msg(strstr(s, needle) != NULL, "wanted '%s' in: %s", needle, s);
	ck_assert_ptr_null(strchr(s, '\n'));
	free(s);
}

START_TEST(test_clear_where_none_is_offered)
{
	struct ws_device d = { .path = (char *)(uintptr_t) "/dev/nvme0n1" };

	/* the laptop's NVMe drive without Sanitize: Format NVM is Clear, so the overwrite */
	d.nvme.present = true;
	d.methods =
	    WS_METHODS_OVERWRITE | WS_METHOD_NVME_FORMAT_CRYPTO | WS_METHOD_NVME_FORMAT_USER_DATA;
	ck_assert(!ws_technique_offers_purge(&d));
	ck_assert_int_eq(resolved(&d), WS_TECH_OVERWRITE);
	says(&d, WS_TECH_OVERWRITE,
	     "offers no Purge technique (an NVMe drive without Sanitize; "
	     "its Format NVM with secure erase is Clear");
	says(&d, WS_TECH_OVERWRITE, ": Clear by overwrite, verified by reading back");
	d.methods = WS_METHODS_OVERWRITE;
	ck_assert_int_eq(resolved(&d), WS_TECH_OVERWRITE);
	says(&d, WS_TECH_OVERWRITE, "an NVMe drive without Sanitize or a Format");
	/* a loop device */
	d.nvme.present = false;
	ck_assert_int_eq(resolved(&d), WS_TECH_OVERWRITE);
	says(&d, WS_TECH_OVERWRITE, "no NVMe, ATA, SCSI or eMMC sanitize");
	/* a RAID volume that passes a sanitize bit on: no firmware command reaches its drives */
	d.methods = WS_METHODS_OVERWRITE | WS_METHOD_SCSI_SANITIZE_CRYPTO;
	d.controller.behind_controller = d.controller.logical_volume = true;
	snprintf(d.controller.driver, sizeof(d.controller.driver), "megaraid_sas");
	ck_assert(!ws_technique_offers_purge(&d));
	ck_assert_int_eq(resolved(&d), WS_TECH_OVERWRITE);
	says(&d, WS_TECH_OVERWRITE, "a logical volume of megaraid_sas");
}
END_TEST

START_TEST(test_purge_sentence)
{
	struct ws_device d = { .path = (char *)(uintptr_t) "/dev/nvme0n1" };

	d.nvme.present = true;
	d.methods = WS_METHOD_NVME_SANITIZE_BLOCK | WS_METHOD_NVME_SANITIZE_CRYPTO;
	ck_assert_int_eq(resolved(&d), WS_TECH_NVME_SANITIZE_CRYPTO);
	says(&d, WS_TECH_NVME_SANITIZE_CRYPTO,
	     "offers Purge; its strongest Purge technique, nvme-sanitize-crypto (NVMe Sanitize)");
	says(&d, WS_TECH_NVME_SANITIZE_CRYPTO, "with no fallback to Clear");
	/* no sentence for any other method */
	ck_assert_ptr_null(ws_technique_fallback(WS_TECH_PURGE, &d, WS_TECH_NVME_SANITIZE_CRYPTO));
	ck_assert_ptr_null(ws_technique_fallback(WS_TECH_OVERWRITE, &d, WS_TECH_OVERWRITE));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fallback");
	TCase *tc = tcase_create("purge-or-clear");

	tcase_add_test(tc, test_plan_is_clear_underneath);
	tcase_add_test(tc, test_agrees_with_purge_where_offered);
	tcase_add_test(tc, test_clear_where_none_is_offered);
	tcase_add_test(tc, test_purge_sentence);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
