/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what the subcommands of the wipeseal CLI share.
 *
 * The CLI is thin: it parses options into a per-command control struct, calls the library,
 * prints, and maps results to the exit codes of <wipeseal/exit.h>. One file per subcommand.
 */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <wipeseal/wipeseal.h>

/* What every subcommand gets. */
struct cli {
	struct ws_ctx *ctx;
	const char *cmd; /* the subcommand's name, for messages */
	int verbose;
};

typedef int (*cli_cmd_fn)(struct cli *cli, int argc, char **argv);

int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_wipe(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_unlock(struct cli *cli, int argc, char **argv);
int cmd_unfreeze(struct cli *cli, int argc, char **argv);
int cmd_station(struct cli *cli, int argc, char **argv);
int cmd_config(struct cli *cli, int argc, char **argv);

/* confirm.c: ask the operator to confirm each target (see there). Return: an exit code. */
int cli_confirm(struct cli *cli, struct ws_target **targets, size_t n, bool yes);

/* cli-util.c */

/* One line on stderr: "wipeseal CMD: message", non-printable bytes shown as '?'. */
void cli_err(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one line for an option getopt rejected; returns WS_EXIT_USAGE. */
int cli_bad_usage(const struct cli *cli);
/* Of two exit codes for several targets, the one that matters more. */
int cli_worse(int a, int b);
/* Exit code for a negative errno from the library. */
int cli_exit_code(int r);
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
