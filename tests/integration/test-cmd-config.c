/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-config.c - `wipeseal config get|check`, the way the boot image's init script
 * reads its settings: a value on stdout and exit 0, a key the file does not set exit 5 with
 * no output, a file wipeseal refuses one line on stderr and exit 2. Windows line endings,
 * comments, files that are not regular files, and every ```ini example of the docs.
 * Needs no loop device and no root: only files in a temporary directory.
 *
 * The cases: values, a key not set (exit 5), CRLF, comments, a FIFO, a directory and a device as
 * --config, and every ini example of the docs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *dir;

static char *slurp(const char *path)
{
	char *out = NULL;

	test_require(test_sh(&out, "cat '%s'", path) == 0, "cannot read %s", path);
	return out;
}

/* Run `wipeseal ARGS` (under a timeout: a FIFO must not hang it); stdout and stderr apart.
 * Return: the exit status. */
static int run(char **out, char **err, const char *args)
{
	char *o = NULL, *e = NULL;
	int r;

	test_require(asprintf(&o, "%s/out", dir) >= 0 && asprintf(&e, "%s/err", dir) >= 0,
	             "out of memory");
	r = test_sh(NULL, "cd '%s' && timeout 20 '%s' %s >'%s' 2>'%s' </dev/null", dir, WS_CLI,
	            args, o, e);
	*out = slurp(o);
	*err = slurp(e);
	free(o);
	free(e);
	return r;
}

/* Write @text (printf format: \r\n and the like) to @name in the directory. */
static void file(const char *name, const char *text)
{
	ck_assert_int_eq(test_sh(NULL, "cd '%s' && printf '%s' >'%s'", dir, text, name), 0);
}

/* `config ARGS` must print @want on stdout, nothing on stderr, and exit @code. */
static void prints(const char *args, int code, const char *want)
{
	char *out = NULL, *err = NULL, *cmd = NULL;
	int r;

	ck_assert_int_ge(asprintf(&cmd, "config %s", args), 0);
	r = run(&out, &err, cmd);
	ck_assert_msg(r == code, "%s: exit %d, want %d; stderr: %s", cmd, r, code, err);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	free(cmd);
}

/* `config ARGS` must exit 2 with nothing on stdout and one stderr line holding @needle. */
static void refuses(const char *args, const char *needle)
{
	char *out = NULL, *err = NULL, *cmd = NULL;
	int r;

	ck_assert_int_ge(asprintf(&cmd, "config %s", args), 0);
	r = run(&out, &err, cmd);
	ck_assert_msg(r == WS_EXIT_USAGE, "%s: exit %d, want 2; stderr: %s", cmd, r, err);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, needle) != NULL, "%s: stderr lacks '%s': %s", cmd, needle, err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "%s: not one line: %s", cmd, err);
	free(out);
	free(err);
	free(cmd);
}

START_TEST(test_get_prints_the_value)
{
	file("a.conf", "[operator]\\nname = \"Ada  Lovelace\"\\n[station]\\nauto = no\\n"
	               "[station]\\nauto = yes\\nwhen_done = reboot\\n");
	prints("get --config a.conf station auto", WS_EXIT_OK, "yes\n"); /* the last one wins */
	prints("get --config a.conf station when_done", WS_EXIT_OK, "reboot\n");
	prints("get --config a.conf operator name", WS_EXIT_OK, "Ada  Lovelace\n");
	prints("--config a.conf get station auto", WS_EXIT_OK, "yes\n");
	prints("check --config a.conf", WS_EXIT_OK, "a.conf: valid\n");
}
END_TEST

START_TEST(test_get_a_key_not_set)
{
	file("b.conf",
	     "[operator]\\nname = Ada\\n[station]\\n# auto = yes\\n; when_done = reboot\\n");
	prints("get --config b.conf station auto", WS_EXIT_NOT_SET, "");
	prints("get --config b.conf station when_done", WS_EXIT_NOT_SET, "");
	prints("get --config b.conf validator name", WS_EXIT_NOT_SET, "");
	/* a key wipeseal does not know is a mistake in the script, not "not set" */
	refuses("get --config b.conf station autoo",
	        "unknown key 'autoo' in [station] (see docs/config.md)");
	refuses("get --config b.conf station", "get takes SECTION KEY");
}
END_TEST

/* Saved on Windows: what the init script's own reader took for "yes\r", auto mode off. */
START_TEST(test_windows_line_endings)
{
	file("crlf.conf", "\\357\\273\\277[operator]\\r\\nname = Ada Lovelace\\r\\n\\r\\n"
	                  "[station]\\r\\nauto = yes\\r\\nwhen_done = poweroff\\r\\n");
	prints("get --config crlf.conf station auto", WS_EXIT_OK, "yes\n");
	prints("get --config crlf.conf station when_done", WS_EXIT_OK, "poweroff\n");
	prints("get --config crlf.conf operator name", WS_EXIT_OK, "Ada Lovelace\n");
	prints("check --config crlf.conf", WS_EXIT_OK, "crlf.conf: valid\n");
}
END_TEST

/* One rule: '#' or ';' after a blank in an unquoted value is an error, never a value. */
START_TEST(test_comments)
{
	file("c.conf", "[station]\\nauto = yes # at boot\\n");
	refuses("get --config c.conf station auto",
	        "c.conf:2: '#' in the value of 'auto': a comment goes on a line of its own");
	refuses("get --config c.conf operator name", "c.conf:2: '#' in the value of 'auto'");
	refuses("check --config c.conf", "c.conf:2: '#' in the value of 'auto'");
	file("d.conf", "[station]\\nwhen_done = poweroff ; then off\\n");
	refuses("get --config d.conf station when_done", "d.conf:2: ';' in the value of");
	file("e.conf", "[operator]\\nname = \"Ada # one\"\\nlocation = room#4\\n[station]\\n"
	               "auto = Yes\\n");
	refuses("get --config e.conf operator name",
	        "e.conf:5: auto = 'Yes' in [station]: use yes or no");
	file("e.conf", "[operator]\\nname = \"Ada # one\"\\nlocation = room#4\\n");
	prints("get --config e.conf operator name", WS_EXIT_OK, "Ada # one\n");
	prints("get --config e.conf operator location", WS_EXIT_OK, "room#4\n");
}
END_TEST

START_TEST(test_not_a_regular_file)
{
	ck_assert_int_eq(test_sh(NULL, "cd '%s' && mkfifo fifo && mkdir -p d", dir), 0);
	refuses("get --config fifo station auto",
	        "configuration file fifo is a FIFO, not a regular file: name the file itself");
	refuses("check --config fifo", "is a FIFO, not a regular file");
	refuses("get --config d station auto", "configuration file d is a directory");
	refuses("get --config /dev/null station auto", "is a character device");
	refuses("get --config missing.conf station auto",
	        "configuration file missing.conf: No such file or directory");
}
END_TEST

START_TEST(test_bad_usage)
{
	refuses("", "no action given: use 'get SECTION KEY' or 'check'");
	refuses("set station auto yes", "'set' is not an action");
	refuses("check extra", "check takes no argument");
}
END_TEST

/* Every ```ini block of docs/config.md and docs/station.md, as `config check` sees it. */
START_TEST(test_docs_examples_check)
{
	char *out = NULL;
	int n = 0;

	ck_assert_int_eq(test_sh(&out,
	                         "cd '%s' && for doc in config station; do awk -v d=\"$doc\" "
	                         "'/^```ini$/ { n++; on = 1; f = d \"-\" n \".conf\"; next } "
	                         "/^```/ { on = 0 } on { print > f }' '%s/docs/'$doc.md; done "
	                         "&& ls *.conf",
	                         dir, WS_SOURCE_DIR),
	                 0);
	for (char *name = strtok(out, "\n"); name; name = strtok(NULL, "\n")) {
		char *args = NULL, *want = NULL;

		ck_assert_int_ge(asprintf(&args, "check --config %s", name), 0);
		ck_assert_int_ge(asprintf(&want, "%s: valid\n", name), 0);
		prints(args, WS_EXIT_OK, want);
		free(args);
		free(want);
		n++;
	}
	ck_assert_int_eq(n, 3); /* config.md's two and station.md's one */
	prints("get --config station-1.conf station auto", WS_EXIT_OK, "yes\n");
	prints("get --config station-1.conf station when_done", WS_EXIT_OK, "poweroff\n");
	free(out);
}
END_TEST

static void fresh_dir(void)
{
	dir = test_tmpdir("cmd-config");
}

static void drop_dir(void)
{
	(void)test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

int main(void)
{
	Suite *s = suite_create("cmd-config");
	TCase *tc = tcase_create("config get and check");

	tcase_add_checked_fixture(tc, fresh_dir, drop_dir);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_get_prints_the_value);
	tcase_add_test(tc, test_get_a_key_not_set);
	tcase_add_test(tc, test_windows_line_endings);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_not_a_regular_file);
	tcase_add_test(tc, test_bad_usage);
	tcase_add_test(tc, test_docs_examples_check);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
