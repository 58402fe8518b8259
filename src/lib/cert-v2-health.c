/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-v2-health.c - the drive's health as a certificate of schema 2 shows it (HEALTH in
 * docs/certificate.md): the NVMe SMART / Health Information log (log page 02h) or the ATA
 * SMART attributes, read before and after the erase (wipe.h's struct ws_health). NIST SP
 * 800-88 Rev. 2 counts media health as verification evidence. Fields the drive did not
 * report are null; a drive that was not read is null altogether.
 */
#include <string.h>

#include "cert-v2.h"
#include "internal.h"

/* The names smartmontools' drive database gives the common attributes (its drivedb.h
 * defaults); others stay null: vendors differ. */
static const struct {
	uint8_t id;
	const char *name;
} attr_names[] = {
	{ 1, "Raw_Read_Error_Rate" },
	{ 5, "Reallocated_Sector_Ct" },
	{ 9, "Power_On_Hours" },
	{ 10, "Spin_Retry_Count" },
	{ 12, "Power_Cycle_Count" },
	{ 170, "Available_Reservd_Space" },
	{ 171, "Program_Fail_Count" },
	{ 172, "Erase_Fail_Count" },
	{ 173, "Wear_Leveling_Count" },
	{ 174, "Unexpect_Power_Loss_Ct" },
	{ 177, "Wear_Leveling_Count" },
	{ 179, "Used_Rsvd_Blk_Cnt_Tot" },
	{ 181, "Program_Fail_Cnt_Total" },
	{ 182, "Erase_Fail_Count_Total" },
	{ 183, "Runtime_Bad_Block" },
	{ 184, "End-to-End_Error" },
	{ 187, "Reported_Uncorrect" },
	{ 188, "Command_Timeout" },
	{ 190, "Airflow_Temperature_Cel" },
	{ 192, "Power-Off_Retract_Count" },
	{ 193, "Load_Cycle_Count" },
	{ 194, "Temperature_Celsius" },
	{ 195, "Hardware_ECC_Recovered" },
	{ 196, "Reallocated_Event_Count" },
	{ 197, "Current_Pending_Sector" },
	{ 198, "Offline_Uncorrectable" },
	{ 199, "UDMA_CRC_Error_Count" },
	{ 231, "SSD_Life_Left" },
	{ 233, "Media_Wearout_Indicator" },
	{ 241, "Total_LBAs_Written" },
	{ 242, "Total_LBAs_Read" },
};

static struct json_object *attr_name(uint8_t id)
{
	for (size_t i = 0; i < ELEMENTSOF(attr_names); i++)
		if (attr_names[i].id == id)
			return json_object_new_string(attr_names[i].name);
	return NULL;
}

static struct json_object *num(int64_t v, bool shown)
{
	return shown && v >= 0 ? json_object_new_int64(v) : NULL;
}

static struct json_object *attributes(const struct ws_health *h, bool ata)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && ata && i < h->n_attrs && i < WS_HEALTH_MAX_ATTRS; i++) {
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

struct json_object *ws_cert2_health(const struct ws_health *h)
{
	/* the log a field belongs to decides whether it is shown: a struct filled for one
	 * leaves the other's fields at whatever they were */
	bool ata = h->source && strncmp(h->source, "ATA", 3) == 0, nvme = !ata;
	struct json_object *o;

	if (!h->read || !(o = json_object_new_object()))
		return NULL;
	json_object_object_add(o, "source", ws_cert_str(h->source));
	json_object_object_add(o, "read", ws_cert_time(h->when_ns));
	json_object_object_add(o, "critical_warning", num(h->critical_warning, nvme));
	json_object_object_add(o, "temperature_celsius",
	                       num(h->temperature_k > 0 ? h->temperature_k - 273 : -1, nvme));
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
	        : ws_cert_str(h->smart_passed ? "passed" : "threshold exceeded"));
	json_object_object_add(o, "attributes", attributes(h, ata));
	return o;
}
