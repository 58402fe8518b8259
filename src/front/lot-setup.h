/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lot-setup.h - the customer, job and batch (wipeseal/lot.h) of `wipeseal wipe` and the
 * station: --customer, --job, --batch (else [lot] customer, job, batch), checked with the
 * other options before anything is written; then every certificate records them and is
 * filed in the lot's folder under the certificate directory.
 */
#ifndef WS_FRONT_LOT_SETUP_H
#define WS_FRONT_LOT_SETUP_H

#include "front.h"

struct wipe_setup;

enum {
	OPT_CUSTOMER = 700,
	OPT_JOB,
	OPT_BATCH,
};

#define LOT_OPTIONS                                            \
	{ "customer", required_argument, NULL, OPT_CUSTOMER }, \
	    { "job", required_argument, NULL, OPT_JOB },       \
	{                                                      \
		"batch", required_argument, NULL, OPT_BATCH    \
	}

#define LOT_USAGE                                                                          \
	"      --customer C        the customer (an id or name of [lot] customers)\n"      \
	"      --job J             the job number, --batch B the batch number: recorded\n" \
	"                          in each certificate, which is filed under\n"            \
	"                          CERT_DIR/CUSTOMER/JOB/BATCH/ (docs/lots.md)\n"

struct lot_setup {
	struct ws_lot_args args;        /* from the command line */
	struct ws_lot *lot;             /* the lot now, or NULL: none */
	struct ws_customers *customers; /* [lot] customers, or NULL */
	const char *base;               /* the certificate directory the lot folders are in */
	char *dir;                      /* the lot's folder (malloc'd), or NULL */
};

/* Take one of LOT_OPTIONS. Return: 1 when taken, 0 when it is not one. */
int lot_setup_option(struct lot_setup *l, int opt, const char *arg);

/*
 * lot_setup_prepare() - after the config is read: the lot of the options and [lot], the
 * customer looked up; when there is one, the certificates record it and go into its folder.
 * Return: an exit code (one line on stderr when not WS_EXIT_OK).
 */
int lot_setup_prepare(struct cli *cli, struct wipe_setup *ws);

/*
 * lot_setup_use() - @lot (taken; NULL: none) is the lot from now on: ws->cert.info.lot and
 * ws->cert_dir follow it (the station, at each new batch). Return: 0 or -ENOMEM.
 */
int lot_setup_use(struct wipe_setup *ws, struct ws_lot *lot);

void lot_setup_fini(struct lot_setup *l);

#endif
