/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-queue-internal.h - what the queue (register-queue.c) and the code that sends it
 * (register-sender.c) share: listing, claiming, removing and setting aside entries.
 */
#ifndef WS_REGISTER_QUEUE_INTERNAL_H
#define WS_REGISTER_QUEUE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <wipeseal/register.h>

/* The queue directory of @result_dir, opened. Return: 0, -ENOENT when there is none. */
int queue_open(const char *result_dir, int *ret_fd);
/* Its entries, oldest first (none when there is no queue). */
int queue_list(const char *result_dir, char ***ret, size_t *ret_n);
void queue_names_free(char **names, size_t n);
/* The path entry @name holds. */
int queue_read_entry(int dfd, const char *name, char **ret);
/* Claim entry @name (NAME.sending); -ENOENT when another sender took it. */
int queue_claim(int dfd, const char *name, char **ret_claimed);
/* Give a claimed entry back (the register was away). */
void queue_unclaim(int dfd, const char *claimed);
/* The register holds it: remove the claimed entry, durably. */
int queue_done(int dfd, const char *claimed);
/* Conflict or refused: into held/ with NAME.reason. */
int queue_hold(int dfd, const char *claimed, const char *reason);

/*
 * push_pending_until() - ws_register_push_pending(), stopping before the next file once
 * CLOCK_MONOTONIC passes @deadline_ns (0: never).
 */
int push_pending_until(struct ws_register *r, const struct ws_trust *trust,
                       const struct ws_verify_opts *vo, const char *result_dir, ws_push_fn fn,
                       void *userdata, int64_t deadline_ns, struct ws_pending_summary *ret);

/*
 * register_try_bounded() - ws_register_try_once(), with @fn (or NULL) hearing each file.
 * *ret_reason (malloc'd, or NULL): why the connection failed, or why the last file left
 * waiting or set aside was.
 */
int register_try_bounded(const struct ws_register_conn *c, const struct ws_trust *trust,
                         const struct ws_verify_opts *vo, const char *result_dir, unsigned limit_s,
                         ws_push_fn fn, void *userdata, struct ws_pending_summary *ret,
                         char **ret_reason);

#endif
