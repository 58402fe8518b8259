/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-verify.c - certificates of sanitization end to end: a CA made here with the
 * openssl command alone, real loop-device wipes signed by the station, checked by
 * `wipeseal verify` and by plain `openssl cms -verify`; every kind of bad input rejected with
 * its reason; weak, expired, world-readable and wrong-purpose signers refused before any
 * byte is written; a certificate removed from a series caught by the series and the log;
 * files that are not files (FIFOs, devices, directories, unreadable ones) and encrypted keys
 * refused at once, never waited on; ambiguous documents refused.
 *
 * The PKI is made here with the openssl command alone (an RSA-3072 CA and a foreign CA; station
 * certificates: RSA-3072, EC P-384, RSA-1024, expired, e-mail-only EKU, and one from the foreign
 * CA), then 16 MiB ext4 loop devices are wiped signed by them. What the tests show:
 *
 * - a certificate verifies with `wipeseal verify` and with plain `openssl cms -verify -purpose
 *   any`, holds the NIST fields and the evidence, and `show` prints it; an EC P-384 signer works
 *   too;
 * - weak, expired, wrong-purpose and group-readable signers, and no signer at all, exit 2 with
 *   their reason, and the device's SHA-256 is unchanged;
 * - truncated, oversized, non-UTF-8, non-JSON, wrong-schema, unsigned, garbage-signed,
 *   foreign-signed, weak-signed, expired-signed and one-byte-changed certificates are each rejected
 *   with their reason on one line, exit 1; an untrusted CA fails, a missing CA file exits 2;
 * - a wipe failed through the fault injector is certified as FAILED and does not verify;
 * - a certificate removed from a series is caught by the series check and by the audit log; a
 *   deleted log line breaks the chain;
 * - refused attempts are logged; the configuration file fills fields, flags win, and an unknown key
 *   exits 2.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

static char pki[4096];

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
static char *signed_wipe_env(const char *signer, const char *env, const char *extra, int want)
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

static char *signed_wipe(const char *signer, const char *extra, int want)
{
	return signed_wipe_env(signer, NULL, extra, want);
}

static int verify(const char *file, char **out)
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
	/* the document: NIST's fields, and the evidence */
	ck_assert_int_eq(test_sh(&text, "cat '%s'", file), 0);
	doc = json_tokener_parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(doc, "schema")),
	                 "wipeseal-certificate/1");
	ck_assert(json_object_object_get_ex(json_object_object_get(doc, "person"), "name", &v));
	ck_assert_str_eq(json_object_get_string(v), "Grace Hopper");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	                     json_object_object_get(doc, "media"), "asset_number")),
	                 "A-1234");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	                     json_object_object_get(doc, "sanitization"), "method_type")),
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
	            "sed -i 's/wipeseal-certificate\\/1/wipeseal-certificate\\/9/' \"$f\"");
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
	/* validly signed, and still not a pass: the wipe did not succeed */
	expect_rejected(file, "the wipe's status is FAILED");
	free(file);
}
END_TEST

START_TEST(test_series_and_audit_log)
{
	char *a = signed_wipe("station", "", WS_EXIT_OK), *b, *c, *out = NULL;

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

	/* remove the middle one */
	ck_assert_int_eq(test_sh(NULL, "mkdir -p %s/aside && mv '%s' '%s.p7s' %s/aside/",
	                         scratch_dir(), b, b, scratch_dir()),
	                 0);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca.pem '%s' '%s'", pki, a, c),
	                 WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(out, "one is missing before it"));
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
	ck_assert_ptr_nonnull(strstr(text, "\"classification\": \"internal\""));
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
		/* a certificate */
		ck_assert_int_eq(bounded(&out, &err, "verify --ca %s/ca.pem '%s'", pki, p),
		                 WS_EXIT_FAILED);
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
	            "sed -i 's/\"method_type\": \"Clear\"/\"method_type\": \"Purge\"/' \"$f\"");
	resign(v, "station");
	expect_rejected(v, "sanitization.method_type is \"Purge\" but evidence.nist_level is "
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
	tcase_add_test(tc, test_refused_signers_write_nothing);
	tcase_add_test(tc, test_bad_input_is_rejected);
	tcase_add_test(tc, test_failed_wipe_is_certified_as_failed);
	tcase_add_test(tc, test_series_and_audit_log);
	tcase_add_test(tc, test_config_file);
	tcase_add_test(tc, test_named_files_that_are_not_files);
	tcase_add_test(tc, test_encrypted_key_never_prompts);
	tcase_add_test(tc, test_key_passphrase_file);
	tcase_add_test(tc, test_ambiguous_documents_are_rejected);
	tcase_add_test(tc, test_audit_problems_are_escaped);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
