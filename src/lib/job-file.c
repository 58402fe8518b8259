/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * job-file.c - filing what a job's wipe ended with (wipeseal/job.h): the certificate built
 * from the result and the target's own fields, signed, written exclusively and durably
 * beside its signature, and its line in the audit log; or, when the log cannot take the
 * line, the line kept beside the certificate for the next run that can.
 *
 * Whatever else fails, the certificate is written: a wipe that has written a device always
 * leaves its evidence. The front end says what failed, from struct ws_job_filed.
 *
 * A job with an operator: the operator's card signs beside the station (cms.c). When the
 * card is not there any more (pulled, or it fails to sign), the certificate is filed with
 * the station's signature alone and marked NAME.json.awaiting-operator (the operator
 * certificate's SHA-256), for ws_operator_complete() to add theirs when the card is back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <wipeseal/lot.h>
#include <wipeseal/operator.h>
#include <wipeseal/register.h>

#include "cert-internal.h"
#include "job-internal.h"
#include "operator-internal.h"
#include "tsa-internal.h"

/* The line of @e, or, when the log cannot take it, kept as DIR/NAME.audit-pending. */
static int log_line(struct ws_audit *log, const char *dir, const char *name,
                    const struct ws_audit_entry *e, struct ws_job_filed *f)
{
	char *why = NULL;
	int r = log ? ws_audit_append(log, e, &why) : -EIO;

	if (r == 0)
		return 0;
	f->log_error = r;
	f->log_reason = why;
	if (ws_audit_keep(dir, name, e, &f->pending) < 0)
		f->pending = NULL;
	return -EIO;
}

/* The operator's signature added to the station's @sig, when their card is still in, with a
 * token from the station's TSA (*@tsa as ws_signer_sign_stamped() says).
 * Return: true when it was; false when the certificate must wait for it. */
static bool operator_sign(struct ws_operator *op, const struct ws_signer *station, const char *doc,
                          char **sig, int *tsa)
{
	char *both = NULL;

	if (!ws_operator_present(op) ||
	    ws_cms_add_signer_tsa(*sig, ws_operator_signer(op), ws_signer_tsa(station), doc,
	                          strlen(doc), &both, tsa) < 0)
		return false;
	free(*sig);
	*sig = both;
	return true;
}

/* DIR/NAME.json.awaiting-operator beside the certificate @file, naming @op. */
static int mark_awaiting(const struct ws_operator *op, const char *file)
{
	char *path = NULL, *text = NULL;
	int r = -ENOMEM;

	if (asprintf(&path, "%s" WS_AWAITING_SUFFIX, file) >= 0 &&
	    asprintf(&text, "%s\n", ws_operator_fingerprint(op)) >= 0)
		r = ws_write_new_file(path, text);
	free(path);
	free(text);
	return r;
}

/* The certificate of @res, signed and written; *ret_doc gets the document. */
static int write_certificate(const struct ws_job *job, const struct ws_result *res,
                             const struct ws_cert_info *info, struct ws_audit *log, const char *dir,
                             char *id, char **ret_doc, char **ret_file, struct ws_job_filed *f)
{
	struct ws_operator *op = job->opts.operator;
	char *doc = NULL, *sig = NULL;
	bool awaiting = false;
	int tsa = 1, op_tsa = 1;
	int r = ws_cert_build_op(res, info, job->opts.signer, op,
	                         log ? ws_audit_previous(log) : NULL, &doc, id);

	/* a TSA that does not answer holds nothing back: the token comes later */
	if (r == 0)
		r = ws_signer_sign_stamped(job->opts.signer, doc, strlen(doc), &sig, &tsa,
		                           &f->timestamp_reason, true);
	if (r == 0 && op)
		awaiting = !operator_sign(op, job->opts.signer, doc, &sig, &op_tsa);
	if (r == 0)
		r = ws_write_exclusive(dir, res->name, doc, sig, ret_file);
	if (r == 0 && (tsa < 0 || op_tsa < 0)) {
		f->awaiting_timestamp = true;
		f->timestamp_error = ws_tsa_mark(*ret_file, f->timestamp_reason);
	}
	/* written: it waits for the operator's signature, and says so */
	if (r == 0 && awaiting) {
		f->awaiting_operator = true;
		f->awaiting_error = mark_awaiting(op, *ret_file);
	}
	free(sig);
	*ret_doc = doc;
	return r;
}

/* The outcome line's note for a certificate filed without the operator's signature. */
static char *awaiting_note(const struct ws_job_filed *f)
{
	char *note = NULL;

	if (f->awaiting_error
	        ? asprintf(&note,
	                   "filed with the station's signature alone: the operator's card was "
	                   "not there to sign, and the mark %s" WS_AWAITING_SUFFIX
	                   " could not be written (%s)",
	                   f->file, strerror(-f->awaiting_error)) < 0
	        : asprintf(&note,
	                   "filed with the station's signature alone, awaiting the operator's: "
	                   "their card was not there to sign (wipeseal cosign adds it)") < 0)
		return NULL;
	return note;
}

/* NAME.pdf beside the certificate @f->file, after its line: a convenience copy, so a
 * failure is reported in @f and never undoes the filing. */
static void file_pdf(const struct ws_job *job, struct ws_job_filed *f)
{
	struct ws_pdf_opts o = *job->opts.pdf;

	o.signer = job->opts.signer;
	f->pdf_error = ws_pdf_write_file(f->file, NULL, 0, &o, &f->pdf, &f->pdf_reason);
}

/* @note (freed), and that the certificate awaits its timestamp token. */
static char *timestamp_note(const struct ws_job_filed *f, char *note)
{
	char *both = NULL;

	if (asprintf(&both, "%s%sfiled without a timestamp token: the TSA gave none (%s)%s%s",
	             note ? note : "", note ? "; " : "",
	             f->timestamp_reason ? f->timestamp_reason : "no reason given",
	             f->timestamp_error ? "; and the mark could not be written: "
	                                : "; wipeseal timestamp adds it",
	             f->timestamp_error ? strerror(-f->timestamp_error) : "") < 0)
		both = NULL;
	free(note);
	return both;
}

/* The register is configured: the certificate @f->file and the audit log (when its line went
 * in) into the queue of @dir (or of the job's queue_dir), now that both are durable; the
 * sender is poked. */
static void queue_filed(const struct ws_job *job, const char *dir, struct ws_job_filed *f)
{
	const struct ws_register_conn *c = job->opts.register_conn;
	int r = 0;

	if (!c || !c->url)
		return;
	if (job->opts.queue_dir)
		dir = job->opts.queue_dir;
	/* the reason is set only on a failure, which ends the queueing */
	if (f->file)
		r = ws_register_queue_add(dir, f->file, &f->register_reason);
	if (r == 0 && job->opts.audit_log && !f->log_error)
		(void)ws_register_queue_add(dir, job->opts.audit_log, &f->register_reason);
	ws_register_sender_poke(job->opts.register_sender);
}

/* The certificate @base (SHA-256 @sha) of a lot's target in its folder's index.tsv
 * (wipeseal/lot.h), so that `wipeseal find` finds it. Return: 0 or a negative errno. */
static int index_filed(const struct ws_result *res, const struct ws_device *dev,
                       const struct ws_cert_info *info, const char *dir, const char *base,
                       const char *sha)
{
	struct json_object *started = ws_json_time(res->start_ns);
	int r = ws_lot_index_add(dir, &(struct ws_lot_row){
	                                  .serial = dev->serial,
	                                  .asset_tag = info->asset_tag,
	                                  .model = dev->model,
	                                  .status = ws_status_name(res->status),
	                                  .started = json_object_get_string(started),
	                                  .certificate = base,
	                                  .sha256 = sha,
	                              });

	json_object_put(started);
	return r;
}

/* The name the audit log gives certificate @base of @lot: its path below the certificate
 * directory, "CUSTOMER/JOB/BATCH/NAME.json", so that `verify --audit-log LOG DIR` finds it
 * (audit-verify.c). NULL without a lot, or without memory (the plain name is logged then). */
static char *lot_relative(const struct ws_lot *lot, const char *base)
{
	char *dir = NULL, *rel = NULL;

	if (!lot || ws_lot_dir(lot, "", &dir) < 0)
		return NULL;
	if (asprintf(&rel, "%s/%s", dir + 1, base) < 0) /* dir is "/CUSTOMER/JOB/BATCH" */
		rel = NULL;
	free(dir);
	return rel;
}

/* A result: its certificate, then its line, then its PDF. */
static int file_result(struct ws_job *job, size_t i, struct ws_audit *log, const char *dir,
                       struct ws_job_filed *f)
{
	const struct ws_result *res = ws_job_result(job, i, NULL);
	const struct ws_device *dev = ws_target_device(ws_job_target(job, i));
	const struct ws_cert_info *info = ws_job_cert_info(job, i);
	char *doc = NULL, *file = NULL, *note = NULL, *logged = NULL, sha[65], id[37];
	const char *base = NULL;
	const struct ws_operator *op = job->opts.operator;
	int r = write_certificate(job, res, info, log, dir, id, &doc, &file, f), lr;

	if (r < 0) {
		f->error = r;
		f->kept = file;
		if (asprintf(&note, "no certificate: it could not be written into %s (%s)%s%s", dir,
		             strerror(-r), file ? "; what was written is kept: " : "",
		             file ? file : "") < 0)
			note = NULL;
	} else {
		f->file = file;
		ws_sha256_hex(doc, strlen(doc), sha);
		base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		logged = lot_relative(info->lot, base);
		if (f->awaiting_operator)
			note = awaiting_note(f);
		if (f->awaiting_timestamp)
			note = timestamp_note(f, note);
	}
	lr = log_line(log, dir, base ? base : res->name,
	              &(struct ws_audit_entry){
	                  .status = ws_status_name(res->status),
	                  .certificate_file = logged ? logged : base,
	                  .certificate_id = base ? id : NULL,
	                  .certificate_sha256 = base ? sha : NULL,
	                  .serial = dev->serial ? dev->serial : dev->path,
	                  .target = dev->path,
	                  .model = dev->model,
	                  .method = res->method,
	                  .operator_name = info->operator_name,
	                  .note = note,
	                  .started_line = job->t[i].started_line,
	                  .operator_subject = op ? ws_operator_subject(op) : NULL,
	                  .operator_sha256 = op ? ws_operator_fingerprint(op) : NULL,
	                  .card_serial = op ? ws_operator_card_serial(op) : NULL,
	              },
	              f);
	if (r == 0 && job->opts.pdf)
		file_pdf(job, f);
	if (r == 0 && info->lot)
		f->index_error = index_filed(res, dev, info, dir, base, sha);
	if (r == 0)
		queue_filed(job, dir, f);
	free(logged);
	free(note);
	free(doc);
	return r < 0 ? r : lr;
}

int ws_job_file(struct ws_job *job, size_t i, struct ws_audit *log, const char *dir,
                struct ws_job_filed *ret)
{
	const struct ws_result *res = ws_job_result(job, i, NULL);
	const struct ws_device *dev;
	unsigned started_line;
	char name[64];
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!ws_job_started(job, i))
		return -EINVAL;
	dev = ws_target_device(ws_job_target(job, i));
	started_line = job->t[i].started_line;
	if (res && res->status != WS_STATUS_REFUSED)
		return file_result(job, i, log, dir, ret);
	/* refused at the last moment (ws_gate_recheck), or it could not start: no
	 * certificate; a line closes its STARTED line, as any refusal is logged */
	if (!res && !started_line)
		return 0;
	snprintf(name, sizeof(name), "%s-line-%u", res ? "refused" : "not-started", started_line);
	r = log_line(log, dir, name,
	             &(struct ws_audit_entry){
	                 .status = res ? "REFUSED" : "FAILED",
	                 .serial = dev->serial ? dev->serial : dev->path,
	                 .target = dev->path,
	                 .model = dev->model,
	                 .operator_name = ws_job_cert_info(job, i)->operator_name,
	                 .note = res ? res->status_reason
	                             : "the wipe could not start: no result, no certificate",
	                 .started_line = started_line,
	             },
	             ret);
	if (r == 0)
		queue_filed(job, dir, ret);
	return r;
}

void ws_job_filed_clear(struct ws_job_filed *f)
{
	free(f->file);
	free(f->kept);
	free(f->log_reason);
	free(f->pending);
	free(f->pdf);
	free(f->pdf_reason);
	free(f->timestamp_reason);
	free(f->register_reason);
	memset(f, 0, sizeof(*f));
}
