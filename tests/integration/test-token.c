/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-token.c - signer keys on a PKCS#11 token, with SoftHSM2 as the token: a real module,
 * reached through p11-kit's proxy as a card through OpenSC would be, started per test with
 * its own token directory (SOFTHSM2_CONF). Keys and certificates are put there by
 * certs/make-operator.sh (pkcs11-tool and libp11's engine), so the script is tested too.
 *
 * A wipe signed by a token key is checked by `wipeseal verify` and plain `openssl cms
 * -verify`, and its audit log by `wipeseal verify --audit-log`. Refused before any write,
 * each in one line with exit code 2: a wrong PIN (and what the token says of the tries left),
 * a locked PIN and a final try (tests/p11wrap makes SoftHSM2 say so), RSA-1024, EC P-521 and
 * Ed25519 on the token, a certificate without documentSigning, no such key, no such token, no
 * certificate, a PIN in the URI, a PIN file others may read, no PIN and nobody to ask.
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

#define EXIT_REFUSED 2 /* WS_EXIT_USAGE: a signer that cannot sign stops the wipe */

static char pki[4096];

/* ---- the token: SoftHSM2 in a directory of this test's own ---------------------------------- */

static char tokdir[4096];

/* A fresh SoftHSM2 with one token "op" (user PIN 1234), and its PIN file (mode 600). */
static void token_start(const char *tag)
{
	snprintf(tokdir, sizeof(tokdir), "%s/tok-%s", scratch_dir(), tag);
	softtoken_sh(
	    "mkdir -p '%s/store' && cd '%s' && "
	    "printf 'directories.tokendir = %%s/store\\nobjectstore.backend = file\\n"
	    "log.level = ERROR\\n' \"$PWD\" > softhsm2.conf && "
	    "SOFTHSM2_CONF=$PWD/softhsm2.conf softhsm2-util --init-token --free --label op "
	    "--pin 1234 --so-pin 87654321 >/dev/null && "
	    "(umask 077 && echo 1234 > pin && echo 9999 > badpin)",
	    tokdir, tokdir);
	/* this test's child process and the commands it runs see this token alone */
	{
		char conf[4200];

		snprintf(conf, sizeof(conf), "%s/softhsm2.conf", tokdir);
		test_require(setenv("SOFTHSM2_CONF", conf, 1) == 0, "setenv");
	}
}

/* An operator key of @type (pkcs11-tool's --key-type) on the token, object @label, with its
 * certificate from the test CA, made by certs/make-operator.sh. */
static void token_key(const char *label, const char *id, const char *type)
{
	char *cmd = NULL, *out = NULL;
	int r;

	test_require(asprintf(&cmd,
	                      "'%s/certs/make-operator.sh' '%s' '%s/%s' --token op --cn 'Op %s' "
	                      "--org 'Example Org' --title 'Media officer' --label %s --id %s "
	                      "--key-type %s --pin-file '%s/pin'",
	                      WS_SOURCE_DIR, pki, tokdir, label, label, label, id, type,
	                      tokdir) >= 0,
	             "out of memory");
	r = test_sh(&out, "%s 2>&1", cmd);
	test_require(r == 0, "%s\n%s", cmd, out);
	free(out);
	free(cmd);
}

/* ---- wipes ----------------------------------------------------------------------------------- */

/* Wipe a fresh 16 MiB ext4 loop device signed with the token key @uri and config @conf
 * (text; may be ""); @prefix: environment before the command. Return the exit status; the
 * certificate file in *@ret_file when asked, stderr in *@ret_err. */
static int token_wipe(const char *uri, const char *conf, const char *prefix, char **ret_file,
                      char **ret_err, char **ret_sha_before, char **ret_sha_after)
{
	char *img = scratch_image("t.img", 16), *dev, *out = NULL, *err = NULL, path[4200];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/ws.conf", tokdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(conf, f);
	fclose(f);
	ck_assert_int_eq(test_sh(NULL, "mkfs.ext4 -q -F '%s'", img), 0);
	dev = scratch_attach(img, false, false);
	if (ret_sha_before)
		*ret_sha_before = sha(dev);
	r = run_cli_prefix(&out, &err, prefix,
	                   "wipe --yes --json --config '%s' --signer-key '%s' --audit-log "
	                   "%s/audit.log --cert-dir %s/certs --operator 'Grace Hopper' "
	                   "--organization 'Example Org' --asset-tag A-1 --destination "
	                   "external-reuse '%s' </dev/null",
	                   path, uri, tokdir, tokdir, dev);
	if (ret_sha_after)
		*ret_sha_after = sha(dev);
	if (ret_file) {
		struct json_object *last = r == 0 ? json_last_line(out) : NULL;

		*ret_file = last && jstr(last, "file") ? strdup(jstr(last, "file")) : NULL;
		json_object_put(last);
	}
	if (ret_err)
		*ret_err = err;
	else
		free(err);
	free(out);
	free(dev);
	free(img);
	return r;
}

/* A token key signs: wipeseal verify, plain openssl and the audit log's check all agree, and
 * the signer is the operator of the card. */
static void signs_and_verifies(const char *label, const char *id, const char *type)
{
	char *file = NULL, *err = NULL, *out = NULL, uri[256], conf[4300];

	token_key(label, id, type);
	snprintf(uri, sizeof(uri), "pkcs11:token=op;object=%s", label);
	snprintf(conf, sizeof(conf), "[signer]\npin_file = %s/pin\n", tokdir);
	ck_assert_int_eq(token_wipe(uri, conf, "", &file, &err, NULL, NULL), 0);
	ck_assert_msg(file, "%s", err);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca.pem '%s'", pki, file), 0);
	ck_assert_msg(strstr(out, "OK (signed by") && strstr(out, "CN=Op "), "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&out,
	                         "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content "
	                         "'%s' -CAfile %s/ca.pem -purpose any -out /dev/null 2>&1",
	                         file, file, pki),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "Verification successful"));
	free(out);
	ck_assert_int_eq(run_cli(&out, NULL,
	                         "verify --audit-log %s/audit.log --ca %s/ca.pem "
	                         "--cert-dir %s/certs",
	                         tokdir, pki, tokdir),
	                 0);
	free(out);
	free(err);
	free(file);
}

START_TEST(test_rsa_token_key_signs)
{
	token_start("rsa");
	signs_and_verifies("card", "01", "rsa:3072");
}
END_TEST

START_TEST(test_ec_token_key_signs)
{
	token_start("ec");
	signs_and_verifies("card", "01", "EC:secp384r1");
}
END_TEST

/* ---- refusals ---------------------------------------------------------------------------------- */

/* The wipe with @uri is refused: exit 2, one line holding @needle, the device unchanged, no
 * certificate, no audit log. */
static void refused(const char *uri, const char *conf, const char *prefix, const char *needle)
{
	char *err = NULL, *before = NULL, *after = NULL, *left = NULL;
	int r = token_wipe(uri, conf, prefix, NULL, &err, &before, &after);

	ck_assert_msg(r == EXIT_REFUSED, "%s: exit %d: %s", uri, r, err);
	ck_assert_msg(err && strstr(err, needle), "%s: want \"%s\" in: %s", uri, needle, err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "nothing was written"));
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(test_sh(&left, "ls %s/certs %s/audit.log 2>/dev/null", tokdir, tokdir), 2);
	free(left);
	free(before);
	free(after);
	free(err);
}

static char *pin_conf(const char *file)
{
	static char conf[4300];

	snprintf(conf, sizeof(conf), "[signer]\npin_file = %s/%s\n", tokdir, file);
	return conf;
}

START_TEST(test_pin_refusals)
{
	char wrap[4300];

	token_start("pin");
	token_key("card", "01", "rsa:2048");
	refused("pkcs11:token=op;object=card", pin_conf("badpin"), "", "token \"op\" (serial ");
	refused("pkcs11:token=op;object=card", pin_conf("badpin"), "",
	        "wrong PIN; the token reports few tries left");
	/* a PIN file others may read, a PIN in the URI, none at all and no terminal */
	ck_assert_int_eq(test_sh(NULL, "chmod 644 %s/pin", tokdir), 0);
	refused("pkcs11:token=op;object=card", pin_conf("pin"), "",
	        "is readable by group or others (mode 644): chmod 600 it");
	ck_assert_int_eq(test_sh(NULL, "chmod 600 %s/pin", tokdir), 0);
	refused("pkcs11:token=op;object=card;pin-value=1234", "", "", "pin-value) is refused");
	refused("pkcs11:token=op;object=card", "", "", "needs a PIN and nobody can type it");
	/* the PIN from the URI's pin-source: signs */
	snprintf(wrap, sizeof(wrap), "pkcs11:token=op;object=card?pin-source=%s/pin", tokdir);
	ck_assert_int_eq(token_wipe(wrap, "", "", NULL, NULL, NULL, NULL), 0);
	test_sh(NULL, "rm -rf %s/certs %s/audit.log", tokdir, tokdir);
	/* what SoftHSM2 never says, through tests/p11wrap: the final try, a locked PIN */
	snprintf(wrap, sizeof(wrap), "pkcs11:token=op;object=card?module-path=%s", WS_P11WRAP);
	refused(wrap, pin_conf("badpin"), "WS_P11WRAP=final",
	        "wrong PIN; one try left: the next wrong PIN locks the card");
	refused(wrap, pin_conf("pin"), "WS_P11WRAP=locked", "the PIN is locked");
}
END_TEST

START_TEST(test_key_refusals)
{
	token_start("keys");
	token_key("weak", "03", "rsa:1024");
	token_key("p521", "04", "EC:secp521r1");
	token_key("mail", "05", "rsa:2048");
	/* mail's certificate replaced by one for e-mail, from the same CA (over the token key's
	 * public key: the request is a throw-away key's) */
	softtoken_sh("cd '%s/mail' && printf '[e]\\nkeyUsage=critical,digitalSignature\\n"
	             "extendedKeyUsage=emailProtection\\n' > e.cnf && "
	             "openssl x509 -in operator.pem -pubkey -noout > pub.pem && openssl req -new "
	             "-newkey rsa:2048 -nodes -keyout /dev/null -subj '/CN=Op mail' -out t.csr "
	             "2>/dev/null && openssl x509 -req -in t.csr -force_pubkey pub.pem -CA "
	             "%s/ca.pem -CAkey %s/ca.key -CAcreateserial -CAserial t.srl -extfile e.cnf "
	             "-extensions e -outform DER -out mail.der 2>/dev/null && "
	             "P=1234 pkcs11-tool --module %s --token-label op --login --pin env:P "
	             "--delete-object --type cert --label mail >/dev/null && "
	             "P=1234 pkcs11-tool --module %s --token-label op --login --pin env:P "
	             "--write-object mail.der --type cert --id 05 --label mail >/dev/null",
	             tokdir, pki, pki, WS_P11_PROXY_PATH, WS_P11_PROXY_PATH);
	refused("pkcs11:token=op;object=weak", pin_conf("pin"), "",
	        "signer key refused: RSA key of 1024 bits; the policy needs at least 2048");
	refused("pkcs11:token=op;object=p521", pin_conf("pin"), "",
	        "EC key on curve secp521r1; the policy allows P-256 and P-384");
	refused("pkcs11:token=op;object=mail", pin_conf("pin"), "",
	        "lacks the extended key usage documentSigning");
	refused("pkcs11:token=op;object=nosuch", pin_conf("pin"), "",
	        "no private key on token \"op\" matches it");
	refused("pkcs11:token=op", pin_conf("pin"), "", "several private keys on token");
	refused("pkcs11:token=nosuch;object=weak", pin_conf("pin"), "",
	        "no token matches it: insert the card");
	refused("pkcs11:token=op;object=weak?module-path=/nonexistent/p11.so", pin_conf("pin"), "",
	        "the PKCS#11 module /nonexistent/p11.so cannot be loaded");
	refused("pkcs11:token=op;id=%zz", pin_conf("pin"), "", "not an RFC 7512 URI");
	/* a key without a certificate on the token */
	softtoken_sh("P=1234 pkcs11-tool --module %s --token-label op --login --pin env:P "
	             "--delete-object --type cert --label %s >/dev/null",
	             WS_P11_PROXY_PATH, "p521");
	refused("pkcs11:token=op;object=p521", pin_conf("pin"), "",
	        "signer certificate (beside the key): not found on token \"op\"");
}
END_TEST

/* ---- the PIN on the terminal ----------------------------------------------------------------- */

static char sock[64];

/* The tmux pane's text once it shows @text (within @seconds), or NULL (malloc'd). */
static char *pane_with(const char *text, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *out = NULL;

		if (test_sh(&out, "tmux -L %s capture-pane -p -t t 2>/dev/null", sock) == 0 &&
		    strstr(out, text))
			return out;
		free(out);
		usleep(100000);
	}
	return NULL;
}

/* `wipe` with a token key, no PIN file and a terminal (a tmux pane): the PIN is asked with
 * echo off; typed right, the wipe is signed; typed wrong, refused with what the token says. */
static void pin_typed(const char *pin, const char *want_rc, const char *want)
{
	char *img = scratch_image("tty.img", 4), *scr;

	ck_assert_int_eq(
	    test_sh(NULL,
	            "tmux -L %s kill-server 2>/dev/null; tmux -L %s new-session -d -s t -x 200 "
	            "-y 12 \"'%s' wipe --yes --signer-key 'pkcs11:token=op;object=card' "
	            "--audit-log %s/audit.log --cert-dir %s/certs --operator x --destination "
	            "other '%s' 2>&1; echo rc=\\$?; sleep 600\"",
	            sock, sock, WS_CLI, tokdir, tokdir, img),
	    0);
	scr = pane_with("PIN for token \"op\"", 30);
	ck_assert_msg(scr, "no PIN prompt");
	free(scr);
	ck_assert_int_eq(test_sh(NULL, "tmux -L %s send-keys -t t '%s' Enter", sock, pin), 0);
	scr = pane_with("rc=", 60);
	ck_assert_msg(scr, "wipe did not end");
	ck_assert_msg(strstr(scr, want_rc) && strstr(scr, want), "want %s, %s: %s", want_rc, want,
	              scr);
	/* echo off: the PIN is nowhere on the screen */
	ck_assert_ptr_null(strstr(scr, pin));
	free(scr);
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null", sock);
	free(img);
}

START_TEST(test_pin_asked_on_the_terminal)
{
	token_start("tty");
	token_key("card", "01", "rsa:2048");
	snprintf(sock, sizeof(sock), "wstoken-%d", getpid());
	pin_typed("1234", "rc=0", "SUCCESS");
	pin_typed("98765", "rc=2", "wrong PIN");
}
END_TEST

/* An Ed25519 key on the token (SoftHSM2 makes one; the policy refuses it on Debian 12's
 * OpenSSL 3.0, and libp11 0.4.12 cannot even list a token that holds one): refused in one
 * line before any write, whichever key is named. */
START_TEST(test_ed25519_on_the_token)
{
	token_start("ed");
	token_key("card", "01", "rsa:2048");
	softtoken_sh("P=1234 pkcs11-tool --module %s --token-label op --login --pin env:P "
	             "--keypairgen --key-type EC:edwards25519 --id 09 --label ed >/dev/null 2>&1",
	             WS_P11_PROXY_PATH);
	refused("pkcs11:token=op;object=ed", pin_conf("pin"), "", "key it does not know (Ed25519)");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");
	int r;

	if (!softtoken_suite_init("token"))
		return 77;
	snprintf(pki, sizeof(pki), "%s/pki", scratch_dir());
	softtoken_sh("'%s/certs/make-ca.sh' '%s' >/dev/null", WS_SOURCE_DIR, pki);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_rsa_token_key_signs);
	tcase_add_test(tc, test_ec_token_key_signs);
	tcase_add_test(tc, test_pin_refusals);
	tcase_add_test(tc, test_key_refusals);
	tcase_add_test(tc, test_ed25519_on_the_token);
	tcase_add_test(tc, test_pin_asked_on_the_terminal);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
