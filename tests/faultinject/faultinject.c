/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * faultinject.c - an LD_PRELOAD library that makes chosen reads and writes of one file fail,
 * lie or crawl, at the system-call boundary, so that tests exercise the product's real error
 * paths without a single test-only branch in it.
 *
 *   WS_FAULT_PATH=/dev/loop3[,/dev/loop4]  the files whose I/O is affected: a descriptor is
 *                                          one of them when it is the same device (or file)
 *                                          as the path names (tests/preload/preload.h)
 *   WS_FAULT_WRITE=RULE[,RULE...]          rules for pwrite/pwrite64
 *   WS_FAULT_READ=RULE[,RULE...]           rules for pread/pread64
 *   RULE = OFFSET+LENGTH:ACTION            LENGTH may be "-" (to the end)
 *   ACTION = EIO | ENODEV | ENOSPC | ENXIO  fail with that errno
 *          | LIE                           claim success, transfer nothing
 *          | DELAYms                       sleep that long, then do it
 *          | HOLD                          wait until the file WS_FAULT_HOLD names exists
 *                                          (polled every 10 ms), then do it: a test acts
 *                                          in the middle of a pass, then lets it go on
 *
 * A request that overlaps a rule's range gets the rule's action (the first rule that
 * matches). Everything else is passed on untouched to the next definition of the call.
 *
 *   WS_FAULT_GONE=/dev/loop4:/tmp/pull     from the moment the file /tmp/pull exists, every
 *                                          read and write of /dev/loop4 fails with ENODEV,
 *                                          as on a drive pulled from its bay (a loop device
 *                                          cannot be detached while it is open: losetup -d
 *                                          defers until the last close)
 *
 * Layering: what passes is handed on through tests/preload (dlsym(RTLD_NEXT, ...)), never to
 * the kernel directly, so the injector stacks on a simulated drive. Put it first:
 * LD_PRELOAD="faultinject.so nvmesim.so" (or atasim.so) makes a fault on the way from the
 * product to the simulated drive; test-layered.c shows it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "preload.h"

enum action { FAIL, LIE, DELAY, HOLD };

struct rule {
	uint64_t off, len; /* len UINT64_MAX: to the end */
	enum action action;
	int err;
	long delay_ms;
};

#define MAX_RULES 16

static struct rule wrules[MAX_RULES], rrules[MAX_RULES];
static size_t n_wrules, n_rrules;
#define MAX_TARGETS 16

static char *target_list; /* WS_FAULT_PATH, with ',' turned into '\0' */
static const char *targets[MAX_TARGETS];
static size_t n_targets;
static char gone_path[4096], gone_trigger[4096], hold_release[4096];

static int errno_of(const char *s)
{
	static const struct {
		const char *name;
		int err;
	} names[] = {
		{ "EIO", EIO }, { "ENODEV", ENODEV }, { "ENOSPC", ENOSPC }, { "ENXIO", ENXIO }
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].err;
	return 0;
}

static size_t parse(const char *spec, struct rule *rules)
{
	char *copy, *save = NULL, *tok;
	size_t n = 0;

	if (!spec || !(copy = strdup(spec)))
		return 0;
	for (tok = strtok_r(copy, ",", &save); tok && n < MAX_RULES;
	     tok = strtok_r(NULL, ",", &save)) {
		struct rule *r = &rules[n];
		char *plus = strchr(tok, '+'), *colon = strchr(tok, ':');

		if (!plus || !colon || colon < plus)
			continue;
		*plus = *colon = '\0';
		r->off = strtoull(tok, NULL, 0);
		r->len = strcmp(plus + 1, "-") == 0 ? UINT64_MAX : strtoull(plus + 1, NULL, 0);
		if (strcmp(colon + 1, "LIE") == 0) {
			r->action = LIE;
		} else if (strcmp(colon + 1, "HOLD") == 0) {
			r->action = HOLD;
		} else if (strncmp(colon + 1, "DELAY", 5) == 0) {
			r->action = DELAY;
			r->delay_ms = strtol(colon + 6, NULL, 10);
		} else {
			r->action = FAIL;
			r->err = errno_of(colon + 1);
			if (!r->err)
				continue;
		}
		n++;
	}
	free(copy);
	return n;
}

/* At load time, before any thread exists: the rules never change afterwards. */
__attribute__((constructor)) static void init(void)
{
	const char *paths = getenv("WS_FAULT_PATH"), *gone = getenv("WS_FAULT_GONE");
	const char *colon = gone ? strchr(gone, ':') : NULL;

	if (paths && (target_list = strdup(paths))) {
		targets[n_targets++] = target_list;
		for (char *p = target_list; *p && n_targets < MAX_TARGETS; p++)
			if (*p == ',') {
				*p = '\0';
				targets[n_targets++] = p + 1;
			}
	}
	if (colon && (size_t)(colon - gone) < sizeof(gone_path)) {
		memcpy(gone_path, gone, (size_t)(colon - gone));
		snprintf(gone_trigger, sizeof(gone_trigger), "%s", colon + 1);
	}
	if (getenv("WS_FAULT_HOLD"))
		snprintf(hold_release, sizeof(hold_release), "%s", getenv("WS_FAULT_HOLD"));
	n_wrules = parse(getenv("WS_FAULT_WRITE"), wrules);
	n_rrules = parse(getenv("WS_FAULT_READ"), rrules);
}

/* The rule for this request, if the descriptor is a target and a range overlaps. */
static const struct rule *match(int fd, uint64_t off, size_t len, int write)
{
	static const struct rule pulled = { 0, UINT64_MAX, FAIL, ENODEV, 0 };
	const struct rule *rules = write ? wrules : rrules;
	size_t n = write ? n_wrules : n_rrules;

	if ((n_targets == 0 || n == 0) && !gone_path[0])
		return NULL;
	if (gone_path[0] && preload_fd_is(fd, gone_path)) {
		int saved = errno, gone_now = access(gone_trigger, F_OK) == 0;

		errno = saved; /* the call is handed on as it came */
		if (gone_now)
			return &pulled;
	}
	if (n == 0 || preload_fd_which(fd, targets, n_targets) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t end =
		    rules[i].len == UINT64_MAX ? UINT64_MAX : rules[i].off + rules[i].len;

		if (off < end && off + len > rules[i].off)
			return &rules[i];
	}
	return NULL;
}

/* Apply @r: return 1 and set *ret when the call is answered here, 0 to pass it on. */
static int apply(const struct rule *r, size_t len, ssize_t *ret)
{
	if (!r)
		return 0;
	switch (r->action) {
	case FAIL:
		errno = r->err;
		*ret = -1;
		return 1;
	case LIE:
		*ret = (ssize_t)len;
		return 1;
	case DELAY: {
		struct timespec ts = { r->delay_ms / 1000, (r->delay_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		return 0;
	}
	case HOLD: {
		struct timespec ts = { 0, 10 * 1000000L };

		while (hold_release[0] && access(hold_release, F_OK) != 0)
			nanosleep(&ts, NULL);
		return 0;
	}
	}
	return 0;
}

/* ---- the interposed calls ------------------------------------------------------------------ */

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t ret;

	if (apply(match(fd, (uint64_t)off, len, 1), len, &ret))
		return ret;
	return preload_next()->pwrite(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t ret;

	if (apply(match(fd, (uint64_t)off, len, 1), len, &ret))
		return ret;
	return preload_next()->pwrite64(fd, buf, len, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t ret;

	if (apply(match(fd, (uint64_t)off, len, 0), len, &ret))
		return ret;
	return preload_next()->pread(fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	ssize_t ret;

	if (apply(match(fd, (uint64_t)off, len, 0), len, &ret))
		return ret;
	return preload_next()->pread64(fd, buf, len, off);
}
