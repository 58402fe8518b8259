/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-lots.c - customers, jobs and batches through the CLI (docs/lots.md): one batch of
 * three loop devices holding ext4 with a marker, wiped by `wipeseal wipe --customer C001
 * --job J-17 --batch "Pallet 3"` with the customer list of the suite's config: the
 * simulated NVMe drive SIM-full-0001 (tests/nvmesim, its sanitize succeeds), SIM-fails-0001
 * (its sanitize fails: an honest FAILED certificate) and a plain loop device overwritten
 * (Clear). What the tests show:
 *
 * - every certificate is filed in CERT_DIR/ACME_Ltd/J-17/Pallet_3/ and its "job" object
 *   names the customer (name, id, contact, address, phone), the job and the batch; `verify`
 *   accepts it; `show` prints them; the marker is gone from the devices that succeeded,
 *   read back with grep;
 * - `batch-report` with a forged copy in the folder: exit 1; its CSV, read by python3's csv
 *   module, has one row per certificate, each checked against the certificate it names
 *   (serial, status, asset tag and the sha256sum of the file), the forged one "NOT
 *   AUTHENTIC" with no field read from it; pdfsig finds the summary PDF's PAdES signature
 *   valid and pdftotext finds the lot, the counts and the drives; labels.pdf beside them
 *   holds a label for each authentic certificate (pdftotext: both serials, FAILED, T-C) and
 *   none for the forgery (its changed tag T-X absent); without the forgery the exit status
 *   is 7 (an authentic FAILED record);
 * - `find --serial` and `find --asset-tag` print the certificate's path and outcome from
 *   the index (exit 0), with DIR given or from [wipe] cert_dir; nothing found is exit 5;
 * - an unknown customer and a job number with a '/' stop the wipe before anything is
 *   written (exit 2, one line), the marker still on the device;
 * - the audit log names each certificate by its path below the certificate directory, and
 *   `verify --audit-log LOG --cert-dir DIR` finds them all (exit 0);
 * - with [register] url set (nothing listens on 127.0.0.1:9), a lot's certificate joins the
 *   queue of the certificate directory, where the sender looks, by its path; its own folder
 *   holds no queue.
 *
 * Loop devices are made by the scratch helpers and detached by scratch_cleanup().
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "scenario.h"
#include "scratch.h"
#include "simdrive.h"
#include "testutil.h"

#define LOT_ARGS "--customer C001 --job J-17 --batch 'Pallet 3'"

static char *conf, *lotdir, *dev_full, *dev_fails, *dev_plain;
static char *cert_full, *cert_fails, *cert_plain;

static char *cert_file(const char *out)
{
	struct json_object *root = json_last_line(out);
	const char *f = jstr(root, "file");
	char *path;

	test_require(f, "no certificate file in: %s", out);
	path = strdup(f);
	json_object_put(root);
	return path;
}

/* @dev wiped in the batch: with the simulator of @profile (NULL: none). */
static char *wipe_in_batch(const char *dev, const char *profile, const char *tag, int want)
{
	char *prefix = profile ? test_fmt("ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD='%s' "
	                                  "WS_NVMESIM_PATH='%s' WS_NVMESIM_PROFILE=%s "
	                                  "WS_NVMESIM_SECONDS=1",
	                                  WS_NVMESIM, dev, profile)
	                       : strdup("");
	char *args = test_fmt("--config '%s' " LOT_ARGS " -m %s --asset-tag %s '%s'", conf,
	                      profile ? "nvme-sanitize-block" : "clear", tag, dev);
	char *out = NULL, *err = NULL, *cert;
	int r = simdrive_wipe(prefix, args, &out, &err);

	test_require(r == want, "wipe %s: exit %d, want %d: %s", dev, r, want, err);
	cert = cert_file(out);
	free(prefix);
	free(args);
	free(out);
	free(err);
	return cert;
}

static void make_batch(void)
{
	char *list = test_fmt("%s/customers.csv", scratch_dir());

	conf = test_fmt("%s/lots.conf", scratch_dir());
	lotdir = test_fmt("%s/certs/ACME_Ltd/J-17/Pallet_3", scratch_dir());
	test_require(test_sh(NULL,
	                     "printf 'id,name,contact,address,phone\\nC001,ACME Ltd,Jane Roe,"
	                     "\"1 Main St, Springfield\",+1 555 0100\\nC002,Other,,,\\n' > '%s' && "
	                     "printf '[lot]\\ncustomers = %s\\nca = %s/ca/ca.pem\\n"
	                     "[wipe]\\ncert_dir = %s/certs\\n' > '%s'",
	                     list, list, pki, scratch_dir(), conf) == 0,
	             "writing the config");
	dev_full = marked("lot-full");
	dev_fails = marked("lot-fails");
	dev_plain = marked("lot-plain");
	cert_full = wipe_in_batch(dev_full, "full", "T-A", WS_EXIT_OK);
	cert_fails = wipe_in_batch(dev_fails, "fails", "T-B", WS_EXIT_FAILED);
	cert_plain = wipe_in_batch(dev_plain, NULL, "T-C", WS_EXIT_OK);
	free(list);
}

START_TEST(test_filed_in_the_lot)
{
	const char *const certs[] = { cert_full, cert_fails, cert_plain };
	char *out = NULL;

	for (size_t i = 0; i < 3; i++) {
		struct json_object *doc = json_object_from_file(certs[i]);

		ck_assert_msg(strncmp(certs[i], lotdir, strlen(lotdir)) == 0, "%s not in %s",
		              certs[i], lotdir);
		ck_assert_ptr_nonnull(doc);
		ck_assert_str_eq(jstr(doc, "job.customer"), "ACME Ltd");
		ck_assert_str_eq(jstr(doc, "job.customer_id"), "C001");
		ck_assert_str_eq(jstr(doc, "job.contact"), "Jane Roe");
		ck_assert_str_eq(jstr(doc, "job.address"), "1 Main St, Springfield");
		ck_assert_str_eq(jstr(doc, "job.phone"), "+1 555 0100");
		ck_assert_str_eq(jstr(doc, "job.number"), "J-17");
		ck_assert_str_eq(jstr(doc, "job.batch"), "Pallet 3");
		json_object_put(doc);
	}
	ck_assert_msg(!has_marker(dev_full), "%s still holds the marker", dev_full);
	ck_assert_msg(!has_marker(dev_plain), "%s still holds the marker", dev_plain);
	ck_assert_int_eq(run_cli(&out, NULL, "verify --ca %s/ca/ca.pem '%s'", pki, cert_full), 0);
	free(out);
	/* the audit log names each by its path below the certificate directory, and finds it */
	ck_assert_int_eq(test_sh(NULL,
	                         "grep -c '\"certificate_file\":\"ACME_Ltd/J-17/Pallet_3/' "
	                         "'%s/audit.log' | grep -qx 3",
	                         scratch_dir()),
	                 0);
	ck_assert_msg(run_cli(&out, NULL,
	                      "verify --audit-log '%s/audit.log' --ca %s/ca/ca.pem "
	                      "--cert-dir '%s/certs'",
	                      scratch_dir(), pki, scratch_dir()) == 0,
	              "%s", out);
	free(out);
	ck_assert_int_eq(run_cli(&out, NULL, "show '%s'", cert_plain), 0);
	ck_assert_msg(strstr(out, "Customer, job and batch") && strstr(out, "ACME Ltd") &&
	                  strstr(out, "J-17") && strstr(out, "Pallet 3") &&
	                  !strstr(out, "Other fields"),
	              "%s", out);
	free(out);
}
END_TEST

/* The CSV's rows against the certificates: "ok" per row that agrees, else what differs. */
static const char check_rows[] =
    "import csv, hashlib, json, os, sys\n"
    "d = sys.argv[1]\n"
    "rows = list(csv.DictReader(open(os.path.join(d, 'batch-report.csv'), newline='')))\n"
    "print(len(rows), 'rows')\n"
    "for r in rows:\n"
    "    p = os.path.join(d, r['certificate'])\n"
    "    b = open(p, 'rb').read()\n"
    "    sha = hashlib.sha256(b).hexdigest()\n"
    "    if r['verification'] != 'authentic':\n"
    "        ok = r['status'] == 'NOT AUTHENTIC' and r['serial'] == '' and r['asset_tag'] == '' "
    "and r['sha256'] == sha\n"
    "        print('forged', r['certificate'], 'ok' if ok else r)\n"
    "        continue\n"
    "    c = json.loads(b)\n"
    "    ok = (r['serial'] == (c['media']['serial'] or '') and r['status'] == c['status'] and\n"
    "          r['asset_tag'] == c['media']['property_number'] and r['sha256'] == sha and\n"
    "          r['nist_level'] == c['evidence']['nist_level'] and\n"
    "          r['started'] == c['evidence']['started'])\n"
    "    print(r['status'], r['serial'] or '-', 'ok' if ok else r)\n";

START_TEST(test_batch_report)
{
	char *out = NULL, *forged = test_fmt("%s/forged.json", lotdir);
	char *py = test_fmt("%s/check-rows.py", scratch_dir());
	char *cmd = test_fmt("batch-report --config '%s' --signer-key %s/st/signer.key "
	                     "--signer-cert %s/st/signer.pem '%s'",
	                     conf, pki, pki, lotdir);
	FILE *f = fopen(py, "w");

	ck_assert_ptr_nonnull(f);
	fputs(check_rows, f);
	fclose(f);

	ck_assert_int_eq(test_sh(NULL,
	                         "cp '%s' '%s' && cp '%s.p7s' '%s.p7s' && "
	                         "sed -i 's/\"T-A\"/\"T-X\"/' '%s' && grep -q T-X '%s'",
	                         cert_full, forged, cert_full, forged, forged, forged),
	                 0);
	ck_assert_int_eq(run_cli(&out, NULL, "%s", cmd), WS_EXIT_FAILED);
	ck_assert_msg(strstr(out, "4 drives: 2 sanitized, 1 not (FAILED or ABORTED), 1 failed "
	                          "verification") &&
	                  strstr(out, "/labels.pdf\n"),
	              "%s", out);
	free(out);
	/* the label sheet: the three authentic certificates, not the forgery's changed tag */
	ck_assert_int_eq(test_sh(&out, "pdftotext -layout '%s/labels.pdf' -", lotdir), 0);
	ck_assert_msg(strstr(out, "SIM-full-0001") && strstr(out, "SIM-fails-0001") &&
	                  strstr(out, "FAILED") && strstr(out, "T-C") && !strstr(out, "T-X"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&out, "python3 '%s' '%s'", py, lotdir), 0);
	ck_assert_msg(strstr(out, "4 rows\n") && strstr(out, "SUCCESS SIM-full-0001 ok\n") &&
	                  strstr(out, "FAILED SIM-fails-0001 ok\n") &&
	                  strstr(out, "SUCCESS - ok\n") && strstr(out, "forged forged.json ok\n"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&out, "pdfsig -nocert '%s/batch-report.pdf' 2>&1", lotdir), 0);
	ck_assert_msg(strstr(out, "Signature is Valid.") && strstr(out, "ETSI.CAdES.detached") &&
	                  strstr(out, "Total document signed"),
	              "%s", out);
	free(out);
	ck_assert_int_eq(test_sh(&out, "pdftotext -layout '%s/batch-report.pdf' -", lotdir), 0);
	ck_assert_msg(strstr(out, "Batch report") && strstr(out, "ACME Ltd") &&
	                  strstr(out, "J-17") && strstr(out, "Pallet 3") &&
	                  strstr(out, "SIM-full-0001") && strstr(out, "SIM-fails-0001") &&
	                  strstr(out, "NOT AUTHENTIC") && strstr(out, "T-C"),
	              "%s", out);
	free(out);
	/* without the forgery: every record authentic, one of a FAILED wipe */
	ck_assert_int_eq(test_sh(NULL, "rm '%s' '%s.p7s'", forged, forged), 0);
	ck_assert_int_eq(run_cli(&out, NULL, "%s", cmd), WS_EXIT_NOT_WIPED);
	ck_assert_msg(strstr(out, "3 drives: 2 sanitized, 1 not"), "%s", out);
	free(out);
	free(cmd);
	free(py);
	free(forged);
}
END_TEST

START_TEST(test_find)
{
	char *out = NULL, *err = NULL, *dir = test_fmt("%s/certs", scratch_dir()), *want;

	ck_assert_int_eq(run_cli(&out, NULL, "find --serial SIM-fails-0001 '%s'", dir), 0);
	want = strdup("FAILED ");
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0 && strstr(out, cert_fails) &&
	                  !strchr(strchr(out, '\n') + 1, '\n'),
	              "%s", out);
	free(want);
	free(out);
	ck_assert_int_eq(run_cli(&out, NULL, "find --config '%s' --asset-tag T-C", conf), 0);
	ck_assert_msg(strncmp(out, "SUCCESS ", 8) == 0 && strstr(out, cert_plain), "%s", out);
	free(out);
	ck_assert_int_eq(run_cli(&out, &err, "find --serial NO-SUCH '%s'", dir), WS_EXIT_NOT_SET);
	ck_assert_msg(strstr(err, "no certificate for serial NO-SUCH"), "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(run_cli(&out, &err, "find '%s'", dir), WS_EXIT_USAGE);
	free(out);
	free(err);
	free(dir);
}
END_TEST

START_TEST(test_refusals_write_nothing)
{
	char *dev = marked("lot-refused"), *out = NULL, *err = NULL, *args;

	args = test_fmt("--config '%s' --customer Nobody --job J-1 '%s'", conf, dev);
	ck_assert_int_eq(simdrive_wipe("", args, &out, &err), WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "customer 'Nobody' is not in"), "%s", err);
	free(out), free(err), free(args);
	args = test_fmt("--config '%s' --customer C002 --job a/b '%s'", conf, dev);
	ck_assert_int_eq(simdrive_wipe("", args, &out, &err), WS_EXIT_USAGE);
	ck_assert_msg(strstr(err, "the job number 'a/b' cannot name a folder"), "%s", err);
	ck_assert_msg(has_marker(dev), "%s was written", dev);
	ck_assert_int_ne(test_sh(NULL, "test -e '%s/certs/Other'", scratch_dir()), 0);
	free(out), free(err), free(args);
	free(dev);
}
END_TEST

/* With a register, a lot's certificate joins the queue of the certificate directory the
 * sender watches, by its path, not a queue in its own folder. Nothing listens on
 * 127.0.0.1:9: the wipe still ends 0 and the file waits. */
START_TEST(test_register_queue_above_lots)
{
	char *rconf = test_fmt("%s/lots-register.conf", scratch_dir()), *dev = marked("lot-reg");
	char *out = NULL, *err = NULL, *args, *cert;

	ck_assert_int_eq(test_sh(NULL,
	                         "cp '%s' '%s' && printf '[register]\nurl = postgresql://"
	                         "wipeseal@127.0.0.1:9/wipeseal?connect_timeout=2\n"
	                         "verify_ca = %s/ca/ca.pem\n' >> '%s'",
	                         conf, rconf, pki, rconf),
	                 0);
	args = test_fmt("--config '%s' --customer C002 --job J-18 --batch 1 -m clear '%s'", rconf,
	                dev);
	ck_assert_msg(simdrive_wipe("", args, &out, &err) == WS_EXIT_OK, "%s", err);
	cert = cert_file(out);
	ck_assert_msg(strstr(cert, "/certs/Other/J-18/1/"), "%s", cert);
	ck_assert_msg(
	    test_sh(NULL, "grep -rqF '%s' '%s/certs/.register-queue'", cert, scratch_dir()) == 0,
	    "%s is not in the queue of %s/certs", cert, scratch_dir());
	ck_assert_int_ne(
	    test_sh(NULL, "test -e '%s/certs/Other/J-18/1/.register-queue'", scratch_dir()), 0);
	free(cert), free(out), free(err), free(args);
	free(dev);
	free(rconf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lots");
	TCase *tc = tcase_create("lots");
	int r;

	simdrive_init("lots", "LOT");
	tcase_add_unchecked_fixture(tc, make_batch, NULL);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_filed_in_the_lot);
	tcase_add_test(tc, test_batch_report);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_refusals_write_nothing);
	tcase_add_test(tc, test_register_queue_above_lots);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	scratch_cleanup();
	return r;
}
