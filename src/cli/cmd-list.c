/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-list.c - `wipeseal list [--json] [--all] [TARGET...]`: the drives, what is on them, and
 * whether the safety gate would let them be wiped. BAY is the drive's physical path, shortened
 * (ws_device_bay()); a frozen drive says so in STATE, with the remedy.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct list_control {
	bool json;
	bool all;
};

static int usage(void)
{
	fputs("Usage: wipeseal list [--json] [--all] [TARGET...]\n\n"
	      "Describe whole-disk block devices (or the named devices and image files):\n"
	      "identity, size, transport, what is on them, and whether they may be wiped.\n\n"
	      "  -a, --all    also list loop and other virtual devices, and ineligible ones\n"
	      "  -j, --json   one JSON document: {\"devices\": [...]} (see docs/json.md)\n"
	      "  -h, --help   show this help\n\n"
	      "See wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

/* "gpt: ext4, vfat" / "ext4" / "-" */
static char *contents_summary(const struct ws_device *d)
{
	char buf[256] = "";
	size_t len = 0;

	if (d->pt_type)
		len += (size_t)snprintf(buf, sizeof(buf), "%s:", d->pt_type);
	if (d->fs.type && len < sizeof(buf))
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
		                        d->fs.type);
	for (size_t i = 0; i < d->n_partitions && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : " ",
		                        d->partitions[i].fs.type ? d->partitions[i].fs.type : "?");
	if (d->probe_error && len < sizeof(buf))
		(void)snprintf(buf + len, sizeof(buf) - len, "%s(unreadable)", len ? " " : "");
	return cli_printable(buf[0] ? buf : NULL);
}

static char *state_summary(const struct ws_device *d)
{
	char buf[512];
	size_t len;

	if (d->eligible && ws_device_frozen(d)) {
		/* eligible: it may be overwritten; its firmware erases wait for the remedy */
		snprintf(buf, sizeof(buf), "eligible; frozen: %s", ws_device_frozen(d));
		return cli_printable(buf);
	}
	if (d->eligible)
		return cli_printable("eligible");
	len = (size_t)snprintf(buf, sizeof(buf), "ineligible:");
	for (size_t i = 0; i < d->ineligible_reasons.n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %s", i ? ";" : "",
		                        d->ineligible_reasons.v[i]);
	return cli_printable(buf);
}

/* "nvme", or with what stands before the medium: "scsi, logical volume (megaraid_sas)". */
static char *transport_cell(const struct ws_device *d)
{
	char ctrl[96], buf[160];

	if (!*ws_controller_describe(d, ctrl, sizeof(ctrl)))
		return cli_printable(d->transport);
	snprintf(buf, sizeof(buf), "%s, %s", d->transport, ctrl);
	return cli_printable(buf);
}

enum {
	COL_PATH,
	COL_BAY,
	COL_SIZE,
	COL_TRAN,
	COL_MODEL,
	COL_SERIAL,
	COL_CONTENTS,
	COL_STATE,
	NCOLS
};

/* Sizes align right like lsblk's; the last column is not padded. */
static void print_cell(int c, size_t width, const char *text)
{
	if (c == NCOLS - 1)
		printf("%s\n", text);
	else if (c == COL_SIZE)
		printf("%*s ", (int)width, text);
	else
		printf("%-*s ", (int)width, text);
}

/* An eMMC is one drive: its boot partitions and RPMB on a line under it. */
static void print_mmc_areas(const struct ws_device *d)
{
	char size[16];

	if (!d->mmc.present || (!d->mmc.n_boot && !d->mmc.rpmb_size_bytes))
		return;
	printf("  areas:");
	for (size_t b = 0; b < d->mmc.n_boot; b++)
		printf("%s %s %s", b ? "," : "", d->mmc.boot[b].name,
		       cli_size(d->mmc.boot[b].size_bytes, size, sizeof(size)));
	if (d->mmc.n_boot)
		printf(" (erased with it)");
	if (d->mmc.rpmb_size_bytes)
		printf("%s rpmb %s (no host command erases it)", d->mmc.n_boot ? ";" : "",
		       cli_size(d->mmc.rpmb_size_bytes, size, sizeof(size)));
	printf("\n");
}

static void print_table(const struct ws_device_list *list)
{
	static const char *const head[NCOLS] = { "PATH",  "BAY",    "SIZE",     "TRAN",
		                                 "MODEL", "SERIAL", "CONTENTS", "STATE" };
	size_t n = ws_device_list_count(list);
	char *(*cell)[NCOLS] = calloc(n ? n : 1, sizeof(*cell));
	size_t width[NCOLS];

	if (!cell)
		abort();
	for (int c = 0; c < NCOLS; c++)
		width[c] = strlen(head[c]);
	for (size_t i = 0; i < n; i++) {
		const struct ws_device *d = ws_device_list_get(list, i);
		char size[16], bay[128];

		cell[i][COL_PATH] = cli_printable(d->path);
		cell[i][COL_BAY] = cli_printable(ws_device_bay(d, bay, sizeof(bay)));
		cell[i][COL_SIZE] = cli_printable(cli_size(d->size_bytes, size, sizeof(size)));
		cell[i][COL_TRAN] = transport_cell(d);
		cell[i][COL_MODEL] = cli_printable(d->model);
		cell[i][COL_SERIAL] = cli_printable(d->serial);
		cell[i][COL_CONTENTS] = contents_summary(d);
		cell[i][COL_STATE] = state_summary(d);
		for (int c = 0; c < NCOLS; c++)
			if (strlen(cell[i][c]) > width[c])
				width[c] = strlen(cell[i][c]);
	}
	for (int c = 0; c < NCOLS; c++)
		print_cell(c, width[c], head[c]);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < NCOLS; c++) {
			print_cell(c, width[c], cell[i][c]);
			free(cell[i][c]);
		}
		print_mmc_areas(ws_device_list_get(list, i));
	}
	free(cell);
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct list_control ctl = { 0 };
	struct ws_device_list *list = NULL;
	int c, r, code = WS_EXIT_OK;

	while ((c = getopt_long(argc, argv, "ajh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ctl.all = true;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			return usage();
		default:
			return cli_bad_usage(cli);
		}
	}
	if (ws_device_list_new(&list) < 0)
		return WS_EXIT_FAILED;
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			r = ws_device_list_add_path(cli->ctx, list, argv[i]);
			if (r < 0) {
				cli_err(cli, "%s: %s", argv[i], cli_strerror(r));
				code = cli_exit_code(r);
			}
		}
	} else {
		r = ws_device_list_scan(cli->ctx, list, ctl.all ? WS_SCAN_ALL : 0);
		if (r < 0) {
			cli_err(cli, "cannot enumerate block devices: %s", strerror(-r));
			ws_device_list_free(list);
			return WS_EXIT_FAILED;
		}
	}
	if (ctl.json) {
		char *text = NULL;

		if (ws_device_list_to_json(list, 1, &text) < 0) {
			ws_device_list_free(list);
			return WS_EXIT_FAILED;
		}
		puts(text);
		free(text);
	} else if (ws_device_list_count(list) > 0 || optind >= argc) {
		print_table(list);
	}
	ws_device_list_free(list);
	return code;
}
