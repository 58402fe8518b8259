/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/labels.h - a sheet of drive labels for a batch: one label per certificate that
 * verifies, on common label stock (Avery L7160 on A4, Avery 5160 on US Letter), as a PDF.
 *
 * Each label shows the drive's serial (never cut: its font shrinks to fit), model and asset
 * tag, the outcome with its NIST SP 800-88 level, the date the wipe ended, the station, and
 * a QR code that holds
 *   wipeseal:sha256:SHA256_OF_NAME.json
 * the SHA-256 of the certificate file's bytes (what `sha256sum NAME.json` prints), so the
 * paper on the drive finds its signed record. Only certificates that verify get a label:
 * one that does not is named with the reason, and the caller decides what to say
 * (docs/labels.md).
 */
#ifndef WIPESEAL_LABELS_H
#define WIPESEAL_LABELS_H

#include <stddef.h>

struct ws_trust;
struct ws_verify_opts;

/*
 * A sheet of equal labels in a grid, as its maker's template gives it. Lengths are
 * millimetres, from the page's top left corner; labels fill a row left to right, then
 * the next row down (position 0 top left).
 */
struct ws_label_stock {
	const char *name;        /* what --stock takes: "l7160", "5160" */
	const char *description; /* one line: maker, part, page and label size */
	double page_w, page_h;   /* the page */
	unsigned cols, rows;     /* labels across, down */
	double label_w, label_h; /* one label */
	double left, top;        /* the page's edge to the first label's edge */
	double pitch_x, pitch_y; /* one label's left (top) edge to the next one's */
};

/* ws_label_stocks() - the stocks known, the default first; @ret_n gets their number. */
const struct ws_label_stock *ws_label_stocks(size_t *ret_n);

/* ws_label_stock_find() - the stock called @name (case does not matter), or NULL. */
const struct ws_label_stock *ws_label_stock_find(const char *name);

/* Options of ws_labels_write_file(); every field may be 0 (NULL). */
struct ws_labels_opts {
	const struct ws_label_stock *stock;  /* NULL: the default, ws_label_stocks()[0] */
	unsigned skip;                       /* positions already used on the first sheet; less
	                                      * than the sheet holds */
	const struct ws_verify_opts *verify; /* how each certificate is verified (TSA CA, ...);
	                                      * NULL: ws_cert_verify_file_opts()'s defaults */
	unsigned flags;                      /* WS_LABELS_* */
};

/* ws_labels_opts flags. */
#define WS_LABELS_REPLACE (1u << 0) /* replace an existing @out (else -EEXIST) */

/* A certificate that got no label, and why (one line). */
struct ws_label_refusal {
	char *path;
	char *reason;
};

/* What ws_labels_write_file() did; free its strings with ws_labels_report_clear(). */
struct ws_labels_report {
	size_t labels;                    /* labels drawn: one per certificate that verified
	                                   * (a certificate named twice gets one) */
	size_t pages;                     /* pages written */
	struct ws_label_refusal *refused; /* the certificates that got none, in the order named */
	size_t n_refused;
};

void ws_labels_report_clear(struct ws_labels_report *r);

/*
 * ws_labels_write_file() - verify each of the @n certificates @certs (NAME.json paths, each
 * with NAME.json.p7s) against @trust, and write a label for each one whose integrity holds
 * (struct ws_cert_check.authentic: an authentic record of a FAILED wipe gets a label that
 * says FAILED) into the PDF @out, written whole or not at all (a temporary file beside it,
 * fsync'd, then linked into place: never over an existing file unless WS_LABELS_REPLACE).
 * The label's fields are read from the verified document only; the QR code carries the
 * SHA-256 of the bytes that verified. The station's end of batch calls this with the
 * batch's certificates.
 * @ret: what was done and refused, in every case (clear it with ws_labels_report_clear()).
 * Return: 0 when the sheet was written (@ret->refused may still name certificates);
 * -EINVAL (no certificate, no @trust, or @opts->skip not less than the sheet holds);
 * -ENODATA (none verified: no file written); -EEXIST (@out exists); -ENOMEM; -EIO (cairo
 * failed); or the errno of the write. @ret_reason says why in one line.
 */
int ws_labels_write_file(const struct ws_trust *trust, const char *const *certs, size_t n,
                         const char *out, const struct ws_labels_opts *opts,
                         struct ws_labels_report *ret, char **ret_reason);

#endif
