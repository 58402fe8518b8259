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

/* "label: value" when the value is there; strings made printable. */
static void field(const char *label, struct json_object *o, const char *key)
{
	struct json_object *v = obj(o, key);
	char *s;

	if (!v)
		return;
	s = cli_printable(json_object_get_string(v));
	printf("  %-28s %s\n", label, s);
	free(s);
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

static void show_v1(struct json_object *o)
{
	printf("Person performing sanitization\n");
	field("name", obj(o, "person"), "name");
	field("title", obj(o, "person"), "title");
	field("organization", obj(o, "person"), "organization");
	/* an operator's card: their certificate names them, and they sign too */
	field("operator certificate", obj(obj(o, "person"), "operator_card"),
	      "certificate_subject");
	field("card serial", obj(obj(o, "person"), "operator_card"), "card_serial");
	field("location", obj(o, "person"), "location");
	field("phone", obj(o, "person"), "phone");
	printf("Media\n");
	field("make/vendor", obj(o, "media"), "make_vendor");
	field("model", obj(o, "media"), "model");
	field("serial", obj(o, "media"), "serial");
	field("asset number", obj(o, "media"), "asset_number");
	field("type", obj(o, "media"), "media_type");
	field("source", obj(o, "media"), "source");
	field("classification", obj(o, "media"), "classification");
	field("data backed up", obj(o, "media"), "data_backed_up");
	field("backup location", obj(o, "media"), "backup_location");
	field("path", obj(o, "media"), "path");
	printf("Sanitization\n");
	field("method type", obj(o, "sanitization"), "method_type");
	field("method", obj(o, "sanitization"), "method_details");
	field("verification", obj(o, "sanitization"), "verification_method");
	field("tool", obj(o, "sanitization"), "tool");
	field("post-sanitization class.", obj(o, "sanitization"),
	      "post_sanitization_classification");
	field("notes", obj(o, "sanitization"), "notes");
	field("destination", obj(o, "media_destination"), "type");
	field("destination details", obj(o, "media_destination"), "details");
	field("validator", obj(o, "validation"), "name");
}

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
static void show_machine(struct json_object *m)
{
	if (!m)
		return;
	printf("Machine the drive was in\n");
	field("manufacturer", m, "manufacturer");
	field("product", m, "product");
	field("serial", m, "serial");
	field("UUID", m, "uuid");
	field("chassis asset tag", m, "chassis_asset_tag");
	field("read from", m, "source");
}

/* A TCG revert's record (evidence.opal): the authority it was sent as, the drive's answer,
 * what it counts as, and the drive's Level 0 Discovery either side. */
static void opal_v2(struct json_object *op)
{
	struct json_object *before = obj(op, "before"), *after = obj(op, "after");

	if (!op)
		return;
	printf("Self-encrypting drive (TCG revert)\n");
	field("revert as", op, "revert");
	field("interface", op, "interface");
	field("drive's answer", op, "tcg_status_name");
	field("counts as", op, "counts_as");
	field("security subsystem", before, "ssc");
	field("media encryption", before, "media_encryption");
	field("locked before", before, "locked");
	field("locking enabled after", after, "locking_enabled");
	field("locked after", after, "locked");
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

static void show_v2(struct json_object *o)
{
	struct json_object *media = obj(o, "media"), *san = obj(o, "sanitization"),
	                   *ver = obj(o, "verification"), *ce = obj(san, "cryptographic_erase");

	printf("Media\n");
	field("manufacturer", media, "manufacturer");
	field("model", media, "model");
	field("serial", media, "serial");
	field("property number", media, "property_number");
	field("media type", media, "media_type");
	field("interface", media, "interface");
	field("media source", media, "media_source");
	field("categorization", media, "categorization");
	field("data backed up", media, "data_backed_up");
	field("backup location", media, "backup_location");
	field("path", media, "path");
	field("WWN", media, "wwn");
	field("firmware", media, "firmware");
	field("disk sequence number", media, "diskseq");
	field("capacity (bytes)", media, "capacity_bytes");
	controller_v2(obj(media, "controller"));
	show_machine(obj(o, "machine"));
	printf("Sanitization\n");
	field("method", san, "method");
	field("technique", san, "technique");
	field("IEEE 2883 technique", san, "technique_ieee2883");
	field("technique name", san, "technique_name");
	field("fallback", san, "fallback"); /* purge-or-clear only */
	field("details", san, "details");
	commands_v2(san);
	field("tool", san, "tool");
	field("tool version", san, "tool_version");
	field("verification method", san, "verification_method");
	field("post-sanitization categ.", san, "post_sanitization_categorization");
	field("notes", san, "notes");
	field("flash media", san, "flash_media");
	areas_v2(obj(san, "areas"));
	if (ce) {
		printf("Cryptographic erase\n");
		field("key changed", ce, "key_changed");
		field("key strength", ce, "key_strength");
		field("scope", ce, "scope");
		field("key copies", ce, "key_copies");
		field("assurance", ce, "assurance");
	}
	opal_v2(obj(obj(o, "evidence"), "opal"));
	printf("Verification\n");
	field("completion", ver, "completion_status");
	lines("errors", ver, "errors");
	lines("anomalies", ver, "anomalies");
	health_v2("health before", obj(ver, "health_before"));
	health_v2("health after", obj(ver, "health_after"));
	field("read-back", obj(ver, "read_back"), "result");
	field("read-back mode", obj(ver, "read_back"), "mode");
	field("bytes checked", obj(ver, "read_back"), "bytes_checked");
	field("bytes mismatched", obj(ver, "read_back"), "bytes_mismatched");
	field("regions", obj(ver, "read_back"), "regions");
	printf("Person performing sanitization\n");
	field("name", obj(o, "person"), "name");
	field("title", obj(o, "person"), "title");
	field("organization", obj(o, "person"), "organization");
	field("date", obj(o, "person"), "date");
	field("location", obj(o, "person"), "location");
	field("contact", obj(o, "person"), "contact");
	field("signature", obj(o, "person"), "signature");
	field("operator certificate", obj(obj(o, "person"), "operator_card"),
	      "certificate_subject");
	field("operator cert. issuer", obj(obj(o, "person"), "operator_card"),
	      "certificate_issuer");
	field("operator cert. SHA-256", obj(obj(o, "person"), "operator_card"),
	      "certificate_sha256");
	field("card serial", obj(obj(o, "person"), "operator_card"), "card_serial");
	field("operator signature", obj(obj(o, "person"), "operator_card"), "signature_required");
	field("operator signature note", obj(obj(o, "person"), "operator_card"), "signature");
	field("validation", obj(o, "validation"), "record_file");
	field("validation decision", obj(o, "validation"), "decision");
	field("destination", obj(o, "media_destination"), "destination");
	field("destination details", obj(o, "media_destination"), "details");
	field("trusted time (TSA)", obj(o, "trusted_time"), "tsa_url");
	field("TSA token requested", obj(o, "trusted_time"), "requested");
}

/* ---- both ---------------------------------------------------------------------------------- */

/* Who signed, as the station believed it; the station, its clock, the series link. */
static void show_station(struct json_object *o)
{
	struct json_object *sg = obj(o, "signer"), *st = obj(o, "station");
	struct json_object *clock = obj(st, "clock");

	field("signer's issuer", sg, "issuer");
	field("signer under a demo CA", sg, "demo_ca");
	field("signature file", sg, "signature_file");
	printf("Station\n");
	field("hostname", st, "hostname");
	field("machine id", st, "machine_id");
	field("tool version", st, "tool_version");
	field("git revision", st, "git_revision");
	field("clock", clock, "source");
	field("clock synchronized", clock, "synchronized");
	field("NTP server", clock, "ntp_server");
	field("previous certificate", o, "previous_certificate_sha256");
}

/* Every key of schema 2 that `show` knows, section by section (docs/certificate.md): what is
 * not among them is named, never dropped in silence. */
static const struct {
	const char *path, *keys;
} known_v2[] = {
	{ "", " schema certificate_id issued status status_reason demo standards media machine "
	      "sanitization verification person validation media_destination signer station "
	      "trusted_time previous_certificate_sha256 evidence " },
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

/* The object at a path of at most two keys ("" is @o itself). */
static struct json_object *at2(struct json_object *o, const char *path)
{
	char first[64];
	const char *dot = strchr(path, '.');

	if (!*path)
		return o;
	if (!dot)
		return obj(o, path);
	snprintf(first, sizeof(first), "%.*s", (int)(dot - path), path);
	return obj(obj(o, first), dot + 1);
}

/* One line naming the keys this version of `show` does not know (a newer certificate's). */
static void show_unknown(struct json_object *o)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(known_v2) / sizeof(known_v2[0]); i++) {
		struct json_object *sec = at2(o, known_v2[i].path);

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
	field("schema", o, "schema");
	field("certificate", o, "certificate_id");
	field("issued", o, "issued");
	field("reason", o, "status_reason");
	field("standard", obj(o, "standards"), "nist");
	field("standard", obj(o, "standards"), "ieee");
	if (schema == 1)
		show_v1(o);
	else
		show_v2(o);
	field("signed by", obj(o, "signer"), "subject");
	if (obj(obj(o, "person"), "operator_card"))
		printf(
		    "  %-28s %s\n", "and by the operator",
		    "their card's signature belongs beside it (verify says whether it is there)");
	show_station(o);
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
