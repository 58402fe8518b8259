/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-verify-refusals.c - the second file of the cmd-verify suite (test-cmd-verify.c), on
 * the same PKI and loop devices: what is refused before a byte is written. Weak, expired,
 * world-readable and wrong-purpose signers; files that are not files (FIFOs, devices,
 * directories, unreadable ones) and encrypted keys refused at once, never waited on; the
 * configuration file. What the tests show:
 *
 * - weak, expired, wrong-purpose and group-readable signers, and no signer at all, exit 2 with
 *   their reason, and the device's SHA-256 is unchanged;
 * - the configuration file fills fields, flags win, and an unknown key exits 2;
 * - --config, the signer's files, certificates, signatures and CAs that are a FIFO, a device, a
 *   directory or unreadable: one line at once, exit 2 (or a FAILED check), within a time and
 *   memory bound;
 * - an encrypted signer key is refused in one line, with a terminal or without, never prompting;
 *   [signer] key_passphrase_file unlocks it, and a wrong or readable one is refused.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-verify.h"
#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------- */

/*
 * The CLI with a bound on time and memory, for input that once hung it (a FIFO) or filled
 * memory (/dev/zero): the run must end by itself. Under AddressSanitizer, which reserves
 * terabytes of address space, the memory bound is its own RSS limit.
 */
#if defined(__SANITIZE_ADDRESS__)
#define WS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS_ASAN 1
#endif
#endif
#ifdef WS_ASAN
#define BOUNDED "ASAN_OPTIONS=hard_rss_limit_mb=1024 timeout 20"
#else
#define BOUNDED "ulimit -v 2097152; timeout 20"
#endif

__attribute__((format(printf, 3, 4))) static int bounded(char **out, char **err, const char *fmt,
                                                         ...)
{
	char *args = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	va_end(ap);
	r = run_cli_prefix(out, err, BOUNDED, "%s", args);
	ck_assert_msg(r != 124, "did not end by itself: %s", args);
	free(args);
	return r;
}

/* @err is one line holding @needle. */
static void one_line(const char *err, const char *needle)
{
	ck_assert_msg(strstr(err, needle) != NULL, "wanted '%s' in: %s", needle, err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
}

/* A signer the policy refuses: exit 2, the reason, and the disk untouched. */
static void refused_signer_full(const char *who, const char *setup, const char *extra,
                                const char *needle)
{
	char *img = scratch_image("r.img", 16), *dev, *out = NULL, *err = NULL, *before = NULL,
	     *after = NULL;

	ck_assert_int_eq(test_sh(NULL, "mkfs.ext4 -q -F '%s'", img), 0);
	dev = scratch_attach(img, false, false);
	if (setup)
		ck_assert_int_eq(test_sh(NULL, "%s", setup), 0);
	before = sha(dev);
	ck_assert_int_eq(run_cli(&out, &err,
	                         "wipe --yes --signer-key %s/%s.key --signer-cert %s/%s.pem "
	                         "--audit-log %s/audit-r.log --cert-dir %s/certs-r %s '%s'",
	                         pki, who, pki, who, scratch_dir(), scratch_dir(),
	                         extra ? extra : "", dev),
	                 WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, needle) != NULL, "wanted '%s': %s", needle, err);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(out);
	free(err);
	free(dev);
	free(img);
}

static void refused_signer(const char *who, const char *setup, const char *needle)
{
	refused_signer_full(who, setup, NULL, needle);
}

static void refused_signer_args(const char *who, const char *extra, const char *needle)
{
	refused_signer_full(who, NULL, extra, needle);
}

START_TEST(test_refused_signers_write_nothing)
{
	char *chmod = NULL;

	refused_signer("weak", NULL, "RSA key of 1024 bits");
	refused_signer("expired", NULL, "has expired");
	refused_signer("email", NULL, "lacks the extended key usage documentSigning");
	ck_assert_int_ge(asprintf(&chmod,
	                          "cp %s/station.key %s/loose.key && cp %s/station.pem "
	                          "%s/loose.pem && chmod 644 %s/loose.key",
	                          pki, pki, pki, pki, pki),
	                 0);
	refused_signer("loose", chmod, "readable by group or others");
	free(chmod);
	{
		char *out = NULL, *err = NULL;

		ck_assert_int_eq(
		    run_cli(&out, &err, "wipe --yes --audit-log %s/a.log /dev/null", scratch_dir()),
		    WS_EXIT_USAGE);
		ck_assert_ptr_nonnull(strstr(err, "no signer configured"));
		free(out);
		free(err);
	}
}
END_TEST

START_TEST(test_config_file)
{
	char *cfg = NULL, *file, *text = NULL, *out = NULL, *err = NULL, *extra = NULL;

	ck_assert_int_ge(asprintf(&cfg, "%s/ws.conf", scratch_dir()), 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "printf '[operator]\\nname = \"Alan Turing\"\\n# a comment\\n"
	                         "[media]\\nclassification = internal\\n' > '%s'",
	                         cfg),
	                 0);
	ck_assert_int_ge(asprintf(&extra, "--config '%s'", cfg), 0);
	/* flags win over the file: signed_wipe passes --operator */
	file = signed_wipe("station", extra, WS_EXIT_OK);
	ck_assert_int_eq(test_sh(&text, "cat '%s'", file), 0);
	ck_assert_ptr_nonnull(strstr(text, "\"categorization\": \"internal\""));
	ck_assert_ptr_nonnull(strstr(text, "Grace Hopper"));
	free(text);
	free(file);
	ck_assert_int_eq(test_sh(NULL, "printf '[operator]\\nnmae = typo\\n' > '%s'", cfg), 0);
	ck_assert_int_eq(run_cli(&out, &err, "wipe --yes --config '%s' /dev/null", cfg),
	                 WS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unknown key 'nmae' in [operator]"));
	free(out);
	free(err);
	free(extra);
	free(cfg);
}
END_TEST

/* --config, the signer's files, certificates, signatures and CAs that are not regular
 * files: one line at once, exit 2 (or a FAILED check), never a hang or a memory flood. */
START_TEST(test_named_files_that_are_not_files)
{
	static const struct {
		const char *path, *kind;
	} odd[] = {
		{ "FIFO", "is a FIFO, not a regular file" },
		{ "/dev/zero", "is a character device, not a regular file" },
		{ "/dev/null", "is a character device, not a regular file" },
		{ "DIR", "is a directory, not a regular file" },
		{ "/proc/self/mem", "Input/output error" }, /* regular, but every read fails */
	};
	char *file = signed_wipe("station", "", WS_EXIT_OK), *fifo = NULL, *dir = NULL,
	     *img = scratch_image("odd.img", 4), *before = sha(img), *after, *out = NULL,
	     *err = NULL;

	ck_assert_int_ge(asprintf(&fifo, "%s/odd.fifo", scratch_dir()), 0);
	ck_assert_int_ge(asprintf(&dir, "%s/odd.dir", scratch_dir()), 0);
	ck_assert_int_eq(test_sh(NULL, "mkfifo '%s' && mkdir -p '%s'", fifo, dir), 0);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		const char *p = strcmp(odd[i].path, "FIFO") == 0  ? fifo
		                : strcmp(odd[i].path, "DIR") == 0 ? dir
		                                                  : odd[i].path;

		/* the configuration */
		ck_assert_int_eq(bounded(&out, &err,
		                         "wipe --yes --config '%s' --signer-key %s/station.key "
		                         "--signer-cert %s/station.pem --audit-log %s/odd.log '%s'",
		                         p, pki, pki, scratch_dir(), img),
		                 WS_EXIT_USAGE);
		one_line(err, odd[i].kind);
		ck_assert_msg(strstr(err, "configuration file"), "%s", err);
		free(out);
		free(err);
		/* a certificate (a directory is walked for certificates: this one has none) */
		ck_assert_int_eq(bounded(&out, &err, "verify --ca %s/ca.pem '%s'", pki, p),
		                 WS_EXIT_FAILED);
		if (p == dir)
			one_line(err, "no certificate found in the directories named");
		else
			one_line(out, "FAILED");
		free(out);
		free(err);
		/* and `show` */
		ck_assert_int_eq(bounded(&out, &err, "show '%s'", p), WS_EXIT_USAGE);
		one_line(err, p);
		free(out);
		free(err);
	}
	/* the signer's certificate and chain, and the CA */
	ck_assert_int_eq(bounded(&out, &err,
	                         "wipe --yes --signer-key %s/station.key --signer-cert '%s' "
	                         "--audit-log %s/odd.log '%s'",
	                         pki, fifo, scratch_dir(), img),
	                 WS_EXIT_USAGE);
	one_line(err, "signer certificate");
	ck_assert_ptr_nonnull(strstr(err, "is a FIFO"));
	free(out);
	free(err);
	ck_assert_int_eq(bounded(&out, &err,
	                         "wipe --yes --signer-key %s/station.key --signer-cert "
	                         "%s/station.pem --signer-chain /dev/zero --audit-log %s/odd.log "
	                         "'%s'",
	                         pki, pki, scratch_dir(), img),
	                 WS_EXIT_USAGE);
	one_line(err, "signer chain /dev/zero is a character device");
	free(out);
	free(err);
	ck_assert_int_eq(bounded(&out, &err, "verify --ca '%s' '%s'", fifo, file), WS_EXIT_USAGE);
	one_line(err, "is a FIFO");
	free(out);
	free(err);
	/* a signature that is a FIFO */
	ck_assert_int_eq(test_sh(NULL, "cp '%s' %s/fifosig.json && ln -s '%s' %s/fifosig.json.p7s",
	                         file, scratch_dir(), fifo, scratch_dir()),
	                 0);
	ck_assert_int_eq(
	    bounded(&out, &err, "verify --ca %s/ca.pem %s/fifosig.json", pki, scratch_dir()),
	    WS_EXIT_FAILED);
	one_line(out, "fifosig.json.p7s is a FIFO, not a regular file");
	free(out);
	free(err);
	after = sha(img);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(img);
	free(dir);
	free(fifo);
	free(file);
}
END_TEST

/* A copy of the station's key encrypted with pass phrase "x", as enc.key, with its
 * certificate as enc.pem (so that signed_wipe("enc", ...) uses it). */
static void make_encrypted_key(void)
{
	ck_assert_int_eq(test_sh(NULL,
	                         "cd %s && openssl pkey -in station.key -aes256 -passout pass:x "
	                         "-out enc.key && chmod 600 enc.key && cp station.pem enc.pem",
	                         pki),
	                 0);
}

/* An encrypted signer key: refused in one line, with no terminal and with one (where
 * OpenSSL would ask for the pass phrase and wait), and nothing written. */
START_TEST(test_encrypted_key_never_prompts)
{
	char *img = scratch_image("enc.img", 4), *before = sha(img), *after, *out = NULL,
	     *err = NULL;
	const char *want = "is encrypted, and wipeseal never asks for a pass phrase";
	int r;

	make_encrypted_key();
	/* no terminal at all: a new session, stdin from /dev/null */
	r = test_sh(&out,
	            "timeout 20 setsid '%s' wipe --yes --signer-key %s/enc.key --signer-cert "
	            "%s/enc.pem --audit-log %s/enc.log '%s' </dev/null 2>&1",
	            WS_CLI, pki, pki, scratch_dir(), img);
	ck_assert_msg(r == WS_EXIT_USAGE, "exit %d: %s", r, out);
	one_line(out, want);
	ck_assert_ptr_nonnull(strstr(out, "key_passphrase_file"));
	free(out);
	/* a terminal (a pty from script): still no prompt */
	r = test_sh(&out,
	            "timeout 20 script -qec \"'%s' wipe --yes --signer-key %s/enc.key "
	            "--signer-cert %s/enc.pem --audit-log %s/enc.log '%s'\" /dev/null </dev/null",
	            WS_CLI, pki, pki, scratch_dir(), img);
	ck_assert_msg(r == WS_EXIT_USAGE, "exit %d: %s", r, out);
	ck_assert_msg(strstr(out, want) && !strstr(out, "Enter"), "%s", out);
	free(out);
	after = sha(img);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(err);
	free(img);
}
END_TEST

/* [signer] key_passphrase_file: the right one signs; a wrong one, or one others may read,
 * is refused before anything is written. */
START_TEST(test_key_passphrase_file)
{
	char *cfg = NULL, *pw = NULL, *extra = NULL, *file, *out = NULL;

	make_encrypted_key();
	ck_assert_int_ge(asprintf(&cfg, "%s/enc.conf", scratch_dir()), 0);
	ck_assert_int_ge(asprintf(&pw, "%s/enc.pass", scratch_dir()), 0);
	ck_assert_int_ge(asprintf(&extra, "--config '%s'", cfg), 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "printf '[signer]\\nkey_passphrase_file = %s\\n' > '%s' && "
	                         "echo x > '%s' && chmod 600 '%s'",
	                         pw, cfg, pw, pw),
	                 0);
	file = signed_wipe("enc", extra, WS_EXIT_OK);
	ck_assert_ptr_nonnull(file);
	ck_assert_int_eq(verify(file, &out), WS_EXIT_OK);
	free(out);
	free(file);
	ck_assert_int_eq(test_sh(NULL, "echo y > '%s'", pw), 0);
	refused_signer_args("enc", extra, "the pass phrase in");
	ck_assert_int_eq(test_sh(NULL, "echo x > '%s' && chmod 640 '%s'", pw, pw), 0);
	refused_signer_args("enc", extra, "pass phrase file");
	free(extra);
	free(pw);
	free(cfg);
}
END_TEST

/* test_refused_signers_write_nothing, which the suite runs third. */
void cmd_verify_add_signer_tests(TCase *tc)
{
	tcase_add_test(tc, test_refused_signers_write_nothing);
}

/* The configuration, files that are not files and encrypted keys, which the suite runs after
 * test_series_and_audit_log. */
void cmd_verify_add_refusal_tests(TCase *tc)
{
	tcase_add_test(tc, test_config_file);
	tcase_add_test(tc, test_named_files_that_are_not_files);
	tcase_add_test(tc, test_encrypted_key_never_prompts);
	tcase_add_test(tc, test_key_passphrase_file);
}
