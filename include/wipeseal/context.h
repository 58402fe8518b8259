/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/context.h - the library handle.
 *
 * A struct ws_ctx carries what every call needs: the udev handle, the log callback the front
 * end installs (the library itself never prints), and the roots of /sys, /proc and /dev,
 * which tests point at fixture trees.
 */
#ifndef WIPESEAL_CONTEXT_H
#define WIPESEAL_CONTEXT_H

#include <stdarg.h>

struct ws_ctx;

/* Severity of a log message handed to the front end's callback. */
enum ws_log_level {
	WS_LOG_ERR = 3,
	WS_LOG_WARN = 4,
	WS_LOG_INFO = 6,
	WS_LOG_DEBUG = 7,
};

/* Receives one complete message (no trailing newline) per call. */
typedef void (*ws_log_fn)(void *userdata, enum ws_log_level level, const char *msg);

/* Which file system tree a context reads its facts from. */
enum ws_root {
	WS_ROOT_SYS,  /* sysfs, "/sys" */
	WS_ROOT_PROC, /* procfs, "/proc" (mountinfo, swaps) */
	WS_ROOT_DEV,  /* device nodes, "/dev" */
};

/*
 * ws_ctx_new() - create a library context.
 * @ret: receives the context; free it with ws_ctx_free().
 *
 * Return: 0, or a negative errno (-ENOMEM; -EIO when libudev cannot start).
 */
int ws_ctx_new(struct ws_ctx **ret);

/* ws_ctx_free() - release a context; NULL is fine. Return: NULL. */
struct ws_ctx *ws_ctx_free(struct ws_ctx *ctx);

/*
 * ws_ctx_set_log() - install the callback that receives the library's messages.
 * @fn: the callback, or NULL to drop messages.
 * @userdata: handed back to @fn.
 * @max_level: messages less severe than this are not formatted at all.
 */
void ws_ctx_set_log(struct ws_ctx *ctx, ws_log_fn fn, void *userdata, enum ws_log_level max_level);

/*
 * ws_ctx_set_root() - read sysfs, procfs or /dev from another directory (tests, chroots).
 * A context with a non-default sysfs root does not use libudev for enumeration.
 *
 * Return: 0, or -ENOMEM.
 */
int ws_ctx_set_root(struct ws_ctx *ctx, enum ws_root which, const char *path);

/* ws_version() - the library's version, "MAJOR.MINOR.PATCH". */
const char *ws_version(void);

/* ws_git_revision() - the git revision the library was built from ("unknown" outside git). */
const char *ws_git_revision(void);

#endif
