/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * power.c - a suspend-to-RAM cycle, the standard way to lift the freeze lock that firmware
 * or BIOS put on SATA drives at boot (a drive coming back from a power loss is not frozen).
 *
 * The machine wakes itself through the RTC alarm after a few seconds; where it cannot
 * suspend (no "mem" in /sys/power/state) or has no RTC alarm, we refuse rather than leave
 * the operator with a sleeping station.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "internal.h"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		r = -errno;
	close(fd);
	return r;
}

int ws_suspend_cycle(struct ws_ctx *ctx, unsigned seconds, char **ret_reason)
{
	char *states = NULL, *alarm = NULL, *state_path = ws_path(ctx, WS_ROOT_SYS, "/power/state");
	char *alarm_path = ws_path(ctx, WS_ROOT_SYS, "/class/rtc/rtc0/wakealarm");
	char when[16];
	int r;

	if (!state_path || !alarm_path) {
		r = -ENOMEM;
		goto done;
	}
	if (read_line_file(state_path, &states) < 0 || !strstr(states, "mem")) {
		r = ws_reason(ret_reason, -EOPNOTSUPP,
		              "this machine cannot suspend to RAM (%s has no \"mem\"): re-plug the "
		              "drive instead",
		              state_path);
		goto done;
	}
	if (read_line_file(alarm_path, &alarm) < 0) {
		r = ws_reason(ret_reason, -EOPNOTSUPP,
		              "no RTC wake alarm (%s): the machine could not wake itself; re-plug "
		              "the drive instead",
		              alarm_path);
		goto done;
	}
	snprintf(when, sizeof(when), "+%u", seconds ? seconds : 5);
	(void)write_file(alarm_path, "0"); /* clear a stale alarm first */
	r = write_file(alarm_path, when);
	if (r == 0)
		r = write_file(state_path, "mem"); /* returns after the machine wakes */
	if (r < 0)
		ws_reason(ret_reason, r, "suspend failed: %s", strerror(-r));
done:
	free(states);
	free(alarm);
	free(state_path);
	free(alarm_path);
	return r;
}
