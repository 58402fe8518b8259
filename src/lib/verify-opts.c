/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verify-opts.c - verification of what lies beside a certificate: the RFC 3161 token on its
 * signature and the validation records (ws_cert_verify_file_opts()).
 */
#include <wipeseal/cert.h>

#include "tsa-internal.h"

/* The checks of what lies beside the certificate (timestamp, validation) come with the
 * parts of issue #16 that make them; until then the options' flags are honoured. */
int ws_cert_verify_file_opts(const struct ws_trust *trust, const char *path,
                             const struct ws_verify_opts *opts, struct ws_cert_check *c)
{
	int r = ws_cert_verify_file_flags(trust, path, opts ? opts->flags : 0, c);

	if (r == 0)
		r = ws_verify_tsa(path, opts, c);
	return r;
}
