/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json.c - snapshots as JSON (json-c), the machine-readable face of `wipeseal list`.
 *
 * Keys are snake_case and documented one by one in docs/json.md. Unknown facts are null,
 * never an empty string or zero, so that a consumer can tell "none" from "not reported".
 * json-c escapes every control character, so odd bytes a drive reports never reach the
 * output raw.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <wipeseal/bay.h>

#include "controller-internal.h"
#include "internal.h"
#include "opal-internal.h"

static const char *const source_names[] = {
	[WS_SOURCE_UDEV] = "udev",
	[WS_SOURCE_SYSFS] = "sysfs",
	[WS_SOURCE_FILE] = "file",
};

struct json_object *ws_json_time(int64_t ns)
{
	char buf[40];
	struct tm tm;
	time_t s = (time_t)(ns / 1000000000);

	if (ns <= 0 || !gmtime_r(&s, &tm))
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%03dZ",
	         (int)(ns % 1000000000 / 1000000));
	return json_object_new_string(buf);
}

/* json-c's add functions take ownership; a NULL value becomes JSON null. */
static void put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* Strings from drives and file systems may hold any bytes: JSON gets valid UTF-8. */
static struct json_object *str_or_null(const char *s)
{
	char *safe = ws_utf8_safe(s);
	struct json_object *o = safe ? json_object_new_string(safe) : NULL;

	free(safe);
	return o;
}

static struct json_object *strv_json(const struct ws_strv *sv)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < sv->n; i++)
		json_object_array_add(a, str_or_null(sv->v[i]));
	return a;
}

static struct json_object *fs_json(const struct ws_fs_info *fs)
{
	struct json_object *o;

	if (!fs->type && !fs->label && !fs->uuid)
		return NULL;
	o = json_object_new_object();
	put(o, "type", str_or_null(fs->type));
	put(o, "label", str_or_null(fs->label));
	put(o, "uuid", str_or_null(fs->uuid));
	return o;
}

static struct json_object *partitions_json(const struct ws_device *dev)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < dev->n_partitions; i++) {
		const struct ws_partition *p = &dev->partitions[i];
		struct json_object *o = json_object_new_object();

		put(o, "number", json_object_new_int((int)p->number));
		put(o, "path", str_or_null(p->node));
		put(o, "start_bytes", json_object_new_uint64(p->start_bytes));
		put(o, "size_bytes", json_object_new_uint64(p->size_bytes));
		put(o, "type", str_or_null(p->type));
		put(o, "filesystem", fs_json(&p->fs));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *mounts_json(const struct ws_device *dev)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < dev->n_mounts; i++) {
		struct json_object *o = json_object_new_object();

		put(o, "source", str_or_null(dev->mounts[i].source));
		put(o, "mountpoint", str_or_null(dev->mounts[i].mountpoint));
		put(o, "fstype", json_object_new_string(dev->mounts[i].fstype));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *holders_json(const struct ws_device *dev)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < dev->n_holders; i++) {
		const struct ws_holder *h = &dev->holders[i];
		struct json_object *o = json_object_new_object();

		put(o, "name", json_object_new_string(h->name));
		put(o, "kind", json_object_new_string(h->kind));
		put(o, "label", str_or_null(h->label));
		put(o, "via", json_object_new_string(h->via));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *methods_json(unsigned methods)
{
	struct json_object *a = json_object_new_array();

	for (unsigned bit = 1; bit && bit <= methods; bit <<= 1)
		if ((methods & bit) && ws_method_name(bit))
			json_object_array_add(a, json_object_new_string(ws_method_name(bit)));
	return a;
}

/* What the controller said of itself; null for anything that is not an NVMe namespace. */
static struct json_object *nvme_json(const struct ws_nvme_info *n)
{
	struct json_object *o, *san, *fna, *ns;

	if (!n->present)
		return NULL;
	o = json_object_new_object();
	san = json_object_new_object();
	fna = json_object_new_object();
	ns = json_object_new_array();
	put(o, "nsid", json_object_new_int((int)n->nsid));
	put(o, "controller_id", json_object_new_int(n->cntlid));
	put(san, "crypto_erase", json_object_new_boolean(n->sanicap & 1));
	put(san, "block_erase", json_object_new_boolean(n->sanicap & 2));
	put(san, "overwrite", json_object_new_boolean(n->sanicap & 4));
	put(san, "no_deallocate_inhibited", json_object_new_boolean(n->sanicap & (1u << 29)));
	put(san, "media_modification", json_object_new_int((int)(n->sanicap >> 30)));
	put(o, "sanicap", san);
	put(fna, "format_all_namespaces", json_object_new_boolean(n->fna & 1));
	put(fna, "secure_erase_all_namespaces", json_object_new_boolean(n->fna & 2));
	put(fna, "crypto_erase", json_object_new_boolean(n->fna & 4));
	put(o, "fna", fna);
	put(o, "format_supported", json_object_new_boolean(n->oacs & 2));
	put(o, "deallocated_read",
	    json_object_new_string(n->dlfeat == 1   ? "zeros"
	                           : n->dlfeat == 2 ? "ones"
	                                            : "not reported"));
	for (size_t i = 0; i < n->n_namespaces; i++)
		json_object_array_add(ns, json_object_new_int((int)n->namespaces[i]));
	put(o, "namespaces", ns);
	return o;
}

/* IDENTIFY DEVICE's security, sanitize and HPA facts; null when no ATA answered. */
static struct json_object *ata_json(const struct ws_ata_info *a)
{
	struct json_object *o, *sec, *san;

	if (!a->present && !a->passthrough_rejected)
		return NULL;
	o = json_object_new_object();
	put(o, "passthrough", json_object_new_boolean(a->present));
	if (!a->present)
		return o; /* a bridge that refuses ATA PASS-THROUGH: overwrite remains */
	sec = json_object_new_object();
	san = json_object_new_object();
	put(sec, "supported", json_object_new_boolean(a->security_supported));
	put(sec, "enabled", json_object_new_boolean(a->security_enabled));
	put(sec, "locked", json_object_new_boolean(a->security_locked));
	put(sec, "frozen", json_object_new_boolean(a->security_frozen));
	put(sec, "enhanced_erase_supported", json_object_new_boolean(a->enhanced_erase_supported));
	put(sec, "erase_minutes", a->erase_minutes ? json_object_new_int(a->erase_minutes) : NULL);
	put(sec, "enhanced_erase_minutes",
	    a->enhanced_erase_minutes ? json_object_new_int(a->enhanced_erase_minutes) : NULL);
	put(o, "security", sec);
	put(san, "supported", json_object_new_boolean(a->sanitize_supported));
	put(san, "crypto_scramble", json_object_new_boolean(a->sanitize_crypto));
	put(san, "block_erase", json_object_new_boolean(a->sanitize_block));
	put(san, "overwrite", json_object_new_boolean(a->sanitize_overwrite));
	put(san, "frozen", json_object_new_boolean(a->sanitize_frozen));
	put(o, "sanitize", san);
	put(o, "hpa_supported", json_object_new_boolean(a->hpa_supported));
	put(o, "trim_reads_zeros", json_object_new_boolean(a->trim_reads_zeros));
	put(o, "accessible_sectors", json_object_new_uint64(a->accessible_sectors));
	put(o, "native_sectors",
	    a->native_sectors ? json_object_new_uint64(a->native_sectors) : NULL);
	put(o, "hidden_sectors",
	    !a->native_sectors
	        ? NULL
	        : json_object_new_uint64(a->native_sectors > a->accessible_sectors
	                                     ? a->native_sectors - a->accessible_sectors
	                                     : 0));
	return o;
}

static struct json_object *scsi_json(const struct ws_scsi_info *s)
{
	struct json_object *o;

	if (!s->probed)
		return NULL;
	o = json_object_new_object();
	put(o, "sanitize_overwrite", json_object_new_boolean(s->sanitize_overwrite));
	put(o, "sanitize_block", json_object_new_boolean(s->sanitize_block));
	put(o, "sanitize_crypto", json_object_new_boolean(s->sanitize_crypto));
	return o;
}

/* An eMMC's EXT_CSD facts and its areas; an SD card's type alone. */
static struct json_object *mmc_json(const struct ws_mmc_info *m)
{
	struct json_object *o, *boot;

	if (!m->present && !m->card_type[0])
		return NULL;
	o = json_object_new_object();
	put(o, "card_type", str_or_null(m->card_type[0] ? m->card_type : NULL));
	put(o, "ext_csd", json_object_new_boolean(m->present));
	if (!m->present)
		return o;
	put(o, "ext_csd_rev", json_object_new_int(m->ext_csd_rev));
	put(o, "sec_feature_support", json_object_new_int(m->sec_feature_support));
	put(o, "erase", json_object_new_boolean(true));
	put(o, "trim", json_object_new_boolean(m->sec_gb_cl_en));
	put(o, "secure_erase", json_object_new_boolean(m->sec_er_en));
	put(o, "secure_trim", json_object_new_boolean(m->sec_er_en && m->sec_gb_cl_en));
	put(o, "sanitize", json_object_new_boolean(m->sec_sanitize));
	put(o, "erased_byte", json_object_new_int(m->erased_mem_cont ? 0xff : 0x00));
	put(o, "sector_addressing", json_object_new_boolean(m->sector_addressing));
	put(o, "erase_group_bytes", json_object_new_uint64(m->erase_group_bytes));
	put(o, "boot_partition_bytes", json_object_new_uint64(m->boot_size_bytes));
	put(o, "rpmb_bytes", json_object_new_uint64(m->rpmb_size_bytes));
	boot = json_object_new_array();
	for (size_t i = 0; i < m->n_boot; i++) {
		struct json_object *b = json_object_new_object();

		put(b, "name", json_object_new_string(m->boot[i].name));
		put(b, "path", json_object_new_string(m->boot[i].node));
		put(b, "size_bytes", json_object_new_uint64(m->boot[i].size_bytes));
		put(b, "force_ro", json_object_new_boolean(m->boot[i].force_ro));
		json_object_array_add(boot, b);
	}
	put(o, "boot_partitions", boot);
	return o;
}

struct json_object *ws_device_json(const struct ws_device *d)
{
	struct json_object *o = json_object_new_object();

	put(o, "path", str_or_null(d->path));
	put(o, "kind", json_object_new_string(d->kind == WS_DEVICE_FILE ? "file" : "disk"));
	put(o, "name", str_or_null(d->name));
	put(o, "diskseq", d->diskseq ? json_object_new_uint64(d->diskseq) : NULL);
	put(o, "model", str_or_null(d->model));
	put(o, "vendor", str_or_null(d->vendor));
	put(o, "serial", str_or_null(d->serial));
	put(o, "wwn", str_or_null(d->wwn));
	put(o, "firmware", str_or_null(d->firmware));
	put(o, "by_path", str_or_null(d->by_path));
	put(o, "size_bytes", json_object_new_uint64(d->size_bytes));
	put(o, "logical_sector_size", json_object_new_int((int)d->logical_sector_size));
	put(o, "physical_sector_size", json_object_new_int((int)d->physical_sector_size));
	put(o, "transport", json_object_new_string(d->transport));
	put(o, "rotational", d->rotational < 0 ? NULL : json_object_new_boolean(d->rotational));
	put(o, "removable", json_object_new_boolean(d->removable));
	put(o, "read_only", json_object_new_boolean(d->read_only));
	put(o, "virtual", json_object_new_boolean(d->is_virtual));
	put(o, "facts_source", json_object_new_string(source_names[d->source]));
	put(o, "partition_table", d->pt_type ? json_object_new_object() : NULL);
	if (d->pt_type) {
		struct json_object *pt = json_object_object_get(o, "partition_table");

		put(pt, "type", json_object_new_string(d->pt_type));
		put(pt, "uuid", str_or_null(d->pt_uuid));
	}
	put(o, "filesystem", fs_json(&d->fs));
	put(o, "partitions", partitions_json(d));
	put(o, "probe_error", str_or_null(d->probe_error));
	put(o, "mounts", mounts_json(d));
	put(o, "swap", strv_json(&d->swaps));
	put(o, "holders", holders_json(d));
	put(o, "loop_backing_file", str_or_null(d->loop_backing_file));
	put(o, "backs_loop_devices", strv_json(&d->backs_loops));
	put(o, "used_through", strv_json(&d->used_through));
	put(o, "holds_root", json_object_new_boolean(d->holds_root));
	put(o, "holds_boot", json_object_new_boolean(d->holds_boot));
	put(o, "eligible", json_object_new_boolean(d->eligible));
	put(o, "ineligible_reasons", strv_json(&d->ineligible_reasons));
	put(o, "frozen", str_or_null(ws_device_frozen(d)));
	put(o, "methods", methods_json(d->methods));
	put(o, "nvme", nvme_json(&d->nvme));
	put(o, "ata", ata_json(&d->ata));
	put(o, "scsi", scsi_json(&d->scsi));
	put(o, "opal", ws_opal_info_json(&d->opal));
	put(o, "mmc", mmc_json(&d->mmc));
	put(o, "controller", ws_controller_json(&d->controller));
	return o;
}

int ws_device_list_to_json(const struct ws_device_list *list, int pretty, char **ret)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	const char *text;
	int flags =
	    JSON_C_TO_STRING_NOSLASHESCAPE |
	    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);

	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ws_device_list_count(list); i++)
		json_object_array_add(arr, ws_device_json(ws_device_list_get(list, i)));
	put(root, "devices", arr);
	text = json_object_to_json_string_ext(root, flags);
	*ret = text ? strdup(text) : NULL;
	json_object_put(root);
	return *ret ? 0 : -ENOMEM;
}
