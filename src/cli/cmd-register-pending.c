/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-pending.c - `wipeseal register push --pending DIR [--ca FILE] [connection
 * options]`: send what waits in DIR's register queue (DIR/.register-queue, written by the
 * station or by `wipe` while the register could not be reached), oldest first.
 *
 * One line per file (stored, duplicate, conflict, refused, unreachable), then a summary.
 * What the register holds leaves the queue; what it refused is set aside in
 * DIR/.register-queue/held with a .reason file and never resent silently. The library does
 * the work (ws_register_push_pending()); this file parses, connects and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/register.h>

#include "cli.h"
#include "register-opts.h"

struct pending_control {
	const char *dir; /* --pending DIR */
	const char *ca;  /* --ca: what is sent is verified against it */
	struct register_opts reg;
	struct ws_trust *trust;
};

static int usage(void)
{
	fputs("Usage: wipeseal register push --pending DIR [--ca FILE] [OPTIONS]\n\n"
	      "Send what waits in DIR's register queue (DIR/" WS_REGISTER_QUEUE_DIR "), oldest\n"
	      "first, each file verified as `wipeseal verify` does before it is sent. What the\n"
	      "register holds leaves the queue; what it refuses (a conflict, or a file that does\n"
	      "not verify) is set aside in DIR/" WS_REGISTER_QUEUE_DIR "/held with its reason.\n\n"
	      "      --pending DIR       the result directory whose queue is sent\n"
	      "  -c, --ca FILE           the CA the certificates must chain to (default\n"
	      "                          [register] verify_ca)\n" REGISTER_OPTS_HELP
	      "  -h, --help              show this help\n\n"
	      "Exit 0 when the queue is empty after, 1 when files are held, 6 when the register\n"
	      "cannot be reached (the queue waits). See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

static int parse_options(struct cli *cli, struct pending_control *p, int argc, char **argv)
{
	enum { O_PENDING = 0x5500 };
	static const struct option opts[] = {
		{ "pending", required_argument, NULL, O_PENDING },
		{ "ca", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		REGISTER_LONG_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (register_opts_parse(&p->reg, c, optarg))
			continue;
		if (c == O_PENDING) {
			p->dir = optarg;
		} else if (c == 'c') {
			p->ca = optarg;
		} else if (c == 'h') {
			usage();
			return -1;
		} else {
			return cli_bad_usage(cli);
		}
	}
	if (!p->dir || optind < argc) {
		cli_err(cli, "%s",
		        p->dir ? "--pending takes one directory and no files"
		               : "name the result directory with --pending DIR");
		return WS_EXIT_USAGE;
	}
	return 0;
}

/* The config (flags win), and the CA what is sent is verified against. */
static int prepare(struct cli *cli, struct pending_control *p)
{
	char *why = NULL;
	int r, code = register_opts_config(cli, &p->reg);

	if (code != WS_EXIT_OK)
		return code;
	if (!p->ca && !(p->ca = ws_config_get(p->reg.cfg, "register", "verify_ca"))) {
		cli_err(cli,
		        "no CA to verify against: give --ca FILE (or set [register] verify_ca)");
		return WS_EXIT_USAGE;
	}
	r = ws_trust_load(p->ca, &p->trust, &why);
	if (r < 0) {
		cli_err(cli, "--ca %s: %s", p->ca, why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	return WS_EXIT_OK;
}

static const char *status_name(enum ws_push_status s)
{
	static const char *const names[] = {
		[WS_PUSH_STORED] = "stored",           [WS_PUSH_DUPLICATE] = "duplicate",
		[WS_PUSH_CONFLICT] = "conflict",       [WS_PUSH_REFUSED] = "refused",
		[WS_PUSH_UNREACHABLE] = "unreachable",
	};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* One line per file, as `register push` says it. */
static void on_file(void *userdata, const char *path, const struct ws_push_outcome *o)
{
	char *name = cli_printable(path), *why = cli_printable(o->reason),
	     *id = cli_printable(o->id);

	(void)userdata;
	if (o->status == WS_PUSH_STORED || o->status == WS_PUSH_DUPLICATE) {
		if (o->kind == WS_PUSH_AUDIT_LOG)
			printf("%s %s (audit log of %s: %u lines stored)\n", status_name(o->status),
			       name, id, o->lines);
		else
			printf("%s %s (%s %s)\n", status_name(o->status), name,
			       o->kind == WS_PUSH_CERTIFICATE ? "certificate" : "record", id);
	} else {
		printf("%s %s: %s%s\n", status_name(o->status), name, why,
		       o->status == WS_PUSH_UNREACHABLE ? ""
		                                        : "; held in " WS_REGISTER_QUEUE_DIR
		                                          "/held");
	}
	free(name);
	free(why);
	free(id);
}

static int send_queue(struct cli *cli, struct pending_control *p)
{
	struct ws_register *reg = NULL;
	struct ws_pending_summary s = { 0 };
	struct ws_verify_opts vo = { 0 };
	size_t held = 0;
	int r, code = register_opts_connect(cli, &p->reg, &reg);

	if (code != WS_EXIT_OK)
		return code; /* said; the queue waits */
	r = ws_register_push_pending(reg, p->trust, &vo, p->dir, on_file, NULL, &s);
	ws_register_close(reg);
	if (r < 0) {
		cli_err(cli, "%s/%s: %s", p->dir, WS_REGISTER_QUEUE_DIR, strerror(-r));
		return WS_EXIT_FAILED;
	}
	(void)ws_register_queue_held(p->dir, &held);
	printf("%zu stored, %zu already there, %zu held, %zu waiting\n", s.stored, s.duplicate,
	       held, s.left);
	if (s.left)
		return WS_EXIT_OFFLINE;
	return held ? WS_EXIT_FAILED : WS_EXIT_OK;
}

int cmd_register_push_pending(struct cli *cli, int argc, char **argv)
{
	struct pending_control p = { 0 };
	int code = parse_options(cli, &p, argc, argv);

	if (code == 0)
		code = prepare(cli, &p);
	if (code == WS_EXIT_OK)
		code = send_queue(cli, &p);
	ws_trust_free(p.trust);
	register_opts_free(&p.reg);
	return code < 0 ? WS_EXIT_OK : code;
}
