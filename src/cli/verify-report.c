/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify-report.c - what `wipeseal verify` prints of what the library found: one line (or
 * JSON object) per certificate, the series with its gaps, the summary by category, and the
 * CSV and HTML reports written where --csv and --html say (cmd-verify.c runs the checks).
 *
 * A certificate that failed integrity is reported by its file name, its hash and the reason:
 * in --json its certificate_id, status, signer, signing time and operator are null, since
 * they were read from a document that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "verify-report.h"
#include "verify-tsa-text.h"

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
	json_object_object_add(o, "name", jstr_or_null(c->authentic ? c->operator_name : NULL));
	json_object_object_add(o, "subject",
	                       jstr_or_null(c->authentic ? c->operator_subject : NULL));
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

/* The second line of a duplicate: which kind, and the file it repeats. */
static void duplicate_text(const char *path, const struct ws_cert_check *c,
                           const struct ws_review_item *item)
{
	char *name = cli_printable(path), *first = cli_printable(item->duplicate_of),
	     *serial = cli_printable(c->fields.serial ? c->fields.serial : c->fields.wwn),
	     *id = cli_printable(c->certificate_id);

	if (item->duplicate == WS_REVIEW_DUP_ID)
		printf("%s: DUPLICATE: the same certificate (id %s) as %s\n", name, id, first);
	else
		printf("%s: DUPLICATE: a second SUCCESS of the drive %s, already certified by %s\n",
		       name, serial, first);
	free(name);
	free(first);
	free(serial);
	free(id);
}

void verify_print_check(const char *path, const struct ws_cert_check *c,
                        const struct ws_review_item *item, bool json)
{
	/* what a certificate that failed integrity says of itself is not reported as fact */
	bool a = c->authentic;

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
		json_object_object_add(o, "reason", jstr_or_null(c->reason));
		json_object_object_add(o, "authentic", json_object_new_boolean(a));
		json_object_object_add(
		    o, "category", json_object_new_string(ws_review_category_name(item->category)));
		if (item->duplicate_of)
			json_object_object_add(o, "duplicate_of",
			                       json_object_new_string(item->duplicate_of));
		json_object_object_add(o, "certificate_id",
		                       jstr_or_null(a ? c->certificate_id : NULL));
		json_object_object_add(o, "status", jstr_or_null(a ? c->status : NULL));
		json_object_object_add(o, "signer", jstr_or_null(a ? c->signer : NULL));
		json_object_object_add(o, "signing_time",
		                       a && when[0] ? json_object_new_string(when) : NULL);
		json_object_object_add(o, "sha256", json_object_new_string(c->sha256));
		json_object_object_add(o, "demo", json_object_new_boolean(a && c->demo));
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
	if (item->category == WS_REVIEW_DUPLICATE)
		duplicate_text(path, c, item);
}

/* ---- the series, the summary ---------------------------------------------------------------- */

static void gap_text(const struct ws_review_gap *g)
{
	char *after = cli_printable(g->after), *before = cli_printable(g->before ? g->before : "-"),
	     *station = cli_printable(g->station);

	/* the line of before, then what is missing and between which files */
	printf("series: FAILED: %s follows a certificate that is not among those given: one is "
	       "missing before it\n",
	       after);
	if (g->missing_sha256[0])
		printf(
		    "series: missing: the certificate with SHA-256 %s%s%s%s, between %s and %s\n",
		    g->missing_sha256, *station ? " (station " : "", station, *station ? ")" : "",
		    before, after);
	else
		printf(
		    "series: missing: %s names no predecessor%s%s%s, though %s was issued before "
		    "it\n",
		    after, *station ? " (station " : "", station, *station ? ")" : "", before);
	free(after);
	free(before);
	free(station);
}

void verify_print_series(const struct ws_review *r, const struct ws_review_summary *s)
{
	const struct ws_review_gap *gaps;
	size_t n = ws_review_gaps(r, &gaps);

	for (size_t i = 0; i < n; i++)
		gap_text(&gaps[i]);
	if (n)
		return;
	if (s->count[WS_REVIEW_INTEGRITY])
		printf("series: no gap among the %zu authentic certificates (the %zu that fail "
		       "integrity are left out)\n",
		       s->series_checked, s->count[WS_REVIEW_INTEGRITY]);
	else if (s->stations > 1)
		printf("series: OK (%zu certificates of %zu stations, each following another)\n",
		       s->series_checked, s->stations);
	else
		printf("series: OK (%zu certificates, each following another)\n",
		       s->series_checked);
}

void verify_print_summary(const struct ws_review_summary *s)
{
	printf("audit: %zu authentic and SUCCESS, %zu authentic record%s of FAILED or ABORTED "
	       "wipes, %zu failing integrity, %zu duplicate%s, %zu missing from a series",
	       s->count[WS_REVIEW_SUCCESS], s->count[WS_REVIEW_UNSUCCESSFUL],
	       s->count[WS_REVIEW_UNSUCCESSFUL] == 1 ? "" : "s", s->count[WS_REVIEW_INTEGRITY],
	       s->count[WS_REVIEW_DUPLICATE], s->count[WS_REVIEW_DUPLICATE] == 1 ? "" : "s",
	       s->gaps);
	if (s->count[WS_REVIEW_UNMET])
		printf(", %zu not meeting a requirement", s->count[WS_REVIEW_UNMET]);
	putchar('\n');
}

static struct json_object *jsize(size_t n)
{
	return json_object_new_int64((int64_t)n);
}

/* The last --json line: {"series": {...}, "summary": {...}}. */
void verify_json_summary(const struct ws_review *r, const struct ws_review_summary *s,
                         size_t skipped, size_t unreadable)
{
	struct json_object *o = json_object_new_object(), *series = json_object_new_object(),
	                   *sum = json_object_new_object(), *arr = json_object_new_array();
	const struct ws_review_gap *gaps;
	size_t n = ws_review_gaps(r, &gaps);

	for (size_t i = 0; i < n; i++) {
		struct json_object *g = json_object_new_object();

		json_object_object_add(g, "station", json_object_new_string(gaps[i].station));
		json_object_object_add(g, "missing_sha256",
		                       gaps[i].missing_sha256[0]
		                           ? json_object_new_string(gaps[i].missing_sha256)
		                           : NULL);
		json_object_object_add(g, "before", jstr_or_null(gaps[i].before));
		json_object_object_add(g, "after", json_object_new_string(gaps[i].after));
		json_object_array_add(arr, g);
	}
	json_object_object_add(series, "ok", json_object_new_boolean(n == 0));
	json_object_object_add(series, "stations", jsize(s->stations));
	json_object_object_add(series, "certificates", jsize(s->series_checked));
	json_object_object_add(series, "gaps", arr);
	json_object_object_add(sum, "certificates", jsize(s->certificates));
	for (int k = 0; k < WS_REVIEW_CATEGORIES; k++)
		json_object_object_add(sum, ws_review_category_name((enum ws_review_category)k),
		                       jsize(s->count[k]));
	json_object_object_add(sum, "duplicate_ids", jsize(s->duplicate_ids));
	json_object_object_add(sum, "duplicate_drives", jsize(s->duplicate_drives));
	json_object_object_add(sum, "missing", jsize(s->gaps));
	json_object_object_add(sum, "skipped", jsize(skipped));
	json_object_object_add(sum, "unreadable_directories", jsize(unreadable));
	json_object_object_add(o, "series", series);
	json_object_object_add(o, "summary", sum);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* ---- the reports ------------------------------------------------------------------------------ */

/* Write one report to @path with @fn. Return: 0, or -1 after saying why. */
static int write_report(struct cli *cli, const struct ws_review *r, const char *path,
                        const char *what, const char *title)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int k;

	if (!f) {
		cli_err(cli, "--%s %s: %s: name a file that can be written", what, path,
		        strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return -1;
	}
	k = strcmp(what, "csv") == 0 ? ws_review_csv(r, f) : ws_review_html(r, title, f);
	if (fclose(f) != 0 && k == 0)
		k = -errno;
	if (k < 0) {
		cli_err(cli, "--%s %s: %s", what, path, strerror(-k));
		return -1;
	}
	return 0;
}

int verify_write_reports(struct cli *cli, const struct ws_review *r, const char *csv,
                         const char *html, char **paths, size_t n)
{
	char *title = NULL;
	size_t len = 0;
	FILE *t = open_memstream(&title, &len);
	int k = 0;

	if (!t)
		return -1;
	fputs("wipeseal verify:", t);
	for (size_t i = 0; i < n; i++)
		fprintf(t, " %s", paths[i]);
	if (fclose(t) != 0)
		return -1;
	if (csv)
		k |= write_report(cli, r, csv, "csv", title);
	if (html)
		k |= write_report(cli, r, html, "html", title);
	free(title);
	return k;
}
