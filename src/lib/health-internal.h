/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * health-internal.h - the drive's health either side of an erase (health.c, smart.c) and the
 * record of every command sent to erase it (commands.c): what NIST SP 800-88 Rev. 2 counts as
 * verification evidence and asks to be named exactly.
 */
#ifndef WS_HEALTH_INTERNAL_H
#define WS_HEALTH_INTERNAL_H

#include "transport-internal.h"

struct json_object;

/* ---- health.c ------------------------------------------------------------------------------ */

#define WS_HEALTH_SOURCE_NVME "NVMe SMART / Health Information log"
#define WS_HEALTH_SOURCE_ATA  "ATA SMART READ DATA"
#define WS_HEALTH_TIMEOUT_MS  10000u /* a health read never holds a wipe up longer */

/* Every field "not read" (-1), @read false, @error 0. */
void ws_health_init(struct ws_health *h);
/*
 * ws_health_read() - the health of @dev through the transport it answered on, into @h (the
 * time, the source; or @read false and @error: -EOPNOTSUPP when nothing carries a health
 * log - loop devices, image files, SCSI without SAT, an ATA drive without SMART). Never
 * fails the caller: it only records.
 */
void ws_health_read(int fd, const struct ws_device *dev, struct ws_health *h);
/* The NVMe SMART / Health Information log (LID 02h, 512 bytes) decoded into @h. */
void ws_nvme_health_parse(const uint8_t *log, struct ws_health *h);
/* HEALTH as docs/result.md gives it (the certificate's too); NULL when @h was not read. */
struct json_object *ws_health_json(const struct ws_health *h);
/* Why @h was not read, one line (static); NULL when it was. */
const char *ws_health_unavailable(const struct ws_health *h);

/* ---- smart.c: ATA SMART (ACS-3 7.48 SMART; the data structures as smartmontools reads them) */

#define WS_SMART_DATA_LEN 512

/* SMART READ DATA (@data) and, when not NULL, READ THRESHOLDS (@thresholds), 512 bytes each,
 * into @h's attributes. Return: 0; -EBADMSG when @data fails its checksum (byte 511 makes
 * the sum of all 512 bytes 0). Thresholds failing theirs are left unread (0). */
int ws_smart_parse(const uint8_t *data, const uint8_t *thresholds, struct ws_health *h);
/* The attribute's name as smartmontools' drivedb names it by default ("Reallocated_Sector_Ct");
 * an attribute of the other kind of drive (@rotational 1 HDD, 0 SSD, -1 unknown) or none:
 * "Unknown_HDD_Attribute", "Unknown_SSD_Attribute", "Unknown_Attribute". */
const char *ws_smart_attr_name(uint8_t id, int rotational);
/* The three SMART commands (B0h with FEATURE D0h, D1h, DAh; LBA mid/high 4Fh/C2h). */
void ws_smart_cmd(struct ws_ata_cmd *c, uint8_t feature);
/* SMART RETURN STATUS's answer: 1 passed (4Fh/C2h), 0 threshold exceeded (F4h/2Ch), -1. */
int ws_smart_status_of(const struct ws_sense *s);
/* The ATA transport's health op (transport-internal.h). */
int ws_ata_health(int fd, const struct ws_device *dev, struct ws_health *h);

/* ---- commands.c: what was sent to erase ----------------------------------------------------- */

/* An NVMe admin command as its 64-byte submission queue entry (NVMe Base 2.0, "Common Command
 * Format"): opcode byte 0, NSID bytes 7:4, CDW10-15 bytes 63:40; the command identifier and
 * the data pointer are the kernel's, recorded as zeros. */
void ws_cmd_nvme(struct ws_command_record *rec, const char *name, uint8_t opcode, uint32_t nsid,
                 uint32_t cdw10, uint32_t cdw11);
/* An ATA command as the ATA PASS-THROUGH(16) CDB that carries it (ws_ata_pt16()). */
void ws_cmd_ata(struct ws_command_record *rec, const char *name, const struct ws_ata_cmd *c);
/* A SCSI command as its CDB. */
void ws_cmd_scsi(struct ws_command_record *rec, const char *name, const uint8_t *cdb, size_t len);
/* The decoded parameters, printf-style, into @rec->parameters. */
void ws_cmd_params(struct ws_command_record *rec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append @rec (its status and time as sent; a time of 0 is stamped now) to @res's commands;
 * the first WS_MAX_COMMANDS are kept. A record with no bytes was never sent: ignored. */
void ws_result_add_command(struct ws_result *res, const struct ws_command_record *rec);
/* The result's commands as docs/result.md gives them ([] for a host overwrite). */
struct json_object *ws_commands_json(const struct ws_result *res);
/* result.c: the result's areas (an eMMC's user area, boot partitions, RPMB) as docs/result.md
 * gives them. */
struct json_object *ws_areas_json(const struct ws_result *res);

/* The ATA SANITIZE DEVICE (B4h) command @c decoded: feature, signature, count. */
void ws_cmd_ata_sanitize_params(struct ws_command_record *rec, const struct ws_ata_cmd *c);
/* The NVMe Sanitize CDW10/CDW11 decoded (NVMe Base 2.0 Sanitize; EMVS of 2.1). */
void ws_cmd_nvme_sanitize_params(struct ws_command_record *rec, uint32_t cdw10, uint32_t cdw11);
/* The NVMe Format NVM CDW10 decoded. */
void ws_cmd_nvme_format_params(struct ws_command_record *rec, uint32_t nsid, uint32_t cdw10);
/* The SCSI SANITIZE CDB @cdb and its parameter list decoded. */
void ws_cmd_scsi_sanitize_params(struct ws_command_record *rec, const uint8_t *cdb,
                                 const uint8_t *params, size_t n_params);

/* The commands as sent: the transports' command ops (the Sanitize that start() sends), the
 * Format NVM of ws_nvme_format(), the security commands and SET MAX ADDRESS of ata.c. */
void ws_cmd_nvme_sanitize_record(const struct ws_device *dev, enum ws_technique t,
                                 struct ws_command_record *rec);
void ws_cmd_nvme_format_record(const struct ws_nvme_info *n, int ses,
                               struct ws_command_record *rec);
void ws_cmd_ata_sanitize_record(const struct ws_device *dev, enum ws_technique t,
                                struct ws_command_record *rec);
void ws_cmd_scsi_sanitize_record(const struct ws_device *dev, enum ws_technique t,
                                 struct ws_command_record *rec); /* scsi.c */
/* @control: the data block's word 0; @note stands for the password (NULL: no data block). */
void ws_cmd_ata_security(struct ws_command_record *rec, const struct ws_ata_cmd *c,
                         uint16_t control, const char *note);
void ws_cmd_ata_set_max(struct ws_command_record *rec, const struct ws_ata_cmd *c, bool lba48);

#endif
