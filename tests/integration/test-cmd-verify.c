/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-verify.c - certificates of sanitization end to end: a CA made here with the
 * openssl command alone, real loop-device wipes signed by the station, checked by
 * `wipeseal verify` and by plain `openssl cms -verify`; every kind of bad input rejected with
 * its reason; a certificate removed from a series caught by the series and the log;
 * ambiguous documents refused.
 *
 * The PKI is made here with the openssl command alone (an RSA-3072 CA and a foreign CA; station
 * certificates: RSA-3072, EC P-384, RSA-1024, expired, e-mail-only EKU, and one from the foreign
 * CA), then 16 MiB ext4 loop devices are wiped signed by them. What the tests show:
 *
 * - a certificate verifies with `wipeseal verify` and with plain `openssl cms -verify -purpose
 *   any`, holds the NIST fields and the evidence, and `show` prints it; an EC P-384 signer works
 *   too;
 * - truncated, oversized, non-UTF-8, non-JSON, wrong-schema, unsigned, garbage-signed,
 *   foreign-signed, weak-signed, expired-signed and one-byte-changed certificates are each rejected
 *   with their reason on one line, exit 1; an untrusted CA fails, a missing CA file exits 2;
 * - a wipe failed through the fault injector is certified as FAILED and does not verify;
 * - a certificate removed from a series is caught by the series check and by the audit log; a
 *   deleted log line breaks the chain; refused attempts are logged; problems `verify --audit-log`
 *   reports are printed escaped, one line each;
 * - documents that mean two things (a key twice, a NUL, a summary that disagrees with its
 *   evidence) are rejected with their reason.
 *
 * The suite's second file, test-cmd-verify-refusals.c, holds what is refused before a byte is
 * written; cmd-verify.h, what both files share.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-verify.h"
#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

char pki[4096];

/* ---- the PKI, with openssl alone ----------------------------------------------------------- */

static void sh_or_die(const char *cmd)
{
	char *out = NULL;
	int r = test_sh(&out, "%s", cmd);

	test_require(r == 0, "%s\n%s", cmd, out);
	free(out);
}

/* A station key (@alg: openssl genpkey options) and a certificate from CA @ca, with
 * @ext (an x509v3 extension section written inline). */
static void make_station(const char *name, const char *ca, const char *alg, const char *ext,
                         const char *dates)
{
	char *cmd = NULL;

	test_require(
	    asprintf(
	        &cmd,
	        "cd '%s' && openssl genpkey -quiet %s -out %s.key && chmod 600 %s.key && "
	        "openssl req -new -key %s.key -subj '/CN=%s' -out %s.csr && "
	        "printf '[ca]\\ndefault_ca=c\\n[c]\\ndir=.\\ndatabase=%s.idx\\n"
	        "new_certs_dir=.\\ncertificate=%s.pem\\nprivate_key=%s.key\\n"
	        "serial=%s.srl\\ndefault_md=sha256\\npolicy=p\\ndefault_days=365\\n"
	        "[p]\\ncommonName=supplied\\n[e]\\nbasicConstraints=CA:FALSE\\n%s\\n' > %s.cnf && "
	        ": > %s.idx && echo 01 > %s.srl && "
	        "openssl ca -batch -notext -config %s.cnf -extensions e %s -in %s.csr "
	        "-out %s.pem 2>/dev/null",
	        pki, alg, name, name, name, name, name, name, ca, ca, name, ext, name, name, name,
	        name, dates, name, name) >= 0,
	    "out of memory");
	sh_or_die(cmd);
	free(cmd);
}

static void make_pki(void)
{
	const char *doc =
	    "keyUsage=critical,digitalSignature\\nextendedKeyUsage=1.3.6.1.5.5.7.3.36";
	const char *rsa3072 = "-algorithm RSA -pkeyopt rsa_keygen_bits:3072";
	char *cmd = NULL;

	snprintf(pki, sizeof(pki), "%s/pki", scratch_dir());
	test_require(
	    asprintf(&cmd,
	             "mkdir -p '%s' && cd '%s' && for ca in ca foreign; do "
	             "openssl req -x509 -newkey rsa:3072 -nodes -keyout $ca.key -out $ca.pem "
	             "-days 30 -subj \"/CN=test $ca CA\" -addext "
	             "'basicConstraints=critical,CA:TRUE' -addext "
	             "'keyUsage=critical,keyCertSign' 2>/dev/null || exit 1; done",
	             pki, pki) >= 0,
	    "out of memory");
	sh_or_die(cmd);
	free(cmd);
	make_station("station", "ca", rsa3072, doc, "");
	make_station("ecstation", "ca", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384", doc, "");
	make_station("weak", "ca", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024", doc, "");
	make_station("expired", "ca", rsa3072, doc,
	             "-startdate 20200101000000Z -enddate 20210101000000Z");
	make_station("email", "ca", rsa3072,
	             "keyUsage=critical,digitalSignature\\nextendedKeyUsage=emailProtection", "");
	make_station("alien", "foreign", rsa3072, doc, "");
}

/* ---- helpers ------------------------------------------------------------------------------- */

/* Wipe a fresh 16 MiB ext4 loop device signed by @signer (a station name); return the
 * certificate path (from the JSON result event). @extra: more options. */
char *signed_wipe_env(const char *signer, const char *env, const char *extra, int want)
{
	char *img = scratch_image("v.img", 16), *dev, *out = NULL, *err = NULL, *file = NULL;
	struct json_object *root = NULL, *f;
	const char *last;
	int r;

	test_require(test_sh(NULL, "mkfs.ext4 -q -F '%s'", img) == 0, "mkfs");
	dev = scratch_attach(img, false, false);
#define WIPE_ARGS                                                                 \
	"wipe --yes --json --signer-key %s/%s.key --signer-cert %s/%s.pem "       \
	"--audit-log %s/audit.log --cert-dir %s/certs --operator 'Grace Hopper' " \
	"--organization 'Example Org' --asset-tag A-1234 --destination external-reuse %s '%s'"
	if (env)
		r = run_cli_env(&out, &err, dev, env, WIPE_ARGS, pki, signer, pki, signer,
		                scratch_dir(), scratch_dir(), extra, dev);
	else
		r = run_cli(&out, &err, WIPE_ARGS, pki, signer, pki, signer, scratch_dir(),
		            scratch_dir(), extra, dev);
#undef WIPE_ARGS
	ck_assert_msg(r == want, "wipe: exit %d, want %d: %s", r, want, err);
	last = strrchr(out, '{') ? out : NULL;
	for (const char *p = out; *p; p++)
		if (*p == '\n' && p[1])
			last = p + 1;
	if (last && (root = json_tokener_parse(last)) &&
	    json_object_object_get_ex(root, "file", &f) && json_object_get_string(f))
		file = strdup(json_object_get_string(f));
	json_object_put(root);
	free(out);
	free(err);
	free(dev);
	free(img);
	return file;
}

char *signed_wipe(const char *signer, const char *extra, int want)
{
	return signed_wipe_env(signer, NULL, extra, want);
}

int verify(const char *file, char **out)
{
	return run_cli(out, NULL, "verify --ca %s/ca.pem '%s'", pki, file);
}

/* A copy of @file (and its signature) named @name, with @edit (a shell command over $f)
 * applied to the copy; returns the copy's path. */
static char *variant(const char *file, const char *name, const char *edit)
{
	char *copy = NULL;

	ck_assert_int_ge(asprintf(&copy, "%s/%s.json", scratch_dir(), name), 0);
	ck_assert_int_eq(test_sh(NULL, "cp '%s' '%s' && cp '%s.p7s' '%s.p7s' && f='%s' && %s", file,
	                         copy, file, copy, copy, edit),
	                 0);
	return copy;
}

static void expect_rejected(const char *file, const char *needle)
{
	char *out = NULL;
	int r = verify(file, &out);

	ck_assert_msg(r == WS_EXIT_FAILED, "%s: exit %d: %s", file, r, out);
	ck_assert_msg(strstr(out, "FAILED") && strstr(out, needle), "%s: wanted '%s' in: %s", file,
	              needle, out);
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "not one line: %s", out);
	free(out);
}

/* Re-sign @file with station @who using openssl alone (as a forger or a careless CA would). */
static void resign(const char *file, const char *who)
{
	ck_assert_int_eq(
	    test_sh(NULL,
	            "openssl cms -sign -binary -in '%s' -signer %s/%s.pem -inkey %s/%s.key "
	            "-outform PEM -out '%s.p7s' -md sha256",
	            file, pki, who, pki, who, file),
	    0);
}

/* ---- tests --------------------------------------------------------------------------------- */

START_TEST(test_certificate_verifies_with_wipeseal_and_openssl)
{
	char *file = signed_wipe("station", "", WS_EXIT_OK), *out = NULL, *text = NULL;
	struct json_object *doc, *v;

	ck_assert_ptr_nonnull(file);
	ck_assert_int_eq(verify(file, &out), WS_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(out, ": OK (signed by CN=station"));
	free(out);
	ck_assert_int_eq(
	    test_sh(&out,
	            "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content '%s' "
	            "-CAfile %s/ca.pem -purpose any -out /dev/null",
	            file, file, pki),
	    0);
	free(out);
	/* the document: NIST SP 800-88 Rev. 2's fields (schema 2), and the evidence */
	ck_assert_int_eq(test_sh(&text, "cat '%s'", file), 0);
	doc = json_tokener_parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(doc, "schema")),
	                 "wipeseal-certificate/2");
	ck_assert(json_object_object_get_ex(json_object_object_get(doc, "person"), "name", &v));
	ck_assert_str_eq(json_object_get_string(v), "Grace Hopper");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	                     json_object_object_get(doc, "media"), "property_number")),
	                 "A-1234");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	                     json_object_object_get(doc, "sanitization"), "method")),
	                 "Clear");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	                     json_object_object_get(doc, "evidence"), "status")),
	                 "SUCCESS");
	ck_assert(json_object_object_get_ex(doc, "validation", &v));
	ck_assert(json_object_object_get_ex(doc, "previous_certificate_sha256", &v));
	json_object_put(doc);
	free(text);
	ck_assert_int_eq(run_cli(&out, NULL, "show '%s'", file), WS_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(out, "Grace Hopper"));
	free(out);
	free(file);
}
END_TEST

START_TEST(test_ec_signer)
{
	char *file = signed_wipe("ecstation", "", WS_EXIT_OK), *out = NULL;

	ck_assert_int_eq(verify(file, &out), WS_EXIT_OK);
	free(out);
	free(file);
}
END_TEST

START_TEST(test_bad_input_is_rejected)
{
	char *file = signed_wipe("station", "", WS_EXIT_OK), *v;

	v = variant(file, "truncated", "head -c 300 \"$f\" > \"$f.t\" && mv \"$f.t\" \"$f\"");
	expect_rejected(v, "not JSON");
	free(v);
	v = variant(file, "oversized", "head -c 17000000 /dev/zero | tr '\\0' ' ' >> \"$f\"");
	expect_rejected(v, "larger than");
	free(v);
	v = variant(file, "notutf8", "sed -i 's/Grace/Gr\\xffce/' \"$f\"");
	expect_rejected(v, "not valid UTF-8");
	free(v);
	v = variant(file, "notjson", "echo 'wipeseal certificate, honest' > \"$f\"");
	expect_rejected(v, "not JSON");
	free(v);
	v = variant(file, "schema",
	            "sed -i 's/wipeseal-certificate\\/2/wipeseal-certificate\\/9/' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "wrong or missing \"schema\"");
	free(v);
	v = variant(file, "nosig", "rm \"$f.p7s\"");
	expect_rejected(v, "No such file");
	free(v);
	v = variant(file, "garbagesig", "echo garbage > \"$f.p7s\"");
	expect_rejected(v, "not a PEM CMS signature");
	free(v);
	v = variant(file, "foreign", "true");
	resign(v, "alien");
	expect_rejected(v, "signature check failed");
	free(v);
	v = variant(file, "weaksig", "true");
	resign(v, "weak");
	expect_rejected(v, "RSA key of 1024 bits");
	free(v);
	v = variant(file, "expiredsig", "true");
	resign(v, "expired");
	expect_rejected(v, "expired");
	free(v);
	/* a digest OpenSSL cannot fetch in the SignedData (once leaked memory; fuzz-found) */
	v = variant(
	    file, "baddigest",
	    "openssl cms -cmsout -inform PEM -in \"$f.p7s\" -outform DER -out \"$f.der\" && "
	    "perl -0777 -pi -e 's/\\x06\\x09\\x60\\x86\\x48\\x01\\x65\\x03\\x04\\x02\\x01/"
	    "\\x06\\x09\\x60\\x86\\x48\\x01\\x65\\x03\\x04\\x02\\x7f/' \"$f.der\" && "
	    "openssl cms -cmsout -inform DER -in \"$f.der\" -outform PEM -out \"$f.p7s\"");
	expect_rejected(v, "algorithm this OpenSSL does not provide");
	free(v);
	v = variant(file, "flipped",
	            "sed -i '0,/\"bytes_written\": 1/s//\"bytes_written\": 2/' \"$f\"");
	expect_rejected(v, "signature check failed");
	free(v);
	{
		/* the right signature, but a CA the auditor does not trust */
		char *out = NULL;

		ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/foreign.pem '%s'", pki, file),
		                 WS_EXIT_FAILED);
		ck_assert_ptr_nonnull(strstr(out, "FAILED: signature check failed"));
		free(out);
		ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/nope.pem '%s'", pki, file),
		                 WS_EXIT_USAGE);
		free(out);
	}
	free(file);
}
END_TEST

START_TEST(test_failed_wipe_is_certified_as_failed)
{
	/* a write error through the fault injector: the certificate says FAILED, truly */
	char *file =
	    signed_wipe_env("station", "WS_FAULT_WRITE=4194304+65536:EIO", "", WS_EXIT_FAILED);
	char *text = NULL;

	ck_assert_ptr_nonnull(file);
	ck_assert_int_eq(test_sh(&text, "head -c 400 '%s'", file), 0);
	ck_assert_ptr_nonnull(strstr(text, "\"status\": \"FAILED\""));
	free(text);
	/* validly signed, and still not a pass: the wipe did not succeed; issue #19: an honest
	 * record of a failed wipe has an exit status of its own, apart from a forgery's */
	{
		char *out = NULL;

		ck_assert_int_eq(verify(file, &out), WS_EXIT_NOT_WIPED);
		ck_assert_msg(
		    strstr(out, "FAILED: validly signed, but the wipe's status is FAILED"), "%s",
		    out);
		free(out);
	}
	free(file);
}
END_TEST

START_TEST(test_series_and_audit_log)
{
	char *a = signed_wipe("station", "", WS_EXIT_OK), *b, *c, *out = NULL, *hb;

	/* a refused attempt (nobody confirmed) is logged too, and does not break the series */
	{
		char *img = scratch_image("unconfirmed.img", 4);

		ck_assert_int_eq(
		    run_cli(&out, NULL,
		            "wipe --signer-key %s/station.key --signer-cert %s/station.pem "
		            "--audit-log %s/audit.log --operator 'Grace Hopper' '%s'",
		            pki, pki, scratch_dir(), img),
		    WS_EXIT_REFUSED);
		free(out);
		free(img);
	}
	ck_assert_int_eq(test_sh(NULL,
	                         "grep -q '\"status\":\"REFUSED\".*did not confirm' %s/audit.log",
	                         scratch_dir()),
	                 0);
	b = signed_wipe("station", "", WS_EXIT_OK);
	c = signed_wipe("station", "", WS_EXIT_OK);

	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca.pem '%s' '%s' '%s'", pki, a, b, c),
	                 WS_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(out, "series: OK"));
	free(out);
	ck_assert_int_eq(
	    run_cli(&out, NULL,
	            "verify --audit-log %s/audit.log --ca %s/ca.pem --cert-dir %s/certs",
	            scratch_dir(), pki, scratch_dir()),
	    WS_EXIT_OK);
	free(out);

	/* remove the middle one (its hash is what the gap names) */
	hb = sha(b);
	hb[64] = '\0';
	ck_assert_int_eq(test_sh(NULL, "mkdir -p %s/aside && mv '%s' '%s.p7s' %s/aside/",
	                         scratch_dir(), b, b, scratch_dir()),
	                 0);
	/* issue #19: a gap has an exit status of its own, and names the missing hash */
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca.pem '%s' '%s'", pki, a, c),
	                 WS_EXIT_INCOMPLETE);
	ck_assert_ptr_nonnull(strstr(out, "one is missing before it"));
	ck_assert_msg(strstr(out, hb), "%s not named in %s", hb, out);
	free(hb);
	free(out);
	ck_assert_int_eq(
	    run_cli(&out, NULL,
	            "verify --audit-log %s/audit.log --ca %s/ca.pem --cert-dir %s/certs",
	            scratch_dir(), pki, scratch_dir()),
	    WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(out, "is missing"));
	free(out);

	/* delete a line from the log: the chain breaks at the next one */
	ck_assert_int_eq(test_sh(NULL, "sed -i 2d %s/audit.log", scratch_dir()), 0);
	ck_assert_int_eq(
	    run_cli(&out, NULL,
	            "verify --audit-log %s/audit.log --ca %s/ca.pem --cert-dir %s/certs",
	            scratch_dir(), pki, scratch_dir()),
	    WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(out, "does not chain to the line before it"));
	free(out);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* Documents that mean two things, validly signed: refused with the reason. */
START_TEST(test_ambiguous_documents_are_rejected)
{
	char *file = signed_wipe("station", "", WS_EXIT_OK), *v;

	/* two "status" keys: json-c keeps the last */
	v = variant(file, "twostatus",
	            "sed -i '0,/^  \"status\": \"SUCCESS\",/s//  \"status\": \"FAILED\",\\n"
	            "  \"status\": \"SUCCESS\",/' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "the key \"status\" appears twice in one object");
	free(v);
	/* a NUL that ends the string for C */
	v = variant(file, "nulstatus",
	            "sed -i '0,/^  \"status\": \"SUCCESS\",/s//  \"status\": "
	            "\"SUCCESS\\\\u0000FAILED\",/' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "NUL character");
	free(v);
	/* SUCCESS at the top, FAILED in the evidence */
	v = variant(file, "evfailed",
	            "sed -i 's/^    \"status\": \"SUCCESS\"/    \"status\": \"FAILED\"/' "
	            "\"$f\" && grep -q '^    \"status\": \"FAILED\"' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "summary disagrees with its evidence: status is \"SUCCESS\" but "
	                   "evidence.status is \"FAILED\"");
	free(v);
	/* a Purge claimed for an overwrite */
	v = variant(file, "purgeclaim",
	            "sed -i 's/\"method\": \"Clear\"/\"method\": \"Purge\"/' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "sanitization.method is \"Purge\" but evidence.nist_level is "
	                   "\"Clear\"");
	free(v);
	/* another drive's serial at the top */
	v = variant(file, "serial",
	            "sed -i '0,/\"serial\": null/s//\"serial\": \"S3R14L\"/' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "media.serial is \"S3R14L\" but evidence.device.serial is null");
	free(v);
	free(file);
}
END_TEST

/* `verify --audit-log`: problems that quote names holding control characters are printed
 * escaped, one line each. */
START_TEST(test_audit_problems_are_escaped)
{
	char *file = signed_wipe("station", "", WS_EXIT_OK), *out = NULL, *prefix = NULL;
	int r;

	ck_assert_int_ge(asprintf(&prefix, "%s/audit.log", scratch_dir()), 0);
	r = test_sh(&out,
	            "'%s' verify --audit-log %s --ca %s/ca.pem "
	            "--cert-dir \"$(printf '%s/c\\033[31m\\nd')\" 2>&1 </dev/null",
	            WS_CLI, prefix, pki, scratch_dir());
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, out);
	ck_assert_ptr_nonnull(strstr(out, "c?[31m?d/"));
	ck_assert_ptr_null(strchr(out, '\033'));
	for (const char *line = out; *line; line = strchr(line, '\n') + 1) {
		ck_assert_msg(strncmp(line, prefix, strlen(prefix)) == 0, "a split line: %s", out);
		ck_assert_ptr_nonnull(strchr(line, '\n'));
	}
	free(prefix);
	free(out);
	free(file);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmd-verify");
	TCase *tc = tcase_create("certificates");
	int r;

	scratch_init("verify");
	make_pki();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_certificate_verifies_with_wipeseal_and_openssl);
	tcase_add_test(tc, test_ec_signer);
	cmd_verify_add_signer_tests(tc);
	tcase_add_test(tc, test_bad_input_is_rejected);
	tcase_add_test(tc, test_failed_wipe_is_certified_as_failed);
	tcase_add_test(tc, test_series_and_audit_log);
	cmd_verify_add_refusal_tests(tc);
	tcase_add_test(tc, test_ambiguous_documents_are_rejected);
	tcase_add_test(tc, test_audit_problems_are_escaped);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
