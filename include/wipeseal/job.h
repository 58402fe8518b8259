/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/job.h - one wipe-and-certify job: the targets the operator named, the rules
 * each must pass, and the wipes behind one start line.
 *
 * Every front end (`wipeseal wipe`, the station, `station --auto`) sets up its wipes here,
 * so the rules that keep a wipe safe are the library's and a caller cannot step around
 * them:
 *
 *   ws_job_new()    the method (a plan), the wipe options, the certificate defaults and
 *                   the signer, the audit log refusals go to
 *   ws_job_add()    one target: the safety gate (ws_gate_open()), and, when the front end
 *                   shows drives, that the medium opened is the one shown
 *                   (ws_target_expect()); per-target certificate fields
 *   ws_job_check()  every target against all the others: the technique the plan gives it
 *                   (ws_technique_resolve()), the DCO rule (a DCO hides sectors no wipe
 *                   here reaches: refused unless hidden areas may be kept) and the NVMe
 *                   subsystem rule (a Sanitize, or a Format that reaches every namespace,
 *                   needs every namespace of the NVM subsystem among the targets:
 *                   ws_gate_controller()); a refused target does not count as named, so
 *                   the check repeats until nothing more is refused
 *   ws_job_start()  the STARTED line of every target about to start in the audit log,
 *                   then every target that was not refused, a thread each (ws_batch),
 *                   behind one start line; it runs ws_job_check() first if the caller did
 *                   not. No STARTED lines, no wipe (ws_job_start_error())
 *   ws_job_wait(), ws_job_done(), ws_job_result()   poll, read what has ended
 *
 * Refusals come back as data (ws_job_refusal()) and, unless this is a dry run, the library
 * appends their REFUSED line to the audit log. What a front end does with a refusal is its
 * policy: `wipe` refuses the whole batch, the station and `--auto` drop the refused drives
 * and start the rest.
 *
 * Threading: one thread sets the job up, starts and polls it; progress callbacks come from
 * the wipe threads (struct ws_wipe_opts).
 */
#ifndef WIPESEAL_JOB_H
#define WIPESEAL_JOB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <wipeseal/cert.h>
#include <wipeseal/pdf.h>
#include <wipeseal/wipe.h>

struct ws_ctx;
struct ws_job;
struct ws_register_conn;
struct ws_register_sender;
struct ws_signer;
struct ws_target;

struct ws_job_options {
	struct ws_ctx *ctx;
	const struct ws_plan *plan; /* must outlive the job */
	/* For every target's ws_wipe_run(); progress, userdata and cancel are set per target
	 * (struct ws_job_target), before_erase is the job's start line. dry_run: nothing is
	 * written and refusals are not audited; keep_hidden_areas: the DCO rule lets a DCO
	 * stand (the certificate says so). */
	struct ws_wipe_opts wipe;
	const struct ws_cert_info *info; /* certificate defaults; must outlive the job */
	struct ws_signer *signer;        /* signs the audit lines; NULL: no audit log */
	const char *audit_log;           /* where REFUSED and STARTED lines go; NULL: none */
	/* The operator who starts the job (wipeseal/operator.h), or NULL: the person block of
	 * every certificate comes from their certificate and their card adds the second
	 * signature. require_operator: no wipe starts without one ([operators] require_card;
	 * ws_job_start() refuses with -EPERM). */
	struct ws_operator *operator;
	bool require_operator;
	/* NAME.pdf beside each certificate (wipeseal/pdf.h: its language, its catalogs; the
	 * job's signer signs it), or NULL for none ([certificate] pdf = no). */
	const struct ws_pdf_opts *pdf;
	/* The central register (wipeseal/register.h), or NULL: with a url, each certificate
	 * filed and the audit log are queued in the result directory's register queue once
	 * they are durable (ws_register_queue_add()), and @register_sender (NULL: none) is
	 * poked to send them. Both must outlive the job. */
	const struct ws_register_conn *register_conn;
	struct ws_register_sender *register_sender;
	/* The directory whose register queue filed files join (NULL: the one each certificate
	 * is filed in). A front end filing into lot folders names the certificate directory
	 * above them, the one its sender watches. */
	const char *queue_dir;
};

/* One target for ws_job_add(). */
struct ws_job_target {
	const char *path;              /* as the operator named or selected it */
	unsigned gate_flags;           /* enum ws_gate_flags: WS_GATE_NAMED | WS_GATE_WRITE */
	const struct ws_device *shown; /* the snapshot the operator selected, or NULL */
	const char *asset_tag;         /* this medium's asset tag, or NULL for the default */
	ws_progress_fn progress;       /* called from the wipe's thread; may be NULL */
	void *userdata;
	const atomic_bool *cancel; /* may be NULL */
};

/* Why a target was refused. */
struct ws_job_refusal {
	int error;    /* negative errno: -EPERM for a refusal; -ENOENT, -ENOTBLK... from the
			 gate for a target missing or not a disk */
	char *reason; /* one line (malloc'd, owned by the job); NULL when none was given */
	/* the REFUSED line could not be appended: why (owned by the job), else NULL */
	char *audit_error;
};

/*
 * ws_job_new() - a job with nothing in it.
 * Return: 0 or -ENOMEM; -EINVAL without a context or a plan.
 */
int ws_job_new(const struct ws_job_options *opts, struct ws_job **ret);

/*
 * ws_job_add() - open @t->path through the gate and add it; a refusal is kept as target
 * @ret_index too (it is never started) and audited.
 * Return: 0 when the gate let it in; the negative errno of its refusal
 * (ws_job_refusal()); -ENOMEM (nothing added, *ret_index untouched).
 */
int ws_job_add(struct ws_job *job, const struct ws_job_target *t, size_t *ret_index);

/*
 * ws_job_check() - the technique, DCO and NVMe subsystem rules for every target not yet
 * refused (see the top of this file). Nothing is sent to any device.
 * Return: how many targets are refused in all (by the gate or here).
 */
size_t ws_job_check(struct ws_job *job);

/*
 * ws_job_refuse() - the front end refuses target @i itself (the operator did not confirm):
 * it is not started, and @reason is audited as any refusal.
 */
void ws_job_refuse(struct ws_job *job, size_t i, const char *reason);

/* How many targets were added. */
size_t ws_job_count(const struct ws_job *job);

/* Target @i's refusal, or NULL while it is not refused. */
const struct ws_job_refusal *ws_job_refusal(const struct ws_job *job, size_t i);

/* Target @i as the gate holds it (NULL when the gate refused it). */
struct ws_target *ws_job_target(const struct ws_job *job, size_t i);

/* The technique ws_job_check() resolved for target @i (WS_TECH_OVERWRITE before). */
enum ws_technique ws_job_technique(const struct ws_job *job, size_t i);

/* Target @i's certificate fields: the job's defaults with its own asset tag. */
const struct ws_cert_info *ws_job_cert_info(const struct ws_job *job, size_t i);

/*
 * ws_job_start() - ws_job_check() unless it ran; then, unless this is a dry run or the job
 * has no audit log or no signer, one STARTED line per target about to start in the audit
 * log (device identity, the plan's method, the operator), remembered for its outcome line
 * (ws_job_file()), so that the organization's log shows every attempt, even one killed or
 * cut by a power failure; then one wipe per target not refused, behind one start line.
 * When a STARTED line cannot be written, nothing is started (nothing is sent to any
 * target) and ws_job_start_error() says why. Once only (once it started).
 * Return: how many started, or a negative errno: the log's (-EACCES, -EIO...: the STARTED
 * lines), -EALREADY, -ENOMEM.
 */
int ws_job_start(struct ws_job *job);

/* Why the last ws_job_start() could not write the STARTED lines (one line, owned by the
 * job), or NULL when it did not fail there. */
const char *ws_job_start_error(const struct ws_job *job);

/* Whether target @i is being wiped or was (it was started). */
bool ws_job_started(const struct ws_job *job, size_t i);

/* Wait up to @timeout_ms for every started wipe to end. Return: how many still run. */
size_t ws_job_wait(struct ws_job *job, unsigned timeout_ms);

/* Whether target @i was started and has ended (its result may be read). */
bool ws_job_done(struct ws_job *job, size_t i);

/*
 * ws_job_result() - target @i's result once it ended (NULL when its wipe could not start);
 * *ret_error (may be NULL) receives ws_wipe_run()'s return value. The job keeps it: it is
 * freed with the job unless taken with ws_job_take_result().
 */
struct ws_result *ws_job_result(const struct ws_job *job, size_t i, int *ret_error);

/* Take target @i's result: the caller frees it (ws_result_free()). */
struct ws_result *ws_job_take_result(struct ws_job *job, size_t i);

/* What ws_job_file() did for one target. */
struct ws_job_filed {
	char *file;       /* the certificate written (DIR/NAME.json, NAME.json.p7s beside it) */
	int error;        /* negative errno: the certificate could not be written whole */
	char *kept;       /* then, what was written of it (kept), or NULL */
	int log_error;    /* negative errno: the audit line was not appended */
	char *log_reason; /* then, why (NULL when the caller's log could not be opened) */
	char *pending;    /* and where it was kept instead (ws_audit_keep()), or NULL */
	/* The job has an operator whose card did not sign (pulled): filed with the station's
	 * signature alone and marked FILE.awaiting-operator (wipeseal/operator.h), unless
	 * awaiting_error (negative errno) says the mark could not be written. */
	bool awaiting_operator;
	int awaiting_error;
	/* NAME.pdf (ws_job_options.pdf): the file written, or why not (pdf_error, a
	 * negative errno, and pdf_reason). A PDF that fails never un-files the certificate. */
	char *pdf;
	int pdf_error;
	char *pdf_reason;
	/* A TSA is configured ([signer] tsa_url) and gave no token: filed without it and
	 * marked FILE.awaiting-timestamp (wipeseal/timestamp.h; wipeseal timestamp adds it);
	 * timestamp_reason says why (malloc'd), timestamp_error (negative errno) when the
	 * mark could not be written. */
	bool awaiting_timestamp;
	char *timestamp_reason;
	int timestamp_error;
	/* ws_job_options.register_conn: the certificate or the audit log could not be queued
	 * for the register (why, malloc'd), else NULL. The filing stands. */
	char *register_reason;
	/* The certificate's job names a lot (wipeseal/lot.h): its line could not be added to
	 * the folder's index.tsv (negative errno; `find` will not find it). The filing
	 * stands. */
	int index_error;
};

/*
 * ws_job_file() - file target @i, whose wipe has ended (ws_job_done()):
 *   a result: its certificate, built from the result and the target's fields
 *     (ws_job_cert_info()) with the previous certificate of @log, signed by the job's
 *     signer, written into @dir exclusively and durably (ws_write_exclusive()), then its
 *     audit line (status, certificate name, ID and SHA-256, closing the target's STARTED
 *     line, written by ws_job_start());
 *   a result refused at the last moment (ws_gate_recheck()): no certificate, a REFUSED
 *     line;
 *   no result (the wipe could not start): a FAILED line, when it has a STARTED line.
 * A line the log cannot take (or @log NULL: it could not be opened) is kept beside the
 * certificates (ws_audit_keep()). Then, with ws_job_options.pdf, NAME.pdf beside the
 * certificate (ws_pdf_write_file()); its failure is in @ret, not in the return value.
 * @log: the audit log, held by the caller from the first filing to the last, or NULL.
 * @ret: what was done (free with ws_job_filed_clear()).
 * Return: 0, or a negative errno when the certificate or the line could not be written
 * (what failed is in @ret).
 */
int ws_job_file(struct ws_job *job, size_t i, struct ws_audit *log, const char *dir,
                struct ws_job_filed *ret);

/* Free what @f holds and zero it. */
void ws_job_filed_clear(struct ws_job_filed *f);

/* Wait for every started wipe to end, then close the targets and free the job. Return: NULL. */
struct ws_job *ws_job_free(struct ws_job *job);

#endif
