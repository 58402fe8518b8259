/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-stick.c - the data stick: certs/make-stick.sh writes one, `wipeseal stick check`
 * says whether the station will start and sign with it.
 *
 * The PKI comes from the product's own certs/make-ca.sh and make-station.sh (an expired
 * signer from `openssl ca`, which can backdate). A good stick is written on a loop device
 * of the scratch registry and checked there (the check mounts it read-only itself, or reads
 * it with mtools where the kernel has no FAT driver), then as a directory; blkid and mtools
 * read what make-stick wrote, independently. Each bad stick is an
 * image file made by make-stick and altered with mtools: an expired signer, a key that is
 * not the certificate's, a broken wipeseal.conf, a missing ca.pem; each fails with its own
 * line and the verdict names it. make-stick refuses a device in use and a broken config;
 * make-station.sh refuses to overwrite an existing station key or certificate.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "scratch.h"
#include "testutil.h"

static char pki[4096];

/* Run @cmd (malloc'd, freed here); the test stops when it fails. */
static void sh_or_die(char *cmd)
{
	char *out = NULL;
	int r = test_sh(&out, "%s", cmd);

	test_require(r == 0, "%s\n%s", cmd, out);
	free(out);
	free(cmd);
}

/* The CA, a good station, one expiring in 10 days, an expired one (backdated by
 * `openssl ca`), and a "mismatch" station: another station's key beside a certificate. */
static void make_pki(void)
{
	snprintf(pki, sizeof(pki), "%s/pki", scratch_dir());
	sh_or_die(test_fmt(
	    "set -e; C='%s/certs'; P='%s'; $C/make-ca.sh $P/ca --cn 'stick test CA' >/dev/null; "
	    "$C/make-station.sh $P/ca $P/good --cn good >/dev/null; "
	    "$C/make-station.sh $P/ca $P/soon --cn soon --days 10 >/dev/null; "
	    "$C/make-station.sh $P/ca $P/other --cn other >/dev/null; "
	    "mkdir -p $P/mismatch $P/expired; cp $P/good/signer.pem $P/good/ca.pem $P/mismatch/; "
	    "cp -p $P/other/signer.key $P/mismatch/; cp $P/ca/ca.pem $P/expired/; cd $P/expired; "
	    "openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out signer.key; "
	    "chmod 600 signer.key; openssl req -new -key signer.key -subj /CN=expired -out r.csr; "
	    "printf '[ca]\\ndefault_ca=c\\n[c]\\ndir=.\\ndatabase=i\\nnew_certs_dir=.\\n"
	    "certificate=../ca/ca.pem\\nprivate_key=../ca/ca.key\\nserial=s\\ndefault_md=sha256\\n"
	    "policy=p\\n[p]\\ncommonName=supplied\\n[e]\\nbasicConstraints=CA:FALSE\\n"
	    "keyUsage=critical,digitalSignature\\nextendedKeyUsage=1.3.6.1.5.5.7.3.36\\n' >c.cnf; "
	    ": >i; echo 01 >s; openssl ca -batch -notext -config c.cnf -extensions e "
	    "-startdate 20200101000000Z -enddate 20210101000000Z -in r.csr -out signer.pem "
	    "2>/dev/null; printf '[operator]\\nname = Stick Test\\n[station]\\nauto = yes\\n' "
	    ">$P/good.conf",
	    WS_SOURCE_DIR, pki));
}

/* make-stick.sh TARGET with the signer of station @who and the good config; @extra options.
 * Return: its exit status, its output in *out. */
static int make_stick(char **out, const char *target, const char *who, const char *extra)
{
	return test_sh(out,
	               "WIPESEAL='%s' '%s/certs/make-stick.sh' '%s' --config '%s/good.conf' "
	               "--signer '%s/%s' %s 2>&1",
	               WS_CLI, WS_SOURCE_DIR, target, pki, pki, who, extra);
}

/* `wipeseal stick check ARGS`: exit status, output in *out. */
static int check(char **out, const char *args)
{
	return test_sh(out, "'%s' stick check --drives 100 %s 2>&1", WS_CLI, args);
}

/* A good stick image for station @who, then @alter (a shell command on $I, the image). */
static char *bad_stick(const char *name, const char *who, const char *alter)
{
	char *img = test_fmt("%s/%s.img", scratch_dir(), name), *out = NULL;

	ck_assert_msg(make_stick(&out, img, who, "--size 64") == 0, "make-stick %s: %s", name, out);
	free(out);
	if (alter)
		sh_or_die(test_fmt("export MTOOLS_SKIP_CHECK=1 I='%s'; %s", img, alter));
	return img;
}

/* The check of @img fails: exit 1, a FAIL line holding @line, and the verdict naming it. */
static void fails_with(const char *img, const char *line)
{
	char *out = NULL, *fail = NULL;
	int r = check(&out, img);

	ck_assert_msg(r == 1, "exit %d, want 1:\n%s", r, out);
	fail = strstr(out, "  FAIL  ");
	ck_assert_msg(fail && strstr(fail, line), "no FAIL line with '%s':\n%s", line, out);
	ck_assert_msg(strstr(out, "this stick will NOT start and sign: ") != NULL, "%s", out);
	ck_assert_msg(strstr(strstr(out, "will NOT"), line) != NULL, "verdict lacks '%s':\n%s",
	              line, out);
	free(out);
}

START_TEST(test_good_stick_on_a_device)
{
	char *img = scratch_image("good.img", 64), *loop = scratch_attach(img, false, false);
	char *out = NULL, *mnt;
	int r;

	free(img);
	r = make_stick(&out, loop, "good", "");
	ck_assert_msg(r == 0, "make-stick: %s", out);
	free(out);
	/* what was written, read by others' tools */
	ck_assert_int_eq(test_sh(&out, "blkid -p -o value -s LABEL '%s'", loop), 0);
	ck_assert_str_eq(out, "WIPESEAL\n");
	free(out);
	sh_or_die(
	    test_fmt("export MTOOLS_SKIP_CHECK=1; cd '%s' && for f in signer.key signer.pem "
	             "ca.pem; do mtype -i '%s' ::/station/$f | cmp - good/$f || exit 1; done; "
	             "mtype -i '%s' ::/wipeseal.conf | cmp - good.conf && "
	             "mdir -i '%s' ::/certificates >/dev/null",
	             pki, loop, loop, loop));
	r = check(&out, loop);
	ck_assert_msg(r == 0, "exit %d:\n%s", r, out);
	ck_assert_msg(strstr(out, "  ok    signer certificate: chains to station/ca.pem\n") &&
	                  strstr(out, "  ok    trial signature: made and verified") &&
	                  strstr(out, "  ok    wipeseal.conf: valid (auto = yes)") &&
	                  strstr(out, "\nthis stick will start and sign\n"),
	              "%s", out);
	ck_assert_msg(!strstr(out, "FAIL") && !strstr(out, "WARN"), "%s", out);
	free(out);
	/* a directory (a mount point, or a copy): taken as it is; on a real file system the
	 * key's mode counts, so 644 is refused and 600 passes */
	mnt = test_fmt("%s/copy", scratch_dir());
	sh_or_die(
	    test_fmt("export MTOOLS_SKIP_CHECK=1; mkdir '%s' && mcopy -s -i '%s' ::/station "
	             "::/wipeseal.conf ::/certificates '%s/' && chmod 644 '%s/station/signer.key'",
	             mnt, loop, mnt, mnt));
	r = check(&out, mnt);
	ck_assert_msg(r == 1 && strstr(out, "  FAIL  signer: ") && strstr(out, "chmod 600"),
	              "exit %d:\n%s", r, out);
	free(out);
	sh_or_die(test_fmt("chmod 600 '%s/station/signer.key'", mnt));
	r = check(&out, mnt);
	ck_assert_msg(r == 0 && strstr(out, "will start and sign"), "exit %d:\n%s", r, out);
	free(out);
	/* a device in use (here: a loop device set over it) is refused by wipeseal check, and
	 * nothing is written */
	free(scratch_attach_over(loop));
	r = make_stick(&out, loop, "good", "--overwrite");
	ck_assert_msg(r == 1 && strstr(out, "wipeseal check refuses") &&
	                  strstr(out, "nothing was written"),
	              "exit %d: %s", r, out);
	free(out);
	free(mnt);
	free(loop);
}
END_TEST

/* make-station.sh keeps an existing station key and certificate, as make-ca.sh keeps a CA
 * key: exit 1, one line naming the file, both files byte for byte as they were. */
START_TEST(test_make_station_keeps_an_existing_key)
{
	char *out = NULL, *before = NULL, *after = NULL, *want;
#define SUMS "cd '%s/good' && sha256sum signer.key signer.pem ca.pem"
	ck_assert_int_eq(test_sh(&before, SUMS, pki), 0);
	ck_assert_int_eq(test_sh(&out, "'%s/certs/make-station.sh' '%s/ca' '%s/good' --cn again",
	                         WS_SOURCE_DIR, pki, pki),
	                 1);
	want = test_fmt("certs/make-station.sh: %s/good/signer.key exists; refusing to overwrite "
	                "a station key",
	                pki);
	ck_assert_msg(strstr(out, want), "%s", out);
	free(want);
	free(out);
	ck_assert_int_eq(test_sh(&after, SUMS, pki), 0);
#undef SUMS
	ck_assert_str_eq(before, after);
	free(after);
	/* a certificate left without its key is kept too */
	ck_assert_int_eq(test_sh(NULL,
	                         "mkdir -p '%s/pemonly' && cp '%s/good/signer.pem' '%s/pemonly/'",
	                         pki, pki, pki),
	                 0);
	ck_assert_int_eq(test_sh(&out, "'%s/certs/make-station.sh' '%s/ca' '%s/pemonly'",
	                         WS_SOURCE_DIR, pki, pki),
	                 1);
	ck_assert_msg(strstr(out, "signer.pem exists; refusing to overwrite a station certificate"),
	              "%s", out);
	free(out);
	out = test_fmt("%s/pemonly/signer.key", pki);
	ck_assert_msg(access(out, F_OK) != 0, "a key was made: %s", out);
	free(out);
	free(before);
}
END_TEST

START_TEST(test_expired_signer_fails)
{
	char *img = bad_stick("expired", "expired", NULL);

	fails_with(img, "has expired");
	free(img);
}
END_TEST

START_TEST(test_key_not_matching_fails)
{
	char *img = bad_stick("mismatch", "mismatch", NULL), *out = NULL;

	check(&out, img);
	/* the reason names the key on the stick, not the copy the check handed the loader */
	ck_assert_msg(strstr(out, " station/signer.key") && !strstr(out, "/proc/self/fd"), "%s",
	              out);
	free(out);
	fails_with(img, "signer: signer certificate station/signer.pem does not belong to the key "
	                "station/signer.key");
	free(img);
}
END_TEST

START_TEST(test_broken_config_fails)
{
	char *img = bad_stick("badconf", "good",
	                      "printf '[station]\\nauto = yes # at boot\\n' >$I.conf && "
	                      "mcopy -o -i $I $I.conf ::/wipeseal.conf"),
	     *out = NULL;
	int r;

	fails_with(img, "wipeseal.conf: ");
	fails_with(img, ":2: '#' in the value of 'auto'");
	/* make-stick refuses the same file before it writes anything */
	r = test_sh(&out,
	            "cd '%s' && WIPESEAL='%s' '%s/certs/make-stick.sh' new.img --config "
	            "'%s.conf' --signer good 2>&1; rc=$?; test ! -e new.img && exit $rc",
	            pki, WS_CLI, WS_SOURCE_DIR, img);
	ck_assert_msg(r == 1 && strstr(out, "nothing was written"), "exit %d: %s", r, out);
	free(out);
	free(img);
}
END_TEST

START_TEST(test_missing_ca_fails)
{
	char *img = bad_stick("noca", "good", "mdel -i $I ::/station/ca.pem");

	fails_with(img, "station/ca.pem: missing");
	free(img);
}
END_TEST

START_TEST(test_expiring_signer_warns)
{
	char *out = NULL, *img = bad_stick("soon", "soon", NULL);
	int r = check(&out, img);

	ck_assert_msg(r == 0 && strstr(out, "  WARN  signer certificate: expires in ") &&
	                  strstr(out, "will start and sign"),
	              "exit %d:\n%s", r, out);
	free(out);
	free(img);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stick");
	TCase *tc = tcase_create("make-stick and stick check");
	int r;

	scratch_init("stick");
	make_pki();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_good_stick_on_a_device);
	tcase_add_test(tc, test_make_station_keeps_an_existing_key);
	tcase_add_test(tc, test_expired_signer_fails);
	tcase_add_test(tc, test_key_not_matching_fails);
	tcase_add_test(tc, test_broken_config_fails);
	tcase_add_test(tc, test_missing_ca_fails);
	tcase_add_test(tc, test_expiring_signer_warns);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
