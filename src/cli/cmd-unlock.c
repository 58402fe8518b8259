/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-unlock.c - `wipeseal unlock DEVICE --password HEX`: give back a SATA drive that an
 * interrupted security erase left locked (a power cut between SET PASSWORD and the end of
 * ERASE UNIT). The password is the one the erase recorded, before setting it, in
 * CERT_DIR/security-passwords.log. The drive goes through the safety gate like any target.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"

static int usage(void)
{
	fputs("Usage: wipeseal unlock DEVICE --password HEX\n\n"
	      "Unlock a SATA drive left locked by an interrupted security erase, and disable its\n"
	      "password. HEX is the 64-digit password the erase recorded in\n"
	      "CERT_DIR/security-passwords.log. Then wipe the drive again.\n\n"
	      "  -P, --password HEX   the recorded user password\n"
	      "  -h, --help           show this help\n\nSee wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

static bool parse_password(const char *hex, uint8_t *out)
{
	if (!hex || strlen(hex) != 2 * WS_ATA_PASSWORD_LEN)
		return false;
	for (size_t i = 0; i < WS_ATA_PASSWORD_LEN; i++) {
		char pair[3] = { hex[2 * i], hex[2 * i + 1], 0 }, *end;
		unsigned long v = strtoul(pair, &end, 16);

		if (*end)
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

int cmd_unlock(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint8_t pw[WS_ATA_PASSWORD_LEN];
	const char *hex = NULL;
	struct ws_target *t = NULL;
	char *why = NULL;
	int c, r, status = 0;

	while ((c = getopt_long(argc, argv, "P:h", opts, NULL)) != -1) {
		if (c == 'P')
			hex = optarg;
		else if (c == 'h')
			return usage();
		else
			return cli_bad_usage(cli);
	}
	if (optind + 1 != argc) {
		cli_err(cli, "name exactly one device");
		return cli_bad_usage(cli);
	}
	if (!parse_password(hex, pw)) {
		cli_err(cli,
		        "--password takes the 64 hex digits recorded in security-passwords.log");
		return cli_bad_usage(cli);
	}
	r = ws_gate_open(cli->ctx, argv[optind], WS_GATE_NAMED | WS_GATE_WRITE, &t, &why);
	if (r < 0) {
		cli_err(cli, "%s: %s%s", argv[optind], r == -EPERM ? "refused: " : "",
		        why ? why : strerror(-r));
		free(why);
		OPENSSL_cleanse(pw, sizeof(pw));
		return cli_exit_code(r);
	}
	r = ws_ata_unlock(t, pw, &status);
	OPENSSL_cleanse(pw, sizeof(pw));
	ws_target_free(t);
	if (r < 0) {
		cli_err(cli, "%s: the drive refused (%s, ATA error 0x%x): check the password",
		        argv[optind], strerror(-r), status);
		return WS_EXIT_FAILED;
	}
	{
		char *name = cli_printable(argv[optind]);

		printf("%s: unlocked, password disabled: wipe it again\n", name);
		free(name);
	}
	return WS_EXIT_OK;
}
