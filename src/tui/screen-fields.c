/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-fields.c - 'o': the operator's and the medium's fields that go into every
 * certificate, pre-filled from the flags and the config file (as `wipe` fills them), edited
 * here for the drives started next. The asset tag belongs to the drive under the cursor, and
 * is held to the rules a scanned one is (tag_assign(), screen-scan.c).
 *
 * A field opened for editing shows its value selected, as a form does: the first character
 * typed replaces it (a tag scanned into the field, a name typed anew), while Backspace, ^U
 * and the arrow keys edit the value as it is.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"

#define ASSET_FIELD 5

static const char *const labels[N_FIELDS] = {
	"Operator name", "Title",        "Organization",   "Location",    "Phone",
	"Asset tag",     "Media source", "Classification", "Destination", "Notes",
};

/* Where field @i lives in the certificate information (the asset tag: per drive). */
static const char **field(struct station *st, int i)
{
	struct ws_cert_info *in = &st->ws->cert.info;
	const char **f[N_FIELDS] = {
		&in->operator_name,         &in->operator_title,
		&in->operator_organization, &in->operator_location,
		&in->operator_phone,        &in->asset_tag,
		&in->media_source,          &in->classification,
		&in->destination,           &in->notes,
	};

	return f[i];
}

/* The drive whose asset tag the form edits: the one under the cursor when it opened, by
 * identity (a row removed above it must not make the tag land on another drive). */
static struct drive *cursor_drive(struct station *st)
{
	return st->prompt.drive;
}

static const char *value(struct station *st, int i)
{
	struct drive *d = cursor_drive(st);

	if (i == ASSET_FIELD && d && d->asset_tag[0])
		return d->asset_tag;
	return *field(st, i) ? *field(st, i) : "";
}

void fields_open(struct station *st)
{
	struct prompt *p = &st->prompt;

	memset(p, 0, sizeof(*p));
	p->kind = PROMPT_FIELDS;
	p->n = N_FIELDS;
	p->drive = st->n_drives ? st->drives[st->cursor] : NULL;
}

void fields_draw(struct station *st)
{
	struct prompt *p = &st->prompt;
	int w = COLS < 76 ? COLS : 76, h = N_FIELDS + 7;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	struct drive *d = cursor_drive(st);
	char line[256];

	if (y < 0)
		y = 0;
	draw_box(y, x, h, w, " Certificate fields ");
	for (int i = 0; i < N_FIELDS; i++) {
		const char *v = p->editing && i == p->cursor ? p->input : value(st, i);
		char label[48];

		if (i == ASSET_FIELD && d)
			snprintf(label, sizeof(label), "Asset tag (%s)", d->path);
		else
			snprintf(label, sizeof(label), "%s", labels[i]);
		snprintf(line, sizeof(line), "%-26.26s %s%s", label, v,
		         p->editing && !p->fresh && i == p->cursor ? "_" : "");
		if (i == p->cursor)
			attron(A_REVERSE);
		mvhline(y + 2 + i, x + 1, ' ', w - 2);
		draw_text(y + 2 + i, x + 2, w - 4, line);
		attroff(A_REVERSE);
		if (p->editing && p->fresh && i == p->cursor) /* selected: the inverse of the row */
			draw_text(y + 2 + i, x + 2 + 27, w - 4 - 27, v);
	}
	draw_text(y + h - 4, x + 2, w - 4, p->error);
	draw_text(y + h - 3, x + 2, w - 4,
	          !p->editing ? "Up/Down choose, Enter edits, Esc or o closes."
	          : p->fresh
	              ? "Typing replaces the value, Backspace edits it; Enter keeps it, Esc too."
	              : "Type the value; Enter keeps it, Esc leaves it as it was.");
}

/* Keep the typed value: into the station's own buffer, which the certificate points to. */
static void commit(struct station *st)
{
	struct prompt *p = &st->prompt;
	struct drive *d = cursor_drive(st);
	const char **f = field(st, p->cursor), *old = *f;
	char *why;

	if (p->cursor == ASSET_FIELD && d) {
		/* the station's tag kept as it was stays the station's, not this drive's own */
		if (!d->asset_tag[0] && old && strcmp(p->input, old) == 0) {
			p->editing = false;
			return;
		}
		if (!tag_assign(st, d, p->input, p->error, sizeof(p->error)))
			return;
		p->error[0] = '\0';
		p->editing = false;
		return;
	}
	snprintf(st->field_buf[p->cursor], sizeof(st->field_buf[p->cursor]), "%s", p->input);
	*f = st->field_buf[p->cursor][0] ? st->field_buf[p->cursor] : NULL;
	if ((why = ws_cert_info_check(&st->ws->cert.info))) {
		snprintf(p->error, sizeof(p->error), "%s", why);
		free(why);
		*f = old;
		return;
	}
	p->error[0] = '\0';
	p->editing = false;
}

void fields_key(struct station *st, int key)
{
	struct prompt *p = &st->prompt;

	if (p->editing) {
		if (key == '\n' || key == '\r' || key == KEY_ENTER)
			commit(st);
		else if (key == 27)
			p->editing = false;
		else
			input_edit(p->input, sizeof(p->input), &p->fresh, key);
		return;
	}
	if (prompt_move(p, key))
		return;
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		snprintf(p->input, sizeof(p->input), "%s", value(st, p->cursor));
		p->editing = true;
		p->fresh = p->input[0] != '\0';
		break;
	case 27:
	case 'o':
	case 'q':
		p->kind = PROMPT_NONE;
		station_message(st, "certificate fields kept for the next start");
		break;
	default:
		break;
	}
}
