/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui.h - the station as `wipeseal station` runs it: the one header of the tui target that
 * another target (the CLI's cmd-station.c) may include. Everything else in src/tui/ is the
 * station's own (station.h).
 */
#ifndef WS_TUI_TUI_H
#define WS_TUI_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "front.h"
#include "wipe-setup.h"

/*
 * station_run() - the station's screen over the drives @paths names (all drives when @n is
 * 0; virtual ones too with @show_all), set up with @ws (wipe_setup_prepare() done).
 * Return: an exit code.
 */
int station_run(struct cli *cli, struct wipe_setup *ws, char **paths, size_t n, bool show_all);

/*
 * station_auto() - `station --auto`, no screen: every eligible drive, at once, no
 * questions; a drive refused at start is left alone and the others run (the station's
 * policy), and two data sticks stop it before anything starts.
 * Return: an exit code (WS_EXIT_REFUSED when a drive was refused and no wipe failed).
 */
int station_auto(struct cli *cli, struct wipe_setup *ws, char **paths, size_t n);

#endif
