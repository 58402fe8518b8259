/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * health.c - the drive's own account of its health, read once before an erase and once
 * after it: NIST SP 800-88 Rev. 2 counts media health among the verification evidence
 * ("did the operation complete: status, errors, anomalies, media health").
 *
 * The transport reads it (nvme.c: the SMART / Health Information log; smart.c: ATA SMART
 * through SAT); here it is decoded, put into JSON, and, where the device has none to give,
 * the reason is kept instead. A health read only records: it never fails a wipe, and it is
 * bounded by WS_HEALTH_TIMEOUT_MS.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "health-internal.h"

/* The SMART / Health Information log (NVMe Base 2.0, Figure "SMART / Health Information Log
 * Page"): byte offsets, multi-byte fields little-endian; the counters are 16 bytes */
#define SMART_CRITICAL_WARNING 0
#define SMART_TEMPERATURE      1 /* 2 bytes, kelvin */
#define SMART_AVAILABLE_SPARE  3
#define SMART_SPARE_THRESHOLD  4
#define SMART_PERCENTAGE_USED  5
#define SMART_POWER_ON_HOURS   128
#define SMART_UNSAFE_SHUTDOWNS 144
#define SMART_MEDIA_ERRORS     160
#define SMART_ERROR_LOG        176
#define KELVIN_0C              273 /* as nvme-cli prints it: whole degrees */

void ws_health_init(struct ws_health *h)
{
	*h = (struct ws_health){
		.critical_warning = -1,
		.temperature_k = -1,
		.available_spare = -1,
		.spare_threshold = -1,
		.percentage_used = -1,
		.media_errors = -1,
		.error_log_entries = -1,
		.power_on_hours = -1,
		.unsafe_shutdowns = -1,
		.smart_passed = -1,
	};
}

/* A 128-bit little-endian counter, as far as an int64_t holds it. */
static int64_t counter(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 15; i >= 8; i--)
		if (p[i])
			return INT64_MAX;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

void ws_nvme_health_parse(const uint8_t *log, struct ws_health *h)
{
	h->source = WS_HEALTH_SOURCE_NVME;
	h->critical_warning = log[SMART_CRITICAL_WARNING];
	h->temperature_k = log[SMART_TEMPERATURE] | log[SMART_TEMPERATURE + 1] << 8;
	h->available_spare = log[SMART_AVAILABLE_SPARE];
	h->spare_threshold = log[SMART_SPARE_THRESHOLD];
	h->percentage_used = log[SMART_PERCENTAGE_USED];
	h->power_on_hours = counter(log + SMART_POWER_ON_HOURS);
	h->unsafe_shutdowns = counter(log + SMART_UNSAFE_SHUTDOWNS);
	h->media_errors = counter(log + SMART_MEDIA_ERRORS);
	h->error_log_entries = counter(log + SMART_ERROR_LOG);
}

/* Why a device that no transport carries has no health to give. */
static const char *no_transport(const struct ws_device *dev)
{
	if (dev->kind == WS_DEVICE_FILE)
		return "an image file has no health log";
	if (dev->transport && strcmp(dev->transport, "loop") == 0)
		return "a loop device has no health log";
	if (dev->ata.passthrough_rejected)
		return "the bridge refuses ATA pass-through: no SMART to read";
	return "the device answers neither an NVMe health log nor ATA SMART";
}

/* Why a transport's read failed (@e a negative errno). */
static const char *failed(const struct ws_transport_ops *ops, int e)
{
	bool ata = ops == &ws_ata_transport;

	switch (e) {
	case -EOPNOTSUPP:
		return ata ? "the drive aborted SMART: it has none, or it is disabled"
		           : "the drive has no health log";
	case -EBADMSG:
		return "the drive's SMART data failed its checksum";
	case -EREMOTEIO:
		return ata ? "the drive aborted SMART READ DATA"
		           : "the controller refused the SMART / Health Information log";
	default:
		return "the drive did not answer the health read";
	}
}

void ws_health_read(int fd, const struct ws_device *dev, struct ws_health *h)
{
	const struct ws_transport_ops *ops = ws_transport_of(dev);
	int r;

	ws_health_init(h);
	h->when_ns = ws_now_ns();
	if (!ops || !ops->health) {
		h->error = -EOPNOTSUPP;
		h->source = ops ? "a SCSI drive: its log pages are not read, and ATA pass-through "
		                  "is refused"
		                : no_transport(dev);
		return;
	}
	r = ops->health(fd, dev, h);
	if (r < 0) {
		struct ws_health failed_read;

		ws_health_init(&failed_read);
		failed_read.when_ns = h->when_ns;
		failed_read.error = r;
		failed_read.source = failed(ops, r); /* when not read: why (wipe.h) */
		*h = failed_read;
		return;
	}
	h->read = true;
	h->error = 0;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* A field of the log @shown belongs to, or null: a struct filled from one log leaves the
 * other's fields at whatever they were. */
static struct json_object *num(int64_t v, bool shown)
{
	return shown && v >= 0 ? json_object_new_int64(v) : NULL;
}

/* smartmontools' default name for @id, or null: a vendor's own meaning is not guessed. */
static struct json_object *attr_name(uint8_t id)
{
	const char *name = ws_smart_attr_name(id, -1);

	return strcmp(name, "Unknown_Attribute") ? json_object_new_string(name) : NULL;
}

static struct json_object *attributes(const struct ws_health *h, bool ata)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; ata && i < h->n_attrs && i < WS_HEALTH_MAX_ATTRS; i++) {
		const struct ws_health_attr *at = &h->attrs[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int(at->id));
		json_object_object_add(o, "name", attr_name(at->id));
		json_object_object_add(o, "value", json_object_new_int(at->value));
		json_object_object_add(o, "worst", json_object_new_int(at->worst));
		json_object_object_add(o, "threshold",
		                       at->threshold ? json_object_new_int(at->threshold) : NULL);
		json_object_object_add(o, "raw", json_object_new_uint64(at->raw));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *ws_health_json(const struct ws_health *h)
{
	bool ata = h->source && strncmp(h->source, "ATA", 3) == 0, nvme = !ata;
	struct json_object *o;

	if (!h->read)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "source", json_object_new_string(h->source ? h->source : "?"));
	json_object_object_add(o, "read", ws_json_time(h->when_ns));
	json_object_object_add(o, "critical_warning", num(h->critical_warning, nvme));
	json_object_object_add(o, "temperature_celsius",
	                       num(h->temperature_k > 0 ? h->temperature_k - KELVIN_0C : -1, nvme));
	json_object_object_add(o, "available_spare", num(h->available_spare, nvme));
	json_object_object_add(o, "available_spare_threshold", num(h->spare_threshold, nvme));
	json_object_object_add(o, "percentage_used", num(h->percentage_used, nvme));
	json_object_object_add(o, "media_errors", num(h->media_errors, nvme));
	json_object_object_add(o, "error_log_entries", num(h->error_log_entries, nvme));
	json_object_object_add(o, "power_on_hours", num(h->power_on_hours, nvme));
	json_object_object_add(o, "unsafe_shutdowns", num(h->unsafe_shutdowns, nvme));
	json_object_object_add(
	    o, "smart_status",
	    !ata || h->smart_passed < 0
	        ? NULL
	        : json_object_new_string(h->smart_passed ? "passed" : "threshold exceeded"));
	json_object_object_add(o, "attributes", attributes(h, ata));
	return o;
}

const char *ws_health_unavailable(const struct ws_health *h)
{
	if (h->read)
		return NULL;
	return h->source ? h->source : "not read";
}
