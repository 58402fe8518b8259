/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify-destruction.h - `wipeseal verify` on a destruction record (wipeseal/destruction.h):
 * the library's check, printed as one line (or one JSON object) like a certificate's.
 */
#ifndef WS_CLI_VERIFY_DESTRUCTION_H
#define WS_CLI_VERIFY_DESTRUCTION_H

#include <stdbool.h>

#include <wipeseal/cert.h>

#include "front.h"

/*
 * verify_destruction() - check the record @path against @trust and print the verdict: "PATH:
 * OK (destruction record: ...)" or "PATH: FAILED: destruction record: REASON"; with @json
 * one JSON object instead. Return: whether it checks; false also when memory ran out (said
 * on stderr).
 */
bool verify_destruction(struct cli *cli, const struct ws_trust *trust, const char *path, bool json);

#endif
