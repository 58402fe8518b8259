/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * testutil.c - helpers shared by the Check suites.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

int test_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

struct ws_ctx *test_fixture_ctx(const char *name)
{
	static const char *const sub[] = {
		[WS_ROOT_SYS] = "sys", [WS_ROOT_PROC] = "proc", [WS_ROOT_DEV] = "dev"
	};
	struct ws_ctx *ctx = NULL;

	test_require(ws_ctx_new(&ctx) == 0, "unexpected failure");
	for (int i = WS_ROOT_SYS; i <= WS_ROOT_DEV; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s/%s", WS_FIXTURES_DIR, name, sub[i]);
		test_require(ws_ctx_set_root(ctx, (enum ws_root)i, path) == 0,
		             "unexpected failure");
	}
	return ctx;
}

char *test_fmt(const char *f, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, f);
	test_require(vasprintf(&s, f, ap) >= 0, "out of memory");
	va_end(ap);
	return s;
}

int test_sh(char **out, const char *fmt, ...)
{
	char *cmd = NULL, *full = NULL;
	va_list ap;
	FILE *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	test_require(r >= 0, "unexpected failure");
	test_require(asprintf(&full, "(%s) 2>&1", cmd) >= 0, "out of memory");
	p = popen(full, "r");
	test_require(p != NULL, "unexpected failure");
	{
		size_t cap = 4096, len = 0, n;
		char *buf = malloc(cap);

		test_require(buf != NULL, "unexpected failure");
		while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
			len += n;
			if (cap - len < 2) {
				cap *= 2;
				buf = realloc(buf, cap);
				test_require(buf != NULL, "unexpected failure");
			}
		}
		buf[len] = '\0';
		if (out)
			*out = buf;
		else
			free(buf);
	}
	r = pclose(p);
	free(cmd);
	free(full);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

char *test_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *path = NULL;

	test_require(asprintf(&path, "%s/wstest-%s-XXXXXX", base ? base : "/tmp", tag) >= 0,
	             "out of memory");
	test_require(mkdtemp(path) != NULL, "unexpected failure");
	return path;
}

struct ws_signer *test_station_signer(const char *dir)
{
	char *key = test_fmt("%s/signer.key", dir), *cert = test_fmt("%s/signer.pem", dir);
	struct ws_signer *s = NULL;
	char *why = NULL;

	test_require(
	    ws_signer_load(&(struct ws_signer_files){ .key = key, .cert = cert }, &s, &why) == 0,
	    "the station key of %s: %s", dir, why ? why : "?");
	free(key);
	free(cert);
	return s;
}
