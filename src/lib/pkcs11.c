/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pkcs11.c - signer keys on PKCS#11 tokens (smart cards, USB tokens, HSMs), named by RFC 7512
 * URIs. The key never leaves the token: OpenSSL gets an EVP_PKEY whose private operations
 * libp11 sends to the token.
 *
 * No PKCS#11 client is written here. p11-kit parses and matches the URI (p11_kit_uri_*) and,
 * through its proxy module, finds the modules the system has registered (OpenSC for cards,
 * SoftHSM2, an HSM's vendor module); libp11's PKCS11_* API logs in and hands the key to
 * OpenSSL (docs/architecture.md says why that API and not the engine). A URI may name its
 * module with module-path= instead.
 *
 * Every failure is told apart (docs: ws_signer_load() in wipeseal/cert.h) and said in one
 * line with what to do; the caller writes nothing when loading fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libp11.h>
#include <p11-kit/uri.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cert-internal.h"

#ifndef WS_P11_PROXY
#define WS_P11_PROXY "p11-kit-proxy.so"
#endif

#define PIN_MAX 256

struct ws_token {
	PKCS11_CTX *ctx;
	PKCS11_SLOT *slots;
	unsigned n_slots;
	PKCS11_SLOT *slot; /* the key's, once found */
	bool loaded;
	bool logged_out; /* ws_token_logout() ran */
};

bool ws_is_pkcs11_uri(const char *s)
{
	return s && strncasecmp(s, "pkcs11:", 7) == 0;
}

struct ws_token *ws_token_free(struct ws_token *t)
{
	if (!t)
		return NULL;
	if (t->slots)
		PKCS11_release_all_slots(t->ctx, t->slots, t->n_slots);
	if (t->loaded)
		PKCS11_CTX_unload(t->ctx);
	if (t->ctx)
		PKCS11_CTX_free(t->ctx);
	free(t);
	return NULL;
}

/* ---- finding the token --------------------------------------------------------------------- */

/* libp11's strings back into the blank-padded fields p11-kit matches a URI against. */
static void pad(CK_UTF8CHAR *field, size_t size, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	memset(field, ' ', size);
	memcpy(field, s, n < size ? n : size);
}

static bool token_matches(P11KitUri *uri, const PKCS11_TOKEN *tok)
{
	CK_TOKEN_INFO info;

	memset(&info, 0, sizeof(info));
	pad(info.label, sizeof(info.label), tok->label);
	pad(info.manufacturerID, sizeof(info.manufacturerID), tok->manufacturer);
	pad(info.model, sizeof(info.model), tok->model);
	pad(info.serialNumber, sizeof(info.serialNumber), tok->serialnr);
	return p11_kit_uri_match_token_info(uri, &info) == 1;
}

static int load_module(P11KitUri *uri, const char *text, struct ws_token *t, char **ret_reason)
{
	const char *module = p11_kit_uri_get_module_path(uri);

	if (!module)
		module = WS_P11_PROXY;
	if (!(t->ctx = PKCS11_CTX_new()))
		return -ENOMEM;
	/* looked for first: libp11 prints dlopen()'s complaint on stderr, and we never print */
	if ((module[0] == '/' && access(module, R_OK) != 0) || PKCS11_CTX_load(t->ctx, module) < 0)
		return ws_reason(ret_reason, -ELIBACC,
		                 "signer key %s: the PKCS#11 module %s cannot be loaded: install "
		                 "it (opensc-pkcs11 for cards, p11-kit-modules for the proxy) or "
		                 "name another with module-path=",
		                 text, module);
	t->loaded = true;
	if (PKCS11_enumerate_slots(t->ctx, &t->slots, &t->n_slots) < 0)
		return ws_reason(ret_reason, -EIO, "signer key %s: the module %s lists no slots",
		                 text, module);
	return 0;
}

/* The one slot whose token the URI names. */
static int find_slot(P11KitUri *uri, const char *text, struct ws_token *t, PKCS11_SLOT **ret,
                     char **ret_reason)
{
	PKCS11_SLOT *found = NULL;

	for (unsigned i = 0; i < t->n_slots; i++) {
		PKCS11_SLOT *s = &t->slots[i];

		if (!s->token || !s->token->initialized || !token_matches(uri, s->token))
			continue;
		if (found)
			return ws_reason(ret_reason, -ENOTUNIQ,
			                 "signer key %s: tokens \"%s\" and \"%s\" both match; "
			                 "name one with token= or serial=",
			                 text, found->token->label, s->token->label);
		found = s;
	}
	if (!found)
		return ws_reason(ret_reason, -ENODEV,
		                 "signer key %s: no token matches it: insert the card "
		                 "(pkcs11-tool --list-token-slots shows the tokens present)",
		                 text);
	*ret = found;
	return 0;
}

/* ---- the PIN ------------------------------------------------------------------------------- */

/* What the token says about the user PIN's tries, or NULL (PKCS#11 3.0 section 5.5:
 * CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY; it gives no number). */
static const char *tries_note(const PKCS11_TOKEN *tok)
{
	if (tok->userPinFinalTry)
		return "one try left: the next wrong PIN locks the card";
	if (tok->userPinCountLow)
		return "the token reports few tries left";
	return NULL;
}

/* The PIN from a file: the URI's pin-source (a path or a file: URI) first, else @f->pin_file;
 * else the front end's question. */
static int get_pin(P11KitUri *uri, const struct ws_signer_files *f, const char *who,
                   const PKCS11_TOKEN *tok, char *buf, size_t size, char **ret_reason)
{
	const char *src = p11_kit_uri_get_pin_source(uri);
	char *text = NULL;
	size_t len = 0;
	int r;

	if (src && strncmp(src, "file:", 5) == 0)
		src += strncmp(src, "file://", 7) == 0 ? 7 : 5;
	if (src && src[0] != '/')
		return ws_reason(ret_reason, -EINVAL,
		                 "signer key: pin-source %s is not a file path; name a file "
		                 "(mode 600) holding the PIN",
		                 src);
	if (!src)
		src = f->pin_file;
	if (src) {
		r = ws_read_secret("token PIN file", src, PIN_MAX, &text, &len, ret_reason);
		if (r == 0 && len >= size)
			r = ws_reason(ret_reason, -EINVAL, "token PIN file %s: too long", src);
		if (r == 0)
			memcpy(buf, text, len + 1);
		ws_free_secret(text, len);
		return r;
	}
	r = f->pin ? f->pin(f->pin_userdata, who, tries_note(tok), buf, size) : -ENOTTY;
	if (r == -ENOTTY)
		return ws_reason(ret_reason, -ENOTTY,
		                 "token %s needs a PIN and nobody can type it here: set [signer] "
		                 "pin_file (a file of mode 600 holding it) in the configuration",
		                 who);
	if (r < 0)
		return ws_reason(ret_reason, r, "token %s: no PIN given", who);
	return 0;
}

/* The CKR_* code of libp11's last error, or 0. */
static unsigned long last_ckr(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_get_CKR_code() ? (unsigned long)ERR_GET_REASON(e) : 0;
}

/* The token's flags read afresh after a failed login, into @ret: what it says about the tries
 * left now. A second list of the slots (PKCS11_update_slots() of libp11 0.4.12 can crash on a
 * list it made), found by slot ID. Return: whether it was read. */
static bool fresh_flags(struct ws_token *t, unsigned long id, PKCS11_TOKEN *ret)
{
	PKCS11_SLOT *slots = NULL;
	unsigned n = 0;
	bool found = false;

	if (PKCS11_enumerate_slots(t->ctx, &slots, &n) < 0)
		return false;
	for (unsigned i = 0; i < n && !found; i++)
		if (PKCS11_get_slotid_from_slot(&slots[i]) == id && slots[i].token) {
			*ret = *slots[i].token;
			ret->label = ret->manufacturer = ret->model = ret->serialnr = NULL;
			ret->slot = NULL;
			found = true;
		}
	PKCS11_release_all_slots(t->ctx, slots, n);
	return found;
}

static int login_failed(struct ws_token *t, PKCS11_SLOT *slot, const char *who, char **ret_reason)
{
	unsigned long rv = last_ckr();
	PKCS11_TOKEN now;
	const PKCS11_TOKEN *tok =
	    fresh_flags(t, PKCS11_get_slotid_from_slot(slot), &now) ? &now : NULL;
	const char *note;

	if (rv == CKR_PIN_LOCKED || (tok && tok->userPinLocked))
		return ws_reason(ret_reason, -EKEYREVOKED,
		                 "token %s: the PIN is locked; have the card unblocked with its "
		                 "PUK or SO PIN (docs/operators.md)",
		                 who);
	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) {
		note = tok ? tries_note(tok) : NULL;
		return ws_reason(ret_reason, -EKEYREJECTED, "token %s: wrong PIN%s%s", who,
		                 note ? "; " : "", note ? note : "");
	}
	return ws_reason(ret_reason, -EIO, "token %s: login failed (PKCS#11 error 0x%lx)", who, rv);
}

static int login(P11KitUri *uri, const struct ws_signer_files *f, struct ws_token *t,
                 PKCS11_SLOT *slot, char **ret_reason)
{
	char pin[PIN_MAX + 1], who[160];
	int r;

	snprintf(who, sizeof(who), "\"%s\" (serial %s)", slot->token->label, slot->token->serialnr);
	if (slot->token->userPinLocked)
		return ws_reason(ret_reason, -EKEYREVOKED,
		                 "token %s: the PIN is locked; have the card unblocked with its "
		                 "PUK or SO PIN (docs/operators.md)",
		                 who);
	if (!slot->token->loginRequired)
		return 0;
	/* a reader with a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH): the PIN is typed there,
	 * and C_Login takes none (PKCS#11 3.0 section 5.6.1) */
	if (slot->token->secureLogin)
		return PKCS11_login(slot, 0, NULL) < 0 ? login_failed(t, slot, who, ret_reason) : 0;
	r = get_pin(uri, f, who, slot->token, pin, sizeof(pin), ret_reason);
	if (r == 0 && PKCS11_login(slot, 0, pin) < 0)
		r = login_failed(t, slot, who, ret_reason);
	OPENSSL_cleanse(pin, sizeof(pin));
	return r;
}

/* ---- the key and its certificate ------------------------------------------------------------ */

static bool attr_matches(P11KitUri *uri, CK_ATTRIBUTE_TYPE type, const void *value, size_t len)
{
	CK_ATTRIBUTE *a = p11_kit_uri_get_attribute(uri, type);

	return !a || (value && a->ulValueLen == len && memcmp(a->pValue, value, len) == 0);
}

static bool object_matches(P11KitUri *uri, const char *label, const unsigned char *id,
                           size_t id_len)
{
	return attr_matches(uri, CKA_LABEL, label, label ? strlen(label) : 0) &&
	       attr_matches(uri, CKA_ID, id, id_len);
}

static int find_key(P11KitUri *uri, const char *text, PKCS11_TOKEN *tok, PKCS11_KEY **ret,
                    char **ret_reason)
{
	PKCS11_KEY *keys = NULL, *found = NULL;
	unsigned n = 0;

	if (PKCS11_enumerate_keys(tok, &keys, &n) < 0)
		return ws_reason(ret_reason, -EIO,
		                 "signer key %s: the keys on token \"%s\" cannot be listed; libp11 "
		                 "before 0.4.13 fails on a token that also holds a key it does not "
		                 "know (Ed25519): keep such keys on another token",
		                 text, tok->label);
	for (unsigned i = 0; i < n; i++) {
		if (!object_matches(uri, keys[i].label, keys[i].id, keys[i].id_len))
			continue;
		if (found)
			return ws_reason(ret_reason, -ENOTUNIQ,
			                 "signer key %s: several private keys on token \"%s\" "
			                 "match; name one with object= or id=",
			                 text, tok->label);
		found = &keys[i];
	}
	if (!found)
		return ws_reason(ret_reason, -ENOKEY,
		                 "signer key %s: no private key on token \"%s\" matches it "
		                 "(pkcs11-tool --list-objects --login shows what it holds)",
		                 text, tok->label);
	*ret = found;
	return 0;
}

/* The certificate the URI @cert names on the token, or (NULL) the one beside @key. */
static int find_cert(const char *cert, PKCS11_TOKEN *tok, PKCS11_KEY *key, X509 **ret,
                     char **ret_reason)
{
	P11KitUri *uri = NULL;
	PKCS11_CERT *certs = NULL, *found = NULL;
	unsigned n = 0;

	if (!cert) {
		found = PKCS11_find_certificate(key);
	} else if ((uri = p11_kit_uri_new()) &&
	           p11_kit_uri_parse(cert, P11_KIT_URI_FOR_ANY, uri) == P11_KIT_URI_OK &&
	           PKCS11_enumerate_certs(tok, &certs, &n) == 0) {
		for (unsigned i = 0; i < n && !found; i++)
			if (object_matches(uri, certs[i].label, certs[i].id, certs[i].id_len))
				found = &certs[i];
	}
	p11_kit_uri_free(uri);
	if (!found || !found->x509)
		return ws_reason(ret_reason, -ENOKEY,
		                 "signer certificate %s: not found on token \"%s\"; write it there "
		                 "(certs/make-operator.sh does) or name a PEM file",
		                 cert ? cert : "(beside the key)", tok->label);
	if (!(*ret = X509_dup(found->x509)))
		return -ENOMEM;
	return 0;
}

/* Only what a token can hold and the policy may allow: RSA and EC (the policy then looks
 * at the size and the curve, as for a file). */
static int take_key(const char *text, PKCS11_KEY *key, EVP_PKEY **ret, char **ret_reason)
{
	int type = PKCS11_get_key_type(key);

	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC)
		return ws_reason(ret_reason, -EPERM,
		                 "signer key refused: %s is not an RSA or EC key; the policy "
		                 "allows RSA (2048 bits or more), EC P-256 and EC P-384",
		                 text);
	if (!(*ret = PKCS11_get_private_key(key)))
		return ws_reason(ret_reason, -EIO, "signer key %s: the token did not give the key",
		                 text);
	return 0;
}

static int parse_uri(const char *text, P11KitUri **ret, char **ret_reason)
{
	P11KitUri *uri = p11_kit_uri_new();
	int r;

	if (!uri)
		return -ENOMEM;
	*ret = uri;
	r = p11_kit_uri_parse(text, P11_KIT_URI_FOR_ANY, uri);
	if (r != P11_KIT_URI_OK)
		return ws_reason(ret_reason, -EINVAL, "signer key %s: not an RFC 7512 URI (%s)",
		                 text, p11_kit_uri_message(r));
	if (p11_kit_uri_get_pin_value(uri))
		return ws_reason(ret_reason, -EINVAL,
		                 "signer key: a PIN in the URI (pin-value) is refused, as it "
		                 "shows on command lines and in files; use [signer] pin_file or "
		                 "pin-source=FILE (mode 600)");
	return 0;
}

int ws_token_load(const struct ws_signer_files *f, struct ws_token **ret_token, EVP_PKEY **ret_key,
                  X509 **ret_cert, char **ret_reason)
{
	struct ws_token *t = calloc(1, sizeof(*t));
	P11KitUri *uri = NULL;
	PKCS11_SLOT *slot = NULL;
	PKCS11_KEY *key = NULL;
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	int r = t ? parse_uri(f->key, &uri, ret_reason) : -ENOMEM;

	if (r == 0)
		r = load_module(uri, f->key, t, ret_reason);
	if (r == 0)
		r = find_slot(uri, f->key, t, &slot, ret_reason);
	if (r == 0) {
		t->slot = slot;
		r = login(uri, f, t, slot, ret_reason);
	}
	if (r == 0)
		r = find_key(uri, f->key, slot->token, &key, ret_reason);
	if (r == 0)
		r = take_key(f->key, key, &pkey, ret_reason);
	if (r == 0 && (!f->cert || ws_is_pkcs11_uri(f->cert)))
		r = find_cert(f->cert, slot->token, key, &cert, ret_reason);
	p11_kit_uri_free(uri);
	ERR_clear_error();
	if (r < 0) {
		EVP_PKEY_free(pkey);
		ws_token_free(t);
		return r;
	}
	*ret_token = t;
	*ret_key = pkey;
	*ret_cert = cert;
	return 0;
}

/* ---- the token later: still there? --------------------------------------------------------- */

const char *ws_token_serial(const struct ws_token *t)
{
	return t && t->slot && t->slot->token ? t->slot->token->serialnr : NULL;
}

/* The token is asked now, through the session pool libp11 logged in: a one-byte
 * C_GenerateRandom, before which libp11 checks its session with C_GetSessionInfo and opens
 * another when that one is gone (PKCS#11 3.0 sections 5.6, 5.15). A card pulled from its
 * reader answers CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT or CKR_SESSION_HANDLE_INVALID,
 * or no session can be had at all: gone. A token without a random generator answers
 * otherwise, from a session that is there: present. (PKCS11_is_logged_in() of libp11 only
 * remembers; it asks nothing.) */
bool ws_token_present(struct ws_token *t)
{
	unsigned char byte;
	unsigned long rv;

	if (!t || !t->slot || t->logged_out)
		return false;
	ERR_clear_error();
	if (PKCS11_generate_random(t->slot, &byte, 1) == 0)
		return true;
	rv = last_ckr();
	ERR_clear_error();
	switch (rv) {
	case CKR_RANDOM_NO_RNG:
	case CKR_FUNCTION_NOT_SUPPORTED:
	case CKR_RANDOM_SEED_NOT_SUPPORTED:
		return true;
	case CKR_GENERAL_ERROR: {
		/* OpenSC's answer when the card has no GET CHALLENGE (it answers 6D00; QEMU's
		 * emulated CAC card is one) though the token claims CKF_RNG. A pulled card never
		 * gets here (OpenSC checks the reader first: CKR_DEVICE_REMOVED, below), so the
		 * card is there; present while the login holds */
		int in = 0;

		return PKCS11_is_logged_in(t->slot, 0, &in) == 0 && in;
	}
	default: /* 0: no session could be opened; CKR_DEVICE_REMOVED, ... */
		return false;
	}
}

void ws_token_logout(struct ws_token *t)
{
	if (!t || !t->slot || t->logged_out)
		return;
	(void)PKCS11_logout(t->slot); /* a pulled card's sessions are gone already */
	ERR_clear_error();
	t->logged_out = true;
}

/* ---- the cards present (no login) ---------------------------------------------------------- */

/* @n bytes of @p percent-encoded (RFC 3986 section 2.1), all but the unreserved characters
 * and those in @keep. */
static void put_pct(FILE *f, const void *p, size_t n, const char *keep)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || (s[i] && strchr(keep, s[i])))
			fputc(s[i], f);
		else
			fprintf(f, "%%%02X", s[i]);
}

/* The URI of the key beside @c: the token by label and serial, the object by CKA_ID (by
 * label when it has none), and the module @uri named. */
static char *key_uri(P11KitUri *uri, const PKCS11_TOKEN *tok, const PKCS11_CERT *c)
{
	const char *module = p11_kit_uri_get_module_path(uri);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("pkcs11:token=", f);
	put_pct(f, tok->label, strlen(tok->label), "-._~");
	fputs(";serial=", f);
	put_pct(f, tok->serialnr, strlen(tok->serialnr), "-._~");
	if (c->id_len) {
		fputs(";id=", f);
		put_pct(f, c->id, c->id_len, "");
	} else if (c->label) {
		fputs(";object=", f);
		put_pct(f, c->label, strlen(c->label), "-._~");
	}
	if (module) {
		fputs("?module-path=", f);
		put_pct(f, module, strlen(module), "-._~/");
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Every certificate of @tok that @uri matches, to @each. Return: how many, or what @each
 * returned. A token whose certificates cannot be listed has none to offer. */
static int scan_token(P11KitUri *uri, PKCS11_TOKEN *tok, ws_token_cert_fn each, void *userdata)
{
	PKCS11_CERT *certs = NULL;
	unsigned n = 0;
	int given = 0;

	if (PKCS11_enumerate_certs(tok, &certs, &n) < 0)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		char *k;
		int r;

		/* a CA's certificate (p11-kit's trust module lists the system's) has no key of
		 * a person beside it */
		if (!certs[i].x509 || X509_check_ca(certs[i].x509) != 0 ||
		    !object_matches(uri, certs[i].label, certs[i].id, certs[i].id_len))
			continue;
		if (!(k = key_uri(uri, tok, &certs[i])))
			return -ENOMEM;
		r = each(userdata, k, tok->label, tok->serialnr, certs[i].x509);
		free(k);
		if (r < 0)
			return r;
		given++;
	}
	return given;
}

int ws_token_scan(const char *text, ws_token_cert_fn each, void *userdata, char **ret_reason)
{
	struct ws_token *t = calloc(1, sizeof(*t));
	P11KitUri *uri = NULL;
	bool any = false;
	int n = 0, r;

	if (!t)
		return -ENOMEM;
	if (text)
		r = parse_uri(text, &uri, ret_reason);
	else
		r = (uri = p11_kit_uri_new()) ? 0 : -ENOMEM;
	if (r == 0)
		r = load_module(uri, text ? text : "pkcs11:", t, ret_reason);
	for (unsigned i = 0; r == 0 && i < t->n_slots; i++) {
		PKCS11_SLOT *s = &t->slots[i];

		if (!s->token || !s->token->initialized || !token_matches(uri, s->token))
			continue;
		any = true;
		r = scan_token(uri, s->token, each, userdata);
		if (r > 0) {
			n += r;
			r = 0;
		}
	}
	if (r == 0 && !any)
		r = ws_reason(ret_reason, -ENODEV,
		              "no card is present%s%s: insert it (pkcs11-tool "
		              "--list-token-slots shows the tokens present)",
		              text ? " that matches " : "", text ? text : "");
	p11_kit_uri_free(uri);
	ws_token_free(t);
	ERR_clear_error();
	return r < 0 ? r : n;
}
