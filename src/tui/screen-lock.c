/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-lock.c - the locked station: after [station] lock_after without a key, at once
 * when the operator's card leaves its reader, or on 'l'. The running wipes go on and their
 * rows keep moving; a banner says who may unlock; every key only starts the unlock (the
 * login box: the same card and PIN, or another operator's card). Nothing starts, no field
 * or setting changes: the prompts open at the lock are closed, their edits dropped.
 *
 * Before anyone has logged in, the same holds with the login box open from the start.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "station.h"

/* The session has just locked: close what was open, say why. */
static void locked(struct station *st, enum ws_session_state before)
{
	struct ws_operator *op = ws_session_operator(st->ops.session);

	if (before != WS_SESSION_ACTIVE)
		return;
	/* the summary, and the new batch's box (its lot is asked for once), stay */
	if (st->prompt.kind != PROMPT_SUMMARY && st->prompt.kind != PROMPT_BATCH)
		memset(&st->prompt, 0, sizeof(st->prompt));
	login_close(st);
	station_message(st, "locked%s%s",
	                op && !ws_operator_present(op) ? ": the card was removed" : "",
	                station_running(st) ? "; the running wipes go on" : "");
}

void lock_tick(struct station *st)
{
	enum ws_session_state before, now;
	const char *err;

	if (!st->ops.cfg.on)
		return;
	before = ws_session_state(st->ops.session);
	now = ws_session_poll(st->ops.session);
	if (now == WS_SESSION_LOCKED)
		locked(st, before);
	err = ws_session_audit_error(st->ops.session);
	if (err && now != before)
		station_message(st, "%s", err);
	login_tick(st);
}

void lock_now(struct station *st)
{
	enum ws_session_state before = ws_session_state(st->ops.session);

	if (!st->ops.cfg.on) /* nobody logged in to lock out: the key does nothing, as before */
		return;
	(void)ws_session_lock(st->ops.session, "asked");
	locked(st, before);
}

void lock_key(struct station *st, int key)
{
	bool logged_out = ws_session_state(st->ops.session) == WS_SESSION_LOGGED_OUT;

	/* before anyone logged in and with nothing running, the station may be left */
	if (logged_out && !station_running(st) && st->login.step != LOGIN_PIN &&
	    (key == 'q' || key == 3)) {
		st->quit = true;
		return;
	}
	if (st->login.step == LOGIN_CLOSED) {
		login_open(st);
		login_tick(st);
		return;
	}
	login_key(st, key);
}

void lock_draw(struct station *st)
{
	struct ws_operator *op = ws_session_operator(st->ops.session);
	char line[300];

	if (ws_session_state(st->ops.session) == WS_SESSION_LOCKED) {
		/* in place of the keys: the rows and their progress stay as they are */
		snprintf(line, sizeof(line),
		         " LOCKED: %s may unlock, or another operator log in. Any key: unlock",
		         op ? ws_operator_name(op) : "the operator");
		attron(A_REVERSE | A_BOLD);
		mvhline(LINES - 1, 0, ' ', COLS);
		draw_text(LINES - 1, 0, COLS, line);
		attroff(A_REVERSE | A_BOLD);
	}
	login_draw(st);
}
