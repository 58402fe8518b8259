/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-sender.c - the station's sender (wipeseal/register.h): one thread that pushes the
 * result directory's queue to the register whenever something was queued (a poke) and
 * every retry interval while the queue is not empty.
 *
 * A thread rather than a step of the station's loop: a register far away, or gone, must
 * never slow the screen or the filing of a certificate. Each try is bounded
 * (register_try_bounded(): connect, statement and TCP timeouts, no new file after the
 * deadline), so stopping the sender waits at most one try, then makes a last one of its own,
 * bounded too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wipeseal/register.h>

#include "register-queue-internal.h"

/* The bound of one try of the thread. */
#define TRY_LIMIT_S 10

struct ws_register_sender {
	const struct ws_register_conn *conn;
	const struct ws_trust *trust;
	const struct ws_verify_opts *vo;
	const char *dir;
	unsigned retry_s;

	pthread_t thread;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t cond;
	bool poked, stopping;
	struct ws_sender_status status;
};

/* What a try found into the status. Called with the lock held. */
static void note_try(struct ws_register_sender *s, int e, const struct ws_pending_summary *sum,
                     const char *why)
{
	s->status.tried = true;
	s->status.queued = sum->left;
	if (e == 0 && sum->left == 0) {
		s->status.last_success = (int64_t)time(NULL);
		s->status.last_error[0] = '\0';
		return;
	}
	snprintf(s->status.last_error, sizeof(s->status.last_error), "%s",
	         why     ? why
	         : e < 0 ? strerror(-e)
	                 : "not all sent");
	/* one line, whatever the server said */
	s->status.last_error[strcspn(s->status.last_error, "\r\n")] = '\0';
}

/* One try, without the lock. */
static void try_send(struct ws_register_sender *s, unsigned limit_s)
{
	struct ws_pending_summary sum = { 0 };
	char *why = NULL;
	int e =
	    register_try_bounded(s->conn, s->trust, s->vo, s->dir, limit_s, NULL, NULL, &sum, &why);

	pthread_mutex_lock(&s->lock);
	note_try(s, e, &sum, why);
	pthread_mutex_unlock(&s->lock);
	free(why);
}

/* Wait for a poke, the stop, or, while something waits, the retry interval. Called with
 * the lock held. Return: true to try, false to stop. */
static bool wait_turn(struct ws_register_sender *s)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += s->retry_s;
	while (!s->poked && !s->stopping) {
		if (s->status.queued == 0 && s->status.last_error[0] == '\0')
			pthread_cond_wait(&s->cond, &s->lock);
		else if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
			break;
	}
	s->poked = false;
	return !s->stopping;
}

static void *run(void *userdata)
{
	struct ws_register_sender *s = userdata;

	pthread_mutex_lock(&s->lock);
	while (wait_turn(s)) {
		pthread_mutex_unlock(&s->lock);
		try_send(s, TRY_LIMIT_S);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int ws_register_sender_start(const struct ws_register_conn *c, const struct ws_trust *trust,
                             const struct ws_verify_opts *vo, const char *result_dir,
                             unsigned retry_s, struct ws_register_sender **ret)
{
	struct ws_register_sender *s;
	pthread_condattr_t ca;
	int e;

	if (!c || !c->url || !result_dir)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct ws_register_sender){
		.conn = c,
		.trust = trust,
		.vo = vo,
		.dir = result_dir,
		.retry_s = retry_s ? retry_s : 60,
		.poked = true, /* what an earlier session left waits no longer than the start */
	};
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	(void)ws_register_queue_length(result_dir, &s->status.queued);
	e = pthread_create(&s->thread, NULL, run, s);
	if (e) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return -e;
	}
	*ret = s;
	return 0;
}

void ws_register_sender_poke(struct ws_register_sender *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->poked = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void ws_register_sender_status(struct ws_register_sender *s, struct ws_sender_status *ret)
{
	size_t queued = 0, held = 0;
	bool counted = ws_register_queue_length(s->dir, &queued) == 0;

	(void)ws_register_queue_held(s->dir, &held);
	pthread_mutex_lock(&s->lock);
	if (counted)
		s->status.queued = queued;
	s->status.held = held;
	*ret = s->status;
	pthread_mutex_unlock(&s->lock);
}

struct ws_register_sender *ws_register_sender_stop(struct ws_register_sender *s, unsigned limit_s,
                                                   struct ws_sender_status *ret)
{
	if (!s)
		return NULL;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL); /* at most one try, bounded */
	try_send(s, limit_s ? limit_s : 10);
	if (ret)
		ws_register_sender_status(s, ret);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}
