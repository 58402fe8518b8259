/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/lot.h - customers, jobs and batches: the lot a certificate belongs to.
 *
 * Words (docs/lots.md): a *customer* is one row of the customer list the config names
 * ([lot] customers = FILE, a CSV like nwipe's customers.csv); a *job* is the customer's
 * order, named by its job number; a *batch* is the drives a station wipes in one go for
 * that job, named by its batch number. A *lot* is the three together: what every
 * certificate of the batch records in its "job" object, and the folder it is filed in
 * (CERT_DIR/CUSTOMER/JOB/BATCH/). Not to be confused with the library's internal batch
 * runner (batch.c: several wipes at once) or the job of wipeseal/job.h (one start of
 * wipes): a lot may hold several of those.
 *
 * Each lot folder holds index.tsv, one line per certificate filed, appended whole (one
 * write under a lock, fsync'd) so that `wipeseal find` searches by serial or asset tag
 * without parsing certificates; and, once the batch ends, batch-report.csv and
 * batch-report.pdf (lot-report.c), rebuilt from the certificates, each verified first,
 * and labels.pdf, the batch's label sheet (wipeseal/labels.h): ws_lot_end() writes all three.
 */
#ifndef WIPESEAL_LOT_H
#define WIPESEAL_LOT_H

#include <stdbool.h>
#include <stddef.h>

#include <wipeseal/labels.h>

struct ws_config;
struct ws_pdf_opts;
struct ws_trust;
struct ws_verify_opts;

/* The longest job or batch number, and the longest customer field, in bytes. */
#define WS_LOT_NUMBER_MAX 64u
#define WS_LOT_FIELD_MAX  256u

/* The index file in each lot folder, and the batch report beside it. */
#define WS_LOT_INDEX      "index.tsv"
#define WS_LOT_REPORT_CSV "batch-report.csv"
#define WS_LOT_REPORT_PDF "batch-report.pdf"
#define WS_LOT_LABELS     "labels.pdf"

/* ---- the customer list (lot.c) ------------------------------------------------------------ */

/* One customer; every field but @id and @name may be NULL (empty in the file). */
struct ws_customer {
	char *id;      /* the "id" column, or the row number (1, 2...) when there is none */
	char *name;    /* never empty; unique in the list, also as a folder name */
	char *contact; /* the contact person */
	char *address;
	char *phone;
};

struct ws_customers;

/*
 * ws_customers_load() - read the customer list @path: a CSV (RFC 4180 quoting, LF or CRLF,
 * a UTF-8 byte-order mark skipped) whose first line names the columns: id, name, contact,
 * address, phone (any order, case-insensitive; only name is required), or nwipe's header
 * ("Customer Name","Contact Name","Customer Address","Contact Phone").
 * @ret_reason: on failure, one line naming the file and line (malloc'd).
 * Return: 0; -ENOENT, -EACCES... when it cannot be read; -EINVAL for a malformed file
 * (a row with more cells than the header, an empty name, an id or name twice, a field
 * that is not UTF-8 or holds a control character, a field longer than WS_LOT_FIELD_MAX);
 * -EFBIG for a file over 1 MiB.
 */
int ws_customers_load(const char *path, struct ws_customers **ret, char **ret_reason);

/* ws_customers_free() - NULL-safe. Return: NULL. */
struct ws_customers *ws_customers_free(struct ws_customers *list);

/* How many customers the list holds, and customer @i (in the file's order). */
size_t ws_customers_count(const struct ws_customers *list);
const struct ws_customer *ws_customers_get(const struct ws_customers *list, size_t i);

/*
 * ws_customers_find() - the customer whose id is @key, else whose name is @key (exactly,
 * then ignoring ASCII case). Return: it, or NULL.
 */
const struct ws_customer *ws_customers_find(const struct ws_customers *list, const char *key);

/* ---- the lot (lot.c) ---------------------------------------------------------------------- */

/* A customer's job and batch. Strings are the lot's own; any may be NULL (not given). */
struct ws_lot {
	char *customer_id, *customer, *contact, *address, *phone;
	char *number; /* the job number */
	char *batch;  /* the batch number */
};

/*
 * ws_lot_check_number() - whether @s may be a job or batch number: 1 to WS_LOT_NUMBER_MAX
 * bytes of UTF-8, no control character, no '/' or '\', not "." or "..", no blank at either
 * end (they name folders, and a scanner's stray Tab or CR must not end up in one).
 * @what: "job number" or "batch number", for the reason.
 * Return: 0, or -EINVAL with @ret_reason set (one line: what is wrong and what to do).
 */
int ws_lot_check_number(const char *what, const char *s, char **ret_reason);

/*
 * ws_lot_new() - a lot of customer @c (NULL: none) with job number @number and batch
 * number @batch (each NULL or checked by ws_lot_check_number()).
 * Return: 0; -EINVAL with @ret_reason set; -ENOMEM.
 */
int ws_lot_new(const struct ws_customer *c, const char *number, const char *batch,
               struct ws_lot **ret, char **ret_reason);

/* ws_lot_free() - NULL-safe. Return: NULL. */
struct ws_lot *ws_lot_free(struct ws_lot *lot);

/* What a front end was given on its command line; NULL: take the config's ([lot]). */
struct ws_lot_args {
	const char *customer; /* an id or a name of the list */
	const char *number;
	const char *batch;
};

/*
 * ws_lot_from_config() - the lot of @given, each part the config's ([lot] customer, job,
 * batch) where @given has none, the customer looked up in [lot] customers.
 * @ret: the lot, or NULL when neither @given nor the config names any part (no "job"
 * object then, and certificates are filed as before, straight into the certificate
 * directory).
 * @ret_customers: when not NULL, the customer list (NULL when none is configured).
 * Return: 0; -ENOENT for a customer not in the list, -EINVAL for a customer named with no
 * list configured or a bad number, or the list's ws_customers_load() error; with
 * @ret_reason set (one line naming what is wrong and what to do).
 */
int ws_lot_from_config(const struct ws_config *cfg, const struct ws_lot_args *given,
                       struct ws_lot **ret, struct ws_customers **ret_customers, char **ret_reason);

/*
 * ws_lot_slug() - @s as one folder name (docs/lots.md): letters and digits of any script,
 * '-', '.', '+' kept; a blank or any other character one '_' (runs of them one); no '.'
 * first; at most 64 bytes, cut on a character boundary; "_" for nothing left. Into @buf
 * (@len bytes, at least 65).
 */
void ws_lot_slug(const char *s, char *buf, size_t len);

/*
 * ws_lot_dir() - where the lot's certificates go: @base/CUSTOMER/JOB/BATCH, each part the
 * slug of the customer's name, the job number and the batch number, or "no-customer",
 * "no-job", "no-batch" for a part not given. @ret: malloc'd. Return: 0 or -ENOMEM.
 */
int ws_lot_dir(const struct ws_lot *lot, const char *base, char **ret);

/* ---- the index (lot-index.c) -------------------------------------------------------------- */

/* One line of index.tsv: every field may be NULL (written empty). */
struct ws_lot_row {
	const char *serial, *asset_tag, *model;
	const char *status;      /* "SUCCESS", "FAILED", "ABORTED" as the certificate says */
	const char *started;     /* RFC 3339 */
	const char *certificate; /* the base name NAME.json, beside the index */
	const char *sha256;      /* of NAME.json */
};

/*
 * ws_lot_index_add() - append @row to @dir/index.tsv (created with its header line when
 * missing): one write() of the whole line with O_APPEND under an exclusive flock, then
 * fsync. A last line cut short by a crash (no newline) is ended first, so it stays one
 * damaged line the reader skips and never swallows this one. Tabs, newlines and control
 * characters in a field become spaces.
 * Return: 0 or a negative errno.
 */
int ws_lot_index_add(const char *dir, const struct ws_lot_row *row);

/* Called per line of an index; a non-zero return stops the reading and is returned. */
typedef int (*ws_lot_row_fn)(void *userdata, const struct ws_lot_row *row);

/*
 * ws_lot_index_parse() - the rows of an index's text (@len bytes). Skipped: the header and
 * other lines starting with '#', a last line without its newline (a write cut short), a
 * line without exactly seven fields or whose SHA-256 is not 64 hex digits (damaged).
 * @ret_damaged: how many lines were skipped as damaged (may be NULL).
 * Return: 0, what @fn returned, or -ENOMEM.
 */
int ws_lot_index_parse(const char *text, size_t len, ws_lot_row_fn fn, void *userdata,
                       unsigned *ret_damaged);

/* What ws_lot_find() searches by. */
enum ws_lot_key {
	WS_LOT_BY_SERIAL,
	WS_LOT_BY_ASSET_TAG,
};

/* Called per match: @path is the certificate's path (the index's folder and its name). */
typedef int (*ws_lot_found_fn)(void *userdata, const char *path, const struct ws_lot_row *row);

/* Called per index that could not be read (the search goes on). */
typedef void (*ws_lot_skip_fn)(void *userdata, const char *index, int error);

/*
 * ws_lot_find() - every row of every index.tsv under @dir (recursively, symbolic links to
 * directories not followed, hidden names passed over) whose serial or asset tag is exactly
 * @value, in folder order (names sorted bytewise).
 * Return: how many matched, or a negative errno (@dir cannot be read, -ENOMEM), or what
 * @fn returned when it stopped the search.
 */
int ws_lot_find(const char *dir, enum ws_lot_key key, const char *value, ws_lot_found_fn fn,
                ws_lot_skip_fn skipped, void *userdata);

/* ---- the batch report (lot-report.c, lot-pdf.c) ------------------------------------------- */

/* What ws_lot_report_write() wrote. */
struct ws_lot_report {
	size_t drives;  /* certificates found */
	size_t success; /* authentic, SUCCESS */
	size_t failed;  /* authentic records of FAILED or ABORTED wipes */
	size_t invalid; /* failed verification: listed as such, never as their claimed status */
	char *csv;      /* DIR/batch-report.csv (malloc'd) */
	char *pdf;      /* DIR/batch-report.pdf, or NULL when @pdf was NULL */
};

/*
 * ws_lot_report_write() - the batch report of the certificates under @dir: each verified
 * first (ws_cert_verify_file_opts() against @trust with @vopts, which may be NULL), one
 * CSV row per certificate (serial, model, asset tag, bay, method, technique, NIST level,
 * status, start, end, certificate file, SHA-256, verification), written as
 * @dir/batch-report.csv; and with @pdf, a summary PDF (lot-pdf.c) signed by @pdf->signer
 * (unsigned when NULL), @dir/batch-report.pdf. Both replace an older report, whole or not
 * at all. A certificate that fails verification is listed with its file, its SHA-256 and
 * the reason, and no field read from it.
 * Return: 0, or a negative errno with @ret_reason set; @ret says what was written (free
 * with ws_lot_report_clear()).
 */
int ws_lot_report_write(const char *dir, const struct ws_trust *trust,
                        const struct ws_verify_opts *vopts, const struct ws_pdf_opts *pdf,
                        struct ws_lot_report *ret, char **ret_reason);

/* Free what @r holds and zero it. */
void ws_lot_report_clear(struct ws_lot_report *r);

/* ---- the end of a batch (lot-end.c) ------------------------------------------------------- */

/* How a batch ends; every field may be 0 (NULL). */
struct ws_lot_end_opts {
	const struct ws_verify_opts *verify; /* how each certificate is verified (NULL: defaults) */
	const struct ws_pdf_opts *pdf;       /* the report's PDF (NULL: the CSV only) */
	const struct ws_label_stock *stock;  /* the label sheet's stock (NULL: the default) */
	bool no_labels;                      /* no label sheet ([lot] label_stock = none) */
};

/* What ws_lot_end() wrote; free with ws_lot_end_clear(). */
struct ws_lot_end {
	struct ws_lot_report report;        /* batch-report.csv and .pdf */
	struct ws_labels_report labels;     /* the labels drawn, the certificates refused one */
	const struct ws_label_stock *stock; /* the stock the sheet is for */
	char *labels_pdf;                   /* DIR/labels.pdf once written, else NULL */
	char *labels_reason;                /* why no sheet was written (one line), else NULL */
};

/*
 * ws_lot_label_stock() - the label stock @name names (NULL: [lot] label_stock of @cfg, which
 * may be NULL): the stock named (case does not matter), the default (ws_label_stocks()[0])
 * when neither names one, or none with *@ret_none set when it says "none" (no label sheet
 * at the end of a batch).
 * Return: 0 with @ret (NULL with *@ret_none) set; -EINVAL for an unknown stock, with
 * @ret_reason naming the stocks known.
 */
int ws_lot_label_stock(const struct ws_config *cfg, const char *name,
                       const struct ws_label_stock **ret, bool *ret_none, char **ret_reason);

/*
 * ws_lot_end() - what ending the batch in folder @dir writes, the one place both the station
 * ('b') and `wipeseal batch-report` do it: the batch report (ws_lot_report_write(), CSV and,
 * with @opts->pdf, the signed PDF) and then, unless @opts->no_labels, the label sheet
 * @dir/labels.pdf of every certificate under @dir (ws_labels_write_file() against @trust,
 * replacing an older sheet whole: the folder is the batch, so the sheet is rebuilt like the
 * report). A sheet that cannot be written (no certificate, none verified, a write error)
 * does not undo the report: @ret->labels_reason says why, and @ret->labels_pdf stays NULL.
 * Return: 0 when the report was written, or a negative errno with @ret_reason set (then no
 * sheet is written either); @ret says what was written (free with ws_lot_end_clear()).
 */
int ws_lot_end(const char *dir, const struct ws_trust *trust, const struct ws_lot_end_opts *opts,
               struct ws_lot_end *ret, char **ret_reason);

/* Free what @e holds and zero it. */
void ws_lot_end_clear(struct ws_lot_end *e);

#endif
