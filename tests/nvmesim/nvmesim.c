/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nvmesim.c - a simulated NVMe controller at the ioctl boundary, as an LD_PRELOAD library.
 *
 * It answers NVME_IOCTL_ID and the admin passthrough ioctls (Identify, Get Log Page 81h and
 * 02h - the SMART / Health log of nvmesim-health.c -, Sanitize, Format NVM) for one or two chosen device nodes - loop devices over image files
 * that stand in for namespaces - and really changes them the way a drive would: a crypto
 * erase leaves new random contents, a block erase zeros, an overwrite the pattern, step by
 * step over a few seconds with progress in the Sanitize Status log; reads and writes fail
 * while a sanitize runs. The product cannot tell: it issues the same libnvme calls it would
 * issue to a real drive.
 *
 *   WS_NVMESIM_PATH=/dev/loop3       namespace 1
 *   WS_NVMESIM_NS2=/dev/loop4        namespace 2 (profile two-ns)
 *   WS_NVMESIM_PROFILE=full | crypto | format-only | fails | in-progress | stall | reset |
 *                      two-ns | scrambler | instant | crypto-zeros | crypto-zeros-undeclared |
 *                      ones
 *   (lying and odd drives, all else like full: scrambler's crypto erase changes only 16 bytes
 *   of every 512-byte sector, and zeros the first and the last MiB so no signature is left;
 *   instant reports any sanitize completed at once, erasing nothing, against an estimate of
 *   an hour; crypto-zeros's crypto erase leaves zeros, as deallocated blocks read (DLFEAT
 *   001b); crypto-zeros-undeclared does the same with DLFEAT 000b, saying nothing; ones reads
 *   deallocated blocks as ones, DLFEAT 010b, so its block erase leaves 0xff)
 *   WS_NVMESIM_SECONDS=2             how long a sanitize takes
 *   WS_NVMESIM_STATE=FILE            the Sanitize Status log, kept across processes
 *                                    ("sstat=N sprog=N scdw10=N" on one line)
 *   WS_NVMESIM_LOG=FILE              the commands received and SMART logs answered
 *                                    (nvmesim-health.c)
 *
 * A descriptor is a namespace when it is the device WS_NVMESIM_PATH (or _NS2) names
 * (tests/preload/preload.h). What the simulator does not answer goes on to the next definition
 * of the call, so the fault injector can sit in front of it:
 * LD_PRELOAD="faultinject.so nvmesim.so" (tests/integration/test-layered.c). The erase itself
 * writes the image past every shim, as a drive's firmware writes its medium.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <nvme/types.h>

#include "nvmesim.h"
#include "preload.h"

#define STEPS 20

/* NVMe status codes the simulator answers with (NVMe base spec, Figure "Generic Command
 * Status Values") */
#define SC_INVALID_OPCODE       0x01
#define SC_INVALID_FIELD        0x02
#define SC_SANITIZE_FAILED      0x1c
#define SC_SANITIZE_IN_PROGRESS 0x1d

static struct {
	const char *path[2]; /* namespaces 1 and 2 */
	const char *profile;
	const char *state_file;
	double seconds;
	uint32_t sanicap;
	uint8_t fna;
	bool sanitize_opcode; /* false: like QEMU, no Sanitize command at all */
	pthread_mutex_t lock;
	uint16_t sprog, sstat;
	uint32_t scdw10;
	uint32_t ovrpat;
	int log_failures; /* Get Log Page calls still to fail (a controller reset) */
	bool worker;
} sim = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool is(const char *profile)
{
	return sim.profile && strcmp(sim.profile, profile) == 0;
}

static void save_state(void)
{
	FILE *f;

	if (!sim.state_file || !(f = fopen(sim.state_file, "we")))
		return;
	fprintf(f, "sstat=%u sprog=%u scdw10=%u\n", sim.sstat, sim.sprog, sim.scdw10);
	fclose(f);
}

static void load_state(void)
{
	FILE *f;
	unsigned a, b, c;

	if (!sim.state_file || !(f = fopen(sim.state_file, "re")))
		return;
	if (fscanf(f, "sstat=%u sprog=%u scdw10=%u", &a, &b, &c) == 3) {
		sim.sstat = (uint16_t)a;
		sim.sprog = (uint16_t)b;
		sim.scdw10 = c;
	}
	fclose(f);
}

__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("WS_NVMESIM_SECONDS");

	sim.path[0] = getenv("WS_NVMESIM_PATH");
	sim.path[1] = getenv("WS_NVMESIM_NS2");
	if (sim.path[1] && !*sim.path[1])
		sim.path[1] = NULL;
	sim.profile = getenv("WS_NVMESIM_PROFILE");
	sim.state_file = getenv("WS_NVMESIM_STATE");
	sim.seconds = s ? atof(s) : 2.0;
	sim.sprog = 0xffff;
	sim.sanitize_opcode = true;
	if (!sim.profile)
		sim.profile = "full";
	if (is("crypto")) {
		sim.sanicap = 1u << 0;
	} else if (is("format-only")) {
		sim.sanitize_opcode = false; /* QEMU 7.2: SANICAP 0, FNA 0, no Sanitize */
	} else {
		sim.sanicap = (1u << 0) | (1u << 1) | (1u << 2);
		sim.fna = 1u << 2; /* Format NVM supports cryptographic erase */
		if (is("two-ns"))
			sim.fna |=
			    (1u << 0) | (1u << 1); /* format and secure erase reach every NS */
	}
	load_state();
}

/* Which namespace a descriptor is: 1 or 2, or 0 when it is not one of ours. */
static unsigned ns_of(int fd)
{
	return (unsigned)(preload_fd_which(fd, sim.path, 2) + 1);
}

static unsigned namespaces(void)
{
	return sim.path[1] ? 2 : 1;
}

static uint64_t size_of(const char *path)
{
	return preload_medium_size(path);
}

/* ---- the medium changes ------------------------------------------------------------------- */

/* The scrambler's crypto erase of @buf (@n bytes at @off of a namespace of @size bytes): 16
 * random bytes at the start of every 512-byte sector, zeros in the first and the last MiB. */
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

/* Erase [from, to) of namespace @ns the way @action does: the drive's own writes, past every
 * shim (ours included). */
static void erase_range(unsigned ns, int action, uint64_t from, uint64_t to)
{
	static uint8_t buf[1 << 20];
	int fd = open(sim.path[ns], O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	for (uint64_t off = from; off < to;) {
		size_t n = to - off < sizeof(buf) ? (size_t)(to - off) : sizeof(buf);

		if (action == NVME_SANITIZE_SANACT_START_CRYPTO_ERASE && is("scrambler")) {
			if (preload_medium_pread(fd, buf, n, off) != (ssize_t)n)
				break;
			scramble(buf, n, off, size_of(sim.path[ns]));
		} else if (action == NVME_SANITIZE_SANACT_START_CRYPTO_ERASE &&
		           strncmp(sim.profile, "crypto-zeros", 12) == 0) {
			memset(buf, 0, n);
		} else if (action == NVME_SANITIZE_SANACT_START_CRYPTO_ERASE) {
			if (getrandom(buf, n, 0) != (ssize_t)n)
				memset(buf, 0xa5, n); /* never in practice */
		} else if (action == NVME_SANITIZE_SANACT_START_OVERWRITE) {
			for (size_t i = 0; i < n; i++)
				buf[i] = (uint8_t)(sim.ovrpat >> (8 * ((off + i) % 4)));
		} else {
			memset(buf, is("ones") ? 0xff : 0x00, n);
		}
		if (preload_medium_pwrite(fd, buf, n, off) != (ssize_t)n)
			break;
		off += n;
	}
	fsync(fd);
	close(fd);
}

static void *worker(void *arg)
{
	int action = (int)(intptr_t)arg;
	unsigned start = (unsigned)((uint32_t)sim.sprog * STEPS / 65536);
	struct timespec step = {
		(time_t)(sim.seconds / STEPS),
		(long)((sim.seconds / STEPS - (double)(time_t)(sim.seconds / STEPS)) * 1e9)
	};

	/* resumed (the sanitize was running before this process): what the drive did before
	 * is done */
	for (unsigned ns = 0; start > 0 && ns < namespaces(); ns++)
		erase_range(ns, action, 0, size_of(sim.path[ns]) * start / STEPS);
	for (unsigned s = start; s < STEPS; s++) {
		if (is("stall") && s >= STEPS / 2)
			for (;;)
				nanosleep(&step, NULL); /* the drive stops making progress */
		for (unsigned ns = 0; ns < namespaces(); ns++) {
			uint64_t size = size_of(sim.path[ns]);

			erase_range(ns, action, size * s / STEPS, size * (s + 1) / STEPS);
		}
		nanosleep(&step, NULL);
		pthread_mutex_lock(&sim.lock);
		sim.sprog = (uint16_t)((s + 1) * 65535u / STEPS);
		if (is("reset") && s == STEPS / 2)
			sim.log_failures = 3; /* the controller resets; the log is out of reach */
		if (is("fails") && s == STEPS / 2) {
			sim.sstat = NVME_SANITIZE_SSTAT_STATUS_COMPLETED_FAILED;
			sim.sprog = 0xffff;
			save_state();
			pthread_mutex_unlock(&sim.lock);
			return NULL;
		}
		save_state();
		pthread_mutex_unlock(&sim.lock);
	}
	nvmesim_erased(size_of(sim.path[0]));
	pthread_mutex_lock(&sim.lock);
	sim.sstat = NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS | (1u << 8); /* global erase */
	sim.sprog = 0xffff;
	save_state();
	pthread_mutex_unlock(&sim.lock);
	return NULL;
}

/* Start (or, for a sanitize found in progress at load, resume) the background operation. */
static void start_worker(int action)
{
	pthread_t t;

	if (sim.worker)
		return;
	sim.worker = true;
	if (pthread_create(&t, NULL, worker, (void *)(intptr_t)action) == 0)
		pthread_detach(t);
}

/* ---- admin commands ------------------------------------------------------------------------ */

static void pad(char *dst, size_t len, const char *s)
{
	memset(dst, ' ', len);
	memcpy(dst, s, strlen(s) < len ? strlen(s) : len);
}

static int identify(struct nvme_passthru_cmd *c, unsigned ns)
{
	unsigned cns = c->cdw10 & 0xff;
	void *data = (void *)(uintptr_t)c->addr;

	if (cns == NVME_IDENTIFY_CNS_CTRL && c->data_len >= sizeof(struct nvme_id_ctrl)) {
		struct nvme_id_ctrl *id = data;
		char sn[32];

		memset(id, 0, sizeof(*id));
		snprintf(sn, sizeof(sn), "SIM-%s-0001", sim.profile);
		pad(id->sn, sizeof(id->sn), sn);
		pad(id->mn, sizeof(id->mn), "WIPESEAL SIMULATED NVMe");
		pad(id->fr, sizeof(id->fr), "1.0");
		id->vid = 0x1b36;
		id->cntlid = 1;
		id->oacs = 1u << 1; /* Format NVM */
		id->sanicap = sim.sanicap;
		id->fna = sim.fna;
		id->nn = namespaces();
		/* one NVM subsystem per simulated drive: what a Sanitize reaches */
		snprintf(id->subnqn, sizeof(id->subnqn), "nqn.2014-08.org.wipeseal:sim:%s",
		         sim.profile ? sim.profile : "full");
		return 0;
	}
	if (cns == NVME_IDENTIFY_CNS_NS && c->data_len >= sizeof(struct nvme_id_ns)) {
		struct nvme_id_ns *id = data;
		unsigned nsid = c->nsid ? c->nsid : ns;
		uint64_t blocks =
		    nsid >= 1 && nsid <= namespaces() ? size_of(sim.path[nsid - 1]) / 512 : 0;

		if (!blocks)
			return SC_INVALID_FIELD;
		memset(id, 0, sizeof(*id));
		id->nsze = id->ncap = id->nuse = blocks;
		id->lbaf[0].ds = 9;
		/* deallocated blocks read as zeros; ones, as ones; crypto-zeros-undeclared does
		 * not say */
		id->dlfeat = is("crypto-zeros-undeclared") ? 0x00 : is("ones") ? 0x02 : 0x01;
		return 0;
	}
	if (cns == NVME_IDENTIFY_CNS_NS_ACTIVE_LIST && c->data_len >= sizeof(struct nvme_ns_list)) {
		struct nvme_ns_list *l = data;

		memset(l, 0, sizeof(*l));
		for (unsigned i = 0; i < namespaces(); i++)
			l->ns[i] = i + 1;
		return 0;
	}
	return SC_INVALID_FIELD;
}

static int get_log(struct nvme_passthru_cmd *c)
{
	struct nvme_sanitize_log_page *log = (void *)(uintptr_t)c->addr;
	uint32_t secs = (uint32_t)(sim.seconds + 0.999);

	if ((c->cdw10 & 0xff) == NVME_LOG_LID_SMART)
		return nvmesim_smart_log(log, c->data_len);
	if ((c->cdw10 & 0xff) != NVME_LOG_LID_SANITIZE || c->data_len < sizeof(*log))
		return SC_INVALID_FIELD;
	pthread_mutex_lock(&sim.lock);
	if (sim.log_failures > 0) {
		sim.log_failures--;
		pthread_mutex_unlock(&sim.lock);
		errno = EIO; /* mid-reset: the command does not reach the controller */
		return -1;
	}
	memset(log, 0, sizeof(*log));
	log->sprog = sim.sprog;
	log->sstat = sim.sstat;
	log->scdw10 = sim.scdw10;
	log->eto = log->etbe = log->etce = is("instant") ? 3600 : secs;
	log->etond = log->etbend = log->etcend = 0xffffffff;
	pthread_mutex_unlock(&sim.lock);
	return 0;
}

static int sanitize(struct nvme_passthru_cmd *c)
{
	int action = (int)(c->cdw10 & 0x7), r = 0;
	uint32_t need = action == NVME_SANITIZE_SANACT_START_CRYPTO_ERASE  ? 1u << 0
	                : action == NVME_SANITIZE_SANACT_START_BLOCK_ERASE ? 1u << 1
	                : action == NVME_SANITIZE_SANACT_START_OVERWRITE   ? 1u << 2
	                                                                   : 0;

	if (!sim.sanitize_opcode)
		return SC_INVALID_OPCODE;
	pthread_mutex_lock(&sim.lock);
	if ((sim.sstat & 0x7) == NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS) {
		r = SC_SANITIZE_IN_PROGRESS;
	} else if (action == NVME_SANITIZE_SANACT_EXIT_FAILURE) {
		if ((sim.sstat & 0x7) == NVME_SANITIZE_SSTAT_STATUS_COMPLETED_FAILED)
			sim.sstat = NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS;
		save_state();
	} else if (!need || !(sim.sanicap & need)) {
		r = SC_INVALID_FIELD;
	} else if (is("instant")) { /* "done", at once, and nothing erased */
		sim.sstat = NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS | (1u << 8);
		sim.sprog = 0xffff;
		sim.scdw10 = c->cdw10;
		save_state();
	} else {
		sim.sstat = NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS;
		sim.sprog = 0;
		sim.scdw10 = c->cdw10;
		sim.ovrpat = c->cdw11;
		sim.worker = false;
		save_state();
		start_worker(action);
	}
	pthread_mutex_unlock(&sim.lock);
	return r;
}

static int format(struct nvme_passthru_cmd *c, unsigned ns)
{
	unsigned ses = (c->cdw10 >> 9) & 0x7;
	bool all = c->nsid == 0xffffffff || (sim.fna & 0x3);

	if ((sim.sstat & 0x7) == NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS)
		return SC_SANITIZE_IN_PROGRESS;
	for (unsigned i = 0; i < namespaces(); i++)
		if (all || i + 1 == (c->nsid ? c->nsid : ns))
			/* like QEMU: a format zero-fills, whatever SES asked for; a drive that
			 * supports crypto format leaves random bytes */
			erase_range(i,
			            ses == 2 && (sim.fna & 4)
			                ? NVME_SANITIZE_SANACT_START_CRYPTO_ERASE
			                : NVME_SANITIZE_SANACT_START_BLOCK_ERASE,
			            0, size_of(sim.path[i]));
	nvmesim_erased(size_of(sim.path[0]));
	return 0;
}

static int admin(struct nvme_passthru_cmd *c, unsigned ns)
{
	nvmesim_log_admin(c);
	switch (c->opcode) {
	case nvme_admin_identify:
		return identify(c, ns);
	case nvme_admin_get_log_page:
		return get_log(c);
	case nvme_admin_sanitize_nvm:
		return sanitize(c);
	case nvme_admin_format_nvm:
		return format(c, ns);
	default:
		return SC_INVALID_OPCODE;
	}
}

/* ---- the interposed calls ------------------------------------------------------------------ */

int ioctl(int fd, unsigned long req, ...)
{
	unsigned ns = ns_of(fd);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!ns)
		return preload_next()->ioctl(fd, req, arg);
	/* a sanitize found running when the process started goes on in this process */
	if ((sim.sstat & 0x7) == NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS && !sim.worker)
		start_worker((int)(sim.scdw10 & 0x7) ? (int)(sim.scdw10 & 0x7)
		                                     : NVME_SANITIZE_SANACT_START_BLOCK_ERASE);
	if (req == NVME_IOCTL_ID)
		return (int)ns;
	if (req == NVME_IOCTL_ADMIN_CMD) {
		int r = admin(arg, ns);

		return r;
	}
	if (req == NVME_IOCTL_ADMIN64_CMD) {
		struct nvme_passthru_cmd64 *c64 = arg;
		struct nvme_passthru_cmd c = {
			.opcode = c64->opcode,
			.nsid = c64->nsid,
			.addr = c64->addr,
			.data_len = c64->data_len,
			.cdw10 = c64->cdw10,
			.cdw11 = c64->cdw11,
		};
		int r = admin(&c, ns);

		c64->result = c.result;
		return r;
	}
	return preload_next()->ioctl(fd, req, arg);
}

/* Reads and writes fail while a sanitize runs, as on a real drive. */
static bool busy(int fd)
{
	return (sim.sstat & 0x7) == NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS && ns_of(fd);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	if (busy(fd)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pread64(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (busy(fd)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pwrite64(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	if (busy(fd)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pread(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (busy(fd)) {
		errno = EIO;
		return -1;
	}
	return preload_next()->pwrite(fd, buf, n, off);
}
