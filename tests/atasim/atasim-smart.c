/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atasim-smart.c - the simulated drive's SMART (see atasim.c for the drive): the 512-byte SMART
 * READ DATA and READ THRESHOLDS structures as ACS-3 7.48 and smartmontools (atacmds.h, struct
 * ata_smart_values) lay them out - a 2-byte revision, 30 slots of 12 bytes (id, flags,
 * value, worst, raw 6, reserved), a checksum in byte 511 - and the log of what the drive
 * received, which the tests read to check the product's record against what arrived.
 *
 * Profiles: smart-fails has attribute 5 (reallocated sectors) below its threshold, and SMART
 * RETURN STATUS says so; no-smart aborts every SMART command; the others are healthy. Every
 * erase the drive completes adds its sectors to attribute 241 (Total_LBAs_Written) and warms
 * it by 3 °C (194), so a read after the erase differs from one before it.
 *
 *   WS_ATASIM_LOG=FILE   one line per command received, "ata CDB" (an ATA PASS-THROUGH(16)) or
 *                        "scsi CDB", and per SMART structure answered, "smart-data HEX" and
 *                        "smart-thresholds HEX"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atasim.h"

static unsigned erasures;
static uint64_t lbas_written = 1000000;

struct attr {
	uint8_t id;
	uint16_t flags;
	uint8_t value, worst, threshold;
	uint64_t raw;
};

static void attrs(struct attr *a, size_t *n)
{
	bool fails = sim_is("smart-fails");
	const struct attr v[] = {
		{ 5, 0x0033, fails ? 5 : 100, fails ? 5 : 100, 10, fails ? 3000 : 0 },
		{ 9, 0x0032, 99, 99, 0, 1234 },
		{ 12, 0x0032, 99, 99, 0, 56 },
		{ 177, 0x0013, 98, 98, 5, 20 },
		{ 194, 0x0022, 65, 50, 0, 35 + 3 * erasures },
		{ 199, 0x003e, 100, 100, 0, 0 },
		{ 241, 0x0032, 99, 99, 0, lbas_written },
	};

	memcpy(a, v, sizeof(v));
	*n = sizeof(v) / sizeof(v[0]);
}

static void checksum(uint8_t *b)
{
	uint8_t sum = 0;

	for (int i = 0; i < 511; i++)
		sum = (uint8_t)(sum + b[i]);
	b[511] = (uint8_t)(0x100 - sum);
}

void sim_log(const char *tag, const uint8_t *p, size_t n)
{
	const char *path = getenv("WS_ATASIM_LOG");
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "ae")))
		return;
	fprintf(f, "%s ", tag);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
	fclose(f);
}

bool sim_smart_passed(void)
{
	return !sim_is("smart-fails");
}

void sim_smart_data(uint8_t *b, bool thresholds)
{
	struct attr a[30];
	size_t n;

	memset(b, 0, 512);
	attrs(a, &n);
	b[0] = 0x10; /* revision 16, as most drives */
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = b + 2 + 12 * i;

		e[0] = a[i].id;
		if (thresholds) {
			e[1] = a[i].threshold;
			continue;
		}
		e[1] = (uint8_t)a[i].flags;
		e[2] = (uint8_t)(a[i].flags >> 8);
		e[3] = a[i].value;
		e[4] = a[i].worst;
		for (int k = 0; k < 6; k++)
			e[5 + k] = (uint8_t)(a[i].raw >> (8 * k));
	}
	checksum(b);
	sim_log(thresholds ? "smart-thresholds" : "smart-data", b, 512);
}

void sim_written(uint64_t bytes)
{
	erasures++;
	lbas_written += bytes / 512;
}
