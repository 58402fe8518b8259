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
 *                     hdd-locks | sas | usb-no-pt | scrambler | zeros-rzat | hdd-instant
 *   (hpa: a SATA SSD whose last 1/8 is hidden behind a host protected area; dco: one whose
 *   Device Configuration Overlay hides sectors beyond its native maximum; dco-open: one with
 *   the DCO feature set whose overlay hides nothing, as most drives;
 *   hdd: ATA Security only; hdd-locks: ERASE UNIT fails once the password is set, as
 *   after a power cut, leaving the drive locked; scrambler: a SATA SSD whose CRYPTO SCRAMBLE
 *   changes only 16 bytes of every 512-byte sector and zeros the first and the last MiB;
 *   zeros-rzat: one whose CRYPTO SCRAMBLE leaves zeros and whose IDENTIFY word 69 says
 *   trimmed blocks read as zeros; hdd-instant: a disk whose ERASE UNIT returns at once,
 *   erasing nothing, against an estimate of two hours)
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
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STEPS 10
#define SG_DRIVER_SENSE \
	0x08 /* driver_status: sense data was written (scsi/sg.h, old DRIVER_SENSE) */

enum state { IDLE, RUNNING, DONE, FAILED };

static struct {
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
} sim = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* What outlives the process (a locked drive stays locked, a permanent SET MAX stays): the
 * security state on line 1, the host protected area on line 2 of WS_ATASIM_STATE. */
static void save_state(void)
{
	FILE *f;

	if (!sim.state_file || !(f = fopen(sim.state_file, "we")))
		return;
	fprintf(f, "%d %d ", sim.security_enabled, sim.locked);
	for (int i = 0; i < 32; i++)
		fprintf(f, "%02x", sim.password[i]);
	fprintf(f, "\nmax %llu permanent %u\n", (unsigned long long)sim.owner_max, sim.permanent);
	fclose(f);
}

static void load_state(void)
{
	FILE *f;
	int e, l;
	char hex[65];
	unsigned long long max;
	unsigned perm;

	if (!sim.state_file || !(f = fopen(sim.state_file, "re")))
		return;
	if (fscanf(f, "%d %d %64s", &e, &l, hex) == 3) {
		sim.security_enabled = e;
		sim.locked = l;
		for (int i = 0; i < 32; i++)
			sscanf(hex + 2 * i, "%2hhx", &sim.password[i]);
	}
	if (fscanf(f, " max %llu permanent %u", &max, &perm) == 2) {
		sim.owner_max = max;
		sim.permanent = perm;
	}
	fclose(f);
}

static bool is(const char *p)
{
	return strcmp(sim.profile, p) == 0;
}

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
	load_state();
}

static bool ours(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	if (!sim.path)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	path[n] = '\0';
	return strcmp(path, sim.path) == 0;
}

static uint64_t size_of(void)
{
	uint64_t size = 0;
	int fd = open(sim.path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		(void)syscall(SYS_ioctl, fd, BLKGETSIZE64, &size);
		close(fd);
	}
	return size;
}

/* ---- the medium ---------------------------------------------------------------------------- */

/* The scrambler's CRYPTO SCRAMBLE of @buf (@n bytes at @off): 16 random bytes at the start of
 * every 512-byte sector, zeros in the first and the last MiB. */
static void scramble(uint8_t *buf, size_t n, uint64_t off, uint64_t size)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t at = off + i;

		if (at < (1u << 20) || at + (1u << 20) >= size)
			buf[i] = 0;
		else if (at % 512 < 16 && getrandom(buf + i, 1, 0) != 1)
			buf[i] ^= 0x5a;
	}
}

static void erase_range(uint64_t from, uint64_t to)
{
	static uint8_t buf[1 << 20];
	int fd = open(sim.path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	for (uint64_t off = from; off < to;) {
		size_t n = to - off < sizeof(buf) ? (size_t)(to - off) : sizeof(buf);

		if (sim.action == 1 && is("scrambler")) {
			if (syscall(SYS_pread64, fd, buf, n, (off_t)off) != (long)n)
				break;
			scramble(buf, n, off, size_of());
		} else if (sim.action == 1 && is("zeros-rzat")) {
			memset(buf, 0, n);
		} else if (sim.action == 1) {
			if (getrandom(buf, n, 0) != (ssize_t)n)
				memset(buf, 0x5a, n);
		} else {
			memset(buf, 0, n); /* block erase; overwrite with pattern 0 */
		}
		if (syscall(SYS_pwrite64, fd, buf, n, (off_t)off) != (long)n)
			break;
		off += n;
	}
	fsync(fd);
	close(fd);
}

static void *worker(void *arg)
{
	uint64_t size = size_of();
	struct timespec step = { 0, (long)(sim.seconds / STEPS * 1e9) };

	(void)arg;
	for (unsigned s = 0; s < STEPS; s++) {
		erase_range(size * s / STEPS, size * (s + 1) / STEPS);
		nanosleep(&step, NULL);
		pthread_mutex_lock(&sim.lock);
		sim.progress = (uint16_t)((s + 1) * 65535u / STEPS);
		if (is("fails") && s == STEPS / 2) {
			sim.state = FAILED;
			pthread_mutex_unlock(&sim.lock);
			return NULL;
		}
		pthread_mutex_unlock(&sim.lock);
	}
	pthread_mutex_lock(&sim.lock);
	sim.state = DONE;
	pthread_mutex_unlock(&sim.lock);
	return NULL;
}

static bool start(int action)
{
	pthread_t t;

	pthread_mutex_lock(&sim.lock);
	if (sim.state == RUNNING) {
		pthread_mutex_unlock(&sim.lock);
		return false;
	}
	sim.state = RUNNING;
	sim.progress = 0;
	sim.action = action;
	pthread_mutex_unlock(&sim.lock);
	if (pthread_create(&t, NULL, worker, NULL) == 0)
		pthread_detach(t);
	return true;
}

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

/* All the logical sectors there are. */
static uint64_t native(void)
{
	return size_of() / sim.sector;
}

/* The accessible maximum: at power-on the one the owner set (hpa: all but the last eighth),
 * then whatever SET MAX made it. */
static uint64_t accessible(void)
{
	if (!sim.owner_max)
		sim.owner_max = is("hpa") ? native() - native() / 8 : native();
	if (!sim.accessible)
		sim.accessible = sim.owner_max;
	return sim.accessible;
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
	uint64_t lbas = accessible();
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
	if (is("hpa")) {
		id[82] = 1u << 10; /* the HPA feature set */
		id[85] = 1u << 10;
	}
	if (is("dco") || is("dco-open"))
		id[83] |= 1u << 11; /* the DCO feature set */
	if (sim.sector > 512) {     /* words per logical sector in 117-118 (ACS-3 7.12.7) */
		id[106] = 0x4000 | (1u << 12);
		id[117] = (uint16_t)(sim.sector / 2);
		id[118] = (uint16_t)(sim.sector / 2 >> 16);
	}
	if (is("zeros-rzat"))
		id[69] = (1u << 14) | (1u << 5); /* deterministic zeros after TRIM */
	if (strncmp(sim.profile, "hdd", 3) != 0) {
		id[59] = (1u << 12) | (1u << 13) | (1u << 14) | (1u << 15); /* sanitize, all */
	} else {
		/* security supported, enhanced erase supported; enabled, locked, frozen as now */
		id[128] = 0x0001 | 0x0020 | (sim.security_enabled ? 0x0002 : 0) |
		          (sim.locked ? 0x0004 : 0) | (is("hdd-frozen") ? 0x0008 : 0);
		id[89] = is("hdd-instant") ? 60 : 1; /* units of 2 minutes */
		id[90] = is("hdd-instant") ? 60 : 1;
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
			if (is("frozen"))
				count |= 1u << 13;
			ata_return(h, 0x50, 0, count, sim.state == RUNNING ? sim.progress : 0xffff);
		}
		pthread_mutex_unlock(&sim.lock);
		return;
	}
	if (is("frozen") || sim.state == RUNNING) {
		ata_return(h, 0x51, 0x04, 0, 0);
		return;
	}
	start(feature == 0x0011 ? 1 : feature == 0x0012 ? 2 : 3);
	ata_return(h, 0x50, 0, 0, 0);
}

/* SECURITY SET PASSWORD, UNLOCK, ERASE PREPARE, ERASE UNIT, DISABLE PASSWORD. The
 * 512-byte block: word 0 control (bit 1 enhanced), words 1-16 the password. */
static void security(struct sg_io_hdr *h, uint8_t command)
{
	const uint8_t *block = h->dxferp;
	bool ok = true;

	if (is("hdd-frozen") && command != 0xf2) {
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
		if (ok && is("hdd-locks")) { /* the power goes: the drive comes back locked */
			sim.locked = true;
			ok = false;
			break;
		}
		if (ok && is("hdd-instant")) { /* "done", at once, and nothing erased */
			sim.security_enabled = false;
			memset(sim.password, 0, sizeof(sim.password));
		} else if (ok) {
			struct timespec t = { 0, (long)(sim.seconds * 1e9) % 1000000000L };

			sim.action = block[0] & 2 ? 1 : 2; /* enhanced: a vendor pattern (random) */
			erase_range(0, size_of());
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
	save_state();
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
		(void)accessible();
		atomic_store(&sim.native_read, width);
		ata_return_ext(h, ext, 0x50, 0, 0, native() - 1);
		return;
	}
	if (after != width) { /* not immediately after READ NATIVE MAX: aborted */
		ata_return_ext(h, ext, 0x51, 0x04, 0, 0);
		return;
	}
	if (lba + 1 > native()) { /* beyond the native maximum: ID NOT FOUND */
		ata_return_ext(h, ext, 0x51, 0x10, 0, 0);
		return;
	}
	(void)accessible();
	sim.accessible = lba + 1;
	if (count & 0x01) { /* VV: the new maximum outlives the power cycle */
		sim.owner_max = lba + 1;
		sim.permanent++;
	}
	save_state();
	ata_return_ext(h, ext, 0x50, 0, 0, lba);
}

static int answer(struct sg_io_hdr *h)
{
	const uint8_t *cdb = h->cmdp;

	h->status = 0;
	h->host_status = 0;
	h->driver_status = 0;
	h->sb_len_wr = 0;
	h->resid = 0;
	if (cdb[0] == 0x85) { /* ATA PASS-THROUGH(16) */
		if (cdb[14] != 0x37 && cdb[14] != 0xf9 && cdb[14] != 0x27 && cdb[14] != 0xf8)
			atomic_store(&sim.native_read, 0); /* anything else breaks the pair */
		if (is("sas") || is("usb-no-pt"))
			fixed_sense(h, 0x05, 0x20, 0x00, false, 0); /* invalid command opcode */
		else if (cdb[14] == 0xec)
			identify(h);
		else if (cdb[14] == 0xb4)
			ata_sanitize(h, cdb);
		else if (cdb[14] >= 0xf1 && cdb[14] <= 0xf6)
			security(h, cdb[14]);
		else if (cdb[14] == 0xb1 && cdb[4] == 0xc2 && (is("dco") || is("dco-open"))) {
			/* DEVICE CONFIGURATION IDENTIFY: words 3-6 the maximum LBA */
			uint16_t block[256] = { 0 };
			uint64_t max = is("dco") ? native() + native() / 16 - 1 : native() - 1;

			block[0] = 2; /* revision */
			for (int i = 0; i < 4; i++)
				block[3 + i] = (uint16_t)(max >> (16 * i));
			memcpy(h->dxferp, block,
			       h->dxfer_len < sizeof(block) ? h->dxfer_len : sizeof(block));
			h->status = 0;
		} else if (is("hpa") && (cdb[14] == 0x27 || cdb[14] == 0xf8 || cdb[14] == 0x37 ||
		                         cdb[14] == 0xf9)) {
			hpa(h, cdb);
			return 0;
		} else
			ata_return(h, 0x51, 0x04, 0, 0);
		return 0;
	}
	if (!is("sas")) {
		fixed_sense(h, 0x05, 0x20, 0x00, false, 0);
		return 0;
	}
	switch (cdb[0]) {
	case 0xa3: /* REPORT SUPPORTED OPERATION CODES: SANITIZE 1, 2, 3 supported */
		memset(h->dxferp, 0, h->dxfer_len);
		if (h->dxfer_len >= 2 && cdb[3] == 0x48 && cdb[5] >= 1 && cdb[5] <= 3)
			((uint8_t *)h->dxferp)[1] = 0x03;
		return 0;
	case 0x48: /* SANITIZE */
		if (!start((cdb[1] & 0x1f) == 3 ? 1 : (cdb[1] & 0x1f) == 2 ? 2 : 3))
			fixed_sense(h, 0x02, 0x04, 0x1b, false, 0);
		return 0;
	case 0x03: { /* REQUEST SENSE: the sense data is the data */
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
		return 0;
	}
	default:
		fixed_sense(h, 0x05, 0x20, 0x00, false, 0);
		return 0;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (req == SG_IO && ours(fd))
		return answer(arg);
	if (req == BLKGETSIZE64 && is("hpa") && ours(fd)) { /* the kernel sees what is accessible */
		*(uint64_t *)arg = accessible() * sim.sector;
		return 0;
	}
	return real(fd, req, arg);
}

static bool busy(int fd)
{
	return (sim.state == RUNNING || sim.locked) && ours(fd);
}

/* Above the accessible maximum a drive answers IDNF: the hidden area cannot be reached. A
 * read or write is a command too: it comes between READ NATIVE MAX and SET MAX. */
static bool hidden(int fd, off_t off, size_t n)
{
	if (!ours(fd))
		return false;
	atomic_store(&sim.native_read, 0);
	return is("hpa") && (uint64_t)off + n > accessible() * sim.sector;
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	if (busy(fd) || hidden(fd, off, n)) {
		errno = EIO;
		return -1;
	}
	return syscall(SYS_pread64, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (busy(fd) || hidden(fd, off, n)) {
		errno = EIO;
		return -1;
	}
	return syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return pread64(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite64(fd, buf, n, off);
}
