/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-operator.c - `wipeseal wipe --operator-card` on real loop devices, with SoftHSM2 as
 * the operator's card (softtoken.h) and an EC P-384 station key in a file, so that the two
 * signers use different digests (SHA-384 and SHA-256).
 *
 * A wiped device's certificate names the operator from their certificate (not the flags),
 * carries two SignerInfos that plain `openssl cms -verify` and `wipeseal verify
 * --require-operator` both accept, and the audit log (LOGIN, STARTED, SUCCESS) verifies.
 * Two signatures by operators and none by a station fail verify (an operator's certificate
 * is never the station's). A second signer that is not the operator the document names (another operator's file key,
 * added with `openssl cms -resign`) passes plain OpenSSL and fails `wipeseal verify`.
 * --require-operator fails a certificate the station signed alone, and [operators]
 * require_card stops a wipe without a card. Another CA, no operator marking, RSA-1024 and a
 * wrong PIN are refused in one line before any write (the device read back unchanged).
 * A card pulled mid-wipe (tests/p11wrap, the moment held by the fault injector): the
 * certificate is filed awaiting the operator (verify says so, --require-operator fails,
 * openssl checks the station's signature), and `wipeseal cosign` completes it.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "softtoken.h"
#include "testutil.h"

#define EXIT_REFUSED 2 /* WS_EXIT_USAGE: no card, or a card refused: nothing was written */

static char pki[4096], pki2[4096], station_dir[4096];
static const char *tok;

/* The configuration of a desk: the station's key, the operators' CA, the PIN file, and
 * @extra (lines). Return: its path (static). */
static const char *conf(const char *extra)
{
	static char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ws.conf", tok);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "[signer]\nkey = %s/signer.key\ncert = %s/signer.pem\n[operators]\nca = "
	        "%s/ca.pem\npin_file = %s/pin\n%s[wipe]\naudit_log = %s/audit.log\ncert_dir = "
	        "%s/certs\n",
	        station_dir, station_dir, pki, tok, extra, tok, tok);
	fclose(f);
	return path;
}

/* A fresh 16 MiB ext4 loop device (malloc'd). */
static char *device(void)
{
	char *img = scratch_image("op.img", 16), *dev;

	ck_assert_int_eq(test_sh(NULL, "mkfs.ext4 -q -F '%s'", img), 0);
	dev = scratch_attach(img, false, false);
	free(img);
	return dev;
}

/* `wipe` of @dev with @card (NULL: none) and @prefix (environment). Return: the exit status;
 * the certificate in *ret_file (malloc'd, or NULL), stderr in *ret_err. */
static int wipe(const char *dev, const char *card, const char *extra, const char *prefix,
                char **ret_file, char **ret_err)
{
	char *out = NULL, *err = NULL, opt[4300] = "";
	int r;

	if (card)
		snprintf(opt, sizeof(opt), "--operator-card '%s'", card);
	r = run_cli_prefix(&out, &err, prefix,
	                   "wipe --yes --json --config '%s' %s --operator 'Someone Else' --title "
	                   "Nobody --destination external-reuse '%s' </dev/null",
	                   conf(extra), opt, dev);
	if (ret_file) {
		struct json_object *last = r == 0 ? json_last_line(out) : NULL;

		*ret_file = last && jstr(last, "file") ? strdup(jstr(last, "file")) : NULL;
		json_object_put(last);
	}
	*ret_err = err;
	free(out);
	return r;
}

/* How many SignerInfos the certificate's .p7s holds. */
static int signer_infos(const char *file)
{
	char *out = NULL;
	int n = 0;

	ck_assert_int_eq(test_sh(&out,
	                         "openssl cms -cmsout -print -inform PEM -in '%s.p7s' | grep -c "
	                         "'d.issuerAndSerialNumber'",
	                         file),
	                 0);
	n = atoi(out);
	free(out);
	return n;
}

/* Plain OpenSSL checks every signer the .p7s holds. */
static void openssl_verifies(const char *file)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out,
	                         "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content "
	                         "'%s' -CAfile %s/ca.pem -purpose any -out /dev/null 2>&1",
	                         file, file, pki),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "Verification successful"));
	free(out);
}

/* `wipeseal verify` of @file: exit @rc, output holding @want. */
static void verify(const char *file, const char *flags, int rc, const char *want)
{
	char *out = NULL;
	int r = run_cli(&out, NULL, "verify --ca %s/ca.pem %s '%s'", pki, flags, file);

	ck_assert_msg(r == rc && strstr(out, want), "verify %s: exit %d, want %d and \"%s\": %s",
	              flags, r, rc, want, out);
	free(out);
}

static void audit_log_verifies(const char *want)
{
	char *out = NULL, *log = NULL;

	ck_assert_int_eq(run_cli(&out, NULL,
	                         "verify --audit-log %s/audit.log --ca %s/ca.pem "
	                         "--cert-dir %s/certs",
	                         tok, pki, tok),
	                 0);
	free(out);
	ck_assert_int_eq(test_sh(&log, "cat '%s/audit.log'", tok), 0);
	ck_assert_msg(strstr(log, want), "no %s in the log", want);
	ck_assert_ptr_null(strstr(log, SOFTTOKEN_PIN));
	ck_assert_ptr_null(strstr(log, SOFTTOKEN_BAD_PIN));
	free(log);
}

/* ---- refused before any write -------------------------------------------------------------- */

/* A wipe with the card's @object (none when NULL) and the [operators] lines @extra refused
 * with one line holding @needle, nothing written to @dev and no certificate filed. */
static void refused(const char *dev, const char *object, const char *extra, const char *needle)
{
	char *err = NULL, *before = sha(dev), *after, *left = NULL, card[256];
	int r;

	snprintf(card, sizeof(card), "pkcs11:token=op;object=%s", object ? object : "");
	r = wipe(dev, object ? card : NULL, extra, "", NULL, &err);
	after = sha(dev);
	ck_assert_msg(r == EXIT_REFUSED, "%s: exit %d: %s", object, r, err);
	ck_assert_msg(strstr(err, needle) && strstr(err, "nothing was written"),
	              "%s: want \"%s\" in: %s", object, needle, err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_str_eq(before, after);
	ck_assert_int_ne(test_sh(&left, "ls '%s/certs'/*.json 2>/dev/null", tok), 0);
	free(left);
	free(before);
	free(after);
	free(err);
}

/* ---- two signers --------------------------------------------------------------------------- */

START_TEST(test_two_signers)
{
	char *dev, *file = NULL, *err = NULL, *out = NULL, *doc = NULL;

	tok = softtoken_start("two");
	softtoken_key(pki, "card", "01", "rsa:2048");
	dev = device();
	ck_assert_msg(wipe(dev, "pkcs11:token=op;object=card", "", "", &file, &err) == 0, "%s",
	              err);
	ck_assert_msg(file, "%s", err);
	ck_assert_int_eq(signer_infos(file), 2);
	openssl_verifies(file);
	verify(file, "--require-operator", 0, "; and by operator Op card (");
	ck_assert_int_eq(run_cli(&out, NULL, "verify --json --ca %s/ca.pem '%s'", pki, file), 0);
	ck_assert_msg(strstr(out, "\"operator\":{\"state\":\"signed\",\"name\":\"Op card\""), "%s",
	              out);
	free(out);
	/* the person is the operator's certificate, not the flags */
	ck_assert_int_eq(test_sh(&doc, "cat '%s'", file), 0);
	ck_assert_ptr_nonnull(strstr(doc, "\"name\": \"Op card\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"title\": \"Media officer\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"certificate_sha256\": \""));
	ck_assert_ptr_null(strstr(doc, "Someone Else"));
	ck_assert_ptr_null(strstr(doc, "Nobody"));
	audit_log_verifies("\"status\":\"LOGIN\"");
	/* the station's signature and another operator's (a file key with the operator
	 * marking, from the same CA): plain openssl accepts both signers, verify sees that it
	 * is not the operator the document names */
	softtoken_sh("cd '%s' && cp '%s' x.json && openssl req -new -newkey rsa:2048 -nodes "
	             "-keyout m.key -subj /CN=Mallory -out m.csr 2>/dev/null && openssl x509 "
	             "-req -in m.csr -CA %s/ca.pem -CAkey %s/ca.key -CAcreateserial -CAserial "
	             "m.srl -extfile %s/certs/openssl.cnf -extensions v3_operator -out m.pem "
	             "2>/dev/null && openssl cms -sign -binary -in x.json -signer %s/signer.pem "
	             "-inkey %s/signer.key -md sha384 -outform PEM -out x1.p7s && openssl cms "
	             "-resign -binary -inform PEM -in x1.p7s -signer m.pem -inkey m.key -md "
	             "sha384 -outform PEM -out x.json.p7s",
	             tok, file, pki, pki, WS_SOURCE_DIR, station_dir, station_dir);
	free(file);
	file = NULL;
	ck_assert_int_ge(asprintf(&file, "%s/x.json", tok), 0);
	ck_assert_int_eq(signer_infos(file), 2);
	openssl_verifies(file);
	verify(file, "", 1, "the operator's signature: it is not the operator the document names");
	ck_assert_int_eq(run_cli(&out, NULL, "verify --json --ca %s/ca.pem '%s'", pki, file), 1);
	ck_assert_msg(strstr(out, "\"operator\":{\"state\":\"invalid\""), "%s", out);
	free(out);
	/* two signatures by operators and none by a station, on a document that names one of
	 * them: openssl accepts it, verify does not take an operator's certificate for the
	 * station's */
	softtoken_sh("cd '%s' && cp x.json y.json && openssl req -new -newkey rsa:2048 -nodes "
	             "-keyout n.key -subj /CN=Niaj -out n.csr 2>/dev/null && openssl x509 -req -in "
	             "n.csr -CA %s/ca.pem -CAkey %s/ca.key -CAserial m.srl -extfile "
	             "%s/certs/openssl.cnf -extensions v3_operator -out n.pem 2>/dev/null && "
	             "fp=$(openssl x509 -in m.pem -noout -fingerprint -sha256 | cut -d= -f2 | "
	             "tr -d : | tr A-F a-f) && sed -i \"s/\\(\\\"certificate_sha256\\\": "
	             "\\\"\\)[0-9a-f]*/\\1$fp/\" y.json && grep -q \"$fp\" y.json && "
	             "openssl cms -sign -binary -in y.json -signer n.pem -inkey n.key -md sha384 "
	             "-outform PEM -out y1.p7s && openssl cms -resign -binary -inform PEM -in "
	             "y1.p7s -signer m.pem -inkey m.key -md sha384 -outform PEM -out y.json.p7s",
	             tok, pki, pki, WS_SOURCE_DIR);
	free(file);
	file = NULL;
	ck_assert_int_ge(asprintf(&file, "%s/y.json", tok), 0);
	ck_assert_int_eq(signer_infos(file), 2);
	openssl_verifies(file);
	verify(file, "", 1, "the station's signature: it was made with an operator's certificate");
	/* the station's signature and Mallory's, on a document that names Mallory's
	 * certificate but another person: verify reports no name that was not signed for */
	softtoken_sh(
	    "cd '%s' && cp y.json z.json && openssl cms -sign -binary -in z.json -signer "
	    "%s/signer.pem -inkey %s/signer.key -md sha384 -outform PEM -out z1.p7s && "
	    "openssl cms -resign -binary -inform PEM -in z1.p7s -signer m.pem -inkey m.key "
	    "-md sha384 -outform PEM -out z.json.p7s",
	    tok, station_dir, station_dir);
	free(file);
	file = NULL;
	ck_assert_int_ge(asprintf(&file, "%s/z.json", tok), 0);
	openssl_verifies(file);
	verify(file, "", 1, "the document's operator (name or subject) is not their certificate's");
	free(doc);
	free(err);
	free(file);
	free(dev);
}
END_TEST

START_TEST(test_station_alone)
{
	char *dev, *file = NULL, *err = NULL;

	tok = softtoken_start("alone");
	dev = device();
	ck_assert_msg(wipe(dev, NULL, "", "", &file, &err) == 0, "%s", err);
	free(err);
	ck_assert_int_eq(signer_infos(file), 1);
	verify(file, "", 0, "OK (signed by CN=bench-1 at ");
	verify(file, "--require-operator", 1, "no operator signed it, and one is required");
	free(file);
	/* [operators] require_card: no card, no wipe, nothing written */
	test_sh(NULL, "rm -rf '%s/certs' '%s/audit.log'", tok, tok);
	refused(dev, NULL, "require_card = yes\n", "no operator's card");
	free(dev);
}
END_TEST

START_TEST(test_refused_cards)
{
	char *dev;

	tok = softtoken_start("refused");
	softtoken_key(pki2, "other", "05", "rsa:2048");
	softtoken_key(pki, "plain", "06", "rsa:2048");
	softtoken_recert(pki, "plain", "06",
	                 "keyUsage=critical,digitalSignature\\n"
	                 "extendedKeyUsage=1.3.6.1.5.5.7.3.36");
	softtoken_key(pki, "weak", "07", "rsa:1024");
	softtoken_key(pki, "card", "01", "EC:prime256v1");
	dev = device();
	refused(dev, "other", "", "is not from the operators' CA");
	refused(dev, "plain", "", "lacks the operator policy");
	refused(dev, "weak", "", "RSA key of 1024 bits");
	/* a wrong PIN in [operators] pin_file */
	softtoken_sh("sed -i 's|^pin_file = .*|pin_file = %s/badpin|' '%s'", tok, conf(""));
	{
		char *err = NULL, *before = sha(dev), *after;
		int r = run_cli_prefix(NULL, &err, "",
		                       "wipe --yes --config '%s/ws.conf' --operator-card "
		                       "'pkcs11:token=op;object=card' --destination other '%s' "
		                       "</dev/null",
		                       tok, dev);

		after = sha(dev);
		ck_assert_msg(r == EXIT_REFUSED && strstr(err, "wrong PIN"), "exit %d: %s", r, err);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
		free(err);
	}
	audit_log_verifies("\"status\":\"LOGIN-FAILED\"");
	free(dev);
}
END_TEST

/* ---- a card pulled mid-wipe ---------------------------------------------------------------- */

static bool wait_for(const char *path, int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		if (access(path, F_OK) == 0)
			return true;
		usleep(50000);
	}
	return false;
}

START_TEST(test_card_pulled_mid_wipe)
{
	char *dev, *out = NULL, *file = NULL, *p, path[4300];
	struct json_object *last;

	tok = softtoken_start("pull");
	softtoken_key(pki, "card", "01", "rsa:2048");
	dev = device();
	/* the third MiB's write waits for "release"; the card is pulled before it goes on */
	softtoken_sh("cd '%s' && (ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	             "WS_FAULT_PATH='%s' WS_FAULT_WRITE=2097152+1048576:HOLD "
	             "WS_FAULT_HOLD=$PWD/release WS_P11WRAP_PULLED=$PWD/pulled '%s' wipe --yes "
	             "--json --config '%s' --operator-card "
	             "'pkcs11:token=op;object=card?module-path=%s' --destination other '%s' "
	             ">out 2>err; echo $? >rc) </dev/null >/dev/null 2>&1 &",
	             tok, WS_FAULTINJECT, dev, WS_CLI, conf(""), WS_P11WRAP, dev);
	snprintf(path, sizeof(path), "%s/audit.log", tok);
	ck_assert_msg(wait_for(path, 60), "the wipe did not start");
	sleep(1);
	softtoken_sh("touch '%s/pulled' '%s/release'", tok, tok);
	snprintf(path, sizeof(path), "%s/rc", tok);
	ck_assert_msg(wait_for(path, 120), "the wipe did not end");
	usleep(200000);
	ck_assert_int_eq(test_sh(&out, "cat '%s/rc' '%s/err'", tok, tok), 0);
	ck_assert_msg(atoi(out) == 0 && strstr(out, "filed with the station's signature alone"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&out, "cat '%s/out'", tok), 0);
	last = json_last_line(out);
	file = strdup(jstr(last, "file"));
	json_object_put(last);
	free(out);
	/* awaiting: verify says so, --require-operator fails, openssl checks the station's */
	snprintf(path, sizeof(path), "%s.awaiting-operator", file);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(signer_infos(file), 1);
	verify(file, "", 0, "; awaiting the signature of operator Op card (");
	verify(file, "--require-operator", 1, "the operator's signature is awaited");
	openssl_verifies(file);
	/* the card is back: cosign adds it */
	ck_assert_int_eq(run_cli(&out, NULL,
	                         "cosign --config '%s' --operator-card "
	                         "'pkcs11:token=op;object=card' </dev/null",
	                         conf("")),
	                 0);
	ck_assert_msg(strstr(out, "1 certificate in ") && strstr(out, "signed by operator Op card"),
	              "%s", out);
	free(out);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(signer_infos(file), 2);
	openssl_verifies(file);
	verify(file, "--require-operator", 0, "; and by operator Op card (");
	audit_log_verifies("\"status\":\"OPERATOR-SIGNED\"");
	/* nothing left to sign */
	ck_assert_int_eq(run_cli(&out, NULL,
	                         "cosign --config '%s' --operator-card "
	                         "'pkcs11:token=op;object=card' </dev/null",
	                         conf("")),
	                 0);
	ck_assert_ptr_nonnull((p = strstr(out, "no certificate in ")));
	free(out);
	free(file);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("operator");
	TCase *tc = tcase_create("operator");
	int r;

	if (!softtoken_suite_init("operator"))
		return 77;
	softtoken_operator_pki(pki, pki2, station_dir, sizeof(pki));
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_two_signers);
	tcase_add_test(tc, test_station_alone);
	tcase_add_test(tc, test_refused_cards);
	tcase_add_test(tc, test_card_pulled_mid_wipe);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
