/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-health.c - the drive's health either side of the erase, and the commands sent to erase
 * it, as `wipeseal wipe --json` records them (result keys health_before, health_after,
 * health_unavailable, commands), against the simulated drives of tests/nvmesim and
 * tests/atasim. Every value is checked against what the simulator logged it received or
 * answered (WS_NVMESIM_LOG, WS_ATASIM_LOG: the raw bytes), read here at the spec's offsets, not
 * against the product's own decoding:
 *
 * - NVMe Sanitize (crypto erase): one command, its 64-byte entry equal to the one the
 *   simulator received, SANACT=4; the SMART / Health log read twice, the temperature of each
 *   read equal to bytes 2:1 of the log answered, and higher after (the erase warmed it).
 * - NVMe Format NVM (user data erase): its entry as received, SES=1.
 * - ATA SANITIZE (crypto scramble): the CDB as received, the signature "Cryp"; SMART passed,
 *   attribute 241's raw value as in the SMART data answered, and grown after the erase; the
 *   thresholds as answered.
 * - ATA security erase: SET PASSWORD, ERASE PREPARE, ERASE UNIT, each CDB as received, the
 *   password named by its log, never its bytes.
 * - A host protected area restored: SET MAX ADDRESS EXT recorded before the sanitize.
 * - smart-fails: "threshold exceeded" and attribute 5 below its threshold, the wipe still
 *   SUCCESS; no-smart: both health keys null and the reason says SMART was aborted.
 * - A plain loop device (overwrite): no command, no health, "a loop device has no health log";
 *   a SAS drive: its SANITIZE CDB as received, no health, the reason names SCSI.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

static char *log_path(const char *name)
{
	char *p = NULL;

	ck_assert_int_ge(asprintf(&p, "%s/%s-%d.log", scratch_dir(), name, getpid()), 0);
	(void)unlink(p);
	return p;
}

/* The hex of the @which-th line (0 first, -1 last) of @log that starts with "@tag " and whose
 * byte @at is @want (-1: any). malloc'd, asserted present. */
static char *logged(const char *log, const char *tag, int which, int at, int want)
{
	FILE *f = fopen(log, "re");
	char line[2048], *found = NULL;
	size_t tl = strlen(tag);
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *hex = line + tl + 1;
		unsigned b;

		if (strncmp(line, tag, tl) != 0 || line[tl] != ' ')
			continue;
		hex[strcspn(hex, "\n")] = '\0';
		if (at >= 0 && (sscanf(hex + 2 * at, "%2x", &b) != 1 || (int)b != want))
			continue;
		if (which < 0 || n++ == which) {
			free(found);
			found = strdup(hex);
		}
	}
	fclose(f);
	ck_assert_msg(found != NULL, "%s: no %s line", log, tag);
	return found;
}

/* Byte @i of a hex string; @n bytes from @i, little-endian. */
static unsigned long long le(const char *hex, size_t i, size_t n)
{
	unsigned long long v = 0;

	for (size_t k = n; k > 0; k--) {
		unsigned b;

		ck_assert_int_eq(sscanf(hex + 2 * (i + k - 1), "%2x", &b), 1);
		v = v << 8 | b;
	}
	return v;
}

static struct json_object *cmd(struct json_object *res, size_t i)
{
	struct json_object *a = json_object_object_get(res, "commands");

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_gt(json_object_array_length(a), i);
	return json_object_array_get_idx(a, i);
}

static size_t n_cmds(struct json_object *res)
{
	return json_object_array_length(json_object_object_get(res, "commands"));
}

/* The SMART attribute @id of health @which ("health_before"), asserted present. */
static struct json_object *attr(struct json_object *res, const char *which, int id)
{
	struct json_object *h = json_object_object_get(res, which), *a;

	ck_assert_ptr_nonnull(h);
	a = json_object_object_get(h, "attributes");
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (json_object_get_int(
		        json_object_object_get(json_object_array_get_idx(a, i), "id")) == id)
			return json_object_array_get_idx(a, i);
	ck_abort_msg("no attribute %d in %s", id, which);
	return NULL;
}

/* The raw value of attribute @id in the SMART data @hex, read at smartmontools' offsets. */
static unsigned long long raw_of(const char *hex, int id)
{
	for (size_t i = 0; i < 30; i++)
		if ((int)le(hex, 2 + 12 * i, 1) == id)
			return le(hex, 2 + 12 * i + 5, 6);
	ck_abort_msg("attribute %d not in the logged data", id);
	return 0;
}

/* `wipe --json` with @sim ("nvme" or "ata") answering as @profile, its log at @log. */
static struct json_object *wipe_on(const char *sim, const char *profile, const char *dev,
                                   const char *log, const char *method, int want,
                                   struct json_object **root, char **out)
{
	char *prefix = NULL, *args = NULL, *err = NULL;
	int r;

	if (strcmp(sim, "nvme") == 0)
		ck_assert_int_ge(asprintf(&prefix,
		                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
		                          "WS_NVMESIM_PATH='%s' WS_NVMESIM_PROFILE=%s "
		                          "WS_NVMESIM_SECONDS=1 WS_NVMESIM_LOG='%s'",
		                          WS_NVMESIM, dev, profile, log),
		                 0);
	else if (strcmp(sim, "ata") == 0)
		ck_assert_int_ge(asprintf(&prefix,
		                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
		                          "WS_ATASIM_PATH='%s' WS_ATASIM_PROFILE=%s "
		                          "WS_ATASIM_SECONDS=1 WS_ATASIM_LOG='%s'",
		                          WS_ATASIM, dev, profile, log),
		                 0);
	else
		prefix = strdup("");
	ck_assert_int_ge(asprintf(&args, "-m %s '%s'", method, dev), 0);
	r = simdrive_wipe(prefix, args, out, &err);
	ck_assert_msg(r == want, "%s %s: exit %d: %s", profile, method, r, err);
	free(prefix);
	free(args);
	free(err);
	return result_of(*out, root);
}

/* ---- tests --------------------------------------------------------------------------------- */

START_TEST(test_nvme_sanitize)
{
	char *dev = marked("nvme.img"), *log = log_path("nvme"), *out = NULL, *sqe, *before, *after;
	struct json_object *root, *res, *c, *cert;

	res = wipe_on("nvme", "full", dev, log, "nvme-sanitize-crypto", WS_EXIT_OK, &root, &out);
	ck_assert_uint_eq(n_cmds(res), 1);
	c = cmd(res, 0);
	sqe = logged(log, "admin", 0, 0, 0x84);
	ck_assert_str_eq(jstr(c, "interface"), "NVMe");
	ck_assert_str_eq(jstr(c, "command"), "Sanitize");
	ck_assert_str_eq(jstr(c, "bytes"), sqe);
	ck_assert_uint_eq(le(sqe, 40, 4) & 7, 4); /* CDW10 SANACT, as received */
	ck_assert_ptr_nonnull(strstr(jstr(c, "parameters"), "SANACT=4 (crypto erase)"));
	ck_assert_str_eq(jstr(c, "status"), "0");
	ck_assert_ptr_nonnull(jstr(c, "sent"));
	before = logged(log, "smart", 0, -1, -1);
	after = logged(log, "smart", -1, -1, -1);
	ck_assert_str_eq(jstr(res, "health_before.source"), "NVMe SMART / Health Information log");
	ck_assert_uint_eq(jnum(res, "health_before.temperature_celsius"), le(before, 1, 2) - 273);
	ck_assert_uint_eq(jnum(res, "health_after.temperature_celsius"), le(after, 1, 2) - 273);
	ck_assert_uint_gt(le(after, 1, 2), le(before, 1, 2));
	ck_assert_uint_eq(jnum(res, "health_before.percentage_used"), le(before, 5, 1));
	ck_assert_uint_eq(jnum(res, "health_before.available_spare"), le(before, 3, 1));
	ck_assert_uint_eq(jnum(res, "health_before.power_on_hours"), le(before, 128, 8));
	ck_assert_uint_eq(jnum(res, "health_before.unsafe_shutdowns"), le(before, 144, 8));
	ck_assert_uint_eq(jnum(res, "health_before.media_errors"), le(before, 160, 8));
	ck_assert_uint_eq(jnum(res, "health_before.error_log_entries"), le(before, 176, 8));
	ck_assert_ptr_null(jstr(res, "health_before.smart_status"));
	ck_assert_ptr_null(jstr(res, "health_unavailable"));
	/* and the signed certificate carries the same evidence */
	cert = certificate_of(root);
	ck_assert_str_eq(jstr(cmd(json_object_object_get(cert, "evidence"), 0), "bytes"), sqe);
	json_object_put(cert);
	json_object_put(root);
	free(before);
	free(after);
	free(sqe);
	free(out);
	free(log);
	free(dev);
}
END_TEST

START_TEST(test_nvme_format)
{
	char *dev = marked("fmt.img"), *log = log_path("fmt"), *out = NULL, *sqe;
	struct json_object *root, *res;

	res = wipe_on("nvme", "format-only", dev, log, "nvme-format-user-data", WS_EXIT_OK, &root,
	              &out);
	ck_assert_uint_eq(n_cmds(res), 1);
	sqe = logged(log, "admin", 0, 0, 0x80);
	ck_assert_str_eq(jstr(cmd(res, 0), "command"), "Format NVM");
	ck_assert_str_eq(jstr(cmd(res, 0), "bytes"), sqe);
	ck_assert_uint_eq(le(sqe, 40, 4) >> 9 & 7, 1); /* SES, as received */
	ck_assert_ptr_nonnull(strstr(jstr(cmd(res, 0), "parameters"), "SES=1 (user data erase)"));
	json_object_put(root);
	free(sqe);
	free(out);
	free(log);
	free(dev);
}
END_TEST

START_TEST(test_ata_sanitize)
{
	char *dev = marked("ata.img"), *log = log_path("ata"), *out = NULL, *cdb, *before, *after,
	     *thr;
	struct json_object *root, *res, *a;

	res = wipe_on("ata", "sata-ssd", dev, log, "ata-sanitize-crypto", WS_EXIT_OK, &root, &out);
	ck_assert_uint_eq(n_cmds(res), 1);
	cdb = logged(log, "ata", 0, 4, 0x11); /* FEATURE 7:0: CRYPTO SCRAMBLE EXT */
	ck_assert_str_eq(jstr(cmd(res, 0), "interface"), "ATA");
	ck_assert_str_eq(jstr(cmd(res, 0), "bytes"), cdb);
	ck_assert_uint_eq(le(cdb, 14, 1), 0xb4);
	ck_assert_ptr_nonnull(strstr(jstr(cmd(res, 0), "parameters"), "signature \"Cryp\""));
	ck_assert_str_eq(jstr(res, "health_before.source"), "ATA SMART READ DATA");
	ck_assert_str_eq(jstr(res, "health_before.smart_status"), "passed");
	ck_assert_str_eq(jstr(res, "health_after.smart_status"), "passed");
	ck_assert_ptr_null(jstr(res, "health_before.temperature_celsius"));
	before = logged(log, "smart-data", 0, -1, -1);
	after = logged(log, "smart-data", -1, -1, -1);
	thr = logged(log, "smart-thresholds", 0, -1, -1);
	a = attr(res, "health_before", 241);
	ck_assert_str_eq(jstr(a, "name"), "Total_LBAs_Written");
	ck_assert_uint_eq(jnum(a, "raw"), raw_of(before, 241));
	ck_assert_uint_eq(jnum(attr(res, "health_after", 241), "raw"), raw_of(after, 241));
	ck_assert_uint_gt(raw_of(after, 241), raw_of(before, 241));
	ck_assert_uint_eq(jnum(attr(res, "health_before", 5), "threshold"), le(thr, 2 + 1, 1));
	ck_assert_str_eq(jstr(attr(res, "health_before", 5), "name"), "Reallocated_Sector_Ct");
	json_object_put(root);
	free(before);
	free(after);
	free(thr);
	free(cdb);
	free(out);
	free(log);
	free(dev);
}
END_TEST

START_TEST(test_ata_security_erase)
{
	static const int commands[] = { 0xf1, 0xf3, 0xf4 };
	char *dev = marked("sec.img"), *log = log_path("sec"), *out = NULL, *pw = NULL;
	struct json_object *root, *res;

	res = wipe_on("ata", "hdd", dev, log, "ata-secure-erase", WS_EXIT_OK, &root, &out);
	ck_assert_uint_eq(n_cmds(res), 3);
	for (size_t i = 0; i < 3; i++) {
		char *cdb = logged(log, "ata", -1, 14, commands[i]);

		ck_assert_str_eq(jstr(cmd(res, i), "bytes"), cdb);
		free(cdb);
	}
	ck_assert_str_eq(jstr(cmd(res, 0), "command"), "SECURITY SET PASSWORD");
	ck_assert_str_eq(jstr(cmd(res, 2), "command"), "SECURITY ERASE UNIT");
	ck_assert_ptr_nonnull(strstr(jstr(cmd(res, 2), "parameters"),
	                             "(one-time password, in security-passwords.log)"));
	/* the password is in its log, and nowhere in the result */
	ck_assert_int_eq(test_sh(&pw,
	                         "sed -n 's/.*user-password=//p' '%s/certs/security-passwords.log'",
	                         scratch_dir()),
	                 0);
	pw[strcspn(pw, "\n")] = '\0';
	ck_assert_uint_eq(strlen(pw), 64);
	ck_assert_ptr_null(strstr(out, pw));
	json_object_put(root);
	free(pw);
	free(out);
	free(log);
	free(dev);
}
END_TEST

START_TEST(test_hidden_area_restore_is_recorded)
{
	char *dev = marked("hpa.img"), *log = log_path("hpa"), *out = NULL, *cdb;
	struct json_object *root, *res;

	res = wipe_on("ata", "hpa", dev, log, "ata-sanitize-block", WS_EXIT_OK, &root, &out);
	ck_assert_uint_eq(n_cmds(res), 2);
	cdb = logged(log, "ata", 0, 14, 0x37);
	ck_assert_str_eq(jstr(cmd(res, 0), "command"), "SET MAX ADDRESS EXT");
	ck_assert_str_eq(jstr(cmd(res, 0), "bytes"), cdb);
	ck_assert_ptr_nonnull(strstr(jstr(cmd(res, 0), "parameters"), "VV=0 (volatile"));
	ck_assert_str_eq(jstr(cmd(res, 1), "command"), "SANITIZE DEVICE (BLOCK ERASE EXT)");
	json_object_put(root);
	free(cdb);
	free(out);
	free(log);
	free(dev);
}
END_TEST

START_TEST(test_smart_fails_and_no_smart)
{
	char *dev = marked("bad.img"), *log = log_path("bad"), *out = NULL;
	struct json_object *root, *res, *a;

	res =
	    wipe_on("ata", "smart-fails", dev, log, "ata-sanitize-block", WS_EXIT_OK, &root, &out);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS"); /* evidence, not a verdict */
	ck_assert_str_eq(jstr(res, "health_before.smart_status"), "threshold exceeded");
	a = attr(res, "health_before", 5);
	ck_assert_uint_lt(jnum(a, "value"), jnum(a, "threshold"));
	json_object_put(root);
	free(out);
	res = wipe_on("ata", "no-smart", dev, log, "ata-sanitize-block", WS_EXIT_OK, &root, &out);
	ck_assert_ptr_null(jstr(res, "health_before"));
	ck_assert_ptr_null(jstr(res, "health_after"));
	ck_assert_ptr_nonnull(strstr(jstr(res, "health_unavailable"), "aborted SMART"));
	json_object_put(root);
	free(out);
	free(log);
	free(dev);
}
END_TEST

START_TEST(test_loop_and_sas_have_no_health)
{
	char *dev = marked_raw("plain.img"), *log = log_path("sas"), *out = NULL, *cdb;
	struct json_object *root, *res;

	res = wipe_on("none", "-", dev, log, "zero", WS_EXIT_OK, &root, &out);
	ck_assert_uint_eq(n_cmds(res), 0);
	ck_assert_ptr_null(jstr(res, "health_before"));
	ck_assert_str_eq(jstr(res, "health_unavailable"), "a loop device has no health log");
	json_object_put(root);
	free(out);
	res = wipe_on("ata", "sas", dev, log, "scsi-sanitize-crypto", WS_EXIT_OK, &root, &out);
	ck_assert_uint_eq(n_cmds(res), 1);
	cdb = logged(log, "scsi", 0, 0, 0x48);
	ck_assert_str_eq(jstr(cmd(res, 0), "interface"), "SCSI");
	ck_assert_str_eq(jstr(cmd(res, 0), "bytes"), cdb);
	ck_assert_ptr_nonnull(strstr(jstr(cmd(res, 0), "parameters"),
	                             "SERVICE ACTION=03h (CRYPTOGRAPHIC ERASE), IMMED=1"));
	ck_assert_ptr_null(jstr(res, "health_before"));
	ck_assert_ptr_nonnull(strstr(jstr(res, "health_unavailable"), "SCSI"));
	json_object_put(root);
	free(cdb);
	free(out);
	free(log);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("simulated drives");
	int r;

	simdrive_init("health", "HEALTH");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_nvme_sanitize);
	tcase_add_test(tc, test_nvme_format);
	tcase_add_test(tc, test_ata_sanitize);
	tcase_add_test(tc, test_ata_security_erase);
	tcase_add_test(tc, test_hidden_area_restore_is_recorded);
	tcase_add_test(tc, test_smart_fails_and_no_smart);
	tcase_add_test(tc, test_loop_and_sas_have_no_health);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
