/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confirm.c - the operator's confirmation before anything is erased.
 *
 * On a terminal the operator types, for each target, its serial number (or its path, for
 * loop devices, image files and drives that report no serial): a token they must read off
 * the drive list, so that muscle memory cannot confirm the wrong disk. --yes confirms for
 * scripts. Without a terminal and without --yes we refuse: nobody is there to ask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_confirm(struct cli *cli, struct ws_target **targets, size_t n, bool yes)
{
	char line[512];

	if (yes)
		return WS_EXIT_OK;
	if (!isatty(STDIN_FILENO)) {
		cli_err(cli, "refused: no terminal to confirm on; pass --yes to confirm from a "
		             "script");
		return WS_EXIT_REFUSED;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ws_device *d = ws_target_device(targets[i]);
		const char *token = ws_device_confirm_token(d);
		char size[16];
		char *model = cli_printable(d->model), *serial = cli_printable(d->serial);

		fprintf(stderr, "\nAbout to ERASE %s: %s, %s, model %s, serial %s\n", d->path,
		        cli_size(d->size_bytes, size, sizeof(size)), d->transport, model, serial);
		fprintf(stderr, "Everything on it will be destroyed. Type %s to confirm: ",
		        token == d->serial ? "its serial number" : "its path");
		fflush(stderr);
		free(model);
		free(serial);
		if (!fgets(line, sizeof(line), stdin)) {
			cli_err(cli, "refused: no confirmation given");
			return WS_EXIT_REFUSED;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, token) != 0) {
			char *typed = cli_printable(line);

			cli_err(cli, "refused: '%s' does not match %s", typed, d->path);
			free(typed);
			return WS_EXIT_REFUSED;
		}
	}
	return WS_EXIT_OK;
}
