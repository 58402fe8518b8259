/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-wipe.c - `wipeseal wipe [options] TARGET...`: Clear by overwriting, then verify.
 *
 * Order of events, each a point where nothing has been written yet: parse every option;
 * build the plan; put every target through the safety gate (all of them, before any write);
 * confirm (the operator types each drive's serial, or --yes); make the result directory.
 * Only then does one worker per target start writing. The library does the work; this file
 * parses, asks, shows progress and writes the results.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "certify.h"
#include "progress.h"
#include "wipe-report.h"

struct wipe_control {
	const char *method;
	unsigned passes;
	enum ws_verify_mode verify;
	unsigned sample_percent;
	bool dry_run;
	bool yes;
	bool json;
	const char *cert_dir;
	bool cert_dir_given, method_given, verify_given, percent_given;
	unsigned io_threads;
	unsigned firmware_timeout_s;
	unsigned poll_interval_ms;
	bool keep_hidden;
	struct certify cert;
};

static atomic_bool cancel_requested;
static volatile sig_atomic_t dump_requested;

static void on_stop(int sig)
{
	(void)sig;
	atomic_store(&cancel_requested, true);
}

static void on_usr1(int sig)
{
	(void)sig;
	dump_requested = 1;
}

static int usage(void)
{
	fputs("Usage: wipeseal wipe [OPTIONS] TARGET...\n\n"
	      "Overwrite every byte of each TARGET (whole-disk devices or image files, wiped in\n"
	      "parallel), flush, read back, probe for leftover signatures, and write a result\n"
	      "per target into the result directory.\n\n"
	      "  -m, --method M          clear (default), zero, one, random, pattern:HEX,\n"
	      "                          dod-3pass; purge (the drive's strongest Purge), or\n"
	      "                          nvme-sanitize-{crypto,block,overwrite,exit-failure},\n"
	      "                          nvme-format-{crypto,user-data},\n"
	      "                          ata-sanitize-{crypto,block,overwrite},\n"
	      "                          ata-secure-erase[-enhanced],\n"
	      "                          scsi-sanitize-{crypto,block,overwrite}\n"
	      "  -n, --passes N          repeat the method's passes N times (default 1)\n"
	      "  -V, --verify MODE       full, sample (default) or none\n"
	      "  -p, --sample-percent P  share of the capacity a sample reads (default 10)\n"
	      "      --dry-run           everything up to the first write; print the plan\n"
	      "  -y, --yes               confirm without asking (scripts)\n"
	      "  -j, --json              JSON lines: progress events and the results\n"
	      "  -d, --cert-dir DIR      where results go (default ./certificates)\n"
	      "      --io-threads N      requests in flight per target (default 4)\n"
	      "      --firmware-timeout S  give up on a firmware erase after S seconds\n"
	      "                          (default: 3x the drive's estimate, at least 10 min)\n"
	      "      --poll-interval MS  how often a firmware erase is polled (default 1000)\n"
	      "      --keep-hidden-areas leave an ATA host protected area hidden (and not\n"
	      "                          erased; the certificate says so)\n"
	      "  -h, --help              show this help\n\n" CERTIFY_USAGE
	      "\nWithout --yes, the operator types each drive's serial number (or the path of a\n"
	      "loop device or image) to confirm. See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

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

static int parse_options(struct cli *cli, struct wipe_control *ctl, int argc, char **argv)
{
	enum {
		OPT_DRY_RUN = 256,
		OPT_IO_THREADS,
		OPT_FIRMWARE_TIMEOUT,
		OPT_POLL_INTERVAL,
		OPT_KEEP_HIDDEN
	};
	static const struct option opts[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "passes", required_argument, NULL, 'n' },
		{ "verify", required_argument, NULL, 'V' },
		{ "sample-percent", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ "cert-dir", required_argument, NULL, 'd' },
		{ "io-threads", required_argument, NULL, OPT_IO_THREADS },
		{ "firmware-timeout", required_argument, NULL, OPT_FIRMWARE_TIMEOUT },
		{ "poll-interval", required_argument, NULL, OPT_POLL_INTERVAL },
		{ "keep-hidden-areas", no_argument, NULL, OPT_KEEP_HIDDEN },
		{ "help", no_argument, NULL, 'h' },
		CERTIFY_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "m:n:V:p:yjd:h", opts, NULL)) != -1) {
		if (certify_option(&ctl->cert, c, optarg))
			continue;
		switch (c) {
		case 'm':
			ctl->method = optarg;
			ctl->method_given = true;
			break;
		case 'n':
			if (!parse_uint(optarg, 1, 99, &ctl->passes)) {
				cli_err(cli, "--passes takes a number from 1 to 99, not '%s'",
				        optarg);
				return cli_bad_usage(cli);
			}
			break;
		case 'V':
			ctl->verify_given = true;
			if (strcmp(optarg, "full") == 0)
				ctl->verify = WS_VERIFY_FULL;
			else if (strcmp(optarg, "sample") == 0)
				ctl->verify = WS_VERIFY_SAMPLE;
			else if (strcmp(optarg, "none") == 0)
				ctl->verify = WS_VERIFY_NONE;
			else {
				cli_err(cli, "--verify takes full, sample or none, not '%s'",
				        optarg);
				return cli_bad_usage(cli);
			}
			break;
		case 'p':
			ctl->percent_given = true;
			if (!parse_uint(optarg, 1, 100, &ctl->sample_percent)) {
				cli_err(cli, "--sample-percent takes 1 to 100, not '%s'", optarg);
				return cli_bad_usage(cli);
			}
			break;
		case OPT_DRY_RUN:
			ctl->dry_run = true;
			break;
		case 'y':
			ctl->yes = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'd':
			ctl->cert_dir = optarg;
			ctl->cert_dir_given = true;
			break;
		case OPT_IO_THREADS:
			if (!parse_uint(optarg, 1, 64, &ctl->io_threads)) {
				cli_err(cli, "--io-threads takes 1 to 64, not '%s'", optarg);
				return cli_bad_usage(cli);
			}
			break;
		case OPT_FIRMWARE_TIMEOUT:
			if (!parse_uint(optarg, 1, 7 * 24 * 3600, &ctl->firmware_timeout_s)) {
				cli_err(cli,
				        "--firmware-timeout takes seconds, 1 to 604800, not '%s'",
				        optarg);
				return cli_bad_usage(cli);
			}
			break;
		case OPT_KEEP_HIDDEN:
			ctl->keep_hidden = true;
			break;
		case OPT_POLL_INTERVAL:
			if (!parse_uint(optarg, 10, 60000, &ctl->poll_interval_ms)) {
				cli_err(cli,
				        "--poll-interval takes milliseconds, 10 to 60000, not '%s'",
				        optarg);
				return cli_bad_usage(cli);
			}
			break;
		case 'h':
			usage();
			return -1;
		default:
			return cli_bad_usage(cli);
		}
	}
	if (optind >= argc) {
		cli_err(cli, "no target named: name the devices or image files to wipe");
		return cli_bad_usage(cli);
	}
	return 0;
}

/* The same device or file named twice (by two paths) would be wiped by two workers. */
static bool named_twice(struct cli *cli, char **paths, int n)
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

/* Every target through the gate before anything is written to any of them. */
static int open_targets(struct cli *cli, struct wipe_control *ctl, char **paths, int n,
                        struct ws_target **targets)
{
	int code = WS_EXIT_OK;

	if (named_twice(cli, paths, n))
		return WS_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		char *why = NULL;
		int r = ws_gate_open(cli->ctx, paths[i], WS_GATE_NAMED | WS_GATE_WRITE, &targets[i],
		                     &why);

		if (r < 0) {
			cli_err(cli, "%s: %s%s", paths[i], r == -EPERM ? "refused: " : "",
			        why ? why : strerror(-r));
			if (r == -EPERM && !ctl->dry_run)
				certify_log_refusal(cli, &ctl->cert, paths[i], why);
			free(why);
			code = cli_worse(code, cli_exit_code(r));
		}
	}
	return code;
}

/* What each target will get, decided before anything is sent: "purge" becomes the
 * strongest technique the drive advertises; a technique it lacks is refused (exit 3); a
 * technique that reaches every namespace needs every namespace named. */
static int resolve_techniques(struct cli *cli, struct wipe_control *ctl, const struct ws_plan *plan,
                              struct ws_target **targets, size_t n)
{
	int code = WS_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		const struct ws_device *d = ws_target_device(targets[i]);
		enum ws_technique t;
		char *why = NULL;

		uint64_t native =
		    d->ata.native_sectors ? d->ata.native_sectors : d->ata.accessible_sectors;

		/* a DCO hides sectors no wipe here reaches (removing it is permanent): say so
		 * before, not after, unless the operator accepts it */
		if (d->ata.dco_sectors > native && !ctl->keep_hidden &&
		    asprintf(
		        &why,
		        "a DCO restriction hides %llu sectors that no wipe here can reach: remove "
		        "it (DCO RESTORE, permanent), or pass --keep-hidden-areas to wipe the rest "
		        "and have the certificate say so",
		        (unsigned long long)(d->ata.dco_sectors - native)) < 0)
			why = NULL;
		if (why || ws_technique_resolve(plan, d, &t, &why) < 0 ||
		    ws_gate_controller(cli->ctx, targets, n, i, t, &why) < 0) {
			cli_err(cli, "%s: refused: %s", d->path, why ? why : "not supported");
			if (!ctl->dry_run)
				certify_log_refusal(cli, &ctl->cert, d->path, why);
			free(why);
			code = WS_EXIT_REFUSED;
			continue;
		}
		if (plan->technique == WS_TECH_PURGE && !ctl->json)
			fprintf(stderr,
			        "wipeseal wipe: %s: purge: %s, the strongest Purge technique "
			        "it advertises\n",
			        d->path, ws_technique_name(t));
	}
	return code;
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

/* Make the result directory and prove it takes a file, before anything is erased: a
 * result that cannot be written after the wipe would be a wipe without a record. */
static int prepare_result_dir(const char *dir)
{
	char *probe = NULL;
	int fd, r = mkdir_p(dir);

	if (r < 0)
		return r;
	if (asprintf(&probe, "%s/.wipeseal-probe-XXXXXX", dir) < 0)
		return -ENOMEM;
	fd = mkstemp(probe);
	if (fd < 0) {
		r = -errno;
	} else {
		if (write(fd, "x", 1) != 1)
			r = errno ? -errno : -ENOSPC;
		close(fd);
		unlink(probe);
	}
	free(probe);
	return r;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
}

/* Start one wipe per target (ws_batch: a thread each, one start line), draw while they
 * run, wait for all. */
static int run_all(struct ws_batch_item *items, size_t n, struct progress *prog)
{
	struct ws_batch *batch = NULL;

	if (ws_batch_start(items, n, &batch) < 0)
		return -ENOMEM;
	while (ws_batch_wait(batch, 200) > 0) {
		progress_draw(prog);
		if (dump_requested) {
			dump_requested = 0;
			progress_dump(prog);
		}
	}
	ws_batch_free(batch);
	progress_draw(prog);
	progress_clear(prog);
	return 0;
}

/* A target's exit code: the library's judgement of its result (ws_result_exit_code()). */
static int exit_for_one(const struct ws_batch_item *it)
{
	return it->error ? WS_EXIT_FAILED : ws_result_exit_code(it->result);
}

static int exit_for(const struct ws_batch_item *w, size_t n)
{
	int code = WS_EXIT_OK;

	for (size_t i = 0; i < n; i++)
		code = cli_worse(code, exit_for_one(&w[i]));
	return code;
}

/* Certificates (or unsigned results) for every target that ran, in target order. */
static int file_results(struct cli *cli, struct wipe_control *ctl, const struct ws_batch_item *w,
                        struct ws_target **targets, size_t n, char **files)
{
	struct ws_result **res = calloc(n, sizeof(*res));
	const struct ws_device **devs = calloc(n, sizeof(*devs));
	int code = WS_EXIT_FAILED;

	if (res && devs) {
		for (size_t i = 0; i < n; i++) {
			res[i] = w[i].result;
			devs[i] = ws_target_device(targets[i]);
		}
		code = certify_results(cli, &ctl->cert, ctl->cert_dir, res, devs, n, files);
	}
	free(res);
	free(devs);
	return code;
}

static int run_wipe(struct cli *cli, struct wipe_control *ctl, const struct ws_plan *plan,
                    struct ws_target **targets, size_t n)
{
	struct ws_batch_item *w = calloc(n, sizeof(*w));
	struct progress_slot *slots = calloc(n, sizeof(*slots));
	char **files = calloc(n, sizeof(*files)), *password_log = NULL;
	struct progress prog;
	int code;

	if (!w || !slots || !files || progress_init(&prog, n, ctl->json) < 0) {
		free(w);
		free(slots);
		free(files);
		return WS_EXIT_FAILED;
	}
	/* where an ATA security erase puts its one-time password before setting it */
	if (asprintf(&password_log, "%s/security-passwords.log", ctl->cert_dir) < 0)
		password_log = NULL;
	for (size_t i = 0; i < n; i++) {
		slots[i] = (struct progress_slot){ &prog, i };
		w[i] =
		    (struct ws_batch_item){ .ctx = cli->ctx, .target = targets[i], .plan = plan };
		w[i].opts = (struct ws_wipe_opts){
			.progress = progress_report,
			.userdata = &slots[i], /* what progress_report reads */
			.cancel = &cancel_requested,
			.io_threads = ctl->io_threads,
			.firmware_timeout_s = ctl->firmware_timeout_s,
			.poll_interval_ms = ctl->poll_interval_ms,
			.password_log = password_log,
			.keep_hidden_areas = ctl->keep_hidden,
			.dry_run = ctl->dry_run,
		};
	}
	if (run_all(w, n, &prog) < 0) {
		cli_err(cli, "cannot start the wipes: out of memory");
		progress_fini(&prog);
		free(password_log);
		free(files);
		free(slots);
		free(w);
		return WS_EXIT_FAILED;
	}
	code = ctl->dry_run ? WS_EXIT_OK : file_results(cli, ctl, w, targets, n, files);
	for (size_t i = 0; i < n; i++) {
		if (!w[i].result) {
			cli_err(cli, "%s: the wipe could not start: %s",
			        ws_target_device(targets[i])->path, strerror(-w[i].error));
			continue;
		}
		if (ctl->dry_run) {
			print_plan(targets[i], plan, w[i].result, ctl->json);
			continue;
		}
		print_result(w[i].result, files[i], ctl->json);
		free(files[i]);
	}
	code = cli_worse(exit_for(w, n), code);
	for (size_t i = 0; i < n; i++)
		ws_result_free(w[i].result);
	progress_fini(&prog);
	free(password_log);
	free(files);
	free(slots);
	free(w);
	return code;
}

/* [wipe] method, verify and sample_percent from the config file, where no flag said. */
static int apply_config(struct cli *cli, struct wipe_control *ctl)
{
	const struct ws_config *cfg = ctl->cert.cfg;
	const char *v;

	if (!ctl->method_given && (v = ws_config_get(cfg, "wipe", "method")))
		ctl->method = v;
	if (!ctl->verify_given && (v = ws_config_get(cfg, "wipe", "verify"))) {
		if (strcmp(v, "full") == 0)
			ctl->verify = WS_VERIFY_FULL;
		else if (strcmp(v, "sample") == 0)
			ctl->verify = WS_VERIFY_SAMPLE;
		else if (strcmp(v, "none") == 0)
			ctl->verify = WS_VERIFY_NONE;
		else {
			cli_err(cli, "config: [wipe] verify = %s: use full, sample or none", v);
			return WS_EXIT_USAGE;
		}
	}
	if (!ctl->percent_given && (v = ws_config_get(cfg, "wipe", "sample_percent")) &&
	    !parse_uint(v, 1, 100, &ctl->sample_percent)) {
		cli_err(cli, "config: [wipe] sample_percent = %s: use 1 to 100", v);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

int cmd_wipe(struct cli *cli, int argc, char **argv)
{
	struct wipe_control ctl = {
		.method = "clear",
		.passes = 1,
		.verify = WS_VERIFY_SAMPLE,
		.sample_percent = 10,
		.cert_dir = "certificates",
	};
	struct ws_plan *plan = NULL;
	struct ws_target **targets;
	char *why = NULL;
	size_t n;
	int r, code;

	/* from the start: a signal during the gate or the prompt must not kill us unawares */
	install_signals();
	r = parse_options(cli, &ctl, argc, argv);
	if (r != 0)
		return r < 0 ? WS_EXIT_OK : r;
	code = certify_prepare(cli, &ctl.cert, &ctl.cert_dir, ctl.cert_dir_given);
	if (code == WS_EXIT_OK)
		code = apply_config(cli, &ctl);
	if (code != WS_EXIT_OK) {
		certify_fini(&ctl.cert);
		return code;
	}
	r = ws_plan_parse(ctl.method, ctl.passes, &plan, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		certify_fini(&ctl.cert);
		return cli_bad_usage(cli);
	}
	plan->verify = ctl.verify;
	plan->sample_percent = ctl.sample_percent;
	n = (size_t)(argc - optind);
	targets = calloc(n, sizeof(*targets));
	if (!targets) {
		ws_plan_free(plan);
		return WS_EXIT_FAILED;
	}
	code = open_targets(cli, &ctl, argv + optind, (int)n, targets);
	if (code == WS_EXIT_OK)
		code = resolve_techniques(cli, &ctl, plan, targets, n);
	if (code == WS_EXIT_OK && !ctl.dry_run) {
		code = cli_confirm(cli, targets, n, ctl.yes);
		for (size_t i = 0; code == WS_EXIT_REFUSED && i < n; i++)
			certify_log_refusal(cli, &ctl.cert, argv[optind + (int)i],
			                    "the operator did not confirm");
	}
	if (code == WS_EXIT_OK && !ctl.dry_run && (r = prepare_result_dir(ctl.cert_dir)) < 0) {
		cli_err(cli, "cannot write results into %s: %s; choose another with --cert-dir",
		        ctl.cert_dir, strerror(-r));
		code = WS_EXIT_USAGE;
	}
	if (code == WS_EXIT_OK)
		code = run_wipe(cli, &ctl, plan, targets, n);
	for (size_t i = 0; i < n; i++)
		ws_target_free(targets[i]);
	free(targets);
	certify_fini(&ctl.cert);
	ws_plan_free(plan);
	return code;
}
