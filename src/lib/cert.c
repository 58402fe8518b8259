/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert.c - the certificate of sanitization as a document ("wipeseal-certificate/1").
 *
 * The top of the document answers the NIST SP 800-88 sample certificate field by field
 * (person, media, sanitization, destination, validation); "evidence" holds the wipe's whole
 * result, so that every claim above can be checked against what was measured; "station"
 * and "previous_certificate_sha256" place it in the station's series. docs/certificate.md
 * describes every key. The bytes built here are the bytes signed and written.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include <wipeseal/config.h>

#include "cert-internal.h"
#include "tsa-internal.h"
#include "operator-internal.h"

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

static struct json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* Milliseconds: certificates of one command are issued within the same second. */
static struct json_object *now_rfc3339(void)
{
	char buf[40];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%03ldZ", ts.tv_nsec / 1000000);
	return json_object_new_string(buf);
}

/* RFC 9562 version 4 UUID from getrandom(), into @s (37 bytes). */
static int uuid4(char *s)
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(s, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
	return 0;
}

static struct json_object *person(const char *name, const char *title, const char *org,
                                  const char *loc, const char *phone)
{
	struct json_object *o = json_object_new_object();

	add(o, "name", str(name));
	add(o, "title", str(title));
	add(o, "organization", str(org));
	add(o, "location", str(loc));
	add(o, "phone", str(phone));
	return o;
}

static const char *jget(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

/* What the medium is, in the words of the NIST form, from what discovery found. */
static const char *media_type(struct json_object *dev)
{
	const char *t = jget(dev, "transport");
	struct json_object *rot;
	bool spinning = json_object_object_get_ex(dev, "rotational", &rot) && rot &&
	                json_object_get_boolean(rot);

	if (!t)
		return "unknown";
	if (strcmp(t, "file") == 0)
		return "disk image file";
	if (strcmp(t, "loop") == 0)
		return "loop device (a file presented as a disk)";
	if (strcmp(t, "nvme") == 0)
		return "NVMe solid-state drive";
	if (strcmp(t, "mmc") == 0)
		return "SD/MMC flash card";
	if (strcmp(t, "usb") == 0)
		return spinning ? "USB hard disk drive" : "USB flash or solid-state drive";
	if (strcmp(t, "virtio") == 0)
		return "virtual disk";
	if (!json_object_object_get_ex(dev, "rotational", &rot) || !rot)
		return "drive (rotating or solid-state: not reported)";
	return spinning ? "hard disk drive" : "solid-state drive";
}

static struct json_object *media(struct json_object *dev, const struct ws_cert_info *i)
{
	struct json_object *o = json_object_new_object();

	add(o, "make_vendor", str(jget(dev, "vendor")));
	add(o, "model", str(jget(dev, "model")));
	add(o, "serial", str(jget(dev, "serial")));
	add(o, "asset_number", str(i->asset_tag));
	add(o, "media_type", str(media_type(dev)));
	add(o, "source", str(i->media_source));
	add(o, "classification", str(i->classification));
	add(o, "data_backed_up", str(i->data_backed_up ? i->data_backed_up : "unknown"));
	add(o, "backup_location", str(i->backup_location));
	add(o, "path", str(jget(dev, "path")));
	add(o, "wwn", str(jget(dev, "wwn")));
	add(o, "firmware", str(jget(dev, "firmware")));
	/* the kernel's number for the medium written to (issue of identity: swapped drives) */
	{
		struct json_object *seq = NULL;

		add(o, "diskseq",
		    json_object_object_get_ex(dev, "diskseq", &seq) && seq
		        ? json_object_new_uint64(json_object_get_uint64(seq))
		        : NULL);
	}
	return o;
}

static void describe_passes(const struct ws_result *res, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s: %zu pass%s (", res->method, res->n_planned,
	                            res->n_planned == 1 ? "" : "es");

	for (size_t p = 0; p < res->n_passes && n < len; p++) {
		const struct ws_pass_spec *s = &res->passes[p].spec;

		if (s->kind == WS_PATTERN_RANDOM)
			n += (size_t)snprintf(buf + n, len - n, "%sAES-256-CTR keystream",
			                      p ? ", " : "");
		else
			n += (size_t)snprintf(buf + n, len - n, "%s0x%02x%s", p ? ", " : "",
			                      s->bytes[0], s->len > 1 ? "..." : "");
	}
	if (n < len)
		snprintf(buf + n, len - n,
		         ") over every addressable byte, flushed after each pass");
}

/* The drive command a certificate names (the technique table's). */
static const char *command_name(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i && (i->flags & WS_TECH_F_FIRMWARE) ? i->command : "NVMe Sanitize";
}

const char *ws_cert_method_used(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i ? i->cert_method : "overwrite";
}

static struct json_object *sanitization(const struct ws_result *res, const struct ws_cert_info *i)
{
	struct json_object *o = json_object_new_object();
	char details[512], tool[96], verify[128];

	if (res->technique == WS_TECH_OVERWRITE)
		describe_passes(res, details, sizeof(details));
	else
		snprintf(details, sizeof(details), "%s: the drive's own %s command%s%s",
		         ws_technique_name(res->technique), command_name(res->technique),
		         res->firmware.followed ? " (followed: it was already running)" : "",
		         res->firmware.log_valid ? ", its sanitize status as evidence" : "");
	snprintf(tool, sizeof(tool), "wipeseal %s (%s)", ws_version(), ws_git_revision());
	if (res->verify.mode == WS_VERIFY_SAMPLE)
		snprintf(verify, sizeof(verify),
		         "quick sampling: %u%% of the capacity, %llu regions", res->sample_percent,
		         (unsigned long long)res->verify.regions);
	else if (res->verify.mode == WS_VERIFY_NONE && res->technique != WS_TECH_OVERWRITE &&
	         res->trust_firmware)
		snprintf(verify, sizeof(verify),
		         "none: the drive's report of completion trusted (--trust-firmware)");
	else
		snprintf(verify, sizeof(verify), "%s", ws_verify_mode_name(res->verify.mode));
	/* NIST SP 800-88: overwrite and Format NVM are Clear, Sanitize is Purge
	 * (docs/methods.md) */
	add(o, "method_type", str(ws_technique_nist(res->technique)));
	add(o, "method_used", str(ws_cert_method_used(res->technique)));
	add(o, "method_details", str(details));
	add(o, "tool", str(tool));
	add(o, "verification_method", str(verify));
	add(o, "post_sanitization_classification", str(i->post_classification));
	add(o, "notes", str(i->notes));
	return o;
}

static struct json_object *station(void)
{
	struct json_object *o = json_object_new_object(), *clock = json_object_new_object();
	char host[256] = "";
	char *machine_id = NULL;
	struct timex tx = { 0 };
	int state = adjtimex(&tx);

	(void)gethostname(host, sizeof(host) - 1);
	(void)read_line_file("/etc/machine-id", &machine_id);
	add(o, "hostname", str(host[0] ? host : NULL));
	add(o, "machine_id", str(machine_id));
	add(o, "tool_version", str(ws_version()));
	add(o, "git_revision", str(ws_git_revision()));
	add(clock, "source", str("the station's system clock"));
	add(clock, "synchronized",
	    state < 0 ? NULL
	              : json_object_new_boolean(state != TIME_ERROR && !(tx.status & STA_UNSYNC)));
	add(o, "clock", clock);
	free(machine_id);
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
 * phone are not in a certificate: they stay the fields given. */
static struct json_object *person_of(const struct ws_cert_info *info, const struct ws_operator *op)
{
	struct json_object *o, *card;
	char *issuer;

	if (!op)
		return person(info->operator_name, info->operator_title,
		              info->operator_organization, info->operator_location,
		              info->operator_phone);
	o = person(ws_operator_name(op), ws_operator_title(op), ws_operator_organization(op),
	           info->operator_location, info->operator_phone);
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

int ws_cert_build_op(const struct ws_result *res, const struct ws_cert_info *info,
                     const struct ws_signer *signer, const struct ws_operator *op,
                     const char *prev_sha256, char **ret, char *ret_id)
{
	char id[37];
	struct json_object *o = json_object_new_object(), *dest = json_object_new_object();
	/* the device as the wipe's snapshot recorded it; the evidence built from the result
	 * itself, not printed and parsed back */
	struct json_object *dev = json_tokener_parse(res->device_json);
	struct json_object *evidence = ws_result_json(res);
	const char *text;

	if (!o || !dest || !dev || !evidence) {
		json_object_put(o);
		json_object_put(dest);
		json_object_put(dev);
		json_object_put(evidence);
		return -ENOMEM;
	}
	if (uuid4(id) < 0) {
		json_object_put(o);
		json_object_put(dest);
		json_object_put(dev);
		json_object_put(evidence);
		return -EIO;
	}
	if (ret_id)
		memcpy(ret_id, id, sizeof(id));
	add(o, "schema", str(WS_CERT_SCHEMA));
	add(o, "certificate_id", str(id));
	add(o, "issued", now_rfc3339());
	add(o, "status", str(ws_status_name(res->status)));
	add(o, "status_reason", str(res->status_reason));
	add(o, "demo", json_object_new_boolean(ws_signer_is_demo(signer)));
	add(o, "person", person_of(info, op));
	add(o, "media", media(dev, info));
	add(o, "sanitization", sanitization(res, info));
	add(dest, "type", str(info->destination));
	add(dest, "details", str(info->destination_details));
	add(o, "media_destination", dest);
	add(o, "signer", signer_json(signer));
	/* NIST's validation block: for the second person, who countersigns separately */
	add(o, "validation",
	    person(info->validator_name, info->validator_title, info->validator_organization,
	           info->validator_location, info->validator_phone));
	json_object_object_add(json_object_object_get(o, "validation"), "signature", NULL);
	json_object_object_add(json_object_object_get(o, "validation"), "date", NULL);
	add(o, "station", station());
	add(o, "previous_certificate_sha256",
	    str(prev_sha256 && *prev_sha256 ? prev_sha256 : NULL));
	add(o, "evidence", evidence);
	json_object_put(dev);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && asprintf(ret, "%s\n", text) < 0)
		*ret = NULL;
	json_object_put(o);
	return text && *ret ? 0 : -ENOMEM;
}

/* ---- room for the certificate, reserved before the wipe ---------------------------------- */

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
