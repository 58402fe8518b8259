/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-help.c - '?': every key of the station, over the drive list. Any key closes it.
 */
#include <curses.h>

#include "station.h"

static const char *const help[] = {
	"Up/Down, j/k  move between drives",
	"Space         select or unselect the drive (dimmed [-] drives cannot be)",
	"m             method: clear, purge, purge-or-clear, or a drive's technique",
	"v             verification: full, sample or none",
	"o             operator, organization and asset fields for the certificates",
	"t             scanner mode: each tag scanned (or typed) and Enter tags the",
	"              drive under the cursor, and the cursor moves on; Esc leaves",
	"s             start: type WIPE and Enter; all selected drives run at once",
	"a             abort the wipe of the drive under the cursor (asks first)",
	"q             quit (asks first while wipes run: they end ABORTED)",
	"u             unfreeze frozen drives: suspend this machine briefly (asks)",
	"b             end the batch: report (CSV, signed PDF), labels; next one",
	"?             this help (Ctrl-L draws the whole screen again)",
	"",
	"Every drive that runs gets a certificate, as `wipeseal wipe` writes it.",
	"Drives plugged in or pulled out show up or are marked gone by themselves.",
	"",
	"Any key closes this help.",
};

/* Where operators log in with their cards: the lock key, after q (the row of u). */
#define LOCK_AT 10
static const char lock_line[] = "l             lock the station now (your card and PIN unlock it)";

void screen_help_draw(struct station *st)
{
	int n = (int)(sizeof(help) / sizeof(help[0])) + st->ops.cfg.on;
	int w = COLS < 78 ? COLS : 78, h = n + 4;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;

	if (y < 0)
		y = 0;
	draw_box(y, x, h, w, " Keys ");
	for (int i = 0, k = 0; i < n && y + 2 + i < LINES - 1; i++)
		draw_text(y + 2 + i, x + 2, w - 4,
		          st->ops.cfg.on && i == LOCK_AT ? lock_line : help[k++]);
}
