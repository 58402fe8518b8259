/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * job-internal.h - what job.c (the targets, the rules, the start line) and job-file.c
 * (filing what ended) share: the job itself.
 */
#ifndef WS_JOB_INTERNAL_H
#define WS_JOB_INTERNAL_H

#include "batch-internal.h"
#include <wipeseal/job.h>

#include "internal.h"

struct job_target {
	char *path;
	struct ws_target *target; /* NULL when the gate refused it */
	struct ws_cert_info info; /* the job's defaults, with its own asset tag */
	char *asset_tag;
	ws_progress_fn progress;
	void *userdata;
	const atomic_bool *cancel;
	enum ws_technique technique;
	bool refused, started;
	struct ws_job_refusal refusal;
	size_t item;           /* its entry in items[] once started */
	unsigned started_line; /* its STARTED line in the audit log, 0 for none */
};

struct ws_job {
	struct ws_job_options opts;
	struct job_target *t;
	size_t n;
	bool checked;
	struct ws_batch_item *items; /* the started ones */
	size_t n_items;
	struct ws_batch *batch;
	char *start_error; /* why ws_job_start() could not write the STARTED lines */
	/* with an operator (opts.operator, a reference held): the defaults with the person
	 * from their certificate; opts.info points here */
	struct ws_cert_info info;
};

#endif
