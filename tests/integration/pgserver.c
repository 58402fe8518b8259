/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pgserver.c - the PostgreSQL test server of the Check suites (see pgserver.h): every step is
 * tests/pg/pg-server.sh, so the suites and the shell tests share one way to make it.
 */
#include "pgserver.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define PG_SCRIPT WS_SOURCE_DIR "/tests/pg/pg-server.sh"

/* The server the atexit hook stops, and the process allowed to stop it. */
static struct pgserver *running;
static pid_t starter;

static void stop_at_exit(void)
{
	if (running && getpid() == starter)
		pgserver_stop(running);
}

/* The value of @key in the env file's text @env ("KEY=value" or "KEY='value'"), malloc'd. */
static char *env_value(const char *env, const char *key)
{
	size_t klen = strlen(key), n;
	const char *p = env;

	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		p += klen + 1;
		n = strcspn(p, "\n");
		if (n >= 2 && p[0] == '\'' && p[n - 1] == '\'')
			return strndup(p + 1, n - 2);
		return strndup(p, n);
	}
	test_require(0, "pg-server.sh wrote no %s", key);
	return NULL;
}

static char *read_text(const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "re");
	ssize_t n;

	test_require(f != NULL, "%s: %s", path, strerror(errno));
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	test_require(n >= 0, "%s: empty", path);
	return buf;
}

struct pgserver *pgserver_start(void)
{
	struct pgserver *s = calloc(1, sizeof(*s));
	char *dir, *out = NULL, *env, *port, *end;
	int rc;

	test_require(s != NULL, "out of memory");
	dir = test_tmpdir("pg");
	rc = test_sh(&out, "'%s' start '%s'", PG_SCRIPT, dir);
	if (rc == TEST_SKIP) {
		printf("SKIP: %s", out);
		(void)rmdir(dir);
		exit(TEST_SKIP);
	}
	test_require(rc == 0, "pg-server.sh start failed (%d): %s", rc, out);
	free(out);
	env = read_text(test_fmt("%s/env", dir));
	s->dir = env_value(env, "WS_PG_DIR");
	port = env_value(env, "WS_PG_PORT");
	s->port = (int)strtol(port, &end, 10);
	test_require(*end == '\0' && s->port > 0, "bad WS_PG_PORT %s", port);
	s->ca = env_value(env, "WS_PG_CA");
	s->owner_url = env_value(env, "WS_PG_OWNER_URL");
	s->socket_url = env_value(env, "WS_PG_SOCKET_URL");
	s->super_url = env_value(env, "WS_PG_SUPER_URL");
	free(port);
	free(env);
	free(dir);
	if (!running) {
		running = s;
		starter = getpid();
		atexit(stop_at_exit);
	}
	return s;
}

char *pgserver_client(const struct pgserver *s, const char *role)
{
	char *out = NULL;
	int rc = test_sh(&out, "'%s' client '%s' '%s' 2>/dev/null", PG_SCRIPT, s->dir, role);

	test_require(rc == 0, "pg-server.sh client %s failed (%d): %s", role, rc, out);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

void pgserver_halt(const struct pgserver *s)
{
	char *out = NULL;
	int rc = test_sh(&out, "'%s' halt '%s'", PG_SCRIPT, s->dir);

	test_require(rc == 0, "pg-server.sh halt failed (%d): %s", rc, out);
	free(out);
}

void pgserver_restart(const struct pgserver *s)
{
	char *out = NULL;
	int rc = test_sh(&out, "'%s' restart '%s'", PG_SCRIPT, s->dir);

	test_require(rc == 0, "pg-server.sh restart failed (%d): %s", rc, out);
	free(out);
}

void pgserver_stop(struct pgserver *s)
{
	char *out = NULL;
	int rc;

	if (!s)
		return;
	if (running == s)
		running = NULL;
	rc = test_sh(&out, "'%s' stop '%s'", PG_SCRIPT, s->dir);
	if (rc != 0)
		fprintf(stderr, "pg-server.sh stop %s failed (%d): %s\n", s->dir, rc, out);
	free(out);
	free(s->dir);
	free(s->ca);
	free(s->owner_url);
	free(s->socket_url);
	free(s->super_url);
	free(s);
}

int pgserver_psql(char **out, const char *url, const char *sql)
{
	char *file = test_fmt("%s", "/tmp/wstest-sql-XXXXXX");
	int fd = mkstemp(file), rc;
	size_t len = strlen(sql);

	test_require(fd >= 0, "mkstemp: %s", strerror(errno));
	test_require(write(fd, sql, len) == (ssize_t)len, "write: %s", strerror(errno));
	close(fd);
	rc = test_sh(out, "psql -X -q -A -t -v ON_ERROR_STOP=1 '%s' -f '%s'", url, file);
	unlink(file);
	free(file);
	return rc;
}
