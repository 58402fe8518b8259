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
#include "operator-login.h"
#include "progress.h"
#include "wipe-report.h"
#include "wipe-setup.h"

struct wipe_control {
	bool yes;
	bool json;
	const char *operator_card; /* --operator-card: the operator's own card (pkcs11: URI) */
	struct wipe_setup setup;   /* what the station shares: method, verify, certificate */
	struct ws_job *job;        /* the targets, the rules, the wipes (wipeseal/job.h) */
	struct progress prog;
	struct progress_slot *slots; /* one per target, for its progress */
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
	      "Erase each TARGET (whole-disk devices or image files, wiped in parallel) by the\n"
	      "--method given: overwrite every block (Clear), or the drive's own firmware erase\n"
	      "(Sanitize, Format NVM, SECURITY ERASE: Purge); read back, probe for leftover\n"
	      "signatures, and write a certificate per target (signed unless --unsigned).\n"
	      "\n" WIPE_SETUP_USAGE
	      "      --operator-card URI the operator's own card (pkcs11: URI; else [operators]\n"
	      "                          card): their certificate names them, their key signs\n"
	      "                          beside the station's; the PIN from [operators]\n"
	      "                          pin_file, else asked on the terminal\n"
	      "      --psid-file FILE    opal-psid-revert: the PSID from the drive's label, in\n"
	      "                          FILE (else asked on the terminal, echo off)\n"
	      "      --sid-file FILE     opal-revert: the SID password, in FILE (else asked)\n"
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
	enum { OPT_DRY_RUN = 256, OPT_OPERATOR_CARD, OPT_PSID_FILE, OPT_SID_FILE, OPT_SECRET };
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "operator-card", required_argument, NULL, OPT_OPERATOR_CARD },
		{ "psid-file", required_argument, NULL, OPT_PSID_FILE },
		{ "sid-file", required_argument, NULL, OPT_SID_FILE },
		/* refused: a secret on the command line is in every user's process list */
		{ "psid", optional_argument, NULL, OPT_SECRET },
		{ "sid", optional_argument, NULL, OPT_SECRET },
		{ "password", optional_argument, NULL, OPT_SECRET },
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
		case OPT_OPERATOR_CARD:
			ctl->operator_card = optarg;
			break;
		case OPT_PSID_FILE:
			ctl->setup.psid_file = optarg;
			break;
		case OPT_SID_FILE:
			ctl->setup.sid_file = optarg;
			break;
		case OPT_SECRET:
			cli_err(cli,
			        "a PSID or password is never taken from the command line (every "
			        "user sees it in the process list): use --psid-file FILE or "
			        "--sid-file FILE, or let wipeseal ask on the terminal");
			return WS_EXIT_USAGE;
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

/* Every target through the gate (ws_job_add()) before anything is written to any of them. */
static int open_targets(struct cli *cli, struct wipe_control *ctl, char **paths, int n)
{
	int code = WS_EXIT_OK;

	if (wipe_setup_named_twice(cli, paths, n))
		return WS_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		const struct ws_job_refusal *refusal;
		size_t k;
		int r = ws_job_add(ctl->job,
		                   &(struct ws_job_target){
		                       .path = paths[i],
		                       .gate_flags = WS_GATE_NAMED | WS_GATE_WRITE,
		                       .progress = progress_report,
		                       .userdata = &ctl->slots[i],
		                       .cancel = &cancel_requested,
		                   },
		                   &k);

		if (r == -ENOMEM)
			return WS_EXIT_FAILED;
		if (r < 0) {
			refusal = ws_job_refusal(ctl->job, k);
			wipe_setup_audit_error(cli, ctl->job, k);
			cli_err(cli, "%s: %s%s", paths[i], r == -EPERM ? "refused: " : "",
			        refusal->reason ? refusal->reason : strerror(-r));
			code = cli_worse(code, cli_exit_code(r));
		}
	}
	return code;
}

/* purge-or-clear: which the drive gets and why, the library's sentence (fallback.c). */
static void say_fallback(struct cli *cli, const struct ws_device *d, enum ws_technique t)
{
	char *why = ws_technique_fallback(WS_TECH_PURGE_OR_CLEAR, d, t);

	cli_err(cli, "%s: %s", d->path, why ? why : ws_technique_name(t));
	free(why);
}

/* What each target will get, decided before anything is sent (ws_job_check()): one refusal
 * refuses the whole batch. */
static int resolve_techniques(struct cli *cli, struct wipe_control *ctl)
{
	int code = WS_EXIT_OK;

	(void)ws_job_check(ctl->job);
	for (size_t i = 0; i < ws_job_count(ctl->job); i++) {
		const struct ws_device *d = ws_target_device(ws_job_target(ctl->job, i));
		const struct ws_job_refusal *refusal = ws_job_refusal(ctl->job, i);

		if (refusal) {
			wipe_setup_audit_error(cli, ctl->job, i);
			cli_err(cli, "%s: refused: %s", d->path,
			        refusal->reason ? refusal->reason : "not supported");
			code = WS_EXIT_REFUSED;
			continue;
		}
		if (ctl->setup.plan->technique == WS_TECH_PURGE && !ctl->json)
			cli_err(cli, "%s: purge: %s, the strongest Purge technique it advertises",
			        d->path, ws_technique_name(ws_job_technique(ctl->job, i)));
		if (ctl->setup.plan->technique == WS_TECH_PURGE_OR_CLEAR && !ctl->json)
			say_fallback(cli, d, ws_job_technique(ctl->job, i));
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

/* Start one wipe per target (a thread each, one start line), draw while they run, wait
 * for all. */
static int run_all(struct ws_job *job, struct progress *prog)
{
	int r = ws_job_start(job);

	if (r < 0)
		return r;
	while (ws_job_wait(job, 200) > 0) {
		progress_draw(prog);
		if (dump_requested) {
			dump_requested = 0;
			progress_dump(prog);
		}
	}
	progress_draw(prog);
	progress_clear(prog);
	return 0;
}

static void print_all(struct cli *cli, struct wipe_control *ctl, char **files)
{
	for (size_t i = 0; i < ws_job_count(ctl->job); i++) {
		struct ws_target *t = ws_job_target(ctl->job, i);
		int error = 0;
		const struct ws_result *res = ws_job_result(ctl->job, i, &error);

		if (!res) {
			cli_err(cli, "%s: the wipe could not start: %s", ws_target_device(t)->path,
			        strerror(-error));
			continue;
		}
		if (ctl->setup.dry_run)
			print_plan(t, ctl->setup.plan, res, ctl->json);
		else
			print_result(res, files[i], ctl->json);
	}
}

static int run_wipe(struct cli *cli, struct wipe_control *ctl, size_t n)
{
	char **files = calloc(n, sizeof(*files));
	size_t *idx = calloc(n, sizeof(*idx));
	int code = WS_EXIT_FAILED;

	if (!files || !idx) {
		free(files);
		free(idx);
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (run_all(ctl->job, &ctl->prog) < 0) {
		if (ws_job_start_error(ctl->job)) { /* no STARTED lines: nothing was written */
			certify_start_error(cli, ctl->job);
			code = WS_EXIT_USAGE;
		} else {
			cli_err(cli, "cannot start the wipes: out of memory");
		}
	} else {
		code = ctl->setup.dry_run
		           ? WS_EXIT_OK
		           : wipe_setup_file(cli, &ctl->setup, ctl->job, idx, n, files);
		print_all(cli, ctl, files);
		if (!ctl->setup.dry_run) /* the wipe's status does not depend on the register */
			register_feed_try(cli, &ctl->setup.reg, wipe_setup_queue_dir(&ctl->setup));
		for (size_t i = 0; i < n; i++)
			code = cli_worse(code, wipe_setup_exit_code(ctl->job, i));
	}
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(idx);
	return code;
}

/* Confirmed by the operator (or refused: each target's refusal audited), the result
 * directory made, the lines kept from an earlier unwritable log flushed. */
static int before_first_write(struct cli *cli, struct wipe_control *ctl, struct ws_target **t,
                              size_t n)
{
	int code, r;

	if (ctl->setup.dry_run)
		return WS_EXIT_OK;
	code = cli_confirm(cli, t, n, ctl->yes);
	for (size_t i = 0; code == WS_EXIT_REFUSED && i < n; i++) {
		ws_job_refuse(ctl->job, i, "the operator did not confirm");
		wipe_setup_audit_error(cli, ctl->job, i);
	}
	if (code == WS_EXIT_OK && (r = wipe_setup_result_dir(&ctl->setup, t, n)) < 0) {
		cli_err(cli, "cannot write results into %s: %s%s; choose another with --cert-dir",
		        ctl->setup.cert_dir, strerror(-r),
		        r == -ENOSPC ? " (no room for the certificates)" : "");
		code = WS_EXIT_USAGE;
	}
	if (code == WS_EXIT_OK) /* then ws_job_start() writes the STARTED lines */
		wipe_setup_flush_kept(cli, &ctl->setup);
	return code;
}

/* From the gate to the certificates, for @n targets. */
static int wipe_targets(struct cli *cli, struct wipe_control *ctl, char **paths, size_t n)
{
	struct ws_target **t = calloc(n, sizeof(*t));
	int code = WS_EXIT_FAILED;

	ctl->slots = calloc(n, sizeof(*ctl->slots));
	if (!t || !ctl->slots || progress_init(&ctl->prog, n, ctl->json) < 0) {
		free(t);
		free(ctl->slots);
		return WS_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		ctl->slots[i] = (struct progress_slot){ &ctl->prog, i };
	if (wipe_setup_job(cli, &ctl->setup, &ctl->job) == 0) {
		code = open_targets(cli, ctl, paths, (int)n);
		if (code == WS_EXIT_OK)
			code = resolve_techniques(cli, ctl);
		if (code == WS_EXIT_OK && wipe_setup_targets(ctl->job, t) == n)
			code = before_first_write(cli, ctl, t, n);
		if (code == WS_EXIT_OK)
			code = run_wipe(cli, ctl, n);
	}
	ctl->job = ws_job_free(ctl->job);
	progress_fini(&ctl->prog);
	free(ctl->slots);
	free(t);
	return code;
}

int cmd_wipe(struct cli *cli, int argc, char **argv)
{
	struct wipe_control ctl = { .setup = WIPE_SETUP_INIT };
	int r, code;

	/* from the start: a signal during the gate or the prompt must not kill us unawares */
	install_signals();
	r = parse_options(cli, &ctl, argc, argv);
	if (r != 0)
		return r < 0 ? WS_EXIT_OK : r;
	code = wipe_setup_prepare(cli, &ctl.setup);
	if (code == WS_EXIT_OK) /* a TCG revert's secret, asked before anything else happens */
		code = opal_secret_read(cli, &ctl.setup, argv + optind, (size_t)(argc - optind));
	if (code == WS_EXIT_OK) /* the card before the gate: a refused login writes nothing */
		code = operator_login(cli, &ctl.setup.cert, ctl.operator_card, false,
		                      !ctl.setup.dry_run && !ctl.setup.cert.unsigned_results);
	if (code == WS_EXIT_OK)
		code = wipe_targets(cli, &ctl, argv + optind, (size_t)(argc - optind));
	wipe_setup_fini(&ctl.setup);
	return code;
}
