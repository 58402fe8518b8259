/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atasim.c - a simulated SATA or SAS drive at the SG_IO boundary, as an LD_PRELOAD library.
 *
 * For one chosen device node (a loop device over an image file) it answers SG_IO the way a
 * SAT layer in front of a SATA drive, or a SAS drive, would: ATA PASS-THROUGH(16) carrying
 * IDENTIFY DEVICE and SANITIZE (with the ATA registers returned in descriptor sense), or
 * SCSI REPORT SUPPORTED OPERATION CODES, SANITIZE and REQUEST SENSE. A sanitize really
 * changes the image, step by step, and reads and writes fail while it runs.
 *
 *   WS_ATASIM_PATH=/dev/loop3
 *   WS_ATASIM_PROFILE=sata-ssd | hpa | dco | dco-open | frozen | fails | hdd | hdd-frozen |
 *                     hdd-locks | sas | usb-no-pt | scrambler | zeros-rzat | hdd-instant |
 *                     smart-fails | no-smart
 *   (hpa: a SATA SSD whose last 1/8 is hidden behind a host protected area; dco: one whose
 *   Device Configuration Overlay hides sectors beyond its native maximum; dco-open: one with
 *   the DCO feature set whose overlay hides nothing, as most drives;
 *   hdd: ATA Security only; hdd-locks: ERASE UNIT fails once the password is set, as
 *   after a power cut, leaving the drive locked; scrambler: a SATA SSD whose CRYPTO SCRAMBLE
 *   changes only 16 bytes of every 512-byte sector and zeros the first and the last MiB;
 *   zeros-rzat: one whose CRYPTO SCRAMBLE leaves zeros and whose IDENTIFY word 69 says
 *   trimmed blocks read as zeros; hdd-instant: a disk whose ERASE UNIT returns at once,
 *   erasing nothing, against an estimate of two hours; smart-fails and no-smart: a SATA SSD
 *   whose SMART reports a threshold exceeded, and one without SMART: atasim-smart.c)
 *   WS_ATASIM_LBA28=1       a drive without the 48-bit Address feature set: its capacity in
 *                           IDENTIFY words 60-61 only, READ NATIVE MAX ADDRESS (F8h) and SET
 *                           MAX ADDRESS (F9h) instead of the EXT commands (which it aborts)
 *   WS_ATASIM_SECTOR=4096   logical sector size (IDENTIFY words 106, 117-118): every LBA and
 *                           count the drive reports counts these
 *   WS_ATASIM_STATE=FILE    what the drive keeps over a power cycle: line 1 the security
 *                           state ("enabled locked password-hex"), line 2 the host protected
 *                           area ("max SECTORS permanent N": the maximum set with VV=1, and how
 *                           many SET MAX commands made a change permanent)
 *   WS_ATASIM_SECONDS=1
 *   WS_ATASIM_LOG=FILE     the commands received and SMART structures answered
 *                          (atasim-smart.c)
 *   WS_ATASIM_SERIAL=...   the serial IDENTIFY reports (default SIMATA-PROFILE), up to 20
 *                          bytes taken as they are: a drive may report any bytes
 *
 * Every process that loads the simulator is one power-on: the accessible maximum starts at
 * the one kept in WS_ATASIM_STATE (or the profile's), whatever a volatile SET MAX did before.
 *
 * The host protected area follows ATA8-ACS (READ NATIVE MAX ADDRESS (EXT), SET MAX ADDRESS
 * (EXT)) and ACS-3 4.11, independently of the
 * product: SET MAX ADDRESS (EXT) is aborted unless the command just before it, to this drive,
 * was a successful READ NATIVE MAX ADDRESS (EXT) of the same width; any other command or
 * read or write in between breaks the pair. COUNT bit 0 (VV) set keeps the new maximum over
 * power-on, clear makes it last until the next one. A maximum above the native one is
 * aborted with IDNF.
 *
 * The files: atasim.c (this: the environment and the interposed calls), atasim-drive.c (the
 * drive's model: state, medium, capacity), atasim-cmd.c (the command decoder).
 *
 * A descriptor is the drive when it is the device WS_ATASIM_PATH names (tests/preload/
 * preload.h). What the simulator does not answer goes on to the next definition of the call,
 * so the fault injector can sit in front of it: LD_PRELOAD="faultinject.so atasim.so"
 * (tests/integration/test-layered.c). The drive's own erase writes the image past every shim.
 */
#include <errno.h>
#include <linux/fs.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "atasim.h"
#include "preload.h"

__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("WS_ATASIM_SECONDS");

	sim.path = getenv("WS_ATASIM_PATH");
	sim.profile = getenv("WS_ATASIM_PROFILE");
	if (!sim.profile)
		sim.profile = "sata-ssd";
	sim.seconds = s ? atof(s) : 1.0;
	sim.state_file = getenv("WS_ATASIM_STATE");
	sim.serial = getenv("WS_ATASIM_SERIAL");
	sim.lba28 = getenv("WS_ATASIM_LBA28") && strcmp(getenv("WS_ATASIM_LBA28"), "1") == 0;
	sim.sector = getenv("WS_ATASIM_SECTOR") ? (unsigned)atoi(getenv("WS_ATASIM_SECTOR")) : 512;
	if (sim.sector < 512)
		sim.sector = 512;
	sim_load_state();
}

/* Whether @fd is the drive. */
static bool ours(int fd)
{
	return sim.path && preload_fd_is(fd, sim.path);
}

/* ---- the interposed calls ------------------------------------------------------------------ */

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == SG_IO && ours(fd))
		return sim_answer(arg);
	if (req == BLKGETSIZE64 && sim_is("hpa") &&
	    ours(fd)) { /* the kernel sees what is accessible */
		*(uint64_t *)arg = sim_accessible() * sim.sector;
		return 0;
	}
	return preload_next()->ioctl(fd, req, arg);
}

/* Whether a read or write of @n bytes at @off of @fd is refused: while a sanitize runs or the
 * drive is locked, and above the accessible maximum, where a drive answers IDNF. A read or
 * write is a command too: it comes between READ NATIVE MAX and SET MAX. */
static bool refused(int fd, off_t off, size_t n)
{
	if (!ours(fd))
		return false;
	if (sim.state == RUNNING || sim.locked)
		return true;
	atomic_store(&sim.native_read, 0);
	return sim_is("hpa") && (uint64_t)off + n > sim_accessible() * sim.sector;
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	if (refused(fd, off, n)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pread64(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (refused(fd, off, n)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pwrite64(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	if (refused(fd, off, n)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pread(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (refused(fd, off, n)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pwrite(fd, buf, n, off);
}
