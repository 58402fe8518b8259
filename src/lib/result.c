/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * result.c - a wipe's result: its lifetime and its JSON form ("wipeseal-result/1").
 *
 * The JSON carries everything needed to judge and to repeat the checks later: the device as
 * the gate saw it, every pass with its pattern (or AES key), bytes, times and throughput,
 * every range that could not be written or read, the verification plan (mode, seed, region
 * size) and its outcome, the residue probe, and the verdict. docs/result.md lists the keys.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include <wipeseal/exit.h>

#include "health-internal.h"
#include "opal-internal.h"

const char *ws_status_name(enum ws_status status)
{
	switch (status) {
	case WS_STATUS_SUCCESS:
		return "SUCCESS";
	case WS_STATUS_FAILED:
		return "FAILED";
	case WS_STATUS_ABORTED:
		return "ABORTED";
	case WS_STATUS_REFUSED:
		return "REFUSED";
	}
	return "?";
}

struct ws_result *ws_result_free(struct ws_result *res)
{
	if (!res)
		return NULL;
	for (size_t i = 0; i < res->n_planned && res->passes; i++)
		free(res->passes[i].unwritten);
	if (res->passes)
		OPENSSL_cleanse(res->passes, res->n_planned * sizeof(*res->passes));
	free(res->passes);
	free(res->verify.unreadable);
	ws_strv_clear(&res->residue);
	free(res->path);
	free(res->name);
	free(res->device_json);
	free(res->method);
	free(res->status_reason);
	free(res->fallback);
	free(res);
	return NULL;
}

void ws_result_set_status(struct ws_result *res, enum ws_status st, const char *fmt, ...)
{
	va_list ap;

	res->status = st;
	free(res->status_reason);
	res->status_reason = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	if (vasprintf(&res->status_reason, fmt, ap) < 0)
		res->status_reason = NULL;
	va_end(ap);
}

bool ws_result_data_found(const struct ws_result *res)
{
	return res->verify.bytes_mismatched > 0 || res->verify.crypto.residue_blocks > 0 ||
	       res->verify.crypto.structured_blocks > 0 || res->residue.n > 0;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static struct json_object *hex(const uint8_t *p, size_t n)
{
	char buf[2 * WS_PATTERN_MAX + 1];

	if (n > WS_PATTERN_MAX) /* patterns and the 512-byte sanitize log: never more */
		n = WS_PATTERN_MAX;
	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * n] = '\0';
	return json_object_new_string(buf);
}

static struct json_object *ranges(const struct ws_range *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "offset", json_object_new_uint64(v[i].offset));
		json_object_object_add(o, "length", json_object_new_uint64(v[i].length));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *pattern_json(const struct ws_pass_result *p)
{
	struct json_object *o = json_object_new_object();

	if (p->spec.kind == WS_PATTERN_RANDOM) {
		json_object_object_add(o, "kind", json_object_new_string("random"));
		json_object_object_add(o, "cipher", json_object_new_string("aes-256-ctr"));
		json_object_object_add(o, "key", hex(p->key, WS_KEY_BYTES));
		json_object_object_add(o, "counter",
		                       json_object_new_string("big-endian offset/16, from 0"));
	} else {
		json_object_object_add(o, "kind", json_object_new_string("bytes"));
		json_object_object_add(o, "hex", hex(p->spec.bytes, p->spec.len));
	}
	return o;
}

static struct json_object *passes_json(const struct ws_result *res)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < res->n_passes; i++) {
		const struct ws_pass_result *p = &res->passes[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "number", json_object_new_int((int)i + 1));
		json_object_object_add(o, "pattern", pattern_json(p));
		json_object_object_add(o, "bytes_written",
		                       json_object_new_uint64(p->bytes_written));
		json_object_object_add(o, "started", ws_json_time(p->start_ns));
		json_object_object_add(o, "finished", ws_json_time(p->end_ns));
		json_object_object_add(o, "throughput_bytes_per_second",
		                       json_object_new_uint64((uint64_t)p->throughput));
		json_object_object_add(o, "completed", json_object_new_boolean(p->completed));
		json_object_object_add(o, "unwritten", ranges(p->unwritten, p->n_unwritten));
		json_object_object_add(
		    o, "error", p->error ? json_object_new_string(strerror(p->error)) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *offsets(const uint64_t *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_uint64(v[i]));
	return a;
}

/* Entropy in bits per byte, rounded down to two decimals: never shown above what it was. */
static struct json_object *bits(double v)
{
	char text[16];
	double d = floor(v * 100) / 100;

	snprintf(text, sizeof(text), "%.2f", d);
	return json_object_new_double_s(d, text);
}

/* What a crypto erase left (docs/result.md, "verification.crypto_erase"). */
static struct json_object *crypto_json(const struct ws_crypto_check *c)
{
	struct json_object *o, *base, *ent, *erased = NULL;
	char seed[24];

	if (!c->ran)
		return NULL;
	o = json_object_new_object();
	base = json_object_new_object();
	ent = json_object_new_object();
	snprintf(seed, sizeof(seed), "0x%016llx", (unsigned long long)c->seed);
	json_object_object_add(base, "algorithm",
	                       json_object_new_string("stratified-splitmix64-pieces/1"));
	json_object_object_add(base, "seed", json_object_new_string(seed));
	json_object_object_add(base, "bytes", json_object_new_uint64(c->budget));
	json_object_object_add(base, "piece_size", json_object_new_uint64(c->piece_size));
	json_object_object_add(base, "pieces", json_object_new_uint64(c->pieces));
	json_object_object_add(base, "block_size", json_object_new_int(16));
	json_object_object_add(base, "blocks_compared", json_object_new_uint64(c->blocks_compared));
	json_object_object_add(base, "residue_blocks", json_object_new_uint64(c->residue_blocks));
	json_object_object_add(base, "first_residue_offsets",
	                       offsets(c->residue_offsets, c->n_residue_offsets));
	json_object_object_add(o, "baseline", base);
	json_object_object_add(ent, "block_size", json_object_new_int(4096));
	json_object_object_add(ent, "threshold_bits_per_byte", bits(c->entropy_threshold));
	if (c->erased_byte == WS_ERASED_ANY)
		erased = json_object_new_string("any");
	else if (c->erased_byte >= 0)
		erased = hex((const uint8_t[]){ (uint8_t)c->erased_byte }, 1);
	json_object_object_add(ent, "erased_pattern", erased);
	json_object_object_add(ent, "blocks", json_object_new_uint64(c->blocks_judged));
	json_object_object_add(ent, "noise_blocks", json_object_new_uint64(c->noise_blocks));
	json_object_object_add(ent, "erased_blocks", json_object_new_uint64(c->erased_blocks));
	json_object_object_add(ent, "blank_blocks", json_object_new_uint64(c->blank_blocks));
	json_object_object_add(ent, "pattern_blocks", json_object_new_uint64(c->pattern_blocks));
	json_object_object_add(ent, "first_pattern_offsets",
	                       offsets(c->pattern_offsets, c->n_pattern_offsets));
	json_object_object_add(ent, "structured_blocks",
	                       json_object_new_uint64(c->structured_blocks));
	json_object_object_add(ent, "first_structured_offsets",
	                       offsets(c->structured_offsets, c->n_structured_offsets));
	json_object_object_add(ent, "min_bits_per_byte", bits(c->min_entropy));
	json_object_object_add(o, "entropy", ent);
	return o;
}

static struct json_object *verify_json(const struct ws_result *res, unsigned percent)
{
	const struct ws_verify_result *v = &res->verify;
	struct json_object *o = json_object_new_object(), *offs = json_object_new_array();
	char seed[24];

	json_object_object_add(o, "mode", json_object_new_string(ws_verify_mode_name(v->mode)));
	if (v->mode == WS_VERIFY_SAMPLE) {
		snprintf(seed, sizeof(seed), "0x%016llx", (unsigned long long)v->seed);
		json_object_object_add(o, "algorithm",
		                       json_object_new_string("stratified-splitmix64/1"));
		json_object_object_add(o, "seed", json_object_new_string(seed));
		json_object_object_add(o, "sample_percent", json_object_new_int((int)percent));
		json_object_object_add(o, "region_size", json_object_new_uint64(v->region_size));
	}
	json_object_object_add(o, "completed", json_object_new_boolean(res->verified));
	json_object_object_add(o, "regions", json_object_new_uint64(v->regions));
	json_object_object_add(o, "bytes_checked", json_object_new_uint64(v->bytes_checked));
	json_object_object_add(o, "bytes_mismatched", json_object_new_uint64(v->bytes_mismatched));
	for (size_t i = 0; i < v->n_mismatch_offsets; i++)
		json_object_array_add(offs, json_object_new_uint64(v->mismatch_offsets[i]));
	json_object_object_add(o, "first_mismatch_offsets", offs);
	json_object_object_add(o, "unreadable", ranges(v->unreadable, v->n_unreadable));
	json_object_object_add(o, "started", ws_json_time(v->start_ns));
	json_object_object_add(o, "finished", ws_json_time(v->end_ns));
	json_object_object_add(o, "throughput_bytes_per_second",
	                       json_object_new_uint64((uint64_t)v->throughput));
	json_object_object_add(o, "crypto_erase", crypto_json(&v->crypto));
	return o;
}

static struct json_object *residue_json(const struct ws_result *res)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	for (size_t i = 0; i < res->residue.n; i++)
		json_object_array_add(a, json_object_new_string(res->residue.v[i]));
	json_object_object_add(o, "ran", json_object_new_boolean(res->residue_probed));
	json_object_object_add(o, "found", a);
	return o;
}

/* A firmware state in the result's words; "idle" where the transport keeps no record. */
static const char *state_word(const struct ws_firmware_result *f, enum ws_firmware_state s)
{
	static const char *const states[] = { "never sanitized", "completed", "in progress",
		                              "failed" };

	if (s == WS_FIRMWARE_NEVER && f->keeps_no_record)
		return "idle"; /* SCSI keeps no record */
	return states[(unsigned)s & 3];
}

/* The firmware erase as the drive reported it: the Sanitize Status log, raw and decoded. */
static struct json_object *firmware_json(const struct ws_result *res)
{
	const struct ws_firmware_result *f = &res->firmware;
	struct json_object *o, *log;

	if (res->technique == WS_TECH_OVERWRITE)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "command_sent", json_object_new_boolean(f->ran));
	json_object_object_add(o, "followed_running_sanitize",
	                       json_object_new_boolean(f->followed));
	json_object_object_add(o, "completion_observed",
	                       json_object_new_boolean(f->transition_seen));
	json_object_object_add(o, "device_status", json_object_new_int(f->command_status));
	json_object_object_add(o, "estimate_seconds",
	                       f->estimate_s && f->estimate_s != UINT32_MAX
	                           ? json_object_new_int64(f->estimate_s)
	                           : NULL);
	json_object_object_add(o, "completion_milliseconds",
	                       f->elapsed_ms >= 0 ? json_object_new_int64(f->elapsed_ms) : NULL);
	json_object_object_add(o, "completed_too_fast", json_object_new_boolean(f->too_fast));
	json_object_object_add(
	    o, "trusted_without_read_back",
	    json_object_new_boolean(res->trust_firmware && res->verify.mode == WS_VERIFY_NONE));
	json_object_object_add(o, "started", ws_json_time(f->start_ns));
	json_object_object_add(o, "finished", ws_json_time(f->end_ns));
	if (f->log_valid) {
		log = json_object_new_object();
		json_object_object_add(log, "transport",
		                       json_object_new_string(f->transport ? f->transport : "?"));
		json_object_object_add(log, "state_before",
		                       json_object_new_string(state_word(f, f->state_before)));
		json_object_object_add(log, "status",
		                       json_object_new_string(state_word(f, f->state)));
		json_object_object_add(log, "status_word_before",
		                       json_object_new_int(f->status_word_before));
		json_object_object_add(log, "status_word", json_object_new_int(f->status_word));
		json_object_object_add(log, "progress", json_object_new_int(f->progress));
		json_object_object_add(log, "detail", json_object_new_int64(f->detail_word));
		if (f->global_data_erased >= 0) /* only where the transport reports it (NVMe) */
			json_object_object_add(log, "global_data_erased",
			                       json_object_new_boolean(f->global_data_erased));
		json_object_object_add(log, "raw", hex(f->log_raw, sizeof(f->log_raw)));
		json_object_object_add(o, "sanitize_log", log);
	}
	return o;
}

/* The host protected area: what was hidden, and whether the wipe reached it. */
static struct json_object *hidden_json(const struct ws_hidden_result *h)
{
	struct json_object *o;

	if (!h->checked)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "accessible_bytes_before",
	                       json_object_new_uint64(h->accessible_before));
	json_object_object_add(o, "native_bytes", json_object_new_uint64(h->native));
	json_object_object_add(o, "accessible_bytes_after",
	                       json_object_new_uint64(h->accessible_after));
	json_object_object_add(o, "hidden_bytes",
	                       json_object_new_uint64(h->native > h->accessible_before
	                                                  ? h->native - h->accessible_before
	                                                  : 0));
	json_object_object_add(o, "restored", json_object_new_boolean(h->restored));
	json_object_object_add(o, "kept_on_request", json_object_new_boolean(h->kept));
	json_object_object_add(o, "dco_hidden_bytes", json_object_new_uint64(h->dco_hidden));
	json_object_object_add(
	    o, "hidden_area_erased",
	    json_object_new_boolean((h->native <= h->accessible_before || h->restored) &&
	                            !h->dco_hidden));
	return o;
}

/* An eMMC's areas (docs/result.md, "areas"): each with its size, technique and verdict. */
struct json_object *ws_areas_json(const struct ws_result *res)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < res->n_areas; i++) {
		const struct ws_area_result *a = &res->areas[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(a->name));
		json_object_object_add(o, "device",
		                       a->device[0] ? json_object_new_string(a->device) : NULL);
		json_object_object_add(o, "size_bytes", json_object_new_uint64(a->size_bytes));
		json_object_object_add(
		    o, "technique", a->technique[0] ? json_object_new_string(a->technique) : NULL);
		json_object_object_add(o, "erased", json_object_new_boolean(a->erased));
		json_object_object_add(o, "host_erasable",
		                       json_object_new_boolean(!a->not_erasable));
		if (strncmp(a->name, "boot", 4) == 0)
			json_object_object_add(o, "force_ro_restored",
			                       json_object_new_boolean(a->force_ro_restored));
		json_object_object_add(o, "note",
		                       a->note[0] ? json_object_new_string(a->note) : NULL);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Why health_before or health_after is null: one reason, or both ("before: ...; after:
 * ..."); null when both were read. */
static struct json_object *health_unavailable(const struct ws_result *res)
{
	const char *b = ws_health_unavailable(&res->health_before),
	           *a = ws_health_unavailable(&res->health_after);
	char text[320];

	if (!a && !b)
		return NULL;
	if (a && b && strcmp(a, b) == 0)
		return json_object_new_string(a);
	snprintf(text, sizeof(text), "%s%s%s%s%s", b ? "before: " : "", b ? b : "",
	         a && b ? "; " : "", a ? "after: " : "", a ? a : "");
	return json_object_new_string(text);
}

struct json_object *ws_result_json(const struct ws_result *res)
{
	struct json_object *o = json_object_new_object(), *tool = json_object_new_object();

	if (!o || !tool) {
		json_object_put(o);
		json_object_put(tool);
		return NULL;
	}
	json_object_object_add(o, "schema", json_object_new_string("wipeseal-result/1"));
	json_object_object_add(tool, "name", json_object_new_string("wipeseal"));
	json_object_object_add(tool, "version", json_object_new_string(ws_version()));
	json_object_object_add(tool, "git_revision", json_object_new_string(ws_git_revision()));
	json_object_object_add(o, "tool", tool);
	{
		char *path = ws_utf8_safe(res->path); /* as the operator named it: any bytes */

		json_object_object_add(o, "target", path ? json_object_new_string(path) : NULL);
		free(path);
	}
	json_object_object_add(o, "device", json_tokener_parse(res->device_json));
	json_object_object_add(o, "method", json_object_new_string(res->method));
	json_object_object_add(o, "technique",
	                       json_object_new_string(ws_technique_name(res->technique)));
	json_object_object_add(o, "nist_level", json_object_new_string(ws_result_nist(res)));
	if (res->fallback) /* purge-or-clear only: every other result stays as it was */
		json_object_object_add(o, "fallback", json_object_new_string(res->fallback));
	json_object_object_add(o, "firmware", firmware_json(res));
	json_object_object_add(o, "opal", ws_opal_result_json(res));
	json_object_object_add(o, "hidden_areas", hidden_json(&res->hidden));
	if (res->n_areas) /* an eMMC's user area, boot partitions and RPMB */
		json_object_object_add(o, "areas", ws_areas_json(res));
	json_object_object_add(o, "commands", ws_commands_json(res));
	json_object_object_add(o, "health_before", ws_health_json(&res->health_before));
	json_object_object_add(o, "health_after", ws_health_json(&res->health_after));
	json_object_object_add(o, "health_unavailable", health_unavailable(res));
	json_object_object_add(o, "dry_run", json_object_new_boolean(res->dry_run));
	json_object_object_add(o, "trust_firmware", json_object_new_boolean(res->trust_firmware));
	json_object_object_add(o, "direct_io", json_object_new_boolean(res->direct_io));
	json_object_object_add(o, "started", ws_json_time(res->start_ns));
	json_object_object_add(o, "finished", ws_json_time(res->end_ns));
	json_object_object_add(o, "passes_planned", json_object_new_int((int)res->n_planned));
	json_object_object_add(o, "passes", passes_json(res));
	json_object_object_add(o, "verification", verify_json(res, res->sample_percent));
	json_object_object_add(o, "residue_probe", residue_json(res));
	json_object_object_add(o, "status", json_object_new_string(ws_status_name(res->status)));
	json_object_object_add(
	    o, "reason", res->status_reason ? json_object_new_string(res->status_reason) : NULL);
	return o;
}

int ws_result_to_json(const struct ws_result *res, char **ret)
{
	struct json_object *o = ws_result_json(res);
	const char *text = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	                                                             JSON_C_TO_STRING_SPACED |
	                                                             JSON_C_TO_STRING_NOSLASHESCAPE)
	                     : NULL;

	*ret = text ? strdup(text) : NULL;
	json_object_put(o);
	return *ret ? 0 : -ENOMEM;
}
