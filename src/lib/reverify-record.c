/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reverify-record.c - the signed record a re-verification leaves ("wipeseal-reverification/1",
 * docs/reverify.md): what was read, what it had to read as, what was found, and who did it,
 * bound to the certificate by its SHA-256. Written beside the certificate (or into a given
 * directory) as NAME.reverify-TIME.json with a detached CMS signature, NAME...json.p7s, that
 * plain `openssl cms -verify` checks, as it checks a certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <wipeseal/reverify.h>

#include "cert-internal.h"
#include "wipe-internal.h"

#define MAX_SUFFIX 99 /* NAME.reverify-TIME-1.json ... -99 when the name is taken */

static struct json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* Now, RFC 3339 with milliseconds. */
static struct json_object *now_rfc3339(void)
{
	return ws_json_time(ws_now_ns());
}

/* One entry (@nid) of @name, or NULL (malloc'd). */
static char *name_entry(const X509_NAME *name, int nid)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	const ASN1_STRING *s;
	unsigned char *utf8 = NULL;
	char *out;
	int len;

	if (i < 0 || !(s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))))
		return NULL;
	len = ASN1_STRING_to_UTF8(&utf8, s);
	if (len < 0)
		return NULL;
	out = strndup((const char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return out;
}

/* The person, as their certificate names them: who signed the record. */
static struct json_object *person_json(const struct ws_signer *s)
{
	struct json_object *o = json_object_new_object();
	_cleanup_free_ char *pem = ws_signer_pem(s);
	BIO *bio = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	const X509_NAME *subj = x ? X509_get_subject_name(x) : NULL;
	char *cn = subj ? name_entry(subj, NID_commonName) : NULL;
	char *title = subj ? name_entry(subj, NID_title) : NULL;
	char *org = subj ? name_entry(subj, NID_organizationName) : NULL;
	char *loc = subj ? name_entry(subj, NID_localityName) : NULL;
	char *mail = subj ? name_entry(subj, NID_pkcs9_emailAddress) : NULL;
	char *issuer = x ? ws_x509_name(X509_get_issuer_name(x)) : NULL;
	struct ws_token *tok = ws_signer_token(s);

	add(o, "name", str(cn));
	add(o, "title", str(title));
	add(o, "organization", str(org));
	add(o, "location", str(loc));
	add(o, "contact", str(mail));
	add(o, "certificate_subject", str(ws_signer_subject(s)));
	add(o, "certificate_issuer", str(issuer));
	add(o, "certificate_sha256", str(ws_signer_fingerprint(s)));
	add(o, "card_serial", str(tok ? ws_token_serial(tok) : NULL));
	free(cn);
	free(title);
	free(org);
	free(loc);
	free(mail);
	free(issuer);
	X509_free(x);
	BIO_free(bio);
	return o;
}

static struct json_object *offsets_json(const uint64_t *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_uint64(v[i]));
	return a;
}

static struct json_object *ranges_json(const struct ws_range *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		add(o, "offset", json_object_new_uint64(v[i].offset));
		add(o, "length", json_object_new_uint64(v[i].length));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *certificate_json(const struct ws_reverify *r)
{
	struct json_object *o = json_object_new_object();
	_cleanup_free_ char *copy = strdup(r->certificate_path);

	add(o, "file", str(copy ? basename(copy) : NULL));
	add(o, "certificate_id", str(r->certificate_id));
	add(o, "sha256", str(r->cert_sha256));
	return o;
}

static struct json_object *device_json(const struct ws_reverify *r)
{
	struct json_object *o = json_object_new_object();

	add(o, "path", str(r->path));
	add(o, "model", str(r->model));
	add(o, "serial", str(r->serial));
	add(o, "wwn", str(r->wwn));
	add(o, "capacity_bytes", json_object_new_uint64(r->capacity));
	return o;
}

int ws_reverify_record(const struct ws_reverify *r, const struct ws_signer *person, char **ret)
{
	struct json_object *o = json_object_new_object();
	char id[37], seed[24], tool[128];
	const char *text;
	int err = ws_uuid4(id);

	snprintf(seed, sizeof(seed), "0x%016llx", (unsigned long long)r->seed);
	snprintf(tool, sizeof(tool), "wipeseal %s (%s)", ws_version(), ws_git_revision());
	add(o, "schema", str(WS_REVERIFY_SCHEMA));
	add(o, "reverification_id", str(id));
	add(o, "date", now_rfc3339());
	add(o, "certificate", certificate_json(r));
	add(o, "device", device_json(r));
	add(o, "identity_match", json_object_new_boolean(true));
	add(o, "mode", str(ws_verify_mode_name(r->mode)));
	add(o, "seed", r->mode == WS_VERIFY_SAMPLE ? str(seed) : NULL);
	add(o, "regions", json_object_new_uint64(r->regions));
	add(o, "bytes_checked", json_object_new_uint64(r->bytes_checked));
	add(o, "expected", str(r->expected));
	add(o, "bytes_mismatched", json_object_new_uint64(r->bytes_mismatched));
	add(o, "mismatch_offsets", offsets_json(r->mismatch_offsets, r->n_mismatch_offsets));
	add(o, "unreadable", ranges_json(r->unreadable, r->n_unreadable));
	add(o, "result", str(ws_reverify_outcome_name(r->outcome)));
	add(o, "person", person_json(person));
	add(o, "tool", str(tool));
	add(o, "station", ws_station_json());
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE);
	if (err == 0 && (!text || asprintf(ret, "%s\n", text) < 0))
		err = -ENOMEM;
	json_object_put(o);
	return err;
}

/* ---- the files ------------------------------------------------------------------------------ */

/* DIR/NAME.reverify-TIME[-N].json for the certificate DIR/NAME.json. */
static char *record_name(const struct ws_reverify *r, const char *dir, const char *stamp,
                         unsigned n)
{
	_cleanup_free_ char *c1 = strdup(r->certificate_path), *c2 = strdup(r->certificate_path);
	char *base, *out = NULL, suffix[16] = "";
	size_t len;

	if (!c1 || !c2)
		return NULL;
	base = basename(c1);
	len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".json") == 0)
		base[len - 5] = '\0';
	if (n)
		snprintf(suffix, sizeof(suffix), "-%u", n);
	if (asprintf(&out, "%s/%s.reverify-%s%s.json", dir ? dir : dirname(c2), base, stamp,
	             suffix) < 0)
		return NULL;
	return out;
}

int ws_reverify_file(const struct ws_reverify *r, const char *record,
                     const struct ws_signer *person, const char *dir, char **ret_path,
                     char **ret_reason)
{
	_cleanup_free_ char *sig = NULL, *path = NULL, *sig_path = NULL;
	char stamp[20];
	time_t t = time(NULL);
	struct tm tm;
	int err;

	err = ws_signer_sign(person, record, strlen(record), &sig);
	if (err < 0)
		return ws_reason(ret_reason, err, "the record cannot be signed: %s",
		                 strerror(-err));
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	err = -EEXIST;
	for (unsigned n = 0; n <= MAX_SUFFIX && err == -EEXIST; n++) {
		free(path);
		if (!(path = record_name(r, dir, stamp, n)))
			return -ENOMEM;
		err = ws_write_new_file(path, record);
	}
	if (err < 0)
		return ws_reason(ret_reason, err, "the record %s cannot be written: %s", path,
		                 strerror(-err));
	if (asprintf(&sig_path, "%s.p7s", path) < 0)
		return -ENOMEM;
	err = ws_write_new_file(sig_path, sig);
	if (err < 0)
		return ws_reason(ret_reason, err, "the signature %s cannot be written: %s",
		                 sig_path, strerror(-err));
	*ret_path = TAKE_PTR(path);
	return 0;
}
