/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-destroyed.c - `wipeseal destroyed` (docs/certificate.md, "Destruction records"): the
 * record of a drive's physical destruction, through the real binary, against a loop device
 * that tests/nvmesim answers for, with a station PKI made by certs/.
 *
 * - test_linked_to_failed_wipe: a `fails` drive's purge ends FAILED (exit 1, a signed
 *   certificate); `destroyed DEV --certificate CERT` writes a record that plain
 *   `openssl cms -verify` accepts against the test CA, naming the drive as it answers
 *   (serial, model), the technique, the operator, the witness (not a signer), and the
 *   certificate by its id, status and the SHA-256 of its bytes; the device is not written;
 *   the audit log gains a DESTROYED line with both hashes and still verifies; `verify REC`
 *   says OK; `verify DIR` checks the record beside the FAILED certificate (exit 7, not a
 *   failure of the record); a copy with the witness changed fails `verify` (exit 1, changed
 *   after signing).
 * - test_serial_without_device: `--serial --model` with no device attached: the typed
 *   identity, no certificate linked and the note saying so; both verifiers accept it.
 * - test_refusals: no witness (exit 2), a technique not of NIST's list (2), no drive (2),
 *   --model beside a device (2), a certificate of another serial (3), a certificate whose
 *   bytes were changed (1); none writes a record.
 *
 * Not covered: an operator's card (destroyed takes none yet); a TSA token on the record (the
 * signer adds one as for any record: tests/integration/test-tsa.c shows the mechanism).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* The simulator's environment for @dev on @profile. */
static char *sim_env(const char *profile, const char *dev)
{
	return test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                "WS_NVMESIM_PATH='%s' WS_NVMESIM_PROFILE=%s WS_NVMESIM_SECONDS=1",
	                WS_NVMESIM, dev, profile);
}

/* `wipeseal destroyed ARGS` signed by the suite's station, after @env. */
static int destroyed(const char *env, const char *args, char **out, char **err)
{
	return run_cli_prefix(out, err, env,
	                      "destroyed --signer-key %s/st/signer.key --signer-cert "
	                      "%s/st/signer.pem --audit-log %s/audit.log --cert-dir %s/certs "
	                      "--operator 'Test Operator' --location 'Bay 3, Hall B' %s",
	                      pki, pki, scratch_dir(), scratch_dir(), args);
}

/* The record `destroyed` printed ("PATH: destruction recorded (...)"), malloc'd. */
static char *record_of(const char *out)
{
	const char *end = strstr(out, ": destruction recorded (");

	ck_assert_msg(end != NULL, "no record in: %s", out);
	return strndup(out, (size_t)(end - out));
}

/* The SHA-256 of @path, 64 hex digits (malloc'd). */
static char *sha_of(const char *path)
{
	char *s = sha(path);

	s[64] = '\0';
	return s;
}

static int openssl_ok(const char *file)
{
	return test_sh(NULL,
	               "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content '%s' "
	               "-CAfile %s/ca/ca.pem -purpose any -out /dev/null",
	               file, file, pki);
}

static long records_in_certs(void)
{
	char *out = NULL;
	long n;

	(void)test_sh(&out, "ls '%s'/certs/ 2>/dev/null | grep -c 'destruction.json$'",
	              scratch_dir());
	n = out ? strtol(out, NULL, 10) : 0;
	free(out);
	return n;
}

/* A wipe that FAILED on the `fails` profile: the certificate's path (malloc'd). */
static char *failed_certificate(const char *dev, const char *env)
{
	char *out = NULL, *err = NULL, *file, *args = test_fmt("-m purge '%s'", dev);
	struct json_object *root, *f;

	ck_assert_int_eq(simdrive_wipe(env, args, &out, &err), WS_EXIT_FAILED);
	free(args);
	root = json_last_line(out);
	ck_assert(json_object_object_get_ex(root, "file", &f));
	file = strdup(json_object_get_string(f));
	ck_assert_str_eq(jstr(root, "result.status"), "FAILED");
	json_object_put(root);
	free(out);
	free(err);
	return file;
}

/* The record: what the drive, the certificate and the people are. */
static void check_linked_record(const char *rec, const char *cert)
{
	struct json_object *r = json_object_from_file(rec), *c = json_object_from_file(cert);
	char *cert_sha = sha_of(cert);

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "schema"), "wipeseal-destruction/1");
	ck_assert_str_eq(jstr(r, "sanitization.method"), "Destruct");
	ck_assert_str_eq(jstr(r, "sanitization.technique"), "shred");
	ck_assert_str_eq(jstr(r, "media.serial"), "SIM-fails-0001");
	ck_assert_str_eq(jstr(r, "media.model"), "WIPESEAL SIMULATED NVMe");
	ck_assert_str_eq(jstr(r, "media.size_bytes"), "33554432");
	ck_assert_ptr_nonnull(strstr(jstr(r, "media.identity_source"), "attached drive"));
	ck_assert_str_eq(jstr(r, "person.name"), "Test Operator");
	ck_assert_str_eq(jstr(r, "person.location"), "Bay 3, Hall B");
	ck_assert_str_eq(jstr(r, "witness.name"), "Wanda Witness");
	ck_assert_str_eq(jstr(r, "witness.role"), "customer's representative");
	ck_assert_str_eq(jstr(r, "witness.signed"), "false");
	ck_assert_str_eq(jstr(r, "linked_certificate.sha256"), cert_sha);
	ck_assert_str_eq(jstr(r, "linked_certificate.certificate_id"), jstr(c, "certificate_id"));
	ck_assert_str_eq(jstr(r, "linked_certificate.status"), "FAILED");
	ck_assert_ptr_null(jstr(r, "linked_certificate_note"));
	json_object_put(r);
	json_object_put(c);
	free(cert_sha);
}

START_TEST(test_linked_to_failed_wipe)
{
	char *dev = marked("fails.img"), *env = sim_env("fails", dev), *out = NULL, *err = NULL;
	char *cert = failed_certificate(dev, env), *before = sha(dev), *after, *rec, *rec_sha;
	char *copy = test_fmt("%s/tampered.destruction.json", scratch_dir());
	char *args = test_fmt("'%s' --how shred --witness 'Wanda Witness' "
	                      "--witness-role \"customer's representative\" "
	                      "--certificate '%s' --ca %s/ca/ca.pem",
	                      dev, cert, pki);

	ck_assert_msg(destroyed(env, args, &out, &err) == WS_EXIT_OK, "%s", err);
	free(args);
	rec = record_of(out);
	ck_assert_ptr_nonnull(strstr(rec, "_SIM-fails-0001.destruction.json"));
	after = sha(dev);
	ck_assert_str_eq(before, after); /* recorded, not written to */
	ck_assert_int_eq(openssl_ok(rec), 0);
	check_linked_record(rec, cert);
	/* the audit log: a DESTROYED line with both hashes, and the log still checks */
	rec_sha = sha_of(rec);
	ck_assert_int_eq(test_sh(NULL,
	                         "grep '\"status\":\"DESTROYED\"' '%s/audit.log' | "
	                         "grep -q '\"record_sha256\":\"%s\"'",
	                         scratch_dir(), rec_sha),
	                 0);
	ck_assert_int_eq(run_cli(NULL, NULL,
	                         "verify --audit-log '%s/audit.log' --ca %s/ca/ca.pem "
	                         "--cert-dir '%s/certs'",
	                         scratch_dir(), pki, scratch_dir()),
	                 WS_EXIT_OK);
	/* verify: the record alone, then beside the FAILED certificate in its directory */
	free(out);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, rec), 0);
	ck_assert_msg(strstr(out, "OK (destruction record: serial SIM-fails-0001, shred by Test "
	                          "Operator, witness Wanda Witness"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(
	    run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s/certs'", pki, scratch_dir()),
	    WS_EXIT_NOT_WIPED);
	ck_assert_msg(strstr(out, "OK (destruction record:"), "%s", out);
	free(out);
	/* the witness changed after signing: refused */
	ck_assert_int_eq(test_sh(NULL,
	                         "sed 's/Wanda Witness/Nobody Else/' '%s' > '%s' && "
	                         "cp '%s.p7s' '%s.p7s'",
	                         rec, copy, rec, copy),
	                 0);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, copy),
	                 WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "FAILED: destruction record: the record's bytes are not the "
	                          "bytes that were signed"),
	              "%s", out);
	ck_assert_int_ne(openssl_ok(copy), 0);
	free(out);
	free(err);
	free(rec_sha);
	free(rec);
	free(copy);
	free(before);
	free(after);
	free(cert);
	free(env);
	free(dev);
}
END_TEST

START_TEST(test_serial_without_device)
{
	char *out = NULL, *err = NULL, *rec;
	struct json_object *r;

	ck_assert_msg(destroyed("",
	                        "--serial 'SN-GONE-42' --model 'Old Disk 500' --how incinerate "
	                        "--witness 'Wanda Witness'",
	                        &out, &err) == WS_EXIT_OK,
	              "%s", err);
	ck_assert_ptr_nonnull(strstr(out, "no wipe certificate linked"));
	rec = record_of(out);
	ck_assert_int_eq(openssl_ok(rec), 0);
	r = json_object_from_file(rec);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "media.serial"), "SN-GONE-42");
	ck_assert_str_eq(jstr(r, "media.model"), "Old Disk 500");
	ck_assert_ptr_null(jstr(r, "media.path"));
	ck_assert_ptr_nonnull(strstr(jstr(r, "media.identity_source"), "typed by the operator"));
	ck_assert_str_eq(jstr(r, "sanitization.technique"), "incinerate");
	ck_assert_ptr_null(jstr(r, "linked_certificate"));
	ck_assert_ptr_nonnull(strstr(jstr(r, "linked_certificate_note"), "no wipe certificate"));
	json_object_put(r);
	free(out);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, rec), 0);
	ck_assert_msg(strstr(out, "serial SN-GONE-42, incinerate by Test Operator") &&
	                  strstr(out, "no wipe certificate linked"),
	              "%s", out);
	free(out);
	free(err);
	free(rec);
}
END_TEST

/* `destroyed ARGS` (@args_fmt) exits @code saying @needle, and no record is written. */
static void refused(const char *env, int code, const char *needle, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refused(const char *env, int code, const char *needle, const char *args_fmt, ...)
{
	long n = records_in_certs();
	char *err = NULL, *args = NULL;
	va_list ap;

	va_start(ap, args_fmt);
	ck_assert_int_ge(vasprintf(&args, args_fmt, ap), 0);
	va_end(ap);
	ck_assert_int_eq(destroyed(env, args, NULL, &err), code);
	free(args);
	ck_assert_msg(strstr(err, needle), "wanted '%s': %s", needle, err);
	ck_assert_int_eq(strchr(err, '\n') - err + 1, (long)strlen(err)); /* one line */
	ck_assert_int_eq(records_in_certs(), n);
	free(err);
}

START_TEST(test_refusals)
{
	char *dev = marked("full.img"), *env = sim_env("full", dev), *out = NULL, *err = NULL;
	char *cert, *bad = test_fmt("%s/changed.json", scratch_dir()), *args;
	struct json_object *root, *f;

	refused("", WS_EXIT_USAGE, "no witness named", "--serial X-1 --how shred");
	refused("", WS_EXIT_USAGE, "no witness named", "--serial X-1 --how shred --witness ''");
	refused("", WS_EXIT_USAGE, "--how crush: use", "--serial X-1 --how crush --witness W");
	refused("", WS_EXIT_USAGE, "name one drive", "--how shred --witness W");
	refused(env, WS_EXIT_USAGE, "--model is for a drive no longer attached",
	        "'%s' --model M --how shred --witness W", dev);
	/* a SUCCESS certificate of SIM-full-0001 linked to another serial */
	args = test_fmt("-m purge '%s'", dev);
	ck_assert_int_eq(simdrive_wipe(env, args, &out, &err), 0);
	free(args);
	root = json_last_line(out);
	ck_assert(json_object_object_get_ex(root, "file", &f));
	cert = strdup(json_object_get_string(f));
	json_object_put(root);
	refused("", WS_EXIT_REFUSED, "is the certificate of serial SIM-full-0001, not of OTHER-7",
	        "--serial OTHER-7 --how shred --witness W --certificate '%s' --ca %s/ca/ca.pem",
	        cert, pki);
	/* its bytes changed: not authentic */
	ck_assert_int_eq(test_sh(NULL,
	                         "sed 's/SUCCESS/FAILED/' '%s' > '%s' && cp '%s.p7s' '%s.p7s'",
	                         cert, bad, cert, bad),
	                 0);
	refused("", WS_EXIT_FAILED, "does not verify",
	        "--serial SIM-full-0001 --how shred --witness W --certificate '%s' --ca "
	        "%s/ca/ca.pem",
	        bad, pki);
	refused("", WS_EXIT_USAGE, "/nonexistent.json",
	        "--serial SIM-full-0001 --how shred --witness W --certificate /nonexistent.json");
	free(out);
	free(err);
	free(cert);
	free(bad);
	free(env);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("destroyed");
	TCase *tc = tcase_create("destruction records");
	int r;

	simdrive_init("destroyed", "DESTROYED");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_linked_to_failed_wipe);
	tcase_add_test(tc, test_serial_without_device);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
