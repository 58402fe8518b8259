/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wipe-setup.h - what `wipeseal wipe` and the station share between the options and the
 * first write: the method, verification and certificate options (one table, one parser),
 * the plan, the library's job (wipeseal/job.h: the gate and the rules per target, the
 * wipes behind one start line), the result directory, and filing the results as
 * certificates.
 *
 * Both front ends call these in the same order, so a station pre-configured with the same
 * flags or config file erases, refuses and certifies exactly as `wipe` does.
 */
#ifndef WS_FRONT_WIPE_SETUP_H
#define WS_FRONT_WIPE_SETUP_H

#include "certify.h"
#include "front.h"
#include "lot-setup.h"
#include "register-feed.h"

struct wipe_setup {
	const char *method;
	unsigned passes;
	enum ws_verify_mode verify;
	unsigned sample_percent;
	const char *cert_dir;
	bool cert_dir_given, method_given, verify_given, percent_given;
	unsigned io_threads;
	unsigned firmware_timeout_s;
	unsigned poll_interval_ms;
	bool keep_hidden;
	/* --trust-firmware: allows --verify none with a firmware method */
	bool trust_firmware;
	bool dry_run; /* `wipe --dry-run`: refusals are not logged, nothing is filed */
	bool station; /* the station: [station] settings come before [wipe] and [operator] */
	/* --protect-label, --protect-build-id: media never a target (ws_gate_protect()) */
	const char *protect_label;
	const char *protect_build_id;
	struct certify cert;
	/* [register]: each certificate filed is queued for the central register */
	struct register_feed reg;
	/* NAME.pdf beside each certificate ([certificate] pdf, lang) */
	struct ws_pdf_opts pdf;
	struct ws_plan *plan; /* made by wipe_setup_prepare() */
	char *password_log;   /* where an ATA security erase records its password */
	int *reserved;        /* space set aside in cert_dir, one per running target */
	size_t n_reserved;
	/* a TCG revert's secret (opal-secret.c): where it comes from (NULL: the terminal), and
	 * the bytes, wiped by opal_secret_free() */
	const char *psid_file, *sid_file;
	uint8_t *opal_secret;
	size_t opal_secret_len;
	/* the customer, job and batch (lot-setup.h): cert_dir is the lot's folder then */
	struct lot_setup lot;
};

#define WIPE_SETUP_INIT                                                                           \
	{                                                                                         \
		.method = "clear", .passes = 1, .verify = WS_VERIFY_SAMPLE, .sample_percent = 10, \
		.cert_dir = "certificates",                                                       \
	}

enum {
	OPT_IO_THREADS = 640,
	OPT_FIRMWARE_TIMEOUT,
	OPT_POLL_INTERVAL,
	OPT_KEEP_HIDDEN,
	OPT_TRUST_FIRMWARE,
	OPT_PROTECT_LABEL,
	OPT_PROTECT_BUILD_ID,
};

/* Short options of the table below. */
#define WIPE_SETUP_SHORT "m:n:V:p:d:"

/* getopt_long entries: the method and verification options, then CERTIFY_OPTIONS. */
#define WIPE_SETUP_OPTIONS                                                                      \
	{ "method", required_argument, NULL, 'm' }, { "passes", required_argument, NULL, 'n' }, \
	    { "verify", required_argument, NULL, 'V' },                                         \
	    { "sample-percent", required_argument, NULL, 'p' },                                 \
	    { "cert-dir", required_argument, NULL, 'd' },                                       \
	    { "io-threads", required_argument, NULL, OPT_IO_THREADS },                          \
	    { "firmware-timeout", required_argument, NULL, OPT_FIRMWARE_TIMEOUT },              \
	    { "poll-interval", required_argument, NULL, OPT_POLL_INTERVAL },                    \
	    { "keep-hidden-areas", no_argument, NULL, OPT_KEEP_HIDDEN },                        \
	    { "trust-firmware", no_argument, NULL, OPT_TRUST_FIRMWARE },                        \
	    { "protect-label", required_argument, NULL, OPT_PROTECT_LABEL },                    \
	    { "protect-build-id", required_argument, NULL, OPT_PROTECT_BUILD_ID }, LOT_OPTIONS, \
	    CERTIFY_OPTIONS

/* The usage lines for them. */
#define WIPE_SETUP_USAGE                                                                   \
	"  -m, --method M          clear (default), zero, one, random, pattern:HEX,\n"     \
	"                          dod-3pass; purge (the drive's strongest Purge), or\n"   \
	"                          nvme-sanitize-{crypto,block,overwrite,exit-failure},\n" \
	"                          nvme-format-{crypto,user-data},\n"                      \
	"                          ata-sanitize-{crypto,block,overwrite},\n"               \
	"                          ata-secure-erase[-enhanced],\n"                         \
	"                          scsi-sanitize-{crypto,block,overwrite},\n"              \
	"                          opal-psid-revert, opal-revert (TCG Opal)\n"             \
	"  -n, --passes N          repeat the method's passes N times (default 1)\n"       \
	"  -V, --verify MODE       full, sample (default) or none (with a firmware\n"      \
	"                          method only with --trust-firmware)\n"                   \
	"  -p, --sample-percent P  share of the capacity a sample reads (default 10)\n"    \
	"  -d, --cert-dir DIR      where results go (default ./certificates)\n"            \
	"      --io-threads N      requests in flight per target (default 4)\n"            \
	"      --firmware-timeout S  give up on a firmware erase after S seconds\n"        \
	"                          (default: 3x the drive's estimate, at least 10 min)\n"  \
	"      --poll-interval MS  how often a firmware erase is polled (default 1000)\n"  \
	"      --keep-hidden-areas leave an ATA host protected area hidden (and not\n"     \
	"                          erased; the certificate says so)\n"                     \
	"      --trust-firmware    let --verify none take a firmware erase's report of\n"  \
	"                          completion as proof (the certificate says so)\n"        \
	"      --protect-label L   never a target: a drive carrying a file system\n"       \
	"                          labelled L (the station's data stick: WIPESEAL)\n"      \
	"      --protect-build-id ID  never a target: a drive holding the boot image\n"    \
	"                          with this build ID\n" LOT_USAGE

/*
 * wipe_setup_option() - take one option of WIPE_SETUP_OPTIONS.
 * Return: 1 when taken; 0 when it is not one of them; WS_EXIT_USAGE (after one line on
 * stderr) for a bad value.
 */
int wipe_setup_option(struct cli *cli, struct wipe_setup *ws, int opt, const char *arg);

/* "full", "sample", "none" into a mode. Return: false for anything else. */
bool wipe_setup_parse_verify(const char *s, enum ws_verify_mode *ret);

/*
 * wipe_setup_prepare() - after the options: the config file, the certificate fields and
 * signer (certify_prepare), [wipe] defaults where no flag said, and the plan.
 * Return: an exit code (one line on stderr when not WS_EXIT_OK).
 */
int wipe_setup_prepare(struct cli *cli, struct wipe_setup *ws);

/* The same device or file named twice (by two paths) would be wiped by two workers: one
 * line for each such pair. Return: true when there is one. */
bool wipe_setup_named_twice(struct cli *cli, char **paths, int n);

/*
 * wipe_setup_result_dir() - make the result directory and set aside in it, before anything
 * is erased, the room each of @targets' certificates will take (ws_cert_reserve_size(): a
 * document with these fields and the largest outcome, signed). The room is held (an
 * unlinked file with its blocks allocated) until wipe_setup_file() writes the certificate.
 * Return: 0 or a negative errno (-ENOSPC: it is not there; nothing may be written then).
 */
int wipe_setup_result_dir(struct wipe_setup *ws, struct ws_target *const *targets, size_t n);

/*
 * opal_secret_read() - for --method opal-psid-revert or opal-revert, the PSID or SID password
 * of the one target @targets[0] (@n targets named), from --psid-file / --sid-file or asked on
 * the terminal with echo off (not on a dry run without a file), into ws->opal_secret. Other
 * methods take neither file. Return: an exit code, the reason said in one line.
 */
int opal_secret_read(struct cli *cli, struct wipe_setup *ws, char **targets, size_t n);
/* Wipe and free the secret; safe to call twice. */
void opal_secret_free(struct wipe_setup *ws);

/* Give back the room of @n targets (their certificates are about to be written). */
void wipe_setup_release(struct wipe_setup *ws, size_t n);

/*
 * wipe_setup_flush_kept() - after the confirmation, before ws_job_start() (which writes the
 * STARTED lines, or starts nothing: certify_start_error() says why): the audit lines kept
 * in the result directory go into the log first (certify_flush_kept()).
 */
void wipe_setup_flush_kept(struct cli *cli, struct wipe_setup *ws);

/* The directory whose register queue certificates join and the sender watches: the
 * certificate directory above the lot folders (lot-setup.c), so that every batch's
 * certificates reach the register. */
const char *wipe_setup_queue_dir(const struct wipe_setup *ws);

/*
 * wipe_setup_job() - the library's job for these settings (wipeseal/job.h): the plan, the
 * wipe options, the certificate defaults and signer, the audit log its refusals go to (none
 * with --unsigned; not on a dry run). The front end adds the targets.
 * Return: ws_job_new()'s.
 */
int wipe_setup_job(struct cli *cli, struct wipe_setup *ws, struct ws_job **ret);

/* Target @i's REFUSED line could not be appended: say why, once, on stderr. */
void wipe_setup_audit_error(struct cli *cli, const struct ws_job *job, size_t i);

/* The targets of @job not refused, into @out (room for ws_job_count()). Return: how many. */
size_t wipe_setup_targets(const struct ws_job *job, struct ws_target **out);

/*
 * wipe_setup_file() - certificates (or unsigned results) for the ended targets @idx[0..n)
 * of @job, in order, each with its own certificate fields (ws_job_cert_info()), as
 * certify_results() writes them, after giving back the room set aside for them; a target
 * without a result gets the outcome line of its STARTED line. files[i] receives the path
 * (malloc'd) or NULL.
 * Return: 0, or an exit code when a certificate or an audit line could not be written.
 */
int wipe_setup_file(struct cli *cli, struct wipe_setup *ws, struct ws_job *job, const size_t *idx,
                    size_t n, char **files);

/* Target @i's exit code: the library's judgement of its result. */
int wipe_setup_exit_code(const struct ws_job *job, size_t i);

void wipe_setup_fini(struct wipe_setup *ws);

#endif
