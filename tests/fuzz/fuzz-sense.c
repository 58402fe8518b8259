/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sense.c - libFuzzer harness for ws_sense_decode() (sg.c).
 *
 * Input: byte 0 says how many sense bytes the "device" wrote (any value, also more than the
 * buffer holds) and, in bit 7 of byte 1, whether the command went out with EXTEND; the rest
 * is the sense buffer. The decoder must stay inside the bytes that arrived, and what it
 * reports must be consistent: without EXTEND on either side only 24 bits of LBA and 8 of
 * COUNT exist.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_sg_args *a;
	struct ws_sense s;
	bool extended;

	if (size < 2)
		return 0;
	/* on the heap, sized exactly: ASan sees any read past the struct */
	a = calloc(1, sizeof(*a));
	if (!a)
		return 0;
	a->sense_len = data[0];
	extended = data[1] & 0x80;
	a->cdb_len = 16;
	a->cdb[0] = 0x85;
	a->cdb[1] = extended ? 0x07 : 0x06;
	data += 2;
	size -= 2;
	/* bytes that did not arrive are poison, not zeros: a decoder reading them shows */
	memset(a->sense, 0xa5, sizeof(a->sense));
	memcpy(a->sense, data, size < sizeof(a->sense) ? size : sizeof(a->sense));
	ws_sense_decode(a, &s);
	if (s.ata_valid && !s.ata_extend && !extended &&
	    (s.ata_lba > 0xffffffu || s.ata_count > 0xffu))
		abort();
	if (s.key > 0x0f)
		abort();
	free(a);
	return 0;
}
