/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * certify.c - from results to certificates: the options, the checks before any write, and
 * the signing, filing and logging after the wipe.
 *
 * Everything that could keep a wipe from being certified is checked before the first byte
 * is written (certify_prepare): a wipe that cannot be certified does not begin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wipeseal/operator.h>
#include <wipeseal/timestamp.h>

#include "certify.h"
#include "signer-opts.h"
#include "wipe-report.h"

int certify_option(struct certify *c, int opt, const char *arg)
{
	struct ws_cert_info *i = &c->info;

	switch (opt) {
	case OPT_OPERATOR:
		i->operator_name = arg;
		break;
	case OPT_TITLE:
		i->operator_title = arg;
		break;
	case OPT_ORGANIZATION:
		i->operator_organization = arg;
		break;
	case OPT_LOCATION:
		i->operator_location = arg;
		break;
	case OPT_PHONE:
		i->operator_phone = arg;
		break;
	case OPT_ASSET_TAG:
		i->asset_tag = arg;
		break;
	case OPT_MEDIA_SOURCE:
		i->media_source = arg;
		break;
	case OPT_CLASSIFICATION:
		i->classification = arg;
		break;
	case OPT_DESTINATION:
		i->destination = arg;
		break;
	case OPT_NOTES:
		i->notes = arg;
		break;
	case OPT_SIGNER_KEY:
		c->key = arg;
		break;
	case OPT_SIGNER_CERT:
		c->cert = arg;
		break;
	case OPT_SIGNER_CHAIN:
		c->chain = arg;
		break;
	case OPT_CONFIG:
		c->config_path = arg;
		break;
	case OPT_AUDIT_LOG:
		c->audit_log = arg;
		break;
	case OPT_UNSIGNED:
		c->unsigned_results = true;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Open and close the audit log once: an unwritable log is found before the wipe. */
static int check_audit_log(struct cli *cli, struct certify *c)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r = ws_audit_open(c->audit_log, c->signer, &log, &why);

	ws_audit_close(log);
	if (r < 0) {
		cli_err(cli, "%s; choose another with --audit-log", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

/* [signer] tsa_url: every signature from now on asks the TSA for a token (after the trial
 * signature, which must not). */
static int certify_tsa(struct cli *cli, struct certify *c)
{
	struct ws_tsa_config tsa;

	if (!ws_tsa_config_from_config(c->cfg, &tsa))
		return WS_EXIT_OK;
	if (ws_signer_set_tsa(c->signer, &tsa) < 0) {
		cli_err(cli, "out of memory");
		return WS_EXIT_USAGE;
	}
	c->info.tsa_url = tsa.url;
	return WS_EXIT_OK;
}

int certify_prepare(struct cli *cli, struct certify *c, const char **cert_dir, bool cert_dir_given)
{
	char *why = NULL;
	int code = cli_config_load(cli, c->config_path, &c->cfg), r;

	if (code != WS_EXIT_OK)
		return code;
	if (!cert_dir_given && ws_config_get(c->cfg, "wipe", "cert_dir"))
		*cert_dir = ws_config_get(c->cfg, "wipe", "cert_dir");
	ws_cert_info_from_config(&c->info, c->cfg);
	/* the machine the drives are in: nothing recorded where SMBIOS says nothing */
	if (!c->machine && ws_machine_read(cli->ctx, &c->machine) < 0) {
		cli_err(cli, "out of memory");
		return WS_EXIT_FAILED;
	}
	c->info.machine = c->machine;
	/* the server the boot image set the clock from: iso/net.sh exports it only then */
	if (!c->info.ntp_server)
		c->info.ntp_server = getenv("WIPESEAL_NTP_SERVER");
	if ((why = ws_cert_info_check(&c->info))) {
		cli_err(cli, "%s", why);
		free(why);
		return WS_EXIT_USAGE;
	}
	if (c->unsigned_results)
		return WS_EXIT_OK;
	if (!c->audit_log && !(c->audit_log = ws_config_get(c->cfg, "wipe", "audit_log")))
		c->audit_log = WS_AUDIT_DEFAULT;
	code = signer_load(cli, c->cfg, c->key, c->cert, c->chain,
	                   "no signer configured: a wipe that cannot be certified does not "
	                   "start; pass --signer-key and --signer-cert (or set [signer] in the "
	                   "config)",
	                   &c->signer);
	if (code != WS_EXIT_OK)
		return code;
	/* a signature made now, on nothing: a wipe whose certificate could not be signed
	 * must not begin */
	{
		char *sig = NULL;

		r = ws_signer_sign(c->signer, "", 0, &sig);
		free(sig);
		if (r < 0) {
			cli_err(cli, "the signer cannot sign (OpenSSL refused a trial signature); "
			             "nothing was written");
			return WS_EXIT_USAGE;
		}
	}
	if (certify_tsa(cli, c) != WS_EXIT_OK)
		return WS_EXIT_USAGE;
	return check_audit_log(cli, c);
}

/* Append the lines kept while the log could not take them; say which could not be. */
static int flush_kept(struct cli *cli, struct ws_audit *log, const char *dir)
{
	char *path = NULL, *why = NULL;
	int r = ws_audit_flush_kept(log, dir, &path, &why);

	if (r < 0)
		cli_err(cli, "%s: the audit line kept there could not be added to the log: %s",
		        path ? path : dir, why ? why : strerror(-r));
	free(path);
	free(why);
	return r;
}

/* Say what failed in filing target @i (ws_job_file()): the certificate, the audit line. */
static void say_filed(struct cli *cli, const struct ws_job *job, size_t i, const char *dir,
                      const char *log_why, const struct ws_job_filed *f)
{
	const struct ws_result *res = ws_job_result(job, i, NULL);
	const char *target = ws_target_device(ws_job_target(job, i))->path;
	const char *base = f->file && strrchr(f->file, '/') ? strrchr(f->file, '/') + 1 : f->file;
	const char *status = !res                               ? "FAILED"
	                     : res->status == WS_STATUS_REFUSED ? "REFUSED"
	                                                        : ws_status_name(res->status);

	if (f->error)
		cli_err(cli, "%s: the certificate could not be written into %s: %s%s%s", res->path,
		        dir, strerror(-f->error), f->kept ? "; what was written is kept: " : "",
		        f->kept ? f->kept : "");
	if (f->awaiting_operator)
		cli_err(cli,
		        "%s: filed with the station's signature alone: the operator's card was "
		        "not there to sign%s%s; wipeseal cosign adds their signature",
		        f->file, f->awaiting_error ? ", and the mark could not be written: " : "",
		        f->awaiting_error ? strerror(-f->awaiting_error) : "");
	if (f->pdf_error)
		cli_err(cli,
		        "%s: no PDF beside the certificate (the signed certificate stands): %s",
		        f->file, f->pdf_reason ? f->pdf_reason : strerror(-f->pdf_error));
	if (f->index_error)
		cli_err(cli,
		        "%s: not in its folder's " WS_LOT_INDEX " (%s): `wipeseal find` will not "
		        "find it; the certificate stands",
		        f->file, strerror(-f->index_error));
	if (f->awaiting_timestamp)
		cli_err(cli, "%s: filed without a timestamp token: %s%s%s", f->file,
		        f->timestamp_reason ? f->timestamp_reason : "the TSA gave none",
		        f->timestamp_error ? "; and the mark could not be written: "
		                           : "; wipeseal timestamp adds it later",
		        f->timestamp_error ? strerror(-f->timestamp_error) : "");
	if (!f->log_error)
		return;
	if (!f->pending)
		cli_err(cli,
		        "%s: its audit line was not written (%s), nor kept: record it by hand "
		        "(status %s, certificate %s)",
		        target, f->log_reason ? f->log_reason : log_why, status,
		        base ? base : "none");
	else
		cli_err(cli,
		        "%s: its audit line was not written (%s); it is kept in %s and goes into "
		        "the log with the next wipe that can write it",
		        target, f->log_reason ? f->log_reason : log_why, f->pending);
}

/* --unsigned: the result documents alone, no log. */
static int write_unsigned(struct cli *cli, const char *dir, const struct ws_job *job,
                          const size_t *idx, size_t n, char **files)
{
	int code = WS_EXIT_OK, r;

	for (size_t i = 0; i < n; i++) {
		const struct ws_result *res = ws_job_result(job, idx[i], NULL);
		char *text = NULL, *kept = NULL;

		files[i] = NULL;
		if (!res)
			continue;
		r = ws_result_to_json(res, &text);
		if (r == 0 && (text = realloc(text, strlen(text) + 2)))
			strcat(text, "\n");
		if (r < 0 || !text ||
		    (r = ws_write_exclusive(dir, res->name, text, NULL, &kept)) < 0) {
			cli_err(cli, "%s: cannot write the result into %s: %s%s%s", res->path, dir,
			        strerror(r < 0 ? -r : ENOMEM),
			        kept ? "; what was written is kept: " : "", kept ? kept : "");
			free(kept);
			code = WS_EXIT_FAILED;
		} else {
			files[i] = kept;
		}
		free(text);
	}
	return code;
}

int certify_results(struct cli *cli, struct certify *c, const char *dir, struct ws_job *job,
                    const size_t *idx, size_t n, char **files)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int code = WS_EXIT_OK, r;

	if (c->unsigned_results)
		return write_unsigned(cli, dir, job, idx, n, files);
	/* held from the first certificate to the last line: nobody slips in between */
	r = ws_audit_open(c->audit_log, c->signer, &log, &why);
	if (r < 0) {
		/* the wipes are done: their certificates are written all the same */
		cli_err(cli, "%s: the certificates are written all the same",
		        why ? why : strerror(-r));
		code = WS_EXIT_FAILED;
	} else if (flush_kept(cli, log, dir) < 0) {
		code = WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		struct ws_job_filed f;
		const struct ws_result *res = ws_job_result(job, idx[i], NULL);
		/* a certificate's line says why the log could not be opened */
		bool certified = res && res->status != WS_STATUS_REFUSED;

		r = ws_job_file(job, idx[i], log, dir, &f);
		say_filed(cli, job, idx[i], dir,
		          certified && why ? why : "the log could not be opened", &f);
		files[i] = f.error ? NULL : f.file;
		f.file = NULL;
		ws_job_filed_clear(&f);
		if (r < 0)
			code = WS_EXIT_FAILED;
	}
	ws_audit_close(log);
	free(why);
	return code;
}

void certify_flush_kept(struct cli *cli, struct certify *c, const char *dir)
{
	struct ws_audit *log = NULL;

	/* a log that cannot be opened is said by ws_job_start(), which writes nothing then */
	if (c->unsigned_results || ws_audit_open(c->audit_log, c->signer, &log, NULL) < 0)
		return;
	(void)flush_kept(cli, log, dir);
	ws_audit_close(log);
}

void certify_start_error(struct cli *cli, const struct ws_job *job)
{
	cli_err(cli,
	        "%s; nothing was written to any target: free the log or choose another with "
	        "--audit-log",
	        ws_job_start_error(job));
}

void certify_log_refusal(struct cli *cli, struct certify *c, const char *target, const char *reason)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	struct ws_audit_entry e = {
		.status = "REFUSED",
		.serial = target,
		.operator_name = c->info.operator_name,
		.note = reason,
	};

	if (c->unsigned_results || !c->audit_log)
		return;
	if (ws_audit_open(c->audit_log, c->signer, &log, &why) < 0 ||
	    ws_audit_append(log, &e, &why) < 0)
		cli_err(cli, "%s", why ? why : "the audit log could not be written");
	ws_audit_close(log);
	free(why);
}

void certify_fini(struct certify *c)
{
	c->operator= ws_operator_unref(c->operator); /* before the station's signer */
	ws_signer_free(c->signer);
	ws_config_free(c->cfg);
	c->machine = ws_machine_free(c->machine);
	c->info.machine = NULL;
	c->signer = NULL;
	c->cfg = NULL;
}
