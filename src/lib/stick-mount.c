/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stick-mount.c - a data stick, mounted read-only for its check (wipeseal/stick.h).
 *
 * A technician names the stick as they know it: the mount point, the device (/dev/sdb), or
 * the image file make-stick.sh or `iso/build.sh --usb-image` wrote. For a device or an image
 * the file system labelled WIPESEAL is found with libblkid, on the whole of it or in one of
 * its partitions, and a read-only loop device is set over exactly that range (offset and
 * size limit): no partition scan to wait for, the same path for a device and a file, and
 * the kernel refuses every write, whatever the file system driver would do. The loop device
 * clears itself when the mount goes (LO_FLAGS_AUTOCLEAR), so nothing is left behind even if
 * the caller dies after the unmount.
 *
 * A kernel without a FAT driver (a minimal VM kernel; mount(2) says ENODEV) cannot mount
 * it at all. Then the files the check reads (wipeseal.conf, station/) are copied with
 * mtools, which reads FAT itself, into a private directory on /dev/shm (memory, never a
 * disk: the signer's key is among them), and the free space is what mtools reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <ftw.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <blkid.h>

#include "internal.h"
#include <wipeseal/stick.h>

struct ws_stick_mount {
	char *root;          /* what the check reads */
	char *source;        /* the loop device, "mtools", or NULL: a directory as given */
	bool mounted;        /* root is a mount point (else a copy, when source is set) */
	uint64_t free_bytes; /* a copy's: the stick's free space as mtools reports it */
};

extern char **environ;

/* The file system a probe found at [off, off + size) of @fd: whether it is labelled
 * WIPESEAL (in any case: FAT keeps labels in upper case), and its type. */
static bool labelled(int fd, uint64_t off, uint64_t size, char *type, size_t type_size)
{
	blkid_probe pr = blkid_new_probe();
	const char *v = NULL;
	bool yes = false;

	if (pr && blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)size) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL);
		if (blkid_do_safeprobe(pr) == 0 &&
		    blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0 && v &&
		    strcasecmp(v, WS_STICK_LABEL) == 0) {
			yes = true;
			v = NULL;
			(void)blkid_probe_lookup_value(pr, "TYPE", &v, NULL);
			snprintf(type, type_size, "%s", v ? v : "unknown");
		}
	}
	blkid_free_probe(pr);
	return yes;
}

/* Where on @fd the WIPESEAL file system is. Return: 0, -ENODEV none, -ENOTUNIQ several. */
static int find_stick(int fd, uint64_t *ret_off, uint64_t *ret_size, char *type, size_t tsize)
{
	blkid_probe pr;
	blkid_partlist ls;
	int found = 0, n;

	if (labelled(fd, 0, 0, type, tsize)) {
		*ret_off = *ret_size = 0;
		return 0;
	}
	if (!(pr = blkid_new_probe()))
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) == 0) {
		blkid_probe_enable_partitions(pr, 1);
		(void)blkid_do_safeprobe(pr);
	}
	ls = blkid_probe_get_partitions(pr);
	n = ls ? blkid_partlist_numof_partitions(ls) : 0;
	for (int i = 0; i < n; i++) {
		blkid_partition p = blkid_partlist_get_partition(ls, i);
		uint64_t off = (uint64_t)blkid_partition_get_start(p) * 512;
		uint64_t size = (uint64_t)blkid_partition_get_size(p) * 512;

		if (!blkid_partition_is_extended(p) && labelled(fd, off, size, type, tsize)) {
			*ret_off = off;
			*ret_size = size;
			found++;
		}
	}
	blkid_free_probe(pr);
	return found == 1 ? 0 : found ? -ENOTUNIQ : -ENODEV;
}

/* A read-only, self-clearing loop device over [off, off + size) of @fd.
 * Return: its open descriptor, *ret_name "/dev/loopN"; or a negative errno. */
static int loop_over(int fd, uint64_t off, uint64_t size, char **ret_name)
{
	struct loop_config lc = { .fd = (uint32_t)fd };
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		return -errno;
	lc.info.lo_offset = off;
	lc.info.lo_sizelimit = size;
	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	/* another program may take the free device between the two calls: try again */
	for (int tries = 0; tries < 8; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;
		char *name = NULL;

		if (n < 0)
			return -errno;
		if (asprintf(&name, "/dev/loop%d", n) < 0)
			return -ENOMEM;
		lfd = open(name, O_RDONLY | O_CLOEXEC);
		if (lfd >= 0 && ioctl(lfd, LOOP_CONFIGURE, &lc) == 0) {
			*ret_name = name;
			return lfd;
		}
		if (lfd >= 0)
			(void)close(lfd);
		free(name);
		if (errno != EBUSY)
			return -errno;
	}
	return -EBUSY;
}

/* ---- without a FAT driver: mtools --------------------------------------------------------- */

/* Run mtools' @args (NULL-terminated) with MTOOLS_SKIP_CHECK=1 (a FAT over a range of a
 * device need not start where a partition table says); its stdout into @out (@size bytes,
 * NUL-terminated) when @out is not NULL. Return: its exit status, or a negative errno. */
static int run_mtools(const char *const args[], char *out, size_t size)
{
	posix_spawn_file_actions_t fa;
	size_t n_env = 0, n_arg = 0, got = 0;
	char **env = NULL, **argv = NULL;
	int p[2] = { -1, -1 }, st = 0, r = -ENOMEM;
	pid_t pid;

	while (environ[n_env])
		n_env++;
	while (args[n_arg])
		n_arg++;
	/* posix_spawn() takes char *const[]: copies, so that no const is cast away */
	env = calloc(n_env + 2, sizeof(*env));
	argv = calloc(n_arg + 1, sizeof(*argv));
	if (!env || !argv || !(env[n_env] = strdup("MTOOLS_SKIP_CHECK=1")))
		goto out;
	memcpy(env, environ, n_env * sizeof(*env));
	for (size_t i = 0; i < n_arg; i++)
		if (!(argv[i] = strdup(args[i])))
			goto out;
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	r = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	(void)close(p[1]);
	for (ssize_t k;
	     r == 0 && out && got + 1 < size && (k = read(p[0], out + got, size - 1 - got)) > 0;)
		got += (size_t)k;
	(void)close(p[0]);
	while (r == 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0)
		r = WIFEXITED(st) ? WEXITSTATUS(st) : -EIO;
out:
	if (out && size)
		out[got] = '\0';
	for (size_t i = 0; argv && i < n_arg; i++)
		free(argv[i]);
	free(argv);
	if (env)
		free(env[n_env]);
	free(env);
	return r;
}

/* As iso/init mounts the stick (fmask=0177, dmask=0077): the key's mode is the mount's. */
static int private_mode(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	(void)chmod(path, flag == FTW_D || S_ISDIR(st->st_mode) ? 0700 : 0600);
	return 0;
}

/* Copy what the check reads of the FAT at @off of @path into a new directory on /dev/shm. */
static int copy_stick(struct ws_stick_mount *m, const char *path, uint64_t off, char **ret_reason)
{
	char tmpl[] = "/dev/shm/wipeseal-stick.XXXXXX", listing[8192], *spec = NULL, *sub = NULL;
	const char *free_at;
	int r;

	if (!mkdtemp(tmpl))
		return ws_reason(ret_reason, -errno, "cannot make a directory in /dev/shm: %s",
		                 strerror(errno));
	m->root = strdup(tmpl);
	m->source = strdup("mtools");
	if (!m->root || !m->source ||
	    asprintf(&spec, "%s@@%llu", path, (unsigned long long)off) < 0)
		return -ENOMEM;
	r = run_mtools((const char *const[]){ "mdir", "-i", spec, "::/", NULL }, listing,
	               sizeof(listing));
	free_at = strstr(listing, " bytes free");
	if (r != 0 || !free_at) {
		free(spec);
		return ws_reason(ret_reason, r < 0 ? r : -EIO,
		                 "%s: this kernel cannot mount FAT, "
		                 "and mtools cannot read the stick either (apt-get install mtools)",
		                 path);
	}
	while (free_at > listing &&
	       (free_at[-1] == ' ' || (free_at[-1] >= '0' && free_at[-1] <= '9')))
		free_at--;
	for (; *free_at && *free_at != 'b'; free_at++)
		if (*free_at >= '0' && *free_at <= '9')
			m->free_bytes = m->free_bytes * 10 + (uint64_t)(*free_at - '0');
	/* missing files are the check's findings, not errors here */
	(void)run_mtools(
	    (const char *const[]){ "mcopy", "-n", "-i", spec, "::/wipeseal.conf", m->root, NULL },
	    NULL, 0);
	(void)run_mtools(
	    (const char *const[]){ "mcopy", "-s", "-n", "-i", spec, "::/station", m->root, NULL },
	    NULL, 0);
	if (run_mtools((const char *const[]){ "mdir", "-i", spec, "::/certificates", NULL }, NULL,
	               0) == 0 &&
	    asprintf(&sub, "%s/certificates", m->root) >= 0)
		(void)mkdir(sub, 0700);
	free(sub);
	(void)nftw(m->root, private_mode, 16, FTW_PHYS);
	free(spec);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Mount the stick inside @fd (a device or an image) on a new private directory in @m. */
static int mount_stick(struct ws_stick_mount *m, const char *path, int fd, char **ret_reason)
{
	char type[32] = "", tmpl[] = "/tmp/wipeseal-stick.XXXXXX";
	uint64_t off = 0, size = 0;
	_cleanup_close_ int lfd = -1;
	int r = find_stick(fd, &off, &size, type, sizeof(type));

	if (r == -ENODEV)
		return ws_reason(ret_reason, r,
		                 "%s holds no file system labelled " WS_STICK_LABEL
		                 ": is it the data stick? (certs/make-stick.sh makes one)",
		                 path);
	if (r == -ENOTUNIQ)
		return ws_reason(ret_reason, r,
		                 "%s holds more than one file system labelled " WS_STICK_LABEL
		                 ": the station would mount neither",
		                 path);
	if (r < 0)
		return ws_reason(ret_reason, r, "%s: %s", path, strerror(-r));
	if (strcmp(type, "vfat") != 0)
		return ws_reason(ret_reason, -EMEDIUMTYPE,
		                 "%s: the " WS_STICK_LABEL " file system "
		                 "is %s, not FAT: the station mounts FAT only",
		                 path, type);
	if ((lfd = loop_over(fd, off, size, &m->source)) < 0)
		return ws_reason(ret_reason, lfd, "%s: cannot set up a read-only loop device: %s",
		                 path, strerror(-lfd));
	if (!mkdtemp(tmpl))
		return ws_reason(ret_reason, -errno, "cannot make a directory in /tmp: %s",
		                 strerror(errno));
	if (!(m->root = strdup(tmpl))) {
		(void)rmdir(tmpl);
		return -ENOMEM;
	}
	/* as iso/init mounts it: files root's, mode 600 (the key's) */
	if (mount(m->source, m->root, "vfat", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
	          "uid=0,gid=0,fmask=0177,dmask=0077") < 0) {
		r = -errno;
		if (r != -ENODEV)
			return ws_reason(ret_reason, r,
			                 "%s: cannot mount its " WS_STICK_LABEL
			                 " file system read-only: %s",
			                 path, strerror(-r));
		/* no FAT driver in this kernel: read it with mtools (the loop device goes) */
		(void)rmdir(m->root);
		free(m->root);
		free(m->source);
		m->root = m->source = NULL;
		return copy_stick(m, path, off, ret_reason);
	}
	m->mounted = true;
	return 0;
}

int ws_stick_mount(const char *path, struct ws_stick_mount **ret, char **ret_reason)
{
	_cleanup_close_ int fd = -1;
	struct ws_stick_mount *m;
	struct stat st;
	int r = 0;

	*ret = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0)
		return ws_reason(ret_reason, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ws_reason(ret_reason, -EINVAL,
		                 "%s is %s: name the stick's mount point, its "
		                 "device or an image file",
		                 path, ws_file_kind(st.st_mode));
	if (!(m = calloc(1, sizeof(*m))))
		return -ENOMEM;
	if (S_ISDIR(st.st_mode)) {
		if (!(m->root = strdup(path)))
			r = -ENOMEM;
	} else {
		r = mount_stick(m, path, fd, ret_reason);
	}
	if (r < 0) {
		ws_stick_unmount(m);
		return r;
	}
	*ret = m;
	return 0;
}

const char *ws_stick_mount_root(const struct ws_stick_mount *m)
{
	return m->root;
}

const char *ws_stick_mount_source(const struct ws_stick_mount *m)
{
	return m->source;
}

uint64_t ws_stick_mount_free_bytes(const struct ws_stick_mount *m)
{
	return m->mounted || !m->source ? 0 : m->free_bytes;
}

struct ws_stick_mount *ws_stick_unmount(struct ws_stick_mount *m)
{
	if (!m)
		return NULL;
	if (m->mounted)
		(void)umount2(m->root, 0);
	/* the directory is ours only when a device or image was mounted or copied there */
	if (m->source && m->root && m->mounted)
		(void)rmdir(m->root);
	else if (m->source && m->root)
		(void)nftw(m->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(m->root);
	free(m->source);
	free(m);
	return NULL;
}
