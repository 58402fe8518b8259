/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * operator.c - named operators: the cards present, a login with one, and the checks that make
 * its certificate an operator's (wipeseal/operator.h).
 *
 * A login is a signer load (signer.c, pkcs11.c: the PIN, the key policy, a certificate valid
 * now for digitalSignature and documentSigning) followed by what makes the person an operator
 * of this organization: the certificate chains to the operators' CA now, carries the
 * certificate policy WS_OID_OPERATOR_POLICY, is not on the CA's revocation list and, when
 * the configuration keeps one, is on the allow-list. The identity the certificate gives
 * (commonName, title, organizationName) is what the certificates of sanitization name.
 *
 * Every attempt is a line of the audit log, LOGIN or LOGIN-FAILED, with the card's serial
 * and the certificate's subject when they could be read; the reason of a refusal is its
 * note. No PIN ever reaches a line: the PIN lives in pkcs11.c's buffer during C_Login only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <wipeseal/operator.h>

#include "cert-internal.h"
#include "operator-internal.h"
#include "tsa-internal.h"
#include "validate-internal.h"

#define CRL_FILE_MAX (16u << 20)

struct ws_operator {
	unsigned refs;
	struct ws_signer *signer; /* the card's key and the operator certificate */
	char *name, *organization, *title, *subject, *card_serial;
	char fingerprint[65];
};

bool ws_cert_has_operator_policy(X509 *cert)
{
	CERTIFICATEPOLICIES *pol = X509_get_ext_d2i(cert, NID_certificate_policies, NULL, NULL);
	ASN1_OBJECT *want = OBJ_txt2obj(WS_OID_OPERATOR_POLICY, 1);
	bool found = false;

	for (int i = 0; pol && want && i < sk_POLICYINFO_num(pol); i++)
		if (OBJ_cmp(sk_POLICYINFO_value(pol, i)->policyid, want) == 0)
			found = true;
	ASN1_OBJECT_free(want);
	CERTIFICATEPOLICIES_free(pol);
	ERR_clear_error();
	return found;
}

/* ---- the cards present --------------------------------------------------------------------- */

struct scan {
	struct ws_card_cert *v;
	size_t n;
};

static int scan_one(void *userdata, const char *key_uri, const char *label, const char *serial,
                    X509 *cert)
{
	struct scan *s = userdata;
	struct ws_card_cert *v = realloc(s->v, (s->n + 1) * sizeof(*v)), *c;

	if (!v)
		return -ENOMEM;
	s->v = v;
	c = &v[s->n++];
	*c = (struct ws_card_cert){
		.uri = strdup(key_uri),
		.token = strdup(label),
		.serial = strdup(serial),
		.subject = ws_x509_name(X509_get_subject_name(cert)),
		.name = ws_name_entry(X509_get_subject_name(cert), NID_commonName),
		.operator= ws_cert_has_operator_policy(cert),
	};
	return c->uri && c->token && c->serial && c->subject ? 0 : -ENOMEM;
}

int ws_card_scan(const char *uri, struct ws_card_cert **ret, char **ret_reason)
{
	struct scan s = { 0 };
	int r = ws_token_scan(uri, scan_one, &s, ret_reason);

	if (r < 0) {
		ws_card_certs_free(s.v, s.n);
		return r;
	}
	*ret = s.v;
	return (int)s.n;
}

void ws_card_certs_free(struct ws_card_cert *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].uri);
		free(v[i].token);
		free(v[i].serial);
		free(v[i].subject);
		free(v[i].name);
	}
	free(v);
}

/* ---- the operator's checks ----------------------------------------------------------------- */

static int load_crls(const char *path, STACK_OF(X509_CRL) * *ret, char **ret_reason)
{
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	char *pem = NULL;
	size_t len = 0;
	X509_CRL *c;
	BIO *b = NULL;
	struct stat st;
	int r =
	    crls ? ws_read_named("operators' CRL", path, CRL_FILE_MAX, &pem, &len, &st, ret_reason)
	         : -ENOMEM;

	if (r == 0 && !(b = BIO_new_mem_buf(pem, (int)len)))
		r = -ENOMEM;
	while (r == 0 && (c = PEM_read_bio_X509_CRL(b, NULL, ws_pem_no_prompt, NULL)))
		if (!sk_X509_CRL_push(crls, c)) {
			X509_CRL_free(c);
			r = -ENOMEM;
		}
	ERR_clear_error();
	BIO_free(b);
	free(pem);
	if (r == 0 && sk_X509_CRL_num(crls) == 0)
		r = ws_reason(ret_reason, -EINVAL, "operators' CRL %s: no PEM CRL in it", path);
	if (r < 0) {
		sk_X509_CRL_pop_free(crls, X509_CRL_free);
		return r;
	}
	*ret = crls;
	return 0;
}

/* The certificate chains to @o->trust now and, with @o->crl, is not revoked. */
static int check_chain(const struct ws_operator_opts *o, X509 *cert, const char *who,
                       char **ret_reason)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509_CRL) *crls = NULL;
	int r = ctx ? 0 : -ENOMEM, e;

	if (r == 0 && o->crl)
		r = load_crls(o->crl, &crls, ret_reason);
	if (r == 0 && X509_STORE_CTX_init(ctx, ws_trust_store(o->trust), cert, NULL) != 1)
		r = -ENOMEM;
	/* now, whatever time an earlier verification left in the store's parameters */
	if (r == 0)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), time(NULL));
	if (r == 0 && crls) {
		X509_STORE_CTX_set0_crls(ctx, crls);
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_CRL_CHECK);
	}
	if (r == 0 && X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		if (e == X509_V_ERR_CERT_REVOKED)
			r = ws_reason(
			    ret_reason, -EPERM,
			    "operator certificate %s is revoked (%s): the card is withdrawn", who,
			    o->crl);
		else if (e == X509_V_ERR_UNABLE_TO_GET_CRL || e == X509_V_ERR_CRL_HAS_EXPIRED)
			r = ws_reason(ret_reason, -EPERM,
			              "operator certificate %s: the CRL %s %s; have the CA publish "
			              "a new one",
			              who, o->crl,
			              e == X509_V_ERR_CRL_HAS_EXPIRED ? "has expired"
			                                              : "is not its CA's");
		else
			r = ws_reason(ret_reason, -EPERM,
			              "operator certificate %s is not from the operators' CA (%s): "
			              "enrol the operator with that CA (certs/make-operator.sh)",
			              who, X509_verify_cert_error_string(e));
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	ERR_clear_error();
	return r;
}

/* A fingerprint as the allow-list may spell it: any case, with or without colons. */
static bool same_fingerprint(const char *listed, const char *fp)
{
	size_t j = 0;

	for (const char *p = listed; *p; p++) {
		if (*p == ':' || isspace((unsigned char)*p))
			continue;
		if (j >= 64 || tolower((unsigned char)*p) != fp[j])
			return false;
		j++;
	}
	return j == 64;
}

static int check_operator(const struct ws_operator_opts *o, struct ws_operator *op,
                          char **ret_reason)
{
	X509 *cert = ws_signer_cert(op->signer);
	bool listed = false;
	int r = check_chain(o, cert, op->subject, ret_reason);

	if (r < 0)
		return r;
	if (!ws_cert_has_operator_policy(cert))
		return ws_reason(ret_reason, -EPERM,
		                 "certificate %s is not an operator's: it lacks the operator "
		                 "policy %s (issue it with certs/make-operator.sh)",
		                 op->subject, WS_OID_OPERATOR_POLICY);
	for (size_t i = 0; o->allow && o->allow[i]; i++)
		listed = listed || same_fingerprint(o->allow[i], op->fingerprint);
	if (o->allow && !listed)
		return ws_reason(ret_reason, -EPERM,
		                 "operator %s (SHA-256 %s) is not on the allow-list ([operators] "
		                 "allow)",
		                 op->subject, op->fingerprint);
	return 0;
}

/* ---- logging in ---------------------------------------------------------------------------- */

/* The identity, from the certificate the card gave. */
static int take_identity(struct ws_operator *op)
{
	X509 *cert = ws_signer_cert(op->signer);
	const X509_NAME *n = X509_get_subject_name(cert);
	const char *serial = ws_token_serial(ws_signer_token(op->signer));

	op->subject = ws_x509_name(n);
	op->name = ws_name_entry(n, NID_commonName);
	op->organization = ws_name_entry(n, NID_organizationName);
	op->title = ws_name_entry(n, NID_title);
	op->card_serial = serial ? strdup(serial) : NULL;
	if (!op->name && op->subject)
		op->name = strdup(op->subject);
	if (!op->subject || !op->name || (serial && !op->card_serial) ||
	    ws_x509_fingerprint(cert, op->fingerprint) < 0)
		return -ENOMEM;
	return 0;
}

/* The card's serial and the certificate's subject for a LOGIN-FAILED line when the login
 * stopped before the certificate was read: a scan of the card named (no login). */
static int who_failed(void *userdata, const char *key_uri, const char *label, const char *serial,
                      X509 *cert)
{
	struct ws_operator *op = userdata;

	(void)key_uri;
	(void)label;
	if (op->card_serial) { /* several certificates match: name none of them */
		free(op->subject);
		free(op->name);
		op->subject = op->name = NULL;
		op->fingerprint[0] = '\0';
		return -ENOTUNIQ;
	}
	op->card_serial = strdup(serial);
	op->subject = ws_x509_name(X509_get_subject_name(cert));
	op->name = ws_name_entry(X509_get_subject_name(cert), NID_commonName);
	(void)ws_x509_fingerprint(cert, op->fingerprint);
	return 0;
}

static void audit_attempt(const struct ws_operator_opts *o, const struct ws_operator *op,
                          const char *failed, char **ret_reason)
{
	struct ws_audit *log = NULL;
	char *why = NULL;
	struct ws_audit_entry e = {
		.status = failed ? "LOGIN-FAILED" : "LOGIN",
		.station = o->station_name,
		.card_serial = op->card_serial,
		.operator_subject = op->subject,
		.operator_sha256 = op->fingerprint[0] ? op->fingerprint : NULL,
		.operator_name = op->name,
		.note = failed,
	};
	int r = ws_audit_open(o->audit_log, o->station, &log, &why);

	if (r == 0)
		r = ws_audit_append(log, &e, &why);
	ws_audit_close(log);
	if (r < 0 && !failed)
		(void)ws_reason(ret_reason, r,
		                "the login of %s cannot be recorded: %s; not logged in",
		                op->subject, why ? why : strerror(-r));
	free(why);
}

static struct ws_operator *operator_free(struct ws_operator *op)
{
	if (!op)
		return NULL;
	ws_signer_free(op->signer);
	free(op->name);
	free(op->organization);
	free(op->title);
	free(op->subject);
	free(op->card_serial);
	free(op);
	return NULL;
}

static int login(const struct ws_operator_opts *o, struct ws_operator *op, char **ret_reason)
{
	const struct ws_signer_files f = {
		.key = o->card,
		.pin_file = o->pin_file,
		.pin = o->pin,
		.pin_userdata = o->pin_userdata,
	};
	int r;

	if (!o->card || !ws_is_pkcs11_uri(o->card))
		return ws_reason(ret_reason, -EINVAL,
		                 "operator card %s: not a pkcs11: URI ([operators] card)",
		                 o->card ? o->card : "(none)");
	if (!o->trust)
		return ws_reason(ret_reason, -EINVAL,
		                 "no CA to check operator cards against: set [operators] ca");
	r = ws_signer_load(&f, &op->signer, ret_reason);
	if (r == 0)
		r = take_identity(op);
	if (r == 0)
		r = check_operator(o, op, ret_reason);
	/* the operator's signatures get tokens from the station's TSA (tsa.c) */
	if (r == 0 && o->station && ws_signer_tsa(o->station))
		r = ws_signer_set_tsa(op->signer, ws_signer_tsa(o->station));
	return r;
}

int ws_operator_login(const struct ws_operator_opts *o, struct ws_operator **ret, char **ret_reason)
{
	struct ws_operator *op = calloc(1, sizeof(*op));
	char *why = NULL;
	int r;

	if (!op)
		return -ENOMEM;
	op->refs = 1;
	r = login(o, op, &why);
	if (r < 0 && !op->subject && o->card && ws_is_pkcs11_uri(o->card))
		(void)ws_token_scan(o->card, who_failed, op, NULL);
	if (o->audit_log && o->station)
		audit_attempt(o, op, r < 0 ? (why ? why : strerror(-r)) : NULL, &why);
	if (r == 0 && why) /* the login could not be recorded */
		r = -EIO;
	if (r < 0) {
		if (ret_reason)
			*ret_reason = why;
		else
			free(why);
		operator_free(op);
		return r;
	}
	*ret = op;
	return 0;
}

/* ---- the operator -------------------------------------------------------------------------- */

struct ws_operator *ws_operator_ref(struct ws_operator *op)
{
	if (op)
		__atomic_add_fetch(&op->refs, 1, __ATOMIC_RELAXED);
	return op;
}

struct ws_operator *ws_operator_unref(struct ws_operator *op)
{
	if (op && __atomic_sub_fetch(&op->refs, 1, __ATOMIC_ACQ_REL) == 0)
		operator_free(op);
	return NULL;
}

const char *ws_operator_name(const struct ws_operator *op)
{
	return op->name;
}

const char *ws_operator_organization(const struct ws_operator *op)
{
	return op->organization;
}

const char *ws_operator_title(const struct ws_operator *op)
{
	return op->title;
}

const char *ws_operator_subject(const struct ws_operator *op)
{
	return op->subject;
}

const char *ws_operator_fingerprint(const struct ws_operator *op)
{
	return op->fingerprint;
}

const char *ws_operator_card_serial(const struct ws_operator *op)
{
	return op->card_serial;
}

bool ws_operator_present(struct ws_operator *op)
{
	return op && ws_token_present(ws_signer_token(op->signer));
}

void ws_operator_logout(struct ws_operator *op)
{
	if (op)
		ws_token_logout(ws_signer_token(op->signer));
}

const struct ws_signer *ws_operator_signer(const struct ws_operator *op)
{
	return op->signer;
}
