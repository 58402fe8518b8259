/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-schema.c - what verify.c checks of a certificate's document once it is strict JSON,
 * per schema: the sections each one must hold, and that every summary field repeating a fact
 * of the evidence says what the evidence says. A document that says SUCCESS at the top and
 * FAILED below means two things; so does one that calls an overwrite a cryptographic erase.
 *
 * Schema 1 ("wipeseal-certificate/1", NIST SP 800-88 Rev. 1's names) is no longer written
 * but stays verifiable forever (tests/data/cert1); schema 2 is what cert.c writes. Both keep
 * the person block, and its operator_card, in the same place (verify-signers.c).
 */
#include <string.h>

#include <json-c/json.h>

#include <wipeseal/technique.h>

#include "cert-internal.h"
#include "cert-v2.h"
#include "opal-internal.h"
#include "verify-internal.h"

struct json_object *ws_json_at(struct json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

static struct json_object *at(struct json_object *o, const char *path)
{
	return ws_json_at(o, path);
}

static bool is_v1(const struct ws_cert_check *c)
{
	return strcmp(c->schema, WS_CERT_SCHEMA_1) == 0;
}

bool ws_verify_sections(struct json_object *doc, struct ws_cert_check *c)
{
	static const char *const v1[] = { "person",  "media", "sanitization", "evidence", "signer",
		                          "station", NULL };
	static const char *const v2[] = { "standards",         "media",    "sanitization",
		                          "verification",      "person",   "validation",
		                          "media_destination", "signer",   "station",
		                          "trusted_time",      "evidence", NULL };
	struct json_object *v;

	for (const char *const *s = is_v1(c) ? v1 : v2; *s; s++)
		if (!json_object_object_get_ex(doc, *s, &v) ||
		    !json_object_is_type(v, json_type_object)) {
			ws_reason(&c->reason, 0, "the document lacks its \"%s\" section", *s);
			return false;
		}
	return true;
}

/* A value for a reason: a string quoted and cut short, or its JSON. */
static void shown(struct json_object *v, char *buf, size_t len)
{
	if (json_object_is_type(v, json_type_string))
		snprintf(buf, len, "\"%.48s\"", json_object_get_string(v));
	else
		snprintf(buf, len, "%.48s", v ? json_object_to_json_string(v) : "null");
}

/* @a and @b are both missing or null, or the same string, or the same boolean. */
static bool agree(struct json_object *a, struct json_object *b)
{
	if (!a || !b)
		return !a && !b;
	if (json_object_is_type(a, json_type_string) && json_object_is_type(b, json_type_string))
		return strcmp(json_object_get_string(a), json_object_get_string(b)) == 0;
	if (json_object_is_type(a, json_type_boolean) && json_object_is_type(b, json_type_boolean))
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	return false;
}

static bool text_is(struct json_object *v, const char *want)
{
	return json_object_is_type(v, json_type_string) &&
	       strcmp(json_object_get_string(v), want) == 0;
}

/* "validly signed, but its summary disagrees with its evidence: @x is A but @y is B" */
static bool disagree(struct json_object *doc, const char *x, const char *y, struct ws_cert_check *c)
{
	char a[64], b[64];

	shown(at(doc, x), a, sizeof(a));
	shown(at(doc, y), b, sizeof(b));
	ws_reason(&c->reason, 0,
	          "validly signed, but its summary disagrees with its evidence: %s is %s but %s "
	          "is %s",
	          x, a, y, b);
	return false;
}

/* The pairs of a schema that must agree. */
static const char *const same_v1[][2] = {
	{ "status", "evidence.status" },
	{ "status_reason", "evidence.reason" },
	{ "sanitization.method_type", "evidence.nist_level" },
	{ "media.make_vendor", "evidence.device.vendor" },
	{ "media.model", "evidence.device.model" },
	{ "media.serial", "evidence.device.serial" },
	{ "media.path", "evidence.device.path" },
	{ "media.wwn", "evidence.device.wwn" },
	{ "media.firmware", "evidence.device.firmware" },
	{ "demo", "signer.demo_ca" },
	{ NULL, NULL },
};

static const char *const same_v2[][2] = {
	{ "status", "evidence.status" },
	{ "status_reason", "evidence.reason" },
	{ "sanitization.method", "evidence.nist_level" },
	{ "media.manufacturer", "evidence.device.vendor" },
	{ "media.model", "evidence.device.model" },
	{ "media.serial", "evidence.device.serial" },
	{ "media.path", "evidence.device.path" },
	{ "media.wwn", "evidence.device.wwn" },
	{ "media.firmware", "evidence.device.firmware" },
	{ "demo", "signer.demo_ca" },
	{ "verification.read_back.mode", "evidence.verification.mode" },
	/* what a wipe behind a controller covered (absent and null when none stood there) */
	{ "media.controller.driver", "evidence.device.controller.driver" },
	{ "media.controller.logical_volume", "evidence.device.controller.logical_volume" },
	{ "media.controller.vmd", "evidence.device.controller.vmd" },
	{ "media.controller.raid_level", "evidence.device.controller.raid_level" },
	{ "media.controller.vendor", "evidence.device.controller.vendor" },
	{ "media.controller.model", "evidence.device.controller.model" },
	/* purge-or-clear's choice (absent for every other method) */
	{ "sanitization.fallback", "evidence.fallback" },
	{ NULL, NULL },
};

/* The technique the evidence names, into @ret. Return: false with the reason set. */
static bool evidence_technique(struct json_object *doc, enum ws_technique *ret,
                               struct ws_cert_check *c)
{
	struct json_object *tech = at(doc, "evidence.technique");
	char a[64];

	if (json_object_is_type(tech, json_type_string) &&
	    ws_technique_by_name(json_object_get_string(tech), ret) == 0)
		return true;
	shown(tech, a, sizeof(a));
	ws_reason(&c->reason, 0, "validly signed, but its evidence names no known technique (%s)",
	          a);
	return false;
}

/* sanitization.verification_method says how the evidence read back. */
static bool verification_method_agrees(struct json_object *doc, struct ws_cert_check *c)
{
	struct json_object *mode = at(doc, "evidence.verification.mode");
	const char *verification =
	    json_object_get_string(at(doc, "sanitization.verification_method"));

	if (json_object_is_type(mode, json_type_string) && verification &&
	    (strcmp(json_object_get_string(mode), "sample") == 0
	         ? strncmp(verification, "quick sampling:", 15) == 0
	         : strcmp(verification, json_object_get_string(mode)) == 0))
		return true;
	return disagree(doc, "sanitization.verification_method", "evidence.verification.mode", c);
}

/* What the evidence makes of @t: its row's level and words, or for a TCG revert that did not
 * re-key, the drive's (evidence.opal.counts_as, opal.c). */
static void expected(struct json_object *doc, enum ws_technique t, const char **ret_nist,
                     const char **ret_used, const char **ret_ieee2883)
{
	const struct ws_technique_info *i = ws_technique_info(t);
	struct json_object *ca = at(doc, "evidence.opal.counts_as");
	const char *used, *ieee;

	if (ws_technique_has(t, WS_TECH_F_DRIVE_DECIDES) && ca &&
	    ws_opal_plain_words(json_object_get_string(ca), &used, &ieee)) {
		*ret_nist = "Clear";
		*ret_used = used;
		*ret_ieee2883 = ieee;
		return;
	}
	*ret_nist = ws_technique_nist(t);
	*ret_used = ws_cert_method_used(t);
	*ret_ieee2883 = i ? i->ieee2883 : "";
}

/* Schema 2's words for the technique (the method, Rev. 2's technique, IEEE 2883's words,
 * wipeseal's name) are those of the technique the evidence names. */
static bool technique_v2_agrees(struct json_object *doc, enum ws_technique t,
                                struct ws_cert_check *c)
{
	const struct ws_technique_info *i = ws_technique_info(t);
	struct json_object *name = at(doc, "sanitization.technique_name");
	const char *nist, *used, *ieee;
	char technique[96];

	expected(doc, t, &nist, &used, &ieee);
	ws_cert2_technique_words(used, technique, sizeof(technique));
	if (!text_is(at(doc, "sanitization.technique"), technique) ||
	    !text_is(at(doc, "sanitization.technique_ieee2883"), ieee)) {
		ws_reason(&c->reason, 0,
		          "validly signed, but its summary disagrees with its evidence: technique "
		          "%s is %s, \"%s\", \"%s\"",
		          i->name, nist, technique, ieee);
		return false;
	}
	if (!agree(name,
	           at(doc, t == WS_TECH_OVERWRITE ? "evidence.method" : "evidence.technique")))
		return disagree(doc, "sanitization.technique_name",
		                t == WS_TECH_OVERWRITE ? "evidence.method" : "evidence.technique",
		                c);
	return true;
}

/* Schema 2's verification and validation blocks say no more than the evidence. */
static bool verification_v2_agrees(struct json_object *doc, struct ws_cert_check *c)
{
	static const char *const completion[][2] = { { "SUCCESS", "completed" },
		                                     { "FAILED", "failed" },
		                                     { "ABORTED", "aborted" } };
	struct json_object *status = at(doc, "status");

	for (size_t i = 0; i < ELEMENTSOF(completion); i++)
		if (text_is(status, completion[i][0]) &&
		    !text_is(at(doc, "verification.completion_status"), completion[i][1]))
			return disagree(doc, "verification.completion_status", "evidence.status",
			                c);
	if (at(doc, "validation.decision")) {
		ws_reason(&c->reason, 0,
		          "validly signed, but it holds a validation decision: a decision is a "
		          "record of its own (wipeseal validate), never in the certificate");
		return false;
	}
	return true;
}

/* Schema 2's station.clock: an ntp_server (optional: certificates before it have none) is a
 * string or null, and the source names it ("NTP server X") exactly when it is a string. */
static bool clock_v2_agrees(struct json_object *doc, struct ws_cert_check *c)
{
	struct json_object *ntp = at(doc, "station.clock.ntp_server");
	const char *source = json_object_get_string(at(doc, "station.clock.source"));

	if (!ntp || json_object_is_type(ntp, json_type_null)) {
		if (!source || strncmp(source, "NTP server ", 11) != 0)
			return true;
	} else if (json_object_is_type(ntp, json_type_string) && source &&
	           strncmp(source, "NTP server ", 11) == 0 &&
	           strcmp(source + 11, json_object_get_string(ntp)) == 0) {
		return true;
	}
	return disagree(doc, "station.clock.source", "station.clock.ntp_server", c);
}

/* An eMMC's areas: the summary's list is the evidence's, and a SUCCESS left no area the
 * host can erase unerased (docs/certificate.md, "Areas"). */
static bool areas_agree(struct json_object *doc, struct ws_cert_check *c)
{
	struct json_object *s = at(doc, "sanitization.areas"), *e = at(doc, "evidence.areas");
	size_t n = json_object_is_type(e, json_type_array) ? json_object_array_length(e) : 0;

	if (!s && !e)
		return true;
	if (!s || !e || !json_object_equal(s, e))
		return disagree(doc, "sanitization.areas", "evidence.areas", c);
	for (size_t i = 0; text_is(at(doc, "status"), "SUCCESS") && i < n; i++) {
		struct json_object *a = json_object_array_get_idx(e, i);

		if (json_object_get_boolean(at(a, "host_erasable")) &&
		    !json_object_get_boolean(at(a, "erased"))) {
			ws_reason(&c->reason, 0,
			          "validly signed, but its status is SUCCESS with area %s not "
			          "erased",
			          json_object_get_string(at(a, "name")));
			return false;
		}
	}
	return true;
}

bool ws_verify_summary(struct json_object *doc, struct ws_cert_check *c)
{
	const char *nist, *used, *ieee;
	const char *const(*same)[2] = is_v1(c) ? same_v1 : same_v2;
	enum ws_technique t;

	for (size_t i = 0; same[i][0]; i++)
		if (!agree(at(doc, same[i][0]), at(doc, same[i][1])))
			return disagree(doc, same[i][0], same[i][1], c);
	if (!evidence_technique(doc, &t, c))
		return false;
	expected(doc, t, &nist, &used, &ieee);
	if (!text_is(at(doc, "evidence.nist_level"), nist) ||
	    (is_v1(c) && !text_is(at(doc, "sanitization.method_used"), used))) {
		ws_reason(&c->reason, 0,
		          "validly signed, but its summary disagrees with its evidence: technique "
		          "%s is %s, \"%s\"",
		          ws_technique_name(t), nist, used);
		return false;
	}
	if (!is_v1(c) &&
	    (!technique_v2_agrees(doc, t, c) || !verification_v2_agrees(doc, c) ||
	     !clock_v2_agrees(doc, c) || !ws_verify_machine(doc, c) || !areas_agree(doc, c)))
		return false;
	return verification_method_agrees(doc, c);
}
