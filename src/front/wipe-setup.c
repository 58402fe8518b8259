/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wipe-setup.c - the steps `wipeseal wipe` and the station share, from the options to the
 * certificates (see wipe-setup.h). Every check here happens before the first write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wipe-setup.h"

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
		return false;
	*ret = (unsigned)v;
	return true;
}

bool wipe_setup_parse_verify(const char *s, enum ws_verify_mode *ret)
{
	if (strcmp(s, "full") == 0)
		*ret = WS_VERIFY_FULL;
	else if (strcmp(s, "sample") == 0)
		*ret = WS_VERIFY_SAMPLE;
	else if (strcmp(s, "none") == 0)
		*ret = WS_VERIFY_NONE;
	else
		return false;
	return true;
}

/* One option's number, or one line naming the accepted range. */
static int take_uint(struct cli *cli, const char *name, const char *arg, unsigned lo, unsigned hi,
                     const char *unit, unsigned *ret)
{
	if (parse_uint(arg, lo, hi, ret))
		return 1;
	cli_err(cli, "--%s takes %s%u to %u, not '%s'", name, unit, lo, hi, arg);
	return cli_bad_usage(cli);
}

/* One option's text, which must not be empty: an empty label would protect nothing. */
static int take_word(struct cli *cli, const char *name, const char *arg, const char **ret)
{
	if (*arg) {
		*ret = arg;
		return 1;
	}
	cli_err(cli, "--%s needs a value", name);
	return cli_bad_usage(cli);
}

int wipe_setup_option(struct cli *cli, struct wipe_setup *ws, int opt, const char *arg)
{
	if (certify_option(&ws->cert, opt, arg) || lot_setup_option(&ws->lot, opt, arg))
		return 1;
	switch (opt) {
	case 'm':
		ws->method = arg;
		ws->method_given = true;
		return 1;
	case 'n':
		return take_uint(cli, "passes", arg, 1, 99, "a number from ", &ws->passes);
	case 'V':
		ws->verify_given = true;
		if (wipe_setup_parse_verify(arg, &ws->verify))
			return 1;
		cli_err(cli, "--verify takes full, sample or none, not '%s'", arg);
		return cli_bad_usage(cli);
	case 'p':
		ws->percent_given = true;
		return take_uint(cli, "sample-percent", arg, 1, 100, "", &ws->sample_percent);
	case 'd':
		ws->cert_dir = arg;
		ws->cert_dir_given = true;
		return 1;
	case OPT_IO_THREADS:
		return take_uint(cli, "io-threads", arg, 1, 64, "", &ws->io_threads);
	case OPT_FIRMWARE_TIMEOUT:
		return take_uint(cli, "firmware-timeout", arg, 1, 7 * 24 * 3600, "seconds, ",
		                 &ws->firmware_timeout_s);
	case OPT_POLL_INTERVAL:
		return take_uint(cli, "poll-interval", arg, 10, 60000, "milliseconds, ",
		                 &ws->poll_interval_ms);
	case OPT_KEEP_HIDDEN:
		ws->keep_hidden = true;
		return 1;
	case OPT_TRUST_FIRMWARE:
		ws->trust_firmware = true;
		return 1;
	case OPT_PROTECT_LABEL:
		return take_word(cli, "protect-label", arg, &ws->protect_label);
	case OPT_PROTECT_BUILD_ID:
		return take_word(cli, "protect-build-id", arg, &ws->protect_build_id);
	default:
		return 0;
	}
}

/* A key of the station's section first (for the station), then of @section. */
static const char *setting(const struct wipe_setup *ws, const char *section, const char *key,
                           const char **ret_section)
{
	const char *v = ws->station ? ws_config_get(ws->cert.cfg, "station", key) : NULL;

	*ret_section = v ? "station" : section;
	return v ? v : ws_config_get(ws->cert.cfg, section, key);
}

/* method, verify and sample_percent from the config file, where no flag said. */
static int apply_config(struct cli *cli, struct wipe_setup *ws)
{
	const char *v, *sec;

	if (!ws->method_given && (v = setting(ws, "wipe", "method", &sec)))
		ws->method = v;
	if (!ws->verify_given && (v = setting(ws, "wipe", "verify", &sec)) &&
	    !wipe_setup_parse_verify(v, &ws->verify)) {
		cli_err(cli, "config: [%s] verify = %s: use full, sample or none", sec, v);
		return WS_EXIT_USAGE;
	}
	if (!ws->percent_given && (v = setting(ws, "wipe", "sample_percent", &sec)) &&
	    !parse_uint(v, 1, 100, &ws->sample_percent)) {
		cli_err(cli, "config: [%s] sample_percent = %s: use 1 to 100", sec, v);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

/* The station's own operator, organization and asset tag ([station]) come before
 * [operator] and [media], after the flags: @given says which fields a flag set. */
static void apply_station_fields(struct wipe_setup *ws, const struct ws_cert_info *given)
{
	const struct ws_config *cfg = ws->cert.cfg;
	struct ws_cert_info *in = &ws->cert.info;
	const char *v;

	if (!ws->station)
		return;
	if (!given->operator_name && (v = ws_config_get(cfg, "station", "operator")))
		in->operator_name = v;
	if (!given->operator_organization && (v = ws_config_get(cfg, "station", "organization")))
		in->operator_organization = v;
	if (!given->asset_tag && (v = ws_config_get(cfg, "station", "asset_tag")))
		in->asset_tag = v;
}

int wipe_setup_prepare(struct cli *cli, struct wipe_setup *ws)
{
	struct ws_cert_info flags = ws->cert.info; /* before the config fills it */
	char *why = NULL;
	int code = certify_prepare(cli, &ws->cert, &ws->cert_dir, ws->cert_dir_given), r;

	if (code == WS_EXIT_OK) {
		apply_station_fields(ws, &flags);
		code = apply_config(cli, ws);
	}
	if (code == WS_EXIT_OK && !ws->cert.unsigned_results)
		code = register_feed_prepare(cli, ws->cert.cfg, &ws->reg);
	if (code != WS_EXIT_OK)
		return code;
	/* before any drive is described: every snapshot from now on knows them */
	r = ws_gate_protect(cli->ctx, ws->protect_label, ws->protect_build_id);
	if (r < 0) {
		cli_err(cli, "cannot protect the media named: %s", strerror(-r));
		return WS_EXIT_FAILED;
	}
	r = ws_plan_parse(ws->method, ws->passes, &ws->plan, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return cli_bad_usage(cli);
	}
	ws->plan->verify = ws->verify;
	ws->plan->sample_percent = ws->sample_percent;
	/* a drive's word that it erased is no evidence that it did: not read back, it would be
	 * the only evidence, so only on the operator's explicit word (docs/methods.md) */
	if (ws_plan_check_verify(ws->plan, ws->trust_firmware, &why) < 0) {
		cli_err(cli, "--%s", why ? why : "verify none needs --trust-firmware");
		free(why);
		return WS_EXIT_USAGE;
	}
	/* where an ATA security erase puts its one-time password before setting it */
	if (asprintf(&ws->password_log, "%s/security-passwords.log", ws->cert_dir) < 0) {
		ws->password_log = NULL;
		return WS_EXIT_FAILED;
	}
	/* last: the lot's folder is where the certificates go, inside cert_dir */
	return lot_setup_prepare(cli, ws);
}

/* The same device or file named twice (by two paths) would be wiped by two workers. */
bool wipe_setup_named_twice(struct cli *cli, char **paths, int n)
{
	struct stat *st = calloc((size_t)n, sizeof(*st));
	bool dup = false;

	for (int i = 0; st && i < n; i++) {
		if (stat(paths[i], &st[i]) < 0)
			continue; /* the gate will say what is wrong with it */
		for (int k = 0; k < i && !dup; k++) {
			bool same =
			    S_ISBLK(st[i].st_mode) && S_ISBLK(st[k].st_mode)
			        ? st[i].st_rdev == st[k].st_rdev
			        : st[i].st_dev == st[k].st_dev && st[i].st_ino == st[k].st_ino;

			if (same) {
				cli_err(cli, "%s: named twice (also as %s): name each target once",
				        paths[i], paths[k]);
				dup = true;
			}
		}
	}
	free(st);
	return dup;
}

static int mkdir_p(const char *dir)
{
	char *copy = strdup(dir);
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p && r == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0750) < 0 && errno != EEXIST)
			r = -errno;
		*p = '/';
	}
	if (r == 0 && mkdir(copy, 0750) < 0 && errno != EEXIST)
		r = -errno;
	free(copy);
	return r;
}

/* Set @size bytes aside in @dir: a file unlinked at once, its blocks allocated, held open
 * until the certificate is written (and freed by the kernel if we die).
 * Return: the descriptor, or a negative errno. */
static int reserve(const char *dir, size_t size)
{
	char *probe = NULL;
	int fd, r;

	if (asprintf(&probe, "%s/.wipeseal-reserve-XXXXXX", dir) < 0)
		return -ENOMEM;
	fd = mkostemp(probe, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(probe);
		return r;
	}
	unlink(probe);
	free(probe);
	r = posix_fallocate(fd, 0, (off_t)size); /* glibc writes the blocks where it must */
	if (r != 0) {
		close(fd);
		return -r;
	}
	return fd;
}

/* [certificate] pdf = no: no PDF beside the certificates. */
static bool pdf_off(const struct certify *c)
{
	const char *pdf = ws_config_get(c->cfg, "certificate", "pdf");

	return pdf && strcmp(pdf, "no") == 0;
}

int wipe_setup_result_dir(struct wipe_setup *ws, struct ws_target *const *targets, size_t n)
{
	size_t size = 0, each;
	int *fds, r = mkdir_p(ws->cert_dir);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		r = ws_cert_reserve_size(targets[i], ws->plan, &ws->cert.info,
		                         ws->cert.unsigned_results ? NULL : ws->cert.signer, &each);
		if (r < 0)
			return r;
		size = each > size ? each : size;
	}
	/* and room for NAME.pdf beside each signed certificate ([certificate] pdf) */
	if (!ws->cert.unsigned_results && !pdf_off(&ws->cert))
		size += WS_PDF_RESERVE_BYTES;
	fds = realloc(ws->reserved, (ws->n_reserved + n) * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	ws->reserved = fds;
	for (size_t i = 0; i < n; i++) {
		r = reserve(ws->cert_dir, size);
		if (r < 0) {
			wipe_setup_release(ws, i);
			return r;
		}
		ws->reserved[ws->n_reserved++] = r;
	}
	return 0;
}

void wipe_setup_release(struct wipe_setup *ws, size_t n)
{
	while (n-- > 0 && ws->n_reserved > 0)
		close(ws->reserved[--ws->n_reserved]);
}

void wipe_setup_flush_kept(struct cli *cli, struct wipe_setup *ws)
{
	certify_flush_kept(cli, &ws->cert, ws->cert_dir);
}

const char *wipe_setup_queue_dir(const struct wipe_setup *ws)
{
	return ws->lot.base ? ws->lot.base : ws->cert_dir;
}

int wipe_setup_job(struct cli *cli, struct wipe_setup *ws, struct ws_job **ret)
{
	const struct certify *c = &ws->cert;
	struct ws_job_options o = {
		.ctx = cli->ctx,
		.plan = ws->plan,
		.info = &c->info,
		.signer = c->signer,
		.audit_log = c->unsigned_results ? NULL : c->audit_log,
		.operator= c->operator,
		.require_operator = c->require_operator,
	};
	/* a PDF beside each signed certificate unless [certificate] pdf = no (docs/pdf.md) */
	ws->pdf = (struct ws_pdf_opts){
		.lang = ws_config_get(c->cfg, "certificate", "lang"),
		.localedir = getenv("WIPESEAL_LOCALEDIR"),
	};
	if (!c->unsigned_results && !ws->dry_run && !pdf_off(c))
		o.pdf = &ws->pdf;
	if (ws->reg.on && !ws->dry_run) {
		o.register_conn = &ws->reg.conn;
		o.register_sender = ws->reg.sender;
		o.queue_dir = wipe_setup_queue_dir(ws);
	}

	o.wipe = (struct ws_wipe_opts){
		.io_threads = ws->io_threads,
		.firmware_timeout_s = ws->firmware_timeout_s,
		.poll_interval_ms = ws->poll_interval_ms,
		.password_log = ws->password_log,
		.keep_hidden_areas = ws->keep_hidden,
		.trust_firmware = ws->trust_firmware,
		.dry_run = ws->dry_run,
		.opal_secret = ws->opal_secret,
		.opal_secret_len = ws->opal_secret_len,
	};
	return ws_job_new(&o, ret);
}

void wipe_setup_audit_error(struct cli *cli, const struct ws_job *job, size_t i)
{
	const struct ws_job_refusal *r = ws_job_refusal(job, i);

	if (r && r->audit_error)
		cli_err(cli, "%s", r->audit_error);
}

size_t wipe_setup_targets(const struct ws_job *job, struct ws_target **out)
{
	size_t n = 0;

	for (size_t i = 0; i < ws_job_count(job); i++)
		if (!ws_job_refusal(job, i))
			out[n++] = ws_job_target(job, i);
	return n;
}

int wipe_setup_file(struct cli *cli, struct wipe_setup *ws, struct ws_job *job, const size_t *idx,
                    size_t n, char **files)
{
	wipe_setup_release(ws, n); /* the space set aside for these certificates */
	return certify_results(cli, &ws->cert, ws->cert_dir, job, idx, n, files);
}

int wipe_setup_exit_code(const struct ws_job *job, size_t i)
{
	int error = 0;
	const struct ws_result *res = ws_job_result(job, i, &error);

	return error ? WS_EXIT_FAILED : cli_result_exit_code(res);
}

void wipe_setup_fini(struct wipe_setup *ws)
{
	wipe_setup_release(ws, ws->n_reserved);
	free(ws->reserved);
	ws->reserved = NULL;
	register_feed_fini(&ws->reg); /* before the config its strings are in */
	/* the lot's folder goes with it */
	if (ws->lot.base)
		ws->cert_dir = ws->lot.base;
	lot_setup_fini(&ws->lot);
	certify_fini(&ws->cert);
	ws->plan = ws_plan_free(ws->plan);
	opal_secret_free(ws);
	free(ws->password_log);
	ws->password_log = NULL;
}
