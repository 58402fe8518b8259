/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * context.c - the library handle and its logging.
 *
 * The library never prints: every message goes to the callback the front end installed, or
 * nowhere. Messages below the chosen level are not even formatted.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <libudev.h>

#include "internal.h"

#ifndef WS_GIT_REVISION
#define WS_GIT_REVISION "unknown"
#endif
#ifndef WS_VERSION
#define WS_VERSION "0.0.0"
#endif

static const char *const default_root[] = {
	[WS_ROOT_SYS] = "/sys",
	[WS_ROOT_PROC] = "/proc",
	[WS_ROOT_DEV] = "/dev",
};

int ws_ctx_new(struct ws_ctx **ret)
{
	struct ws_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	ctx->log_max = WS_LOG_WARN;
	for (size_t i = 0; i < ELEMENTSOF(default_root); i++) {
		ctx->root[i] = strdup(default_root[i]);
		if (!ctx->root[i]) {
			ws_ctx_free(ctx);
			return -ENOMEM;
		}
	}
	ctx->udev = udev_new();
	if (!ctx->udev) {
		ws_ctx_free(ctx);
		return -EIO;
	}
	*ret = ctx;
	return 0;
}

struct ws_ctx *ws_ctx_free(struct ws_ctx *ctx)
{
	if (!ctx)
		return NULL;
	udev_unref(ctx->udev);
	for (size_t i = 0; i < ELEMENTSOF(ctx->root); i++)
		free(ctx->root[i]);
	free(ctx->protect_label);
	free(ctx->protect_build_id);
	free(ctx);
	return NULL;
}

void ws_ctx_set_log(struct ws_ctx *ctx, ws_log_fn fn, void *userdata, enum ws_log_level max_level)
{
	ctx->log_fn = fn;
	ctx->log_userdata = userdata;
	ctx->log_max = max_level;
}

int ws_ctx_set_root(struct ws_ctx *ctx, enum ws_root which, const char *path)
{
	char *copy;
	size_t len;

	if ((unsigned)which >= ELEMENTSOF(ctx->root) || !path)
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	free(ctx->root[which]);
	ctx->root[which] = copy;
	if (which == WS_ROOT_SYS)
		ctx->fixture = strcmp(copy, default_root[WS_ROOT_SYS]) != 0;
	return 0;
}

void ws_log(struct ws_ctx *ctx, enum ws_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!ctx || !ctx->log_fn || level > ctx->log_max)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_userdata, level, buf);
}

const char *ws_version(void)
{
	return WS_VERSION;
}

const char *ws_git_revision(void)
{
	return WS_GIT_REVISION;
}
