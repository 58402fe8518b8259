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

#include "front.h"

typedef int (*cli_cmd_fn)(struct cli *cli, int argc, char **argv);

int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_stick(struct cli *cli, int argc, char **argv);
int cmd_wipe(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_unlock(struct cli *cli, int argc, char **argv);
int cmd_unfreeze(struct cli *cli, int argc, char **argv);
int cmd_station(struct cli *cli, int argc, char **argv);
int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_cosign(struct cli *cli, int argc, char **argv);
int cmd_pdf(struct cli *cli, int argc, char **argv);
int cmd_labels(struct cli *cli, int argc, char **argv);
int cmd_timestamp(struct cli *cli, int argc, char **argv);
int cmd_reverify(struct cli *cli, int argc, char **argv);
int cmd_validate(struct cli *cli, int argc, char **argv);
int cmd_destroyed(struct cli *cli, int argc, char **argv);
int cmd_find(struct cli *cli, int argc, char **argv);
int cmd_batch_report(struct cli *cli, int argc, char **argv);
/* `wipeseal register VERB`: cmd-register.c dispatches to cmd-register-VERB.c */
int cmd_register(struct cli *cli, int argc, char **argv);
int cmd_register_init(struct cli *cli, int argc, char **argv);
int cmd_register_push(struct cli *cli, int argc, char **argv);
int cmd_register_find(struct cli *cli, int argc, char **argv);
int cmd_register_export(struct cli *cli, int argc, char **argv);
int cmd_register_audit(struct cli *cli, int argc, char **argv);
int cmd_register_stats(struct cli *cli, int argc, char **argv);
/* `register push --pending DIR`: @argv from the verb on (cmd-register-pending.c). */
int cmd_register_push_pending(struct cli *cli, int argc, char **argv);

/* confirm.c: ask the operator to confirm each target (see there). Return: an exit code. */
int cli_confirm(struct cli *cli, struct ws_target **targets, size_t n, bool yes);

#endif
