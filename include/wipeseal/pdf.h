/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/pdf.h - a certificate of sanitization people can print: NAME.pdf, rendered from
 * the signed NAME.json (schema 1 or 2) and signed as PAdES baseline B-B by the station.
 *
 * Page 1 is NIST SP 800-88 Rev. 2 Appendix C's sample certificate (media, sanitization,
 * verification, the person, validation / concurrence, media destination) under a status
 * banner, with a QR code that links the paper to the signed record:
 *   wipeseal:cert:CERTIFICATE_ID:sha256:SHA256_OF_NAME.json
 * Page 2 is the evidence summary. Labels are English or German (po/de.po). The JSON with
 * its .p7s stays the record; the PDF is a convenience copy (docs/pdf.md).
 */
#ifndef WIPESEAL_PDF_H
#define WIPESEAL_PDF_H

#include <stddef.h>

struct ws_signer;

/* The bytes a certificate's PDF is given room for (ws_cert_reserve_size() callers). */
#define WS_PDF_RESERVE_BYTES (512u << 10)

/* Options of ws_pdf_render(); every field may be NULL (0). */
struct ws_pdf_opts {
	const char *lang;               /* "en" (NULL: the default) or "de" */
	const char *localedir;          /* where LANG/LC_MESSAGES/wipeseal.mo lives; NULL: the
	                        * directory the build installs to */
	const struct ws_signer *signer; /* signs the PDF (PAdES B-B; B-T when the signer has
	                                 * a TSA: pdf-cms.c); NULL: unsigned */
	long long now;                  /* the signature's /M, Unix seconds; 0: the clock */
};

/*
 * ws_pdf_render() - the PDF of the certificate document @json (@json_len bytes, exactly the
 * signed bytes: the QR code carries their SHA-256).
 * @json_name: the certificate's base name (NAME.json), printed with the hash.
 * @validation: NAME.validation.json's bytes, or NULL: "not yet validated"; a record bound to
 * other bytes (its certificate.sha256) is not shown.
 * @ret, @ret_len: the PDF (malloc'd).
 * Return: 0; -EINVAL (not a certificate document: @ret_reason says why), -ENOENT (no
 * catalog for @opts->lang), -ENOMEM, -EIO (cairo or OpenSSL failed).
 */
int ws_pdf_render(const void *json, size_t json_len, const char *json_name, const void *validation,
                  size_t validation_len, const struct ws_pdf_opts *opts, unsigned char **ret,
                  size_t *ret_len, char **ret_reason);

/* ws_pdf_write_file() flags. */
#define WS_PDF_REPLACE (1u << 0) /* replace an existing @out (else -EEXIST) */

/*
 * ws_pdf_write_file() - render @cert (a NAME.json path), with NAME.validation.json when it
 * is beside it, into @out (NULL: NAME.pdf beside it), written whole or not at all (a
 * temporary file renamed or linked into place, fsync'd).
 * @ret_path: the file written (malloc'd), or NULL.
 * Return: 0, or a negative errno with @ret_reason set.
 */
int ws_pdf_write_file(const char *cert, const char *out, unsigned flags,
                      const struct ws_pdf_opts *opts, char **ret_path, char **ret_reason);

#endif
