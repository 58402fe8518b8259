/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-validate.c - `wipeseal validate` and what `wipeseal verify` makes of its records, on
 * certificates of real wipes (image files in the scratch directory, no loop device), with
 * SoftHSM2 as the operator's card (softtoken.h) and a validator key in a file.
 *
 * accept, repeat and escalate are written beside the certificate (NAME.validation.json,
 * -2, -3), checked by plain `openssl cms -verify`, reported by verify (the latest by date)
 * and required by --require-validation; each is a VALIDATED line of the audit log, which
 * still verifies. The operator's card, the station's key and, on a certificate without a
 * card, a validator named as the person are refused (exit 3), nothing written, and so is a
 * validator from another CA (exit 2). A record edited, or bound to another certificate,
 * fails verify; a certificate that does not verify is not validated.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "softtoken.h"
#include "testutil.h"

#define EXIT_FAILED  1
#define EXIT_USAGE   2
#define EXIT_REFUSED 3

static char pki[4096], pki2[4096], station_dir[4096], val_dir[4096], grace_dir[4096];
static const char *tok;

/* The desk's configuration: the station's key, the operators' CA and PIN file. */
static const char *conf(void)
{
	static char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ws.conf", tok);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "[signer]\nkey = %s/signer.key\ncert = %s/signer.pem\n[operators]\nca = "
	        "%s/ca.pem\npin_file = %s/pin\n[wipe]\naudit_log = %s/audit.log\ncert_dir = "
	        "%s/certs\n",
	        station_dir, station_dir, pki, tok, tok, tok);
	fclose(f);
	return path;
}

/* A wipe of a fresh image @name, with the card (or without: @card NULL, the person named
 * Grace Hopper). Return: the certificate's path (malloc'd). */
static char *wiped(const char *name, const char *card)
{
	char *img = scratch_image(name, 4), *out = NULL, *err = NULL, *file;
	struct json_object *last;
	int r = run_cli(&out, &err,
	                "wipe --yes --json --config '%s' %s%s%s --operator 'Grace Hopper' "
	                "--destination external-reuse '%s' </dev/null",
	                conf(), card ? "--operator-card '" : "", card ? card : "", card ? "'" : "",
	                img);

	ck_assert_msg(r == 0, "wipe: %d: %s", r, err);
	last = json_last_line(out);
	ck_assert_msg(last && jstr(last, "file"), "%s", out);
	file = strdup(jstr(last, "file"));
	json_object_put(last);
	free(out);
	free(err);
	free(img);
	return file;
}

/* `wipeseal validate @file` with @args; exit @rc, stdout or stderr holding @want. */
static void validate(const char *file, const char *args, int rc, const char *want)
{
	char *out = NULL, *err = NULL;
	int r = run_cli(&out, &err, "validate '%s' --audit-log %s/audit.log --ca %s/ca.pem %s",
	                file, tok, pki, args);

	ck_assert_msg(r == rc && (strstr(out, want) || strstr(err, want)),
	              "validate %s: exit %d, want %d and \"%s\": %s%s", args, r, rc, want, out,
	              err);
	if (rc != 0)
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	free(out);
	free(err);
}

static const char *with_val(const char *decision)
{
	static char buf[9000];

	snprintf(buf, sizeof(buf), "--decision %s --key %s/signer.key --cert %s/signer.pem",
	         decision, val_dir, val_dir);
	return buf;
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

/* The record @k of certificate @file (NAME.validation[-k].json), malloc'd. */
static char *record(const char *file, unsigned k)
{
	size_t n = strlen(file) - strlen(".json");

	return k <= 1 ? test_fmt("%.*s.validation.json", (int)n, file)
	              : test_fmt("%.*s.validation-%u.json", (int)n, file, k);
}

static void openssl_verifies(const char *rec)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out,
	                         "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content "
	                         "'%s' -CAfile %s/ca.pem -purpose any -out /dev/null 2>&1",
	                         rec, rec, pki),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "Verification successful"));
	free(out);
}

static void nothing_written(const char *file)
{
	char *left = NULL, *base = test_fmt("%.*s", (int)(strlen(file) - 5), file);

	ck_assert_msg(test_sh(&left, "ls '%s'.validation* 2>/dev/null", base) != 0, "%s", left);
	free(left);
	free(base);
}

/* ---- decisions ----------------------------------------------------------------------------- */

START_TEST(test_decisions)
{
	char *file, *rec, *log = NULL, *out = NULL;

	tok = softtoken_start("dec");
	softtoken_key(pki, "card", "01", "EC:prime256v1");
	file = wiped("dec.img", "pkcs11:token=op;object=card");
	verify(file, "", 0, "; not yet validated");
	verify(file, "--require-validation", 1, "not yet validated (wipeseal validate)");
	validate(file, with_val("accept"), 0, "accept recorded in ");
	rec = record(file, 1);
	openssl_verifies(rec);
	ck_assert_int_eq(test_sh(&out, "cat '%s'", rec), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"schema\": \"wipeseal-validation/1\""));
	ck_assert_ptr_nonnull(strstr(out, "\"decision\": \"accept\""));
	ck_assert_ptr_nonnull(strstr(out, "\"name\": \"Val Idator\""));
	free(out);
	free(rec);
	verify(file, "--require-validation --require-operator", 0,
	       "); validated: accept by Val Idator on ");
	/* a second decision on the same certificate: the latest counts */
	validate(file,
	         "--reason 'residue in the sample' --decision escalate --key x/signer.key "
	         "--cert x/signer.pem",
	         EXIT_USAGE, "x/signer.key");
	validate(file, with_val("escalate"), 0, "escalate recorded in ");
	rec = record(file, 2);
	openssl_verifies(rec);
	free(rec);
	verify(file, "", 0, "validated: escalate by Val Idator");
	verify(file, "--require-validation", 1,
	       "the latest validation decision is \"escalate\" (by Val Idator on ");
	validate(file, with_val("repeat"), 0, "repeat recorded in ");
	verify(file, "--require-validation", 1, "decision is \"repeat\"");
	ck_assert_int_eq(run_cli(&out, NULL, "verify --json --ca %s/ca.pem '%s'", pki, file), 0);
	ck_assert_msg(strstr(out, "\"validation\":{\"state\":\"valid\",\"decision\":\"repeat\","
	                          "\"validator\":\"Val Idator\""),
	              "%s", out);
	free(out);
	validate(file, with_val("accept"), 0, "accept recorded in ");
	rec = record(file, 4);
	ck_assert_int_eq(access(rec, R_OK), 0);
	free(rec);
	verify(file, "--require-validation", 0, "validated: accept by Val Idator");
	/* every decision is a line of the audit log, which still verifies */
	ck_assert_int_eq(test_sh(&log, "grep -c '\"status\":\"VALIDATED\"' '%s/audit.log'", tok),
	                 0);
	ck_assert_int_eq(atoi(log), 4);
	free(log);
	ck_assert_int_eq(test_sh(&log, "cat '%s/audit.log'", tok), 0);
	ck_assert_ptr_nonnull(strstr(log, "\"decision\":\"escalate\""));
	ck_assert_ptr_nonnull(strstr(log, "\"validator_subject\":\"CN=Val Idator\""));
	free(log);
	ck_assert_int_eq(
	    run_cli(&out, NULL,
	            "verify --audit-log %s/audit.log --ca %s/ca.pem --cert-dir %s/certs", tok, pki,
	            tok),
	    0);
	free(out);
	free(file);
}
END_TEST

/* ---- self-validation ----------------------------------------------------------------------- */

START_TEST(test_self_validation)
{
	char *file, *plain, *args;

	tok = softtoken_start("self");
	softtoken_key(pki, "card", "01", "EC:prime256v1");
	file = wiped("self.img", "pkcs11:token=op;object=card");
	/* the operator's own card */
	args = test_fmt("--decision accept --card 'pkcs11:token=op;object=card' --pin-file %s/pin",
	                tok);
	validate(file, args, EXIT_REFUSED,
	         "self-validation refused: the validator is the operator");
	free(args);
	nothing_written(file);
	/* the station's key */
	args = test_fmt("--decision accept --key %s/signer.key --cert %s/signer.pem", station_dir,
	                station_dir);
	validate(file, args, EXIT_REFUSED, "self-validation refused: the validator's key signed");
	nothing_written(file);
	/* no card: a validator whose name is the person's */
	plain = wiped("self2.img", NULL);
	free(args);
	args = test_fmt("--decision accept --key %s/signer.key --cert %s/signer.pem", grace_dir,
	                grace_dir);
	validate(plain, args, EXIT_REFUSED, "the validator's name (Grace Hopper) is the person's");
	nothing_written(plain);
	/* the refusals left no VALIDATED line */
	ck_assert_int_ne(test_sh(NULL, "grep -q VALIDATED '%s/audit.log'", tok), 0);
	free(args);
	free(plain);
	free(file);
}
END_TEST

/* ---- records that do not check ------------------------------------------------------------- */

START_TEST(test_tampered)
{
	char *a, *b, *ra, *rb;

	tok = softtoken_start("tamper");
	a = wiped("a.img", NULL);
	b = wiped("b.img", NULL);
	validate(a, with_val("accept"), 0, "accept recorded in ");
	ra = record(a, 1);
	rb = record(b, 1);
	/* bound to another certificate: a's record beside b */
	softtoken_sh("cp '%s' '%s' && cp '%s.p7s' '%s.p7s'", ra, rb, ra, rb);
	openssl_verifies(rb);
	verify(b, "", 1, "FAILED: validation record ");
	verify(b, "", 1, "it is bound to other bytes");
	/* edited after signing */
	softtoken_sh("sed -i 's/\"decision\": \"accept\"/\"decision\": \"repeat\"/' '%s'", ra);
	verify(a, "", 1, "the record's bytes are not the bytes that were signed");
	/* an unsigned one */
	softtoken_sh("rm '%s.p7s'", rb);
	verify(b, "", 1, "its signature (.p7s) is missing");
	/* a certificate that does not verify is not validated */
	softtoken_sh("rm '%s' && sed -i 's/Grace Hopper/Grace Hoppex/' '%s'", rb, b);
	validate(b, with_val("accept"), EXIT_FAILED, "it does not verify: ");
	nothing_written(b);
	free(ra);
	free(rb);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_usage)
{
	char *file, *out = NULL, *err = NULL, *args;

	tok = softtoken_start("usage");
	file = wiped("u.img", NULL);
	validate(file, "--decision approve --key k --cert c", EXIT_USAGE,
	         "--decision approve: use accept, repeat or escalate");
	validate(file, "--decision accept", EXIT_USAGE, "name the validator's key");
	validate("/nonexistent/x.json", with_val("accept"), EXIT_USAGE, "No such file");
	/* a validator from another organization's CA */
	softtoken_sh("'%s/certs/make-station.sh' '%s' '%s/alien' --cn 'Al Ien' >/dev/null",
	             WS_SOURCE_DIR, pki2, tok);
	args = test_fmt("--decision accept --key %s/alien/signer.key --cert %s/alien/signer.pem",
	                tok, tok);
	validate(file, args, EXIT_USAGE, "the certificate is not from the validators' CA");
	free(args);
	nothing_written(file);
	ck_assert_int_eq(run_cli(&out, &err, "validate --help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--decision"));
	free(out);
	free(err);
	free(file);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validate");
	int r;

	if (!softtoken_suite_init("validate"))
		return 77;
	softtoken_operator_pki(pki, pki2, station_dir, sizeof(pki));
	snprintf(val_dir, sizeof(val_dir), "%s/validator", scratch_dir());
	snprintf(grace_dir, sizeof(grace_dir), "%s/grace", scratch_dir());
	softtoken_sh("'%s/certs/make-station.sh' '%s' '%s' --cn 'Val Idator' >/dev/null",
	             WS_SOURCE_DIR, pki, val_dir);
	softtoken_sh("'%s/certs/make-station.sh' '%s' '%s' --cn 'Grace Hopper' --ec >/dev/null",
	             WS_SOURCE_DIR, pki, grace_dir);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_decisions);
	tcase_add_test(tc, test_self_validation);
	tcase_add_test(tc, test_tampered);
	tcase_add_test(tc, test_usage);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
