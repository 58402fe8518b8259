/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * destruction.c - the record that a drive was destroyed (wipeseal/destruction.h): checked,
 * linked to the wipe certificate it closes, signed by the station, written beside the
 * certificates and said in the audit log (DESTROYED).
 *
 * The order is the safety: everything that could make the record wrong is checked before it
 * is built (a witness named, one identity of the drive, the linked certificate authentic and
 * of this drive), so that a record is never written to be taken back. The linked certificate
 * is read once and everything is taken from those bytes (its SHA-256, its id, its status),
 * as validate.c does. The record goes to the first free name, created exclusively and
 * fsync'd with its directory, the document first, then its signature; a signature that
 * cannot be written takes the document back with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <wipeseal/destruction.h>

#include "cert-internal.h"
#include "wipe-internal.h"

#define MAX_SUFFIX 99 /* NAME-2.destruction.json ... -99 when the name is taken */

static const char *const hows[] = {
	[WS_DESTRUCT_SHRED] = "shred",         [WS_DESTRUCT_DISINTEGRATE] = "disintegrate",
	[WS_DESTRUCT_PULVERIZE] = "pulverize", [WS_DESTRUCT_INCINERATE] = "incinerate",
	[WS_DESTRUCT_MELT] = "melt",
};

const char *ws_destruct_how_name(enum ws_destruct_how h)
{
	return (size_t)h < ELEMENTSOF(hows) ? hows[h] : "?";
}

int ws_destruct_how_parse(const char *s, enum ws_destruct_how *ret)
{
	for (size_t i = 0; s && i < ELEMENTSOF(hows); i++)
		if (strcmp(s, hows[i]) == 0) {
			*ret = (enum ws_destruct_how)i;
			return 0;
		}
	return -EINVAL;
}

void ws_destruction_outcome_clear(struct ws_destruction_outcome *v)
{
	free(v->record);
	free(v->reason);
	memset(v, 0, sizeof(*v));
}

/* ---- what the record is about ------------------------------------------------------------ */

/* The linked certificate, as verified: its bytes' SHA-256 and what it says. */
struct linked {
	bool present;
	const char *file; /* base name */
	struct ws_cert_check c;
};

/* The drive's serial: its own when attached (a typed one must agree), else the typed one.
 * Return: 0 with *@ret, or -EINVAL with the reason. */
static int drive_serial(const struct ws_destruction_opts *o, const char **ret, char **ret_reason)
{
	const char *own = o->dev && o->dev->serial && *o->dev->serial ? o->dev->serial : NULL;

	if (!o->witness || !*o->witness)
		return ws_reason(ret_reason, -EINVAL,
		                 "no witness named: a destruction is recorded with its witness "
		                 "(--witness NAME)");
	if (!o->dev && (!o->serial || !*o->serial))
		return ws_reason(ret_reason, -EINVAL,
		                 "no drive named: name the device, or --serial as printed on the "
		                 "drive's label when it is no longer attached");
	if (own && o->serial && strcmp(own, o->serial) != 0)
		return ws_reason(ret_reason, -EINVAL,
		                 "%s reports serial %s, not %s: name the drive that was destroyed",
		                 o->dev->path, own, o->serial);
	*ret = own ? own : o->serial;
	if (!*ret || !**ret)
		return ws_reason(ret_reason, -EINVAL,
		                 "%s reports no serial number: add --serial as printed on the "
		                 "drive's label",
		                 o->dev->path);
	return 0;
}

/* The certificate named, read once and verified from those bytes: authentic (its status may
 * be anything: a FAILED wipe is what a destruction closes) and of the drive @serial. */
static int check_linked(const struct ws_destruction_opts *o, const char *serial, struct linked *l,
                        char **ret_reason)
{
	char *json = NULL, *p7s = NULL, *sig_path = NULL;
	size_t jl = 0, sl = 0;
	int r = asprintf(&sig_path, "%s.p7s", o->certificate) < 0 ? -ENOMEM : 0;

	l->file = strrchr(o->certificate, '/') ? strrchr(o->certificate, '/') + 1 : o->certificate;
	if (r == 0)
		r = ws_read_named("certificate", o->certificate, WS_CERT_MAX_BYTES, &json, &jl,
		                  NULL, ret_reason);
	if (r == 0)
		r = ws_read_named("certificate signature", sig_path, WS_SIG_MAX_BYTES, &p7s, &sl,
		                  NULL, ret_reason);
	if (r == 0 && !o->trust)
		r = ws_reason(ret_reason, -EINVAL, "no CA to verify %s against: name it (--ca)",
		              o->certificate);
	if (r == 0)
		r = ws_cert_verify_flags(o->trust, json, jl, p7s, sl, 0, &l->c);
	if (r == 0 && !l->c.authentic)
		r = ws_reason(ret_reason, -EBADMSG, "%s does not verify: %s; nothing written",
		              o->certificate, l->c.reason ? l->c.reason : "not authentic");
	if (r == 0 && l->c.fields.serial && strcmp(l->c.fields.serial, serial) != 0)
		r = ws_reason(ret_reason, -EXDEV,
		              "%s is the certificate of serial %s, not of %s: link the certificate "
		              "of the drive that was destroyed; nothing written",
		              o->certificate, l->c.fields.serial, serial);
	l->present = r == 0;
	free(sig_path);
	free(json);
	free(p7s);
	return r;
}

/* ---- the record ---------------------------------------------------------------------------- */

static struct json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* A string a drive reported, as valid UTF-8 (any bytes may come from a drive). */
static struct json_object *drive_str(const char *s)
{
	char *safe = s && *s ? ws_utf8_safe(s) : NULL;
	struct json_object *v = str(safe);

	free(safe);
	return v;
}

static struct json_object *media_json(const struct ws_destruction_opts *o, const char *serial)
{
	struct json_object *m = json_object_new_object();
	const struct ws_device *d = o->dev;

	add(m, "model", drive_str(d && d->model ? d->model : o->model));
	add(m, "serial", drive_str(serial));
	add(m, "wwn", drive_str(d ? d->wwn : NULL));
	add(m, "firmware", drive_str(d ? d->firmware : NULL));
	add(m, "size_bytes", d ? json_object_new_uint64(d->size_bytes) : NULL);
	add(m, "path", drive_str(d ? d->path : NULL));
	add(m, "transport", str(d ? d->transport : NULL));
	add(m, "identity_source",
	    str(d ? "the attached drive (its own identity)"
	          : "typed by the operator (--serial, --model): the drive was not attached"));
	return m;
}

static struct json_object *person_json(const struct ws_cert_info *i)
{
	struct json_object *p = json_object_new_object();

	add(p, "name", str(i ? i->operator_name : NULL));
	add(p, "title", str(i ? i->operator_title : NULL));
	add(p, "organization", str(i ? i->operator_organization : NULL));
	add(p, "location", str(i ? i->operator_location : NULL));
	add(p, "phone", str(i ? i->operator_phone : NULL));
	return p;
}

static struct json_object *witness_json(const struct ws_destruction_opts *o)
{
	struct json_object *w = json_object_new_object();

	add(w, "name", str(o->witness));
	add(w, "role", str(o->witness_role));
	add(w, "organization", str(o->witness_organization));
	add(w, "signed", json_object_new_boolean(false));
	add(w, "note",
	    str("named by the operator; the witness does not sign this record (the "
	        "station's signature covers the operator's word that they were "
	        "there)"));
	return w;
}

static struct json_object *linked_json(const struct linked *l)
{
	struct json_object *c;

	if (!l->present)
		return NULL;
	c = json_object_new_object();
	add(c, "file", str(l->file));
	add(c, "certificate_id", str(l->c.certificate_id));
	add(c, "sha256", str(l->c.sha256));
	add(c, "status", str(l->c.status));
	add(c, "signer", str(l->c.signer));
	return c;
}

/* The document, exactly the bytes to sign. */
static int record_text(const struct ws_destruction_opts *o, const char *serial,
                       const struct linked *l, const char *id, char **ret)
{
	struct json_object *r = json_object_new_object(), *san = json_object_new_object();
	char tool[96];
	const char *text;

	snprintf(tool, sizeof(tool), "wipeseal %s (%s)", ws_version(), ws_git_revision());
	add(san, "method", str("Destruct"));
	add(san, "technique", str(ws_destruct_how_name(o->how)));
	add(san, "standard", str("NIST SP 800-88 Rev. 2: Destruct (Rev. 1: Destroy)"));
	add(r, "schema", str(WS_DESTRUCTION_SCHEMA));
	add(r, "record_id", str(id));
	add(r, "date", ws_json_time(ws_now_ns()));
	add(r, "sanitization", san);
	add(r, "media", media_json(o, serial));
	add(r, "person", person_json(o->info));
	add(r, "witness", witness_json(o));
	add(r, "linked_certificate", linked_json(l));
	add(r, "linked_certificate_note",
	    str(l->present ? NULL
	                   : "no wipe certificate is linked: the operator named none (a drive "
	                     "that could not be wiped at all, or destroyed by policy without a "
	                     "wipe); the record stands on its own"));
	add(r, "notes", str(o->info ? o->info->notes : NULL));
	add(r, "tool", str(tool));
	add(r, "station", ws_station_json());
	text = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && asprintf(ret, "%s\n", text) < 0)
		text = NULL;
	json_object_put(r);
	return text ? 0 : -ENOMEM;
}

/* ---- filing ----------------------------------------------------------------------------------- */

/* @s as a file name part: letters, digits, '.', '-'; everything else '_'. */
static void name_part(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	for (; s && *s && n + 1 < len && n < 40; s++) {
		bool keep = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		            (*s >= '0' && *s <= '9') || *s == '.' || *s == '-';

		if (keep)
			buf[n++] = *s;
		else
			buf[n++] = '_';
	}
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, len, "unknown");
}

/* DIR/UTCTIME_MODEL_SERIAL[-K].destruction.json, malloc'd (NULL on ENOMEM). */
static char *record_path(const struct ws_destruction_opts *o, const char *serial, unsigned k)
{
	char when[32], model[48], sn[48], *path = NULL, suffix[16] = "";
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	name_part(model, sizeof(model), o->dev && o->dev->model ? o->dev->model : o->model);
	name_part(sn, sizeof(sn), serial);
	if (k > 1)
		snprintf(suffix, sizeof(suffix), "-%u", k);
	if (asprintf(&path, "%s/%s_%s_%s%s" WS_DESTRUCTION_SUFFIX, o->dir, when, model, sn,
	             suffix) < 0)
		return NULL;
	return path;
}

/* The record and its signature under the first free name. Return: 0 with *ret_path. */
static int write_record(const struct ws_destruction_opts *o, const char *serial, const char *text,
                        const char *sig, char **ret_path)
{
	for (unsigned k = 1; k <= MAX_SUFFIX; k++) {
		char *path = record_path(o, serial, k), *sig_path = NULL;
		int r = path ? ws_write_new_file(path, text) : -ENOMEM;

		if (r == -EEXIST) {
			free(path);
			continue;
		}
		if (r < 0) {
			free(path);
			return r;
		}
		r = asprintf(&sig_path, "%s.p7s", path) < 0 ? -ENOMEM
		                                            : ws_write_new_file(sig_path, sig);
		free(sig_path);
		if (r == 0) {
			*ret_path = path;
			return 0;
		}
		(void)unlink(path);
		free(path);
		if (r != -EEXIST)
			return r;
	}
	return -EEXIST;
}

/* The DESTROYED line: not a certificate of the series (no certificate_sha256). */
static int audit(const struct ws_destruction_opts *o, const char *serial, const struct linked *l,
                 const struct ws_destruction_outcome *out, char **ret_reason)
{
	struct ws_audit *log = NULL;
	const char *base = strrchr(out->record, '/') ? strrchr(out->record, '/') + 1 : out->record;
	struct ws_audit_entry e = {
		.status = "DESTROYED",
		.certificate_id = l->present ? l->c.certificate_id : NULL,
		.serial = serial,
		.target = o->dev ? o->dev->path : NULL,
		.model = o->dev && o->dev->model ? o->dev->model : o->model,
		.method = ws_destruct_how_name(o->how),
		.operator_name = o->info ? o->info->operator_name : NULL,
		.note = base,
		.record_sha256 = out->sha256,
		.linked_sha256 = l->present ? l->c.sha256 : NULL,
	};
	int r = ws_audit_open(o->audit_log, o->signer, &log, ret_reason);

	if (r == 0)
		r = ws_audit_append(log, &e, ret_reason);
	ws_audit_close(log);
	return r;
}

int ws_destruction_record(const struct ws_destruction_opts *o, struct ws_destruction_outcome *out)
{
	struct linked l = { 0 };
	const char *serial = NULL;
	char *text = NULL, *sig = NULL, *why = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (!o->signer || !o->dir)
		return ws_reason(&out->reason, -EINVAL, "no signer or no directory for the record");
	r = drive_serial(o, &serial, &out->reason);
	if (r == 0 && o->certificate)
		r = check_linked(o, serial, &l, &out->reason);
	if (r == 0 && (r = ws_uuid4(out->record_id)) < 0)
		(void)ws_reason(&out->reason, r, "no random record id could be made");
	if (r == 0)
		r = record_text(o, serial, &l, out->record_id, &text);
	if (r == 0 && (r = ws_signer_sign(o->signer, text, strlen(text), &sig)) < 0)
		(void)ws_reason(&out->reason, r, "the record could not be signed");
	if (r == 0) {
		ws_sha256_hex(text, strlen(text), out->sha256);
		r = write_record(o, serial, text, sig, &out->record);
		if (r < 0)
			(void)ws_reason(
			    &out->reason, r, "the record cannot be written into %s: %s%s", o->dir,
			    strerror(-r), r == -EEXIST ? " (every name up to -99 is taken)" : "");
	}
	if (r == 0 && o->audit_log && audit(o, serial, &l, out, &why) < 0) {
		out->audit_failed = true;
		(void)ws_reason(&out->reason, 0,
		                "%s written, but the audit log cannot take its DESTROYED line: %s",
		                out->record, why ? why : "unknown error");
	}
	free(why);
	ws_cert_check_clear(&l.c);
	free(text);
	free(sig);
	return r;
}
