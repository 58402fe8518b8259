/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reverify.c - a drive read again, long after its wipe, against what its signed certificate
 * says it was left holding (wipeseal/reverify.h).
 *
 * The order is the safety, as in gate.c: the certificate is read once and verified over the
 * very bytes whose evidence is then used; the drive is opened read-only (O_EXCL for a block
 * device: nothing mounts it while it is read) and every fact is taken from the held
 * descriptor; a drive whose identity is not the certificate's is refused before a byte of
 * its contents is read. The reading itself is the wipe's own: the sample plan of plan.c, the
 * worker pool and comparison of io.c, the pattern generator of pattern.c (the random pass's
 * key is in the evidence), and for a crypto erase the noise judgement of crypto-verify.c.
 * Nothing here has a write path: no descriptor is ever opened for writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <wipeseal/reverify.h>

#include "cert-internal.h"
#include "purge-run.h"

#define DEFAULT_PERCENT 10
#define REGION_MAX      (1u << 20) /* sampled regions are at most 1 MiB (plan.c) */

/* What the certificate says: the drive it names and what it must read as. */
struct expect {
	struct json_object *doc; /* the certificate, parsed (owns the strings below) */
	const char *kind, *serial, *wwn, *model;
	uint64_t size, diskseq; /* diskseq 0: not recorded */
	enum ws_technique technique;
	struct ws_pass_spec spec; /* overwrite and block erase: what every byte reads as */
	uint8_t key[WS_KEY_BYTES];
	bool crypto;     /* judged as noise or the erased pattern */
	int erased_byte; /* crypto: what the drive declared erased media reads as, or -1 */
};

/* ---- the certificate ------------------------------------------------------------------------ */

/* The member at @path ("a.b.c") of @o, or NULL. */
static struct json_object *jget(struct json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

static const char *jstring(struct json_object *o, const char *path)
{
	struct json_object *v = jget(o, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static uint64_t juint(struct json_object *o, const char *path)
{
	struct json_object *v = jget(o, path);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_uint64(v) : 0;
}

static int nibble(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* @hex into @out (at most @cap bytes). Return: the bytes, or 0 when it is not hex. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = hex ? strlen(hex) : 0;

	if (n == 0 || n % 2 || n / 2 > cap)
		return 0;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return n / 2;
}

/* The last pass of an overwrite: a byte pattern, or a random pass and its key. */
static int expect_pass(struct expect *e, struct ws_reverify *r, char **ret_reason)
{
	struct json_object *passes = jget(e->doc, "evidence.passes"), *last;
	size_t n = passes && json_object_is_type(passes, json_type_array)
	               ? json_object_array_length(passes)
	               : 0;
	const char *kind;

	if (n == 0)
		return ws_reason(ret_reason, -EBADMSG,
		                 "the certificate's evidence records no pass");
	last = json_object_array_get_idx(passes, n - 1);
	kind = jstring(last, "pattern.kind");
	if (kind && strcmp(kind, "random") == 0) {
		if (unhex(jstring(last, "pattern.key"), e->key, WS_KEY_BYTES) != WS_KEY_BYTES)
			return ws_reason(ret_reason, -EBADMSG,
			                 "the certificate's random pass has no usable key");
		e->spec.kind = WS_PATTERN_RANDOM;
		e->spec.len = 0;
		snprintf(r->expected, sizeof(r->expected), "AES-256-CTR keystream of pass %zu", n);
		return 0;
	}
	e->spec.kind = WS_PATTERN_BYTES;
	e->spec.len = unhex(jstring(last, "pattern.hex"), e->spec.bytes, WS_PATTERN_MAX);
	if (!kind || strcmp(kind, "bytes") != 0 || e->spec.len == 0)
		return ws_reason(ret_reason, -EBADMSG,
		                 "the certificate's last pass has no pattern that can be read");
	if (e->spec.len == 1)
		snprintf(r->expected, sizeof(r->expected), "constant 0x%02x", e->spec.bytes[0]);
	else
		snprintf(r->expected, sizeof(r->expected), "pattern 0x%.*s%s (pass %zu)", 64,
		         jstring(last, "pattern.hex"), e->spec.len > 32 ? "..." : "", n);
	return 0;
}

/* A firmware erase: the erased value (as the drive @dev says now), or noise for a crypto
 * erase with the erased pattern the evidence recorded. */
static void expect_firmware(struct expect *e, const struct ws_device *dev, struct ws_reverify *r)
{
	const struct ws_transport_ops *ops = ws_transport_for(e->technique);
	const char *pat =
	    jstring(e->doc, "evidence.verification.crypto_erase.entropy.erased_pattern");

	e->crypto = ws_purge_unpredictable(e->technique);
	if (e->crypto) {
		uint8_t b;

		e->erased_byte = !pat                      ? -1
		                 : strcmp(pat, "any") == 0 ? WS_ERASED_ANY
		                 : unhex(pat, &b, 1) == 1  ? b
		                                           : -1;
		snprintf(r->expected, sizeof(r->expected),
		         "erased (firmware): %s, every 4 KiB block noise%s%s", r->technique,
		         pat ? " or the erased pattern " : "", pat ? pat : "");
		return;
	}
	e->spec.kind = WS_PATTERN_BYTES;
	e->spec.len = 1;
	e->spec.bytes[0] = ops && ops->blank_byte ? ops->blank_byte(dev, e->technique) : 0x00;
	snprintf(r->expected, sizeof(r->expected), "erased (firmware): %s, constant 0x%02x",
	         r->technique, e->spec.bytes[0]);
}

/* Read @path and its .p7s once, verify those bytes, and keep what they say. */
static int load_certificate(const char *path, const struct ws_trust *trust, struct expect *e,
                            struct ws_reverify *r, char **ret_reason)
{
	_cleanup_free_ char *json = NULL, *p7s = NULL, *sig = NULL;
	struct ws_cert_check c = { 0 };
	size_t len = 0, slen = 0;
	int err;

	if (asprintf(&sig, "%s.p7s", path) < 0)
		return -ENOMEM;
	err = ws_read_named("certificate", path, WS_CERT_MAX_BYTES, &json, &len, NULL, ret_reason);
	if (err == 0)
		err = ws_read_named("signature", sig, WS_SIG_MAX_BYTES, &p7s, &slen, NULL,
		                    ret_reason);
	if (err < 0)
		return err;
	err = ws_cert_verify_flags(trust, json, len, p7s, slen, 0, &c);
	if (err == 0 && !c.ok)
		err = ws_reason(ret_reason, -EBADMSG, "certificate %s does not verify: %s", path,
		                c.reason ? c.reason : "?");
	if (err == 0) {
		memcpy(r->cert_sha256, c.sha256, sizeof(r->cert_sha256));
		r->certificate_id = strdup_or_null(c.certificate_id);
		r->certificate_path = strdup(path);
		e->doc = json_tokener_parse(json);
		if (!e->doc || !r->certificate_path)
			err = -ENOMEM;
	}
	ws_cert_check_clear(&c);
	return err;
}

/* The drive and the technique the evidence names. */
static int read_expectation(struct expect *e, struct ws_reverify *r, char **ret_reason)
{
	const char *tech = jstring(e->doc, "evidence.technique");

	e->kind = jstring(e->doc, "evidence.device.kind");
	e->serial = jstring(e->doc, "evidence.device.serial");
	e->wwn = jstring(e->doc, "evidence.device.wwn");
	e->model = jstring(e->doc, "evidence.device.model");
	e->size = juint(e->doc, "evidence.device.size_bytes");
	e->diskseq = juint(e->doc, "evidence.device.diskseq");
	e->erased_byte = -1;
	if (!tech || !e->kind || e->size == 0)
		return ws_reason(ret_reason, -EBADMSG,
		                 "the certificate's evidence names no technique or no drive");
	r->technique = strdup(tech);
	if (!r->technique)
		return -ENOMEM;
	if (strcmp(tech, "overwrite") == 0) {
		e->technique = WS_TECH_OVERWRITE;
		return expect_pass(e, r, ret_reason);
	}
	if (ws_technique_by_name(tech, &e->technique) < 0 || ws_purge_erases_nothing(e->technique))
		return ws_reason(ret_reason, -EBADMSG,
		                 "the certificate's technique %s leaves nothing to re-verify",
		                 tech);
	return 0;
}

/* ---- the drive -------------------------------------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The drive opened is the certificate's: the one line says which field differs. The disk
 * sequence number is compared where the certificate has it and the drive reports neither
 * serial nor WWN (a loop device, an image): it is the kernel's per-boot number, so a
 * physical drive plugged in again is known by its serial and WWN instead. */
static int same_drive(const struct expect *e, const struct ws_device *d, char **ret_reason)
{
	static const char *const none = "none";
	const char *what = NULL, *want = NULL, *got = NULL;
	char a[32], b[32];

	if (strcmp(e->kind, d->kind == WS_DEVICE_FILE ? "file" : "disk") != 0)
		what = "kind", want = e->kind, got = d->kind == WS_DEVICE_FILE ? "file" : "disk";
	else if (!same_str(e->serial, d->serial))
		what = "serial", want = e->serial, got = d->serial;
	else if (!same_str(e->wwn, d->wwn))
		what = "WWN", want = e->wwn, got = d->wwn;
	else if (!same_str(e->model, d->model))
		what = "model", want = e->model, got = d->model;
	else if (e->size != d->size_bytes) {
		snprintf(a, sizeof(a), "%llu bytes", (unsigned long long)e->size);
		snprintf(b, sizeof(b), "%llu bytes", (unsigned long long)d->size_bytes);
		what = "capacity", want = a, got = b;
	} else if (e->diskseq && !e->serial && !e->wwn && e->diskseq != d->diskseq) {
		snprintf(a, sizeof(a), "%llu", (unsigned long long)e->diskseq);
		snprintf(b, sizeof(b), "%llu", (unsigned long long)d->diskseq);
		what = "disk sequence number", want = a, got = b;
	}
	if (!what)
		return 0;
	return ws_reason(ret_reason, -EPERM,
	                 "%s is not the drive of the certificate: its %s differs (the "
	                 "certificate: %s; the drive: %s); nothing was read or signed",
	                 d->path, what, want ? want : none, got ? got : none);
}

/* Open @path read-only, held exclusively when it is a block device, and describe it from the
 * descriptor. Return: the descriptor, or a negative errno. */
static int open_drive(struct ws_ctx *ctx, const char *path, struct ws_device **ret_dev,
                      char **ret_reason)
{
	struct stat st;
	int fd, r;

	if (stat(path, &st) < 0)
		return ws_reason(ret_reason, errno == ENOTDIR ? -ENOENT : -errno, "%s: %s", path,
		                 strerror(errno));
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ws_reason(ret_reason, -ENOTBLK, "%s is not a block device or image file",
		                 path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (S_ISBLK(st.st_mode) ? O_EXCL : 0));
	if (fd < 0)
		return ws_reason(ret_reason, -errno, "%s cannot be opened for reading: %s%s", path,
		                 strerror(errno),
		                 errno == EBUSY ? " (it is in use: mounted or held)" : "");
	r = ws_device_describe_held(ctx, path, fd, ret_dev);
	if (r < 0) {
		(void)close(fd);
		return ws_reason(ret_reason, r, "%s cannot be examined: %s", path, strerror(-r));
	}
	return fd;
}

/* ---- reading -------------------------------------------------------------------------------- */

static int draw_regions(const struct ws_reverify_opts *o, uint64_t size, struct ws_reverify *r,
                        struct ws_range **v, size_t *n)
{
	unsigned percent = o->sample_percent ? o->sample_percent : DEFAULT_PERCENT;
	uint64_t region_size;
	size_t drawn;
	int e;

	r->seed = o->seed;
	while (r->seed == 0)
		if (getrandom(&r->seed, sizeof(r->seed), 0) != (ssize_t)sizeof(r->seed))
			return -EIO;
	e = ws_sample_regions(r->seed, size, percent, v, n, &region_size, &drawn);
	r->regions = drawn;
	return e;
}

/* The whole device as 1 MiB regions (a crypto erase is judged region by region). */
static int whole_regions(uint64_t size, struct ws_range **v, size_t *n)
{
	*n = (size_t)((size + REGION_MAX - 1) / REGION_MAX);
	*v = calloc(*n ? *n : 1, sizeof(**v));
	if (!*v)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		uint64_t off = (uint64_t)i * REGION_MAX;

		(*v)[i] =
		    (struct ws_range){ off, size - off < REGION_MAX ? size - off : REGION_MAX };
	}
	return 0;
}

/* A second, O_DIRECT descriptor on what @fd holds (reads from the medium, not the cache), or
 * -1 where there is none: io.c then reads through @fd. */
static int open_direct(int fd)
{
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	return open(self, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NOCTTY);
}

/* The expected pattern compared by io.c's workers. */
static int read_compare(int fd, const struct expect *e, uint64_t size, const struct ws_range *v,
                        size_t n, struct ws_verify_result *ver)
{
	struct ws_io io = { .fd = fd, .size = size, .chunk = REGION_MAX, .threads = 4 };
	int r;

	io.dfd = open_direct(fd);
	ws_io_drop_cache(fd);
	r = ws_io_verify(&io, &e->spec, e->key, v, n, ver, NULL, NULL, 250);
	if (io.dfd >= 0)
		(void)close(io.dfd);
	return r;
}

/* After a crypto erase: every 4 KiB block judged (crypto-verify.c); a block that is neither
 * noise nor the erased pattern counts as mismatched. */
static int read_judge(int fd, const struct expect *e, const struct ws_range *v, size_t n,
                      struct ws_verify_result *ver)
{
	_cleanup_free_ uint8_t *buf = malloc(REGION_MAX);
	struct ws_crypto_check *cc = &ver->crypto;

	if (!buf)
		return -ENOMEM;
	ws_crypto_judge_start(cc, e->erased_byte);
	ws_io_drop_cache(fd);
	for (size_t i = 0; i < n; i++) {
		uint64_t done = 0, len = v[i].length;

		while (done < len) {
			ssize_t k = pread(fd, buf + done, (size_t)(len - done),
			                  (off_t)(v[i].offset + done));

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			done += (uint64_t)k;
		}
		if (done < len) {
			if (ws_ranges_add(&ver->unreadable, &ver->n_unreadable, v[i].offset, len) <
			    0)
				return -ENOMEM;
			continue;
		}
		ver->bytes_checked += len;
		ws_crypto_judge_region(cc, buf, len, v[i].offset);
	}
	ver->bytes_mismatched = (cc->structured_blocks + cc->pattern_blocks) * 4096;
	for (size_t i = 0; i < cc->n_structured_offsets; i++)
		ver->mismatch_offsets[ver->n_mismatch_offsets++] = cc->structured_offsets[i];
	for (size_t i = 0; i < cc->n_pattern_offsets && ver->n_mismatch_offsets < WS_MAX_REPORTED;
	     i++)
		ver->mismatch_offsets[ver->n_mismatch_offsets++] = cc->pattern_offsets[i];
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Read what the plan says, and keep what was found in @r. */
static int read_drive(int fd, const struct expect *e, const struct ws_reverify_opts *o,
                      struct ws_reverify *r)
{
	_cleanup_free_ struct ws_range *v = NULL;
	struct ws_verify_result ver = { 0 };
	size_t n = 0;
	int err;

	r->mode = o->mode == WS_VERIFY_FULL ? WS_VERIFY_FULL : WS_VERIFY_SAMPLE;
	err = r->mode == WS_VERIFY_SAMPLE ? draw_regions(o, r->capacity, r, &v, &n)
	                                  : whole_regions(r->capacity, &v, &n);
	if (err < 0)
		return err;
	if (r->mode == WS_VERIFY_FULL)
		r->regions = n;
	err = e->crypto
	          ? read_judge(fd, e, v, n, &ver)
	          : read_compare(fd, e, r->capacity, r->mode == WS_VERIFY_FULL ? NULL : v, n, &ver);
	r->bytes_checked = ver.bytes_checked;
	r->bytes_mismatched = ver.bytes_mismatched;
	r->n_mismatch_offsets = ver.n_mismatch_offsets;
	memcpy(r->mismatch_offsets, ver.mismatch_offsets, sizeof(r->mismatch_offsets));
	qsort(r->mismatch_offsets, r->n_mismatch_offsets, sizeof(uint64_t), cmp_u64);
	r->unreadable = ver.unreadable;
	r->n_unreadable = ver.n_unreadable;
	r->outcome = r->bytes_mismatched ? WS_REVERIFY_MISMATCH
	             : r->n_unreadable   ? WS_REVERIFY_UNREADABLE
	                                 : WS_REVERIFY_MATCH;
	return err;
}

/* ---- the whole ------------------------------------------------------------------------------ */

static int take_identity(struct ws_reverify *r, const struct ws_device *d)
{
	r->path = strdup_or_null(d->path);
	r->model = strdup_or_null(d->model);
	r->serial = strdup_or_null(d->serial);
	r->wwn = strdup_or_null(d->wwn);
	r->capacity = d->size_bytes;
	return r->path ? 0 : -ENOMEM;
}

int ws_reverify(struct ws_ctx *ctx, const char *cert_path, const char *device,
                const struct ws_reverify_opts *o, struct ws_reverify **ret, char **ret_reason)
{
	struct ws_reverify *r = calloc(1, sizeof(*r));
	struct expect e = { 0 };
	struct ws_device *dev = NULL;
	int fd = -1, err;

	if (!r)
		return -ENOMEM;
	err = load_certificate(cert_path, o->trust, &e, r, ret_reason);
	if (err == 0)
		err = read_expectation(&e, r, ret_reason);
	if (err == 0 && (fd = open_drive(ctx, device, &dev, ret_reason)) < 0)
		err = fd;
	if (err == 0)
		err = same_drive(&e, dev, ret_reason);
	if (err == 0 && e.technique != WS_TECH_OVERWRITE)
		expect_firmware(&e, dev, r);
	if (err == 0)
		err = take_identity(r, dev);
	if (err == 0 && (err = read_drive(fd, &e, o, r)) < 0)
		ws_reason(ret_reason, err, "%s could not be read: %s", device, strerror(-err));
	OPENSSL_cleanse(e.key, sizeof(e.key));
	json_object_put(e.doc);
	ws_device_free(dev);
	if (fd >= 0)
		(void)close(fd);
	if (err < 0) {
		ws_reverify_free(r);
		return err;
	}
	*ret = r;
	return 0;
}

struct ws_reverify *ws_reverify_free(struct ws_reverify *r)
{
	if (!r)
		return NULL;
	free(r->certificate_path);
	free(r->certificate_id);
	free(r->path);
	free(r->model);
	free(r->serial);
	free(r->wwn);
	free(r->unreadable);
	free(r->technique);
	free(r);
	return NULL;
}

const char *ws_reverify_outcome_name(enum ws_reverify_outcome o)
{
	switch (o) {
	case WS_REVERIFY_MATCH:
		return "MATCH";
	case WS_REVERIFY_MISMATCH:
		return "MISMATCH";
	case WS_REVERIFY_UNREADABLE:
		return "UNREADABLE";
	}
	return "?";
}
