/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-dir.c - the certificates under the paths an auditor names (wipeseal/cert.h).
 *
 * `wipeseal verify DIR` checks every certificate of a tree, so an auditor without the
 * register can check a hundred thousand at once. The walk decides what is a certificate and
 * hands the paths out one at a time, in an order that does not depend on the file system
 * (each directory's names sorted bytewise), so that two runs over one tree print the same
 * report. Nothing but the names of the directories being walked is held: the caller checks
 * and forgets each certificate before the next one is named.
 *
 * Directories are opened relative to their parent (openat with O_NOFOLLOW), so a symbolic
 * link to a directory is never followed: it cannot make a loop, nor lead the walk out of the
 * tree. A directory met again below itself (a bind mount) is not walked twice.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wipeseal/cert.h>
#include <wipeseal/destruction.h>

#include "internal.h"

#define MAX_DEPTH   64 /* directories below a named one; deeper ones are reported, not walked */
#define SCHEMA_MARK "\"wipeseal-certificate/"

struct entry {
	char *name;
	unsigned char type; /* DT_* from readdir, DT_UNKNOWN when it did not say */
};

struct walk {
	ws_walk_fn fn;
	void *userdata;
	char *path; /* the current directory's path, then "/NAME" while an entry is handled */
	size_t len, size;
	struct stat up[MAX_DEPTH + 1]; /* the directories being walked, outermost first */
	unsigned depth;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Set the path to the directory's path plus "/@name". */
static int path_push(struct walk *w, const char *name)
{
	size_t need = w->len + 1 + strlen(name) + 1;

	if (need > w->size) {
		char *p = realloc(w->path, need * 2);

		if (!p)
			return -ENOMEM;
		w->path = p;
		w->size = need * 2;
	}
	snprintf(w->path + w->len, w->size - w->len, "%s%s",
	         w->len && w->path[w->len - 1] == '/' ? "" : "/", name);
	return 0;
}

static int report(struct walk *w, enum ws_walk_kind kind, const char *reason)
{
	return w->fn(w->userdata, w->path, kind, reason);
}

static bool listed(const struct entry *e, size_t n, const char *name)
{
	struct entry key = { .name = (char *)(uintptr_t)name };

	return bsearch(&key, e, n, sizeof(*e), cmp_entry) != NULL;
}

/* A validation record (NAME.validation.json, NAME.validation-N.json) or a re-verification
 * record (NAME.reverify-TIME[-N].json) whose certificate NAME.json lies beside it: part of
 * that certificate, not one of its own. */
static bool companion(const struct entry *e, size_t n, const char *name)
{
	static const char *const marks[] = { ".validation.json", ".validation-", ".reverify-" };
	char base[NAME_MAX + 8];

	for (size_t i = 0; i < ELEMENTSOF(marks); i++) {
		const char *at = strstr(name, marks[i]);

		if (!at || (size_t)(at - name) >= NAME_MAX)
			continue;
		snprintf(base, sizeof(base), "%.*s.json", (int)(at - name), name);
		if (listed(e, n, base))
			return true;
	}
	return false;
}

/* A .json without NAME.json.p7s: a certificate whose signature is missing when it names the
 * certificate schema (or cannot be read to say otherwise: the verification then says what
 * is wrong with it); else not a certificate, *@ret_why says why. */
static bool names_certificate_schema(int dfd, const char *name, const char **ret_why)
{
	int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	ssize_t k = 1;
	bool cert = true;

	*ret_why = NULL;
	if (fd < 0)
		return true;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		return true;
	}
	if (st.st_size > WS_CERT_MAX_BYTES) {
		(void)close(fd);
		*ret_why = "not a certificate document: larger than a certificate may be";
		return false;
	}
	if (!(text = malloc((size_t)st.st_size + 1))) {
		(void)close(fd);
		return true;
	}
	while (len < (size_t)st.st_size && (k = read(fd, text + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)k;
	(void)close(fd);
	cert = k < 0 || memmem(text, len, SCHEMA_MARK, strlen(SCHEMA_MARK)) != NULL;
	free(text);
	if (!cert)
		*ret_why =
		    "not a certificate document: no NAME.json.p7s beside it, and it names no "
		    "wipeseal-certificate schema";
	return cert;
}

static int walk_dir(struct walk *w, int dfd);

/* A subdirectory: walked unless it is one of the directories being walked. */
static int walk_subdir(struct walk *w, int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char why[160];

	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return 0; /* replaced by something else since it was listed */
		snprintf(why, sizeof(why), "cannot read the directory: %s", strerror(errno));
		return report(w, WS_WALK_ERROR, why);
	}
	if (w->depth >= MAX_DEPTH) {
		(void)close(fd);
		return report(w, WS_WALK_ERROR, "more than 64 directories deep: not walked");
	}
	return walk_dir(w, fd); /* takes @fd */
}

/* One entry of a directory: a certificate, a skipped file, a subdirectory, or nothing. */
static int walk_entry(struct walk *w, int dfd, const struct entry *e, size_t n, size_t i)
{
	const char *name = e[i].name;
	unsigned char type = e[i].type;
	char p7s[NAME_MAX + 8];
	const char *why = NULL;
	struct stat st;

	if (type == DT_UNKNOWN)
		type = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? DT_UNKNOWN
		       : S_ISDIR(st.st_mode)                            ? DT_DIR
		       : S_ISLNK(st.st_mode)                            ? DT_LNK
		                                                        : DT_REG;
	if (type == DT_DIR)
		return walk_subdir(w, dfd, name);
	if (type == DT_LNK && fstatat(dfd, name, &st, 0) == 0 && S_ISDIR(st.st_mode))
		return report(w, WS_WALK_SKIPPED, "a symbolic link to a directory: not followed");
	if (!has_suffix(name, ".json") || companion(e, n, name))
		return 0;
	if (ws_destruction_is_record(name)) /* a record of its own, not a certificate */
		return report(w, WS_WALK_DESTRUCTION, NULL);
	snprintf(p7s, sizeof(p7s), "%s.p7s", name);
	if (listed(e, n, p7s) || names_certificate_schema(dfd, name, &why))
		return report(w, WS_WALK_CERTIFICATE, NULL);
	return report(w, WS_WALK_SKIPPED, why);
}

/* The names of @d but "." and ".." and hidden ones, sorted. */
static int list_dir(DIR *d, struct entry **ret, size_t *ret_n)
{
	struct entry *e = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	errno = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') /* ".", "..", .register-queue, editors' leftovers */
			continue;
		if (n == cap) {
			struct entry *m = realloc(e, (cap = cap ? cap * 2 : 64) * sizeof(*e));

			if (!m)
				goto nomem;
			e = m;
		}
		if (!(e[n].name = strdup(de->d_name)))
			goto nomem;
		e[n++].type = de->d_type;
	}
	if (errno) {
		int err = -errno;

		while (n)
			free(e[--n].name);
		free(e);
		return err;
	}
	if (n)
		qsort(e, n, sizeof(*e), cmp_entry);
	*ret = e;
	*ret_n = n;
	return 0;
nomem:
	while (n)
		free(e[--n].name);
	free(e);
	return -ENOMEM;
}

/* Walk the directory open as @dfd (taken, closed here) whose path is w->path. */
static int walk_dir(struct walk *w, int dfd)
{
	size_t len = strlen(w->path), n = 0;
	struct entry *e = NULL;
	DIR *d = NULL;
	int r = 0;

	if (fstat(dfd, &w->up[w->depth]) < 0) {
		r = -errno;
		(void)close(dfd);
		return report(w, WS_WALK_ERROR, strerror(-r));
	}
	for (unsigned i = 0; i < w->depth; i++)
		if (w->up[i].st_dev == w->up[w->depth].st_dev &&
		    w->up[i].st_ino == w->up[w->depth].st_ino) {
			(void)close(dfd);
			return report(w, WS_WALK_SKIPPED,
			              "a directory met again inside itself (a "
			              "bind mount): not walked twice");
		}
	if (!(d = fdopendir(dfd))) {
		(void)close(dfd);
		return -ENOMEM;
	}
	r = list_dir(d, &e, &n);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		char why[160];

		snprintf(why, sizeof(why), "cannot read the directory: %s", strerror(-r));
		r = report(w, WS_WALK_ERROR, why);
		goto out;
	}
	w->depth++;
	for (size_t i = 0; i < n && r == 0; i++) {
		w->len = len;
		if ((r = path_push(w, e[i].name)) == 0)
			r = walk_entry(w, dirfd(d), e, n, i);
	}
	w->depth--;
	w->len = len;
	w->path[len] = '\0';
out:
	while (n)
		free(e[--n].name);
	free(e);
	(void)closedir(d);
	return r;
}

/* One path as named: a directory is walked; anything else is a certificate, as before. */
static int walk_named(struct walk *w, const char *path)
{
	size_t need = strlen(path) + 1;
	struct stat st;
	int fd;

	memcpy(w->path, path, need);
	w->len = need - 1;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return report(
		    w, ws_destruction_is_record(path) ? WS_WALK_DESTRUCTION : WS_WALK_CERTIFICATE,
		    NULL);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		char why[160];

		snprintf(why, sizeof(why), "cannot read the directory: %s", strerror(errno));
		return report(w, WS_WALK_ERROR, why);
	}
	w->depth = 0;
	return walk_dir(w, fd);
}

int ws_cert_walk(const char *const *paths, size_t n, ws_walk_fn fn, void *userdata)
{
	struct walk w = { .fn = fn, .userdata = userdata };
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		size_t need = strlen(paths[i]) + 2;

		if (need > w.size) {
			char *p = realloc(w.path, need);

			if (!p) {
				r = -ENOMEM;
				break;
			}
			w.path = p;
			w.size = need;
		}
		r = walk_named(&w, paths[i]);
	}
	free(w.path);
	return r;
}
