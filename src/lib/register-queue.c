/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-queue.c - the station's queue of files the central register does not hold yet
 * (wipeseal/register.h): RESULT_DIR/.register-queue/, one small entry per file.
 *
 * The queue lives beside the certificates (on the station's stick), so that what could not
 * be sent survives a power cut, a reboot or a move to another machine, and a later
 * `wipeseal register push --pending DIR` sends it. An entry is named SEQ-BASE (SEQ a
 * zero-padded sequence number, so that names sort oldest first) and holds the file's path:
 * relative to the result directory for a file in it, absolute otherwise (the audit log).
 *
 * Durability: an entry is written under a temporary dot-name, fsync'ed, then linked to its
 * name (link() fails when the name exists, as O_EXCL does) and the directory fsync'ed: an
 * entry either counts whole or does not exist. It leaves only after the register answered
 * STORED or DUPLICATE (and the directory is fsync'ed again), so a crash in between resends
 * the file, which the register answers DUPLICATE: nothing is sent twice as new.
 *
 * Claims: an entry being sent is renamed SEQ-BASE.sending first (rename is atomic, so of
 * two senders only one takes a given entry). A file queued while its entry is claimed gets
 * a new entry, because the sender may already have read it: an audit log that grew while it
 * was being sent is sent again, and the register takes only the lines it lacks. An entry
 * left claimed by a crash is sent by the next run as any other.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <wipeseal/register.h>

#include "internal.h"
#include "register-queue-internal.h"

#define HELD_DIR       "held"
#define SENDING_SUFFIX ".sending"
#define REASON_SUFFIX  ".reason"
#define ENTRY_MAX      4096

/* ---- the directory ------------------------------------------------------------------------ */

static int fsync_dirfd(int dfd)
{
	return fsync(dfd) < 0 && errno != EINVAL ? -errno : 0;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = fsync_dirfd(fd);
	close(fd);
	return r;
}

/* The queue directory of @result_dir, opened (made, durably, when @create). */
static int open_queue(const char *result_dir, bool create, int *ret_fd)
{
	char *path = NULL;
	int r = 0, fd;

	if (asprintf(&path, "%s/" WS_REGISTER_QUEUE_DIR, result_dir) < 0)
		return -ENOMEM;
	if (create && mkdir(path, 0750) == 0)
		r = fsync_path(result_dir);
	else if (create && errno != EEXIST)
		r = -errno;
	fd = r < 0 ? -1 : open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r == 0 && fd < 0)
		r = -errno;
	free(path);
	if (r == 0)
		*ret_fd = fd;
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void queue_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Whether @name is an entry: not a dot-file, not the held directory, not a reason. */
static bool is_entry(const char *name, bool held)
{
	size_t len = strlen(name), rl = strlen(REASON_SUFFIX);

	if (name[0] == '.' || (!held && strcmp(name, HELD_DIR) == 0))
		return false;
	return !held || len < rl || strcmp(name + len - rl, REASON_SUFFIX) != 0;
}

/* The entries of the directory @dfd, sorted (oldest first). @held: the held directory. */
static int list_entries(int dfd, bool held, char ***ret, size_t *ret_n)
{
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	char **names = NULL, **grown;
	size_t n = 0;
	struct dirent *e;
	int r = 0;

	if (!d) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	rewinddir(d);
	while (r == 0 && (e = readdir(d))) {
		if (!is_entry(e->d_name, held))
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strdup(e->d_name))) {
			names = grown ? grown : names;
			r = -ENOMEM;
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (r < 0) {
		queue_names_free(names, n);
		return r;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*ret = names;
	*ret_n = n;
	return 0;
}

int queue_list(const char *result_dir, char ***ret, size_t *ret_n)
{
	int dfd = -1, r = open_queue(result_dir, false, &dfd);

	*ret = NULL;
	*ret_n = 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = list_entries(dfd, false, ret, ret_n);
	close(dfd);
	return r;
}

/* ---- entries ------------------------------------------------------------------------------ */

/* The text of entry @name in @dfd (its path), without the newline. */
int queue_read_entry(int dfd, const char *name, char **ret)
{
	char buf[ENTRY_MAX + 1];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t k;

	if (fd < 0)
		return -errno;
	k = read(fd, buf, ENTRY_MAX);
	close(fd);
	if (k < 0)
		return -EIO;
	buf[k] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		return -EBADMSG;
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

/* The path an entry holds for @path: its base name when it is directly in @result_dir,
 * else its absolute path. */
static char *entry_text(const char *result_dir, const char *path)
{
	char dir_real[PATH_MAX], file_real[PATH_MAX], *slash, *out = NULL;

	if (!realpath(result_dir, dir_real) || !realpath(path, file_real))
		return NULL;
	slash = strrchr(file_real, '/');
	if (slash && (size_t)(slash - file_real) == strlen(dir_real) &&
	    strncmp(file_real, dir_real, strlen(dir_real)) == 0)
		return strdup(slash + 1);
	if (asprintf(&out, "%s", file_real) < 0)
		return NULL;
	return out;
}

/* The next sequence number: one more than any entry's, waiting or held. */
static unsigned long next_seq(int dfd)
{
	unsigned long seq = 0, k;
	char **names = NULL;
	size_t n = 0;
	int hfd = openat(dfd, HELD_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int pass = 0; pass < 2; pass++) {
		int fd = pass == 0 ? dfd : hfd;

		if (fd < 0 || list_entries(fd, pass == 1, &names, &n) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if ((k = strtoul(names[i], NULL, 10)) > seq)
				seq = k;
		queue_names_free(names, n);
	}
	if (hfd >= 0)
		close(hfd);
	return seq + 1;
}

/* Whether an unclaimed entry already holds @text. */
static bool already_waiting(int dfd, const char *text)
{
	char **names = NULL, *held = NULL;
	size_t n = 0, sl = strlen(SENDING_SUFFIX);
	bool found = false;

	if (list_entries(dfd, false, &names, &n) < 0)
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		size_t len = strlen(names[i]);

		if (len > sl && strcmp(names[i] + len - sl, SENDING_SUFFIX) == 0)
			continue; /* claimed: perhaps read already */
		if (queue_read_entry(dfd, names[i], &held) == 0)
			found = strcmp(held, text) == 0;
		free(held);
		held = NULL;
	}
	queue_names_free(names, n);
	return found;
}

/* Write @text into a new temporary file of @dfd, durably; its name into @tmp. */
static int write_temp(int dfd, const char *text, char *tmp, size_t tmp_len)
{
	int fd, r = 0;
	size_t len = strlen(text);

	snprintf(tmp, tmp_len, ".new-%ld-%ld", (long)getpid(), (long)time(NULL));
	for (unsigned i = 0;
	     (fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0 &&
	     errno == EEXIST && i < 1000;
	     i++)
		snprintf(tmp, tmp_len, ".new-%ld-%ld-%u", (long)getpid(), (long)time(NULL), i);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	close(fd);
	if (r < 0)
		(void)unlinkat(dfd, tmp, 0);
	return r;
}

/* The entry for @text under a free SEQ-BASE name, whole or not at all. */
static int add_entry(int dfd, const char *text)
{
	const char *base = strrchr(text, '/') ? strrchr(text, '/') + 1 : text;
	char tmp[64], name[NAME_MAX + 1];
	int r = write_temp(dfd, text, tmp, sizeof(tmp));

	if (r < 0)
		return r;
	for (unsigned long seq = next_seq(dfd);; seq++) {
		snprintf(name, sizeof(name), "%08lu-%.200s", seq, base);
		if (linkat(dfd, tmp, dfd, name, 0) == 0)
			break;
		if (errno != EEXIST) {
			r = -errno;
			break;
		}
	}
	(void)unlinkat(dfd, tmp, 0);
	return r < 0 ? r : fsync_dirfd(dfd);
}

int ws_register_queue_add(const char *result_dir, const char *path, char **ret_reason)
{
	char *text = entry_text(result_dir, path);
	int dfd = -1, r = text ? open_queue(result_dir, true, &dfd) : -errno;

	if (r == 0 && !already_waiting(dfd, text))
		r = add_entry(dfd, text);
	if (r < 0 && ret_reason &&
	    asprintf(ret_reason, "%s could not be queued for the register in %s/%s: %s", path,
	             result_dir, WS_REGISTER_QUEUE_DIR, strerror(-r)) < 0)
		*ret_reason = NULL;
	if (dfd >= 0)
		close(dfd);
	free(text);
	return r;
}

int ws_register_queue_length(const char *result_dir, size_t *ret)
{
	char **names = NULL;
	size_t n = 0;
	int r = queue_list(result_dir, &names, &n);

	if (r == 0)
		*ret = n;
	queue_names_free(names, n);
	return r;
}

int ws_register_queue_held(const char *result_dir, size_t *ret)
{
	char *path = NULL, **names = NULL;
	size_t n = 0;
	int fd, r = 0;

	if (asprintf(&path, "%s/" WS_REGISTER_QUEUE_DIR "/" HELD_DIR, result_dir) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(path);
	if (fd < 0 && errno != ENOENT)
		return -errno;
	if (fd >= 0) {
		r = list_entries(fd, true, &names, &n);
		close(fd);
	}
	if (r == 0)
		*ret = n;
	queue_names_free(names, n);
	return r;
}

/* ---- moving entries ---------------------------------------------------------------------- */

/* Claim @name: SEQ-BASE.sending. *ret_claimed: the name it has now (malloc'd).
 * Return: 0; -ENOENT when another sender took it. */
int queue_claim(int dfd, const char *name, char **ret_claimed)
{
	size_t len = strlen(name), sl = strlen(SENDING_SUFFIX);
	char *claimed = NULL;

	if (len > sl && strcmp(name + len - sl, SENDING_SUFFIX) == 0) {
		/* left claimed by a run that ended: sent again (DUPLICATE at worst) */
		*ret_claimed = strdup(name);
		return *ret_claimed ? 0 : -ENOMEM;
	}
	if (asprintf(&claimed, "%s" SENDING_SUFFIX, name) < 0)
		return -ENOMEM;
	if (renameat(dfd, name, dfd, claimed) < 0) {
		free(claimed);
		return -errno;
	}
	*ret_claimed = claimed;
	return 0;
}

/* @claimed back to its waiting name (the register was away). */
void queue_unclaim(int dfd, const char *claimed)
{
	char name[NAME_MAX + 1];
	size_t len = strlen(claimed), sl = strlen(SENDING_SUFFIX);

	if (len <= sl || len - sl > NAME_MAX)
		return;
	memcpy(name, claimed, len - sl);
	name[len - sl] = '\0';
	(void)renameat(dfd, claimed, dfd, name);
	(void)fsync_dirfd(dfd);
}

/* The register holds it: the entry leaves, durably. */
int queue_done(int dfd, const char *claimed)
{
	if (unlinkat(dfd, claimed, 0) < 0 && errno != ENOENT)
		return -errno;
	return fsync_dirfd(dfd);
}

/* CONFLICT or REFUSED: the entry into held/, with NAME.reason holding @reason. */
int queue_hold(int dfd, const char *claimed, const char *reason)
{
	char name[NAME_MAX + 1], rname[NAME_MAX + 16], tmp[64];
	size_t len = strlen(claimed), sl = strlen(SENDING_SUFFIX);
	int hfd, r;

	snprintf(
	    name, sizeof(name), "%.*s",
	    (int)(len > sl && strcmp(claimed + len - sl, SENDING_SUFFIX) == 0 ? len - sl : len),
	    claimed);
	if (mkdirat(dfd, HELD_DIR, 0750) < 0 && errno != EEXIST)
		return -errno;
	hfd = openat(dfd, HELD_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (hfd < 0)
		return -errno;
	snprintf(rname, sizeof(rname), "%s" REASON_SUFFIX, name);
	r = write_temp(hfd, reason ? reason : "no reason given", tmp, sizeof(tmp));
	if (r == 0 && renameat(hfd, tmp, hfd, rname) < 0)
		r = -errno;
	if (r == 0 && renameat(dfd, claimed, hfd, name) < 0)
		r = -errno;
	if (r == 0)
		r = fsync_dirfd(hfd);
	if (r == 0)
		r = fsync_dirfd(dfd);
	close(hfd);
	return r;
}

int queue_open(const char *result_dir, int *ret_fd)
{
	return open_queue(result_dir, false, ret_fd);
}
