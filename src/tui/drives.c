/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drives.c - the station's drive list: the drives named on the command line (only those,
 * selected from the start, as nwipe does) or every real drive found, and what hot-plug
 * changes about them.
 *
 * A row keeps its snapshot (struct ws_device) for display; nothing here opens a drive for
 * writing: that is the gate's, when the operator starts.
 *
 * A row belongs to a medium, not to a bay: kernels reuse sdX names on hot-swap and a loop
 * device can be attached anew, so a refresh that finds another medium under a row's device
 * node (ws_device_same_medium(): device number, disk sequence number, serial, WWN) ends
 * that row (kept, marked gone, when it ran) and gives the new medium a fresh row with its
 * own state and empty fields, never selected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"

static struct drive *drive_new(const char *path, struct ws_device *dev, bool named)
{
	struct drive *d = calloc(1, sizeof(*d));

	if (!d || !(d->path = strdup(path))) {
		free(d);
		return NULL;
	}
	d->dev = dev;
	d->named = named;
	atomic_init(&d->cancel, false);
	return d;
}

static void drive_free(struct drive *d)
{
	if (!d)
		return;
	ws_device_free(d->dev);
	free(d->path);
	free(d->note);
	free(d->cert_file);
	free(d);
}

static int drives_append(struct station *st, struct drive *d)
{
	struct drive **v = realloc(st->drives, (st->n_drives + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	st->drives = v;
	st->drives[st->n_drives++] = d;
	return 0;
}

/* A loop device with nothing attached (size 0) is no drive: the scan never lists one. */
static bool is_empty(const struct ws_device *dev)
{
	return dev->kind == WS_DEVICE_DISK && dev->size_bytes == 0;
}

const char *drive_unselectable(const struct drive *d)
{
	if (d->gone)
		return "the drive is gone";
	if (d->state == DRIVE_RUNNING)
		return "it is being wiped";
	if (!d->dev)
		return "it could not be described";
	if (!d->dev->eligible)
		return d->dev->ineligible_reasons.n ? d->dev->ineligible_reasons.v[0]
		                                    : "the safety gate refuses it";
	return NULL;
}

size_t drives_selected(const struct station *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_drives; i++)
		n += st->drives[i]->selected;
	return n;
}

/* Named drives: each must exist (exit 2 before the screen opens, like `wipe`). */
static int load_named(struct station *st, char **paths, size_t n)
{
	if (wipe_setup_named_twice(st->cli, paths, (int)n))
		return WS_EXIT_USAGE;
	for (size_t i = 0; i < n; i++) {
		struct ws_device *dev = NULL;
		struct drive *d;
		int r = ws_device_describe(st->cli->ctx, paths[i], &dev);

		if (r < 0) {
			cli_err(st->cli, "%s: %s", paths[i], cli_strerror(r));
			return cli_exit_code(r);
		}
		d = drive_new(paths[i], dev, true);
		if (!d || drives_append(st, d) < 0) {
			drive_free(d);
			ws_device_free(dev);
			return WS_EXIT_FAILED;
		}
		d->selected = drive_unselectable(d) == NULL;
	}
	return WS_EXIT_OK;
}

static bool wanted(const struct station *st, const struct ws_device *dev)
{
	return !is_empty(dev) && (st->show_all || !dev->is_virtual);
}

/* Every drive the scan finds (physical ones, ineligible among them, shown dimmed). */
static int load_scan(struct station *st)
{
	struct ws_device_list *list = NULL;
	int r = ws_device_list_new(&list);

	if (r >= 0)
		r = ws_device_list_scan(st->cli->ctx, list, WS_SCAN_ALL);
	if (r < 0) {
		ws_device_list_free(list);
		cli_err(st->cli, "cannot list the drives: %s", strerror(-r));
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < ws_device_list_count(list); i++) {
		const struct ws_device *l = ws_device_list_get(list, i);
		struct ws_device *dev = NULL;
		struct drive *d;

		if (!wanted(st, l) || ws_device_describe(st->cli->ctx, l->path, &dev) < 0)
			continue;
		d = drive_new(l->path, dev, false);
		if (!d || drives_append(st, d) < 0) {
			drive_free(d);
			ws_device_free(dev);
			ws_device_list_free(list);
			return WS_EXIT_FAILED;
		}
	}
	ws_device_list_free(list);
	return WS_EXIT_OK;
}

int drives_load(struct station *st, char **paths, size_t n)
{
	st->named = n > 0;
	return n ? load_named(st, paths, n) : load_scan(st);
}

static void remove_row(struct station *st, struct drive *d);

/* @d is gone (or no longer the medium it showed): unselected, and its prompts closed. */
static void mark_gone(struct station *st, struct drive *d, const char *what)
{
	station_forget(st, d, what);
	d->gone = true;
	d->selected = false;
}

/* Another medium now answers at @d's device node: @d ends, @dev gets a row of its own. */
static void replaced(struct station *st, struct drive *d, struct ws_device *dev)
{
	struct drive *fresh = drive_new(d->path, dev, d->named);

	mark_gone(st, d, "another medium took its place");
	if (!fresh || drives_append(st, fresh) < 0) {
		drive_free(fresh);
		ws_device_free(dev);
		return;
	}
	station_message(st, "%s: another medium (a new row; its outcome and fields are its own)",
	                d->path);
	if (d->state == DRIVE_IDLE)
		remove_row(st, d); /* nothing on record for it: the new row takes its place */
}

void drives_refresh(struct station *st, struct drive *d)
{
	struct ws_device *dev = NULL;

	if (ws_device_describe(st->cli->ctx, d->path, &dev) < 0 || is_empty(dev)) {
		ws_device_free(dev);
		mark_gone(st, d, "it is gone");
		return;
	}
	if (d->dev && !ws_device_same_medium(d->dev, dev, NULL, 0)) {
		replaced(st, d, dev);
		return;
	}
	ws_device_free(d->dev);
	d->dev = dev;
	d->gone = false;
	if (drive_unselectable(d))
		d->selected = false;
}

/* The row of the drive named @name that is not gone (a gone row keeps an old outcome),
 * else any row with that name. */
static struct drive *find(struct station *st, const char *name)
{
	struct drive *any = NULL;

	for (size_t i = 0; i < st->n_drives; i++) {
		const struct ws_device *dev = st->drives[i]->dev;

		if (!dev || !dev->name || strcmp(dev->name, name) != 0)
			continue;
		if (!st->drives[i]->gone)
			return st->drives[i];
		any = any ? any : st->drives[i];
	}
	return any;
}

static bool row_exists(const struct station *st, const struct drive *d)
{
	for (size_t i = 0; i < st->n_drives; i++)
		if (st->drives[i] == d)
			return true;
	return false;
}

/* Drop @d's row; the cursor stays on the drive it was on (a row above it moves it up). */
static void remove_row(struct station *st, struct drive *d)
{
	station_forget(st, d, "it is gone");
	for (size_t i = 0; i < st->n_drives; i++) {
		if (st->drives[i] != d)
			continue;
		memmove(&st->drives[i], &st->drives[i + 1],
		        (st->n_drives - i - 1) * sizeof(*st->drives));
		st->n_drives--;
		drive_free(d);
		if ((int)i < st->cursor)
			st->cursor--;
		break;
	}
	if (st->cursor >= (int)st->n_drives)
		st->cursor = st->n_drives ? (int)st->n_drives - 1 : 0;
}

/* A drive the monitor says changed or went away. A row that ran stays (its outcome is on
 * it); a drive being wiped is only marked: its wipe ends on its own I/O errors. */
static void apply_event(struct station *st, const struct ws_uevent *ev)
{
	struct drive *d = find(st, ev->name);
	struct ws_device *dev = NULL;

	if (d) {
		bool was_gone = d->gone;

		size_t rows = st->n_drives;

		if (ev->action == WS_UEVENT_REMOVE)
			mark_gone(st, d, "it is gone");
		else if (d->state == DRIVE_RUNNING)
			/* never a command to a drive being erased: it may not answer one for
			 * hours (a firmware erase), so the event's size says whether it is there */
			d->gone = ev->size_bytes == 0;
		else
			drives_refresh(st, d);
		if (st->n_drives != rows || !row_exists(st, d))
			return; /* replaced: the rows say what happened */
		if (d->gone && !was_gone) {
			d->selected = false;
			station_message(st, "%s: gone%s", d->path,
			                d->state == DRIVE_RUNNING ? " while being wiped" : "");
			if (!d->named && d->state == DRIVE_IDLE)
				remove_row(st, d);
		} else if (!d->gone && was_gone) {
			station_message(st, "%s: back", d->path);
		}
		return;
	}
	/* a drive not listed: named stations show only what was named */
	if (st->named || ev->action == WS_UEVENT_REMOVE)
		return;
	if (ws_device_describe(st->cli->ctx, ev->devnode, &dev) < 0 || !wanted(st, dev)) {
		ws_device_free(dev);
		return;
	}
	d = drive_new(ev->devnode, dev, false);
	if (!d || drives_append(st, d) < 0) {
		drive_free(d);
		ws_device_free(dev);
		return;
	}
	station_message(st, "%s: new drive", d->path);
}

void drives_hotplug(struct station *st)
{
	struct ws_uevent ev;

	while (st->monitor && ws_monitor_receive(st->monitor, &ev) == 1)
		apply_event(st, &ev);
}

void drives_free(struct station *st)
{
	for (size_t i = 0; i < st->n_drives; i++)
		drive_free(st->drives[i]);
	free(st->drives);
	st->drives = NULL;
	st->n_drives = 0;
}
