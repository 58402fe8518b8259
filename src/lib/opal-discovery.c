/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opal-discovery.c - TCG Level 0 Discovery: what a self-encrypting drive says of itself before
 * anyone authenticates (TCG Storage Architecture Core Specification 2.01, 3.3.6): which
 * Security Subsystem Class it implements, whether locking is enabled and a range locked, the
 * MBR shadow, media encryption, and where it has the feature, its data removal mechanism.
 *
 * Where the kernel offers it, the response comes through its sed-opal interface
 * (IOC_OPAL_DISCOVERY, Linux 6.4), which serialises with the kernel's own Opal sessions. An
 * older kernel gives only the flags of IOC_OPAL_GET_STATUS (Linux 6.0); the raw response then
 * comes from SECURITY PROTOCOL IN (protocol 01h, ComID 0001h) through SG_IO, which libata
 * turns into TRUSTED RECEIVE for an ATA drive, or from NVMe Security Receive (admin 82h) on a
 * namespace. The parser trusts none of the bytes: every descriptor is read only where it fits
 * inside both the buffer and the length the header states.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include "opal-internal.h"
#include "purge-internal.h"

/* ---- the parser ------------------------------------------------------------------------------ */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* The Security Subsystem Classes: their feature codes and names. */
static const struct {
	uint16_t code;
	const char *name;
} sscs[] = {
	{ WS_OPAL_FC_OPAL2, "Opal 2" },
	{ WS_OPAL_FC_OPAL1, "Opal 1" },
	{ WS_OPAL_FC_RUBY, "Ruby" },
	{ WS_OPAL_FC_OPALITE, "Opalite" },
	{ WS_OPAL_FC_PYRITE2, "Pyrite 2" },
	{ WS_OPAL_FC_PYRITE1, "Pyrite 1" },
	{ WS_OPAL_FC_ENTERPRISE, "Enterprise" },
};

/* An SSC feature (base ComID in bytes 4-5 of each, Opal SSC 2.01 Table 6 and its siblings);
 * the first SSC of the table's order wins where a drive reports several. */
static void ssc_feature(struct ws_opal_info *o, uint16_t code, const uint8_t *d, size_t dlen)
{
	size_t mine = ELEMENTSOF(sscs), theirs = ELEMENTSOF(sscs);

	for (size_t i = 0; i < ELEMENTSOF(sscs); i++) {
		if (sscs[i].code == code)
			mine = i;
		if (o->ssc && sscs[i].code == o->ssc_feature)
			theirs = i;
	}
	if (mine == ELEMENTSOF(sscs) || mine > theirs)
		return;
	o->ssc = sscs[mine].name;
	o->ssc_feature = code;
	o->base_comid = dlen >= 6 ? be16(d + 4) : 0;
}

/* Data Removal Mechanism (Pyrite SSC 2.00 Table 8): byte 5 bit 0 processing, byte 6 the
 * supported mechanisms, byte 7 bit n the unit of mechanism n's time (0: 2 s, 1: 2 min),
 * bytes 8-19 the times (big-endian words). */
static void data_removal(struct ws_opal_info *o, const uint8_t *d, size_t dlen)
{
	if (dlen < 8)
		return;
	o->removal_reported = true;
	o->removal_processing = d[5] & 0x01;
	o->removal_mechanisms = d[6] & 0x3f;
	for (unsigned i = 0; i < WS_OPAL_REMOVAL_MECHANISMS && 8 + 2 * i + 2 <= dlen; i++) {
		uint32_t t = be16(d + 8 + 2 * i);

		o->removal_seconds[i] = (d[7] >> i) & 1 ? t * 120u : t * 2u;
	}
}

/* One feature descriptor, @dlen bytes from its code on (header included). */
static void feature(struct ws_opal_info *o, bool *tper, const uint8_t *d, size_t dlen)
{
	uint16_t code = be16(d);

	switch (code) {
	case WS_OPAL_FC_TPER:
		*tper = true;
		break;
	case WS_OPAL_FC_LOCKING:
		if (dlen < 5)
			break;
		o->locking_supported = d[4] & WS_OPAL_LOCKING_SUPPORTED;
		o->locking_enabled = d[4] & WS_OPAL_LOCKING_ENABLED;
		o->locked = d[4] & WS_OPAL_LOCKED;
		o->media_encryption = d[4] & WS_OPAL_MEDIA_ENCRYPTION;
		o->mbr_enabled = d[4] & WS_OPAL_MBR_ENABLED;
		o->mbr_done = d[4] & WS_OPAL_MBR_DONE;
		break;
	case WS_OPAL_FC_GEOMETRY: /* Opal SSC 2.01 Table 5 */
		if (dlen >= 32) {
			o->logical_block_size = be32(d + 12);
			o->alignment_granularity = be64(d + 16);
		}
		break;
	case WS_OPAL_FC_SINGLE_USER:
		o->single_user_mode = true;
		break;
	case WS_OPAL_FC_DATA_REMOVAL:
		data_removal(o, d, dlen);
		break;
	default:
		ssc_feature(o, code, d, dlen);
		break;
	}
}

int ws_opal_parse_level0(const uint8_t *buf, size_t len, struct ws_opal_info *ret)
{
	struct ws_opal_info o = { 0 };
	bool tper = false;
	size_t end, pos = WS_OPAL_L0_HEADER_LEN;

	if (!buf || len < WS_OPAL_L0_HEADER_LEN)
		return -EBADMSG;
	/* "Length of Parameter Data": the bytes after the length field itself */
	end = (size_t)be32(buf) + 4u;
	if (end > len)
		end = len;
	while (pos + 4 <= end) {
		size_t dlen = 4u + buf[pos + 3];

		if (pos + dlen > end)
			break; /* a descriptor that does not fit: nothing of it is read */
		feature(&o, &tper, buf + pos, dlen);
		pos += dlen;
	}
	if (!tper)
		return -ENODATA;
	o.present = true;
	*ret = o;
	return 0;
}

const char *ws_tcg_status_name(int status)
{
	static const char *const names[] = {
		[0x00] = "SUCCESS",
		[0x01] = "NOT_AUTHORIZED",
		[0x03] = "SP_BUSY",
		[0x04] = "SP_FAILED",
		[0x05] = "SP_DISABLED",
		[0x06] = "SP_FROZEN",
		[0x07] = "NO_SESSIONS_AVAILABLE",
		[0x08] = "UNIQUENESS_CONFLICT",
		[0x09] = "INSUFFICIENT_SPACE",
		[0x0a] = "INSUFFICIENT_ROWS",
		[0x0c] = "INVALID_PARAMETER",
		[0x0f] = "TPER_MALFUNCTION",
		[0x10] = "TRANSACTION_FAILURE",
		[0x11] = "RESPONSE_OVERFLOW",
		[0x12] = "AUTHORITY_LOCKED_OUT",
	};

	if (status == WS_TCG_FAIL)
		return "FAIL";
	if (status >= 0 && (size_t)status < ELEMENTSOF(names) && names[status])
		return names[status];
	return "unknown status";
}

/* ---- where the response comes from ------------------------------------------------------------ */

/* SECURITY PROTOCOL IN (SPC-4 6.40): protocol 01h, ComID 0001h, through SG_IO. */
static int security_protocol_in(int fd, uint8_t *buf, size_t len)
{
	struct ws_sg_args a = { .cdb_len = 12, .dir = WS_SG_FROM_DEV, .data = buf, .len = len };
	int r;

	a.cdb[0] = 0xa2;
	a.cdb[1] = 0x01; /* SECURITY PROTOCOL: TCG */
	a.cdb[2] = 0x00; /* SECURITY PROTOCOL SPECIFIC: ComID 0001h, Level 0 Discovery */
	a.cdb[3] = 0x01;
	a.cdb[6] = (uint8_t)(len >> 24);
	a.cdb[7] = (uint8_t)(len >> 16);
	a.cdb[8] = (uint8_t)(len >> 8);
	a.cdb[9] = (uint8_t)len;
	r = ws_sg_submit(fd, &a);
	if (r < 0)
		return r;
	return a.status == 0 && a.host_status == 0 ? 0 : -EOPNOTSUPP;
}

/* NVMe Security Receive (nvme.c): SECP 01h, SPSP ComID 0001h. */
static int nvme_security_receive(int fd, uint8_t *buf, size_t len)
{
	return ws_nvme_security_receive(fd, 0x01, 0x0001, buf, (uint32_t)len);
}

/* The kernel's flags (IOC_OPAL_GET_STATUS), laid over what the raw response said. */
static void status_flags(int fd, struct ws_opal_info *o)
{
	struct opal_status st = { 0 };

	if (ioctl(fd, IOC_OPAL_GET_STATUS, &st) != 0)
		return;
	o->locking_supported = st.flags & OPAL_FL_LOCKING_SUPPORTED;
	o->locking_enabled = st.flags & OPAL_FL_LOCKING_ENABLED;
	o->locked = st.flags & OPAL_FL_LOCKED;
	o->mbr_enabled = st.flags & OPAL_FL_MBR_ENABLED;
	o->mbr_done = st.flags & OPAL_FL_MBR_DONE;
}

int ws_opal_discover(int fd, bool nvme, bool raw, struct ws_opal_info *ret)
{
	uint8_t buf[WS_OPAL_L0_MAX];
	struct opal_discovery d = { .data = (uint64_t)(uintptr_t)buf, .size = sizeof(buf) };
	struct opal_status st = { 0 };
	int r;

	memset(buf, 0, sizeof(buf));
	r = ioctl(fd, IOC_OPAL_DISCOVERY, &d);
	if (r >= 0) {
		r = ws_opal_parse_level0(buf, sizeof(buf), ret);
		if (r < 0)
			return -ENODEV;
		ret->source = "sed-opal";
		return 0;
	}
	/* no IOC_OPAL_DISCOVERY: the kernel predates it, or has no Opal support for the disk */
	if (!raw || (ioctl(fd, IOC_OPAL_GET_STATUS, &st) == 0 && !(st.flags & OPAL_FL_SUPPORTED)))
		return -ENODEV; /* not asked; or the kernel asked the drive already: no Opal */
	memset(buf, 0, sizeof(buf));
	r = nvme ? nvme_security_receive(fd, buf, sizeof(buf))
	         : security_protocol_in(fd, buf, sizeof(buf));
	if (r < 0 || ws_opal_parse_level0(buf, sizeof(buf), ret) < 0)
		return -ENODEV;
	ret->source = "security-receive";
	status_flags(fd, ret);
	return 0;
}
