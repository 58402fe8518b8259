/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert.c - the certificate of sanitization as a document ("wipeseal-certificate/2").
 *
 * The top of the document answers NIST SP 800-88 Rev. 2's sample certificate (Appendix C)
 * field by field (media, sanitization, verification, person, validation, destination), with
 * the technique also in IEEE 2883's words; "evidence" holds the wipe's whole result, so that
 * every claim above can be checked against what was measured; "station" and
 * "previous_certificate_sha256" place it in the station's series. The sections are built by
 * cert-v2-*.c (cert-v2.h); this file puts them together, in the order docs/certificate.md
 * describes every key. The bytes built here are the bytes signed and written. Schema 1 is
 * no longer written, but verify.c and `show` still read it.
 */
#include <errno.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include <wipeseal/config.h>

#include "cert-internal.h"
#include "tsa-internal.h"
#include "cert-v2.h"
#include "lot-internal.h"
#include "operator-internal.h"
#include "wipe-internal.h"

void ws_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data, len, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void ws_cert_info_from_config(struct ws_cert_info *i, const struct ws_config *c)
{
#define FROM(field, section, key) \
	if (!i->field)            \
		i->field = ws_config_get(c, section, key);
	FROM(operator_name, "operator", "name");
	FROM(operator_title, "operator", "title");
	FROM(operator_organization, "operator", "organization");
	FROM(operator_location, "operator", "location");
	FROM(operator_phone, "operator", "phone");
	FROM(validator_name, "validator", "name");
	FROM(validator_title, "validator", "title");
	FROM(validator_organization, "validator", "organization");
	FROM(validator_location, "validator", "location");
	FROM(validator_phone, "validator", "phone");
	FROM(media_source, "media", "source");
	FROM(classification, "media", "classification");
	FROM(data_backed_up, "media", "data_backed_up");
	FROM(backup_location, "media", "backup_location");
	FROM(post_classification, "media", "post_classification");
	FROM(destination, "media", "destination");
	FROM(destination_details, "media", "destination_details");
	FROM(notes, "media", "notes");
#undef FROM
}

static bool one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return true;
	return false;
}

char *ws_cert_info_check(const struct ws_cert_info *i)
{
	static const char *const dest[] = { "internal-reuse", "external-reuse", "recycling",
		                            "manufacturer",   "other",          NULL };
	static const char *const backed[] = { "yes", "no", "unknown", NULL };
	const struct {
		const char *name, *value;
	} fields[] = {
		{ "operator", i->operator_name },
		{ "title", i->operator_title },
		{ "organization", i->operator_organization },
		{ "location", i->operator_location },
		{ "phone", i->operator_phone },
		{ "asset-tag", i->asset_tag },
		{ "media-source", i->media_source },
		{ "classification", i->classification },
		{ "backup_location", i->backup_location },
		{ "post_classification", i->post_classification },
		{ "destination_details", i->destination_details },
		{ "notes", i->notes },
		{ "validator name", i->validator_name },
		{ "validator title", i->validator_title },
		{ "validator organization", i->validator_organization },
		{ "validator location", i->validator_location },
		{ "validator phone", i->validator_phone },
	};
	char *why = NULL;

	for (size_t k = 0; k < ELEMENTSOF(fields); k++)
		if (fields[k].value && !ws_utf8_valid(fields[k].value, strlen(fields[k].value))) {
			ws_reason(&why, -EINVAL,
			          "the %s given is not valid UTF-8: certificates are UTF-8; check "
			          "the terminal's or the config file's encoding",
			          fields[k].name);
			return why;
		}
	if (i->destination && !one_of(i->destination, dest))
		ws_reason(&why, -EINVAL,
		          "destination '%s': use internal-reuse, external-reuse, recycling, "
		          "manufacturer or other",
		          i->destination);
	else if (i->data_backed_up && !one_of(i->data_backed_up, backed))
		ws_reason(&why, -EINVAL, "data_backed_up '%s': use yes, no or unknown",
		          i->data_backed_up);
	return why;
}

/* ---- pieces ---------------------------------------------------------------------------------- */

struct json_object *ws_cert_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *str(const char *s)
{
	return ws_cert_str(s);
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* Milliseconds: certificates of one command are issued within the same second. */
static struct json_object *now_rfc3339(void)
{
	return ws_json_time(ws_now_ns());
}

/* Rev. 2's person block: name, title, organization, date, location, contact, signature. */
static struct json_object *person(const char *name, const char *title, const char *org,
                                  struct json_object *date, const char *loc, const char *contact,
                                  const char *signature)
{
	struct json_object *o = json_object_new_object();

	add(o, "name", str(name));
	add(o, "title", str(title));
	add(o, "organization", str(org));
	add(o, "date", date);
	add(o, "location", str(loc));
	add(o, "contact", str(contact));
	add(o, "signature", str(signature));
	return o;
}

const char *ws_cert_method_used(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i ? i->cert_method : "overwrite";
}

/* The station and its clock: synchronized is the kernel's own state (adjtimex(2): only a
 * disciplining daemon clears STA_UNSYNC); ntp_server is the server the clock was set from,
 * as the caller knows it (the boot image's init: iso/net.sh), or null. */
struct json_object *ws_station_json(void)
{
	struct json_object *o = json_object_new_object();
	char host[256] = "", *machine_id = NULL;

	(void)gethostname(host, sizeof(host) - 1);
	(void)read_line_file("/etc/machine-id", &machine_id);
	add(o, "hostname", str(host[0] ? host : NULL));
	add(o, "machine_id", str(machine_id));
	free(machine_id);
	return o;
}

static struct json_object *station(const struct ws_cert_info *info)
{
	struct json_object *o = ws_station_json(), *clock = json_object_new_object();
	const char *ntp = info->ntp_server && *info->ntp_server ? info->ntp_server : NULL;
	char *source = NULL;
	struct timex tx = { 0 };
	int state = adjtimex(&tx);

	add(o, "tool_version", str(ws_version()));
	add(o, "git_revision", str(ws_git_revision()));
	if (ntp && asprintf(&source, "NTP server %s", ntp) < 0)
		source = NULL;
	add(clock, "source", str(source ? source : "the station's system clock"));
	add(clock, "synchronized",
	    state < 0 ? NULL
	              : json_object_new_boolean(state != TIME_ERROR && !(tx.status & STA_UNSYNC)));
	add(clock, "ntp_server", str(source ? ntp : NULL));
	add(o, "clock", clock);
	free(source);
	return o;
}

static struct json_object *signer_json(const struct ws_signer *s)
{
	struct json_object *o = json_object_new_object();
	X509 *c = ws_signer_cert(s);
	char *issuer = ws_x509_name(X509_get_issuer_name(c));

	add(o, "subject", str(ws_signer_subject(s)));
	add(o, "issuer", str(issuer));
	add(o, "demo_ca", json_object_new_boolean(ws_signer_is_demo(s)));
	add(o, "signature_file", str("the same name with .p7s appended (detached CMS, PEM)"));
	free(issuer);
	return o;
}

/* ---- the document ---------------------------------------------------------------------------- */

/* The person block: the fields given, or with an operator (wipeseal/operator.h) the name,
 * title and organization of their certificate, and the card that signs beside the station
 * ("operator_card"; verify.c checks its signer against certificate_sha256). Location and
 * contact are not in a certificate: they stay the fields given. @date: the issue time. */
static struct json_object *person_of(const struct ws_cert_info *info, const struct ws_operator *op,
                                     struct json_object *date)
{
	struct json_object *o, *card;
	char *issuer;

	if (!op)
		return person(
		    info->operator_name, info->operator_title, info->operator_organization, date,
		    info->operator_location, info->operator_phone,
		    "the station's: the detached CMS signature in the same name with .p7s "
		    "appended");
	o = person(ws_operator_name(op), ws_operator_title(op), ws_operator_organization(op), date,
	           info->operator_location, info->operator_phone,
	           "the operator's own, made on their card: a second signer in the .p7s beside "
	           "the station's (operator_card)");
	card = json_object_new_object();
	issuer = ws_x509_name(X509_get_issuer_name(ws_signer_cert(ws_operator_signer(op))));
	add(card, "certificate_subject", str(ws_operator_subject(op)));
	add(card, "certificate_issuer", str(issuer));
	add(card, "certificate_sha256", str(ws_operator_fingerprint(op)));
	add(card, "card_serial", str(ws_operator_card_serial(op)));
	add(card, "signature_required", json_object_new_boolean(1));
	add(card, "signature",
	    str("the operator's own, made on this card: a second signer in the .p7s beside the "
	        "station's, with the certificate above"));
	add(o, "operator_card", card);
	free(issuer);
	return o;
}

int ws_cert_build(const struct ws_result *res, const struct ws_cert_info *info,
                  const struct ws_signer *signer, const char *prev_sha256, char **ret, char *ret_id)
{
	return ws_cert_build_op(res, info, signer, NULL, prev_sha256, ret, ret_id);
}

/* The small sections: the standards followed, the validation to come, the destination,
 * trusted time. */
static void add_small(struct json_object *o, const char *which, const struct ws_cert_info *info)
{
	struct json_object *x = json_object_new_object();

	if (strcmp(which, "standards") == 0) {
		add(x, "nist", str(WS_CERT_NIST));
		add(x, "ieee", str(WS_CERT_IEEE));
	} else if (strcmp(which, "validation") == 0) {
		/* Rev. 2's validation is the second person's decision: a record of its own,
		 * never in the certificate itself (wipeseal validate) */
		add(x, "record_file",
		    str("the same name with .validation.json (wipeseal validate)"));
		add(x, "decision", NULL);
	} else if (strcmp(which, "media_destination") == 0) {
		add(x, "destination", str(info->destination));
		add(x, "details", str(info->destination_details));
	} else { /* trusted_time: the token itself is in the .p7s */
		add(x, "tsa_url", str(info->tsa_url));
		add(x, "requested", json_object_new_boolean(info->tsa_url != NULL));
	}
	add(o, which, x);
}

/* The document in the order docs/certificate.md gives; @dev and @evidence are taken. */
static char *assemble(const struct ws_result *res, const struct ws_cert_info *info,
                      const struct ws_signer *signer, const struct ws_operator *op,
                      const char *prev_sha256, const char *id, struct json_object *dev,
                      struct json_object *evidence)
{
	struct json_object *o = json_object_new_object(), *issued = now_rfc3339();
	const char *text;
	char *doc = NULL;

	add(o, "schema", str(WS_CERT_SCHEMA));
	add(o, "certificate_id", str(id));
	add(o, "issued", issued);
	add(o, "status", str(ws_status_name(res->status)));
	add(o, "status_reason", str(res->status_reason));
	add(o, "demo", json_object_new_boolean(ws_signer_is_demo(signer)));
	add_small(o, "standards", info);
	add(o, "media", ws_cert2_media(dev, info));
	add(o, "machine", ws_cert2_machine(info->machine));
	add(o, "sanitization", ws_cert2_sanitization(res, info));
	add(o, "verification", ws_cert2_verification(res));
	add(o, "person", person_of(info, op, json_object_get(issued)));
	add_small(o, "validation", info);
	add_small(o, "media_destination", info);
	if (info->lot) /* the customer's job and batch (wipeseal/lot.h) */
		add(o, "job", ws_lot_json(info->lot));
	add(o, "signer", signer_json(signer));
	add(o, "station", station(info));
	add_small(o, "trusted_time", info);
	add(o, "previous_certificate_sha256",
	    str(prev_sha256 && *prev_sha256 ? prev_sha256 : NULL));
	add(o, "evidence", evidence);
	json_object_put(dev);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && asprintf(&doc, "%s\n", text) < 0)
		doc = NULL;
	json_object_put(o);
	return doc;
}

int ws_cert_build_op(const struct ws_result *res, const struct ws_cert_info *info,
                     const struct ws_signer *signer, const struct ws_operator *op,
                     const char *prev_sha256, char **ret, char *ret_id)
{
	char id[37];
	/* the device as the wipe's snapshot recorded it; the evidence built from the result
	 * itself, not printed and parsed back */
	struct json_object *dev = json_tokener_parse(res->device_json);
	struct json_object *evidence = ws_result_json(res);

	if (!dev || !evidence || ws_uuid4(id) < 0) {
		bool mem = !dev || !evidence;

		json_object_put(dev);
		json_object_put(evidence);
		return mem ? -ENOMEM : -EIO;
	}
	if (ret_id)
		memcpy(ret_id, id, sizeof(id));
	*ret = assemble(res, info, signer, op, prev_sha256, id, dev, evidence);
	return *ret ? 0 : -ENOMEM;
}

/* ---- room for the certificate, reserved before the wipe ---------------------------------- */

/* A health log with every field at its widest and every attribute the ATA structure holds
 * (ws_health_json() shows the NVMe fields or the ATA ones: the ATA side is the longer). */
static void largest_health(struct ws_health *h)
{
	h->read = true;
	h->source = "ATA SMART READ DATA";
	h->when_ns = INT64_MAX;
	h->smart_passed = 0;
	for (size_t i = 0; i < WS_HEALTH_MAX_ATTRS; i++)
		h->attrs[i] = (struct ws_health_attr){
			.id = 194, .value = 1, .worst = 255, .threshold = 255, .raw = UINT64_MAX
		};
	h->n_attrs = WS_HEALTH_MAX_ATTRS;
}

/* The outcome with the largest document: every pass, the most offsets, a long reason. */
static struct ws_result *largest_result(const struct ws_target *t, const struct ws_plan *plan)
{
	struct ws_result *res = calloc(1, sizeof(*res));
	struct json_object *dev = ws_device_json(ws_target_device(t));
	size_t n = plan->n_passes ? plan->n_passes : 1;

	if (!res)
		return NULL;
	res->path = strdup(ws_target_device(t)->path);
	res->method = strdup(plan->method);
	res->passes = calloc(n, sizeof(*res->passes));
	res->device_json = dev ? strdup(json_object_to_json_string_ext(
	                             dev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
	                       : NULL;
	json_object_put(dev);
	res->name = malloc(256);
	res->status_reason = malloc(1024);
	if (!res->path || !res->method || !res->passes || !res->device_json || !res->name ||
	    !res->status_reason)
		return ws_result_free(res);
	memset(res->name, 'x', 255);
	res->name[255] = '\0';
	memset(res->status_reason, 'x', 1023);
	res->status_reason[1023] = '\0';
	for (size_t i = 0; i < plan->n_passes; i++) {
		res->passes[i].spec = plan->passes[i];
		res->passes[i].bytes_written = UINT64_MAX;
		res->passes[i].start_ns = res->passes[i].end_ns = INT64_MAX;
		res->passes[i].throughput = 1e19; /* bytes per second: still a uint64 */
		res->passes[i].error = EIO;
	}
	res->n_passes = res->n_planned = plan->n_passes;
	res->technique = WS_TECH_OVERWRITE;
	res->verify.mode = plan->verify;
	res->verify.n_mismatch_offsets = WS_MAX_REPORTED;
	for (size_t i = 0; i < WS_MAX_REPORTED; i++)
		res->verify.mismatch_offsets[i] = UINT64_MAX;
	res->verify.bytes_checked = res->verify.bytes_mismatched = UINT64_MAX;
	res->firmware.log_valid = true;
	largest_health(&res->health_before);
	largest_health(&res->health_after);
	for (size_t i = 0; i < WS_MAX_COMMANDS; i++) {
		struct ws_command_record *c = &res->commands[i];

		c->interface = "NVMe";
		memset(c->name, 'x', sizeof(c->name) - 1);
		memset(c->bytes, 0xff, sizeof(c->bytes));
		c->n_bytes = sizeof(c->bytes);
		memset(c->parameters, 'x', sizeof(c->parameters) - 1);
		c->status = INT32_MIN;
		c->sent_ns = INT64_MAX;
	}
	res->n_commands = WS_MAX_COMMANDS;
	res->status = WS_STATUS_ABORTED;
	res->start_ns = res->end_ns = INT64_MAX;
	return res;
}

int ws_cert_reserve_size(const struct ws_target *t, const struct ws_plan *plan,
                         const struct ws_cert_info *info, const struct ws_signer *signer,
                         size_t *ret)
{
	struct ws_result *res = largest_result(t, plan);
	char *doc = NULL, *sig = NULL;
	int r = res ? 0 : -ENOMEM;

	if (r == 0 && signer)
		r = ws_cert_build(
		    res, info, signer,
		    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", &doc, NULL);
	else if (r == 0)
		r = ws_result_to_json(res, &doc);
	if (r == 0 && signer) /* never the TSA: a token's room is set aside below */
		r = ws_signer_sign_stamped(signer, doc, strlen(doc), &sig, NULL, NULL, false);
	if (r == 0)
		/* the lists that can grow (unwritten and unreadable ranges) and the record kept
		 * when the audit log cannot take the line: 64 KiB; then a block per file; and
		 * the timestamp tokens of two signers */
		*ret = strlen(doc) + (sig ? strlen(sig) : 0) + (64u << 10) + 3 * 4096 +
		       (signer && ws_signer_tsa(signer) ? WS_TSA_TOKEN_ROOM : 0);
	free(doc);
	free(sig);
	ws_result_free(res);
	return r;
}
