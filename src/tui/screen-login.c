/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-login.c - the login box, over the drive list: insert your card, choose the
 * certificate when it holds several, type the PIN (shown as '*'). The same box unlocks a
 * locked station (the same card, or another operator's: they take over).
 *
 * The box never stops the loop: the cards are scanned about once a second from
 * login_tick() while it waits for one, and the drives' progress goes on being drawn behind
 * it. Logging in (the PIN checked by the card, the certificate by the CA) takes the time
 * the card takes, a fraction of a second.
 *
 *   +- Log in -----------------------------------------------------------+
 *   |  Card "op" (serial 1a2b...): Grace Hopper                           |
 *   |  PIN: ****                                                           |
 *   |  wrong PIN; the token reports few tries left                        |
 *   |  Enter log in   Esc another card                                     |
 *   +----------------------------------------------------------------------+
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "station.h"

#define SCAN_EVERY_NS 1000000000LL

static void forget_certs(struct login *l)
{
	ws_card_certs_free(l->certs, l->n_certs);
	l->certs = NULL;
	l->n_certs = 0;
	l->cursor = 0;
	OPENSSL_cleanse(l->pin, sizeof(l->pin));
}

void login_open(struct station *st)
{
	forget_certs(&st->login);
	st->login.step = LOGIN_INSERT;
	st->login.next_scan = 0; /* at once */
}

void login_close(struct station *st)
{
	forget_certs(&st->login);
	st->login.step = LOGIN_CLOSED;
}

static void set_reason(struct login *l, const char *why)
{
	snprintf(l->reason, sizeof(l->reason), "%s", why ? why : "");
}

/* The chooser lists the certificates by name, then subject: the same order every time. */
static int by_name(const void *a, const void *b)
{
	const struct ws_card_cert *x = a, *y = b;
	int r = strcmp(x->name ? x->name : "", y->name ? y->name : "");

	return r ? r : strcmp(x->subject, y->subject);
}

/* Keep the operator certificates of the scan; one goes straight to its PIN. */
static void scanned(struct login *l, struct ws_card_cert *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].operator) {
			free(v[i].uri);
			free(v[i].token);
			free(v[i].serial);
			free(v[i].subject);
			free(v[i].name);
			continue;
		}
		v[k++] = v[i];
	}
	if (k == 0) {
		free(v);
		set_reason(l, "the card holds no operator certificate (docs/operators.md: "
		              "enrolment)");
		return;
	}
	qsort(v, k, sizeof(*v), by_name);
	l->certs = v;
	l->n_certs = k;
	l->cursor = 0;
	l->step = k == 1 ? LOGIN_PIN : LOGIN_CHOOSE;
}

void login_tick(struct station *st)
{
	struct login *l = &st->login;
	struct ws_card_cert *v = NULL;
	char *why = NULL;
	int64_t now = cli_now_ns();
	int n;

	if (l->step != LOGIN_INSERT || now < l->next_scan)
		return;
	l->next_scan = now + SCAN_EVERY_NS;
	n = ws_card_scan(st->ops.cfg.card, &v, &why);
	if (n > 0)
		scanned(l, v, (size_t)n);
	else if (n == 0)
		set_reason(l, "no certificate with a key on the card");
	else if (n != -ENODEV)
		set_reason(l, why);
	if (n <= 0)
		free(v);
	free(why);
}

/* Enter on the PIN: the card and the CA decide. */
static void submit(struct station *st)
{
	struct login *l = &st->login;
	struct ws_operator *op = NULL;
	char *why = NULL;
	int r;

	if (!l->pin[0]) {
		set_reason(l, "type your PIN, then Enter");
		return;
	}
	r = operators_login(st, l->certs[l->cursor].uri, NULL, operators_typed_pin, l->pin, &op,
	                    &why);
	OPENSSL_cleanse(l->pin, sizeof(l->pin));
	if (r == 0) {
		set_reason(l, NULL);
		login_close(st);
		(void)operators_take(st, op);
		ws_operator_unref(op); /* the session holds its own reference */
		return;
	}
	if (r == -ENODEV) { /* the card went: wait for one again */
		login_open(st);
		set_reason(l, why ? why : "the card was removed");
	} else if (r == -EKEYREVOKED) {
		snprintf(l->reason, sizeof(l->reason), "this card is locked: %s",
		         why ? why : "too many wrong PINs; see your card's officer");
	} else {
		set_reason(l, why ? why : strerror(-r));
	}
	free(why);
}

/* Esc: when locked, back to the banner; before the first login, the cards scanned again
 * (another card). */
static void back(struct station *st)
{
	if (ws_session_state(st->ops.session) == WS_SESSION_LOCKED)
		login_close(st);
	else
		login_open(st);
	set_reason(&st->login, NULL);
}

void login_key(struct station *st, int key)
{
	struct login *l = &st->login;

	if (key == 27) {
		back(st);
		return;
	}
	if (l->step == LOGIN_CHOOSE) {
		if ((key == KEY_UP || key == 'k') && l->cursor > 0)
			l->cursor--;
		else if ((key == KEY_DOWN || key == 'j') && l->cursor + 1 < (int)l->n_certs)
			l->cursor++;
		else if (key == '\r' || key == '\n' || key == KEY_ENTER)
			l->step = LOGIN_PIN;
		return;
	}
	if (l->step != LOGIN_PIN)
		return;
	if (key == '\r' || key == '\n' || key == KEY_ENTER)
		submit(st);
	else
		(void)input_key(l->pin, sizeof(l->pin), key);
}

/* ---- drawing ---------------------------------------------------------------------------------- */

static void draw_choice(const struct login *l, int y, int x, int w, int rows)
{
	draw_text(y, x, w, "The card holds several certificates: choose yours (Up/Down, Enter)");
	for (int i = 0; i < (int)l->n_certs && i < rows; i++) {
		char row[256];

		snprintf(row, sizeof(row), "%s %s (%s)", i == l->cursor ? ">" : " ",
		         l->certs[i].name ? l->certs[i].name : "?", l->certs[i].subject);
		if (i == l->cursor)
			attron(A_REVERSE);
		draw_text(y + 1 + i, x, w, row);
		attroff(A_REVERSE);
	}
}

static void draw_pin(const struct login *l, int y, int x, int w)
{
	const struct ws_card_cert *c = &l->certs[l->cursor];
	char line[300], stars[sizeof(l->pin)];
	size_t n = strlen(l->pin);

	snprintf(line, sizeof(line), "Card \"%s\" (serial %s): %s", c->token, c->serial,
	         c->name ? c->name : c->subject);
	draw_text(y, x, w, line);
	memset(stars, '*', n);
	stars[n] = '\0';
	snprintf(line, sizeof(line), "PIN: %s_", stars);
	draw_text(y + 2, x, w, line);
}

void login_draw(struct station *st)
{
	const struct login *l = &st->login;
	bool locked = ws_session_state(st->ops.session) == WS_SESSION_LOCKED;
	int w = COLS < 76 ? COLS : 76, h = 9 + (l->step == LOGIN_CHOOSE ? (int)l->n_certs : 0);
	int y, x = (COLS - w) / 2;

	if (l->step == LOGIN_CLOSED)
		return;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	draw_box(y, x, h, w, locked ? " Unlock " : " Log in ");
	if (l->step == LOGIN_INSERT)
		draw_text(
		    y + 2, x + 2, w - 4,
		    "Insert your card (waiting for it; the cards are looked for every second)");
	else if (l->step == LOGIN_CHOOSE)
		draw_choice(l, y + 2, x + 2, w - 4, h - 6);
	else
		draw_pin(l, y + 2, x + 2, w - 4);
	attron(A_BOLD);
	draw_text(y + h - 3, x + 2, w - 4, l->reason);
	attroff(A_BOLD);
	draw_text(y + h - 2, x + 2, w - 4,
	          l->step == LOGIN_PIN
	              ? (locked ? "Enter unlock   Esc back" : "Enter log in   Esc another card")
	          : locked ? "Esc back"
	                   : (station_running(st) ? "" : "q quit"));
}
