/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tmuxstation.h - the station suites' operator: `wipeseal station` in an 80x24 tmux session
 * of the suite's own server, keys in, screens out.
 */
#ifndef WS_TMUXSTATION_H
#define WS_TMUXSTATION_H

#include <stdbool.h>

#include <check.h>

extern char sock[64]; /* the tmux server: -L wipeseal-test-PID */

/* Name the suite's tmux server (in the suite's parent, before the tests). */
void tmuxstation_init(void);
/*
 * tmuxstation_run() - a station suite's main(): SKIP, said, when tmux is not installed;
 * else the suite's scratch, PKI and marker (simdrive_init(@name, @tag)), its tmux server
 * named, @s run, and that server ended after it (a failed test leaves its session, and
 * SIGHUP aborts the station before the scratch devices are torn down).
 * Return: the suite's exit status, or TEST_SKIP.
 */
int tmuxstation_run(Suite *s, const char *name, const char *tag);
/* tmux -L SOCK ARGS: the exit status. */
int tmux(const char *args);
/* send-keys to the station's session (asserted). */
void keys(const char *k);
/* The screen as text (malloc'd). */
char *screen(void);
/* The screen line that mentions @what (malloc'd), or NULL. */
char *line_with(const char *scr, const char *what);
/* The screen line that mentions @what also says @has (asserted; the screen is shown). */
void expect_line(const char *scr, const char *what, const char *has);
void nap_ms(long ms);
/* Wait until @ok says the screen is right; fail showing the last screen. */
char *wait_until(bool (*ok)(const char *scr, const void *arg), const void *arg, int seconds,
                 const char *what);
bool has_text(const char *scr, const void *arg);
bool lacks_text(const char *scr, const void *arg);
/* Wait until the screen shows @text (malloc'd screen). */
char *wait_for(const char *text, int seconds);
/* Both rows (@arg: char *const[2] paths) show a bar, a percentage and a rate. */
bool both_running(const char *scr, const void *arg);
/* Where the station's exit status is written. */
const char *rc_file(void);
/* `ENV wipeseal station ARGS` in a new 80x24 session, stderr into station.err. */
void start_station(const char *env, const char *args);
/* The station's exit status, once it has exited (asserted within @seconds). */
int wait_exit(int seconds);
/* No sanitizer report on the station's stderr (asserted). */
void no_sanitizer_reports(void);
/* The signer, audit log, result directory and operator options (a static buffer). */
const char *signed_args(void);
/* The certificate in the result directory for the loop device @dev (malloc'd). */
char *cert_of(const char *dev);
/* openssl cms -verify of @file against the suite's CA: the exit status. */
int openssl_verify(const char *file);
/* Remove the result directory, the station's stderr and the audit log. */
void clear_results(void);

#endif
