/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/power.h - the machine's own power states, for what only a power cycle undoes
 * (a SATA drive's security freeze lock).
 */
#ifndef WIPESEAL_POWER_H
#define WIPESEAL_POWER_H

struct ws_ctx;

/*
 * ws_suspend_cycle() - suspend the machine to RAM and wake it by the RTC alarm after
 * @seconds: lifts the freeze lock of SATA drives. Returns after the machine woke.
 * Return: 0; -EOPNOTSUPP (with @ret_reason) when it cannot suspend or wake itself.
 */
int ws_suspend_cycle(struct ws_ctx *ctx, unsigned seconds, char **ret_reason);

#endif
