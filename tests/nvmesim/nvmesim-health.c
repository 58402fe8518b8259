/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nvmesim-health.c - the simulated controller's SMART / Health Information log (log page 02h,
 * NVMe Base 2.0 Figure "SMART / Health Information Log Page") and its command log.
 *
 * The log is a healthy drive's, with counters that move: every erase that completes warms
 * the controller by 5 K and adds what it wrote to Data Units Written (thousands of 512-byte
 * units), so a test tells a log read after the erase from one read before it.
 *
 *   WS_NVMESIM_LOG=FILE   one line per admin command received, "admin SQE" (the
 *                         64-byte submission entry as the ioctl carried it: opcode, flags,
 *                         NSID, CDW2-3 and CDW10-15; the command identifier and the pointers
 *                         are the kernel's, zeros here), and one per SMART log answered,
 *                         "smart HEX" (its 512 bytes)
 */
#include <nvme/types.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmesim.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned erasures;
static uint64_t written_units = 123456; /* thousands of 512-byte units, before any erase */

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void log_hex(const char *tag, const uint8_t *p, size_t n)
{
	const char *path = getenv("WS_NVMESIM_LOG");
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "ae")))
		return;
	fprintf(f, "%s ", tag);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
	fclose(f);
}

int nvmesim_smart_log(void *buf, size_t len)
{
	struct nvme_smart_log *log = buf;

	if (len < sizeof(*log))
		return 0x02; /* Invalid Field in Command */
	memset(log, 0, sizeof(*log));
	pthread_mutex_lock(&lock);
	/* through libnvme's names, so the layout is libnvme's, not the product's */
	log->critical_warning = 0;
	/* kelvin, little-endian: 35 °C, warmer per erase */
	log->temperature[0] = (uint8_t)((308 + 5 * erasures) & 0xff);
	log->temperature[1] = (uint8_t)((308 + 5 * erasures) >> 8);
	log->avail_spare = 100;
	log->spare_thresh = 10;
	log->percent_used = 3;
	put_le(log->data_units_written, written_units, 8);
	put_le(log->data_units_read, 654321, 8);
	put_le(log->power_cycles, 42, 8);
	put_le(log->power_on_hours, 1234, 8);
	put_le(log->unsafe_shutdowns, 7, 8);
	put_le(log->media_errors, 0, 8);
	put_le(log->num_err_log_entries, 2, 8);
	pthread_mutex_unlock(&lock);
	log_hex("smart", buf, sizeof(*log));
	return 0;
}

void nvmesim_erased(uint64_t bytes)
{
	pthread_mutex_lock(&lock);
	erasures++;
	written_units += bytes / 512000;
	pthread_mutex_unlock(&lock);
}

void nvmesim_log_admin(const struct nvme_passthru_cmd *c)
{
	uint8_t sqe[64] = { 0 };
	sqe[0] = c->opcode;
	sqe[1] = c->flags;
	put_le(sqe + 4, c->nsid, 4);
	put_le(sqe + 8, c->cdw2, 4);
	put_le(sqe + 12, c->cdw3, 4);
	put_le(sqe + 40, c->cdw10, 4);
	put_le(sqe + 44, c->cdw11, 4);
	put_le(sqe + 48, c->cdw12, 4);
	put_le(sqe + 52, c->cdw13, 4);
	put_le(sqe + 56, c->cdw14, 4);
	put_le(sqe + 60, c->cdw15, 4);
	log_hex("admin", sqe, sizeof(sqe));
}
