/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-identity.c - ws_device_same_medium(): what says that a drive is the one that was
 * shown. Snapshots are built by hand: each field is changed alone and must be told apart.
 */
#include <check.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "internal.h"
#include "testutil.h"

static char path[] = "/dev/sdb", serial[] = "S6PTNZ0R654321X", serial2[] = "S6PTNZ0R000000A";
static char wwn[] = "eui.0025385b71b0c0d1", wwn2[] = "eui.0025385b71b0c0d2";

static struct ws_device disk(void)
{
	return (struct ws_device){
		.kind = WS_DEVICE_DISK,
		.path = path,
		.devnum = makedev(8, 16),
		.diskseq = 41,
		.serial = serial,
		.wwn = wwn,
		.size_bytes = 500107862016ull,
	};
}

static bool same(const struct ws_device *a, const struct ws_device *b, const char *why_has)
{
	char why[256] = "";
	bool r = ws_device_same_medium(a, b, why, sizeof(why));

	if (!r && why_has)
		ck_assert_msg(strstr(why, why_has), "reason '%s' lacks '%s'", why, why_has);
	return r;
}

START_TEST(test_same_medium)
{
	struct ws_device a = disk(), b = disk();

	ck_assert(same(&a, &b, NULL));
	/* the same medium resized (a host protected area made addressable): same diskseq */
	b.size_bytes += 4096;
	ck_assert(same(&a, &b, NULL));
}
END_TEST

START_TEST(test_each_field_tells_media_apart)
{
	struct ws_device a = disk(), b;

	b = disk();
	b.diskseq = 42; /* a new disk at a reused sdX name */
	ck_assert(!same(&a, &b, "disk sequence number 41, now 42"));
	b = disk();
	b.devnum = makedev(8, 32);
	ck_assert(!same(&a, &b, "device number 8:16, now 8:32"));
	b = disk();
	b.serial = serial2;
	ck_assert(!same(&a, &b, "serial"));
	b = disk();
	b.wwn = wwn2;
	ck_assert(!same(&a, &b, "WWN"));
	/* without a disk sequence number, the size is the last witness */
	b = disk();
	b.diskseq = 0;
	b.size_bytes = 1;
	ck_assert(!same(&a, &b, "size"));
	/* a field one side does not report is no evidence either way */
	b = disk();
	b.serial = NULL;
	ck_assert(same(&a, &b, NULL));
}
END_TEST

START_TEST(test_files_by_inode)
{
	struct ws_device a = { .kind = WS_DEVICE_FILE, .file_dev = makedev(254, 0), .file_ino = 7 };
	struct ws_device b = a;

	ck_assert(same(&a, &b, NULL));
	b.file_ino = 8;
	ck_assert(!same(&a, &b, "another file"));
	b = a;
	b.kind = WS_DEVICE_DISK;
	ck_assert(!same(&a, &b, "kind"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = tcase_create("same medium");

	tcase_add_test(tc, test_same_medium);
	tcase_add_test(tc, test_each_field_tells_media_apart);
	tcase_add_test(tc, test_files_by_inode);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
