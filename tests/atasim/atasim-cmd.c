/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atasim-cmd.c - the simulated drive's command decoder (see atasim.c for what it simulates):
 * an SG_IO request in, the drive's answer out, as a SAT layer in front of a SATA drive gives
 * it (ATA PASS-THROUGH(16), the registers back in descriptor sense) or a SAS drive (SCSI
 * commands, fixed sense).
 */
#include <pthread.h>
#include <scsi/sg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "atasim.h"

#define SG_DRIVER_SENSE \
	0x08 /* driver_status: sense data was written (scsi/sg.h, old DRIVER_SENSE) */

/* ---- answers ------------------------------------------------------------------------------- */

static void fixed_sense(struct sg_io_hdr *h, uint8_t key, uint8_t asc, uint8_t ascq, bool sksv,
                        uint16_t progress)
{
	uint8_t s[18] = { 0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0 };

	if (sksv) {
		s[15] = 0x80;
		s[16] = (uint8_t)(progress >> 8);
		s[17] = (uint8_t)progress;
	}
	h->status = 0x02;
	h->sb_len_wr = (unsigned char)(h->mx_sb_len < sizeof(s) ? h->mx_sb_len : sizeof(s));
	h->driver_status = SG_DRIVER_SENSE; /* as sg does when it returns sense data */
	memcpy(h->sbp, s, h->sb_len_wr);
}

/* Descriptor sense with the ATA Status Return descriptor (SAT-3/SAT-4): the registers; after a
 * 48-bit command EXTEND set and the "previous" bytes filled, after a 28-bit one neither. */
static void ata_return_ext(struct sg_io_hdr *h, bool ext, uint8_t status, uint8_t error,
                           uint16_t count, uint64_t lba)
{
	uint8_t s[22] = { 0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, /* RECOVERED: ATA info available */
		          0x09, 0x0c };
	uint8_t *d = s + 8;

	d[2] = ext ? 0x01 : 0x00; /* EXTEND */
	d[3] = error;
	d[5] = (uint8_t)count;
	d[7] = (uint8_t)lba;
	d[9] = (uint8_t)(lba >> 8);
	d[11] = (uint8_t)(lba >> 16);
	if (ext) {
		d[4] = (uint8_t)(count >> 8);
		d[6] = (uint8_t)(lba >> 24);
		d[8] = (uint8_t)(lba >> 32);
		d[10] = (uint8_t)(lba >> 40);
		d[12] = 0x40;
	} else { /* a 28-bit command: LBA 27:24 in DEVICE 3:0 (ACS-3 Table "Normal Outputs") */
		d[12] = (uint8_t)(0x40 | ((lba >> 24) & 0x0f));
	}
	d[13] = status;
	h->status = 0x02;
	h->sb_len_wr = (unsigned char)(h->mx_sb_len < sizeof(s) ? h->mx_sb_len : sizeof(s));
	h->driver_status = SG_DRIVER_SENSE; /* as sg does when it returns sense data */
	memcpy(h->sbp, s, h->sb_len_wr);
}

static void ata_return(struct sg_io_hdr *h, uint8_t status, uint8_t error, uint16_t count,
                       uint64_t lba)
{
	ata_return_ext(h, true, status, error, count, lba);
}

static void put_string(uint16_t *w, const char *s, unsigned words)
{
	char buf[80];

	memset(buf, ' ', sizeof(buf));
	memcpy(buf, s, strlen(s) < 2 * words ? strlen(s) : 2 * words);
	for (unsigned i = 0; i < words; i++)
		w[i] = (uint16_t)((uint8_t)buf[2 * i] << 8 | (uint8_t)buf[2 * i + 1]);
}

static void identify(struct sg_io_hdr *h)
{
	uint16_t id[256] = { 0 };
	uint64_t lbas = sim_accessible();
	char serial[24];

	id[0] = 0x0040;
	if (sim.serial)
		snprintf(serial, sizeof(serial), "%s", sim.serial);
	else
		snprintf(serial, sizeof(serial), "SIMATA-%s", sim.profile);
	put_string(&id[10], serial, 10);
	put_string(&id[23], "1.0", 4);
	put_string(&id[27],
	           strncmp(sim.profile, "hdd", 3) == 0 ? "WIPESEAL SIMULATED SATA HDD"
	                                               : "WIPESEAL SIMULATED SATA SSD",
	           20);
	id[217] = strncmp(sim.profile, "hdd", 3) == 0 ? 7200 : 1; /* rpm, or 1: non-rotating */
	id[49] = 1u << 9;                                         /* LBA supported */
	id[83] = 0x4000; /* bits 15:14 = 01b: words 82-84 are valid */
	id[87] = 0x4000; /* bits 15:14 = 01b: words 85-87 are valid */
	if (!sim.lba28) {
		id[83] |= 1u << 10; /* the 48-bit Address feature set */
		id[86] |= 1u << 10; /* ... and its copy in the "enabled" word */
	}
	if (sim_is("hpa")) {
		id[82] = 1u << 10; /* the HPA feature set */
		id[85] = 1u << 10;
	}
	if (sim_is("dco") || sim_is("dco-open"))
		id[83] |= 1u << 11; /* the DCO feature set */
	if (sim.sector > 512) {     /* words per logical sector in 117-118 (ACS-3 7.12.7) */
		id[106] = 0x4000 | (1u << 12);
		id[117] = (uint16_t)(sim.sector / 2);
		id[118] = (uint16_t)(sim.sector / 2 >> 16);
	}
	if (sim_is("zeros-rzat"))
		id[69] = (1u << 14) | (1u << 5); /* deterministic zeros after TRIM */
	if (strncmp(sim.profile, "hdd", 3) != 0) {
		id[59] = (1u << 12) | (1u << 13) | (1u << 14) | (1u << 15); /* sanitize, all */
	} else {
		/* security supported, enhanced erase supported; enabled, locked, frozen as now */
		id[128] = 0x0001 | 0x0020 | (sim.security_enabled ? 0x0002 : 0) |
		          (sim.locked ? 0x0004 : 0) | (sim_is("hdd-frozen") ? 0x0008 : 0);
		id[89] = sim_is("hdd-instant") ? 60 : 1; /* units of 2 minutes */
		id[90] = sim_is("hdd-instant") ? 60 : 1;
	}
	/* words 60-61: the capacity for 28-bit commands, at most 0FFFFFFFh (ACS-3 7.12.7);
	 * words 100-103 only with the 48-bit Address feature set */
	id[60] = (uint16_t)(lbas > 0x0fffffff ? 0xffff : lbas);
	id[61] = (uint16_t)((lbas > 0x0fffffff ? 0x0fffffff : lbas) >> 16);
	for (int i = 0; i < 4 && !sim.lba28; i++)
		id[100 + i] = (uint16_t)(lbas >> (16 * i));
	memcpy(h->dxferp, id, h->dxfer_len < sizeof(id) ? h->dxfer_len : sizeof(id));
	h->status = 0;
}

static void ata_sanitize(struct sg_io_hdr *h, const uint8_t *cdb)
{
	uint16_t feature = (uint16_t)(cdb[3] << 8 | cdb[4]);
	uint16_t count;

	if (feature == 0x0000) { /* SANITIZE STATUS EXT */
		pthread_mutex_lock(&sim.lock);
		if (sim.state == FAILED)
			ata_return(h, 0x51, 0x04, 0, 0); /* ERR, ABRT: the last one failed */
		else {
			count = sim.state == RUNNING ? (1u << 14)
			        : sim.state == DONE  ? (1u << 15)
			                             : 0;
			if (sim_is("frozen"))
				count |= 1u << 13;
			ata_return(h, 0x50, 0, count, sim.state == RUNNING ? sim.progress : 0xffff);
		}
		pthread_mutex_unlock(&sim.lock);
		return;
	}
	if (sim_is("frozen") || sim.state == RUNNING) {
		ata_return(h, 0x51, 0x04, 0, 0);
		return;
	}
	sim_start(feature == 0x0011 ? 1 : feature == 0x0012 ? 2 : 3);
	ata_return(h, 0x50, 0, 0, 0);
}

/* SECURITY SET PASSWORD, UNLOCK, ERASE PREPARE, ERASE UNIT, DISABLE PASSWORD. The
 * 512-byte block: word 0 control (bit 1 enhanced), words 1-16 the password. */
static void security(struct sg_io_hdr *h, uint8_t command)
{
	const uint8_t *block = h->dxferp;
	bool ok = true;

	if (sim_is("hdd-frozen") && command != 0xf2) {
		ata_return(h, 0x51, 0x04, 0, 0);
		return;
	}
	switch (command) {
	case 0xf1: /* SET PASSWORD */
		memcpy(sim.password, block + 2, 32);
		sim.security_enabled = true;
		break;
	case 0xf3: /* ERASE PREPARE */
		sim.prepared = true;
		break;
	case 0xf4: /* ERASE UNIT: must follow PREPARE, with the password */
		ok = sim.prepared && sim.security_enabled &&
		     memcmp(sim.password, block + 2, 32) == 0;
		sim.prepared = false;
		if (ok && sim_is("hdd-locks")) { /* the power goes: the drive comes back locked */
			sim.locked = true;
			ok = false;
			break;
		}
		if (ok && sim_is("hdd-instant")) { /* "done", at once, and nothing erased */
			sim.security_enabled = false;
			memset(sim.password, 0, sizeof(sim.password));
		} else if (ok) {
			struct timespec t = { 0, (long)(sim.seconds * 1e9) % 1000000000L };

			sim.action = block[0] & 2 ? 1 : 2; /* enhanced: a vendor pattern (random) */
			sim_erase_range(0, sim_size());
			sim_written(sim_size());
			nanosleep(&t, NULL);
			sim.security_enabled = false; /* ERASE UNIT clears the user password */
			memset(sim.password, 0, sizeof(sim.password));
		}
		break;
	case 0xf2: /* UNLOCK */
		ok = memcmp(sim.password, block + 2, 32) == 0;
		if (ok)
			sim.locked = false;
		break;
	case 0xf6: /* DISABLE PASSWORD */
		ok = !sim.locked && memcmp(sim.password, block + 2, 32) == 0;
		if (ok) {
			sim.security_enabled = false;
			memset(sim.password, 0, sizeof(sim.password));
		}
		break;
	}
	sim_save_state();
	if (ok)
		h->status = 0;
	else
		ata_return(h, 0x51, 0x04, 0, 0);
}

/* READ NATIVE MAX ADDRESS (EXT) and SET MAX ADDRESS (EXT) of the HPA feature set. The EXT
 * commands carry a 48-bit LBA in the CDB's paired bytes (SAT-3/SAT-4 ATA PASS-THROUGH (16));
 * the 28-bit ones LBA 23:0 in bytes 8, 10, 12 and 27:24 in DEVICE 3:0 (byte 13). */
static void hpa(struct sg_io_hdr *h, const uint8_t *cdb)
{
	bool ext = cdb[14] == 0x27 || cdb[14] == 0x37;
	int width = ext ? 48 : 28, after = atomic_exchange(&sim.native_read, 0);
	uint64_t lba = (uint64_t)cdb[8] | (uint64_t)cdb[10] << 8 | (uint64_t)cdb[12] << 16;
	uint16_t count = cdb[6];

	if (ext && sim.lba28) { /* no 48-bit Address feature set: no EXT commands */
		ata_return(h, 0x51, 0x04, 0, 0);
		return;
	}
	if (ext)
		lba |= (uint64_t)cdb[7] << 24 | (uint64_t)cdb[9] << 32 | (uint64_t)cdb[11] << 40;
	else
		lba |= (uint64_t)(cdb[13] & 0x0f) << 24;
	if (cdb[14] == 0x27 || cdb[14] == 0xf8) { /* READ NATIVE MAX ADDRESS (EXT) */
		(void)sim_accessible();
		atomic_store(&sim.native_read, width);
		ata_return_ext(h, ext, 0x50, 0, 0, sim_native() - 1);
		return;
	}
	if (after != width) { /* not immediately after READ NATIVE MAX: aborted */
		ata_return_ext(h, ext, 0x51, 0x04, 0, 0);
		return;
	}
	if (lba + 1 > sim_native()) { /* beyond the native maximum: ID NOT FOUND */
		ata_return_ext(h, ext, 0x51, 0x10, 0, 0);
		return;
	}
	(void)sim_accessible();
	sim.accessible = lba + 1;
	if (count & 0x01) { /* VV: the new maximum outlives the power cycle */
		sim.owner_max = lba + 1;
		sim.permanent++;
	}
	sim_save_state();
	ata_return_ext(h, ext, 0x50, 0, 0, lba);
}

/* DEVICE CONFIGURATION IDENTIFY (dco, dco-open): words 3-6 the maximum LBA; dco's beyond the
 * native maximum, dco-open's at it. */
static void dco_identify(struct sg_io_hdr *h)
{
	uint16_t block[256] = { 0 };
	uint64_t max = sim_is("dco") ? sim_native() + sim_native() / 16 - 1 : sim_native() - 1;

	block[0] = 2; /* revision */
	for (int i = 0; i < 4; i++)
		block[3 + i] = (uint16_t)(max >> (16 * i));
	memcpy(h->dxferp, block, h->dxfer_len < sizeof(block) ? h->dxfer_len : sizeof(block));
	h->status = 0;
}

/* SMART (B0h), with the key 4Fh/C2h in LBA mid/high (bytes 10, 12): READ DATA (D0h), READ
 * THRESHOLDS (D1h), RETURN STATUS (DAh: the answer in LBA mid/high, a 28-bit command's
 * registers). no-smart aborts them all. */
static void smart(struct sg_io_hdr *h, const uint8_t *cdb)
{
	if (sim_is("no-smart") || cdb[10] != 0x4f || cdb[12] != 0xc2) {
		ata_return(h, 0x51, 0x04, 0, 0);
		return;
	}
	if (cdb[4] == 0xda) {
		ata_return_ext(h, false, 0x50, 0, 0, sim_smart_passed() ? 0xc24f00 : 0x2cf400);
		return;
	}
	if ((cdb[4] != 0xd0 && cdb[4] != 0xd1) || h->dxfer_len < 512) {
		ata_return(h, 0x51, 0x04, 0, 0);
		return;
	}
	sim_smart_data(h->dxferp, cdb[4] == 0xd1);
	h->status = 0;
}

/* ATA PASS-THROUGH(16): the ATA command in byte 14, through a SAT layer. */
static void ata_command(struct sg_io_hdr *h, const uint8_t *cdb)
{
	if (cdb[14] != 0x37 && cdb[14] != 0xf9 && cdb[14] != 0x27 && cdb[14] != 0xf8)
		atomic_store(&sim.native_read, 0); /* anything else breaks the pair */
	if (sim_is("sas") || sim_is("usb-no-pt"))
		fixed_sense(h, 0x05, 0x20, 0x00, false, 0); /* invalid command opcode */
	else if (cdb[14] == 0xec)
		identify(h);
	else if (cdb[14] == 0xb4)
		ata_sanitize(h, cdb);
	else if (cdb[14] == 0xb0)
		smart(h, cdb);
	else if (cdb[14] >= 0xf1 && cdb[14] <= 0xf6)
		security(h, cdb[14]);
	else if (cdb[14] == 0xb1 && cdb[4] == 0xc2 && (sim_is("dco") || sim_is("dco-open")))
		dco_identify(h);
	else if (sim_is("hpa") &&
	         (cdb[14] == 0x27 || cdb[14] == 0xf8 || cdb[14] == 0x37 || cdb[14] == 0xf9))
		hpa(h, cdb);
	else
		ata_return(h, 0x51, 0x04, 0, 0);
}

/* REQUEST SENSE: the sense data is the data; a sanitize's progress, or its failure. */
static void request_sense(struct sg_io_hdr *h)
{
	uint8_t s[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };

	pthread_mutex_lock(&sim.lock);
	if (sim.state == RUNNING) {
		s[2] = 0x02;
		s[12] = 0x04;
		s[13] = 0x1b;
		s[15] = 0x80;
		s[16] = (uint8_t)(sim.progress >> 8);
		s[17] = (uint8_t)sim.progress;
	} else if (sim.state == FAILED) {
		s[2] = 0x03;
		s[12] = 0x31;
		s[13] = 0x03;
	}
	pthread_mutex_unlock(&sim.lock);
	memcpy(h->dxferp, s, h->dxfer_len < sizeof(s) ? h->dxfer_len : sizeof(s));
	h->resid = h->dxfer_len > sizeof(s) ? (int)(h->dxfer_len - sizeof(s)) : 0;
}

/* A SCSI command: only the sas profile knows any. */
static void scsi_command(struct sg_io_hdr *h, const uint8_t *cdb)
{
	if (!sim_is("sas")) {
		fixed_sense(h, 0x05, 0x20, 0x00, false, 0);
		return;
	}
	switch (cdb[0]) {
	case 0xa3: /* REPORT SUPPORTED OPERATION CODES: SANITIZE 1, 2, 3 supported */
		memset(h->dxferp, 0, h->dxfer_len);
		if (h->dxfer_len >= 2 && cdb[3] == 0x48 && cdb[5] >= 1 && cdb[5] <= 3)
			((uint8_t *)h->dxferp)[1] = 0x03;
		return;
	case 0x48: /* SANITIZE */
		if (!sim_start((cdb[1] & 0x1f) == 3 ? 1 : (cdb[1] & 0x1f) == 2 ? 2 : 3))
			fixed_sense(h, 0x02, 0x04, 0x1b, false, 0);
		return;
	case 0x03:
		request_sense(h);
		return;
	default:
		fixed_sense(h, 0x05, 0x20, 0x00, false, 0);
		return;
	}
}

int sim_answer(struct sg_io_hdr *h)
{
	const uint8_t *cdb = h->cmdp;

	h->status = 0;
	h->host_status = 0;
	h->driver_status = 0;
	h->sb_len_wr = 0;
	h->resid = 0;
	sim_log(cdb[0] == 0x85 ? "ata" : "scsi", cdb, h->cmd_len);
	if (cdb[0] == 0x85) /* ATA PASS-THROUGH(16) */
		ata_command(h, cdb);
	else
		scsi_command(h, cdb);
	return 0;
}
