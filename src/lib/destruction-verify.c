/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * destruction-verify.c - a destruction record checked as an auditor checks a certificate
 * (wipeseal/destruction.h): hostile input until proven otherwise, capped in size, strict
 * UTF-8 JSON of the destruction schema with every field an auditor relies on, and signed
 * (detached CMS, one signer, a signing time) over its exact bytes by a station whose
 * certificate chains to the trusted CA at that time, held to the key policy and
 * documentSigning and not an operator's. The wipe certificate it links, when it lies beside
 * the record, must be the one whose SHA-256 the record holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/x509.h>

#include <wipeseal/destruction.h>

#include "cert-internal.h"
#include "operator-internal.h"
#include "validate-internal.h"
#include "verify-internal.h"

bool ws_destruction_is_record(const char *path)
{
	size_t n = path ? strlen(path) : 0, k = strlen(WS_DESTRUCTION_SUFFIX);

	return n > k && strcmp(path + n - k, WS_DESTRUCTION_SUFFIX) == 0;
}

void ws_destruction_check_clear(struct ws_destruction_check *c)
{
	free(c->reason);
	free(c->record_id);
	free(c->serial);
	free(c->model);
	free(c->how);
	free(c->witness);
	free(c->operator_name);
	free(c->date);
	free(c->signer);
	free(c->linked_id);
	memset(c, 0, sizeof(*c));
}

/* The string at dotted @path, or NULL (absent, null or not a string). */
static const char *text_at(struct json_object *doc, const char *path)
{
	struct json_object *v = ws_json_at(doc, path);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static char *dup_at(struct json_object *doc, const char *path)
{
	const char *s = text_at(doc, path);

	return s ? strdup(s) : NULL;
}

static bool is_sha256(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The link to the wipe certificate: an object naming it by id and SHA-256, or null with a
 * note saying why there is none. Return: NULL, or why not. */
static const char *check_link(struct json_object *doc)
{
	struct json_object *l = ws_json_at(doc, "linked_certificate");

	if (!l)
		return text_at(doc, "linked_certificate_note")
		           ? NULL
		           : "it links no certificate and does not say why "
		             "(linked_certificate_note)";
	if (!json_object_is_type(l, json_type_object) ||
	    !text_at(doc, "linked_certificate.certificate_id") ||
	    !is_sha256(text_at(doc, "linked_certificate.sha256")))
		return "its linked_certificate lacks a certificate_id or a SHA-256";
	return NULL;
}

/* The document: schema and the fields an auditor relies on. Return: NULL, or why not. */
static const char *check_doc(struct json_object *doc)
{
	const char *schema = text_at(doc, "schema"), *serial = text_at(doc, "media.serial"),
	           *witness = text_at(doc, "witness.name");
	enum ws_destruct_how how;

	if (!schema || strcmp(schema, WS_DESTRUCTION_SCHEMA) != 0)
		return "not a " WS_DESTRUCTION_SCHEMA " document (wrong or missing \"schema\")";
	if (!text_at(doc, "record_id") || !text_at(doc, "date"))
		return "it lacks its record_id or date";
	if (!text_at(doc, "sanitization.method") ||
	    strcmp(text_at(doc, "sanitization.method"), "Destruct") != 0 ||
	    ws_destruct_how_parse(text_at(doc, "sanitization.technique"), &how) < 0)
		return "its sanitization is not Destruct by shred, disintegrate, pulverize, "
		       "incinerate or melt";
	if (!serial || !*serial)
		return "it names no drive (media.serial)";
	if (!witness || !*witness ||
	    !json_object_is_type(ws_json_at(doc, "witness.signed"), json_type_boolean))
		return "it names no witness";
	if (!json_object_is_type(ws_json_at(doc, "person"), json_type_object))
		return "it lacks its \"person\" section";
	return check_link(doc);
}

/* The one signer, chained at its signing time, held to the station's rules. Return: NULL, or
 * why not (a constant, or written into @buf). */
static const char *signer_why(X509_STORE *store, const struct ws_record_sig *s,
                              struct ws_destruction_check *c, char *buf, size_t size)
{
	X509 *x = s->signer;
	const char *chain;

	if (!x)
		return "its signature does not name exactly one signer";
	if ((chain = ws_validation_chain_why(store, x, s->certs, (time_t)c->signing_time))) {
		snprintf(buf, size, "its signer does not chain to the trusted CA (%s)", chain);
		return buf;
	}
	if (ws_key_policy(X509_get0_pubkey(x), buf, size) < 0)
		return buf;
	if (!ws_cert_has_doc_signing(x))
		return "its signer certificate lacks documentSigning (" WS_OID_DOCUMENT_SIGNING ")";
	if (ws_cert_has_operator_policy(x))
		return "it was signed with an operator's certificate, not a station's";
	if (!(c->signer = ws_x509_name(X509_get_subject_name(x))))
		return "out of memory";
	return NULL;
}

/* The detached signature over the record's exact bytes. Return: NULL, or why not. */
static const char *check_sig(const struct ws_trust *trust, const char *json, size_t len,
                             const char *p7s, size_t plen, struct ws_destruction_check *c,
                             char *buf, size_t size)
{
	X509_STORE *store = ws_trust_store(trust);
	struct ws_record_sig s;
	const char *why = ws_record_sig_verify(store, json, len, p7s, plen, &s);

	if (!why) {
		c->signing_time = s.when;
		why = signer_why(store, &s, c, buf, size);
	}
	ws_record_sig_clear(&s);
	return why;
}

/* The linked certificate, when it lies beside the record, is the one recorded. */
static const char *check_beside(const char *path, struct json_object *doc)
{
	const char *file = text_at(doc, "linked_certificate.file"),
	           *want = text_at(doc, "linked_certificate.sha256"), *slash = strrchr(path, '/');
	char *beside = NULL, *text = NULL, got[65];
	size_t len = 0;
	const char *why = NULL;

	if (!file || !*file || strchr(file, '/') ||
	    asprintf(&beside, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, file) < 0)
		return NULL;
	if (ws_read_regular(beside, WS_CERT_MAX_BYTES, &text, &len, NULL) == 0) {
		ws_sha256_hex(text, len, got);
		if (strcmp(got, want) != 0)
			why = "the linked certificate beside it is not the one it recorded (its "
			      "SHA-256 differs)";
	}
	free(text);
	free(beside);
	return why;
}

static void fill(struct json_object *doc, struct ws_destruction_check *c)
{
	c->record_id = dup_at(doc, "record_id");
	c->serial = dup_at(doc, "media.serial");
	c->model = dup_at(doc, "media.model");
	c->how = dup_at(doc, "sanitization.technique");
	c->witness = dup_at(doc, "witness.name");
	c->operator_name = dup_at(doc, "person.name");
	c->date = dup_at(doc, "date");
	c->linked_id = dup_at(doc, "linked_certificate.certificate_id");
}

int ws_destruction_verify_file(const struct ws_trust *trust, const char *path,
                               struct ws_destruction_check *c)
{
	char *json = NULL, *p7s = NULL, *sig_path = NULL, buf[256];
	struct json_object *doc = NULL;
	size_t jl = 0, sl = 0;
	const char *why = NULL;

	memset(c, 0, sizeof(*c));
	if (asprintf(&sig_path, "%s.p7s", path) < 0)
		return -ENOMEM;
	if (ws_read_regular(path, WS_DESTRUCTION_MAX_BYTES, &json, &jl, NULL) < 0)
		why = "it cannot be read (or is not a regular file of at most 1 MiB)";
	else if (ws_read_regular(sig_path, WS_SIG_MAX_BYTES, &p7s, &sl, NULL) < 0)
		why = "its signature (.p7s) is missing or unreadable";
	else if (!(doc = ws_json_parse_strict(json, jl)))
		why = "it is not strict UTF-8 JSON (one key once per object)";
	else if (!(why = check_doc(doc)) &&
	         !(why = check_sig(trust, json, jl, p7s, sl, c, buf, sizeof(buf))))
		why = check_beside(path, doc);
	if (json) /* read: its hash, whatever else is wrong with it */
		ws_sha256_hex(json, jl, c->sha256);
	if (doc && !why)
		fill(doc, c);
	if (why)
		(void)ws_reason(&c->reason, 0, "destruction record: %s", why);
	c->ok = !why;
	json_object_put(doc);
	free(sig_path);
	free(json);
	free(p7s);
	return c->ok && (!c->record_id || !c->serial || !c->how || !c->witness) ? -ENOMEM : 0;
}
