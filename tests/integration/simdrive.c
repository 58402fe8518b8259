/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * simdrive.c - see simdrive.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

char marker[64], pki[4096];

void simdrive_init(const char *suite, const char *tag)
{
	char *cmd = NULL;

	scratch_init(suite);
	snprintf(marker, sizeof(marker), "WIPESEAL-%s-MARKER-%d", tag, getpid());
	snprintf(pki, sizeof(pki), "%s/pki", scratch_dir());
	test_require(asprintf(&cmd,
	                      "'%s/certs/make-ca.sh' '%s/ca' >/dev/null && "
	                      "'%s/certs/make-station.sh' '%s/ca' '%s/st' >/dev/null",
	                      WS_SOURCE_DIR, pki, WS_SOURCE_DIR, pki, pki) >= 0,
	             "out of memory");
	test_require(test_sh(NULL, "%s", cmd) == 0, "making the PKI failed: %s", cmd);
	free(cmd);
}

/* A 32 MiB loop device with ext4 holding the marker. */
char *marked(const char *name)
{
	char *img = scratch_image(name, 32), *files = NULL, *dev;

	ck_assert_int_ge(asprintf(&files, "%s/f-%d-%s", scratch_dir(), getpid(), name), 0);
	ck_assert_int_eq(
	    test_sh(NULL,
	            "mkdir -p '%s' && yes '%s' | head -n %d > '%s/f' && "
	            "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d '%s' '%s'",
	            files, marker, MARKER_LINES, files, files, img),
	    0);
	dev = scratch_attach(img, false, false);
	ck_assert_int_eq(test_sh(NULL, "grep -a -q -F '%s' '%s'", marker, dev), 0);
	free(files);
	free(img);
	return dev;
}

char *marked_raw(const char *name)
{
	char *img = scratch_image(name, 32), *dev;

	ck_assert_int_eq(test_sh(NULL,
	                         "yes '%s' | head -n %d | dd of='%s' conv=notrunc status=none",
	                         marker, MARKER_LINES, img),
	                 0);
	dev = scratch_attach(img, false, false);
	ck_assert_int_eq(test_sh(NULL, "blkid -p '%s'", dev), 2);
	free(img);
	return dev;
}

bool has_marker(const char *dev)
{
	return test_sh(NULL, "grep -a -q -F '%s' '%s'", marker, dev) == 0;
}

long marker_lines(const char *dev)
{
	char *out = NULL;
	long n;

	/* grep -c exits 1 when it counts none */
	ck_assert_int_le(test_sh(&out, "grep -a -c -F '%s' '%s'", marker, dev), 1);
	n = strtol(out, NULL, 10);
	free(out);
	return n;
}

unsigned long long jnum(struct json_object *o, const char *path)
{
	const char *v = jstr(o, path);

	ck_assert_msg(v != NULL, "no %s", path);
	return strtoull(v, NULL, 10);
}

int simdrive_wipe(const char *env, const char *args, char **out, char **err)
{
	return run_cli_prefix(
	    out, err, env,
	    "wipe --yes --json --poll-interval 100 --signer-key %s/st/signer.key "
	    "--signer-cert %s/st/signer.pem --audit-log %s/audit.log --cert-dir %s/certs "
	    "--operator 'Test Operator' %s",
	    pki, pki, scratch_dir(), scratch_dir(), args);
}

/* The "result" of the last JSON line, and the certificate it names (verified here). */
struct json_object *result_of(const char *out, struct json_object **root)
{
	struct json_object *res, *file;
	char *vout = NULL;

	*root = json_last_line(out);
	ck_assert_msg(json_object_object_get_ex(*root, "result", &res), "no result: %s", out);
	ck_assert(json_object_object_get_ex(*root, "file", &file));
	/* the certificate is signed whatever the outcome; verify says OK only on SUCCESS */
	ck_assert_int_eq(
	    test_sh(&vout,
	            "openssl cms -verify -binary -inform PEM -in '%s.p7s' -content '%s' "
	            "-CAfile %s/ca/ca.pem -purpose any -out /dev/null",
	            json_object_get_string(file), json_object_get_string(file), pki),
	    0);
	free(vout);
	return res;
}

struct json_object *certificate_of(struct json_object *root)
{
	struct json_object *file, *cert;

	ck_assert(json_object_object_get_ex(root, "file", &file));
	cert = json_object_from_file(json_object_get_string(file));
	ck_assert_ptr_nonnull(cert);
	return cert;
}
