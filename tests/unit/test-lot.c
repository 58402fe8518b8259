/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-lot.c - customers, jobs and batches (src/lib/lot.c, lot-index.c, lot-end.c): the customer list
 * as wipeseal's own CSV and as nwipe's customers.csv (quotes, doubled quotes, CRLF, a
 * byte-order mark), each malformed list refused with the line named; a customer found by
 * id, by name and by name in another case; job and batch numbers that cannot name a folder
 * refused; folder names (slugs) of names with blanks, slashes and other scripts; the lot's
 * folder; [lot] in a config file, and an unknown customer's one line.
 *
 * The index: rows appended and read back field by field, a field's tab and newline made
 * blanks; a last line cut short (as a crash leaves it) skipped by the reader and ended by
 * the next writer, so the row after it is whole; ws_lot_find() over a tree of folders by
 * serial and by asset tag.
 *
 * The end of a batch (lot-end.c): [lot] label_stock and --stock resolved to a stock or none;
 * an empty batch's report written and its sheet not, with the reason.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = test_fmt("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(test_customers_ours)
{
	char *dir = test_tmpdir("lot"), *why = NULL;
	char *p = write_file(dir, "c.csv",
	                     "\xef\xbb\xbfid,name,contact,address,phone\r\n"
	                     "C001,ACME Ltd,Jane Roe,\"1 Main St, Springfield\",+1 555 0100\r\n"
	                     "\r\n"
	                     "C002,\"M\xc3\xbcller \"\"Alt\"\" GmbH\",,,\r\n");
	struct ws_customers *l = NULL;
	const struct ws_customer *c;

	ck_assert_int_eq(ws_customers_load(p, &l, &why), 0);
	ck_assert_uint_eq(ws_customers_count(l), 2);
	c = ws_customers_get(l, 0);
	ck_assert_str_eq(c->id, "C001");
	ck_assert_str_eq(c->name, "ACME Ltd");
	ck_assert_str_eq(c->contact, "Jane Roe");
	ck_assert_str_eq(c->address, "1 Main St, Springfield");
	ck_assert_str_eq(c->phone, "+1 555 0100");
	c = ws_customers_get(l, 1);
	ck_assert_str_eq(c->name, "M\xc3\xbcller \"Alt\" GmbH");
	ck_assert_ptr_null(c->contact);
	ck_assert_ptr_eq(ws_customers_find(l, "C002"), c);
	ck_assert_ptr_eq(ws_customers_find(l, "ACME Ltd"), ws_customers_get(l, 0));
	ck_assert_ptr_eq(ws_customers_find(l, "acme ltd"), ws_customers_get(l, 0));
	ck_assert_ptr_null(ws_customers_find(l, "ACME"));
	ws_customers_free(l);
	free(p);
	free(dir);
}
END_TEST

START_TEST(test_customers_nwipe)
{
	char *dir = test_tmpdir("lot"), *why = NULL;
	char *p = write_file(dir, "customers.csv",
	                     "\"Customer Name\",\"Contact Name\",\"Customer Address\","
	                     "\"Contact Phone\"\n"
	                     "\"Big Bank\",\"Bob\",\"Wall St\",\"555\"\n"
	                     "\"Small Shop\",\"Sue\",\"High St\",\"556\"\n");
	struct ws_customers *l = NULL;

	ck_assert_int_eq(ws_customers_load(p, &l, &why), 0);
	ck_assert_uint_eq(ws_customers_count(l), 2);
	ck_assert_str_eq(ws_customers_get(l, 1)->id, "2"); /* no id column: the row number */
	ck_assert_str_eq(ws_customers_get(l, 1)->contact, "Sue");
	ck_assert_ptr_eq(ws_customers_find(l, "1"), ws_customers_get(l, 0));
	ws_customers_free(l);
	free(p);
	free(dir);
}
END_TEST

static void refused(const char *text, const char *want)
{
	char *dir = test_tmpdir("lot"), *why = NULL, *p = write_file(dir, "c.csv", text);
	struct ws_customers *l = NULL;

	ck_assert_int_lt(ws_customers_load(p, &l, &why), 0);
	ck_assert_ptr_null(l);
	ck_assert_msg(why && strstr(why, want), "%s: %s", text, why);
	free(why);
	free(p);
	free(dir);
}

START_TEST(test_customers_refused)
{
	refused("id,contact\nC1,x\n", ":1: the first line names the columns");
	refused("id,name\nC1,\n", ":2: a customer without a name");
	refused("id,name\nC1,A\nC1,B\n", "the same id");
	refused("id,name\nC1,Acme Ltd\nC2,ACME LTD\n", "the same name or folder");
	refused("id,name\nC1,Acme Ltd\nC2,Acme_Ltd\n", "the same name or folder");
	refused("id,name\nC1,A,extra\n", ":2: not a CSV record");
	refused("id,name\nC1,\"open\n", ":2: not a CSV record");
	refused("id,name\nC1,\"A\"x\n", ":2: not a CSV record");
	refused("id,name\nC1,A\x01\n", ":2: the name is not text");
	refused("id,name\nC1,\xff\n", "not UTF-8");
}
END_TEST

START_TEST(test_numbers)
{
	static const char *const bad[] = { "",    "a/b", "a\\b", ".",   "..",
		                           " J1", "J1 ", "J\t1", "J\r", NULL };
	char *why = NULL, long_one[80];

	ck_assert_int_eq(ws_lot_check_number("job number", "J-2026-117", &why), 0);
	ck_assert_int_eq(ws_lot_check_number("batch number", "Pallet 3", &why), 0);
	ck_assert_int_eq(ws_lot_check_number("batch number", "Los \xc3\xa4", &why), 0);
	for (size_t i = 0; bad[i]; i++) {
		ck_assert_msg(ws_lot_check_number("job number", bad[i], &why) == -EINVAL, "%s",
		              bad[i]);
		ck_assert(strstr(why, "job number"));
		free(why);
		why = NULL;
	}
	memset(long_one, 'x', 65);
	long_one[65] = '\0';
	ck_assert_int_eq(ws_lot_check_number("job number", long_one, &why), -EINVAL);
	free(why);
}
END_TEST

START_TEST(test_slug_and_dir)
{
	char id[] = "C1", name[] = "M\xc3\xbcller & S\xc3\xb6hne GmbH";
	struct ws_customer c = { .id = id, .name = name };
	struct ws_lot *lot = NULL;
	char buf[72], *dir = NULL;

	ws_lot_slug("ACME Ltd.", buf, sizeof(buf));
	ck_assert_str_eq(buf, "ACME_Ltd.");
	ws_lot_slug("../etc/passwd", buf, sizeof(buf));
	ck_assert_str_eq(buf, "_._etc_passwd");
	ws_lot_slug("//", buf, sizeof(buf));
	ck_assert_str_eq(buf, "_");
	ws_lot_slug("\xe6\x97\xa5\xe6\x9c\xac", buf, sizeof(buf)); /* Japanese: kept */
	ck_assert_str_eq(buf, "\xe6\x97\xa5\xe6\x9c\xac");
	ck_assert_int_eq(ws_lot_new(&c, "J 1", NULL, &lot, NULL), 0);
	ck_assert_int_eq(ws_lot_dir(lot, "/c", &dir), 0);
	ck_assert_str_eq(dir, "/c/M\xc3\xbcller_S\xc3\xb6hne_GmbH/J_1/no-batch");
	ck_assert_str_eq(lot->customer_id, "C1");
	free(dir);
	ws_lot_free(lot);
}
END_TEST

START_TEST(test_from_config)
{
	char *dir = test_tmpdir("lot"), *why = NULL;
	char *list = write_file(dir, "c.csv", "id,name\nC7,Acme\n");
	char *text = test_fmt("[lot]\ncustomers = %s\ncustomer = acme\njob = J1\n", list);
	char *conf = write_file(dir, "w.conf", text);
	struct ws_config *cfg = NULL;
	struct ws_customers *l = NULL;
	struct ws_lot *lot = NULL;

	ck_assert_int_eq(ws_config_load(conf, &cfg, &why), 0);
	ck_assert_int_eq(ws_lot_from_config(cfg, NULL, &lot, &l, &why), 0);
	ck_assert_str_eq(lot->customer, "Acme");
	ck_assert_str_eq(lot->number, "J1");
	ck_assert_ptr_null(lot->batch);
	ck_assert_uint_eq(ws_customers_count(l), 1);
	ws_lot_free(lot);
	ws_customers_free(l);
	ck_assert_int_eq(ws_lot_from_config(cfg, &(struct ws_lot_args){ .customer = "Nobody" },
	                                    &lot, NULL, &why),
	                 -ENOENT);
	ck_assert_msg(strstr(why, "customer 'Nobody' is not in"), "%s", why);
	free(why);
	why = NULL;
	ck_assert_int_eq(
	    ws_lot_from_config(cfg, &(struct ws_lot_args){ .batch = "a/b" }, &lot, NULL, &why),
	    -EINVAL);
	free(why);
	why = NULL;
	ws_config_free(cfg);
	ck_assert_int_eq(ws_config_new(&cfg), 0);
	ck_assert_int_eq(ws_lot_from_config(cfg, NULL, &lot, NULL, &why), 0);
	ck_assert_ptr_null(lot); /* nothing named: no lot */
	ck_assert_int_eq(
	    ws_lot_from_config(cfg, &(struct ws_lot_args){ .customer = "x" }, &lot, NULL, &why),
	    -EINVAL);
	ck_assert_msg(strstr(why, "set [lot] customers"), "%s", why);
	free(why);
	ws_config_free(cfg);
	free(text);
	free(conf);
	free(list);
	free(dir);
}
END_TEST

/* docs/lots.md's ```ini example is a configuration the parser takes, every key known. */
START_TEST(test_docs_example)
{
	char *dir = test_tmpdir("lot"), *out = NULL, *why = NULL;
	char *conf = test_fmt("%s/lots.conf", dir);
	struct ws_config *cfg = NULL;

	ck_assert_int_eq(test_sh(&out,
	                         "awk '/^```ini/ { on = 1; next } /^```/ { on = 0 } on' "
	                         "'%s/docs/lots.md' > '%s' && test -s '%s'",
	                         WS_SOURCE_DIR, conf, conf),
	                 0);
	ck_assert_int_eq(ws_config_load(conf, &cfg, &why), 0);
	ck_assert_str_eq(ws_config_get(cfg, "lot", "customers"), "/etc/wipeseal/customers.csv");
	ck_assert_str_eq(ws_config_get(cfg, "lot", "job"), "J-2026-117");
	ws_config_free(cfg);
	free(out);
	free(conf);
	free(dir);
}
END_TEST

/* ---- the index ---------------------------------------------------------------------------- */

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct seen {
	int n;
	char serial[4][64], tag[4][64], file[4][64];
};

static int collect(void *userdata, const struct ws_lot_row *row)
{
	struct seen *s = userdata;

	ck_assert_int_lt(s->n, 4);
	snprintf(s->serial[s->n], 64, "%s", row->serial);
	snprintf(s->tag[s->n], 64, "%s", row->asset_tag);
	snprintf(s->file[s->n], 64, "%s", row->certificate);
	s->n++;
	return 0;
}

static void read_index(const char *dir, struct seen *s, unsigned *damaged)
{
	char *path = test_fmt("%s/" WS_LOT_INDEX, dir), *text = NULL;
	size_t len = 0;

	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(ws_read_regular(path, 1 << 20, &text, &len, NULL), 0);
	ck_assert_int_eq(ws_lot_index_parse(text, len, collect, s, damaged), 0);
	free(text);
	free(path);
}

START_TEST(test_index_torn_line)
{
	char *dir = test_tmpdir("lot"), *path = test_fmt("%s/" WS_LOT_INDEX, dir);
	struct seen s;
	unsigned damaged = 9;
	int fd;

	ck_assert_int_eq(ws_lot_index_add(dir, &(struct ws_lot_row){ .serial = "S\t1\n",
	                                                             .asset_tag = "A-1",
	                                                             .status = "SUCCESS",
	                                                             .certificate = "a.json",
	                                                             .sha256 = SHA_A }),
	                 0);
	read_index(dir, &s, &damaged);
	ck_assert_int_eq(s.n, 1);
	ck_assert_str_eq(s.serial[0], "S 1 ");
	ck_assert_uint_eq(damaged, 0);

	/* a crash in the middle of the next line's write */
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "S2\tA-2\tmodel\tSUC", 16), 16);
	close(fd);
	read_index(dir, &s, &damaged);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(damaged, 1);

	/* the next writer ends the torn line: its own stays whole */
	ck_assert_int_eq(ws_lot_index_add(dir, &(struct ws_lot_row){ .serial = "S3",
	                                                             .status = "FAILED",
	                                                             .certificate = "c.json",
	                                                             .sha256 = SHA_B }),
	                 0);
	read_index(dir, &s, &damaged);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.serial[1], "S3");
	ck_assert_str_eq(s.file[1], "c.json");
	ck_assert_uint_eq(damaged, 1); /* the torn one, never merged into another */
	free(path);
	free(dir);
}
END_TEST

static int found_path(void *userdata, const char *path, const struct ws_lot_row *row)
{
	struct seen *s = userdata;

	(void)row;
	snprintf(s->file[s->n++], 64, "%s", strrchr(path, '/') - 1);
	return 0;
}

START_TEST(test_find)
{
	char *root = test_tmpdir("lot"), *a = test_fmt("%s/x/J1/B1", root),
	     *b = test_fmt("%s/y/J2/B1", root);
	struct seen s = { 0 };

	ck_assert_int_eq(test_sh(NULL, "mkdir -p '%s' '%s'", a, b), 0);
	ck_assert_int_eq(ws_lot_index_add(a, &(struct ws_lot_row){ .serial = "S1",
	                                                           .asset_tag = "T1",
	                                                           .certificate = "1.json",
	                                                           .sha256 = SHA_A }),
	                 0);
	ck_assert_int_eq(ws_lot_index_add(b, &(struct ws_lot_row){ .serial = "S1",
	                                                           .asset_tag = "T2",
	                                                           .certificate = "2.json",
	                                                           .sha256 = SHA_B }),
	                 0);
	ck_assert_int_eq(ws_lot_find(root, WS_LOT_BY_SERIAL, "S1", found_path, NULL, &s), 2);
	ck_assert_str_eq(s.file[0], "1/1.json");
	ck_assert_str_eq(s.file[1], "1/2.json");
	s.n = 0;
	ck_assert_int_eq(ws_lot_find(root, WS_LOT_BY_ASSET_TAG, "T2", found_path, NULL, &s), 1);
	ck_assert_int_eq(ws_lot_find(root, WS_LOT_BY_ASSET_TAG, "S1", NULL, NULL, NULL), 0);
	ck_assert_int_eq(ws_lot_find(root, WS_LOT_BY_SERIAL, "S", NULL, NULL, NULL), 0);
	ck_assert_int_lt(
	    ws_lot_find("/nonexistent-lot-dir", WS_LOT_BY_SERIAL, "S1", NULL, NULL, NULL), 0);
	free(a);
	free(b);
	free(root);
}
END_TEST

/* [lot] label_stock and --stock: the default, a stock in any case, none, the flag over the
 * key, and an unknown name refused naming where it came from; a config file with an
 * unknown stock is refused when it is read. */
START_TEST(test_label_stock)
{
	const struct ws_label_stock *st = NULL;
	struct ws_config *cfg = NULL;
	char *dir = test_tmpdir("lot"), *why = NULL, *conf;
	bool none = true;

	ck_assert_int_eq(ws_lot_label_stock(NULL, NULL, &st, &none, &why), 0);
	ck_assert(!none);
	ck_assert_str_eq(st->name, "l7160");
	ck_assert_int_eq(ws_config_new(&cfg), 0);
	ck_assert_int_eq(ws_config_set(cfg, "lot", "label_stock", "5160"), 0);
	ck_assert_int_eq(ws_lot_label_stock(cfg, NULL, &st, &none, &why), 0);
	ck_assert_str_eq(st->name, "5160");
	ck_assert_int_eq(ws_lot_label_stock(cfg, "L7160", &st, &none, &why), 0);
	ck_assert_str_eq(st->name, "l7160");
	ck_assert_int_eq(ws_lot_label_stock(cfg, "None", &st, &none, &why), 0);
	ck_assert(none && st == NULL);
	ck_assert_int_eq(ws_lot_label_stock(cfg, "avery", &st, &none, &why), -EINVAL);
	ck_assert_msg(why && strstr(why, "--stock avery: unknown label stock"), "%s", why);
	free(why);
	why = NULL;
	ck_assert_int_eq(ws_config_set(cfg, "lot", "label_stock", "a4"), 0);
	ck_assert_int_eq(ws_lot_label_stock(cfg, NULL, &st, &none, &why), -EINVAL);
	ck_assert_msg(why && strstr(why, "[lot] label_stock = a4: unknown"), "%s", why);
	free(why);
	why = NULL;
	ws_config_free(cfg);
	cfg = NULL;
	conf = write_file(dir, "w.conf", "[lot]\nlabel_stock = a4\n");
	ck_assert_int_lt(ws_config_load(conf, &cfg, &why), 0);
	ck_assert_msg(why && strstr(why, "label_stock"), "%s", why);
	free(why);
	free(conf);
	free(dir);
}
END_TEST

/* The end of a batch with no certificate: the report is written (no drive), the sheet is
 * not, and says why; with no_labels nothing is said about a sheet. */
START_TEST(test_end_of_empty_batch)
{
	char *dir = test_tmpdir("lot"), *why = NULL, *labels = test_fmt("%s/" WS_LOT_LABELS, dir);
	struct ws_lot_end e;
	struct ws_lot_end_opts no = { .no_labels = true };

	ck_assert_int_eq(ws_lot_end(dir, NULL, NULL, &e, &why), 0);
	ck_assert_uint_eq(e.report.drives, 0);
	ck_assert_int_eq(access(e.report.csv, F_OK), 0);
	ck_assert_ptr_null(e.labels_pdf);
	ck_assert_msg(e.labels_reason && strstr(e.labels_reason, "no certificate in the batch"),
	              "%s", e.labels_reason);
	ck_assert_int_ne(access(labels, F_OK), 0);
	ws_lot_end_clear(&e);
	ck_assert_int_eq(ws_lot_end(dir, NULL, &no, &e, &why), 0);
	ck_assert_ptr_null(e.labels_pdf);
	ck_assert_ptr_null(e.labels_reason);
	ws_lot_end_clear(&e);
	/* a folder that is not there: no report, no sheet */
	ck_assert_int_lt(ws_lot_end("/nonexistent-lot-dir", NULL, NULL, &e, &why), 0);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_null(e.labels_pdf);
	ws_lot_end_clear(&e);
	free(why);
	free(labels);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lot");
	TCase *tc = tcase_create("lot");

	tcase_add_test(tc, test_customers_ours);
	tcase_add_test(tc, test_customers_nwipe);
	tcase_add_test(tc, test_customers_refused);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_slug_and_dir);
	tcase_add_test(tc, test_from_config);
	tcase_add_test(tc, test_docs_example);
	tcase_add_test(tc, test_index_torn_line);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_label_stock);
	tcase_add_test(tc, test_end_of_empty_batch);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
