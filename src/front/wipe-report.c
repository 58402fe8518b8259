/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wipe-report.c - what `wipe` prints and files: the dry-run plan, the result document in the
 * result directory, and the result line (text or a JSON event).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "wipe-report.h"

static void print_plan_json(const struct ws_target *t, const struct ws_plan *plan,
                            const struct ws_result *res)
{
	struct json_object *o = json_object_new_object();
	char seed[24];

	snprintf(seed, sizeof(seed), "0x%016llx", (unsigned long long)res->verify.seed);
	json_object_object_add(o, "event", json_object_new_string("plan"));
	json_object_object_add(o, "target", json_object_new_string(ws_target_device(t)->path));
	json_object_object_add(o, "method", json_object_new_string(plan->method));
	json_object_object_add(o, "technique",
	                       json_object_new_string(ws_technique_name(res->technique)));
	json_object_object_add(o, "passes", json_object_new_int((int)res->n_planned));
	json_object_object_add(o, "verify",
	                       json_object_new_string(ws_verify_mode_name(plan->verify)));
	if (plan->verify == WS_VERIFY_SAMPLE) {
		json_object_object_add(o, "regions", json_object_new_uint64(res->verify.regions));
		json_object_object_add(o, "region_size",
		                       json_object_new_uint64(res->verify.region_size));
		json_object_object_add(o, "seed", json_object_new_string(seed));
	}
	json_object_object_add(o, "direct_io", json_object_new_boolean(res->direct_io));
	json_object_object_add(o, "dry_run", json_object_new_boolean(true));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void print_plan(const struct ws_target *t, const struct ws_plan *plan, const struct ws_result *res,
                bool json)
{
	const struct ws_device *d = ws_target_device(t);
	char size[16], *model, *path;

	if (json) {
		print_plan_json(t, plan, res);
		return;
	}
	model = cli_printable(d->model);
	path = cli_printable(d->path);

	if (res->technique != WS_TECH_OVERWRITE)
		printf("%s (%s %s, model %s): method %s: %s (%s, by the drive's firmware)", path,
		       cli_size(d->size_bytes, size, sizeof(size)), d->transport, model,
		       plan->method, ws_technique_name(res->technique), ws_result_nist(res));
	else
		printf("%s (%s %s, model %s): method %s, %zu pass%s:", path,
		       cli_size(d->size_bytes, size, sizeof(size)), d->transport, model,
		       plan->method, plan->n_passes, plan->n_passes == 1 ? "" : "es");
	free(model);
	free(path);
	/* purge-or-clear's passes are its Clear's: not what a drive that purges gets */
	for (size_t i = 0; res->technique == WS_TECH_OVERWRITE && i < plan->n_passes; i++) {
		const struct ws_pass_spec *p = &plan->passes[i];

		if (p->kind == WS_PATTERN_RANDOM) {
			printf(" random");
		} else {
			printf(" 0x");
			for (size_t k = 0; k < p->len && k < 8; k++)
				printf("%02x", p->bytes[k]);
			if (p->len > 8)
				printf("...");
		}
	}
	printf("; verify %s", ws_verify_mode_name(plan->verify));
	if (plan->verify == WS_VERIFY_SAMPLE)
		printf(" (%u regions of %llu bytes, seed 0x%016llx)", (unsigned)res->verify.regions,
		       (unsigned long long)res->verify.region_size,
		       (unsigned long long)res->verify.seed);
	printf("; %s; dry run: nothing written\n", res->direct_io ? "O_DIRECT" : "buffered");
}

/* A signed certificate has its signature beside it. */
static bool access_p7s(const char *file)
{
	char *sig = NULL;
	bool yes = asprintf(&sig, "%s.p7s", file) >= 0 && access(sig, F_OK) == 0;

	free(sig);
	return yes;
}

void print_result(const struct ws_result *res, const char *file, bool json)
{
	char *text = NULL, *path, *why, *name;

	if (json) {
		/* one line: the event wraps the same document that was written to the file */
		struct json_object *o = json_object_new_object(), *doc;

		if (ws_result_to_json(res, &text) == 0 && (doc = json_tokener_parse(text))) {
			json_object_object_add(o, "event", json_object_new_string("result"));
			json_object_object_add(o, "file",
			                       file ? json_object_new_string(file) : NULL);
			json_object_object_add(o, "result", doc);
			puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED |
			                                           JSON_C_TO_STRING_NOSLASHESCAPE));
		}
		json_object_put(o);
		free(text);
		return;
	}
	path = cli_printable(res->path);
	why = res->status_reason ? cli_printable(res->status_reason) : NULL;
	name = file ? cli_printable(file) : NULL;
	printf("%s: %s", path, ws_status_name(res->status));
	if (why)
		printf(": %s", why);
	if (res->technique != WS_TECH_OVERWRITE)
		printf(" (%s, %s, verify %s: %llu bytes checked)",
		       ws_technique_name(res->technique), ws_result_nist(res),
		       ws_verify_mode_name(res->verify.mode),
		       (unsigned long long)res->verify.bytes_checked);
	else
		printf(" (%s, %zu/%zu passes, verify %s: %llu bytes checked)", res->method,
		       res->n_passes, res->n_planned, ws_verify_mode_name(res->verify.mode),
		       (unsigned long long)res->verify.bytes_checked);
	if (file)
		printf("; %s: %s",
		       strstr(file, ".json") && access_p7s(file) ? "certificate" : "result", name);
	putchar('\n');
	for (size_t i = 0; i < res->verify.n_mismatch_offsets; i++)
		printf("%s:   data at offset %llu\n", path,
		       (unsigned long long)res->verify.mismatch_offsets[i]);
	for (size_t p = 0; p < res->n_passes; p++)
		for (size_t i = 0; i < res->passes[p].n_unwritten; i++)
			printf("%s:   pass %zu: unwritten %llu+%llu\n", path, p + 1,
			       (unsigned long long)res->passes[p].unwritten[i].offset,
			       (unsigned long long)res->passes[p].unwritten[i].length);
	free(path);
	free(why);
	free(name);
}
