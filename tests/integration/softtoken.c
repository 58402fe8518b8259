/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * softtoken.c - SoftHSM2 tokens as operators' cards for the tests (softtoken.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratch.h"
#include "softtoken.h"
#include "testutil.h"

static char tokdir[4096];

bool softtoken_suite_init(const char *name)
{
	scratch_init(name);
	if (access(WS_SOFTHSM2, R_OK) == 0 && access(WS_P11_PROXY_PATH, R_OK) == 0)
		return true;
	printf("SKIP: SoftHSM2 or p11-kit's proxy module missing (scripts/deps.sh)\n");
	scratch_cleanup();
	return false;
}

void softtoken_sh(const char *fmt, ...)
{
	char *cmd = NULL, *out = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	test_require(r >= 0, "out of memory");
	r = test_sh(&out, "%s", cmd);
	test_require(r == 0, "%s\n%s", cmd, out);
	free(out);
	free(cmd);
}

const char *softtoken_ca(const char *name)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/%s", scratch_dir(), name);
	softtoken_sh("'%s/certs/make-ca.sh' '%s' --cn 'wipeseal test CA %s' >/dev/null",
	             WS_SOURCE_DIR, dir, name);
	return dir;
}

void softtoken_operator_pki(char *pki, char *pki2, char *station, size_t size)
{
	snprintf(pki, size, "%s", softtoken_ca("pki"));
	snprintf(pki2, size, "%s", softtoken_ca("pki2"));
	snprintf(station, size, "%s/station", scratch_dir());
	softtoken_sh("'%s/certs/make-station.sh' '%s' '%s' --cn bench-1 --ec >/dev/null",
	             WS_SOURCE_DIR, pki, station);
}

const char *softtoken_start(const char *tag)
{
	char conf[4200];

	snprintf(tokdir, sizeof(tokdir), "%s/tok-%s", scratch_dir(), tag);
	softtoken_sh("mkdir -p '%s/store' && cd '%s' && "
	             "printf 'directories.tokendir = %%s/store\\nobjectstore.backend = file\\n"
	             "log.level = ERROR\\n' \"$PWD\" > softhsm2.conf && "
	             "SOFTHSM2_CONF=$PWD/softhsm2.conf softhsm2-util --init-token --free --label "
	             "op --pin %s --so-pin 87654321 >/dev/null && "
	             "(umask 077 && echo %s > pin && echo %s > badpin)",
	             tokdir, tokdir, SOFTTOKEN_PIN, SOFTTOKEN_PIN, SOFTTOKEN_BAD_PIN);
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", tokdir);
	test_require(setenv("SOFTHSM2_CONF", conf, 1) == 0, "setenv");
	return tokdir;
}

void softtoken_key(const char *ca, const char *label, const char *id, const char *type)
{
	softtoken_sh("'%s/certs/make-operator.sh' '%s' '%s/%s' --token op --cn 'Op %s' "
	             "--org 'Example Org' --title 'Media officer' --label %s --id %s "
	             "--key-type %s --pin-file '%s/pin' >/dev/null 2>&1",
	             WS_SOURCE_DIR, ca, tokdir, label, label, label, id, type, tokdir);
}

void softtoken_recert(const char *ca, const char *label, const char *id, const char *ext)
{
	softtoken_sh("cd '%s/%s' && printf '[e]\\n%s\\n' > e.cnf && "
	             "openssl x509 -in operator.pem -pubkey -noout > pub.pem && openssl req -new "
	             "-newkey rsa:2048 -nodes -keyout /dev/null -subj '/CN=Op %s/O=Example Org' "
	             "-out t.csr 2>/dev/null && openssl x509 -req -in t.csr -force_pubkey pub.pem "
	             "-CA %s/ca.pem -CAkey %s/ca.key -CAcreateserial -CAserial t.srl -extfile "
	             "e.cnf -extensions e -out operator.pem 2>/dev/null && openssl x509 -in "
	             "operator.pem -outform DER -out op.der && "
	             "P=%s pkcs11-tool --module %s --token-label op --login --pin env:P "
	             "--delete-object --type cert --label %s >/dev/null 2>&1 && "
	             "P=%s pkcs11-tool --module %s --token-label op --login --pin env:P "
	             "--write-object op.der --type cert --id %s --label %s >/dev/null 2>&1",
	             tokdir, label, ext, label, ca, ca, SOFTTOKEN_PIN, WS_P11_PROXY_PATH, label,
	             SOFTTOKEN_PIN, WS_P11_PROXY_PATH, id, label);
}

char *softtoken_fingerprint(const char *label)
{
	char *out = NULL, *p, *q;

	test_require(test_sh(&out,
	                     "openssl x509 -in '%s/%s/operator.pem' -noout -fingerprint "
	                     "-sha256 | sed 's/.*=//; s/://g' | tr A-F a-f",
	                     tokdir, label) == 0,
	             "fingerprint of %s: %s", label, out);
	for (p = q = out; *p; p++)
		if (*p != '\n')
			*q++ = *p;
	*q = '\0';
	return out;
}
