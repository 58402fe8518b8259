/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * audit-pending.c - audit lines kept while the log cannot take them (wipeseal/cert.h).
 *
 * A wipe that has written a device always leaves its certificate, even when the audit log
 * is gone, read-only or on a full disk. Its line is then kept as NAME.audit-pending beside
 * the certificate (space the wipe reserved before it began), and the next wipe that can
 * write the log appends it, marked with "late_since", before anything else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>

#include "internal.h"

#define PENDING_SUFFIX    ".audit-pending"
#define PENDING_MAX_BYTES (64u << 10)

static struct json_object *opt_str(const char *v)
{
	return v ? json_object_new_string(v) : NULL;
}

int ws_audit_keep(const char *dir, const char *name, const struct ws_audit_entry *e,
                  char **ret_path)
{
	struct json_object *o = json_object_new_object();
	char when[32], *path = NULL;
	time_t t = time(NULL);
	struct tm tm;
	const char *text;
	int fd, r = 0;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "status", opt_str(e->status));
	json_object_object_add(o, "certificate_file", opt_str(e->certificate_file));
	json_object_object_add(o, "certificate_id", opt_str(e->certificate_id));
	json_object_object_add(o, "certificate_sha256", opt_str(e->certificate_sha256));
	json_object_object_add(o, "serial", opt_str(e->serial));
	json_object_object_add(o, "target", opt_str(e->target));
	json_object_object_add(o, "model", opt_str(e->model));
	json_object_object_add(o, "method", opt_str(e->method));
	json_object_object_add(o, "operator", opt_str(e->operator_name));
	json_object_object_add(o, "note", opt_str(e->note));
	json_object_object_add(o, "started_line", json_object_new_int64(e->started_line));
	json_object_object_add(o, "late_since", opt_str(when));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (!text || asprintf(&path, "%s/%s%s", dir, name, PENDING_SUFFIX) < 0) {
		json_object_put(o);
		return -ENOMEM;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(fd) < 0)
		r = errno ? -errno : -ENOSPC;
	if (fd >= 0)
		close(fd);
	if (r < 0 && fd >= 0)
		unlink(path);
	json_object_put(o);
	if (r < 0) {
		free(path);
		return r;
	}
	*ret_path = path;
	return 0;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* Append one kept line. Return: 0, or a negative errno with *why set. */
static int flush_one(struct ws_audit *log, const char *path, char **why)
{
	struct json_object *o, *v;
	char *text = NULL;
	size_t len;
	int r = ws_read_file_capped(path, PENDING_MAX_BYTES, &text, &len);

	if (r < 0)
		return r;
	o = json_tokener_parse(text);
	free(text);
	if (!o || !jstr(o, "status")) {
		json_object_put(o);
		return -EBADMSG;
	}
	r = ws_audit_append(
	    log,
	    &(struct ws_audit_entry){
	        .status = jstr(o, "status"),
	        .certificate_file = jstr(o, "certificate_file"),
	        .certificate_id = jstr(o, "certificate_id"),
	        .certificate_sha256 = jstr(o, "certificate_sha256"),
	        .serial = jstr(o, "serial"),
	        .target = jstr(o, "target"),
	        .model = jstr(o, "model"),
	        .method = jstr(o, "method"),
	        .operator_name = jstr(o, "operator"),
	        .note = jstr(o, "note"),
	        .started_line = json_object_object_get_ex(o, "started_line", &v)
	                            ? (unsigned)json_object_get_int64(v)
	                            : 0,
	        .late_since = jstr(o, "late_since") ? jstr(o, "late_since") : "unknown",
	    },
	    why);
	json_object_put(o);
	if (r == 0 && unlink(path) < 0)
		r = -errno;
	return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_pending(const struct dirent *d)
{
	size_t n = strlen(d->d_name), k = strlen(PENDING_SUFFIX);

	return n > k && strcmp(d->d_name + n - k, PENDING_SUFFIX) == 0;
}

int ws_audit_flush_kept(struct ws_audit *log, const char *dir, char **ret_path, char **ret_reason)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, is_pending, by_name), r = 0;

	/* the names begin with the wipe's start time: in order */
	for (int i = 0; i < n; i++) {
		char *path = NULL, *why = NULL;

		if (r == 0 && asprintf(&path, "%s/%s", dir, names[i]->d_name) >= 0) {
			r = flush_one(log, path, &why);
			if (r < 0) {
				*ret_path = path;
				*ret_reason = why;
				path = why = NULL;
			}
		}
		free(why);
		free(path);
		free(names[i]);
	}
	free(names);
	return r;
}
