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
 * screen, for unattended stations), drives.c (the drive list and hot-plug), screen-list.c, screen-help.c, screen-summary.c, screen-fields.c, prompt.c, operators.c (cards, the
 * session), screen-login.c, screen-lock.c
 * (menus, typed confirmation, yes/no), draw.c (what the screens share).
 */
#ifndef WS_TUI_STATION_H
#define WS_TUI_STATION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <wipeseal/operator.h>

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
	unsigned batch_seq; /* the batch it was last started in (screen-batch.c) */
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
	PROMPT_UNFREEZE, /* screen-unfreeze.c: suspend to lift freeze locks? */
	PROMPT_BATCH,    /* screen-batch.c: the customer, job and batch of a new batch */
	PROMPT_SCAN,     /* screen-scan.c: scanner mode, each line the tag of a drive */
};

#define MENU_MAX  32
#define INPUT_MAX 128
#define N_FIELDS  10

struct prompt {
	enum prompt_kind kind;
	struct drive *drive; /* the drive the prompt acts on (abort, the asset tag), by
				identity: never a row index that a removed row would shift */
	int cursor;          /* menu entry or form field; the summary: its first drive shown */
	int n;               /* entries */
	char entries[MENU_MAX][48];
	bool enabled[MENU_MAX];
	char input[INPUT_MAX]; /* text typed so far */
	bool editing;          /* a form field is being typed */
	char error[160];
	bool fresh; /* the field's value as it was, shown selected: the first key replaces it */
	int shown, below; /* the summary as drawn last: drives on the screen, drives below them */
};

/* operators.c: the operators' cards, when this station logs them in (the rule is
 * operators.c's) */
struct station_ops {
	/* [operators] and [station] lock_after (on: operators log in, nothing starts
	 * without one; require_card: every job needs an operator) */
	struct ws_operators_config cfg;
	char name[256]; /* this station, as its audit lines name it */
	struct ws_session *session;
};

/* screen-login.c: the login (and unlock) box */
enum login_step {
	LOGIN_CLOSED, /* locked: the banner, until a key opens the box */
	LOGIN_INSERT, /* no card yet: scanned about once a second */
	LOGIN_CHOOSE, /* the card holds several certificates */
	LOGIN_PIN,    /* the PIN, masked */
};

struct login {
	enum login_step step;
	struct ws_card_cert *certs;
	size_t n_certs;
	int cursor;
	char pin[64];
	char reason[200]; /* what the last scan or login said */
	int64_t next_scan;
};

/* screen-batch.c: the batch now (its lot is st->ws->lot.lot, wipeseal/lot.h) */
enum batch_step {
	BATCH_CUSTOMER, /* picked from [lot] customers */
	BATCH_JOB,      /* the job number, typed or scanned */
	BATCH_NUMBER,   /* the batch number */
};

struct station_batch {
	enum batch_step step;
	size_t cursor;                   /* in the customer list; its count: none */
	char job[WS_LOT_NUMBER_MAX + 1]; /* typed so far */
	char number[WS_LOT_NUMBER_MAX + 1];
	unsigned seq; /* the batch now: the summary shows the drives started in it */
	char error[200];
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

	struct station_ops ops;
	struct login login;
	int64_t next_tick;   /* the next session poll */
	char feed_said[200]; /* feed.c: the register line `--auto` printed last */
	struct station_batch batch;
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
/* A key on the summary: true when it scrolled (the summary stays), false when it closes it. */
bool screen_summary_key(struct station *st, int key);
/* One line of the summary for a drive that ran or was refused. */
void station_summary_line(const struct drive *d, char *buf, size_t len);

/* screen-unfreeze.c: 'u', the suspend cycle that lifts freeze locks, asked first */
void unfreeze_open(struct station *st);
void unfreeze_draw(struct station *st);
void unfreeze_key(struct station *st, int key);

/* screen-scan.c: 't', asset tags at scanner speed */
void scan_open(struct station *st);
void scan_draw(struct station *st);
void scan_key(struct station *st, int key);
/* Whether the list shows the TAG column: scanner mode, or a drive has a tag of its own. */
bool tags_shown(const struct station *st);
/* @tag as @d's own asset tag ("" removes it), by the library's rules (wipeseal/asset-tag.h):
 * valid, on no other drive of the station, and not on a drive being wiped or wiped already.
 * Return: true when assigned; else false with the one-line reason in @why. */
bool tag_assign(struct station *st, struct drive *d, const char *tag, char *why, size_t len);

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
/* input_key() into a field that held a value: while *@fresh (the old value, shown selected),
 * a character typed replaces the value; Backspace, ^U and Left/Right/Home/End edit it
 * instead. Any key taken clears *@fresh. Return: true when @key was taken. */
bool input_edit(char *buf, size_t len, bool *fresh, int key);

/* station.c: @d went away or another medium took its place: a prompt that acts on it, or
 * the start prompt that lists it, says so and closes. */
void station_forget(struct station *st, struct drive *d, const char *what);

/* operators.c */
/* Whether operators log in here, the session: before the screen opens. Return: an exit
 * code (one line on stderr when not WS_EXIT_OK). */
int operators_prepare(struct cli *cli, struct station *st);
void operators_fini(struct station *st);
/* ws_operator_login() with the station's CA, CRL, allow-list and audit log. */
int operators_login(struct station *st, const char *uri, const char *pin_file, ws_pin_fn pin,
                    void *pin_userdata, struct ws_operator **ret, char **ret_reason);
/* @op takes the session (login, unlock, another operator); what awaited their signature
 * gets it; the message line says so. Return: 0 or a negative errno (said). */
int operators_take(struct station *st, struct ws_operator *op);
/* Nothing is logged in or the session is locked: false (nothing may start or change). */
bool operators_may_act(const struct station *st);
/* The session's operator into @ws, for the job about to start. */
void operators_job(const struct station *st, struct wipe_setup *ws);
/* A ws_pin_fn handing over the PIN typed on the screen (@userdata, cleansed after). */
int operators_typed_pin(void *userdata, const char *token, const char *note, char *buf,
                        size_t size);

/* screen-login.c */
void login_open(struct station *st);
void login_close(struct station *st);
void login_draw(struct station *st);
void login_key(struct station *st, int key);
/* About once a second: the card scan while the box waits for one. */
void login_tick(struct station *st);

/* screen-lock.c */
/* Once a second: the session's clock and card; a lock closes every prompt. */
void lock_tick(struct station *st);
void lock_draw(struct station *st);
/* A key while nobody may act: it starts the login or goes to the box. */
void lock_key(struct station *st, int key);
/* The manual lock key ('l'). */
void lock_now(struct station *st);

/* feed.c: the central register ([register] url) */
/* Start the library's sender over the result directory (nothing without a url). */
void feed_start(struct station *st);
/* "register: stored all" or "register: N waiting: REASON" into @buf. Return: false (and
 * "") when no register is configured. */
bool feed_line(struct station *st, char *buf, size_t len);
/* feed_line(), true only when it says something else than the last time. */
bool feed_changed(struct station *st, char *buf, size_t len);
/* One last bounded try, the sender stopped, what is left said on stdout. */
void feed_stop(struct station *st);

/* screen-batch.c: customers, jobs and batches */
/* The new batch's prompt (at the start, and after 'b' when [lot] customers is set). */
void batch_open(struct station *st);
void batch_draw(struct station *st);
void batch_key(struct station *st, int key);
/* 'b': the batch ends (its report is written), the next one is asked for. */
void batch_end(struct station *st);
/* The header when the batch has a lot, into @head. Return: false when it has none. */
bool batch_head(const struct station *st, char *head, size_t len);
/* Whether @d was started in the batch now (the summary shows only those). */
bool batch_shows(const struct station *st, const struct drive *d);

/* the actions a prompt ends in (station.c) */
void station_start(struct station *st);
void station_abort(struct station *st, struct drive *d);
void station_message(struct station *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
