/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * job-probe.c - a library caller with no front end, for test-job: it asks the library to
 * wipe the targets it is given and says what the library let through.
 *
 *   job-probe job METHOD PATH...    ws_job_new(), ws_job_add() each, ws_job_check(): one
 *                                   line per refusal on stdout; exit 3 when any was
 *                                   refused, 0 when all may start (nothing is started)
 *   job-probe batch METHOD PATH...  the old way round: ws_gate_open() each, then
 *                                   ws_batch_start() as a dry run (nothing is written);
 *                                   exit 0 when every wipe ran
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/wipeseal.h>

#include "batch-internal.h"

static int probe_job(struct ws_ctx *ctx, const struct ws_plan *plan, char **paths, size_t n)
{
	struct ws_job *job = NULL;
	int code = 0;

	if (ws_job_new(&(struct ws_job_options){ .ctx = ctx, .plan = plan }, &job) < 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (ws_job_add(job,
		               &(struct ws_job_target){
		                   .path = paths[i], .gate_flags = WS_GATE_NAMED | WS_GATE_WRITE },
		               &k) == -ENOMEM)
			code = 1;
	}
	(void)ws_job_check(job);
	for (size_t i = 0; i < ws_job_count(job); i++) {
		const struct ws_job_refusal *r = ws_job_refusal(job, i);

		if (!r)
			continue;
		printf("%s: refused: %s\n", paths[i], r->reason ? r->reason : "(no reason)");
		code = code ? code : 3;
	}
	ws_job_free(job);
	return code;
}

static int probe_batch(struct ws_ctx *ctx, const struct ws_plan *plan, char **paths, size_t n)
{
	struct ws_batch_item *items = calloc(n, sizeof(*items));
	struct ws_batch *batch = NULL;
	int code = 0;

	for (size_t i = 0; items && i < n; i++) {
		char *why = NULL;

		items[i] = (struct ws_batch_item){ .ctx = ctx, .plan = plan };
		items[i].opts.dry_run = true;
		if (ws_gate_open(ctx, paths[i], WS_GATE_NAMED | WS_GATE_WRITE, &items[i].target,
		                 &why) < 0) {
			printf("%s: gate: %s\n", paths[i], why ? why : "refused");
			code = 3;
		}
		free(why);
	}
	if (!items || code || ws_batch_start(items, n, &batch) < 0)
		code = code ? code : 1;
	if (batch) {
		ws_batch_wait(batch, 60000);
		ws_batch_free(batch);
	}
	for (size_t i = 0; items && i < n; i++) {
		if (batch)
			printf("%s: %s\n", paths[i],
			       items[i].result ? ws_status_name(items[i].result->status)
			                       : "no result");
		if (batch && (!items[i].result || items[i].error))
			code = 1;
		ws_result_free(items[i].result);
		ws_target_free(items[i].target);
	}
	free(items);
	return code;
}

int main(int argc, char **argv)
{
	struct ws_ctx *ctx = NULL;
	struct ws_plan *plan = NULL;
	char *why = NULL;
	int code;

	if (argc < 4 || (strcmp(argv[1], "job") && strcmp(argv[1], "batch"))) {
		fputs("usage: job-probe job|batch METHOD PATH...\n", stderr);
		return 2;
	}
	if (ws_ctx_new(&ctx) < 0 || ws_plan_parse(argv[2], 1, &plan, &why) < 0) {
		fprintf(stderr, "job-probe: %s\n", why ? why : "cannot set up");
		free(why);
		ws_ctx_free(ctx);
		return 2;
	}
	code = (strcmp(argv[1], "job") == 0 ? probe_job : probe_batch)(ctx, plan, argv + 3,
	                                                               (size_t)argc - 3);
	ws_plan_free(plan);
	ws_ctx_free(ctx);
	return code;
}
