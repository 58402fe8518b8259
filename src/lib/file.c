/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * file.c - writing a document and its signature so that nothing is ever overwritten and
 * nothing written is lost to a power cut: created exclusively (O_EXCL), fsync'd, and the
 * directory fsync'd after them (wipeseal/file.h). A signature rewritten with a second signer
 * (operator.c) replaces the old one atomically: a temporary file, fsync'd, renamed over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wipeseal/file.h>

#include "internal.h"

/* Write all of @text to @fd and fsync it. Return: 0 or a negative errno. */
static int write_all(int fd, const char *text)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENOSPC;
		done += (size_t)n;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

/* fsync the directory @dir, so that the entries just created in it are on disk. */
static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL) /* a file system without directory fsync */
		r = -errno;
	close(fd);
	return r;
}

/* Create @path and @path.p7s (with @sig) or, without @sig, @path where no @path.p7s is:
 * a stray signature must never sit beside a document it was not made for.
 * Return: 0 with both descriptors, -EEXIST when either is taken, or a negative errno. */
static int create_pair(const char *path, bool sig, int *ret_fd, int *ret_sig_fd)
{
	char *sig_path = NULL;
	int fd, sfd = -1, r = 0;

	if (asprintf(&sig_path, "%s.p7s", path) < 0)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		r = -errno;
	else if (sig && (sfd = open(sig_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0)
		r = -errno;
	else if (!sig && access(sig_path, F_OK) == 0)
		r = -EEXIST;
	if (r < 0 && fd >= 0) {
		close(fd);
		unlink(path); /* ours, and still empty */
	}
	free(sig_path);
	*ret_fd = r < 0 ? -1 : fd;
	*ret_sig_fd = r < 0 ? -1 : sfd;
	return r;
}

int ws_write_exclusive(const char *dir, const char *name, const char *text, const char *sig,
                       char **ret_path)
{
	char *path = NULL;
	int fd = -1, sfd = -1, r = -EEXIST;

	*ret_path = NULL;
	/* NAME.json, or NAME-1.json, NAME-2.json... when it (or its .p7s) exists: never over a
	 * file */
	for (int i = 0; i < 100 && r == -EEXIST; i++) {
		free(path);
		if ((i ? asprintf(&path, "%s/%s-%d.json", dir, name, i)
		       : asprintf(&path, "%s/%s.json", dir, name)) < 0)
			return -ENOMEM;
		r = create_pair(path, sig != NULL, &fd, &sfd);
	}
	if (r < 0) {
		free(path);
		return r;
	}
	r = write_all(fd, text);
	if (r == 0 && sig)
		r = write_all(sfd, sig);
	close(fd);
	if (sfd >= 0)
		close(sfd);
	if (r == 0) /* their names too: a power cut must not lose the files just written */
		r = fsync_dir(dir);
	/* what was written stays, even when incomplete: the caller says where it is */
	*ret_path = path;
	return r;
}

/* The directory of @path (malloc'd): what to fsync after its entry changed. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
}

int ws_write_new_file(const char *path, const char *text)
{
	char *dir = dir_of(path);
	int fd = dir ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) : -1;
	int r = !dir ? -ENOMEM : fd < 0 ? -errno : write_all(fd, text);

	if (fd >= 0)
		close(fd);
	if (r == 0)
		r = fsync_dir(dir);
	free(dir);
	return r;
}

int ws_replace_file(const char *path, const char *text)
{
	char *dir = dir_of(path), *tmp = NULL;
	int fd = -1, r = dir && asprintf(&tmp, "%s.tmp-XXXXXX", path) >= 0 ? 0 : -ENOMEM;

	if (r == 0 && (fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		r = -errno;
	if (r == 0 && fchmod(fd, 0640) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(fd, text);
	if (fd >= 0)
		close(fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0 && fd >= 0)
		unlink(tmp); /* ours: the file it was to replace is untouched */
	if (r == 0)
		r = fsync_dir(dir);
	free(tmp);
	free(dir);
	return r;
}
