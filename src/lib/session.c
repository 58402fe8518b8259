/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session.c - the station's session (wipeseal/operator.h): who is logged in, and the lock
 * that falls when they walk away (no key for [station] lock_after seconds) or pull their
 * card. A locked session keeps its operator: the same card unlocks it, another operator's
 * login takes it over (the one before is logged out).
 *
 * Every change is a line of the audit log, in the same signed chain as the wipes. The login
 * itself is not: ws_operator_login() has already written its LOGIN (or LOGIN-FAILED) line
 * with the card check, and one login is one line. The session writes the rest:
 *
 *   UNLOCK        the same operator back after a lock
 *   LOCK          note "idle", "card removed", or what the caller asked ("asked")
 *   CARD-REMOVED  the card left its reader (before the LOCK it causes)
 *   LOGOUT        another operator took the session, or the station closed
 *
 * The clock is injectable (monotonic seconds) so the unit tests can step it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wipeseal/operator.h>

#include "internal.h"

struct ws_session {
	unsigned lock_after;
	char *audit_log;
	const struct ws_signer *station;
	char *station_name;
	int64_t (*now)(void *userdata);
	void *now_userdata;

	enum ws_session_state state;
	struct ws_operator *op; /* also while locked: who may unlock */
	bool card_gone;         /* CARD-REMOVED written for op's card */
	int64_t last;           /* the last activity */
	char *audit_error;      /* the last audit line that could not be written */
};

static int64_t monotonic(void *userdata)
{
	struct timespec ts;

	(void)userdata;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static int64_t now(const struct ws_session *s)
{
	return s->now(s->now_userdata);
}

/* ---- the audit lines ------------------------------------------------------------------------ */

/* One line about @op (may be NULL): @status, @note. Kept going when it cannot be written
 * (the lock must fall anyway); ws_session_audit_error() says why. */
static int audit(struct ws_session *s, const struct ws_operator *op, const char *status,
                 const char *note)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r;

	if (!s->audit_log || !s->station)
		return 0;
	r = ws_audit_open(s->audit_log, s->station, &log, &why);
	if (r == 0)
		r = ws_audit_append(log,
		                    &(struct ws_audit_entry){
		                        .status = status,
		                        .operator_name = op ? ws_operator_name(op) : NULL,
		                        .note = note,
		                        .station = s->station_name,
		                        .card_serial = op ? ws_operator_card_serial(op) : NULL,
		                        .operator_subject = op ? ws_operator_subject(op) : NULL,
		                        .operator_sha256 = op ? ws_operator_fingerprint(op) : NULL,
		                    },
		                    &why);
	ws_audit_close(log);
	if (r < 0) {
		free(s->audit_error);
		s->audit_error = why ? why : strdup("audit log: a line could not be written");
		return r;
	}
	free(why);
	return 0;
}

/* ---- the session ---------------------------------------------------------------------------- */

int ws_session_new(const struct ws_session_opts *o, struct ws_session **ret)
{
	struct ws_session *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->lock_after = o->lock_after;
	s->station = o->station;
	s->now = o->now ? o->now : monotonic;
	s->now_userdata = o->now_userdata;
	s->state = WS_SESSION_LOGGED_OUT;
	if ((o->audit_log && !(s->audit_log = strdup(o->audit_log))) ||
	    (o->station_name && !(s->station_name = strdup(o->station_name)))) {
		ws_session_free(s);
		return -ENOMEM;
	}
	s->last = now(s);
	*ret = s;
	return 0;
}

static bool same_card(const struct ws_operator *a, const struct ws_operator *b)
{
	const char *sa = a ? ws_operator_card_serial(a) : NULL;
	const char *sb = b ? ws_operator_card_serial(b) : NULL;

	return sa && sb && strcmp(sa, sb) == 0;
}

/* @s's operator leaves: LOGOUT (@why), the card's session closed (unless @next logs in on
 * the same card: PKCS#11 logs a token out for every session of the process), the reference
 * dropped. */
static void drop_operator(struct ws_session *s, const char *why, const struct ws_operator *next)
{
	if (!s->op)
		return;
	(void)audit(s, s->op, "LOGOUT", why);
	if (!same_card(s->op, next))
		ws_operator_logout(s->op);
	s->op = ws_operator_unref(s->op);
	s->card_gone = false;
	s->state = WS_SESSION_LOGGED_OUT;
}

struct ws_session *ws_session_free(struct ws_session *s)
{
	if (!s)
		return NULL;
	drop_operator(s, "the station closed", NULL);
	free(s->audit_log);
	free(s->station_name);
	free(s->audit_error);
	free(s);
	return NULL;
}

static bool same_operator(const struct ws_operator *a, const struct ws_operator *b)
{
	const char *fa = a ? ws_operator_fingerprint(a) : NULL;
	const char *fb = b ? ws_operator_fingerprint(b) : NULL;

	return fa && fb && strcmp(fa, fb) == 0;
}

int ws_session_login(struct ws_session *s, struct ws_operator *op, char **ret_reason)
{
	bool unlock = s->state == WS_SESSION_LOCKED && same_operator(s->op, op);
	int r = 0;

	if (!op)
		return ws_reason(ret_reason, -EINVAL, "no operator to log in");
	if (same_operator(s->op, op)) {
		/* the same person: a fresh login replaces the old one (the same card: not
		 * logged out, that would log out the new login too) */
		if (s->op != op) {
			if (!same_card(s->op, op))
				ws_operator_logout(s->op);
			ws_operator_unref(s->op);
			s->op = ws_operator_ref(op);
		}
	} else {
		drop_operator(s, "another operator logged in", op);
		s->op = ws_operator_ref(op);
	}
	s->card_gone = false;
	s->state = WS_SESSION_ACTIVE;
	s->last = now(s);
	/* the LOGIN line is ws_operator_login()'s; an unlock is the session's */
	if (unlock && (r = audit(s, op, "UNLOCK", NULL)) < 0)
		return ws_reason(ret_reason, r, "%s", s->audit_error);
	return 0;
}

void ws_session_activity(struct ws_session *s)
{
	if (s->state == WS_SESSION_ACTIVE)
		s->last = now(s);
}

/* Lock an active session: a LOCK line saying @why. */
static int lock(struct ws_session *s, const char *why)
{
	s->state = WS_SESSION_LOCKED;
	return audit(s, s->op, "LOCK", why);
}

/* The card left: CARD-REMOVED once, its key logged out. */
static void card_removed(struct ws_session *s)
{
	s->card_gone = true;
	(void)audit(s, s->op, "CARD-REMOVED", NULL);
	ws_operator_logout(s->op);
}

enum ws_session_state ws_session_poll(struct ws_session *s)
{
	if (!s->op || s->state == WS_SESSION_LOGGED_OUT)
		return s->state;
	if (!s->card_gone && !ws_operator_present(s->op)) {
		card_removed(s);
		if (s->state == WS_SESSION_ACTIVE)
			(void)lock(s, "card removed");
		return s->state;
	}
	if (s->state == WS_SESSION_ACTIVE && s->lock_after &&
	    now(s) - s->last >= (int64_t)s->lock_after)
		(void)lock(s, "idle");
	return s->state;
}

int ws_session_lock(struct ws_session *s, const char *why)
{
	if (s->state == WS_SESSION_LOGGED_OUT)
		return -ENOTCONN;
	if (s->state == WS_SESSION_LOCKED)
		return 0;
	return lock(s, why ? why : "asked");
}

enum ws_session_state ws_session_state(const struct ws_session *s)
{
	return s->state;
}

struct ws_operator *ws_session_operator(const struct ws_session *s)
{
	return s->op;
}

const char *ws_session_audit_error(const struct ws_session *s)
{
	return s->audit_error;
}
