/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/device.h - what a drive is, what is on it, and what holds it.
 *
 * A struct ws_device is a snapshot of one whole-disk block device or one disk image file:
 * its identity (from udev's database where there is one, from sysfs where there is not),
 * its contents (from libblkid), what the running system does with it (mounts, swap,
 * device-mapper/MD/LVM holders) and the verdict of the safety gate's rules on it.
 * The snapshot never changes after it is made; describe the device again for fresh facts.
 */
#ifndef WIPESEAL_DEVICE_H
#define WIPESEAL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <wipeseal/technique.h>

struct ws_ctx;

/* What kind of object a struct ws_device describes. */
enum ws_device_kind {
	WS_DEVICE_DISK, /* a whole-disk block device (devtype "disk") */
	WS_DEVICE_FILE, /* a regular file holding a disk image */
};

/* Where the identity facts (model, serial, ...) came from. */
enum ws_facts_source {
	WS_SOURCE_UDEV,  /* udev's database, with sysfs filling what it lacks */
	WS_SOURCE_SYSFS, /* sysfs only: no udev database (containers, early boot) */
	WS_SOURCE_FILE,  /* stat() of a regular file */
};

/*
 * Erase methods a device supports, as bits of struct ws_device.methods: the overwrite methods
 * in bits 0-7, each firmware technique at WS_TECH_BIT() of its enum ws_technique (the one
 * list of techniques, wipeseal/technique.h). The firmware names below spell those bits for
 * the probes that set them; a new technique needs no line here.
 */
enum ws_method_bit {
	WS_METHOD_CLEAR = 1u << 0,     /* one pass of zeros (the default) */
	WS_METHOD_ZERO = 1u << 1,      /* zeros, --passes times */
	WS_METHOD_ONE = 1u << 2,       /* 0xFF */
	WS_METHOD_RANDOM = 1u << 3,    /* AES-256-CTR keystream */
	WS_METHOD_PATTERN = 1u << 4,   /* pattern:HEX, repeated */
	WS_METHOD_DOD_3PASS = 1u << 5, /* 0x00, 0xFF, random */
	/* firmware techniques (NVMe), from Identify Controller */
	WS_METHOD_NVME_SANITIZE_CRYPTO = WS_TECH_BIT(WS_TECH_NVME_SANITIZE_CRYPTO), /* SANICAP 0 */
	WS_METHOD_NVME_SANITIZE_BLOCK = WS_TECH_BIT(WS_TECH_NVME_SANITIZE_BLOCK),   /* SANICAP 1 */
	WS_METHOD_NVME_SANITIZE_OVERWRITE =
	    WS_TECH_BIT(WS_TECH_NVME_SANITIZE_OVERWRITE),                       /* SANICAP 2 */
	WS_METHOD_NVME_FORMAT_CRYPTO = WS_TECH_BIT(WS_TECH_NVME_FORMAT_CRYPTO), /* OACS 1, FNA 2 */
	WS_METHOD_NVME_FORMAT_USER_DATA = WS_TECH_BIT(WS_TECH_NVME_FORMAT_USER_DATA), /* OACS 1 */
	/* ATA SANITIZE through SAT (IDENTIFY DEVICE word 59) */
	WS_METHOD_ATA_SANITIZE_CRYPTO = WS_TECH_BIT(WS_TECH_ATA_SANITIZE_CRYPTO),       /* bit 13 */
	WS_METHOD_ATA_SANITIZE_BLOCK = WS_TECH_BIT(WS_TECH_ATA_SANITIZE_BLOCK),         /* bit 15 */
	WS_METHOD_ATA_SANITIZE_OVERWRITE = WS_TECH_BIT(WS_TECH_ATA_SANITIZE_OVERWRITE), /* 14 */
	/* SCSI SANITIZE (REPORT SUPPORTED OPERATION CODES, 48h service actions) */
	WS_METHOD_SCSI_SANITIZE_CRYPTO = WS_TECH_BIT(WS_TECH_SCSI_SANITIZE_CRYPTO),       /* 03h */
	WS_METHOD_SCSI_SANITIZE_BLOCK = WS_TECH_BIT(WS_TECH_SCSI_SANITIZE_BLOCK),         /* 02h */
	WS_METHOD_SCSI_SANITIZE_OVERWRITE = WS_TECH_BIT(WS_TECH_SCSI_SANITIZE_OVERWRITE), /* 01h */
	/* ATA Security feature set (IDENTIFY DEVICE word 128) */
	WS_METHOD_ATA_SECURE_ERASE = WS_TECH_BIT(WS_TECH_ATA_SECURE_ERASE), /* bit 0: supported */
	WS_METHOD_ATA_SECURE_ERASE_ENHANCED =
	    WS_TECH_BIT(WS_TECH_ATA_SECURE_ERASE_ENHANCED), /* bit 5: enhanced supported */
};
/* Every overwrite technique: what any writable device supports. */
#define WS_METHODS_OVERWRITE                                                                       \
	(WS_METHOD_CLEAR | WS_METHOD_ZERO | WS_METHOD_ONE | WS_METHOD_RANDOM | WS_METHOD_PATTERN | \
	 WS_METHOD_DOD_3PASS)

/* Protected media a device carries (ws_gate_protect()), as bits of struct
 * ws_device.protected_by. Any of them makes it ineligible. */
enum ws_protected_bit {
	/* a file system with the protected label: the station's data stick */
	WS_PROTECTED_LABEL = 1u << 0,
	/* an ISO 9660 file system whose volume set ID is the protected build ID: the image */
	WS_PROTECTED_BUILD_ID = 1u << 1,
	/* media are protected and its contents could not be probed: it cannot be told apart */
	WS_PROTECTED_UNREADABLE = 1u << 2,
};

/* A file system (or other superblock) found by libblkid. Any field may be NULL. */
struct ws_fs_info {
	char *type;  /* "ext4", "vfat", "swap", "LVM2_member", ... */
	char *label; /* as stored, escaped on output */
	char *uuid;
};

/* One entry of the partition table. */
struct ws_partition {
	unsigned number;      /* 1-based, as the kernel numbers it */
	char *node;           /* "/dev/sda1" when the kernel made one, else NULL */
	uint64_t start_bytes; /* offset from the start of the disk */
	uint64_t size_bytes;
	char *type;           /* table's type: "0x83" (dos) or a GPT type GUID */
	struct ws_fs_info fs; /* what is inside it */
};

/* A mount of the device, of one of its partitions, or of something stacked on them. */
struct ws_mount {
	char *source;     /* kernel name of the mounted block device: "sda1", "dm-0" */
	char *mountpoint; /* as in mountinfo, octal escapes decoded */
	char *fstype;
};

/* A block device stacked on the disk or one of its partitions (holders/ in sysfs). */
struct ws_holder {
	char *name;  /* "dm-0", "md127" */
	char *kind;  /* "device-mapper", "LVM", "dm-crypt", "multipath", "MD", "other" */
	char *label; /* the device-mapper name ("vg0-root"), or NULL */
	char *via;   /* the partition (or the disk itself) it sits on: "sda2" */
};

/* A NULL-terminated-free list of strings. */
struct ws_strv {
	char **v;
	size_t n;
};

/* What an NVMe namespace's controller says of itself (Identify Controller and Namespace). */
struct ws_nvme_info {
	bool present; /* the device answered NVME_IOCTL_ID and Identify */
	uint32_t nsid;
	uint16_t cntlid;
	uint16_t oacs;           /* bit 1: Format NVM supported */
	uint32_t sanicap;        /* bit 0 crypto, 1 block, 2 overwrite, 29 NDI, 31:30 NODMMAS */
	uint8_t fna;             /* bit 0 format all NS, 1 secure erase all NS, 2 crypto format */
	uint8_t dlfeat;          /* bits 2:0: what deallocated blocks read as (1 zeros, 2 0xFF) */
	uint8_t flbas;           /* the namespace's LBA format (3:0 + 6:5), metadata (4) */
	uint8_t dps;             /* protection information type (2:0), location (3) */
	uint32_t namespaces[16]; /* active namespace IDs on the controller */
	size_t n_namespaces;
	/* the NVM subsystem's NQN (Identify Controller SUBNQN, else the controller's
	 * subsysnqn in sysfs; "" when neither says): what a Sanitize reaches */
	char subnqn[257];
};

/* What a SATA drive (also behind a SAT bridge) says in IDENTIFY DEVICE. */
struct ws_ata_info {
	bool present;              /* IDENTIFY DEVICE answered through ATA PASS-THROUGH */
	bool passthrough_rejected; /* SG_IO works but the bridge refuses ATA PASS-THROUGH */
	bool security_supported, security_enabled, security_locked, security_frozen;
	bool enhanced_erase_supported;
	uint16_t erase_minutes, enhanced_erase_minutes; /* words 89/90, 0 when not reported */
	bool sanitize_supported, sanitize_crypto, sanitize_block, sanitize_overwrite;
	bool sanitize_frozen;        /* SANITIZE FREEZE LOCK in force: until a power cycle */
	bool hpa_supported;          /* word 82 bit 10 */
	bool dco_supported;          /* word 83 bit 11 */
	bool lba48;                  /* the 48-bit Address feature set (word 83 bit 10) */
	uint32_t sector_size;        /* bytes per logical sector (words 106, 117-118): what
					every count here counts */
	uint64_t accessible_sectors; /* what the host may address: IDENTIFY words 100-103, or
					60-61 without 48-bit addressing */
	uint64_t native_sectors;     /* READ NATIVE MAX ADDRESS (EXT) + 1; 0 when unknown */
	uint64_t dco_sectors;        /* DEVICE CONFIGURATION IDENTIFY's maximum + 1; 0 unknown */
	bool trim_reads_zeros;       /* word 69 bits 14 and 5: trimmed blocks read as zeros */
};

/* What a SCSI (SAS) drive reports of SANITIZE. */
struct ws_scsi_info {
	bool probed; /* REPORT SUPPORTED OPERATION CODES answered */
	bool sanitize_overwrite, sanitize_block, sanitize_crypto;
};

/*
 * What stands between the host and the medium, when a controller does (src/lib/controller.c,
 * from sysfs only: the SCSI host's proc_name, the SCSI address, the drivers' own attributes,
 * the PCI domain). A RAID controller's logical volume is a disk the controller makes of its
 * physical drives: writing every block of the volume reaches the drives only through the
 * controller's mapping, and no firmware erase reaches them at all (docs/methods.md, "Drives
 * behind controllers"). Strings are "" when the driver does not tell.
 */
struct ws_controller_info {
	bool behind_controller; /* a RAID/HBA driver's SCSI host, or an Intel VMD domain */
	bool vmd;               /* an NVMe drive in an Intel VMD PCI domain (its NVMe commands
	                           reach it as ever) */
	bool logical_volume;    /* a logical volume (RAID array) the controller made */
	bool passthrough;       /* a physical drive the controller passes through (HBA/JBOD) */
	char driver[32]; /* "megaraid_sas", "hpsa", "smartpqi", "aacraid", "mpt3sas", "vmd" */
	char vendor[64]; /* the controller's, as its driver's host attributes say */
	char model[64];
	char raid_level[32];   /* as the driver says it: "RAID 1(+0)", "RAID-5", "raid1", "RAID1" */
	char scsi_address[32]; /* H:C:T:L, "" for VMD */
};

struct ws_device {
	enum ws_device_kind kind;
	enum ws_facts_source source;
	char *path;   /* "/dev/sda" or the image file's path as named */
	char *name;   /* kernel name "sda"; NULL for files */
	dev_t devnum; /* 0 for files */
	/* The kernel's disk sequence number (sysfs diskseq, BLKGETDISKSEQ): a new one for every
	 * disk that appears and every medium change, never reused until reboot. 0 for files
	 * and where the kernel has none. With devnum, what says "this is the medium shown". */
	uint64_t diskseq;
	dev_t file_dev; /* an image file's file system and inode (0 for block devices) */
	ino_t file_ino;
	char *model; /* trimmed; NULL when the device reports none */
	char *vendor;
	char *serial;
	char *wwn;
	char *firmware;
	uint64_t size_bytes;
	uint32_t logical_sector_size;
	uint32_t physical_sector_size;
	const char *transport; /* "nvme", "sata", "sas", "scsi", "usb", "virtio", "mmc", "loop",
				  "file", ... (static string) */
	int rotational;        /* 1, 0, or -1 when unknown */
	bool removable;
	bool read_only;
	bool is_virtual; /* loop, dm, md, zram, ram, nbd: not a physical drive */

	/* What is on it (libblkid). */
	char *pt_type; /* "gpt", "dos", or NULL */
	char *pt_uuid;
	struct ws_fs_info fs; /* a file system on the whole device (no table) */
	struct ws_partition *partitions;
	size_t n_partitions;
	char *probe_error; /* why the contents could not be read, or NULL */
	/* Protected media on it (enum ws_protected_bit; 0 when none, or none are protected):
	 * found on the whole device and in every partition, in every signature libblkid
	 * finds, not only in the one an unambiguous probe reports. */
	unsigned protected_by;
	unsigned protected_partition; /* where the label is: its partition, 0 the device */

	/* What the running system does with it. */
	struct ws_mount *mounts;
	size_t n_mounts;
	struct ws_strv swaps; /* kernel names (or files) of active swap on it */
	struct ws_holder *holders;
	size_t n_holders;
	char *loop_backing_file;    /* for an attached loop device */
	struct ws_strv backs_loops; /* loop devices attached to it (an image file, by inode) or
				       over it or its partitions (a disk), as "/dev/loopN" */
	/* Use through what it is built on or shares, one line each: the disk under a loop
	 * device in use, another loop device over the same file, a lock another program
	 * holds on an image file. */
	struct ws_strv used_through;
	bool holds_root;
	bool holds_boot;

	/* The safety gate's rules applied to the facts above (see wipeseal/gate.h). */
	bool eligible;
	struct ws_strv ineligible_reasons;
	unsigned methods; /* enum ws_method_bit */
	struct ws_nvme_info nvme;
	struct ws_ata_info ata;
	struct ws_scsi_info scsi;
	struct ws_controller_info controller;
};

/*
 * ws_device_describe() - take a snapshot of one device or image file.
 * @path: a block device node (or a symlink to one, such as /dev/disk/by-id/...), or a
 *        regular file.
 * @ret: receives the snapshot; free it with ws_device_free().
 *
 * A partition is described as its whole disk would not be: kind DISK, with the reason
 * "is a partition of sda" among its ineligible_reasons.
 *
 * Return: 0; -ENOENT when @path does not exist; -ENOTBLK when it is neither a block device
 * nor a regular file; -ENODEV when it is a block device sysfs does not know; -ENOMEM.
 */
int ws_device_describe(struct ws_ctx *ctx, const char *path, struct ws_device **ret);

/* ws_device_free() - release a snapshot; NULL is fine. Return: NULL. */
struct ws_device *ws_device_free(struct ws_device *dev);

/*
 * ws_device_confirm_token() - what the operator must type to confirm writing to @dev:
 * the serial number of a physical drive that reports one, otherwise the path.
 */
const char *ws_device_confirm_token(const struct ws_device *dev);

/*
 * ws_device_same_medium() - whether two snapshots describe the same medium: an image by its
 * file system and inode; a block device by its device number and disk sequence number,
 * and where both report them, the same serial number and WWN (and, when either has no
 * disk sequence number, the same size).
 * @why: receives what differs (for the reason), when not NULL and the answer is false.
 */
bool ws_device_same_medium(const struct ws_device *a, const struct ws_device *b, char *why,
                           size_t len);

/*
 * ws_controller_describe() - what stands before @dev's medium, in a few words for a list:
 * "logical volume (megaraid_sas)", "pass-through (mpt3sas)", "behind Intel VMD", or "" when
 * no controller does. Return: @buf.
 */
const char *ws_controller_describe(const struct ws_device *dev, char *buf, size_t len);

/* ws_method_name() - the --method name of one bit of struct ws_device.methods, or NULL. */
const char *ws_method_name(unsigned bit);

/* A list of snapshots, in kernel-name order for scans, in the order added otherwise. */
struct ws_device_list;

/* Flags of ws_device_list_scan(). */
enum ws_scan_flags {
	WS_SCAN_ALL = 1u << 0, /* also virtual (loop, dm, ...) and ineligible devices */
};

/*
 * ws_device_list_new() - an empty list, to fill with ws_device_list_add_path().
 * Return: 0 or -ENOMEM.
 */
int ws_device_list_new(struct ws_device_list **ret);

/*
 * ws_device_list_scan() - find every whole-disk block device (libudev: subsystem "block",
 * devtype "disk"; a sysfs walk where a fixture root is set) and append its snapshot.
 * @flags: enum ws_scan_flags. Without WS_SCAN_ALL only physical, eligible drives are kept.
 * Unattached loop devices are never listed.
 *
 * Return: the number of devices appended, or a negative errno.
 */
int ws_device_list_scan(struct ws_ctx *ctx, struct ws_device_list *list, unsigned flags);

/*
 * ws_device_list_add_path() - describe @path (see ws_device_describe()) and append it.
 * Return: 0 or the negative errno of ws_device_describe().
 */
int ws_device_list_add_path(struct ws_ctx *ctx, struct ws_device_list *list, const char *path);

/* ws_device_list_count() - number of snapshots in @list. */
size_t ws_device_list_count(const struct ws_device_list *list);

/* ws_device_list_get() - the @i-th snapshot (owned by the list), or NULL past the end. */
const struct ws_device *ws_device_list_get(const struct ws_device_list *list, size_t i);

/* ws_device_list_free() - release the list and its snapshots; NULL is fine. Return: NULL. */
struct ws_device_list *ws_device_list_free(struct ws_device_list *list);

/*
 * ws_device_list_to_json() - the list as the JSON document of `wipeseal list --json`:
 * {"devices": [ {...}, ... ]}, keys documented in docs/json.md.
 * @pretty: indent for humans.
 * @ret: receives a NUL-terminated UTF-8 string; free() it.
 *
 * Return: 0 or -ENOMEM.
 */
int ws_device_list_to_json(const struct ws_device_list *list, int pretty, char **ret);

#endif
