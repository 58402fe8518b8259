/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-session.c - the station's session (src/lib/session.c) with a clock the test steps:
 * the idle lock falls exactly at lock_after, a key restarts it, lock_after 0 never locks by
 * time, the same operator unlocks, another operator takes over (the first is logged out),
 * a pulled card locks at once. Each test reads the audit log back: the lines, their notes
 * and operator members, and the signed chain (ws_audit_verify()).
 *
 * The operators are this file's own (the ws_operator_* the session calls, wrapped at link
 * time): a card that is present until the test pulls it. The real ones need a token; the station's
 * tests in tmux log in with SoftHSM2 (tests/integration/test-station-login.c).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <wipeseal/operator.h>

#include "testutil.h"

/* ---- operators without a card ------------------------------------------------------------ */

/* The session's calls to ws_operator_*() come here (-Wl,--wrap, tests/unit/CMakeLists.txt):
 * the library's own operator.c stays linked for the rest of the library. */
struct ws_operator *__wrap_ws_operator_ref(struct ws_operator *op);
struct ws_operator *__wrap_ws_operator_unref(struct ws_operator *op);
const char *__wrap_ws_operator_name(const struct ws_operator *op);
const char *__wrap_ws_operator_subject(const struct ws_operator *op);
const char *__wrap_ws_operator_fingerprint(const struct ws_operator *op);
const char *__wrap_ws_operator_card_serial(const struct ws_operator *op);
bool __wrap_ws_operator_present(struct ws_operator *op);
void __wrap_ws_operator_logout(struct ws_operator *op);

struct ws_operator {
	int refs;
	bool present;
	bool logged_out;
	char name[32], subject[64], sha[65], serial[16];
};

static struct ws_operator *fake_operator(const char *name, char fpr)
{
	struct ws_operator *op = calloc(1, sizeof(*op));

	ck_assert_ptr_nonnull(op);
	op->refs = 1;
	op->present = true;
	snprintf(op->name, sizeof(op->name), "%s", name);
	snprintf(op->subject, sizeof(op->subject), "CN=%s,O=Example Org", name);
	memset(op->sha, fpr, 64);
	snprintf(op->serial, sizeof(op->serial), "card-%c", fpr);
	return op;
}

struct ws_operator *__wrap_ws_operator_ref(struct ws_operator *op)
{
	if (op)
		op->refs++;
	return op;
}

struct ws_operator *__wrap_ws_operator_unref(struct ws_operator *op)
{
	if (op && --op->refs == 0)
		free(op);
	return NULL;
}

const char *__wrap_ws_operator_name(const struct ws_operator *op)
{
	return op->name;
}

const char *__wrap_ws_operator_subject(const struct ws_operator *op)
{
	return op->subject;
}

const char *__wrap_ws_operator_fingerprint(const struct ws_operator *op)
{
	return op->sha;
}

const char *__wrap_ws_operator_card_serial(const struct ws_operator *op)
{
	return op->serial;
}

bool __wrap_ws_operator_present(struct ws_operator *op)
{
	return op->present && !op->logged_out;
}

void __wrap_ws_operator_logout(struct ws_operator *op)
{
	op->logged_out = true;
}

/* ---- the station key, the clock, the log ------------------------------------------------- */

static char *dir;
static struct ws_signer *station;
static struct ws_trust *trust;
static int64_t clock_s;

static int64_t test_now(void *userdata)
{
	(void)userdata;
	return clock_s;
}

static void setup(void)
{
	char st[4200], ca[4200];

	dir = test_tmpdir("session");
	test_require(test_sh(NULL,
	                     "'%s/certs/make-ca.sh' '%s/ca' >/dev/null 2>&1 && "
	                     "'%s/certs/make-station.sh' '%s/ca' '%s/st' --ec >/dev/null 2>&1",
	                     WS_SOURCE_DIR, dir, WS_SOURCE_DIR, dir, dir) == 0,
	             "make-ca.sh, make-station.sh");
	snprintf(st, sizeof(st), "%s/st", dir);
	snprintf(ca, sizeof(ca), "%s/ca/ca.pem", dir);
	station = test_station_signer(st);
	test_require(ws_trust_load(ca, &trust, NULL) == 0, "the CA");
}

static char *log_path(const char *tag)
{
	char *p = NULL;

	ck_assert_int_ge(asprintf(&p, "%s/%s.log", dir, tag), 0);
	remove(p);
	return p;
}

static struct ws_session *session(const char *log, unsigned lock_after)
{
	struct ws_session *s = NULL;

	clock_s = 1000;
	ck_assert_int_eq(ws_session_new(&(struct ws_session_opts){ .lock_after = lock_after,
	                                                           .audit_log = log,
	                                                           .station = station,
	                                                           .station_name = "bay-1",
	                                                           .now = test_now },
	                                &s),
	                 0);
	return s;
}

/* The log's statuses and notes after its SIGNER line, as "STATUS(note) ..."; its chain and
 * signatures checked. */
static char *events(const char *log)
{
	struct ws_audit_summary sum = { 0 };
	char line[8192], *out = calloc(1, 4096);
	FILE *f = fopen(log, "r");

	ck_assert_ptr_nonnull(out);
	if (!f)
		return out;
	ck_assert_int_eq(ws_audit_verify(log, NULL, trust, NULL, NULL, &sum), 0);
	ck_assert_uint_eq(sum.problems, 0);
	ck_assert_uint_eq(sum.signed_lines, sum.lines);
	while (fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line), *v;
		const char *status, *note;

		ck_assert_ptr_nonnull(o);
		status = json_object_get_string(json_object_object_get(o, "status"));
		if (strcmp(status, "SIGNER") != 0) {
			note = json_object_object_get_ex(o, "note", &v) ? json_object_get_string(v)
			                                                : NULL;
			ck_assert_str_eq(
			    json_object_get_string(json_object_object_get(o, "station")), "bay-1");
			ck_assert_ptr_nonnull(json_object_object_get(o, "card_serial"));
			ck_assert_ptr_nonnull(json_object_object_get(o, "operator_subject"));
			ck_assert_ptr_nonnull(json_object_object_get(o, "operator_sha256"));
			snprintf(out + strlen(out), 4096 - strlen(out), "%s%s%s%s%s(%s)",
			         out[0] ? " " : "", status, note ? "(" : "", note ? note : "",
			         note ? ")" : "",
			         json_object_get_string(json_object_object_get(o, "operator")));
		}
		json_object_put(o);
	}
	fclose(f);
	return out;
}

static void expect_events(const char *log, const char *want)
{
	char *got = events(log);

	ck_assert_str_eq(got, want);
	free(got);
}

/* ---- the tests ------------------------------------------------------------------------------ */

START_TEST(test_idle_lock_at_lock_after)
{
	char *log = log_path("idle");
	struct ws_session *s = session(log, 900);
	struct ws_operator *ada = fake_operator("Ada", 'a');

	ck_assert_int_eq(ws_session_state(s), WS_SESSION_LOGGED_OUT);
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOGGED_OUT);
	ck_assert_ptr_null(ws_session_operator(s));
	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	ck_assert_ptr_eq(ws_session_operator(s), ada);
	clock_s += 899;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE);
	clock_s += 1;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED);
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED); /* one LOCK line */
	/* locked, the operator is the one who may unlock; keys do not unlock */
	ck_assert_ptr_eq(ws_session_operator(s), ada);
	ws_session_activity(s);
	ck_assert_int_eq(ws_session_state(s), WS_SESSION_LOCKED);
	/* the login line is ws_operator_login()'s, not the session's */
	expect_events(log, "LOCK(idle)(Ada)");
	ws_operator_unref(ada);
	ws_session_free(s);
	expect_events(log, "LOCK(idle)(Ada) LOGOUT(the station closed)(Ada)");
	free(log);
}
END_TEST

START_TEST(test_activity_restarts_the_clock)
{
	char *log = log_path("activity");
	struct ws_session *s = session(log, 60);
	struct ws_operator *ada = fake_operator("Ada", 'a');

	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	for (int i = 0; i < 5; i++) {
		clock_s += 59;
		ws_session_activity(s);
		ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE);
	}
	clock_s += 59;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE);
	clock_s += 1;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED);
	expect_events(log, "LOCK(idle)(Ada)");
	ws_operator_unref(ada);
	ws_session_free(s);
	free(log);
}
END_TEST

START_TEST(test_lock_after_zero_never_by_time)
{
	char *log = log_path("zero");
	struct ws_session *s = session(log, 0);
	struct ws_operator *ada = fake_operator("Ada", 'a');

	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	clock_s += 365 * 86400;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE);
	/* asked: locks, audited with the reason given */
	ck_assert_int_eq(ws_session_lock(s, "asked"), 0);
	ck_assert_int_eq(ws_session_lock(s, "asked"), 0); /* already: no second line */
	ck_assert_int_eq(ws_session_state(s), WS_SESSION_LOCKED);
	expect_events(log, "LOCK(asked)(Ada)");
	ws_operator_unref(ada);
	ws_session_free(s);
	free(log);
}
END_TEST

START_TEST(test_unlock_by_the_same_operator)
{
	char *log = log_path("unlock");
	struct ws_session *s = session(log, 10);
	struct ws_operator *ada = fake_operator("Ada", 'a'), *again = fake_operator("Ada", 'a');

	ck_assert_int_eq(ws_session_lock(s, "asked"), -ENOTCONN); /* nobody to lock */
	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	clock_s += 10;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED);
	/* her card, her PIN again: a fresh login of the same certificate */
	ck_assert_int_eq(ws_session_login(s, again, NULL), 0);
	ck_assert_int_eq(ws_session_state(s), WS_SESSION_ACTIVE);
	ck_assert_ptr_eq(ws_session_operator(s), again);
	ck_assert(!ada->logged_out); /* the same card: logging it out would end the new login */
	/* the idle clock starts again at the unlock */
	clock_s += 9;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE);
	expect_events(log, "LOCK(idle)(Ada) UNLOCK(Ada)");
	ws_operator_unref(ada);
	ws_operator_unref(again);
	ws_session_free(s);
	free(log);
}
END_TEST

START_TEST(test_another_operator_takes_over)
{
	char *log = log_path("other");
	struct ws_session *s = session(log, 10);
	struct ws_operator *ada = fake_operator("Ada", 'a'), *bob = fake_operator("Bob", 'b');

	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	ck_assert_int_eq(ws_session_lock(s, "asked"), 0);
	ck_assert_int_eq(ws_session_login(s, bob, NULL), 0);
	ck_assert_int_eq(ws_session_state(s), WS_SESSION_ACTIVE);
	ck_assert_ptr_eq(ws_session_operator(s), bob);
	ck_assert(ada->logged_out);
	ck_assert_int_eq(ada->refs, 1); /* the session let go of her */
	expect_events(log, "LOCK(asked)(Ada) LOGOUT(another operator logged in)(Ada)");
	ws_operator_unref(ada);
	ws_operator_unref(bob);
	ws_session_free(s);
	free(log);
}
END_TEST

START_TEST(test_card_removed_locks_at_once)
{
	char *log = log_path("card");
	struct ws_session *s = session(log, 900);
	struct ws_operator *ada = fake_operator("Ada", 'a'), *again = fake_operator("Ada", 'a');

	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	clock_s += 1;
	ada->present = false;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED);
	ck_assert(ada->logged_out);
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED); /* said once */
	/* the card back, the PIN typed: unlocked */
	ck_assert_int_eq(ws_session_login(s, again, NULL), 0);
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE);
	/* pulled while locked: CARD-REMOVED, no second LOCK */
	ck_assert_int_eq(ws_session_lock(s, "asked"), 0);
	again->present = false;
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_LOCKED);
	expect_events(log, "CARD-REMOVED(Ada) LOCK(card removed)(Ada) UNLOCK(Ada) "
	                   "LOCK(asked)(Ada) CARD-REMOVED(Ada)");
	ws_operator_unref(ada);
	ws_operator_unref(again);
	ws_session_free(s);
	free(log);
}
END_TEST

START_TEST(test_no_audit_log)
{
	struct ws_session *s = NULL;
	struct ws_operator *ada = fake_operator("Ada", 'a');

	ck_assert_int_eq(ws_session_new(&(struct ws_session_opts){ .lock_after = 900 }, &s), 0);
	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	ck_assert_int_eq(ws_session_poll(s), WS_SESSION_ACTIVE); /* the real clock */
	ck_assert_int_eq(ws_session_lock(s, NULL), 0);
	ck_assert_ptr_null(ws_session_audit_error(s));
	ws_operator_unref(ada);
	ws_session_free(s);
}
END_TEST

START_TEST(test_audit_error_kept)
{
	char *log = NULL;
	struct ws_session *s;
	struct ws_operator *ada = fake_operator("Ada", 'a');

	ck_assert_int_ge(asprintf(&log, "%s/not-a-dir", dir), 0);
	ck_assert_int_eq(test_sh(NULL, "touch '%s'", log), 0);
	free(log);
	ck_assert_int_ge(asprintf(&log, "%s/not-a-dir/audit.log", dir), 0);
	s = session(log, 900);
	ck_assert_int_eq(ws_session_login(s, ada, NULL), 0);
	/* the lock falls even though its line cannot be written; the reason is kept */
	ck_assert_int_lt(ws_session_lock(s, "asked"), 0);
	ck_assert_int_eq(ws_session_state(s), WS_SESSION_LOCKED);
	ck_assert_ptr_nonnull(ws_session_audit_error(s));
	ck_assert_ptr_nonnull(strstr(ws_session_audit_error(s), "not-a-dir"));
	ws_operator_unref(ada);
	ws_session_free(s);
	free(log);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("session");
	TCase *tc = tcase_create("session");

	setup();
	tcase_add_test(tc, test_idle_lock_at_lock_after);
	tcase_add_test(tc, test_activity_restarts_the_clock);
	tcase_add_test(tc, test_lock_after_zero_never_by_time);
	tcase_add_test(tc, test_unlock_by_the_same_operator);
	tcase_add_test(tc, test_another_operator_takes_over);
	tcase_add_test(tc, test_card_removed_locks_at_once);
	tcase_add_test(tc, test_no_audit_log);
	tcase_add_test(tc, test_audit_error_kept);
	suite_add_tcase(su, tc);
	return test_run_suite(su);
}
