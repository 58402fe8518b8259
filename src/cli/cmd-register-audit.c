/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-audit.c - `wipeseal register audit --ca FILE`: the register checked against
 * itself (ws_register_audit(): every stored signature verified again, each station's series
 * and audit chain walked for gaps); one line per finding, as the workers find them, then a
 * summary line. Exit 0 when nothing is missing or broken, 1 when something is.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/cert.h>

#include "register-query.h"

static int usage(void)
{
	fputs(
	    "Usage: wipeseal register audit --ca FILE [--station SUBJECT] [--jobs N] [OPTIONS]\n\n"
	    "Verify every certificate the register holds again, on its stored bytes, against\n"
	    "the CA; check each row against its bytes, each station's series of certificates\n"
	    "and each audit log's chain; list what is missing or broken.\n\n"
	    "  --ca FILE             the CA certificates (PEM file or directory) to trust\n"
	    "  --station SUBJECT     only this station's records\n"
	    "  -j, --jobs N          verifying threads (default: the online CPUs)\n",
	    stdout);
	fputs(REGISTER_OPTS_HELP, stdout);
	fputs("  -h, --help            show this help\n\n"
	      "Each finding is one line: KIND STATION ID: what. Exit status: 0 clean,\n"
	      "1 problems found (or the register failed), 2 usage. See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

struct audit_ctl {
	struct regq q;
	const char *ca;
	unsigned jobs;
};

static void finding(void *userdata, enum ws_register_problem kind, const char *station,
                    const char *id, const char *text)
{
	char *s = cli_printable(station), *i = cli_printable(id), *t = cli_printable(text);

	(void)userdata;
	printf("%-9s %s %s: %s\n", ws_register_problem_name(kind), s, i, t);
	fflush(stdout);
	free(s);
	free(i);
	free(t);
}

static int parse(struct audit_ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		REGISTER_LONG_OPTIONS,
		{ "ca", required_argument, NULL, 'c' },
		{ "station", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		r = regq_option(&ctl->q, c, optarg, false);
		if (r != 0)
			continue;
		switch (c) {
		case 'c':
			ctl->ca = optarg;
			break;
		case 's':
			ctl->q.filter.station = optarg;
			break;
		case 'j':
			errno = 0;
			ctl->jobs = (unsigned)strtoul(optarg, &end, 10);
			if (errno || !end || *end || ctl->jobs < 1 || ctl->jobs > 64) {
				cli_err(ctl->q.cli, "--jobs takes a number from 1 to 64");
				return WS_EXIT_USAGE;
			}
			break;
		case 'h':
			usage();
			return -1;
		default:
			return cli_bad_usage(ctl->q.cli);
		}
	}
	if (!ctl->ca || optind < argc) {
		cli_err(ctl->q.cli, "%s; see --help",
		        ctl->ca ? "unexpected argument" : "--ca FILE is required: the CA to trust");
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

int cmd_register_audit(struct cli *cli, int argc, char **argv)
{
	struct audit_ctl ctl = { .q.cli = cli };
	struct ws_register_audit_opts o = { 0 };
	struct ws_register_audit_summary sum = { 0 };
	struct ws_trust *trust = NULL;
	char *reason = NULL;
	int r = parse(&ctl, argc, argv);

	if (r != WS_EXIT_OK)
		return r < 0 ? WS_EXIT_OK : r;
	r = ws_trust_load(ctl.ca, &trust, &reason);
	if (r < 0)
		return regq_fail(&ctl.q, -EINVAL, reason, "cannot load the CA");
	r = regq_connect(&ctl.q);
	if (r == WS_EXIT_OK) {
		o.station = ctl.q.filter.station;
		o.jobs = ctl.jobs;
		r = ws_register_audit(ctl.q.reg, trust, &o, finding, &ctl, &sum, &reason);
		if (r < 0) {
			r = regq_fail(&ctl.q, r, reason, "the audit failed");
		} else {
			printf(
			    "audit: %zu certificates (%zu verified), %zu audit logs (%zu lines): "
			    "%zu problems, %zu notes\n",
			    sum.certificates, sum.verified, sum.logs, sum.lines, sum.problems,
			    sum.notes);
			r = sum.problems ? WS_EXIT_FAILED : WS_EXIT_OK;
		}
	}
	ws_trust_free(trust);
	regq_done(&ctl.q);
	return r;
}
