/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pgserver.h - a real PostgreSQL server for a Check suite: tests/pg/pg-server.sh, wrapped.
 *
 * pgserver_start() runs in the suite's parent process (main(), before the tests): it makes a
 * fresh directory under /tmp, starts the server there (TLS from a test CA, 127.0.0.1 only, a
 * random port, client-certificate authentication) and stops it again at exit of that process
 * (not of Check's forked test children), so a failing test leaves no server running.
 * When PostgreSQL's binaries are missing it prints "SKIP: why" and exits 77 (CTest's skip
 * code); any other failure stops the suite with the script's message.
 */
#ifndef WS_PGSERVER_H
#define WS_PGSERVER_H

struct pgserver {
	char *dir;        /* the server's directory (WS_PG_DIR) */
	int port;         /* 127.0.0.1:port (WS_PG_PORT) */
	char *ca;         /* the test CA the server's certificate chains to (WS_PG_CA) */
	char *owner_url;  /* wipeseal_owner over TCP, sslmode=verify-full (WS_PG_OWNER_URL) */
	char *socket_url; /* wipeseal_owner over the local socket (WS_PG_SOCKET_URL) */
	char *super_url;  /* the superuser `postgres` over the socket (WS_PG_SUPER_URL): for
	                   * what only a test may do (disable a trigger, backdate a row) */
};

/* Start a server (see above); the result lives until pgserver_stop(). */
struct pgserver *pgserver_start(void);

/* A client certificate with CN @role (DIR/tls/@role.crt, .key); return a verify-full URI
 * logging in as @role (malloc'd). The role itself is not created. */
char *pgserver_client(const struct pgserver *s, const char *role);

/* Stop the server and keep its directory: the register is gone (pgserver_restart() again). */
void pgserver_halt(const struct pgserver *s);

/* (Re)start the server on the same port. */
void pgserver_restart(const struct pgserver *s);

/* Stop the server, remove its directory, free @s. NULL-safe; safe after the atexit hook. */
void pgserver_stop(struct pgserver *s);

/* Run @sql (one or more statements) with psql at @url; return psql's exit status, its
 * output (stdout and stderr, unaligned, tuples only) in @out when not NULL. */
int pgserver_psql(char **out, const char *url, const char *sql);

#endif
