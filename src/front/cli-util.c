/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli-util.c - messages, exit codes and formatting shared by the subcommands.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "front.h"

/*
 * Every message ends up as one line on a terminal, whatever it quotes: a mount point, a file
 * name, a drive's serial may hold a newline or an escape sequence, and none of it reaches
 * the terminal raw (cli_printable(), as `list` shows them).
 */
void cli_err(const struct cli *cli, const char *fmt, ...)
{
	char *msg = NULL, *safe;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	safe = cli_printable(msg ? msg : "out of memory");
	fprintf(stderr, "wipeseal %s: %s\n", cli->cmd, safe);
	free(safe);
	free(msg);
}

int cli_bad_usage(const struct cli *cli)
{
	fprintf(stderr, "Try 'wipeseal %s --help' for more information.\n", cli->cmd);
	return WS_EXIT_USAGE;
}

int cli_config_load(const struct cli *cli, const char *path, struct ws_config **ret)
{
	char *why = NULL;
	int r = ws_config_load(path ? path : WS_CONFIG_DEFAULT, ret, &why);

	if (r == -ENOENT && !path) { /* no station config: the flags alone */
		free(why);
		why = NULL;
		r = ws_config_new(ret);
	}
	if (r < 0)
		cli_err(cli, "%s", why ? why : strerror(-r));
	free(why);
	return r < 0 ? WS_EXIT_USAGE : WS_EXIT_OK;
}

int cli_exit_code(int r)
{
	switch (r) {
	case 0:
		return WS_EXIT_OK;
	case -EPERM:
		return WS_EXIT_REFUSED;
	case -ENOENT:
	case -ENOTDIR:
	case -ENOTBLK:
	case -ENODEV:
	case -EINVAL:
		return WS_EXIT_USAGE;
	default:
		return WS_EXIT_FAILED;
	}
}

int cli_worse(int a, int b)
{
	/* bad input, then a refusal, then data found, then a failure, then success */
	static const int rank[] = {
		[WS_EXIT_OK] = 0,      [WS_EXIT_FAILED] = 1, [WS_EXIT_DATA_FOUND] = 2,
		[WS_EXIT_REFUSED] = 3, [WS_EXIT_USAGE] = 4,
	};

	return rank[b] > rank[a] ? b : a;
}

int cli_result_exit_code(const struct ws_result *res)
{
	if (!res || res->status == WS_STATUS_ABORTED)
		return WS_EXIT_FAILED;
	if (res->status == WS_STATUS_REFUSED)
		return WS_EXIT_REFUSED;
	if (res->dry_run)
		return WS_EXIT_OK;
	/* clearing a failure mode is the operator's goal, not a sanitization */
	if (ws_technique_has(res->technique, WS_TECH_F_ERASES_NOTHING))
		return res->firmware.ran && res->firmware.command_status == 0 ? WS_EXIT_OK
		                                                              : WS_EXIT_FAILED;
	if (res->technique != WS_TECH_OVERWRITE)
		return ws_result_data_found(res) && res->firmware.transition_seen
		           ? WS_EXIT_DATA_FOUND
		       : res->status == WS_STATUS_SUCCESS ? WS_EXIT_OK
		                                          : WS_EXIT_FAILED;
	for (size_t i = 0; i < res->n_passes; i++)
		if (!res->passes[i].completed)
			return WS_EXIT_FAILED;
	if (res->n_passes < res->n_planned)
		return WS_EXIT_FAILED;
	if (ws_result_data_found(res))
		return WS_EXIT_DATA_FOUND;
	return res->status == WS_STATUS_SUCCESS ? WS_EXIT_OK : WS_EXIT_FAILED;
}

const char *cli_strerror(int r)
{
	switch (r) {
	case -ENOENT:
		return "no such device or file (see 'wipeseal list --all')";
	case -ENOTBLK:
		return "not a block device or a disk image file";
	case -ENODEV:
		return "the kernel does not know this block device";
	default:
		return strerror(-r);
	}
}

const char *cli_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024.0 && u < sizeof(units) - 2) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	else if (v < 10.0)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
	return buf;
}

void cli_make_printable(char *s)
{
	for (char *p = s; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
}

char *cli_printable(const char *s)
{
	char *out = strdup(s ? s : "-");

	if (!out)
		abort();
	cli_make_printable(out);
	return out;
}

void cli_log(void *userdata, enum ws_log_level level, const char *msg)
{
	char *safe = cli_printable(msg);

	(void)userdata;
	fprintf(stderr, "wipeseal: %s%s\n",
	        level <= WS_LOG_ERR    ? "error: "
	        : level <= WS_LOG_WARN ? "warning: "
	                               : "",
	        safe);
	free(safe);
}

int64_t cli_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
