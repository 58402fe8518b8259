/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tmuxstation.c - driving `wipeseal station` as an operator does, for the station suites:
 * a tmux server of the suite's own, keys sent with send-keys, the screen read with
 * capture-pane, waits that fail showing the last screen (see tmuxstation.h).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"
#include "tmuxstation.h"

void tmuxstation_init(void)
{
	snprintf(sock, sizeof(sock), "wipeseal-test-%d", getpid());
}

char sock[64]; /* the suite's own tmux server: -L wipeseal-test-PID */

int tmuxstation_run(Suite *s, const char *name, const char *tag)
{
	int rc;

	if (test_sh(NULL, "command -v tmux >/dev/null") != 0) {
		printf("SKIP: tmux is not installed (scripts/deps.sh installs it)\n");
		return TEST_SKIP;
	}
	simdrive_init(name, tag);
	tmuxstation_init();
	rc = test_run_suite(s);
	/* a failed test leaves its session: end it (SIGHUP aborts the station) before the
	 * scratch devices are torn down */
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 1", sock);
	return rc;
}

int tmux(const char *args)
{
	return test_sh(NULL, "tmux -L %s %s", sock, args);
}

void keys(const char *k)
{
	char *cmd = test_fmt("send-keys -t st %s", k);

	ck_assert_int_eq(tmux(cmd), 0);
	free(cmd);
}

char *screen(void)
{
	char *out = NULL;

	test_sh(&out, "tmux -L %s capture-pane -p -t st", sock);
	return out ? out : strdup("");
}

/* The screen line that mentions @what (malloc'd), or NULL. */
char *line_with(const char *scr, const char *what)
{
	const char *p = strstr(scr, what), *b, *e;

	if (!p)
		return NULL;
	for (b = p; b > scr && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

/* The screen line that mentions @what also says @has (asserted; the screen is shown). */
void expect_line(const char *scr, const char *what, const char *has)
{
	char *l = line_with(scr, what);

	ck_assert_msg(l && strstr(l, has), "no line with '%s' saying '%s':\n%s", what, has, scr);
	free(l);
}

void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until @ok says the screen is right; fail showing the last screen. */
char *wait_until(bool (*ok)(const char *scr, const void *arg), const void *arg, int seconds,
                 const char *what)
{
	char *scr = NULL;

	for (int i = 0; i < seconds * 10; i++) {
		free(scr);
		scr = screen();
		if (ok(scr, arg))
			return scr;
		nap_ms(100);
	}
	ck_abort_msg("waited %d s for %s; the screen:\n%s", seconds, what, scr);
	return scr;
}

bool has_text(const char *scr, const void *arg)
{
	return strstr(scr, arg) != NULL;
}

bool lacks_text(const char *scr, const void *arg)
{
	return strstr(scr, arg) == NULL;
}

char *wait_for(const char *text, int seconds)
{
	return wait_until(has_text, text, seconds, text);
}

/* Both rows show a progress bar, a percentage and a rate at the same time. */
bool both_running(const char *scr, const void *arg)
{
	char *const *dev = arg;
	bool ok = true;

	for (int i = 0; i < 2; i++) {
		char *l = line_with(scr, dev[i]);

		ok = ok && l && strstr(l, "[#") && strstr(l, "%") && strstr(l, "MB/s");
		free(l);
	}
	return ok;
}

const char *rc_file(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/station.rc", scratch_dir());
	return path;
}

/* `wipeseal station ARGS` in a new 80x24 tmux session, stderr into station.err. */
void start_station(const char *env, const char *args)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char *cmd, *sh;

	/* a session a failed test left behind: SIGHUP makes its station abort and leave */
	test_sh(NULL, "tmux -L %s kill-server 2>/dev/null; sleep 0.5", sock);
	unlink(rc_file());
	sh = test_fmt("cd '%s' && ASAN_OPTIONS='%s%sverify_asan_link_order=0' %s '%s' station %s "
	              "2>>'%s/station.err'; echo \\$? > '%s'",
	              scratch_dir(), asan ? asan : "", asan ? ":" : "", env, WS_CLI, args,
	              scratch_dir(), rc_file());
	cmd = test_fmt("new-session -d -s st -x 80 -y 24 \"%s\"", sh);
	ck_assert_int_eq(tmux(cmd), 0);
	free(cmd);
	free(sh);
}

/* The station's exit status, once it has exited. */
int wait_exit(int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		FILE *f = fopen(rc_file(), "r");
		int rc = -1;

		if (f && fscanf(f, "%d", &rc) == 1) {
			fclose(f);
			return rc;
		}
		if (f)
			fclose(f);
		nap_ms(100);
	}
	ck_abort_msg("the station did not exit; the screen:\n%s", screen());
	return -1;
}

void no_sanitizer_reports(void)
{
	char *out = NULL;

	test_sh(&out, "cat '%s/station.err' 2>/dev/null", scratch_dir());
	ck_assert_msg(!strstr(out, "Sanitizer") && !strstr(out, "runtime error"),
	              "the station's stderr: %s", out);
	free(out);
}

const char *signed_args(void)
{
	static char args[20000];

	snprintf(args, sizeof(args),
	         "--signer-key %s/st/signer.key --signer-cert %s/st/signer.pem "
	         "--audit-log %s/audit.log --cert-dir %s/certs --operator 'Test Operator'",
	         pki, pki, scratch_dir(), scratch_dir());
	return args;
}

/* The certificate files in the result directory for @dev ("..._loop_loop3.json"). */
char *cert_of(const char *dev)
{
	char *out = NULL, *nl;

	ck_assert_int_eq(
	    test_sh(&out, "ls '%s'/certs/*_loop_%s.json", scratch_dir(), strrchr(dev, '/') + 1), 0);
	if ((nl = strchr(out, '\n')))
		*nl = '\0';
	return out;
}

int openssl_verify(const char *file)
{
	return test_sh(NULL,
	               "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content '%s' "
	               "-CAfile %s/ca/ca.pem -purpose any -out /dev/null",
	               file, file, pki);
}

void clear_results(void)
{
	test_sh(NULL, "rm -rf '%s/certs' '%s/station.err' '%s/audit.log'", scratch_dir(),
	        scratch_dir(), scratch_dir());
}
