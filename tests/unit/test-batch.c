/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-batch.c - several wipes at once (ws_batch) on image files: each ends with its own
 * result, the caller's progress and before_erase hooks see the caller's userdata, and one
 * wipe can be aborted while the others finish. The images are read back, not asked.
 *
 * The cases: three wipes at once on image files all finish; one of them aborted by its own cancel
 * flag while the others finish.
 */
#include <check.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <wipeseal/wipeseal.h>

#include "batch-internal.h"

#include "front.h"
#include "testutil.h"

#define N       3
#define IMGSIZE (8u << 20)

static struct ws_ctx *ctx;
static char *dir, *image[N];

struct hooks {
	atomic_uint progress, before;
};

static void setup(void)
{
	static char block[1 << 16];

	memset(block, 0xAA, sizeof(block));
	ck_assert_int_eq(ws_ctx_new(&ctx), 0);
	dir = test_tmpdir("batch");
	for (int i = 0; i < N; i++) {
		int fd;

		ck_assert_int_ge(asprintf(&image[i], "%s/disk%d.img", dir, i), 0);
		fd = open(image[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		ck_assert_int_ge(fd, 0);
		for (size_t off = 0; off < IMGSIZE; off += sizeof(block))
			ck_assert_int_eq(pwrite(fd, block, sizeof(block), (off_t)off),
			                 (ssize_t)sizeof(block));
		close(fd);
	}
}

static void teardown(void)
{
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	for (int i = 0; i < N; i++)
		free(image[i]);
	free(dir);
	ctx = ws_ctx_free(ctx);
}

/* How many bytes of the image are not zero: read back with plain read(). */
static size_t nonzero_bytes(const char *path)
{
	static unsigned char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t found = 0;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			found += buf[i] != 0;
	ck_assert_int_eq(n, 0);
	close(fd);
	return found;
}

static void on_progress(void *userdata, const struct ws_progress *p)
{
	(void)p;
	atomic_fetch_add(&((struct hooks *)userdata)->progress, 1);
}

static void on_before_erase(void *userdata)
{
	atomic_fetch_add(&((struct hooks *)userdata)->before, 1);
}

/* Run a batch of clear wipes over every image; @cancel[i] set aborts wipe i from the start. */
static void run_batch(struct ws_batch_item *items, struct hooks *hooks, atomic_bool *cancel,
                      struct ws_plan *plan)
{
	struct ws_batch *b = NULL;
	char *why = NULL;

	for (int i = 0; i < N; i++) {
		struct ws_target *t = NULL;

		ck_assert_msg(
		    ws_gate_open(ctx, image[i], WS_GATE_NAMED | WS_GATE_WRITE, &t, &why) == 0,
		    "%s: %s", image[i], why);
		items[i] = (struct ws_batch_item){ .ctx = ctx, .target = t, .plan = plan };
		items[i].opts = (struct ws_wipe_opts){
			.progress = on_progress,
			.userdata = &hooks[i],
			.before_erase = on_before_erase,
			.cancel = &cancel[i],
			.progress_interval_ms = 1,
		};
	}
	ck_assert_int_eq(ws_batch_start(items, N, &b), 0);
	while (ws_batch_wait(b, 100) > 0)
		;
	for (int i = 0; i < N; i++)
		ck_assert(ws_batch_item_done(b, (size_t)i));
	ck_assert(!ws_batch_item_done(b, N)); /* out of range */
	ws_batch_free(b);
}

static void free_items(struct ws_batch_item *items)
{
	for (int i = 0; i < N; i++) {
		ws_result_free(items[i].result);
		ws_target_free(items[i].target);
	}
}

START_TEST(test_all_finish)
{
	struct ws_batch_item items[N];
	struct hooks hooks[N] = { 0 };
	atomic_bool cancel[N] = { false, false, false };
	struct ws_plan *plan = NULL;
	char *why = NULL;

	ck_assert_int_eq(ws_plan_parse("clear", 1, &plan, &why), 0);
	plan->verify = WS_VERIFY_FULL;
	run_batch(items, hooks, cancel, plan);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(items[i].error, 0);
		ck_assert_ptr_nonnull(items[i].result);
		ck_assert_int_eq(items[i].result->status, WS_STATUS_SUCCESS);
		ck_assert_int_eq(cli_result_exit_code(items[i].result), WS_EXIT_OK);
		ck_assert_uint_eq(atomic_load(&hooks[i].before), 1); /* once, after the line */
		ck_assert_uint_gt(atomic_load(&hooks[i].progress), 0);
		ck_assert_uint_eq(nonzero_bytes(image[i]), 0);
	}
	free_items(items);
	ws_plan_free(plan);
}
END_TEST

START_TEST(test_one_aborted_others_finish)
{
	struct ws_batch_item items[N];
	struct hooks hooks[N] = { 0 };
	atomic_bool cancel[N] = { false, true, false };
	struct ws_plan *plan = NULL;
	char *why = NULL;

	ck_assert_int_eq(ws_plan_parse("clear", 1, &plan, &why), 0);
	plan->verify = WS_VERIFY_NONE;
	run_batch(items, hooks, cancel, plan);
	ck_assert_ptr_nonnull(items[1].result);
	ck_assert_int_eq(items[1].result->status, WS_STATUS_ABORTED);
	ck_assert_int_eq(cli_result_exit_code(items[1].result), WS_EXIT_FAILED);
	ck_assert_int_eq(cli_result_exit_code(NULL), WS_EXIT_FAILED); /* never started */
	ck_assert_uint_eq(nonzero_bytes(image[1]), IMGSIZE);          /* aborted before a write */
	for (int i = 0; i < N; i += 2) {
		ck_assert_int_eq(items[i].result->status, WS_STATUS_SUCCESS);
		ck_assert_uint_eq(nonzero_bytes(image[i]), 0);
	}
	free_items(items);
	ws_plan_free(plan);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("images");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_all_finish);
	tcase_add_test(tc, test_one_aborted_others_finish);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
