/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-verify.c - `wipeseal verify`: what an auditor runs.
 *
 *   wipeseal verify --ca FILE|DIR [--json] [--require-operator] [--require-validation]
 *                   [--tsa-ca FILE [--clock-tolerance SECONDS]] [--csv FILE] [--html FILE]
 *                   CERT.json|DIR...
 *   wipeseal verify --audit-log FILE --ca FILE|DIR [--cert-dir DIR]
 *
 * One line per certificate, OK or FAILED with the reason; several certificates are also
 * checked as a series (each one's predecessor among them). Directories are walked
 * (ws_cert_walk(): recursively, sorted, streaming) and end the report with a summary by
 * category (the library's review, wipeseal/review.h); their certificates are series per
 * station. The exit status tells a forgery (1) from a gap or duplicate (8) and from an honest
 * record of a failed wipe (7); verify-report.c prints and writes the reports.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "cli.h"
#include "verify-destruction.h"
#include "verify-report.h"

struct verify_control {
	const char *ca;
	const char *audit_log;
	const char *cert_dir;
	bool json;
	bool require_operator;
	const char *tsa_ca;       /* --tsa-ca: check timestamp tokens against it */
	unsigned clock_tolerance; /* --clock-tolerance, seconds; 0: the default */
	bool require_validation;
	const char *csv, *html; /* --csv, --html: the report files, or NULL */
};

static int usage(void)
{
	fputs("Usage: wipeseal verify --ca FILE|DIR [--json] [--require-operator]\n"
	      "                       [--require-validation] [--csv FILE] [--html FILE]\n"
	      "                       [--tsa-ca FILE [--clock-tolerance S]] CERT.json|DIR...\n"
	      "       wipeseal verify --audit-log FILE --ca FILE|DIR [--cert-dir DIR]\n\n"
	      "Check certificates of sanitization: the detached signature (CERT.json.p7s) over\n"
	      "the exact bytes, the chain to a trusted CA at the time of signing, the signer's\n"
	      "key policy and documentSigning usage, the schema, and that the wipe succeeded.\n"
	      "A certificate an operator started carries their signature too (their card):\n"
	      "both signers are reported. Several certificates are also checked as a series.\n"
	      "A directory is walked recursively: every NAME.json with NAME.json.p7s beside\n"
	      "it is checked, a summary line ends the report, and each station's certificates\n"
	      "are checked as a series, over every authentic certificate whatever its status.\n"
	      "The summary counts each category: authentic and SUCCESS, authentic records of\n"
	      "FAILED or ABORTED wipes, failing integrity, duplicates, missing from a series.\n"
	      "Exit 0 all authentic and SUCCESS; 7 some record a failed wipe; 8 missing or\n"
	      "duplicated; 1 a check failed (docs/auditing.md).\n"
	      "A NAME.destruction.json (wipeseal destroyed) is checked as a destruction\n"
	      "record: its schema and its station's signature, outside the summary.\n"
	      "With --audit-log, check the\n"
	      "station's audit log: every line's signature and its hash chain, and every\n"
	      "certificate it lists.\n\n"
	      "  -c, --ca FILE|DIR       the CA certificate(s) to trust (PEM)\n"
	      "  -j, --json              one JSON object per certificate\n"
	      "  -o, --require-operator  fail a certificate without a valid operator\n"
	      "                          signature from the trusted CA\n"
	      "  -V, --require-validation  fail a certificate whose latest validation\n"
	      "                          (wipeseal validate) is not a valid \"accept\"\n"
	      "  -a, --audit-log FILE    check an audit log instead of certificates\n"
	      "  -d, --cert-dir DIR      where the log's certificates are (default\n"
	      "                          ./certificates)\n"
	      "      --tsa-ca FILE       check the RFC 3161 timestamp tokens against this CA\n"
	      "      --clock-tolerance S flag a station clock that differs from the TSA by\n"
	      "                          more than S seconds (default 300)\n"
	      "      --csv FILE          write the report as CSV (a row per certificate and gap)\n"
	      "      --html FILE         write the report as one self-contained HTML file\n"
	      "  -h, --help              show this help\n\n"
	      "Plain OpenSSL checks the same signature: see docs/certificate.md. wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

/* ---- certificates, files and trees ----------------------------------------------------------- */

/* One run of verify over the paths named: what is counted, and the review (the library's)
 * that puts each certificate in its category and checks the series. */
struct verify_run {
	struct cli *cli;
	const struct verify_control *ctl;
	const struct ws_trust *trust;
	struct ws_verify_opts vo;
	struct ws_review *review;
	size_t verified, failed, skipped, unreadable, certificates;
	bool error; /* a certificate could not be checked at all (out of memory) */
	/* destruction records (verify-destruction.c): checked on their own, not reviewed */
	size_t records, bad_records;
};

/* A file or directory that was not checked: skipped, or a directory that could not be read
 * (which fails the run). */
static void print_other(const char *path, const char *reason, bool skipped, bool json)
{
	char *name = cli_printable(path), *why = cli_printable(reason);

	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(path));
		if (skipped)
			json_object_object_add(o, "skipped", json_object_new_boolean(true));
		else
			json_object_object_add(o, "ok", json_object_new_boolean(false));
		json_object_object_add(o, "reason", json_object_new_string(reason));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		                                           JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("%s: %s: %s\n", name, skipped ? "skipped" : "FAILED", why);
	}
	free(name);
	free(why);
}

static int on_found(void *userdata, const char *path, enum ws_walk_kind kind, const char *reason)
{
	struct verify_run *v = userdata;
	struct ws_cert_check c = { 0 };
	struct ws_review_item item;

	if (kind == WS_WALK_DESTRUCTION) {
		bool ok = verify_destruction(v->cli, v->trust, path, v->ctl->json);

		v->records++;
		if (ok)
			v->verified++;
		else
			v->failed++, v->bad_records++;
		return 0;
	}
	if (kind != WS_WALK_CERTIFICATE) {
		print_other(path, reason, kind == WS_WALK_SKIPPED, v->ctl->json);
		if (kind == WS_WALK_SKIPPED)
			v->skipped++;
		else
			v->failed++, v->unreadable++;
		return 0;
	}
	v->certificates++;
	if (ws_cert_verify_file_opts(v->trust, path, &v->vo, &c) < 0 ||
	    ws_review_add(v->review, path, &c, &item) < 0) {
		cli_err(v->cli, "%s: out of memory", path);
		ws_cert_check_clear(&c);
		v->error = true;
		return 0;
	}
	verify_print_check(path, &c, &item, v->ctl->json);
	if (c.ok)
		v->verified++;
	else
		v->failed++;
	ws_cert_check_clear(&c);
	return 0;
}

/* Is any of @paths a directory? Then the report ends with a summary, and the series is
 * checked per station. */
static bool names_directory(char **paths, size_t n)
{
	struct stat st;

	for (size_t i = 0; i < n; i++)
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			return true;
	return false;
}

/* The exit status of what was found, the gravest first: a check failed (1), certificates
 * missing or duplicated (8), honest records of failed wipes (7), else 0. */
static int verdict(const struct verify_run *v, const struct ws_review_summary *s)
{
	if (v->error || v->unreadable || v->bad_records || s->count[WS_REVIEW_INTEGRITY] ||
	    s->count[WS_REVIEW_UNMET])
		return WS_EXIT_FAILED;
	if (s->gaps || s->count[WS_REVIEW_DUPLICATE])
		return WS_EXIT_INCOMPLETE;
	if (s->count[WS_REVIEW_UNSUCCESSFUL])
		return WS_EXIT_NOT_WIPED;
	return WS_EXIT_OK;
}

static int verify_walk(struct verify_run *v, char **paths, size_t n)
{
	bool trees = names_directory(paths, n);
	unsigned flags = (trees ? WS_REVIEW_PER_STATION : 0) |
	                 (v->ctl->csv || v->ctl->html ? WS_REVIEW_KEEP_ROWS : 0);
	struct ws_review_summary sum = { 0 };
	int code;

	if (ws_review_new(flags, &v->review) < 0)
		return WS_EXIT_FAILED;
	if (ws_cert_walk((const char *const *)paths, n, on_found, v) < 0 ||
	    ws_review_finish(v->review, &sum) < 0) {
		cli_err(v->cli, "out of memory");
		v->error = true;
	}
	code = verdict(v, &sum);
	if (!v->error && v->ctl->json)
		verify_json_summary(v->review, &sum, v->skipped, v->unreadable);
	else if (!v->error && v->certificates > 1)
		verify_print_series(v->review, &sum);
	if (trees && !v->ctl->json) {
		verify_print_summary(&sum);
		printf("summary: %zu verified, %zu failed, %zu skipped\n", v->verified, v->failed,
		       v->skipped);
	}
	if (trees && !v->certificates && !v->records && code == WS_EXIT_OK) {
		cli_err(v->cli, "no certificate found in the directories named: name the "
		                "directory that holds the NAME.json and NAME.json.p7s files");
		code = WS_EXIT_FAILED;
	}
	if (!v->error &&
	    verify_write_reports(v->cli, v->review, v->ctl->csv, v->ctl->html, paths, n) != 0)
		code = WS_EXIT_FAILED;
	ws_review_free(v->review);
	return code;
}

static int verify_certs(struct cli *cli, const struct verify_control *ctl, char **paths, size_t n)
{
	struct verify_run v = { .cli = cli, .ctl = ctl };
	struct ws_trust *trust = NULL, *tsa_trust = NULL;
	char *why = NULL;
	int r, code;

	v.vo.flags = (ctl->require_operator ? WS_VERIFY_REQUIRE_OPERATOR : 0) |
	             (ctl->require_validation ? WS_VERIFY_REQUIRE_VALIDATION : 0);
	r = ws_trust_load(ctl->ca, &trust, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	if (ctl->tsa_ca && (r = ws_trust_load(ctl->tsa_ca, &tsa_trust, &why)) < 0) {
		cli_err(cli, "--tsa-ca: %s", why ? why : strerror(-r));
		free(why);
		ws_trust_free(trust);
		return WS_EXIT_USAGE;
	}
	v.trust = trust;
	v.vo.tsa_trust = tsa_trust;
	v.vo.clock_tolerance_s = ctl->clock_tolerance;
	code = verify_walk(&v, paths, n);
	ws_trust_free(trust);
	ws_trust_free(tsa_trust);
	return code;
}

/* A problem names files from the log and the certificate directory: printed escaped. */
static void audit_problem(void *userdata, unsigned line, bool problem, const char *text)
{
	char *safe = cli_printable(text);

	if (line)
		printf("%s:%u: %s%s\n", (const char *)userdata, line,
		       problem ? "" : "note: ", safe);
	else
		printf("%s: %s%s\n", (const char *)userdata, problem ? "" : "note: ", safe);
	free(safe);
}

static int verify_audit(struct cli *cli, const struct verify_control *ctl)
{
	struct ws_audit_summary sum;
	struct ws_trust *trust = NULL;
	char *why = NULL, *name = NULL;
	int r, code = WS_EXIT_OK;

	if (!ctl->ca) {
		cli_err(cli, "no CA named: pass --ca with the organization's CA certificate (the "
		             "log's lines are signed)");
		return cli_bad_usage(cli);
	}
	r = ws_trust_load(ctl->ca, &trust, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	name = cli_printable(ctl->audit_log);
	r = ws_audit_verify(ctl->audit_log, ctl->cert_dir ? ctl->cert_dir : "certificates", trust,
	                    audit_problem, name, &sum);
	ws_trust_free(trust);
	if (r == -EINVAL || r == -ENOENT || r == -EISDIR) {
		cli_err(cli, "%s: %s: name the station's audit log file", ctl->audit_log,
		        r == -EINVAL ? "not a regular file" : strerror(-r));
		code = WS_EXIT_USAGE;
	} else if (r < 0) {
		cli_err(cli, "%s: %s", ctl->audit_log,
		        r == -EFBIG ? "larger than 1 GiB: not a log wipeseal writes"
		                    : strerror(-r));
		code = WS_EXIT_FAILED;
	} else if (sum.problems > 0) {
		printf("%s: FAILED: %u problem%s in %u line%s\n", name, sum.problems,
		       sum.problems == 1 ? "" : "s", sum.lines, sum.lines == 1 ? "" : "s");
		code = WS_EXIT_FAILED;
	} else {
		printf("%s: OK (%u line%s, %u signed by a signer the CA vouches for, chain intact, "
		       "every certificate present and unchanged%s)\n",
		       name, sum.lines, sum.lines == 1 ? "" : "s", sum.signed_lines,
		       sum.notes ? "; see the notes" : "");
	}
	free(name);
	return code;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	enum { OPT_TSA_CA = 256, OPT_CLOCK_TOLERANCE, OPT_CSV, OPT_HTML };
	static const struct option opts[] = {
		{ "tsa-ca", required_argument, NULL, OPT_TSA_CA },
		{ "clock-tolerance", required_argument, NULL, OPT_CLOCK_TOLERANCE },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "ca", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "require-operator", no_argument, NULL, 'o' },
		{ "require-validation", no_argument, NULL, 'V' },
		{ "audit-log", required_argument, NULL, 'a' },
		{ "cert-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct verify_control ctl = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "c:joVa:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctl.ca = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'o':
			ctl.require_operator = true;
			break;
		case 'V':
			ctl.require_validation = true;
			break;
		case 'a':
			ctl.audit_log = optarg;
			break;
		case 'd':
			ctl.cert_dir = optarg;
			break;
		case 'h':
			return usage();
		case OPT_TSA_CA:
			ctl.tsa_ca = optarg;
			break;
		case OPT_CSV:
			ctl.csv = optarg;
			break;
		case OPT_HTML:
			ctl.html = optarg;
			break;
		case OPT_CLOCK_TOLERANCE:
			if (!ws_config_seconds(optarg, &ctl.clock_tolerance) ||
			    !ctl.clock_tolerance) {
				cli_err(cli, "--clock-tolerance %s: not a number of seconds",
				        optarg);
				return cli_bad_usage(cli);
			}
			break;
		default:
			return cli_bad_usage(cli);
		}
	}
	if (ctl.audit_log) {
		if (optind < argc) {
			cli_err(
			    cli,
			    "--audit-log checks a log, not certificates: name one or the other");
			return cli_bad_usage(cli);
		}
		if (ctl.csv || ctl.html) {
			cli_err(cli,
			        "--csv and --html report on certificates, not on an audit log: "
			        "leave them out with --audit-log");
			return cli_bad_usage(cli);
		}
		return verify_audit(cli, &ctl);
	}
	if (optind >= argc) {
		cli_err(cli, "no certificate named: name the CERT.json files to check");
		return cli_bad_usage(cli);
	}
	if (!ctl.ca) {
		cli_err(cli, "no CA named: pass --ca with the organization's CA certificate");
		return cli_bad_usage(cli);
	}
	return verify_certs(cli, &ctl, argv + optind, (size_t)(argc - optind));
}
