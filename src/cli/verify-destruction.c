/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify-destruction.c - see verify-destruction.h. Every field printed comes from a record
 * that checked; a record that did not is reported by its reason alone.
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include <wipeseal/destruction.h>

#include "verify-destruction.h"

static struct json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const char *path, const struct ws_destruction_check *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "file", str(path));
	json_object_object_add(o, "type", str("destruction"));
	json_object_object_add(o, "ok", json_object_new_boolean(c->ok));
	json_object_object_add(o, "sha256", str(c->sha256[0] ? c->sha256 : NULL));
	if (!c->ok) {
		json_object_object_add(o, "reason", str(c->reason));
	} else {
		json_object_object_add(o, "record_id", str(c->record_id));
		json_object_object_add(o, "serial", str(c->serial));
		json_object_object_add(o, "model", str(c->model));
		json_object_object_add(o, "how", str(c->how));
		json_object_object_add(o, "witness", str(c->witness));
		json_object_object_add(o, "operator", str(c->operator_name));
		json_object_object_add(o, "date", str(c->date));
		json_object_object_add(o, "signer", str(c->signer));
		json_object_object_add(o, "linked_certificate_id", str(c->linked_id));
	}
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_text(const char *path, const struct ws_destruction_check *c)
{
	char *name = cli_printable(path), *serial, *how, *witness, *who, *signer, *linked;

	if (!c->ok) {
		char *why = cli_printable(c->reason);

		printf("%s: FAILED: %s\n", name, why);
		free(why);
		free(name);
		return;
	}
	serial = cli_printable(c->serial);
	how = cli_printable(c->how);
	witness = cli_printable(c->witness);
	who = cli_printable(c->operator_name ? c->operator_name : "-");
	signer = cli_printable(c->signer);
	linked = cli_printable(c->linked_id);
	printf("%s: OK (destruction record: serial %s, %s by %s, witness %s, on %s; signed by "
	       "%s; %s%s)\n",
	       name, serial, how, who, witness, c->date ? c->date : "?", signer,
	       c->linked_id ? "linked to certificate " : "no wipe certificate linked",
	       c->linked_id ? linked : "");
	free(serial);
	free(how);
	free(witness);
	free(who);
	free(signer);
	free(linked);
	free(name);
}

bool verify_destruction(struct cli *cli, const struct ws_trust *trust, const char *path, bool json)
{
	struct ws_destruction_check c;
	bool ok;

	if (ws_destruction_verify_file(trust, path, &c) < 0) {
		cli_err(cli, "%s: out of memory", path);
		ws_destruction_check_clear(&c);
		return false;
	}
	if (json)
		print_json(path, &c);
	else
		print_text(path, &c);
	ok = c.ok;
	ws_destruction_check_clear(&c);
	return ok;
}
