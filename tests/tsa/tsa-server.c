/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tsa-server.c - a real RFC 3161 time-stamping authority for the tests, on 127.0.0.1: HTTP
 * POSTs of application/timestamp-query answered by `openssl ts -reply` (RFC 3161 section
 * 3.4), one request at a time; and the ways a TSA goes wrong.
 *
 *   tsa-server CONFIG MODE [SECONDS]   prints its port on stdout, then serves until killed
 *     MODE ok       `openssl ts -reply -config CONFIG -queryfile Q` per request
 *          slow     waits SECONDS before answering (a TSA that hangs)
 *          garbage  answers 200 with bytes that are no TimeStampResp
 *          error    answers HTTP 500
 *          shift    answers with OpenSSL's TS API and the same CONFIG, its clock SECONDS
 *                   ahead of this machine's (faketime is not available)
 *   tsa-server --extract P7S INDEX TOKEN SIG   SignerInfo INDEX of the PEM CMS P7S: its
 *          id-aa-signatureTimeStampToken (DER) into TOKEN and its signature value into
 *          SIG, for `openssl ts -verify -data SIG -in TOKEN -token_in`
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h> /* before cms.h, which declares PEM functions only after it */
#include <openssl/cms.h>
#include <openssl/conf.h>
#include <openssl/ts.h>

#define BODY_MAX (64u << 10)

static long shift_s;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* ---- HTTP ---------------------------------------------------------------------------------- */

/* The body of one request (malloc'd), or NULL. */
static unsigned char *read_request(int fd, size_t *ret_len)
{
	char head[8192];
	size_t n = 0, len = 0, have;
	char *end = NULL, *cl;
	unsigned char *body;
	ssize_t k;

	while (!end && n < sizeof(head) - 1 && (k = read(fd, head + n, sizeof(head) - 1 - n)) > 0) {
		n += (size_t)k;
		head[n] = '\0';
		end = strstr(head, "\r\n\r\n");
	}
	if (!end)
		return NULL;
	for (cl = head; (cl = strchr(cl, '\n')); cl++)
		if (strncasecmp(cl + 1, "Content-Length:", 15) == 0)
			len = strtoul(cl + 16, NULL, 10);
	if (len == 0 || len > BODY_MAX || !(body = malloc(len)))
		return NULL;
	have = n - (size_t)(end + 4 - head);
	memcpy(body, end + 4, have < len ? have : len);
	while (have < len && (k = read(fd, body + have, len - have)) > 0)
		have += (size_t)k;
	*ret_len = len;
	return body;
}

static void write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	ssize_t k;

	while (len && (k = write(fd, c, len)) > 0) {
		c += k;
		len -= (size_t)k;
	}
}

static void reply(int fd, int status, const void *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 %d %s\r\nContent-Type: application/timestamp-reply\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	                 status, status == 200 ? "OK" : "Error", len);

	write_all(fd, head, (size_t)n);
	write_all(fd, body, len);
}

/* ---- the replies -------------------------------------------------------------------------- */

/* `openssl ts -reply` over the query @q. */
static unsigned char *reply_openssl(const char *config, const unsigned char *q, size_t qlen,
                                    size_t *ret_len)
{
	char qpath[] = "/tmp/tsa-query-XXXXXX", rpath[] = "/tmp/tsa-reply-XXXXXX", cmd[4096];
	int qfd = mkstemp(qpath), rfd = mkstemp(rpath);
	unsigned char *r = NULL;
	FILE *f;
	long n;

	if (qfd < 0 || rfd < 0)
		die("mkstemp");
	write_all(qfd, q, qlen);
	close(qfd);
	close(rfd);
	snprintf(cmd, sizeof(cmd),
	         "openssl ts -reply -config '%s' -queryfile '%s' -out '%s' 2>/dev/null", config,
	         qpath, rpath);
	if (system(cmd) == 0 && (f = fopen(rpath, "rb"))) {
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		if (n > 0 && (r = malloc((size_t)n)) && fread(r, 1, (size_t)n, f) == (size_t)n)
			*ret_len = (size_t)n;
		fclose(f);
	}
	unlink(qpath);
	unlink(rpath);
	return r;
}

static int shifted_time(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	(void)data;
	*sec = (long)time(NULL) + shift_s;
	*usec = 0;
	return 1;
}

/* Serial numbers for the shifted TSA: counted here (`openssl ts -reply` keeps its file). */
static ASN1_INTEGER *next_serial(TS_RESP_CTX *ctx, void *data)
{
	static long serial = 1000;
	ASN1_INTEGER *n = ASN1_INTEGER_new();

	(void)ctx;
	(void)data;
	if (n && ASN1_INTEGER_set(n, serial++) == 1)
		return n;
	ASN1_INTEGER_free(n);
	return NULL;
}

/* The TS API with the same configuration `openssl ts -reply` reads, and a shifted clock. */
static unsigned char *reply_shifted(const char *config, const unsigned char *q, size_t qlen,
                                    size_t *ret_len)
{
	CONF *conf = NCONF_new(NULL);
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	BIO *in = BIO_new_mem_buf(q, (int)qlen);
	const char *sec;
	TS_RESP *resp = NULL;
	unsigned char *der = NULL;
	int n;

	if (!conf || !ctx || NCONF_load(conf, config, NULL) != 1 ||
	    !(sec = TS_CONF_get_tsa_section(conf, NULL)) ||
	    !TS_CONF_set_serial(conf, sec, next_serial, ctx) ||
	    !TS_CONF_set_signer_cert(conf, sec, NULL, ctx) ||
	    !TS_CONF_set_certs(conf, sec, NULL, ctx) ||
	    !TS_CONF_set_signer_key(conf, sec, NULL, NULL, ctx) ||
	    !TS_CONF_set_signer_digest(conf, sec, NULL, ctx) ||
	    !TS_CONF_set_ess_cert_id_digest(conf, sec, ctx) ||
	    !TS_CONF_set_def_policy(conf, sec, NULL, ctx) || !TS_CONF_set_digests(conf, sec, ctx) ||
	    !TS_CONF_set_accuracy(conf, sec, ctx) || !TS_CONF_set_tsa_name(conf, sec, ctx))
		die("the TSA configuration");
	TS_RESP_CTX_set_time_cb(ctx, shifted_time, NULL);
	resp = TS_RESP_create_response(ctx, in);
	n = resp ? i2d_TS_RESP(resp, &der) : -1;
	TS_RESP_free(resp);
	TS_RESP_CTX_free(ctx);
	NCONF_free(conf);
	BIO_free(in);
	if (n <= 0)
		return NULL;
	*ret_len = (size_t)n;
	return der;
}

static void serve(int fd, const char *config, const char *mode)
{
	size_t qlen = 0, rlen = 0;
	unsigned char *q = read_request(fd, &qlen), *r = NULL;
	static const char junk[] = "this is not a TimeStampResp";

	if (!q)
		return;
	if (strcmp(mode, "slow") == 0)
		sleep((unsigned)shift_s);
	if (strcmp(mode, "garbage") == 0)
		reply(fd, 200, junk, sizeof(junk) - 1);
	else if (strcmp(mode, "error") == 0)
		reply(fd, 500, "", 0);
	else if (strcmp(mode, "shift") == 0 && (r = reply_shifted(config, q, qlen, &rlen)))
		reply(fd, 200, r, rlen);
	else if (strcmp(mode, "shift") != 0 && (r = reply_openssl(config, q, qlen, &rlen)))
		reply(fd, 200, r, rlen);
	else
		reply(fd, 500, "", 0);
	if (strcmp(mode, "shift") == 0)
		OPENSSL_free(r);
	else
		free(r);
	free(q);
}

/* ---- --extract ---------------------------------------------------------------------------- */

static int extract(const char *p7s, int index, const char *token_path, const char *sig_path)
{
	BIO *in = BIO_new_file(p7s, "r");
	CMS_ContentInfo *cms = in ? PEM_read_bio_CMS(in, NULL, NULL, NULL) : NULL;
	CMS_SignerInfo *si = cms ? sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), index) : NULL;
	ASN1_OBJECT *oid = OBJ_txt2obj("1.2.840.113549.1.9.16.2.14", 1);
	int i = si ? CMS_unsigned_get_attr_by_OBJ(si, oid, -1) : -1;
	ASN1_TYPE *t = i >= 0 ? X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, i), 0) : NULL;
	ASN1_OCTET_STRING *sig = si ? CMS_SignerInfo_get0_signature(si) : NULL;
	FILE *f;

	if (!t || t->type != V_ASN1_SEQUENCE || !sig)
		return 1;
	if (!(f = fopen(token_path, "wb")) ||
	    fwrite(t->value.sequence->data, 1, (size_t)t->value.sequence->length, f) !=
	        (size_t)t->value.sequence->length ||
	    fclose(f) != 0)
		return 2;
	if (!(f = fopen(sig_path, "wb")) ||
	    fwrite(sig->data, 1, (size_t)sig->length, f) != (size_t)sig->length || fclose(f) != 0)
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int s, c;

	if (argc == 6 && strcmp(argv[1], "--extract") == 0)
		return extract(argv[2], atoi(argv[3]), argv[4], argv[5]);
	if (argc < 3) {
		fputs("usage: tsa-server CONFIG ok|slow|garbage|error|shift [SECONDS]\n", stderr);
		return 2;
	}
	shift_s = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 8) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0)
		die("socket");
	printf("%u\n", ntohs(a.sin_port));
	fflush(stdout);
	while ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) >= 0 || errno == EINTR) {
		if (c < 0)
			continue;
		serve(c, argv[1], argv[2]);
		close(c);
	}
	die("accept");
}
