/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/operator.h - named operators: a person proves who they are with their own smart
 * card (a PKCS#11 token) and PIN, their own key signs what they did beside the station's,
 * and a station session locks itself when they walk away or pull the card.
 *
 *   ws_card_scan()       the certificates on the cards present (no PIN needed), for the
 *                        login screen's choice when a card has several
 *   ws_operator_login()  log in with one: PIN, the key policy, the operator certificate
 *                        (issued by the organization's CA, marked with the operator policy,
 *                        not revoked, on the allow-list when there is one); audited
 *                        (LOGIN or LOGIN-FAILED), never the PIN
 *   ws_session_*()       the station's lock: idle time, card removal, unlock, another
 *                        operator; every event a line of the audit log
 *
 * The identity read from the operator certificate fills the person block of every
 * certificate of sanitization the operator starts (ws_job_options.operator); the operator's
 * key adds a second signer to its CMS SignedData. A card pulled before its certificates are
 * signed: they are filed with the station's signature alone, marked as awaiting the
 * operator's (NAME.json.awaiting-operator), and ws_operator_complete() adds it when the card
 * is back. docs/operators.md.
 */
#ifndef WIPESEAL_OPERATOR_H
#define WIPESEAL_OPERATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wipeseal/cert.h>

/* The certificate policy that marks an operator certificate ("wipeseal operator";
 * certs/openssl.cnf v3_operator, docs/operators.md). */
#define WS_OID_OPERATOR_POLICY "2.25.132859527251337822438817072382764904606"

/* ---- the cards present -------------------------------------------------------------------- */

/* One certificate found on a card, with the key beside it (same CKA_ID). */
struct ws_card_cert {
	char *uri;     /* pkcs11: URI of the private key (token, serial, id): what to log in
	                   with */
	char *token;   /* the token's label */
	char *serial;  /* the token's serial number */
	char *subject; /* the certificate's subject, one line (RFC 2253) */
	char *name;    /* its commonName, or NULL */
	bool operator; /* it carries the operator policy (not yet checked against any CA) */
};

/*
 * ws_card_scan() - every certificate with a private key beside it on the tokens that
 * @uri matches (NULL: every token of every module p11-kit knows), without logging in:
 * as private keys are not listed before a login, every certificate that is not a CA's,
 * its key named by the same CKA_ID. Through p11-kit's proxy (no module-path= in @uri) a
 * scan leaves the logins of this process alone; a module named by module-path= is
 * shared, and a scan of it ends their sessions.
 * Return: how many (>= 0, *ret malloc'd, free with ws_card_certs_free()), or a negative
 * errno with @ret_reason set: -ELIBACC, no module could be loaded; -ENODEV, no token
 * present.
 */
int ws_card_scan(const char *uri, struct ws_card_cert **ret, char **ret_reason);

void ws_card_certs_free(struct ws_card_cert *v, size_t n);

/* ---- logging in --------------------------------------------------------------------------- */

struct ws_operator;

/* What ws_operator_login() needs. */
struct ws_operator_opts {
	const char *card;     /* pkcs11: URI of the operator's key (from ws_card_scan() or
	                         the config's [operators] card) */
	const char *pin_file; /* file holding the PIN (mode 600, one line), or NULL */
	ws_pin_fn pin;        /* asked when no file holds it (the terminal, a masked field) */
	void *pin_userdata;
	const struct ws_trust *trust; /* the organization's CA(s): required */
	const char *crl;              /* PEM CRL(s) of that CA, or NULL ([operators] crl) */
	const char *const *allow;     /* NULL-terminated SHA-256 fingerprints (hex) of the
	                                 operator certificates allowed, or NULL for every
	                                 one the CA issued ([operators] allow) */
	/* The audit log that records the attempt (LOGIN, LOGIN-FAILED), signed by the
	 * station's signer; NULL: not recorded (tests, `wipe` without a log). */
	const char *audit_log;
	const struct ws_signer *station;
	const char *station_name; /* this station, as the audit line names it */
};

/*
 * ws_operator_login() - log in to the card @o->card names and check the operator: the key
 * policy (as ws_signer_load()), a certificate that chains to @o->trust now, allows
 * digitalSignature, carries the operator policy WS_OID_OPERATOR_POLICY, is not on @o->crl
 * and, with @o->allow, is on the allow-list. Each refusal is one line saying what is wrong
 * and what to do. The attempt is audited either way (card serial, certificate subject,
 * station, time; never the PIN).
 * Return: 0; the errors of ws_signer_load() (-EKEYREJECTED a wrong PIN, the reason saying
 * the tries left the token reports; -EKEYREVOKED a locked PIN, -ENODEV no card...);
 * -EPERM, not an operator certificate (another CA, no operator marking, revoked, not on
 * the allow-list, expired, a weak key).
 */
int ws_operator_login(const struct ws_operator_opts *o, struct ws_operator **ret,
                      char **ret_reason);

/* Reference counting: a job keeps its operator after the session moved on. NULL-safe. */
struct ws_operator *ws_operator_ref(struct ws_operator *op);
struct ws_operator *ws_operator_unref(struct ws_operator *op);

/* Who: from the operator certificate. name is the commonName; organization and title
 * NULL when the certificate has none. */
const char *ws_operator_name(const struct ws_operator *op);
const char *ws_operator_organization(const struct ws_operator *op);
const char *ws_operator_title(const struct ws_operator *op);
const char *ws_operator_subject(const struct ws_operator *op);
const char *ws_operator_fingerprint(const struct ws_operator *op); /* SHA-256, hex */
const char *ws_operator_card_serial(const struct ws_operator *op);

/*
 * ws_operator_present() - the card is still in its reader and the session on it open
 * (asks the token now). False once the card was pulled or ws_operator_logout() ran; the
 * identity stays readable.
 */
bool ws_operator_present(struct ws_operator *op);

/* ws_operator_logout() - close the card's session (the key can no longer sign); the
 * identity stays. */
void ws_operator_logout(struct ws_operator *op);

/*
 * ws_operator_complete() - add @op's signature to every certificate in @dir awaiting it
 * (NAME.json.awaiting-operator naming @op's certificate): the .p7s is rewritten with both
 * signers (atomically, fsync'd), the mark removed, and an OPERATOR-SIGNED line appended to
 * @log (may be NULL). *ret_done: how many were completed.
 * Return: 0, or a negative errno at the first that could not be (the rest still wait).
 */
int ws_operator_complete(struct ws_operator *op, const char *dir, struct ws_audit *log,
                         unsigned *ret_done, char **ret_reason);

/* ---- what the config file says of operators --------------------------------------------- */

struct ws_config;

/* [operators] and [station] lock_after, read and checked (docs/config.md). */
struct ws_operators_config {
	bool on;              /* [operators] ca or require_card is set: operators log in */
	bool require_card;    /* [operators] require_card = yes: no wipe starts without one */
	const char *card;     /* [operators] card, pin_file, crl: as the file says (owned by */
	const char *pin_file; /* the config) */
	const char *crl;
	struct ws_trust *trust; /* [operators] ca, loaded; NULL when it is not set */
	char **allow; /* [operators] allow: SHA-256 fingerprints, 64 lowercase hex digits each,
	                 NULL-terminated; NULL when it is not set */
	unsigned lock_after; /* [station] lock_after in seconds: 900 unless set, 0: never */
};

/*
 * ws_operators_config() - the operators' settings of @cfg, checked: require_card needs a
 * ca; the ca loads; every allow entry is a SHA-256 fingerprint (hex, colons allowed,
 * separated by commas or blanks); lock_after is a time (ws_config_seconds()).
 * Return: 0, or -EINVAL (-ENOMEM) with @ret_reason set to one line naming the key; @ret is
 * then empty. Free with ws_operators_config_clear().
 */
int ws_operators_config(const struct ws_config *cfg, struct ws_operators_config *ret,
                        char **ret_reason);
void ws_operators_config_clear(struct ws_operators_config *c);

/* ---- the station's session ---------------------------------------------------------------- */

struct ws_session;

enum ws_session_state {
	WS_SESSION_LOGGED_OUT, /* nobody has logged in yet (or logged out) */
	WS_SESSION_ACTIVE,     /* an operator is logged in: wipes may start */
	WS_SESSION_LOCKED,     /* locked (idle, card pulled, asked): nothing new starts */
};

struct ws_session_opts {
	unsigned lock_after; /* seconds of inactivity before the lock ([station] lock_after,
	                        default 900); 0: never by time */
	const char *audit_log;
	const struct ws_signer *station;
	const char *station_name;
	int64_t (*now)(void *userdata); /* monotonic seconds; NULL: CLOCK_MONOTONIC (tests
	                                   inject their own) */
	void *now_userdata;
};

int ws_session_new(const struct ws_session_opts *o, struct ws_session **ret);
struct ws_session *ws_session_free(struct ws_session *s);

/*
 * ws_session_login() - @op (logged in by ws_operator_login()) takes the session: from
 * LOGGED_OUT a LOGIN, from LOCKED an UNLOCK (the same operator) or a LOGIN of another
 * operator (the one before is logged out). The session takes a reference. The LOGIN line
 * is ws_operator_login()'s (one login, one line); the session writes UNLOCK, and LOGOUT
 * for the operator another one replaced (ws_session_free(): LOGOUT, the station closed).
 */
int ws_session_login(struct ws_session *s, struct ws_operator *op, char **ret_reason);

/* ws_session_activity() - the operator did something (a key): the idle clock restarts. */
void ws_session_activity(struct ws_session *s);

/*
 * ws_session_poll() - lock when the idle time has passed or the card was pulled (the
 * card's key is then logged out), appending LOCK (reason "idle" or "card removed") and
 * CARD-REMOVED lines. Call it about once a second. Return: the state now.
 */
enum ws_session_state ws_session_poll(struct ws_session *s);

/* ws_session_lock() - lock now (the operator asked); audited. */
int ws_session_lock(struct ws_session *s, const char *why);

enum ws_session_state ws_session_state(const struct ws_session *s);

/* The operator of the session (also while locked: the one who may unlock), or NULL. */
struct ws_operator *ws_session_operator(const struct ws_session *s);

/* Why the last audit line of the session could not be written (the session goes on: a
 * lock falls anyway), or NULL. */
const char *ws_session_audit_error(const struct ws_session *s);

#endif
