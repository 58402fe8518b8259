/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * station.c - the station's loop: draw, wait for a key or a hot-plug event (a quarter of a
 * second at most, so progress moves), act; show the summary when every wipe has ended.
 * Starting the selected drives and filing their certificates is start.c's.
 */
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "station.h"

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

int station_stop_signal(void)
{
	return stop_signal;
}

void station_message(struct station *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->message, sizeof(st->message), fmt, ap);
	va_end(ap);
}

bool station_running(const struct station *st)
{
	return st->job != NULL;
}

/* The library's progress callback, from a worker thread: keep the newest report. */
void station_forget(struct station *st, struct drive *d, const char *what)
{
	struct prompt *p = &st->prompt;
	bool listed = p->kind == PROMPT_START && d->selected;

	if (!listed && !(p->drive == d && (p->kind == PROMPT_ABORT || p->kind == PROMPT_FIELDS)))
		return;
	memset(p, 0, sizeof(*p));
	station_message(st, "%s: %s; the %s was closed%s", d->path, what,
	                listed ? "start prompt" : "prompt about it",
	                listed ? " and nothing started" : "");
}

void station_abort(struct station *st, struct drive *d)
{
	if (d->state != DRIVE_RUNNING) {
		station_message(st, "%s is not being wiped", d->path);
		return;
	}
	atomic_store(&d->cancel, true);
	d->abort_asked = true;
	station_message(st, "%s: aborting", d->path);
}

static void move_cursor(struct station *st, int by)
{
	int n = (int)st->n_drives;

	st->cursor += by;
	if (st->cursor >= n)
		st->cursor = n - 1;
	if (st->cursor < 0)
		st->cursor = 0;
}

static void toggle(struct station *st)
{
	struct drive *d;
	const char *why;

	if (!st->n_drives)
		return;
	d = st->drives[st->cursor];
	why = drive_unselectable(d);
	if (why && !d->selected) {
		station_message(st, "%s cannot be selected: %s", d->path, why);
		return;
	}
	d->selected = !d->selected;
	if (d->selected && d->state != DRIVE_RUNNING) {
		d->state = DRIVE_IDLE; /* a new run for it: the old outcome goes */
		free(d->note);
		d->note = NULL;
	}
	move_cursor(st, 1);
}

/* Keys that change the plan wait until the running wipes end (they use it). */
static bool idle_or_say(struct station *st)
{
	if (!station_running(st))
		return true;
	station_message(st, "wait until the running wipes end (a aborts one)");
	return false;
}

static void open_prompt(struct station *st, enum prompt_kind kind)
{
	memset(&st->prompt, 0, sizeof(st->prompt));
	st->prompt.kind = kind;
}

static void list_key(struct station *st, int key)
{
	switch (key) {
	case KEY_UP:
	case 'k':
		move_cursor(st, -1);
		break;
	case KEY_DOWN:
	case 'j':
		move_cursor(st, 1);
		break;
	case KEY_PPAGE:
		move_cursor(st, -(LINES - 5));
		break;
	case KEY_NPAGE:
		move_cursor(st, LINES - 5);
		break;
	case KEY_HOME:
		move_cursor(st, -(int)st->n_drives);
		break;
	case KEY_END:
		move_cursor(st, (int)st->n_drives);
		break;
	case ' ':
		toggle(st);
		break;
	case 'm':
		if (idle_or_say(st))
			prompt_open_method(st);
		break;
	case 'v':
		if (idle_or_say(st))
			prompt_open_verify(st);
		break;
	case 'o':
		if (idle_or_say(st))
			fields_open(st);
		break;
	case 't': /* screen-scan.c: asset tags at scanner speed */
		if (idle_or_say(st))
			scan_open(st);
		break;
	case 's':
		if (!idle_or_say(st))
			break;
		if (drives_selected(st) == 0)
			station_message(st, "select drives first (Space)");
		else
			open_prompt(st, PROMPT_START);
		break;
	case 'a':
		if (st->n_drives && st->drives[st->cursor]->state == DRIVE_RUNNING) {
			open_prompt(st, PROMPT_ABORT);
			st->prompt.drive = st->drives[st->cursor];
		} else
			station_message(st, "a aborts a running wipe: move to one first");
		break;
	case 'q':
	case 3: /* ^C: raw mode makes it a key, and it asks like q */
		if (station_running(st))
			open_prompt(st, PROMPT_QUIT);
		else
			st->quit = true;
		break;
	case '?':
	case 'h':
		open_prompt(st, PROMPT_HELP);
		break;
	case 'l':
		lock_now(st);
		break;
	case 'u':
		unfreeze_open(st);
		break;
	case 'b':
		batch_end(st);
		break;
	default:
		break;
	}
}

static void draw(struct station *st)
{
	erase();
	if (LINES < 10 || COLS < 40) {
		draw_text(0, 0, COLS, "wipeseal station: the terminal is too small (80x24 wanted)");
	} else {
		screen_list_draw(st);
		prompt_draw(st);
		if (!operators_may_act(st))
			lock_draw(st);
	}
	refresh();
}

/* SIGTERM, SIGHUP, a terminal that went away: abort everything, file, leave. */
static void stop_all(struct station *st, const char *why)
{
	for (size_t i = 0; i < st->n_drives; i++)
		if (st->drives[i]->state == DRIVE_RUNNING)
			station_abort(st, st->drives[i]);
	st->quit = true;
	station_message(st, "%s: aborting every wipe", why);
}

/* About once a second: the session's idle clock and card, the card scan of the login. */
static void tick(struct station *st)
{
	int64_t now = cli_now_ns();

	if (!st->ops.cfg.on || now < st->next_tick)
		return;
	st->next_tick = now + 1000000000LL;
	lock_tick(st);
}

/* A key from the operator: the idle clock starts again. */
static void activity(struct station *st)
{
	if (st->ops.cfg.on)
		ws_session_activity(st->ops.session);
}

static void loop(struct station *st)
{
	struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN } };
	bool stopped = false;

	fds[1].fd = st->monitor ? ws_monitor_fd(st->monitor) : -1;
	fds[1].events = POLLIN;
	while (!st->quit || st->job) {
		int key;

		if (stop_signal && !stopped) {
			stop_all(st, strsignal(stop_signal));
			stopped = true;
		}
		station_poll(st);
		tick(st);
		draw(st);
		if (poll(fds, 2, 250) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN)
			drives_hotplug(st);
		if ((fds[0].revents & (POLLHUP | POLLERR)) && !stopped) {
			stop_all(st, "the terminal went away");
			stopped = true;
			fds[0].fd = -1;
		}
		while ((key = getch()) != ERR) {
			if (key == KEY_RESIZE)
				continue; /* curses has taken the new size and the next draw uses it; a
					     resize is no key pressed: it neither answers a question,
					     closes the help, nor counts as activity for the lock */
			if (key == 12) /* ^L, under any prompt: a serial line garbled by something
					  else, drawn again whole */
				clearok(curscr, TRUE);
			else if (!operators_may_act(st))
				lock_key(st, key); /* locked or logged out: only the login */
			else if (st->prompt.kind != PROMPT_NONE) {
				activity(st);
				prompt_key(st, key);
			} else {
				activity(st);
				list_key(st, key);
			}
		}
	}
}

/* While the screen is up, stderr (library log, audit-log trouble) would scribble on it when
 * it is the same terminal: keep it in a memory file and print it after the screen is gone. */
static int hold_stderr(int *saved)
{
	struct stat a, b;
	int fd;

	*saved = -1;
	if (fstat(STDERR_FILENO, &a) < 0 || fstat(STDOUT_FILENO, &b) < 0 ||
	    !isatty(STDERR_FILENO) || a.st_rdev != b.st_rdev)
		return -1;
	fd = memfd_create("wipeseal-station-stderr", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	*saved = dup(STDERR_FILENO);
	if (*saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void release_stderr(int held, int saved)
{
	char buf[4096];
	ssize_t k;

	if (held < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(held, 0, SEEK_SET);
	while ((k = read(held, buf, sizeof(buf))) > 0)
		if (write(STDERR_FILENO, buf, (size_t)k) < 0)
			break;
	close(held);
}

void station_print_summary(const struct station *st)
{
	char line[512];

	for (size_t i = 0; i < st->n_drives; i++) {
		const struct drive *d = st->drives[i];

		if (d->state != DRIVE_ENDED && d->state != DRIVE_REFUSED)
			continue;
		station_summary_line(d, line, sizeof(line));
		printf("%s\n", line);
		if (d->cert_file)
			printf("    certificate: %s\n", d->cert_file);
		if (d->note)
			printf("    %s\n", d->note);
	}
}

void station_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* the reader of `station --auto`'s output gone: stop as for SIGTERM, not die */
	sigaction(SIGPIPE, &sa, NULL);
}

static int open_screen(struct cli *cli, SCREEN **ret)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_err(cli,
		        "needs a terminal (keyboard and screen); for scripts use `wipeseal wipe`");
		return WS_EXIT_USAGE;
	}
	*ret = newterm(NULL, stdout, stdin);
	if (!*ret) {
		cli_err(cli, "cannot use the terminal '%s': set TERM (for example TERM=vt100)",
		        term ? term : "");
		return WS_EXIT_USAGE;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	return WS_EXIT_OK;
}

int station_run(struct cli *cli, struct wipe_setup *ws, char **paths, size_t n, bool show_all)
{
	struct station st = { .cli = cli, .ws = ws, .show_all = show_all };
	SCREEN *screen = NULL;
	int code, held, saved, r;

	pthread_mutex_init(&st.lock, NULL);
	code = operators_prepare(cli, &st);
	if (code == WS_EXIT_OK)
		code = drives_load(&st, paths, n);
	if (code == WS_EXIT_OK)
		code = open_screen(cli, &screen);
	if (code != WS_EXIT_OK) {
		operators_fini(&st);
		drives_free(&st);
		pthread_mutex_destroy(&st.lock);
		return code;
	}
	station_signals();
	if ((r = ws_monitor_new(cli->ctx, &st.monitor)) < 0)
		station_message(&st, "hot-plug is off (%s): restart to see new drives",
		                strerror(-r));
	else
		station_message(&st, "%zu drive%s; hot-plug: %s events. ? shows the keys.",
		                st.n_drives, st.n_drives == 1 ? "" : "s",
		                ws_monitor_source(st.monitor));
	feed_start(&st);
	if (ws->lot.customers)
		batch_open(&st); /* the customer, job and batch first */
	if (st.ops.cfg.on)
		login_open(&st); /* nothing starts before an operator logs in */
	held = hold_stderr(&saved);
	loop(&st);
	login_close(&st);
	operators_fini(&st); /* LOGOUT: the station closed */
	endwin();
	delscreen(screen);
	release_stderr(held, saved);
	station_print_summary(&st);
	feed_stop(&st); /* one last try, bounded */
	ws_monitor_free(st.monitor);
	drives_free(&st);
	pthread_mutex_destroy(&st.lock);
	return st.exit_code;
}
