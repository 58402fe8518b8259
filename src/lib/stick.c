/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stick.c - the check of a prepared data stick (wipeseal/stick.h): what the station will do
 * with it, found out at a desk instead of at the machine.
 *
 * The station (iso/init, then `wipeseal station`) reads wipeseal.conf with ws_config_load()
 * and loads station/signer.key and signer.pem (or [signer] of the file) with
 * ws_signer_load(); so does this check, so that it cannot pass a stick the station would
 * refuse. What the station learns only later is checked too: the certificate's remaining
 * life, its chain to station/ca.pem, a trial signature verified by OpenSSL against that CA,
 * the room left for certificates, and whether [register] is complete.
 *
 * A FAT file system has no file modes: the mount decides them (iso/init mounts with
 * fmask=0177, so the key is mode 600 there). A stick mounted elsewhere shows the key as
 * 0644 or 0755, which ws_signer_load() rightly refuses on a real file system; so on FAT
 * the key is handed to it as a private copy in memory (a memfd of mode 600), never on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "internal.h"
#include <wipeseal/stick.h>

#define KEY_MAX_BYTES (1u << 20)

/* What the checks share while they run. */
struct check {
	const struct ws_stick_check_args *a;
	struct ws_stick_report *r;
	struct ws_config *cfg;
	struct ws_signer *signer;
	char *key, *cert, *chain, *ca; /* the signer's files as the station would name them */
	int err;                       /* -ENOMEM once anything failed to allocate */
};

static void add(struct check *c, enum ws_stick_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct check *c, enum ws_stick_level level, const char *fmt, ...)
{
	struct ws_stick_finding *v;
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	/* paths on the stick as the technician sees them: "station/signer.key" */
	for (char *at; n >= 0 && (at = strstr(text, c->a->root)) && at[strlen(c->a->root)] == '/';)
		memmove(at, at + strlen(c->a->root) + 1, strlen(at + strlen(c->a->root) + 1) + 1);
	v = n < 0 ? NULL : realloc(c->r->v, (c->r->n + 1) * sizeof(*v));
	if (!v) {
		if (n >= 0)
			free(text);
		c->err = -ENOMEM;
		return;
	}
	c->r->v = v;
	v[c->r->n++] = (struct ws_stick_finding){ .level = level, .text = text };
}

/* "<root>/<rel>" when it exists, else NULL (and NULL on ENOMEM, with c->err set). */
static char *on_stick(struct check *c, const char *rel)
{
	char *p = NULL;
	struct stat st;

	if (asprintf(&p, "%s/%s", c->a->root, rel) < 0) {
		c->err = -ENOMEM;
		return NULL;
	}
	if (stat(p, &st) == 0)
		return p;
	free(p);
	return NULL;
}

/* ---- the configuration ------------------------------------------------------------------- */

static void check_config(struct check *c)
{
	_cleanup_free_ char *path = on_stick(c, "wipeseal.conf");
	char *why = NULL;
	int r;

	if (!path) {
		add(c, WS_STICK_PASS,
		    "wipeseal.conf: none; the station uses its defaults "
		    "(auto mode off)");
		(void)ws_config_new(&c->cfg);
		return;
	}
	r = ws_config_load(path, &c->cfg, &why);
	if (r < 0) {
		add(c, WS_STICK_FAIL, "wipeseal.conf: %s", why ? why : strerror(-r));
		free(why);
		(void)ws_config_new(&c->cfg);
		return;
	}
	add(c, WS_STICK_PASS, "wipeseal.conf: valid (auto = %s)",
	    ws_config_get(c->cfg, "station", "auto") ? ws_config_get(c->cfg, "station", "auto")
	                                             : "no");
}

/* ---- the signer ---------------------------------------------------------------------------- */

/* The key file ws_signer_load() should read: on FAT, a mode-600 copy in memory (see the top
 * of the file). Return: a path ("/proc/self/fd/N" or @key itself), *ret_fd the memfd or -1. */
static char *key_path(const char *key, int *ret_fd)
{
	_cleanup_free_ char *data = NULL;
	struct statfs sf;
	size_t len = 0;
	char *p = NULL;
	int fd;

	*ret_fd = -1;
	if (statfs(key, &sf) < 0 || sf.f_type != MSDOS_SUPER_MAGIC)
		return strdup(key);
	if (ws_read_regular(key, KEY_MAX_BYTES, &data, &len, NULL) < 0)
		return strdup(key); /* ws_signer_load() says why, naming the file */
	fd = memfd_create("wipeseal-stick-key", MFD_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0600) < 0 || write(fd, data, len) != (ssize_t)len ||
	    asprintf(&p, "/proc/self/fd/%d", fd) < 0) {
		OPENSSL_cleanse(data, len);
		if (fd >= 0)
			(void)close(fd);
		return strdup(key);
	}
	OPENSSL_cleanse(data, len);
	*ret_fd = fd;
	return p;
}

/* Replace the first @alias in the malloc'd *@s by @name: a reason about the in-memory copy
 * names the file on the stick. On ENOMEM *@s stays as it was. */
static void unalias(char **s, const char *alias, const char *name)
{
	char *at = strstr(*s, alias), *t = NULL;

	if (at && asprintf(&t, "%.*s%s%s", (int)(at - *s), *s, name, at + strlen(alias)) >= 0) {
		free(*s);
		*s = t;
	}
}

/* Where the station takes its signer from: station/ on the stick first (iso/init passes
 * those as flags, which win), then [signer] of the file. */
static void signer_files(struct check *c)
{
	const char *k = ws_config_get(c->cfg, "signer", "key");
	const char *ce = ws_config_get(c->cfg, "signer", "cert");
	const char *ch = ws_config_get(c->cfg, "signer", "chain");

	c->key = on_stick(c, "station/signer.key");
	if (!c->key && k)
		c->key = strdup(k);
	c->cert = on_stick(c, "station/signer.pem");
	if (!c->cert && ce)
		c->cert = strdup(ce);
	c->chain = on_stick(c, "station/chain.pem");
	if (!c->chain && ch)
		c->chain = strdup(ch);
	c->ca = on_stick(c, "station/ca.pem");
}

/* A key on a token: loaded on the station, with the card; here only its module is looked
 * for, on this machine. */
static void check_token(struct check *c)
{
	const char *mp = strstr(c->key, "module-path=");
	_cleanup_free_ char *module = NULL;

	if (mp) {
		size_t n = strcspn(mp + 12, "&;");
		module = strndup(mp + 12, n);
	} else {
		module = strdup(WS_P11_PROXY);
	}
	if (!module) {
		c->err = -ENOMEM;
		return;
	}
	add(c, WS_STICK_NOTE,
	    "signer: a key on a token (%s): it is loaded on the station, with the token and its "
	    "PIN, and cannot be checked off the station",
	    c->key);
	add(c, access(module, R_OK) == 0 ? WS_STICK_PASS : WS_STICK_WARN, "token module %s: %s",
	    module,
	    access(module, R_OK) == 0 ? "present on this machine"
	                              : "not on this machine (the boot image carries p11-kit's "
	                                "proxy and OpenSC's module)");
}

static void check_signer(struct check *c)
{
	struct ws_signer_files files;
	_cleanup_free_ char *kp = NULL;
	_cleanup_close_ int fd = -1;
	char *why = NULL;
	int r;

	signer_files(c);
	if (!c->key) {
		add(c, WS_STICK_FAIL,
		    "signer: no station/signer.key and no [signer] key: the "
		    "station does not start without a signer (certs/make-stick.sh)");
		return;
	}
	if (strncasecmp(c->key, "pkcs11:", 7) == 0) {
		check_token(c);
		return;
	}
	if (!(kp = key_path(c->key, &fd))) {
		c->err = -ENOMEM;
		return;
	}
	files = (struct ws_signer_files){
		.key = kp,
		.cert = c->cert,
		.chain = c->chain,
		.key_passphrase = ws_config_get(c->cfg, "signer", "key_passphrase_file"),
	};
	r = ws_signer_load(&files, &c->signer, &why);
	if (r < 0) {
		if (why && fd >= 0)
			unalias(&why, kp, c->key);
		add(c, WS_STICK_FAIL, "signer: %s", why ? why : strerror(-r));
		free(why);
		return;
	}
	add(c, WS_STICK_PASS,
	    "signer: %s: the key matches its certificate and passes the key "
	    "policy",
	    ws_signer_subject(c->signer));
}

/* ---- its certificate: life, chain, a trial signature ------------------------------------------ */

static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

static void check_life(struct check *c, X509 *x)
{
	time_t now = c->a->now ? c->a->now : time(NULL);
	unsigned warn = c->a->warn_days ? c->a->warn_days : 30;
	int days = 0, secs = 0;
	char until[64] = "";
	BIO *b = BIO_new(BIO_s_mem());
	ASN1_TIME *t = ASN1_TIME_set(NULL, now);

	if (b && ASN1_TIME_print(b, X509_get0_notAfter(x)) > 0)
		(void)BIO_read(b, until, sizeof(until) - 1);
	BIO_free(b);
	if (!t || !ASN1_TIME_diff(&days, &secs, t, X509_get0_notAfter(x))) {
		ASN1_TIME_free(t);
		add(c, WS_STICK_FAIL, "signer certificate: its validity cannot be read");
		return;
	}
	ASN1_TIME_free(t);
	if (days < 0 || (days == 0 && secs <= 0))
		add(c, WS_STICK_FAIL,
		    "signer certificate: expired on %s: have the CA issue a new "
		    "one (certs/make-station.sh)",
		    until);
	else if ((unsigned)days < warn)
		add(c, WS_STICK_WARN,
		    "signer certificate: expires in %d days (%s): have the CA "
		    "issue a new one soon",
		    days, until);
	else
		add(c, WS_STICK_PASS, "signer certificate: valid until %s (%d days)", until, days);
}

/* The CA's store, the stick's chain.pem as untrusted intermediates. */
static X509_STORE *ca_store(const char *ca)
{
	X509_STORE *s = X509_STORE_new();

	if (!s || X509_STORE_load_file(s, ca) != 1 ||
	    X509_STORE_set_purpose(s, X509_PURPOSE_ANY) != 1) {
		X509_STORE_free(s);
		return NULL;
	}
	return s;
}

static STACK_OF(X509) * read_chain(const char *path)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = path ? BIO_new_file(path, "r") : NULL;
	X509 *x;

	while (sk && b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(sk, x))
			X509_free(x);
	ERR_clear_error();
	BIO_free(b);
	return sk;
}

static void check_chain(struct check *c, X509 *x, X509_STORE *store, STACK_OF(X509) * chain)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = ctx && X509_STORE_CTX_init(ctx, store, x, chain) == 1;

	if (ok && c->a->now)
		X509_STORE_CTX_set_time(ctx, 0, c->a->now);
	ok = ok && X509_verify_cert(ctx) == 1;
	if (ok)
		add(c, WS_STICK_PASS, "signer certificate: chains to station/ca.pem");
	else
		add(c, WS_STICK_FAIL,
		    "signer certificate: does not chain to station/ca.pem (%s): "
		    "put the organization's CA there, or the intermediates in "
		    "station/chain.pem",
		    ctx ? X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx))
		        : "no memory");
	X509_STORE_CTX_free(ctx);
}

/* A signature made with the signer, verified by OpenSSL's CMS code against ca.pem. */
static void check_signature(struct check *c, X509_STORE *store, STACK_OF(X509) * chain)
{
	static const char data[] = "wipeseal stick check: a trial signature";
	_cleanup_free_ char *pem = NULL;
	BIO *in = NULL, *content = NULL;
	CMS_ContentInfo *cms = NULL;
	int ok = ws_signer_sign(c->signer, data, sizeof(data) - 1, &pem) == 0;

	if (ok) {
		in = BIO_new_mem_buf(pem, -1);
		content = BIO_new_mem_buf(data, sizeof(data) - 1);
		cms = in ? PEM_read_bio_CMS(in, NULL, NULL, NULL) : NULL;
		if (cms && c->a->now)
			X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), c->a->now);
		ok = cms && content &&
		     CMS_verify(cms, chain, store, content, NULL, CMS_DETACHED | CMS_BINARY) == 1;
	}
	add(c, ok ? WS_STICK_PASS : WS_STICK_FAIL,
	    ok ? "trial signature: made and verified against station/ca.pem"
	       : "trial signature: the signer's signature does not verify against station/ca.pem");
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(content);
}

static void check_certificate(struct check *c)
{
	X509_STORE *store = NULL;
	STACK_OF(X509) *chain = NULL;
	X509 *x;

	if (!c->cert || strncasecmp(c->cert, "pkcs11:", 7) == 0 || !(x = read_cert(c->cert))) {
		ERR_clear_error();
		if (c->key && strncasecmp(c->key, "pkcs11:", 7) == 0 && !c->cert)
			add(c, WS_STICK_NOTE,
			    "signer certificate: on the token, checked on the "
			    "station");
		return; /* otherwise the signer's finding says what is wrong with it */
	}
	check_life(c, x);
	if (!c->ca) {
		add(c, WS_STICK_FAIL,
		    "station/ca.pem: missing: the chain and the station's own "
		    "check of its certificates need the organization's CA there");
	} else if (!(store = ca_store(c->ca))) {
		add(c, WS_STICK_FAIL, "station/ca.pem: not a PEM certificate OpenSSL can read");
	} else {
		chain = read_chain(c->chain);
		check_chain(c, x, store, chain);
		if (c->signer)
			check_signature(c, store, chain);
	}
	ERR_clear_error();
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_free(store);
	X509_free(x);
}

/* ---- room, the register ------------------------------------------------------------------ */

static void check_space(struct check *c)
{
	unsigned want = c->a->drives ? c->a->drives : 1000;
	_cleanup_free_ char *certs = on_stick(c, "certificates");
	struct statvfs sv;
	unsigned long long room;

	unsigned long long bytes = c->a->free_bytes;

	if (!bytes) {
		if (statvfs(c->a->root, &sv) < 0) {
			add(c, WS_STICK_FAIL, "free space: %s", strerror(errno));
			return;
		}
		bytes = (unsigned long long)sv.f_bavail * sv.f_frsize;
	}
	room = bytes / WS_STICK_BYTES_PER_DRIVE;
	add(c, room >= want ? WS_STICK_PASS : WS_STICK_WARN,
	    "free space: %llu MiB, room for about %llu drives' certificates (%u wanted)",
	    bytes >> 20, room, want);
	if (!certs)
		add(c, WS_STICK_WARN,
		    "certificates/: missing; the station makes it, "
		    "certs/make-stick.sh would have");
}

static void check_register(struct check *c)
{
	const char *url = ws_config_get(c->cfg, "register", "url");
	const char *vca = ws_config_get(c->cfg, "register", "verify_ca");
	const char *cert = ws_config_get(c->cfg, "register", "cert");
	const char *key = ws_config_get(c->cfg, "register", "key");

	if (!url && !vca && !cert && !key) {
		add(c, WS_STICK_PASS, "register: not set; certificates stay on the stick");
		return;
	}
	if (!url)
		add(c, WS_STICK_FAIL,
		    "register: [register] has settings but no url: set url, or "
		    "remove the section");
	else if (!vca)
		add(c, WS_STICK_FAIL,
		    "register: url is set but verify_ca is not: name the "
		    "organization's CA (docs/config.md)");
	else if (!cert != !key)
		add(c, WS_STICK_FAIL,
		    "register: %s is set without %s: the client certificate "
		    "needs both",
		    cert ? "cert" : "key", cert ? "key" : "cert");
	else
		add(c, WS_STICK_PASS,
		    "register: url, verify_ca%s set; the connection is tried "
		    "on the station",
		    cert ? ", cert and key" : "");
}

int ws_stick_check(const struct ws_stick_check_args *a, struct ws_stick_report **ret)
{
	struct check c = { .a = a };
	struct stat st;

	*ret = NULL;
	if (!a || a->args_size < sizeof(*a) || !a->root)
		return -EINVAL;
	if (!(c.r = calloc(1, sizeof(*c.r))))
		return -ENOMEM;
	if (stat(a->root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		add(&c, WS_STICK_FAIL, "%s: not a directory", a->root);
	} else {
		check_config(&c);
		check_signer(&c);
		check_certificate(&c);
		check_space(&c);
		check_register(&c);
	}
	ws_signer_free(c.signer);
	ws_config_free(c.cfg);
	free(c.key);
	free(c.cert);
	free(c.chain);
	free(c.ca);
	if (c.err < 0) {
		ws_stick_report_free(c.r);
		return c.err;
	}
	*ret = c.r;
	return 0;
}

bool ws_stick_verdict(const struct ws_stick_report *r, const char **ret_why)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i].level == WS_STICK_FAIL) {
			if (ret_why)
				*ret_why = r->v[i].text;
			return false;
		}
	if (ret_why)
		*ret_why = NULL;
	return true;
}

struct ws_stick_report *ws_stick_report_free(struct ws_stick_report *r)
{
	for (size_t i = 0; r && i < r->n; i++)
		free(r->v[i].text);
	if (r)
		free(r->v);
	free(r);
	return NULL;
}
