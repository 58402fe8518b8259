/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * feed.c - the station feeds the central register ([register] url): the library's sender
 * runs while the station is open (every certificate the job files is queued and the sender
 * poked: job-file.c), the screen's register line says how many files wait and why, `--auto`
 * prints a line when that changes, and on the way out one last bounded try says what is
 * left, and how to send it later.
 */
#include <stdio.h>
#include <string.h>

#include "station.h"

/* How long the last try on the way out may take. */
#define FEED_LAST_TRY_S 10

void feed_start(struct station *st)
{
	struct register_feed *f = &st->ws->reg;
	int r;

	if (!f->on || f->sender)
		return;
	r = ws_register_sender_start(&f->conn, f->trust, &f->vo, wipe_setup_queue_dir(st->ws),
	                             f->retry_s, &f->sender);
	if (r < 0)
		station_message(st,
		                "register: the sender could not start (%s): the queue waits "
		                "for wipeseal register push --pending",
		                strerror(-r));
}

bool feed_line(struct station *st, char *buf, size_t len)
{
	struct ws_sender_status s;
	char what[180];

	buf[0] = '\0';
	if (!st->ws->reg.sender)
		return false;
	ws_register_sender_status(st->ws->reg.sender, &s);
	register_feed_describe(s.queued, s.held, s.last_error[0] ? s.last_error : NULL, what,
	                       sizeof(what));
	snprintf(buf, len, "register: %s", what);
	return true;
}

bool feed_changed(struct station *st, char *buf, size_t len)
{
	if (!feed_line(st, buf, len) || strcmp(buf, st->feed_said) == 0)
		return false;
	snprintf(st->feed_said, sizeof(st->feed_said), "%s", buf);
	return true;
}

void feed_stop(struct station *st)
{
	struct register_feed *f = &st->ws->reg;
	struct ws_sender_status s;
	char what[180];

	if (!f->sender)
		return;
	f->sender = ws_register_sender_stop(f->sender, FEED_LAST_TRY_S, &s);
	register_feed_describe(s.queued, s.held, s.last_error[0] ? s.last_error : NULL, what,
	                       sizeof(what));
	if (s.queued)
		printf("wipeseal: register: %s; wipeseal register push --pending %s sends them\n",
		       what, st->ws->cert_dir);
	else
		printf("wipeseal: register: %s\n", what);
	fflush(stdout);
}
