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
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "wipe-report.h"
#include "wipe-setup.h"

struct wipe_control {
	bool yes;
	bool json;
	struct wipe_setup setup; /* what the station shares: method, verify, certificate */
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
	      "per target into the result directory.\n\n" WIPE_SETUP_USAGE
	      "      --dry-run           everything up to the first write; print the plan\n"
	      "  -y, --yes               confirm without asking (scripts)\n"
	      "  -j, --json              JSON lines: progress events and the results\n"
	      "  -h, --help              show this help\n\n" CERTIFY_USAGE
	      "\nWithout --yes, the operator types each drive's serial number (or the path of a\n"
	      "loop device or image) to confirm. See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

static int parse_options(struct cli *cli, struct wipe_control *ctl, int argc, char **argv)
{
	enum { OPT_DRY_RUN = 256 };
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		WIPE_SETUP_OPTIONS,
		{ 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, WIPE_SETUP_SHORT "yjh", opts, NULL)) != -1) {
		r = wipe_setup_option(cli, &ctl->setup, c, optarg);
		if (r == 1)
			continue;
		if (r != 0)
			return r;
		switch (c) {
		case OPT_DRY_RUN:
			ctl->setup.dry_run = true;
			break;
		case 'y':
			ctl->yes = true;
			break;
		case 'j':
			ctl->json = true;
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

/* Every target through the gate before anything is written to any of them. */
static int open_targets(struct cli *cli, struct wipe_control *ctl, char **paths, int n,
                        struct ws_target **targets)
{
	int code = WS_EXIT_OK;

	if (wipe_setup_named_twice(cli, paths, n))
		return WS_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		char *why = NULL;
		int r = wipe_setup_open(cli, &ctl->setup, paths[i], &targets[i], &why);

		if (r < 0) {
			cli_err(cli, "%s: %s%s", paths[i], r == -EPERM ? "refused: " : "",
			        why ? why : strerror(-r));
			free(why);
			code = cli_worse(code, cli_exit_code(r));
		}
	}
	return code;
}

/* What each target will get, decided before anything is sent (wipe_setup_resolve()). */
static int resolve_techniques(struct cli *cli, struct wipe_control *ctl, struct ws_target **targets,
                              size_t n)
{
	int code = WS_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		const struct ws_device *d = ws_target_device(targets[i]);
		enum ws_technique t;
		char *why = NULL;

		if (wipe_setup_resolve(cli, &ctl->setup, targets, n, i, &t, &why) != WS_EXIT_OK) {
			cli_err(cli, "%s: refused: %s", d->path, why ? why : "not supported");
			free(why);
			code = WS_EXIT_REFUSED;
			continue;
		}
		if (ctl->setup.plan->technique == WS_TECH_PURGE && !ctl->json)
			cli_err(cli, "%s: purge: %s, the strongest Purge technique it advertises",
			        d->path, ws_technique_name(t));
	}
	return code;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a dropped SSH session, or the reader of --json gone: like SIGTERM, the wipe stops
	 * and is certified ABORTED (writes to the pipe then fail with EPIPE, harmlessly) */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
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

static void print_all(struct cli *cli, struct wipe_control *ctl, const struct ws_batch_item *w,
                      size_t n, char **files)
{
	for (size_t i = 0; i < n; i++) {
		if (!w[i].result) {
			cli_err(cli, "%s: the wipe could not start: %s",
			        ws_target_device(w[i].target)->path, strerror(-w[i].error));
			continue;
		}
		if (ctl->setup.dry_run)
			print_plan(w[i].target, ctl->setup.plan, w[i].result, ctl->json);
		else
			print_result(w[i].result, files[i], ctl->json);
	}
}

static int run_wipe(struct cli *cli, struct wipe_control *ctl, struct ws_target **targets, size_t n)
{
	struct ws_batch_item *w = calloc(n, sizeof(*w));
	struct progress_slot *slots = calloc(n, sizeof(*slots));
	char **files = calloc(n, sizeof(*files));
	struct progress prog;
	int code = WS_EXIT_FAILED;

	if (!w || !slots || !files || progress_init(&prog, n, ctl->json) < 0) {
		free(w);
		free(slots);
		free(files);
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		slots[i] = (struct progress_slot){ &prog, i };
		wipe_setup_item(cli, &ctl->setup, &w[i], targets[i], progress_report, &slots[i],
		                &cancel_requested);
	}
	if (run_all(w, n, &prog) < 0) {
		cli_err(cli, "cannot start the wipes: out of memory");
	} else {
		code = ctl->setup.dry_run ? WS_EXIT_OK
		                          : wipe_setup_file(cli, &ctl->setup, w, n, files);
		print_all(cli, ctl, w, n, files);
		for (size_t i = 0; i < n; i++)
			code = cli_worse(code, wipe_setup_exit_code(&w[i]));
	}
	for (size_t i = 0; i < n; i++) {
		ws_result_free(w[i].result);
		free(files[i]);
	}
	progress_fini(&prog);
	free(files);
	free(slots);
	free(w);
	return code;
}

int cmd_wipe(struct cli *cli, int argc, char **argv)
{
	struct wipe_control ctl = { .setup = WIPE_SETUP_INIT };
	struct ws_target **targets;
	size_t n;
	int r, code;

	/* from the start: a signal during the gate or the prompt must not kill us unawares */
	install_signals();
	r = parse_options(cli, &ctl, argc, argv);
	if (r != 0)
		return r < 0 ? WS_EXIT_OK : r;
	code = wipe_setup_prepare(cli, &ctl.setup);
	if (code != WS_EXIT_OK) {
		wipe_setup_fini(&ctl.setup);
		return code;
	}
	n = (size_t)(argc - optind);
	targets = calloc(n, sizeof(*targets));
	if (!targets) {
		wipe_setup_fini(&ctl.setup);
		return WS_EXIT_FAILED;
	}
	code = open_targets(cli, &ctl, argv + optind, (int)n, targets);
	if (code == WS_EXIT_OK)
		code = resolve_techniques(cli, &ctl, targets, n);
	if (code == WS_EXIT_OK && !ctl.setup.dry_run) {
		code = cli_confirm(cli, targets, n, ctl.yes);
		for (size_t i = 0; code == WS_EXIT_REFUSED && i < n; i++)
			certify_log_refusal(cli, &ctl.setup.cert, argv[optind + (int)i],
			                    "the operator did not confirm");
	}
	if (code == WS_EXIT_OK && !ctl.setup.dry_run &&
	    (r = wipe_setup_result_dir(&ctl.setup, targets, n)) < 0) {
		cli_err(cli, "cannot write results into %s: %s%s; choose another with --cert-dir",
		        ctl.setup.cert_dir, strerror(-r),
		        r == -ENOSPC ? " (no room for the certificates)" : "");
		code = WS_EXIT_USAGE;
	}
	if (code == WS_EXIT_OK && !ctl.setup.dry_run)
		code = wipe_setup_started(cli, &ctl.setup, targets, n);
	if (code == WS_EXIT_OK)
		code = run_wipe(cli, &ctl, targets, n);
	for (size_t i = 0; i < n; i++)
		ws_target_free(targets[i]);
	free(targets);
	wipe_setup_fini(&ctl.setup);
	return code;
}
