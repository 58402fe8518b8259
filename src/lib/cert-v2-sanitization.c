/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-v2-sanitization.c - the "sanitization" section of a certificate of schema 2: NIST SP
 * 800-88 Rev. 2's sanitization method and technique, the technique again in IEEE 2883's
 * words for the interface (the technique table's, technique.c), the exact commands sent to
 * the drive and, for a cryptographic erase, the traceability Rev. 2 asks for: which key was
 * changed, its strength, what it covered, its copies. Where the drive cannot tell us, the
 * certificate says "not reported by the device" instead of leaving a blank.
 */
#include <string.h>

#include <wipeseal/technique.h>

#include "cert-internal.h"
#include "cert-v2.h"
#include "health-internal.h"
#include "opal-internal.h"

void ws_cert2_technique(enum ws_technique t, char *buf, size_t len)
{
	ws_cert2_technique_words(ws_cert_method_used(t), buf, len);
}

void ws_cert2_technique_words(const char *v1, char *buf, size_t len)
{
	static const struct {
		const char *v1, *v2;
	} words[] = {
		{ "overwrite", "overwrite" },
		{ "block erase", "block erase" },
		{ "crypto erase", "cryptographic erase" },
	};
	size_t n = strlen(v1);

	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (strcmp(v1, words[i].v1) == 0) {
			snprintf(buf, len, "%s", words[i].v2);
			return;
		}
	/* schema 1's "other (X)" is Rev. 2's "other: X" */
	if (strncmp(v1, "other (", 7) == 0 && n > 8 && v1[n - 1] == ')')
		snprintf(buf, len, "other: %.*s", (int)(n - 8), v1 + 7);
	else
		snprintf(buf, len, "other: %s", v1);
}

static void describe_passes(const struct ws_result *res, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s: %zu pass%s (", res->method, res->n_planned,
	                            res->n_planned == 1 ? "" : "es");

	for (size_t p = 0; p < res->n_passes && n < len; p++) {
		const struct ws_pass_spec *s = &res->passes[p].spec;

		if (s->kind == WS_PATTERN_RANDOM)
			n += (size_t)snprintf(buf + n, len - n, "%sAES-256-CTR keystream",
			                      p ? ", " : "");
		else
			n += (size_t)snprintf(buf + n, len - n, "%s0x%02x%s", p ? ", " : "",
			                      s->bytes[0], s->len > 1 ? "..." : "");
	}
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n,
		                      ") over every addressable byte, flushed after each pass");
	if (n < len && res->n_planned > 1)
		snprintf(buf + n, len - n,
		         "; more than one pass is obsolete per NIST SP 800-88 Rev. 2 (IEEE 2883 "
		         "counts a single overwrite pass as Clear)");
}

/* The drive command a certificate names (the technique table's). */
static const char *command_name(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i && (i->flags & WS_TECH_F_FIRMWARE) ? i->command : "NVMe Sanitize";
}

void ws_cert_verification_method(const struct ws_result *res, char *buf, size_t len)
{
	if (res->verify.mode == WS_VERIFY_SAMPLE)
		snprintf(buf, len, "quick sampling: %u%% of the capacity, %llu regions",
		         res->sample_percent, (unsigned long long)res->verify.regions);
	else if (res->verify.mode == WS_VERIFY_NONE && res->technique != WS_TECH_OVERWRITE &&
	         res->trust_firmware)
		snprintf(buf, len,
		         "none: the drive's report of completion trusted (--trust-firmware)");
	else
		snprintf(buf, len, "%s", ws_verify_mode_name(res->verify.mode));
}

/* Which key a crypto erase changes and what it covers, per technique: what the
 * specification of the command says, since no drive reports it. */
static const struct {
	enum ws_technique t;
	const char *key_changed, *scope;
} crypto_keys[] = {
	{ WS_TECH_NVME_SANITIZE_CRYPTO,
	  "the media encryption key of every namespace (NVMe Sanitize, SANACT=4 crypto erase)",
	  "the whole NVM subsystem: every namespace, allocated or not (NVMe Sanitize)" },
	{ WS_TECH_NVME_FORMAT_CRYPTO,
	  "the media encryption key of the namespace formatted (NVMe Format NVM, SES=2 "
	  "cryptographic erase)",
	  "the namespace formatted, or every namespace where the controller's FNA says a "
	  "crypto erase applies to all" },
	{ WS_TECH_ATA_SANITIZE_CRYPTO,
	  "the drive's internal encryption keys (ATA SANITIZE DEVICE, CRYPTO SCRAMBLE EXT)",
	  "all user data (ATA SANITIZE acts on the whole device)" },
	{ WS_TECH_SCSI_SANITIZE_CRYPTO,
	  "the logical unit's encryption keys (SCSI SANITIZE, CRYPTOGRAPHIC ERASE)",
	  "the whole logical unit (SCSI SANITIZE)" },
	{ WS_TECH_OPAL_PSID_REVERT,
	  "the media encryption keys of every locking range (TCG Revert of the Admin SP as "
	  "PSID)",
	  "the whole drive: a revert returns it to its factory state" },
	{ WS_TECH_OPAL_REVERT,
	  "the media encryption keys of every locking range (TCG Revert of the Admin SP as SID)",
	  "the whole drive: a revert returns it to its factory state" },
};

/* How the read-back judged a crypto erase (docs/methods.md, "What a crypto erase leaves"). */
static void assurance(const struct ws_result *res, char *buf, size_t len)
{
	const struct ws_crypto_check *c = &res->verify.crypto;

	if (!c->ran) {
		snprintf(buf, len, "not read back");
		return;
	}
	snprintf(buf, len,
	         "read back: %llu of %llu 4 KiB blocks judged as noise, %llu as the drive's "
	         "erased pattern, %llu structured; baseline: %llu of %llu 16-byte blocks read "
	         "as before the erase",
	         (unsigned long long)c->noise_blocks, (unsigned long long)c->blocks_judged,
	         (unsigned long long)c->erased_blocks, (unsigned long long)c->structured_blocks,
	         (unsigned long long)c->residue_blocks, (unsigned long long)c->blocks_compared);
}

static struct json_object *cryptographic_erase(const struct ws_result *res)
{
	struct json_object *o;
	char scope[256], buf[320];

	if (!ws_technique_has(res->technique, WS_TECH_F_CRYPTO) ||
	    strcmp(ws_result_nist(res), "Purge") != 0) /* a revert that did not re-key */
		return NULL;
	o = json_object_new_object();
	for (size_t i = 0; o && i < ELEMENTSOF(crypto_keys); i++) {
		if (crypto_keys[i].t != res->technique)
			continue;
		snprintf(
		    scope, sizeof(scope), "%s%s", crypto_keys[i].scope,
		    res->firmware.global_data_erased == 1
		        ? "; the drive reports Global Data Erased (Sanitize Status, SSTAT bit 8)"
		        : "");
		json_object_object_add(o, "key_changed", ws_cert_str(crypto_keys[i].key_changed));
		json_object_object_add(o, "key_strength", ws_cert_str(WS_CERT_NOT_REPORTED));
		json_object_object_add(o, "scope", ws_cert_str(scope));
		json_object_object_add(o, "key_copies", ws_cert_str(WS_CERT_NOT_REPORTED));
		assurance(res, buf, sizeof(buf));
		json_object_object_add(o, "assurance", ws_cert_str(buf));
	}
	return o;
}

/* The name the operator chose (--method) for a host overwrite, else the technique's. */
static const char *technique_name(const struct ws_result *res)
{
	return res->technique == WS_TECH_OVERWRITE && res->method
	           ? res->method
	           : ws_technique_name(res->technique);
}

/* Overwrite on flash media (an SD card, an eMMC, a USB stick) reaches what the host addresses
 * and no more: the certificate says so, and what Purge would take (docs/certificate.md,
 * "Flash media"). NULL for other media and for the drive's own techniques. */
static const char *flash_note(const struct ws_result *res)
{
	struct json_object *dev = res->device_json ? json_tokener_parse(res->device_json) : NULL,
	                   *tr = NULL, *rm = NULL;
	const char *t;
	bool flash;

	if (!dev || res->technique != WS_TECH_OVERWRITE) {
		json_object_put(dev);
		return NULL;
	}
	json_object_object_get_ex(dev, "transport", &tr);
	json_object_object_get_ex(dev, "removable", &rm);
	t = tr ? json_object_get_string(tr) : "";
	/* a USB stick is removable; a USB disk in a case usually is not */
	flash = strcmp(t, "mmc") == 0 || (strcmp(t, "usb") == 0 && json_object_get_boolean(rm));
	json_object_put(dev);
	return flash ? WS_CERT_FLASH_NOTE : NULL;
}

struct json_object *ws_cert2_sanitization(const struct ws_result *res,
                                          const struct ws_cert_info *info)
{
	struct json_object *o = json_object_new_object();
	char details[768], tool[96], verify[128], technique[96];

	if (!o)
		return NULL;
	if (res->technique == WS_TECH_OVERWRITE)
		describe_passes(res, details, sizeof(details));
	else
		snprintf(details, sizeof(details), "%s: the drive's own %s command%s%s",
		         ws_technique_name(res->technique), command_name(res->technique),
		         res->firmware.followed ? " (followed: it was already running)" : "",
		         res->firmware.log_valid ? ", its sanitize status as evidence" : "");
	snprintf(tool, sizeof(tool), "wipeseal %s (%s)", ws_version(), ws_git_revision());
	ws_cert_verification_method(res, verify, sizeof(verify));
	ws_cert2_technique_words(ws_result_method_used(res), technique, sizeof(technique));
	/* NIST SP 800-88: overwrite and Format NVM are Clear, Sanitize is Purge
	 * (docs/methods.md) */
	json_object_object_add(o, "method", ws_cert_str(ws_result_nist(res)));
	json_object_object_add(o, "technique", ws_cert_str(technique));
	json_object_object_add(o, "technique_ieee2883", ws_cert_str(ws_result_ieee2883(res)));
	json_object_object_add(o, "technique_name", ws_cert_str(technique_name(res)));
	json_object_object_add(o, "details", ws_cert_str(details));
	json_object_object_add(o, "commands", ws_commands_json(res));
	json_object_object_add(o, "tool", ws_cert_str(tool));
	json_object_object_add(o, "tool_version", ws_cert_str(ws_version()));
	json_object_object_add(o, "verification_method", ws_cert_str(verify));
	json_object_object_add(o, "cryptographic_erase", cryptographic_erase(res));
	json_object_object_add(o, "post_sanitization_categorization",
	                       ws_cert_str(info->post_classification));
	json_object_object_add(o, "notes", ws_cert_str(info->notes));
	if (res->fallback) /* purge-or-clear: which it was and why (evidence.fallback) */
		json_object_object_add(o, "fallback", ws_cert_str(res->fallback));
	if (flash_note(res))
		json_object_object_add(o, "flash_media", ws_cert_str(flash_note(res)));
	if (res->n_areas) /* an eMMC: every area, erased or why not */
		json_object_object_add(o, "areas", ws_areas_json(res));
	return o;
}
