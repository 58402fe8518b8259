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

/* The data removal mechanisms a drive states in TCG Level 0 Discovery (Supported Data Removal
 * Mechanism, feature 0404h, TCG Storage Pyrite SSC 2.00), as bits of
 * struct ws_opal_info.removal_mechanisms: what its revert does to user data. */
enum ws_opal_removal_bit {
	WS_OPAL_REMOVAL_OVERWRITE = 1u << 0,   /* Overwrite Data Erase */
	WS_OPAL_REMOVAL_BLOCK_ERASE = 1u << 1, /* Block Erase */
	WS_OPAL_REMOVAL_CRYPTO = 1u << 2,      /* Crypto Erase */
	WS_OPAL_REMOVAL_UNMAP = 1u << 3,       /* Unmap */
	WS_OPAL_REMOVAL_RESET_WP = 1u << 4,    /* Reset Write Pointers */
	WS_OPAL_REMOVAL_VENDOR = 1u << 5,      /* Vendor Specific Erase */
};
#define WS_OPAL_REMOVAL_MECHANISMS 6

/* What a self-encrypting drive says of itself in TCG Level 0 Discovery (opal.c). */
struct ws_opal_info {
	bool present;         /* it answered Level 0 Discovery with a TPer feature */
	const char *source;   /* "sed-opal" (the kernel's ioctls) or "security-receive" (SECURITY
			       PROTOCOL IN / NVMe Security Receive); static */
	const char *ssc;      /* "Opal 2", "Opal 1", "Opalite", "Pyrite 1", "Pyrite 2", "Ruby",
			       "Enterprise"; NULL when no SSC feature was found; static */
	uint16_t ssc_feature; /* its feature code (0203h, ...) */
	uint16_t base_comid;
	bool locking_supported, locking_enabled;
	bool locked;                /* a locking range is locked: reads and writes of it fail */
	bool mbr_enabled;           /* the MBR shadow is enabled ... */
	bool mbr_done;              /* ... and done: the real media show from LBA 0 */
	bool media_encryption;      /* the drive encrypts user data (Locking feature) */
	bool single_user_mode;      /* the Single User Mode feature (0201h) */
	bool removal_reported;      /* the Data Removal Mechanism feature (0404h) was there */
	uint8_t removal_mechanisms; /* enum ws_opal_removal_bit */
	bool removal_processing;    /* a data removal operation is in progress */
	/* the drive's estimate per mechanism (bit order of removal_mechanisms), seconds, 0
	 * when not stated */
	uint32_t removal_seconds[WS_OPAL_REMOVAL_MECHANISMS];
	uint32_t logical_block_size; /* Geometry Reporting (0003h), 0 when absent */
	uint64_t alignment_granularity;
};

/* The hardware partitions of an eMMC beside its user area (JESD84-B51 EXT_CSD). */
#define WS_MMC_BOOT_AREAS 2

/* One boot partition the kernel made a block device of: /dev/mmcblkNboot0 or boot1. */
struct ws_mmc_boot_area {
	char name[32];           /* kernel name "mmcblk0boot0" */
	char node[64];           /* its device node, "/dev/mmcblk0boot0" */
	char force_ro_path[160]; /* the sysfs attribute that keeps the kernel from writing it */
	uint64_t size_bytes;     /* as sysfs says */
	bool force_ro;           /* force_ro read 1 when described */
};

/* What an eMMC says of itself in its EXT_CSD (read with SEND_EXT_CSD, CMD8), or what the
 * kernel says of an SD card (sysfs device/type). */
struct ws_mmc_info {
	bool present;                /* an eMMC that answered SEND_EXT_CSD */
	char card_type[8];           /* sysfs device/type: "MMC", "SD", "SDIO"; "" when unknown */
	uint8_t ext_csd_rev;         /* EXT_CSD_REV [192]: 5 eMMC 4.41, 6 4.5/4.51, 7 5.0, 8 5.1 */
	uint8_t sec_feature_support; /* SEC_FEATURE_SUPPORT [231] */
	bool sec_er_en;              /* bit 0: secure erase and secure trim */
	bool sec_gb_cl_en;           /* bit 4: TRIM */
	bool sec_sanitize;           /* bit 6: SANITIZE */
	uint8_t erased_mem_cont;     /* ERASED_MEM_CONT [181]: erased memory reads 0x00 (0) or
	                                0xFF (1) */
	uint64_t sec_count;          /* SEC_COUNT [215:212]: user area in 512-byte sectors */
	bool sector_addressing;      /* CMD35/36 take sector numbers (OCR bit 30, or more than
	                                2 GiB), else byte addresses */
	uint32_t erase_group_bytes;  /* HC_ERASE_GRP_SIZE [224] x 512 KiB when ERASE_GROUP_DEF
	                                [175] bit 0, else 0 (the CSD's, not read) */
	uint8_t partition_config;    /* PARTITION_CONFIG [179] */
	uint64_t boot_size_bytes;    /* BOOT_SIZE_MULT [226] x 128 KiB, each boot partition */
	uint64_t rpmb_size_bytes;    /* RPMB_SIZE_MULT [168] x 128 KiB: no host erase reaches it */
	struct ws_mmc_boot_area boot[WS_MMC_BOOT_AREAS];
	size_t n_boot; /* boot partitions found as block devices */
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
	/* The drive's physical path, as /dev/disk/by-path names it (udev's ID_PATH, or the
	 * by-path link that points at it): "pci-0000:00:1f.2-ata-3"; NULL for virtual devices,
	 * image files and where udev names none. ws_device_bay() (wipeseal/bay.h) shortens it. */
	char *by_path;
	struct ws_opal_info opal;
	struct ws_mmc_info mmc;
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
