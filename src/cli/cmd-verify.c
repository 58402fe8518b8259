/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-verify.c - `wipeseal verify`: what an auditor runs.
 *
 *   wipeseal verify --ca FILE|DIR [--json] [--require-operator] [--require-validation]
 *                   [--tsa-ca FILE [--clock-tolerance SECONDS]] CERT.json|DIR...
 *   wipeseal verify --audit-log FILE --ca FILE|DIR [--cert-dir DIR]
 *
 * One line per certificate, OK or FAILED with the reason; several certificates are also
 * checked as a series (each one's predecessor among them). Directories are walked
 * (ws_cert_walk(): recursively, sorted, streaming) and end the report with a summary line;
 * their certificates are series per station. Exit 0 only when all pass.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "cli.h"
#include "verify-tsa-text.h"

struct verify_control {
	const char *ca;
	const char *audit_log;
	const char *cert_dir;
	bool json;
	bool require_operator;
	const char *tsa_ca;       /* --tsa-ca: check timestamp tokens against it */
	unsigned clock_tolerance; /* --clock-tolerance, seconds; 0: the default */
	bool require_validation;
};

static int usage(void)
{
	fputs("Usage: wipeseal verify --ca FILE|DIR [--json] [--require-operator]\n"
	      "                       [--require-validation]\n"
	      "                       [--tsa-ca FILE [--clock-tolerance S]] CERT.json|DIR...\n"
	      "       wipeseal verify --audit-log FILE --ca FILE|DIR [--cert-dir DIR]\n\n"
	      "Check certificates of sanitization: the detached signature (CERT.json.p7s) over\n"
	      "the exact bytes, the chain to a trusted CA at the time of signing, the signer's\n"
	      "key policy and documentSigning usage, the schema, and that the wipe succeeded.\n"
	      "A certificate an operator started carries their signature too (their card):\n"
	      "both signers are reported. Several certificates are also checked as a series.\n"
	      "A directory is walked recursively: every NAME.json with NAME.json.p7s beside\n"
	      "it is checked, a summary line ends the report, and each station's certificates\n"
	      "are checked as a series.\n"
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
	      "  -h, --help              show this help\n\n"
	      "Plain OpenSSL checks the same signature: see docs/certificate.md. wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

static const char *const operator_states[] = {
	[WS_OPERATOR_SIG_NONE] = "none",
	[WS_OPERATOR_SIG_SIGNED] = "signed",
	[WS_OPERATOR_SIG_AWAITING] = "awaiting",
	[WS_OPERATOR_SIG_INVALID] = "invalid",
};

static struct json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* The second signer, when the document names an operator: "operator" in --json. */
static struct json_object *operator_json(const struct ws_cert_check *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state",
	                       json_object_new_string(operator_states[c->operator_sig]));
	json_object_object_add(o, "name", jstr_or_null(c->operator_name));
	json_object_object_add(o, "subject", jstr_or_null(c->operator_subject));
	return o;
}

static const char *const validation_states[] = {
	[WS_VALIDATION_NONE] = "none",
	[WS_VALIDATION_VALID] = "valid",
	[WS_VALIDATION_INVALID] = "invalid",
};

/* The latest validation record: "validation" in --json. */
static struct json_object *validation_json(const struct ws_cert_check *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state",
	                       json_object_new_string(validation_states[c->validation]));
	json_object_object_add(o, "decision", jstr_or_null(c->validation_decision));
	json_object_object_add(o, "validator", jstr_or_null(c->validator));
	json_object_object_add(o, "date", jstr_or_null(c->validation_date));
	json_object_object_add(o, "file", jstr_or_null(c->validation_file));
	return o;
}

/* After the OK line's parenthesis: the second person's decision, or that there is none. */
static void validation_text(const struct ws_cert_check *c, char *buf, size_t len)
{
	char *who = cli_printable(c->validator), *when = cli_printable(c->validation_date),
	     *what = cli_printable(c->validation_decision);

	if (c->validation == WS_VALIDATION_VALID)
		snprintf(buf, len, "; validated: %s by %s on %s", what, who, when);
	else
		snprintf(buf, len, "; not yet validated");
	free(who);
	free(when);
	free(what);
}

/* After "signed by STATION at TIME": the operator's part of the verdict, or "". */
static void operator_text(const struct ws_cert_check *c, char *buf, size_t len)
{
	char *name = cli_printable(c->operator_name ? c->operator_name : "?"),
	     *subject = cli_printable(c->operator_subject ? c->operator_subject : "?");

	buf[0] = '\0';
	if (c->operator_sig == WS_OPERATOR_SIG_SIGNED)
		snprintf(buf, len, "; and by operator %s (%s)", name, subject);
	else if (c->operator_sig == WS_OPERATOR_SIG_AWAITING)
		snprintf(buf, len,
		         "; awaiting the signature of operator %s (%s): wipeseal cosign adds it",
		         name, subject);
	free(name);
	free(subject);
}

static void print_check(const char *path, const struct ws_cert_check *c, bool json)
{
	char op[1024], val[1024];
	char when[32] = "";
	time_t t = (time_t)c->signing_time;
	struct tm tm;

	if (c->signing_time && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(path));
		json_object_object_add(o, "ok", json_object_new_boolean(c->ok));
		json_object_object_add(o, "reason",
		                       c->reason ? json_object_new_string(c->reason) : NULL);
		json_object_object_add(o, "certificate_id",
		                       c->certificate_id ? json_object_new_string(c->certificate_id)
		                                         : NULL);
		json_object_object_add(o, "status",
		                       c->status ? json_object_new_string(c->status) : NULL);
		json_object_object_add(o, "signer",
		                       c->signer ? json_object_new_string(c->signer) : NULL);
		json_object_object_add(o, "signing_time",
		                       when[0] ? json_object_new_string(when) : NULL);
		json_object_object_add(o, "sha256", json_object_new_string(c->sha256));
		json_object_object_add(o, "demo", json_object_new_boolean(c->demo));
		if (c->operator_sig != WS_OPERATOR_SIG_NONE || c->operator_subject)
			json_object_object_add(o, "operator", operator_json(c));
		if (c->timestamp != WS_TIMESTAMP_NONE || c->timestamp_awaited)
			json_object_object_add(o, "trusted_time", verify_tsa_json(c));
		json_object_object_add(o, "validation", validation_json(c));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		                                           JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	if (c->ok) {
		char *signer = cli_printable(c->signer), *name = cli_printable(path);

		operator_text(c, op, sizeof(op));
		validation_text(c, val, sizeof(val));
		printf("%s: OK (signed by %s at %s%s%s)%s\n", name, signer, when, op,
		       c->demo ? "; DEMO CA, not for production" : "", val);
		verify_tsa_text(c);
		free(signer);
		free(name);
	} else {
		char *why = cli_printable(c->reason), *name = cli_printable(path);

		printf("%s: FAILED: %s\n", name, why);
		free(why);
		free(name);
	}
}

/* ---- certificates, files and trees ----------------------------------------------------------- */

/* One run of verify over the paths named: what is counted, and what names a certificate
 * again when the series check finds it broken. */
struct verify_run {
	struct cli *cli;
	const struct verify_control *ctl;
	const struct ws_trust *trust;
	struct ws_verify_opts vo;
	struct ws_series *series;
	size_t verified, failed, skipped, certificates;
	bool error; /* a certificate could not be checked at all (out of memory) */
	/* the series' broken places, ascending, and the walk that names them */
	uint32_t *broken;
	size_t n_broken, cap_broken, next_broken;
	uint32_t place;
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

	if (kind != WS_WALK_CERTIFICATE) {
		print_other(path, reason, kind == WS_WALK_SKIPPED, v->ctl->json);
		if (kind == WS_WALK_SKIPPED)
			v->skipped++;
		else
			v->failed++;
		return 0;
	}
	v->certificates++;
	if (ws_cert_verify_file_opts(v->trust, path, &v->vo, &c) < 0) {
		cli_err(v->cli, "%s: out of memory", path);
		v->error = true;
		return 0;
	}
	print_check(path, &c, v->ctl->json);
	if (c.ok)
		v->verified++;
	else
		v->failed++;
	if (ws_series_add(v->series, &c) < 0) {
		cli_err(v->cli, "%s: out of memory", path);
		v->error = true;
	}
	ws_cert_check_clear(&c);
	return 0;
}

static void on_broken(void *userdata, uint32_t place)
{
	struct verify_run *v = userdata;

	if (v->n_broken == v->cap_broken) {
		size_t cap = v->cap_broken ? v->cap_broken * 2 : 16;
		uint32_t *m = realloc(v->broken, cap * sizeof(*m));

		if (!m) {
			v->error = true;
			return;
		}
		v->broken = m;
		v->cap_broken = cap;
	}
	v->broken[v->n_broken++] = place;
}

/* The second walk: names the certificates at the broken places (only hashes were kept). */
static int name_broken(void *userdata, const char *path, enum ws_walk_kind kind, const char *reason)
{
	struct verify_run *v = userdata;
	char *name;

	(void)reason;
	if (kind != WS_WALK_CERTIFICATE)
		return 0;
	if (v->next_broken < v->n_broken && v->broken[v->next_broken] == v->place) {
		name = cli_printable(path);
		printf("series: FAILED: %s follows a certificate that is not among those given: "
		       "one is missing before it\n",
		       name);
		free(name);
		v->next_broken++;
	}
	v->place++;
	return v->next_broken < v->n_broken ? 0 : 1;
}

/* A series is a chain: every certificate but the first names another of them as its
 * predecessor. A certificate whose predecessor is absent, other than the earliest one,
 * marks a gap: something signed between them is missing. In a tree of several stations,
 * each station's certificates (by signer) are a series of their own. */
static int check_series(struct verify_run *v, char **paths, size_t n)
{
	int broken = ws_series_check(v->series, on_broken, v);
	size_t stations = ws_series_stations(v->series);

	if (broken < 0 || v->error) {
		cli_err(v->cli, "the series: out of memory");
		return 1;
	}
	if (broken && !v->ctl->json)
		(void)ws_cert_walk((const char *const *)paths, n, name_broken, v);
	if (!broken && !v->ctl->json && stations > 1)
		printf("series: OK (%zu certificates of %zu stations, each following another)\n",
		       v->certificates, stations);
	else if (!broken && !v->ctl->json)
		printf("series: OK (%zu certificates, each following another)\n", v->certificates);
	return broken;
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

static int verify_walk(struct verify_run *v, char **paths, size_t n)
{
	bool trees = names_directory(paths, n);
	int code = WS_EXIT_OK, r;

	if (ws_series_new(trees, &v->series) < 0)
		return WS_EXIT_FAILED;
	r = ws_cert_walk((const char *const *)paths, n, on_found, v);
	if (r < 0) {
		cli_err(v->cli, "out of memory");
		v->error = true;
	}
	if (v->error || v->failed)
		code = WS_EXIT_FAILED;
	else if (v->certificates > 1 && check_series(v, paths, n) != 0)
		code = WS_EXIT_FAILED;
	if (trees && !v->ctl->json)
		printf("summary: %zu verified, %zu failed, %zu skipped\n", v->verified, v->failed,
		       v->skipped);
	if (trees && !v->certificates && code == WS_EXIT_OK) {
		cli_err(v->cli, "no certificate found in the directories named: name the "
		                "directory that holds the NAME.json and NAME.json.p7s files");
		code = WS_EXIT_FAILED;
	}
	ws_series_free(v->series);
	free(v->broken);
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
	enum { OPT_TSA_CA = 256, OPT_CLOCK_TOLERANCE };
	static const struct option opts[] = {
		{ "tsa-ca", required_argument, NULL, OPT_TSA_CA },
		{ "clock-tolerance", required_argument, NULL, OPT_CLOCK_TOLERANCE },
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
