/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * operator-login.h - an operator's card for `wipeseal wipe` and `wipeseal cosign` (IT staff
 * at a desk): the card named by --operator-card or [operators] card, the PIN from
 * [operators] pin_file or the terminal with echo off (never the command line), checked
 * against [operators] ca, crl and allow (ws_operator_login(), wipeseal/operator.h).
 */
#ifndef WS_FRONT_OPERATOR_LOGIN_H
#define WS_FRONT_OPERATOR_LOGIN_H

#include "certify.h"

/*
 * operator_login() - after certify_prepare() (the config, the station's signer, the audit
 * log): log the operator in when a card is named (@card, else [operators] card), and hold
 * them in @c->operator; with [operators] require_card yes (or @required), no card is one
 * line and WS_EXIT_USAGE. The attempt is a LOGIN or LOGIN-FAILED line of the audit log
 * unless @audit is false (a dry run, --unsigned).
 * Return: an exit code: WS_EXIT_OK, or WS_EXIT_USAGE after one line on stderr (no card
 * when one is required, a refused login; nothing was written).
 */
int operator_login(struct cli *cli, struct certify *c, const char *card, bool required, bool audit);

#endif
