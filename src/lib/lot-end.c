/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lot-end.c - the end of a batch (wipeseal/lot.h): the batch report and the label sheet of
 * the batch's folder, in one call, so the station's 'b' and `wipeseal batch-report` end a
 * batch the same way and a front end only says what was written.
 *
 * Why the sheet follows the report and never undoes it: the report is the record an auditor
 * reads, the sheet is paper for the drives. A sheet that cannot be made (no certificate in
 * the folder, none verified, a full disk) is said beside a report that was written, never
 * in place of it. Both are rebuilt from the certificates of the folder, each verified first
 * (the label's own check, labels.c), so the labels and the report's rows tell of the same
 * drives.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wipeseal/cert.h>
#include <wipeseal/config.h>
#include <wipeseal/labels.h>
#include <wipeseal/lot.h>

#include "internal.h"

int ws_lot_label_stock(const struct ws_config *cfg, const char *name,
                       const struct ws_label_stock **ret, bool *ret_none, char **ret_reason)
{
	bool flag = name != NULL;
	size_t n;

	if (!name && cfg)
		name = ws_config_get(cfg, "lot", "label_stock");
	*ret_none = false;
	*ret = ws_label_stocks(&n);
	if (!name)
		return 0;
	if (strcasecmp(name, "none") == 0) {
		*ret = NULL;
		*ret_none = true;
		return 0;
	}
	*ret = ws_label_stock_find(name);
	if (!*ret)
		return ws_reason(ret_reason, -EINVAL,
		                 "%s %s: unknown label stock: name l7160 (A4), 5160 (US Letter) or "
		                 "none",
		                 flag ? "--stock" : "[lot] label_stock =", name);
	return 0;
}

/* The certificates a walk found (paths, malloc'd). */
struct found {
	char **paths;
	size_t n;
};

static int on_found(void *userdata, const char *path, enum ws_walk_kind kind, const char *reason)
{
	struct found *f = userdata;
	char **p;

	(void)reason; /* an unreadable folder already failed the report */
	if (kind != WS_WALK_CERTIFICATE)
		return 0;
	p = realloc(f->paths, (f->n + 1) * sizeof(*f->paths));
	if (!p)
		return -ENOMEM;
	f->paths = p;
	if (!(p[f->n] = strdup(path)))
		return -ENOMEM;
	f->n++;
	return 0;
}

/* DIR/labels.pdf of the certificates under @dir; what went wrong in @ret->labels_reason. */
static void write_labels(const char *dir, const struct ws_trust *trust,
                         const struct ws_lot_end_opts *opts, struct ws_lot_end *ret)
{
	struct ws_labels_opts lo = {
		.stock = ret->stock,
		.verify = opts->verify,
		.flags = WS_LABELS_REPLACE, /* the sheet is rebuilt, like the report */
	};
	const char *paths[] = { dir };
	struct found f = { 0 };
	char *out = NULL;
	int r = ws_cert_walk(paths, 1, on_found, &f);

	if (r < 0) {
		ws_reason(&ret->labels_reason, r, "out of memory");
	} else if (f.n == 0) {
		ws_reason(&ret->labels_reason, -ENODATA, "no certificate in the batch: no labels");
	} else if (asprintf(&out, "%s/" WS_LOT_LABELS, dir) < 0) {
		out = NULL;
		ws_reason(&ret->labels_reason, -ENOMEM, "out of memory");
	} else if (ws_labels_write_file(trust, (const char *const *)f.paths, f.n, out, &lo,
	                                &ret->labels, &ret->labels_reason) == 0) {
		ret->labels_pdf = TAKE_PTR(out);
	}
	free(out);
	for (size_t i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(f.paths);
}

int ws_lot_end(const char *dir, const struct ws_trust *trust, const struct ws_lot_end_opts *opts,
               struct ws_lot_end *ret, char **ret_reason)
{
	static const struct ws_lot_end_opts none = { 0 };
	size_t n;
	int r;

	memset(ret, 0, sizeof(*ret));
	opts = opts ? opts : &none;
	ret->stock = opts->stock ? opts->stock : ws_label_stocks(&n);
	r = ws_lot_report_write(dir, trust, opts->verify, opts->pdf, &ret->report, ret_reason);
	if (r < 0 || opts->no_labels)
		return r;
	write_labels(dir, trust, opts, ret);
	return 0;
}

void ws_lot_end_clear(struct ws_lot_end *e)
{
	ws_lot_report_clear(&e->report);
	ws_labels_report_clear(&e->labels);
	free(e->labels_pdf);
	free(e->labels_reason);
	memset(e, 0, sizeof(*e));
}
