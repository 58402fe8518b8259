/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * progress.c - progress bars, --json progress events and the SIGUSR1 dump.
 *
 * Workers report through the library's callback into one row each; the main thread draws.
 * Nothing here touches a device: it only formats what the library reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "front.h"
#include "progress.h"

#define JSON_INTERVAL_NS 1000000000LL /* one progress line per target per second */

const char *progress_phase_name(enum ws_phase phase)
{
	static const char *const names[] = {
		[WS_PHASE_WRITE] = "write",   [WS_PHASE_FLUSH] = "flush",
		[WS_PHASE_VERIFY] = "verify", [WS_PHASE_PROBE] = "probe",
		[WS_PHASE_DONE] = "done",
	};

	return (unsigned)phase < sizeof(names) / sizeof(names[0]) ? names[phase] : "?";
}

int progress_init(struct progress *p, size_t n, bool json)
{
	memset(p, 0, sizeof(*p));
	p->rows = calloc(n, sizeof(*p->rows));
	if (!p->rows)
		return -1;
	p->n = n;
	p->json = json;
	p->tty = !json && isatty(STDERR_FILENO);
	pthread_mutex_init(&p->lock, NULL);
	return 0;
}

void progress_fini(struct progress *p)
{
	pthread_mutex_destroy(&p->lock);
	free(p->rows);
}

static void json_event(const struct ws_progress *wp)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string("progress"));
	json_object_object_add(o, "target", json_object_new_string(wp->path));
	json_object_object_add(o, "phase", json_object_new_string(progress_phase_name(wp->phase)));
	json_object_object_add(o, "pass", json_object_new_int((int)wp->pass));
	json_object_object_add(o, "passes", json_object_new_int((int)wp->n_passes));
	json_object_object_add(o, "done_bytes", json_object_new_uint64(wp->done));
	json_object_object_add(o, "total_bytes", json_object_new_uint64(wp->total));
	json_object_object_add(o, "bytes_per_second", json_object_new_uint64((uint64_t)wp->rate));
	json_object_object_add(o, "eta_seconds",
	                       wp->eta >= 0 ? json_object_new_int64((int64_t)wp->eta) : NULL);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

void progress_report(void *userdata, const struct ws_progress *wp)
{
	struct progress_slot *slot = userdata;
	struct progress *p = slot->p;
	struct progress_row *row = &p->rows[slot->row];
	int64_t now = cli_now_ns();

	pthread_mutex_lock(&p->lock);
	bool changed = !row->seen || wp->phase != row->last.phase || wp->pass != row->last.pass;

	row->last = *wp;
	row->seen = true;
	if (p->json && (changed || now - row->last_json_ns >= JSON_INTERVAL_NS)) {
		row->last_json_ns = now;
		json_event(wp);
	}
	pthread_mutex_unlock(&p->lock);
}

const char *progress_fmt_eta(double eta, char *buf, size_t len)
{
	unsigned long s = eta < 0 ? 0 : (unsigned long)eta;

	if (eta < 0)
		snprintf(buf, len, "--:--");
	else if (s >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
	return buf;
}

/* "/dev/loop0  pass 1/3 write  [########------------]  40%  812 MB/s  ETA 0:12" */
static void format_row(const struct progress_row *row, char *buf, size_t len)
{
	const struct ws_progress *w = &row->last;
	double frac = w->total ? (double)w->done / (double)w->total : 0;
	char bar[21], eta[32];
	int fill = (int)(frac * 20 + 0.5);

	if (!row->seen) {
		snprintf(buf, len, "waiting");
		return;
	}
	for (int i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[20] = '\0';
	progress_fmt_eta(w->eta, eta, sizeof(eta));
	snprintf(buf, len, "%s  pass %u/%u %-6s [%s] %3.0f%%  %6.0f MB/s  ETA %s", w->path, w->pass,
	         w->n_passes, progress_phase_name(w->phase), bar, frac * 100, w->rate / 1e6, eta);
	cli_make_printable(buf);
}

void progress_draw(struct progress *p)
{
	char line[512];

	if (!p->tty)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->drawn)
		fprintf(stderr, "\033[%zuA", p->drawn);
	for (size_t i = 0; i < p->n; i++) {
		format_row(&p->rows[i], line, sizeof(line));
		fprintf(stderr, "\r\033[K%s\n", line);
	}
	p->drawn = p->n;
	fflush(stderr);
	pthread_mutex_unlock(&p->lock);
}

void progress_clear(struct progress *p)
{
	if (!p->tty || !p->drawn)
		return;
	fprintf(stderr, "\033[%zuA\033[J", p->drawn);
	p->drawn = 0;
}

void progress_dump(struct progress *p)
{
	char line[512];

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n; i++) {
		format_row(&p->rows[i], line, sizeof(line));
		fprintf(stderr, "wipeseal: %s\n", line);
	}
	pthread_mutex_unlock(&p->lock);
}
