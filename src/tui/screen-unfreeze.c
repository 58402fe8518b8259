/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-unfreeze.c - 'u': lift the freeze lock of frozen drives by suspending the machine to
 * RAM for a few seconds (the library's ws_suspend_cycle(): the RTC alarm wakes it). It stops
 * the whole station for those seconds, so it is only ever the operator's explicit choice: a
 * question names the frozen drives and waits for 'y'; any other key leaves the machine
 * running. Never while wipes run (a suspend would cut them), and never by itself.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"

/* How long the machine sleeps: long enough for every drive to lose power. */
#define UNFREEZE_SECONDS 5

static size_t frozen_count(const struct station *st, const struct drive **first)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_drives; i++)
		if (!st->drives[i]->gone && ws_device_frozen(st->drives[i]->dev)) {
			if (!n++ && first)
				*first = st->drives[i];
		}
	return n;
}

void unfreeze_open(struct station *st)
{
	if (station_running(st)) {
		station_message(st,
		                "unfreeze suspends the machine: wait until the running wipes end");
		return;
	}
	if (frozen_count(st, NULL) == 0) {
		station_message(st, "no drive is frozen: nothing to unfreeze");
		return;
	}
	memset(&st->prompt, 0, sizeof(st->prompt));
	st->prompt.kind = PROMPT_UNFREEZE;
}

void unfreeze_draw(struct station *st)
{
	const struct drive *first = NULL;
	size_t n = frozen_count(st, &first);
	int w = COLS < 72 ? COLS : 72, h = 9;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	char line[200];

	draw_box(y < 0 ? 0 : y, x, h, w, " Unfreeze ");
	y = y < 0 ? 0 : y;
	if (n == 1)
		snprintf(line, sizeof(line), "%s is frozen (a FREEZE LOCK set at boot).",
		         first ? first->path : "?");
	else
		snprintf(line, sizeof(line), "%zu drives are frozen (a FREEZE LOCK set at boot).",
		         n);
	draw_text(y + 1, x + 2, w - 4, line);
	snprintf(line, sizeof(line),
	         "Suspend this machine to RAM for %d seconds? The RTC alarm wakes it,",
	         UNFREEZE_SECONDS);
	draw_text(y + 2, x + 2, w - 4, line);
	draw_text(y + 3, x + 2, w - 4, "and drives that lost power come back unfrozen. The screen");
	draw_text(y + 4, x + 2, w - 4, "goes dark meanwhile. (Or re-plug the drive instead.)");
	draw_text(y + 6, x + 2, w - 4, "y: suspend now   any other key: no");
}

void unfreeze_key(struct station *st, int key)
{
	char *why = NULL;
	int r;

	st->prompt.kind = PROMPT_NONE;
	if (key != 'y' && key != 'Y') {
		station_message(st, "unfreeze: not confirmed; nothing was done");
		return;
	}
	if (station_running(st)) { /* a wipe started meanwhile (auto): never suspend under it */
		station_message(st,
		                "unfreeze suspends the machine: wait until the running wipes end");
		return;
	}
	def_prog_mode();
	endwin();
	r = ws_suspend_cycle(st->cli->ctx, UNFREEZE_SECONDS, &why);
	reset_prog_mode();
	if (r < 0) {
		station_message(st, "unfreeze: %s", why ? why : "the machine could not suspend");
		free(why);
		return;
	}
	/* the drives as they are now: describe each again */
	for (size_t i = 0; i < st->n_drives; i++)
		if (!st->drives[i]->gone && st->drives[i]->state != DRIVE_RUNNING)
			drives_refresh(st, st->drives[i]);
	r = (int)frozen_count(st, NULL);
	if (r)
		station_message(st, "back from suspend: %d drive%s still frozen: re-plug %s", r,
		                r == 1 ? " is" : "s are", r == 1 ? "it" : "them");
	else
		station_message(st, "back from suspend: no drive is frozen now");
}
