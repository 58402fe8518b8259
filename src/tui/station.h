/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * station.h - `wipeseal station`: the terminal UI of a disposal station.
 *
 * One screen lists the drives (and, while they run, their progress); prompts (method,
 * verification, the operator's fields, the typed confirmation, help, the summary) are drawn
 * over it and take the keyboard while open, but never stop the main loop: wipes go on
 * being drawn, filed and hot-plug events applied under any prompt. The wiping itself is the
 * library's batch runner, set up by the same code as `wipeseal wipe` (wipe-setup.c), so a
 * drive erased here gets exactly the certificate `wipe` would write.
 *
 * Files: station.c (the loop, keys), start.c (starting and filing), auto.c (the same without a
 * screen, for unattended stations), drives.c (the drive list and hot-plug), screen-list.c, screen-help.c, screen-summary.c, screen-fields.c, prompt.c
 * (menus, typed confirmation, yes/no), draw.c (what the screens share).
 */
#ifndef WS_TUI_STATION_H
#define WS_TUI_STATION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "tui.h"
#include "wipe-setup.h"

enum drive_state {
	DRIVE_IDLE,    /* listed; selectable when eligible */
	DRIVE_REFUSED, /* the gate or the technique check refused it at start */
	DRIVE_RUNNING,
	DRIVE_ENDED, /* ran: see status */
};

struct station;

struct drive {
	struct station *owner;
	char *path;            /* as named, or the device node */
	struct ws_device *dev; /* the newest snapshot; NULL when it could not be described */
	bool selected;
	bool gone;  /* hot-plug says it disappeared */
	bool named; /* named on the command line */
	enum drive_state state;
	char *note; /* why refused, or the result's reason (malloc'd) */
	char asset_tag[128];

	/* while running */
	atomic_bool cancel;
	bool abort_asked;
	struct ws_progress last; /* the newest report, under station.lock */
	bool seen;
	enum ws_technique technique;
	char method[48]; /* what it got: the plan's method for overwriting, else the technique */

	/* once ended */
	enum ws_status status;
	double seconds;
	char *cert_file;
};

enum prompt_kind {
	PROMPT_NONE,
	PROMPT_HELP,
	PROMPT_METHOD,
	PROMPT_VERIFY,
	PROMPT_FIELDS,
	PROMPT_START,
	PROMPT_ABORT,
	PROMPT_QUIT,
	PROMPT_SUMMARY,
};

#define MENU_MAX  32
#define INPUT_MAX 128
#define N_FIELDS  10

struct prompt {
	enum prompt_kind kind;
	struct drive *drive; /* the drive the prompt acts on (abort, the asset tag), by
				identity: never a row index that a removed row would shift */
	int cursor;          /* menu entry or form field */
	int n;               /* entries */
	char entries[MENU_MAX][48];
	bool enabled[MENU_MAX];
	char input[INPUT_MAX]; /* text typed so far */
	bool editing;          /* a form field is being typed */
	char error[160];
};

struct station {
	struct cli *cli;
	struct wipe_setup *ws;
	bool show_all; /* --all: also virtual devices (loop) in a scan */
	bool named;    /* drives were named: show only those */

	struct drive **drives;
	size_t n_drives;
	int cursor, top;

	struct prompt prompt;
	char message[200]; /* one line at the bottom: the last thing that happened */

	/* the running job (wipeseal/job.h): item_drive[i] is the drive of its target i */
	pthread_mutex_t lock; /* drive.last, drive.seen */
	struct ws_job *job;
	struct drive **item_drive;
	size_t n_items, n_started, n_ended;

	struct ws_monitor *monitor;
	char field_buf[N_FIELDS][INPUT_MAX]; /* values edited with 'o' */
	bool quit;
	int exit_code;
};

/* station.c */
bool station_running(const struct station *st);
/* File the wipes that have ended; free the batch when all have. */
void station_poll(struct station *st);
/* The summary lines on stdout. */
void station_print_summary(const struct station *st);
/* SIGTERM, SIGHUP, SIGINT, SIGPIPE: noted, for the loop to abort every wipe and leave. */
void station_signals(void);
/* The signal noted, or 0. */
int station_stop_signal(void);

/* drives.c */
int drives_load(struct station *st, char **paths, size_t n);
void drives_hotplug(struct station *st);
void drives_refresh(struct station *st, struct drive *d);
void drives_free(struct station *st);
size_t drives_selected(const struct station *st);
/* Why @d cannot be selected now, or NULL when it can. */
const char *drive_unselectable(const struct drive *d);

/* draw.c */
void draw_box(int y, int x, int h, int w, const char *title);
void draw_text(int y, int x, int w, const char *s);
void draw_bar(int y, int x, int w, double frac);
const char *drive_best_technique(const struct ws_device *dev);

/* screen-list.c */
void screen_list_draw(struct station *st);

/* screen-help.c */
void screen_help_draw(struct station *st);

/* screen-summary.c */
void screen_summary_draw(struct station *st);
/* One line of the summary for a drive that ran or was refused. */
void station_summary_line(const struct drive *d, char *buf, size_t len);

/* screen-fields.c */
void fields_open(struct station *st);
void fields_draw(struct station *st);
void fields_key(struct station *st, int key);

/* prompt.c */
void prompt_open_method(struct station *st);
void prompt_open_verify(struct station *st);
void prompt_draw(struct station *st);
/* Keys for menus, yes/no and typed confirmation. Return: true when the prompt took it. */
void prompt_key(struct station *st, int key);
/* Up/Down (j/k) in a menu or the form: true when @key was one of them. */
bool prompt_move(struct prompt *p, int key);
/* Text input shared by the confirmation and the form: true when @key was taken. */
bool input_key(char *buf, size_t len, int key);

/* station.c: @d went away or another medium took its place: a prompt that acts on it, or
 * the start prompt that lists it, says so and closes. */
void station_forget(struct station *st, struct drive *d, const char *what);

/* the actions a prompt ends in (station.c) */
void station_start(struct station *st);
void station_abort(struct station *st, struct drive *d);
void station_message(struct station *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
