/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-reverify.c - `wipeseal reverify`: a drive wiped by a real `wipeseal wipe` on a loop
 * device, read again later against its signed certificate.
 *
 * The loop devices are 32 MiB, marked with ext4 and a marker string before the wipe; every
 * wipe is signed with a station key of a PKI the suite makes itself, and the same key signs
 * the re-verification records (the person's key in real use). What the tests show:
 *
 * - test_zero_wipe: after `-m zero`, MATCH by sample and with --full (exit 0, "constant
 *   0x00"), the device's SHA-256 the same before and after, the record verified by plain
 *   `openssl cms -verify`, a REVERIFIED line in the audit log and `verify --audit-log`
 *   still OK. One byte changed in the middle afterwards: --full finds it (exit 4, MISMATCH,
 *   its offset first in mismatch_offsets); one byte changed in the first MiB (always sampled:
 *   docs/methods.md) is found by the sample too, and --seed makes the sample the same twice.
 * - test_random_pass: after `-m dod-3pass` (its last pass AES-256-CTR under the key the
 *   certificate holds), MATCH by sample and in full; a byte flipped afterwards is a MISMATCH.
 * - test_nvme_sanitize: after a simulated NVMe Sanitize (tests/nvmesim) crypto erase, MATCH
 *   (noise judged as crypto-verify.c judges it), and a block erase, MATCH ("constant 0x00");
 *   after text is written over the crypto-erased drive, MISMATCH. Without the simulator the
 *   drive reports no serial: refused (exit 3), its serial named.
 * - test_other_drive_refused: a different loop device of the same size is refused (exit 3,
 *   "disk sequence number"), nothing signed, no record written, both devices unchanged.
 * - test_tampered_certificate_refused: a certificate changed by one byte does not verify
 *   (exit 1), nothing read or signed.
 *
 * - test_unreadable: reads of one 4 KiB range fail (tests/faultinject): UNREADABLE (exit 1),
 *   the failed request in the record's unreadable list, nothing mismatched; with a changed
 *   byte elsewhere as well, MISMATCH wins (exit 4).
 *
 * - test_card: the record signed with a key on a card (SoftHSM2, softtoken.h; the PIN from
 *   [operators] pin_file): MATCH, the person named from the card's certificate, its serial.
 *
 * Not covered: a PIN asked on the terminal, real drives.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "softtoken.h"
#include "testutil.h"

#define MIB (1024u * 1024u)

/* `wipeseal wipe` (signed) of @dev with @method; the certificate's path (malloc'd). */
static char *wipe(const char *env, const char *method, const char *dev)
{
	char *out = NULL, *err = NULL, *args = test_fmt("-m %s '%s'", method, dev), *file;
	struct json_object *root, *res;

	ck_assert_msg(simdrive_wipe(env ? env : "", args, &out, &err) == WS_EXIT_OK, "%s", err);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	file = strdup(jstr(root, "file"));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	return file;
}

/* `wipeseal reverify` of @dev against @cert with @args; its stdout and stderr. */
static int reverify(const char *env, const char *cert, const char *args, const char *dev,
                    char **out, char **err)
{
	return run_cli_prefix(out, err, env ? env : "",
	                      "reverify --certificate '%s' --key %s/st/signer.key --cert "
	                      "%s/st/signer.pem --ca %s/ca/ca.pem --audit-log %s/audit.log %s '%s'",
	                      cert, pki, pki, pki, scratch_dir(), args, dev);
}

/* The record a MATCH/MISMATCH line names, verified with plain OpenSSL, parsed. */
static struct json_object *record_of(const char *out)
{
	const char *at = strstr(out, "; record ");
	char *path, *nl;
	struct json_object *rec;

	ck_assert_msg(at != NULL, "no record: %s", out);
	path = strdup(at + strlen("; record "));
	if ((nl = strchr(path, '\n')))
		*nl = '\0';
	ck_assert_int_eq(test_sh(NULL,
	                         "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content "
	                         "'%s' -CAfile %s/ca/ca.pem -purpose any -out /dev/null 2>&1",
	                         path, path, pki),
	                 0);
	rec = json_object_from_file(path);
	ck_assert_ptr_nonnull(rec);
	ck_assert_str_eq(jstr(rec, "schema"), "wipeseal-reverification/1");
	free(path);
	return rec;
}

/* reverify, asserted to exit @code with @result and @expected in the record; the record. */
static struct json_object *expect(const char *env, const char *cert, const char *args,
                                  const char *dev, int code, const char *result,
                                  const char *expected)
{
	char *out = NULL, *err = NULL;
	struct json_object *rec;

	ck_assert_msg(reverify(env, cert, args, dev, &out, &err) == code, "%s%s", out, err);
	ck_assert_msg(strncmp(out, result, strlen(result)) == 0, "%s", out);
	rec = record_of(out);
	ck_assert_str_eq(jstr(rec, "result"), result);
	ck_assert_str_eq(jstr(rec, "identity_match"), "true");
	ck_assert_str_eq(jstr(rec, "device.path"), dev);
	if (expected)
		ck_assert_str_eq(jstr(rec, "expected"), expected);
	free(out);
	free(err);
	return rec;
}

/* Write @byte at @off of @dev (O_DIRECT, so that the next read sees it). */
static void poke(const char *dev, unsigned long long off, unsigned byte)
{
	ck_assert_int_eq(test_sh(NULL,
	                         "printf '\\%03o' | dd of='%s' bs=1 seek=%llu conv=notrunc "
	                         "status=none && sync",
	                         byte, dev, off),
	                 0);
}

/* The byte at @off of @dev. */
static unsigned peek(const char *dev, unsigned long long off)
{
	char *out = NULL;
	unsigned v;

	ck_assert_int_eq(
	    test_sh(&out, "dd if='%s' bs=1 skip=%llu count=1 status=none | od -An -tu1", dev, off),
	    0);
	v = (unsigned)strtoul(out, NULL, 10);
	free(out);
	return v;
}

/* The first of the record's mismatch offsets. */
static unsigned long long first_offset(struct json_object *rec)
{
	struct json_object *a;

	ck_assert(json_object_object_get_ex(rec, "mismatch_offsets", &a));
	ck_assert_uint_ge(json_object_array_length(a), 1);
	return (unsigned long long)json_object_get_uint64(json_object_array_get_idx(a, 0));
}

static unsigned count_records(void)
{
	char *out = NULL;
	unsigned n;

	ck_assert_int_eq(
	    test_sh(&out, "ls '%s/certs' | grep -c 'reverify-.*json$' || true", scratch_dir()), 0);
	n = (unsigned)strtoul(out, NULL, 10);
	free(out);
	return n;
}

/* ---- tests --------------------------------------------------------------------------------- */

START_TEST(test_zero_wipe)
{
	char *dev = marked("zero.img"), *cert = wipe(NULL, "zero", dev), *before, *after;
	unsigned long long mid = 20ull * MIB + 777;
	struct json_object *rec, *again;

	before = sha(dev);
	json_object_put(expect(NULL, cert, "", dev, WS_EXIT_OK, "MATCH", "constant 0x00"));
	rec = expect(NULL, cert, "--full", dev, WS_EXIT_OK, "MATCH", "constant 0x00");
	ck_assert_str_eq(jstr(rec, "bytes_checked"), "33554432");
	ck_assert_str_eq(jstr(rec, "mode"), "full");
	json_object_put(rec);
	after = sha(dev);
	ck_assert_str_eq(before, after); /* reverify wrote nothing */
	ck_assert_int_eq(
	    test_sh(NULL, "grep -q '\"status\":\"REVERIFIED\"' '%s/audit.log'", scratch_dir()), 0);
	ck_assert_int_eq(run_cli(NULL, NULL,
	                         "verify --audit-log %s/audit.log --ca %s/ca/ca.pem "
	                         "--cert-dir %s/certs",
	                         scratch_dir(), pki, scratch_dir()),
	                 WS_EXIT_OK);

	/* one byte in the middle: --full finds it */
	poke(dev, mid, 0x5a);
	rec = expect(NULL, cert, "--full", dev, WS_EXIT_DATA_FOUND, "MISMATCH", NULL);
	ck_assert_str_eq(jstr(rec, "bytes_mismatched"), "1");
	ck_assert_uint_eq(first_offset(rec), mid);
	json_object_put(rec);
	/* one byte in the first MiB, which every sample reads: the seeded sample finds it,
	 * and the same seed reads the same sample */
	poke(dev, 4097, 0xa5);
	rec = expect(NULL, cert, "--seed 0x1234", dev, WS_EXIT_DATA_FOUND, "MISMATCH", NULL);
	again = expect(NULL, cert, "--seed 0x1234", dev, WS_EXIT_DATA_FOUND, "MISMATCH", NULL);
	ck_assert_str_eq(jstr(rec, "seed"), "0x0000000000001234");
	ck_assert_uint_eq(first_offset(rec), 4097);
	ck_assert_str_eq(jstr(rec, "bytes_checked"), jstr(again, "bytes_checked"));
	ck_assert_str_eq(jstr(rec, "bytes_mismatched"), jstr(again, "bytes_mismatched"));
	json_object_put(rec);
	json_object_put(again);
	free(before);
	free(after);
	free(cert);
	free(dev);
}
END_TEST

START_TEST(test_random_pass)
{
	char *dev = marked("rnd.img"), *cert = wipe(NULL, "dod-3pass", dev), *before, *after;
	unsigned long long mid = 13ull * MIB + 5;
	struct json_object *rec;

	before = sha(dev);
	json_object_put(
	    expect(NULL, cert, "", dev, WS_EXIT_OK, "MATCH", "AES-256-CTR keystream of pass 3"));
	json_object_put(expect(NULL, cert, "--full", dev, WS_EXIT_OK, "MATCH", NULL));
	after = sha(dev);
	ck_assert_str_eq(before, after);
	poke(dev, mid, peek(dev, mid) ^ 0xffu);
	rec = expect(NULL, cert, "--full", dev, WS_EXIT_DATA_FOUND, "MISMATCH", NULL);
	ck_assert_str_eq(jstr(rec, "bytes_mismatched"), "1");
	ck_assert_uint_eq(first_offset(rec), mid);
	json_object_put(rec);
	free(before);
	free(after);
	free(cert);
	free(dev);
}
END_TEST

static char *nvmesim_env(const char *dev)
{
	return test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                "WS_NVMESIM_PATH='%s' WS_NVMESIM_NS2='' WS_NVMESIM_PROFILE=full "
	                "WS_NVMESIM_STATE='' WS_NVMESIM_SECONDS=1",
	                WS_NVMESIM, dev);
}

START_TEST(test_nvme_sanitize)
{
	char *dev = marked("nvme.img"), *env = nvmesim_env(dev), *cert, *before, *after;
	char *out = NULL, *err = NULL;

	cert = wipe(env, "nvme-sanitize-crypto", dev);
	before = sha(dev);
	json_object_put(expect(env, cert, "", dev, WS_EXIT_OK, "MATCH", NULL));
	json_object_put(expect(env, cert, "--full", dev, WS_EXIT_OK, "MATCH", NULL));
	after = sha(dev);
	ck_assert_str_eq(before, after);
	/* without the simulator the loop device has no serial: not the drive */
	ck_assert_int_eq(reverify(NULL, cert, "", dev, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, "its serial differs") != NULL, "%s", err);
	free(out);
	free(err);
	/* text where noise should be */
	ck_assert_int_eq(test_sh(NULL,
	                         "yes '%s' | head -c 1048576 | dd of='%s' bs=1M seek=3 "
	                         "oflag=direct conv=notrunc status=none",
	                         marker, dev),
	                 0);
	json_object_put(expect(env, cert, "--full", dev, WS_EXIT_DATA_FOUND, "MISMATCH", NULL));
	free(cert);
	/* a block erase reads as zeros */
	cert = wipe(env, "nvme-sanitize-block", dev);
	json_object_put(expect(env, cert, "--full", dev, WS_EXIT_OK, "MATCH",
	                       "erased (firmware): nvme-sanitize-block, constant 0x00"));
	free(before);
	free(after);
	free(cert);
	free(env);
	free(dev);
}
END_TEST

START_TEST(test_other_drive_refused)
{
	char *dev = marked("mine.img"), *cert = wipe(NULL, "zero", dev);
	char *img = scratch_image("other.img", 32), *other = scratch_attach(img, false, false);
	char *out = NULL, *err = NULL, *before = sha(other), *after;
	unsigned records = count_records();

	ck_assert_int_eq(reverify(NULL, cert, "--full", other, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, "is not the drive of the certificate") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "disk sequence number") != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(count_records(), records); /* nothing signed */
	after = sha(other);
	ck_assert_str_eq(before, after);
	free(out);
	free(err);
	free(before);
	free(after);
	free(img);
	free(other);
	free(cert);
	free(dev);
}
END_TEST

START_TEST(test_tampered_certificate_refused)
{
	char *dev = marked("tamper.img"), *cert = wipe(NULL, "zero", dev), *out = NULL, *err = NULL;
	unsigned records = count_records();

	ck_assert_int_eq(test_sh(NULL, "sed -i 's/\"SUCCESS\"/\"SUCCES5\"/' '%s'", cert), 0);
	ck_assert_int_eq(reverify(NULL, cert, "", dev, &out, &err), WS_EXIT_FAILED);
	ck_assert_msg(strstr(err, "does not verify") != NULL, "%s", err);
	ck_assert_uint_eq(count_records(), records);
	free(out);
	free(err);
	free(cert);
	free(dev);
}
END_TEST

START_TEST(test_unreadable)
{
	char *dev = marked("bad.img"), *cert = wipe(NULL, "zero", dev), *out = NULL, *err = NULL;
	char *env = test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                     "WS_FAULT_PATH='%s' WS_FAULT_READ=5242880+4096:EIO",
	                     WS_FAULTINJECT, dev);
	struct json_object *rec, *a;

	rec = expect(env, cert, "--full", dev, WS_EXIT_FAILED, "UNREADABLE", "constant 0x00");
	ck_assert(json_object_object_get_ex(rec, "unreadable", &a));
	ck_assert_uint_ge(json_object_array_length(a), 1);
	ck_assert_str_eq(jstr(json_object_array_get_idx(a, 0), "offset"), "5242880");
	ck_assert_str_eq(jstr(rec, "bytes_mismatched"), "0");
	json_object_put(rec);
	/* a byte that differs elsewhere: MISMATCH wins */
	poke(dev, 9 * MIB, 0x01);
	json_object_put(expect(env, cert, "--full", dev, WS_EXIT_DATA_FOUND, "MISMATCH", NULL));
	free(out);
	free(err);
	free(env);
	free(cert);
	free(dev);
}
END_TEST

START_TEST(test_card)
{
	char *dev, *cert, *tok, *conf, *ca, *out = NULL, *err = NULL;
	struct json_object *rec;

	if (access(WS_SOFTHSM2, R_OK) != 0 || access(WS_P11_PROXY_PATH, R_OK) != 0) {
		puts("SKIP: test_card: SoftHSM2 or p11-kit's proxy module is not installed");
		return;
	}
	tok = strdup(softtoken_start("qa"));
	ca = test_fmt("%s/ca", pki);
	softtoken_key(ca, "qa", "01", "EC:prime256v1");
	conf = test_fmt("%s/qa.conf", scratch_dir());
	ck_assert_int_eq(
	    test_sh(NULL, "printf '[operators]\\npin_file = %s/pin\\n' > '%s'", tok, conf), 0);
	dev = marked("card.img");
	cert = wipe(NULL, "zero", dev);
	ck_assert_msg(
	    run_cli_prefix(&out, &err, "",
	                   "reverify --certificate '%s' --card 'pkcs11:token=op;object=qa' "
	                   "--config '%s' --ca %s/ca/ca.pem --audit-log %s/audit.log "
	                   "'%s' </dev/null",
	                   cert, conf, pki, scratch_dir(), dev) == WS_EXIT_OK,
	    "%s%s", out, err);
	rec = record_of(out);
	ck_assert_str_eq(jstr(rec, "result"), "MATCH");
	ck_assert_str_eq(jstr(rec, "person.name"), "Op qa");
	ck_assert_str_eq(jstr(rec, "person.title"), "Media officer");
	ck_assert_ptr_nonnull(jstr(rec, "person.card_serial"));
	json_object_put(rec);
	free(out);
	free(err);
	free(cert);
	free(dev);
	free(conf);
	free(ca);
	free(tok);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reverify");
	TCase *tc = tcase_create("reverify");
	int r;

	simdrive_init("reverify", "REVERIFY");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_zero_wipe);
	tcase_add_test(tc, test_random_pass);
	tcase_add_test(tc, test_nvme_sanitize);
	tcase_add_test(tc, test_other_drive_refused);
	tcase_add_test(tc, test_tampered_certificate_refused);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_card);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
