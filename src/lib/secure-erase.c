/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secure-erase.c - the ATA security erase of a firmware Purge: a one-time user password,
 * recorded on disk before the drive hears it, SECURITY SET PASSWORD, then ERASE UNIT
 * (normal or enhanced) waited for to its end, and security found disabled afterwards.
 * ERASE UNIT reports no progress, so a ticker estimates it from the drive's own estimate.
 * It is the ATA transport's erase (struct ws_transport_ops.erase).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "health-internal.h"
#include "purge-run.h"

/* The one-time password goes on record, on disk, before the drive hears it: one line per
 * erase, whatever bytes the path or the drive's serial hold (ws_escape_field()). */
static int record_password(struct purge *p, const char *hex)
{
	_cleanup_free_ char *path = ws_escape_field(p->res->path),
	                    *serial = ws_escape_field(p->dev->serial ? p->dev->serial : "-");
	char *line = NULL, when[32];
	time_t t = time(NULL);
	struct tm tm;
	int fd, r = 0;

	if (!p->opts->password_log)
		return -EINVAL;
	if (!path || !serial)
		return -ENOMEM;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (asprintf(&line, "%s %s serial=%s user-password=%s\n", when, path, serial, hex) < 0)
		return -ENOMEM;
	fd = open(p->opts->password_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	          0600);
	if (fd < 0)
		r = -errno;
	else if (fchmod(fd, 0600) < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	         fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(line, strlen(line));
	free(line);
	return r;
}

/* ERASE UNIT reports nothing until it ends: progress is estimated from the elapsed time
 * against the drive's own estimate (IDENTIFY words 89/90). */
struct erase_ticker {
	struct purge *p;
	unsigned estimate_s;
	atomic_bool stop;
};

static void *tick_erase(void *arg)
{
	struct erase_ticker *t = arg;
	unsigned interval = t->p->opts->poll_interval_ms ? t->p->opts->poll_interval_ms : 1000;
	int64_t t0 = ws_purge_now(t->p);

	while (!atomic_load(&t->stop)) {
		double secs = (double)(ws_purge_now(t->p) - t0) / 1e9;
		double frac = t->estimate_s ? secs / t->estimate_s : 0;

		if (frac > 0.99)
			frac = 0.99; /* the drive, not the clock, says when it is done */
		ws_purge_report(t->p, WS_PHASE_WRITE, (uint64_t)(frac * (double)t->p->io->size),
		                t->p->io->size);
		if (t->estimate_s && t->p->opts->progress) {
			t->p->prog.eta = secs < t->estimate_s ? t->estimate_s - secs : 0;
			t->p->opts->progress(t->p->opts->userdata, &t->p->prog);
		}
		ws_purge_sleep(t->p, interval);
	}
	return NULL;
}

/* SET PASSWORD, ERASE PREPARE and ERASE UNIT, with the ticker estimating progress meanwhile.
 * Return: as ws_ata_secure_erase(). */
static int erase_ticking(struct purge *p, bool enhanced, const uint8_t *pw, unsigned estimate_s,
                         unsigned timeout_s, int *ret_status)
{
	struct erase_ticker tick = { .p = p, .estimate_s = estimate_s };
	struct ws_command_record cmds[WS_ATA_SECURE_ERASE_COMMANDS] = { 0 };
	const char *log = p->opts->password_log ? strrchr(p->opts->password_log, '/') : NULL;
	char note[96];
	pthread_t th;
	bool ticking = pthread_create(&th, NULL, tick_erase, &tick) == 0;
	int r;

	/* the record names where the password is, never the password */
	snprintf(note, sizeof(note), "(one-time password, in %s)",
	         log                     ? log + 1
	         : p->opts->password_log ? p->opts->password_log
	                                 : "the log");
	p->command_ns = ws_purge_now(p);
	r = ws_ata_secure_erase(p->io->fd, enhanced, pw, timeout_s, ret_status, cmds, note);
	atomic_store(&tick.stop, true);
	if (ticking)
		pthread_join(th, NULL);
	for (size_t i = 0; i < WS_ATA_SECURE_ERASE_COMMANDS; i++)
		ws_result_add_command(p->res, &cmds[i]);
	return r;
}

int ws_purge_secure_erase(struct purge *p)
{
	struct ws_firmware_result *fw = &p->res->firmware;
	const struct ws_technique_info *info = ws_technique_info(p->res->technique);
	bool enhanced = info && info->action == WS_ATA_SECURITY_ERASE_ENHANCED;
	unsigned minutes =
	    enhanced ? p->dev->ata.enhanced_erase_minutes : p->dev->ata.erase_minutes;
	unsigned timeout = p->opts->firmware_timeout_s ? p->opts->firmware_timeout_s
	                   : minutes                   ? minutes * 90u + 600u /* 1.5x, +10 min */
	                                               : 48u * 3600u;
	uint8_t pw[WS_ATA_PASSWORD_BYTES];
	char hex[2 * WS_ATA_PASSWORD_BYTES + 1];
	struct ws_ata_info after = { 0 };
	int status = 0, r;

	fw->transport = p->ops->name;
	fw->estimate_s = minutes * 60u; /* IDENTIFY words 89/90 */
	if (ws_purge_cancelled(p)) {
		ws_result_set_status(p->res, WS_STATUS_ABORTED,
		                     "stopped on request before the security erase was sent");
		return -ECANCELED;
	}
	if (getrandom(pw, sizeof(pw), 0) != (ssize_t)sizeof(pw)) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "no random password could be made: nothing was sent");
		return -EIO;
	}
	for (size_t i = 0; i < sizeof(pw); i++)
		snprintf(hex + 2 * i, 3, "%02x", pw[i]);
	r = record_password(p, hex);
	if (r < 0) {
		ws_result_set_status(p->res, WS_STATUS_FAILED,
		                     "the one-time password could not be recorded (%s): nothing "
		                     "was sent to the drive",
		                     strerror(-r));
		goto done;
	}
	fw->ran = true;
	r = erase_ticking(p, enhanced, pw, minutes * 60u, timeout, &status);
	fw->command_status = status;
	if (r < 0) {
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "the drive refused the security erase (%s, ATA error 0x%x); if "
		    "it is now locked: wipeseal unlock %s --password (recorded in %s)",
		    strerror(-r), status, p->res->path, p->opts->password_log);
		goto done;
	}
	/* the erase must leave security disabled again (ACS: ERASE UNIT clears the password) */
	if (ws_ata_security_state(p->io->fd, &after) < 0 || after.security_enabled) {
		ws_result_set_status(
		    p->res, WS_STATUS_FAILED,
		    "security is still enabled after the erase: wipeseal unlock %s "
		    "--password (recorded in %s)",
		    p->res->path, p->opts->password_log);
		r = -EIO;
		goto done;
	}
	fw->state = WS_FIRMWARE_DONE;
	fw->transition_seen = true; /* the command returns when the erase is done */
	ws_purge_time_completion(p);
done:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(hex, sizeof(hex));
	return r;
}
