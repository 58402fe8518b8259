/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.c - small helpers for sysfs-style files, strings and string lists.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

#include "internal.h"

char *ws_path(const struct ws_ctx *ctx, enum ws_root which, const char *fmt, ...)
{
	_cleanup_free_ char *rel = NULL;
	char *out = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&rel, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	if (asprintf(&out, "%s%s", ctx->root[which], rel) < 0)
		return NULL;
	return out;
}

int read_line_file(const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;
	char buf[4096];
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	for (size_t len = strlen(buf); len > 0 && isspace((unsigned char)buf[len - 1]); len--)
		buf[len - 1] = '\0';
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

int read_u64_file(const char *path, uint64_t *ret)
{
	_cleanup_free_ char *s = NULL;
	unsigned long long v;
	char *end;
	int r;

	r = read_line_file(path, &s);
	if (r < 0)
		return r;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

char *strdup_trim(const char *s)
{
	size_t len;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return NULL;
	return strndup(s, len);
}

char *strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int ws_strv_add(struct ws_strv *sv, const char *s)
{
	char **v;
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	v = realloc(sv->v, (sv->n + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	v[sv->n++] = copy;
	sv->v = v;
	return 0;
}

int ws_strv_addf(struct ws_strv *sv, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return ws_strv_add(sv, s);
}

bool ws_strv_contains(const struct ws_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void ws_strv_clear(struct ws_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}
