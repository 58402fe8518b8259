/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-list.c - the station's main screen: one row per drive, what it is and what is
 * happening to it, the drive under the cursor in full at the bottom, and the keys.
 *
 *   wipeseal station   method clear   verify sample 10%   2 of 3 selected
 *     SEL DEVICE       BAY      SERIAL       SIZE BUS   BEST       STATE
 *   > [x] /dev/sdb     ata-3    Z3T5ABCD   465.8G sata  sec-erase+ frozen
 *     [-] /dev/sda     nvme-3b: ~WNX0N123  476.9G nvme  san-crypto holds the ...
 *
 * BAY is the drive's physical path, shortened (ws_device_bay(): "ata-3", "usb-1.4"), so a
 * row can be matched to a slot. At 80 columns every column has its minimum width and the
 * model is left to the line at the bottom; from 96 columns the model has a column, and
 * wider terminals give the extra to the model and the state. A serial or a bay longer than
 * its column keeps its end, marked "~" ("~WNX0N123"): a serial's last characters are what
 * tell drives of one model apart, and the serial column never shows fewer than 8 of them.
 * Ineligible rows are dimmed and marked [-] (a serial console may not dim).
 * TAG, a drive's own asset tag, is there once a drive has one or in scanner mode ('t'):
 * after SERIAL, its end kept as a serial's; at 80 columns BUS gives way to it.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "station.h"

struct cols {
	int sel, path, model, bay, serial, size, bus, best, state;
	int tag; /* 0: no TAG column */
};

/* The serial column: 10 characters, so a long serial keeps its last 9 ("~" + 9). */
#define SERIAL_COLS 11
/* The model gets a column from this width on. */
#define MODEL_FROM  96
/* The asset tag's column, when shown: 9 characters, a long tag keeping its end as a serial
 * does (the running number of a tag is at its end). */
#define TAG_COLS    10
/* With the TAG column, BUS gives way where STATE would get fewer columns than this ("gone,
 * was SUCCESS" cut no shorter than "gone, was SUC"); the line below names the bus. */
#define STATE_MIN   13

static struct cols columns(int width)
{
	struct cols c = { 4, 13, 0, 9, SERIAL_COLS, 7, 6, 11, 0, 0 };
	/* what the 80-column layout leaves, as it was before the bay column: the device
	 * column widens by the same rule */
	int extra = width - 76;

	if (extra > 0)
		c.path += extra / 6;
	if (width >= MODEL_FROM) {
		/* the model's share of the extra, less the bay's column, and some for long
		 * serials */
		c.serial += extra / 6;
		c.model = 12 + extra / 2 - c.bay - extra / 6;
	}
	c.state =
	    width - (2 + c.sel + c.path + c.model + c.bay + c.serial + c.size + c.bus + c.best);
	return c;
}

/* The columns at @width: with @tags, the layout of a terminal TAG_COLS narrower, the TAG
 * column after SERIAL, and BUS dropped where STATE would be too narrow (at 80 columns). */
static struct cols layout(int width, bool tags)
{
	struct cols c = columns(tags ? width - TAG_COLS : width);

	if (tags) {
		c.tag = TAG_COLS;
		if (c.state < STATE_MIN) {
			c.state += c.bus;
			c.bus = 0;
		}
	}
	return c;
}

/* @s in @w columns at (y, x): whole when it fits, else "~" and its last w - 1 characters. */
static void draw_tail(int y, int x, int w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (w <= 1 || n <= (size_t)w) {
		draw_text(y, x, w, s);
		return;
	}
	draw_text(y, x, 1, "~");
	draw_text(y, x + 1, w - 1, s + n - (size_t)(w - 1));
}

/* What the STATE column says of a drive that is not running. */
static void idle_state(const struct drive *d, char *buf, size_t len)
{
	const char *why = drive_unselectable(d);

	if (d->gone && d->state == DRIVE_ENDED)
		snprintf(buf, len, "gone, was %s", ws_status_name(d->status));
	else if (d->gone)
		snprintf(buf, len, "gone");
	else if (d->state == DRIVE_REFUSED)
		snprintf(buf, len, "REFUSED: %s", d->note ? d->note : "");
	else if (d->state == DRIVE_ENDED)
		snprintf(buf, len, "%s%s%s", ws_status_name(d->status), d->note ? ": " : "",
		         d->note ? d->note : "");
	else if (why)
		snprintf(buf, len, "%s", why);
	else if (ws_device_frozen(d->dev))
		snprintf(buf, len, "frozen: press u");
	else
		snprintf(buf, len, "ready");
}

/* "[####------]  1/1 write   45%  812MB/s  0:12  aborting" */
static void draw_running(struct station *st, const struct drive *d, int y, int x)
{
	struct ws_progress p;
	bool seen;
	char tail[96], eta[16], phase[12];
	int barw = 22, w = COLS - x;
	double frac;

	pthread_mutex_lock(&st->lock);
	p = d->last;
	seen = d->seen;
	pthread_mutex_unlock(&st->lock);
	if (!seen) {
		draw_text(y, x, w, d->abort_asked ? "starting (aborting)" : "starting");
		return;
	}
	frac = p.total ? (double)p.done / (double)p.total : 0;
	if (barw > w - 36)
		barw = w - 36 > 8 ? w - 36 : 8;
	draw_bar(y, x, barw, frac);
	if (d->technique != WS_TECH_OVERWRITE && p.phase == WS_PHASE_WRITE)
		snprintf(phase, sizeof(phase), "drive"); /* the drive's own progress */
	else
		snprintf(phase, sizeof(phase), "%s", progress_phase_name(p.phase));
	snprintf(tail, sizeof(tail), " %u/%u %-6s %3.0f%% %5.0fMB/s %6s%s", p.pass, p.n_passes,
	         phase, frac * 100, p.rate / 1e6, progress_fmt_eta(p.eta, eta, sizeof(eta)),
	         d->abort_asked ? "  aborting"
	         : d->gone      ? "  gone"
	                        : "");
	draw_text(y, x + barw, w - barw, tail);
}

static void draw_row(struct station *st, const struct drive *d, int y, bool here,
                     const struct cols *c)
{
	const struct ws_device *dev = d->dev;
	char size[16], state[256], *model = cli_printable(dev ? dev->model : NULL);
	char *serial = cli_printable(dev ? dev->serial : NULL);
	bool dim = d->state == DRIVE_IDLE && drive_unselectable(d);
	int x = 0;

	if (here)
		attron(A_REVERSE);
	if (dim)
		attron(A_DIM);
	mvhline(y, 0, ' ', COLS);
	draw_text(y, x, 2, here ? ">" : " ");
	x += 2;
	draw_text(y, x, c->sel, d->selected ? "[x]" : dim || d->gone ? "[-]" : "[ ]");
	x += c->sel;
	draw_text(y, x, c->path - 1, d->path);
	x += c->path;
	if (d->state == DRIVE_RUNNING) {
		draw_running(st, d, y, x);
	} else {
		char bay[128];

		draw_text(y, x, c->model - 1, model);
		x += c->model;
		draw_tail(y, x, c->bay - 1, ws_device_bay(dev, bay, sizeof(bay)));
		x += c->bay;
		draw_tail(y, x, c->serial - 1, serial);
		x += c->serial;
		if (c->tag)
			draw_tail(y, x, c->tag - 1, d->asset_tag[0] ? d->asset_tag : "-");
		x += c->tag;
		snprintf(state, sizeof(state), "%6s",
		         dev ? cli_size(dev->size_bytes, size, sizeof(size)) : "-");
		draw_text(y, x, c->size - 1, state);
		x += c->size;
		if (c->bus)
			draw_text(y, x, c->bus - 1, dev ? dev->transport : "-");
		x += c->bus;
		draw_text(y, x, c->best - 1, drive_best_technique(dev));
		x += c->best;
		idle_state(d, state, sizeof(state));
		draw_text(y, x, c->state, state);
	}
	attroff(A_REVERSE | A_DIM);
	free(model);
	free(serial);
}

/* The drive under the cursor, in full: what the columns had to cut. */
static void draw_detail(struct station *st, int y)
{
	const struct drive *d;
	char line[512], size[16];
	char *model, *serial;

	if (st->n_drives == 0) {
		draw_text(y, 0, COLS, "No drives. Plug one in: it appears here by itself.");
		return;
	}
	d = st->drives[st->cursor];
	model = cli_printable(d->dev ? d->dev->model : NULL);
	serial = cli_printable(d->dev ? d->dev->serial : NULL);
	if (d->state == DRIVE_ENDED && d->cert_file)
		snprintf(line, sizeof(line), "%s: %s, certificate %s", d->path,
		         ws_status_name(d->status), d->cert_file);
	else if (d->state != DRIVE_RUNNING && (d->note || drive_unselectable(d)))
		snprintf(line, sizeof(line), "%s: %s", d->path,
		         d->note ? d->note : drive_unselectable(d));
	else if (d->state == DRIVE_IDLE && ws_device_frozen(d->dev))
		snprintf(line, sizeof(line), "%s: frozen: %s", d->path, ws_device_frozen(d->dev));
	else
		snprintf(line, sizeof(line), "%s: %s, serial %s, %s, %s%s%s%s%s", d->path, model,
		         serial, d->dev ? cli_size(d->dev->size_bytes, size, sizeof(size)) : "-",
		         d->dev ? d->dev->transport : "-", d->asset_tag[0] ? ", tag " : "",
		         d->asset_tag, d->dev && d->dev->by_path ? ", at " : "",
		         d->dev && d->dev->by_path ? d->dev->by_path : "");
	draw_text(y, 0, COLS, line);
	free(model);
	free(serial);
}

/* Who is logged in, at the end of the header (a station where operators log in). */
static void operator_head(const struct station *st, char *head, size_t len)
{
	struct ws_operator *op = st->ops.cfg.on ? ws_session_operator(st->ops.session) : NULL;
	size_t n = strlen(head);

	if (!st->ops.cfg.on || n >= len)
		return;
	if (!op)
		snprintf(head + n, len - n, "  nobody logged in");
	else
		snprintf(head + n, len - n, "  %s%.60s",
		         ws_session_state(st->ops.session) == WS_SESSION_LOCKED ? "LOCKED " : "",
		         ws_operator_name(op));
}

/* Whether a drive in the list is under a freeze lock (the unfreeze key is then shown). */
static bool any_frozen(const struct station *st)
{
	for (size_t i = 0; i < st->n_drives; i++)
		if (!st->drives[i]->gone && ws_device_frozen(st->drives[i]->dev))
			return true;
	return false;
}

/* The keys at the bottom, in 80 columns: with a frozen drive, u takes help's place. */
static const char *key_line(const struct station *st)
{
	if (station_running(st))
		return st->ops.cfg.on ? " a abort drive  l lock  q quit  ? help   (wipes running)"
		                      : " a abort drive  q quit  ? help   (wipes running)";
	if (any_frozen(st))
		return st->ops.cfg.on ? " Space select  m method  v verify  o fields  s START  u "
		                        "unfreeze  l lock  q quit"
		                      : " Space select  m method  v verify  o operator  s START  u "
		                        "unfreeze  q quit  ?";
	return st->ops.cfg.on
	           ? " Space select  m method  v verify  o fields  s START  l lock  q quit  ? help"
	           : " Space select  m method  v verify  o operator  s START  q quit  ? help";
}

void screen_list_draw(struct station *st)
{
	struct cols c = layout(COLS, tags_shown(st));
	const struct ws_plan *plan = st->ws->plan;
	char head[256], pct[16] = "", feed[200];
	bool fed = feed_line(st, feed, sizeof(feed));
	int rows = LINES - 5 - (fed ? 1 : 0), y;

	if (plan->verify == WS_VERIFY_SAMPLE)
		snprintf(pct, sizeof(pct), " %u%%", plan->sample_percent);
	snprintf(head, sizeof(head),
	         st->ops.cfg.on
	             ? " wipeseal  method %.40s  verify %s%s  %zu of %zu selected"
	             : " wipeseal station   method %.40s   verify %s%s   %zu of %zu selected",
	         plan->method, ws_verify_mode_name(plan->verify), pct, drives_selected(st),
	         st->n_drives);
	if (batch_head(st, head, sizeof(head))) /* the customer, job and batch first */
		snprintf(head + strlen(head), sizeof(head) - strlen(head), "  %zu of %zu sel",
		         drives_selected(st), st->n_drives);
	operator_head(st, head, sizeof(head));
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	draw_text(0, 0, COLS, head);
	attroff(A_REVERSE);
	attron(A_BOLD);
	mvhline(1, 0, ' ', COLS);
	y = 2 + c.sel;
	draw_text(1, 2, COLS, "SEL");
	draw_text(1, y, COLS - y, "DEVICE");
	y += c.path;
	if (station_running(st)) {
		draw_text(1, y, COLS - y, "PROGRESS             PASS PHASE   DONE    SPEED    ETA");
	} else {
		if (c.model)
			draw_text(1, y, COLS - y, "MODEL");
		y += c.model;
		draw_text(1, y, COLS - y, "BAY");
		y += c.bay;
		draw_text(1, y, COLS - y, "SERIAL");
		y += c.serial;
		if (c.tag)
			draw_text(1, y, COLS - y, "TAG");
		y += c.tag;
		draw_text(1, y, COLS - y, "  SIZE");
		y += c.size;
		if (c.bus)
			draw_text(1, y, COLS - y, "BUS");
		y += c.bus;
		draw_text(1, y, COLS - y, "BEST");
		y += c.best;
		draw_text(1, y, COLS - y, "STATE");
	}
	attroff(A_BOLD);
	if (rows < 1)
		rows = 1;
	if (st->cursor < st->top)
		st->top = st->cursor;
	if (st->cursor >= st->top + rows)
		st->top = st->cursor - rows + 1;
	for (int i = 0; i < rows && st->top + i < (int)st->n_drives; i++)
		draw_row(st, st->drives[st->top + i], 2 + i, st->top + i == st->cursor, &c);
	if (fed)
		draw_text(LINES - 4, 0, COLS, feed);
	draw_detail(st, LINES - 3);
	draw_text(LINES - 2, 0, COLS, st->message);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	draw_text(LINES - 1, 0, COLS, key_line(st));
	attroff(A_REVERSE);
}
