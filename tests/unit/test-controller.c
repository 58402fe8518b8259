/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-controller.c - drives behind controllers (src/lib/controller.c) on the fixture machine
 * tests/fixtures/machine2, a server and a laptop we do not have, written down as their
 * kernels show them: a MegaRAID logical drive, an HP Smart Array logical drive, a SAS disk
 * an LSI HBA passes through, an mpt3sas Integrated RAID volume, a SmartRAID controller's
 * pass-through drive and logical drive, an Adaptec container, a SATA disk on AHCI, an NVMe
 * drive behind Intel VMD and one that is not (tests/fixtures/README.md lists them).
 *
 * The expected values are the drivers' own, read in their sources, not in ours: hpsa.c's
 * raid_level_show ("RAID %s" of raid_label[], "N/A" for a physical drive), smartpqi_init.c's
 * pqi_raid_level_show and raid_levels[] ("RAID-5", "N/A"), aacraid/linit.c's
 * aac_show_raid_level (the container's type on CONTAINER_CHANNEL 0), megaraid_sas.h's
 * MEGASAS_IS_LOGICAL (channel >= MEGASAS_MAX_PD_CHANNELS, 2), mpt3sas_scsih.c's
 * RAID_CHANNEL 1 with raid_class.c's raid_devices/H:C:T:L/level, and vmd.c's domains from
 * 0x10000. Then: a logical volume keeps the overwrite methods only, every firmware technique
 * and purge is refused on it with the reason and the way out, `list --json`'s "controller"
 * object, and a certificate built by the library for a wipe of the logical volume, signed by
 * a station key made with certs/, verifies and records the controller; one whose
 * media.controller says another RAID level than its evidence is refused.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "controller-internal.h"
#include "internal.h"
#include "testutil.h"
#include "verify-internal.h"
#include "wipe-internal.h"

static struct ws_ctx *ctx;
static struct ws_device_list *list;

static void setup(void)
{
	ctx = test_fixture_ctx("machine2");
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

static const char *describe(const struct ws_device *d)
{
	static char buf[96];

	return ws_controller_describe(d, buf, sizeof(buf));
}

START_TEST(test_megaraid_logical_drive)
{
	const struct ws_device *d = find("sda");
	const struct ws_controller_info *c = &d->controller;

	ck_assert(c->behind_controller);
	ck_assert(c->logical_volume);
	ck_assert(!c->passthrough);
	ck_assert(!c->vmd);
	ck_assert_str_eq(c->driver, "megaraid_sas");
	ck_assert_str_eq(c->scsi_address, "0:2:0:0");
	ck_assert_str_eq(c->raid_level, ""); /* megaraid_sas does not say it */
	ck_assert_str_eq(d->vendor, "LSI");
	ck_assert_str_eq(d->model, "MR9361-8i");
	ck_assert_str_eq(describe(d), "logical volume (megaraid_sas)");
	ck_assert(d->eligible);
	ck_assert_uint_eq(d->methods, WS_METHODS_OVERWRITE);
}
END_TEST

START_TEST(test_hpsa_logical_drive)
{
	const struct ws_device *d = find("sdb");

	ck_assert(d->controller.logical_volume);
	ck_assert_str_eq(d->controller.driver, "hpsa");
	ck_assert_str_eq(d->controller.raid_level, "RAID 1(+0)");
	ck_assert_str_eq(d->controller.vendor, ""); /* hpsa's host has no vendor attribute */
	ck_assert_str_eq(d->model, "LOGICAL VOLUME");
	ck_assert_str_eq(describe(d), "logical volume (hpsa)");
}
END_TEST

START_TEST(test_mpt3sas_hba_passthrough_and_ir_volume)
{
	const struct ws_device *hba = find("sdc"), *ir = find("sdd");

	ck_assert(hba->controller.behind_controller);
	ck_assert(hba->controller.passthrough);
	ck_assert(!hba->controller.logical_volume);
	ck_assert_str_eq(hba->controller.driver, "mpt3sas");
	ck_assert_str_eq(hba->controller.model, "SAS9300-8i");
	ck_assert_str_eq(hba->controller.scsi_address, "2:0:0:0");
	ck_assert_str_eq(hba->transport, "sas");
	ck_assert_str_eq(describe(hba), "pass-through (mpt3sas)");
	ck_assert_uint_eq(hba->methods, WS_METHODS_OVERWRITE); /* no probe in a fixture */

	ck_assert(ir->controller.logical_volume);
	ck_assert_str_eq(ir->controller.raid_level, "raid1");
	ck_assert_str_eq(ir->controller.model, "SAS9341-4i");
	ck_assert_str_eq(describe(ir), "logical volume (mpt3sas)");
}
END_TEST

START_TEST(test_smartpqi_and_aacraid)
{
	const struct ws_device *phys = find("sde"), *lv = find("sdf"), *aac = find("sdg");

	ck_assert(phys->controller.passthrough);
	ck_assert_str_eq(phys->controller.raid_level, ""); /* "N/A": a drive, no level */
	ck_assert(lv->controller.logical_volume);
	ck_assert_str_eq(lv->controller.raid_level, "RAID-5");
	ck_assert_str_eq(lv->controller.vendor, "Adaptec");
	ck_assert_str_eq(lv->controller.model, "SmartRAID 3154-8i");
	ck_assert(aac->controller.logical_volume);
	ck_assert_str_eq(aac->controller.driver, "aacraid");
	ck_assert_str_eq(aac->controller.raid_level, "RAID6");
	ck_assert_str_eq(aac->controller.model, "ASR8405");
}
END_TEST

START_TEST(test_ahci_and_plain_nvme_have_no_controller)
{
	const struct ws_device *sata = find("sdh"), *nvme = find("nvme1n1");

	ck_assert(!sata->controller.behind_controller);
	ck_assert_str_eq(sata->controller.driver, "");
	ck_assert_str_eq(describe(sata), "");
	ck_assert(!nvme->controller.behind_controller);
	ck_assert_ptr_null(ws_controller_json(&nvme->controller));
}
END_TEST

START_TEST(test_nvme_behind_vmd)
{
	const struct ws_device *d = find("nvme0n1");

	ck_assert(d->controller.behind_controller);
	ck_assert(d->controller.vmd);
	ck_assert(!d->controller.logical_volume);
	ck_assert_str_eq(d->controller.driver, "vmd");
	ck_assert_str_eq(d->controller.vendor, "Intel");
	ck_assert_str_eq(d->controller.scsi_address, "");
	ck_assert_str_eq(d->transport, "nvme");
	ck_assert_str_eq(d->model, "INTEL SSDPEKNW512G8");
	ck_assert_str_eq(describe(d), "behind Intel VMD");
}
END_TEST

/* ws_technique_resolve() with --method @method on @d: its return, the reason in @why. */
static int resolve(const struct ws_device *d, const char *method, char **why)
{
	struct ws_plan *plan = NULL;
	enum ws_technique t;
	int r;

	ck_assert_int_eq(ws_plan_parse(method, 1, &plan, NULL), 0);
	*why = NULL;
	r = ws_technique_resolve(plan, d, &t, why);
	ws_plan_free(plan);
	return r;
}

START_TEST(test_logical_volume_refuses_firmware_erase)
{
	static const char *const firmware[] = { "purge", "scsi-sanitize-crypto",
		                                "ata-sanitize-block", "nvme-format-user-data" };
	const struct ws_device *d = find("sdb");
	char *why = NULL;

	for (size_t i = 0; i < ELEMENTSOF(firmware); i++) {
		ck_assert_int_eq(resolve(d, firmware[i], &why), -EOPNOTSUPP);
		ck_assert_ptr_nonnull(why);
		ck_assert_ptr_nonnull(strstr(why, "is a logical volume of hpsa (RAID 1(+0))"));
		ck_assert_ptr_nonnull(strstr(why, firmware[i]));
		ck_assert_ptr_nonnull(strstr(why, "overwrite the volume (Clear)"));
		ck_assert_ptr_nonnull(strstr(why, "HBA/JBOD mode"));
		ck_assert_ptr_null(strchr(why, '\n'));
		free(why);
	}
	ck_assert_int_eq(resolve(d, "clear", &why), 0);
	ck_assert_ptr_null(why);
	/* a drive passed through is refused only for what it lacks, as any drive */
	ck_assert_int_eq(resolve(find("sdc"), "purge", &why), -EOPNOTSUPP);
	ck_assert_ptr_null(strstr(why, "logical volume"));
	ck_assert_ptr_nonnull(strstr(why, "has no Purge technique"));
	free(why);
}
END_TEST

static struct json_object *device_in(struct json_object *doc, const char *name)
{
	struct json_object *a = json_object_object_get(doc, "devices");

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *d = json_object_array_get_idx(a, i);

		if (strcmp(json_object_get_string(json_object_object_get(d, "name")), name) == 0)
			return d;
	}
	ck_abort_msg("%s not in the JSON", name);
	return NULL;
}

static const char *jstr(struct json_object *o, const char *path)
{
	struct json_object *v = ws_json_at(o, path);

	return v ? json_object_get_string(v) : NULL;
}

START_TEST(test_list_json_controller)
{
	char *text = NULL;
	struct json_object *doc, *v;

	ck_assert_int_eq(ws_device_list_to_json(list, 0, &text), 0);
	doc = json_tokener_parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(jstr(device_in(doc, "sdf"), "controller.driver"), "smartpqi");
	ck_assert_str_eq(jstr(device_in(doc, "sdf"), "controller.raid_level"), "RAID-5");
	ck_assert_str_eq(jstr(device_in(doc, "sdf"), "controller.logical_volume"), "true");
	ck_assert_str_eq(jstr(device_in(doc, "sdf"), "controller.passthrough"), "false");
	ck_assert_str_eq(jstr(device_in(doc, "sdf"), "controller.scsi_address"), "4:1:0:0");
	ck_assert_ptr_null(jstr(device_in(doc, "sda"), "controller.raid_level"));
	ck_assert_ptr_null(jstr(device_in(doc, "sda"), "controller.vendor"));
	ck_assert_str_eq(jstr(device_in(doc, "nvme0n1"), "controller.vmd"), "true");
	/* no controller: the key is there, and null */
	ck_assert(json_object_object_get_ex(device_in(doc, "sdh"), "controller", &v));
	ck_assert_ptr_null(v);
	json_object_put(doc);
	free(text);
}
END_TEST

/* ---- the certificate of a wipe of a logical volume --------------------------------------- */

static char *dir;
static struct ws_signer *station;
static struct ws_trust *trust;

static void pki_setup(void)
{
	char st[4200], ca[4200];

	setup();
	dir = test_tmpdir("controller");
	test_require(test_sh(NULL,
	                     "'%s/certs/make-ca.sh' '%s/ca' >/dev/null 2>&1 && "
	                     "'%s/certs/make-station.sh' '%s/ca' '%s/st' --ec >/dev/null 2>&1",
	                     WS_SOURCE_DIR, dir, WS_SOURCE_DIR, dir, dir) == 0,
	             "make-ca.sh, make-station.sh");
	snprintf(st, sizeof(st), "%s/st", dir);
	snprintf(ca, sizeof(ca), "%s/ca/ca.pem", dir);
	station = test_station_signer(st);
	test_require(ws_trust_load(ca, &trust, NULL) == 0, "the CA");
}

static void pki_teardown(void)
{
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
	station = ws_signer_free(station);
	trust = ws_trust_free(trust);
	teardown();
}

/* The result of one verified zero pass over @d, as a wipe would have it. */
static struct ws_result *overwrite_result(const struct ws_device *d)
{
	struct ws_result *res = calloc(1, sizeof(*res));
	struct json_object *dev = ws_device_json(d);

	ck_assert_ptr_nonnull(res);
	res->path = strdup(d->path);
	res->name = strdup("2026-12-02T10-00-00Z_MR9361-8i");
	res->method = strdup("clear");
	res->device_json = strdup(json_object_to_json_string_ext(
	    dev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(dev);
	res->passes = calloc(1, sizeof(*res->passes));
	ck_assert(res->path && res->name && res->method && res->device_json && res->passes);
	res->passes[0].bytes_written = d->size_bytes;
	res->passes[0].completed = true;
	res->n_passes = res->n_planned = 1;
	res->technique = WS_TECH_OVERWRITE;
	res->verify.mode = WS_VERIFY_FULL;
	res->verify.bytes_checked = d->size_bytes;
	res->verified = true;
	res->status = WS_STATUS_SUCCESS;
	res->start_ns = 1764669600000000000;
	res->end_ns = res->start_ns + 1000000000;
	return res;
}

/* Sign @doc with the station's key and verify it against the CA. */
static bool signed_verifies(const char *doc, char **ret_reason)
{
	struct ws_cert_check check = { 0 };
	char *p7s = NULL;
	bool ok;

	ck_assert_int_eq(ws_signer_sign(station, doc, strlen(doc), &p7s), 0);
	ck_assert_int_eq(ws_cert_verify(trust, doc, strlen(doc), p7s, strlen(p7s), &check), 0);
	ok = check.ok;
	*ret_reason = check.reason ? strdup(check.reason) : NULL;
	ws_cert_check_clear(&check);
	free(p7s);
	return ok;
}

START_TEST(test_certificate_records_the_logical_volume)
{
	struct ws_cert_info info = { .operator_name = "Dana Reyes" };
	struct ws_result *res = overwrite_result(find("sdd"));
	struct json_object *doc;
	char *text = NULL, *why = NULL, *tampered, *at;

	ck_assert_int_eq(ws_cert_build(res, &info, station, NULL, &text, NULL), 0);
	doc = json_tokener_parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(jstr(doc, "media.controller.driver"), "mpt3sas");
	ck_assert_str_eq(jstr(doc, "media.controller.logical_volume"), "true");
	ck_assert_str_eq(jstr(doc, "media.controller.raid_level"), "raid1");
	ck_assert_str_eq(jstr(doc, "media.controller.model"), "SAS9341-4i");
	ck_assert_ptr_nonnull(strstr(jstr(doc, "media.controller.scope"), "Clear of the volume"));
	ck_assert_str_eq(jstr(doc, "media.media_type"), "RAID logical volume");
	ck_assert_str_eq(jstr(doc, "media.model"), "Logical Volume");
	ck_assert_str_eq(jstr(doc, "sanitization.method"), "Clear");
	json_object_put(doc);
	ck_assert_msg(signed_verifies(text, &why), "%s", why ? why : "");
	free(why);

	/* a summary that names another RAID level than the evidence: refused, though signed */
	at = strstr(text, "\"raid_level\": \"raid1\"");
	ck_assert_ptr_nonnull(at);
	tampered = test_fmt("%.*s\"raid_level\": \"raid5\"%s", (int)(at - text), text,
	                    at + strlen("\"raid_level\": \"raid1\""));
	ck_assert(!signed_verifies(tampered, &why));
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "media.controller.raid_level"));
	free(why);
	free(tampered);
	free(text);
	ws_result_free(res);
}
END_TEST

START_TEST(test_certificate_without_controller_has_no_key)
{
	struct ws_cert_info info = { .operator_name = "Dana Reyes" };
	struct ws_result *res = overwrite_result(find("sdh"));
	struct json_object *doc, *v;
	char *text = NULL, *why = NULL;

	ck_assert_int_eq(ws_cert_build(res, &info, station, NULL, &text, NULL), 0);
	doc = json_tokener_parse(text);
	ck_assert(
	    !json_object_object_get_ex(json_object_object_get(doc, "media"), "controller", &v));
	ck_assert_str_ne(jstr(doc, "media.media_type"), "RAID logical volume");
	json_object_put(doc);
	ck_assert_msg(signed_verifies(text, &why), "%s", why ? why : "");
	free(why);
	free(text);
	ws_result_free(res);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("controller");
	TCase *tc = tcase_create("fixture machine2");
	TCase *cert = tcase_create("certificate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_megaraid_logical_drive);
	tcase_add_test(tc, test_hpsa_logical_drive);
	tcase_add_test(tc, test_mpt3sas_hba_passthrough_and_ir_volume);
	tcase_add_test(tc, test_smartpqi_and_aacraid);
	tcase_add_test(tc, test_ahci_and_plain_nvme_have_no_controller);
	tcase_add_test(tc, test_nvme_behind_vmd);
	tcase_add_test(tc, test_logical_volume_refuses_firmware_erase);
	tcase_add_test(tc, test_list_json_controller);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(cert, pki_setup, pki_teardown);
	tcase_set_timeout(cert, 60);
	tcase_add_test(cert, test_certificate_records_the_logical_volume);
	tcase_add_test(cert, test_certificate_without_controller_has_no_key);
	suite_add_tcase(s, cert);
	return test_run_suite(s);
}
