/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opal-secret.c - the secret a TCG revert needs, as the front end gets it: the PSID printed on
 * the drive's label (opal-psid-revert) or the SID password (opal-revert), from a file the
 * operator names (--psid-file, --sid-file: unattended use) or typed on the terminal with echo
 * off, and only when that technique was asked for. Never from the command line, where every
 * user of the machine reads it in the process list: --psid VALUE is refused. The bytes live
 * in one buffer that is wiped (OPENSSL_cleanse) before it is freed; the library takes them
 * through struct ws_wipe_opts and never asks.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sed-opal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "wipe-setup.h"

/* Where the secret is kept while it is being read: one key's worth and a newline. */
#define SECRET_MAX (OPAL_KEY_MAX + 2)

/* Drop the line ending and the blanks around it (a label copied into a file). */
static size_t trim(char *s, size_t n)
{
	while (n > 0 &&
	       (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return n;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n = 0;

	if (fd < 0)
		return -errno;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (memchr(buf, '\n', n))
		n = (size_t)((char *)memchr(buf, '\n', n) - buf); /* the first line only */
	buf[n] = '\0';
	return (ssize_t)n;
}

/* The question on the terminal, echo off. Return: the length, or a negative errno. */
static ssize_t ask(const char *what, const char *target, char *buf, size_t size)
{
	struct termios old, quiet;
	size_t n = 0;
	char c;
	int fd;

	if (!isatty(STDIN_FILENO))
		return -ENOTTY;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &old) < 0) {
		if (fd >= 0)
			close(fd);
		return -ENOTTY;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;
	dprintf(fd, "%s of %s: ", what, target);
	(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	return (ssize_t)n;
}

int opal_secret_read(struct cli *cli, struct wipe_setup *ws, char **targets, size_t n)
{
	bool psid = ws->plan->technique == WS_TECH_OPAL_PSID_REVERT;
	const char *what = psid ? "PSID (from the drive's label)" : "SID password";
	const char *file = psid ? ws->psid_file : ws->sid_file;
	char *buf;
	ssize_t len;

	if (ws->plan->technique != WS_TECH_OPAL_PSID_REVERT &&
	    ws->plan->technique != WS_TECH_OPAL_REVERT) {
		if (ws->psid_file || ws->sid_file) {
			cli_err(cli, "--psid-file and --sid-file go with --method opal-psid-revert "
			             "and opal-revert only");
			return WS_EXIT_USAGE;
		}
		return WS_EXIT_OK;
	}
	if ((psid && ws->sid_file) || (!psid && ws->psid_file)) {
		cli_err(cli, "%s goes with --method %s", psid ? "--sid-file" : "--psid-file",
		        psid ? "opal-revert" : "opal-psid-revert");
		return WS_EXIT_USAGE;
	}
	if (n != 1) {
		cli_err(cli, "--method %s takes one target at a time: each drive has its own %s",
		        ws->plan->method, psid ? "PSID" : "SID password");
		return WS_EXIT_USAGE;
	}
	if (ws->dry_run && !file)
		return WS_EXIT_OK; /* nothing will be sent: nothing to ask */
	buf = calloc(1, SECRET_MAX);
	if (!buf)
		return WS_EXIT_FAILED;
	len = file ? read_file(file, buf, SECRET_MAX) : ask(what, targets[0], buf, SECRET_MAX);
	if (len >= 0)
		len = (ssize_t)trim(buf, (size_t)len);
	if (len <= 0 || len > OPAL_KEY_MAX) {
		OPENSSL_cleanse(buf, SECRET_MAX);
		free(buf);
		if (len == -ENOTTY)
			cli_err(cli,
			        "--method %s needs the %s: give --%s FILE, or run on a terminal",
			        ws->plan->method, what, psid ? "psid-file" : "sid-file");
		else if (len < 0)
			cli_err(cli, "cannot read %s: %s", file, strerror((int)-len));
		else
			cli_err(cli, "the %s must be 1 to %d characters%s%s", what, OPAL_KEY_MAX,
			        file ? ": check " : "", file ? file : "");
		return WS_EXIT_USAGE;
	}
	ws->opal_secret = (uint8_t *)buf;
	ws->opal_secret_len = (size_t)len;
	return WS_EXIT_OK;
}

void opal_secret_free(struct wipe_setup *ws)
{
	if (!ws->opal_secret)
		return;
	OPENSSL_cleanse(ws->opal_secret, SECRET_MAX);
	free(ws->opal_secret);
	ws->opal_secret = NULL;
	ws->opal_secret_len = 0;
}
