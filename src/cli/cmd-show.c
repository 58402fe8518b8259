/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-show.c - `wipeseal show CERT.json`: a certificate for human eyes. It reads the document
 * only; whether the signature holds is `wipeseal verify`'s business, and the summary says so.
 * Both schemas: schema 2 (NIST SP 800-88 Rev. 2: method, technique, IEEE 2883's words, the
 * commands, verification with the drive's health, crypto erase traceability) and schema 1,
 * as it always was shown.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static int usage(void)
{
	fputs("Usage: wipeseal show CERT.json...\n\n"
	      "Print a certificate of sanitization in a human form: who, what medium, how it\n"
	      "was sanitized and verified, where it goes, the evidence. It does not check the\n"
	      "signature: use 'wipeseal verify' for that.\n\n"
	      "  -h, --help   show this help\n\nSee wipeseal(8).\n",
	      stdout);
	return WS_EXIT_OK;
}

static struct json_object *obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The member at the dotted @path of @o ("person.operator_card.card_serial"; "" is @o
 * itself), or NULL. */
static struct json_object *at(struct json_object *o, const char *path)
{
	const char *dot;
	char key[64];

	while (o && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = obj(o, key);
		path = dot + 1;
	}
	return *path ? obj(o, path) : o;
}

/* "label: value" when the value at @path is there; strings made printable. */
static void field(const char *label, struct json_object *o, const char *path)
{
	struct json_object *v = at(o, path);
	char *s;

	if (!v)
		return;
	s = cli_printable(json_object_get_string(v));
	printf("  %-28s %s\n", label, s);
	free(s);
}

/* One line of a section: a field (its label and its path), or with no path a title. */
struct row {
	const char *label, *path;
};

#define ELEMENTSOF(table) (sizeof(table) / sizeof((table)[0]))

/* The @n rows of @r of @o, in order. */
static void rows(struct json_object *o, const struct row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].path)
			field(r[i].label, o, r[i].path);
		else
			printf("%s\n", r[i].label);
	}
}

static size_t arr_len(struct json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* A string from the document, made safe for the terminal (the caller frees). */
static char *text(struct json_object *o, const char *key)
{
	struct json_object *v = obj(o, key);

	return cli_printable(v ? json_object_get_string(v) : NULL);
}

static void evidence(struct json_object *ev)
{
	struct json_object *passes = obj(ev, "passes"), *ver = obj(ev, "verification");
	struct json_object *residue = obj(obj(ev, "residue_probe"), "found");

	printf("Evidence\n");
	field("wipe started", ev, "started");
	field("wipe finished", ev, "finished");
	for (size_t i = 0; i < arr_len(passes); i++) {
		struct json_object *p = json_object_array_get_idx(passes, i);
		char *kind = text(obj(p, "pattern"), "kind"), *hex = text(obj(p, "pattern"), "hex");

		printf("  pass %zu: %s %s, %llu bytes at %.0f MB/s, %s, %zu unwritten ranges\n",
		       i + 1, kind, strcmp(hex, "-") ? hex : "(AES-256-CTR)",
		       (unsigned long long)json_object_get_uint64(obj(p, "bytes_written")),
		       (double)json_object_get_uint64(obj(p, "throughput_bytes_per_second")) / 1e6,
		       json_object_get_boolean(obj(p, "completed")) ? "completed" : "NOT completed",
		       arr_len(obj(p, "unwritten")));
		free(kind);
		free(hex);
	}
	if (ver) {
		char *mode = text(ver, "mode");

		printf("  verification: %s, %llu bytes checked, %llu differ\n", mode,
		       (unsigned long long)json_object_get_uint64(obj(ver, "bytes_checked")),
		       (unsigned long long)json_object_get_uint64(obj(ver, "bytes_mismatched")));
		free(mode);
	}
	if (arr_len(residue) == 0) {
		printf("  residue probe: nothing found\n");
	} else {
		char *found = cli_printable(json_object_get_string(residue));

		printf("  residue probe: %s\n", found);
		free(found);
	}
}

/* ---- schema 1 ------------------------------------------------------------------------------ */

static const struct row v1[] = {
	{ "Person performing sanitization", NULL },
	{ "name", "person.name" },
	{ "title", "person.title" },
	{ "organization", "person.organization" },
	/* an operator's card: their certificate names them, and they sign too */
	{ "operator certificate", "person.operator_card.certificate_subject" },
	{ "card serial", "person.operator_card.card_serial" },
	{ "location", "person.location" },
	{ "phone", "person.phone" },
	{ "Media", NULL },
	{ "make/vendor", "media.make_vendor" },
	{ "model", "media.model" },
	{ "serial", "media.serial" },
	{ "asset number", "media.asset_number" },
	{ "type", "media.media_type" },
	{ "source", "media.source" },
	{ "classification", "media.classification" },
	{ "data backed up", "media.data_backed_up" },
	{ "backup location", "media.backup_location" },
	{ "path", "media.path" },
	{ "Sanitization", NULL },
	{ "method type", "sanitization.method_type" },
	{ "method", "sanitization.method_details" },
	{ "verification", "sanitization.verification_method" },
	{ "tool", "sanitization.tool" },
	{ "post-sanitization class.", "sanitization.post_sanitization_classification" },
	{ "notes", "sanitization.notes" },
	{ "destination", "media_destination.type" },
	{ "destination details", "media_destination.details" },
	{ "validator", "validation.name" },
};

/* ---- schema 2 ------------------------------------------------------------------------------ */

/* Each string of the array @key of @o on a line of its own; "none" when it is empty. */
static void lines(const char *label, struct json_object *o, const char *key)
{
	struct json_object *a = obj(o, key);

	if (arr_len(a) == 0)
		printf("  %-28s none\n", label);
	for (size_t i = 0; i < arr_len(a); i++) {
		char *s = cli_printable(json_object_get_string(json_object_array_get_idx(a, i)));

		printf("  %-28s %s\n", i ? "" : label, s);
		free(s);
	}
}

static void commands_v2(struct json_object *san)
{
	struct json_object *cmds = obj(san, "commands");

	for (size_t i = 0; i < arr_len(cmds); i++) {
		struct json_object *c = json_object_array_get_idx(cmds, i);
		char *iface = text(c, "interface"), *name = text(c, "command"),
		     *params = text(c, "parameters"), *bytes = text(c, "bytes");

		printf("  command %zu: %s %s (%s), status %d\n", i + 1, iface, name, params,
		       json_object_get_int(obj(c, "status")));
		printf("    bytes %s\n", bytes);
		if (obj(c, "sent"))
			printf("    sent %s\n", json_object_get_string(obj(c, "sent")));
		free(iface);
		free(name);
		free(params);
		free(bytes);
	}
}

static void health_v2(const char *label, struct json_object *h)
{
	char *src;

	if (!h) {
		printf("  %-28s not read\n", label);
		return;
	}
	src = text(h, "source");
	printf("  %-28s %s", label, src);
	free(src);
	if (obj(h, "smart_status"))
		printf(", SMART %s, %zu attributes", json_object_get_string(obj(h, "smart_status")),
		       arr_len(obj(h, "attributes")));
	if (obj(h, "media_errors"))
		printf(", media errors %s, %s%% used, critical warning %s",
		       json_object_get_string(obj(h, "media_errors")),
		       obj(h, "percentage_used") ? json_object_get_string(obj(h, "percentage_used"))
		                                 : "?",
		       obj(h, "critical_warning")
		           ? json_object_get_string(obj(h, "critical_warning"))
		           : "?");
	if (obj(h, "read"))
		printf(", read %s", json_object_get_string(obj(h, "read")));
	printf("\n");
}

/* The machine the drive was in (SMBIOS); certificates before it have no such section. */
static const struct row machine[] = {
	{ "Machine the drive was in", NULL },
	{ "manufacturer", "manufacturer" },
	{ "product", "product" },
	{ "serial", "serial" },
	{ "UUID", "uuid" },
	{ "chassis asset tag", "chassis_asset_tag" },
	{ "read from", "source" },
};

/* The customer, job and batch (wipeseal/lot.h); a certificate of no lot has none. */
static const struct row job[] = {
	{ "Customer, job and batch", NULL },
	{ "customer", "customer" },
	{ "customer id", "customer_id" },
	{ "contact", "contact" },
	{ "address", "address" },
	{ "phone", "phone" },
	{ "job number", "number" },
	{ "batch number", "batch" },
};

/* A TCG revert's record (evidence.opal): the authority it was sent as, the drive's answer,
 * what it counts as, and the drive's Level 0 Discovery either side. */
static const struct row opal[] = {
	{ "Self-encrypting drive (TCG revert)", NULL },
	{ "revert as", "revert" },
	{ "interface", "interface" },
	{ "drive's answer", "tcg_status_name" },
	{ "counts as", "counts_as" },
	{ "security subsystem", "before.ssc" },
	{ "media encryption", "before.media_encryption" },
	{ "locked before", "before.locked" },
	{ "locking enabled after", "after.locking_enabled" },
	{ "locked after", "after.locked" },
};

/* The @n rows of @r of @sec, a section that a certificate may not have. */
static void section(struct json_object *sec, const struct row *r, size_t n)
{
	if (sec)
		rows(sec, r, n);
}

/* An eMMC's areas, one line each: "boot0: 4194304 bytes, erased by mmc-erase". */
static void areas_v2(struct json_object *areas)
{
	size_t n = arr_len(areas);

	for (size_t i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(areas, i);
		char *name = text(a, "name"), *size = text(a, "size_bytes"),
		     *tech = text(a, "technique"), *note = text(a, "note");
		const char *what = json_object_get_boolean(obj(a, "erased")) ? "erased by "
		                   : json_object_get_boolean(obj(a, "host_erasable"))
		                       ? "NOT erased"
		                       : "cannot be erased by the host";

		printf("  %-28s %s: %s bytes, %s%s%s%s\n", i ? "" : "areas", name, size, what,
		       json_object_get_boolean(obj(a, "erased")) ? tech : "",
		       obj(a, "note") ? ": " : "", obj(a, "note") ? note : "");
		free(name);
		free(size);
		free(tech);
		free(note);
	}
}

/* A drive behind a controller: what stood there and what the wipe covered. */
static void controller_v2(struct json_object *c)
{
	char *driver, *level;

	if (!c)
		return;
	driver = text(c, "driver");
	level = text(c, "raid_level");
	printf("  %-28s %s (%s)%s%s\n", "behind a controller",
	       json_object_get_boolean(obj(c, "logical_volume")) ? "logical volume"
	       : json_object_get_boolean(obj(c, "vmd"))          ? "Intel VMD"
	                                                         : "pass-through",
	       driver, strcmp(level, "-") ? ", " : "", strcmp(level, "-") ? level : "");
	field("controller vendor", c, "vendor");
	field("controller model", c, "model");
	field("covered", c, "scope");
	free(driver);
	free(level);
}

static const struct row media_v2[] = {
	{ "Media", NULL },
	{ "manufacturer", "manufacturer" },
	{ "model", "model" },
	{ "serial", "serial" },
	{ "property number", "property_number" },
	{ "media type", "media_type" },
	{ "interface", "interface" },
	{ "media source", "media_source" },
	{ "categorization", "categorization" },
	{ "data backed up", "data_backed_up" },
	{ "backup location", "backup_location" },
	{ "path", "path" },
	{ "WWN", "wwn" },
	{ "firmware", "firmware" },
	{ "disk sequence number", "diskseq" },
	{ "capacity (bytes)", "capacity_bytes" },
};

/* Sanitization, up to its commands. */
static const struct row sanitization_v2[] = {
	{ "Sanitization", NULL },
	{ "method", "method" },
	{ "technique", "technique" },
	{ "IEEE 2883 technique", "technique_ieee2883" },
	{ "technique name", "technique_name" },
	{ "fallback", "fallback" }, /* purge-or-clear only */
	{ "details", "details" },
};

/* Sanitization, after its commands. */
static const struct row tool_v2[] = {
	{ "tool", "tool" },
	{ "tool version", "tool_version" },
	{ "verification method", "verification_method" },
	{ "post-sanitization categ.", "post_sanitization_categorization" },
	{ "notes", "notes" },
	{ "flash media", "flash_media" },
};

static const struct row crypto_erase_v2[] = {
	{ "Cryptographic erase", NULL },    { "key changed", "key_changed" },
	{ "key strength", "key_strength" }, { "scope", "scope" },
	{ "key copies", "key_copies" },     { "assurance", "assurance" },
};

static const struct row read_back_v2[] = {
	{ "read-back", "result" },
	{ "read-back mode", "mode" },
	{ "bytes checked", "bytes_checked" },
	{ "bytes mismatched", "bytes_mismatched" },
	{ "regions", "regions" },
};

/* The person, the validation, the destination and trusted time (of the document's root). */
static const struct row person_v2[] = {
	{ "Person performing sanitization", NULL },
	{ "name", "person.name" },
	{ "title", "person.title" },
	{ "organization", "person.organization" },
	{ "date", "person.date" },
	{ "location", "person.location" },
	{ "contact", "person.contact" },
	{ "signature", "person.signature" },
	{ "operator certificate", "person.operator_card.certificate_subject" },
	{ "operator cert. issuer", "person.operator_card.certificate_issuer" },
	{ "operator cert. SHA-256", "person.operator_card.certificate_sha256" },
	{ "card serial", "person.operator_card.card_serial" },
	{ "operator signature", "person.operator_card.signature_required" },
	{ "operator signature note", "person.operator_card.signature" },
	{ "validation", "validation.record_file" },
	{ "validation decision", "validation.decision" },
	{ "destination", "media_destination.destination" },
	{ "destination details", "media_destination.details" },
	{ "trusted time (TSA)", "trusted_time.tsa_url" },
	{ "TSA token requested", "trusted_time.requested" },
};

static void show_v2(struct json_object *o)
{
	struct json_object *media = obj(o, "media"), *san = obj(o, "sanitization"),
	                   *ver = obj(o, "verification");

	rows(media, media_v2, ELEMENTSOF(media_v2));
	controller_v2(obj(media, "controller"));
	section(obj(o, "job"), job, ELEMENTSOF(job));
	section(obj(o, "machine"), machine, ELEMENTSOF(machine));
	rows(san, sanitization_v2, ELEMENTSOF(sanitization_v2));
	commands_v2(san);
	rows(san, tool_v2, ELEMENTSOF(tool_v2));
	areas_v2(obj(san, "areas"));
	section(obj(san, "cryptographic_erase"), crypto_erase_v2, ELEMENTSOF(crypto_erase_v2));
	section(at(o, "evidence.opal"), opal, ELEMENTSOF(opal));
	printf("Verification\n");
	field("completion", ver, "completion_status");
	lines("errors", ver, "errors");
	lines("anomalies", ver, "anomalies");
	health_v2("health before", obj(ver, "health_before"));
	health_v2("health after", obj(ver, "health_after"));
	rows(obj(ver, "read_back"), read_back_v2, ELEMENTSOF(read_back_v2));
	rows(o, person_v2, ELEMENTSOF(person_v2));
}

/* ---- both ---------------------------------------------------------------------------------- */

/* Who signed, as the station believed it; the station, its clock, the series link. */
static const struct row station[] = {
	{ "signer's issuer", "signer.issuer" },
	{ "signer under a demo CA", "signer.demo_ca" },
	{ "signature file", "signer.signature_file" },
	{ "Station", NULL },
	{ "hostname", "station.hostname" },
	{ "machine id", "station.machine_id" },
	{ "tool version", "station.tool_version" },
	{ "git revision", "station.git_revision" },
	{ "clock", "station.clock.source" },
	{ "clock synchronized", "station.clock.synchronized" },
	{ "NTP server", "station.clock.ntp_server" },
	{ "previous certificate", "previous_certificate_sha256" },
};

/* Every key of schema 2 that `show` knows, section by section (docs/certificate.md): what is
 * not among them is named, never dropped in silence. */
static const struct {
	const char *path, *keys;
} known_v2[] = {
	{ "", " schema certificate_id issued status status_reason demo standards media machine "
	      "sanitization verification person validation media_destination signer station "
	      "trusted_time previous_certificate_sha256 evidence job " },
	{ "job", " customer customer_id contact address phone number batch " },
	{ "standards", " nist ieee " },
	{ "media", " manufacturer model serial property_number media_type media_source "
	           "categorization interface data_backed_up backup_location path wwn firmware "
	           "diskseq capacity_bytes " },
	{ "machine", " source manufacturer product serial uuid chassis_asset_tag " },
	{ "sanitization", " method technique technique_ieee2883 technique_name details commands "
	                  "tool tool_version verification_method cryptographic_erase "
	                  "post_sanitization_categorization notes fallback " },
	{ "sanitization.cryptographic_erase", " key_changed key_strength scope key_copies "
	                                      "assurance " },
	{ "verification", " completion_status errors anomalies health_before health_after "
	                  "read_back " },
	{ "verification.read_back", " mode bytes_checked bytes_mismatched regions result " },
	{ "person", " name title organization date location contact signature operator_card " },
	{ "person.operator_card", " certificate_subject certificate_issuer certificate_sha256 "
	                          "card_serial signature_required signature " },
	{ "validation", " record_file decision " },
	{ "media_destination", " destination details " },
	{ "signer", " subject issuer demo_ca signature_file " },
	{ "station", " hostname machine_id tool_version git_revision clock " },
	{ "station.clock", " source synchronized ntp_server " },
	{ "trusted_time", " tsa_url requested " },
};

/* One line naming the keys this version of `show` does not know (a newer certificate's). */
static void show_unknown(struct json_object *o)
{
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(known_v2); i++) {
		struct json_object *sec = at(o, known_v2[i].path);

		if (!json_object_is_type(sec, json_type_object))
			continue;
		json_object_object_foreach(sec, key, val)
		{
			char word[160];
			char *shown;

			(void)val;
			snprintf(word, sizeof(word), " %s ", key);
			if (strstr(known_v2[i].keys, word))
				continue;
			snprintf(word, sizeof(word), "%s%s%s", known_v2[i].path,
			         *known_v2[i].path ? "." : "", key);
			shown = cli_printable(word);
			printf(
			    "%s%s",
			    n++ ? ", " : "Other fields, not shown above (read the JSON): ", shown);
			free(shown);
		}
	}
	if (n)
		printf("\n");
}

/* The document's schema: 2, 1, or 0 for neither. */
static int schema_of(struct json_object *o)
{
	struct json_object *schema = obj(o, "schema");
	const char *s =
	    json_object_is_type(schema, json_type_string) ? json_object_get_string(schema) : "";

	return strcmp(s, WS_CERT_SCHEMA) == 0 ? 2 : strcmp(s, WS_CERT_SCHEMA_1) == 0 ? 1 : 0;
}

/* What every certificate opens with, after its status. */
static const struct row head[] = {
	{ "schema", "schema" },           { "certificate", "certificate_id" },
	{ "issued", "issued" },           { "reason", "status_reason" },
	{ "standard", "standards.nist" }, { "standard", "standards.ieee" },
};

static int show(struct cli *cli, const char *path)
{
	char *doc = NULL;
	size_t len;
	int r = ws_read_file_capped(path, WS_CERT_MAX_BYTES, &doc, &len), schema;
	struct json_object *o;

	if (r < 0) {
		cli_err(cli, "%s: %s", path,
		        r == -EFBIG    ? "larger than a certificate may be"
		        : r == -EINVAL ? "not a regular file: name a certificate's .json file"
		                       : strerror(-r));
		return WS_EXIT_USAGE;
	}
	o = json_tokener_parse(doc);
	free(doc);
	if (!o || !(schema = schema_of(o))) {
		cli_err(cli, "%s: not a %s (or /1) document", path, WS_CERT_SCHEMA);
		json_object_put(o);
		return WS_EXIT_USAGE;
	}
	{
		char *status = text(o, "status"), *p = cli_printable(path);

		printf("%s\n  %-28s %s%s\n", p, "status", status,
		       json_object_get_boolean(obj(o, "demo")) ? " (DEMO CA: not for production)"
		                                               : "");
		free(status);
		free(p);
	}
	rows(o, head, ELEMENTSOF(head));
	if (schema == 1)
		rows(o, v1, ELEMENTSOF(v1));
	else
		show_v2(o);
	field("signed by", obj(o, "signer"), "subject");
	if (obj(obj(o, "person"), "operator_card"))
		printf(
		    "  %-28s %s\n", "and by the operator",
		    "their card's signature belongs beside it (verify says whether it is there)");
	rows(o, station, ELEMENTSOF(station));
	evidence(obj(o, "evidence"));
	if (schema == 2)
		show_unknown(o);
	printf("(signature not checked here: wipeseal verify --ca CA.pem %s)\n", path);
	json_object_put(o);
	return WS_EXIT_OK;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c, code = WS_EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage();
		return cli_bad_usage(cli);
	}
	if (optind >= argc) {
		cli_err(cli, "no certificate named: name the CERT.json files to show");
		return cli_bad_usage(cli);
	}
	for (int i = optind; i < argc; i++)
		code = cli_worse(code, show(cli, argv[i]));
	return code;
}
