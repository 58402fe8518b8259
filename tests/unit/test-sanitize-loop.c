/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sanitize-loop.c - the sanitize loop (src/lib/sanitize.c) against a fake transport and a
 * fake clock: no root, no device, no LD_PRELOAD. The fake answers status queries from a script
 * (one step per query, the last repeated) and the clock moves only when the loop sleeps, so
 * hours of a drive's work pass in milliseconds.
 *
 * Cases: a sanitize started and watched to its end; one already running followed; one running
 * another action refused; never started (the drive stays silent, or says "completed" from
 * before); refused by the drive; failed (while we watched, or before, sticky or not); the drive
 * lost for a while and for too long; no completion before the deadline; a cancel.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "purge-run.h"
#include "testutil.h"

/* ---- the fake transport ------------------------------------------------------------------- */

struct step {
	int err; /* <0: the status query fails (the drive is out of reach) */
	enum ws_firmware_state state;
	uint16_t progress;
	bool other_action;
};

#define MAX_STEPS 16

static struct fake {
	struct step steps[MAX_STEPS];
	size_t n_steps, next;
	int start_rc, start_devstatus;
	unsigned starts, queries;
	int64_t now_ns;    /* the fake clock */
	uint64_t slept_ms; /* how long the loop let pass */
	unsigned reports;  /* progress callbacks */
	atomic_bool cancel;
	unsigned cancel_after_queries; /* 0: never */
} fake;

static int fake_status(int fd, enum ws_technique t, struct ws_fw_status *ret, int *ret_devstatus)
{
	const struct step *s = &fake.steps[fake.next < fake.n_steps ? fake.next : fake.n_steps - 1];

	(void)fd;
	(void)t;
	fake.next++;
	fake.queries++;
	if (fake.cancel_after_queries && fake.queries >= fake.cancel_after_queries)
		atomic_store(&fake.cancel, true);
	*ret_devstatus = 0;
	if (s->err < 0)
		return s->err;
	memset(ret, 0, sizeof(*ret));
	ret->state = s->state;
	ret->progress = s->progress;
	ret->status_word = (uint16_t)s->state;
	ret->running_action = s->other_action ? 7 : -1;
	ret->other_action = s->other_action;
	ret->global_data_erased = -1;
	ret->estimate_s = 60;
	ret->raw_len = 2;
	return 0;
}

static int fake_start(int fd, enum ws_technique t, int *ret_devstatus)
{
	(void)fd;
	(void)t;
	fake.starts++;
	*ret_devstatus = fake.start_devstatus;
	return fake.start_rc;
}

static struct ws_transport_ops fake_ops = {
	.name = "FAKE",
	.status = fake_status,
	.start = fake_start,
};

static int64_t fake_now(void *userdata)
{
	(void)userdata;
	return fake.now_ns;
}

static void fake_sleep(void *userdata, unsigned ms)
{
	(void)userdata;
	fake.now_ns += (int64_t)ms * 1000000;
	fake.slept_ms += ms;
}

static const struct ws_purge_clock fake_clock = { fake_now, fake_sleep, NULL };

static void count_report(void *userdata, const struct ws_progress *p)
{
	(void)userdata;
	(void)p;
	fake.reports++;
}

/* ---- running the loop ---------------------------------------------------------------------- */

struct run {
	struct ws_wipe_opts opts;
	struct ws_result *res;
	struct ws_io io;
	struct ws_device dev;
	struct purge p;
	int rc;
};

/* Script the fake with @steps, and set up a purge on the fake clock. */
static void run_loop(struct run *r, unsigned flags, enum ws_technique t, const struct step *steps,
                     size_t n)
{
	memset(&fake, 0, sizeof(fake));
	memcpy(fake.steps, steps, n * sizeof(*steps));
	fake.n_steps = n;
	fake.now_ns = 1000000000; /* not 0: 0 means "no command yet" */
	fake_ops.flags = flags;
	memset(r, 0, sizeof(*r));
	r->opts.progress = count_report;
	r->opts.cancel = &fake.cancel;
	r->opts.poll_interval_ms = 1000;
	r->res = calloc(1, sizeof(*r->res));
	ck_assert_ptr_nonnull(r->res);
	r->res->technique = t;
	r->res->firmware.elapsed_ms = -1;
	r->io.fd = -1;
	r->io.size = 1u << 30;
	r->p = (struct purge){ .ops = &fake_ops,
		               .opts = &r->opts,
		               .res = r->res,
		               .io = &r->io,
		               .dev = &r->dev,
		               .clock = &fake_clock };
}

static int go(struct run *r)
{
	r->rc = ws_sanitize_run(&r->p);
	return r->rc;
}

static void done_with(struct run *r)
{
	ws_result_free(r->res);
}

#define STEPS(...)                            \
	(const struct step[]){ __VA_ARGS__ }, \
	    sizeof((const struct step[]){ __VA_ARGS__ }) / sizeof(struct step)

static void assert_reason(const struct run *r, const char *needle)
{
	ck_assert_ptr_nonnull(r->res->status_reason);
	ck_assert_msg(strstr(r->res->status_reason, needle), "reason \"%s\" lacks \"%s\"",
	              r->res->status_reason, needle);
}

/* ---- the cases ----------------------------------------------------------------------------- */

START_TEST(test_running_then_done)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_NVME_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING },
	               { .state = WS_FIRMWARE_RUNNING, .progress = 20000 },
	               { .state = WS_FIRMWARE_RUNNING, .progress = 60000 },
	               { .state = WS_FIRMWARE_DONE }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert_ptr_null(r.res->status_reason);
	ck_assert_uint_eq(fake.starts, 1);
	ck_assert(r.res->firmware.ran);
	ck_assert(!r.res->firmware.followed);
	ck_assert(r.res->firmware.transition_seen);
	ck_assert_int_eq(r.res->firmware.state_before, WS_FIRMWARE_NEVER);
	ck_assert_int_eq(r.res->firmware.state, WS_FIRMWARE_DONE);
	ck_assert_uint_eq(fake.reports, 6); /* two per "running": bytes, then the ETA */
	/* the first look at once, then the poll interval */
	ck_assert_uint_eq(fake.slept_ms, 10 + 3 * 1000);
	ck_assert_int_eq(r.res->firmware.elapsed_ms, 3010);
	ck_assert(r.res->firmware.too_fast == false); /* 3 s of a 60 s estimate: not under 1% */
	done_with(&r);
}
END_TEST

/* Done at the first look, after a state before that was not "done": a short sanitize. */
START_TEST(test_done_at_once)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_NVME_SANITIZE_CRYPTO,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_DONE }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert(r.res->firmware.transition_seen);
	ck_assert(r.res->firmware.too_fast); /* 10 ms of a 60 s estimate */
	done_with(&r);
}
END_TEST

START_TEST(test_already_running_followed)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_ATA_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_RUNNING, .progress = 30000 },
	               { .state = WS_FIRMWARE_RUNNING, .progress = 40000 },
	               { .state = WS_FIRMWARE_DONE }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert_uint_eq(fake.starts, 0); /* followed, not restarted */
	ck_assert(r.res->firmware.followed);
	ck_assert(r.res->firmware.transition_seen);
	ck_assert_int_eq(r.res->firmware.elapsed_ms, -1); /* its start was not seen */
	done_with(&r);
}
END_TEST

/* The drive says at the start that one already runs: that one is followed. */
START_TEST(test_running_at_start_followed)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_SCSI_SANITIZE_CRYPTO,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING },
	               { .state = WS_FIRMWARE_DONE }));
	fake.start_rc = 1;
	ck_assert_int_eq(go(&r), 0);
	ck_assert_uint_eq(fake.starts, 1);
	ck_assert(r.res->firmware.followed);
	ck_assert(r.res->firmware.transition_seen);
	ck_assert_int_eq(r.res->firmware.elapsed_ms, -1); /* its start was not ours */
	done_with(&r);
}
END_TEST

START_TEST(test_other_action_running_refused)
{
	struct run r;

	run_loop(&r, WS_TRANSPORT_FAILURE_STICKY, WS_TECH_NVME_SANITIZE_CRYPTO,
	         STEPS({ .state = WS_FIRMWARE_RUNNING, .other_action = true }));
	ck_assert_int_eq(go(&r), -EBUSY);
	ck_assert_uint_eq(fake.starts, 0);
	assert_reason(&r, "another sanitize (SANACT 7) is running");
	done_with(&r);
}
END_TEST

/* The command was taken, the drive never starts: a transport that keeps a record polls to
 * the deadline... */
START_TEST(test_never_started_times_out)
{
	struct run r;

	run_loop(&r, WS_TRANSPORT_FAILURE_STICKY, WS_TECH_NVME_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }));
	r.opts.firmware_timeout_s = 30;
	ck_assert_int_eq(go(&r), -ETIMEDOUT);
	ck_assert_uint_eq(fake.starts, 1);
	ck_assert(!r.res->firmware.transition_seen);
	assert_reason(&r, "no completion within 30 s");
	done_with(&r);
}
END_TEST

/* ... one that keeps no record takes idle, never seen running, as a failure at once... */
START_TEST(test_never_started_idle)
{
	struct run r;

	run_loop(&r, WS_TRANSPORT_IDLE_AFTER_RUNNING_IS_DONE, WS_TECH_SCSI_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }));
	ck_assert_int_eq(go(&r), -EIO);
	assert_reason(&r, "none was seen running after our command");
	ck_assert_uint_eq(fake.queries, 2);
	done_with(&r);
}
END_TEST

/* ... while idle after running is its completion. */
START_TEST(test_idle_after_running_is_done)
{
	struct run r;

	run_loop(&r, WS_TRANSPORT_IDLE_AFTER_RUNNING_IS_DONE, WS_TECH_SCSI_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING },
	               { .state = WS_FIRMWARE_NEVER }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert(r.res->firmware.transition_seen);
	ck_assert(r.res->firmware.keeps_no_record);
	done_with(&r);
}
END_TEST

/* "Completed" from a sanitize of long ago proves nothing about ours. */
START_TEST(test_done_from_before_is_no_proof)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_ATA_SANITIZE_CRYPTO,
	         STEPS({ .state = WS_FIRMWARE_DONE }, { .state = WS_FIRMWARE_DONE }));
	ck_assert_int_eq(go(&r), -EIO);
	ck_assert(!r.res->firmware.transition_seen);
	assert_reason(&r, "none was seen running after our command");
	done_with(&r);
}
END_TEST

START_TEST(test_refused_by_drive)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_ATA_SANITIZE_BLOCK, STEPS({ .state = WS_FIRMWARE_NEVER }));
	fake.start_rc = -EREMOTEIO;
	fake.start_devstatus = 0x04;
	r.dev.ata.sanitize_frozen = true;
	ck_assert_int_eq(go(&r), -EREMOTEIO);
	assert_reason(&r, "the drive refused the sanitize command");
	assert_reason(&r, "FAKE status 0x4): it is frozen");
	ck_assert_int_eq(r.res->firmware.command_status, 4);
	done_with(&r);
}
END_TEST

START_TEST(test_failed_while_watched)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_NVME_SANITIZE_OVERWRITE,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING },
	               { .state = WS_FIRMWARE_FAILED }));
	ck_assert_int_eq(go(&r), -EIO);
	assert_reason(&r, "the drive reports that the sanitize failed");
	ck_assert(!r.res->firmware.transition_seen);
	done_with(&r);
}
END_TEST

/* A failure from before: sticky (NVMe) refuses until it is cleared; otherwise a new sanitize
 * is simply started. */
START_TEST(test_failed_before_sticky)
{
	struct run r;

	run_loop(&r, WS_TRANSPORT_FAILURE_STICKY, WS_TECH_NVME_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_FAILED }));
	ck_assert_int_eq(go(&r), -EIO);
	ck_assert_uint_eq(fake.starts, 0);
	assert_reason(&r, "clear it with --method nvme-sanitize-exit-failure");
	done_with(&r);

	run_loop(&r, 0, WS_TECH_ATA_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_FAILED }, { .state = WS_FIRMWARE_RUNNING },
	               { .state = WS_FIRMWARE_DONE }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert_uint_eq(fake.starts, 1);
	done_with(&r);
}
END_TEST

/* Exit failure mode: sent even on a failed drive, not polled. */
START_TEST(test_exit_failure)
{
	struct run r;

	run_loop(&r, WS_TRANSPORT_FAILURE_STICKY, WS_TECH_NVME_SANITIZE_EXIT_FAILURE,
	         STEPS({ .state = WS_FIRMWARE_FAILED }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert_uint_eq(fake.starts, 1);
	ck_assert_uint_eq(fake.queries, 1);
	done_with(&r);
}
END_TEST

/* Out of reach for under a minute (a controller reset): the loop keeps asking. */
START_TEST(test_lost_briefly)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_NVME_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING },
	               { .err = -EIO }, { .err = -EIO }, { .err = -ENODEV },
	               { .state = WS_FIRMWARE_RUNNING }, { .state = WS_FIRMWARE_DONE }));
	ck_assert_int_eq(go(&r), 0);
	ck_assert(r.res->firmware.transition_seen);
	done_with(&r);
}
END_TEST

START_TEST(test_lost_beyond_the_bound)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_NVME_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING },
	               { .err = -EIO }));
	ck_assert_int_eq(go(&r), -EIO);
	assert_reason(&r, "lost the drive for over 60 s while it sanitized");
	/* asked every second, and given up only once 60 s had passed */
	ck_assert_uint_ge(fake.slept_ms, 61000);
	ck_assert_uint_le(fake.slept_ms, 63010);
	done_with(&r);
}
END_TEST

START_TEST(test_timed_out_running)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_ATA_SANITIZE_OVERWRITE,
	         STEPS({ .state = WS_FIRMWARE_NEVER },
	               { .state = WS_FIRMWARE_RUNNING, .progress = 32768 }));
	ck_assert_int_eq(go(&r), -ETIMEDOUT);
	/* no --firmware-timeout: 3x the drive's 60 s estimate, at least 600 s */
	assert_reason(&r, "no completion within 600 s (progress at 50%)");
	ck_assert_uint_ge(fake.slept_ms, 600000);
	ck_assert_uint_le(fake.slept_ms, 601010);
	done_with(&r);
}
END_TEST

START_TEST(test_cancel_while_watching)
{
	struct run r;

	run_loop(&r, 0, WS_TECH_NVME_SANITIZE_BLOCK,
	         STEPS({ .state = WS_FIRMWARE_NEVER }, { .state = WS_FIRMWARE_RUNNING }));
	fake.cancel_after_queries = 3;
	ck_assert_int_eq(go(&r), -ECANCELED);
	ck_assert_int_eq(r.res->status, WS_STATUS_ABORTED);
	assert_reason(&r, "the drive's sanitize continues");
	done_with(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sanitize-loop");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, test_running_then_done);
	tcase_add_test(tc, test_done_at_once);
	tcase_add_test(tc, test_already_running_followed);
	tcase_add_test(tc, test_running_at_start_followed);
	tcase_add_test(tc, test_other_action_running_refused);
	tcase_add_test(tc, test_never_started_times_out);
	tcase_add_test(tc, test_never_started_idle);
	tcase_add_test(tc, test_idle_after_running_is_done);
	tcase_add_test(tc, test_done_from_before_is_no_proof);
	tcase_add_test(tc, test_refused_by_drive);
	tcase_add_test(tc, test_failed_while_watched);
	tcase_add_test(tc, test_failed_before_sticky);
	tcase_add_test(tc, test_exit_failure);
	tcase_add_test(tc, test_lost_briefly);
	tcase_add_test(tc, test_lost_beyond_the_bound);
	tcase_add_test(tc, test_timed_out_running);
	tcase_add_test(tc, test_cancel_while_watching);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
