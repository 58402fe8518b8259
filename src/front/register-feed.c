/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * register-feed.c - the [register] settings of a front end that files, and the one bounded
 * try it makes after filing (register-feed.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "register-feed.h"

int register_feed_prepare(struct cli *cli, const struct ws_config *cfg, struct register_feed *f)
{
	const char *ca, *retry;
	char *why = NULL;
	int r;

	memset(f, 0, sizeof(*f));
	ws_register_conn_from_config(&f->conn, cfg);
	if (!f->conn.url || !f->conn.url[0])
		return WS_EXIT_OK;
	ca = ws_config_get(cfg, "register", "verify_ca");
	if (!ca) {
		cli_err(cli, "[register] url is set but verify_ca is not: set it to the CA the "
		             "certificates are verified against before they are sent");
		return WS_EXIT_USAGE;
	}
	r = ws_trust_load(ca, &f->trust, &why);
	if (r < 0) {
		cli_err(cli, "[register] verify_ca: %s", why ? why : strerror(-r));
		free(why);
		return WS_EXIT_USAGE;
	}
	retry = ws_config_get(cfg, "register", "retry");
	if (retry && !ws_config_seconds(retry, &f->retry_s)) {
		cli_err(cli, "[register] retry: '%s' is not a length of time (60, 60s, 5m)", retry);
		return WS_EXIT_USAGE;
	}
	f->on = true;
	return WS_EXIT_OK;
}

void register_feed_describe(size_t left, size_t held, const char *why, char *buf, size_t len)
{
	if (left == 0 && held == 0)
		snprintf(buf, len, "stored all");
	else if (left == 0)
		snprintf(buf, len, "%zu held (conflict or refused: see %s/held)", held,
		         WS_REGISTER_QUEUE_DIR);
	else
		snprintf(buf, len, "%zu waiting%s%s%s", left, held ? ", some held" : "",
		         why ? ": " : "", why ? why : "");
}

void register_feed_try(struct cli *cli, const struct register_feed *f, const char *dir)
{
	struct ws_pending_summary s = { 0 };
	size_t held = 0;
	char *why = NULL;
	int r;

	if (!f->on)
		return;
	r = ws_register_try_once(&f->conn, f->trust, &f->vo, dir, REGISTER_FEED_TRY_S, &s, &why);
	(void)ws_register_queue_held(dir, &held);
	if (r < 0 && !why)
		why = strdup(strerror(-r));
	if (s.left == 0 && s.conflict == 0 && s.refused == 0)
		cli_err(cli, "register: stored (%zu new, %zu already there)", s.stored,
		        s.duplicate);
	else if (s.left == 0)
		cli_err(cli,
		        "register: %zu held in %s/%s/held (%s): look at its .reason; nothing "
		        "is resent without a person",
		        s.conflict + s.refused, dir, WS_REGISTER_QUEUE_DIR,
		        why ? why : "conflict or refused");
	else
		cli_err(cli,
		        "register: %zu waiting in the queue (%s): wipeseal register push --pending "
		        "%s sends them",
		        s.left, why ? why : "not sent", dir);
	free(why);
}

/* @dir among the directories to try, once. */
static void remember_dir(struct register_feed *f, const char *dir)
{
	char **grown;

	for (size_t i = 0; i < f->n_dirs; i++)
		if (strcmp(f->dirs[i], dir) == 0)
			return;
	grown = realloc(f->dirs, (f->n_dirs + 1) * sizeof(*grown));
	if (!grown)
		return;
	f->dirs = grown;
	if ((f->dirs[f->n_dirs] = strdup(dir)))
		f->n_dirs++;
}

void register_feed_queue(struct cli *cli, struct register_feed *f, const char *file,
                         const char *audit_log)
{
	char *dir = NULL, *slash, *why = NULL;
	int r;

	if (!f->on)
		return;
	dir = strdup(file);
	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	r = ws_register_queue_add(dir, file, &why);
	if (r == 0 && audit_log && access(audit_log, F_OK) == 0)
		r = ws_register_queue_add(dir, audit_log, &why);
	if (r < 0)
		cli_err(cli, "register: %s", why ? why : strerror(-r));
	else
		remember_dir(f, dir);
	free(why);
	free(dir);
}

void register_feed_flush(struct cli *cli, struct register_feed *f)
{
	for (size_t i = 0; i < f->n_dirs; i++)
		register_feed_try(cli, f, f->dirs[i]);
}

void register_feed_fini(struct register_feed *f)
{
	for (size_t i = 0; i < f->n_dirs; i++)
		free(f->dirs[i]);
	free(f->dirs);
	f->dirs = NULL;
	f->n_dirs = 0;
	f->sender = ws_register_sender_stop(f->sender, 0, NULL);
	f->trust = ws_trust_free(f->trust);
	f->on = false;
}
