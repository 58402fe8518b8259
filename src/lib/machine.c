/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * machine.c - the machine a drive was in, from SMBIOS as the kernel exports it
 * (/sys/class/dmi/id, under the context's sysfs root so that fixture trees stand in for a
 * machine we do not have), and the certificate's "machine" section built from it.
 *
 * An IT administrator wipes a laptop's drive in the laptop: the certificate then names the
 * laptop by its manufacturer, product, serial number, UUID and chassis asset tag. Boards
 * ship with placeholders where the maker did not fill a field in ("Default string", "To Be
 * Filled By O.E.M.", a run of zeros); those are dropped, never recorded as if they named the
 * machine, and so is a field that cannot be read (product_serial and product_uuid are
 * root's only). The list of placeholders is documented in docs/certificate.md.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <wipeseal/machine.h>

#include "cert-v2.h"
#include "internal.h"

/* What boards carry where a field was never set: American Megatrends' and Insyde's
 * defaults, the OEM fill-ins, and the words for "nothing". Compared without case. */
static const char *const placeholders[] = {
	"Default string",
	"To Be Filled By O.E.M.",
	"To Be Filled By OEM",
	"O.E.M.",
	"OEM",
	"System manufacturer",
	"System Product Name",
	"System Serial Number",
	"System Version",
	"Chassis Manufacture",
	"Chassis Serial Number",
	"Asset-1234567890",
	"No Asset Tag",
	"No Asset Information",
	"Not Specified",
	"Not Available",
	"Not Applicable",
	"None",
	"N/A",
	"Unknown",
	"Invalid",
	"123456789",
	"0123456789",
	"1234567890",
	"03000200-0400-0500-0006-000700080009", /* AMI's placeholder UUID */
	NULL,
};

bool ws_machine_placeholder(const char *value)
{
	size_t len, start = 0;
	char first = 0;
	bool one_char = true;

	if (!value)
		return true;
	while (value[start] == ' ' || value[start] == '\t')
		start++;
	len = strlen(value + start);
	while (len && isspace((unsigned char)value[start + len - 1]))
		len--;
	if (len == 0)
		return true;
	for (const char *const *p = placeholders; *p; p++)
		if (strlen(*p) == len && strncasecmp(*p, value + start, len) == 0)
			return true;
	/* "0", "00000000", "FFFFFFFF-FFFF-...", "xxxxxxxx": one character repeated (dashes
	 * and blanks aside) names nothing */
	for (size_t i = start; i < start + len; i++) {
		char ch = (char)toupper((unsigned char)value[i]);

		if (ch == '-' || ch == ' ')
			continue;
		if (!first)
			first = ch;
		else if (ch != first)
			one_char = false;
	}
	return one_char;
}

/* <sys>/class/dmi/id/@file when it is set and not a placeholder, made valid UTF-8; NULL
 * otherwise (also when it cannot be read). -ENOMEM only for memory. */
static int dmi_field(struct ws_ctx *ctx, const char *file, char **ret)
{
	_cleanup_free_ char *path = ws_path(ctx, WS_ROOT_SYS, "/class/dmi/id/%s", file);
	_cleanup_free_ char *raw = NULL;

	*ret = NULL;
	if (!path)
		return -ENOMEM;
	if (read_line_file(path, &raw) < 0 || ws_machine_placeholder(raw))
		return 0;
	*ret = ws_utf8_safe(raw);
	return *ret ? 0 : -ENOMEM;
}

int ws_machine_read(struct ws_ctx *ctx, struct ws_machine **ret)
{
	struct ws_machine *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	r = dmi_field(ctx, "sys_vendor", &m->manufacturer);
	if (r == 0)
		r = dmi_field(ctx, "product_name", &m->product);
	if (r == 0)
		r = dmi_field(ctx, "product_serial", &m->serial);
	if (r == 0)
		r = dmi_field(ctx, "product_uuid", &m->uuid);
	if (r == 0)
		r = dmi_field(ctx, "chassis_asset_tag", &m->chassis_asset_tag);
	if (r < 0) {
		ws_machine_free(m);
		return r;
	}
	/* the kernel prints the UUID in lower case; some firmware stores it in upper */
	for (char *p = m->uuid; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	*ret = m;
	return 0;
}

struct ws_machine *ws_machine_free(struct ws_machine *m)
{
	if (!m)
		return NULL;
	free(m->manufacturer);
	free(m->product);
	free(m->serial);
	free(m->uuid);
	free(m->chassis_asset_tag);
	free(m);
	return NULL;
}

/* ---- the certificate's section --------------------------------------------------------- */

/* The keys of "machine" after "source", in order (verify checks each is a string or null). */
static const char *const machine_keys[] = { "manufacturer", "product",           "serial",
	                                    "uuid",         "chassis_asset_tag", NULL };

struct json_object *ws_cert2_machine(const struct ws_machine *m)
{
	struct json_object *o = json_object_new_object();
	const char *v[] = { m ? m->manufacturer : NULL, m ? m->product : NULL, m ? m->serial : NULL,
		            m ? m->uuid : NULL, m ? m->chassis_asset_tag : NULL };

	json_object_object_add(o, "source", ws_cert_str(WS_CERT_MACHINE_SOURCE));
	for (size_t i = 0; machine_keys[i]; i++)
		json_object_object_add(o, machine_keys[i], ws_cert_str(v[i]));
	return o;
}

bool ws_verify_machine(struct json_object *doc, struct ws_cert_check *c)
{
	struct json_object *m, *v;

	/* optional: certificates made before it have none */
	if (!json_object_object_get_ex(doc, "machine", &m))
		return true;
	if (!json_object_is_type(m, json_type_object)) {
		ws_reason(&c->reason, 0, "the document's \"machine\" section is not an object");
		return false;
	}
	for (size_t i = 0; machine_keys[i]; i++)
		if (json_object_object_get_ex(m, machine_keys[i], &v) &&
		    !json_object_is_type(v, json_type_null) &&
		    !json_object_is_type(v, json_type_string)) {
			ws_reason(&c->reason, 0,
			          "the document's machine.%s is neither a string nor null",
			          machine_keys[i]);
			return false;
		}
	return true;
}
