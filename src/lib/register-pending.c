/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-pending.c - sending a station's queue (register-queue.c) to the register:
 * ws_register_push_pending(), and ws_register_try_once(), the one bounded try a command
 * makes after it filed something.
 *
 * Every entry is claimed, pushed (ws_register_push_file(): verified first, as `wipeseal
 * verify` does), and only then removed (STORED, DUPLICATE) or set aside with its reason
 * (CONFLICT, REFUSED: never retried silently: a person must look). UNREACHABLE gives the
 * entry back and ends the run: the rest waits for the next.
 *
 * A bounded try must not hang on a server that stopped answering: its connection gets a
 * connect timeout, a statement timeout and a TCP user timeout (libpq's own settings, added
 * to the connection string), and no new file is started after the deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <wipeseal/register.h>

#include "register-queue-internal.h"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The full path of what entry @name holds. */
static int entry_path(int dfd, const char *result_dir, const char *name, char **ret)
{
	char *text = NULL;
	int r = queue_read_entry(dfd, name, &text);

	if (r < 0)
		return r;
	if (text[0] == '/') {
		*ret = text;
		return 0;
	}
	r = asprintf(ret, "%s/%s", result_dir, text) < 0 ? -ENOMEM : 0;
	free(text);
	return r;
}

static void count(struct ws_pending_summary *s, enum ws_push_status st)
{
	switch (st) {
	case WS_PUSH_STORED:
		s->stored++;
		break;
	case WS_PUSH_DUPLICATE:
		s->duplicate++;
		break;
	case WS_PUSH_CONFLICT:
		s->conflict++;
		break;
	case WS_PUSH_REFUSED:
		s->refused++;
		break;
	case WS_PUSH_UNREACHABLE:
		s->unreachable++;
		break;
	}
}

/* Send entry @name. Return: 1 to go on, 0 to stop (unreachable), or a negative errno. */
static int push_entry(struct ws_register *r, const struct ws_trust *trust,
                      const struct ws_verify_opts *vo, const char *result_dir, int dfd,
                      const char *name, ws_push_fn fn, void *userdata, struct ws_pending_summary *s)
{
	struct ws_push_outcome o = { 0 };
	char *claimed = NULL, *path = NULL;
	int e = queue_claim(dfd, name, &claimed), go = 1;

	if (e == -ENOENT)
		return 1; /* another sender took it */
	if (e < 0)
		return e;
	e = entry_path(dfd, result_dir, claimed, &path);
	if (e == -ENOMEM || (e == 0 && (e = ws_register_push_file(r, trust, vo, path, &o)) < 0)) {
		queue_unclaim(dfd, claimed);
		free(claimed);
		free(path);
		return e;
	}
	if (e < 0) { /* an entry that names nothing readable */
		o.status = WS_PUSH_REFUSED;
		if (asprintf(&o.reason, "the queue entry %s cannot be read: %s", name,
		             strerror(-e)) < 0)
			o.reason = NULL;
	}
	if (fn)
		fn(userdata, path ? path : name, &o);
	count(s, o.status);
	if (o.status == WS_PUSH_STORED || o.status == WS_PUSH_DUPLICATE) {
		e = queue_done(dfd, claimed);
	} else if (o.status == WS_PUSH_UNREACHABLE) {
		queue_unclaim(dfd, claimed);
		go = 0;
	} else {
		e = queue_hold(dfd, claimed, o.reason);
	}
	ws_push_outcome_clear(&o);
	free(claimed);
	free(path);
	return e < 0 ? e : go;
}

int push_pending_until(struct ws_register *r, const struct ws_trust *trust,
                       const struct ws_verify_opts *vo, const char *result_dir, ws_push_fn fn,
                       void *userdata, int64_t deadline_ns, struct ws_pending_summary *ret)
{
	struct ws_pending_summary s = { 0 };
	char **names = NULL;
	size_t n = 0;
	int dfd = -1, e = queue_list(result_dir, &names, &n);

	if (e == 0 && n)
		e = queue_open(result_dir, &dfd);
	for (size_t i = 0; e == 0 && i < n; i++) {
		if (deadline_ns && mono_ns() >= deadline_ns)
			break;
		e = push_entry(r, trust, vo, result_dir, dfd, names[i], fn, userdata, &s);
		if (e == 0)
			break; /* unreachable: the rest waits */
		e = e > 0 ? 0 : e;
	}
	if (dfd >= 0)
		close(dfd);
	queue_names_free(names, n);
	if (ws_register_queue_length(result_dir, &s.left) < 0)
		s.left = 0;
	if (ret)
		*ret = s;
	return e;
}

int ws_register_push_pending(struct ws_register *r, const struct ws_trust *trust,
                             const struct ws_verify_opts *vo, const char *result_dir, ws_push_fn fn,
                             void *userdata, struct ws_pending_summary *ret)
{
	return push_pending_until(r, trust, vo, result_dir, fn, userdata, 0, ret);
}

/* ---- one bounded try ---------------------------------------------------------------------- */

/* @v single-quoted for a key=value connection string. */
static int append_value(char **out, size_t *len, const char *key, const char *v, const char *more)
{
	size_t need = *len + strlen(key) + 2 * strlen(v) + (more ? strlen(more) : 0) + 8;
	char *p = realloc(*out, need);

	if (!p)
		return -ENOMEM;
	*out = p;
	p += *len;
	p += sprintf(p, "%s%s='", *len ? " " : "", key);
	for (const char *c = v; *c; c++) {
		if (*c == '\'' || *c == '\\')
			*p++ = '\\';
		*p++ = *c;
	}
	if (more)
		p = stpcpy(p, more);
	*p++ = '\'';
	*p = '\0';
	*len = (size_t)(p - *out);
	return 0;
}

/* @url as a key=value connection string with a statement timeout of @limit_s seconds (added
 * to any options= it has) and a TCP user timeout (unless it names one), so that no
 * statement waits longer on a server that went away. Return: 0, -EINVAL when libpq cannot
 * parse it (*ret_reason says why), -ENOMEM. */
static int bounded_url(const char *url, unsigned limit_s, char **ret, char **ret_reason)
{
	char *err = NULL, *out = NULL, more[96];
	PQconninfoOption *opts = PQconninfoParse(url, &err);
	bool had_options = false, had_tcp = false;
	size_t len = 0;
	int e = 0;

	if (!opts) {
		if (ret_reason && asprintf(ret_reason, "the register's connection string: %s",
		                           err ? err : "out of memory") < 0)
			*ret_reason = NULL;
		PQfreemem(err);
		return err ? -EINVAL : -ENOMEM;
	}
	snprintf(more, sizeof(more), " -c statement_timeout=%u", limit_s * 1000);
	for (PQconninfoOption *o = opts; e == 0 && o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "options") == 0)
			had_options = true;
		if (strcmp(o->keyword, "tcp_user_timeout") == 0)
			had_tcp = true;
		e = append_value(&out, &len, o->keyword, o->val,
		                 strcmp(o->keyword, "options") == 0 ? more : NULL);
	}
	PQconninfoFree(opts);
	if (e == 0 && !had_options)
		e = append_value(&out, &len, "options", more + 1, NULL);
	snprintf(more, sizeof(more), "%u", limit_s * 1000);
	if (e == 0 && !had_tcp)
		e = append_value(&out, &len, "tcp_user_timeout", more, NULL);
	if (e < 0) {
		free(out);
		return e;
	}
	*ret = out;
	return 0;
}

/* What a bounded try heard: the caller's callback, and the last reason a file was left. */
struct heard {
	ws_push_fn fn;
	void *userdata;
	char *reason;
};

static void on_pushed(void *userdata, const char *path, const struct ws_push_outcome *o)
{
	struct heard *h = userdata;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (h->fn)
		h->fn(h->userdata, path, o);
	if (o->status == WS_PUSH_STORED || o->status == WS_PUSH_DUPLICATE)
		return;
	free(h->reason);
	if (asprintf(&h->reason, "%s: %s", base, o->reason ? o->reason : "no reason given") < 0)
		h->reason = NULL;
}

int register_try_bounded(const struct ws_register_conn *c, const struct ws_trust *trust,
                         const struct ws_verify_opts *vo, const char *result_dir, unsigned limit_s,
                         ws_push_fn fn, void *userdata, struct ws_pending_summary *ret,
                         char **ret_reason)
{
	struct ws_register_conn bounded = *c;
	struct ws_register *reg = NULL;
	struct ws_pending_summary s = { 0 };
	struct heard h = { fn, userdata, NULL };
	char *url = NULL, *why = NULL;
	int64_t deadline;
	int e;

	if (!c->url)
		return -EINVAL;
	if (ws_register_queue_length(result_dir, &s.left) == 0 && s.left == 0) {
		if (ret) /* nothing waits: no connection */
			*ret = s;
		if (ret_reason)
			*ret_reason = NULL;
		return 0;
	}
	limit_s = limit_s ? limit_s : 10;
	deadline = mono_ns() + (int64_t)limit_s * 1000000000LL;
	e = bounded_url(c->url, limit_s, &url, &why);
	bounded.url = url;
	if (!bounded.connect_timeout_s || bounded.connect_timeout_s > limit_s)
		bounded.connect_timeout_s = limit_s;
	if (e == 0)
		e = ws_register_connect(&bounded, &reg, &why);
	if (e == 0)
		e = push_pending_until(reg, trust, vo, result_dir, on_pushed, &h, deadline, &s);
	else if (ws_register_queue_length(result_dir, &s.left) < 0)
		s.left = 0;
	ws_register_close(reg);
	free(url);
	if (!why && h.reason)
		why = h.reason;
	else
		free(h.reason);
	if (ret)
		*ret = s;
	if (ret_reason)
		*ret_reason = why;
	else
		free(why);
	return e;
}

int ws_register_try_once(const struct ws_register_conn *c, const struct ws_trust *trust,
                         const struct ws_verify_opts *vo, const char *result_dir, unsigned limit_s,
                         struct ws_pending_summary *ret, char **ret_reason)
{
	return register_try_bounded(c, trust, vo, result_dir, limit_s, NULL, NULL, ret, ret_reason);
}
