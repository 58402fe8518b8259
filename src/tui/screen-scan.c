/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-scan.c - 't': asset tags at scanner speed. A USB barcode scanner is a keyboard that
 * types what it read and Enter. In scanner mode every line ended by Enter is the asset tag
 * of the drive under the cursor, and the cursor moves on to the next drive that can be
 * wiped, so a technician scans ten labels in a row without another key. Nothing is selected
 * or started here: every printable key is part of a tag (a tag may hold an 's' or a 'q').
 * Up/Down still move; Esc (or Ctrl-C) leaves the mode.
 *
 * The rules are the library's (wipeseal/asset-tag.h): what a tag may hold, and that no other
 * drive of this station holds it already. tag_assign() applies them for the form ('o',
 * screen-fields.c) too, so a tag typed there is held to the same rules as one scanned.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/asset-tag.h>

#include "station.h"

bool tags_shown(const struct station *st)
{
	if (st->prompt.kind == PROMPT_SCAN)
		return true;
	for (size_t i = 0; i < st->n_drives; i++)
		if (st->drives[i]->asset_tag[0])
			return true;
	return false;
}

/* Why @d cannot take a tag now, or NULL: a tag is read when a wipe starts, and a certificate
 * written keeps the tag it has. */
static const char *tag_refusal(const struct drive *d)
{
	if (d->gone)
		return "the drive is gone";
	if (d->state == DRIVE_RUNNING)
		return "being wiped: its certificate gets the tag it started with";
	if (d->state == DRIVE_ENDED)
		return "wiped; its certificate keeps its tag (Space to wipe it again)";
	return NULL;
}

/* The other drives' own tags, @d's slot NULL, in the list's order. Return: malloc'd. */
static const char **other_tags(const struct station *st, const struct drive *d)
{
	const char **v = calloc(st->n_drives ? st->n_drives : 1, sizeof(*v));

	for (size_t i = 0; v && i < st->n_drives; i++)
		v[i] = st->drives[i] == d ? NULL : st->drives[i]->asset_tag;
	return v;
}

bool tag_assign(struct station *st, struct drive *d, const char *tag, char *why, size_t len)
{
	const char *no = tag_refusal(d), **others;
	char *reason = NULL;
	int k;

	if (no) {
		snprintf(why, len, "%s: %s", d->path, no);
		return false;
	}
	if (!tag[0]) { /* no tag of its own: the station's (flags, config) applies */
		d->asset_tag[0] = '\0';
		return true;
	}
	if (ws_asset_tag_check(tag, &reason) < 0) {
		snprintf(why, len, "%s", reason ? reason : "the asset tag is refused");
		free(reason);
		return false;
	}
	if (!(others = other_tags(st, d))) {
		snprintf(why, len, "out of memory: the tag was not kept");
		return false;
	}
	k = ws_asset_tag_find(tag, others, st->n_drives);
	free(others);
	if (k >= 0) {
		/* the tag is valid (printable ASCII), so it can be quoted */
		snprintf(why, len,
		         "asset tag %.64s is already on %s%s: scan this drive's own label", tag,
		         st->drives[k]->path, st->drives[k]->gone ? " (gone)" : "");
		return false;
	}
	snprintf(d->asset_tag, sizeof(d->asset_tag), "%s", tag);
	return true;
}

void scan_open(struct station *st)
{
	memset(&st->prompt, 0, sizeof(st->prompt));
	st->prompt.kind = PROMPT_SCAN;
	station_message(st,
	                "scanner mode: scan each drive's label; the cursor moves on. Esc leaves");
}

/* The next row below the cursor that can be wiped and take a tag; the cursor when none. */
static int next_drive(const struct station *st)
{
	for (int i = st->cursor + 1; i < (int)st->n_drives; i++)
		if (!tag_refusal(st->drives[i]) && !drive_unselectable(st->drives[i]))
			return i;
	return st->cursor;
}

/* Enter: the line typed is the tag of the drive under the cursor. */
static void scan_line(struct station *st)
{
	struct prompt *p = &st->prompt;
	struct drive *d = st->n_drives ? st->drives[st->cursor] : NULL;
	char why[200];
	int next;

	if (!p->input[0]) /* an empty line (a second Enter): nothing was scanned */
		return;
	if (!d) {
		station_message(st, "no drive to tag: plug one in");
	} else if (!tag_assign(st, d, p->input, why, sizeof(why))) {
		station_message(st, "%s", why);
	} else if ((next = next_drive(st)) == st->cursor) {
		station_message(st, "%s: asset tag %s; that was the last drive (Esc leaves)",
		                d->path, d->asset_tag);
	} else {
		st->cursor = next;
		station_message(st, "%s: asset tag %s; next %s", d->path, d->asset_tag,
		                st->drives[next]->path);
	}
	p->input[0] = '\0';
}

static void move_to(struct station *st, int row)
{
	int n = (int)st->n_drives;

	st->cursor = row >= n ? n - 1 : row;
	if (st->cursor < 0)
		st->cursor = 0;
}

void scan_key(struct station *st, int key)
{
	struct prompt *p = &st->prompt;
	size_t n = strlen(p->input);

	switch (key) {
	case 27:
	case 3: /* ^C: leaves the mode, as Esc */
		memset(p, 0, sizeof(*p));
		station_message(st, "scanner mode left");
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		scan_line(st);
		return;
	case KEY_UP:
		move_to(st, st->cursor - 1);
		return;
	case KEY_DOWN:
		move_to(st, st->cursor + 1);
		return;
	case KEY_HOME:
		move_to(st, 0);
		return;
	case KEY_END:
		move_to(st, (int)st->n_drives);
		return;
	default:
		break;
	}
	if (input_key(p->input, sizeof(p->input), key))
		return;
	/* any other byte a scanner sends (a Tab, a non-ASCII character of the keyboard layout)
	 * is kept, so that the tag is refused with its reason instead of losing it silently */
	if (key > 0 && key < 0x100 && n + 1 < sizeof(p->input)) {
		p->input[n] = (char)key;
		p->input[n + 1] = '\0';
	}
}

/* The bottom line: what is typed so far, for which drive, and how to leave. */
void scan_draw(struct station *st)
{
	const char *path = st->n_drives ? st->drives[st->cursor]->path : "(no drive)";
	char line[320];

	snprintf(line, sizeof(line), " SCANNER  tag of %s > %s_   Enter: next drive  Esc: leave",
	         path, st->prompt.input);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	draw_text(LINES - 1, 0, COLS, line);
	attroff(A_REVERSE);
}
