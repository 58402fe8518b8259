/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nvme.c - NVMe commands through libnvme: what the controller supports, its Sanitize
 * Status log, and the Sanitize and Format NVM commands.
 *
 * Every command goes through libnvme's admin passthrough, i.e. one ioctl
 * (NVME_IOCTL_ADMIN_CMD) on the namespace's device node: the single boundary where a real
 * controller, QEMU's emulated one or tests/nvmesim answers. libnvme returns a negative
 * errno, or a positive NVMe status: we keep the two apart (style rule 3), the status going
 * into an out-field.
 */
#include <errno.h>
#include <endian.h>
#include <fcntl.h>
#include <string.h>

#include <libnvme.h>

#include "health-internal.h"
#include "purge-run.h"

/* An Identify string: space-padded, not NUL-terminated. */
static char *id_string(const char *field, size_t len)
{
	char buf[64];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, field, len);
	buf[len] = '\0';
	return strdup_trim(buf);
}

/* Split libnvme's return into errno and NVMe status. */
static int split(int r, int *ret_status)
{
	if (ret_status)
		*ret_status = r > 0 ? r : 0;
	if (r < 0)
		return errno ? -errno : -EIO;
	return r > 0 ? -EREMOTEIO : 0;
}

/* The NVM subsystem this namespace belongs to: SUBNQN (NVMe base spec, Identify Controller
 * bytes 1023:768, mandatory since 1.2.1), or what the kernel read into sysfs. */
static void subsystem_nqn(struct ws_ctx *ctx, struct ws_device *dev,
                          const struct nvme_id_ctrl *ctrl)
{
	struct ws_nvme_info *n = &dev->nvme;
	size_t len = strnlen(ctrl->subnqn, sizeof(ctrl->subnqn));

	while (len > 0 && (ctrl->subnqn[len - 1] == ' ' || ctrl->subnqn[len - 1] == '\0'))
		len--;
	if (len >= sizeof(n->subnqn))
		len = sizeof(n->subnqn) - 1;
	memcpy(n->subnqn, ctrl->subnqn, len);
	n->subnqn[len] = '\0';
	if (len == 0)
		ws_sysfs_subsysnqn(ctx, dev->name, n->subnqn, sizeof(n->subnqn));
}

void ws_nvme_probe(struct ws_ctx *ctx, struct ws_device *dev)
{
	_cleanup_close_ int fd = open(dev->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct nvme_id_ctrl ctrl;
	struct nvme_id_ns ns;
	struct nvme_ns_list list;
	struct ws_nvme_info *n = &dev->nvme;
	__u32 nsid = 0;

	if (fd < 0 || nvme_get_nsid(fd, &nsid) != 0 || nsid == 0)
		return;
	if (nvme_identify_ctrl(fd, &ctrl) != 0) {
		ws_debug(ctx, "%s: answers NVME_IOCTL_ID but not Identify", dev->path);
		return;
	}
	n->present = true;
	n->nsid = nsid;
	n->cntlid = le16toh(ctrl.cntlid);
	n->oacs = le16toh(ctrl.oacs);
	n->sanicap = le32toh(ctrl.sanicap);
	n->fna = ctrl.fna;
	subsystem_nqn(ctx, dev, &ctrl);
	if (nvme_identify_ns(fd, nsid, &ns) == 0) {
		n->dlfeat = ns.dlfeat & 0x7;
		n->flbas = ns.flbas;
		n->dps = ns.dps;
	}
	if (nvme_identify_active_ns_list(fd, 0, &list) == 0)
		for (size_t i = 0;
		     i < 1024 && n->n_namespaces < ELEMENTSOF(n->namespaces) && le32toh(list.ns[i]);
		     i++)
			n->namespaces[n->n_namespaces++] = le32toh(list.ns[i]);
	if (!dev->model)
		dev->model = id_string(ctrl.mn, sizeof(ctrl.mn));
	if (!dev->serial)
		dev->serial = id_string(ctrl.sn, sizeof(ctrl.sn));
	if (!dev->firmware)
		dev->firmware = id_string(ctrl.fr, sizeof(ctrl.fr));
	if (dev->read_only || dev->size_bytes == 0)
		return;
	/* exactly what the controller advertises (NVMe base spec, Identify Controller) */
	if (n->sanicap & NVME_CTRL_SANICAP_CES)
		dev->methods |= WS_METHOD_NVME_SANITIZE_CRYPTO;
	if (n->sanicap & NVME_CTRL_SANICAP_BES)
		dev->methods |= WS_METHOD_NVME_SANITIZE_BLOCK;
	if (n->sanicap & NVME_CTRL_SANICAP_OWS)
		dev->methods |= WS_METHOD_NVME_SANITIZE_OVERWRITE;
	if (n->oacs & NVME_CTRL_OACS_FORMAT) {
		dev->methods |= WS_METHOD_NVME_FORMAT_USER_DATA;
		if (n->fna & NVME_CTRL_FNA_CRYPTO_ERASE)
			dev->methods |= WS_METHOD_NVME_FORMAT_CRYPTO;
	}
}

int ws_nvme_sanitize_log(int fd, struct ws_sanitize_log *ret, int *ret_status)
{
	struct nvme_sanitize_log_page log;
	int r = nvme_get_log_sanitize(fd, false, &log);

	r = split(r, ret_status);
	if (r < 0)
		return r;
	memcpy(ret->raw, &log, sizeof(ret->raw));
	ret->sprog = le16toh(log.sprog);
	ret->sstat = le16toh(log.sstat);
	ret->scdw10 = le32toh(log.scdw10);
	ret->estimate[0] = le32toh(log.eto);
	ret->estimate[1] = le32toh(log.etbe);
	ret->estimate[2] = le32toh(log.etce);
	return 0;
}

int ws_nvme_sanitize_start(int fd, int sanact, uint32_t ovrpat, int *ret_status)
{
	struct nvme_sanitize_nvm_args args = {
		.args_size = sizeof(args),
		.fd = fd,
		.timeout = WS_NVME_COMMAND_TIMEOUT_MS, /* the command returns at once; the work
							  goes on in the background */
		.sanact = (enum nvme_sanitize_sanact)sanact,
		.ovrpat = ovrpat,
		.owpass = 1,
	};

	return split(nvme_sanitize_nvm(&args), ret_status);
}

int ws_nvme_format(int fd, const struct ws_nvme_info *n, int ses, uint32_t timeout_ms,
                   int *ret_status)
{
	/* FLBAS 3:0 and 6:5 the format, 4 extended metadata; DPS 2:0 PI type, 3 first bytes */
	struct nvme_format_nvm_args args = {
		.args_size = sizeof(args),
		.fd = fd,
		.timeout = timeout_ms, /* libnvme's 0 would mean the kernel's 60 s */
		.nsid = n->nsid,
		.ses = (enum nvme_cmd_format_ses)ses,
		.lbaf = (__u8)(n->flbas & 0x0f),
		.lbafu = (__u8)((n->flbas >> 5) & 0x03),
		.mset = (enum nvme_cmd_format_mset)((n->flbas >> 4) & 1),
		.pi = (enum nvme_cmd_format_pi)(n->dps & 0x07),
		.pil = (enum nvme_cmd_format_pil)((n->dps >> 3) & 1),
	};

	return split(nvme_format_nvm(&args), ret_status);
}

/* The SMART / Health Information log (LID 02h) of the whole controller (NSID FFFFFFFFh: what
 * every namespace shares), retaining asynchronous events for whoever else listens. */
static int nvme_health(int fd, const struct ws_device *dev, struct ws_health *h)
{
	uint8_t log[512] = { 0 };
	struct nvme_get_log_args args = {
		.log = log,
		.args_size = sizeof(args),
		.fd = fd,
		.timeout = WS_HEALTH_TIMEOUT_MS,
		.lid = NVME_LOG_LID_SMART,
		.len = sizeof(log),
		.nsid = NVME_NSID_ALL,
		.csi = NVME_CSI_NVM,
		.lsi = NVME_LOG_LSI_NONE,
		.lsp = NVME_LOG_LSP_NONE,
		.uuidx = NVME_UUID_NONE,
		.rae = true,
	};
	int r = split(nvme_get_log_page(fd, NVME_LOG_PAGE_PDU_SIZE, &args), NULL);

	(void)dev;
	if (r < 0)
		return r;
	ws_nvme_health_parse(log, h);
	return 0;
}

/* Sanitize CDW10 bits 2:0, SANACT (NVM Express Base 2.0, Sanitize command): libnvme names the
 * values (enum nvme_sanitize_sanact), not the field */
#define SANITIZE_CDW10_SANACT_MASK 0x7u

/* ---- the transport ------------------------------------------------------------------------- */

/* The Sanitize Action (CDW10 bits 2:0) of technique @t, from the table; 0 for none. */
static int sanact_of(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i && i->action_kind == WS_ACTION_NVME_SANACT ? i->action : 0;
}

/* SSTAT bits 2:0, the status of the most recent sanitize, as a state. */
static enum ws_firmware_state state_of(uint16_t sstat)
{
	switch ((sstat >> NVME_SANITIZE_SSTAT_STATUS_SHIFT) & NVME_SANITIZE_SSTAT_STATUS_MASK) {
	case NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS:
	case NVME_SANITIZE_SSTAT_STATUS_ND_COMPLETE_SUCCESS:
		return WS_FIRMWARE_DONE;
	case NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS: /* sic, libnvme's spelling */
		return WS_FIRMWARE_RUNNING;
	case NVME_SANITIZE_SSTAT_STATUS_COMPLETED_FAILED:
		return WS_FIRMWARE_FAILED;
	default:
		return WS_FIRMWARE_NEVER;
	}
}

static int nvme_status(int fd, enum ws_technique t, struct ws_fw_status *ret, int *ret_devstatus)
{
	struct ws_sanitize_log log;
	int r = ws_nvme_sanitize_log(fd, &log, ret_devstatus), want = sanact_of(t);

	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	memcpy(ret->raw, log.raw, sizeof(log.raw));
	ret->raw_len = sizeof(log.raw);
	ret->status_word = log.sstat;
	ret->detail_word = log.scdw10;
	ret->progress = log.sprog;
	ret->state = state_of(log.sstat);
	ret->global_data_erased = (log.sstat & NVME_SANITIZE_SSTAT_GLOBAL_DATA_ERASED) != 0;
	/* SCDW10 is the CDW10 that started the most recent sanitize: its SANACT says which */
	ret->running_action = (int)(log.scdw10 & SANITIZE_CDW10_SANACT_MASK);
	ret->other_action =
	    want && want != NVME_SANITIZE_SANACT_EXIT_FAILURE && ret->running_action != want;
	/* the Sanitize Status log's estimates: ETO, ETBE, ETCE */
	ret->estimate_s = want == NVME_SANITIZE_SANACT_START_CRYPTO_ERASE  ? log.estimate[2]
	                  : want == NVME_SANITIZE_SANACT_START_BLOCK_ERASE ? log.estimate[1]
	                                                                   : log.estimate[0];
	return 0;
}

static int nvme_start(int fd, enum ws_technique t, int *ret_devstatus)
{
	int sanact = sanact_of(t), r;

	if (!sanact)
		return -EINVAL;
	r = ws_nvme_sanitize_start(fd, sanact, 0, ret_devstatus);
	if (r == -EREMOTEIO && *ret_devstatus == NVME_SC_SANITIZE_IN_PROGRESS)
		return 1;
	return r;
}

/* What deallocated blocks read as (Identify Namespace DLFEAT bits 2:0: 1 zeros, 2 ones); our
 * Sanitize and Format let the drive deallocate. */
static int nvme_erased_byte(const struct ws_device *dev)
{
	return dev->nvme.dlfeat == 1 ? 0x00 : dev->nvme.dlfeat == 2 ? 0xff : -1;
}

/* After a Sanitize Block Erase the blocks are deallocated: they read as DLFEAT says, and a
 * drive that reads deallocated blocks as ones (DLFEAT 2) reads 0xff; every other technique
 * here leaves zeros. */
static uint8_t nvme_blank_byte(const struct ws_device *dev, enum ws_technique t)
{
	return t == WS_TECH_NVME_SANITIZE_BLOCK && dev->nvme.dlfeat == 2 ? 0xff : 0x00;
}

int ws_nvme_security_receive(int fd, uint8_t secp, uint16_t spsp, void *buf, uint32_t len)
{
	struct nvme_security_receive_args args = {
		.args_size = sizeof(args),
		.fd = fd,
		.timeout = WS_NVME_COMMAND_TIMEOUT_MS,
		.data = buf,
		.data_len = len,
		.al = len,
		.secp = secp,
		.spsp0 = (uint8_t)spsp, /* SPSP bits 7:0 (CDW10 15:08) */
		.spsp1 = (uint8_t)(spsp >> 8),
	};
	int r = nvme_security_receive(&args);

	if (r < 0)
		return -errno;
	return r == 0 ? 0 : -EREMOTEIO; /* a positive NVMe status: the drive refused */
}

const struct ws_transport_ops ws_nvme_transport = {
	.name = "NVMe",
	/* a failed sanitize puts the controller in failure mode until Exit Failure Mode */
	.flags = WS_TRANSPORT_FAILURE_STICKY,
	.probe = ws_nvme_probe,
	.status = nvme_status,
	.start = nvme_start,
	.erase = ws_purge_format_nvm,
	.erased_byte = nvme_erased_byte,
	.blank_byte = nvme_blank_byte,
	.prepare_hidden = NULL, /* a namespace hides nothing beyond its capacity */
	.health = nvme_health,
	.command = ws_cmd_nvme_sanitize_record, /* commands.c */
};
