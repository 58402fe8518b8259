/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * progress.h - how a running wipe shows itself: bars on a terminal, JSON lines with --json,
 * a state dump on SIGUSR1, nothing otherwise.
 */
#ifndef WS_FRONT_PROGRESS_H
#define WS_FRONT_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>

#include <wipeseal/wipeseal.h>

struct progress_row {
	struct ws_progress last; /* the newest report */
	bool seen;
	int64_t last_json_ns; /* throttles --json progress lines */
};

struct progress {
	pthread_mutex_t lock;
	struct progress_row *rows;
	size_t n;
	bool tty;     /* draw bars on stderr */
	bool json;    /* progress events on stdout */
	size_t drawn; /* lines drawn last time */
};

int progress_init(struct progress *p, size_t n, bool json);
void progress_fini(struct progress *p);
/* The library's callback; userdata is a struct progress_slot. */
void progress_report(void *userdata, const struct ws_progress *wp);
/* Redraw the bars (terminal only). */
void progress_draw(struct progress *p);
/* One line per target on stderr: the SIGUSR1 dump. */
void progress_dump(struct progress *p);
/* Clear the bars before the results are printed. */
void progress_clear(struct progress *p);

/* Handed to the library as userdata: which row a worker reports into. */
struct progress_slot {
	struct progress *p;
	size_t row;
};

/* "0:42", "1:02:03", "--:--" when unknown (< 0). Return: @buf. */
const char *progress_fmt_eta(double seconds, char *buf, size_t len);

/* "write", "flush", ... */
const char *progress_phase_name(enum ws_phase phase);

#endif
