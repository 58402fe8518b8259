/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * job.c - one wipe-and-certify job (wipeseal/job.h): the targets, the rules each must pass
 * before anything is sent to any of them, and the wipes behind one start line.
 *
 * The rules live here, not in the front ends, so that no caller of the library can start a
 * wipe the gate, the technique check, the DCO rule or the NVMe subsystem rule refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch-internal.h"
#include <wipeseal/gate.h>
#include <wipeseal/job.h>
#include <wipeseal/operator.h>

#include "job-internal.h"

/* ---- refusals -------------------------------------------------------------------------- */

/* The organization logs every attempt, successful or not: a REFUSED line (not on a dry
 * run, not without a log). Why the line could not be written is kept for the front end. */
static void audit_refusal(struct ws_job *job, struct job_target *t)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	struct ws_audit_entry e = {
		.status = "REFUSED",
		.serial = t->path,
		.operator_name = job->opts.info ? job->opts.info->operator_name : NULL,
		.note = t->refusal.reason,
	};

	if (job->opts.wipe.dry_run || !job->opts.audit_log)
		return;
	if (ws_audit_open(job->opts.audit_log, job->opts.signer, &log, &why) < 0 ||
	    ws_audit_append(log, &e, &why) < 0)
		t->refusal.audit_error = why ? why : strdup("the audit log could not be written");
	else
		free(why);
	ws_audit_close(log);
}

/* Refuse @t for @reason (taken), audited. */
static void refuse(struct ws_job *job, struct job_target *t, int error, char *reason)
{
	t->refused = true;
	t->refusal.error = error;
	t->refusal.reason = reason;
	audit_refusal(job, t);
}

void ws_job_refuse(struct ws_job *job, size_t i, const char *reason)
{
	if (i >= job->n || job->t[i].refused || job->t[i].started)
		return;
	refuse(job, &job->t[i], -EPERM, reason ? strdup(reason) : NULL);
}

/* ---- the rules ------------------------------------------------------------------------- */

/* A DCO hides sectors no wipe here reaches (removing it is permanent): refused before, not
 * found after, unless the operator accepts it. Return: the reason, or NULL. */
static char *dco_refusal(const struct ws_job *job, const struct ws_device *d)
{
	uint64_t native = d->ata.native_sectors ? d->ata.native_sectors : d->ata.accessible_sectors;
	char *why = NULL;

	if (d->ata.dco_sectors <= native || job->opts.wipe.keep_hidden_areas)
		return NULL;
	if (asprintf(&why,
	             "a DCO restriction hides %llu sectors that no wipe here can reach: remove "
	             "it (DCO RESTORE, permanent), or pass --keep-hidden-areas to wipe the rest "
	             "and have the certificate say so",
	             (unsigned long long)(d->ata.dco_sectors - native)) < 0)
		return strdup("a DCO restriction hides sectors no wipe here can reach");
	return why;
}

/* The targets not refused, for the subsystem rule: a refused one is not named. */
static size_t live_targets(const struct ws_job *job, struct ws_target **out, size_t *ret_self,
                           size_t self)
{
	size_t n = 0;

	for (size_t k = 0; k < job->n; k++) {
		if (job->t[k].refused)
			continue;
		if (k == self)
			*ret_self = n;
		out[n++] = job->t[k].target;
	}
	return n;
}

/* Target @i's rules. Return: the reason it is refused (malloc'd; "" when none was given),
 * or NULL when it passes. */
static char *check_one(struct ws_job *job, size_t i, struct ws_target **live)
{
	struct job_target *t = &job->t[i];
	const struct ws_device *d = ws_target_device(t->target);
	char *why = dco_refusal(job, d);
	size_t self = 0, n;

	if (why)
		return why;
	if (ws_technique_resolve(job->opts.plan, d, &t->technique, &why) < 0)
		return why ? why : strdup("");
	n = live_targets(job, live, &self, i);
	if (ws_gate_controller(job->opts.ctx, live, n, self, t->technique, &why) < 0)
		return why ? why : strdup("");
	return NULL;
}

size_t ws_job_check(struct ws_job *job)
{
	struct ws_target **live = calloc(job->n ? job->n : 1, sizeof(*live));
	size_t refused = 0;
	bool again = true;

	/* a refusal changes what the others need (a subsystem's namespaces must all be
	 * there): again until nothing more is refused */
	while (live && again) {
		again = false;
		for (size_t i = 0; i < job->n && !again; i++) {
			char *why;

			if (job->t[i].refused || job->t[i].started)
				continue;
			why = check_one(job, i, live);
			if (!why)
				continue;
			if (!*why) {
				free(why);
				why = NULL;
			}
			refuse(job, &job->t[i], -EPERM, why);
			again = true;
		}
	}
	if (!live) /* nothing can be checked: nothing may start */
		for (size_t i = 0; i < job->n; i++)
			if (!job->t[i].refused && !job->t[i].started)
				refuse(job, &job->t[i], -ENOMEM, NULL);
	free(live);
	job->checked = true;
	for (size_t i = 0; i < job->n; i++)
		refused += job->t[i].refused;
	return refused;
}

/* ---- setting up ------------------------------------------------------------------------ */

int ws_job_new(const struct ws_job_options *opts, struct ws_job **ret)
{
	struct ws_job *job;

	if (!opts || !opts->ctx || !opts->plan)
		return -EINVAL;
	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->opts = *opts;
	job->opts.wipe.before_erase = NULL; /* the start line is the job's */
	if (opts->operator) {
		/* the person is the operator's certificate, whatever the flags or the
		 * configuration say; every line and certificate of the job names them */
		if (opts->info)
			job->info = *opts->info;
		job->info.operator_name = ws_operator_name(opts->operator);
		job->info.operator_title = ws_operator_title(opts->operator);
		job->info.operator_organization = ws_operator_organization(opts->operator);
		job->opts.info = &job->info;
		job->opts.operator= ws_operator_ref(opts->operator);
	}
	*ret = job;
	return 0;
}

int ws_job_add(struct ws_job *job, const struct ws_job_target *a, size_t *ret_index)
{
	struct job_target *grown = realloc(job->t, (job->n + 1) * sizeof(*grown)), *t;
	char *why = NULL;
	int r;

	if (!grown)
		return -ENOMEM;
	job->t = grown;
	t = memset(&job->t[job->n], 0, sizeof(*t));
	t->path = strdup(a->path);
	t->asset_tag = a->asset_tag ? strdup(a->asset_tag) : NULL;
	if (!t->path || (a->asset_tag && !t->asset_tag)) {
		free(t->path);
		free(t->asset_tag);
		return -ENOMEM;
	}
	if (job->opts.info)
		t->info = *job->opts.info;
	if (t->asset_tag)
		t->info.asset_tag = t->asset_tag;
	t->progress = a->progress;
	t->userdata = a->userdata;
	t->cancel = a->cancel;
	t->technique = WS_TECH_OVERWRITE;
	*ret_index = job->n++;
	job->checked = false;
	r = ws_gate_open(job->opts.ctx, a->path,
	                 a->gate_flags |
	                     (ws_technique_has(job->opts.plan->technique, WS_TECH_F_SECRET)
	                          ? WS_GATE_OPAL_REVERT
	                          : 0u),
	                 &t->target, &why);
	/* what was opened is the medium the operator selected, not whatever took its node */
	if (r == 0 && a->shown && ws_target_expect(t->target, a->shown, &why) < 0) {
		t->target = ws_target_free(t->target);
		if (!why)
			why = strdup("the medium changed after it was selected");
		r = -EPERM;
	}
	if (r < 0) {
		t->refused = true;
		t->refusal.error = r;
		t->refusal.reason = why;
		if (r == -EPERM) /* a refusal, not a target missing or not a disk */
			audit_refusal(job, t);
	}
	return r;
}

size_t ws_job_count(const struct ws_job *job)
{
	return job->n;
}

const struct ws_job_refusal *ws_job_refusal(const struct ws_job *job, size_t i)
{
	return i < job->n && job->t[i].refused ? &job->t[i].refusal : NULL;
}

struct ws_target *ws_job_target(const struct ws_job *job, size_t i)
{
	return i < job->n ? job->t[i].target : NULL;
}

enum ws_technique ws_job_technique(const struct ws_job *job, size_t i)
{
	return i < job->n ? job->t[i].technique : WS_TECH_OVERWRITE;
}

const struct ws_cert_info *ws_job_cert_info(const struct ws_job *job, size_t i)
{
	return i < job->n ? &job->t[i].info : NULL;
}

/* ---- running --------------------------------------------------------------------------- */

/* The organization logs every attempt: after the confirmation and before the first byte,
 * one STARTED line per target about to start (not on a dry run, not without a log or a
 * signer), so that a wipe killed or cut by a power failure still shows. Return: 0, or a
 * negative errno (why in job->start_error): then nothing may start. */
static int audit_started(struct ws_job *job)
{
	const struct ws_job_options *o = &job->opts;
	const struct ws_operator *op = o->operator;
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r;

	free(job->start_error);
	job->start_error = NULL;
	if (o->wipe.dry_run || !o->audit_log || !o->signer)
		return 0;
	r = ws_audit_open(o->audit_log, o->signer, &log, &why);
	for (size_t i = 0; r == 0 && i < job->n; i++) {
		struct job_target *t = &job->t[i];
		const struct ws_device *d = ws_target_device(t->target);

		if (t->refused)
			continue;
		r = ws_audit_append(log,
		                    &(struct ws_audit_entry){
		                        .status = "STARTED",
		                        .serial = d->serial ? d->serial : d->path,
		                        .target = d->path,
		                        .model = d->model,
		                        .method = o->plan->method,
		                        .operator_name = o->info ? o->info->operator_name : NULL,
		                        .operator_subject = op ? ws_operator_subject(op) : NULL,
		                        .operator_sha256 = op ? ws_operator_fingerprint(op) : NULL,
		                        .card_serial = op ? ws_operator_card_serial(op) : NULL,
		                    },
		                    &why);
		if (r == 0)
			t->started_line = ws_audit_lines(log);
	}
	ws_audit_close(log);
	if (r < 0) {
		free(job->start_error);
		job->start_error = why ? why : strdup(strerror(-r));
		return r;
	}
	return 0;
}

int ws_job_start(struct ws_job *job)
{
	size_t n = 0;
	int r;

	if (job->items)
		return -EALREADY;
	if (job->opts.require_operator && !job->opts.operator) {
		free(job->start_error);
		job->start_error = strdup("no operator has logged in with a card, and the "
		                          "configuration requires one ([operators] require_card): "
		                          "nothing was started");
		return -EPERM;
	}
	if (!job->checked)
		(void)ws_job_check(job);
	r = audit_started(job);
	if (r < 0)
		return r;
	job->items = calloc(job->n ? job->n : 1, sizeof(*job->items));
	if (!job->items)
		return -ENOMEM;
	for (size_t i = 0; i < job->n; i++) {
		struct job_target *t = &job->t[i];

		if (t->refused)
			continue;
		t->item = n;
		job->items[n] = (struct ws_batch_item){
			.ctx = job->opts.ctx,
			.target = t->target,
			.plan = job->opts.plan,
			.opts = job->opts.wipe,
		};
		job->items[n].opts.progress = t->progress;
		job->items[n].opts.userdata = t->userdata;
		job->items[n].opts.cancel = t->cancel;
		n++;
	}
	r = ws_batch_start(job->items, n, &job->batch);
	if (r < 0) {
		free(job->items);
		job->items = NULL;
		return r;
	}
	job->n_items = n;
	for (size_t i = 0; i < job->n; i++)
		job->t[i].started = !job->t[i].refused;
	return (int)n;
}

const char *ws_job_start_error(const struct ws_job *job)
{
	return job->start_error;
}

bool ws_job_started(const struct ws_job *job, size_t i)
{
	return i < job->n && job->t[i].started;
}

size_t ws_job_wait(struct ws_job *job, unsigned timeout_ms)
{
	return job->batch ? ws_batch_wait(job->batch, timeout_ms) : 0;
}

bool ws_job_done(struct ws_job *job, size_t i)
{
	return ws_job_started(job, i) && ws_batch_item_done(job->batch, job->t[i].item);
}

struct ws_result *ws_job_result(const struct ws_job *job, size_t i, int *ret_error)
{
	const struct ws_batch_item *it;

	if (!ws_job_started(job, i))
		return NULL;
	it = &job->items[job->t[i].item];
	if (ret_error)
		*ret_error = it->error;
	return it->result;
}

struct ws_result *ws_job_take_result(struct ws_job *job, size_t i)
{
	struct ws_result *res = ws_job_result(job, i, NULL);

	if (res)
		job->items[job->t[i].item].result = NULL;
	return res;
}

struct ws_job *ws_job_free(struct ws_job *job)
{
	if (!job)
		return NULL;
	job->batch = ws_batch_free(job->batch);
	for (size_t i = 0; i < job->n_items; i++)
		ws_result_free(job->items[i].result);
	for (size_t i = 0; i < job->n; i++) {
		struct job_target *t = &job->t[i];

		ws_target_free(t->target);
		free(t->path);
		free(t->asset_tag);
		free(t->refusal.reason);
		free(t->refusal.audit_error);
	}
	free(job->items);
	free(job->t);
	free(job->start_error);
	ws_operator_unref(job->opts.operator);
	free(job);
	return NULL;
}
