/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cmd-wipe.c - `wipeseal wipe` against real loop devices carrying ext4 with files that
 * hold a unique marker. Every verdict is checked from outside: the raw device is read back
 * with grep and cmp, blkid -p must find nothing, random passes are recomputed with the
 * openssl command from the key in the result, and only then is the tool's own verification
 * compared with what we saw. Faults come from tests/faultinject at the system-call boundary.
 *
 * The loop devices are 32 MiB and carry a GPT and an ext4 partition filled with files that hold a
 * marker string unique to the run. What the tests show:
 *
 * - Every method (`clear`, `zero`, `one`, `random`, `pattern:c0ffee`, `dod-3pass`, with `--verify
 *   full`): exit 0; grep on the raw device finds no marker; `blkid -p` finds nothing; the device is
 *   byte for byte the last pass, rebuilt with shell tools for byte patterns and with `openssl enc
 *   -aes-256-ctr` from the key in the result for random ones; and the result agrees (SUCCESS, every
 *   byte checked, no mismatch, no residue, the pass completed).
 * - Default sampling: mode `sample`, `stratified-splitmix64/1`, a seed, at least 1,000 regions, at
 *   least 10% and less than all of the device read.
 * - Odd geometry: an image file of 5 MiB + 1000 bytes, and a loop device with 4096-byte logical
 *   sectors.
 * - Parallel targets: two loop devices in one command, both clean, two result files.
 * - Faults: EIO on 64 KiB at 8 MiB gives exit 1, FAILED, exactly that range listed and every other
 *   byte zero; writes that report success and do nothing (LIE) give exit 4 with the marker really
 *   still there, mismatches and residue reported, by full and by sampled verification; ENODEV from
 *   16 MiB on (a device that disappears) gives exit 1 and "the device disappeared"; SIGTERM during
 *   slowed writes gives exit 1, ABORTED, the pass not completed and fewer bytes written than the
 *   size.
 * - Refusals: a mounted device (exit 3), no terminal and no `--yes` (exit 3), one good and one
 *   mounted target (exit 3, the good one untouched), bad method, pattern, pass count or verify mode
 *   and a missing target (exit 2), and `--dry-run`; each time the device's SHA-256 is unchanged and
 *   the error is one line.
 *
 * Not covered: the typed confirmation at a terminal, progress bars, SIGUSR1, the buffered fallback
 * when O_DIRECT is refused, and a device that really disappears (this suite injects ENODEV rather
 * than detaching a loop device mid-wipe; test-station.c and the boot test, tests/vm/run.sh, pull
 * real drives).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define DISK_MIB      32
#define DISK_BYTES    ((uint64_t)DISK_MIB << 20)

static char marker[64];

/* ---- helpers ------------------------------------------------------------------------------- */

/* A loop device of DISK_MIB with a GPT and one ext4 partition full of marked files. */
static char *marked_disk(const char *name, unsigned sector)
{
	char *img = scratch_image(name, DISK_MIB), *dev, *p1, *files = NULL, *out = NULL;

	/* the table is written through the loop device, so that it is laid out for its
	 * sector size; partx adds the partition where the kernel has no parser for it */
	dev = scratch_attach_sector(img, true, sector);
	ck_assert_msg(test_sh(&out,
	                      "printf 'label: gpt\\n,,L\\n' | sfdisk -q --no-reread '%s' && "
	                      "{ [ -e '%sp1' ] || partx -a '%s'; }",
	                      dev, dev, dev) == 0,
	              "sfdisk: %s", out);
	free(out);
	p1 = scratch_part(dev, 1);
	ck_assert_int_ge(asprintf(&files, "%s/files-%s", scratch_dir(), name), 0);
	ck_assert_msg(test_sh(&out,
	                      "mkdir -p '%s' && for i in $(seq 1 40); do yes '%s' | head -n 2000 "
	                      "> '%s/f'$i; done && mkfs.ext4 -q -F -E "
	                      "lazy_itable_init=0,lazy_journal_init=0 -L '%s' -d '%s' '%s'",
	                      files, marker, files, "marked", files, p1) == 0,
	              "mkfs: %s", out);
	free(out);
	ck_assert_msg(test_sh(NULL, "grep -a -q -F '%s' '%s'", marker, dev) == 0,
	              "the marker must be on the raw device before the wipe");
	free(files);
	free(p1);
	free(img);
	return dev;
}

static bool raw_has_marker(const char *dev)
{
	return test_sh(NULL, "grep -a -q -F '%s' '%s'", marker, dev) == 0;
}

static int blkid_finds(const char *dev)
{
	return test_sh(NULL, "blkid -p '%s'", dev); /* 2: nothing found */
}

static char *cert_dir(void)
{
	char *d = NULL;

	ck_assert_int_ge(asprintf(&d, "%s/certs-%d", scratch_dir(), getpid()), 0);
	return d;
}

/* The "result" object of the last line of `wipe --json` output. */
static struct json_object *result_of(const char *out, struct json_object **root)
{
	struct json_object *res;

	*root = json_last_line(out);
	ck_assert(json_object_object_get_ex(*root, "result", &res));
	return res;
}

static uint64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return json_object_get_uint64(v);
}

/* Does the device hold exactly @size bytes of the repeated @hex pattern? Built with shell
 * tools only: a file of the pattern doubled until it is long enough. */
static bool device_is_pattern(const char *dev, const char *hex, uint64_t size)
{
	char *esc = NULL, *cmd = NULL;
	size_t n = strlen(hex) / 2;
	int r;

	esc = calloc(n * 4 + 1, 1);
	for (size_t i = 0; i < n; i++)
		sprintf(esc + 4 * i, "\\%03o",
		        (unsigned)strtoul((char[]){ hex[2 * i], hex[2 * i + 1], 0 }, NULL, 16));
	ck_assert_int_ge(
	    asprintf(&cmd,
	             "p=%s/pat.$$; printf '%s' > $p; while [ $(stat -c %%s $p) -lt %llu ]; "
	             "do cat $p $p > $p.2 && mv $p.2 $p; done; "
	             "head -c %llu $p | cmp -s - '%s'; r=$?; rm -f $p; exit $r",
	             scratch_dir(), esc, (unsigned long long)size, (unsigned long long)size, dev),
	    0);
	r = test_sh(NULL, "%s", cmd);
	free(cmd);
	free(esc);
	return r == 0;
}

/* Does the device hold the AES-256-CTR keystream of @key_hex, as openssl computes it? */
static bool device_is_keystream(const char *dev, const char *key_hex, uint64_t size)
{
	return test_sh(NULL,
	               "head -c %llu /dev/zero | openssl enc -aes-256-ctr -nosalt -K %s "
	               "-iv 00000000000000000000000000000000 | cmp -s - '%s'",
	               (unsigned long long)size, key_hex, dev) == 0;
}

/* ---- every method wipes everything ---------------------------------------------------------- */

static const struct {
	const char *method;
	const char *last_hex; /* NULL: the last pass is random */
	unsigned passes;
} methods[] = {
	{ "clear", "00", 1 },
	{ "zero", "00", 1 },
	{ "one", "ff", 1 },
	{ "random", NULL, 1 },
	{ "pattern:c0ffee", "c0ffee", 1 },
	{ "dod-3pass", NULL, 3 },
};

START_TEST(test_each_method_leaves_nothing)
{
	char *dev = marked_disk("m.img", 512), *dir = cert_dir(), *out = NULL, *err = NULL;
	struct json_object *root, *res, *passes, *last, *ver;
	int r;

	r = run_cli(&out, &err,
	            "wipe --unsigned --yes --json --verify full -m %s --cert-dir '%s' '%s'",
	            methods[_i].method, dir, dev);
	ck_assert_msg(r == WS_EXIT_OK, "%s: exit %d: %s", methods[_i].method, r, err);

	/* from outside: no marker, no signature, exactly the pattern of the last pass */
	ck_assert_msg(!raw_has_marker(dev), "%s: marker survived", methods[_i].method);
	ck_assert_int_eq(blkid_finds(dev), 2);
	res = result_of(out, &root);
	passes = json_object_object_get(res, "passes");
	ck_assert_uint_eq(json_object_array_length(passes), methods[_i].passes);
	last = json_object_array_get_idx(passes, (int)methods[_i].passes - 1);
	if (methods[_i].last_hex)
		ck_assert(device_is_pattern(dev, methods[_i].last_hex, DISK_BYTES));
	else
		ck_assert_msg(
		    device_is_keystream(dev, jstr(json_object_object_get(last, "pattern"), "key"),
		                        DISK_BYTES),
		    "device is not the keystream of the key in the result");

	/* and the tool agrees */
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ver = json_object_object_get(res, "verification");
	ck_assert_str_eq(jstr(ver, "mode"), "full");
	ck_assert_uint_eq(jint(ver, "bytes_checked"), DISK_BYTES);
	ck_assert_uint_eq(jint(ver, "bytes_mismatched"), 0);
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(
	                      json_object_object_get(res, "residue_probe"), "found")),
	                  0);
	ck_assert(json_object_get_boolean(json_object_object_get(last, "completed")));
	ck_assert_uint_eq(jint(last, "bytes_written"), DISK_BYTES);
	ck_assert_int_eq(test_sh(NULL, "test -s %s", jstr(root, "file")), 0);
	json_object_put(root);
	free(out);
	free(err);
	free(dir);
	free(dev);
}
END_TEST

START_TEST(test_default_sample_verification)
{
	char *dev = marked_disk("s.img", 512), *dir = cert_dir(), *out = NULL, *err = NULL;
	struct json_object *root, *ver;

	ck_assert_int_eq(
	    run_cli(&out, &err, "wipe --unsigned --yes --json --cert-dir '%s' '%s'", dir, dev),
	    WS_EXIT_OK);
	ck_assert(!raw_has_marker(dev));
	ck_assert(device_is_pattern(dev, "00", DISK_BYTES));
	ver = json_object_object_get(result_of(out, &root), "verification");
	ck_assert_str_eq(jstr(ver, "mode"), "sample");
	ck_assert_str_eq(jstr(ver, "algorithm"), "stratified-splitmix64/1");
	ck_assert_ptr_nonnull(jstr(ver, "seed"));
	ck_assert_uint_ge(jint(ver, "regions"), 1000);
	/* at least 10%, less than all, and the first and last MiB are in it */
	ck_assert_uint_ge(jint(ver, "bytes_checked"), DISK_BYTES / 10);
	ck_assert_uint_lt(jint(ver, "bytes_checked"), DISK_BYTES);
	ck_assert_uint_eq(jint(ver, "bytes_mismatched"), 0);
	json_object_put(root);
	free(out);
	free(err);
	free(dir);
	free(dev);
}
END_TEST

START_TEST(test_odd_sizes_and_4k_sectors)
{
	char *img = scratch_image("odd.img", 5), *dir = cert_dir(), *out = NULL, *err = NULL, *dev;

	/* an image file whose size is not a multiple of anything: 5 MiB + 1000 bytes */
	ck_assert_int_eq(test_sh(NULL, "head -c $((5*1048576+1000)) /dev/urandom > '%s'", img), 0);
	ck_assert_int_eq(run_cli(&out, &err,
	                         "wipe --unsigned --yes -m one --verify full --cert-dir '%s' '%s'",
	                         dir, img),
	                 WS_EXIT_OK);
	ck_assert(device_is_pattern(img, "ff", 5 * 1048576 + 1000));
	free(out);
	free(err);
	free(img);

	/* a loop device with 4096-byte logical sectors */
	dev = marked_disk("4k.img", 4096);
	ck_assert_int_eq(
	    run_cli(&out, &err, "wipe --unsigned --yes --json --cert-dir '%s' '%s'", dir, dev),
	    WS_EXIT_OK);
	ck_assert(device_is_pattern(dev, "00", DISK_BYTES));
	ck_assert_ptr_nonnull(strstr(out, "\"logical_sector_size\": 4096"));
	free(out);
	free(err);
	free(dev);
	free(dir);
}
END_TEST

START_TEST(test_parallel_targets)
{
	char *a = marked_disk("pa.img", 512), *b = marked_disk("pb.img", 512), *dir = cert_dir();
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(run_cli(&out, &err,
	                         "wipe --unsigned --yes -m random --cert-dir '%s' '%s' '%s'", dir,
	                         a, b),
	                 WS_EXIT_OK);
	ck_assert(!raw_has_marker(a));
	ck_assert(!raw_has_marker(b));
	/* two lines, one per target, and two result files */
	ck_assert_int_eq(test_sh(NULL, "test $(ls '%s' | wc -l) -eq 2", dir), 0);
	ck_assert_ptr_nonnull(strstr(out, a));
	ck_assert_ptr_nonnull(strstr(out, b));
	free(out);
	free(err);
	free(a);
	free(b);
	free(dir);
}
END_TEST

/* ---- faults, at the system-call boundary --------------------------------------------------- */

START_TEST(test_unwritable_range_is_failed_and_listed)
{
	char *dev = marked_disk("f.img", 512), *dir = cert_dir(), *out = NULL, *err = NULL;
	struct json_object *root, *res, *unw;
	int r;

	r = run_cli_env(&out, &err, dev, "WS_FAULT_WRITE=8388608+65536:EIO",
	                "wipe --unsigned --yes --json --verify full --cert-dir '%s' '%s'", dir,
	                dev);
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, err);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(
	    strstr(jstr(res, "reason"), "65536 bytes in 1 ranges could not be written"));
	unw = json_object_object_get(
	    json_object_array_get_idx(json_object_object_get(res, "passes"), 0), "unwritten");
	ck_assert_uint_eq(json_object_array_length(unw), 1);
	ck_assert_uint_eq(jint(json_object_array_get_idx(unw, 0), "offset"), 8388608);
	ck_assert_uint_eq(jint(json_object_array_get_idx(unw, 0), "length"), 65536);
	/* everything else was written */
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 8388608 '%s' /dev/zero", dev), 0);
	ck_assert_int_eq(test_sh(NULL,
	                         "tail -c +$((8388608+65536+1)) '%s' | cmp -s -n %llu - /dev/zero",
	                         dev, (unsigned long long)(DISK_BYTES - 8388608 - 65536)),
	                 0);
	json_object_put(root);
	free(out);
	free(err);
	free(dir);
	free(dev);
}
END_TEST

START_TEST(test_lying_writes_are_caught_by_verification)
{
	char *dev = marked_disk("l.img", 512), *dir = cert_dir(), *out = NULL, *err = NULL;
	struct json_object *root, *res, *ver;
	int r;

	/* a drive that acknowledges every write and keeps the old data */
	r = run_cli_env(&out, &err, dev, "WS_FAULT_WRITE=0+-:LIE",
	                "wipe --unsigned --yes --json --verify full --cert-dir '%s' '%s'", dir,
	                dev);
	ck_assert_msg(r == WS_EXIT_DATA_FOUND, "exit %d: %s", r, err);
	ck_assert(raw_has_marker(dev)); /* the data really is still there */
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ver = json_object_object_get(res, "verification");
	ck_assert_uint_gt(jint(ver, "bytes_mismatched"), 0);
	ck_assert_uint_gt(
	    json_object_array_length(json_object_object_get(ver, "first_mismatch_offsets")), 0);
	ck_assert_uint_gt(json_object_array_length(json_object_object_get(
	                      json_object_object_get(res, "residue_probe"), "found")),
	                  0);
	json_object_put(root);
	free(out);
	free(err);

	/* the sample finds it too */
	r = run_cli_env(&out, &err, dev, "WS_FAULT_WRITE=0+-:LIE",
	                "wipe --unsigned --yes --cert-dir '%s' '%s'", dir, dev);
	ck_assert_int_eq(r, WS_EXIT_DATA_FOUND);
	ck_assert_ptr_nonnull(strstr(out, "data at offset"));
	free(out);
	free(err);
	free(dir);
	free(dev);
}
END_TEST

START_TEST(test_vanishing_device_ends_failed)
{
	char *dev = marked_disk("v.img", 512), *dir = cert_dir(), *out = NULL, *err = NULL;
	struct json_object *root, *res;
	int r;

	r = run_cli_env(&out, &err, dev,
	                "WS_FAULT_WRITE=16777216+-:ENODEV WS_FAULT_READ=16777216+-:ENODEV",
	                "wipe --unsigned --yes --json --cert-dir '%s' '%s'", dir, dev);
	ck_assert_msg(r == WS_EXIT_FAILED, "exit %d: %s", r, err);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "disappeared"));
	json_object_put(root);
	free(out);
	free(err);
	free(dir);
	free(dev);
}
END_TEST

START_TEST(test_sigterm_aborts_cleanly)
{
	char *dev = marked_disk("t.img", 512), *dir = cert_dir(), *out = NULL, *cmd = NULL;
	struct json_object *root, *res, *pass;
	int r;

	/* every write takes 300 ms: the signal surely lands mid-pass */
	ck_assert_int_ge(
	    asprintf(
	        &cmd,
	        "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD=%s "
	        "WS_FAULT_PATH='%s' WS_FAULT_WRITE=0+-:DELAY300 '%s' wipe --unsigned --yes --json "
	        "--io-threads 1 --cert-dir '%s' '%s' > %s/term.out 2>&1 & pid=$!; "
	        "sleep 1; kill -TERM $pid; wait $pid; echo $?",
	        WS_FAULTINJECT, dev, WS_CLI, dir, dev, scratch_dir()),
	    0);
	ck_assert_int_eq(test_sh(&out, "%s", cmd), 0);
	r = atoi(out);
	ck_assert_int_eq(r, WS_EXIT_FAILED);
	free(out);
	ck_assert_int_eq(test_sh(&out, "grep '\"event\": \"result\"' %s/term.out", scratch_dir()),
	                 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "ABORTED");
	pass = json_object_array_get_idx(json_object_object_get(res, "passes"), 0);
	ck_assert(!json_object_get_boolean(json_object_object_get(pass, "completed")));
	ck_assert_uint_lt(jint(pass, "bytes_written"), DISK_BYTES);
	json_object_put(root);
	free(out);
	free(cmd);
	free(dir);
	free(dev);
}
END_TEST

/* ---- refusals: exit code, one line, not one byte written ------------------------------------ */

static void expect_refusal(const char *args, const char *dev, int code, const char *needle)
{
	char *before = sha(dev), *after, *out = NULL, *err = NULL;
	int r = run_cli(&out, &err, "%s", args);

	ck_assert_msg(r == code, "%s: exit %d, want %d: %s", args, r, code, err);
	ck_assert_msg(strstr(err, needle) != NULL, "stderr lacks '%s': %s", needle, err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1 ||
	                  (code == WS_EXIT_USAGE && strstr(err, "--help")),
	              "not one line: %s", err);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(out);
	free(err);
}

START_TEST(test_refusals_write_nothing)
{
	char *dev = marked_disk("r.img", 512), *img = scratch_image("mnt.img", 16), *m, *mp;
	char *args = NULL;

	/* mounted */
	ck_assert_int_eq(
	    test_sh(NULL, "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'", img),
	    0);
	m = scratch_attach(img, false, false);
	mp = scratch_mount(m);
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes '%s'", m), 0);
	expect_refusal(args, m, WS_EXIT_REFUSED, "refused: mounted");
	free(args);

	/* no terminal, no --yes */
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned '%s'", dev), 0);
	expect_refusal(args, dev, WS_EXIT_REFUSED, "no terminal to confirm on");
	free(args);

	/* one good target and one mounted: neither is written */
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes '%s' '%s'", dev, m), 0);
	expect_refusal(args, dev, WS_EXIT_REFUSED, "refused: mounted");
	free(args);

	/* the same disk twice */
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes '%s' '%s'", dev, dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "named twice");
	free(args);

	/* a result directory that cannot take the result */
	ck_assert_int_ge(
	    asprintf(&args, "wipe --unsigned --yes --cert-dir /proc/no-such-dir '%s'", dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "cannot write results into /proc/no-such-dir");
	free(args);

	/* bad input */
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes -m bogus '%s'", dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "unknown method 'bogus'");
	free(args);
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes -m pattern:zz '%s'", dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "not hexadecimal");
	free(args);
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes --passes 0 '%s'", dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "--passes takes a number from 1 to 99");
	free(args);
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes --verify maybe '%s'", dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "--verify takes full, sample or none");
	free(args);
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes '%s' /dev/no-such-disk", dev), 0);
	expect_refusal(args, dev, WS_EXIT_USAGE, "no such device or file");
	free(args);

	/* dry run: the plan, and nothing written */
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --dry-run -m dod-3pass '%s'", dev), 0);
	{
		char *before = sha(dev), *after, *out = NULL, *err = NULL;

		ck_assert_int_eq(run_cli(&out, &err, "%s", args), WS_EXIT_OK);
		ck_assert_ptr_nonnull(strstr(out, "dry run: nothing written"));
		ck_assert_ptr_nonnull(strstr(out, "3 passes"));
		after = sha(dev);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
		free(out);
		free(err);
	}
	free(args);
	free(mp);
	free(m);
	free(img);
	free(dev);
}
END_TEST

/* A refusal that quotes a mount point holding an escape and a newline: escaped, one line,
 * nothing written (the mount is undone here; the registry's lazy unmount of its parent
 * covers a failure). */
START_TEST(test_refusal_reasons_are_escaped)
{
	char *img = scratch_image("odd.img", 16), *dev, *mp, *args = NULL, *want = NULL;

	ck_assert_int_eq(
	    test_sh(NULL, "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '%s'", img),
	    0);
	dev = scratch_attach(img, false, false);
	mp = scratch_mount(dev);
	ck_assert_int_eq(test_sh(NULL,
	                         "d=\"$(printf '%%s/m\\033x\\ny' '%s')\" && mkdir \"$d\" && "
	                         "mount --bind '%s' \"$d\" && sync",
	                         mp, mp),
	                 0);
	ck_assert_int_ge(asprintf(&args, "wipe --unsigned --yes '%s'", dev), 0);
	ck_assert_int_ge(asprintf(&want, "refused: mounted: %s on", mp), 0);
	expect_refusal(args, dev, WS_EXIT_REFUSED, want);
	free(want);
	ck_assert_int_ge(asprintf(&want, "%s/m?x?y on", mp), 0);
	expect_refusal(args, dev, WS_EXIT_REFUSED, want);
	ck_assert_int_eq(test_sh(NULL, "umount \"$(printf '%%s/m\\033x\\ny' '%s')\"", mp), 0);
	free(want);
	free(args);
	free(mp);
	free(dev);
	free(img);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmd-wipe");
	TCase *tc = tcase_create("loop devices");
	int r;

	scratch_init("wipe");
	snprintf(marker, sizeof(marker), "WIPESEAL-MARKER-%d-%ld", getpid(), (long)time(NULL));
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_each_method_leaves_nothing, 0, (int)ELEMENTSOF(methods));
	tcase_add_test(tc, test_default_sample_verification);
	tcase_add_test(tc, test_odd_sizes_and_4k_sectors);
	tcase_add_test(tc, test_parallel_targets);
	tcase_add_test(tc, test_unwritable_range_is_failed_and_listed);
	tcase_add_test(tc, test_lying_writes_are_caught_by_verification);
	tcase_add_test(tc, test_vanishing_device_ends_failed);
	tcase_add_test(tc, test_sigterm_aborts_cleanly);
	tcase_add_test(tc, test_refusals_write_nothing);
	tcase_add_test(tc, test_refusal_reasons_are_escaped);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
