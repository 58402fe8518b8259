/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/exit.h - the process exit codes, defined once.
 *
 * The CLI and the station return these; wipeseal(8) lists them under EXIT STATUS and
 * docs/cli.md repeats them. Scripts depend on them: never renumber, only add.
 */
#ifndef WIPESEAL_EXIT_H
#define WIPESEAL_EXIT_H

/* Everything asked for was done (and, for a wipe, verified). */
#define WS_EXIT_OK         0
/* The operation was attempted and failed (I/O error, device error, unwritten range). */
#define WS_EXIT_FAILED     1
/* Bad invocation: unknown option, bad value, missing or unusable target. */
#define WS_EXIT_USAGE      2
/* The safety gate refused a target (mounted, busy, system disk, read-only, unconfirmed...). */
#define WS_EXIT_REFUSED    3
/* Verification read data back that should not be there. */
#define WS_EXIT_DATA_FOUND 4
/* `config get`: the file does not set the key (nothing printed), so a script can test it. */
#define WS_EXIT_NOT_SET    5
/* `register`: the register could not be reached, refused this client, or TLS with it failed;
 * what was not sent is sent again later. */
#define WS_EXIT_OFFLINE    6
/* `verify`: every certificate is authentic, and some are honest records of wipes that FAILED
 * or were ABORTED: drives not (wholly) sanitized, on record; not a forgery. */
#define WS_EXIT_NOT_WIPED  7
/* `verify`: every certificate is authentic, but some are missing from a station's series
 * (gaps), or duplicated (the same certificate id, or the same drive certified twice).
 * Precedence: 1 (a check failed) over 8 over 7 over 0. */
#define WS_EXIT_INCOMPLETE 8

#endif
