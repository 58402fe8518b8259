/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nvme-format.c - Format NVM with a Secure Erase Setting, the NVMe transport's erase: one
 * command that returns when the format is done (NVM Express Base 2.0, Format NVM; the command
 * itself is nvme.c's ws_nvme_format()). The namespace keeps its LBA format, metadata and
 * protection information; its content is gone, by user data erase or by crypto erase.
 */
#include <errno.h>
#include <string.h>

#include <libnvme.h>

#include "health-internal.h"
#include "purge-run.h"

#define DEFAULT_TIMEOUT_S (4u * 3600u) /* without --firmware-timeout: four hours */

/* The Secure Erase Setting (CDW10 bits 11:9) of technique @t, from the table. */
static int ses_of(enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);

	return i && i->action_kind == WS_ACTION_NVME_FORMAT_SES ? i->action : NVME_FORMAT_SES_NONE;
}

int ws_purge_format_nvm(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	unsigned timeout =
	    p->opts->firmware_timeout_s ? p->opts->firmware_timeout_s : DEFAULT_TIMEOUT_S;
	struct ws_command_record rec;
	int status = 0, r;

	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before Format NVM was sent");
		return -ECANCELED;
	}
	ws_purge_report(p, WS_PHASE_WRITE, 0, 1);
	fw->ran = true;
	p->command_ns = ws_purge_now(p);
	ws_cmd_nvme_format_record(&p->dev->nvme, ses_of(p->res->technique), &rec);
	r = ws_nvme_format(p->io->fd, &p->dev->nvme, ses_of(p->res->technique), timeout * 1000u,
	                   &status);
	rec.status = status;
	ws_result_add_command(p->res, &rec);
	fw->command_status = status;
	if (r < 0) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive refused Format NVM (%s, NVMe status 0x%x)",
		                     strerror(-r), status);
		return r;
	}
	fw->transition_seen = true; /* the command returns when the format is done */
	ws_purge_time_completion(p);
	return 0;
}
