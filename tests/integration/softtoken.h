/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * softtoken.h - operators' cards for the tests: SoftHSM2 started per test with its own token
 * directory (SOFTHSM2_CONF, seen by this process and the commands it runs), keys and
 * certificates put on it by certs/make-operator.sh, CAs made by certs/make-ca.sh.
 *
 * The PINs are not hex and not base64 ("op-pin-1", "bad-pin-9"), so that a test can look for
 * them in an audit log or a certificate and not find them by chance in a digest.
 */
#ifndef WS_SOFTTOKEN_H
#define WS_SOFTTOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define SOFTTOKEN_PIN     "op-pin-1"
#define SOFTTOKEN_BAD_PIN "bad-pin-9"

/* scratch_init(@name), and whether SoftHSM2 and p11-kit's proxy module are installed; when
 * they are not, says SKIP, cleans up and returns false: the suite then exits 77. */
bool softtoken_suite_init(const char *name);

/* Run @fmt in a shell; on failure, print it and its output and exit 1. */
void softtoken_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A CA in scratch_dir()/@name (certs/make-ca.sh); its directory (static storage per call
 * site: copy it). */
const char *softtoken_ca(const char *name);

/* The operator suites' PKI: the CA "pki" (operators' and station's) into @pki, another
 * organization's CA "pki2" into @pki2, and the station key "bench-1" (EC) from "pki" in
 * scratch_dir()/station, that directory into @station; each buffer @size bytes. */
void softtoken_operator_pki(char *pki, char *pki2, char *station, size_t size);

/* A fresh SoftHSM2 in scratch_dir()/tok-@tag with one token "op" (user PIN SOFTTOKEN_PIN),
 * its PIN files "pin" and "badpin" (mode 600). Return: that directory. */
const char *softtoken_start(const char *tag);

/* An operator key of @type (pkcs11-tool's --key-type) on the token, object @label with
 * CKA_ID @id, and its operator certificate from the CA in @ca (CN "Op @label", title "Media
 * officer", O "Example Org"): certs/make-operator.sh. */
void softtoken_key(const char *ca, const char *label, const char *id, const char *type);

/* Replace the certificate of object @label (CKA_ID @id) by one for the same key from @ca
 * with the extensions @ext (openssl.cnf syntax, one line each, "\n"-separated). */
void softtoken_recert(const char *ca, const char *label, const char *id, const char *ext);

/* The SHA-256 fingerprint (lowercase hex) of object @label's certificate (malloc'd). */
char *softtoken_fingerprint(const char *label);

#endif
