/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * front.h - what every front end shares: the handle a command runs with, messages on
 * stderr, exit codes, and formatting for a terminal.
 *
 * src/front/ sits between the library and the front ends: the library (src/lib, never
 * prints), then this layer (messages, progress, the wipe report, the options and setup
 * `wipe` and the station share, filing certificates), then src/cli/ and src/tui/, which
 * include this layer and never each other (cmd-station.c reaches the station through
 * tui.h, the one header of the tui target).
 */
#ifndef WS_FRONT_H
#define WS_FRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <wipeseal/wipeseal.h>

/* What every command (a subcommand, the station) gets. */
struct cli {
	struct ws_ctx *ctx;
	const char *cmd; /* the subcommand's name, for messages */
	int verbose;
};

/* cli-util.c */

/* One line on stderr: "wipeseal CMD: message", non-printable bytes shown as '?'. */
void cli_err(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one line for an option getopt rejected; returns WS_EXIT_USAGE. */
int cli_bad_usage(const struct cli *cli);
/* The configuration file @path, else the default one (WS_CONFIG_DEFAULT), into *ret: when
 * none was named and the default does not exist, an empty one (the flags alone). One line on
 * stderr when it cannot be read or parsed. Return: WS_EXIT_OK or WS_EXIT_USAGE. */
int cli_config_load(const struct cli *cli, const char *path, struct ws_config **ret);
/* Of two exit codes for several targets, the one that matters more. */
int cli_worse(int a, int b);
/* Exit code for a negative errno from the library. */
int cli_exit_code(int r);
/* What a wipe's outcome means as a WS_EXIT_* code, the same for `wipeseal wipe` and the
 * station: a write that failed or never finished is FAILED; data found on read-back after a
 * complete erase is DATA_FOUND; a dry run is OK. @res: the result, or NULL when the wipe
 * could not start (FAILED). */
int cli_result_exit_code(const struct ws_result *res);
/* What a negative errno about a named target means, for one line of output. */
const char *cli_strerror(int r);
/* Human size, like lsblk: "7.5G". */
const char *cli_size(uint64_t bytes, char *buf, size_t len);
/* Copy of @s with non-printable bytes replaced by '?', for terminal output; "-" for NULL.
 * The one escaper of the CLI: whatever the system or a file supplied (a mount point, a file
 * name, a serial) goes through it before it reaches a terminal. */
char *cli_printable(const char *s);
/* The same, in place. */
void cli_make_printable(char *s);
/* CLOCK_MONOTONIC in nanoseconds: for rates and redraw intervals. */
int64_t cli_now_ns(void);
/* Library log messages to stderr. */
void cli_log(void *userdata, enum ws_log_level level, const char *msg);

#endif
