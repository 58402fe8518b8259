/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen-batch.c - the batch (wipeseal/lot.h): at its start the customer (picked from the
 * config's list), the job number and the batch number, each typed or scanned (a barcode
 * scanner types the text and Enter); the header shows them; 'b' ends the batch, writes its
 * report (batch-report.csv and the signed batch-report.pdf, every certificate verified
 * against [lot] ca first) and its label sheet (labels.pdf, on [lot] label_stock), the
 * library's ws_lot_end(), and asks for the next one. The summary shows the batch now only.
 *
 *   +------------------------- New batch --------------------------+
 *   | Customer (Up/Down, Enter)                                     |
 *   | > C001  ACME Ltd                                              |
 *   |   C002  Müller GmbH                                           |
 *   |   (no customer, job or batch)                                 |
 *   +---------------------------------------------------------------+
 *
 * Esc at any step starts a batch with no lot: its certificates have no "job" object and
 * are filed straight into the certificate directory, as without a customer list.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"

static struct station_batch *batch_of(struct station *st)
{
	return &st->batch;
}

bool batch_shows(const struct station *st, const struct drive *d)
{
	return d->batch_seq == st->batch.seq;
}

void batch_open(struct station *st)
{
	struct station_batch *b = batch_of(st);

	memset(&st->prompt, 0, sizeof(st->prompt));
	st->prompt.kind = PROMPT_BATCH;
	b->step = BATCH_CUSTOMER;
	b->cursor = 0;
	b->error[0] = '\0';
	b->job[0] = b->number[0] = '\0';
}

/* The batch now starts with @lot (taken; NULL: none). */
static void begin(struct station *st, struct ws_lot *lot)
{
	struct station_batch *b = batch_of(st);

	st->prompt.kind = PROMPT_NONE;
	b->seq++;
	if (lot_setup_use(st->ws, lot) < 0) {
		station_message(st, "out of memory: the batch has no customer, job or batch");
		return;
	}
	if (!lot)
		station_message(st, "a batch with no customer, job or batch number");
	else
		station_message(st, "batch %.20s of job %.20s%s%.30s: select drives and s starts",
		                lot->batch ? lot->batch : "-", lot->number ? lot->number : "-",
		                lot->customer ? " for " : "", lot->customer ? lot->customer : "");
}

/* The customer chosen (NULL: the list's last entry, none). */
static const struct ws_customer *chosen(struct station *st)
{
	return ws_customers_get(st->ws->lot.customers, batch_of(st)->cursor);
}

/* Enter on a step: the next one, or the lot checked and begun. */
static void next_step(struct station *st)
{
	struct station_batch *b = batch_of(st);
	char *why = NULL;
	struct ws_lot *lot = NULL;
	int r;

	b->error[0] = '\0';
	if (b->step == BATCH_CUSTOMER) {
		b->step = BATCH_JOB;
		return;
	}
	if (b->step == BATCH_JOB && b->job[0] &&
	    ws_lot_check_number("job number", b->job, &why) < 0) {
		snprintf(b->error, sizeof(b->error), "%s", why ? why : "not a job number");
		free(why);
		return;
	}
	if (b->step == BATCH_JOB) {
		b->step = BATCH_NUMBER;
		return;
	}
	r = ws_lot_new(chosen(st), b->job[0] ? b->job : NULL, b->number[0] ? b->number : NULL, &lot,
	               &why);
	if (r < 0) {
		snprintf(b->error, sizeof(b->error), "%s", why ? why : strerror(-r));
		free(why);
		return;
	}
	begin(st, lot);
}

void batch_key(struct station *st, int key)
{
	struct station_batch *b = batch_of(st);
	size_t n = ws_customers_count(st->ws->lot.customers) + 1; /* and "none" */

	if (key == 27) { /* Esc: a batch without a lot */
		begin(st, NULL);
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		next_step(st);
		return;
	}
	if (b->step == BATCH_CUSTOMER) {
		if ((key == KEY_UP || key == 'k') && b->cursor > 0)
			b->cursor--;
		else if ((key == KEY_DOWN || key == 'j') && b->cursor + 1 < n)
			b->cursor++;
		return;
	}
	if (input_key(b->step == BATCH_JOB ? b->job : b->number, sizeof(b->job), key))
		b->error[0] = '\0';
}

static void draw_customers(struct station *st, int y, int x, int w, int rows)
{
	struct station_batch *b = batch_of(st);
	size_t n = ws_customers_count(st->ws->lot.customers) + 1, top = 0;
	char line[160];

	if (b->cursor >= (size_t)rows)
		top = b->cursor - (size_t)rows + 1;
	for (size_t i = top; i < n && i < top + (size_t)rows; i++) {
		const struct ws_customer *c = ws_customers_get(st->ws->lot.customers, i);

		if (c)
			snprintf(line, sizeof(line), "%c %-6.6s %.60s", i == b->cursor ? '>' : ' ',
			         c->id, c->name);
		else
			snprintf(line, sizeof(line), "%c (no customer)",
			         i == b->cursor ? '>' : ' ');
		if (i == b->cursor)
			attron(A_REVERSE);
		draw_text(y + (int)(i - top), x, w, line);
		attroff(A_REVERSE);
	}
}

void batch_draw(struct station *st)
{
	struct station_batch *b = batch_of(st);
	const struct ws_customer *c = chosen(st);
	int w = COLS < 66 ? COLS : 66, h = 12, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char line[200];

	draw_box(y, x, h, w, " New batch ");
	if (b->step == BATCH_CUSTOMER) {
		draw_text(y + 1, x + 2, w - 4, "Customer (Up/Down, Enter; Esc: no customer)");
		draw_customers(st, y + 3, x + 2, w - 4, h - 5);
		return;
	}
	snprintf(line, sizeof(line), "Customer:     %.48s", c ? c->name : "(none)");
	draw_text(y + 1, x + 2, w - 4, line);
	snprintf(line, sizeof(line), "Job number:   %s%s", b->job, b->step == BATCH_JOB ? "_" : "");
	draw_text(y + 3, x + 2, w - 4, line);
	if (b->step == BATCH_NUMBER) {
		snprintf(line, sizeof(line), "Batch number: %s_", b->number);
		draw_text(y + 4, x + 2, w - 4, line);
	}
	draw_text(y + 6, x + 2, w - 4, "Type or scan, then Enter (empty: none). Esc: no lot.");
	if (b->error[0])
		draw_text(y + 8, x + 2, w - 4, b->error);
}

/* The header's start when the batch has a lot: who, which job, which batch. */
bool batch_head(const struct station *st, char *head, size_t len)
{
	const struct ws_lot *lot = st->ws->lot.lot;

	if (!lot)
		return false;
	snprintf(head, len, " %.24s  job %.16s  batch %.12s  %s",
	         lot->customer ? lot->customer : "-", lot->number ? lot->number : "-",
	         lot->batch ? lot->batch : "-", st->ws->plan->method);
	return true;
}

/* What ws_lot_end() wrote, on the message line, short enough for 80 columns when all is
 * well: "batch ended: batch-report.csv/.pdf (10 drives, 10 ok), labels.pdf (10, l7160)";
 * what did not go well is added (drives not sanitized or unverified, refused labels, or
 * why there is no sheet). */
static void say_written(struct station *st, const struct ws_lot_end *e)
{
	const struct ws_lot_report *rep = &e->report;
	char counts[96], labels[140];
	int at = snprintf(counts, sizeof(counts), "%zu drive%s, %zu ok", rep->drives,
	                  rep->drives == 1 ? "" : "s", rep->success);

	if (rep->failed)
		at += snprintf(counts + at, sizeof(counts) - (size_t)at, ", %zu not", rep->failed);
	if (rep->invalid)
		snprintf(counts + at, sizeof(counts) - (size_t)at, ", %zu unverified",
		         rep->invalid);
	if (e->labels_pdf)
		snprintf(labels, sizeof(labels), "%s (%zu, %s%s)", WS_LOT_LABELS, e->labels.labels,
		         e->stock->name, e->labels.n_refused ? ", some refused" : "");
	else
		snprintf(labels, sizeof(labels), "no labels: %.110s",
		         e->labels_reason ? e->labels_reason : "[lot] label_stock = none");
	station_message(st, "batch ended: %s/.pdf (%s), %s", WS_LOT_REPORT_CSV, counts, labels);
}

/* The report and the label sheet of the batch's folder (ws_lot_end()), verified against
 * [lot] ca (else [register] verify_ca), on [lot] label_stock. */
static void write_report(struct station *st)
{
	const struct ws_config *cfg = st->ws->cert.cfg;
	const char *ca = ws_config_get(cfg, "lot", "ca");
	struct ws_pdf_opts pdf = { .signer = st->ws->cert.signer };
	struct ws_lot_end_opts opts = { .pdf = &pdf };
	struct ws_trust *trust = NULL;
	struct ws_lot_end end = { 0 };
	char *why = NULL;
	int r;

	ca = ca ? ca : ws_config_get(cfg, "register", "verify_ca");
	if (st->ws->cert.unsigned_results || !ca) {
		station_message(st, "batch ended; no report, no labels: %s",
		                ca ? "--unsigned results are no certificates"
		                   : "set [lot] ca (the report verifies every certificate)");
		return;
	}
	r = ws_lot_label_stock(cfg, NULL, &opts.stock, &opts.no_labels, &why);
	if (r == 0)
		r = ws_trust_load(ca, &trust, &why);
	if (r == 0)
		r = ws_lot_end(st->ws->cert_dir, trust, &opts, &end, &why);
	if (r < 0)
		station_message(st, "batch ended; no report: %.150s", why ? why : strerror(-r));
	else
		say_written(st, &end);
	ws_lot_end_clear(&end);
	free(why);
	ws_trust_free(trust);
}

void batch_end(struct station *st)
{
	char said[sizeof(st->message)];

	if (station_running(st)) {
		station_message(st, "wait until the running wipes end (a aborts one)");
		return;
	}
	if (st->ws->lot.lot)
		write_report(st);
	else
		station_message(st, "batch ended");
	memcpy(said, st->message, sizeof(said));
	if (st->ws->lot.customers) {
		batch_open(st);
		memcpy(st->message, said, sizeof(said));
		return;
	}
	st->batch.seq++; /* the same lot, a new batch on the summary */
}
