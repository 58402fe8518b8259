/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-opts.c - a certificate file and what lies beside it: the RFC 3161 token on its
 * signature and the validation records (ws_cert_verify_file_opts()).
 *
 * Each file is read once and each document parsed once: `verify DIR`, `register push` and
 * `register audit` check a million of them, and OpenSSL 3.0 spends most of a check decoding the
 * signature's certificates (the public keys, through its decoders), so the signature parsed
 * for the signature check is the one whose timestamp tokens are checked.
 */
#include <errno.h>
#include <stdlib.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <wipeseal/cert.h>

#include "cert-internal.h"
#include "tsa-internal.h"
#include "validate-internal.h"
#include "verify-internal.h"

int ws_cert_verify_bytes_opts(const struct ws_trust *trust, const char *path, const void *json,
                              size_t json_len, const void *p7s, size_t p7s_len,
                              const struct ws_verify_opts *opts, struct ws_cert_check *c,
                              struct json_object **ret_doc)
{
	struct json_object *doc = NULL;
	CMS_ContentInfo *cms = NULL;
	int r = ws_cert_verify_parsed(trust, json, json_len, p7s, p7s_len, opts ? opts->flags : 0,
	                              c, &doc, &cms);

	if (r == 0 && !doc && !cms && p7s_len <= WS_SIG_MAX_BYTES) {
		/* the document failed before its signature was read: its tokens still count */
		BIO *in = BIO_new_mem_buf(p7s, (int)p7s_len);

		cms = in ? PEM_read_bio_CMS(in, NULL, ws_pem_no_prompt, NULL) : NULL;
		BIO_free(in);
	}
	if (r == 0)
		ws_verify_tsa_parsed(path, cms, doc, opts, c);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (r == 0)
		r = ws_verify_validation(trust, path, opts, c);
	if (ret_doc && r == 0)
		*ret_doc = doc;
	else
		json_object_put(doc);
	return r;
}

int ws_cert_verify_file_opts(const struct ws_trust *trust, const char *path,
                             const struct ws_verify_opts *opts, struct ws_cert_check *c)
{
	char *json = NULL, *p7s = NULL;
	size_t jl = 0, pl = 0;
	int r = ws_cert_read_files(path, &json, &jl, &p7s, &pl, c);

	if (r == 0)
		r = ws_cert_verify_bytes_opts(trust, path, json, jl, p7s, pl, opts, c, NULL);
	else if (r > 0 && (r = ws_verify_tsa(path, opts, c)) == 0)
		r = ws_verify_validation(trust, path, opts, c); /* as when it could be read */
	free(json);
	free(p7s);
	return r;
}
