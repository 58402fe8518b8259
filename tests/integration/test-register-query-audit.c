/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-register-query-audit.c - the second file of the register-query suite (regq.h): export
 * parsed back (CSV by an RFC 4180 reader here, JSON by json-c), stats counted against what
 * was pushed, and audit: clean, then a gap, rows altered by the owner, a broken chain.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <wipeseal/exit.h>
#include <wipeseal/file.h>

#include "pgserver.h"
#include "regq.h"
#include "testutil.h"

/* ---- an RFC 4180 reader ------------------------------------------------------------------- */

#define MAX_CELLS 32

struct csv_rec {
	char *cell[MAX_CELLS];
	int n;
};

/* Read the record at *p (advanced past its CRLF). Return: false at the end. */
static bool csv_next(const char **p, struct csv_rec *rec)
{
	const char *s = *p;

	if (!*s)
		return false;
	rec->n = 0;
	for (;;) {
		char *cell = malloc(strlen(s) + 1), *o = cell;

		ck_assert_ptr_nonnull(cell);
		if (*s == '"') {
			for (s++; !(*s == '"' && s[1] != '"'); s++) {
				ck_assert_msg(*s, "a quoted cell that does not end");
				if (*s == '"')
					s++;
				*o++ = *s;
			}
			s++;
		} else {
			while (*s && *s != ',' && *s != '\r' && *s != '\n')
				*o++ = *s++;
		}
		*o = '\0';
		ck_assert_int_lt(rec->n, MAX_CELLS);
		rec->cell[rec->n++] = cell;
		if (*s == ',') {
			s++;
			continue;
		}
		ck_assert_msg(s[0] == '\r' && s[1] == '\n', "a record must end with CRLF: %.20s",
		              s);
		*p = s + 2;
		return true;
	}
}

static void csv_free(struct csv_rec *rec)
{
	for (int i = 0; i < rec->n; i++)
		free(rec->cell[i]);
	rec->n = 0;
}

static int col(const struct csv_rec *header, const char *name)
{
	for (int i = 0; i < header->n; i++)
		if (strcmp(header->cell[i], name) == 0)
			return i;
	ck_abort_msg("no column %s", name);
	return -1;
}

/* ---- export -------------------------------------------------------------------------------- */

START_TEST(test_export_csv)
{
	struct csv_rec head, rec;
	char *out = NULL, sha[65];
	const char *p;
	int rows = 0, edited = 0;

	ck_assert_int_eq(
	    regq_cli(&out, "export --csv --documents --register '%s' 2>/dev/null", fx.auditor_url),
	    WS_EXIT_OK);
	p = out;
	ck_assert(csv_next(&p, &head));
	ck_assert_str_eq(head.cell[0], "certificate_id");
	ck_assert_str_eq(head.cell[head.n - 1], "document");
	while (csv_next(&p, &rec)) {
		const char *doc = rec.cell[col(&head, "document")];

		ck_assert_int_eq(rec.n, head.n);
		/* the document cell holds the exact bytes the sha256 names */
		ws_sha256_hex(doc, strlen(doc), sha);
		ck_assert_str_eq(sha, rec.cell[col(&head, "sha256")]);
		if (strcmp(rec.cell[0], EDITED_ID) == 0) {
			edited++;
			ck_assert_str_eq(rec.cell[col(&head, "serial")], EDITED_SERIAL);
			ck_assert_str_eq(rec.cell[col(&head, "wwn")], EDITED_WWN);
			/* comma, quote, newline kept; the leading '=' made text */
			ck_assert_str_eq(rec.cell[col(&head, "asset_tag")], "'" EDITED_TAG);
			ck_assert_str_eq(rec.cell[col(&head, "issued")], EDITED_ISSUED);
			ck_assert_str_eq(rec.cell[col(&head, "station")], "CN=regq station st2");
		}
		rows++;
		csv_free(&rec);
	}
	csv_free(&head);
	ck_assert_int_eq(rows, 6);
	ck_assert_int_eq(edited, 1);
	free(out);
}
END_TEST

START_TEST(test_export_json_and_output_file)
{
	char *file = KEEP_FMT("%s/export.json", fx.dir), *out = NULL, *text = NULL, sha[65];
	struct json_object *arr;
	size_t n;

	ck_assert_int_eq(regq_cli(&out, "export --json --array --documents -o '%s' --register '%s'",
	                          file, fx.auditor_url),
	                 WS_EXIT_OK);
	free(out);
	arr = json_object_from_file(file);
	ck_assert_msg(json_object_is_type(arr, json_type_array), "%s", json_util_get_last_err());
	n = json_object_array_length(arr);
	ck_assert_int_eq((int)n, 6);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *doc = json_object_get_string(json_object_object_get(o, "document"));

		ws_sha256_hex(doc, strlen(doc), sha);
		ck_assert_str_eq(sha, json_object_get_string(json_object_object_get(o, "sha256")));
		if (strcmp(json_object_get_string(json_object_object_get(o, "certificate_id")),
		           EDITED_ID) == 0) {
			/* JSON needs no escaping against spreadsheets: the value as it is */
			ck_assert_str_eq(
			    json_object_get_string(json_object_object_get(o, "asset_tag")),
			    EDITED_TAG);
			ck_assert_int_eq(test_sh(&text, "cat '%s'", fx.edited), 0);
			ck_assert_str_eq(doc, text);
			free(text);
			ck_assert(!json_object_get_boolean(
			    json_object_object_get(o, "clock_synchronized")));
		}
	}
	json_object_put(arr);
	/* the file exists: never overwritten */
	ck_assert_int_eq(
	    regq_cli(&out, "export --csv -o '%s' --register '%s'", file, fx.auditor_url),
	    WS_EXIT_USAGE);
	ck_assert_msg(strstr(out, "never overwrites"), "%s", out);
	free(out);
	arr = json_object_from_file(file);
	ck_assert_int_eq((int)json_object_array_length(arr), 6);
	json_object_put(arr);
	/* JSON lines, filtered */
	ck_assert_int_eq(regq_cli(&out,
	                          "export --json --station 'CN=regq station st1' "
	                          "--register '%s' 2>/dev/null",
	                          fx.auditor_url),
	                 WS_EXIT_OK);
	n = 0;
	for (char *save = NULL, *l = strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(l);

		ck_assert_msg(o && !json_object_object_get(o, "document"), "%s", l);
		ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "operator")),
		                 "Ada Lovelace");
		json_object_put(o);
		n++;
	}
	ck_assert_int_eq((int)n, 4);
	free(out);
}
END_TEST

/* ---- stats --------------------------------------------------------------------------------- */

START_TEST(test_stats_counts)
{
	char *out = NULL, *today = NULL;
	int seen = 0;

	ck_assert_int_eq(test_sh(&today, "date -u +%%F | tr -d '\\n'"), 0);
	ck_assert_int_eq(regq_cli(&out, "stats --json --register '%s'", fx.auditor_url),
	                 WS_EXIT_OK);
	for (char *save = NULL, *l = strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(l);
		const char *st = json_object_get_string(json_object_object_get(o, "station"));
		const char *day = json_object_get_string(json_object_object_get(o, "day"));
		int64_t count = json_object_get_int64(json_object_object_get(o, "count"));

		ck_assert_msg(o, "%s", l);
		ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "status")),
		                 "SUCCESS");
		ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "nist_level")),
		                 "Clear");
		if (strcmp(st, "CN=regq station st1") == 0) {
			/* four wipes today (a wipe near midnight may split them in two days) */
			seen += (int)count;
		} else {
			ck_assert_str_eq(st, "CN=regq station st2");
			ck_assert_int_eq((int)count, 1);
			if (strcmp(day, "2026-11-20") == 0)
				ck_assert_str_eq(json_object_get_string(
				                     json_object_object_get(o, "first_issued")),
				                 EDITED_ISSUED);
			else
				ck_assert_str_eq(day, today);
			seen += 100;
		}
		json_object_put(o);
	}
	ck_assert_int_eq(seen, 204);
	free(out);
	/* the table, one station, since a day */
	ck_assert_int_eq(regq_cli(&out,
	                          "stats --station 'CN=regq station st2' --since 2026-11-21 "
	                          "--register '%s'",
	                          fx.auditor_url),
	                 WS_EXIT_OK);
	ck_assert_msg(strstr(out, "COUNT") && strstr(out, today) && !strstr(out, "2026-11-20"),
	              "%s", out);
	free(out);
	free(today);
}
END_TEST

/* ---- audit --------------------------------------------------------------------------------- */

static int audit(char **out, const char *extra)
{
	return regq_cli(out, "audit --ca ca.pem --register '%s' %s", fx.auditor_url, extra);
}

START_TEST(test_audit_clean)
{
	char *out = NULL;

	ck_assert_int_eq(audit(&out, ""), WS_EXIT_OK);
	ck_assert_msg(strstr(out, "audit: 6 certificates (6 verified), 2 audit logs (") &&
	                  strstr(out, ": 0 problems, 0 notes"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(audit(&out, "--jobs 1"), WS_EXIT_OK);
	free(out);
	/* another CA: every signature fails */
	ck_assert_int_eq(test_sh(NULL,
	                         "cd '%s' && openssl req -x509 -newkey ec -pkeyopt "
	                         "ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.pem "
	                         "-days 30 -subj '/CN=other CA' 2>/dev/null",
	                         fx.dir),
	                 0);
	ck_assert_int_eq(regq_cli(&out, "audit --ca other.pem --register '%s'", fx.auditor_url),
	                 WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "6 certificates (0 verified)"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_audit_gap_and_missing)
{
	char *out = NULL, *sha1 = NULL;

	/* station three: the middle certificate never pushed, its log pushed whole */
	regq_push(fx.station_url, fx.s3[0], WS_PUSH_STORED);
	regq_push(fx.station_url, fx.s3[2], WS_PUSH_STORED);
	regq_push(fx.station_url, KEEP_FMT("%s/st3/audit.log", fx.dir), WS_PUSH_STORED);
	ck_assert_int_eq(test_sh(&sha1, "sha256sum '%s' | cut -c1-64 | tr -d '\\n'", fx.s3[1]), 0);
	ck_assert_int_eq(audit(&out, "--station 'CN=regq station st3'"), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, KEEP_FMT("gap       CN=regq station st3 %s: its predecessor %s",
	                                   regq_id(fx.s3[2]), sha1)),
	              "%s", out);
	ck_assert_msg(strstr(out, "missing   CN=regq station st3 ") &&
	                  strstr(out, KEEP_FMT("the log records the certificate %s", sha1)),
	              "%s", out);
	ck_assert_msg(strstr(out, "2 certificates (2 verified), 1 audit logs") &&
	                  strstr(out, ": 2 problems"),
	              "%s", out);
	free(out);
	/* the other stations are still clean */
	ck_assert_int_eq(audit(&out, "--station 'CN=regq station st2'"), WS_EXIT_OK);
	free(out);
	free(sha1);
}
END_TEST

/* Rows made older than the retention, as only a superuser can (the test's way to the
 * owner's power over old rows). */
static void backdate(const char *table, const char *where)
{
	char *out = NULL;

	ck_assert_msg(pgserver_psql(&out, fx.pg->super_url,
	                            KEEP_FMT("ALTER TABLE %s DISABLE TRIGGER ws_retention; "
	                                     "UPDATE %s SET received = now() - interval '400 days' "
	                                     "WHERE %s; ALTER TABLE %s ENABLE TRIGGER ws_retention",
	                                     table, table, where, table)) == 0,
	              "%s", out);
	free(out);
}

START_TEST(test_audit_owner_altered)
{
	char *id1 = regq_id(fx.s1[1]), *id3 = regq_id(fx.s1[3]), *out = NULL;

	/* the owner cannot change a fresh row */
	ck_assert_int_ne(pgserver_psql(&out, fx.pg->owner_url,
	                               KEEP_FMT("UPDATE certificates SET asset_tag = 'x' WHERE "
	                                        "certificate_id = '%s'",
	                                        id3)),
	                 0);
	free(out);
	backdate("certificates", KEEP_FMT("certificate_id IN ('%s', '%s')", id1, id3));
	/* now it can: one document's bytes rewritten with a matching sha256, one column */
	ck_assert_msg(
	    pgserver_psql(&out, fx.pg->owner_url,
	                  KEEP_FMT("UPDATE certificates SET json = convert_to(replace("
	                           "convert_from(json, 'UTF8'), 'Ada Lovelace', 'Eve "
	                           "Lovelace'), 'UTF8') WHERE certificate_id = '%s'; "
	                           "UPDATE certificates SET sha256 = encode(sha256(json), "
	                           "'hex') WHERE certificate_id = '%s'; UPDATE "
	                           "certificates SET asset_tag = 'st1-A9' WHERE "
	                           "certificate_id = '%s'",
	                           id1, id1, id3)) == 0,
	    "%s", out);
	free(out);
	ck_assert_int_eq(audit(&out, "--station 'CN=regq station st1'"), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, KEEP_FMT("signature CN=regq station st1 %s: the stored "
	                                   "certificate does not verify",
	                                   id1)),
	              "%s", out);
	ck_assert_msg(strstr(out, KEEP_FMT("column    CN=regq station st1 %s: the row's asset_tag "
	                                   "differ",
	                                   id3)),
	              "%s", out);
	ck_assert_msg(
	    strstr(out, KEEP_FMT("column    CN=regq station st1 %s: the row's operator", id1)),
	    "%s", out);
	/* its successor now names a certificate the register lacks */
	ck_assert_msg(strstr(out, KEEP_FMT("gap       CN=regq station st1 %s:", regq_id(fx.s1[2]))),
	              "%s", out);
	free(out);
}
END_TEST

START_TEST(test_audit_chain_broken)
{
	char *out = NULL;

	backdate("audit_lines", "station = 'CN=regq station st2' AND line = 2");
	ck_assert_msg(pgserver_psql(&out, fx.pg->owner_url,
	                            "DELETE FROM audit_lines WHERE station = 'CN=regq station st2' "
	                            "AND line = 2") == 0,
	              "%s", out);
	free(out);
	ck_assert_int_eq(audit(&out, "--station 'CN=regq station st2'"), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "chain     CN=regq station st2 ") &&
	                  strstr(out, ":3: line 2 is missing from the register") &&
	                  strstr(out, ":3: does not chain to the line before it"),
	              "%s", out);
	free(out);
}
END_TEST

void regq_add_export_tests(TCase *tc)
{
	tcase_add_test(tc, test_export_csv);
	tcase_add_test(tc, test_export_json_and_output_file);
	tcase_add_test(tc, test_stats_counts);
}

void regq_add_audit_tests(TCase *tc)
{
	tcase_add_test(tc, test_audit_clean);
	tcase_add_test(tc, test_audit_gap_and_missing);
	tcase_add_test(tc, test_audit_owner_altered);
	tcase_add_test(tc, test_audit_chain_broken);
}
