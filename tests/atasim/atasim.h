/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atasim.h - what the three files of the simulated SATA/SAS drive share: the drive's state
 * and model (atasim-drive.c), the command decoder (atasim-cmd.c), and the environment with the
 * interposed calls (atasim.c, whose header says what the drive simulates). Everything here is
 * hidden: the library exports only the calls it interposes.
 */
#ifndef WIPESEAL_TEST_ATASIM_H
#define WIPESEAL_TEST_ATASIM_H

#include <pthread.h>
#include <scsi/sg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

#define STEPS 10 /* a sanitize changes the medium in this many steps */

enum state { IDLE, RUNNING, DONE, FAILED };

struct atasim {
	const char *path, *profile, *serial;
	double seconds;
	pthread_mutex_t lock;
	enum state state;
	uint16_t progress;
	int action; /* 1 crypto, 2 block, 3 overwrite */
	/* ATA Security (ACS-4 7.41): a user password, and the drive's state */
	uint8_t password[32];
	bool security_enabled, locked, prepared;
	const char *state_file;
	/* the host protected area, in logical sectors */
	uint64_t owner_max;     /* kept over power-on; 0 until first needed */
	uint64_t accessible;    /* now: owner_max at power-on, then what SET MAX made it */
	unsigned permanent;     /* SET MAX commands with VV=1 (kept in WS_ATASIM_STATE) */
	atomic_int native_read; /* 28 or 48: the last command was that READ NATIVE MAX */
	bool lba28;
	unsigned sector; /* logical sector size */
};

/* The one drive (atasim-drive.c); atasim.c fills it from the environment at load. */
extern struct atasim sim;

/* ---- atasim-drive.c ------------------------------------------------------------------------- */

/* Whether the drive is profile @p (WS_ATASIM_PROFILE). */
bool sim_is(const char *p);
/* WS_ATASIM_STATE: what outlives the process, read at load, written after every change. */
void sim_load_state(void);
void sim_save_state(void);
/* The medium's size in bytes. */
uint64_t sim_size(void);
/* Erase [@from, @to) of the medium the way sim.action does. */
void sim_erase_range(uint64_t from, uint64_t to);
/* Start a sanitize (@action 1 crypto, 2 block, 3 overwrite) in the background. Return: false
 * when one runs already. */
bool sim_start(int action);
/* All the logical sectors there are, and those below the host protected area. */
uint64_t sim_native(void);
uint64_t sim_accessible(void);

/* ---- atasim-smart.c ------------------------------------------------------------------------ */

/* The SMART READ DATA structure, or with @thresholds READ THRESHOLDS, into @b (512 bytes). */
void sim_smart_data(uint8_t *b, bool thresholds);
/* SMART RETURN STATUS: no attribute at or below its threshold. */
bool sim_smart_passed(void);
/* An erase completed, writing @bytes. */
void sim_written(uint64_t bytes);
/* A line "TAG HEX" in WS_ATASIM_LOG. */
void sim_log(const char *tag, const uint8_t *p, size_t n);

/* ---- atasim-cmd.c --------------------------------------------------------------------------- */

/* Answer the SG_IO request @h as the drive would. Return: 0 (the ioctl's return). */
int sim_answer(struct sg_io_hdr *h);

#pragma GCC visibility pop

#endif
