/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-evidence.c - page 2 of the PDF certificate: the evidence summary. What the drive
 * was, what was written (the passes) or what its firmware reported and the commands sent,
 * the read-back, the drive's health before and after, the station, the signer, trusted
 * time and the link to the station's previous certificate. The whole evidence is in the
 * signed NAME.json; this is what a reader checks first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf-internal.h"

static const struct pdf_field device_fields[] = {
	{ N_("Path"), "evidence.device.path", "evidence.device.path" },
	{ N_("Vendor"), "evidence.device.vendor", "evidence.device.vendor" },
	{ N_("Model"), "evidence.device.model", "evidence.device.model" },
	{ N_("Serial number"), "evidence.device.serial", "evidence.device.serial" },
	{ N_("WWN"), "evidence.device.wwn", "evidence.device.wwn" },
	{ N_("Firmware"), "evidence.device.firmware", "evidence.device.firmware" },
	{ N_("Transport"), "evidence.device.transport", "evidence.device.transport" },
	{ N_("Capacity (bytes)"), "evidence.device.size_bytes", "evidence.device.size_bytes" },
	{ 0 },
};

static const struct pdf_field wipe_fields[] = {
	{ N_("Method"), "evidence.method", "evidence.method" },
	{ N_("Technique"), "evidence.technique", "evidence.technique" },
	{ N_("Started"), "evidence.started", "evidence.started" },
	{ N_("Finished"), "evidence.finished", "evidence.finished" },
	{ N_("Passes planned"), "evidence.passes_planned", "evidence.passes_planned" },
	{ 0 },
};

static const struct pdf_field firmware_fields[] = {
	{ N_("Command sent"), "evidence.firmware.command_sent", "evidence.firmware.command_sent" },
	{ N_("Device status"), "evidence.firmware.device_status",
	  "evidence.firmware.device_status" },
	{ N_("Completion observed"), "evidence.firmware.completion_observed",
	  "evidence.firmware.completion_observed" },
	{ N_("Completion (ms)"), "evidence.firmware.completion_milliseconds",
	  "evidence.firmware.completion_milliseconds" },
	{ N_("Sanitize status"), "evidence.firmware.sanitize_log.status",
	  "evidence.firmware.sanitize_log.status" },
	{ 0 },
};

static const struct pdf_field readback_fields[] = {
	{ N_("Mode"), "evidence.verification.mode", "evidence.verification.mode" },
	{ N_("Seed"), "evidence.verification.seed", "evidence.verification.seed" },
	{ N_("Regions"), "evidence.verification.regions", "evidence.verification.regions" },
	{ N_("Bytes checked"), "evidence.verification.bytes_checked",
	  "evidence.verification.bytes_checked" },
	{ N_("Bytes mismatched"), "evidence.verification.bytes_mismatched",
	  "evidence.verification.bytes_mismatched" },
	{ N_("Unreadable ranges"), "evidence.verification.unreadable",
	  "evidence.verification.unreadable" },
	{ 0 },
};

static const struct pdf_field crypto_fields[] = {
	{ N_("Key changed"), "sanitization.cryptographic_erase.key_changed", NULL },
	{ N_("Key strength"), "sanitization.cryptographic_erase.key_strength", NULL },
	{ N_("Scope"), "sanitization.cryptographic_erase.scope", NULL },
	{ N_("Key copies"), "sanitization.cryptographic_erase.key_copies", NULL },
	{ N_("Assurance"), "sanitization.cryptographic_erase.assurance", NULL },
	{ 0 },
};

static const struct pdf_field station_fields[] = {
	{ N_("Station"), "station.hostname", "station.hostname" },
	{ N_("Machine ID"), "station.machine_id", "station.machine_id" },
	{ N_("Tool version"), "station.tool_version", "station.tool_version" },
	{ N_("Clock"), "station.clock.source", "station.clock.source" },
	{ N_("Clock synchronized"), "station.clock.synchronized", "station.clock.synchronized" },
	{ N_("Signer"), "signer.subject", "signer.subject" },
	{ N_("Signer's issuer"), "signer.issuer", "signer.issuer" },
	{ N_("Demo CA"), "signer.demo_ca", "signer.demo_ca" },
	{ N_("Time-stamping authority"), "trusted_time.tsa_url", NULL },
	{ N_("Previous certificate (SHA-256)"), "previous_certificate_sha256",
	  "previous_certificate_sha256" },
	{ 0 },
};

/* One row per pass: what was written, how much, whether it completed. */
static void passes(struct pdf_pen *p, json_object *list)
{
	for (size_t i = 0; i < json_object_array_length(list) && i < 64; i++) {
		json_object *pass = json_object_array_get_idx(list, i);
		char *kind = pdf_value(p, pass, "pattern.kind"),
		     *hex = pdf_value(p, pass, "pattern.hex");
		char *cipher = pdf_value(p, pass, "pattern.cipher");
		char *bytes = pdf_value(p, pass, "bytes_written"),
		     *done = pdf_value(p, pass, "completed");
		char *err = pdf_value(p, pass, "error"), *label = NULL, *text = NULL;

		if (asprintf(&label, "%s %zu", pdf_tr(p->cat, N_("Pass")), i + 1) < 0)
			label = NULL;
		if (asprintf(&text, "%s %s, %s %s, %s: %s%s%s", kind ? kind : "?",
		             hex      ? hex
		             : cipher ? cipher
		                      : "",
		             bytes ? bytes : "0", pdf_tr(p->cat, N_("bytes written")),
		             pdf_tr(p->cat, N_("completed")), done ? done : "?", err ? "; " : "",
		             err ? err : "") < 0)
			text = NULL;
		pdf_row(p, label ? label : "", text);
		free(kind), free(hex), free(cipher), free(bytes), free(done), free(err);
		free(label), free(text);
	}
}

/* The commands sent to the drive (schema 2; the evidence's own list otherwise). */
static void commands(struct pdf_pen *p)
{
	json_object *list = NULL, *s = NULL, *e = NULL;

	if (json_object_object_get_ex(p->cert, "sanitization", &s))
		json_object_object_get_ex(s, "commands", &list);
	if (!list && json_object_object_get_ex(p->cert, "evidence", &e))
		json_object_object_get_ex(e, "commands", &list);
	if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) == 0)
		return;
	pdf_section(p, N_("Commands sent"));
	for (size_t i = 0; i < json_object_array_length(list) && i < 32; i++) {
		json_object *c = json_object_array_get_idx(list, i);
		char *ifc = pdf_value(p, c, "interface"), *cmd = pdf_value(p, c, "command");
		char *par = pdf_value(p, c, "parameters"), *st = pdf_value(p, c, "status");
		char *bytes = pdf_value(p, c, "bytes"), *text = NULL;

		if (asprintf(&text, "%s %s (%s) [%s] \u2192 %s", ifc ? ifc : "", cmd ? cmd : "?",
		             par ? par : "", bytes ? bytes : "", st ? st : "?") < 0)
			text = NULL;
		pdf_row(p, N_("Command"), text);
		free(ifc), free(cmd), free(par), free(st), free(bytes), free(text);
	}
}

/* The drive's health at @path: where it was read, and the figures a reader compares. */
static void health(struct pdf_pen *p, const char *label, const char *path)
{
	static const char *const keys[] = { "source",          "critical_warning",
		                            "percentage_used", "media_errors",
		                            "available_spare", "temperature_celsius",
		                            "power_on_hours",  "smart_status" };
	char text[1024] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && n < sizeof(text) - 1; i++) {
		char *key = NULL, *v = NULL;

		if (asprintf(&key, "%s.%s", path, keys[i]) >= 0)
			v = pdf_value(p, p->cert, key);
		if (v)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s%s%s", n ? "; " : "",
			                      i ? keys[i] : "", i ? " " : "", v);
		free(key);
		free(v);
	}
	pdf_row(p, label, n ? text : pdf_tr(p->cat, N_("not read")));
}

void pdf_page_evidence(struct pdf_pen *p)
{
	json_object *ev = NULL, *list = NULL, *fw = NULL, *san = NULL, *ce = NULL;

	p->y = PDF_MARGIN;
	p->y += pdf_text(p->cr, pdf_tr(p->cat, N_("Evidence summary")), "DejaVu Sans Bold 15",
	                 PDF_MARGIN, p->y, PDF_PAGE_W - 2 * PDF_MARGIN, 1);
	pdf_section(p, N_("Device"));
	pdf_rows(p, device_fields);
	pdf_section(p, N_("Wipe"));
	pdf_rows(p, wipe_fields);
	json_object_object_get_ex(p->cert, "evidence", &ev);
	if (json_object_object_get_ex(ev, "passes", &list) &&
	    json_object_is_type(list, json_type_array) && json_object_array_length(list) > 0)
		passes(p, list);
	if (json_object_object_get_ex(ev, "firmware", &fw) && fw) {
		pdf_section(p, N_("Firmware erase"));
		pdf_rows(p, firmware_fields);
	}
	commands(p);
	pdf_section(p, N_("Read-back"));
	pdf_rows(p, readback_fields);
	if (p->schema2 && json_object_object_get_ex(p->cert, "sanitization", &san) &&
	    json_object_object_get_ex(san, "cryptographic_erase", &ce) && ce) {
		pdf_section(p, N_("Cryptographic erase"));
		pdf_rows(p, crypto_fields);
	}
	pdf_section(p, N_("Health"));
	health(p, N_("Before"),
	       p->schema2 ? "verification.health_before" : "evidence.health_before");
	health(p, N_("After"), p->schema2 ? "verification.health_after" : "evidence.health_after");
	pdf_section(p, N_("Station, signer, trusted time"));
	pdf_rows(p, station_fields);
}
