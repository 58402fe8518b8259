/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transport-internal.h - SCSI and ATA commands (sg.c, ata.c, scsi.c) and the firmware
 * sanitize operations every transport offers to purge.c.
 */
#ifndef WS_TRANSPORT_INTERNAL_H
#define WS_TRANSPORT_INTERNAL_H

#include "wipe-internal.h"

/* ---- sg.c ---------------------------------------------------------------------------------- */

enum ws_sg_dir { WS_SG_NONE, WS_SG_FROM_DEV, WS_SG_TO_DEV };

struct ws_sg_args {
	uint8_t cdb[16];
	size_t cdb_len;
	enum ws_sg_dir dir;
	void *data;
	size_t len;
	unsigned timeout_ms; /* 0: 60 s */
	/* what the device answered */
	uint8_t status; /* SCSI status (2: CHECK CONDITION) */
	uint16_t host_status;
	uint8_t sense[64];
	size_t sense_len;
	int resid;
};

/* Deliver one command (SG_IO). Return: 0 when it reached the device (see status/sense),
 * or a negative errno. */
int ws_sg_submit(int fd, struct ws_sg_args *a);

struct ws_sense {
	uint8_t key, asc, ascq;
	bool progress_valid;
	uint16_t progress; /* of 65536 */
	bool ata_valid;    /* an ATA Status Return descriptor came back */
	bool ata_extend;   /* ... with the 48-bit registers (its EXTEND bit) */
	uint8_t ata_status, ata_error, ata_device;
	uint16_t ata_count; /* 7:0 only without EXTEND */
	uint64_t ata_lba;   /* 23:0 only without EXTEND: 27:24 are then in ata_device 3:0 */
};

/* Decode @a's sense data (fixed or descriptor format); a descriptor that does not fit inside
 * the sense data (sense_len, the buffer, and the device's ADDITIONAL SENSE LENGTH) is
 * ignored. */
void ws_sense_decode(const struct ws_sg_args *a, struct ws_sense *s);

enum ws_ata_protocol { WS_ATA_NON_DATA = 3, WS_ATA_PIO_IN = 4, WS_ATA_PIO_OUT = 5 };

struct ws_ata_cmd {
	enum ws_ata_protocol protocol;
	uint8_t command;
	uint16_t features, count;
	uint64_t lba;
	uint8_t device;
	bool lba28; /* a 28-bit command: EXTEND 0, LBA 27:24 go into DEVICE 3:0 */
};

/* ata.c: one ATA command through SAT (ATA PASS-THROUGH(16)), @ret the sense decoded.
 * Return: 0, -EOPNOTSUPP when the path refuses ATA PASS-THROUGH, -EREMOTEIO when the drive
 * aborted it, another negative errno. */
int ws_ata_submit(int fd, const struct ws_ata_cmd *c, void *data, size_t len, unsigned timeout_ms,
                  struct ws_sense *ret);

/* Build an ATA PASS-THROUGH(16) CDB (and direction) into @a. */
void ws_ata_pt16(struct ws_sg_args *a, const struct ws_ata_cmd *c);

/* ---- the transport interface -------------------------------------------------------------- */

/*
 * A transport is how firmware erases reach a drive: NVMe admin commands (nvme.c), ATA commands
 * carried in SCSI (SAT, ata.c) or SCSI's own (scsi.c). Each is one const table of operations,
 * as redis's rio backends are, so that the code that drives an erase (sanitize.c, purge.c,
 * hidden.c) never asks which transport it holds: what differs between them is in the table,
 * as an operation or as a behaviour flag. Adding a transport is one file with one table.
 */

/* What a status query found. */
struct ws_fw_status {
	enum ws_firmware_state state;
	uint16_t progress;      /* of 65536, while running */
	uint32_t estimate_s;    /* the device's estimate for the technique, 0 unknown */
	uint16_t status_word;   /* NVMe SSTAT, ATA SANITIZE STATUS COUNT, SCSI sense key */
	uint32_t detail_word;   /* NVMe SCDW10, ATA LBA, SCSI ASC << 8 | ASCQ */
	int running_action;     /* the action code of the erase in progress, as the transport
				    numbers it (NVMe SANACT), -1 when the status does not say */
	bool other_action;      /* it says, and the erase in progress is not the one asked */
	int global_data_erased; /* NVMe SSTAT Global Data Erased; -1 when there is none */
	uint8_t raw[512];
	size_t raw_len;
};

/* How a transport behaves, as bits of struct ws_transport_ops.flags. */
enum ws_transport_flag {
	/* a failed sanitize stays failed until it is cleared explicitly (NVMe: Sanitize with
	 * SANACT Exit Failure Mode); without the flag a new sanitize may simply be started */
	WS_TRANSPORT_FAILURE_STICKY = 1u << 0,
	/* the drive keeps no record of a finished sanitize: idle after running is its
	 * "completed" (SCSI: REQUEST SENSE says nothing once the sanitize is over) */
	WS_TRANSPORT_IDLE_AFTER_RUNNING_IS_DONE = 1u << 1,
};

struct purge;

struct ws_transport_ops {
	const char *name; /* "NVMe", "ATA", "SCSI": results and messages say it */
	unsigned flags;   /* enum ws_transport_flag */
	/* Fill what the transport knows about @dev and the firmware methods it advertises. */
	void (*probe)(struct ws_ctx *ctx, struct ws_device *dev);
	/* The drive's sanitize status. Return: 0 with @ret filled, or a negative errno
	 * (@ret_devstatus: the device's status, when it answered). */
	int (*status)(int fd, enum ws_technique t, struct ws_fw_status *ret, int *ret_devstatus);
	/* Start sanitize technique @t. Return: 0 started; 1 when one already runs (follow
	 * it); a negative errno (-EREMOTEIO: the device refused, @ret_devstatus says why). */
	int (*start)(int fd, enum ws_technique t, int *ret_devstatus);
	/* Carry out technique @t whose command returns only when the erase is done (NVMe
	 * Format NVM, ATA SECURITY ERASE UNIT). NULL: the transport has none. Return: 0, or a
	 * negative errno with the result's status set. */
	int (*erase)(struct purge *p);
	/* What @dev says its media read as after a crypto erase: a byte value, or -1 when it
	 * does not say. NULL: it never says. */
	int (*erased_byte)(const struct ws_device *dev);
	/* What @dev's media must read as after technique @t when it is not a crypto erase (a
	 * block erase, a sanitize overwrite with pattern 0, a format): a byte value. NULL:
	 * zeros. */
	uint8_t (*blank_byte)(const struct ws_device *dev, enum ws_technique t);
	/* Before a wipe: make every sector of @t addressable (an ATA host protected area) or
	 * record why not, into @h (@keep: leave it hidden, on the operator's word). NULL when
	 * nothing can hide. Return: 0, or a negative errno (@h says what is known). */
	int (*prepare_hidden)(struct ws_ctx *ctx, struct ws_target *t, bool keep,
	                      struct ws_hidden_result *h, struct ws_command_record *ret_cmd);
	/* The drive's health (NVMe SMART / Health log, ATA SMART) into @ret, within
	 * WS_HEALTH_TIMEOUT_MS. NULL: the transport has none (SCSI). Return: 0, or a negative
	 * errno (-EOPNOTSUPP: the drive has no health log). */
	int (*health)(int fd, const struct ws_device *dev, struct ws_health *ret);
	/* The command start() sends for technique @t, as bytes and decoded parameters, into
	 * @ret (health-internal.h). NULL: not recorded. */
	void (*command)(const struct ws_device *dev, enum ws_technique t,
	                struct ws_command_record *ret);
};

extern const struct ws_transport_ops ws_nvme_transport;
extern const struct ws_transport_ops ws_ata_transport;
extern const struct ws_transport_ops ws_scsi_transport;
extern const struct ws_transport_ops ws_mmc_transport; /* mmc.c */

/* transport.c: the transport that carries firmware technique @t, NULL for none. */
const struct ws_transport_ops *ws_transport_for(enum ws_technique t);
/* transport.c: the transport @dev answered on (for hidden areas), NULL for none. */
const struct ws_transport_ops *ws_transport_of(const struct ws_device *dev);

/* ---- hidden.c: what a wipe cannot reach unless it is made addressable ---------------------- */

/* Before a wipe: the transport of @t's device makes hidden areas addressable, or records them
 * as kept (@keep), into @h; the command that did it into @ret_cmd (no bytes: none was sent).
 * Nothing happens where nothing can hide. */
void ws_hidden_prepare(struct ws_ctx *ctx, struct ws_target *t, bool keep,
                       struct ws_hidden_result *h, struct ws_command_record *ret_cmd);
/* After the transport changed the addressable size: the kernel told (sd rescan), the size
 * read again from @fd into @h (accessible_after, restored). */
void ws_hidden_reread(struct ws_ctx *ctx, const struct ws_device *d, int fd,
                      struct ws_hidden_result *h);
/* After the wipe: a SUCCESS that left a hidden area unerased against the plan is FAILED. */
void ws_hidden_verdict(struct ws_result *res);
/* The size of what @fd reaches now (block device or file). Return: 0 or a negative errno. */
int ws_size_now(int fd, uint64_t *ret);

/* ata.c: the Security feature set. Passwords are 32 bytes. */
#define WS_ATA_PASSWORD_BYTES 32
int ws_ata_security_state(int fd, struct ws_ata_info *ret);
/* SET PASSWORD (user), ERASE PREPARE, ERASE UNIT (normal or enhanced), waiting up to
 * @timeout_s for the erase. The password must be on record before this is called.
 * @ret_cmds: the three commands as sent (a record with no bytes was not sent; never the
 * password: @password_note stands for it), or NULL. */
#define WS_ATA_SECURE_ERASE_COMMANDS 3
int ws_ata_secure_erase(int fd, bool enhanced, const uint8_t *password, unsigned timeout_s,
                        int *ret_devstatus, struct ws_command_record *ret_cmds,
                        const char *password_note);
/* UNLOCK and DISABLE PASSWORD with the user password: what `wipeseal unlock` does. */
int ws_ata_security_unlock(int fd, const uint8_t *password, int *ret_devstatus);

/* ata.c: READ NATIVE MAX ADDRESS (EXT), then at once SET MAX ADDRESS (EXT) to that maximum,
 * volatile (COUNT bit 0 clear): the hidden area is addressable until the next power cycle,
 * which brings the owner's maximum back. 48-bit commands when @lba48, else the 28-bit ones.
 * @ret_native_sectors: the native maximum + 1 that was set (may be NULL).
 * @ret_cmd: the SET MAX ADDRESS (EXT) as sent (no bytes: not sent), or NULL.
 * Return: 0; -EREMOTEIO when the drive aborted either (@ret_devstatus: its ERROR register);
 * another negative errno. */
int ws_ata_restore_native_max(int fd, bool lba48, uint64_t *ret_native_sectors, int *ret_devstatus,
                              struct ws_command_record *ret_cmd);

/* ata.c, the pieces of the above, for tests: the two commands, and the native maximum LBA in
 * the registers READ NATIVE MAX returned. */
void ws_ata_read_native_max_cmd(struct ws_ata_cmd *c, bool lba48);
void ws_ata_set_max_cmd(struct ws_ata_cmd *c, bool lba48, uint64_t max_lba);
uint64_t ws_ata_native_max_lba(const struct ws_sense *s, bool lba48);

/* ata.c: the SANITIZE DEVICE (B4h) command that starts technique @t (feature code, the LBA
 * signature, overwrite's COUNT). Return: 0, or -EINVAL for a technique that is not ATA's. */
int ws_ata_sanitize_cmd(struct ws_ata_cmd *c, enum ws_technique t);

/* ata.c: fill dev->ata (and model, serial, firmware: the drive's own strings win) from the
 * 512 bytes of IDENTIFY DEVICE data. Any bytes are safe. */
void ws_ata_parse_identify(struct ws_device *dev, const uint8_t *id);

/* ata.c, scsi.c: fill dev->ata / dev->scsi and the firmware methods. */
void ws_ata_probe(struct ws_ctx *ctx, struct ws_device *dev);
void ws_scsi_probe(struct ws_ctx *ctx, struct ws_device *dev);

#endif
