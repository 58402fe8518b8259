/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nvmesim.h - what the simulated NVMe controller's two files share: nvmesim.c (the commands
 * and the medium) and nvmesim-health.c (its SMART / Health log and the log of the commands it
 * received, which the tests read to check wipeseal's record against what arrived).
 */
#ifndef WIPESEAL_TEST_NVMESIM_H
#define WIPESEAL_TEST_NVMESIM_H

#include <linux/nvme_ioctl.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* Fill @buf (@len bytes, at least 512) with the SMART / Health Information log as it stands,
 * and log it. Return: 0, or an NVMe status. */
int nvmesim_smart_log(void *buf, size_t len);
/* An erase of @bytes has completed: the drive warmed up and wrote. */
void nvmesim_erased(uint64_t bytes);
/* Log the admin command @c as it arrived (WS_NVMESIM_LOG). */
void nvmesim_log_admin(const struct nvme_passthru_cmd *c);

#pragma GCC visibility pop

#endif
