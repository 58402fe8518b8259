/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.c - small helpers for sysfs-style files, the files a user names, strings and string
 * lists.
 *
 * Every file a user names (the configuration, certificates and their signatures, the
 * signer's key, certificate and chain, a CA, a pass phrase) is read by ws_read_regular():
 * opened without blocking, checked on the open descriptor to be a regular file, read to its
 * end under a size cap, a read error an error. A FIFO would otherwise hang the reader,
 * /dev/zero fill memory, and a directory or a failing disk read as an empty file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

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

/* ---- files a user names ------------------------------------------------------------------- */

int ws_read_regular(const char *path, size_t cap, char **ret, size_t *ret_len, struct stat *ret_st)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size, limit = cap + 1; /* reading cap + 1 bytes proves it too large */
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (ret_st)
		*ret_st = st;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > cap)
		return -EFBIG;
	/* the size is a hint: /proc files say 0, and a file may grow while it is read */
	size = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	if (size > limit)
		size = limit;
	if (!(buf = malloc(size + 1)))
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == size) {
			char *bigger;

			if (size == limit)
				return -EFBIG;
			size = size > limit / 2 ? limit : 2 * size;
			if (!(bigger = realloc(buf, size + 1)))
				return -ENOMEM;
			buf = bigger;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno; /* an error, never an early end of file */
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int ws_read_file_capped(const char *path, size_t cap, char **ret, size_t *ret_len)
{
	return ws_read_regular(path, cap, ret, ret_len, NULL);
}

const char *ws_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	case S_IFREG:
		return "a regular file";
	default:
		return "not a file";
	}
}

int ws_read_named(const char *what, const char *path, size_t cap, char **ret, size_t *ret_len,
                  struct stat *ret_st, char **ret_reason)
{
	struct stat st = { 0 };
	int r = ws_read_regular(path, cap, ret, ret_len, &st);

	if (r == -EINVAL)
		return ws_reason(ret_reason, r,
		                 "%s %s is %s, not a regular file: name the file itself", what,
		                 path, ws_file_kind(st.st_mode));
	if (r == -EFBIG)
		return ws_reason(ret_reason, r, "%s %s is larger than the %zu %s it may be", what,
		                 path, cap >= (1u << 20) ? cap >> 20 : cap >> 10,
		                 cap >= (1u << 20) ? "MiB" : "KiB");
	if (r < 0)
		return ws_reason(ret_reason, r, "%s %s: %s", what, path, strerror(-r));
	if (ret_st)
		*ret_st = st;
	return 0;
}

int ws_reason(char **ret_reason, int err, const char *fmt, ...)
{
	va_list ap;

	if (ret_reason) {
		va_start(ap, fmt);
		if (vasprintf(ret_reason, fmt, ap) < 0)
			*ret_reason = NULL;
		va_end(ap);
	}
	return err;
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

char *ws_escape_field(const char *s)
{
	char *out = malloc(4 * strlen(s) + 1), *w = out;

	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\')
			w += sprintf(w, "\\x%02x", *p);
		else
			*w++ = (char)*p;
	*w = '\0';
	return out;
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

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF, no NUL. */
bool ws_utf8_valid(const void *data, size_t len)
{
	const unsigned char *s = data;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

char *ws_utf8_safe(const char *s)
{
	size_t len, w = 0;
	char *out;

	if (!s)
		return NULL;
	len = strlen(s);
	if (ws_utf8_valid(s, len))
		return strdup(s);
	out = malloc(3 * len + 1); /* each bad byte becomes U+FFFD, three bytes */
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = 1;

		/* the longest valid sequence starting here, else one bad byte */
		for (size_t k = 4; k >= 1; k--)
			if (i + k <= len && ws_utf8_valid(s + i, k)) {
				n = k;
				break;
			}
		if (ws_utf8_valid(s + i, n)) {
			memcpy(out + w, s + i, n);
			w += n;
		} else {
			memcpy(out + w, "\xef\xbf\xbd", 3);
			w += 3;
		}
		i += n;
	}
	out[w] = '\0';
	return out;
}

int ws_uuid4(char *s)
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(s, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
	return 0;
}
