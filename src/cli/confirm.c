/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confirm.c - the operator's confirmation before anything is erased.
 *
 * On a terminal the operator types, for each target, its serial number (or its path, for
 * loop devices, image files and drives that report no serial): a token they must read off
 * the drive list, so that muscle memory cannot confirm the wrong disk. --yes confirms for
 * scripts. Without a terminal and without --yes we refuse: nobody is there to ask.
 *
 * The token is shown as cli_printable() makes it, and the operator types what is shown: a
 * serial with a control character in it can be neither shown nor typed raw.
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
		const char *raw = ws_device_confirm_token(d);
		char size[16];
		char *model = cli_printable(d->model), *serial = cli_printable(d->serial),
		     *path = cli_printable(d->path), *token = cli_printable(raw);
		bool match;

		fprintf(stderr, "\nAbout to ERASE %s: %s, %s, model %s, serial %s\n", path,
		        cli_size(d->size_bytes, size, sizeof(size)), d->transport, model, serial);
		fprintf(stderr, "Everything on it will be destroyed. Type %s to confirm: ",
		        raw == d->serial ? "its serial number" : "its path");
		fflush(stderr);
		free(model);
		free(serial);
		free(path);
		if (!fgets(line, sizeof(line), stdin)) {
			free(token);
			cli_err(cli, "refused: no confirmation given");
			return WS_EXIT_REFUSED;
		}
		line[strcspn(line, "\r\n")] = '\0';
		match = strcmp(line, token) == 0;
		free(token);
		if (!match) {
			cli_err(cli, "refused: '%s' does not match %s", line, d->path);
			return WS_EXIT_REFUSED;
		}
	}
	return WS_EXIT_OK;
}
