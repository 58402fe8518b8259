/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opal.c - the TCG revert of a self-encrypting drive, as a transport (struct
 * ws_transport_ops): opal-psid-revert and opal-revert through the kernel's sed-opal interface
 * (IOC_OPAL_PSID_REVERT_TPR, IOC_OPAL_REVERT_TPR), which opens the session, authenticates
 * as the PSID or the SID and sends Revert on the Admin SP (TCG Storage Opal SSC 2.01, 5.1.3;
 * the PSID feature set). A revert resets the drive to its factory state: where the drive
 * encrypts, its media keys are new and what was written reads as noise (a cryptographic
 * erase); where it does not (Pyrite), what happens to user data is what its Data Removal
 * Mechanism feature states, and it is recorded as that, never as a cryptographic erase.
 *
 * The secret comes from the caller (struct ws_wipe_opts.opal_secret): the library never asks
 * for it, never logs it, and wipes its own copy at once. A refused authentication is the
 * drive's answer, reported once: the drive counts failed attempts and locks the authority out
 * at its own limit, and nothing here tries again.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cert-internal.h"
#include "health-internal.h"
#include "opal-internal.h"
#include "purge-run.h"

/* ---- what a revert counts as --------------------------------------------------------------- */

const char *ws_opal_counts_as(const struct ws_opal_info *o, bool *ret_crypto)
{
	bool crypto = o->media_encryption || (o->removal_mechanisms & WS_OPAL_REMOVAL_CRYPTO);

	if (ret_crypto)
		*ret_crypto = crypto;
	if (crypto)
		return "cryptographic erase";
	if (o->removal_mechanisms & WS_OPAL_REMOVAL_OVERWRITE)
		return "overwrite";
	if (o->removal_mechanisms & WS_OPAL_REMOVAL_BLOCK_ERASE)
		return "block erase";
	return "no stated mechanism";
}

bool ws_opal_plain_words(const char *counts_as, const char **ret_method_used,
                         const char **ret_ieee2883)
{
	static const struct {
		const char *counts_as, *method_used, *ieee2883;
	} words[] = {
		{ "overwrite", "overwrite",
		  "Clear, TCG revert with the drive's stated overwrite data erase" },
		{ "block erase", "block erase",
		  "Clear, TCG revert with the drive's stated block erase" },
		{ "no stated mechanism", "other (TCG revert, no stated data removal mechanism)",
		  "Clear, TCG revert with no stated data removal mechanism" },
	};

	for (size_t i = 0; counts_as && i < ELEMENTSOF(words); i++)
		if (strcmp(counts_as, words[i].counts_as) == 0) {
			*ret_method_used = words[i].method_used;
			*ret_ieee2883 = words[i].ieee2883;
			return true;
		}
	return false;
}

/* A revert whose result was classified and is not a cryptographic erase: its words. */
static bool plain_revert(const struct ws_result *res, const char **used, const char **ieee)
{
	const char *u, *w;

	if (!ws_technique_has(res->technique, WS_TECH_F_DRIVE_DECIDES) ||
	    !ws_opal_plain_words(res->opal.counts_as, &u, &w))
		return false;
	if (used)
		*used = u;
	if (ieee)
		*ieee = w;
	return true;
}

const char *ws_result_nist(const struct ws_result *res)
{
	return plain_revert(res, NULL, NULL) ? "Clear" : ws_technique_nist(res->technique);
}

const char *ws_result_method_used(const struct ws_result *res)
{
	const char *used;

	return plain_revert(res, &used, NULL) ? used : ws_cert_method_used(res->technique);
}

const char *ws_result_ieee2883(const struct ws_result *res)
{
	const struct ws_technique_info *i = ws_technique_info(res->technique);
	const char *ieee;

	return plain_revert(res, NULL, &ieee) ? ieee : i ? i->ieee2883 : NULL;
}

/* ---- the probe ------------------------------------------------------------------------------ */

static void opal_probe(struct ws_ctx *ctx, struct ws_device *dev)
{
	_cleanup_close_ int fd = open(dev->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* SECURITY PROTOCOL IN only where a drive answers SCSI commands of its own (SAT or
	 * SCSI) or is NVMe: cheap USB bridges are known to hang on commands they do not know,
	 * and behind one only the kernel's own discovery is asked */
	bool raw = dev->nvme.present || dev->ata.present || dev->scsi.probed;

	if (fd < 0 || ws_opal_discover(fd, dev->nvme.present, raw && strcmp(dev->transport, "usb"),
	                               &dev->opal) < 0)
		return;
	ws_debug(ctx, "%s: TCG %s, locking %s%s", dev->path, dev->opal.ssc ? dev->opal.ssc : "?",
	         dev->opal.locking_enabled ? "enabled" : "disabled",
	         dev->opal.locked ? ", a range locked" : "");
	/* Enterprise has no PSID revert of this kind (and the kernel drives Opal only) */
	if (dev->read_only || dev->size_bytes == 0 || !dev->opal.ssc ||
	    dev->opal.ssc_feature == WS_OPAL_FC_ENTERPRISE)
		return;
	dev->methods |= WS_TECH_BIT(WS_TECH_OPAL_PSID_REVERT) | WS_TECH_BIT(WS_TECH_OPAL_REVERT);
}

/* ---- the revert ----------------------------------------------------------------------------- */

/* The drive's refusal, in one line. */
static void refused(struct purge *p, const char *authority, int status)
{
	const char *what = status == WS_TCG_NOT_AUTHORIZED
	                       ? (strcmp(authority, "PSID") == 0
	                              ? ": the PSID does not match this drive's (check the label)"
	                              : ": the SID password does not match")
	                   : status == WS_TCG_AUTHORITY_LOCKED_OUT
	                       ? ": too many failed attempts, the drive locked the authority "
	                         "out until it is power-cycled"
	                       : "";

	ws_result_set_status(p->res, WS_STATUS_FAILED,
	                     "the drive refused the %s revert: %s (TCG status 0x%02x)%s; nothing "
	                     "was erased and nothing was retried",
	                     authority, ws_tcg_status_name(status), status, what);
}

/* Send the revert with @secret; Return: the ioctl's answer (0, a TCG status, or -errno). */
static int send_revert(int fd, bool psid, const uint8_t *secret, size_t len)
{
	struct opal_key key = { .lr = 0, .key_len = (uint8_t)len };
	int r;

	memcpy(key.key, secret, len);
	r = ioctl(fd, psid ? IOC_OPAL_PSID_REVERT_TPR : IOC_OPAL_REVERT_TPR, &key);
	if (r < 0)
		r = -errno;
	OPENSSL_cleanse(&key, sizeof(key));
	return r;
}

static int opal_erase(struct purge *p)
{
	struct ws_opal_result *o = &p->res->opal;
	struct ws_firmware_result *fw = &p->res->firmware;
	const struct ws_technique_info *i = ws_technique_info(p->res->technique);
	bool psid = i && i->action == WS_OPAL_AUTHORITY_PSID, raw;
	size_t len = p->opts->opal_secret_len;
	int r;

	fw->transport = p->ops->name;
	if (!p->opts->opal_secret || len == 0 || len > OPAL_KEY_MAX) {
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "no %s was given (1 to %d bytes): nothing was sent to the drive",
		    psid ? "PSID" : "SID password", OPAL_KEY_MAX);
		return -EINVAL;
	}
	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before the revert was sent");
		return -ECANCELED;
	}
	ws_purge_report(p, WS_PHASE_WRITE, 0, 1);
	fw->ran = o->ran = true;
	p->command_ns = ws_purge_now(p);
	r = send_revert(p->io->fd, psid, p->opts->opal_secret, len);
	o->tcg_status = r >= 0 ? r : -1;
	fw->command_status = r > 0 ? r : 0;
	if (r > 0) {
		refused(p, o->authority, r);
		return -EREMOTEIO;
	}
	if (r < 0) {
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "the kernel could not send the revert (%s): nothing was erased", strerror(-r));
		return r;
	}
	raw = p->dev->opal.source && strcmp(p->dev->opal.source, "security-receive") == 0;
	o->after_read = ws_opal_discover(p->io->fd, p->dev->nvme.present, raw, &o->after) == 0;
	if (o->after_read && (o->after.locked || o->after.locking_enabled)) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive accepted the revert but still reports locking "
		                     "enabled%s",
		                     o->after.locked ? " and a range locked" : "");
		return -EIO;
	}
	fw->state = WS_FIRMWARE_DONE;
	fw->transition_seen = true; /* the call returns when the revert is done */
	ws_purge_time_completion(p);
	return 0;
}

/* Before the erase is sent: what the record says of it whatever happens next. */
static int opal_erase_recorded(struct purge *p)
{
	struct ws_opal_result *o = &p->res->opal;
	const struct ws_technique_info *i = ws_technique_info(p->res->technique);

	o->interface = "sed-opal";
	o->authority = i && i->action == WS_OPAL_AUTHORITY_PSID ? "PSID" : "SID";
	o->tcg_status = -1;
	o->before = p->dev->opal;
	o->counts_as = ws_opal_counts_as(&o->before, NULL);
	return opal_erase(p);
}

/* After a revert that re-keys, the drive does not say what erased media read as; after one
 * that overwrites or erases blocks, they read as zeros (the read-back insists). */
static int opal_erased_byte(const struct ws_device *dev)
{
	bool crypto;

	(void)ws_opal_counts_as(&dev->opal, &crypto);
	return crypto ? -1 : 0x00;
}

bool ws_opal_judge_blank(struct ws_result *res)
{
	const struct ws_crypto_check *c = &res->verify.crypto;

	if (!plain_revert(res, NULL, NULL) || !c->noise_blocks)
		return false;
	ws_result_set_status(res, WS_STATUS_FAILED,
	                     "the drive does not encrypt (its revert counts as %s), yet %llu 4 KiB "
	                     "blocks read as noise, not zeros",
	                     res->opal.counts_as, (unsigned long long)c->noise_blocks);
	return true;
}

const struct ws_transport_ops ws_opal_transport = {
	.name = "TCG Opal",
	.flags = 0,
	.probe = opal_probe,
	.status = NULL, /* a revert is one call: never a sanitize's status loop */
	.start = NULL,
	.erase = opal_erase_recorded,
	.erased_byte = opal_erased_byte,
	.blank_byte = NULL, /* zeros */
	.prepare_hidden = NULL,
	.health = NULL,
	.command = NULL,
};

/* ---- JSON ------------------------------------------------------------------------------------ */

static void put(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *removal_json(const struct ws_opal_info *o)
{
	static const char *const names[WS_OPAL_REMOVAL_MECHANISMS] = {
		"overwrite", "block_erase",          "crypto_erase",
		"unmap",     "reset_write_pointers", "vendor"
	};
	struct json_object *m, *a;

	if (!o->removal_reported)
		return NULL;
	m = json_object_new_object();
	a = json_object_new_array();
	for (unsigned i = 0; i < WS_OPAL_REMOVAL_MECHANISMS; i++) {
		struct json_object *e;

		if (!(o->removal_mechanisms & (1u << i)))
			continue;
		e = json_object_new_object();
		put(e, "mechanism", json_object_new_string(names[i]));
		put(e, "seconds",
		    o->removal_seconds[i] ? json_object_new_int64(o->removal_seconds[i]) : NULL);
		json_object_array_add(a, e);
	}
	put(m, "supported", a);
	put(m, "in_progress", json_object_new_boolean(o->removal_processing));
	return m;
}

struct json_object *ws_opal_info_json(const struct ws_opal_info *o)
{
	struct json_object *j;

	if (!o->present)
		return NULL;
	j = json_object_new_object();
	put(j, "source", json_object_new_string(o->source ? o->source : "?"));
	put(j, "ssc", o->ssc ? json_object_new_string(o->ssc) : NULL);
	put(j, "locking_supported", json_object_new_boolean(o->locking_supported));
	put(j, "locking_enabled", json_object_new_boolean(o->locking_enabled));
	put(j, "locked", json_object_new_boolean(o->locked));
	put(j, "mbr_shadow_enabled", json_object_new_boolean(o->mbr_enabled));
	put(j, "mbr_shadow_done", json_object_new_boolean(o->mbr_done));
	put(j, "media_encryption", json_object_new_boolean(o->media_encryption));
	put(j, "single_user_mode", json_object_new_boolean(o->single_user_mode));
	put(j, "data_removal", removal_json(o));
	return j;
}

struct json_object *ws_opal_result_json(const struct ws_result *res)
{
	const struct ws_opal_result *o = &res->opal;
	struct json_object *j;

	if (!ws_technique_has(res->technique, WS_TECH_F_DRIVE_DECIDES) || !o->interface)
		return NULL;
	j = json_object_new_object();
	put(j, "revert", json_object_new_string(o->authority));
	put(j, "interface", json_object_new_string(o->interface));
	put(j, "sent", json_object_new_boolean(o->ran));
	put(j, "tcg_status", o->tcg_status >= 0 ? json_object_new_int(o->tcg_status) : NULL);
	put(j, "tcg_status_name",
	    o->tcg_status >= 0 ? json_object_new_string(ws_tcg_status_name(o->tcg_status)) : NULL);
	put(j, "counts_as", json_object_new_string(o->counts_as ? o->counts_as : "?"));
	put(j, "before", ws_opal_info_json(&o->before));
	put(j, "after", o->after_read ? ws_opal_info_json(&o->after) : NULL);
	put(j, "unreadable_before", json_object_new_uint64(res->verify.crypto.unreadable_before));
	return j;
}
