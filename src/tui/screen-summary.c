/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-summary.c - when every wipe of a start has ended: one line per drive (status,
 * method, duration, certificate file) and the reason of each failure, until a key is
 * pressed. Ten bays do not fit on 24 lines with a certificate line each: Up/Down and
 * PgUp/PgDn scroll then, and any other key returns. The same lines are printed on stdout
 * when the station exits.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "station.h"

/* "/dev/sdb       SUCCESS  ata-secure-erase-enhanced  0:42  PC-0042", the asset tag when the
 * drive has its own */
void station_summary_line(const struct drive *d, char *buf, size_t len)
{
	char dur[16];
	bool refused = d->state == DRIVE_REFUSED;

	snprintf(buf, len, "%-13s %-8s %-26s %8s%s%s", d->path,
	         refused ? "REFUSED" : ws_status_name(d->status), refused ? "-" : d->method,
	         refused ? "-" : progress_fmt_eta(d->seconds, dur, sizeof(dur)),
	         d->asset_tag[0] ? "  " : "", d->asset_tag);
}

/* Up to three lines for a drive: the outcome, the certificate, the reason. */
static int draw_drive(const struct drive *d, int y, int last, int w)
{
	char line[512];
	const char *file = d->cert_file ? strrchr(d->cert_file, '/') : NULL;
	int row = y;

	station_summary_line(d, line, sizeof(line));
	if (d->state == DRIVE_ENDED && d->status == WS_STATUS_SUCCESS)
		attron(A_BOLD);
	draw_text(row++, 2, w - 4, line);
	attroff(A_BOLD);
	if (d->cert_file && row <= last) {
		snprintf(line, sizeof(line), "    %s", file ? file + 1 : d->cert_file);
		draw_text(row++, 2, w - 4, line);
	}
	if (d->note && row <= last) {
		snprintf(line, sizeof(line), "    %s", d->note);
		draw_text(row++, 2, w - 4, line);
	}
	return row;
}

/* Whether @d is on the summary: started in the batch now, and ended or refused. */
static bool summarized(const struct station *st, const struct drive *d)
{
	return (d->state == DRIVE_ENDED || d->state == DRIVE_REFUSED) && batch_shows(st, d);
}

/* The drives of the batch that ran (or were refused), from the prompt's first one, as many
 * as fit; "N above" and "N more" say what a scroll would show. */
void screen_summary_draw(struct station *st)
{
	struct prompt *p = &st->prompt;
	int w = COLS, h = LINES - 1, row = 3, last = h - 4;
	size_t shown = 0, ran = 0, above = 0;
	char line[512];

	draw_box(0, 0, h, w, " Summary: every wipe has ended ");
	draw_text(1, 2, w - 4, "DEVICE        STATUS   METHOD                         TIME  TAG");
	for (size_t i = 0; i < st->n_drives; i++)
		ran += summarized(st, st->drives[i]);
	for (size_t i = 0; i < st->n_drives; i++) {
		const struct drive *d = st->drives[i];

		if (!summarized(st, d))
			continue;
		if (above < (size_t)p->cursor) {
			above++;
			continue;
		}
		if (row > last)
			continue;
		/* the last drive may take the "more" line: none is below it */
		row = draw_drive(d, row, above + shown + 1 == ran ? last + 1 : last, w);
		shown++;
	}
	p->shown = (int)shown;
	p->below = (int)(ran - above - shown);
	if (above) {
		snprintf(line, sizeof(line), "... %zu above (Up, PgUp)", above);
		draw_text(2, 2, w - 4, line);
	}
	if (p->below) {
		snprintf(line, sizeof(line),
		         "... and %d more (Down, PgDn; all are printed at exit)", p->below);
		draw_text(h - 3, 2, w - 4, line);
	}
	if (st->ws->cert.unsigned_results)
		snprintf(line, sizeof(line), "Unsigned results (--unsigned) are in %s/",
		         st->ws->cert_dir);
	else
		snprintf(line, sizeof(line), "Certificates are in %s/", st->ws->cert_dir);
	draw_text(h - 2, 2, w - 4, line);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	draw_text(LINES - 1, 0, COLS,
	          above || p->below
	              ? " Up/Down, PgUp/PgDn scroll; any other key returns to the drive list."
	              : " Press any key to return to the drive list.");
	attroff(A_REVERSE);
}

bool screen_summary_key(struct station *st, int key)
{
	struct prompt *p = &st->prompt;
	int page = p->shown > 1 ? p->shown - 1 : 1; /* a page on keeps one drive in sight */

	if (p->cursor == 0 && p->below == 0)
		return false; /* it all fits: every key returns, as the bottom line says */
	switch (key) {
	case KEY_DOWN:
		p->cursor += p->below > 0;
		break;
	case KEY_UP:
		p->cursor -= p->cursor > 0;
		break;
	case KEY_NPAGE:
		p->cursor += page < p->below ? page : p->below;
		break;
	case KEY_PPAGE:
		p->cursor -= page < p->cursor ? page : p->cursor;
		break;
	case KEY_HOME:
		p->cursor = 0;
		break;
	case KEY_END:
		p->cursor += p->below;
		break;
	default:
		return false;
	}
	return true;
}
