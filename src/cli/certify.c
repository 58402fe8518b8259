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
#include <strings.h>
#include <unistd.h>

#include "certify.h"
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

static int load_config(struct cli *cli, struct certify *c)
{
	const char *path = c->config_path ? c->config_path : WS_CONFIG_DEFAULT;
	char *why = NULL;
	int r = ws_config_load(path, &c->cfg, &why);

	if (r == -ENOENT && !c->config_path) /* no station config: flags only */
		r = ws_config_new(&c->cfg);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	free(why);
	return WS_EXIT_OK;
}

static const char *pick(const char *flag, const struct ws_config *cfg, const char *section,
                        const char *key)
{
	return flag ? flag : ws_config_get(cfg, section, key);
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

int certify_prepare(struct cli *cli, struct certify *c, const char **cert_dir, bool cert_dir_given)
{
	struct ws_signer_files files;
	char *why = NULL;
	int code = load_config(cli, c), r;

	if (code != WS_EXIT_OK)
		return code;
	if (!cert_dir_given && ws_config_get(c->cfg, "wipe", "cert_dir"))
		*cert_dir = ws_config_get(c->cfg, "wipe", "cert_dir");
	ws_cert_info_from_config(&c->info, c->cfg);
	if ((why = ws_cert_info_check(&c->info))) {
		cli_err(cli, "%s", why);
		free(why);
		return WS_EXIT_USAGE;
	}
	if (c->unsigned_results)
		return WS_EXIT_OK;
	c->key = pick(c->key, c->cfg, "signer", "key");
	c->cert = pick(c->cert, c->cfg, "signer", "cert");
	c->chain = pick(c->chain, c->cfg, "signer", "chain");
	c->audit_log = pick(c->audit_log, c->cfg, "wipe", "audit_log");
	if (!c->audit_log)
		c->audit_log = WS_AUDIT_DEFAULT;
	if (!c->key || (!c->cert && strncasecmp(c->key, "pkcs11:", 7) != 0)) {
		cli_err(cli,
		        "no signer configured: a wipe that cannot be certified does not start; "
		        "pass --signer-key and --signer-cert (or set [signer] in the config)");
		return WS_EXIT_USAGE;
	}
	files = (struct ws_signer_files){
		.key = c->key,
		.cert = c->cert,
		.chain = c->chain,
		.key_passphrase = ws_config_get(c->cfg, "signer", "key_passphrase_file"),
		.pin_file = ws_config_get(c->cfg, "signer", "pin_file"),
		.pin = certify_pin_prompt,
	};
	r = ws_signer_load(&files, &c->signer, &why);
	if (r < 0) {
		cli_err(cli, "%s; nothing was written", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
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
	return check_audit_log(cli, c);
}

/* The STARTED line of @dev in this run, or 0; forgotten once taken (the station runs on,
 * and a later target may live at the same address). */
static unsigned take_started(struct certify *c, const struct ws_device *dev)
{
	for (size_t i = c->n_started; i-- > 0;)
		if (c->started[i].dev == dev) {
			unsigned line = c->started[i].line;

			c->started[i] = c->started[--c->n_started];
			return line;
		}
	return 0;
}

/* The audit line of @e, or, when the log cannot take it, a record beside the certificate
 * that the next wipe able to write the log appends (certify_pending_flush()). Loud. */
static int log_outcome(struct cli *cli, struct ws_audit *log, const char *dir, const char *name,
                       const struct ws_audit_entry *e, const char *log_why)
{
	char *why = NULL, *kept = NULL;
	int r = log ? ws_audit_append(log, e, &why) : -EIO;

	if (r == 0)
		return 0;
	if (certify_pending_write(dir, name, e, &kept) < 0)
		cli_err(cli,
		        "%s: its audit line was not written (%s), nor kept: record it by hand "
		        "(status %s, certificate %s)",
		        e->target, why ? why : log_why, e->status,
		        e->certificate_file ? e->certificate_file : "none");
	else
		cli_err(cli,
		        "%s: its audit line was not written (%s); it is kept in %s and goes into "
		        "the log with the next wipe that can write it",
		        e->target, why ? why : log_why, kept);
	free(why);
	free(kept);
	return -EIO;
}

/* NAME.json and NAME.json.p7s for one result (or what of them could be written, kept);
 * the audit line for it. @log may be NULL when the log could not be opened (@log_why). */
static int certify_one(struct cli *cli, struct certify *c, struct ws_audit *log,
                       const char *log_why, const char *dir, const struct ws_result *res,
                       const struct ws_device *dev, char **ret_file)
{
	char *doc = NULL, *sig = NULL, *file = NULL, *note = NULL, sha[65], id[37];
	const char *base = NULL;
	int r, lr;

	r = ws_cert_build(res, &c->info, c->signer, log ? ws_audit_previous(log) : NULL, &doc, id);
	if (r == 0)
		r = ws_signer_sign(c->signer, doc, strlen(doc), &sig);
	if (r == 0)
		r = write_exclusive(dir, res->name, doc, sig, &file);
	if (r < 0) {
		cli_err(cli, "%s: the certificate could not be written into %s: %s%s%s", res->path,
		        dir, strerror(-r), file ? "; what was written is kept: " : "",
		        file ? file : "");
		if (asprintf(&note, "no certificate: it could not be written into %s (%s)%s%s", dir,
		             strerror(-r), file ? "; what was written is kept: " : "",
		             file ? file : "") < 0)
			note = NULL;
	} else {
		ws_sha256_hex(doc, strlen(doc), sha);
		base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	}
	lr = log_outcome(cli, log, dir, base ? base : res->name,
	                 &(struct ws_audit_entry){
	                     .status = ws_status_name(res->status),
	                     .certificate_file = base,
	                     .certificate_id = base ? id : NULL,
	                     .certificate_sha256 = base ? sha : NULL,
	                     .serial = dev->serial ? dev->serial : dev->path,
	                     .target = dev->path,
	                     .model = dev->model,
	                     .method = res->method,
	                     .operator_name = c->info.operator_name,
	                     .note = note,
	                     .started_line = take_started(c, dev),
	                 },
	                 log_why);
	*ret_file = r == 0 ? file : NULL;
	if (r < 0)
		free(file);
	free(note);
	free(doc);
	free(sig);
	return r < 0 ? r : lr;
}

/* A wipe that logged STARTED but could not start (no result): its outcome line. */
static int log_not_started(struct cli *cli, struct certify *c, struct ws_audit *log,
                           const char *dir, const struct ws_device *dev)
{
	unsigned started = take_started(c, dev);
	char name[64];

	if (!started)
		return 0;
	snprintf(name, sizeof(name), "not-started-line-%u", started);
	return log_outcome(cli, log, dir, name,
	                   &(struct ws_audit_entry){
	                       .status = "FAILED",
	                       .serial = dev->serial ? dev->serial : dev->path,
	                       .target = dev->path,
	                       .model = dev->model,
	                       .operator_name = c->info.operator_name,
	                       .note = "the wipe could not start: no result, no certificate",
	                       .started_line = started,
	                   },
	                   "the log could not be opened");
}

/* The gate refused the target at the last moment (ws_gate_recheck): nothing was written,
 * so no certificate; a REFUSED line closes its STARTED line, as any refusal is logged. */
static int log_refused(struct cli *cli, struct certify *c, struct ws_audit *log, const char *dir,
                       const struct ws_device *dev, const struct ws_result *res)
{
	unsigned started = take_started(c, dev);
	char name[64];

	snprintf(name, sizeof(name), "refused-line-%u", started);
	return log_outcome(cli, log, dir, name,
	                   &(struct ws_audit_entry){
	                       .status = "REFUSED",
	                       .serial = dev->serial ? dev->serial : dev->path,
	                       .target = dev->path,
	                       .model = dev->model,
	                       .operator_name = c->info.operator_name,
	                       .note = res->status_reason,
	                       .started_line = started,
	                   },
	                   "the log could not be opened");
}

/* --unsigned: the result documents alone, no log. */
static int write_unsigned(struct cli *cli, const char *dir, struct ws_result *const *results,
                          size_t n, char **files)
{
	int code = WS_EXIT_OK, r;

	for (size_t i = 0; i < n; i++) {
		char *text = NULL, *kept = NULL;

		files[i] = NULL;
		if (!results[i])
			continue;
		r = ws_result_to_json(results[i], &text);
		if (r == 0 && (text = realloc(text, strlen(text) + 2)))
			strcat(text, "\n");
		if (r < 0 || !text ||
		    (r = write_exclusive(dir, results[i]->name, text, NULL, &kept)) < 0) {
			cli_err(cli, "%s: cannot write the result into %s: %s%s%s",
			        results[i]->path, dir, strerror(r < 0 ? -r : ENOMEM),
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

int certify_results(struct cli *cli, struct certify *c, const char *dir,
                    struct ws_result *const *results, const struct ws_device *const *devices,
                    size_t n, char **files)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int code = WS_EXIT_OK, r;

	if (c->unsigned_results)
		return write_unsigned(cli, dir, results, n, files);
	/* held from the first certificate to the last line: nobody slips in between */
	r = ws_audit_open(c->audit_log, c->signer, &log, &why);
	if (r < 0) {
		/* the wipes are done: their certificates are written all the same */
		cli_err(cli, "%s: the certificates are written all the same",
		        why ? why : strerror(-r));
		code = WS_EXIT_FAILED;
	} else if (certify_pending_flush(cli, log, dir) < 0) {
		code = WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		files[i] = NULL;
		if (results[i] && results[i]->status == WS_STATUS_REFUSED)
			r = log_refused(cli, c, log, dir, devices[i], results[i]);
		else if (results[i])
			r = certify_one(cli, c, log, why ? why : "the log could not be opened", dir,
			                results[i], devices[i], &files[i]);
		else
			r = log_not_started(cli, c, log, dir, devices[i]);
		if (r < 0)
			code = WS_EXIT_FAILED;
	}
	ws_audit_close(log);
	free(why);
	return code;
}

int certify_started(struct cli *cli, struct certify *c, const char *dir,
                    const struct ws_device *const *devices, size_t n, const char *method)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r;

	if (c->unsigned_results)
		return WS_EXIT_OK;
	r = ws_audit_open(c->audit_log, c->signer, &log, &why);
	if (r == 0)
		(void)certify_pending_flush(cli, log, dir);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct ws_device *d = devices[i];
		struct certify_started *s = realloc(c->started, (c->n_started + 1) * sizeof(*s));

		if (!s) {
			r = -ENOMEM;
			break;
		}
		c->started = s;
		r = ws_audit_append(log,
		                    &(struct ws_audit_entry){
		                        .status = "STARTED",
		                        .serial = d->serial ? d->serial : d->path,
		                        .target = d->path,
		                        .model = d->model,
		                        .method = method,
		                        .operator_name = c->info.operator_name,
		                    },
		                    &why);
		if (r == 0)
			c->started[c->n_started++] =
			    (struct certify_started){ d, ws_audit_lines(log) };
	}
	ws_audit_close(log);
	if (r < 0) {
		cli_err(cli,
		        "%s; nothing was written to any target: free the log or choose "
		        "another with --audit-log",
		        why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
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
	ws_signer_free(c->signer);
	ws_config_free(c->cfg);
	free(c->started);
	c->started = NULL;
	c->n_started = 0;
	c->signer = NULL;
	c->cfg = NULL;
}
