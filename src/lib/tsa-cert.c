/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tsa-cert.c - the tokens a certificate was filed without, added later
 * (ws_cert_timestamp(), wipeseal/timestamp.h; `wipeseal timestamp`).
 *
 * A wipe never waits on a TSA that does not answer: job-file.c files the certificate with
 * the signatures alone and marks it NAME.json.awaiting-timestamp. Here every SignerInfo of
 * NAME.json.p7s without a token gets one (tsa.c), the .p7s is replaced atomically (a
 * temporary file renamed over it, the directory fsync'd), the mark removed, and the audit
 * log says TIMESTAMPED. The document is never touched: its SHA-256, which the audit log
 * recorded, stays; an unsigned attribute changes no signature. A mark left by a run cut
 * between the rename and the removal finds the tokens there, and is only removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wipeseal/cert.h>
#include <wipeseal/file.h>
#include <wipeseal/timestamp.h>

#include "cert-internal.h"
#include "tsa-internal.h"

/* The mark beside @path removed; none there is fine. */
static int remove_mark(const char *path, char **ret_reason)
{
	char *mark = NULL;
	int r = 0;

	if (asprintf(&mark, "%s" WS_AWAITING_TIMESTAMP_SUFFIX, path) < 0)
		return -ENOMEM;
	if (unlink(mark) < 0 && errno != ENOENT)
		r = ws_reason(ret_reason, -errno,
		              "%s: the tokens are added, but the mark cannot "
		              "be removed (%s)",
		              mark, strerror(errno));
	free(mark);
	return r;
}

static int log_line(struct ws_audit *log, const char *path, const char *url, unsigned added,
                    char **ret_reason)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char note[1024];

	snprintf(note, sizeof(note), "%.400s: %u timestamp token%s added from %.400s", base, added,
	         added == 1 ? "" : "s", url);
	return ws_audit_append(
	    log, &(struct ws_audit_entry){ .status = "TIMESTAMPED", .note = note }, ret_reason);
}

int ws_cert_timestamp(const struct ws_tsa_config *tsa, const char *path, struct ws_audit *log,
                      unsigned *ret_added, char **ret_reason)
{
	char *sig_path = NULL, *sig = NULL, *stamped = NULL, *why = NULL;
	size_t sl = 0;
	unsigned added = 0;
	int r = asprintf(&sig_path, "%s.p7s", path) < 0 ? -ENOMEM : 0;

	if (ret_added)
		*ret_added = 0;
	if (r == 0 && access(path, F_OK) < 0)
		r = ws_reason(ret_reason, -errno, "%s: %s", path, strerror(errno));
	if (r == 0 && (r = ws_read_file_capped(sig_path, WS_SIG_MAX_BYTES, &sig, &sl)) < 0)
		ws_reason(ret_reason, r, "%s: %s", sig_path, strerror(-r));
	if (r == 0 && (r = ws_tsa_stamp_p7s(tsa, sig, &stamped, &added, &why)) < 0)
		ws_reason(ret_reason, r, "%s: no token (%s); it is as it was", path,
		          why ? why : strerror(-r));
	if (r == 0 && stamped && (r = ws_replace_file(sig_path, stamped)) < 0)
		ws_reason(ret_reason, r, "%s: cannot be replaced (%s); it is as it was", sig_path,
		          strerror(-r));
	if (r == 0)
		r = remove_mark(path, ret_reason);
	if (r == 0 && added && log)
		r = log_line(log, path, tsa->url, added, ret_reason);
	if (r == 0 && ret_added)
		*ret_added = added;
	free(why);
	free(stamped);
	free(sig);
	free(sig_path);
	return r;
}
