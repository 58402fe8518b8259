/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * jsoncheck.c - what json-c lets through and a certificate must not hold: a key twice in one
 * object, and a NUL character in a string.
 *
 * json-c keeps the last of two equal keys, and its C strings end at an escaped NUL, so a
 * document with "status": "FAILED", "status": "SUCCESS", or with "SUCCESS\u0000FAILED",
 * reads as a success to json-c and possibly as a failure to another reader. A signed
 * document must mean one thing to every reader: this scanner walks the raw text once,
 * decoding keys the way JSON defines them ("a" and "\u0061" are the same key), and refuses
 * both. It runs after json-c accepted the text as strict JSON, and is safe on any bytes.
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

#define MAX_DEPTH 128

struct scan {
	const char *p, *end;
	char **reason;
};

struct key {
	char *s;
	size_t len;
};

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int hex4(const char *p, const char *end, unsigned *ret)
{
	unsigned v = 0;

	if (end - p < 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* @cp as UTF-8 into @out (a lone surrogate keeps its own three bytes, so that two different
 * ones stay different). Return: the bytes written. */
static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One string, from its opening quote; decoded into a fresh buffer when @ret is not NULL. */
static int string(struct scan *s, struct key *ret)
{
	const char *start = ++s->p; /* past the opening quote */
	char *out = NULL;
	size_t n = 0;

	if (ret) {
		const char *q = start;

		/* decoded, a string is never longer than its text */
		while (q < s->end && *q != '"')
			q += *q == '\\' ? 2 : 1;
		if (!(out = malloc((size_t)(q - start) + 2)))
			return -ENOMEM;
	}
	while (s->p < s->end && *s->p != '"') {
		unsigned cp;
		char c = *s->p++;

		if (c == '\0')
			goto nul;
		if (c != '\\') {
			if (out)
				out[n++] = c;
			continue;
		}
		if (s->p >= s->end)
			break;
		c = *s->p++;
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *k = c ? strchr(from, c) : NULL;

			if (out)
				out[n++] = k ? to[k - from] : c;
			continue;
		}
		if (hex4(s->p, s->end, &cp) < 0) {
			s->p = s->end; /* not JSON: json-c said otherwise, but be safe */
			break;
		}
		s->p += 4;
		if (cp == 0)
			goto nul;
		if (cp >= 0xd800 && cp <= 0xdbff && s->end - s->p >= 6 && s->p[0] == '\\' &&
		    s->p[1] == 'u') {
			unsigned lo;

			if (hex4(s->p + 2, s->end, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s->p += 6;
			}
		}
		if (out)
			n += put_utf8(out + n, cp);
	}
	if (s->p >= s->end) {
		free(out);
		return -EINVAL;
	}
	s->p++; /* the closing quote */
	if (ret) {
		out[n] = '\0';
		*ret = (struct key){ out, n };
	}
	return 0;
nul:
	free(out);
	return ws_reason(s->reason, -EINVAL, "a string holds a NUL character (\\u0000)");
}

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int value(struct scan *s, unsigned depth);

/* One object, from its brace: every key once. */
static int object(struct scan *s, unsigned depth)
{
	struct key *keys = NULL;
	size_t n = 0;
	int r = 0;

	s->p++;
	skip_space(s);
	while (r == 0 && s->p < s->end && *s->p != '}') {
		struct key *more;

		if (*s->p != '"') {
			r = -EINVAL;
			break;
		}
		if (!(more = realloc(keys, (n + 1) * sizeof(*keys)))) {
			r = -ENOMEM;
			break;
		}
		keys = more;
		if ((r = string(s, &keys[n])) < 0)
			break;
		n++;
		skip_space(s);
		if (s->p >= s->end || *s->p != ':') {
			r = -EINVAL;
			break;
		}
		s->p++;
		if ((r = value(s, depth + 1)) < 0)
			break;
		skip_space(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			skip_space(s);
		}
	}
	if (r == 0 && s->p >= s->end)
		r = -EINVAL;
	if (r == 0) {
		s->p++; /* the closing brace */
		if (n > 1)
			qsort(keys, n, sizeof(*keys), cmp_key);
		for (size_t i = 1; i < n && r == 0; i++)
			if (cmp_key(&keys[i - 1], &keys[i]) == 0)
				r = ws_reason(s->reason, -EINVAL,
				              "the key \"%.64s\" appears twice in one object",
				              keys[i].s);
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i].s);
	free(keys);
	return r;
}

static int array(struct scan *s, unsigned depth)
{
	int r = 0;

	s->p++;
	skip_space(s);
	while (r == 0 && s->p < s->end && *s->p != ']') {
		if ((r = value(s, depth + 1)) < 0)
			break;
		skip_space(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else if (s->p < s->end && *s->p != ']')
			r = -EINVAL;
	}
	if (r == 0 && s->p >= s->end)
		r = -EINVAL;
	if (r == 0)
		s->p++;
	return r;
}

static int value(struct scan *s, unsigned depth)
{
	skip_space(s);
	if (s->p >= s->end || depth > MAX_DEPTH)
		return -EINVAL;
	switch (*s->p) {
	case '{':
		return object(s, depth);
	case '[':
		return array(s, depth);
	case '"':
		return string(s, NULL);
	default: /* a number, true, false or null: json-c has checked its spelling */
		while (s->p < s->end && strchr("+-.0123456789eEtruefalsn", *s->p) && *s->p)
			s->p++;
		return 0;
	}
}

int ws_json_check_strict(const char *text, size_t len, char **ret_reason)
{
	struct scan s = { text, text + len, ret_reason };
	int r = value(&s, 0);

	if (r == -EINVAL && ret_reason && !*ret_reason)
		r = ws_reason(ret_reason, r, "the document is not JSON");
	return r;
}

struct json_object *ws_json_parse_strict(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *o = NULL;
	size_t end;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (o && strspn(text + end, " \t\r\n") != len - end) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	if (o && (!ws_utf8_valid(text, len) || ws_json_check_strict(text, len, NULL) < 0)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}
