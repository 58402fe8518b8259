/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-register-stub.c - TEMPORARY: dispatches `wipeseal register VERB` to the auditors' verbs
 * until h-reg's cmd-register.c lands (removed at the merge).
 */
#include <string.h>

#include "register-query.h"

int cmd_register(struct cli *cli, int argc, char **argv);

int cmd_register(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		cli_cmd_fn fn;
	} verbs[] = {
		{ "find", cmd_register_find },
		{ "export", cmd_register_export },
		{ "audit", cmd_register_audit },
		{ "stats", cmd_register_stats },
	};

	for (size_t i = 0; argc > 1 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(cli, argc - 1, argv + 1);
	cli_err(cli, "say which: find, export, audit or stats");
	return WS_EXIT_USAGE;
}
