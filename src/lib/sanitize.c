/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sanitize.c - the sanitize loop: start a drive's sanitize, or find one to follow, and watch
 * it to its end through the transport's status query, whatever the transport.
 *
 * Before: the status (a sanitize already running is followed, not restarted; where a failure
 * is sticky it must be cleared first). During: the status polled at a bounded interval, the
 * drive's progress reported, the drive out of reach (a controller reset) tolerated for up to
 * MAX_LOST_S, a deadline from the drive's own estimate. Success only on a transition to
 * "completed" seen after our command: a drive sanitized years ago also says "completed".
 *
 * Time comes from the purge's clock (purge-run.h), so that the unit tests drive every outcome
 * (never started, running, done, failed, lost, timed out) with a fake transport in
 * milliseconds.
 */
#include <errno.h>
#include <string.h>

#include "health-internal.h"
#include "purge-run.h"

#define MAX_LOST_S     60  /* how long the status may be out of reach (a controller reset) */
#define MIN_DEADLINE_S 600 /* a firmware erase is given at least this long */
#define FIRST_LOOK_MS  10  /* the first look at once: a short sanitize must be seen running */

/* The drive's progress (of 65536) as bytes of the device, the ETA from its own estimate. */
static void report_progress(struct purge *p, uint16_t progress)
{
	uint32_t est = p->res->firmware.estimate_s;

	ws_purge_report(p, WS_PHASE_WRITE, p->io->size / 65536 * progress, p->io->size);
	if (est && est != UINT32_MAX && p->opts->progress) {
		p->prog.eta = (double)est * (65536.0 - progress) / 65536.0;
		p->opts->progress(p->opts->userdata, &p->prog);
	}
}

/* The status just read becomes the result's evidence. */
static void keep_status(struct purge *p, const struct ws_fw_status *st)
{
	struct ws_firmware_result *fw = &p->res->firmware;

	fw->log_valid = true;
	fw->transport = p->ops->name;
	fw->keeps_no_record = p->ops->flags & WS_TRANSPORT_IDLE_AFTER_RUNNING_IS_DONE;
	fw->state = st->state;
	memset(fw->log_raw, 0, sizeof(fw->log_raw));
	memcpy(fw->log_raw, st->raw,
	       st->raw_len < sizeof(fw->log_raw) ? st->raw_len : sizeof(fw->log_raw));
	fw->status_word = st->status_word;
	fw->progress = st->progress;
	fw->detail_word = st->detail_word;
	fw->global_data_erased = st->global_data_erased;
}

/* A sanitize is already running. Return: 0 to follow it, or <0 with the status set. */
static int follow_running(struct purge *p, const struct ws_fw_status *st)
{
	/* follow it, do not restart it; but only when it is what was asked for (where the
	 * status says which action runs: NVMe's SCDW10; ATA and SCSI do not say) */
	if (ws_purge_erases_nothing(p->res->technique) || st->other_action) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "another sanitize (SANACT %d) is running: let it finish, "
		                     "then run again",
		                     st->running_action < 0 ? 0 : st->running_action);
		return -EBUSY;
	}
	p->res->firmware.followed = true;
	return 0;
}

/* Start the sanitize, or find one to follow. Return: 0 to poll, 1 when done (no polling),
 * or <0 with the result's status set. */
static int start_sanitize(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	enum ws_technique t = p->res->technique;
	struct ws_fw_status st;
	struct ws_command_record rec = { 0 };
	int status = 0, r = p->ops->status(p->io->fd, t, &st, &status);

	if (r < 0) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "cannot read the drive's sanitize status (%s, %s status 0x%x)",
		                     strerror(-r), p->ops->name, status);
		return r;
	}
	keep_status(p, &st);
	fw->status_word_before = st.status_word;
	fw->state_before = st.state;
	fw->estimate_s = st.estimate_s;
	if (st.state == WS_FIRMWARE_RUNNING)
		return follow_running(p, &st);
	/* a sticky failure stays until told to leave it; elsewhere a new sanitize is taken */
	if (st.state == WS_FIRMWARE_FAILED && (p->ops->flags & WS_TRANSPORT_FAILURE_STICKY) &&
	    !ws_purge_erases_nothing(t)) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive's previous sanitize failed: clear it with --method "
		                     "nvme-sanitize-exit-failure, then sanitize again");
		return -EIO;
	}
	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before the sanitize was sent");
		return -ECANCELED;
	}
	p->command_ns = ws_purge_now(p);
	if (p->ops->command) /* the exact command, for the certificate */
		p->ops->command(p->dev, t, &rec);
	r = p->ops->start(p->io->fd, t, &status);
	rec.status = status;
	ws_result_add_command(p->res, &rec);
	fw->command_status = status;
	fw->ran = true;
	if (r == 1) { /* one was running after all: follow that one */
		fw->followed = true;
		p->command_ns = 0;
		return 0;
	}
	if (r < 0) {
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "the drive refused the sanitize command (%s, %s status 0x%x)%s", strerror(-r),
		    p->ops->name, status,
		    p->dev->ata.sanitize_frozen ? ": it is frozen; power-cycle or re-plug it" : "");
		return r;
	}
	return ws_purge_erases_nothing(t) ? 1 : 0;
}

static unsigned deadline_s(const struct purge *p)
{
	uint32_t est = p->res->firmware.estimate_s;

	if (p->opts->firmware_timeout_s)
		return p->opts->firmware_timeout_s;
	if (est == 0 || est == UINT32_MAX || est > UINT32_MAX / 3)
		return 48 * 3600; /* no estimate: two days, the longest a drive has taken */
	return est * 3 > MIN_DEADLINE_S ? est * 3 : MIN_DEADLINE_S;
}

/* A status that is not "running". Return: 0 on an observed completion, 1 to keep polling
 * (no sanitize on record yet, where the drive keeps a record), or <0 with the status set. */
static int judge_end(struct purge *p, const struct ws_fw_status *st, bool running_seen)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	bool idle_is_done = p->ops->flags & WS_TRANSPORT_IDLE_AFTER_RUNNING_IS_DONE;

	if (st->state == WS_FIRMWARE_FAILED) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive reports that the sanitize failed");
		return -EIO;
	}
	/* "completed" proves something only as the end of what we watched (a transport that
	 * keeps no record: idle after running is its "completed") */
	if (st->state == WS_FIRMWARE_DONE || idle_is_done) {
		if (running_seen ||
		    (st->state == WS_FIRMWARE_DONE && fw->state_before != WS_FIRMWARE_DONE)) {
			fw->transition_seen = true;
			ws_purge_time_completion(p);
			return 0;
		}
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the drive reports no sanitize running, and none was "
		                     "seen running after our command");
		return -EIO;
	}
	return 1; /* never run, on a transport that keeps a record: not yet started */
}

/* Poll until the drive reports the end. Return: 0 on an observed completion. */
static int follow_sanitize(struct purge *p)
{
	unsigned interval = p->opts->poll_interval_ms ? p->opts->poll_interval_ms : 1000;
	int64_t lost_since = 0, limit = ws_purge_now(p) + (int64_t)deadline_s(p) * 1000000000;
	bool running_seen = p->res->firmware.followed, first = true;

	for (;;) {
		struct ws_fw_status st;
		int status = 0, r;

		if (ws_purge_cancelled(p)) {
			/* the drive goes on regardless (it survives resets and power cycles) */
			ws_result_set_status(p->res, WS_STATUS_ABORTED,
			                     "stopped watching on request; the drive's sanitize "
			                     "continues and must be checked again");
			return -ECANCELED;
		}
		ws_purge_sleep(p, first ? FIRST_LOOK_MS : interval);
		first = false;
		if (p->ops->status(p->io->fd, p->res->technique, &st, &status) < 0) {
			if (!lost_since)
				lost_since = ws_purge_now(p);
			if (ws_purge_now(p) - lost_since > (int64_t)MAX_LOST_S * 1000000000) {
				ws_result_set_status(
				    p->res, WS_STATUS_FAILED,
				    "lost the drive for over %d s while it sanitized", MAX_LOST_S);
				return -EIO;
			}
			continue; /* a reset: the sanitize resumes after it, keep asking */
		}
		lost_since = 0;
		keep_status(p, &st);
		if (st.state == WS_FIRMWARE_RUNNING) {
			running_seen = true;
			report_progress(p, st.progress);
		} else if ((r = judge_end(p, &st, running_seen)) <= 0) {
			return r;
		}
		if (ws_purge_now(p) > limit) {
			ws_result_set_status(p->res, WS_STATUS_FAILED,
			                     "no completion within %u s (progress at %u%%)",
			                     deadline_s(p),
			                     (unsigned)(st.progress * 100u / 65536u));
			return -ETIMEDOUT;
		}
	}
}

int ws_sanitize_run(struct purge *p)
{
	int r = start_sanitize(p);

	if (r != 0)
		return r > 0 ? 0 : r;
	return follow_sanitize(p);
}
