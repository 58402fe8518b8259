/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-purge-or-clear.c - `--method purge-or-clear` (docs/methods.md, "purge-or-clear") through the
 * real `wipeseal wipe` and `station --auto`, against tests/nvmesim and plain loop devices; each
 * device is read back, each certificate checked with plain `openssl cms -verify` and with
 * `wipeseal verify`.
 *
 * - test_purge_where_offered (`full`): exit 0, the marker gone, nvme-sanitize-crypto at Purge;
 *   the result's `fallback` and the certificate's `sanitization.fallback` say Purge was offered
 *   and carried out; no pass planned.
 * - test_clear_where_not (`format-only`, the laptop's NVMe drive without Sanitize, and a plain
 *   loop device): exit 0, every byte of the device zero (read with cmp), technique overwrite at
 *   Clear, verified by sample, no drive command sent (no Format NVM either), and the fallback
 *   names why: "an NVMe drive without Sanitize; its Format NVM ... is Clear", "no NVMe, ATA,
 *   SCSI or eMMC sanitize". `verify` says OK.
 * - test_failed_purge_is_not_cleared (`fails`): exit 1, FAILED, the sanitize's technique, no
 *   pass planned or written, and a marker at 30 MiB (past the 55 % the drive erases before it
 *   fails) still there: a failed Purge is a finding, never overwritten afterwards.
 * - test_verify_none_refused: `--verify none` (even with `--trust-firmware`) exits 2 naming
 *   purge-or-clear, the device unchanged.
 * - test_auto_mode_does_not_skip: `station --auto` with `[station] method = purge-or-clear` on a
 *   `format-only` drive and a plain loop device: neither is skipped or refused, both SUCCESS,
 *   both read back as zeros, both certificates Clear with the fallback; the same config with
 *   `method = purge` refuses both and leaves them as they were.
 * - test_station_menu: the station's method menu (tmux, 80x24) offers purge-or-clear with
 *   a `full` drive and a plain loop device selected (purge greyed); one start purges the
 *   first (nvme-sanitize-crypto on its summary line and certificate) and clears the second
 *   ("clear (no Purge)", a Clear certificate saying why, every byte zero).
 *
 * Not covered: real drives and the kernel's NVMe driver (as test-nvme.c); a frozen SATA drive
 * under purge-or-clear is refused as under purge (tests/unit/test-fallback.c, not re-run here
 * against tests/atasim).
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
#include "tmuxstation.h"

/* The simulator's environment for @dev on @profile, or "" for a plain loop device. */
static char *sim_env(const char *profile, const char *dev)
{
	char *env = NULL;

	if (!profile)
		return strdup("");
	ck_assert_int_ge(asprintf(&env,
	                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                          "WS_NVMESIM_PATH='%s' WS_NVMESIM_PROFILE=%s "
	                          "WS_NVMESIM_SECONDS=1",
	                          WS_NVMESIM, dev, profile),
	                 0);
	return env;
}

/* `wipe --json -m purge-or-clear @extra DEV` on @profile (NULL: no simulator). */
static int poc_wipe(const char *profile, const char *dev, const char *extra, char **out, char **err)
{
	char *env = sim_env(profile, dev), *args = NULL;
	int r;

	ck_assert_int_ge(asprintf(&args, "-m purge-or-clear %s '%s'", extra, dev), 0);
	r = simdrive_wipe(env, args, out, err);
	free(env);
	free(args);
	return r;
}

/* The certificate @root names: fallback agrees with the evidence, and `verify` says @code. */
static struct json_object *checked_certificate(struct json_object *root, const char *fallback,
                                               int code)
{
	struct json_object *cert = certificate_of(root), *file;

	ck_assert_str_eq(jstr(cert, "sanitization.fallback"), fallback);
	ck_assert_str_eq(jstr(cert, "evidence.fallback"), fallback);
	ck_assert(json_object_object_get_ex(root, "file", &file));
	ck_assert_int_eq(
	    run_cli(NULL, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, json_object_get_string(file)),
	    code);
	return cert;
}

static size_t commands_sent(struct json_object *res)
{
	struct json_object *c = NULL;

	if (!json_object_object_get_ex(res, "commands", &c) || !c)
		return 0;
	return json_object_is_type(c, json_type_array) ? json_object_array_length(c) : 1;
}

START_TEST(test_purge_where_offered)
{
	char *dev = marked("full.img"), *out = NULL, *err = NULL;
	struct json_object *root, *res, *cert;

	ck_assert_msg(poc_wipe("full", dev, "", &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(!has_marker(dev));
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "method"), "purge-or-clear");
	ck_assert_str_eq(jstr(res, "technique"), "nvme-sanitize-crypto");
	ck_assert_str_eq(jstr(res, "nist_level"), "Purge");
	ck_assert_uint_eq(jnum(res, "passes_planned"), 0);
	ck_assert_ptr_nonnull(strstr(jstr(res, "fallback"), "the drive offers Purge"));
	cert = checked_certificate(root, jstr(res, "fallback"), WS_EXIT_OK);
	ck_assert_str_eq(jstr(cert, "sanitization.method"), "Purge");
	ck_assert_str_eq(jstr(cert, "sanitization.technique_name"), "nvme-sanitize-crypto");
	json_object_put(cert);
	json_object_put(root);
	free(out);
	free(err);
	free(dev);
}
END_TEST

/* purge-or-clear on @profile (NULL: a plain loop device) is a verified Clear saying @why. */
static void cleared(const char *profile, const char *why)
{
	char *dev = marked("clr.img"), *out = NULL, *err = NULL;
	struct json_object *root, *res, *cert;

	ck_assert_msg(poc_wipe(profile, dev, "", &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "technique"), "overwrite");
	ck_assert_str_eq(jstr(res, "nist_level"), "Clear");
	ck_assert_uint_eq(jnum(res, "passes_planned"), 1);
	ck_assert_str_eq(jstr(res, "verification.mode"), "sample");
	ck_assert_uint_gt(jnum(res, "verification.bytes_checked"), 0);
	ck_assert_uint_eq(commands_sent(res), 0); /* no Format NVM, no Sanitize */
	ck_assert_msg(strstr(jstr(res, "fallback"), why), "%s", jstr(res, "fallback"));
	ck_assert_ptr_nonnull(strstr(jstr(res, "fallback"), "Clear by overwrite, verified"));
	cert = checked_certificate(root, jstr(res, "fallback"), WS_EXIT_OK);
	ck_assert_str_eq(jstr(cert, "sanitization.method"), "Clear");
	ck_assert_str_eq(jstr(cert, "sanitization.technique"), "overwrite");
	json_object_put(cert);
	json_object_put(root);
	free(out);
	free(err);
	free(dev);
}

START_TEST(test_clear_where_not)
{
	cleared("format-only", "(an NVMe drive without Sanitize; its Format NVM with secure "
	                       "erase is Clear, not Purge)");
	cleared(NULL, "(no NVMe, ATA, SCSI or eMMC sanitize and no security erase it advertises)");
}
END_TEST

START_TEST(test_failed_purge_is_not_cleared)
{
	char *dev = marked("fails.img"), *out = NULL, *err = NULL;
	struct json_object *root, *res, *cert;

	/* the marker once more at 30 MiB, past the 55 % the drive erases before it fails */
	ck_assert_int_eq(test_sh(NULL,
	                         "printf '%%s' '%s' | dd of='%s' bs=1M seek=30 conv=notrunc "
	                         "oflag=sync status=none",
	                         marker, dev),
	                 0);
	ck_assert_int_eq(poc_wipe("fails", dev, "", &out, &err), WS_EXIT_FAILED);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_str_eq(jstr(res, "technique"), "nvme-sanitize-crypto");
	ck_assert_uint_eq(jnum(res, "passes_planned"), 0);
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "the sanitize failed"));
	/* the part the drive never reached still holds the marker: nobody overwrote it */
	ck_assert(has_marker(dev));
	ck_assert_int_lt(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 2);
	ck_assert_int_ne(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	cert = checked_certificate(root, jstr(res, "fallback"), WS_EXIT_NOT_WIPED);
	ck_assert_str_eq(jstr(cert, "status"), "FAILED");
	json_object_put(cert);
	json_object_put(root);
	free(out);
	free(err);
	free(dev);
}
END_TEST

START_TEST(test_verify_none_refused)
{
	static const char *const extra[] = { "--verify none", "--verify none --trust-firmware" };

	for (size_t i = 0; i < 2; i++) {
		char *dev = marked("none.img"), *before = sha(dev), *after, *out = NULL,
		     *err = NULL;

		ck_assert_int_eq(poc_wipe(NULL, dev, extra[i], &out, &err), WS_EXIT_USAGE);
		ck_assert_msg(strstr(err, "verify none with purge-or-clear"), "%s", err);
		after = sha(dev);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
		free(out);
		free(err);
		free(dev);
	}
}
END_TEST

/* The certificate --auto's output names for @dev, which ended @status. */
static char *auto_cert(const char *out, const char *dev, const char *status)
{
	char *want = NULL, *at, *end, *file;

	ck_assert_int_ge(asprintf(&want, "wipeseal: %s: %s; ", dev, status), 0);
	at = strstr(out, want);
	ck_assert_msg(at != NULL, "no '%s' in:\n%s", want, out);
	at += strlen(want);
	end = strchr(at, '\n');
	file = strndup(at, end ? (size_t)(end - at) : strlen(at));
	free(want);
	return file;
}

/* `station --auto` with [station] method = @method on a `format-only` drive and a plain
 * loop device (both named). Return: its exit code, its output in *@out. */
static int run_auto(const char *method, const char *nvme, const char *plain, char **out)
{
	char *conf = NULL, *env = sim_env("format-only", nvme);
	int r;

	ck_assert_int_ge(asprintf(&conf, "%s/auto-%s.conf", scratch_dir(), method), 0);
	ck_assert_int_eq(test_sh(NULL, "printf '[station]\\nmethod = %s\\n' > '%s'", method, conf),
	                 0);
	r = run_cli_prefix(out, NULL, env,
	                   "station --auto --config '%s' --signer-key %s/st/signer.key "
	                   "--signer-cert %s/st/signer.pem --audit-log %s/audit.log "
	                   "--cert-dir %s/certs --operator 'Test Operator' '%s' '%s' < /dev/null",
	                   conf, pki, pki, scratch_dir(), scratch_dir(), nvme, plain);
	free(conf);
	free(env);
	return r;
}

START_TEST(test_auto_mode_does_not_skip)
{
	char *nvme = marked("auto-n.img"), *plain = marked("auto-p.img"), *out = NULL;
	char *sn = sha(nvme), *sp = sha(plain), *s2;
	const char *const devs[] = { nvme, plain };

	/* purge alone refuses both, and leaves them be */
	ck_assert_int_eq(run_auto("purge", nvme, plain, &out), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(out, "REFUSED"), "%s", out);
	free(out);
	ck_assert_str_eq(sn, s2 = sha(nvme));
	free(s2);
	ck_assert_str_eq(sp, s2 = sha(plain));
	free(s2);
	/* purge-or-clear wipes both, each a verified Clear saying why */
	ck_assert_int_eq(run_auto("purge-or-clear", nvme, plain, &out), WS_EXIT_OK);
	ck_assert_msg(!strstr(out, "REFUSED") && !strstr(out, "skipped"), "%s", out);
	for (size_t i = 0; i < 2; i++) {
		char *file = auto_cert(out, devs[i], "SUCCESS");
		struct json_object *cert = json_object_from_file(file);

		ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", devs[i]), 0);
		ck_assert_ptr_nonnull(cert);
		ck_assert_str_eq(jstr(cert, "sanitization.method"), "Clear");
		ck_assert_ptr_nonnull(
		    strstr(jstr(cert, "sanitization.fallback"), "offers no Purge technique"));
		ck_assert_int_eq(test_sh(NULL,
		                         "openssl cms -verify -binary -inform PEM -in '%s.p7s' "
		                         "-content '%s' -CAfile %s/ca/ca.pem -purpose any "
		                         "-out /dev/null",
		                         file, file, pki),
		                 0);
		ck_assert_int_eq(run_cli(NULL, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, file),
		                 WS_EXIT_OK);
		json_object_put(cert);
		free(file);
	}
	free(out);
	free(sn);
	free(sp);
	free(nvme);
	free(plain);
}
END_TEST

/* The certificate of @dev in the station's result directory (malloc'd), parsed into *@doc
 * and checked with plain openssl. */
static char *station_cert(const char *dev, struct json_object **doc)
{
	char *out = NULL, *nl;

	ck_assert_int_eq(
	    test_sh(&out, "grep -l -F '\"path\": \"%s\"' '%s'/certs/*.json", dev, scratch_dir()),
	    0);
	if ((nl = strchr(out, '\n')))
		*nl = '\0';
	*doc = json_object_from_file(out);
	ck_assert_ptr_nonnull(*doc);
	ck_assert_int_eq(openssl_verify(out), 0);
	return out;
}

/* The station's method menu offers purge-or-clear where the library does: chosen with an
 * NVMe drive that has Sanitize (`full`) and a plain loop device both selected, one start
 * purges the first and clears the second, and each certificate says which and why. */
START_TEST(test_station_menu)
{
	char *nvme, *plain, *env, *args, *scr, *file, *l;
	struct json_object *doc;

	if (test_sh(NULL, "command -v tmux >/dev/null") != 0) {
		printf("SKIP: test_station_menu: tmux is not installed\n");
		return;
	}
	nvme = marked("st-n.img");
	plain = marked("st-p.img");
	env = sim_env("full", nvme);
	clear_results();
	args = test_fmt("%s '%s' '%s'", signed_args(), nvme, plain);
	start_station(env, args);
	free(wait_for("2 of 2 selected", 20));
	keys("m");
	scr = wait_for(" Method ", 10);
	/* purge is greyed (the loop device has none); purge-or-clear is open to both */
	expect_line(scr, "> clear", "clear");
	expect_line(scr, " purge ", "(not on every selected drive)");
	l = line_with(scr, "purge-or-clear");
	ck_assert_msg(l && !strstr(l, "("), "%s", scr);
	free(l);
	free(scr);
	keys("j j j j j j Enter"); /* clear zero one random dod-3pass purge -> purge-or-clear */
	free(wait_for("method purge-or-clear", 10));
	keys("s");
	free(wait_for("Type WIPE", 10));
	keys("-l WIPE");
	keys("Enter");
	scr = wait_for("Summary", 180);
	/* what each drive got, on its summary line */
	expect_line(scr, nvme, "SUCCESS  nvme-sanitize-crypto");
	expect_line(scr, plain, "SUCCESS  clear (no Purge)");
	free(scr);
	keys("x");
	keys("q");
	ck_assert_int_eq(wait_exit(30), WS_EXIT_OK);
	no_sanitizer_reports();

	file = station_cert(nvme, &doc);
	ck_assert_str_eq(jstr(doc, "sanitization.method"), "Purge");
	ck_assert_str_eq(jstr(doc, "sanitization.technique_name"), "nvme-sanitize-crypto");
	ck_assert_ptr_nonnull(strstr(jstr(doc, "sanitization.fallback"), "the drive offers Purge"));
	json_object_put(doc);
	free(file);
	file = station_cert(plain, &doc);
	ck_assert_str_eq(jstr(doc, "sanitization.method"), "Clear");
	ck_assert_str_eq(jstr(doc, "sanitization.technique"), "overwrite");
	ck_assert_ptr_nonnull(strstr(jstr(doc, "sanitization.fallback"),
	                             "(no NVMe, ATA, SCSI or eMMC sanitize and no security erase "
	                             "it advertises): Clear by overwrite, verified"));
	json_object_put(doc);
	free(file);
	ck_assert(!has_marker(nvme));
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", plain), 0);
	free(args);
	free(env);
	free(nvme);
	free(plain);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("purge-or-clear");
	TCase *tc = tcase_create("purge-or-clear");
	int r;

	simdrive_init("purge-or-clear", "POC");
	tmuxstation_init();
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_purge_where_offered);
	tcase_add_test(tc, test_clear_where_not);
	tcase_add_test(tc, test_failed_purge_is_not_cleared);
	tcase_add_test(tc, test_verify_none_refused);
	tcase_add_test(tc, test_auto_mode_does_not_skip);
	tcase_add_test(tc, test_station_menu);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	scratch_cleanup();
	return r;
}
