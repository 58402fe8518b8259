/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * operator-complete.c - the operator's signature added, once their card is back, to the
 * certificates filed without it (ws_operator_complete(), wipeseal/operator.h).
 *
 * A certificate whose card was pulled before it was signed is NAME.json with the station's
 * NAME.json.p7s and the mark NAME.json.awaiting-operator (the SHA-256 of the operator's
 * certificate; job-file.c). Here the document is checked to name that operator, their
 * SignerInfo is added to the station's (cms.c), the .p7s is replaced atomically (a
 * temporary file renamed over it, the directory fsync'd), the mark removed, and the audit
 * log says OPERATOR-SIGNED. The document itself is never touched: its SHA-256, which the
 * audit log recorded, stays. A mark left by a run cut between the rename and the removal
 * finds its signature already there, and is only removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <wipeseal/file.h>
#include <wipeseal/operator.h>

#include "cert-internal.h"
#include "operator-internal.h"

static int is_mark(const struct dirent *e)
{
	size_t n = strlen(e->d_name), s = strlen(WS_AWAITING_SUFFIX);

	return n > s && strcmp(e->d_name + n - s, WS_AWAITING_SUFFIX) == 0;
}

/* The mark names @op. */
static bool mark_names(const char *path, const struct ws_operator *op)
{
	char *text = NULL;
	size_t len = 0;
	bool yes = ws_read_file_capped(path, 256, &text, &len) == 0 && len >= 64 &&
	           strncmp(text, ws_operator_fingerprint(op), 64) == 0 &&
	           (len == 64 || text[64] == '\n');

	free(text);
	return yes;
}

/* The document names @op as the operator whose card signs it. */
static bool doc_names(const char *doc, size_t len, const struct ws_operator *op)
{
	struct json_object *o = len < WS_CERT_MAX_BYTES ? json_tokener_parse(doc) : NULL, *p, *c,
	                   *v;
	bool yes = o && json_object_object_get_ex(o, "person", &p) &&
	           json_object_object_get_ex(p, "operator_card", &c) &&
	           json_object_object_get_ex(c, "certificate_sha256", &v) &&
	           json_object_is_type(v, json_type_string) &&
	           strcmp(json_object_get_string(v), ws_operator_fingerprint(op)) == 0;

	json_object_put(o);
	return yes;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		r = -errno;
	close(fd);
	return r;
}

/* The document @doc_path (its mark @mark) signed by @op too. Return: 0, or a negative
 * errno with @ret_reason set. */
static int sign_one(struct ws_operator *op, const char *doc_path, char **ret_reason)
{
	char *doc = NULL, *sig = NULL, *both = NULL, *sig_path = NULL;
	size_t dl = 0, sl = 0;
	int r = asprintf(&sig_path, "%s.p7s", doc_path) < 0 ? -ENOMEM : 0;

	if (r == 0 && (r = ws_read_file_capped(doc_path, WS_CERT_MAX_BYTES, &doc, &dl)) < 0)
		ws_reason(ret_reason, r, "%s: %s", doc_path, strerror(-r));
	if (r == 0 && (r = ws_read_file_capped(sig_path, WS_SIG_MAX_BYTES, &sig, &sl)) < 0)
		ws_reason(ret_reason, r, "%s: %s", sig_path, strerror(-r));
	if (r == 0 && !doc_names(doc, dl, op))
		r = ws_reason(ret_reason, -EINVAL,
		              "%s does not name %s as its operator: its mark is not theirs",
		              doc_path, ws_operator_subject(op));
	if (r == 0 && ws_cms_has_signer(sig, ws_operator_fingerprint(op)))
		goto done; /* signed by a run cut before it removed the mark */
	if (r == 0 && (r = ws_cms_add_signer(sig, ws_operator_signer(op), doc, dl, &both)) < 0)
		ws_reason(ret_reason, r,
		          "%s: the card of %s did not sign (%s): is it still in its reader?",
		          doc_path, ws_operator_subject(op), strerror(-r));
	if (r == 0 && (r = ws_replace_file(sig_path, both)) < 0)
		ws_reason(ret_reason, r, "%s: cannot be replaced (%s); it is as it was", sig_path,
		          strerror(-r));
done:
	free(doc);
	free(sig);
	free(both);
	free(sig_path);
	return r;
}

static int complete_one(struct ws_operator *op, const char *dir, const char *name,
                        struct ws_audit *log, char **ret_reason)
{
	char *mark = NULL, *doc_path = NULL, note[512];
	int r = asprintf(&mark, "%s/%s", dir, name) < 0 ? -ENOMEM : 0;

	if (r == 0 && !(doc_path = strndup(mark, strlen(mark) - strlen(WS_AWAITING_SUFFIX))))
		r = -ENOMEM;
	if (r == 0 && !mark_names(mark, op))
		r = 1; /* another operator's */
	if (r == 0)
		r = sign_one(op, doc_path, ret_reason);
	if (r == 0 && unlink(mark) < 0 && errno != ENOENT)
		r = ws_reason(ret_reason, -errno, "%s: signed, but the mark cannot be removed (%s)",
		              mark, strerror(errno));
	if (r == 0)
		r = fsync_dir(dir);
	snprintf(note, sizeof(note), "%.*s: the operator's signature added",
	         (int)(strlen(name) - strlen(WS_AWAITING_SUFFIX)), name);
	if (r == 0 && log)
		r = ws_audit_append(log,
		                    &(struct ws_audit_entry){
		                        .status = "OPERATOR-SIGNED",
		                        .operator_name = ws_operator_name(op),
		                        .operator_subject = ws_operator_subject(op),
		                        .operator_sha256 = ws_operator_fingerprint(op),
		                        .card_serial = ws_operator_card_serial(op),
		                        .note = note,
		                    },
		                    ret_reason);
	free(mark);
	free(doc_path);
	return r;
}

int ws_operator_complete(struct ws_operator *op, const char *dir, struct ws_audit *log,
                         unsigned *ret_done, char **ret_reason)
{
	struct dirent **v = NULL;
	int n = scandir(dir, &v, is_mark, alphasort), r = 0;

	*ret_done = 0;
	if (n < 0)
		return ws_reason(ret_reason, -errno, "certificate directory %s: %s", dir,
		                 strerror(errno));
	for (int i = 0; i < n; i++) {
		if (r >= 0)
			r = complete_one(op, dir, v[i]->d_name, log, ret_reason);
		if (r == 0)
			(*ret_done)++;
		if (r > 0)
			r = 0;
		free(v[i]);
	}
	free(v);
	return r;
}
