/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - what the library's modules share and nobody else sees: the context's layout,
 * logging, string and file helpers, and scope-cleanup macros.
 */
#ifndef WS_INTERNAL_H
#define WS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <wipeseal/wipeseal.h>

struct udev;

struct ws_ctx {
	struct udev *udev;
	ws_log_fn log_fn;
	void *log_userdata;
	enum ws_log_level log_max;
	char *root[3]; /* enum ws_root -> directory, no trailing slash */
	bool fixture;  /* sysfs root is not /sys: walk it instead of asking libudev */
	/* protected media (ws_gate_protect()): never a target; NULL when not set */
	char *protect_label;
	char *protect_build_id;
};

/* ---- logging ---------------------------------------------------------------------------- */

void ws_log(struct ws_ctx *ctx, enum ws_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define ws_debug(ctx, ...) ws_log(ctx, WS_LOG_DEBUG, __VA_ARGS__)
#define ws_info(ctx, ...)  ws_log(ctx, WS_LOG_INFO, __VA_ARGS__)
#define ws_warn(ctx, ...)  ws_log(ctx, WS_LOG_WARN, __VA_ARGS__)

/* ---- scope cleanup (systemd style) ------------------------------------------------------ */

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(const int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}
#define _cleanup_free_   __attribute__((cleanup(freep)))
#define _cleanup_close_  __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

/* Hand ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _p = (p); \
		(p) = NULL;             \
		_p;                     \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- paths and files (util.c) ----------------------------------------------------------- */

/* ws_path() - "<root><rel>" for one of the context's roots; malloc'd, NULL on ENOMEM. */
char *ws_path(const struct ws_ctx *ctx, enum ws_root which, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* read_line_file() - first line of a small text file, trailing whitespace removed.
 * Return: 0 and *ret malloc'd, or a negative errno (-ENOENT when absent). */
int read_line_file(const char *path, char **ret);

/* read_u64_file() - a decimal unsigned number from a sysfs-style file. */
int read_u64_file(const char *path, uint64_t *ret);

/* ws_read_regular() - the whole of a regular file of at most @cap bytes, NUL-terminated
 * (malloc'd): opened with O_NONBLOCK (a FIFO does not block the open), checked with fstat()
 * on the descriptor, read to the end, a read error an error. @ret_st, when not NULL,
 * receives the file's fstat() as soon as there is one, also on failure.
 * Return: 0; -EINVAL for anything but a regular file; -EFBIG past @cap; another -errno. */
struct stat;
int ws_read_regular(const char *path, size_t cap, char **ret, size_t *ret_len, struct stat *ret_st);

/* ws_write_new_file() - @text as @path, created exclusively (never over a file), fsync'd
 * with its directory. Return: 0 or a negative errno (-EEXIST). file.c */
int ws_write_new_file(const char *path, const char *text);

/* ws_replace_file() - @text as @path, atomically: a temporary file beside it, fsync'd and
 * renamed over it, then the directory fsync'd; on failure @path is as it was. file.c */
int ws_replace_file(const char *path, const char *text);

/* ws_read_named() - ws_read_regular() with a one-line reason that names the file as @what
 * ("configuration file", "signer key"): "... is a FIFO, not a regular file: ...". */
int ws_read_named(const char *what, const char *path, size_t cap, char **ret, size_t *ret_len,
                  struct stat *ret_st, char **ret_reason);

/* ws_file_kind() - "a directory", "a FIFO", "a character device", ...: what a mode is. */
const char *ws_file_kind(unsigned mode);

/* ws_reason() - set *ret_reason (when asked for) to a formatted one-line reason, malloc'd,
 * and return @err: how every refusal in the library explains itself. */
int ws_reason(char **ret_reason, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* strdup_trim() - copy of @s with leading and trailing whitespace removed; NULL for an empty
 * result or NULL input. */
char *strdup_trim(const char *s);

/* ws_escape_field() - a copy of @s fit to be one space-separated field of a line in a text
 * log: control bytes, space, DEL and backslash as \xHH. NULL on ENOMEM. */
char *ws_escape_field(const char *s);

/* strdup_or_null() - strdup() that passes NULL through. */
char *strdup_or_null(const char *s);

/* ws_strv_add() - append a copy of @s. Return: 0 or -ENOMEM. */
int ws_strv_add(struct ws_strv *sv, const char *s);
/* ws_strv_addf() - append a formatted string. */
int ws_strv_addf(struct ws_strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ws_strv_contains(const struct ws_strv *sv, const char *s);
void ws_strv_clear(struct ws_strv *sv);

/* ws_utf8_valid() - strict UTF-8 (RFC 3629), no NUL. */
bool ws_utf8_valid(const void *data, size_t len);
/* ws_utf8_safe() - a copy with every byte that is not valid UTF-8 replaced by U+FFFD:
 * what drives report goes into JSON escaped, never raw. */
char *ws_utf8_safe(const char *s);

/* unescape_octal() - decode mountinfo's \040-style escapes in place. */
void unescape_octal(char *s);

/* ---- internal entry points between modules ---------------------------------------------- */

/* config.c: parse configuration text (@len bytes, not NUL-terminated) as ws_config_load()
 * parses a file; @name stands for the path in reasons. For the fuzzer and tests. */
struct ws_config;
int ws_config_parse_text(const char *text, size_t len, const char *name, struct ws_config **ret,
                         char **ret_reason);

/* sysfs.c: identity and geometry of the disk @name from sysfs, filling only fields that
 * are still NULL/0 (so udev's answers win). */
int ws_sysfs_fill_identity(struct ws_ctx *ctx, struct ws_device *dev);
/* sysfs.c: the kernel name of the whole disk a block device (disk or partition) belongs to,
 * and whether it is a partition. */
int ws_sysfs_disk_of(struct ws_ctx *ctx, unsigned maj, unsigned min, char **ret_disk,
                     char **ret_self, bool *ret_is_partition);
/* sysfs.c: the NVM subsystem NQN of NVMe disk @name (device/subsysnqn: its controller's, or
 * its subsystem's for a multipath head) into @buf; "" when there is none. */
void ws_sysfs_subsysnqn(struct ws_ctx *ctx, const char *name, char *buf, size_t size);
/* sysfs.c: the SCSI peripheral device type of disk @name (its device/type), or -1. */
int ws_sysfs_scsi_type(struct ws_ctx *ctx, const char *name);
/* sysfs.c: whether @name is a hidden disk (its "hidden" is 1): an NVMe multipath path
 * (nvme0c0n1) under a head disk, with no device node. */
bool ws_sysfs_hidden(struct ws_ctx *ctx, const char *name);
/* sysfs.c: names in "<sys>/class/block/<name>/<sub>" ("<sys>/class/block" for an empty
 * @name and @sub), appended to @out; a missing directory is an empty list. */
int ws_sysfs_list(struct ws_ctx *ctx, struct ws_strv *out, const char *name, const char *sub);
/* sysfs.c: kernel names of the partitions of @disk. */
int ws_sysfs_partitions(struct ws_ctx *ctx, const char *disk, struct ws_strv *ret);

/* transport.c: classify from kernel name, resolved sysfs device path, udev's ID_BUS and the
 * SCSI peripheral device type (-1 when there is none): "optical" for types 4 and 5 on any
 * bus. */
const char *ws_transport_classify(const char *name, const char *devpath, const char *id_bus,
                                  int scsi_type, bool *ret_virtual);

/* udevprops.c: fill identity from udev properties looked up through @get. */
typedef const char *(*ws_prop_get_fn)(void *userdata, const char *key);
void ws_props_fill_identity(struct ws_device *dev, ws_prop_get_fn get, void *userdata);
/* bay.c: dev->by_path from udev's ID_PATH (@id_path, or NULL without udev), else from the
 * by-path link under the /dev root that points at the disk. */
void ws_bay_fill(struct ws_ctx *ctx, struct ws_device *dev, const char *id_path);
/* udevprops.c: decode udev's \x20-style encoding into a fresh string, trimmed. */
char *ws_udev_decode(const char *enc);

/* contents.c: partition table and file systems through libblkid, and the protected media
 * (ws_gate_protect()) on them: read through @held_fd (the gate's descriptor) when it is
 * not -1, else by path. Never fails the description: a probe error is recorded in
 * dev->probe_error. */
void ws_contents_probe(struct ws_ctx *ctx, struct ws_device *dev, int held_fd);

/* loops.c: what one attached loop device holds, as the kernel says (LOOP_GET_STATUS64). */
#include <sys/types.h>
struct ws_loop {
	char *name;
	dev_t rdev; /* the backing block device; 0 for a file */
	dev_t fdev; /* the backing file's file system and inode; both 0 when unknown */
	ino_t ino;
};
struct ws_loops {
	struct ws_loop *v;
	size_t n;
};
/* loops.c: every attached loop device (kernel names "loop*") with what it holds. */
int ws_loops_scan(struct ws_ctx *ctx, struct ws_loops *out);
const struct ws_loop *ws_loops_find(const struct ws_loops *l, const char *name);
void ws_loops_clear(struct ws_loops *l);
bool ws_is_loop_name(const char *name);
/* loops.c: locks other programs hold on the file @fdev/@ino, one line each, from
 * /proc/locks (our own flock excepted). */
int ws_locks_scan(struct ws_ctx *ctx, struct ws_strv *out, dev_t fdev, ino_t ino);
/* loops.c: locks others hold on the file the gate holds open as @fd (F_OFD_GETLK). */
int ws_locks_held(int fd, struct ws_strv *out);

/* usage.c: mounts, swap, holders, loop devices both ways, root/boot of a disk (or, for a
 * file, loop devices over its inode, swap, locks). @held_fd: the gate's descriptor on the
 * target (its own lock does not count, and a file is known by it, not by its path), or -1. */
int ws_usage_fill(struct ws_ctx *ctx, struct ws_device *dev, int held_fd);

/* contents.c: every signature libblkid's full probe finds (superblocks, also with bad
 * checksums, and partition tables), as "ext4 at offset 1080". */
int ws_contents_residue(int fd, struct ws_strv *found);

/* jsoncheck.c: refuse what json-c lets through, a key twice in one object and a NUL
 * character in a string, in the text of a JSON document json-c accepted.
 * Return: 0; -EINVAL with @ret_reason set (one line); -ENOMEM. */
int ws_json_check_strict(const char *text, size_t len, char **ret_reason);

/* jsoncheck.c: @text parsed by json-c in strict mode, nothing but blanks after it, valid
 * UTF-8, and ws_json_check_strict(); or NULL (any failure, or out of memory). */
struct json_object;
struct json_object *ws_json_parse_strict(const char *text, size_t len);

/* json.c: one snapshot as a json-c object (caller owns the reference). */
struct json_object;
struct json_object *ws_device_json(const struct ws_device *d);
/* json.c: @ns (CLOCK_REALTIME) as RFC 3339 UTC with milliseconds, "2026-11-27T02:49:37.823Z";
 * NULL (JSON null) for 0 or less. Every time in the result and the certificate. */
struct json_object *ws_json_time(int64_t ns);
/* result.c: the result as the JSON object ws_result_to_json() prints ("wipeseal-result/1"),
 * for a document that embeds it (the certificate's evidence); NULL when out of memory. */
struct ws_result;
struct json_object *ws_result_json(const struct ws_result *res);

/* gate.c: the reasons the usage facts of @dev (mounts, swap, holders, loop devices, what it
 * is built on) give to refuse it, appended to @out. */
int ws_gate_usage_reasons(const struct ws_device *dev, struct ws_strv *out);
/* gate.c: the gate's rules over a snapshot; fills eligible and ineligible_reasons. */
int ws_gate_evaluate(const struct ws_ctx *ctx, struct ws_device *dev, bool is_partition,
                     const char *partition_of);

/* device.c: describe by kernel name (used by scans). */
int ws_device_describe_name(struct ws_ctx *ctx, const char *name, struct ws_device **ret);
/* device.c: describe what @st (from stat() of @path, or fstat() of a descriptor on it) is. */
struct stat;
int ws_device_describe_stat(struct ws_ctx *ctx, const char *path, const struct stat *st,
                            struct ws_device **ret);
/* device.c: describe what the gate holds open as @fd (named @path). */
int ws_device_describe_held(struct ws_ctx *ctx, const char *path, int fd, struct ws_device **ret);

/* ---- CSV (register-export.c) ------------------------------------------------------------ */

/* One RFC 4180 cell of @len bytes, after a comma unless @first: quoted when it holds a comma,
 * a quote, CR or LF (quotes doubled), and made text with a leading apostrophe when a
 * spreadsheet would run it as a formula (=, +, -, @, a tab or CR first). */
void ws_csv_cell(FILE *f, bool first, const char *s, size_t len);

/* An RFC 9562 version 4 UUID from getrandom(), into @s (37 bytes): certificates, validation,
 * re-verification and destruction records. Return: 0, or -EIO. */
int ws_uuid4(char *s);

#endif
