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

struct pending_control {
	const char *dir;         /* --pending DIR */
	const char *ca;          /* --ca: what is sent is verified against it */
	const char *config_path; /* --config */
	struct ws_register_conn conn;
	struct ws_config *cfg;
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
	      "      --ca FILE           the CA the certificates must chain to (default\n"
	      "                          [register] verify_ca)\n"
	      "      --register URL      libpq connection string or URI (default [register] url)\n"
	      "      --register-ca FILE  the CA of the register's server certificate\n"
	      "      --register-cert FILE, --register-key FILE  this client's certificate, key\n"
	      "      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"
	      "  -h, --help              show this help\n\n"
	      "Exit 0 when the queue is empty after, 1 when files are held, 6 when the register\n"
	      "cannot be reached (the queue waits). See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

static int parse_options(struct cli *cli, struct pending_control *p, int argc, char **argv)
{
	enum { O_PENDING = 256, O_CA, O_URL, O_RCA, O_RCERT, O_RKEY, O_CONFIG };
	static const struct option opts[] = {
		{ "pending", required_argument, NULL, O_PENDING },
		{ "ca", required_argument, NULL, O_CA },
		{ "register", required_argument, NULL, O_URL },
		{ "register-ca", required_argument, NULL, O_RCA },
		{ "register-cert", required_argument, NULL, O_RCERT },
		{ "register-key", required_argument, NULL, O_RKEY },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char **slot[] = {
		[O_PENDING - O_PENDING] = &p->dir,        [O_CA - O_PENDING] = &p->ca,
		[O_URL - O_PENDING] = &p->conn.url,       [O_RCA - O_PENDING] = &p->conn.ca,
		[O_RCERT - O_PENDING] = &p->conn.cert,    [O_RKEY - O_PENDING] = &p->conn.key,
		[O_CONFIG - O_PENDING] = &p->config_path,
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c >= O_PENDING && c <= O_CONFIG) {
			*slot[c - O_PENDING] = optarg;
			continue;
		}
		if (c == 'h') {
			usage();
			return -1;
		}
		return cli_bad_usage(cli);
	}
	if (!p->dir || optind < argc) {
		cli_err(cli, "%s",
		        p->dir ? "--pending takes one directory and no files"
		               : "name the result directory with --pending DIR");
		return cli_bad_usage(cli);
	}
	return 0;
}

/* The config (flags win), and the CA what is sent is verified against. */
static int prepare(struct cli *cli, struct pending_control *p)
{
	char *why = NULL;
	int r = ws_config_load(p->config_path ? p->config_path : WS_CONFIG_DEFAULT, &p->cfg, &why);

	if (r == -ENOENT && !p->config_path)
		r = ws_config_new(&p->cfg);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	ws_register_conn_from_config(&p->conn, p->cfg);
	if (!p->conn.url) {
		cli_err(cli, "no register named: pass --register URL or set [register] url");
		return WS_EXIT_USAGE;
	}
	if (!p->ca && !(p->ca = ws_config_get(p->cfg, "register", "verify_ca"))) {
		cli_err(cli, "no CA to verify against: pass --ca FILE or set [register] verify_ca");
		return WS_EXIT_USAGE;
	}
	r = ws_trust_load(p->ca, &p->trust, &why);
	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
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

/* One line per file. */
static void on_file(void *userdata, const char *path, const struct ws_push_outcome *o)
{
	char *name = cli_printable(path), *why = o->reason ? cli_printable(o->reason) : NULL;

	(void)userdata;
	printf("%s: %s", name, status_name(o->status));
	if (o->kind == WS_PUSH_AUDIT_LOG && o->status == WS_PUSH_STORED)
		printf(" (%u line%s)", o->lines, o->lines == 1 ? "" : "s");
	if (why)
		printf(": %s", why);
	if (o->status == WS_PUSH_CONFLICT || o->status == WS_PUSH_REFUSED)
		printf("; held in " WS_REGISTER_QUEUE_DIR "/held");
	putchar('\n');
	free(name);
	free(why);
}

static int send_queue(struct cli *cli, struct pending_control *p)
{
	struct ws_register *reg = NULL;
	struct ws_pending_summary s = { 0 };
	struct ws_verify_opts vo = { 0 };
	size_t held = 0;
	char *why = NULL;
	int r = ws_register_connect(&p->conn, &reg, &why);

	if (r < 0) {
		cli_err(cli, "%s; the queue in %s waits", why ? why : strerror(-r), p->dir);
		free(why);
		return r == -EINVAL ? WS_EXIT_USAGE : WS_EXIT_UNREACHABLE;
	}
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
		return WS_EXIT_UNREACHABLE;
	return held ? WS_EXIT_FAILED : WS_EXIT_OK;
}

int cmd_register_push_pending(struct cli *cli, int argc, char **argv)
{
	struct pending_control p = { 0 };
	int code = parse_options(cli, &p, argc, argv);

	if (code != 0)
		return code < 0 ? WS_EXIT_OK : code;
	code = prepare(cli, &p);
	if (code == WS_EXIT_OK)
		code = send_queue(cli, &p);
	ws_trust_free(p.trust);
	ws_config_free(p.cfg);
	return code;
}
