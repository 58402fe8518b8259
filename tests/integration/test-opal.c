/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-opal.c - self-encrypting drives (TCG Opal, Pyrite) through the same `wipeseal` binary as
 * real drives, against tests/opalsim: a simulated drive answering the kernel's sed-opal ioctls
 * for a loop device, with a locked range that refuses I/O and a revert that changes the image
 * the way the drive would. The loop devices are 32 MiB and hold ext4 filled with a marker;
 * every wipe is signed by a PKI the suite makes and checked with `openssl cms -verify`.
 *
 * - test_discovery_in_list: `list --json` shows the "opal" object (sed-opal, Opal 2, locking
 *   enabled, a range locked, MBR shadow, media encryption); plain `list` shows it ineligible
 *   with the remedy (opal-psid-revert); an overwrite is refused (exit 3) and the image is
 *   unchanged.
 * - test_psid_revert: opal-psid-revert with --psid-file: exit 0, SUCCESS, Purge, counts as a
 *   cryptographic erase, the marker gone, nothing of the sample as before, the Level 0 summary
 *   before (locked) and after (unlocked) recorded; the certificate verifies and says so, and
 *   the PSID appears nowhere: not in the certificate, the audit log, the output or the result.
 *   A second `list --json` shows the drive unlocked and eligible.
 * - test_wrong_psid: exit 1, the drive's answer (NOT_AUTHORIZED, 0x01) in one line, the image
 *   byte for byte as before, the simulator counted one failed attempt and no retry.
 * - test_pyrite: opal-revert with --sid-file: Clear, counts as overwrite, every byte read back
 *   as zeros (--verify full), no cryptographic_erase section; `wipeseal verify` agrees.
 * - test_no_opal: profile none: opal-psid-revert refused before anything is sent (exit 3).
 * - test_secret_never_on_command_line: --psid VALUE and --psid=VALUE exit 2 with one line;
 *   --psid-file with another method exits 2.
 * - test_liar_is_found: a drive that reports the revert done and changes nothing: the
 *   read-back finds data (exit 4, FAILED).
 *
 * Not covered: the kernel's sed-opal code and real drives (no Opal drive was available);
 * SECURITY PROTOCOL IN / NVMe Security Receive (the path for kernels before 6.4: only its
 * parser is tested, in tests/unit/test-opal-kat.c); AUTHORITY_LOCKED_OUT; the terminal prompt.
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

#define PSID "QWERTYUIOPASDFGHJKLZXCVBNM123456" /* 32 characters, as on a label */

/* The simulator's environment for @dev with @profile, its state in @state. */
static char *sim_env(const char *profile, const char *dev, const char *state)
{
	char *env = NULL;

	ck_assert_int_ge(asprintf(&env,
	                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                          "WS_OPALSIM_PATH='%s' WS_OPALSIM_PROFILE=%s "
	                          "WS_OPALSIM_PSID=" PSID " WS_OPALSIM_STATE='%s'",
	                          WS_OPALSIM, dev, profile, state),
	                 0);
	return env;
}

static char *state_file(const char *name)
{
	char *s = NULL;

	ck_assert_int_ge(asprintf(&s, "%s/%s.state", scratch_dir(), name), 0);
	unlink(s);
	return s;
}

/* A file holding @secret and a newline, as an operator would save it. */
static char *secret_file(const char *name, const char *secret)
{
	char *f = NULL;

	ck_assert_int_ge(asprintf(&f, "%s/%s", scratch_dir(), name), 0);
	ck_assert_int_eq(test_sh(NULL, "printf '%%s\\n' '%s' > '%s'", secret, f), 0);
	return f;
}

static struct json_object *listed(const char *env, const char *dev, struct json_object **root)
{
	char *out = NULL;
	struct json_object *d;

	ck_assert_int_eq(run_cli_prefix(&out, NULL, env, "list --json '%s'", dev), 0);
	*root = json_tokener_parse(out);
	ck_assert_ptr_nonnull(*root);
	d = json_device(*root, dev);
	ck_assert_ptr_nonnull(d);
	free(out);
	return d;
}

START_TEST(test_discovery_in_list)
{
	char *dev = marked("list.img"), *st = state_file("list"), *env = sim_env("opal2", dev, st);
	char *before = sha(dev), *after, *out = NULL, *err = NULL;
	struct json_object *root, *d;

	d = listed(env, dev, &root);
	ck_assert_str_eq(jstr(d, "opal.source"), "sed-opal");
	ck_assert_str_eq(jstr(d, "opal.ssc"), "Opal 2");
	ck_assert_str_eq(jstr(d, "opal.locking_enabled"), "true");
	ck_assert_str_eq(jstr(d, "opal.locked"), "true");
	ck_assert_str_eq(jstr(d, "opal.mbr_shadow_enabled"), "true");
	ck_assert_str_eq(jstr(d, "opal.mbr_shadow_done"), "false");
	ck_assert_str_eq(jstr(d, "opal.media_encryption"), "true");
	ck_assert_str_eq(jstr(d, "eligible"), "false");
	ck_assert(strstr(jstr(d, "ineligible_reasons"), "opal-psid-revert"));
	json_object_put(root);
	ck_assert_int_eq(run_cli_prefix(&out, NULL, env, "list '%s'", dev), 0);
	ck_assert_msg(strstr(out, "locked range") && strstr(out, "opal-psid-revert"), "%s", out);
	free(out);
	out = NULL;
	/* an overwrite is refused with the remedy, nothing written */
	ck_assert_int_eq(simdrive_wipe(env, dev, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, "opal-psid-revert"), "%s", err);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	free(out);
	free(err);
	free(env);
	free(st);
	free(dev);
}
END_TEST

/* Whether @file (or the output @text) holds the PSID. */
static bool file_has_psid(const char *file)
{
	return test_sh(NULL, "grep -a -q -F '%s' '%s'", PSID, file) == 0;
}

START_TEST(test_psid_revert)
{
	char *dev = marked("psid.img"), *st = state_file("psid"), *env = sim_env("opal2", dev, st);
	char *f = secret_file("psid.txt", PSID), *args = NULL, *out = NULL, *err = NULL, *audit;
	char *shown = NULL;
	struct json_object *root, *res, *cert, *d, *lroot;

	ck_assert_int_ge(asprintf(&args, "-m opal-psid-revert --psid-file '%s' '%s'", f, dev), 0);
	ck_assert_msg(simdrive_wipe(env, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(!has_marker(dev));
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "technique"), "opal-psid-revert");
	ck_assert_str_eq(jstr(res, "nist_level"), "Purge");
	ck_assert_str_eq(jstr(res, "opal.revert"), "PSID");
	ck_assert_str_eq(jstr(res, "opal.interface"), "sed-opal");
	ck_assert_str_eq(jstr(res, "opal.tcg_status"), "0");
	ck_assert_str_eq(jstr(res, "opal.counts_as"), "cryptographic erase");
	ck_assert_str_eq(jstr(res, "opal.before.locked"), "true");
	ck_assert_str_eq(jstr(res, "opal.after.locked"), "false");
	ck_assert_str_eq(jstr(res, "opal.after.locking_enabled"), "false");
	ck_assert_uint_gt(jnum(res, "opal.unreadable_before"), 0); /* the locked half */
	ck_assert_uint_gt(jnum(res, "verification.crypto_erase.baseline.blocks_compared"), 0);
	ck_assert_uint_eq(jnum(res, "verification.crypto_erase.baseline.residue_blocks"), 0);
	ck_assert_uint_eq(jnum(res, "verification.crypto_erase.entropy.structured_blocks"), 0);
	ck_assert_int_eq(
	    run_cli(NULL, NULL, "verify --ca '%s/ca/ca.pem' '%s'", pki, jstr(root, "file")), 0);
	cert = certificate_of(root);
	ck_assert_str_eq(jstr(cert, "sanitization.method"), "Purge");
	ck_assert_str_eq(jstr(cert, "sanitization.technique"), "cryptographic erase");
	ck_assert_str_eq(jstr(cert, "evidence.opal.revert"), "PSID");
	ck_assert_ptr_nonnull(
	    strstr(jstr(cert, "sanitization.cryptographic_erase.key_changed"), "PSID"));
	/* `show` prints the revert's record */
	ck_assert_int_eq(run_cli(&shown, NULL, "show '%s'", jstr(root, "file")), 0);
	ck_assert_msg(strstr(shown, "Self-encrypting drive (TCG revert)") &&
	                  strstr(shown, "cryptographic erase") && strstr(shown, "PSID"),
	              "%s", shown);
	ck_assert(!strstr(shown, PSID));
	free(shown);
	/* the PSID nowhere: output, certificate, audit log */
	ck_assert(!strstr(out, PSID) && !strstr(err, PSID));
	ck_assert(!file_has_psid(jstr(root, "file")));
	ck_assert_int_ge(asprintf(&audit, "%s/audit.log", scratch_dir()), 0);
	ck_assert(!file_has_psid(audit));
	ck_assert_int_ne(test_sh(NULL, "grep -r -a -q -F '%s' '%s/certs'", PSID, scratch_dir()), 0);
	/* the drive now: unlocked, eligible */
	d = listed(env, dev, &lroot);
	ck_assert_str_eq(jstr(d, "opal.locked"), "false");
	ck_assert_str_eq(jstr(d, "eligible"), "true");
	json_object_put(lroot);
	json_object_put(cert);
	json_object_put(root);
	free(audit);
	free(out);
	free(err);
	free(args);
	free(f);
	free(env);
	free(st);
	free(dev);
}
END_TEST

START_TEST(test_wrong_psid)
{
	char *dev = marked("wrong.img"), *st = state_file("wrong"),
	     *env = sim_env("opal2", dev, st);
	char *f = secret_file("wrong.txt", "NOTTHEPSID0000000000000000000000");
	char *args = NULL, *out = NULL, *err = NULL, *before = sha(dev), *after, *state = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m opal-psid-revert --psid-file '%s' '%s'", f, dev), 0);
	ck_assert_int_eq(simdrive_wipe(env, args, &out, &err), WS_EXIT_FAILED);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_msg(strstr(jstr(res, "reason"), "NOT_AUTHORIZED (TCG status 0x01)"), "%s",
	              jstr(res, "reason"));
	ck_assert(!strchr(jstr(res, "reason"), '\n'));
	ck_assert_str_eq(jstr(res, "opal.tcg_status"), "1");
	after = sha(dev);
	ck_assert_str_eq(before, after);
	/* one attempt: no retry of ours */
	ck_assert_int_eq(test_sh(&state, "cat '%s'", st), 0);
	ck_assert_msg(strstr(state, "reverts=0 failures=1"), "%s", state);
	ck_assert(!strstr(out, "NOTTHEPSID") && !strstr(err, "NOTTHEPSID"));
	json_object_put(root);
	free(state);
	free(after);
	free(before);
	free(out);
	free(err);
	free(args);
	free(f);
	free(env);
	free(st);
	free(dev);
}
END_TEST

START_TEST(test_pyrite)
{
	char *dev = marked("pyrite.img"), *st = state_file("pyrite");
	char *env = sim_env("pyrite", dev, st), *f = secret_file("sid.txt", PSID);
	char *args = NULL, *out = NULL, *err = NULL;
	struct json_object *root, *res, *cert;

	ck_assert_int_ge(
	    asprintf(&args, "-m opal-revert --sid-file '%s' --verify full '%s'", f, dev), 0);
	ck_assert_msg(simdrive_wipe(env, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "nist_level"), "Clear");
	ck_assert_str_eq(jstr(res, "opal.revert"), "SID");
	ck_assert_str_eq(jstr(res, "opal.counts_as"), "overwrite");
	ck_assert_str_eq(jstr(res, "opal.before.ssc"), "Pyrite 2");
	ck_assert_str_eq(jstr(res, "opal.before.media_encryption"), "false");
	ck_assert_ptr_nonnull(strstr(jstr(res, "opal.before.data_removal.supported"),
	                             "\"mechanism\": \"overwrite\""));
	/* `wipeseal verify` holds the summary (Clear, overwrite) to the evidence, and agrees */
	ck_assert_int_eq(
	    run_cli(NULL, NULL, "verify --ca '%s/ca/ca.pem' '%s'", pki, jstr(root, "file")), 0);
	cert = certificate_of(root);
	ck_assert_str_eq(jstr(cert, "sanitization.method"), "Clear");
	ck_assert_str_eq(jstr(cert, "sanitization.technique"), "overwrite");
	ck_assert_ptr_null(jstr(cert, "sanitization.cryptographic_erase"));
	json_object_put(cert);
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(f);
	free(env);
	free(st);
	free(dev);
}
END_TEST

START_TEST(test_no_opal)
{
	char *dev = marked("none.img"), *st = state_file("none"), *env = sim_env("none", dev, st);
	char *f = secret_file("none.txt", PSID), *args = NULL, *out = NULL, *err = NULL;
	char *before = sha(dev), *after;
	struct json_object *root, *d;

	d = listed(env, dev, &root);
	ck_assert_ptr_null(jstr(d, "opal"));
	json_object_put(root);
	ck_assert_int_ge(asprintf(&args, "-m opal-psid-revert --psid-file '%s' '%s'", f, dev), 0);
	ck_assert_int_eq(simdrive_wipe(env, args, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, "does not advertise opal-psid-revert"), "%s", err);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	free(out);
	free(err);
	free(args);
	free(f);
	free(env);
	free(st);
	free(dev);
}
END_TEST

START_TEST(test_secret_never_on_command_line)
{
	static const char *const bad[] = { "--psid " PSID, "--psid=" PSID, "--sid=secret" };
	char *out = NULL, *err = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(
		    run_cli(&out, &err, "wipe -m opal-psid-revert %s /dev/null", bad[i]),
		    WS_EXIT_USAGE);
		ck_assert_msg(strstr(err, "never taken from the command line") &&
		                  strchr(err, '\n') == err + strlen(err) - 1,
		              "%s", err);
		free(out);
		free(err);
		out = err = NULL;
	}
	ck_assert_int_eq(
	    run_cli(&out, &err, "wipe --unsigned -m clear --psid-file /dev/null /dev/null"),
	    WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "opal-psid-revert"), "%s", err);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_liar_is_found)
{
	char *dev = marked("liar.img"), *st = state_file("liar"), *env = sim_env("liar", dev, st);
	char *f = secret_file("liar.txt", PSID), *args = NULL, *out = NULL, *err = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m opal-psid-revert --psid-file '%s' '%s'", f, dev), 0);
	ck_assert_int_eq(simdrive_wipe(env, args, &out, &err), WS_EXIT_DATA_FOUND);
	ck_assert(has_marker(dev));
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_msg(strstr(jstr(res, "reason"), "read as before"), "%s", jstr(res, "reason"));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(f);
	free(env);
	free(st);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opal");
	TCase *tc = tcase_create("simulated self-encrypting drive");
	int r;

	simdrive_init("opal", "OPAL");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_discovery_in_list);
	tcase_add_test(tc, test_psid_revert);
	tcase_add_test(tc, test_wrong_psid);
	tcase_add_test(tc, test_pyrite);
	tcase_add_test(tc, test_no_opal);
	tcase_add_test(tc, test_secret_never_on_command_line);
	tcase_add_test(tc, test_liar_is_found);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
