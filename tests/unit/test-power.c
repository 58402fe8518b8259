/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-power.c - the suspend cycle of `wipeseal unfreeze`, against a sysfs made of plain
 * files: what it writes where, and that it refuses where the machine cannot suspend to RAM
 * or wake itself. The test never suspends anything.
 *
 * The cases: ws_suspend_cycle() writes the RTC alarm and then `mem`, in that order, and refuses,
 * with its reason, a machine whose /sys/power/state lacks `mem` or that has no RTC wake alarm. Not
 * covered: the suspend itself, and whether drives come back unfrozen.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static struct ws_ctx *fake_sys(const char *dir, const char *states, bool rtc)
{
	struct ws_ctx *ctx = NULL;

	ck_assert_int_eq(
	    test_sh(NULL, "mkdir -p '%s/power' && echo '%s' > '%s/power/state'", dir, states, dir),
	    0);
	if (rtc)
		ck_assert_int_eq(test_sh(NULL,
		                         "mkdir -p '%s/class/rtc/rtc0' && : > "
		                         "'%s/class/rtc/rtc0/wakealarm'",
		                         dir, dir),
		                 0);
	ck_assert_int_eq(ws_ctx_new(&ctx), 0);
	ck_assert_int_eq(ws_ctx_set_root(ctx, WS_ROOT_SYS, dir), 0);
	return ctx;
}

START_TEST(test_suspend_writes_alarm_then_mem)
{
	char *dir = test_tmpdir("power"), *out = NULL;
	struct ws_ctx *ctx = fake_sys(dir, "freeze mem disk", true);

	ck_assert_int_eq(ws_suspend_cycle(ctx, 7, NULL), 0);
	ck_assert_int_eq(
	    test_sh(&out, "cat '%s/class/rtc/rtc0/wakealarm' '%s/power/state'", dir, dir), 0);
	ck_assert_str_eq(out, "+7mem");
	free(out);
	ws_ctx_free(ctx);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	free(dir);
}
END_TEST

START_TEST(test_refusals)
{
	char *dir = test_tmpdir("power"), *why = NULL;
	struct ws_ctx *ctx = fake_sys(dir, "freeze disk", true);

	ck_assert_int_eq(ws_suspend_cycle(ctx, 5, &why), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "cannot suspend to RAM"));
	free(why);
	ws_ctx_free(ctx);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	ctx = fake_sys(dir, "freeze mem", false);
	why = NULL;
	ck_assert_int_eq(ws_suspend_cycle(ctx, 5, &why), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "no RTC wake alarm"));
	free(why);
	ws_ctx_free(ctx);
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("power");
	TCase *tc = tcase_create("suspend cycle");

	tcase_add_test(tc, test_suspend_writes_alarm_then_mem);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
