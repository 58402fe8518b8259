/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-fields.c - what an auditor's report shows of a certificate (struct ws_cert_fields),
 * taken from the document while verify.c holds it parsed, and only once its signature and
 * its summary checked: a field of a document that failed is never read, so no report can
 * show it as if it were true.
 *
 * One table says where each field lives in each schema; a field the document does not hold
 * (or holds as something other than a string) stays NULL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "verify-internal.h"

#define FIELD(name) offsetof(struct ws_cert_fields, name)

/* Each field: where schema 2 holds it, and schema 1 where it differs (NULL: the same). */
static const struct {
	size_t off;
	const char *v2, *v1;
} fields[] = {
	{ FIELD(serial), "media.serial", NULL },
	{ FIELD(model), "media.model", NULL },
	{ FIELD(wwn), "media.wwn", NULL },
	{ FIELD(asset_tag), "media.property_number", "media.asset_number" },
	{ FIELD(customer), "job.customer", NULL },
	{ FIELD(method), "evidence.method", NULL },
	{ FIELD(nist_level), "evidence.nist_level", NULL },
	{ FIELD(technique), "evidence.technique", NULL },
	{ FIELD(started), "evidence.started", NULL },
	{ FIELD(ended), "evidence.finished", NULL },
	{ FIELD(operator_name), "person.name", NULL },
	{ FIELD(hostname), "station.hostname", NULL },
	{ FIELD(job_number), "job.number", NULL },
	{ FIELD(batch), "job.batch", NULL },
	{ FIELD(customer_id), "job.customer_id", NULL },
	{ FIELD(bay), "evidence.device.by_path", NULL },
};

static char **slot(struct ws_cert_fields *f, size_t off)
{
	return (char **)(void *)((char *)f + off);
}

int ws_verify_fields(struct json_object *doc, struct ws_cert_fields *ret)
{
	struct json_object *schema = ws_json_at(doc, "schema");
	bool v1 = schema && strcmp(json_object_get_string(schema), WS_CERT_SCHEMA_1) == 0;

	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		const char *path = v1 && fields[i].v1 ? fields[i].v1 : fields[i].v2;
		struct json_object *v = ws_json_at(doc, path);

		if (!json_object_is_type(v, json_type_string))
			continue;
		if (!(*slot(ret, fields[i].off) = strdup(json_object_get_string(v)))) {
			ws_cert_fields_clear(ret);
			return -ENOMEM;
		}
	}
	return 0;
}

void ws_cert_fields_clear(struct ws_cert_fields *f)
{
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		free(*slot(f, fields[i].off));
		*slot(f, fields[i].off) = NULL;
	}
}
