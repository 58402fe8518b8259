/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * start.c - the station starting the selected drives and filing each one's certificate
 * the moment its wipe ends.
 *
 * Starting goes through the library's job (wipeseal/job.h), set up as `wipeseal wipe` sets
 * it up (wipe-setup.c): the gate for each selected drive (and that the medium opened is the
 * one its row showed), the rules, the result directory, then ws_job_start(). A drive
 * refused at start is marked so (with the reason; the library writes its line in the audit
 * log) and the others go on: at a station with ten bays one mounted stick does not stop
 * nine wipes. That is the station's refusal policy, and `--auto`'s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"

static void on_progress(void *userdata, const struct ws_progress *p)
{
	struct drive *d = userdata;

	pthread_mutex_lock(&d->owner->lock);
	d->last = *p;
	d->seen = true;
	pthread_mutex_unlock(&d->owner->lock);
}

static void refuse(struct drive *d, char *why, const char *fallback)
{
	free(d->note);
	d->note = why ? why : strdup(fallback);
	d->state = DRIVE_REFUSED;
	d->selected = false;
}

/* Refused target @i of the job: its drive says why (the audit line is the library's). */
static void refuse_item(struct station *st, size_t i, const char *fallback)
{
	const struct ws_job_refusal *r = ws_job_refusal(st->job, i);

	if (r->audit_error)
		cli_err(st->cli, "%s", r->audit_error);
	refuse(st->item_drive[i], r->reason ? strdup(r->reason) : NULL,
	       fallback ? fallback : cli_strerror(r->error));
}

/* Every selected drive into the job, through the gate; returns how many passed. */
static size_t open_selected(struct station *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_drives; i++) {
		struct drive *d = st->drives[i];
		size_t k;
		int r;

		if (!d->selected)
			continue;
		free(d->note);
		d->note = NULL;
		d->state = DRIVE_IDLE;
		d->owner = st;
		r = ws_job_add(st->job,
		               &(struct ws_job_target){
		                   .path = d->path,
		                   .gate_flags = WS_GATE_NAMED | WS_GATE_WRITE,
		                   .shown = d->dev, /* the medium the row showed */
		                   .asset_tag = d->asset_tag[0] ? d->asset_tag : NULL,
		                   .progress = on_progress,
		                   .userdata = d,
		                   .cancel = &d->cancel,
		               },
		               &k);
		if (r == -ENOMEM)
			break;
		st->item_drive[k] = d;
		st->n_items = k + 1;
		if (r < 0)
			refuse_item(st, k, NULL);
		else
			n++;
	}
	return n;
}

/* The technique for each (ws_job_check()): a drive refused is dropped, the rest start. */
static size_t resolve_all(struct station *st)
{
	size_t n = 0;

	(void)ws_job_check(st->job);
	for (size_t i = 0; i < st->n_items; i++) {
		if (st->item_drive[i]->state == DRIVE_REFUSED)
			continue;
		if (ws_job_refusal(st->job, i))
			refuse_item(st, i, "not supported");
		else
			n++;
	}
	return n;
}

static int begin_batch(struct station *st)
{
	int r;

	for (size_t i = 0; i < st->n_items; i++) {
		struct drive *d = st->item_drive[i];
		enum ws_technique t = ws_job_technique(st->job, i);

		if (ws_job_refusal(st->job, i))
			continue;
		d->state = DRIVE_RUNNING;
		d->selected = false;
		d->seen = false;
		d->abort_asked = false;
		d->technique = t;
		/* purge-or-clear says what each drive got: its Purge, or its Clear */
		snprintf(d->method, sizeof(d->method), "%.47s",
		         t != WS_TECH_OVERWRITE ? ws_technique_name(t)
		         : st->ws->plan->technique == WS_TECH_PURGE_OR_CLEAR
		             ? "clear (no Purge)"
		             : st->ws->plan->method);
		atomic_store(&d->cancel, false);
	}
	r = ws_job_start(st->job);
	if (r < 0) {
		/* no STARTED lines (nothing was written): the drives stay selected */
		bool unlogged = ws_job_start_error(st->job) != NULL;

		for (size_t i = 0; i < st->n_items; i++)
			if (!ws_job_refusal(st->job, i)) {
				st->item_drive[i]->state = DRIVE_IDLE;
				st->item_drive[i]->selected |= unlogged;
			}
		return r;
	}
	/* a refused drive's row may go while the others run: only the started are kept */
	for (size_t i = 0; i < st->n_items; i++)
		if (!ws_job_started(st->job, i))
			st->item_drive[i] = NULL;
	st->n_started = (size_t)r;
	st->n_ended = 0;
	return 0;
}

/* Nothing started: the job and its targets go. */
static void end_job(struct station *st)
{
	st->job = ws_job_free(st->job);
	free(st->item_drive);
	st->item_drive = NULL;
	st->n_items = st->n_started = 0;
}

/* The result directory for the @n targets the job lets start, and the audit lines kept
 * from an earlier unwritable log flushed (ws_job_start() writes the STARTED lines). */
static int prepare_results(struct station *st, size_t n)
{
	struct ws_target **t = calloc(n ? n : 1, sizeof(*t));
	int r = -ENOMEM;

	if (t && wipe_setup_targets(st->job, t) == n &&
	    (r = wipe_setup_result_dir(st->ws, t, n)) < 0)
		station_message(st, "not started: cannot write results into %s: %s%s",
		                st->ws->cert_dir, strerror(-r),
		                r == -ENOSPC ? " (no room for the certificates)" : "");
	else if (t && r == 0)
		wipe_setup_flush_kept(st->cli, st->ws);
	else if (!t)
		station_message(st, "not started: out of memory");
	free(t);
	return r;
}

void station_start(struct station *st)
{
	size_t n = drives_selected(st), opened;
	int r;

	if (!operators_may_act(st)) { /* a prompt cannot be open then: a second guard */
		station_message(st, "not started: log in with your card first");
		return;
	}
	operators_job(st, st->ws); /* the certificates name who started them */
	st->item_drive = calloc(n ? n : 1, sizeof(*st->item_drive));
	if (!st->item_drive || wipe_setup_job(st->cli, st->ws, &st->job) < 0) {
		station_message(st, "not started: out of memory");
		end_job(st);
		return;
	}
	(void)open_selected(st);
	opened = resolve_all(st);
	if (opened == 0) {
		station_message(st,
		                "not started: the selected drives were refused (see their rows)");
		end_job(st);
		return;
	}
	if (prepare_results(st, opened) < 0) {
		end_job(st);
		return;
	}
	if ((r = begin_batch(st)) < 0) {
		wipe_setup_release(st->ws, opened);
		if (ws_job_start_error(st->job)) { /* its STARTED lines could not be written */
			certify_start_error(st->cli, st->job);
			station_message(st, "not started: the audit log cannot be written (see "
			                    "the messages on exit)");
		} else {
			station_message(st, "not started: %s", strerror(-r));
		}
		end_job(st);
		return;
	}
	station_message(st, "started %zu wipe%s%s", opened, opened == 1 ? "" : "s",
	                opened < n ? "; some drives were refused (see their rows)" : "");
}

/* A wipe has ended: its certificate, as `wipe` writes it (with its own asset tag), at once. */
static void file_one(struct station *st, size_t i)
{
	struct drive *d = st->item_drive[i];
	int error = 0;
	const struct ws_result *res = ws_job_result(st->job, i, &error);
	char *file = NULL;
	/* also without a result: its STARTED line gets its outcome */
	int code = wipe_setup_file(st->cli, st->ws, st->job, &i, 1, &file);

	if (!res)
		code = WS_EXIT_FAILED;
	free(d->note);
	d->note = NULL;
	d->state = DRIVE_ENDED;
	d->cert_file = file;
	if (res) {
		d->status = res->status;
		d->seconds = (double)(res->end_ns - res->start_ns) / 1e9;
		if (res->status_reason)
			d->note = strdup(res->status_reason);
	} else {
		d->status = WS_STATUS_FAILED;
		if (asprintf(&d->note, "the wipe could not start: %s", strerror(-error)) < 0)
			d->note = NULL;
	}
	if (code != WS_EXIT_OK && res && !d->note)
		d->note = strdup("the certificate could not be written (see the messages on exit)");
	st->exit_code = cli_worse(st->exit_code, cli_worse(wipe_setup_exit_code(st->job, i), code));
	st->n_ended++;
	station_message(st, "%s: %s", d->path, ws_status_name(d->status));
}

/* File what has ended; when everything has, free the job and show the summary. */
void station_poll(struct station *st)
{
	struct drive **dr = st->item_drive;
	size_t n = st->n_items;

	if (!st->job)
		return;
	for (size_t i = 0; i < n; i++)
		if (dr[i] && dr[i]->state == DRIVE_RUNNING && ws_job_done(st->job, i))
			file_one(st, i);
	if (st->n_ended < st->n_started)
		return;
	st->item_drive = NULL; /* kept for the refresh below, after the targets are closed */
	end_job(st);
	for (size_t i = 0; i < n; i++)
		if (dr[i])
			drives_refresh(st, dr[i]); /* what it is now: empty, or gone */
	free(dr);
	if (!st->quit) {
		memset(&st->prompt, 0, sizeof(st->prompt));
		st->prompt.kind = PROMPT_SUMMARY;
	}
}
