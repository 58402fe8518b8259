/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-certs.c - many really signed certificates, for the benchmarks (bench/verify-dir.sh,
 * bench/register-bench.sh). Built with the project, never installed, never in the suite.
 *
 *   gen-certs --template CERT.json --station DIR [--station DIR...] --count N
 *             [--out DIR] [--copy FILE] [--per-dir N] [--prefix S] [--jobs N]
 *             [--first K] [--chain FILE]
 *   gen-certs --print-columns
 *
 * The template is one real certificate written by `wipeseal wipe`. Every certificate made
 * from it has its own certificate_id, serial (media.serial and evidence.device.serial, which
 * verify compares), WWN, asset tag, issued time and station: each --station DIR holds a
 * signer (signer.key, signer.pem, made by certs/make-station.sh or the same openssl
 * commands) and its certificates are a real series, each naming the SHA-256 of the one
 * before in previous_certificate_sha256. Each document is signed for real by the library's
 * signer (ws_signer_load(), ws_signer_sign()), the same CMS `wipeseal wipe` writes.
 *
 * --out DIR writes OUT/HOSTNAME/NNNN/NAME.json and NAME.json.p7s, --per-dir (1000) to a
 * directory. --copy FILE writes the rows of the register's `certificates` table instead, in
 * PostgreSQL's COPY text format (columns in copy_columns below), so that a register of a
 * million certificates is loaded by one COPY rather than pushed one by one (--print-columns
 * prints the column list that COPY needs). Stations are
 * shared out among --jobs threads (default: online CPUs). Certificate k of a station (from
 * --first K on) has the serial [PREFIX]SssNkkkkkkkk and was issued 30 s after k-1, from
 * 2026-06-01; --chain FILE keeps each station's last SHA-256 from one run to the next, so
 * that a register can be loaded in parts and its series stay whole. Prints nothing but
 * errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <wipeseal/cert.h>

#include "gen-certs-copy.h"

struct gen {
	const char *template_path, *out, *copy_path, *prefix;
	const char **stations;
	size_t n_stations, count, per_dir;
	unsigned jobs;
	char *template_text;
	FILE *copy;
	pthread_mutex_t lock; /* the COPY file */
	int64_t start;        /* issued time of every station's certificate number 0 */
	size_t first;         /* --first: the number of each station's first certificate here */
	const char *chain;    /* --chain FILE: each station's last SHA-256, read and written */
	char (*last)[65];     /* per station: the SHA-256 its next certificate follows, or "" */
	int failed;
};

struct job {
	struct gen *g;
	unsigned index;
};

/* Say what failed (@what, and @arg when not NULL) and stop. */
static void die(const char *what, const char *arg)
{
	fprintf(stderr, "gen-certs: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
	exit(1);
}

/* Set @path ("a.b.c") in @root to the string @v (NULL: JSON null). */
static void set_str(struct json_object *root, const char *a, const char *b, const char *c,
                    const char *v)
{
	struct json_object *o = root, *n;
	const char *keys[] = { a, b, c };
	size_t depth = c ? 3 : b ? 2 : 1;

	for (size_t i = 0; i + 1 < depth; i++) {
		if (!json_object_object_get_ex(o, keys[i], &n))
			die("the template lacks the key", keys[i]);
		o = n;
	}
	json_object_object_add(o, keys[depth - 1], v ? json_object_new_string(v) : NULL);
}

static void uuid4(char out[37])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof(b)) != 1)
		die("no random bytes", NULL);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0)
		die("cannot write", path);
}

/* What differs from one certificate to the next, as it is written into the document. */
struct fields {
	char id[37], serial[64], wwn[32], asset[48], issued[32], compact[24], host[64];
	const char *previous;
};

static void fill(struct json_object *doc, const struct fields *f, const struct ws_signer *s)
{
	set_str(doc, "certificate_id", NULL, NULL, f->id);
	set_str(doc, "issued", NULL, NULL, f->issued);
	set_str(doc, "person", "date", NULL, f->issued);
	set_str(doc, "media", "serial", NULL, f->serial);
	set_str(doc, "evidence", "device", "serial", f->serial);
	set_str(doc, "media", "model", NULL, "BenchDisk 1TB");
	set_str(doc, "evidence", "device", "model", "BenchDisk 1TB");
	set_str(doc, "media", "wwn", NULL, f->wwn);
	set_str(doc, "evidence", "device", "wwn", f->wwn);
	set_str(doc, "media", "property_number", NULL, f->asset);
	set_str(doc, "signer", "subject", NULL, ws_signer_subject(s));
	set_str(doc, "station", "hostname", NULL, f->host);
	set_str(doc, "previous_certificate_sha256", NULL, NULL, f->previous);
}

static void make_fields(struct gen *g, unsigned station, size_t i, const char *host,
                        struct fields *f)
{
	time_t t = (time_t)(g->start + (int64_t)(g->first + i) * 30);
	struct tm tm;

	uuid4(f->id);
	i += g->first;
	snprintf(f->serial, sizeof(f->serial), "%sS%02uN%08zu", g->prefix, station, i);
	snprintf(f->wwn, sizeof(f->wwn), "0x5000c5%02x%08zx", station & 0xffu, i);
	snprintf(f->asset, sizeof(f->asset), "%sA-%02u-%zu", g->prefix, station, i);
	gmtime_r(&t, &tm);
	strftime(f->issued, sizeof(f->issued), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	strftime(f->compact, sizeof(f->compact), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(f->host, sizeof(f->host), "%s", host);
}

/* Write one signed certificate where it goes: the tree or the COPY stream. */
static void emit(struct gen *g, const struct fields *f, struct json_object *doc, const char *text,
                 size_t len, const char *p7s, const char *sha, const struct ws_signer *s, size_t i)
{
	char dir[4096], path[4400];

	if (g->copy) {
		struct gen_row row = {
			.sha256 = sha,
			.station = ws_signer_subject(s),
			.doc = doc,
			.json = text,
			.json_len = len,
			.p7s = p7s,
		};

		pthread_mutex_lock(&g->lock);
		if (gen_copy_row(g->copy, &row) < 0)
			die("cannot write the COPY file", NULL);
		pthread_mutex_unlock(&g->lock);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/%s", g->out, f->host);
	if (i == 0 && mkdir(dir, 0750) < 0 && errno != EEXIST)
		die("cannot make", dir);
	snprintf(dir, sizeof(dir), "%s/%s/%04zu", g->out, f->host, i / g->per_dir);
	if (i % g->per_dir == 0 && mkdir(dir, 0750) < 0 && errno != EEXIST)
		die("cannot make", dir);
	snprintf(path, sizeof(path), "%s/%s_BenchDisk_1TB_%s.json", dir, f->compact, f->serial);
	write_file(path, text, len);
	snprintf(path, sizeof(path), "%s/%s_BenchDisk_1TB_%s.json.p7s", dir, f->compact, f->serial);
	write_file(path, p7s, strlen(p7s));
}

/* One station's series: @n certificates, each naming the one before. */
static void gen_station(struct gen *g, unsigned station, size_t n)
{
	struct ws_signer_files files = { 0 };
	struct ws_signer *s = NULL;
	struct json_object *doc = json_tokener_parse(g->template_text);
	char key[4096], cert[4096], host[64], prev[65], sha[65], *why = NULL;
	unsigned char md[SHA256_DIGEST_LENGTH];
	struct fields f;

	snprintf(key, sizeof(key), "%s/signer.key", g->stations[station]);
	snprintf(cert, sizeof(cert), "%s/signer.pem", g->stations[station]);
	files.key = key;
	files.cert = cert;
	if (!doc)
		die("not JSON:", g->template_path);
	if (ws_signer_load(&files, &s, &why) < 0)
		die(why ? why : "cannot load a signer", NULL);
	snprintf(host, sizeof(host), "bench-station-%02u", station);
	memcpy(prev, g->last[station], sizeof(prev));
	for (size_t i = 0; i < n; i++) {
		const char *text;
		char *p7s = NULL, *full = NULL;
		size_t len;

		make_fields(g, station, i, host, &f);
		f.previous = prev[0] ? prev : NULL;
		fill(doc, &f, s);
		text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
		                                               JSON_C_TO_STRING_SPACED |
		                                               JSON_C_TO_STRING_NOSLASHESCAPE);
		if (asprintf(&full, "%s\n", text) < 0)
			die("out of memory", NULL);
		len = strlen(full);
		if (ws_signer_sign(s, full, len, &p7s) < 0)
			die("signing failed", NULL);
		SHA256((const unsigned char *)full, len, md);
		hex(md, sizeof(md), sha);
		emit(g, &f, doc, full, len, p7s, sha, s, i);
		memcpy(prev, sha, sizeof(prev));
		free(full);
		free(p7s);
	}
	memcpy(g->last[station], prev, sizeof(prev));
	json_object_put(doc);
	ws_signer_free(s);
}

/* --chain FILE: line k is station k's last SHA-256 (a series goes on from one run to the
 * next); a missing file or line starts a new series. */
static void chain_read(struct gen *g)
{
	FILE *f;
	char line[128];

	if (!(g->last = calloc(g->n_stations, sizeof(*g->last))))
		die("out of memory", NULL);
	if (!g->chain || !(f = fopen(g->chain, "re")))
		return;
	for (size_t k = 0; k < g->n_stations && fgets(line, sizeof(line), f); k++)
		if (strlen(line) >= 64)
			snprintf(g->last[k], sizeof(g->last[k]), "%.64s", line);
	fclose(f);
}

static void chain_write(const struct gen *g)
{
	FILE *f;

	if (!g->chain)
		return;
	if (!(f = fopen(g->chain, "we")))
		die("cannot write", g->chain);
	for (size_t k = 0; k < g->n_stations; k++)
		fprintf(f, "%s\n", g->last[k]);
	if (fclose(f) != 0)
		die("cannot write", g->chain);
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	struct gen *g = j->g;

	for (size_t k = j->index; k < g->n_stations; k += g->jobs)
		gen_station(g, (unsigned)k,
		            g->count / g->n_stations + (k < g->count % g->n_stations));
	return NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0, len = 0, k;

	if (!f)
		die("cannot read", path);
	do {
		if (len + 65536 > cap && !(text = realloc(text, cap = cap * 2 + 65536)))
			die("out of memory", NULL);
		k = fread(text + len, 1, cap - len - 1, f);
		len += k;
	} while (k > 0);
	fclose(f);
	text[len] = '\0';
	return text;
}

static void parse_args(struct gen *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "station", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "copy", required_argument, NULL, 'c' },
		{ "per-dir", required_argument, NULL, 'd' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "print-columns", no_argument, NULL, 'P' },
		{ "first", required_argument, NULL, 'f' },
		{ "chain", required_argument, NULL, 'C' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "t:s:n:o:c:d:p:j:Pf:C:", opts, NULL)) != -1) {
		if (c == 't')
			g->template_path = optarg;
		else if (c == 's') {
			g->stations = realloc(g->stations, (g->n_stations + 1) * sizeof(char *));
			if (!g->stations)
				die("out of memory", NULL);
			g->stations[g->n_stations++] = optarg;
		} else if (c == 'n')
			g->count = strtoul(optarg, NULL, 10);
		else if (c == 'o')
			g->out = optarg;
		else if (c == 'c')
			g->copy_path = optarg;
		else if (c == 'd')
			g->per_dir = strtoul(optarg, NULL, 10);
		else if (c == 'p')
			g->prefix = optarg;
		else if (c == 'j')
			g->jobs = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 'f')
			g->first = strtoul(optarg, NULL, 10);
		else if (c == 'C')
			g->chain = optarg;
		else if (c == 'P') {
			puts(gen_copy_columns); /* for the script's \copy */
			exit(0);
		} else
			die("usage: gen-certs --template CERT.json --station DIR... --count N "
			    "(--out DIR | --copy FILE) [--per-dir N] [--prefix S] [--jobs N]",
			    NULL);
	}
	if (!g->template_path || !g->n_stations || !g->count || !(g->out || g->copy_path))
		die("name --template, at least one --station, --count and --out or --copy", NULL);
}

int main(int argc, char **argv)
{
	struct gen g = { .per_dir = 1000, .prefix = "", .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t *threads;
	struct job *jobs;

	parse_args(&g, argc, argv);
	if (!g.jobs)
		g.jobs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (g.jobs > g.n_stations)
		g.jobs = (unsigned)g.n_stations;
	if (!g.per_dir)
		g.per_dir = 1000;
	g.template_text = slurp(g.template_path);
	g.start = 1780272000; /* 2026-06-01T00:00:00Z: certificate k of a station 30 s after k-1 */
	chain_read(&g);
	if (g.out && mkdir(g.out, 0750) < 0 && errno != EEXIST)
		die("cannot make", g.out);
	if (g.copy_path && !(g.copy = fopen(g.copy_path, "we")))
		die("cannot write", g.copy_path);
	threads = calloc(g.jobs, sizeof(*threads));
	jobs = calloc(g.jobs, sizeof(*jobs));
	if (!threads || !jobs)
		die("out of memory", NULL);
	for (unsigned i = 0; i < g.jobs; i++) {
		jobs[i] = (struct job){ .g = &g, .index = i };
		if (pthread_create(&threads[i], NULL, run_job, &jobs[i]) != 0)
			die("cannot start a thread", NULL);
	}
	for (unsigned i = 0; i < g.jobs; i++)
		pthread_join(threads[i], NULL);
	if (g.copy && fclose(g.copy) != 0)
		die("cannot write", g.copy_path);
	chain_write(&g);
	free(g.last);
	free(threads);
	free(jobs);
	free(g.stations);
	free(g.template_text);
	return 0;
}
