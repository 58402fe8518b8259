/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-tsa.c - trusted time end to end: loop-device wipes whose signatures get RFC 3161
 * tokens from a real TSA (`openssl ts -reply` behind tests/tsa/tsa-server on 127.0.0.1), the
 * tokens checked by `openssl ts -verify` and by `wipeseal verify --tsa-ca`; and a TSA that
 * is down, hangs, or answers garbage, which never holds a wipe back: the certificate is filed
 * without a token, marked, and `wipeseal timestamp` adds it later.
 *
 * The PKI comes from tests/tsa/make-pki.sh (the organization's CA and station, a TSA CA and
 * its TSA with the critical timeStamping usage, and a CA that vouches for no TSA). A station
 * clock that disagrees with the TSA is made by the TSA's clock instead (tsa-server shift):
 * faketime is not available.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wipeseal/cert.h>
#include <wipeseal/exit.h>
#include <wipeseal/timestamp.h>

#include "cert-internal.h"

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

static char pki[4096];

/* ---- the TSA ------------------------------------------------------------------------------- */

struct tsa {
	pid_t pid;
	unsigned port;
};

/* tsa-server in @mode (@arg: its seconds), its port read from its first line. */
static struct tsa tsa_start(const char *mode, int arg)
{
	struct tsa t = { 0 };
	char *cfg = test_fmt("%s/ts.cnf", pki), num[16];
	int fd[2];
	FILE *f;

	snprintf(num, sizeof(num), "%d", arg);
	test_require(pipe(fd) == 0, "pipe");
	t.pid = fork();
	test_require(t.pid >= 0, "fork");
	if (t.pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execl(WS_TSA_SERVER, "tsa-server", cfg, mode, num, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	test_require(f && fscanf(f, "%u", &t.port) == 1, "tsa-server did not start");
	fclose(f);
	free(cfg);
	return t;
}

static void tsa_stop(struct tsa *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
	}
	t->pid = 0;
}

/* A port nothing listens on: a TSA that is down. */
static unsigned dead_port(void)
{
	struct tsa t = tsa_start("ok", 0);
	unsigned port = t.port;

	tsa_stop(&t);
	return port;
}

/* ---- wipes --------------------------------------------------------------------------------- */

/* A config for @port (0: no TSA) with @extra lines under [signer]; its path. */
static char *config(const char *name, unsigned port, const char *extra)
{
	char *path = test_fmt("%s/%s.conf", scratch_dir(), name);
	FILE *f = fopen(path, "w");

	test_require(f, "%s", path);
	fprintf(f, "[signer]\nkey = %s/station.key\ncert = %s/station.pem\n", pki, pki);
	if (port)
		fprintf(f, "tsa_url = http://127.0.0.1:%u/tsa\n", port);
	fprintf(f, "%s\n[wipe]\naudit_log = %s/audit.log\ncert_dir = %s/certs\n", extra,
	        scratch_dir(), scratch_dir());
	fclose(f);
	return path;
}

/* Wipe a fresh 16 MiB loop device with config @cfg; the certificate's path. *@secs: how
 * long the wipe took, *@err its stderr (may be NULL). */
static char *wipe(const char *cfg, double *secs, char **err)
{
	static unsigned n;
	char *name = test_fmt("t%u.img", n++), *img = scratch_image(name, 16);
	char *dev = scratch_attach(img, false, false), *out = NULL, *e = NULL, *file;
	struct json_object *last;
	struct timespec a, b;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &a);
	r = run_cli(&out, &e, "wipe --yes --json --config '%s' --operator 'Ada Lovelace' '%s'", cfg,
	            dev);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_msg(r == WS_EXIT_OK, "wipe: exit %d: %s", r, e);
	last = json_last_line(out);
	file = strdup(jstr(last, "file"));
	json_object_put(last);
	if (secs)
		*secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (err)
		*err = e;
	else
		free(e);
	free(out);
	free(dev);
	free(img);
	free(name);
	return file;
}

static bool exists(const char *path, const char *suffix)
{
	char *p = test_fmt("%s%s", path, suffix);
	bool yes = access(p, F_OK) == 0;

	free(p);
	return yes;
}

static int verify(const char *file, const char *tsa_ca, const char *more, char **out)
{
	return run_cli(out, NULL, "verify --ca %s/ca.pem %s%s%s %s '%s'", pki,
	               tsa_ca ? "--tsa-ca " : "", tsa_ca ? pki : "", tsa_ca ? tsa_ca : "",
	               more ? more : "", file);
}

/* SignerInfo @i's token checked by `openssl ts -verify` against the TSA CA. */
static void openssl_ts_verify(const char *file, int i)
{
	char *out = NULL;
	int r = test_sh(&out,
	                "cd '%s' && '%s' --extract '%s.p7s' %d tok.der sig.bin && "
	                "openssl ts -verify -data sig.bin -in tok.der -token_in -CAfile "
	                "'%s/tsa-ca.pem'",
	                scratch_dir(), WS_TSA_SERVER, file, i, pki);

	ck_assert_msg(r == 0 && strstr(out, "Verification: OK"), "openssl ts -verify: %s", out);
	free(out);
}

static void openssl_cms_verify(const char *file)
{
	char *out = NULL;
	int r = test_sh(&out,
	                "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content '%s' "
	                "-CAfile '%s/ca.pem' -purpose any -out /dev/null",
	                file, file, pki);

	ck_assert_msg(r == 0, "openssl cms -verify: %s", out);
	free(out);
}

/* The PDF beside @file is PAdES B-T: its CMS (pdfsig -dump) holds the TSA's token. */
static void pdf_has_token(const char *file)
{
	char *out = NULL;
	int r = test_sh(&out,
	                "cd '%s' && rm -f ./*.sig0 && pdfsig -dump '%.*s.pdf' >/dev/null && "
	                "openssl cms -cmsout -print -inform DER -in \"$(ls ./*.sig0 | head -n 1)\" "
	                "| grep -c id-smime-aa-timeStampToken",
	                scratch_dir(), (int)(strlen(file) - 5), file);

	ck_assert_msg(r == 0, "no token in the PDF's signature: %s", out);
	free(out);
}

/* ---- tests --------------------------------------------------------------------------------- */

START_TEST(test_wipe_gets_a_token)
{
	struct tsa t = tsa_start("ok", 0);
	/* the station checks the TSA's reply against its CA too */
	char *with_ca = test_fmt("tsa_ca = %s/tsa-ca.pem", pki);
	char *cfg = config("ok", t.port, with_ca), *file = wipe(cfg, NULL, NULL), *out = NULL;
	int r;

	tsa_stop(&t);
	ck_assert_msg(!exists(file, ".awaiting-timestamp"), "marked though the TSA answered");
	openssl_ts_verify(file, 0);
	openssl_cms_verify(file);
	pdf_has_token(file);
	r = verify(file, "/tsa-ca.pem", NULL, &out);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, ": OK (") && strstr(out, "trusted time: ") &&
	                  strstr(out, "CN=test TSA") && strstr(out, "station clock "),
	              "exit %d: %s", r, out);
	free(out);
	/* without --tsa-ca: reported, not checked */
	r = verify(file, NULL, NULL, &out);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, "not checked"), "exit %d: %s", r, out);
	free(out);
	r = verify(file, "/tsa-ca.pem", "--json", &out);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, "\"trusted_time\":{\"state\":\"valid\""),
	              "exit %d: %s", r, out);
	free(out);
	free(with_ca);
	free(cfg);
	free(file);
}
END_TEST

START_TEST(test_wrong_tsa_ca_fails)
{
	struct tsa t = tsa_start("ok", 0);
	char *cfg = config("wrongca", t.port, ""), *file = wipe(cfg, NULL, NULL), *out = NULL;
	int r;

	tsa_stop(&t);
	r = verify(file, "/other-ca.pem", NULL, &out);
	ck_assert_msg(r == WS_EXIT_FAILED && strstr(out, "FAILED") &&
	                  strstr(out, "timestamp token on the station's signature"),
	              "exit %d: %s", r, out);
	free(out);
	free(cfg);
	free(file);
}
END_TEST

START_TEST(test_tsa_down_then_timestamp)
{
	char *cfg = config("down", dead_port(), ""), *file, *out = NULL, *err = NULL, *cfg2;
	double secs = 0;
	struct tsa t;
	int r;

	file = wipe(cfg, &secs, &err);
	/* a bound far above a wipe's time even under a sanitizer on a loaded machine: the
	 * property is "no wait for the TSA", not a speed (bench/ measures speed) */
	ck_assert_msg(secs < 30.0, "the wipe waited %.1f s on a TSA that is down", secs);
	ck_assert_msg(exists(file, ".awaiting-timestamp"), "not marked: %s", err);
	ck_assert_msg(strstr(err, "without a timestamp token"), "not said: %s", err);
	free(err);
	r = verify(file, "/tsa-ca.pem", NULL, &out);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, "awaited"), "exit %d: %s", r, out);
	free(out);
	/* the TSA is back: the token is added, the mark removed, the log says so */
	t = tsa_start("ok", 0);
	cfg2 = config("back", t.port, "");
	r = run_cli(&out, &err, "timestamp --config '%s' '%s'", cfg2, file);
	tsa_stop(&t);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, "1 timestamp token added"), "exit %d: %s%s", r,
	              out, err);
	free(out);
	free(err);
	ck_assert(!exists(file, ".awaiting-timestamp"));
	openssl_ts_verify(file, 0);
	openssl_cms_verify(file);
	r = verify(file, "/tsa-ca.pem", NULL, &out);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, "trusted time: "), "exit %d: %s", r, out);
	free(out);
	ck_assert_int_eq(test_sh(NULL, "grep -q TIMESTAMPED '%s/audit.log'", scratch_dir()), 0);
	r = run_cli(&out, NULL,
	            "verify --audit-log '%s/audit.log' --ca %s/ca.pem --cert-dir %s/certs",
	            scratch_dir(), pki, scratch_dir());
	ck_assert_msg(r == WS_EXIT_OK, "exit %d: %s", r, out);
	free(out);
	free(cfg2);
	free(cfg);
	free(file);
}
END_TEST

START_TEST(test_tsa_hangs_or_answers_garbage)
{
	static const char *const modes[] = { "slow", "garbage", "error" };

	for (size_t i = 0; i < 3; i++) {
		struct tsa t = tsa_start(modes[i], 90); /* "slow" answers after 90 s */
		char *cfg = config(modes[i], t.port, "tsa_timeout = 2"), *err = NULL, *file;
		double secs = 0;

		file = wipe(cfg, &secs, &err);
		tsa_stop(&t);
		/* the whole wipe well before the slow TSA would answer: tsa_timeout (2 s) ended
		 * the wait, whatever the machine's load adds to the wipe itself */
		ck_assert_msg(secs < 45.0, "%s: the wipe took %.1f s", modes[i], secs);
		ck_assert_msg(exists(file, ".awaiting-timestamp"), "%s: not marked: %s", modes[i],
		              err);
		free(err);
		free(cfg);
		free(file);
	}
}
END_TEST

START_TEST(test_station_clock_off_is_flagged)
{
	struct tsa t = tsa_start("shift", 3600);
	char *cfg = config("shift", t.port, ""), *file = wipe(cfg, NULL, NULL), *out = NULL;
	int r;

	tsa_stop(&t);
	openssl_ts_verify(file, 0);
	r = verify(file, "/tsa-ca.pem", NULL, &out);
	ck_assert_msg(r == WS_EXIT_OK && strstr(out, "flagged: the station clock differs from the "
	                                             "TSA by 3"),
	              "exit %d: %s", r, out);
	free(out);
	r = verify(file, "/tsa-ca.pem", "--clock-tolerance 7200", &out);
	ck_assert_msg(r == WS_EXIT_OK && !strstr(out, "flagged") && strstr(out, "station clock -3"),
	              "exit %d: %s", r, out);
	free(out);
	free(cfg);
	free(file);
}
END_TEST

/* The library alone: a second SignerInfo (the operator's, in a job) gets its own token, and
 * both check with openssl; a signer without a TSA makes none. */
START_TEST(test_every_signer_info_gets_a_token)
{
	struct tsa t = tsa_start("ok", 0);
	char *key = test_fmt("%s/station.key", pki), *cert = test_fmt("%s/station.pem", pki);
	char *url = test_fmt("http://127.0.0.1:%u/", t.port), *one = NULL, *two = NULL, *why = NULL;
	char *file = test_fmt("%s/two.json", scratch_dir()), *p7s = test_fmt("%s.p7s", file);
	char *key2 = test_fmt("%s/second.key", pki), *cert2 = test_fmt("%s/second.pem", pki);
	struct ws_signer *s = NULL, *s2 = NULL;
	const char doc[] = "{\"two signers\": true}\n";
	FILE *f;

	ck_assert_int_eq(
	    ws_signer_load(&(struct ws_signer_files){ .key = key, .cert = cert }, &s, &why), 0);
	ck_assert_int_eq(
	    ws_signer_load(&(struct ws_signer_files){ .key = key2, .cert = cert2 }, &s2, &why), 0);
	ck_assert_int_eq(ws_signer_set_tsa(s, &(struct ws_tsa_config){ .url = url }), 0);
	ck_assert_int_eq(ws_signer_set_tsa(s2, &(struct ws_tsa_config){ .url = url }), 0);
	ck_assert_int_eq(ws_signer_sign(s, doc, strlen(doc), &one), 0);
	ck_assert_int_eq(ws_cms_add_signer(one, s2, doc, strlen(doc), &two), 0);
	tsa_stop(&t);
	f = fopen(file, "w");
	ck_assert(f && fputs(doc, f) >= 0 && fclose(f) == 0);
	f = fopen(p7s, "w");
	ck_assert(f && fputs(two, f) >= 0 && fclose(f) == 0);
	openssl_ts_verify(file, 0);
	openssl_ts_verify(file, 1);
	openssl_cms_verify(file);
	free(one);
	free(two);
	ck_assert_int_eq(ws_signer_set_tsa(s, NULL), 0);
	ck_assert_int_eq(ws_signer_sign(s, doc, strlen(doc), &one), 0);
	ck_assert_ptr_nonnull(strstr(one, "-----BEGIN CMS-----"));
	free(one);
	ws_signer_free(s);
	ws_signer_free(s2);
	free(key2);
	free(cert2);
	free(p7s);
	free(file);
	free(url);
	free(cert);
	free(key);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tsa");
	TCase *tc = tcase_create("trusted time");
	int r;

	scratch_init("tsa");
	snprintf(pki, sizeof(pki), "%s/pki", scratch_dir());
	test_require(test_sh(NULL, "'%s/tests/tsa/make-pki.sh' '%s'", WS_SOURCE_DIR, pki) == 0,
	             "make-pki.sh");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_wipe_gets_a_token);
	tcase_add_test(tc, test_wrong_tsa_ca_fails);
	tcase_add_test(tc, test_tsa_down_then_timestamp);
	tcase_add_test(tc, test_tsa_hangs_or_answers_garbage);
	tcase_add_test(tc, test_station_clock_off_is_flagged);
	tcase_add_test(tc, test_every_signer_info_gets_a_token);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
