/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pdf.c - the PDF certificate, checked with tools that are not ours: a wipe of an
 * image file writes NAME.pdf beside its certificate; poppler's pdfsig finds the PAdES
 * signature valid, and trusted once the CA is in an NSS database made by certutil; a byte
 * changed in the signed range makes it invalid; pdftotext finds every field, in English and
 * in German (whatever the process's locale and LANGUAGE say); zbarimg reads the QR code of
 * a pdftoppm rendering as the certificate ID and the sha256sum of NAME.json; qpdf --check
 * finds the file well formed; a schema 2 document full of hostile strings (markup, 10 kB,
 * bidirectional overrides, odd Unicode) with a validation record renders.
 *
 * No loop device: image files are wiped. The station's certificate carries
 * emailProtection beside documentSigning: NSS checks a PDF signer for that usage
 * (docs/pdf.md).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

#define LOCALE "WIPESEAL_LOCALEDIR=" WS_BUILD_LOCALEDIR " LANGUAGE=fr LC_ALL=C"

static char pki[4096];

static void sh_or_die(const char *cmd)
{
	char *out = NULL;
	int r = test_sh(&out, "%s", cmd);

	test_require(r == 0, "%s\n%s", cmd, out);
	free(out);
}

/* A CA, the station's key and certificate, an NSS database that trusts the CA. */
static void make_pki(void)
{
	char *cmd;

	snprintf(pki, sizeof(pki), "%s/pki", scratch_dir());
	cmd = test_fmt(
	    "mkdir -p '%s' && cd '%s' && "
	    "openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -days 30 "
	    "-subj '/CN=test pdf CA' -addext 'basicConstraints=critical,CA:TRUE' "
	    "-addext 'keyUsage=critical,keyCertSign' 2>/dev/null && "
	    "openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out st.key && "
	    "chmod 600 st.key && openssl req -new -key st.key -subj '/CN=pdf station' -out st.csr "
	    "&& "
	    "printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
	    "extendedKeyUsage=1.3.6.1.5.5.7.3.36,emailProtection\\n' > ext.cnf && "
	    "openssl x509 -req -in st.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 "
	    "-extfile ext.cnf -out st.pem 2>/dev/null && : > empty.conf && "
	    "mkdir nss && certutil -N -d sql:nss --empty-password && "
	    "certutil -A -d sql:nss -n ca -t CT,C,C -i ca.pem",
	    pki, pki);
	sh_or_die(cmd);
	free(cmd);
}

#define SIGNER "--config %s/empty.conf --signer-key %s/st.key --signer-cert %s/st.pem"

/* Wipe a fresh image file, signed; return the certificate's path. */
static char *signed_wipe(const char *name)
{
	char *img = scratch_image(name, 8), *out = NULL, *err = NULL, *file = NULL, *p, *e;
	int r = run_cli_prefix(&out, &err, LOCALE,
	                       "wipe --yes " SIGNER " --audit-log %s/audit.log --cert-dir %s/certs "
	                       "--operator 'Grace Hopper' --organization 'Example Org' "
	                       "--asset-tag A-1234 --destination external-reuse '%s'",
	                       pki, pki, pki, scratch_dir(), scratch_dir(), img);

	ck_assert_msg(r == WS_EXIT_OK, "wipe: %d: %s", r, err);
	p = strstr(out, "certificate: ");
	ck_assert_ptr_nonnull(p);
	p += strlen("certificate: ");
	e = strchr(p, '\n');
	file = strndup(p, e ? (size_t)(e - p) : strlen(p));
	free(out);
	free(err);
	free(img);
	return file;
}

/* @file with .json replaced by @suffix. */
static char *beside(const char *file, const char *suffix)
{
	return test_fmt("%.*s%s", (int)(strlen(file) - 5), file, suffix);
}

static char *text_of(const char *pdf)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out, "pdftotext -layout '%s' - 2>&1", pdf), 0);
	return out;
}

static void expect_all(const char *text, const char *const *needles)
{
	for (const char *const *n = needles; *n; n++)
		ck_assert_msg(strstr(text, *n), "'%s' not in the PDF's text:\n%s", *n, text);
}

static void expect_signed(const char *pdf)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out, "pdfsig -nssdir sql:%s/nss '%s' 2>&1", pki, pdf), 0);
	ck_assert_msg(
	    strstr(out, "Signature is Valid.") && strstr(out, "Certificate is Trusted.") &&
	        strstr(out, "ETSI.CAdES.detached") && strstr(out, "Total document signed"),
	    "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&out, "qpdf --check '%s' 2>&1", pdf), 0);
	free(out);
}

START_TEST(test_wipe_writes_a_signed_pdf)
{
	static const char *const en[] = {
		"Certificate of Sanitization",
		"SUCCESS",
		"Media",
		"Manufacturer",
		"Serial number",
		"Property number",
		"A-1234",
		"Sanitization",
		"Method",
		"Clear",
		"Technique",
		"overwrite",
		"Verification",
		"Verification method",
		"Read-back",
		"Person performing sanitization",
		"Grace Hopper",
		"Example Org",
		"Validation / concurrence",
		"not yet validated",
		"Media destination",
		"external-reuse",
		"Evidence summary",
		"Pass 1",
		"Station, signer, trusted time",
		"CN=pdf station",
		NULL,
	};
	char *file = signed_wipe("a.img"), *pdf = beside(file, ".pdf"), *text, *qr = NULL;
	char *sum = NULL, *id = NULL;

	expect_signed(pdf);
	text = text_of(pdf);
	expect_all(text, en);
	free(text);
	/* the QR code: the ID and the SHA-256 of NAME.json's bytes */
	ck_assert_int_eq(test_sh(&sum, "sha256sum < '%s' | cut -c1-64 | tr -d '\\n'", file), 0);
	ck_assert_int_eq(test_sh(&id,
	                         "sed -n 's/^  \"certificate_id\": \"\\(.*\\)\",$/\\1/p' '%s' "
	                         "| tr -d '\\n'",
	                         file),
	                 0);
	ck_assert_int_eq(test_sh(&qr,
	                         "pdftoppm -r 150 -png -f 1 -l 1 '%s' '%s/qr' && "
	                         "zbarimg -q --raw '%s/qr-1.png' 2>/dev/null",
	                         pdf, scratch_dir(), scratch_dir()),
	                 0);
	text = test_fmt("wipeseal:cert:%s:sha256:%s\n", id, sum);
	ck_assert_str_eq(qr, text);
	free(text), free(qr), free(sum), free(id), free(pdf), free(file);
}
END_TEST

START_TEST(test_german_labels_whatever_the_locale)
{
	static const char *const de[] = {
		"Zertifikat über die",
		"Medium",
		"Seriennummer",
		"Inventarnummer",
		"Bereinigung",
		"Verfahren",
		"Verifizierung",
		"Durchführende Person",
		"Validierung / Bestätigung",
		"noch nicht validiert",
		"Verbleib des Mediums",
		"Zusammenfassung der Nachweise",
		"Grace Hopper",
		NULL,
	};
	char *file = signed_wipe("b.img"), *pdf = test_fmt("%s/b-de.pdf", scratch_dir()), *text;
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(run_cli_prefix(&out, &err, LOCALE, "pdf --lang de -o '%s' " SIGNER " '%s'",
	                                pdf, pki, pki, pki, file),
	                 WS_EXIT_OK);
	expect_signed(pdf);
	text = text_of(pdf);
	expect_all(text, de);
	ck_assert_ptr_null(strstr(text, "Person performing sanitization"));
	free(text), free(out), free(err);
	/* an existing PDF is not written over without --force */
	ck_assert_int_eq(run_cli_prefix(&out, &err, LOCALE, "pdf -o '%s' " SIGNER " '%s'", pdf, pki,
	                                pki, pki, file),
	                 WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "exists"));
	free(out), free(err), free(pdf), free(file);
}
END_TEST

START_TEST(test_a_changed_byte_breaks_the_signature)
{
	char *file = signed_wipe("c.img"), *pdf = beside(file, ".pdf"), *out = NULL;

	/* byte 2000 is in cairo's part of the file, inside the signed range */
	ck_assert_int_eq(test_sh(&out,
	                         "cp '%s' '%s/t.pdf' && printf '\\377' | dd of='%s/t.pdf' bs=1 "
	                         "seek=2000 conv=notrunc 2>/dev/null && "
	                         "pdfsig -nssdir sql:%s/nss '%s/t.pdf' 2>&1",
	                         pdf, scratch_dir(), scratch_dir(), pki, scratch_dir()),
	                 0);
	ck_assert_msg(!strstr(out, "Signature is Valid.") &&
	                  (strstr(out, "Digest Mismatch") || strstr(out, "Invalid")),
	              "%s", out);
	free(out), free(pdf), free(file);
}
END_TEST

/* A schema 2 document, with hostile strings, and a validation record bound to it. */
static const char hostile_head[] =
    "{\"schema\": \"wipeseal-certificate/2\", "
    "\"certificate_id\": \"0b7c2f6e-1d2a-4c3b-9e8f-123456789abc\", "
    "\"issued\": \"2026-12-02T04:00:00.000Z\", \"status\": \"FAILED\", "
    "\"status_reason\": \"<b>&amp;</b> \\u202eevil\\u202c %s %n\", \"demo\": false, "
    "\"media\": {\"manufacturer\": \"ACME <i>Drives</i>\", \"model\": \"%s\", "
    "\"serial\": \"S\\u0007N\\u0000\", "
    "\"property_number\": \"\\ud83d\\udcbe e\\u0301\\u0301\\u0301 \\u05e9\\u05dc\\u05d5\\u05dd\", "
    "\"interface\": \"NVMe\", \"media_type\": \"";
static const char hostile_tail[] =
    "\"}, \"sanitization\": {\"method\": \"Purge\", \"technique\": \"cryptographic erase\", "
    "\"technique_ieee2883\": \"Purge, NVMe Sanitize cryptographic erase\", "
    "\"commands\": [{\"interface\": \"NVMe\", \"command\": \"Sanitize\", \"bytes\": \"84\", "
    "\"parameters\": \"SANACT=4\", \"status\": \"0\", \"sent\": \"2026-12-02T04:00:00Z\"}], "
    "\"cryptographic_erase\": {\"key_changed\": \"the media encryption key\", "
    "\"key_strength\": \"not reported by the device\", \"scope\": \"namespace 1\", "
    "\"key_copies\": \"not reported by the device\", \"assurance\": \"noise\"}}, "
    "\"verification\": {\"completion_status\": \"failed\", \"errors\": [\"e1\", \"e2\"], "
    "\"anomalies\": [], \"health_before\": {\"source\": \"NVMe SMART / Health Information "
    "log\", \"percentage_used\": 3, \"media_errors\": 0}, \"health_after\": null}, "
    "\"person\": {\"name\": \"Mallory ]]>)\\\\ (\", \"contact\": \"+49 <script>\"}, "
    "\"evidence\": {\"passes\": [], \"firmware\": {\"command_sent\": true}}}\n";

static char *hostile_certificate(void)
{
	char *file = test_fmt("%s/h.json", scratch_dir()), *cmd;
	FILE *f = fopen(file, "w");

	test_require(f, "%s", file);
	fputs(hostile_head, f);
	for (int i = 0; i < 10240; i++)
		fputc('W', f);
	fputs(hostile_tail, f);
	test_require(fclose(f) == 0, "%s", file);
	cmd = test_fmt("cd '%s' && sum=$(sha256sum < h.json | cut -c1-64) && "
	               "printf '{\"schema\": \"wipeseal-validation/1\", \"date\": "
	               "\"2026-12-03T10:00:00Z\", \"certificate\": {\"file\": \"h.json\", "
	               "\"sha256\": \"%%s\"}, \"decision\": \"escalate\", \"reason\": \"key "
	               "strength unknown\", \"validator\": {\"name\": \"Val Idator\", "
	               "\"title\": \"QA\"}}\\n' \"$sum\" > h.validation.json",
	               scratch_dir());
	sh_or_die(cmd);
	free(cmd);
	return file;
}

START_TEST(test_hostile_strings_render)
{
	static const char *const want[] = {
		"FAILED",
		"<b>&amp;</b>",
		"ACME <i>Drives</i>",
		"%s",
		"Purge, NVMe Sanitize",
		"cryptographic erase",
		"SANACT=4",
		"the media encryption key",
		"namespace 1",
		"e1; e2",
		"Mallory",
		"+49 <script>",
		"escalate",
		"Val Idator",
		"key strength unknown",
		"percentage_used 3",
		"not read",
		NULL,
	};
	char *file = hostile_certificate(), *pdf = beside(file, ".pdf"), *text;
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(
	    run_cli_prefix(&out, &err, LOCALE, "pdf " SIGNER " '%s'", pki, pki, pki, file),
	    WS_EXIT_OK);
	expect_signed(pdf);
	text = text_of(pdf);
	expect_all(text, want);
	ck_assert_ptr_null(strstr(text, "not yet validated"));
	free(text), free(out), free(err);
	/* a document that is not a certificate is refused, and nothing is written */
	ck_assert_int_eq(run_cli_prefix(&out, &err, LOCALE, "pdf --unsigned -o '%s/x.pdf' '%s'",
	                                scratch_dir(), pdf),
	                 WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "not a certificate"));
	ck_assert_int_ne(test_sh(NULL, "test -e '%s/x.pdf'", scratch_dir()), 0);
	free(out), free(err), free(pdf), free(file);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("pdf");
	int r;

	scratch_init("pdf");
	make_pki();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_wipe_writes_a_signed_pdf);
	tcase_add_test(tc, test_german_labels_whatever_the_locale);
	tcase_add_test(tc, test_a_changed_byte_breaks_the_signature);
	tcase_add_test(tc, test_hostile_strings_render);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
