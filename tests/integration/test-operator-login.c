/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-operator-login.c - ws_operator_login() and the cards present, in this process, with
 * SoftHSM2 as the operator's card (softtoken.h) and tests/p11wrap for what SoftHSM2 never
 * says (few tries left, a final try, a locked PIN, a card pulled from its reader).
 *
 * The right PIN logs in and gives the identity of the certificate; each refusal (a wrong
 * PIN with what the token says of its tries, a locked PIN, RSA-1024, an EC curve the policy
 * refuses, another CA, no operator marking, revoked by the CRL, not on the allow-list) is
 * one line, and every attempt is a line of the audit log (LOGIN, LOGIN-FAILED) that names
 * the card and the station and never holds a PIN; the log verifies. A job that requires an
 * operator starts nothing without one.
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wipeseal/operator.h>

#include "operator-internal.h"
#include "scratch.h"
#include "softtoken.h"
#include "testutil.h"

static char pki[4096], pki2[4096], station_dir[4096];
static const char *tok;
static struct ws_trust *trust;
static struct ws_signer *station;

/* ---- helpers ------------------------------------------------------------------------------- */

static void start(const char *tag)
{
	struct ws_signer_files f = { 0 };
	char key[4200], cert[4200], ca[4200], *why = NULL;

	tok = softtoken_start(tag);
	snprintf(ca, sizeof(ca), "%s/ca.pem", pki);
	ck_assert_msg(ws_trust_load(ca, &trust, &why) == 0, "%s", why);
	snprintf(key, sizeof(key), "%s/signer.key", station_dir);
	snprintf(cert, sizeof(cert), "%s/signer.pem", station_dir);
	f.key = key;
	f.cert = cert;
	ck_assert_msg(ws_signer_load(&f, &station, &why) == 0, "%s", why);
}

struct login {
	const char *uri, *pin_file, *crl;
	const char *const *allow;
	const char *typed; /* the PIN the "terminal" types when no file holds it */
	char note[160];    /* what the token said of the tries, as the question got it */
};

static int typed_pin(void *userdata, const char *token, const char *note, char *buf, size_t size)
{
	struct login *l = userdata;

	(void)token;
	snprintf(l->note, sizeof(l->note), "%s", note ? note : "");
	if (!l->typed)
		return -ENOTTY;
	snprintf(buf, size, "%s", l->typed);
	return 0;
}

/* ws_operator_login() as the station calls it, audited in tok/audit.log. */
static int login(struct login *l, struct ws_operator **ret, char **why)
{
	char pin[4200], log[4200];
	struct ws_operator_opts o = {
		.card = l->uri,
		.pin_file = NULL,
		.pin = typed_pin,
		.pin_userdata = l,
		.trust = trust,
		.crl = l->crl,
		.allow = l->allow,
		.audit_log = log,
		.station = station,
		.station_name = "bench-1",
	};

	snprintf(pin, sizeof(pin), "%s/%s", tok, l->pin_file ? l->pin_file : "pin");
	if (!l->typed)
		o.pin_file = pin;
	snprintf(log, sizeof(log), "%s/audit.log", tok);
	*ret = NULL;
	*why = NULL;
	return ws_operator_login(&o, ret, why);
}

/* The audit log's last line (malloc'd). */
static char *last_audit_line(void)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out, "tail -n1 '%s/audit.log'", tok), 0);
	return out;
}

/* No PIN anywhere in the audit log, and the log verifies against the CA. */
static void audit_clean(void)
{
	char *out = NULL, log[4200];
	struct ws_audit_summary sum = { 0 };

	ck_assert_int_ne(test_sh(&out, "grep -e '%s' -e '%s' '%s/audit.log'", SOFTTOKEN_PIN,
	                         SOFTTOKEN_BAD_PIN, tok),
	                 0);
	free(out);
	snprintf(log, sizeof(log), "%s/audit.log", tok);
	ck_assert_int_eq(ws_audit_verify(log, NULL, trust, NULL, NULL, &sum), 0);
	ck_assert_int_eq(sum.problems, 0);
	ck_assert_uint_eq(sum.signed_lines, sum.lines);
}

/* The login with @l is refused with @err in one line holding @needle, and audited as a
 * LOGIN-FAILED line holding @needle too, and the card's serial when there is a card. */
static void refused_card(struct login *l, int err, const char *needle, bool card)
{
	struct ws_operator *op = NULL;
	char *why = NULL, *line;
	int r = login(l, &op, &why);

	ck_assert_msg(r == err, "%s: %d, want %d: %s", l->uri, r, err, why);
	ck_assert_ptr_null(op);
	ck_assert_msg(why && strstr(why, needle), "%s: want \"%s\" in: %s", l->uri, needle, why);
	ck_assert_ptr_null(strchr(why, '\n'));
	line = last_audit_line();
	ck_assert_msg(strstr(line, "\"status\":\"LOGIN-FAILED\"") && strstr(line, needle) &&
	                  strstr(line, "\"station\":\"bench-1\"") &&
	                  (!card || strstr(line, "\"card_serial\":\"")),
	              "%s", line);
	free(line);
	free(why);
	audit_clean();
}

static void refused(struct login *l, int err, const char *needle)
{
	refused_card(l, err, needle, true);
}

/* ---- logging in ---------------------------------------------------------------------------- */

START_TEST(test_right_pin)
{
	struct login l = { .uri = "pkcs11:token=op;object=card" };
	struct ws_operator *op = NULL;
	char *why = NULL, *fp, *line, *sig = NULL;

	start("right");
	softtoken_key(pki, "card", "01", "rsa:2048");
	ck_assert_msg(login(&l, &op, &why) == 0, "%s", why);
	fp = softtoken_fingerprint("card");
	ck_assert_str_eq(ws_operator_name(op), "Op card");
	ck_assert_str_eq(ws_operator_organization(op), "Example Org");
	ck_assert_str_eq(ws_operator_title(op), "Media officer");
	ck_assert_ptr_nonnull(strstr(ws_operator_subject(op), "CN=Op card"));
	ck_assert_str_eq(ws_operator_fingerprint(op), fp);
	ck_assert_int_gt((int)strlen(ws_operator_card_serial(op)), 0);
	line = last_audit_line();
	ck_assert_msg(strstr(line, "\"status\":\"LOGIN\"") && strstr(line, fp) &&
	                  strstr(line, "\"station\":\"bench-1\"") &&
	                  strstr(line, ws_operator_card_serial(op)) && strstr(line, "Op card"),
	              "%s", line);
	free(line);
	audit_clean();
	/* present until logged out, and asking does not end the login: the card still signs;
	 * the identity stays; a reference outlives the session's */
	ck_assert(ws_operator_present(op));
	ck_assert(ws_operator_present(op));
	ck_assert_int_eq(ws_signer_sign(ws_operator_signer(op), "x", 1, &sig), 0);
	free(sig);
	ck_assert_ptr_eq(ws_operator_ref(op), op);
	ws_operator_logout(op);
	ck_assert(!ws_operator_present(op));
	ck_assert_str_eq(ws_operator_name(op), "Op card");
	ws_operator_unref(op);
	ck_assert_str_eq(ws_operator_fingerprint(op), fp);
	ws_operator_unref(op);
	free(fp);
}
END_TEST

START_TEST(test_pin_refusals)
{
	char wrap[4300];
	struct login l = { .uri = "pkcs11:token=op;object=card", .pin_file = "badpin" };
	struct login w = { .uri = wrap, .typed = SOFTTOKEN_BAD_PIN };
	struct ws_operator *op = NULL;
	char *why = NULL;

	start("pin");
	softtoken_key(pki, "card", "01", "rsa:2048");
	snprintf(wrap, sizeof(wrap), "pkcs11:token=op;object=card?module-path=%s", WS_P11WRAP);
	refused(&l, -EKEYREJECTED, "wrong PIN; the token reports few tries left");
	/* what the token says reaches the question before the PIN is typed */
	test_require(setenv("WS_P11WRAP", "low", 1) == 0, "setenv");
	w.typed = SOFTTOKEN_PIN;
	ck_assert_msg(login(&w, &op, &why) == 0, "%s", why);
	ck_assert_str_eq(w.note, "the token reports few tries left");
	ws_operator_unref(op);
	w.typed = SOFTTOKEN_BAD_PIN;
	test_require(setenv("WS_P11WRAP", "final", 1) == 0, "setenv");
	refused(&w, -EKEYREJECTED, "wrong PIN; one try left: the next wrong PIN locks the card");
	test_require(setenv("WS_P11WRAP", "locked", 1) == 0, "setenv");
	w.typed = SOFTTOKEN_PIN;
	refused(&w, -EKEYREVOKED, "the PIN is locked");
	unsetenv("WS_P11WRAP");
	l.pin_file = "nosuch";
	refused(&l, -ENOENT, "nosuch");
}
END_TEST

START_TEST(test_key_refusals)
{
	struct login l = { .uri = "pkcs11:token=op;object=weak" };

	start("keys");
	softtoken_key(pki, "weak", "03", "rsa:1024");
	softtoken_key(pki, "p521", "04", "EC:secp521r1");
	refused(&l, -EPERM, "RSA key of 1024 bits; the policy needs at least 2048");
	l.uri = "pkcs11:token=op;object=p521";
	refused(&l, -EPERM, "EC key on curve secp521r1; the policy allows P-256 and P-384");
	l.uri = "pkcs11:token=nosuch;object=card";
	refused_card(&l, -ENODEV, "no token matches it: insert the card", false);
}
END_TEST

/* ---- the operator certificate -------------------------------------------------------------- */

START_TEST(test_not_an_operator)
{
	struct login l = { .uri = "pkcs11:token=op;object=other" };

	start("cert");
	softtoken_key(pki2, "other", "05", "rsa:2048");
	softtoken_key(pki, "plain", "06", "EC:prime256v1");
	softtoken_recert(pki, "plain", "06",
	                 "keyUsage=critical,digitalSignature\\n"
	                 "extendedKeyUsage=1.3.6.1.5.5.7.3.36");
	refused(&l, -EPERM, "is not from the operators' CA (unable to get local issuer");
	l.uri = "pkcs11:token=op;object=plain";
	refused(&l, -EPERM, "lacks the operator policy " WS_OID_OPERATOR_POLICY);
}
END_TEST

START_TEST(test_revoked_and_allow_list)
{
	char crl[4200], cnf[4200], *fp, *why = NULL, upper[200];
	const char *none[] = { "00112233", NULL };
	const char *listed[] = { "00112233", upper, NULL };
	struct login l = { .uri = "pkcs11:token=op;object=gone", .crl = crl };
	struct ws_operator *op = NULL;

	start("crl");
	softtoken_key(pki, "gone", "07", "rsa:2048");
	softtoken_key(pki, "kept", "08", "rsa:2048");
	/* the CA revokes "gone" and publishes its CRL */
	snprintf(cnf, sizeof(cnf), "%s/ca.cnf", tok);
	snprintf(crl, sizeof(crl), "%s/crl.pem", tok);
	softtoken_sh("cd '%s' && : > index.txt && echo 01 > crlnumber && printf '[ca]\\n"
	             "default_ca = c\\n[c]\\ndatabase = %%s/index.txt\\ncrlnumber = "
	             "%%s/crlnumber\\ndefault_md = sha256\\ndefault_crl_days = 30\\n' \"$PWD\" "
	             "\"$PWD\" > ca.cnf && openssl ca -config ca.cnf -keyfile %s/ca.key -cert "
	             "%s/ca.pem -revoke gone/operator.pem 2>&1 && openssl ca -config ca.cnf "
	             "-keyfile %s/ca.key -cert %s/ca.pem -gencrl -out crl.pem 2>&1",
	             tok, pki, pki, pki, pki);
	refused(&l, -EPERM, "is revoked");
	l.uri = "pkcs11:token=op;object=kept";
	ck_assert_msg(login(&l, &op, &why) == 0, "%s", why);
	ws_operator_unref(op);
	/* an allow-list without it, then with it (any case, with colons) */
	l.crl = NULL;
	l.allow = none;
	refused(&l, -EPERM, "is not on the allow-list");
	fp = softtoken_fingerprint("kept");
	for (size_t i = 0, j = 0; fp[i] && j + 3 < sizeof(upper); i++) {
		upper[j++] = (char)toupper((unsigned char)fp[i]);
		if (i % 2 && fp[i + 1])
			upper[j++] = ':';
		upper[j] = '\0';
	}
	l.allow = listed;
	ck_assert_msg(login(&l, &op, &why) == 0, "%s: %s", upper, why);
	ws_operator_unref(op);
	free(fp);
}
END_TEST

/* ---- the cards present, and a card pulled -------------------------------------------------- */

START_TEST(test_scan)
{
	struct ws_card_cert *v = NULL;
	struct ws_operator *op = NULL;
	char *why = NULL, *sig = NULL;
	struct login l = { 0 };
	int n;

	start("scan");
	softtoken_key(pki, "a", "0a", "rsa:2048");
	softtoken_key(pki, "b", "0b", "EC:prime256v1");
	softtoken_recert(pki, "b", "0b",
	                 "keyUsage=critical,digitalSignature\\n"
	                 "extendedKeyUsage=1.3.6.1.5.5.7.3.36");
	n = ws_card_scan("pkcs11:token=op", &v, &why);
	ck_assert_msg(n == 2, "%d: %s", n, why);
	for (int i = 0; i < n; i++) {
		bool a = strcmp(v[i].name, "Op a") == 0;

		ck_assert_str_eq(v[i].token, "op");
		ck_assert_int_gt((int)strlen(v[i].serial), 0);
		ck_assert(a || strcmp(v[i].name, "Op b") == 0);
		ck_assert(v[i].operator== a);
		ck_assert_ptr_nonnull(strstr(v[i].uri, a ? ";id=%0A" : ";id=%0B"));
		if (a)
			l.uri = v[i].uri;
	}
	/* the URI the scan gave logs in; a scan while logged in leaves the login alone (through
	 * p11-kit's proxy, which keeps each user's sessions apart: libp11 closes every session
	 * of a slot when it lets go of a list of slots, and finalizes the module it unloads) */
	ck_assert_msg(login(&l, &op, &why) == 0, "%s", why);
	ck_assert_str_eq(ws_operator_name(op), "Op a");
	ws_card_certs_free(v, (size_t)n);
	n = ws_card_scan(NULL, &v, &why);
	ck_assert_msg(n >= 2, "%d: %s", n, why);
	ws_card_certs_free(v, (size_t)n);
	ck_assert(ws_operator_present(op));
	ck_assert_int_eq(ws_signer_sign(ws_operator_signer(op), "x", 1, &sig), 0);
	free(sig);
	ws_operator_unref(op);
	ck_assert_int_eq(ws_card_scan("pkcs11:token=nosuch", &v, &why), -ENODEV);
	ck_assert_ptr_nonnull(strstr(why, "no card is present"));
	free(why);
}
END_TEST

START_TEST(test_card_pulled)
{
	char wrap[4300], pulled[4200], *why = NULL, *sig = NULL;
	struct login l = { .uri = wrap };
	struct ws_operator *op = NULL;

	start("pull");
	softtoken_key(pki, "card", "01", "rsa:2048");
	snprintf(wrap, sizeof(wrap), "pkcs11:token=op;object=card?module-path=%s", WS_P11WRAP);
	snprintf(pulled, sizeof(pulled), "%s/pulled", tok);
	test_require(setenv("WS_P11WRAP_PULLED", pulled, 1) == 0, "setenv");
	ck_assert_msg(login(&l, &op, &why) == 0, "%s", why);
	ck_assert(ws_operator_present(op));
	softtoken_sh("touch '%s'", pulled);
	ck_assert(!ws_operator_present(op));
	/* its key can no longer sign: an error, not a crash */
	ck_assert_int_lt(ws_signer_sign(ws_operator_signer(op), "x", 1, &sig), 0);
	ck_assert_str_eq(ws_operator_name(op), "Op card");
	ws_operator_unref(op);
	/* pulled before the login: no token */
	refused_card(&l, -ENODEV, "no token matches it", false);
	/* a card that cannot give random bytes (no GET CHALLENGE) is still there while it
	 * is, and gone once pulled */
	softtoken_sh("rm -f '%s'", pulled);
	test_require(setenv("WS_P11WRAP", "nochallenge", 1) == 0, "setenv");
	ck_assert_msg(login(&l, &op, &why) == 0, "%s", why);
	ck_assert(ws_operator_present(op));
	ck_assert(ws_operator_present(op));
	softtoken_sh("touch '%s'", pulled);
	ck_assert(!ws_operator_present(op));
	ws_operator_unref(op);
	unsetenv("WS_P11WRAP");
	unsetenv("WS_P11WRAP_PULLED");
}
END_TEST

/* ---- the job's rule ------------------------------------------------------------------------ */

/* require_operator without an operator: ws_job_start() starts nothing and says why; with
 * one, the job holds a reference (the operator outlives the caller's). */
START_TEST(test_job_requires_an_operator)
{
	struct login l = { .uri = "pkcs11:token=op;object=card" };
	struct ws_operator *op = NULL;
	struct ws_ctx *ctx = NULL;
	struct ws_plan *plan = NULL;
	struct ws_job *job = NULL;
	struct ws_cert_info info = { .operator_name = "Someone Else" };
	char *why = NULL;

	start("job");
	ck_assert_int_eq(ws_ctx_new(&ctx), 0);
	ck_assert_int_eq(ws_plan_parse("zero", 1, &plan, &why), 0);
	ck_assert_int_eq(ws_job_new(&(struct ws_job_options){ .ctx = ctx,
	                                                      .plan = plan,
	                                                      .info = &info,
	                                                      .require_operator = true },
	                            &job),
	                 0);
	ck_assert_int_eq(ws_job_start(job), -EPERM);
	ck_assert_ptr_nonnull(strstr(ws_job_start_error(job), "no operator has logged in"));
	job = ws_job_free(job);
	softtoken_key(pki, "card", "01", "rsa:2048");
	ck_assert_msg(login(&l, &op, &why) == 0, "%s", why);
	ck_assert_int_eq(ws_job_new(&(struct ws_job_options){ .ctx = ctx,
	                                                      .plan = plan,
	                                                      .info = &info,
	                                                      .operator= op,
	                                                      .require_operator = true },
	                            &job),
	                 0);
	ws_operator_unref(op);
	ck_assert_int_eq(ws_job_start(job), 0);
	ck_assert_ptr_null(ws_job_start_error(job));
	job = ws_job_free(job);
	ws_plan_free(plan);
	ws_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("operator-login");
	TCase *tc = tcase_create("operator-login");
	int r;

	if (!softtoken_suite_init("oplogin"))
		return 77;
	softtoken_operator_pki(pki, pki2, station_dir, sizeof(pki));
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_right_pin);
	tcase_add_test(tc, test_pin_refusals);
	tcase_add_test(tc, test_key_refusals);
	tcase_add_test(tc, test_not_an_operator);
	tcase_add_test(tc, test_revoked_and_allow_list);
	tcase_add_test(tc, test_scan);
	tcase_add_test(tc, test_card_pulled);
	tcase_add_test(tc, test_job_requires_an_operator);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
