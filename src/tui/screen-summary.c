/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-summary.c - when every wipe of a start has ended: one line per drive (status,
 * method, duration, certificate file) and the reason of each failure, until a key is
 * pressed. The same lines are printed on stdout when the station exits.
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

void screen_summary_draw(struct station *st)
{
	int w = COLS, h = LINES - 1, row = 3, last = h - 4;
	size_t shown = 0, ran = 0;
	char line[512];

	draw_box(0, 0, h, w, " Summary: every wipe has ended ");
	draw_text(1, 2, w - 4, "DEVICE        STATUS   METHOD                         TIME  TAG");
	for (size_t i = 0; i < st->n_drives; i++) {
		const struct drive *d = st->drives[i];

		if ((d->state != DRIVE_ENDED && d->state != DRIVE_REFUSED) || !batch_shows(st, d))
			continue;
		ran++;
		if (row > last)
			continue;
		row = draw_drive(d, row, last, w);
		shown++;
	}
	if (shown < ran) {
		snprintf(line, sizeof(line),
		         "... and %zu more: all are printed when the station exits", ran - shown);
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
	draw_text(LINES - 1, 0, COLS, " Press any key to return to the drive list.");
	attroff(A_REVERSE);
}
