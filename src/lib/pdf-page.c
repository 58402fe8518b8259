/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf-page.c - page 1 of the PDF certificate: NIST SP 800-88 Rev. 2 Appendix C's sample
 * certificate of sanitization, section by section (Media, Sanitization, Verification, the
 * person performing it, Validation / concurrence, Media destination), under a status
 * banner and beside the QR code that links the paper to the signed NAME.json.
 *
 * Each row is one entry of a table naming the field by its schema 2 path and, where schema 1
 * had it, by schema 1's (docs/certificate.md): one table serves both schemas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf-internal.h"

#define QR_SIZE 84.0

static const struct pdf_field media_fields[] = {
	{ N_("Manufacturer"), "media.manufacturer", "media.make_vendor" },
	{ N_("Model"), "media.model", "media.model" },
	{ N_("Serial number"), "media.serial", "media.serial" },
	{ N_("Property number"), "media.property_number", "media.asset_number" },
	{ N_("Media type"), "media.media_type", "media.media_type" },
	{ N_("Media source"), "media.media_source", "media.source" },
	{ N_("Categorization"), "media.categorization", "media.classification" },
	{ N_("Interface"), "media.interface", "evidence.device.transport" },
	{ N_("Capacity (bytes)"), "media.capacity_bytes", "evidence.device.size_bytes" },
	{ N_("Data backed up"), "media.data_backed_up", "media.data_backed_up" },
	{ N_("Backup location"), "media.backup_location", "media.backup_location" },
	{ 0 },
};

static const struct pdf_field sanitization_fields[] = {
	{ N_("Method"), "sanitization.method", "sanitization.method_type" },
	{ N_("Technique"), "sanitization.technique", "sanitization.method_used" },
	{ N_("Technique (IEEE 2883)"), "sanitization.technique_ieee2883", NULL },
	{ N_("Details"), "sanitization.details", "sanitization.method_details" },
	{ N_("Tool used (and version)"), "sanitization.tool", "sanitization.tool" },
	{ N_("Post-sanitization categorization"), "sanitization.post_sanitization_categorization",
	  "sanitization.post_sanitization_classification" },
	{ N_("Notes"), "sanitization.notes", "sanitization.notes" },
	{ 0 },
};

static const struct pdf_field verification_fields[] = {
	{ N_("Verification method"), "sanitization.verification_method",
	  "sanitization.verification_method" },
	{ N_("Completion status"), "verification.completion_status", "evidence.status" },
	{ N_("Errors"), "verification.errors", "evidence.reason" },
	{ N_("Anomalies"), "verification.anomalies", NULL },
	{ 0 },
};

static const struct pdf_field person_fields[] = {
	{ N_("Name"), "person.name", "person.name" },
	{ N_("Title"), "person.title", "person.title" },
	{ N_("Organization"), "person.organization", "person.organization" },
	{ N_("Date"), "person.date", "issued" },
	{ N_("Location"), "person.location", "person.location" },
	{ N_("Contact"), "person.contact", "person.phone" },
	{ N_("Signature"), "person.signature", "signer.signature_file" },
	{ 0 },
};

static const struct pdf_field destination_fields[] = {
	{ N_("Media destination"), "media_destination.destination", "media_destination.type" },
	{ N_("Details"), "media_destination.details", "media_destination.details" },
	{ 0 },
};

/* The validator's block of a validation record. */
static const struct pdf_field validator_fields[] = {
	{ N_("Decision"), "decision", "decision" },
	{ N_("Reason"), "reason", "reason" },
	{ N_("Validator"), "validator.name", "validator.name" },
	{ N_("Title"), "validator.title", "validator.title" },
	{ N_("Organization"), "validator.organization", "validator.organization" },
	{ N_("Date"), "date", "date" },
	{ N_("Validator's certificate"), "validator.certificate_subject",
	  "validator.certificate_subject" },
	{ 0 },
};

/* The title, the standards, the QR code and what it holds. */
static void header(struct pdf_pen *p)
{
	cairo_t *cr = p->cr;
	double x = PDF_PAGE_W - PDF_MARGIN - QR_SIZE, w = x - PDF_MARGIN - 10;
	char *id = pdf_value(p, p->cert, "certificate_id"), *line = NULL;
	const char *std = p->schema2
	                      ? "NIST SP 800-88 Rev. 2 (September 2025), Appendix C; IEEE 2883-2022"
	                      : "NIST SP 800-88 Rev. 1, Appendix G";

	(void)pdf_qr(cr, p->qr_text, x, PDF_MARGIN - 8, QR_SIZE);
	cairo_set_source_rgb(cr, 0, 0, 0);
	p->y = PDF_MARGIN;
	p->y += pdf_text(cr, pdf_tr(p->cat, N_("Certificate of Sanitization")),
	                 "DejaVu Sans Bold 15", PDF_MARGIN, p->y, w, 2);
	p->y += pdf_text(cr, std, "DejaVu Sans 8", PDF_MARGIN, p->y, w, 2) + 4;
	if (asprintf(&line, "%s: %s", pdf_tr(p->cat, N_("Certificate ID")), id ? id : "?") < 0)
		line = NULL;
	p->y += pdf_text(cr, line ? line : "", "DejaVu Sans Mono 8", PDF_MARGIN, p->y, w, 1);
	free(line);
	if (asprintf(&line, "SHA-256 (%s): %s", p->json_name, p->sha256) < 0)
		line = NULL;
	p->y += pdf_text(cr, line ? line : "", "DejaVu Sans Mono 6.5", PDF_MARGIN, p->y, w, 3);
	free(line);
	if (p->y < PDF_MARGIN + QR_SIZE - 4)
		p->y = PDF_MARGIN + QR_SIZE - 4;
	free(id);
}

/* SUCCESS on green, anything else on red, with the reason under it. */
static void banner(struct pdf_pen *p)
{
	char *status = pdf_value(p, p->cert, "status"),
	     *reason = pdf_value(p, p->cert, "status_reason");
	char *text = NULL, *clean;
	bool ok = status && strcmp(status, "SUCCESS") == 0;
	const char *what = ok ? N_("sanitized and verified") : N_("not sanitized: see the reason");

	clean = pdf_clean(status ? status : "?");
	if (asprintf(&text, "%s \u2014 %s", clean ? clean : "?", pdf_tr(p->cat, what)) < 0)
		text = NULL;
	cairo_set_source_rgb(p->cr, ok ? 0.08 : 0.75, ok ? 0.5 : 0.1, ok ? 0.2 : 0.1);
	cairo_rectangle(p->cr, PDF_MARGIN, p->y, PDF_PAGE_W - 2 * PDF_MARGIN, 26);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	pdf_text(p->cr, text ? text : "", "DejaVu Sans Bold 13", PDF_MARGIN + 8, p->y + 5,
	         PDF_PAGE_W - 2 * PDF_MARGIN - 16, 1);
	p->y += 30;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	if (reason)
		pdf_row(p, N_("Reason"), reason);
	free(clean);
	free(text);
	free(status);
	free(reason);
}

/* The read-back, as the evidence records it (both schemas carry the evidence). */
static void read_back(struct pdf_pen *p)
{
	char *mode = pdf_value(p, p->cert, "evidence.verification.mode");
	char *checked = pdf_value(p, p->cert, "evidence.verification.bytes_checked");
	char *bad = pdf_value(p, p->cert, "evidence.verification.bytes_mismatched");
	char *result = pdf_value(p, p->cert, "verification.read_back.result"), *text = NULL;

	if (asprintf(&text, "%s%s%s: %s %s, %s %s", result ? result : "", result ? "; " : "",
	             mode ? mode : "?", checked ? checked : "0",
	             pdf_tr(p->cat, N_("bytes checked")), bad ? bad : "0",
	             pdf_tr(p->cat, N_("mismatched"))) < 0)
		text = NULL;
	pdf_row(p, N_("Read-back"), text);
	free(text);
	free(mode);
	free(checked);
	free(bad);
	free(result);
}

/* The decisions wipeseal validate records, translated; anything else as it is. */
static const char *decision(const struct pdf_pen *p, const char *v)
{
	static const char *const known[] = { N_("accept"), N_("repeat"), N_("escalate") };

	for (size_t i = 0; v && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(v, known[i]) == 0)
			return pdf_tr(p->cat, known[i]);
	return v;
}

static void validation(struct pdf_pen *p)
{
	pdf_section(p, N_("Validation / concurrence"));
	if (!p->validation) {
		pdf_row(p, N_("Decision"), pdf_tr(p->cat, N_("not yet validated")));
		return;
	}
	for (const struct pdf_field *f = validator_fields; f->label; f++) {
		char *v = pdf_value(p, p->validation, f->path2);

		pdf_row(p, f->label, strcmp(f->path2, "decision") == 0 ? decision(p, v) : v);
		free(v);
	}
}

/* Who signed, and where the record is. */
static void footer(struct pdf_pen *p)
{
	char *signer = pdf_value(p, p->cert, "signer.subject"), *text = NULL;

	if (asprintf(&text, "%s %s. %s %s + %s.p7s.", pdf_tr(p->cat, N_("Signed by")),
	             signer ? signer : "?",
	             pdf_tr(p->cat, N_("This PDF is a copy for people; the record is")),
	             p->json_name, p->json_name) < 0)
		text = NULL;
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	p->y += 6;
	pdf_text(p->cr, text ? text : "", "DejaVu Sans 7", PDF_MARGIN, p->y,
	         PDF_PAGE_W - 2 * PDF_MARGIN, 3);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	free(text);
	free(signer);
}

void pdf_page_main(struct pdf_pen *p)
{
	header(p);
	banner(p);
	pdf_section(p, N_("Media"));
	pdf_rows(p, media_fields);
	pdf_section(p, N_("Sanitization"));
	pdf_rows(p, sanitization_fields);
	pdf_section(p, N_("Verification"));
	pdf_rows(p, verification_fields);
	read_back(p);
	pdf_section(p, N_("Person performing sanitization"));
	pdf_rows(p, person_fields);
	validation(p);
	pdf_section(p, N_("Media destination"));
	pdf_rows(p, destination_fields);
	footer(p);
}
