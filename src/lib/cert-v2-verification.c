/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-v2-verification.c - the "verification" section of a certificate of schema 2. NIST SP
 * 800-88 Rev. 2 separates verification (did the operation complete: its status, its errors
 * and anomalies, the media's health) from validation (the organization's decision, a record
 * of its own: wipeseal validate). This file says the first from the wipe's result: one line
 * per error (unwritten and unreadable ranges, a command the drive refused), one per anomaly
 * (too fast, residue, a hidden area kept, data found, a report trusted, a drive that warns
 * of its health or whose media errors grew), the drive's health log either side, and our
 * read-back.
 */
#include <stdarg.h>
#include <string.h>

#include "cert-v2.h"
#include "health-internal.h"
#include "internal.h"

#define MAX_RANGES 16 /* ranges listed one by one; the evidence holds them all */

static void line(struct json_object *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct json_object *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(a, json_object_new_string(buf));
}

static void ranges(struct json_object *a, const char *what, const struct ws_range *r, size_t n)
{
	for (size_t i = 0; i < n && i < MAX_RANGES; i++)
		line(a, "%s: %llu bytes at offset %llu", what, (unsigned long long)r[i].length,
		     (unsigned long long)r[i].offset);
	if (n > MAX_RANGES)
		line(a, "%s: %zu more ranges (the evidence lists them)", what, n - MAX_RANGES);
}

static struct json_object *errors(const struct ws_result *res)
{
	struct json_object *a = json_object_new_array();
	char what[64];

	for (size_t p = 0; a && p < res->n_passes; p++) {
		const struct ws_pass_result *ps = &res->passes[p];

		if (ps->error)
			line(a, "pass %zu: %s", p + 1, strerror(ps->error));
		snprintf(what, sizeof(what), "pass %zu unwritten", p + 1);
		ranges(a, what, ps->unwritten, ps->n_unwritten);
	}
	if (!a)
		return NULL;
	ranges(a, "read-back unreadable", res->verify.unreadable, res->verify.n_unreadable);
	for (size_t i = 0; i < res->n_commands && i < WS_MAX_COMMANDS; i++)
		if (res->commands[i].status)
			line(a, "%s %s: the drive's status 0x%x", res->commands[i].interface,
			     res->commands[i].name, (unsigned)res->commands[i].status);
	if (res->n_commands == 0 && res->firmware.ran && res->firmware.command_status)
		line(a, "%s: the drive's status 0x%x", res->firmware.transport,
		     (unsigned)res->firmware.command_status);
	if (res->firmware.ran && res->firmware.state == WS_FIRMWARE_FAILED)
		line(a, "the drive reports that the erase failed (its status log)");
	if (res->status == WS_STATUS_FAILED && json_object_array_length(a) == 0 &&
	    res->status_reason)
		line(a, "%s", res->status_reason);
	return a;
}

/* What the drive's health says that a person should look at, @when "before"/"after". */
static void health_anomalies(struct json_object *a, const struct ws_health *h, const char *when)
{
	bool ata = h->read && h->source && strncmp(h->source, "ATA", 3) == 0;

	if (!h->read)
		return;
	if (!ata && h->critical_warning > 0)
		line(a, "the drive's health %s the erase: critical warning 0x%02x", when,
		     (unsigned)h->critical_warning);
	if (ata && h->smart_passed == 0)
		line(a, "the drive's health %s the erase: SMART status threshold exceeded", when);
	for (size_t i = 0; ata && i < h->n_attrs && i < WS_HEALTH_MAX_ATTRS; i++)
		if (h->attrs[i].threshold && h->attrs[i].value <= h->attrs[i].threshold)
			line(a,
			     "the drive's health %s the erase: SMART attribute %u at %u, at or "
			     "below "
			     "its threshold %u",
			     when, h->attrs[i].id, h->attrs[i].value, h->attrs[i].threshold);
}

static void data_found(struct json_object *a, const struct ws_result *res)
{
	const struct ws_crypto_check *c = &res->verify.crypto;

	if (res->verify.bytes_mismatched)
		line(a, "data found: %llu bytes read back differ from what was written",
		     (unsigned long long)res->verify.bytes_mismatched);
	if (c->ran && c->residue_blocks)
		line(a, "data found: %llu 16-byte blocks read exactly as before the erase",
		     (unsigned long long)c->residue_blocks);
	if (c->ran && c->structured_blocks)
		line(a, "data found: %llu 4 KiB blocks hold structure, not noise",
		     (unsigned long long)c->structured_blocks);
	if (c->ran && c->pattern_blocks)
		line(a, "%llu 4 KiB blocks hold one byte value the drive does not declare",
		     (unsigned long long)c->pattern_blocks);
	for (size_t i = 0; i < res->residue.n; i++)
		line(a, "residue: a signature found after the erase: %s", res->residue.v[i]);
}

static struct json_object *anomalies(const struct ws_result *res)
{
	struct json_object *a = json_object_new_array();
	const struct ws_health *b = &res->health_before, *f = &res->health_after;

	if (!a)
		return NULL;
	if (res->firmware.too_fast)
		line(a, "too fast: completed in under 1/100 of the drive's own estimate (%u s)",
		     res->firmware.estimate_s);
	data_found(a, res);
	if (res->hidden.kept)
		line(a,
		     "hidden area kept: %llu bytes above the accessible maximum left hidden "
		     "and not erased (--keep-hidden-areas)",
		     (unsigned long long)(res->hidden.native - res->hidden.accessible_before));
	if (res->hidden.dco_hidden)
		line(a, "hidden area kept: %llu bytes hidden by a DCO restriction, not erased",
		     (unsigned long long)res->hidden.dco_hidden);
	if (res->trust_firmware && res->verify.mode == WS_VERIFY_NONE)
		line(a, "trust_firmware: the drive's report of completion taken as proof, "
		        "nothing read back");
	if (res->verify.mode != WS_VERIFY_NONE && !res->verified)
		line(a, "the read-back did not run to its end");
	health_anomalies(a, b, "before");
	health_anomalies(a, f, "after");
	if (b->read && f->read && b->media_errors >= 0 && f->media_errors > b->media_errors)
		line(a, "the drive's media errors grew during the erase: %lld before, %lld after",
		     (long long)b->media_errors, (long long)f->media_errors);
	return a;
}

static struct json_object *read_back(const struct ws_result *res)
{
	struct json_object *o = json_object_new_object();
	const struct ws_verify_result *v = &res->verify;
	/* a crypto erase is read back against its own content before the erase and judged
	 * as noise (docs/methods.md): "matched" is that judgement */
	bool judged = v->crypto.ran && v->crypto.blocks_judged > 0;
	bool found = v->bytes_mismatched ||
	             (v->crypto.ran && (v->crypto.residue_blocks || v->crypto.structured_blocks));
	const char *result = v->mode == WS_VERIFY_NONE || (v->bytes_checked == 0 && !judged)
	                         ? "not read back"
	                     : found ? "mismatched"
	                             : "matched";

	if (!o)
		return NULL;
	json_object_object_add(o, "mode", ws_cert_str(ws_verify_mode_name(v->mode)));
	json_object_object_add(o, "bytes_checked", json_object_new_uint64(v->bytes_checked));
	json_object_object_add(o, "bytes_mismatched", json_object_new_uint64(v->bytes_mismatched));
	json_object_object_add(o, "regions", json_object_new_uint64(v->regions));
	json_object_object_add(o, "result", ws_cert_str(result));
	return o;
}

struct json_object *ws_cert2_verification(const struct ws_result *res)
{
	static const char *const completion[] = {
		[WS_STATUS_SUCCESS] = "completed",
		[WS_STATUS_FAILED] = "failed",
		[WS_STATUS_ABORTED] = "aborted",
		[WS_STATUS_REFUSED] = "failed",
	};
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "completion_status",
	                       ws_cert_str((unsigned)res->status < ELEMENTSOF(completion)
	                                       ? completion[res->status]
	                                       : "failed"));
	json_object_object_add(o, "errors", errors(res));
	json_object_object_add(o, "anomalies", anomalies(res));
	json_object_object_add(o, "health_before", ws_health_json(&res->health_before));
	json_object_object_add(o, "health_after", ws_health_json(&res->health_after));
	json_object_object_add(o, "read_back", read_back(res));
	return o;
}
