/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-config.c - the configuration file's one parser (config.c): the rules docs/config.md
 * states, and every ```ini example in docs/config.md and docs/station.md, loaded as it is
 * and meaning what it says.
 *
 * The cases: end-of-line comments, quoting, CRLF and a byte-order mark, station.auto and when_done
 * values, lock_after as a time, NUL bytes; and every ini example of docs/config.md and docs/station.md loaded as it is,
 * the station example checked to mean what its comments say.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/config.h>
#include <wipeseal/operator.h>

#include "internal.h"
#include "testutil.h"

/* Parse @text; on success return the configuration, on failure NULL with the reason. */
static struct ws_config *parse(const char *text, size_t len, char **ret_why)
{
	struct ws_config *cfg = NULL;
	int r = ws_config_parse_text(text, len, "t.conf", &cfg, ret_why);

	ck_assert(r == 0 || r == -EINVAL);
	ck_assert(r == 0 ? cfg != NULL : *ret_why != NULL);
	return r == 0 ? cfg : NULL;
}

/* @text must be refused with a reason holding @needle, on one line. */
static void refused(const char *text, const char *needle)
{
	char *why = NULL;
	struct ws_config *cfg = parse(text, strlen(text), &why);

	ck_assert_msg(cfg == NULL, "accepted: %s", text);
	ck_assert_msg(strstr(why, needle) != NULL, "reason '%s' lacks '%s'", why, needle);
	ck_assert_ptr_null(strchr(why, '\n'));
	free(why);
}

/* @text must give @section.@key the value @want. */
static void means(const char *text, const char *section, const char *key, const char *want)
{
	char *why = NULL;
	struct ws_config *cfg = parse(text, strlen(text), &why);

	ck_assert_msg(cfg != NULL, "refused: %s", why);
	ck_assert_str_eq(ws_config_get(cfg, section, key), want);
	ws_config_free(cfg);
}

START_TEST(test_end_of_line_comment_is_an_error)
{
	/* what docs/station.md showed: read as "yes # ..." it turned auto mode silently off */
	refused("[station]\nauto = yes            # wipe every eligible drive\n",
	        "t.conf:2: '#' in the value of 'auto': a comment goes on a line of its own");
	refused("[operator]\nname = Ada # the operator\n", "t.conf:2: '#' in the value of 'name'");
	refused("[operator]\nname = Ada\t; the operator\n", "';' in the value of 'name'");
	refused("[operator]\ntitle = # none\n", "'#' in the value of 'title'");
	refused("[operator]\nname = \"Ada\" # quoted, then a comment\n", "'#' in the value");
}
END_TEST

START_TEST(test_hash_inside_a_value)
{
	means("[operator]\nname = \"Ada # one\"\n", "operator", "name", "Ada # one");
	means("[media]\nsource = PC#4711; desk 3\n", "media", "source", "PC#4711; desk 3");
	means("[operator]\n# name = Grace\n  ; name = Dana\nname = Ada\n", "operator", "name",
	      "Ada");
}
END_TEST

START_TEST(test_windows_line_endings)
{
	static const char crlf[] = "[station]\r\nauto = yes\r\nwhen_done = poweroff\r\n"
	                           "[operator]\r\nname = \"Ada Lovelace\"\r\n\r\n";

	means(crlf, "station", "auto", "yes");
	means(crlf, "station", "when_done", "poweroff");
	means(crlf, "operator", "name", "Ada Lovelace");
	/* Notepad's byte-order mark before the first section */
	means("\xef\xbb\xbf[station]\r\nauto = yes\r\n", "station", "auto", "yes");
}
END_TEST

START_TEST(test_station_choices)
{
	means("[station]\nauto = no\n", "station", "auto", "no");
	refused("[station]\nauto = Yes\n", "t.conf:2: auto = 'Yes' in [station]: use yes or no");
	refused("[station]\nauto = 1\n", "use yes or no");
	refused("[station]\nauto =\n", "use yes or no");
	means("[station]\nwhen_done = \"reboot\"\n", "station", "when_done", "reboot");
	refused("[station]\nwhen_done = halt\n",
	        "when_done = 'halt' in [station]: use poweroff, reboot or wait");
}
END_TEST

/* [station] lock_after: a length of time, checked when the file is read (so `config check`
 * says it too), not only when the station starts. */
START_TEST(test_lock_after_is_a_time)
{
	static const struct {
		const char *text;
		unsigned want;
	} good[] = { { "900", 900 }, { "90s", 90 }, { "15m", 900 },
		     { "1h", 3600 }, { "0", 0 },    { "168h", 604800 } };
	unsigned v = 1;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(ws_config_seconds(good[i].text, &v), "%s", good[i].text);
		ck_assert_uint_eq(v, good[i].want);
	}
	for (const char *const *b = (const char *const[]){ "", "soon", "15 m", "-5", "1d", "169h",
	                                                   "99999999999", "m", NULL };
	     *b; b++)
		ck_assert_msg(!ws_config_seconds(*b, &v), "%s", *b);
	means("[station]\nlock_after = 15m\n", "station", "lock_after", "15m");
	refused("[station]\nlock_after = soon\n",
	        "t.conf:2: [station] lock_after = soon: not a time; write seconds (900), 90s");
}
END_TEST

/* [operators] read and checked once for every front end (ws_operators_config()). */
START_TEST(test_operators_settings)
{
	static const char fp[] =
	    "AB:cd:0123456789abcdef0123456789abcdef0123456789abcdef0123456789ef";
	struct ws_operators_config o;
	struct ws_config *cfg;
	char *why = NULL, *text = NULL;

	cfg = parse("[media]\nsource = x\n", 19, &why);
	ck_assert_int_eq(ws_operators_config(cfg, &o, &why), 0);
	ck_assert(!o.on && !o.require_card && !o.trust && !o.allow);
	ck_assert_uint_eq(o.lock_after, 900);
	ws_operators_config_clear(&o);
	ws_config_free(cfg);
	cfg = parse("[operators]\nrequire_card = yes\n", 31, &why);
	ck_assert_int_eq(ws_operators_config(cfg, &o, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "require_card = yes needs [operators] ca"));
	ck_assert_ptr_null(o.trust);
	free(why);
	ws_config_free(cfg);
	cfg = parse("[operators]\nca = /nonexistent/ca.pem\n", 37, &why);
	ck_assert_int_lt(ws_operators_config(cfg, &o, &why), 0);
	ck_assert_ptr_nonnull(strstr(why, "[operators] ca: "));
	free(why);
	ws_config_free(cfg);
	ck_assert_int_ge(
	    asprintf(&text,
	             "[operators]\nallow = %s, %.64s\n[station]\n"
	             "lock_after = 90s\n",
	             fp, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
	    0);
	cfg = parse(text, strlen(text), &why);
	ck_assert_int_eq(ws_operators_config(cfg, &o, &why), 0);
	ck_assert_str_eq(o.allow[0],
	                 "abcd0123456789abcdef0123456789abcdef0123456789abcdef0123456789ef");
	ck_assert_ptr_nonnull(o.allow[1]);
	ck_assert_ptr_null(o.allow[2]);
	ck_assert_uint_eq(o.lock_after, 90);
	ws_operators_config_clear(&o);
	ws_config_free(cfg);
	free(text);
	for (const char *const *bad = (const char *const[]){ "xyz", "abcd", ",", NULL }; *bad;
	     bad++) {
		ck_assert_int_ge(asprintf(&text, "[operators]\nallow = \"%s\"\n", *bad), 0);
		cfg = parse(text, strlen(text), &why);
		ck_assert_int_eq(ws_operators_config(cfg, &o, &why), -EINVAL);
		ck_assert_msg(strstr(why, "[operators] allow: write the SHA-256"), "%s", why);
		ck_assert_ptr_null(o.allow);
		free(why);
		ws_config_free(cfg);
		free(text);
	}
}
END_TEST

START_TEST(test_nul_byte_refused_by_the_text_parser)
{
	static const char text[] = "[operator]\nname = Ada\0 Lovelace\n";
	char *why = NULL;

	ck_assert_ptr_null(parse(text, sizeof(text) - 1, &why));
	ck_assert_str_eq(why, "configuration file t.conf holds a NUL byte: it is not a text file");
	free(why);
}
END_TEST

/* ws_config_load() reads through the safe reader and parses with the same loop. */
START_TEST(test_load_is_the_text_parser)
{
	char *dir = test_tmpdir("config"), *f = NULL, *why = NULL, *want = NULL;
	struct ws_config *cfg = NULL;

	ck_assert_int_ge(asprintf(&f, "%s/w.conf", dir), 0);
	ck_assert_int_eq(test_sh(NULL, "printf '[station]\\r\\nauto = yes\\r\\n' >'%s'", f), 0);
	ck_assert_int_eq(ws_config_load(f, &cfg, &why), 0);
	ck_assert_str_eq(ws_config_get(cfg, "station", "auto"), "yes");
	cfg = ws_config_free(cfg);
	ck_assert_int_eq(test_sh(NULL, "printf '[station]\\nauto = yes # c\\n' >'%s'", f), 0);
	ck_assert_int_eq(ws_config_load(f, &cfg, &why), -EINVAL);
	ck_assert_int_ge(asprintf(&want, "%s:2: '#' in the value of 'auto'", f), 0);
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "%s", why);
	ck_assert(ws_config_key_known("station", "auto"));
	ck_assert(!ws_config_key_known("station", "autoo"));
	ck_assert(!ws_config_key_known("stat", "ion.auto"));
	ck_assert_int_eq(test_sh(NULL, "rm -rf '%s'", dir), 0);
	free(want);
	free(why);
	free(f);
	free(dir);
}
END_TEST

/* Every ```ini block of @doc (under docs/), loaded as it is; returns how many there were,
 * and the last one's configuration in *ret_last. */
static int load_examples(const char *doc, struct ws_config **ret_last)
{
	char *path = NULL, *text = NULL, *at;
	size_t len = 0;
	int n = 0;

	ck_assert_int_ge(asprintf(&path, "%s/docs/%s", WS_SOURCE_DIR, doc), 0);
	ck_assert_int_eq(ws_read_regular(path, 1 << 20, &text, &len, NULL), 0);
	for (at = text; (at = strstr(at, "\n```ini\n")); n++) {
		char *start = at + strlen("\n```ini\n"), *end = strstr(start, "\n```\n"),
		     *why = NULL;
		struct ws_config *cfg = NULL;
		int r;

		ck_assert_msg(end != NULL, "%s: an ```ini block that does not end", doc);
		r = ws_config_parse_text(start, (size_t)(end + 1 - start), doc, &cfg, &why);
		ck_assert_msg(r == 0, "%s: example %d does not load: %s", doc, n + 1, why);
		ws_config_free(*ret_last);
		*ret_last = cfg;
		at = end;
	}
	free(text);
	free(path);
	return n;
}

START_TEST(test_docs_examples_load)
{
	struct ws_config *cfg = NULL;

	ck_assert_int_eq(load_examples("config.md", &cfg), 2);
	ck_assert_str_eq(ws_config_get(cfg, "operator", "location"), "Building 2, room 101");
	ck_assert_str_eq(ws_config_get(cfg, "wipe", "audit_log"), "/var/log/wipeseal/audit.log");
	ck_assert_ptr_null(ws_config_get(cfg, "signer", "chain"));
	cfg = ws_config_free(cfg);
	/* the [station] example: each setting means what its description says */
	ck_assert_int_eq(load_examples("station.md", &cfg), 1);
	ck_assert_str_eq(ws_config_get(cfg, "station", "auto"), "yes");
	ck_assert_str_eq(ws_config_get(cfg, "station", "method"), "purge");
	ck_assert_str_eq(ws_config_get(cfg, "station", "verify"), "sample");
	ck_assert_str_eq(ws_config_get(cfg, "station", "asset_tag"), "PALLET-17");
	ck_assert_str_eq(ws_config_get(cfg, "station", "when_done"), "poweroff");
	ws_config_free(cfg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parser");

	tcase_add_test(tc, test_end_of_line_comment_is_an_error);
	tcase_add_test(tc, test_hash_inside_a_value);
	tcase_add_test(tc, test_windows_line_endings);
	tcase_add_test(tc, test_station_choices);
	tcase_add_test(tc, test_lock_after_is_a_time);
	tcase_add_test(tc, test_operators_settings);
	tcase_add_test(tc, test_nul_byte_refused_by_the_text_parser);
	tcase_add_test(tc, test_load_is_the_text_parser);
	tcase_add_test(tc, test_docs_examples_load);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
