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
 *   job-probe start METHOD KEY CERT LOG DIR PATH...
 *                                   a job with a signer and an audit log, started for
 *                                   real (ws_job_start()); at the first progress report
 *                                   "STARTED lines at the first report: N" (read back
 *                                   from LOG); each target filed into DIR (ws_job_file())
 *                                   and its status printed. Exit 4 with "not started:
 *                                   REASON" when ws_job_start() refused to start
 */
#include <stdatomic.h>
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

static const char *probe_log;
static atomic_bool reported;

/* From a wipe's thread: how many STARTED lines the log holds once a wipe is running. */
static void on_progress(void *userdata, const struct ws_progress *p)
{
	char line[8192];
	unsigned n = 0;
	FILE *f;

	(void)userdata;
	(void)p;
	if (atomic_exchange(&reported, true))
		return;
	f = fopen(probe_log, "r");
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "\"status\":\"STARTED\"") != NULL;
	if (f)
		fclose(f);
	printf("STARTED lines at the first report: %u\n", n);
	fflush(stdout);
}

/* Start the job, wait, file each target; @a: KEY CERT LOG DIR PATH... */
static int probe_start(struct ws_ctx *ctx, const struct ws_plan *plan, char **a, size_t n)
{
	struct ws_signer_files files = { 0 };
	struct ws_cert_info info = { .operator_name = "Probe Operator" };
	struct ws_signer *signer = NULL;
	struct ws_audit *log = NULL;
	struct ws_job *job = NULL;
	int code = 0, r;

	if (n < 5)
		return 2;
	files = (struct ws_signer_files){ .key = a[0], .cert = a[1] };
	probe_log = a[2];
	if (ws_signer_load(&files, &signer, NULL) < 0 ||
	    ws_job_new(
	        &(struct ws_job_options){
	            .ctx = ctx, .plan = plan, .info = &info, .signer = signer, .audit_log = a[2] },
	        &job) < 0) {
		ws_signer_free(signer);
		return 1;
	}
	for (size_t i = 4; i < n; i++) {
		size_t k;

		if (ws_job_add(job,
		               &(struct ws_job_target){ .path = a[i],
		                                        .gate_flags = WS_GATE_NAMED | WS_GATE_WRITE,
		                                        .progress = on_progress },
		               &k) < 0)
			code = 3;
	}
	r = code ? 0 : ws_job_start(job);
	if (r < 0) {
		printf("not started: %s\n",
		       ws_job_start_error(job) ? ws_job_start_error(job) : strerror(-r));
		code = 4;
	}
	ws_job_wait(job, 60000);
	if (r > 0 && ws_audit_open(a[2], signer, &log, NULL) < 0)
		code = 1;
	for (size_t i = 0; r > 0 && i < ws_job_count(job); i++) {
		const struct ws_result *res = ws_job_result(job, i, NULL);
		struct ws_job_filed f;

		if (ws_job_file(job, i, log, a[3], &f) < 0)
			code = 1;
		printf("%s: %s\n", a[4 + i], res ? ws_status_name(res->status) : "no result");
		ws_job_filed_clear(&f);
	}
	ws_audit_close(log);
	ws_job_free(job);
	ws_signer_free(signer);
	return code;
}

int main(int argc, char **argv)
{
	struct ws_ctx *ctx = NULL;
	struct ws_plan *plan = NULL;
	char *why = NULL;
	int code;

	if (argc < 4 ||
	    (strcmp(argv[1], "job") && strcmp(argv[1], "batch") && strcmp(argv[1], "start"))) {
		fputs("usage: job-probe job|batch|start METHOD [KEY CERT LOG DIR] PATH...\n",
		      stderr);
		return 2;
	}
	if (ws_ctx_new(&ctx) < 0 || ws_plan_parse(argv[2], 1, &plan, &why) < 0) {
		fprintf(stderr, "job-probe: %s\n", why ? why : "cannot set up");
		free(why);
		ws_ctx_free(ctx);
		return 2;
	}
	code =
	    (strcmp(argv[1], "job") == 0     ? probe_job
	     : strcmp(argv[1], "start") == 0 ? probe_start
	                                     : probe_batch)(ctx, plan, argv + 3, (size_t)argc - 3);
	ws_plan_free(plan);
	ws_ctx_free(ctx);
	return code;
}
