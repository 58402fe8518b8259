/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * signer.c - the station's signing key: loaded, held to the organization's key policy, and
 * used to make detached CMS signatures.
 *
 * Every check happens when the signer is loaded, before a wipe starts: a wipe that could
 * not be certified does not begin. The same key policy is applied again by the verifier
 * (verify.c) to the signer certificate it finds in a signature.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <wipeseal/cert.h>

#include "cert-internal.h"
#include "tsa-internal.h"

struct ws_signer {
	struct ws_token *token; /* the key's token, held open while the key is; or NULL */
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain;
	char *subject;
	char fingerprint[65]; /* SHA-256 of the certificate's DER */
	bool demo;
	struct ws_tsa_config *tsa; /* every CMS signature asks it for a token; or NULL */
};

int ws_key_policy(EVP_PKEY *key, char *why, size_t len)
{
	char group[64] = "";

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(key) >= 2048)
			return 0;
		snprintf(why, len, "RSA key of %d bits; the policy needs at least 2048",
		         EVP_PKEY_get_bits(key));
		return -EPERM;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
		                                   sizeof(group), NULL) == 1 &&
		    (strcmp(group, "prime256v1") == 0 || strcmp(group, "secp384r1") == 0))
			return 0;
		snprintf(why, len, "EC key on curve %s; the policy allows P-256 and P-384",
		         group[0] ? group : "(unknown)");
		return -EPERM;
	case EVP_PKEY_ED25519:
		/* allowed by the organization's policy, but OpenSSL before 3.2 (Debian 12 has
		 * 3.0) cannot make or check CMS signatures with it */
		if (OPENSSL_VERSION_NUMBER >= 0x30200000L)
			return 0;
		snprintf(why, len,
		         "Ed25519 CMS signatures need OpenSSL 3.2 or later; use RSA 3072 "
		         "or EC P-384 (certs/make-station.sh --ec)");
		return -EPERM;
	default:
		snprintf(why, len,
		         "%s key; the policy allows RSA (2048 bits or more), EC P-256, "
		         "EC P-384 and Ed25519",
		         OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
		return -EPERM;
	}
}

bool ws_cert_has_doc_signing(X509 *cert)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	ASN1_OBJECT *want = OBJ_txt2obj(WS_OID_DOCUMENT_SIGNING, 1);
	bool found = false;

	for (int i = 0; eku && want && i < sk_ASN1_OBJECT_num(eku); i++)
		if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want) == 0)
			found = true;
	ASN1_OBJECT_free(want);
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

char *ws_x509_name(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *out = NULL;
	long n;

	if (!b)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) >= 0)
		out = strndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

bool ws_name_is_demo(const X509_NAME *name)
{
	char *s = ws_x509_name(name);
	bool demo = s && strstr(s, "DEMO");

	free(s);
	return demo;
}

/* ---- reading the signer's files ------------------------------------------------------------ */

#define SIGNER_FILE_MAX (1u << 20) /* a key, a certificate or a chain larger than this is refused */
#define PASSPHRASE_MAX  1024

/* What the pass phrase callback was given, and whether OpenSSL asked for it. */
struct passphrase {
	const char *text; /* NULL: there is none, refuse */
	size_t len;
	bool asked;
};

int ws_pem_no_prompt(char *buf, int size, int rwflag, void *userdata)
{
	struct passphrase *p = userdata;

	(void)rwflag;
	if (!p)
		return -1; /* a PEM block that wants a pass phrase where none is expected */
	p->asked = true;
	if (!p->text || size < 0 || p->len > (size_t)size)
		return -1;
	memcpy(buf, p->text, p->len);
	return (int)p->len;
}

/* A file holding a secret (the key, its pass phrase) must be the owner's alone. */
static int check_private(const char *what, const char *path, const struct stat *st,
                         char **ret_reason)
{
	if (st->st_mode & (S_IRWXG | S_IRWXO))
		return ws_reason(ret_reason, -EPERM,
		                 "%s %s is readable by group or others (mode %03o): chmod 600 it",
		                 what, path, (unsigned)(st->st_mode & 0777));
	return 0;
}

/* The whole of one of the signer's files, in memory: OpenSSL parses that, never the path. */
static BIO *read_pem(const char *what, const char *path, bool private, char **ret_buf,
                     size_t *ret_len, char **ret_reason, int *err)
{
	struct stat st;
	size_t len = 0;
	BIO *b;

	*err = ws_read_named(what, path, SIGNER_FILE_MAX, ret_buf, &len, &st, ret_reason);
	*ret_len = len;
	if (*err == 0 && private)
		*err = check_private(what, path, &st, ret_reason);
	if (*err < 0)
		return NULL;
	if (!(b = BIO_new_mem_buf(*ret_buf, (int)len)))
		*err = -ENOMEM;
	return b;
}

void ws_free_secret(char *buf, size_t len)
{
	if (buf) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
}

int ws_read_secret(const char *what, const char *path, size_t cap, char **ret, size_t *ret_len,
                   char **ret_reason)
{
	struct stat st;
	size_t len = 0;
	char *text = NULL;
	int r = ws_read_named(what, path, cap, &text, &len, &st, ret_reason);

	if (r == 0)
		r = check_private(what, path, &st, ret_reason);
	if (r == 0) {
		if (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		if (len > 0 && text[len - 1] == '\r')
			text[--len] = '\0';
		if (len == 0 || memchr(text, '\0', len) || memchr(text, '\n', len))
			r = ws_reason(ret_reason, -EINVAL,
			              "%s %s must hold the %s on one line, and nothing else", what,
			              path, strstr(what, "PIN") ? "PIN" : "pass phrase");
	}
	if (r < 0) {
		ws_free_secret(text, len);
		return r;
	}
	*ret = text;
	*ret_len = len;
	return 0;
}

/* The key; when it turns out to be encrypted, decrypted with the pass phrase file if one
 * is named (read only then). Never a prompt. */
static int load_key(struct ws_signer *s, const char *key_path, const char *pass_path,
                    char **ret_reason)
{
	struct passphrase pass = { 0 };
	char *pem = NULL, *pw = NULL;
	size_t len = 0;
	int r = 0;
	BIO *b = read_pem("signer key", key_path, true, &pem, &len, ret_reason, &r);

	if (!b) {
		ws_free_secret(pem, len);
		return r;
	}
	s->key = PEM_read_bio_PrivateKey(b, NULL, ws_pem_no_prompt, &pass);
	if (!s->key && pass.asked && pass_path) {
		r = ws_read_secret("signer key pass phrase file", pass_path, PASSPHRASE_MAX, &pw,
		                   &pass.len, ret_reason);
		if (r == 0) {
			ERR_clear_error();
			pass.text = pw;
			(void)BIO_reset(b); /* a read-only memory BIO: back to the start */
			s->key = PEM_read_bio_PrivateKey(b, NULL, ws_pem_no_prompt, &pass);
		}
	}
	BIO_free(b);
	ws_free_secret(pem, len);
	ws_free_secret(pw, pass.len);
	if (r < 0)
		return r;
	if (s->key)
		return 0;
	if (pass.asked && !pass_path)
		return ws_reason(
		    ret_reason, -EINVAL,
		    "the signer key %s is encrypted, and wipeseal never asks for a pass "
		    "phrase: set [signer] key_passphrase_file (a file of mode 600 "
		    "holding it) in the configuration, or decrypt the key with "
		    "openssl pkey",
		    key_path);
	if (pass.asked)
		return ws_reason(ret_reason, -EINVAL,
		                 "the pass phrase in %s does not decrypt the signer key %s",
		                 pass_path, key_path);
	return ws_reason(ret_reason, -EINVAL, "signer key %s: not a PEM private key", key_path);
}

/* The certificate file, when the token did not give one. */
static int load_cert_file(struct ws_signer *s, const char *path, char **ret_reason)
{
	char *pem = NULL;
	size_t len;
	int r = 0;
	BIO *b = read_pem("signer certificate", path, false, &pem, &len, ret_reason, &r);

	if (!b) {
		free(pem);
		return r;
	}
	s->cert = PEM_read_bio_X509(b, NULL, ws_pem_no_prompt, NULL);
	BIO_free(b);
	free(pem);
	if (!s->cert)
		return ws_reason(ret_reason, -EINVAL,
		                 "signer certificate %s: not a PEM certificate", path);
	return 0;
}

/* A key from a file or a token (pkcs11.c), and its certificate from a file or the token. */
static int load_key_and_cert(struct ws_signer *s, const struct ws_signer_files *f,
                             char **ret_reason)
{
	int r;

	if (ws_is_pkcs11_uri(f->key))
		r = ws_token_load(f, &s->token, &s->key, &s->cert, ret_reason);
	else if (ws_is_pkcs11_uri(f->cert))
		r = ws_reason(ret_reason, -EINVAL,
		              "signer certificate %s is on a token, the key %s is not: name the "
		              "key on the token too",
		              f->cert, f->key);
	else
		r = load_key(s, f->key, f->key_passphrase, ret_reason);
	if (r == 0 && !s->cert)
		r = load_cert_file(s, f->cert, ret_reason);
	if (r < 0)
		return r;
	if (X509_check_private_key(s->cert, s->key) != 1)
		return ws_reason(ret_reason, -EINVAL,
		                 "signer certificate %s does not belong to the key %s",
		                 f->cert ? f->cert : "(on the token)", f->key);
	return 0;
}

static int load_chain(struct ws_signer *s, const char *path, char **ret_reason)
{
	char *pem = NULL;
	size_t len;
	BIO *b;
	X509 *x;
	int r = 0;

	s->chain = sk_X509_new_null();
	if (!s->chain)
		return -ENOMEM;
	if (!path)
		return 0;
	if (!(b = read_pem("signer chain", path, false, &pem, &len, ret_reason, &r))) {
		free(pem);
		return r;
	}
	while ((x = PEM_read_bio_X509(b, NULL, ws_pem_no_prompt, NULL)))
		if (!sk_X509_push(s->chain, x)) {
			X509_free(x);
			r = -ENOMEM;
			break;
		}
	ERR_clear_error(); /* the end of the file reads as an error */
	BIO_free(b);
	free(pem);
	if (r == 0 && sk_X509_num(s->chain) == 0)
		r = ws_reason(ret_reason, -EINVAL, "signer chain %s: no PEM certificate in it",
		              path);
	return r;
}

/* The certificate as the policy wants it: valid now, for signing documents. */
static int check_cert(struct ws_signer *s, const char *cert_path, char **ret_reason)
{
	char why[160];
	uint32_t ku;

	if (ws_key_policy(s->key, why, sizeof(why)) < 0)
		return ws_reason(ret_reason, -EPERM, "signer key refused: %s", why);
	if (X509_cmp_current_time(X509_get0_notBefore(s->cert)) >= 0)
		return ws_reason(ret_reason, -EPERM, "signer certificate %s is not valid yet",
		                 cert_path);
	if (X509_cmp_current_time(X509_get0_notAfter(s->cert)) <= 0)
		return ws_reason(ret_reason, -EPERM,
		                 "signer certificate %s has expired: have the CA issue a new one",
		                 cert_path);
	ku = X509_get_key_usage(s->cert);
	if (ku != UINT32_MAX && !(ku & KU_DIGITAL_SIGNATURE))
		return ws_reason(ret_reason, -EPERM,
		                 "signer certificate %s does not allow digitalSignature",
		                 cert_path);
	if (!ws_cert_has_doc_signing(s->cert))
		return ws_reason(ret_reason, -EPERM,
		                 "signer certificate %s lacks the extended key usage "
		                 "documentSigning (%s): issue it with certs/make-station.sh",
		                 cert_path, WS_OID_DOCUMENT_SIGNING);
	return 0;
}

int ws_signer_load(const struct ws_signer_files *f, struct ws_signer **ret, char **ret_reason)
{
	struct ws_signer *s;
	int r;

	if (!f->key || (!f->cert && !ws_is_pkcs11_uri(f->key)))
		return ws_reason(ret_reason, -EINVAL,
		                 "a signer needs both a key and a certificate");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = load_key_and_cert(s, f, ret_reason);
	if (r == 0)
		r = load_chain(s, f->chain, ret_reason);
	if (r == 0)
		r = check_cert(s, f->cert ? f->cert : "(on the token)", ret_reason);
	if (r == 0) {
		s->subject = ws_x509_name(X509_get_subject_name(s->cert));
		s->demo = ws_name_is_demo(X509_get_issuer_name(s->cert)) ||
		          ws_name_is_demo(X509_get_subject_name(s->cert));
		for (int i = 0; i < sk_X509_num(s->chain); i++)
			s->demo = s->demo || ws_name_is_demo(
			                         X509_get_subject_name(sk_X509_value(s->chain, i)));
		if (!s->subject || ws_x509_fingerprint(s->cert, s->fingerprint) < 0)
			r = -ENOMEM;
	}
	ERR_clear_error();
	if (r < 0) {
		ws_signer_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

struct ws_signer *ws_signer_free(struct ws_signer *s)
{
	if (!s)
		return NULL;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	ws_token_free(s->token); /* after the key, whose operations go through it */
	free(s->subject);
	ws_tsa_config_free(s->tsa);
	free(s);
	return NULL;
}

int ws_signer_set_tsa(struct ws_signer *s, const struct ws_tsa_config *tsa)
{
	struct ws_tsa_config *copy = tsa ? ws_tsa_config_dup(tsa) : NULL;

	if (tsa && !copy)
		return -ENOMEM;
	ws_tsa_config_free(s->tsa);
	s->tsa = copy;
	return 0;
}

const struct ws_tsa_config *ws_signer_tsa(const struct ws_signer *s)
{
	return s->tsa;
}

const char *ws_signer_subject(const struct ws_signer *s)
{
	return s->subject;
}

bool ws_signer_is_demo(const struct ws_signer *s)
{
	return s->demo;
}

X509 *ws_signer_cert(const struct ws_signer *s)
{
	return s->cert;
}

EVP_PKEY *ws_signer_key(const struct ws_signer *s)
{
	return s->key;
}

struct ws_token *ws_signer_token(const struct ws_signer *s)
{
	return s->token;
}

/* SHA-384 for P-384, SHA-512 for Ed25519 (RFC 8419 section 3.1), SHA-256 otherwise. */
const EVP_MD *ws_digest_for(EVP_PKEY *key)
{
	char group[64] = "";

	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519)
		return EVP_sha512();
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
	                                   NULL) == 1 &&
	    strcmp(group, "secp384r1") == 0)
		return EVP_sha384();
	return EVP_sha256();
}

int ws_signer_sign(const struct ws_signer *s, const void *data, size_t len, char **ret)
{
	return ws_signer_sign_stamped(s, data, len, ret, NULL, NULL, true);
}

int ws_signer_sign_stamped(const struct ws_signer *s, const void *data, size_t len, char **ret,
                           int *ret_tsa, char **ret_tsa_reason, bool stamp)
{
	const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
	BIO *in = BIO_new_mem_buf(data, (int)len);
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	int r = -EIO, t = 1;

	if (!in || len > INT32_MAX)
		goto done;
	cms = CMS_sign(NULL, NULL, s->chain, NULL, flags);
	if (cms &&
	    (si = CMS_add1_signer(cms, s->cert, s->key, ws_digest_for(s->key), CMS_BINARY)) &&
	    CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY) == 1) {
		/* a TSA that fails leaves the signature as it is, without a token */
		if (s->tsa && stamp)
			t = ws_tsa_stamp_si(s->tsa, si, ret_tsa_reason);
		r = ws_cms_pem(cms, ret);
	}
	if (ret_tsa)
		*ret_tsa = t;
done:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return r;
}

/* ---- raw signatures (the audit log's lines) ------------------------------------------------ */

int ws_x509_fingerprint(X509 *cert, char out[65])
{
	unsigned char *der = NULL;
	int n = i2d_X509(cert, &der);

	if (n <= 0)
		return -ENOMEM;
	ws_sha256_hex(der, (size_t)n, out);
	OPENSSL_free(der);
	return 0;
}

const char *ws_signer_fingerprint(const struct ws_signer *s)
{
	return s->fingerprint;
}

/* RSA keys sign with PSS, salt as long as the digest, MGF1 with the same digest (RFC 8017
 * section 8.1); EC keys with ECDSA (DER); Ed25519 as RFC 8032 says (no separate digest). */
int ws_sig_setup(EVP_PKEY_CTX *pctx, EVP_PKEY *key)
{
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return 0;
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	               EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1
	           ? 0
	           : -EIO;
}

int ws_signer_sign_raw(const struct ws_signer *s, const void *data, size_t len, unsigned char **ret,
                       size_t *ret_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ed = EVP_PKEY_get_base_id(s->key) == EVP_PKEY_ED25519;
	unsigned char *sig = NULL;
	size_t n = 0;
	int r = -EIO;

	if (!md)
		return -ENOMEM;
	if (EVP_DigestSignInit(md, &pctx, ed ? NULL : ws_digest_for(s->key), NULL, s->key) != 1 ||
	    ws_sig_setup(pctx, s->key) < 0 || EVP_DigestSign(md, NULL, &n, data, len) != 1)
		goto done;
	sig = OPENSSL_malloc(n);
	if (!sig) {
		r = -ENOMEM;
		goto done;
	}
	if (EVP_DigestSign(md, sig, &n, data, len) != 1)
		goto done;
	*ret = malloc(n);
	if (*ret) {
		memcpy(*ret, sig, n);
		*ret_len = n;
	}
	r = *ret ? 0 : -ENOMEM;
done:
	ERR_clear_error();
	OPENSSL_free(sig);
	EVP_MD_CTX_free(md);
	return r;
}

STACK_OF(X509) * ws_signer_chain(const struct ws_signer *s)
{
	return s->chain;
}

char *ws_signer_pem(const struct ws_signer *s)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *out = NULL;
	long n;
	bool ok = b && PEM_write_bio_X509(b, s->cert) == 1;

	for (int i = 0; ok && i < sk_X509_num(s->chain); i++)
		ok = PEM_write_bio_X509(b, sk_X509_value(s->chain, i)) == 1;
	if (ok && (n = BIO_get_mem_data(b, &p)) > 0)
		out = strndup(p, (size_t)n);
	BIO_free(b);
	ERR_clear_error();
	return out;
}
