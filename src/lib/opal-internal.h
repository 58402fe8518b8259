/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opal-internal.h - TCG Level 0 Discovery (opal-discovery.c) and the TCG revert transport
 * (opal.c), as the rest of the library and the unit tests see them.
 */
#ifndef WS_OPAL_INTERNAL_H
#define WS_OPAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/ioctl.h>
#include <linux/sed-opal.h>

#include "transport-internal.h"

/* The kernel's uapi (include/uapi/linux/sed-opal.h, Linux 6.4 and later): the raw Level 0
 * Discovery response into a buffer of ours. Debian 12's headers (Linux 6.1) lack it. The ioctl
 * returns the length of the whole response (it may exceed @size: then only @size bytes were
 * copied). */
#ifndef IOC_OPAL_DISCOVERY
struct opal_discovery {
	__u64 data; /* user pointer */
	__u64 size; /* in: the buffer's size; out: the length of the response */
};
#define IOC_OPAL_DISCOVERY _IOW('p', 239, struct opal_discovery)
#endif

/* TCG Storage Architecture Core Specification 2.01, 3.3.6 Level 0 Discovery: the header, and
 * the feature codes (Opal SSC 2.01 3.1.1, Pyrite SSC 2.00 3.1.1, Opalite 1.00, Ruby 1.00). */
#define WS_OPAL_L0_HEADER_LEN 48u
#define WS_OPAL_L0_MAX        2048u /* the kernel's IO_BUFFER_LENGTH */
enum ws_opal_feature {
	WS_OPAL_FC_TPER = 0x0001,
	WS_OPAL_FC_LOCKING = 0x0002,
	WS_OPAL_FC_GEOMETRY = 0x0003,
	WS_OPAL_FC_ENTERPRISE = 0x0100,
	WS_OPAL_FC_OPAL1 = 0x0200,
	WS_OPAL_FC_SINGLE_USER = 0x0201,
	WS_OPAL_FC_DATASTORE = 0x0202,
	WS_OPAL_FC_OPAL2 = 0x0203,
	WS_OPAL_FC_OPALITE = 0x0301,
	WS_OPAL_FC_PYRITE1 = 0x0302,
	WS_OPAL_FC_PYRITE2 = 0x0303,
	WS_OPAL_FC_RUBY = 0x0304,
	WS_OPAL_FC_BLOCK_SID = 0x0402,
	WS_OPAL_FC_DATA_REMOVAL = 0x0404,
};
/* Locking feature byte 4 (Opal SSC 2.01 Table 4) */
#define WS_OPAL_LOCKING_SUPPORTED 0x01
#define WS_OPAL_LOCKING_ENABLED   0x02
#define WS_OPAL_LOCKED            0x04
#define WS_OPAL_MEDIA_ENCRYPTION  0x08
#define WS_OPAL_MBR_ENABLED       0x10
#define WS_OPAL_MBR_DONE          0x20

/* TCG Core 2.01, 5.1.5 Method Status Codes: what the kernel returns as a positive ioctl
 * result when the drive refused a method. */
enum ws_tcg_status {
	WS_TCG_SUCCESS = 0x00,
	WS_TCG_NOT_AUTHORIZED = 0x01,
	WS_TCG_SP_BUSY = 0x03,
	WS_TCG_SP_FAILED = 0x04,
	WS_TCG_SP_DISABLED = 0x05,
	WS_TCG_SP_FROZEN = 0x06,
	WS_TCG_NO_SESSIONS_AVAILABLE = 0x07,
	WS_TCG_INVALID_PARAMETER = 0x0c,
	WS_TCG_TPER_MALFUNCTION = 0x0f,
	WS_TCG_AUTHORITY_LOCKED_OUT = 0x12,
	WS_TCG_FAIL = 0x3f,
};

/* opal-discovery.c: decode the Level 0 Discovery response @buf (@len bytes) into @ret (every
 * field but source). Any bytes are safe: a descriptor that does not fit is not read.
 * Return: 0; -ENODATA when it holds no TPer feature (no TCG drive); -EBADMSG when even the
 * header does not fit. */
int ws_opal_parse_level0(const uint8_t *buf, size_t len, struct ws_opal_info *ret);

/* opal-discovery.c: Level 0 Discovery of the drive behind @fd into @ret: through the kernel
 * (IOC_OPAL_DISCOVERY), else, with @raw, by SECURITY PROTOCOL IN (or NVMe Security Receive
 * when @nvme) with IOC_OPAL_GET_STATUS's flags laid over it. Return: 0, or a negative errno
 * (-ENODEV: the drive does not speak TCG). */
int ws_opal_discover(int fd, bool nvme, bool raw, struct ws_opal_info *ret);

/* opal-discovery.c: the name of a TCG method status ("NOT_AUTHORIZED", ...). */
const char *ws_tcg_status_name(int status);

/* opal.c: the revert's classification from what the drive reported before it (the @counts_as
 * of struct ws_opal_result) and whether that is a cryptographic erase. */
const char *ws_opal_counts_as(const struct ws_opal_info *o, bool *ret_crypto);

/* opal.c: for a revert that is no cryptographic erase (@counts_as), the certificate's words:
 * method_used and IEEE 2883's. Return: false for a cryptographic erase (the row's words). */
bool ws_opal_plain_words(const char *counts_as, const char **ret_method_used,
                         const char **ret_ieee2883);
/* opal.c: IEEE 2883's words for what @res did (the row's, or the drive's for a revert). */
const char *ws_result_ieee2883(const struct ws_result *res);

/* opal.c: the result's "opal" object (NULL when no revert was planned). */
struct json_object *ws_opal_result_json(const struct ws_result *res);
/* opal.c: the device's "opal" object for `list --json` (NULL when the drive is no TCG drive). */
struct json_object *ws_opal_info_json(const struct ws_opal_info *o);

/* opal.c: after a revert that is no cryptographic erase, the read-back must find zeros: a
 * block of noise fails it. Return: true when it set the result FAILED. */
bool ws_opal_judge_blank(struct ws_result *res);

extern const struct ws_transport_ops ws_opal_transport;

#endif
