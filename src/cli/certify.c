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

#include "certify.h"
#include "wipe-report.h"

static void log_refusal(struct cli *cli, struct certify *c, struct ws_audit *log,
                        const char *target, const char *reason);

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
static int check_audit_log(struct cli *cli, const char *path)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	int r = ws_audit_open(path, &log, &why);

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
	if (!c->key || !c->cert) {
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
	return check_audit_log(cli, c->audit_log);
}

/* NAME.json and NAME.json.p7s for one result; the audit line for it. */
static int certify_one(struct cli *cli, struct certify *c, struct ws_audit *log, const char *dir,
                       const struct ws_result *res, const struct ws_device *dev, char **ret_file)
{
	char *doc = NULL, *sig = NULL, *file = NULL, *sig_path = NULL, *why = NULL, sha[65], id[37];
	struct ws_audit_entry e = { 0 };
	const char *base;
	int fd = -1, r;

	r = ws_cert_build(res, &c->info, c->signer, ws_audit_previous(log), &doc, id);
	if (r == 0)
		r = ws_signer_sign(c->signer, doc, strlen(doc), &sig);
	if (r == 0)
		r = write_exclusive(dir, res->name, doc, &file);
	if (r == 0 && asprintf(&sig_path, "%s.p7s", file) < 0)
		r = -ENOMEM;
	if (r == 0) {
		errno = 0;
		fd = open(sig_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd < 0 || write(fd, sig, strlen(sig)) != (ssize_t)strlen(sig) || fsync(fd) < 0)
			r = errno ? -errno : -EIO;
		if (fd >= 0)
			close(fd);
		if (r < 0) { /* no certificate without its signature */
			unlink(sig_path);
			unlink(file);
		}
	}
	if (r < 0) {
		cli_err(cli, "%s: the certificate could not be written into %s: %s", res->path, dir,
		        strerror(-r));
		goto done;
	}
	ws_sha256_hex(doc, strlen(doc), sha);
	base = strrchr(file, '/');
	e = (struct ws_audit_entry){
		.certificate_file = base ? base + 1 : file,
		.certificate_id = id,
		.certificate_sha256 = sha,
		.status = ws_status_name(res->status),
		.serial = dev->serial ? dev->serial : dev->path,
		.operator_name = c->info.operator_name,
	};
	r = ws_audit_append(log, &e, &why);
	if (r < 0)
		cli_err(cli, "%s", why ? why : strerror(-r));
	*ret_file = file;
	file = NULL;
done:
	free(why);
	free(doc);
	free(sig);
	free(file);
	free(sig_path);
	return r;
}

int certify_results(struct cli *cli, struct certify *c, const char *dir,
                    struct ws_result *const *results, const struct ws_device *const *devices,
                    size_t n, char **files)
{
	struct ws_audit *log = NULL;
	char *why = NULL, *text = NULL;
	int code = WS_EXIT_OK, r;

	if (c->unsigned_results) {
		for (size_t i = 0; i < n; i++) {
			files[i] = NULL;
			if (!results[i])
				continue;
			r = ws_result_to_json(results[i], &text);
			if (r == 0 && (text = realloc(text, strlen(text) + 2)))
				strcat(text, "\n");
			if (r < 0 || !text ||
			    (r = write_exclusive(dir, results[i]->name, text, &files[i])) < 0) {
				cli_err(cli, "%s: cannot write the result into %s: %s",
				        results[i]->path, dir, strerror(r < 0 ? -r : ENOMEM));
				code = WS_EXIT_FAILED;
			}
			free(text);
			text = NULL;
		}
		return code;
	}
	/* held from the first certificate to the last line: nobody slips in between */
	r = ws_audit_open(c->audit_log, &log, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		files[i] = NULL;
		if (results[i] && results[i]->status == WS_STATUS_REFUSED)
			log_refusal(cli, c, log, devices[i]->path, results[i]->status_reason);
		else if (results[i] &&
		         certify_one(cli, c, log, dir, results[i], devices[i], &files[i]) < 0)
			code = WS_EXIT_FAILED;
	}
	ws_audit_close(log);
	return code;
}

/* A REFUSED line in the audit log @log (open), or in the configured one when @log is NULL. */
static void log_refusal(struct cli *cli, struct certify *c, struct ws_audit *log,
                        const char *target, const char *reason)
{
	struct ws_audit *own = NULL;
	char *why = NULL;
	struct ws_audit_entry e = {
		.status = "REFUSED",
		.serial = target,
		.operator_name = c->info.operator_name,
		.note = reason,
	};

	if (c->unsigned_results || !c->audit_log)
		return;
	if ((!log && ws_audit_open(c->audit_log, &own, &why) < 0) ||
	    ws_audit_append(log ? log : own, &e, &why) < 0)
		cli_err(cli, "%s", why ? why : "the audit log could not be written");
	ws_audit_close(own);
	free(why);
}

void certify_log_refusal(struct cli *cli, struct certify *c, const char *target, const char *reason)
{
	log_refusal(cli, c, NULL, target, reason);
}

void certify_fini(struct certify *c)
{
	ws_signer_free(c->signer);
	ws_config_free(c->cfg);
	c->signer = NULL;
	c->cfg = NULL;
}
