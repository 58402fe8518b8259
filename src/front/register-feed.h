/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * register-feed.h - what every front end that files something does for the central
 * register ([register] in wipeseal.conf): read its settings, and after filing, one bounded
 * try to send the result directory's queue, said in one line.
 *
 * The register being away never changes what a command did nor its exit status: what was
 * not sent waits in the queue (wipeseal/register.h) for the station's sender or for
 * `wipeseal register push --pending DIR`.
 */
#ifndef WS_FRONT_REGISTER_FEED_H
#define WS_FRONT_REGISTER_FEED_H

#include <wipeseal/register.h>

#include "front.h"

/* How long the one try after filing may take, connecting and sending. */
#define REGISTER_FEED_TRY_S 5

struct register_feed {
	bool on; /* [register] url is set */
	struct ws_register_conn conn;
	struct ws_trust *trust; /* [register] verify_ca: what is sent is verified against it */
	struct ws_verify_opts vo;
	unsigned retry_s;                  /* [register] retry; 0: the sender's default */
	struct ws_register_sender *sender; /* the station's, while it runs */
	char **dirs;                       /* register_feed_queue(): the queues written */
	size_t n_dirs;
};

/*
 * register_feed_prepare() - [register] from @cfg into @f: off without a url; with one,
 * verify_ca is required and loaded. Return: an exit code (one line on stderr when not OK).
 */
int register_feed_prepare(struct cli *cli, const struct ws_config *cfg, struct register_feed *f);

/*
 * register_feed_try() - @f on: one bounded try (REGISTER_FEED_TRY_S) to send @dir's queue,
 * then one line on stderr: all stored, or how many wait and why, and the command that
 * sends them later.
 */
void register_feed_try(struct cli *cli, const struct register_feed *f, const char *dir);

/*
 * register_feed_queue() - @f on: @file (a record just written, durably) and @audit_log (or
 * NULL) into the queue of @file's directory; a failure is said in one line (the record
 * stands). register_feed_flush() then tries each queue written.
 */
void register_feed_queue(struct cli *cli, struct register_feed *f, const char *file,
                         const char *audit_log);

/* register_feed_try() for every directory register_feed_queue() wrote a queue in. */
void register_feed_flush(struct cli *cli, struct register_feed *f);

/* One line for what waits in a queue after a try: "stored all" or "N waiting: REASON". */
void register_feed_describe(size_t left, size_t held, const char *why, char *buf, size_t len);

void register_feed_fini(struct register_feed *f);

#endif
