/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * draw.c - what the station's screens share: boxes, clipped text, bars and the formats of
 * sizes and times. Plain ASCII only, so that a serial console draws the same screen.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "station.h"

void draw_box(int y, int x, int h, int w, const char *title)
{
	/* the whole width of the rows it covers: no half row of the list beside it */
	for (int r = 0; r < h; r++)
		mvhline(y + r, 0, ' ', COLS);
	/* ASCII, not ACS: a serial console or a capture without the alternate character set
	 * would show "lqqk" */
	mvaddch(y, x, '+');
	mvhline(y, x + 1, '-', w - 2);
	mvaddch(y, x + w - 1, '+');
	mvvline(y + 1, x, '|', h - 2);
	mvvline(y + 1, x + w - 1, '|', h - 2);
	mvaddch(y + h - 1, x, '+');
	mvhline(y + h - 1, x + 1, '-', w - 2);
	mvaddch(y + h - 1, x + w - 1, '+');
	if (title) {
		attron(A_BOLD);
		draw_text(y, x + 2, w - 4, title);
		attroff(A_BOLD);
	}
}

/* @s at (y, x), cut to @w columns; bytes outside printable ASCII become '?'. */
void draw_text(int y, int x, int w, const char *s)
{
	int i = 0;

	if (w <= 0 || y < 0 || y >= LINES)
		return;
	move(y, x);
	for (; s && s[i] && i < w && x + i < COLS; i++)
		addch((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f
		          ? (chtype)(unsigned char)s[i]
		          : '?');
}

/* "[#######-------]" in @w columns. */
void draw_bar(int y, int x, int w, double frac)
{
	int inner = w - 2, fill;

	if (inner < 1)
		return;
	frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
	fill = (int)(frac * inner + 0.5);
	mvaddch(y, x, '[');
	for (int i = 0; i < inner; i++)
		addch(i < fill ? '#' : '-');
	addch(']');
}

/* The strongest technique a drive supports, short enough for the list's column: what
 * `purge` would carry out, by the same rank (ws_technique_strongest()). */
const char *drive_best_technique(const struct ws_device *dev)
{
	enum ws_technique t;

	if (!dev)
		return "-";
	t = ws_technique_strongest(dev);
	if (t != WS_TECH_OVERWRITE)
		return ws_technique_info(t)->label;
	return dev->methods & WS_METHOD_CLEAR ? "clear" : "-";
}
