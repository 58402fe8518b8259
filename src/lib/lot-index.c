/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lot-index.c - index.tsv, the plain-text index of a lot folder (wipeseal/lot.h), and
 * `wipeseal find`'s search over every index under a directory.
 *
 * One line per certificate filed: serial, asset tag, model, status, start, certificate file,
 * SHA-256, separated by tabs. It is a convenience for finding a certificate, never a proof:
 * the certificate it names is what `verify` checks. So it is written the cheap way that
 * still survives a crash: the whole line in one write() with O_APPEND, under an exclusive
 * flock (two stations filing into one share), then fsync. A crash can leave at most the
 * last line cut short; the next writer ends it with a newline before its own line (so the
 * damage stays one line), and the reader skips a line that is not whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wipeseal/lot.h>

#include "internal.h"

#define N_FIELDS        7
#define MAX_INDEX_BYTES (256u << 20)
#define MAX_DEPTH       16

static const char header[] = "# wipeseal lot index: serial\tasset_tag\tmodel\tstatus\tstarted\t"
                             "certificate\tsha256\n";

/* @s as one field: tabs, newlines and other control characters become spaces. */
static void put_field(FILE *f, const char *s, bool last)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	fputc(last ? '\n' : '\t', f);
}

/* The line of @row, with a newline first when @end_torn (malloc'd). */
static char *format_row(const struct ws_lot_row *row, bool end_torn, size_t *ret_len)
{
	const char *v[N_FIELDS] = { row->serial,  row->asset_tag,   row->model, row->status,
		                    row->started, row->certificate, row->sha256 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f)
		return NULL;
	if (end_torn)
		fputc('\n', f);
	for (size_t i = 0; i < N_FIELDS; i++)
		put_field(f, v[i], i == N_FIELDS - 1);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Whether the file @fd of @size bytes ends in the middle of a line. */
static bool ends_torn(int fd, off_t size)
{
	char c = '\n';

	return size > 0 && pread(fd, &c, 1, size - 1) == 1 && c != '\n';
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int ws_lot_index_add(const char *dir, const struct ws_lot_row *row)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *line = NULL;
	struct stat st;
	size_t len = 0;
	int fd, r;

	if (asprintf(&path, "%s/" WS_LOT_INDEX, dir) < 0)
		return -ENOMEM;
	/* read too: the last byte says whether a crash cut the last line short */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	line = format_row(row, ends_torn(fd, st.st_size), &len);
	if (!line) {
		r = -ENOMEM;
		goto out;
	}
	r = st.st_size == 0 ? write_all(fd, header, sizeof(header) - 1) : 0;
	if (r == 0)
		r = write_all(fd, line, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && st.st_size == 0) /* a new file: its name too */
		r = fsync_dir(dir);
out:
	close(fd); /* and the lock with it */
	return r;
}

/* ---- reading ------------------------------------------------------------------------------ */

static bool is_sha256(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* One whole line (without its newline, writable) into @row. Return: false when damaged. */
static bool split_line(char *line, struct ws_lot_row *row)
{
	const char *f[N_FIELDS];
	size_t n = 0;

	for (char *p = line;;) {
		char *tab = strchr(p, '\t');

		if (n == N_FIELDS)
			return false; /* more fields than an index line has */
		f[n++] = p;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (n != N_FIELDS || !is_sha256(f[6]) || !*f[5])
		return false;
	*row = (struct ws_lot_row){
		.serial = f[0],
		.asset_tag = f[1],
		.model = f[2],
		.status = f[3],
		.started = f[4],
		.certificate = f[5],
		.sha256 = f[6],
	};
	return true;
}

int ws_lot_index_parse(const char *text, size_t len, ws_lot_row_fn fn, void *userdata,
                       unsigned *ret_damaged)
{
	unsigned damaged = 0;
	int r = 0;

	for (const char *p = text, *end = text + len; p < end && r == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct ws_lot_row row;
		char *line;

		if (!nl) { /* cut short: a write that did not finish */
			damaged++;
			break;
		}
		if (*p != '#' && nl > p) {
			if (!(line = strndup(p, (size_t)(nl - p))))
				return -ENOMEM;
			if (split_line(line, &row))
				r = fn(userdata, &row);
			else
				damaged++;
			free(line);
		}
		p = nl + 1;
	}
	if (ret_damaged)
		*ret_damaged = damaged;
	return r;
}

/* ---- the search --------------------------------------------------------------------------- */

struct search {
	enum ws_lot_key key;
	const char *value;
	const char *dir; /* of the index being read */
	ws_lot_found_fn fn;
	ws_lot_skip_fn skipped;
	void *userdata;
	int found;
};

static int match(void *userdata, const struct ws_lot_row *row)
{
	struct search *s = userdata;
	const char *v = s->key == WS_LOT_BY_SERIAL ? row->serial : row->asset_tag;
	char *path = NULL;
	int r;

	if (!*v || strcmp(v, s->value) != 0 || strchr(row->certificate, '/'))
		return 0;
	if (asprintf(&path, "%s/%s", s->dir, row->certificate) < 0)
		return -ENOMEM;
	s->found++;
	r = s->fn ? s->fn(s->userdata, path, row) : 0;
	free(path);
	return r;
}

static int search_index(struct search *s, const char *dir, const char *index)
{
	char *text = NULL;
	size_t len = 0;
	int r = ws_read_regular(index, MAX_INDEX_BYTES, &text, &len, NULL);

	if (r < 0) {
		if (s->skipped)
			s->skipped(s->userdata, index, r);
		return r == -ENOMEM ? r : 0;
	}
	s->dir = dir;
	r = ws_lot_index_parse(text, len, match, s, NULL);
	free(text);
	return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* @dir's index, then its folders, in name order. */
static int search_dir(struct search *s, const char *dir, unsigned depth)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, by_name), r = 0;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *path = NULL;
		struct stat st;

		if (r == 0 && name[0] != '.' && asprintf(&path, "%s/%s", dir, name) < 0)
			r = -ENOMEM;
		if (r == 0 && path && lstat(path, &st) == 0) {
			if (S_ISREG(st.st_mode) && strcmp(name, WS_LOT_INDEX) == 0)
				r = search_index(s, dir, path);
			else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH &&
			         search_dir(s, path, depth + 1) == -ENOMEM)
				r = -ENOMEM; /* an unreadable folder is passed over */
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return r;
}

int ws_lot_find(const char *dir, enum ws_lot_key key, const char *value, ws_lot_found_fn fn,
                ws_lot_skip_fn skipped, void *userdata)
{
	struct search s = {
		.key = key, .value = value, .fn = fn, .skipped = skipped, .userdata = userdata
	};
	int r = search_dir(&s, dir, 0);

	return r < 0 ? r : s.found;
}
