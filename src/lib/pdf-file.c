/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-file.c - a certificate's PDF from its files: NAME.json (and NAME.validation.json when
 * it is beside it) read with the certificate's size caps, NAME.pdf written whole or not at
 * all: a temporary file beside it, fsync'd, then renamed over the old one (replacing) or
 * linked into place (never over a file), and the directory fsync'd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wipeseal/cert.h>

#include "internal.h"
#include "pdf-internal.h"

/* @path without its ".json" (all of it when it has none) and with @suffix (malloc'd). */
static char *sibling(const char *path, const char *suffix)
{
	size_t n = strlen(path);
	char *s = NULL;

	if (n > 5 && strcmp(path + n - 5, ".json") == 0)
		n -= 5;
	if (asprintf(&s, "%.*s%s", (int)n, path, suffix) < 0)
		return NULL;
	return s;
}

static int fsync_dir_of(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, r = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(dir);
	return r;
}

/* @len bytes as @out, whole or not at all. */
static int write_whole(const char *out, const unsigned char *p, size_t len, bool replace)
{
	char *tmp = NULL;
	int fd, r = 0;

	if (asprintf(&tmp, "%s.tmp-XXXXXX", out) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	for (size_t off = 0; r == 0 && off < len;) {
		ssize_t n = write(fd, p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* nothing written is no progress: never loop on it */
			r = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
	if (r == 0 && (fchmod(fd, 0640) < 0 || fsync(fd) < 0))
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && (replace ? rename(tmp, out) : link(tmp, out)) < 0)
		r = -errno;
	if (r < 0 || !replace)
		(void)unlink(tmp);
	if (r == 0)
		r = fsync_dir_of(out);
	free(tmp);
	return r;
}

int ws_pdf_write_file(const char *cert, const char *out, unsigned flags,
                      const struct ws_pdf_opts *opts, char **ret_path, char **ret_reason)
{
	char *json = NULL, *val = NULL, *vpath = sibling(cert, ".validation.json"), *path = NULL;
	const char *base = strrchr(cert, '/') ? strrchr(cert, '/') + 1 : cert;
	unsigned char *pdf = NULL;
	size_t json_len = 0, val_len = 0, pdf_len = 0;
	int r;

	if (ret_path)
		*ret_path = NULL;
	path = out ? strdup(out) : sibling(cert, ".pdf");
	if (!vpath || !path) {
		r = ws_reason(ret_reason, -ENOMEM, "out of memory");
		goto done;
	}
	r = ws_read_named("certificate", cert, WS_CERT_MAX_BYTES, &json, &json_len, NULL,
	                  ret_reason);
	if (r < 0)
		goto done;
	/* a validation record that cannot be read is not shown: "not yet validated" */
	if (ws_read_regular(vpath, WS_CERT_MAX_BYTES, &val, &val_len, NULL) < 0)
		val = NULL;
	r = ws_pdf_render(json, json_len, base, val, val_len, opts, &pdf, &pdf_len, ret_reason);
	if (r < 0)
		goto done;
	r = write_whole(path, pdf, pdf_len, flags & WS_PDF_REPLACE);
	if (r < 0) {
		ws_reason(ret_reason, r, "%s could not be written: %s", path,
		          r == -EEXIST ? "it exists (a PDF is never written over one unless asked)"
		                       : strerror(-r));
		goto done;
	}
	if (ret_path) {
		*ret_path = path;
		path = NULL;
	}
done:
	free(json);
	free(val);
	free(vpath);
	free(path);
	free(pdf);
	return r;
}

int pdf_write_whole(const char *out, const unsigned char *p, size_t len, bool replace)
{
	return write_whole(out, p, len, replace);
}
