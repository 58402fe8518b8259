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
 *
 * Who signs is the config's too (docs/station.md, --auto with a card): the card [operators]
 * card names logs in with [operators] pin_file before anything starts (its LOGIN line in
 * the audit log), and every certificate carries its holder's signature beside the
 * station's; without a card (none required, none named) a STATION-KEY line says the
 * station key alone signs. A required card that is not named, or that refuses the login,
 * stops --auto before anything is written: one line, exit code 2.
 */
#include <errno.h>
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
		char size[16], ctrl[96], *model = cli_printable(dev ? dev->model : NULL);
		char *serial = cli_printable(dev ? dev->serial : NULL);

		d->selected = why == NULL;
		n += d->selected;
		/* "scsi, logical volume (megaraid_sas)": what stands before the medium */
		if (!dev || !*ws_controller_describe(dev, ctrl, sizeof(ctrl)))
			ctrl[0] = '\0';
		say("%s: %s, serial %s, %s, %s%s%s, strongest technique %s: %s%s", d->path, model,
		    serial, dev ? cli_size(dev->size_bytes, size, sizeof(size)) : "-",
		    dev ? dev->transport : "-", ctrl[0] ? ", " : "", ctrl,
		    drive_best_technique(dev), why ? "skipped: " : "to be wiped", why ? why : "");
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

/* The station key alone signs (no operator card): the audit log says so, in one line. */
static void station_key_only(struct station *st)
{
	const struct certify *c = &st->ws->cert;
	struct ws_audit *log = NULL;
	char *why = NULL;

	if (c->unsigned_results)
		return;
	if (ws_audit_open(c->audit_log, c->signer, &log, &why) == 0)
		(void)ws_audit_append(log,
		                      &(struct ws_audit_entry){
		                          .status = "STATION-KEY",
		                          .station = st->ops.name,
		                          .note = "station --auto without an operator card: the "
		                                  "station key alone signs",
		                      },
		                      &why);
	ws_audit_close(log);
	if (why) /* the job's own lines will say it again, and stop the start */
		cli_err(st->cli, "%s", why);
	free(why);
}

/* Who signs: the card [operators] card names, logged in with [operators] pin_file (its
 * LOGIN line is the library's), or the station key alone when no card is required and
 * none is named. Return: an exit code (one line when refused). */
static int auto_login(struct station *st)
{
	struct station_ops *o = &st->ops;
	struct ws_operator *op = NULL;
	char *why = NULL;
	int r;

	if (!o->cfg.card && o->cfg.require_card) {
		cli_err(st->cli, "[operators] require_card = yes and no [operators] card names "
		                 "the card for --auto: nothing was wiped");
		return WS_EXIT_USAGE;
	}
	if (!o->cfg.card) {
		o->cfg.on = false; /* nobody logs in: the jobs start without an operator */
		station_key_only(st);
		return WS_EXIT_OK;
	}
	r = operators_login(st, o->cfg.card, o->cfg.pin_file, NULL, NULL, &op, &why);
	if (r < 0) {
		cli_err(st->cli, "operator card %s: %s; nothing was wiped", o->cfg.card,
		        why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	r = operators_take(st, op);
	if (r == 0)
		say("operator %s logged in (card %s)", ws_operator_name(op),
		    ws_operator_card_serial(op));
	ws_operator_unref(op);
	return r < 0 ? WS_EXIT_FAILED : WS_EXIT_OK;
}

/* The register's line, when it changed. */
static void print_feed(struct station *st)
{
	char line[200];

	if (feed_changed(st, line, sizeof(line)))
		say("%s", line);
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
		print_feed(st);
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
	code = operators_prepare(cli, &st);
	if (code == WS_EXIT_OK)
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
	if ((code = auto_login(&st)) != WS_EXIT_OK)
		goto out;
	say("starting: method %s, verify %s, certificates in %s", ws->plan->method,
	    ws_verify_mode_name(ws->plan->verify), ws->cert_dir);
	feed_start(&st);
	station_start(&st);
	say("%s", st.message);
	run(&st, told);
	print_ended(&st, told);
	for (size_t i = 0; i < st.n_drives; i++)
		refused = refused || st.drives[i]->state == DRIVE_REFUSED;
	say("summary:");
	station_print_summary(&st);
	fflush(stdout);
	feed_stop(&st); /* one last try, bounded */
	/* a wipe that failed matters more than a drive that was refused and left alone */
	code = st.exit_code == WS_EXIT_OK && refused ? WS_EXIT_REFUSED : st.exit_code;
out:
	free(told);
	operators_fini(&st);
	drives_free(&st);
	pthread_mutex_destroy(&st.lock);
	return code;
}
