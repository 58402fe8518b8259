/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cert-schemas.c - both certificate schemas, forever. The schema 1 certificates in
 * tests/data/cert1 (made once, before schema 2, under a long-lived fixture CA) verify with
 * `wipeseal verify` and with plain `openssl cms -verify`, and `show` prints them as schema 1;
 * a byte changed in one is refused. A schema 2 certificate made here (an image file wiped,
 * signed by a station from a CA made with openssl) holds NIST SP 800-88 Rev. 2's fields by
 * their names, verifies both ways, and `show` prints them; a document whose IEEE 2883 words
 * or validation block say more than its evidence is refused, re-signed or not.
 * Needs no loop device and no root: only files in a temporary directory.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "scenario.h"
#include "testutil.h"

#define FIXTURES WS_SOURCE_DIR "/tests/data/cert1"

static char *dir;

static void fresh_dir(void)
{
	dir = test_tmpdir("cert-schemas");
}

static void drop_dir(void)
{
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* `wipeseal ARGS` in the directory; stdout and stderr together into *out (malloc'd). */
static int cli(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cli(char **out, const char *fmt, ...)
{
	char *args = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	test_require(vasprintf(&args, fmt, ap) >= 0, "out of memory");
	va_end(ap);
	r = test_sh(out, "cd '%s' && timeout 60 '%s' %s </dev/null", dir, WS_CLI, args);
	free(args);
	return r;
}

static int openssl_verify(const char *json, const char *ca)
{
	return test_sh(NULL,
	               "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content '%s' "
	               "-CAfile '%s' -purpose any -out /dev/null 2>/dev/null",
	               json, json, ca);
}

START_TEST(test_schema1_fixtures_verify_forever)
{
	static const char *const names[] = { "overwrite", "purge" };

	for (size_t i = 0; i < 2; i++) {
		char *json = test_fmt("%s/%s.json", FIXTURES, names[i]), *out = NULL;

		ck_assert_int_eq(cli(&out, "verify --ca '%s/ca.pem' '%s'", FIXTURES, json),
		                 WS_EXIT_OK);
		ck_assert_msg(strstr(out, ": OK (signed by CN=fixture station"), "%s", out);
		free(out);
		ck_assert_int_eq(openssl_verify(json, FIXTURES "/ca.pem"), 0);
		ck_assert_int_eq(cli(&out, "show '%s'", json), WS_EXIT_OK);
		ck_assert_msg(strstr(out, "wipeseal-certificate/1") &&
		                  strstr(out, "asset number") && strstr(out, "Erika Mustermann"),
		              "%s", out);
		free(out);
		free(json);
	}
}
END_TEST

START_TEST(test_schema1_changed_byte_refused)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(NULL,
	                         "cp '%s/purge.json' '%s/p.json' && cp '%s/purge.json.p7s' "
	                         "'%s/p.json.p7s' && sed -i 's/INV-0002/INV-0003/' '%s/p.json'",
	                         FIXTURES, dir, FIXTURES, dir, dir),
	                 0);
	ck_assert_int_eq(cli(&out, "verify --ca '%s/ca.pem' '%s/p.json'", FIXTURES, dir),
	                 WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "not the bytes that were signed"), "%s", out);
	free(out);
}
END_TEST

/* A CA and a station key in @dir, an 8 MiB image wiped and signed: the certificate's path. */
static char *schema2_certificate(const char *method)
{
	char *out = NULL, *file;

	ck_assert_int_eq(
	    test_sh(&out,
	            "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	            "-nodes -keyout ca.key -out ca.pem -days 30 -subj '/CN=schema CA' -addext "
	            "'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' "
	            "2>/dev/null && openssl genpkey -quiet -algorithm EC -pkeyopt "
	            "ec_paramgen_curve:P-256 -out st.key && chmod 600 st.key && openssl req -new "
	            "-key st.key -subj '/CN=schema station' -out st.csr && printf "
	            "'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
	            "extendedKeyUsage=1.3.6.1.5.5.7.3.36\\n' >ext && openssl x509 -req -in st.csr "
	            "-CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile ext -out st.pem "
	            "2>/dev/null && : >empty.conf && truncate -s 8M disk.img",
	            dir),
	    0);
	free(out);
	ck_assert_int_eq(cli(&out,
	                     "wipe --yes --config '%s/empty.conf' --signer-key '%s/st.key' "
	                     "--signer-cert '%s/st.pem' --audit-log '%s/audit.log' --cert-dir "
	                     "'%s/certs' --operator 'Ada Lovelace' --phone '+44 20 1' "
	                     "--asset-tag P-42 --classification internal -m %s '%s/disk.img'",
	                     dir, dir, dir, dir, dir, method, dir),
	                 WS_EXIT_OK);
	free(out);
	ck_assert_int_eq(test_sh(&out, "ls '%s'/certs/*.json | head -n1 | tr -d '\\n'", dir), 0);
	file = out;
	return file;
}

START_TEST(test_schema2_written_verified_shown)
{
	char *file = schema2_certificate("dod-3pass"), *ca = test_fmt("%s/ca.pem", dir),
	     *out = NULL;
	struct json_object *doc;

	ck_assert_int_eq(cli(&out, "verify --ca '%s' '%s'", ca, file), WS_EXIT_OK);
	free(out);
	ck_assert_int_eq(openssl_verify(file, ca), 0);
	ck_assert_int_eq(test_sh(&out, "cat '%s'", file), 0);
	doc = json_tokener_parse(out);
	free(out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(jstr(doc, "schema"), "wipeseal-certificate/2");
	ck_assert_str_eq(jstr(doc, "standards.ieee"), "IEEE 2883-2022");
	ck_assert_str_eq(jstr(doc, "media.property_number"), "P-42");
	ck_assert_str_eq(jstr(doc, "media.categorization"), "internal");
	ck_assert_str_eq(jstr(doc, "media.interface"), "file");
	ck_assert_str_eq(jstr(doc, "media.capacity_bytes"), "8388608");
	ck_assert_str_eq(jstr(doc, "sanitization.method"), "Clear");
	ck_assert_str_eq(jstr(doc, "sanitization.technique"), "overwrite");
	ck_assert_str_eq(jstr(doc, "sanitization.technique_ieee2883"),
	                 "Clear, overwrite by the host (logical, every addressable block)");
	ck_assert_str_eq(jstr(doc, "sanitization.technique_name"), "dod-3pass");
	ck_assert_ptr_nonnull(
	    strstr(jstr(doc, "sanitization.details"), "obsolete per NIST SP 800-88 Rev. 2"));
	ck_assert_str_eq(jstr(doc, "sanitization.commands"), "[ ]");
	ck_assert_ptr_null(jstr(doc, "sanitization.cryptographic_erase"));
	ck_assert_str_eq(jstr(doc, "verification.completion_status"), "completed");
	ck_assert_str_eq(jstr(doc, "verification.read_back.result"), "matched");
	ck_assert_ptr_null(jstr(doc, "verification.health_before")); /* an image: not read */
	ck_assert_str_eq(jstr(doc, "person.name"), "Ada Lovelace");
	ck_assert_str_eq(jstr(doc, "person.contact"), "+44 20 1");
	ck_assert_str_eq(jstr(doc, "person.date"), jstr(doc, "issued"));
	ck_assert_ptr_null(jstr(doc, "validation.decision"));
	ck_assert_str_eq(jstr(doc, "trusted_time.requested"), "false");
	json_object_put(doc);
	ck_assert_int_eq(cli(&out, "show '%s'", file), WS_EXIT_OK);
	ck_assert_msg(strstr(out, "wipeseal-certificate/2") &&
	                  strstr(out, "Clear, overwrite by the host") &&
	                  strstr(out, "Verification") && strstr(out, "health before") &&
	                  strstr(out, "Ada Lovelace") && strstr(out, "property number"),
	              "%s", out);
	free(out);
	free(ca);
	free(file);
}
END_TEST

/* @file changed by @sed and signed again by the station: rejected with @why. */
static void resigned_rejected(const char *file, const char *sed, const char *why)
{
	char *v = test_fmt("%s/v.json", dir), *out = NULL;

	ck_assert_int_eq(
	    test_sh(&out,
	            "cp '%s' '%s' && sed -i '%s' '%s' && ! cmp -s '%s' '%s' && cd '%s' "
	            "&& openssl cms -sign -binary -outform PEM -in '%s' -signer st.pem "
	            "-inkey st.key -out '%s.p7s' -md sha256",
	            file, v, sed, v, file, v, dir, v, v),
	    0);
	free(out);
	ck_assert_int_eq(cli(&out, "verify --ca '%s/ca.pem' '%s'", dir, v), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, why), "%s", out);
	free(out);
	free(v);
}

START_TEST(test_schema2_summary_checked)
{
	char *file = schema2_certificate("zero");

	resigned_rejected(file,
	                  "s/\"technique_ieee2883\": \"Clear, overwrite/"
	                  "\"technique_ieee2883\": \"Purge, overwrite/",
	                  "summary disagrees with its evidence: technique overwrite");
	resigned_rejected(file,
	                  "0,/\"technique\": \"overwrite\"/s//\"technique\": \"block erase\"/",
	                  "summary disagrees with its evidence: technique overwrite");
	resigned_rejected(file, "s/\"decision\": null/\"decision\": \"accept\"/",
	                  "it holds a validation decision");
	resigned_rejected(file,
	                  "s/\"completion_status\": \"completed\"/"
	                  "\"completion_status\": \"aborted\"/",
	                  "verification.completion_status is \"aborted\"");
	resigned_rejected(file, "s/\"technique_name\": \"zero\"/\"technique_name\": \"one\"/",
	                  "sanitization.technique_name is \"one\" but evidence.method");
	free(file);
}
END_TEST

/* station.clock: the NTP server the boot image set the clock from (WIPESEAL_NTP_SERVER, as
 * iso/net.sh exports it) is named, and the source says so; without it, null and the
 * station's own clock. A source that disagrees with ntp_server is refused; a schema 2
 * certificate from before ntp_server existed (the key removed, signed again) still verifies. */
START_TEST(test_schema2_clock_ntp_server)
{
	char *made = schema2_certificate("zero"), *plain = test_fmt("%s/plain.json", dir), *file,
	     *out = NULL, *old, *cmd, *ca = test_fmt("%s/ca.pem", dir);
	struct json_object *doc;

	ck_assert_int_eq(test_sh(NULL, "cp '%s' '%s'", made, plain), 0);
	free(made);
	ck_assert_int_eq(test_sh(&out, "cat '%s'", plain), 0);
	doc = json_tokener_parse(out);
	free(out);
	ck_assert_str_eq(jstr(doc, "station.clock.source"), "the station's system clock");
	ck_assert_ptr_null(jstr(doc, "station.clock.ntp_server"));
	ck_assert(json_object_object_get_ex(
	    json_object_object_get(json_object_object_get(doc, "station"), "clock"), "ntp_server",
	    NULL));
	json_object_put(doc);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s/certs' '%s/audit.log'", dir, dir), 0);
	setenv("WIPESEAL_NTP_SERVER", "10.0.2.2:11123", 1);
	file = schema2_certificate("zero");
	unsetenv("WIPESEAL_NTP_SERVER");
	ck_assert_int_eq(test_sh(&out, "cat '%s'", file), 0);
	doc = json_tokener_parse(out);
	free(out);
	ck_assert_str_eq(jstr(doc, "station.clock.source"), "NTP server 10.0.2.2:11123");
	ck_assert_str_eq(jstr(doc, "station.clock.ntp_server"), "10.0.2.2:11123");
	json_object_put(doc);
	ck_assert_int_eq(cli(&out, "verify --ca '%s/ca.pem' '%s'", dir, file), WS_EXIT_OK);
	free(out);
	ck_assert_int_eq(openssl_verify(file, ca), 0);
	resigned_rejected(file, "s/\"ntp_server\": \"10.0.2.2:11123\"/\"ntp_server\": \"x\"/",
	                  "station.clock.source is \"NTP server 10.0.2.2:11123\"");
	resigned_rejected(plain, "s/\"ntp_server\": null/\"ntp_server\": \"pool.example\"/",
	                  "station.clock.source is \"the station's system clock\"");
	/* a certificate of schema 2 made before the key: still good */
	old = test_fmt("%s/old.json", dir);
	cmd = test_fmt("sed '/\"synchronized\"/s/,$//; /\"ntp_server\"/d' '%s' >'%s' && cd '%s' "
	               "&& openssl cms -sign -binary -outform PEM -in '%s' -signer st.pem "
	               "-inkey st.key -out '%s.p7s' -md sha256 && ! grep -q ntp_server '%s'",
	               plain, old, dir, old, old, old);
	ck_assert_int_eq(test_sh(NULL, "%s", cmd), 0);
	ck_assert_int_eq(cli(&out, "verify --ca '%s/ca.pem' '%s'", dir, old), WS_EXIT_OK);
	free(out);
	free(cmd);
	free(old);
	free(file);
	free(plain);
	free(ca);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cert-schemas");
	TCase *tc = tcase_create("schema 1 and schema 2");

	tcase_add_checked_fixture(tc, fresh_dir, drop_dir);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_schema1_fixtures_verify_forever);
	tcase_add_test(tc, test_schema1_changed_byte_refused);
	tcase_add_test(tc, test_schema2_written_verified_shown);
	tcase_add_test(tc, test_schema2_summary_checked);
	tcase_add_test(tc, test_schema2_clock_ntp_server);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
