/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * smart.c - an ATA drive's SMART health through SAT: SMART RETURN STATUS (did any attribute
 * cross its threshold), SMART READ DATA (the attributes) and SMART READ THRESHOLDS (ACS-3
 * 7.48, SMART B0h: FEATURE DAh, D0h, D1h; LBA mid 4Fh and high C2h as the key).
 *
 * The 512-byte data structure is as smartmontools reads it (atacmds.h, struct
 * ata_smart_values): a 2-byte revision, 30 attributes of 12 bytes (id, flags 2, normalized
 * value, worst, raw 6 little-endian, reserved), the collection fields we ignore, and a
 * checksum in byte 511 that makes the sum of all 512 bytes zero. The thresholds structure
 * has the same 30 slots, the threshold in the second byte. Attribute names are smartmontools'
 * defaults (drivedb.h, "Default settings"): a vendor's own meaning is not guessed.
 */
#include <errno.h>
#include <string.h>

#include "health-internal.h"

#define ATA_CMD_SMART         0xb0 /* ACS-3 7.48 */
#define SMART_READ_DATA       0xd0
#define SMART_READ_THRESHOLDS 0xd1
#define SMART_RETURN_STATUS   0xda
#define SMART_LBA_KEY         0xc24f00u /* LBA mid 4Fh (15:8), high C2h (23:16) */
#define SMART_LBA_EXCEEDED    0x2cf400u /* RETURN STATUS: mid F4h, high 2Ch */
#define SMART_LBA_MID_HIGH    0xffff00u
#define SMART_FIRST_ATTR      2  /* after the 2-byte revision */
#define SMART_ATTR_LEN        12 /* id, flags (2), value, worst, raw (6), reserved */
#define SMART_CHECKSUM        511

/* smartmontools' default attribute names, and the kind of drive a name is meant for */
enum kind { ANY, HDD, SSD };

static const struct {
	uint8_t id;
	enum kind kind;
	const char *name;
} names[] = {
	{ 1, ANY, "Raw_Read_Error_Rate" },
	{ 2, ANY, "Throughput_Performance" },
	{ 3, ANY, "Spin_Up_Time" },
	{ 4, ANY, "Start_Stop_Count" },
	{ 5, ANY, "Reallocated_Sector_Ct" },
	{ 6, HDD, "Read_Channel_Margin" },
	{ 7, HDD, "Seek_Error_Rate" },
	{ 8, HDD, "Seek_Time_Performance" },
	{ 9, ANY, "Power_On_Hours" },
	{ 10, HDD, "Spin_Retry_Count" },
	{ 11, HDD, "Calibration_Retry_Count" },
	{ 12, ANY, "Power_Cycle_Count" },
	{ 13, ANY, "Read_Soft_Error_Rate" },
	{ 175, SSD, "Program_Fail_Count_Chip" },
	{ 176, SSD, "Erase_Fail_Count_Chip" },
	{ 177, SSD, "Wear_Leveling_Count" },
	{ 178, SSD, "Used_Rsvd_Blk_Cnt_Chip" },
	{ 179, SSD, "Used_Rsvd_Blk_Cnt_Tot" },
	{ 180, SSD, "Unused_Rsvd_Blk_Cnt_Tot" },
	{ 181, ANY, "Program_Fail_Cnt_Total" },
	{ 182, SSD, "Erase_Fail_Count_Total" },
	{ 183, ANY, "Runtime_Bad_Block" },
	{ 184, ANY, "End-to-End_Error" },
	{ 187, ANY, "Reported_Uncorrect" },
	{ 188, ANY, "Command_Timeout" },
	{ 189, HDD, "High_Fly_Writes" },
	{ 190, ANY, "Airflow_Temperature_Cel" },
	{ 191, HDD, "G-Sense_Error_Rate" },
	{ 192, ANY, "Power-Off_Retract_Count" },
	{ 193, HDD, "Load_Cycle_Count" },
	{ 194, ANY, "Temperature_Celsius" },
	{ 195, ANY, "Hardware_ECC_Recovered" },
	{ 196, ANY, "Reallocated_Event_Count" },
	{ 197, ANY, "Current_Pending_Sector" },
	{ 198, ANY, "Offline_Uncorrectable" },
	{ 199, ANY, "UDMA_CRC_Error_Count" },
	{ 200, HDD, "Multi_Zone_Error_Rate" },
	{ 201, HDD, "Soft_Read_Error_Rate" },
	{ 202, HDD, "Data_Address_Mark_Errs" },
	{ 203, ANY, "Run_Out_Cancel" },
	{ 204, ANY, "Soft_ECC_Correction" },
	{ 205, ANY, "Thermal_Asperity_Rate" },
	{ 206, HDD, "Flying_Height" },
	{ 207, HDD, "Spin_High_Current" },
	{ 208, HDD, "Spin_Buzz" },
	{ 209, HDD, "Offline_Seek_Performnce" }, /* sic, smartmontools' spelling */
	{ 220, HDD, "Disk_Shift" },
	{ 221, HDD, "G-Sense_Error_Rate" },
	{ 222, HDD, "Loaded_Hours" },
	{ 223, HDD, "Load_Retry_Count" },
	{ 224, HDD, "Load_Friction" },
	{ 225, HDD, "Load_Cycle_Count" },
	{ 226, HDD, "Load-in_Time" },
	{ 227, HDD, "Torq-amp_Count" },
	{ 228, ANY, "Power-off_Retract_Count" },
	{ 230, HDD, "Head_Amplitude" },
	{ 231, ANY, "Temperature_Celsius" },
	{ 232, ANY, "Available_Reservd_Space" },
	{ 233, SSD, "Media_Wearout_Indicator" },
	{ 240, HDD, "Head_Flying_Hours" },
	{ 241, ANY, "Total_LBAs_Written" },
	{ 242, ANY, "Total_LBAs_Read" },
	{ 250, ANY, "Read_Error_Retry_Rate" },
	{ 254, HDD, "Free_Fall_Sensor" },
};

const char *ws_smart_attr_name(uint8_t id, int rotational)
{
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		if (names[i].id != id)
			continue;
		if (names[i].kind == HDD && rotational == 0)
			return "Unknown_HDD_Attribute";
		if (names[i].kind == SSD && rotational == 1)
			return "Unknown_SSD_Attribute";
		return names[i].name;
	}
	return "Unknown_Attribute";
}

static bool checksum_ok(const uint8_t *b)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < WS_SMART_DATA_LEN; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum == 0;
}

int ws_smart_parse(const uint8_t *data, const uint8_t *thresholds, struct ws_health *h)
{
	bool thr = thresholds && checksum_ok(thresholds);

	if (!checksum_ok(data))
		return -EBADMSG;
	h->source = WS_HEALTH_SOURCE_ATA;
	h->n_attrs = 0;
	for (size_t i = 0; i < WS_HEALTH_MAX_ATTRS; i++) {
		const uint8_t *a = data + SMART_FIRST_ATTR + i * SMART_ATTR_LEN;
		struct ws_health_attr *at = &h->attrs[h->n_attrs];

		if (a[0] == 0) /* an empty slot */
			continue;
		*at = (struct ws_health_attr){
			.id = a[0],
			.flags = (uint16_t)(a[1] | a[2] << 8),
			.value = a[3],
			.worst = a[4],
		};
		for (int k = 5; k >= 0; k--)
			at->raw = at->raw << 8 | a[5 + k];
		/* the thresholds' slots hold the same ids, normally in the same order */
		for (size_t k = 0; thr && k < WS_HEALTH_MAX_ATTRS; k++) {
			const uint8_t *t = thresholds + SMART_FIRST_ATTR + k * SMART_ATTR_LEN;

			if (t[0] == a[0]) {
				at->threshold = t[1];
				break;
			}
		}
		h->n_attrs++;
	}
	return 0;
}

void ws_smart_cmd(struct ws_ata_cmd *c, uint8_t feature)
{
	*c = (struct ws_ata_cmd){
		.protocol = feature == SMART_RETURN_STATUS ? WS_ATA_NON_DATA : WS_ATA_PIO_IN,
		.command = ATA_CMD_SMART,
		.features = feature,
		.count = feature == SMART_RETURN_STATUS ? 0 : 1,
		.lba = SMART_LBA_KEY,
		.lba28 = true, /* a 28-bit command */
	};
}

int ws_smart_status_of(const struct ws_sense *s)
{
	if (!s->ata_valid)
		return -1; /* the bridge did not return the registers */
	if ((s->ata_lba & SMART_LBA_MID_HIGH) == SMART_LBA_KEY)
		return 1;
	if ((s->ata_lba & SMART_LBA_MID_HIGH) == SMART_LBA_EXCEEDED)
		return 0;
	return -1;
}

int ws_ata_health(int fd, const struct ws_device *dev, struct ws_health *h)
{
	uint8_t data[WS_SMART_DATA_LEN] = { 0 }, thr[WS_SMART_DATA_LEN] = { 0 };
	struct ws_ata_cmd c;
	struct ws_sense s;
	bool have_thr;
	int r;

	(void)dev;
	/* the status first: a drive without SMART (or with it disabled) aborts it at once */
	ws_smart_cmd(&c, SMART_RETURN_STATUS);
	r = ws_ata_submit(fd, &c, NULL, 0, WS_HEALTH_TIMEOUT_MS, &s);
	if (r < 0)
		return r == -EREMOTEIO ? -EOPNOTSUPP : r;
	h->smart_passed = ws_smart_status_of(&s);
	ws_smart_cmd(&c, SMART_READ_DATA);
	r = ws_ata_submit(fd, &c, data, sizeof(data), WS_HEALTH_TIMEOUT_MS, &s);
	if (r < 0)
		return r;
	ws_smart_cmd(&c, SMART_READ_THRESHOLDS); /* obsolete since ACS-2, still answered */
	have_thr = ws_ata_submit(fd, &c, thr, sizeof(thr), WS_HEALTH_TIMEOUT_MS, &s) == 0;
	return ws_smart_parse(data, have_thr ? thr : NULL, h);
}
