/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-register-query.c - the auditors' verbs against a real register: a PostgreSQL server of
 * the suite's own (tests/pg/pg-server.sh), initialised and fed by the library's push, with
 * certificates made by `wipeseal wipe` on image files under a CA made with openssl (three
 * stations, their audit logs), and one document changed and signed again by its station's key
 * to hold what a CSV must quote. Every verb runs as a member of wipeseal_auditor; a station
 * role may not read. find by each filter and a time range, as a table and as JSON; export as
 * CSV (parsed back here, RFC 4180) and JSON (parsed back with json-c); stats counted against
 * what was pushed; audit clean, then finding a gap in a series, a certificate the log names
 * but the register lacks, rows altered by the owner (after the test backdated them past the
 * retention as the superuser) and an audit chain with a line removed.
 * Needs no loop device: image files in a temporary directory.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>
#include <wipeseal/exit.h>
#include <wipeseal/file.h>
#include <wipeseal/register.h>

#include "pgserver.h"
#include "regq.h"
#include "testutil.h"

struct regq_fixture fx;

void *regq_keep(void *s)
{
	static void *kept[4096];
	static size_t n;

	test_require(n < sizeof(kept) / sizeof(kept[0]), "too many strings kept");
	kept[n++] = s;
	return s;
}

/* ---- the fixture -------------------------------------------------------------------------- */

/* A CA, and a station key and certificate (documentSigning) per name, in fx.dir. */
static void make_pki(void)
{
	static const char *const names[] = { "st1", "st2", "st3" };

	test_require(test_sh(NULL,
	                     "cd '%s' && openssl req -x509 -newkey ec -pkeyopt "
	                     "ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 "
	                     "-subj '/CN=regq CA' -addext 'basicConstraints=critical,CA:TRUE' "
	                     "-addext 'keyUsage=critical,keyCertSign' 2>/dev/null && printf "
	                     "'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
	                     "extendedKeyUsage=1.3.6.1.5.5.7.3.36\\n' >ext && : >empty.conf",
	                     fx.dir) == 0,
	             "the CA");
	for (size_t i = 0; i < 3; i++)
		test_require(
		    test_sh(NULL,
		            "cd '%s' && openssl genpkey -quiet -algorithm EC -pkeyopt "
		            "ec_paramgen_curve:P-256 -out %s.key && chmod 600 %s.key && "
		            "openssl req -new -key %s.key -subj '/CN=regq station %s' "
		            "-out %s.csr && openssl x509 -req -in %s.csr -CA ca.pem -CAkey "
		            "ca.key -CAcreateserial -days 30 -extfile ext -out %s.pem "
		            "2>/dev/null",
		            fx.dir, names[i], names[i], names[i], names[i], names[i], names[i],
		            names[i]) == 0,
		    "station %s", names[i]);
}

/* @n wipes of image files by station @st (its own audit log and certificate directory),
 * a second apart so that their issued times differ; the certificates' paths, oldest first. */
static void wipes(const char *st, size_t n, const char *op, char **ret)
{
	for (size_t i = 0; i < n; i++) {
		char *out = NULL;

		if (i)
			sleep(1);
		test_require(
		    test_sh(&out,
		            "cd '%s' && truncate -s 4M %s-%zu.img && timeout 60 '%s' wipe "
		            "--yes --config empty.conf --signer-key %s.key --signer-cert "
		            "%s.pem --audit-log %s/audit.log --cert-dir %s/certs --operator "
		            "'%s' --asset-tag %s-A%zu -m zero %s-%zu.img >/dev/null 2>&1 && "
		            "ls -t %s/certs/*.json | head -n1 | tr -d '\\n'",
		            fx.dir, st, i, WS_CLI, st, st, st, st, op, st, i, st, i, st) == 0,
		    "wipe %s %zu: %s", st, i, out);
		ret[i] = KEEP_FMT("%s/%s", fx.dir, out);
		free(out);
	}
}

/* fx.edited: station two's certificate with a serial, WWN and asset tag a CSV must quote, an
 * issued day of its own and an id of its own, signed again with station two's key. */
static void make_edited(const char *from)
{
	struct json_object *doc = json_object_from_file(from), *media, *dev;
	const char *path = KEEP_FMT("%s/st2/certs/edited.json", fx.dir);

	test_require(doc, "%s", from);
	media = json_object_object_get(doc, "media");
	dev = json_object_object_get(json_object_object_get(doc, "evidence"), "device");
	json_object_object_add(doc, "certificate_id", json_object_new_string(EDITED_ID));
	json_object_object_add(doc, "issued", json_object_new_string(EDITED_ISSUED));
	json_object_object_add(media, "serial", json_object_new_string(EDITED_SERIAL));
	json_object_object_add(dev, "serial", json_object_new_string(EDITED_SERIAL));
	json_object_object_add(media, "wwn", json_object_new_string(EDITED_WWN));
	json_object_object_add(dev, "wwn", json_object_new_string(EDITED_WWN));
	json_object_object_add(media, "property_number", json_object_new_string(EDITED_TAG));
	test_require(json_object_to_file_ext(path, doc, JSON_C_TO_STRING_PRETTY) == 0, "%s", path);
	json_object_put(doc);
	test_require(test_sh(NULL,
	                     "cd '%s' && openssl cms -sign -binary -outform PEM -in '%s' -signer "
	                     "st2.pem -inkey st2.key -out '%s.p7s' -md sha256",
	                     fx.dir, path, path) == 0,
	             "signing %s", path);
	fx.edited = path;
}

static void psql_ok(const char *url, const char *sql)
{
	char *out = NULL;

	test_require(pgserver_psql(&out, url, sql) == 0, "%s: %s", sql, out);
	free(out);
}

/* The register: init as the owner; the roles; every file pushed as station @role. */
static struct ws_register *connect_as(const char *url)
{
	struct ws_register_conn c = { .url = url };
	struct ws_register *r = NULL;
	char *why = NULL;

	test_require(ws_register_connect(&c, &r, &why) == 0, "connect: %s", why);
	return r;
}

void regq_push(const char *url, const char *path, enum ws_push_status want)
{
	struct ws_register *r = connect_as(url);
	struct ws_trust *trust = NULL;
	struct ws_push_outcome o = { 0 };
	char *why = NULL;

	test_require(ws_trust_load(KEEP_FMT("%s/ca.pem", fx.dir), &trust, &why) == 0, "%s", why);
	test_require(ws_register_push_file(r, trust, NULL, path, &o) == 0, "push %s", path);
	test_require(o.status == want, "push %s: %d, not %d: %s", path, o.status, want,
	             o.reason ? o.reason : "");
	ws_push_outcome_clear(&o);
	ws_trust_free(trust);
	ws_register_close(r);
}

static void make_register(void)
{
	struct ws_register *r = connect_as(fx.pg->owner_url);
	int from = -1;
	char *why = NULL;

	test_require(ws_register_init(r, NULL, &from, &why) == 0, "init: %s", why);
	ws_register_close(r);
	psql_ok(fx.pg->super_url, "CREATE ROLE regq_station LOGIN IN ROLE wipeseal_station; "
	                          "CREATE ROLE regq_auditor LOGIN IN ROLE wipeseal_auditor");
	fx.station_url = pgserver_client(fx.pg, "regq_station");
	fx.auditor_url = pgserver_client(fx.pg, "regq_auditor");
	for (size_t i = 0; i < 4; i++)
		regq_push(fx.station_url, fx.s1[i], WS_PUSH_STORED);
	regq_push(fx.station_url, KEEP_FMT("%s/st1/audit.log", fx.dir), WS_PUSH_STORED);
	regq_push(fx.station_url, fx.s2[0], WS_PUSH_STORED);
	regq_push(fx.station_url, fx.edited, WS_PUSH_STORED);
	regq_push(fx.station_url, KEEP_FMT("%s/st2/audit.log", fx.dir), WS_PUSH_STORED);
}

/* ---- helpers ---------------------------------------------------------------------------------- */

int regq_cli(char **out, const char *fmt, ...)
{
	char *args = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	test_require(vasprintf(&args, fmt, ap) >= 0, "out of memory");
	va_end(ap);
	r = test_sh(out, "cd '%s' && timeout 120 '%s' register %s --config empty.conf </dev/null",
	            fx.dir, WS_CLI, args);
	free(args);
	return r;
}

/* `register find ARGS --json` as the auditor: the certificate ids found, one per line. */
static char *find_ids(int *rc, const char *args)
{
	char *out = NULL, *ids = KEEP_FMT("%s", ""), *line, *save = NULL;

	*rc = regq_cli(&out, "find --json --register '%s' %s", fx.auditor_url, args);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line);

		ck_assert_msg(o, "not JSON: %s", line);
		ids = KEEP_FMT("%s%s\n", ids,
		               json_object_get_string(json_object_object_get(o, "certificate_id")));
		json_object_put(o);
	}
	free(out);
	return ids;
}

/* The certificate_id of a certificate file. */
char *regq_id(const char *path)
{
	struct json_object *doc = json_object_from_file(path);
	char *id;

	ck_assert_ptr_nonnull(doc);
	id = KEEP_FMT("%s", json_object_get_string(json_object_object_get(doc, "certificate_id")));
	json_object_put(doc);
	return id;
}

char *regq_field(const char *path, const char *key)
{
	struct json_object *doc = json_object_from_file(path);
	char *v;

	ck_assert_ptr_nonnull(doc);
	v = KEEP_FMT("%s", json_object_get_string(json_object_object_get(doc, key)));
	json_object_put(doc);
	return v;
}

/* ---- find --------------------------------------------------------------------------------- */

START_TEST(test_find_each_filter)
{
	char *ids, *s1_0 = regq_id(fx.s1[0]), *s1_2 = regq_id(fx.s1[2]), *s2 = regq_id(fx.s2[0]);
	int rc;

	/* everything, newest first: the edited one (issued weeks ago) last */
	ids = find_ids(&rc, "");
	ck_assert_int_eq(rc, WS_EXIT_OK);
	ck_assert_int_eq((int)(strlen(ids) / 37), 6);
	ck_assert_str_eq(strrchr(ids, '\n') - 36, EDITED_ID "\n");
	ck_assert_str_eq(find_ids(&rc, "--serial 'SN-1,\"q\" 7'"), EDITED_ID "\n");
	ck_assert_str_eq(find_ids(&rc, "--wwn " EDITED_WWN), EDITED_ID "\n");
	ck_assert_str_eq(find_ids(&rc, "--asset-tag st1-A2"), KEEP_FMT("%s\n", s1_2));
	ids = find_ids(&rc, "--station 'CN=regq station st2'");
	ck_assert_str_eq(ids, KEEP_FMT("%s\naaaaaaaa-0000-4000-8000-000000000001\n", s2));
	ck_assert_int_eq((int)(strlen(find_ids(&rc, "--operator 'Ada Lovelace'")) / 37), 4);
	ck_assert_int_eq((int)(strlen(find_ids(&rc, "--status SUCCESS")) / 37), 6);
	/* nothing matches: nothing printed, exit 5 */
	ck_assert_str_eq(find_ids(&rc, "--status FAILED"), "");
	ck_assert_int_eq(rc, WS_EXIT_NOT_SET);
	ck_assert_str_eq(find_ids(&rc, "--serial \"x' OR '1'='1\""), "");
	ck_assert_int_eq(rc, WS_EXIT_NOT_SET);
	/* --limit: the newest */
	ids = find_ids(&rc, "--limit 1 --station 'CN=regq station st1'");
	ck_assert_str_eq(ids, KEEP_FMT("%s\n", regq_id(fx.s1[3])));
	(void)s1_0;
}
END_TEST

START_TEST(test_find_time_range)
{
	char *t1 = regq_field(fx.s1[1], "issued"), *t2 = regq_field(fx.s1[2], "issued");
	char *ids;
	int rc;

	/* the range is inclusive of its seconds: s1[1] and s1[2] of station one */
	t1[19] = 'Z';
	t1[20] = '\0';
	t2[19] = 'Z';
	t2[20] = '\0';
	ids = find_ids(&rc,
	               KEEP_FMT("--station 'CN=regq station st1' --since %s --until %s", t1, t2));
	ck_assert_int_eq(rc, WS_EXIT_OK);
	ck_assert_str_eq(ids, KEEP_FMT("%s\n%s\n", regq_id(fx.s1[2]), regq_id(fx.s1[1])));
	/* a day: the edited certificate's, from its start to its end */
	ck_assert_str_eq(find_ids(&rc, "--since 2026-11-20 --until 2026-11-20"), EDITED_ID "\n");
	ck_assert_str_eq(find_ids(&rc, "--since 2026-11-21T00:00:00+01:00 --until 2026-11-21"), "");
	ck_assert_int_eq(rc, WS_EXIT_NOT_SET);
	/* a time that is not one */
	ck_assert_int_eq(regq_cli(NULL, "find --register '%s' --since yesterday", fx.auditor_url),
	                 WS_EXIT_USAGE);
}
END_TEST

START_TEST(test_find_table)
{
	char *out = NULL;

	ck_assert_int_eq(
	    regq_cli(&out, "find --register '%s' --wwn %s", fx.auditor_url, EDITED_WWN),
	    WS_EXIT_OK);
	/* a header, one row; the serial's newline and quote shown safely, on one line */
	ck_assert_msg(strstr(out, "ISSUED") && strstr(out, "CERTIFICATE") &&
	                  strstr(out, "2026-11-20T10:00:00.000Z") && strstr(out, "SN-1,\"q\" 7") &&
	                  strstr(out, "CN=regq station st2"),
	              "%s", out);
	ck_assert_int_eq((int)(strchr(strchr(out, '\n') + 1, '\n') - out + 1), (int)strlen(out));
	free(out);
}
END_TEST

/* The station's role may not read; the auditor's may read but not write. */
START_TEST(test_roles)
{
	char *out = NULL;

	ck_assert_int_eq(regq_cli(&out, "find --register '%s'", fx.station_url), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "may not read"), "%s", out);
	free(out);
	ck_assert_int_eq(regq_cli(&out, "stats --register '%s'", fx.station_url), WS_EXIT_FAILED);
	free(out);
	ck_assert_int_ne(pgserver_psql(&out, fx.auditor_url,
	                               "DELETE FROM certificates WHERE status = 'SUCCESS'"),
	                 0);
	ck_assert_msg(strstr(out, "permission denied"), "%s", out);
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("register-query");
	TCase *tc = tcase_create("auditor");
	SRunner *sr;
	int failed;

	fx.pg = pgserver_start();
	fx.dir = test_tmpdir("regq");
	make_pki();
	test_require(test_sh(NULL, "cd '%s' && mkdir st1 st2 st3", fx.dir) == 0, "dirs");
	wipes("st1", 4, "Ada Lovelace", fx.s1);
	wipes("st2", 1, "Grace Hopper", fx.s2);
	wipes("st3", 3, "Grace Hopper", fx.s3);
	make_edited(fx.s2[0]);
	make_register();
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_find_each_filter);
	tcase_add_test(tc, test_find_time_range);
	tcase_add_test(tc, test_find_table);
	tcase_add_test(tc, test_roles);
	regq_add_export_tests(tc);
	regq_add_audit_tests(tc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	(void)test_sh(NULL, "rm -rf '%s'", fx.dir);
	pgserver_stop(fx.pg);
	return failed ? 1 : 0;
}
