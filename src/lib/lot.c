/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lot.c - customers, jobs and batches (wipeseal/lot.h): the customer list the config names,
 * the lot a front end is given (checked once, before anything is written), the folder its
 * certificates are filed in, and the certificate's "job" object with verify's check of it.
 *
 * The customer list is a CSV because that is what a disposal company already keeps (nwipe's
 * customers.csv, a spreadsheet's export); the config file names it rather than holding it,
 * so the list is edited without touching the station's settings.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>
#include <wipeseal/config.h>
#include <wipeseal/lot.h>

#include "internal.h"
#include "lot-internal.h"

#define MAX_LIST_BYTES (1u << 20)
#define MAX_CUSTOMERS  10000u
#define N_COLS         5

struct ws_customers {
	struct ws_customer *v;
	size_t n;
};

/* ---- the CSV ------------------------------------------------------------------------------ */

/* The columns, and the header words that name each (ours, then nwipe's). */
static const char *const col_names[N_COLS][2] = {
	{ "id", NULL },
	{ "name", "customer name" },
	{ "contact", "contact name" },
	{ "address", "customer address" },
	{ "phone", "contact phone" },
};

static char **field_of(struct ws_customer *c, int col)
{
	char **f[N_COLS] = { &c->id, &c->name, &c->contact, &c->address, &c->phone };

	return f[col];
}

static void free_cells(char **cells, int n)
{
	for (int i = 0; i < n; i++)
		free(cells[i]);
}

/* One CSV record from *@p (RFC 4180: quotes doubled inside quoted cells; LF or CRLF ends
 * it). Cells into @cells (up to @max; more is an error). Return: the number of cells, 0 at
 * the end of the text, -EINVAL for a malformed record, -ENOMEM. */
static int csv_record(const char **p, const char *end, char **cells, int max)
{
	int n = 0;

	if (*p >= end)
		return 0;
	for (;;) {
		char *cell = malloc((size_t)(end - *p) + 1), *o = cell, *fit;
		const char *s = *p;

		if (!cell)
			return -ENOMEM;
		if (s < end && *s == '"') {
			for (s++; s < end && !(*s == '"' && (s + 1 >= end || s[1] != '"')); s++)
				*o++ = *s == '"' ? *++s : *s;
			if (s >= end) {
				free(cell);
				free_cells(cells, n);
				return -EINVAL; /* an open quote */
			}
			s++;
		} else {
			while (s < end && *s != ',' && *s != '\n' && *s != '\r')
				*o++ = *s++;
		}
		*o = '\0';
		/* room for the rest of the text was taken: give back what the cell does not use */
		fit = realloc(cell, (size_t)(o - cell) + 1);
		if (fit)
			cell = fit;
		if (n == max) {
			free(cell);
			free_cells(cells, n);
			return -EINVAL;
		}
		cells[n++] = cell;
		if (s < end && *s == ',') {
			*p = s + 1;
			continue;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s != '\n') {
			free_cells(cells, n);
			return -EINVAL; /* text after a closing quote */
		}
		*p = s < end ? s + 1 : s;
		return n;
	}
}

/* The header's cells into @map (cell -> column, -1: ignored). Return: false without name. */
static bool map_header(char **cells, int n, int *map)
{
	bool name = false;

	for (int i = 0; i < n; i++) {
		char *h = cells[i];

		map[i] = -1;
		for (int c = 0; c < N_COLS; c++)
			if (strcasecmp(h, col_names[c][0]) == 0 ||
			    (col_names[c][1] && strcasecmp(h, col_names[c][1]) == 0))
				map[i] = c;
		name |= map[i] == 1;
	}
	return name;
}

/* A field fit for a certificate and a folder: UTF-8, no control character, bounded. */
static bool field_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > WS_LOT_FIELD_MAX || !ws_utf8_valid(s, n))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Row @line's cells into customer @c. Return: 0 or -EINVAL with the reason. */
static int take_row(struct ws_customer *c, char **cells, int n, const int *map, size_t row,
                    const char *path, unsigned line, char **ret_reason)
{
	for (int i = 0; i < n; i++) {
		if (map[i] < 0 || !cells[i][0])
			continue;
		if (!field_ok(cells[i]))
			return ws_reason(ret_reason, -EINVAL,
			                 "%s:%u: the %s is not text (UTF-8, no control characters, "
			                 "at most %u bytes): correct the customer list",
			                 path, line, col_names[map[i]][0], WS_LOT_FIELD_MAX);
		free(*field_of(c, map[i])); /* a column named twice: the last wins */
		*field_of(c, map[i]) = cells[i];
		cells[i] = NULL;
	}
	if (!c->name)
		return ws_reason(ret_reason, -EINVAL,
		                 "%s:%u: a customer without a name: every row needs one", path,
		                 line);
	if (!c->id && asprintf(&c->id, "%zu", row) < 0) {
		c->id = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Two customers that could be mistaken: the same id, name or folder. */
static int check_unique(const struct ws_customers *l, const char *path, char **ret_reason)
{
	char(*slug)[72] = calloc(l->n ? l->n : 1, sizeof(*slug));
	int r = 0;

	if (!slug)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		ws_lot_slug(l->v[i].name, slug[i], sizeof(slug[i]));
	for (size_t i = 0; i < l->n && r == 0; i++)
		for (size_t k = 0; k < i && r == 0; k++) {
			const struct ws_customer *x = &l->v[i], *y = &l->v[k];

			if (strcmp(x->id, y->id) == 0 || strcasecmp(x->name, y->name) == 0 ||
			    strcmp(slug[i], slug[k]) == 0)
				r = ws_reason(
				    ret_reason, -EINVAL,
				    "%s: customers '%s' and '%s' have the same %s: give each "
				    "its own",
				    path, y->name, x->name,
				    strcmp(x->id, y->id) == 0 ? "id" : "name or folder");
		}
	free(slug);
	return r;
}

static int parse_list(const char *text, size_t len, const char *path, struct ws_customers *l,
                      char **ret_reason)
{
	const char *p = text, *end = text + len;
	char *cells[16];
	int map[16], n, r = 0;
	unsigned line = 1;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	n = csv_record(&p, end, cells, 16);
	if (n <= 0 || !map_header(cells, n, map)) {
		if (n > 0)
			free_cells(cells, n);
		return n == -ENOMEM ? n
		                    : ws_reason(ret_reason, -EINVAL,
		                                "%s:1: the first line names the columns: id, name, "
		                                "contact, address, phone (name is required)",
		                                path);
	}
	free_cells(cells, n);
	for (int hn = n; r == 0;) {
		struct ws_customer *v;

		line++;
		n = csv_record(&p, end, cells, hn);
		if (n == 0)
			break;
		if (n < 0)
			return n == -ENOMEM
			           ? n
			           : ws_reason(ret_reason, -EINVAL,
			                       "%s:%u: not a CSV record of at most %d cells "
			                       "(check its quotes and commas)",
			                       path, line, hn);
		if (n == 1 && !cells[0][0]) { /* a blank line */
			free_cells(cells, n);
			continue;
		}
		v = l->n < MAX_CUSTOMERS ? realloc(l->v, (l->n + 1) * sizeof(*v)) : NULL;
		if (!v) {
			free_cells(cells, n);
			return l->n < MAX_CUSTOMERS
			           ? -ENOMEM
			           : ws_reason(ret_reason, -EINVAL, "%s: more than %u customers",
			                       path, MAX_CUSTOMERS);
		}
		l->v = v;
		memset(&v[l->n], 0, sizeof(*v));
		r = take_row(&v[l->n], cells, n, map, l->n + 1, path, line, ret_reason);
		l->n++;
		free_cells(cells, n);
	}
	return r < 0 ? r : check_unique(l, path, ret_reason);
}

int ws_customers_load(const char *path, struct ws_customers **ret, char **ret_reason)
{
	struct ws_customers *l = calloc(1, sizeof(*l));
	char *text = NULL;
	size_t len = 0;
	int r;

	if (!l)
		return -ENOMEM;
	r = ws_read_named("customer list", path, MAX_LIST_BYTES, &text, &len, NULL, ret_reason);
	if (r == 0 && !ws_utf8_valid(text, len))
		r = ws_reason(ret_reason, -EINVAL,
		              "customer list %s is not UTF-8: save it as UTF-8", path);
	if (r == 0)
		r = parse_list(text, len, path, l, ret_reason);
	free(text);
	if (r < 0) {
		ws_customers_free(l);
		return r;
	}
	*ret = l;
	return 0;
}

static void customer_clear(struct ws_customer *c)
{
	for (int i = 0; i < N_COLS; i++)
		free(*field_of(c, i));
}

struct ws_customers *ws_customers_free(struct ws_customers *l)
{
	if (!l)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		customer_clear(&l->v[i]);
	free(l->v);
	free(l);
	return NULL;
}

size_t ws_customers_count(const struct ws_customers *l)
{
	return l ? l->n : 0;
}

const struct ws_customer *ws_customers_get(const struct ws_customers *l, size_t i)
{
	return l && i < l->n ? &l->v[i] : NULL;
}

const struct ws_customer *ws_customers_find(const struct ws_customers *l, const char *key)
{
	for (size_t i = 0; l && key && i < l->n; i++)
		if (strcmp(l->v[i].id, key) == 0)
			return &l->v[i];
	for (size_t i = 0; l && key && i < l->n; i++)
		if (strcmp(l->v[i].name, key) == 0)
			return &l->v[i];
	for (size_t i = 0; l && key && i < l->n; i++)
		if (strcasecmp(l->v[i].name, key) == 0)
			return &l->v[i];
	return NULL;
}

/* ---- the lot ------------------------------------------------------------------------------ */

int ws_lot_check_number(const char *what, const char *s, char **ret_reason)
{
	size_t n = strlen(s);

	if (n == 0 || n > WS_LOT_NUMBER_MAX)
		return ws_reason(ret_reason, -EINVAL, "the %s must be 1 to %u characters long",
		                 what, WS_LOT_NUMBER_MAX);
	if (!field_ok(s) || strpbrk(s, "/\\") || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]))
		return ws_reason(ret_reason, -EINVAL,
		                 "the %s '%s' cannot name a folder: use letters, digits and "
		                 "'-', no '/', '\\', control characters or blanks at either end",
		                 what, field_ok(s) ? s : "(not text)");
	return 0;
}

struct ws_lot *ws_lot_free(struct ws_lot *lot)
{
	if (!lot)
		return NULL;
	free(lot->customer_id);
	free(lot->customer);
	free(lot->contact);
	free(lot->address);
	free(lot->phone);
	free(lot->number);
	free(lot->batch);
	free(lot);
	return NULL;
}

int ws_lot_new(const struct ws_customer *c, const char *number, const char *batch,
               struct ws_lot **ret, char **ret_reason)
{
	struct ws_lot *lot;
	int r = 0;

	if (number)
		r = ws_lot_check_number("job number", number, ret_reason);
	if (r == 0 && batch)
		r = ws_lot_check_number("batch number", batch, ret_reason);
	if (r < 0)
		return r;
	lot = calloc(1, sizeof(*lot));
	if (!lot)
		return -ENOMEM;
	lot->number = strdup_or_null(number);
	lot->batch = strdup_or_null(batch);
	if (c) {
		lot->customer_id = strdup_or_null(c->id);
		lot->customer = strdup_or_null(c->name);
		lot->contact = strdup_or_null(c->contact);
		lot->address = strdup_or_null(c->address);
		lot->phone = strdup_or_null(c->phone);
	}
	if ((number && !lot->number) || (batch && !lot->batch) ||
	    (c && (!lot->customer_id || !lot->customer || (c->contact && !lot->contact) ||
	           (c->address && !lot->address) || (c->phone && !lot->phone)))) {
		ws_lot_free(lot);
		return -ENOMEM;
	}
	*ret = lot;
	return 0;
}

/* The customer @key of the list [lot] customers names, into *@ret (the list's). */
static int pick_customer(const struct ws_config *cfg, const char *key, struct ws_customers **list,
                         const struct ws_customer **ret, char **ret_reason)
{
	const char *path = ws_config_get(cfg, "lot", "customers");
	int r;

	if (!path)
		return key ? ws_reason(ret_reason, -EINVAL,
		                       "customer '%s' named, but no customer list is configured: "
		                       "set [lot] customers = FILE (docs/lots.md)",
		                       key)
		           : 0;
	r = ws_customers_load(path, list, ret_reason);
	if (r < 0 || !key)
		return r;
	*ret = ws_customers_find(*list, key);
	if (!*ret)
		return ws_reason(ret_reason, -ENOENT,
		                 "customer '%s' is not in %s: give one of its ids or names, or add "
		                 "the customer to the list",
		                 key, path);
	return 0;
}

int ws_lot_from_config(const struct ws_config *cfg, const struct ws_lot_args *given,
                       struct ws_lot **ret, struct ws_customers **ret_customers, char **ret_reason)
{
	static const struct ws_lot_args none = { 0 };
	const struct ws_lot_args *g = given ? given : &none;
	const char *key = g->customer ? g->customer : ws_config_get(cfg, "lot", "customer");
	const char *number = g->number ? g->number : ws_config_get(cfg, "lot", "job");
	const char *batch = g->batch ? g->batch : ws_config_get(cfg, "lot", "batch");
	const struct ws_customer *c = NULL;
	struct ws_customers *list = NULL;
	int r = pick_customer(cfg, key, &list, &c, ret_reason);

	*ret = NULL;
	if (r == 0 && (c || number || batch))
		r = ws_lot_new(c, number, batch, ret, ret_reason);
	if (r == 0 && ret_customers)
		*ret_customers = list;
	else
		ws_customers_free(list);
	return r;
}

/* ---- folders ------------------------------------------------------------------------------ */

void ws_lot_slug(const char *s, char *buf, size_t len)
{
	size_t o = 0, cap = len - 1 < 64 ? len - 1 : 64;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && o < cap;) {
		size_t k = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;

		if (*p >= 0x80) { /* a character of another script: kept whole, or cut here */
			if (o + k > cap || strnlen((const char *)p, k) < k)
				break;
			memcpy(buf + o, p, k);
			o += k;
			p += k;
			continue;
		}
		if (isalnum(*p) || *p == '-' || *p == '+' || (*p == '.' && o > 0))
			buf[o++] = (char)*p;
		else if (o == 0 || buf[o - 1] != '_')
			buf[o++] = '_';
		p++;
	}
	if (o == 0)
		buf[o++] = '_';
	buf[o] = '\0';
}

int ws_lot_dir(const struct ws_lot *lot, const char *base, char **ret)
{
	char c[72], j[72], b[72];

	if (lot->customer)
		ws_lot_slug(lot->customer, c, sizeof(c));
	if (lot->number)
		ws_lot_slug(lot->number, j, sizeof(j));
	if (lot->batch)
		ws_lot_slug(lot->batch, b, sizeof(b));
	if (asprintf(ret, "%s/%s/%s/%s", base, lot->customer ? c : "no-customer",
	             lot->number ? j : "no-job", lot->batch ? b : "no-batch") < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ---- the certificate's "job" object ------------------------------------------------------- */

/* The keys of "job", in the order they are written (docs/certificate.md). */
static const char *const job_keys[] = { "customer", "customer_id", "contact", "address",
	                                "phone",    "number",      "batch",   NULL };

struct json_object *ws_lot_json(const struct ws_lot *lot)
{
	const char *v[] = { lot->customer, lot->customer_id, lot->contact, lot->address,
		            lot->phone,    lot->number,      lot->batch };
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; job_keys[i]; i++)
		json_object_object_add(o, job_keys[i], v[i] ? json_object_new_string(v[i]) : NULL);
	return o;
}

bool ws_verify_job(struct json_object *doc, struct ws_cert_check *c)
{
	struct json_object *j, *v;

	/* optional: a certificate of no lot has none */
	if (!json_object_object_get_ex(doc, "job", &j))
		return true;
	if (!json_object_is_type(j, json_type_object)) {
		ws_reason(&c->reason, 0, "the document's \"job\" section is not an object");
		return false;
	}
	for (size_t i = 0; job_keys[i]; i++)
		if (json_object_object_get_ex(j, job_keys[i], &v) &&
		    !json_object_is_type(v, json_type_null) &&
		    !json_object_is_type(v, json_type_string)) {
			ws_reason(&c->reason, 0,
			          "the document's job.%s is neither a string nor null",
			          job_keys[i]);
			return false;
		}
	return true;
}
