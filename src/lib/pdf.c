/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pdf.c - the PDF certificate as a whole (wipeseal/pdf.h): the document read and checked,
 * the two pages drawn on cairo's PDF surface into memory, the signature appended
 * (pdf-sign.c), the file written whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wipeseal/cert.h>
#include <wipeseal/file.h>
#include <wipeseal/wipeseal.h>

#include "internal.h"
#include "pdf-internal.h"

/* @text parsed as a JSON object, or NULL. */
static json_object *parse(const void *text, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL;

	if (tok && len <= WS_CERT_MAX_BYTES && ws_utf8_valid(text, len))
		o = json_tokener_parse_ex(tok, text, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
	          !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* The validation record, when it is one and is bound to the bytes whose hash is @sha. */
static json_object *validation_for(const void *v, size_t len, const char *sha)
{
	json_object *o = v ? parse(v, len) : NULL, *c = NULL;
	const char *schema = member(o, "schema"), *bound;

	json_object_object_get_ex(o, "certificate", &c);
	bound = member(c, "sha256");
	if (o && (!schema || strcmp(schema, "wipeseal-validation/1") != 0 || !bound ||
	          strcmp(bound, sha) != 0)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* A certificate ID fit for the QR code: a UUID's characters, 1 to 64 of them. */
static bool id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	return n > 0 && n <= 64 && strspn(id, "0123456789abcdefABCDEF-") == n;
}

/* Both pages onto @cr (pdf_surface_render()'s draw). */
static int draw_pages(cairo_t *cr, void *userdata)
{
	struct pdf_pen *pen = userdata;

	pen->cr = cr;
	pdf_page_main(pen);
	cairo_show_page(cr);
	pdf_page_evidence(pen);
	cairo_show_page(cr);
	return 0;
}

int ws_pdf_render(const void *json, size_t json_len, const char *json_name, const void *validation,
                  size_t validation_len, const struct ws_pdf_opts *opts, unsigned char **ret,
                  size_t *ret_len, char **ret_reason)
{
	static const struct ws_pdf_opts none = { 0 };
	struct pdf_pen pen = { .json_name = json_name ? json_name : "NAME.json" };
	struct pdf_catalog *cat = NULL;
	struct pdf_surface doc = {
		.width = PDF_PAGE_W,
		.height = PDF_PAGE_H,
		.creator = true,
		.draw = draw_pages,
		.userdata = &pen,
	};
	unsigned char *pdf = NULL;
	size_t len = 0;
	char sha[65], *qr = NULL;
	const char *schema, *id;
	int r;

	opts = opts ? opts : &none;
	if (!(pen.cert = parse(json, json_len)))
		return ws_reason(ret_reason, -EINVAL,
		                 "not a certificate: not a JSON object in UTF-8");
	schema = member(pen.cert, "schema");
	id = member(pen.cert, "certificate_id");
	if (!schema || strncmp(schema, "wipeseal-certificate/", 21) != 0 || !id_ok(id)) {
		json_object_put(pen.cert);
		return ws_reason(ret_reason, -EINVAL,
		                 "not a certificate: no wipeseal-certificate schema and ID");
	}
	pen.schema2 = strcmp(schema, "wipeseal-certificate/2") == 0;
	ws_sha256_hex(json, json_len, sha);
	pen.sha256 = sha;
	pen.validation = validation_for(validation, validation_len, sha);
	r = pdf_catalog_load(opts->localedir, opts->lang, &cat);
	if (r < 0) {
		ws_reason(ret_reason, r, "no labels in language \"%s\": %s", opts->lang,
		          r == -EINVAL ? "not one of en, de" : strerror(-r));
		goto done;
	}
	pen.cat = cat;
	r = -ENOMEM;
	if (asprintf(&qr, "wipeseal:cert:%s:sha256:%s", id, sha) < 0)
		goto done;
	pen.qr_text = qr;
	doc.title = pdf_tr(cat, N_("Certificate of Sanitization"));
	r = pdf_surface_render(&doc, &pdf, &len);
	if (r == 0 && opts->signer) {
		r = pdf_sign(pdf, len, opts, ret, ret_len);
	} else if (r == 0) {
		*ret = TAKE_PTR(pdf);
		*ret_len = len;
	}
	if (r < 0)
		ws_reason(ret_reason, r, "the PDF could not be %s: %s",
		          opts->signer ? "made and signed" : "made", strerror(-r));
done:
	free(pdf);
	free(qr);
	pdf_catalog_free(cat);
	json_object_put(pen.cert);
	json_object_put(pen.validation);
	return r;
}
