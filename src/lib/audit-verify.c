/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * audit-verify.c - what `wipeseal verify --audit-log` checks, line by line.
 *
 * The log is hostile input: only a regular file is read, capped in size and per line; a
 * line must be strict UTF-8 without NUL and one strict JSON object, and its whole bytes are
 * hashed. Each line must chain to the one before and carry a signature, by a signer whose
 * certificate an earlier SIGNER line holds and which chains to the auditor's CA at the
 * line's time, over the line's bytes without the signature member (audit.c writes them).
 * Someone who can write the file but has no station key can therefore not edit, insert or
 * delete a line, or append one, without a problem here; what remains possible (cutting the
 * tail) is said in docs/certificate.md. Not tampering, but worth knowing, are notes: a torn
 * line recorded as such, a wipe started and never ended, old unsigned lines before the
 * first signed one. tests/fuzz/fuzz-audit.c feeds this file arbitrary bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "audit-internal.h"

struct signer_rec {
	char fp[65];
	X509 *cert;
	unsigned line; /* the SIGNER line */
	char *why;     /* why it is not trusted, NULL when it is */
};

struct started {
	unsigned line;
	char *what;
};

struct walk {
	const char *cert_dir;
	const struct ws_trust *trust;
	ws_audit_problem_fn cb;
	void *userdata;
	struct ws_audit_summary *sum;
	char prev_line_sha[65];
	char prev_cert_sha[65];
	struct signer_rec *signers;
	size_t n_signers;
	struct started *started;
	size_t n_started;
	unsigned bad_line; /* a line that is not a log line, until the next says why */
	char bad_why[96];  /* what is wrong with it */
	unsigned first_signed;
};

static void report(struct walk *w, unsigned n, bool problem, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(struct walk *w, unsigned n, bool problem, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (problem)
		w->sum->problems++;
	else
		w->sum->notes++;
	if (w->cb)
		w->cb(w->userdata, n, problem, buf);
}

static bool line_time(struct json_object *o, time_t *ret)
{
	const char *s = ws_audit_str(o, "time");
	struct tm tm = { 0 };
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;

	if (!end || *end)
		return false;
	*ret = timegm(&tm);
	return true;
}

/* ---- signers ------------------------------------------------------------------------------------ */

static struct signer_rec *find_signer(struct walk *w, const char *fp)
{
	for (size_t i = 0; fp && i < w->n_signers; i++)
		if (strcmp(w->signers[i].fp, fp) == 0)
			return &w->signers[i];
	return NULL;
}

/* Why @cert (with @chain) is not a signer the auditor's CA vouches for at @when, or NULL. */
static char *untrusted(const struct walk *w, X509 *cert, STACK_OF(X509) * chain, time_t when)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	char why[160], *out = NULL;

	if (!ctx)
		return strdup("out of memory");
	if (X509_STORE_CTX_init(ctx, ws_trust_store(w->trust), cert, chain) != 1) {
		out = strdup("its certificate could not be checked");
	} else {
		X509_STORE_CTX_set_time(ctx, 0, when);
		if (X509_verify_cert(ctx) != 1)
			ws_reason(&out, 0, "it does not chain to the CA: %s",
			          X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		else if (ws_key_policy(X509_get0_pubkey(cert), why, sizeof(why)) < 0)
			ws_reason(&out, 0, "signer key refused: %s", why);
		else if (!ws_cert_has_doc_signing(cert))
			ws_reason(&out, 0, "it lacks documentSigning (%s)",
			          WS_OID_DOCUMENT_SIGNING);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return out;
}

/* A SIGNER line: its certificate (and chain), judged against the CA at the line's time. */
static void add_signer(struct walk *w, unsigned n, struct json_object *o, time_t when)
{
	const char *pem = ws_audit_str(o, "signer_cert"), *fp = ws_audit_str(o, "signer_sha256");
	BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *cert = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL, *x;
	struct signer_rec *rec;
	char got[65];

	while (cert && chain && b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(chain, x))
			X509_free(x);
	ERR_clear_error();
	BIO_free(b);
	if (!cert || ws_x509_fingerprint(cert, got) < 0) {
		report(w, n, true, "SIGNER line without a PEM certificate in signer_cert");
	} else if (!fp || strcmp(fp, got) != 0) {
		report(w, n, true,
		       "SIGNER line: signer_sha256 is not its certificate's fingerprint");
	} else if (!find_signer(w, fp) &&
	           (rec = realloc(w->signers, (w->n_signers + 1) * sizeof(*rec)))) {
		w->signers = rec;
		rec += w->n_signers++;
		*rec = (struct signer_rec){ .cert = cert, .line = n };
		memcpy(rec->fp, got, sizeof(rec->fp));
		rec->why = untrusted(w, cert, chain, when);
		if (rec->why)
			report(w, n, true, "signer not trusted: %s", rec->why);
		cert = NULL;
	}
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
}

static bool signature_matches(X509 *cert, const char *line, size_t signed_len, const char *b64)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t blen = strlen(b64), n;
	unsigned char *sig = malloc(blen / 4 * 3 + 3);
	char *msg = malloc(signed_len + 1);
	bool ed = key && EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519, ok = false;
	int dec = sig && blen % 4 == 0 && blen
	              ? EVP_DecodeBlock(sig, (const unsigned char *)b64, (int)blen)
	              : -1;

	if (dec > 0 && md && msg && key) {
		n = (size_t)dec - (b64[blen - 1] == '=') - (blen > 1 && b64[blen - 2] == '=');
		memcpy(msg, line, signed_len);
		msg[signed_len] = '}';
		ok = EVP_DigestVerifyInit(md, &pctx, ed ? NULL : ws_digest_for(key), NULL, key) ==
		         1 &&
		     ws_sig_setup(pctx, key) == 0 &&
		     EVP_DigestVerify(md, sig, n, (unsigned char *)msg, signed_len + 1) == 1;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	free(sig);
	free(msg);
	return ok;
}

/* Return: true when the line is signed by a trusted signer and unchanged since. */
static bool check_line_signature(struct walk *w, unsigned n, struct json_object *o,
                                 const char *line, size_t len, bool have_time, time_t when)
{
	size_t sl = ws_audit_signed_len(line, len);
	const char *sig = ws_audit_str(o, "signature");
	struct signer_rec *rec;

	if (!sl || !sig) {
		if (w->first_signed)
			report(w, n, true,
			       "not signed, after signed lines: added or rewritten without the "
			       "station's key");
		else
			w->sum->unsigned_lines++;
		return false;
	}
	rec = find_signer(w, ws_audit_str(o, "signer_sha256"));
	if (!rec) {
		report(w, n, true,
		       "signed by a signer no SIGNER line before it introduces (forged, or its "
		       "SIGNER line was removed)");
		return false;
	}
	if (!signature_matches(rec->cert, line, sl, sig)) {
		report(w, n, true,
		       "the signature does not match the line: changed after signing, or forged");
		return false;
	}
	if (!w->first_signed)
		w->first_signed = n;
	if (rec->why) {
		report(w, n, true, "signed by the signer of line %u, which is not trusted",
		       rec->line);
		return false;
	}
	if (!have_time || X509_cmp_time(X509_get0_notBefore(rec->cert), &when) > 0 ||
	    X509_cmp_time(X509_get0_notAfter(rec->cert), &when) < 0) {
		report(w, n, true, "its time is outside its signer certificate's validity");
		return false;
	}
	w->sum->signed_lines++;
	return true;
}

/* ---- certificates and wipes ---------------------------------------------------------------------- */

/* A name a line may give a certificate: a file name, or a path below the certificate
 * directory ("CUSTOMER/JOB/BATCH/NAME.json", a lot's folder): never absolute, no empty, "."
 * or ".." part. */
static bool name_below(const char *file)
{
	const char *p = file;

	if (!*file || *file == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/' && !*++p)
			return false; /* a trailing '/' */
	}
	return true;
}

/* The certificate a line names: present, with that hash, linked to the one before. */
static void check_certificate(struct walk *w, unsigned n, const char *file, const char *sha,
                              bool in_series)
{
	char *path = NULL, *text = NULL, got[65];
	struct json_object *doc;
	const char *prev;
	size_t len;
	int r;

	if (!w->cert_dir)
		return;
	if (!name_below(file) || asprintf(&path, "%s/%s", w->cert_dir, file) < 0) {
		report(w, n, true,
		       "certificate name '%s' is neither a file name nor a path below the "
		       "certificate directory",
		       file);
		return;
	}
	r = ws_read_file_capped(path, WS_CERT_MAX_BYTES, &text, &len);
	if (r < 0) {
		report(w, n, true, "certificate %s is missing or unreadable (%s)", path,
		       strerror(-r));
		free(path);
		return;
	}
	ws_sha256_hex(text, len, got);
	if (!sha || strcmp(got, sha) != 0)
		report(w, n, true, "certificate %s does not match the hash the log recorded", path);
	doc = json_tokener_parse(text);
	prev = doc ? ws_audit_str(doc, "previous_certificate_sha256") : NULL;
	if (in_series && strcmp(prev ? prev : "", w->prev_cert_sha) != 0)
		report(w, n, true,
		       "certificate %s does not follow the certificate logged before it", path);
	json_object_put(doc);
	free(text);
	free(path);
}

static void track_wipes(struct walk *w, unsigned n, struct json_object *o, const char *status)
{
	struct json_object *v;

	if (strcmp(status, "STARTED") == 0) {
		struct started *s = realloc(w->started, (w->n_started + 1) * sizeof(*s));
		const char *serial = ws_audit_str(o, "serial"), *target = ws_audit_str(o, "target");

		if (!s)
			return;
		w->started = s;
		s += w->n_started++;
		s->line = n;
		if (asprintf(&s->what, "%.100s (%.100s)", serial ? serial : "?",
		             target ? target : "?") < 0)
			s->what = NULL;
		return;
	}
	if (!json_object_object_get_ex(o, "started_line", &v) ||
	    !json_object_is_type(v, json_type_int))
		return;
	for (size_t i = 0; i < w->n_started; i++)
		if (w->started[i].line == (unsigned)json_object_get_int64(v)) {
			free(w->started[i].what);
			w->started[i] = w->started[--w->n_started];
			return;
		}
}

/* ---- the walk -------------------------------------------------------------------------------------- */

/* The line before was not a log line: a TORN line after it says it was a write cut short. */
static void settle_bad_line(struct walk *w, const char *status, bool signed_ok)
{
	if (!w->bad_line)
		return;
	if (status && strcmp(status, "TORN") == 0 && signed_ok)
		report(w, w->bad_line, false,
		       "torn line (a write that did not finish), kept as "
		       "found; line %u records it",
		       w->bad_line + 1);
	else
		report(w, w->bad_line, true, "%s", w->bad_why);
	w->bad_line = 0;
}

static void walk_object(struct walk *w, unsigned n, struct json_object *o, const char *line,
                        size_t len)
{
	struct json_object *num = NULL;
	const char *prev = ws_audit_str(o, "prev_line_sha256"), *status = ws_audit_str(o, "status");
	const char *file = ws_audit_str(o, "certificate_file");
	const char *sha = ws_audit_str(o, "certificate_sha256");
	time_t when = 0;
	bool have_time = line_time(o, &when), ok;

	if (status && strcmp(status, "SIGNER") == 0 && have_time)
		add_signer(w, n, o, when);
	ok = check_line_signature(w, n, o, line, len, have_time, when);
	settle_bad_line(w, status, ok);
	if (!json_object_object_get_ex(o, "line", &num) ||
	    !json_object_is_type(num, json_type_int) || json_object_get_int64(num) != (int64_t)n)
		report(w, n, true, "numbered %lld: a line before it is missing or was added",
		       num && json_object_is_type(num, json_type_int)
		           ? (long long)json_object_get_int64(num)
		           : -1LL);
	if (!prev || strcmp(prev, w->prev_line_sha) != 0)
		report(w, n, true, "does not chain to the line before it (removed or edited)");
	if (status)
		track_wipes(w, n, o, status);
	if (file && ws_audit_str(o, "late_since"))
		report(w, n, false,
		       "recorded late: the log could not be written when its certificate was "
		       "made (%.40s), so the certificate's place in the series is not checked",
		       ws_audit_str(o, "late_since"));
	if (file)
		check_certificate(w, n, file, sha, ws_audit_str(o, "late_since") == NULL);
	if (sha)
		snprintf(w->prev_cert_sha, sizeof(w->prev_cert_sha), "%s", sha);
}

static int walk_line(void *ud, unsigned n, const char *line, size_t len, bool complete)
{
	struct walk *w = ud;
	struct json_object *o = complete ? ws_audit_parse(line, len) : NULL;

	w->sum->lines = n;
	if (!complete) {
		settle_bad_line(w, NULL, false);
		report(w, n, false,
		       "torn last line (%zu bytes, no newline): a write that did not finish; the "
		       "next wipe records it",
		       len);
	} else if (!o) {
		settle_bad_line(w, NULL, false);
		w->bad_line = n;
		snprintf(w->bad_why, sizeof(w->bad_why), "%s",
		         memchr(line, '\0', len) ? "not a log line (it holds a NUL byte)"
		                                 : "not a log line (not strict JSON)");
	} else {
		walk_object(w, n, o, line, len);
	}
	ws_sha256_hex(line, len, w->prev_line_sha);
	json_object_put(o);
	return 0;
}

static int walk_end(struct walk *w, int r, unsigned at)
{
	if (r == -EFBIG && at) {
		report(w, at, true, "longer than %u KiB: not a log line", WS_AUDIT_LINE_MAX >> 10);
		r = 0;
	}
	settle_bad_line(w, NULL, false);
	for (size_t i = 0; i < w->n_started; i++) {
		report(w, w->started[i].line, false,
		       "the wipe of %s started here has no outcome line: interrupted (killed, "
		       "power cut) before its certificate",
		       w->started[i].what ? w->started[i].what : "?");
		free(w->started[i].what);
	}
	free(w->started);
	if (w->sum->unsigned_lines && !w->first_signed)
		report(w, 0, true,
		       "no line is signed: nothing proves who wrote this log (written before "
		       "wipeseal signed its lines, or rewritten)");
	else if (w->sum->unsigned_lines)
		report(w, 0, false,
		       "lines 1 to %u are unsigned (written before wipeseal signed its lines): the "
		       "signed lines after them fix their bytes, not who wrote them",
		       w->first_signed - 1);
	for (size_t i = 0; i < w->n_signers; i++) {
		X509_free(w->signers[i].cert);
		free(w->signers[i].why);
	}
	free(w->signers);
	return r;
}

static void walk_init(struct walk *w, const char *cert_dir, const struct ws_trust *trust,
                      ws_audit_problem_fn cb, void *userdata, struct ws_audit_summary *sum)
{
	*w = (struct walk){
		.cert_dir = cert_dir, .trust = trust, .cb = cb, .userdata = userdata, .sum = sum
	};
	memset(sum, 0, sizeof(*sum));
	strcpy(w->prev_line_sha, WS_AUDIT_ZERO_HASH);
}

int ws_audit_verify(const char *path, const char *cert_dir, const struct ws_trust *trust,
                    ws_audit_problem_fn cb, void *userdata, struct ws_audit_summary *ret)
{
	/* O_NONBLOCK: a FIFO must not hang the auditor; only a regular file is read */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct walk w;
	unsigned at = 0;
	int r;

	if (fd < 0)
		return -errno;
	walk_init(&w, cert_dir, trust, cb, userdata, ret);
	r = ws_audit_read_fd(fd, walk_line, &w, &at);
	return walk_end(&w, r, at);
}

int ws_audit_verify_mem(const void *data, size_t len, const char *cert_dir,
                        const struct ws_trust *trust, ws_audit_problem_fn cb, void *userdata,
                        struct ws_audit_summary *ret)
{
	struct walk w;
	unsigned at = 0;
	int r;

	walk_init(&w, cert_dir, trust, cb, userdata, ret);
	r = ws_audit_read_mem(data, len, walk_line, &w, &at);
	return walk_end(&w, r, at);
}

/* ---- a walk fed line by line (register-audit.c: the lines come from the register) ----------- */

struct ws_audit_walk {
	struct walk w;
};

struct ws_audit_walk *ws_audit_walk_new(const struct ws_trust *trust, ws_audit_problem_fn cb,
                                        void *userdata, struct ws_audit_summary *sum)
{
	struct ws_audit_walk *aw = malloc(sizeof(*aw));

	if (aw)
		walk_init(&aw->w, NULL, trust, cb, userdata, sum);
	return aw;
}

void ws_audit_walk_line(struct ws_audit_walk *aw, unsigned n, const char *line, size_t len)
{
	if (len > WS_AUDIT_LINE_MAX)
		report(&aw->w, n, true, "longer than %u KiB: not a log line",
		       WS_AUDIT_LINE_MAX >> 10);
	else
		(void)walk_line(&aw->w, n, line, len, true);
}

void ws_audit_walk_end(struct ws_audit_walk *aw)
{
	if (!aw)
		return;
	(void)walk_end(&aw->w, 0, 0);
	free(aw);
}
