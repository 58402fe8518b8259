/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * audit.c - the station's audit log: one JSON line per event (a wipe started, a wipe's
 * outcome, a refusal), chained by hash and signed with the station's key.
 *
 * Line n carries "prev_line_sha256", the SHA-256 of line n-1's bytes (without its newline;
 * 64 zeros on line 1), and ends with "signature", made by the station's signing key over
 * the line's bytes without that member. The key's certificate is in the log itself (a
 * SIGNER line, written whenever the signer changes), so anyone holding the CA certificate
 * can check every line, and nobody without the key can edit, insert or remove a line
 * without it showing (audit-verify.c). Each certificate carries
 * "previous_certificate_sha256", the hash of the certificate on the line before, so a
 * certificate removed from a series shows in the series itself. The log is held locked
 * from before a certificate is built until its line is written: two wipes on one station
 * cannot both claim the same predecessor.
 *
 * A write that did not finish (a full disk, a crash) leaves a last line without its
 * newline. It is kept as found: the next append ends it and records it in a TORN line, and
 * the chain goes on through its bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "audit-internal.h"

struct ws_audit {
	int fd;
	char *path;
	const struct ws_signer *signer;
	unsigned lines;           /* lines so far, a torn last one included */
	size_t torn_len;          /* bytes of a last line without newline, 0 for none */
	bool signer_logged;       /* the last SIGNER line names this signer */
	int failed;               /* a write went wrong: no more lines this time (-errno) */
	char last_line_sha[65];   /* SHA-256 of the last line, WS_AUDIT_ZERO_HASH for none */
	char last_cert_sha[65];   /* certificate SHA-256 on the last line, "" for none */
	char last_signer_sha[65]; /* signer_sha256 of the last SIGNER line, "" for none */
};

/* ---- reading --------------------------------------------------------------------------------- */

struct splitter {
	char *buf;
	size_t len, cap;
	unsigned n;
	bool overlong; /* line n is longer than WS_AUDIT_LINE_MAX */
	ws_line_fn each;
	void *ud;
};

static int split_feed(struct splitter *s, const char *data, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl ? (size_t)(nl - data) : len;
		int r;

		if (s->len + take > WS_AUDIT_LINE_MAX) {
			s->n++;
			s->overlong = true;
			return -EFBIG;
		}
		if (s->len + take + 1 > s->cap) {
			size_t cap = s->len + take + 1 > 4096 ? s->len + take + 1 : 4096;
			char *p = realloc(s->buf, cap);

			if (!p)
				return -ENOMEM;
			s->buf = p;
			s->cap = cap;
		}
		memcpy(s->buf + s->len, data, take);
		s->len += take;
		data += take;
		len -= take;
		if (!nl)
			break;
		data++;
		len--;
		s->buf[s->len] = '\0';
		r = s->each(s->ud, ++s->n, s->buf, s->len, true);
		s->len = 0;
		if (r < 0)
			return r;
	}
	return 0;
}

static int split_end(struct splitter *s, int r, unsigned *ret_line)
{
	if (r == 0 && s->len > 0) {
		s->buf[s->len] = '\0';
		r = s->each(s->ud, ++s->n, s->buf, s->len, false);
	}
	if (ret_line)
		*ret_line = s->overlong ? s->n : 0;
	free(s->buf);
	return r;
}

int ws_audit_read_fd(int fd, ws_line_fn each, void *ud, unsigned *ret_line)
{
	struct splitter s = { .each = each, .ud = ud };
	char chunk[65536];
	uint64_t total = 0;
	struct stat st;
	int r = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > WS_AUDIT_MAX_BYTES)
		return -EFBIG;
	while (r == 0) {
		ssize_t n = pread(fd, chunk, sizeof(chunk), (off_t)total);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno; /* an error, not the end of the log */
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		r = total > WS_AUDIT_MAX_BYTES ? -EFBIG : split_feed(&s, chunk, (size_t)n);
	}
	return split_end(&s, r, ret_line);
}

int ws_audit_read_mem(const void *data, size_t len, ws_line_fn each, void *ud, unsigned *ret_line)
{
	struct splitter s = { .each = each, .ud = ud };

	return split_end(&s, len > WS_AUDIT_MAX_BYTES ? -EFBIG : split_feed(&s, data, len),
	                 ret_line);
}

struct json_object *ws_audit_parse(const char *line, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (len == 0 || !ws_utf8_valid(line, len) || !(tok = json_tokener_new_ex(16)))
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (o &&
	    (json_tokener_get_error(tok) != json_tokener_success ||
	     json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

size_t ws_audit_signed_len(const char *line, size_t len)
{
	const size_t m = strlen(WS_AUDIT_SIG_MEMBER);
	size_t start = 0;

	for (size_t i = 0; i + m <= len; i++)
		if (memcmp(line + i, WS_AUDIT_SIG_MEMBER, m) == 0)
			start = i;
	if (start == 0 || len < start + m + 2 || memcmp(line + len - 2, "\"}", 2) != 0)
		return 0;
	for (size_t i = start + m; i < len - 2; i++)
		if (!line[i] ||
		    !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
		            line[i]))
			return 0;
	return start;
}

const char *ws_audit_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* ---- opening ----------------------------------------------------------------------------------- */

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

/* Whatever the line is, the chain goes through its bytes; what it says is kept when it
 * is a log line. */
static int note_last(void *ud, unsigned n, const char *line, size_t len, bool complete)
{
	struct ws_audit *log = ud;
	struct json_object *o = complete ? ws_audit_parse(line, len) : NULL;
	const char *cert = o ? ws_audit_str(o, "certificate_sha256") : NULL;
	const char *status = o ? ws_audit_str(o, "status") : NULL;
	const char *signer = o ? ws_audit_str(o, "signer_sha256") : NULL;

	log->lines = n;
	log->torn_len = complete ? 0 : len;
	ws_sha256_hex(line, len, log->last_line_sha);
	if (cert) /* lines without a certificate (refused attempts) do not break the series */
		snprintf(log->last_cert_sha, sizeof(log->last_cert_sha), "%s", cert);
	if (status && signer && strcmp(status, "SIGNER") == 0)
		snprintf(log->last_signer_sha, sizeof(log->last_signer_sha), "%s", signer);
	json_object_put(o);
	return 0;
}

int ws_audit_open(const char *path, const struct ws_signer *signer, struct ws_audit **ret,
                  char **ret_reason)
{
	struct ws_audit *log = calloc(1, sizeof(*log));
	struct stat st;
	unsigned at = 0;
	int r;

	if (!log || !(log->path = strdup(path))) {
		free(log);
		return -ENOMEM;
	}
	log->signer = signer;
	strcpy(log->last_line_sha, WS_AUDIT_ZERO_HASH);
	r = mkdir_parents(path);
	/* O_NONBLOCK: a FIFO named as the log must not hang us; it is refused below */
	log->fd =
	    r < 0
	        ? -1
	        : open(path,
	               O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
	               0640);
	if (log->fd < 0)
		r = ws_reason(ret_reason, r < 0 ? r : -errno, "audit log %s: %s", path,
		              strerror(r < 0 ? -r : errno));
	else if (fstat(log->fd, &st) < 0 || !S_ISREG(st.st_mode))
		r = ws_reason(ret_reason, -EINVAL, "audit log %s: not a regular file", path);
	else if (flock(log->fd, LOCK_EX) < 0)
		r = ws_reason(ret_reason, -errno, "audit log %s: cannot lock: %s", path,
		              strerror(errno));
	else if ((r = ws_audit_read_fd(log->fd, note_last, log, &at)) == -EINVAL)
		r = ws_reason(ret_reason, r, "audit log %s: not a regular file", path);
	else if (r == -EFBIG && at == 0)
		r = ws_reason(ret_reason, r, "audit log %s: larger than %llu MiB: start a new one",
		              path, WS_AUDIT_MAX_BYTES >> 20);
	else if (r == -EFBIG)
		r = ws_reason(ret_reason, r,
		              "audit log %s: line %u is longer than %u KiB: check it with "
		              "'wipeseal verify --audit-log'",
		              path, at, WS_AUDIT_LINE_MAX >> 10);
	else if (r < 0)
		r = ws_reason(ret_reason, r, "audit log %s: cannot read it: %s", path,
		              strerror(-r));
	if (r < 0) {
		ws_audit_close(log);
		return r;
	}
	log->signer_logged =
	    signer && strcmp(log->last_signer_sha, ws_signer_fingerprint(signer)) == 0;
	*ret = log;
	return 0;
}

const char *ws_audit_previous(const struct ws_audit *log)
{
	return log->last_cert_sha;
}

unsigned ws_audit_lines(const struct ws_audit *log)
{
	return log->lines;
}

/* ---- writing ----------------------------------------------------------------------------------- */

static struct json_object *opt_str(const char *v)
{
	return v ? json_object_new_string(v) : NULL;
}

/* @o's text, signed: the JSON without its closing brace, the signature member, the brace. */
static int sign_line(const struct ws_audit *log, struct json_object *o, char **ret)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                         JSON_C_TO_STRING_NOSLASHESCAPE);
	unsigned char *sig = NULL;
	size_t n = 0, len = text ? strlen(text) : 0;
	char *b64;
	int r;

	if (len < 2)
		return -ENOMEM;
	r = ws_signer_sign_raw(log->signer, text, len, &sig, &n);
	if (r < 0)
		return r;
	b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (b64)
		EVP_EncodeBlock((unsigned char *)b64, sig, (int)n);
	free(sig);
	if (!b64 ||
	    asprintf(ret, "%.*s%s%s\"}\n", (int)(len - 1), text, WS_AUDIT_SIG_MEMBER, b64) < 0)
		*ret = NULL;
	free(b64);
	return *ret ? 0 : -ENOMEM;
}

/* The members every line has, around the entry's own. */
static struct json_object *line_object(unsigned n, const char *status)
{
	struct json_object *o = json_object_new_object();
	char when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "line", json_object_new_int64(n));
	json_object_object_add(o, "time", opt_str(when));
	json_object_object_add(o, "status", opt_str(status));
	return o;
}

static void entry_members(struct json_object *o, const struct ws_audit_entry *e)
{
	json_object_object_add(o, "certificate_file", opt_str(e->certificate_file));
	json_object_object_add(o, "certificate_id", opt_str(e->certificate_id));
	json_object_object_add(o, "certificate_sha256", opt_str(e->certificate_sha256));
	json_object_object_add(o, "serial", opt_str(e->serial));
	json_object_object_add(o, "target", opt_str(e->target));
	json_object_object_add(o, "model", opt_str(e->model));
	json_object_object_add(o, "method", opt_str(e->method));
	json_object_object_add(o, "operator", opt_str(e->operator_name));
	json_object_object_add(o, "note", opt_str(e->note));
	json_object_object_add(o, "started_line",
	                       e->started_line ? json_object_new_int64(e->started_line) : NULL);
	json_object_object_add(o, "late_since", opt_str(e->late_since));
	if (e->station)
		json_object_object_add(o, "station", opt_str(e->station));
	if (e->card_serial)
		json_object_object_add(o, "card_serial", opt_str(e->card_serial));
	if (e->operator_subject)
		json_object_object_add(o, "operator_subject", opt_str(e->operator_subject));
	if (e->operator_sha256)
		json_object_object_add(o, "operator_sha256", opt_str(e->operator_sha256));
	if (e->validated_sha256)
		json_object_object_add(o, "validated_sha256", opt_str(e->validated_sha256));
	if (e->decision)
		json_object_object_add(o, "decision", opt_str(e->decision));
	if (e->validator_subject)
		json_object_object_add(o, "validator_subject", opt_str(e->validator_subject));
	if (e->validator_sha256)
		json_object_object_add(o, "validator_sha256", opt_str(e->validator_sha256));
	if (e->record_sha256)
		json_object_object_add(o, "record_sha256", opt_str(e->record_sha256));
	if (e->linked_sha256)
		json_object_object_add(o, "linked_sha256", opt_str(e->linked_sha256));
}

/* Finish @o (signer, chain link, signature), write it after @prefix, fsync. */
static int emit(struct ws_audit *log, struct json_object *o, const char *prefix, char **ret_reason)
{
	char *text = NULL, *all = NULL;
	size_t plen = strlen(prefix);
	ssize_t w;
	int r;

	json_object_object_add(o, "signer_sha256", opt_str(ws_signer_fingerprint(log->signer)));
	json_object_object_add(o, "prev_line_sha256", opt_str(log->last_line_sha));
	r = sign_line(log, o, &text);
	json_object_put(o);
	if (r < 0)
		return ws_reason(ret_reason, r, "audit log %s: the line could not be signed",
		                 log->path);
	if (asprintf(&all, "%s%s", prefix, text) < 0) {
		free(text);
		return -ENOMEM;
	}
	errno = 0;
	w = write(log->fd, all, strlen(all));
	if (w != (ssize_t)strlen(all) || fsync(log->fd) < 0) {
		/* a part may be on disk: nothing more is appended after it this time */
		log->failed = errno ? -errno : -ENOSPC;
		r = ws_reason(ret_reason, log->failed, "audit log %s: write failed: %s", log->path,
		              strerror(-log->failed));
	} else {
		if (plen)
			log->torn_len = 0;
		log->lines++;
		ws_sha256_hex(text, strlen(text) - 1, log->last_line_sha);
	}
	free(all);
	free(text);
	return r;
}

/* A torn last line is ended and recorded; a new signer introduces itself. */
static int prepare_append(struct ws_audit *log, char **ret_reason)
{
	struct json_object *o;
	char *note = NULL, *pem;
	int r;

	if (log->torn_len) {
		if (asprintf(&note,
		             "line %u was cut short (%zu bytes, no newline): a write that did not "
		             "finish; kept as found",
		             log->lines, log->torn_len) < 0)
			return -ENOMEM;
		o = line_object(log->lines + 1, "TORN");
		entry_members(o, &(struct ws_audit_entry){ .note = note });
		r = emit(log, o, "\n", ret_reason);
		free(note);
		if (r < 0)
			return r;
	}
	if (log->signer_logged)
		return 0;
	pem = ws_signer_pem(log->signer);
	if (!pem)
		return -ENOMEM;
	o = line_object(log->lines + 1, "SIGNER");
	entry_members(o, &(struct ws_audit_entry){ 0 });
	json_object_object_add(o, "signer", opt_str(ws_signer_subject(log->signer)));
	json_object_object_add(o, "signer_cert", opt_str(pem));
	free(pem);
	r = emit(log, o, "", ret_reason);
	if (r == 0) {
		log->signer_logged = true;
		snprintf(log->last_signer_sha, sizeof(log->last_signer_sha), "%s",
		         ws_signer_fingerprint(log->signer));
	}
	return r;
}

int ws_audit_append(struct ws_audit *log, const struct ws_audit_entry *e, char **ret_reason)
{
	struct json_object *o;
	int r;

	if (log->failed)
		return ws_reason(ret_reason, log->failed,
		                 "audit log %s: not written after an earlier write failed (%s)",
		                 log->path, strerror(-log->failed));
	if (!log->signer)
		return ws_reason(ret_reason, -EINVAL, "audit log %s: no signer to sign lines with",
		                 log->path);
	r = prepare_append(log, ret_reason);
	if (r < 0)
		return r;
	o = line_object(log->lines + 1, e->status);
	entry_members(o, e);
	r = emit(log, o, "", ret_reason);
	if (r == 0 && e->certificate_sha256)
		snprintf(log->last_cert_sha, sizeof(log->last_cert_sha), "%s",
		         e->certificate_sha256);
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
