/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-register.c - the central register on a real PostgreSQL server of the suite's own
 * (tests/pg/pg-server.sh: TLS, client certificates, 127.0.0.1), fed with real certificates:
 * loop devices wiped by `wipeseal wipe`, signed by a station whose PKI is made here with
 * openssl alone, validated by `wipeseal validate`, read again by `wipeseal reverify`.
 *
 * What the tests show, each checked with psql and sha256sum rather than with our own code:
 * - init creates the schema, run twice changes nothing (the catalog is the same), a database
 *   at version 0 with tables missing is completed, a newer version is refused untouched;
 * - push stores a good certificate byte for byte, a second push is a duplicate, a forged one
 *   (one byte changed) and one signed by an RSA-1024 key are refused and not stored, the
 *   same id with other (validly signed) bytes is a conflict;
 * - validation and re-verification records are stored, and the certificate takes the
 *   decision; an audit log is stored line for line, pushed again stores nothing, and a log
 *   that grew sends only its new lines;
 * - a register that goes away between pushes: UNREACHABLE, nothing stored, the same push
 *   stores everything once it is back.
 * The second file, test-register-roles.c: the roles, the retention trigger, connections.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <wipeseal/register.h>

#include "register-test.h"
#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

struct reg_fixture fx;

/* ---- shared helpers --------------------------------------------------------------------- */

char *reg_url_db(const char *url, const char *db)
{
	const char *slash = strstr(url, "/wipeseal?");

	test_require(slash != NULL, "no /wipeseal? in %s", url);
	return test_fmt("%.*s/%s%s", (int)(slash - url), url, db, slash + 9);
}

/* LeakSanitizer, for this test binary only (the wipeseal commands it runs are checked in
 * full): the suite's helpers hand back strings (psql's answers, the CLI's output, paths) that
 * its checks use inline and never free; they die with the forked test. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:test-register.c\nleak:test-register-roles.c\nleak:__vasprintf_internal\n";
}

char *reg_query(const char *url, const char *sql)
{
	char *out = NULL;
	int r = pgserver_psql(&out, url, sql);

	ck_assert_msg(r == 0, "psql: %s: %s", sql, out);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

int reg_cli(char **out, char **err, const char *fmt, ...)
{
	char *args = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	test_require(vasprintf(&args, fmt, ap) >= 0, "out of memory");
	va_end(ap);
	r = run_cli(out, err, "register %s", args);
	free(args);
	return r;
}

char *reg_fresh_db(const char *db)
{
	char *url = reg_url_db(fx.pg->owner_url, db), *out = NULL, *err = NULL;
	int r;

	ck_assert_int_eq(pgserver_psql(NULL, fx.pg->super_url,
	                               test_fmt("CREATE DATABASE %s OWNER wipeseal_owner", db)),
	                 0);
	r = reg_cli(&out, &err, "init --register '%s'", url);
	ck_assert_msg(r == 0, "init: %d: %s", r, err);
	ck_assert_str_eq(out, "register: schema version 1 created\n");
	free(out);
	free(err);
	return url;
}

/* `register push --ca` as the station role into @db. */
static int push(char **out, const char *db, const char *files)
{
	return reg_cli(out, NULL, "push --ca %s/ca.pem --register '%s' %s", fx.pki,
	               reg_url_db(fx.station_url, db), files);
}

/* A copy of certificate @file (and its .p7s) in a directory of its own, @edit (a shell
 * command over $f) applied; the copy's path. */
static char *variant(const char *file, const char *name, const char *edit)
{
	char *dir = test_fmt("%s/%s", scratch_dir(), name), *copy = test_fmt("%s/c.json", dir);

	ck_assert_int_eq(test_sh(NULL,
	                         "mkdir -p '%s' && cp '%s' '%s' && cp '%s.p7s' '%s.p7s' && "
	                         "f='%s' && %s",
	                         dir, file, copy, file, copy, copy, edit),
	                 0);
	return copy;
}

static char *sha256_of(const char *path)
{
	char *out = NULL;

	ck_assert_int_eq(test_sh(&out, "sha256sum < '%s' | cut -c1-64", path), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

/* ---- init ------------------------------------------------------------------------------- */

/* The schema as the catalog holds it: tables, columns, functions, triggers, grants. */
static char *catalog(const char *url)
{
	return reg_query(url,
	                 "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM ("
	                 "SELECT table_name || '.' || column_name || ':' || data_type AS x "
	                 "FROM information_schema.columns WHERE table_schema = 'public' "
	                 "UNION ALL SELECT p.oid::regprocedure::text || md5(prosrc) FROM pg_proc p "
	                 "JOIN pg_namespace n ON n.oid = pronamespace WHERE nspname = 'public' "
	                 "UNION ALL SELECT tgname || tgrelid::regclass::text || tgfoid::text "
	                 "FROM pg_trigger WHERE NOT tgisinternal "
	                 "UNION ALL SELECT relname || coalesce(relacl::text, '') || xmin::text "
	                 "FROM pg_class WHERE relnamespace = 'public'::regnamespace) c");
}

START_TEST(test_init_twice_changes_nothing)
{
	char *url = reg_fresh_db("init_twice"), *before = catalog(url), *out = NULL;

	ck_assert_str_eq(reg_query(url, "SELECT schema_version || ' ' || retention_days FROM "
	                                "register_meta"),
	                 "1 180");
	ck_assert_int_eq(reg_cli(&out, NULL, "init --register '%s'", url), 0);
	ck_assert_str_eq(out, "register: schema version 1 already: nothing changed\n");
	ck_assert_str_eq(catalog(url), before);
	ck_assert_int_eq(reg_cli(&out, NULL, "init --register '%s' --retention-days 400", url), 0);
	ck_assert_str_eq(reg_query(url, "SELECT retention_days FROM register_meta"), "400");
	ck_assert_str_eq(
	    reg_query(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "5");
}
END_TEST

START_TEST(test_init_completes_version_0)
{
	char *url = reg_url_db(fx.pg->owner_url, "init_zero"), *out = NULL, *err = NULL;

	ck_assert_int_eq(
	    pgserver_psql(NULL, fx.pg->super_url, "CREATE DATABASE init_zero OWNER wipeseal_owner"),
	    0);
	/* an earlier, interrupted setup: register_meta at 0, one table, the rest missing */
	ck_assert_int_eq(
	    pgserver_psql(NULL, url,
	                  "CREATE TABLE register_meta (one boolean PRIMARY KEY DEFAULT "
	                  "true CHECK (one), schema_version integer NOT NULL, "
	                  "retention_days integer NOT NULL DEFAULT 180 CHECK "
	                  "(retention_days >= 180), received timestamptz NOT NULL "
	                  "DEFAULT now()); INSERT INTO register_meta (schema_version) "
	                  "VALUES (0); CREATE TABLE audit_lines (station text NOT NULL, "
	                  "log_id text NOT NULL, line bigint NOT NULL, bytes bytea NOT "
	                  "NULL, sha256 text NOT NULL, prev_line_sha256 text, status "
	                  "text, certificate_sha256 text, received timestamptz NOT NULL "
	                  "DEFAULT now(), pushed_by name NOT NULL DEFAULT session_user, "
	                  "UNIQUE (log_id, line))"),
	    0);
	ck_assert_int_eq(reg_cli(&out, &err, "init --register '%s'", url), 0);
	ck_assert_str_eq(reg_query(url, "SELECT schema_version FROM register_meta"), "1");
	ck_assert_str_eq(reg_query(url, "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM "
	                                "pg_tables WHERE schemaname = 'public'"),
	                 "audit_lines certificates register_meta reverifications validations");
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM pg_proc WHERE proname LIKE "
	                                "'ws_insert_%' OR proname = 'ws_audit_high_water'"),
	                 "5");
}
END_TEST

START_TEST(test_init_refuses_newer_version)
{
	char *url = reg_fresh_db("init_newer"), *out = NULL, *err = NULL, *before;

	ck_assert_int_eq(pgserver_psql(NULL, url, "UPDATE register_meta SET schema_version = 2"),
	                 0);
	before = catalog(url);
	ck_assert_int_eq(reg_cli(&out, &err, "init --register '%s' --retention-days 999", url),
	                 WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "schema version 2, newer than this wipeseal's 1"));
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(reg_query(url, "SELECT schema_version || ' ' || retention_days FROM "
	                                "register_meta"),
	                 "2 180");
	ck_assert_str_eq(catalog(url), before);
}
END_TEST

/* ---- push ------------------------------------------------------------------------------- */

START_TEST(test_push_good_and_duplicate)
{
	char *url = reg_fresh_db("push_good"), *out = NULL, *sha = sha256_of(fx.cert[0]);
	char *aud = reg_url_db(fx.auditor_url, "push_good");

	ck_assert_int_eq(push(&out, "push_good", fx.cert[0]), 0);
	ck_assert_msg(strncmp(out, "stored ", 7) == 0, "%s", out);
	/* the exact bytes, read back by the auditor and hashed by PostgreSQL */
	ck_assert_str_eq(reg_query(aud, "SELECT encode(sha256(json), 'hex') FROM certificates"),
	                 sha);
	ck_assert_str_eq(reg_query(aud, "SELECT sha256 FROM certificates"), sha);
	ck_assert_str_eq(reg_query(aud, "SELECT encode(sha256(p7s), 'hex') FROM certificates"),
	                 sha256_of(test_fmt("%s.p7s", fx.cert[0])));
	ck_assert_str_eq(reg_query(aud,
	                           "SELECT status || ' ' || asset_tag || ' ' || operator || ' ' "
	                           "|| station || ' ' || pushed_by FROM certificates"),
	                 "SUCCESS A-1234 Grace Hopper CN=Station One st_one");
	ck_assert_str_eq(reg_query(aud, "SELECT certificate_id FROM certificates"),
	                 reg_query(aud,
	                           "SELECT convert_from(json, 'UTF8')::jsonb->>'certificate_id' "
	                           "FROM certificates"));
	ck_assert_int_eq(push(&out, "push_good", fx.cert[0]), 0);
	ck_assert_msg(strncmp(out, "duplicate ", 10) == 0, "%s", out);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "1");
}
END_TEST

START_TEST(test_push_forged_and_weak_refused)
{
	char *url = reg_fresh_db("push_bad"), *out = NULL;
	char *forged =
	    variant(fx.cert[0], "forged", "sed -i '0,/Grace Hopper/s//Grace Hoppes/' \"$f\"");
	char *weak = variant(fx.cert[1], "weak",
	                     test_fmt("openssl cms -sign -binary -in \"$f\" -signer %s/weak.pem "
	                              "-inkey %s/weak.key -outform PEM -out \"$f.p7s\" -md sha256",
	                              fx.pki, fx.pki));

	ck_assert_int_eq(push(&out, "push_bad", forged), WS_EXIT_FAILED);
	ck_assert_msg(strncmp(out, "refused ", 8) == 0 && strstr(out, "signature check failed"),
	              "%s", out);
	ck_assert_int_eq(push(&out, "push_bad", weak), WS_EXIT_FAILED);
	ck_assert_msg(strncmp(out, "refused ", 8) == 0 && strstr(out, "RSA key of 1024 bits"), "%s",
	              out);
	/* one good among them: stored, the others still refused, exit 1 */
	ck_assert_int_eq(
	    push(&out, "push_bad", test_fmt("'%s' '%s' '%s'", forged, fx.cert[2], weak)),
	    WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "stored ") && strchr(out, '\n') && strlen(out) > 0, "%s", out);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "1");
	ck_assert_str_eq(reg_query(url, "SELECT sha256 FROM certificates"), sha256_of(fx.cert[2]));
}
END_TEST

START_TEST(test_push_same_id_other_bytes_is_a_conflict)
{
	char *url = reg_fresh_db("push_conflict"), *out = NULL;
	/* the same document with a byte of white space more, validly signed by the station */
	char *other = variant(fx.cert[0], "conflict",
	                      test_fmt("sed -i '1s/^{$/{ /' \"$f\" && openssl cms -sign -binary "
	                               "-in \"$f\" -signer %s/station.pem -inkey %s/station.key "
	                               "-outform PEM -out \"$f.p7s\" -md sha256",
	                               fx.pki, fx.pki));

	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca.pem '%s'", fx.pki, other), 0);
	ck_assert_int_eq(push(&out, "push_conflict", fx.cert[0]), 0);
	ck_assert_int_eq(push(&out, "push_conflict", other), WS_EXIT_FAILED);
	ck_assert_msg(strncmp(out, "conflict ", 9) == 0 && strstr(out, "other bytes"), "%s", out);
	ck_assert_str_eq(reg_query(url, "SELECT sha256 FROM certificates"), sha256_of(fx.cert[0]));
}
END_TEST

/* Many files in one push: the certificates stored in one transaction (one xmin), each with its
 * own outcome in order; a role the server refuses gets each file refused on its own. */
START_TEST(test_push_batch)
{
	char *url = reg_fresh_db("push_batch"), *out = NULL;
	char *other = variant(fx.cert[0], "batch-conflict",
	                      test_fmt("sed -i '1s/^{$/{ /' \"$f\" && openssl cms -sign -binary "
	                               "-in \"$f\" -signer %s/station.pem -inkey %s/station.key "
	                               "-outform PEM -out \"$f.p7s\" -md sha256",
	                               fx.pki, fx.pki));
	char *files = test_fmt("'%s' '%s' '%s' '%s'", fx.cert[0], other, fx.cert[1], fx.cert[2]);

	ck_assert_int_eq(push(&out, "push_batch", files), WS_EXIT_FAILED);
	ck_assert_int_eq(test_sh(NULL,
	                         "printf '%%s' '%s' | cut -d' ' -f1 | tr '\\n' ' ' | "
	                         "grep -qx 'stored conflict stored stored '",
	                         out),
	                 0);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) || ' ' || count(DISTINCT xmin::text) "
	                                "FROM certificates"),
	                 "3 1");
	/* the auditor may not store: the first statement fails the transaction, and each file
	 * is then sent on its own to get its own answer */
	ck_assert_int_eq(reg_cli(&out, NULL, "push --ca %s/ca.pem --register '%s' %s", fx.pki,
	                         reg_url_db(fx.auditor_url, "push_batch"), files),
	                 WS_EXIT_FAILED);
	ck_assert_int_eq(
	    test_sh(NULL, "[ \"$(printf '%%s' '%s' | grep -c 'may not store')\" = 4 ]", out), 0);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "3");
}
END_TEST

START_TEST(test_push_records)
{
	char *url = reg_fresh_db("push_records"), *out = NULL;

	ck_assert_int_eq(
	    push(&out, "push_records",
	         test_fmt("'%s' '%s' '%s'", fx.cert[0], fx.validation, fx.reverification)),
	    0);
	ck_assert_msg(strstr(out, "stored ") && !strstr(out, "refused"), "%s", out);
	ck_assert_str_eq(reg_query(url, "SELECT encode(sha256(record), 'hex') FROM validations"),
	                 sha256_of(fx.validation));
	ck_assert_str_eq(reg_query(url, "SELECT decision || ' ' || validator || ' ' || "
	                                "certificate_sha256 FROM validations"),
	                 test_fmt("accept CN=Val Idator %s", sha256_of(fx.cert[0])));
	/* the certificate takes its latest validation's decision */
	ck_assert_str_eq(reg_query(url, "SELECT decision || ' ' || validator FROM certificates"),
	                 "accept CN=Val Idator");
	ck_assert_str_eq(reg_query(url, "SELECT encode(sha256(record), 'hex') || ' ' || outcome "
	                                "FROM reverifications"),
	                 test_fmt("%s MATCH", sha256_of(fx.reverification)));
	ck_assert_int_eq(push(&out, "push_records", fx.validation), 0);
	ck_assert_msg(strncmp(out, "duplicate ", 10) == 0, "%s", out);
}
END_TEST

START_TEST(test_push_audit_log_twice_and_grown)
{
	char *url = reg_fresh_db("push_log"), *out = NULL, *n = NULL, *part;
	long lines;

	ck_assert_int_eq(test_sh(&n, "wc -l < '%s'", fx.audit_log), 0);
	lines = strtol(n, NULL, 10);
	ck_assert_int_gt(lines, 6);
	/* the log as it was some lines ago: sent first */
	part = test_fmt("%s/partial.log", scratch_dir());
	ck_assert_int_eq(test_sh(NULL, "head -n 4 '%s' > '%s'", fx.audit_log, part), 0);
	ck_assert_int_eq(push(&out, "push_log", part), 0);
	ck_assert_msg(strstr(out, "4 lines stored"), "%s", out);
	ck_assert_int_eq(push(&out, "push_log", fx.audit_log), 0);
	ck_assert_msg(strstr(out, test_fmt("%ld lines stored", lines - 4)), "%s", out);
	ck_assert_int_eq(push(&out, "push_log", fx.audit_log), 0);
	ck_assert_msg(strncmp(out, "duplicate ", 10) == 0 && strstr(out, ": 0 lines stored"), "%s",
	              out);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM audit_lines"),
	                 test_fmt("%ld", lines));
	/* the chain: every line's prev_line_sha256 is the stored line before's SHA-256 */
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM audit_lines a JOIN audit_lines b ON "
	                                "b.log_id = a.log_id AND b.line = a.line - 1 WHERE "
	                                "a.prev_line_sha256 IS DISTINCT FROM b.sha256"),
	                 "0");
	ck_assert_str_eq(reg_query(url, "SELECT DISTINCT log_id FROM audit_lines"),
	                 reg_query(url, "SELECT sha256 FROM audit_lines WHERE line = 1"));
	ck_assert_int_eq(test_sh(&out,
	                         "psql -X -A -t '%s' -c \"SELECT convert_from(bytes, 'UTF8') "
	                         "FROM audit_lines ORDER BY line\" | cmp - '%s'",
	                         url, fx.audit_log),
	                 0);
}
END_TEST

/* Added by main() after the role tests: the server goes away between pushes. */
START_TEST(test_register_gone_mid_batch)
{
	char *url = reg_fresh_db("gone"), *why = NULL;
	struct ws_register_conn c = { .url = reg_url_db(fx.station_url, "gone") };
	struct ws_push_outcome o = { 0 };
	struct ws_register *r = NULL;
	struct ws_trust *trust = NULL;

	ck_assert_int_eq(ws_trust_load(test_fmt("%s/ca.pem", fx.pki), &trust, &why), 0);
	ck_assert_int_eq(ws_register_connect(&c, &r, &why), 0);
	ck_assert_int_eq(ws_register_push_file(r, trust, NULL, fx.cert[0], &o), 0);
	ck_assert_int_eq(o.status, WS_PUSH_STORED);
	ws_push_outcome_clear(&o);
	pgserver_halt(fx.pg);
	ck_assert_int_eq(ws_register_push_file(r, trust, NULL, fx.cert[1], &o), 0);
	ck_assert_int_eq(o.status, WS_PUSH_UNREACHABLE);
	ck_assert_ptr_nonnull(o.reason);
	ws_push_outcome_clear(&o);
	ck_assert_int_eq(ws_register_push_file(r, trust, NULL, fx.audit_log, &o), 0);
	ck_assert_int_eq(o.status, WS_PUSH_UNREACHABLE);
	ws_push_outcome_clear(&o);
	pgserver_restart(fx.pg);
	/* nothing half-stored: the first certificate only */
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM certificates"), "1");
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM audit_lines"), "0");
	/* the same handle catches up once the server is back */
	ck_assert_int_eq(ws_register_push_file(r, trust, NULL, fx.cert[1], &o), 0);
	ck_assert_int_eq(o.status, WS_PUSH_STORED);
	ws_push_outcome_clear(&o);
	ck_assert_int_eq(ws_register_push_file(r, trust, NULL, fx.audit_log, &o), 0);
	ck_assert_int_eq(o.status, WS_PUSH_STORED);
	ck_assert_str_eq(reg_query(url, "SELECT count(*) FROM audit_lines"),
	                 test_fmt("%u", o.lines));
	ws_push_outcome_clear(&o);
	ws_register_close(r);
	ws_trust_free(trust);
}
END_TEST

/* ---- the fixture, made once --------------------------------------------------------------- */

/* A station-like key and certificate @name (CN @cn) from ca.pem; @alg: genpkey options. */
static void make_signer(const char *name, const char *cn, const char *alg)
{
	char *out = NULL;
	int r = test_sh(
	    &out,
	    "cd '%s' && openssl genpkey -quiet %s -out %s.key && chmod 600 %s.key && "
	    "openssl req -new -key %s.key -subj '/CN=%s' -out %s.csr && "
	    "printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
	    "extendedKeyUsage=1.3.6.1.5.5.7.3.36\\n' > %s.ext && "
	    "openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 "
	    "-extfile %s.ext -out %s.pem",
	    fx.pki, alg, name, name, name, cn, name, name, name, name, name);

	test_require(r == 0, "%s: %s", name, out);
	free(out);
}

static void make_pki(void)
{
	char *out = NULL;

	snprintf(fx.pki, sizeof(fx.pki), "%s/pki", scratch_dir());
	test_require(test_sh(&out,
	                     "mkdir -p '%s' && cd '%s' && openssl req -x509 -newkey rsa:3072 "
	                     "-nodes -keyout ca.key -out ca.pem -days 30 -subj '/CN=test CA' "
	                     "-addext 'basicConstraints=critical,CA:TRUE' -addext "
	                     "'keyUsage=critical,keyCertSign'",
	                     fx.pki, fx.pki) == 0,
	             "CA: %s", out);
	free(out);
	make_signer("station", "Station One", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384");
	make_signer("weak", "Weak One", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024");
	make_signer("validator", "Val Idator", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384");
}

/* Wipe a fresh 16 MiB loop device signed by the station; the certificate's path, and the
 * device (kept attached for reverify) in @ret_dev. */
static char *wipe_one(int i, char **ret_dev)
{
	char *img = scratch_image(test_fmt("r%d.img", i), 16), *dev, *out = NULL, *err = NULL;
	struct json_object *root;
	const char *last = NULL;
	char *file;

	dev = scratch_attach(img, false, false);
	test_require(run_cli(&out, &err,
	                     "wipe --yes --json --signer-key %s/station.key --signer-cert "
	                     "%s/station.pem --audit-log %s/audit.log --cert-dir %s/certs "
	                     "--operator 'Grace Hopper' --asset-tag A-1234 "
	                     "--destination external-reuse '%s'",
	                     fx.pki, fx.pki, scratch_dir(), scratch_dir(), dev) == 0,
	             "wipe: %s", err);
	for (const char *p = out; *p; p++)
		if (p == out || (p[-1] == '\n' && *p))
			last = p;
	root = json_tokener_parse(last);
	test_require(root && json_object_object_get_ex(root, "file", NULL), "no file in %s", out);
	file = strdup(json_object_get_string(json_object_object_get(root, "file")));
	json_object_put(root);
	*ret_dev = dev;
	return file;
}

/* The records of cert[0]: validated (accept), read again (reverify). */
static void make_records(const char *dev)
{
	char *out = NULL, *err = NULL;

	test_require(run_cli(&out, &err,
	                     "validate '%s' --decision accept --key %s/validator.key --cert "
	                     "%s/validator.pem --ca %s/ca.pem --audit-log %s/audit.log",
	                     fx.cert[0], fx.pki, fx.pki, fx.pki, scratch_dir()) == 0,
	             "validate: %s", err);
	fx.validation = test_fmt("%.*s.validation.json", (int)(strlen(fx.cert[0]) - 5), fx.cert[0]);
	test_require(run_cli(&out, &err,
	                     "reverify --certificate '%s' --key %s/validator.key --cert "
	                     "%s/validator.pem --ca %s/ca.pem --out %s/rv --audit-log %s/audit.log "
	                     "'%s'",
	                     fx.cert[0], fx.pki, fx.pki, fx.pki, scratch_dir(), scratch_dir(),
	                     dev) == 0,
	             "reverify: %s", err);
	test_require(test_sh(&out, "ls %s/rv/*.reverify-*.json", scratch_dir()) == 0, "%s", out);
	out[strcspn(out, "\n")] = '\0';
	fx.reverification = out;
}

int main(void)
{
	Suite *s = suite_create("register");
	TCase *tc = tcase_create("register");
	char *dev[3];

	scratch_init("register");
	fx.pg = pgserver_start();
	make_pki();
	test_require(test_sh(NULL, "mkdir -p %s/rv", scratch_dir()) == 0, "mkdir");
	for (int i = 0; i < 3; i++)
		fx.cert[i] = wipe_one(i, &dev[i]);
	make_records(dev[0]);
	fx.audit_log = test_fmt("%s/audit.log", scratch_dir());
	/* `register init` in the default database makes the group roles the members join */
	test_require(pgserver_psql(NULL, fx.pg->owner_url, "SELECT 1") == 0, "owner");
	test_require(run_cli(NULL, NULL, "register init --register '%s'", fx.pg->owner_url) == 0,
	             "init");
	test_require(pgserver_psql(NULL, fx.pg->owner_url,
	                           "CREATE ROLE st_one LOGIN IN ROLE wipeseal_station; "
	                           "CREATE ROLE au_one LOGIN IN ROLE wipeseal_auditor") == 0,
	             "roles");
	fx.station_url = pgserver_client(fx.pg, "st_one");
	fx.auditor_url = pgserver_client(fx.pg, "au_one");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_init_twice_changes_nothing);
	tcase_add_test(tc, test_init_completes_version_0);
	tcase_add_test(tc, test_init_refuses_newer_version);
	tcase_add_test(tc, test_push_good_and_duplicate);
	tcase_add_test(tc, test_push_forged_and_weak_refused);
	tcase_add_test(tc, test_push_same_id_other_bytes_is_a_conflict);
	tcase_add_test(tc, test_push_batch);
	tcase_add_test(tc, test_push_records);
	tcase_add_test(tc, test_push_audit_log_twice_and_grown);
	register_add_role_tests(tc);
	tcase_add_test(tc, test_register_gone_mid_batch);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
