/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pin-prompt.c - the question for a token's PIN on the terminal, echo off: the front end's
 * half of a signer key on a card (the library asks through ws_pin_fn and never touches the
 * terminal). A PIN never comes from the command line; without a terminal, [signer] pin_file
 * names a file that holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "certify.h"

/* One line from @fd into @buf, without its newline. Return: its length, or -errno. */
static ssize_t read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

int certify_pin_prompt(void *userdata, const char *token, const char *note, char *buf, size_t size)
{
	struct termios old, quiet;
	ssize_t n;
	int fd;

	(void)userdata;
	if (!isatty(STDIN_FILENO))
		return -ENOTTY; /* a script: nobody to ask, and a question would hang it */
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENOTTY;
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return -ENOTTY;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;
	dprintf(fd, "%s%s%sPIN for token %s: ", note ? "(" : "", note ? note : "", note ? ") " : "",
	        token);
	(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	n = read_line(fd, buf, size);
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	if (n <= 0) {
		OPENSSL_cleanse(buf, size);
		return n < 0 ? (int)n : -ECANCELED;
	}
	return 0;
}
