/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/file.h - files the library reads and writes for certificates and logs: a
 * digest, a capped read that refuses anything but a regular file, and an exclusive,
 * durable write of a document with its signature.
 */
#ifndef WIPESEAL_FILE_H
#define WIPESEAL_FILE_H

#include <stddef.h>

/* ws_sha256_hex() - SHA-256 of @data as 64 lowercase hex digits plus NUL, into @out. */
void ws_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * ws_read_file_capped() - a whole regular file of at most @cap bytes, NUL-terminated.
 * Opened without blocking and checked on the descriptor: a FIFO, a device or a directory is
 * refused before anything is read; a read error is an error, never a short file.
 * Return: 0; -EFBIG past the cap; -EINVAL for anything but a regular file; -errno.
 */
int ws_read_file_capped(const char *path, size_t cap, char **ret, size_t *ret_len);

/*
 * ws_write_exclusive() - write @text as DIR/NAME.json and, when @sig is not NULL, @sig as
 * DIR/NAME.json.p7s, fsync them and @dir; NAME-1, NAME-2, ... up to NAME-99 when the
 * document or a signature by that name exists: never over a file, never beside a stray
 * signature. *ret_path gets the path of the document whenever one was created, also on
 * failure: what was written is kept.
 * Return: 0 or a negative errno.
 */
int ws_write_exclusive(const char *dir, const char *name, const char *text, const char *sig,
                       char **ret_path);

#endif
