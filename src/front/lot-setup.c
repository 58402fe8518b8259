/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lot-setup.c - the lot of `wipe` and the station (see lot-setup.h): the library decides
 * what a lot is and where it is filed (wipeseal/lot.h); this file takes the options and
 * points the certificates at it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lot-setup.h"
#include "wipe-setup.h"

int lot_setup_option(struct lot_setup *l, int opt, const char *arg)
{
	switch (opt) {
	case OPT_CUSTOMER:
		l->args.customer = arg;
		return 1;
	case OPT_JOB:
		l->args.number = arg;
		return 1;
	case OPT_BATCH:
		l->args.batch = arg;
		return 1;
	default:
		return 0;
	}
}

int lot_setup_use(struct wipe_setup *ws, struct ws_lot *lot)
{
	struct lot_setup *l = &ws->lot;
	char *dir = NULL;

	if (!l->base)
		l->base = ws->cert_dir;
	if (lot && ws_lot_dir(lot, l->base, &dir) < 0) {
		ws_lot_free(lot);
		return -ENOMEM;
	}
	ws_lot_free(l->lot);
	free(l->dir);
	l->lot = lot;
	l->dir = dir;
	ws->cert.info.lot = lot;
	ws->cert_dir = dir ? dir : l->base;
	return 0;
}

int lot_setup_prepare(struct cli *cli, struct wipe_setup *ws)
{
	struct lot_setup *l = &ws->lot;
	struct ws_lot *lot = NULL;
	char *why = NULL;
	int r = ws_lot_from_config(ws->cert.cfg, &l->args, &lot, &l->customers, &why);

	if (r < 0) {
		cli_err(cli, "%s", why ? why : strerror(-r));
		free(why);
		return r == -ENOMEM ? WS_EXIT_FAILED : WS_EXIT_USAGE;
	}
	if (lot_setup_use(ws, lot) < 0)
		return WS_EXIT_FAILED;
	return WS_EXIT_OK;
}

void lot_setup_fini(struct lot_setup *l)
{
	l->lot = ws_lot_free(l->lot);
	l->customers = ws_customers_free(l->customers);
	free(l->dir);
	l->dir = NULL;
}
