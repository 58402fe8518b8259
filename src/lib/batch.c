/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * batch.c - several wipes at once: a thread per target, a shared start line, and a
 * condition variable the caller waits on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "batch-internal.h"
#include "wipe-internal.h"

struct worker {
	struct ws_batch *batch;
	struct ws_batch_item *item;
	struct ws_wipe_opts opts; /* the item's, with our userdata and hooks */
	pthread_t thread;
	bool started, arrived, done;
};

struct ws_batch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n, started, done, arrived;
	struct worker w[];
};

static void forward_progress(void *userdata, const struct ws_progress *p)
{
	struct worker *w = userdata;

	if (w->item->opts.progress)
		w->item->opts.progress(w->item->opts.userdata, p);
}

static void arrive_locked(struct worker *w)
{
	if (!w->arrived) {
		w->arrived = true;
		w->batch->arrived++;
		pthread_cond_broadcast(&w->batch->cond);
	}
}

/* Everyone reads what must be read before anyone erases. */
static void start_line(void *userdata)
{
	struct worker *w = userdata;
	struct ws_batch *b = w->batch;

	pthread_mutex_lock(&b->lock);
	arrive_locked(w);
	while (b->arrived < b->n)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
	if (w->item->opts.before_erase)
		w->item->opts.before_erase(w->item->opts.userdata);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct ws_batch_item *it = w->item;
	struct ws_result *res = NULL;
	int r = ws_wipe_run(it->ctx, it->target, it->plan, &w->opts, &res);

	pthread_mutex_lock(&w->batch->lock);
	it->result = res;
	it->error = r;
	arrive_locked(w); /* a wipe that ended early must not hold the others */
	w->done = true;
	w->batch->done++;
	pthread_cond_broadcast(&w->batch->cond);
	pthread_mutex_unlock(&w->batch->lock);
	return NULL;
}

int ws_batch_start(struct ws_batch_item *items, size_t n, struct ws_batch **ret)
{
	struct ws_batch *b = calloc(1, sizeof(*b) + n * sizeof(b->w[0]));

	if (!b)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->n = n;
	for (size_t i = 0; i < n; i++) {
		struct worker *w = &b->w[i];

		w->batch = b;
		w->item = &items[i];
		w->opts = items[i].opts;
		w->opts.progress = forward_progress;
		w->opts.userdata = w;
		w->opts.before_erase = start_line;
		items[i].result = NULL;
		items[i].error = 0;
	}
	pthread_mutex_lock(&b->lock); /* nobody passes the start line before all are counted */
	for (size_t i = 0; i < n; i++) {
		struct worker *w = &b->w[i];

		w->started = pthread_create(&w->thread, NULL, run, w) == 0;
		if (w->started) {
			b->started++;
			continue;
		}
		items[i].error = -EAGAIN;
		arrive_locked(w); /* it never will */
		w->done = true;
		b->done++;
	}
	pthread_mutex_unlock(&b->lock);
	*ret = b;
	return 0;
}

size_t ws_batch_wait(struct ws_batch *b, unsigned timeout_ms)
{
	struct timespec until;
	size_t left;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&b->lock);
	while (b->done < b->n && pthread_cond_timedwait(&b->cond, &b->lock, &until) == 0)
		;
	left = b->n - b->done;
	pthread_mutex_unlock(&b->lock);
	return left;
}

bool ws_batch_item_done(struct ws_batch *b, size_t i)
{
	bool done;

	if (i >= b->n)
		return false;
	pthread_mutex_lock(&b->lock);
	done = b->w[i].done;
	pthread_mutex_unlock(&b->lock);
	return done;
}

struct ws_batch *ws_batch_free(struct ws_batch *b)
{
	if (!b)
		return NULL;
	for (size_t i = 0; i < b->n; i++)
		if (b->w[i].started)
			pthread_join(b->w[i].thread, NULL);
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
	free(b);
	return NULL;
}
