/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ata.c - Purge on SATA and SAS through the same `wipeseal wipe` path as real drives,
 * against tests/atasim: a simulated drive answering SG_IO (ATA PASS-THROUGH for SATA, SCSI
 * SANITIZE for SAS) for a loop device, changing it the way a drive would. Every profile ends
 * in the status and certificate it deserves; every refusal leaves the image unchanged.
 *
 * The built binary runs with the simulator preloaded against 32 MiB loop devices holding ext4
 * filled with a marker string, and signs every wipe with a station key of a PKI the suite makes
 * itself; every certificate it inspects is checked with plain `openssl cms -verify`. What each test
 * shows:
 *
 * - test_sata_ssd: on `sata-ssd`, purge picks ata-sanitize-crypto (IDENTIFY word 217 made the loop
 *   device solid-state); it, ata-sanitize-block and ata-sanitize-overwrite, each with `--verify
 *   full`, exit 0 with the marker gone from the raw device, nothing for `blkid -p`, SUCCESS, level
 *   Purge, completion observed; after block erase and overwrite the whole device compares equal to
 *   /dev/zero.
 * - test_sas: the same for scsi-sanitize-crypto, scsi-sanitize-block and scsi-sanitize-overwrite on
 *   `sas`: the SCSI path, including "idle after running" as the completion.
 * - test_security_erase: on `hdd` (word 217 made it rotating), purge picks
 *   ata-secure-erase-enhanced; ata-secure-erase leaves the device all zeros; both SUCCESS, Purge.
 * - test_locked_by_interrupted_erase_can_be_unlocked: on `hdd-locks`, the erase exits 1 and its
 *   output names `wipeseal unlock`; the last line of security-passwords.log holds a 64-hex-digit
 *   password, recorded before the drive heard it; the simulator's state says locked; unlock with a
 *   malformed password exits 2; with the recorded one it exits 0 and the state says unlocked.
 * - test_refusals: purge and ata-sanitize-block on `frozen`, purge and ata-secure-erase on
 *   `hdd-frozen` (the reason with the remedy), purge and ata-sanitize-crypto on `usb-no-pt`,
 *   ata-sanitize-block on `sas`, scsi-sanitize-block on `sata-ssd`: each exits 3 with its reason,
 *   and the image's SHA-256 is unchanged.
 * - test_bridge_without_passthrough_still_clears: clear on `usb-no-pt` exits 0, SUCCESS, the marker
 *   gone.
 * - test_list_reports_what_the_drive_says: `list --json` on `hdd` reports the model from IDENTIFY,
 *   the Security feature set with the enhanced erase, no Sanitize feature set, and `rotational:
 *   true`.
 * - test_failed_sanitize_is_certified_failed: ata-sanitize-block on `fails` exits 1, certified
 *   FAILED, "the drive reports that the sanitize failed".
 * - test_ata_scrambler_is_found: `ata-sanitize-crypto --verify full` on `scrambler` exits 4 with
 *   the residue counted, while `blkid -p` finds nothing and at least 3/4 of the marker lines are
 *   still on the device.
 * - test_ata_crypto_zeros_declared: ata-sanitize-crypto on `zeros-rzat` exits 0, the device all
 *   zeros, every block judged counted as erased (`erased_pattern` "00").
 * - test_ata_instant_security_erase: on `hdd-instant` (a marked device with no file system),
 *   `ata-secure-erase --verify none --trust-firmware` exits 1 on the estimate rule
 *   (`estimate_seconds` 7200) with every marker line still there; without `--trust-firmware` exit
 *   2; read back by sample, exit 4 with `completed_too_fast`.
 *
 * The suite's second file, test-ata-hidden.c, holds the hidden areas (HPA and DCO); ata.h, the
 * helpers both files share.
 *
 * Not covered here: the kernel's libata, SAT and sd drivers, real drives and real bridges. The boot
 * test (tests/vm/run.sh) runs QEMU's AHCI SATA disk and virtio-scsi disk, which implement none of
 * the security, sanitize or HPA commands, under a Debian kernel: every firmware technique is
 * refused without touching them and Clear works on them; an ATA or SCSI sanitize, a security erase
 * or an HPA through a real kernel is run nowhere. Also not covered: a SCSI sanitize that fails; a
 * sanitize already running on an ATA or SCSI drive; a drive in the failed state before the command;
 * SIGINT during a sanitize or a security erase; the ERASE UNIT timeout; the estimated progress of a
 * security erase; the rotating order with sanitize actions; 4096-byte logical sectors on a drive
 * with an HPA; `wipeseal unfreeze` on a real machine.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ata.h"
#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

/* The environment that has the simulated drive @profile answer for @dev, with @more of the
 * simulator's variables ("WS_ATASIM_LBA28=1 ..."). malloc'd. */
char *sim_env(const char *profile, const char *dev, const char *more)
{
	char *prefix = NULL;

	ck_assert_int_ge(asprintf(&prefix,
	                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                          "WS_ATASIM_PATH='%s' WS_ATASIM_PROFILE=%s WS_ATASIM_SECONDS=1 %s",
	                          WS_ATASIM, dev, profile, more ? more : ""),
	                 0);
	return prefix;
}

/* `wipeseal wipe --json ... ARGS` with the simulated drive answering for @dev. */
int sim_wipe_env(const char *profile, const char *more, const char *dev, const char *args,
                 char **out, char **err)
{
	char *prefix = sim_env(profile, dev, more);
	int r = simdrive_wipe(prefix, args, out, err);

	free(prefix);
	return r;
}

int sim_wipe(const char *profile, const char *dev, const char *args, char **out, char **err)
{
	return sim_wipe_env(profile, NULL, dev, args, out, err);
}

/* `wipeseal list --json DEV` with the simulated drive: its one device object (in *root). */
struct json_object *sim_list(const char *profile, const char *more, const char *dev,
                             struct json_object **root)
{
	char *prefix = sim_env(profile, dev, more), *out = NULL;
	struct json_object *d;

	ck_assert_int_eq(run_cli_prefix(&out, NULL, prefix, "list --json '%s'", dev), 0);
	*root = json_tokener_parse(out);
	ck_assert_ptr_nonnull(*root);
	d = json_object_array_get_idx(json_object_object_get(*root, "devices"), 0);
	ck_assert_ptr_nonnull(d);
	free(out);
	free(prefix);
	return d;
}

/* ---- tests --------------------------------------------------------------------------------- */

/* A successful sanitize: exit 0, marker gone, nothing for blkid, SUCCESS certified. */
static void purged(const char *profile, const char *method, const char *want_technique, bool zeros)
{
	char *dev = marked("ok.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m %s --verify full '%s'", method, dev), 0);
	ck_assert_msg(sim_wipe(profile, dev, args, &out, &err) == WS_EXIT_OK, "%s: %s", profile,
	              err);
	ck_assert(!has_marker(dev));
	ck_assert_int_eq(test_sh(NULL, "blkid -p '%s'", dev), 2);
	if (zeros)
		ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "technique"), want_technique);
	ck_assert_str_eq(jstr(res, "nist_level"), "Purge");
	ck_assert_str_eq(jstr(res, "firmware.completion_observed"), "true");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}

START_TEST(test_sata_ssd)
{
	/* an SSD (IDENTIFY word 217 says it does not spin): purge takes crypto scramble */
	purged("sata-ssd", "purge", "ata-sanitize-crypto", false);
	purged("sata-ssd", "ata-sanitize-block", "ata-sanitize-block", true);
	purged("sata-ssd", "ata-sanitize-overwrite", "ata-sanitize-overwrite", true);
}
END_TEST

START_TEST(test_security_erase)
{
	/* a disk with the Security feature set only: purge takes the enhanced erase */
	purged("hdd", "purge", "ata-secure-erase-enhanced", false);
	/* the normal erase writes zeros (ACS-4 7.44) */
	purged("hdd", "ata-secure-erase", "ata-secure-erase", true);
}
END_TEST

START_TEST(test_locked_by_interrupted_erase_can_be_unlocked)
{
	char *dev = marked("lock.img"), *out = NULL, *err = NULL, *args = NULL, *prefix = NULL;
	char *pw = NULL, *state = NULL;

	ck_assert_int_ge(asprintf(&state, "%s/sec-%d", scratch_dir(), getpid()), 0);
	ck_assert_int_ge(
	    asprintf(&prefix,
	             "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	             "WS_ATASIM_PATH='%s' WS_ATASIM_PROFILE=hdd-locks WS_ATASIM_STATE='%s'",
	             WS_ATASIM, dev, state),
	    0);
	ck_assert_int_eq(
	    run_cli_prefix(&out, &err, prefix,
	                   "wipe --unsigned --yes -m ata-secure-erase --cert-dir %s/lock '%s'",
	                   scratch_dir(), dev),
	    WS_EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(out, "wipeseal unlock"));
	free(out);
	free(err);
	/* the password was on record before the drive heard it */
	ck_assert_int_eq(test_sh(&pw,
	                         "tail -n 1 %s/lock/security-passwords.log | "
	                         "sed 's/.*user-password=//' | tr -d '\n'",
	                         scratch_dir()),
	                 0);
	ck_assert_uint_eq(strlen(pw), 64);
	ck_assert_int_eq(test_sh(NULL, "grep -q '^1 1 ' '%s'", state), 0); /* locked */
	ck_assert_int_eq(run_cli_prefix(&out, &err, prefix, "unlock '%s' --password 00", dev),
	                 WS_EXIT_USAGE);
	free(out);
	free(err);
	ck_assert_int_eq(run_cli_prefix(&out, &err, prefix, "unlock '%s' --password %s", dev, pw),
	                 WS_EXIT_OK);
	ck_assert_int_eq(test_sh(NULL, "grep -q '^0 0 ' '%s'", state), 0); /* unlocked */
	free(out);
	free(err);
	free(pw);
	free(prefix);
	free(state);
	free(args);
	free(dev);
}
END_TEST

/* A drive whose serial holds a newline and an escape: the password log keeps one line per
 * erase (the serial escaped), and nothing reaches the terminal raw. */
START_TEST(test_serial_with_control_characters)
{
	char *dev = marked("nl.img"), *out = NULL, *err = NULL, *prefix = NULL, *log = NULL;

	ck_assert_int_ge(asprintf(&prefix,
	                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                          "WS_ATASIM_PATH='%s' WS_ATASIM_PROFILE=hdd "
	                          "WS_ATASIM_SERIAL=\"$(printf 'SIM\\nNL\\033X')\"",
	                          WS_ATASIM, dev),
	                 0);
	ck_assert_int_eq(run_cli_prefix(&out, &err, prefix,
	                                "wipe --unsigned --yes -m ata-secure-erase --cert-dir "
	                                "%s/nl '%s'",
	                                scratch_dir(), dev),
	                 WS_EXIT_OK);
	ck_assert_msg(!strchr(out, '\033') && !strchr(err, '\033'), "%s%s", out, err);
	free(out);
	free(err);
	ck_assert_int_eq(test_sh(&log, "cat %s/nl/security-passwords.log", scratch_dir()), 0);
	ck_assert_msg(strchr(log, '\n') == log + strlen(log) - 1, "not one line: %s", log);
	ck_assert_msg(strstr(log, " serial=SIM\\x0aNL\\x1bX user-password="), "%s", log);
	ck_assert(!has_marker(dev));
	free(log);
	free(prefix);
	free(dev);
}
END_TEST

START_TEST(test_sas)
{
	purged("sas", "scsi-sanitize-crypto", "scsi-sanitize-crypto", false);
	purged("sas", "scsi-sanitize-block", "scsi-sanitize-block", true);
	purged("sas", "scsi-sanitize-overwrite", "scsi-sanitize-overwrite", true);
}
END_TEST

/* A refusal before anything is sent: exit 3, the reason, not one byte changed. */
static void refused(const char *profile, const char *method, const char *needle)
{
	char *dev = marked("ref.img"), *before = sha(dev), *after, *out = NULL, *err = NULL,
	     *args = NULL;

	ck_assert_int_ge(asprintf(&args, "-m %s '%s'", method, dev), 0);
	ck_assert_int_eq(sim_wipe(profile, dev, args, &out, &err), WS_EXIT_REFUSED);
	ck_assert_msg(strstr(err, needle) != NULL, "wanted '%s': %s", needle, err);
	after = sha(dev);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(out);
	free(err);
	free(args);
	free(dev);
}

START_TEST(test_refusals)
{
	refused("frozen", "purge", "is frozen");
	refused("frozen", "ata-sanitize-block",
	        "suspend and resume the machine (wipeseal unfreeze), or re-plug");
	refused("hdd-frozen", "purge", "is frozen");
	refused("hdd-frozen", "ata-secure-erase",
	        "suspend and resume the machine (wipeseal unfreeze), or re-plug");
	refused("usb-no-pt", "purge", "has no Purge technique");
	refused("usb-no-pt", "ata-sanitize-crypto", "does not advertise ata-sanitize-crypto");
	refused("sas", "ata-sanitize-block", "does not advertise");
	refused("sata-ssd", "scsi-sanitize-block", "does not advertise");
}
END_TEST

START_TEST(test_bridge_without_passthrough_still_clears)
{
	char *dev = marked("usb.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root;

	ck_assert_int_ge(asprintf(&args, "-m clear '%s'", dev), 0);
	ck_assert_msg(sim_wipe("usb-no-pt", dev, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert(!has_marker(dev));
	ck_assert_str_eq(jstr(result_of(out, &root), "status"), "SUCCESS");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

START_TEST(test_list_reports_what_the_drive_says)
{
	char *dev = marked("list.img"), *out = NULL, *prefix = NULL;
	struct json_object *root, *d;

	ck_assert_int_ge(asprintf(&prefix,
	                          "ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                          "WS_ATASIM_PATH='%s' WS_ATASIM_PROFILE=hdd",
	                          WS_ATASIM, dev),
	                 0);
	ck_assert_int_eq(run_cli_prefix(&out, NULL, prefix, "list --json '%s'", dev), 0);
	root = json_tokener_parse(out);
	ck_assert_ptr_nonnull(root);
	d = json_object_array_get_idx(json_object_object_get(root, "devices"), 0);
	ck_assert_str_eq(jstr(d, "model"), "WIPESEAL SIMULATED SATA HDD");
	ck_assert_str_eq(jstr(d, "ata.security.supported"), "true");
	ck_assert_str_eq(jstr(d, "ata.security.enhanced_erase_supported"), "true");
	ck_assert_str_eq(jstr(d, "ata.sanitize.supported"), "false");
	ck_assert_str_eq(jstr(d, "rotational"), "true");
	json_object_put(root);
	free(out);
	free(prefix);
	free(dev);
}
END_TEST

START_TEST(test_failed_sanitize_is_certified_failed)
{
	char *dev = marked("fail.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m ata-sanitize-block '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("fails", dev, args, &out, &err), WS_EXIT_FAILED);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "the sanitize failed"));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

/* ---- drives that lie ------------------------------------------------------------------------ */

/* CRYPTO SCRAMBLE that changes 16 bytes of every sector and blanks both ends: found. */
START_TEST(test_ata_scrambler_is_found)
{
	char *dev = marked("scr.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;
	unsigned long long planted = MARKER_LINES * (strlen(marker) + 1) / 16;

	ck_assert_int_ge(asprintf(&args, "-m ata-sanitize-crypto --verify full '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("scrambler", dev, args, &out, &err), WS_EXIT_DATA_FOUND);
	ck_assert_int_eq(test_sh(NULL, "blkid -p '%s'", dev), 2);
	ck_assert_int_ge(marker_lines(dev), MARKER_LINES * 3 / 4);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "FAILED");
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "16-byte blocks that held data"));
	ck_assert_uint_ge(jnum(res, "verification.crypto_erase.baseline.residue_blocks"),
	                  planted * 31 / 32 * 9 / 10);
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

/* CRYPTO SCRAMBLE that leaves zeros, from a drive whose IDENTIFY word 69 says trimmed blocks
 * read as zeros: the erased pattern it declares, SUCCESS. */
START_TEST(test_ata_crypto_zeros_declared)
{
	char *dev = marked("z.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(asprintf(&args, "-m ata-sanitize-crypto '%s'", dev), 0);
	ck_assert_msg(sim_wipe("zeros-rzat", dev, args, &out, &err) == WS_EXIT_OK, "%s", err);
	ck_assert_int_eq(test_sh(NULL, "cmp -s -n 33554432 '%s' /dev/zero", dev), 0);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "status"), "SUCCESS");
	ck_assert_str_eq(jstr(res, "verification.crypto_erase.entropy.erased_pattern"), "00");
	ck_assert_uint_eq(jnum(res, "verification.crypto_erase.entropy.erased_blocks"),
	                  jnum(res, "verification.crypto_erase.entropy.blocks"));
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

/* ERASE UNIT back at once against the drive's own two hours, nothing erased: trusted and not
 * read back, FAILED on the clock; read back, data found. */
START_TEST(test_ata_instant_security_erase)
{
	char *dev = marked_raw("inst.img"), *out = NULL, *err = NULL, *args = NULL;
	struct json_object *root, *res;

	ck_assert_int_ge(
	    asprintf(&args, "-m ata-secure-erase --verify none --trust-firmware '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("hdd-instant", dev, args, &out, &err), WS_EXIT_FAILED);
	ck_assert_int_eq(marker_lines(dev), MARKER_LINES);
	res = result_of(out, &root);
	ck_assert_ptr_nonnull(strstr(jstr(res, "reason"), "under 1/100 of its own estimate"));
	ck_assert_str_eq(jstr(res, "firmware.completed_too_fast"), "true");
	ck_assert_str_eq(jstr(res, "firmware.estimate_seconds"), "7200");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	ck_assert_int_ge(asprintf(&args, "-m ata-secure-erase --verify none '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("hdd-instant", dev, args, &out, &err), WS_EXIT_USAGE);
	free(out);
	free(err);
	free(args);
	ck_assert_int_ge(asprintf(&args, "-m ata-secure-erase '%s'", dev), 0);
	ck_assert_int_eq(sim_wipe("hdd-instant", dev, args, &out, &err), WS_EXIT_DATA_FOUND);
	res = result_of(out, &root);
	ck_assert_str_eq(jstr(res, "firmware.completed_too_fast"), "true");
	json_object_put(root);
	free(out);
	free(err);
	free(args);
	free(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ata");
	TCase *tc = tcase_create("simulated drives");
	int r;

	simdrive_init("ata", "ATA");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sata_ssd);
	tcase_add_test(tc, test_sas);
	ata_add_hidden_area_tests(tc);
	tcase_add_test(tc, test_security_erase);
	tcase_add_test(tc, test_locked_by_interrupted_erase_can_be_unlocked);
	tcase_add_test(tc, test_serial_with_control_characters);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_bridge_without_passthrough_still_clears);
	tcase_add_test(tc, test_list_reports_what_the_drive_says);
	tcase_add_test(tc, test_failed_sanitize_is_certified_failed);
	tcase_add_test(tc, test_ata_scrambler_is_found);
	tcase_add_test(tc, test_ata_crypto_zeros_declared);
	tcase_add_test(tc, test_ata_instant_security_erase);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
