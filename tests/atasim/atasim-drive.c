/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atasim-drive.c - the simulated drive's model (see atasim.c for what it simulates): what it
 * keeps over a power cycle, its medium and the sanitize that changes it step by step, and the
 * capacity it shows (native, and accessible below a host protected area).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "atasim.h"
#include "preload.h"

struct atasim sim = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- what the drive keeps ------------------------------------------------------------------ */

/* What outlives the process (a locked drive stays locked, a permanent SET MAX stays): the
 * security state on line 1, the host protected area on line 2 of WS_ATASIM_STATE. */
void sim_save_state(void)
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

void sim_load_state(void)
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

bool sim_is(const char *p)
{
	return strcmp(sim.profile, p) == 0;
}

/* The medium's size in bytes, past every shim: the image, whatever a host protected area
 * makes the kernel see. */
uint64_t sim_size(void)
{
	return preload_medium_size(sim.path);
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

/* Erase [from, to) the way sim.action does: the drive's own writes, past every shim. */
void sim_erase_range(uint64_t from, uint64_t to)
{
	static uint8_t buf[1 << 20];
	int fd = open(sim.path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	for (uint64_t off = from; off < to;) {
		size_t n = to - off < sizeof(buf) ? (size_t)(to - off) : sizeof(buf);

		if (sim.action == 1 && sim_is("scrambler")) {
			if (preload_medium_pread(fd, buf, n, off) != (ssize_t)n)
				break;
			scramble(buf, n, off, sim_size());
		} else if (sim.action == 1 && sim_is("zeros-rzat")) {
			memset(buf, 0, n);
		} else if (sim.action == 1) {
			if (getrandom(buf, n, 0) != (ssize_t)n)
				memset(buf, 0x5a, n);
		} else {
			memset(buf, 0, n); /* block erase; overwrite with pattern 0 */
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
	uint64_t size = sim_size();
	struct timespec step = { 0, (long)(sim.seconds / STEPS * 1e9) };

	(void)arg;
	for (unsigned s = 0; s < STEPS; s++) {
		sim_erase_range(size * s / STEPS, size * (s + 1) / STEPS);
		nanosleep(&step, NULL);
		pthread_mutex_lock(&sim.lock);
		sim.progress = (uint16_t)((s + 1) * 65535u / STEPS);
		if (sim_is("fails") && s == STEPS / 2) {
			sim.state = FAILED;
			pthread_mutex_unlock(&sim.lock);
			return NULL;
		}
		pthread_mutex_unlock(&sim.lock);
	}
	sim_written(size);
	pthread_mutex_lock(&sim.lock);
	sim.state = DONE;
	pthread_mutex_unlock(&sim.lock);
	return NULL;
}

bool sim_start(int action)
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

/* ---- the capacity -------------------------------------------------------------------------- */

/* All the logical sectors there are. */
uint64_t sim_native(void)
{
	return sim_size() / sim.sector;
}

/* The accessible maximum: at power-on the one the owner set (hpa: all but the last eighth),
 * then whatever SET MAX made it. */
uint64_t sim_accessible(void)
{
	if (!sim.owner_max)
		sim.owner_max = sim_is("hpa") ? sim_native() - sim_native() / 8 : sim_native();
	if (!sim.accessible)
		sim.accessible = sim.owner_max;
	return sim.accessible;
}
