/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * audit.c - the station's audit log: one JSON line per wipe attempt, chained by hash.
 *
 * Line n carries "prev_line_sha256", the SHA-256 of line n-1's bytes (without its newline;
 * 64 zeros on line 1), so deleting or editing a line breaks the chain at the next one; and
 * each certificate carries "previous_certificate_sha256", the hash of the certificate on the
 * line before, so a certificate removed from a series shows in the series itself. The log
 * is held locked from before a certificate is built until its line is written: two wipes
 * on one station cannot both claim the same predecessor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "cert-internal.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct ws_audit {
	int fd;
	char *path;
	unsigned lines;         /* lines so far */
	char last_line_sha[65]; /* SHA-256 of the last line, ZERO_HASH for none */
	char last_cert_sha[65]; /* certificate SHA-256 on the last line, "" for none */
};

static int mkdir_parents(const char *path)
{
	char *copy = strdup(path), *slash;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (slash = strchr(copy + 1, '/'); slash && r == 0; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(copy, 0750) < 0 && errno != EEXIST)
			r = -errno;
		*slash = '/';
	}
	free(copy);
	return r;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* Read every line through @each; stop at the first negative return. */
static int each_line(int fd, int (*each)(void *ud, unsigned n, char *line), void *ud)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned n = 0;
	int r = 0, dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (dupfd < 0 || lseek(dupfd, 0, SEEK_SET) < 0 || !(f = fdopen(dupfd, "r"))) {
		if (dupfd >= 0)
			close(dupfd);
		return -errno;
	}
	while (r >= 0 && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		r = each(ud, ++n, line);
	}
	free(line);
	fclose(f);
	return r;
}

static int note_last(void *ud, unsigned n, char *line)
{
	struct ws_audit *log = ud;
	struct json_object *o = json_tokener_parse(line);
	const char *cert = o ? jstr(o, "certificate_sha256") : NULL;

	log->lines = n;
	ws_sha256_hex(line, strlen(line), log->last_line_sha);
	if (cert) /* lines without a certificate (refused attempts) do not break the series */
		snprintf(log->last_cert_sha, sizeof(log->last_cert_sha), "%s", cert);
	bool parsed = o != NULL;

	json_object_put(o);
	return parsed ? 0 : -EBADMSG;
}

int ws_audit_open(const char *path, struct ws_audit **ret, char **ret_reason)
{
	struct ws_audit *log = calloc(1, sizeof(*log));
	int r;

	if (!log || !(log->path = strdup(path))) {
		free(log);
		return -ENOMEM;
	}
	strcpy(log->last_line_sha, ZERO_HASH);
	r = mkdir_parents(path);
	log->fd =
	    r < 0 ? -1 : open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (log->fd < 0)
		r = ws_reason(ret_reason, r < 0 ? r : -errno, "audit log %s: %s", path,
		              strerror(r < 0 ? -r : errno));
	else if (flock(log->fd, LOCK_EX) < 0)
		r = ws_reason(ret_reason, -errno, "audit log %s: cannot lock: %s", path,
		              strerror(errno));
	else if ((r = each_line(log->fd, note_last, log)) < 0)
		r = ws_reason(ret_reason, r,
		              "audit log %s: line %u is not a log line: check it with "
		              "'wipeseal verify --audit-log'",
		              path, log->lines);
	if (r < 0) {
		ws_audit_close(log);
		return r;
	}
	*ret = log;
	return 0;
}

const char *ws_audit_previous(const struct ws_audit *log)
{
	return log->last_cert_sha;
}

static struct json_object *opt_str(const char *v)
{
	return v ? json_object_new_string(v) : NULL;
}

int ws_audit_append(struct ws_audit *log, const struct ws_audit_entry *e, char **ret_reason)
{
	struct json_object *o = json_object_new_object();
	char when[32], *text = NULL;
	time_t t = time(NULL);
	struct tm tm;
	int r = 0;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "line", json_object_new_int((int)log->lines + 1));
	json_object_object_add(o, "time", opt_str(when));
	json_object_object_add(o, "certificate_file", opt_str(e->certificate_file));
	json_object_object_add(o, "certificate_id", opt_str(e->certificate_id));
	json_object_object_add(o, "certificate_sha256", opt_str(e->certificate_sha256));
	json_object_object_add(o, "status", opt_str(e->status));
	json_object_object_add(o, "serial", opt_str(e->serial));
	json_object_object_add(o, "operator", opt_str(e->operator_name));
	json_object_object_add(o, "note", opt_str(e->note));
	json_object_object_add(o, "prev_line_sha256", opt_str(log->last_line_sha));
	if (asprintf(&text, "%s\n",
	             json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                   JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		text = NULL;
	json_object_put(o);
	if (!text)
		return -ENOMEM;
	if (write(log->fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(log->fd) < 0)
		r = ws_reason(ret_reason, errno ? -errno : -EIO, "audit log %s: write failed: %s",
		              log->path, strerror(errno ? errno : EIO));
	if (r == 0) {
		log->lines++;
		ws_sha256_hex(text, strlen(text) - 1, log->last_line_sha);
		if (e->certificate_sha256)
			snprintf(log->last_cert_sha, sizeof(log->last_cert_sha), "%s",
			         e->certificate_sha256);
	}
	free(text);
	return r;
}

struct ws_audit *ws_audit_close(struct ws_audit *log)
{
	if (!log)
		return NULL;
	if (log->fd >= 0)
		close(log->fd); /* releases the lock */
	free(log->path);
	free(log);
	return NULL;
}

/* ---- verification ---------------------------------------------------------------------------- */

struct walk {
	const char *cert_dir;
	ws_audit_problem_fn problem;
	void *userdata;
	char prev_line_sha[65];
	char prev_cert_sha[65];
	int problems;
	unsigned lines;
};

static void problem(struct walk *w, unsigned n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct walk *w, unsigned n, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w->problems++;
	if (w->problem)
		w->problem(w->userdata, n, buf);
}

/* The certificate a line names: present, with that hash, linked to the one before. */
static void check_certificate(struct walk *w, unsigned n, const char *file, const char *sha)
{
	char *path = NULL, *text = NULL, got[65];
	struct json_object *doc;
	const char *prev;
	size_t len;
	int r;

	if (strchr(file, '/') || asprintf(&path, "%s/%s", w->cert_dir, file) < 0) {
		problem(w, n, "certificate name '%s' is not a plain file name", file);
		return;
	}
	r = ws_read_file_capped(path, WS_CERT_MAX_BYTES, &text, &len);
	if (r < 0) {
		problem(w, n, "certificate %s is missing or unreadable (%s)", path, strerror(-r));
		free(path);
		return;
	}
	ws_sha256_hex(text, len, got);
	if (!sha || strcmp(got, sha) != 0)
		problem(w, n, "certificate %s does not match the hash the log recorded", path);
	doc = json_tokener_parse(text);
	prev = doc ? jstr(doc, "previous_certificate_sha256") : NULL;
	if (strcmp(prev ? prev : "", w->prev_cert_sha) != 0)
		problem(w, n, "certificate %s does not follow the certificate logged before it",
		        path);
	json_object_put(doc);
	free(text);
	free(path);
}

static int walk_line(void *ud, unsigned n, char *line)
{
	struct walk *w = ud;
	struct json_object *o = json_tokener_parse(line), *num;
	const char *prev = o ? jstr(o, "prev_line_sha256") : NULL;
	const char *file = o ? jstr(o, "certificate_file") : NULL;
	const char *sha = o ? jstr(o, "certificate_sha256") : NULL;

	w->lines = n;
	if (!o) {
		problem(w, n, "not a log line (not JSON)");
	} else {
		if (!json_object_object_get_ex(o, "line", &num) ||
		    json_object_get_int(num) != (int)n)
			problem(w, n, "numbered %d: a line before it is missing",
			        num ? json_object_get_int(num) : -1);
		if (!prev || strcmp(prev, w->prev_line_sha) != 0)
			problem(w, n, "does not chain to the line before it (removed or edited)");
		if (file)
			check_certificate(w, n, file, sha);
	}
	ws_sha256_hex(line, strlen(line), w->prev_line_sha);
	if (sha)
		snprintf(w->prev_cert_sha, sizeof(w->prev_cert_sha), "%s", sha);
	json_object_put(o);
	return 0;
}

int ws_audit_verify(const char *path, const char *cert_dir, ws_audit_problem_fn cb, void *userdata,
                    unsigned *ret_lines)
{
	struct walk w = { .cert_dir = cert_dir, .problem = cb, .userdata = userdata };
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	strcpy(w.prev_line_sha, ZERO_HASH);
	r = each_line(fd, walk_line, &w);
	close(fd);
	if (ret_lines)
		*ret_lines = w.lines;
	return r < 0 ? r : w.problems;
}
