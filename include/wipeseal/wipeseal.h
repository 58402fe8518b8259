/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/wipeseal.h - the whole public interface of libwipeseal.
 *
 * Conventions: exported names start with ws_ and macros with WS_; functions return 0 (or a
 * count) on success and a negative errno on failure; ws_x_free() accepts NULL and returns
 * NULL; the library never prints and never exits.
 */
#ifndef WIPESEAL_WIPESEAL_H
#define WIPESEAL_WIPESEAL_H

#include <wipeseal/exit.h>
#include <wipeseal/context.h>
#include <wipeseal/power.h>
#include <wipeseal/file.h>
#include <wipeseal/technique.h>
#include <wipeseal/device.h>
#include <wipeseal/bay.h>
#include <wipeseal/asset-tag.h>
#include <wipeseal/gate.h>
#include <wipeseal/wipe.h>
#include <wipeseal/job.h>
#include <wipeseal/cert.h>
#include <wipeseal/machine.h>
#include <wipeseal/config.h>
#include <wipeseal/monitor.h>
#include <wipeseal/lot.h>

#endif
