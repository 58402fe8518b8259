/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hidden.c - hidden areas: the part of a drive an overwrite cannot reach because the drive
 * hides it (an ATA host protected area, a DCO restriction).
 *
 * Before any wipe, the transport of the device is asked to make every sector addressable
 * (struct ws_transport_ops.prepare_hidden): for a host protected area, a volatile SET MAX
 * ADDRESS, after which the kernel is told the new size. What could not be reached, or was
 * kept hidden on the operator's word, is recorded in the result; after the wipe, a hidden
 * area left unerased against the plan turns SUCCESS into FAILED. The generic wipe engine
 * (wipe.c) knows nothing of how a transport hides sectors.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <wipeseal/gate.h>

#include "transport-internal.h"

int ws_size_now(int fd, uint64_t *ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, ret) < 0 ? -errno : 0;
	*ret = (uint64_t)st.st_size;
	return 0;
}

void ws_hidden_prepare(struct ws_ctx *ctx, struct ws_target *t, bool keep,
                       struct ws_hidden_result *h, struct ws_command_record *ret_cmd)
{
	const struct ws_transport_ops *ops = ws_transport_of(ws_target_device(t));

	if (ops && ops->prepare_hidden)
		(void)ops->prepare_hidden(ctx, t, keep, h, ret_cmd); /* @h records what happened */
}

void ws_hidden_reread(struct ws_ctx *ctx, const struct ws_device *d, int fd,
                      struct ws_hidden_result *h)
{
	uint64_t size = 0;

	if (d->name) { /* sd: have the kernel read the capacity again */
		char *p = NULL;
		int rfd;

		if ((p = ws_path(ctx, WS_ROOT_SYS, "/class/block/%s/device/rescan", d->name)) &&
		    (rfd = open(p, O_WRONLY | O_CLOEXEC)) >= 0) {
			if (write(rfd, "1", 1) != 1)
				ws_debug(ctx, "%s: rescan failed", d->path);
			close(rfd);
		}
		free(p);
	}
	h->restored = ws_size_now(fd, &size) == 0 && size >= h->native;
	h->accessible_after = size;
}

void ws_hidden_verdict(struct ws_result *res)
{
	const struct ws_hidden_result *h = &res->hidden;

	if (res->status != WS_STATUS_SUCCESS || res->dry_run)
		return;
	if (h->checked && h->native > h->accessible_before && !h->kept && !h->restored)
		ws_result_set_status(res, WS_STATUS_FAILED,
		                     "a hidden area (HPA) of %llu bytes could not be removed and "
		                     "was not erased",
		                     (unsigned long long)(h->native - h->accessible_before));
	else if (h->dco_hidden && !h->kept)
		ws_result_set_status(
		    res, WS_STATUS_FAILED,
		    "a DCO restriction hides %llu bytes that were not erased: remove it "
		    "(DCO RESTORE, permanent) and wipe again, or destroy the medium",
		    (unsigned long long)h->dco_hidden);
}
