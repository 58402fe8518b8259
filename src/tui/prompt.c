/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prompt.c - what is drawn over the drive list and takes the keys while open: the method
 * and verification menus, the typed confirmation that starts a wipe, the yes/no questions
 * before aborting or quitting. A prompt never blocks: the main loop keeps drawing progress
 * and filing results under it.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"

static const char *const overwrite_methods[] = { "clear", "zero", "one", "random", "dod-3pass" };

/* The first selected drive that cannot carry out the method named @name now (the library's
 * rules: ws_technique_why_not()), or NULL when every one can (an overwrite always can).
 * *@shorty gets a few words ("frozen", "not advertised"), @why (when not NULL) the whole
 * reason with its remedy. Nothing is sent to any drive. */
static const struct drive *refusing_drive(const struct station *st, const char *name,
                                          const char **shorty, char *why, size_t len)
{
	enum ws_technique t;

	if (ws_technique_by_name(name, &t) < 0)
		return NULL;
	for (size_t i = 0; i < st->n_drives; i++) {
		const struct drive *d = st->drives[i];
		const char *sh = "not available";
		char *reason = NULL;

		if (!d->selected || !d->dev || ws_technique_why_not(d->dev, t, &sh, &reason) == 0)
			continue;
		if (shorty)
			*shorty = sh;
		if (why)
			snprintf(why, len, "%s", reason ? reason : sh);
		free(reason);
		return d;
	}
	return NULL;
}

/* Whether every selected drive can carry out the method named @name (nothing is sent). */
static bool valid_for_selected(struct station *st, const char *name)
{
	return refusing_drive(st, name, NULL, NULL, 0) == NULL;
}

/* Whether a selected drive advertises firmware technique @t (it is then in the menu, greyed
 * where another selected drive cannot carry it out, or where it is frozen). */
static bool advertised_by_selected(const struct station *st, enum ws_technique t)
{
	for (size_t i = 0; i < st->n_drives; i++)
		if (st->drives[i]->selected && st->drives[i]->dev &&
		    ws_technique_advertised(st->drives[i]->dev, t))
			return true;
	return false;
}

static void add_entry(struct prompt *p, const char *name, bool enabled)
{
	if (p->n >= MENU_MAX)
		return;
	snprintf(p->entries[p->n], sizeof(p->entries[p->n]), "%s", name);
	p->enabled[p->n] = enabled;
	p->n++;
}

void prompt_open_method(struct station *st)
{
	struct prompt *p = &st->prompt;
	bool any = drives_selected(st) > 0;

	memset(p, 0, sizeof(*p));
	p->kind = PROMPT_METHOD;
	for (size_t i = 0; i < sizeof(overwrite_methods) / sizeof(overwrite_methods[0]); i++)
		add_entry(p, overwrite_methods[i], true);
	add_entry(p, "purge", valid_for_selected(st, "purge"));
	/* the policy for mixed fleets: greyed only where the library refuses it (a frozen
	 * drive that offers Purge is refused, never cleared instead: fallback.c) */
	add_entry(p, "purge-or-clear", valid_for_selected(st, "purge-or-clear"));
	/* explicit techniques, in the table's order: those that erase and that a selected
	 * drive advertises, greyed unless every selected drive can carry them out now; not
	 * those that need a secret per drive (a TCG revert's PSID: `wipeseal wipe` asks for
	 * it, one drive at a time) */
	for (int t = 0; any && t < WS_TECH_COUNT; t++) {
		const struct ws_technique_info *i = ws_technique_info((enum ws_technique)t);

		if ((i->flags & WS_TECH_F_FIRMWARE) && !(i->flags & WS_TECH_F_ERASES_NOTHING) &&
		    !(i->flags & WS_TECH_F_SECRET) &&
		    advertised_by_selected(st, (enum ws_technique)t))
			add_entry(p, i->name, valid_for_selected(st, i->name));
	}
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->entries[i], st->ws->plan->method) == 0)
			p->cursor = i;
}

void prompt_open_verify(struct station *st)
{
	struct prompt *p = &st->prompt;
	char sample[48];

	memset(p, 0, sizeof(*p));
	p->kind = PROMPT_VERIFY;
	snprintf(sample, sizeof(sample), "sample (%u%% of the drive)", st->ws->sample_percent);
	add_entry(p, "full (read every byte back)", true);
	add_entry(p, sample, true);
	add_entry(p, "none", true);
	p->cursor = st->ws->plan->verify == WS_VERIFY_FULL     ? 0
	            : st->ws->plan->verify == WS_VERIFY_SAMPLE ? 1
	                                                       : 2;
}

bool input_key(char *buf, size_t len, int key)
{
	size_t n = strlen(buf);

	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n) {
		buf[n - 1] = '\0';
		return true;
	}
	if (key == 21) { /* ^U */
		buf[0] = '\0';
		return true;
	}
	if (key >= 0x20 && key < 0x7f && n + 1 < len) {
		buf[n] = (char)key;
		buf[n + 1] = '\0';
		return true;
	}
	return false;
}

bool input_edit(char *buf, size_t len, bool *fresh, int key)
{
	bool was = *fresh;

	if (key == KEY_LEFT || key == KEY_RIGHT || key == KEY_HOME || key == KEY_END) {
		*fresh = false; /* the value kept, to be edited at its end */
		return true;
	}
	if (was && key >= 0x20 && key < 0x7f)
		buf[0] = '\0'; /* the first character typed replaces the selected value */
	if (!input_key(buf, len, key))
		return false;
	*fresh = false;
	return true;
}

static void choose_method(struct station *st, const char *name)
{
	struct ws_plan *plan = NULL, *old = st->ws->plan;
	char *why = NULL;

	if (ws_plan_parse(name, st->ws->passes, &plan, &why) < 0) {
		snprintf(st->prompt.error, sizeof(st->prompt.error), "%s", why ? why : name);
		free(why);
		return;
	}
	plan->verify = old->verify;
	plan->sample_percent = old->sample_percent;
	if (ws_plan_check_verify(plan, st->ws->trust_firmware, &why) < 0) {
		snprintf(st->prompt.error, sizeof(st->prompt.error), "%s", why ? why : name);
		free(why);
		ws_plan_free(plan);
		return;
	}
	st->ws->plan = plan;
	ws_plan_free(old);
	st->prompt.kind = PROMPT_NONE;
	station_message(st, "method: %s", plan->method);
}

static void choose(struct station *st)
{
	struct prompt *p = &st->prompt;
	static const enum ws_verify_mode modes[] = { WS_VERIFY_FULL, WS_VERIFY_SAMPLE,
		                                     WS_VERIFY_NONE };

	if (!p->enabled[p->cursor]) {
		const char *sh = "not available";
		char why[512];
		const struct drive *d =
		    refusing_drive(st, p->entries[p->cursor], &sh, why, sizeof(why));

		/* the drive and the few words in the box, the whole reason on the message line */
		snprintf(p->error, sizeof(p->error), "%s: %s%s", d ? d->path : "?", sh,
		         strcmp(sh, "frozen") == 0 ? " (u unfreezes, or re-plug it)" : "");
		if (d)
			station_message(st, "%s", why);
		return;
	}
	if (p->kind == PROMPT_METHOD) {
		choose_method(st, p->entries[p->cursor]);
		return;
	}
	{
		/* the same rule as `wipe --verify none`, before the plan changes */
		enum ws_verify_mode was = st->ws->plan->verify;
		char *why = NULL;

		st->ws->plan->verify = modes[p->cursor];
		if (ws_plan_check_verify(st->ws->plan, st->ws->trust_firmware, &why) < 0) {
			/* the rule's words, short enough for the menu (the whole reason is in
			 * docs/methods.md and on `wipe`'s stderr) */
			st->ws->plan->verify = was;
			snprintf(p->error, sizeof(p->error), "%s",
			         "not with a firmware method: its report is no evidence");
			free(why);
			return;
		}
	}
	st->ws->verify = modes[p->cursor];
	p->kind = PROMPT_NONE;
	station_message(st, "verification: %s", ws_verify_mode_name(modes[p->cursor]));
}

bool prompt_move(struct prompt *p, int key)
{
	if (key == KEY_UP || key == 'k')
		p->cursor = p->cursor > 0 ? p->cursor - 1 : 0;
	else if (key == KEY_DOWN || key == 'j')
		p->cursor = p->cursor + 1 < p->n ? p->cursor + 1 : p->cursor;
	else
		return false;
	return true;
}

static void menu_key(struct station *st, int key)
{
	struct prompt *p = &st->prompt;

	if (prompt_move(p, key))
		return;
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		choose(st);
		break;
	case 27:
	case 'q':
		p->kind = PROMPT_NONE;
		break;
	default:
		break;
	}
}

static void start_key(struct station *st, int key)
{
	struct prompt *p = &st->prompt;

	if (key == 27) {
		p->kind = PROMPT_NONE;
		station_message(st, "not started");
		return;
	}
	if (key != '\n' && key != '\r' && key != KEY_ENTER) {
		input_key(p->input, sizeof(p->input), key);
		return;
	}
	p->kind = PROMPT_NONE;
	if (strcmp(p->input, "WIPE") != 0) {
		station_message(st, "not started: type WIPE, in capitals, then Enter");
		return;
	}
	station_start(st);
}

void prompt_key(struct station *st, int key)
{
	struct prompt *p = &st->prompt;
	bool yes = key == 'y' || key == 'Y';

	switch (p->kind) {
	case PROMPT_SUMMARY:
		if (!screen_summary_key(st, key))
			p->kind = PROMPT_NONE;
		break;
	case PROMPT_HELP:
		p->kind = PROMPT_NONE;
		break;
	case PROMPT_METHOD:
	case PROMPT_VERIFY:
		menu_key(st, key);
		break;
	case PROMPT_FIELDS:
		fields_key(st, key);
		break;
	case PROMPT_START:
		start_key(st, key);
		break;
	case PROMPT_ABORT:
		p->kind = PROMPT_NONE;
		if (yes && p->drive)
			station_abort(st, p->drive);
		break;
	case PROMPT_UNFREEZE:
		unfreeze_key(st, key);
		break;
	case PROMPT_BATCH:
		batch_key(st, key);
		break;
	case PROMPT_SCAN:
		scan_key(st, key);
		break;
	case PROMPT_QUIT:
		p->kind = PROMPT_NONE;
		if (yes) {
			for (size_t i = 0; i < st->n_drives; i++)
				station_abort(st, st->drives[i]);
			st->quit = true;
		}
		break;
	case PROMPT_NONE:
		break;
	}
}

static void draw_menu(struct station *st, const char *title)
{
	struct prompt *p = &st->prompt;
	int w = COLS < 60 ? COLS : 60, h = p->n + 5;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;

	if (y < 0)
		y = 0;
	draw_box(y, x, h, w, title);
	for (int i = 0; i < p->n && y + 1 + i < LINES - 1; i++) {
		char line[80];

		const char *sh = "not available";

		/* one drive selected: its own reason; several: which is said when chosen */
		if (!p->enabled[i] && drives_selected(st) == 1)
			(void)refusing_drive(st, p->entries[i], &sh, NULL, 0);
		snprintf(line, sizeof(line), "%s %s%s%s%s", i == p->cursor ? ">" : " ",
		         p->entries[i],
		         p->enabled[i]              ? ""
		         : drives_selected(st) == 1 ? "  ("
		                                    : "  (not on every selected drive)",
		         p->enabled[i] || drives_selected(st) != 1 ? "" : sh,
		         p->enabled[i] || drives_selected(st) != 1 ? "" : ")");
		if (i == p->cursor)
			attron(A_REVERSE);
		if (!p->enabled[i])
			attron(A_DIM);
		draw_text(y + 1 + i, x + 2, w - 4, line);
		attroff(A_REVERSE | A_DIM);
	}
	draw_text(y + h - 3, x + 2, w - 4, p->error);
	draw_text(y + h - 2, x + 2, w - 4,
	          "Up/Down choose, Enter takes it, Esc keeps the old one.");
}

/* The paths of the selected drives, wrapped into lines of @w columns from row @y, at most
 * @rows lines; the last says how many did not fit. Return: lines drawn. */
static int draw_compact(struct station *st, int y, int x, int w, int rows, size_t n)
{
	char line[256] = "";
	size_t shown = 0, len = 0;
	int drawn = 0;

	for (size_t i = 0; i < st->n_drives && drawn < rows; i++) {
		const char *path = st->drives[i]->path;

		if (!st->drives[i]->selected)
			continue;
		if (len && (len + strlen(path) + 1 >= (size_t)w || len + strlen(path) + 1 >= 200)) {
			if (drawn == rows - 1)
				break; /* the last line says how many more */
			draw_text(y + drawn++, x, w, line);
			len = 0;
			line[0] = '\0';
		}
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", len ? " " : "  ",
		                        path);
		shown++;
	}
	if (shown < n)
		snprintf(line + len, sizeof(line) - len, " ... and %zu more", n - shown);
	if (drawn < rows)
		draw_text(y + drawn++, x, w, line);
	return drawn;
}

/* The start prompt names every drive it will erase: one line each (with its serial) when
 * they fit, their paths side by side when they do not. */
static void draw_start(struct station *st)
{
	struct prompt *p = &st->prompt;
	size_t n = drives_selected(st);
	int w = COLS < 76 ? COLS : 76, max_rows = LINES - 9, rows, h;
	int y, x = (COLS - w) / 2;
	char line[256], pct[16] = "";
	bool compact;

	if (max_rows < 1)
		max_rows = 1;
	compact = (int)n > max_rows;
	rows = compact ? max_rows : (int)n;
	h = rows + 8;
	y = (LINES - h) / 2 < 0 ? 0 : (LINES - h) / 2;
	draw_box(y, x, h, w, " Start ");
	if (st->ws->plan->verify == WS_VERIFY_SAMPLE)
		snprintf(pct, sizeof(pct), " %u%%", st->ws->plan->sample_percent);
	snprintf(line, sizeof(line), "ERASE %zu drive%s with %.60s, verify %s%s:", n,
	         n == 1 ? "" : "s", st->ws->plan->method, ws_verify_mode_name(st->ws->plan->verify),
	         pct);
	draw_text(y + 1, x + 2, w - 4, line);
	if (compact) {
		draw_compact(st, y + 2, x + 2, w - 4, rows, n);
	} else {
		int listed = 0;

		for (size_t i = 0; i < st->n_drives && listed < rows; i++) {
			const struct drive *d = st->drives[i];
			char *serial;

			if (!d->selected)
				continue;
			serial = cli_printable(d->dev ? d->dev->serial : NULL);
			snprintf(line, sizeof(line), "  %s  serial %s%s%s", d->path, serial,
			         d->asset_tag[0] ? "  tag " : "", d->asset_tag);
			free(serial);
			draw_text(y + 2 + listed++, x + 2, w - 4, line);
		}
	}
	draw_text(y + h - 5, x + 2, w - 4, "Everything on them will be destroyed.");
	draw_text(y + h - 4, x + 2, w - 4,
	          "Type WIPE and press Enter to start (Esc: do not start).");
	snprintf(line, sizeof(line), "> %s_", p->input);
	draw_text(y + h - 2, x + 2, w - 4, line);
}

static void draw_question(const char *title, const char *text)
{
	int w = COLS < 70 ? COLS : 70, h = 5;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;

	draw_box(y, x, h, w, title);
	draw_text(y + 1, x + 2, w - 4, text);
	draw_text(y + 3, x + 2, w - 4, "y: yes   any other key: no");
}

void prompt_draw(struct station *st)
{
	char text[256];

	switch (st->prompt.kind) {
	case PROMPT_HELP:
		screen_help_draw(st);
		break;
	case PROMPT_SUMMARY:
		screen_summary_draw(st);
		break;
	case PROMPT_METHOD:
		draw_menu(st, " Method ");
		break;
	case PROMPT_VERIFY:
		draw_menu(st, " Verification ");
		break;
	case PROMPT_FIELDS:
		fields_draw(st);
		break;
	case PROMPT_START:
		draw_start(st);
		break;
	case PROMPT_ABORT:
		snprintf(text, sizeof(text), "Abort the wipe of %s? It ends ABORTED.",
		         st->prompt.drive ? st->prompt.drive->path : "?");
		draw_question(" Abort ", text);
		break;
	case PROMPT_QUIT:
		draw_question(" Quit ", "Wipes are running. Quit aborts them all (ABORTED).");
		break;
	case PROMPT_UNFREEZE:
		unfreeze_draw(st);
		break;
	case PROMPT_BATCH:
		batch_draw(st);
		break;
	case PROMPT_SCAN:
		scan_draw(st);
		break;
	case PROMPT_NONE:
		break;
	}
}
