/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auto.c - `wipeseal station --auto`: the station without a screen or a technician. Every
 * eligible drive (or every named one) is started at once with the configured method and
 * verification, progress and outcomes are printed as lines on stdout (a console, a serial
 * line, a log), each drive's certificate is filed as it ends, and the summary closes.
 *
 * This is what the boot image runs when its data stick says `[station] auto = yes`: the
 * stick prepared with that setting is the operator's decision, so nothing is asked. The
 * start goes through the very same steps as the screen's (station_start(): the gate for
 * every drive, the technique checks, the result directory), and the signer and config were
 * checked before: a wipe that cannot be certified does not begin.
 *
 * The station's data stick is never a target (--protect-label, the gate's rule); two drives
 * carrying its label are a spare, last week's stick or another station's beside the real
 * one, and which of them the boot image mounted is not for this program to guess: nothing
 * starts then.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "progress.h"
#include "station.h"

#define PROGRESS_EVERY_NS (5 * 1000000000LL)

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("wipeseal: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* What is there, and what will be wiped: one line per drive. */
static size_t select_eligible(struct station *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_drives; i++) {
		struct drive *d = st->drives[i];
		const struct ws_device *dev = d->dev;
		const char *why = drive_unselectable(d);
		char size[16], *model = cli_printable(dev ? dev->model : NULL);
		char *serial = cli_printable(dev ? dev->serial : NULL);

		d->selected = why == NULL;
		n += d->selected;
		say("%s: %s, serial %s, %s, %s, strongest technique %s: %s%s", d->path, model,
		    serial, dev ? cli_size(dev->size_bytes, size, sizeof(size)) : "-",
		    dev ? dev->transport : "-", drive_best_technique(dev),
		    why ? "skipped: " : "to be wiped", why ? why : "");
		free(model);
		free(serial);
	}
	return n;
}

/* More than one drive carries the data stick's label: say so, in one line. */
static bool many_data_sticks(const struct station *st)
{
	char names[256] = "";
	size_t n = 0, len = 0;

	for (size_t i = 0; i < st->n_drives; i++) {
		const struct ws_device *dev = st->drives[i]->dev;

		if (!dev || !(dev->protected_by & WS_PROTECTED_LABEL))
			continue;
		if (len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
			                        n ? ", " : "", st->drives[i]->path);
		n++;
	}
	if (n < 2)
		return false;
	say("more than one data stick (%zu drives carry a file system labelled %s: %s): "
	    "nothing is wiped; remove all but one and start again",
	    n, st->ws->protect_label, names);
	return true;
}

static void print_progress(struct station *st)
{
	for (size_t i = 0; i < st->n_drives; i++) {
		struct drive *d = st->drives[i];
		struct ws_progress p;
		char eta[16];

		if (d->state != DRIVE_RUNNING)
			continue;
		pthread_mutex_lock(&st->lock);
		p = d->last;
		bool seen = d->seen;
		pthread_mutex_unlock(&st->lock);
		if (!seen) {
			say("%s: starting", d->path);
			continue;
		}
		say("%s: pass %u/%u %s %.0f%% %.0f MB/s, %s left", d->path, p.pass, p.n_passes,
		    d->technique != WS_TECH_OVERWRITE && p.phase == WS_PHASE_WRITE
		        ? "drive"
		        : progress_phase_name(p.phase),
		    p.total ? 100.0 * (double)p.done / (double)p.total : 0.0, p.rate / 1e6,
		    progress_fmt_eta(p.eta, eta, sizeof(eta)));
	}
}

static void print_ended(struct station *st, bool *told)
{
	for (size_t i = 0; i < st->n_drives; i++) {
		struct drive *d = st->drives[i];

		if (told[i] || (d->state != DRIVE_ENDED && d->state != DRIVE_REFUSED))
			continue;
		told[i] = true;
		if (d->state == DRIVE_REFUSED)
			say("%s: REFUSED: %s", d->path, d->note ? d->note : "");
		else
			say("%s: %s%s%s; %s", d->path, ws_status_name(d->status),
			    d->note ? ": " : "", d->note ? d->note : "",
			    d->cert_file ? d->cert_file : "no certificate");
	}
}

static void run(struct station *st, bool *told)
{
	int64_t next = cli_now_ns() + PROGRESS_EVERY_NS;
	bool stopped = false;
	struct timespec nap = { 0, 250 * 1000000L };

	while (st->job) {
		if (station_stop_signal() && !stopped) {
			say("%s: aborting every wipe", strsignal(station_stop_signal()));
			for (size_t i = 0; i < st->n_drives; i++)
				station_abort(st, st->drives[i]);
			stopped = true;
		}
		station_poll(st);
		print_ended(st, told);
		if (st->job && cli_now_ns() >= next) {
			print_progress(st);
			next += PROGRESS_EVERY_NS;
		}
		nanosleep(&nap, NULL);
	}
}

int station_auto(struct cli *cli, struct wipe_setup *ws, char **paths, size_t n)
{
	struct station st = { .cli = cli, .ws = ws, .quit = true };
	bool *told = NULL, refused = false;
	int code;

	pthread_mutex_init(&st.lock, NULL);
	station_signals();
	code = drives_load(&st, paths, n);
	if (code == WS_EXIT_OK && !(told = calloc(st.n_drives + 1, sizeof(*told))))
		code = WS_EXIT_FAILED;
	if (code != WS_EXIT_OK)
		goto out;
	if (many_data_sticks(&st)) {
		code = WS_EXIT_REFUSED;
		goto out;
	}
	if (select_eligible(&st) == 0) {
		say("no drive to wipe: nothing was started");
		goto out;
	}
	say("starting: method %s, verify %s, certificates in %s", ws->plan->method,
	    ws_verify_mode_name(ws->plan->verify), ws->cert_dir);
	station_start(&st);
	say("%s", st.message);
	run(&st, told);
	print_ended(&st, told);
	for (size_t i = 0; i < st.n_drives; i++)
		refused = refused || st.drives[i]->state == DRIVE_REFUSED;
	say("summary:");
	station_print_summary(&st);
	fflush(stdout);
	/* a wipe that failed matters more than a drive that was refused and left alone */
	code = st.exit_code == WS_EXIT_OK && refused ? WS_EXIT_REFUSED : st.exit_code;
out:
	free(told);
	drives_free(&st);
	pthread_mutex_destroy(&st.lock);
	return code;
}
