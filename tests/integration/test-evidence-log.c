/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-evidence-log.c - the second file of the evidence suite (test-evidence.c): the audit log
 * resists edits, and `--audit-log` names a regular file only.
 *
 * Forgeries are made with perl, sha256 and openssl alone, as someone who can write the log but
 * holds no station key would make them, with a second, foreign PKI (made by certs/) for the
 * forger. What the tests show:
 *
 * - forgeries made with perl, sha256sum and openssl, with the chain recomputed: the operator
 *   rewritten on every line, the REFUSED line deleted, an unsigned line inserted, lines appended
 *   with a foreign CA's station key (with its own SIGNER line, or claiming the station's), bytes
 *   hidden after a NUL, every signature stripped: each is caught with its reason; unsigned lines
 *   from before signing are a note when signed lines follow;
 * - `--audit-log` naming /dev/zero, /dev/null, a directory or a FIFO: exit 2 for `verify` and for
 *   `wipe` (nothing written), within a time and memory bound; a sparse 1.1 GiB log and a 70 KB line
 *   are refused with their reason.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

static char tools[4096];

/* A run that cannot hang or eat the machine's memory (address space capped, unless the
 * binary is built with AddressSanitizer, which needs a vast one) */
#define BOUNDED "grep -q __asan_init '" WS_CLI "' || ulimit -v 4000000; timeout 20"

/* ---- section 3: the log resists edits -------------------------------------------------------- */

/* A log of two wipes and a refusal, signed by the station; @certs holds the certificates. */
static void signed_log(const char *log, const char *certs)
{
	char *args = signer_args(log, certs), *a = scratch_image("la.img", 4);
	char *b = scratch_image("lb.img", 4), *text = NULL;

	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, a),
	                 WS_EXIT_OK);
	free(text);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe %s '%s'", args, b), WS_EXIT_REFUSED);
	free(text);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, b),
	                 WS_EXIT_OK);
	free(text);
	ck_assert(log_has(log, "\"status\":\"REFUSED\""));
	ck_assert_int_eq(verify_log(log, certs, &text), WS_EXIT_OK);
	free(text);
	free(a);
	free(b);
	free(args);
}

/* @edit (shell, from $in to $out, with $tools) applied to a copy of @log; the verdict on it
 * must be FAILED and name @needle. */
static void expect_caught(const char *log, const char *certs, const char *edit, const char *needle)
{
	char *copy = path("forged.log"), *text = NULL;

	ck_assert_int_eq(
	    test_sh(&text, "in='%s' out='%s' tools='%s' && %s", log, copy, tools, edit), 0);
	free(text);
	ck_assert_int_eq(verify_log(copy, certs, &text), WS_EXIT_FAILED);
	ck_assert_msg(strstr(text, needle), "%s: wanted '%s' in:\n%s", edit, needle, text);
	free(text);
	free(copy);
}

START_TEST(test_edits_with_a_recomputed_chain_are_caught)
{
	char *log = path("sig.log"), *certs = path("sig-certs");

	signed_log(log, certs);
	/* the operator rewritten on every line */
	expect_caught(log, certs,
	              "sed 's/\"operator\":\"Test Operator\"/\"operator\":\"Mallory\"/g' \"$in\" | "
	              "perl \"$tools/rechain.pl\" > \"$out\"",
	              "the signature does not match the line");
	/* the REFUSED line deleted, the rest renumbered */
	expect_caught(log, certs,
	              "grep -v '\"status\":\"REFUSED\"' \"$in\" | RENUMBER=1 perl "
	              "\"$tools/rechain.pl\" > \"$out\"",
	              "the signature does not match the line");
	/* a line inserted (unsigned) */
	expect_caught(
	    log, certs,
	    "{ head -n 2 \"$in\"; echo '{\"line\":3,\"status\":\"SUCCESS\",\"prev_line_sha256\":"
	    "\"0000000000000000000000000000000000000000000000000000000000000000\"}'; "
	    "tail -n +3 \"$in\"; } | RENUMBER=1 perl \"$tools/rechain.pl\" > \"$out\"",
	    "not signed, after signed lines");
	/* a line appended, signed with a key of a CA the auditor does not trust */
	expect_caught(log, certs, "cp \"$in\" \"$out\" && sh \"$tools/forge.sh\" \"$out\"",
	              "signer not trusted: it does not chain to the CA");
	/* the same, claiming the station's own signer */
	expect_caught(log, certs, "cp \"$in\" \"$out\" && CLAIM=1 sh \"$tools/forge.sh\" \"$out\"",
	              "the signature does not match the line");
	/* hidden bytes after a NUL, the chain recomputed over the bytes before it */
	expect_caught(log, certs,
	              "perl -pe 's/\\}$/}\\x00hidden/ if $. == 3' \"$in\" | TO_NUL=1 perl "
	              "\"$tools/rechain.pl\" > \"$out\"",
	              "holds a NUL byte");
	/* every signature removed: an unsigned log proves nothing */
	expect_caught(log, certs,
	              "sed 's/,\"signature\":\"[^\"]*\"}$/}/' \"$in\" | perl \"$tools/rechain.pl\" "
	              "> \"$out\"",
	              "no line is signed");
	free(log);
	free(certs);
}
END_TEST

START_TEST(test_old_unsigned_lines_before_signed_ones)
{
	char *log = path("old.log"), *certs = path("old-certs"), *args = signer_args(log, certs);
	char *img = scratch_image("old.img", 4), *text = NULL;

	/* two lines as wipeseal wrote them before it signed them */
	ck_assert_int_eq(
	    test_sh(NULL,
	            "printf '%%s\\n' '{\"line\":1,\"time\":\"2026-11-27T02:54:08Z\",\"status\":"
	            "\"REFUSED\",\"serial\":\"q.img\",\"note\":\"the operator did not "
	            "confirm\",\"prev_line_sha256\""
	            ":\"0000000000000000000000000000000000000000000000000000000000000000\"}' "
	            "'{\"line\":2,\"time\":\"2026-11-27T02:55:08Z\",\"status\":\"REFUSED\","
	            "\"serial\":\"q.img\",\"note\":\"the operator did not "
	            "confirm\",\"prev_line_sha256\""
	            ":\"0000000000000000000000000000000000000000000000000000000000000000\"}' | "
	            "perl '%s/rechain.pl' > '%s'",
	            tools, log),
	    0);
	ck_assert_int_eq(run_cli(NULL, &text, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(text);
	ck_assert_int_eq(verify_log(log, certs, &text), WS_EXIT_OK);
	ck_assert_msg(strstr(text, "lines 1 to 2 are unsigned"), "%s", text);
	free(text);
	free(img);
	free(args);
	free(log);
	free(certs);
}
END_TEST

/* ---- section 4: what --audit-log may name ---------------------------------------------------- */

START_TEST(test_audit_log_must_be_a_regular_file)
{
	static const char *const bad[] = { "/dev/zero", "/dev/null", "DIR", "FIFO" };
	char *dir = path("notalog"), *fifo = path("fifo"), *big = path("big.log"), *out = NULL;
	char *img = scratch_image("nl.img", 4), *before = sha(img), *after;

	ck_assert_int_eq(test_sh(NULL, "mkdir -p '%s' && mkfifo '%s'", dir, fifo), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = strcmp(bad[i], "DIR") == 0    ? dir
		                : strcmp(bad[i], "FIFO") == 0 ? fifo
		                                              : bad[i];

		/* bounded: the old reader grew without end on /dev/zero and blocked on a FIFO */
		ck_assert_int_eq(run_cli_prefix(&out, NULL, BOUNDED,
		                                "verify --audit-log '%s' --ca %s/ca/ca.pem", p,
		                                pki),
		                 WS_EXIT_USAGE);
		free(out);
		ck_assert_int_eq(
		    run_cli_prefix(NULL, &out, BOUNDED,
		                   "wipe --yes --signer-key %s/st/signer.key "
		                   "--signer-cert %s/st/signer.pem --audit-log '%s' '%s'",
		                   pki, pki, p, img),
		    WS_EXIT_USAGE);
		ck_assert_msg(strstr(out, "audit log") && strstr(out, p), "%s", out);
		free(out);
	}
	after = sha(img);
	ck_assert_str_eq(before, after);
	/* a file past the cap, and a line past its cap */
	ck_assert_int_eq(test_sh(NULL, "truncate -s 1100M '%s'", big), 0);
	ck_assert_int_eq(run_cli_prefix(NULL, &out, BOUNDED,
	                                "verify --audit-log '%s' --ca %s/ca/ca.pem", big, pki),
	                 WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "larger than 1 GiB"), "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(NULL, "head -c 70000 /dev/zero | tr '\\0' x > '%s'", big), 0);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --audit-log '%s' --ca %s/ca/ca.pem", big, pki),
	                 WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "longer than 64 KiB"), "%s", out);
	free(out);
	free(after);
	free(before);
	free(img);
	free(big);
	free(fifo);
	free(dir);
}
END_TEST

START_TEST(test_audit_log_read_error_is_an_error)
{
	char *log = path("eio.log"), *certs = path("eio-certs"), *args = signer_args(log, certs);
	char *img = scratch_image("eio.img", 4), *before, *after, *out = NULL;

	ck_assert_int_eq(run_cli(NULL, &out, "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_OK);
	free(out);
	/* the log's reads fail: not the end of a shorter log, an error */
	ck_assert_int_eq(run_cli_env(NULL, &out, log, "WS_FAULT_READ=0+-:EIO",
	                             "verify --audit-log '%s' --ca %s/ca/ca.pem --cert-dir '%s'",
	                             log, pki, certs),
	                 WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "Input/output error"), "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(NULL, "head -c 4194304 /dev/urandom > '%s'", img), 0);
	before = sha(img);
	ck_assert_int_eq(run_cli_env(NULL, &out, log, "WS_FAULT_READ=0+-:EIO",
	                             "wipe --yes --verify none %s '%s'", args, img),
	                 WS_EXIT_USAGE);
	ck_assert_msg(strstr(out, "cannot read it: Input/output error"), "%s", out);
	after = sha(img);
	ck_assert_str_eq(before, after);
	free(out);
	free(after);
	free(before);
	free(img);
	free(args);
	free(certs);
	free(log);
}
END_TEST

/* The forger's tools: rechain.pl recomputes prev_line_sha256 (and with RENUMBER the line
 * numbers; with TO_NUL it hashes only the bytes before a NUL, as the old reader did);
 * forge.sh appends a SIGNER line and a line signed by a station of another CA. */
void evidence_make_tools(void)
{
	char *cmd = NULL;

	snprintf(tools, sizeof(tools), "%s/tools", scratch_dir());
	test_require(
	    asprintf(
	        &cmd,
	        "mkdir -p '%s' && cd '%s' && "
	        "cat > rechain.pl <<'EOF'\n"
	        "use Digest::SHA qw(sha256_hex);\n"
	        "my $prev = '0' x 64; my $n = 0;\n"
	        "while (my $l = <STDIN>) {\n"
	        "  chomp $l; $n++;\n"
	        "  $l =~ s/\"line\":\\d+/\"line\":$n/ if $ENV{RENUMBER};\n"
	        "  $l =~ s/\"prev_line_sha256\":\"[0-9a-f]{64}\"/\"prev_line_sha256\":\"$prev\"/;\n"
	        "  print \"$l\\n\";\n"
	        "  my $h = $l; $h =~ s/\\x00.*//s if $ENV{TO_NUL};\n"
	        "  $prev = sha256_hex($h);\n"
	        "}\n"
	        "EOF\n"
	        "'%s/certs/make-ca.sh' '%s/alien-ca' >/dev/null && "
	        "'%s/certs/make-station.sh' '%s/alien-ca' '%s/alien' >/dev/null && "
	        "cat > forge.sh <<'EOF'\n"
	        "set -e\n"
	        "log=$1; dir=$(dirname \"$0\"); st=$dir/alien\n"
	        "fp=$(openssl x509 -in $st/signer.pem -outform DER | sha256sum | cut -c1-64)\n"
	        "[ -z \"$CLAIM\" ] || fp=$(grep '\"status\":\"SIGNER\"' \"$log\" | head -n1 | "
	        "sed 's/.*\"signer_sha256\":\"\\([0-9a-f]*\\)\".*/\\1/')\n"
	        "pem=$(awk '{printf \"%%s\\\\n\", $0}' $st/signer.pem)\n"
	        "add() { n=$(($(wc -l < \"$log\") + 1)); "
	        "prev=$(tail -n1 \"$log\" | tr -d '\\n' | sha256sum | cut -c1-64); "
	        "body=\"{\\\"line\\\":$n,\\\"time\\\":\\\"$(date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ)\\\","
	        "$1\\\"signer_sha256\\\":\\\"$fp\\\",\\\"prev_line_sha256\\\":\\\"$prev\\\"}\"; "
	        "sig=$(printf '%%s' \"$body\" | openssl dgst -sha256 -sigopt "
	        "rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sign $st/signer.key | "
	        "base64 -w0); "
	        "printf '%%s,\"signature\":\"%%s\"}\\n' \"${body%%\\}}\" \"$sig\" >> \"$log\"; }\n"
	        "[ -n \"$CLAIM\" ] || add \"\\\"status\\\":\\\"SIGNER\\\",\\\"signer_cert\\\":"
	        "\\\"$pem\\\",\"\n"
	        "add '\"status\":\"SUCCESS\",\"serial\":\"forged\",\"operator\":\"Mallory\",'\n"
	        "EOF\n",
	        tools, tools, WS_SOURCE_DIR, tools, WS_SOURCE_DIR, tools, tools) >= 0,
	    "out of memory");
	test_require(test_sh(NULL, "%s", cmd) == 0, "making the forger's tools failed");
	free(cmd);
}

void evidence_add_log_tests(TCase *tc)
{
	tcase_add_test(tc, test_edits_with_a_recomputed_chain_are_caught);
	tcase_add_test(tc, test_old_unsigned_lines_before_signed_ones);
	tcase_add_test(tc, test_audit_log_must_be_a_regular_file);
	tcase_add_test(tc, test_audit_log_read_error_is_an_error);
}
