/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-show.c - `wipeseal show` prints every field a certificate holds.
 *
 * A real signed certificate: an image file wiped by the built `wipeseal wipe` with every
 * operator flag and every [media] key of the config set (the PKI from certs/make-ca.sh and
 * make-station.sh). It verifies (`wipeseal verify --ca`: its "machine" section is accepted).
 * Then `show` must print, for every section of docs/certificate.md, every key that holds a
 * value, the value taken from the document itself (so the test lists no value twice and
 * misses none the document has): the person's location and contact, the media source,
 * categorization, data backed up, the notes, the validation record, the wipe's start and end
 * times, the station and its clock among them. A copy with the "machine" section filled (as
 * on a laptop with SMBIOS; this test machine has none) and two keys no version of show knows
 * prints the machine's fields and names the two unknown keys. Needs no root and no loop
 * device: files in a temporary directory only.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "testutil.h"

static char *dir, *cert;

/* `wipeseal ARGS` in the directory; stdout in *out (malloc'd). Return: the exit status. */
static int run(char **out, const char *args)
{
	char *o = test_fmt("%s/show.out", dir);
	int r = test_sh(NULL, "cd '%s' && '%s' %s >'%s' 2>&1 </dev/null", dir, WS_CLI, args, o);

	test_require(test_sh(out, "cat '%s'", o) == 0, "cannot read %s", o);
	free(o);
	return r;
}

/* Each section whose scalar keys show must print (docs/certificate.md), "" the top level. */
static const char *const sections[] = {
	"",
	"standards",
	"media",
	"machine",
	"sanitization",
	"verification.read_back",
	"person",
	"validation",
	"media_destination",
	"signer",
	"station",
	"station.clock",
	"trusted_time",
};

/* Top-level keys shown otherwise: "demo" as the "(DEMO CA ...)" mark when true. */
static bool shown_otherwise(const char *section, const char *key)
{
	return !*section && strcmp(key, "demo") == 0;
}

static struct json_object *section_of(struct json_object *doc, const char *path)
{
	char first[64];
	const char *dot = strchr(path, '.');
	struct json_object *o = doc, *v = NULL;

	if (!*path)
		return doc;
	snprintf(first, sizeof(first), "%.*s", (int)(dot ? dot - path : (long)strlen(path)), path);
	if (!json_object_object_get_ex(o, first, &v))
		return NULL;
	if (dot && !json_object_object_get_ex(v, dot + 1, &v))
		return NULL;
	return v;
}

/* Every scalar value of the document's sections appears in @out. Return: values checked. */
static size_t every_value_shown(struct json_object *doc, const char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		struct json_object *sec = section_of(doc, sections[i]);

		ck_assert_msg(sec, "no section %s in the document", sections[i]);
		json_object_object_foreach(sec, key, val)
		{
			const char *v;

			if (!val || json_object_is_type(val, json_type_object) ||
			    json_object_is_type(val, json_type_array) ||
			    shown_otherwise(sections[i], key))
				continue;
			v = json_object_get_string(val);
			ck_assert_msg(strstr(out, v), "%s.%s (%s) not shown:\n%s", sections[i], key,
			              v, out);
			n++;
		}
	}
	return n;
}

static void setup(void)
{
	char *out = NULL;

	dir = test_tmpdir("show");
	test_require(test_sh(&out,
	                     "cd '%s' && '%s/certs/make-ca.sh' ca >/dev/null && "
	                     "'%s/certs/make-station.sh' ca st --cn 'show station' >/dev/null && "
	                     "truncate -s 4M disk.img && printf '[media]\\ndata_backed_up = yes\\n"
	                     "backup_location = Vault 7\\npost_classification = Public\\n"
	                     "destination_details = Resold to Acme\\n' >show.conf",
	                     dir, WS_SOURCE_DIR, WS_SOURCE_DIR) == 0,
	             "PKI: %s", out);
	free(out);
	test_require(run(&out,
	                 "wipe --yes --verify sample --cert-dir certs --signer-key st/signer.key "
	                 "--signer-cert st/signer.pem --audit-log audit.log --config show.conf "
	                 "--operator 'Ada Lovelace' --title Engineer --organization 'Example Org' "
	                 "--location 'Bay 3, London' --phone '+44 20 7946 0000' --asset-tag P-42 "
	                 "--media-source 'laptop L-17' --classification Confidential "
	                 "--destination recycling --notes 'battery swollen' disk.img") == 0,
	             "wipe: %s", out);
	free(out);
	test_require(test_sh(&out, "cd '%s' && ls certs/*.json", dir) == 0, "no certificate");
	out[strcspn(out, "\n")] = '\0';
	cert = test_fmt("%s/%s", dir, out);
	free(out);
}

START_TEST(test_every_field_shown)
{
	struct json_object *doc = json_object_from_file(cert);
	char *out = NULL, *args = test_fmt("verify --ca ca/ca.pem '%s'", cert);
	size_t n;

	ck_assert_ptr_nonnull(doc);
	/* the document as written: with its machine section, it verifies */
	ck_assert_msg(run(&out, args) == 0, "%s", out);
	free(out);
	free(args);
	args = test_fmt("show '%s'", cert);
	ck_assert_int_eq(run(&out, args), 0);
	n = every_value_shown(doc, out);
	ck_assert_uint_ge(n, 40);
	/* what the issue names, by label */
	for (const char *const *l =
	         (const char *const[]){ "location", "contact", "media source", "categorization",
	                                "data backed up", "notes", "validation", "wipe started",
	                                "wipe finished", NULL };
	     *l; l++)
		ck_assert_msg(strstr(out, *l), "no '%s' line:\n%s", *l, out);
	ck_assert_ptr_null(strstr(out, "Other fields"));
	free(out);
	free(args);
	json_object_put(doc);
}
END_TEST

START_TEST(test_machine_and_unknown_keys)
{
	struct json_object *doc = json_object_from_file(cert), *m = NULL, *media = NULL;
	char *edited = test_fmt("%s/edited.json", dir), *out = NULL, *args;

	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_object_get_ex(doc, "machine", &m));
	json_object_object_add(m, "manufacturer", json_object_new_string("LENOVO"));
	json_object_object_add(m, "product", json_object_new_string("20XW00GAGE"));
	json_object_object_add(m, "serial", json_object_new_string("PF2ABCDE"));
	json_object_object_add(m, "uuid",
	                       json_object_new_string("4c4c4544-0042-3510-8051-b4c04f4b4e33"));
	json_object_object_add(m, "chassis_asset_tag", json_object_new_string("IT-004711"));
	ck_assert(json_object_object_get_ex(doc, "media", &media));
	json_object_object_add(media, "future_key", json_object_new_string("x"));
	json_object_object_add(doc, "future_section", json_object_new_object());
	ck_assert_int_eq(json_object_to_file(edited, doc), 0);
	args = test_fmt("show '%s'", edited);
	ck_assert_int_eq(run(&out, args), 0);
	ck_assert_uint_ge(every_value_shown(doc, out), 45);
	ck_assert_msg(strstr(out, "Machine the drive was in"), "%s", out);
	ck_assert_msg(strstr(out, "Other fields, not shown above (read the JSON): "
	                          "future_section, media.future_key"),
	              "%s", out);
	free(out);
	free(args);
	free(edited);
	json_object_put(doc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmd-show");
	TCase *tc = tcase_create("show");
	int rc;

	setup();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_field_shown);
	tcase_add_test(tc, test_machine_and_unknown_keys);
	suite_add_tcase(s, tc);
	rc = test_run_suite(s);
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	return rc;
}
