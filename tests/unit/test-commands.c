/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-commands.c - known answers for the record of the commands sent to erase (commands.c):
 * the bytes recorded are the bytes that left the host, and the decoded parameters name the
 * specification's fields.
 *
 * Sources:
 *   NVMe: the record of a Sanitize or Format NVM is held against the command libnvme really
 *     sent, caught at NVME_IOCTL_ADMIN_CMD by an ioctl() of our own (as test-nvme-kat.c does);
 *     the submission entry's layout from NVMe Base 2.0 "Common Command Format" (opcode byte 0,
 *     NSID bytes 7:4, CDW10 bytes 43:40, CDW11 bytes 47:44), written here by hand.
 *   ATA: SAT-3 ATA PASS-THROUGH(16) (byte 1 PROTOCOL 4:1, EXTEND 0; byte 2 CK_COND 5, T_DIR 3,
 *     BYT_BLOK 2, T_LENGTH 1:0; bytes 3-14 the taskfile, "previous" halves in 3, 5, 7, 9, 11)
 *     and ACS-3 7.36 SANITIZE DEVICE: the LBA signatures 43727970h "Cryp" (CRYPTO SCRAMBLE
 *     EXT), 426B4572h "BkEr" (BLOCK ERASE EXT), 4F57h "OW" in LBA 47:32 (OVERWRITE EXT), as
 *     hdparm's sanitize.c names them too. Every CDB below is written out byte by byte.
 *   SCSI: SBC-4 5.30 SANITIZE: byte 1 IMMED 7, ZNR 6, AUSE 5, SERVICE ACTION 4:0 (01h
 *     overwrite, 02h block erase, 03h cryptographic erase); PARAMETER LIST LENGTH bytes 7-8.
 */
#include <check.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "health-internal.h"
#include "purge-internal.h"
#include "testutil.h"

static struct nvme_passthru_cmd seen;

/* Every admin command libnvme sends lands here, succeeds, and is kept for the test. */
int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == NVME_IOCTL_ADMIN_CMD || req == NVME_IOCTL_ADMIN64_CMD) {
		memcpy(&seen, arg, sizeof(seen)); /* the 64-bit form shares the first fields */
		return 0;
	}
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}

/* The submission entry of what the ioctl received, laid out by hand. */
static void entry_of_seen(uint8_t *sqe)
{
	memset(sqe, 0, 64);
	sqe[0] = seen.opcode;
	for (int i = 0; i < 4; i++) {
		sqe[4 + i] = (uint8_t)(seen.nsid >> (8 * i));
		sqe[40 + i] = (uint8_t)(seen.cdw10 >> (8 * i));
		sqe[44 + i] = (uint8_t)(seen.cdw11 >> (8 * i));
	}
}

START_TEST(test_nvme_sanitize_as_sent)
{
	static const struct {
		enum ws_technique t;
		int sanact;
		const char *params;
	} want[] = {
		{ WS_TECH_NVME_SANITIZE_CRYPTO, 4,
		  "SANACT=4 (crypto erase), AUSE=0, OWPASS=1, OIPBP=0, NDAS=0, EMVS=0, "
		  "OVRPAT=0x00000000" },
		{ WS_TECH_NVME_SANITIZE_BLOCK, 2, "SANACT=2 (block erase), AUSE=0, OWPASS=1" },
		{ WS_TECH_NVME_SANITIZE_OVERWRITE, 3, "SANACT=3 (overwrite), AUSE=0, OWPASS=1" },
		{ WS_TECH_NVME_SANITIZE_EXIT_FAILURE, 1, "SANACT=1 (exit failure mode)" },
	};

	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		struct ws_command_record rec;
		uint8_t sqe[64];
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC), status;

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(ws_nvme_sanitize_start(fd, want[i].sanact, 0, &status), 0);
		close(fd);
		entry_of_seen(sqe);
		ws_cmd_nvme_sanitize_record(NULL, want[i].t, &rec);
		ck_assert_str_eq(rec.interface, "NVMe");
		ck_assert_str_eq(rec.name, "Sanitize");
		ck_assert_uint_eq(rec.n_bytes, 64);
		ck_assert_msg(memcmp(rec.bytes, sqe, 64) == 0, "technique %d: not as sent",
		              want[i].t);
		ck_assert_msg(strncmp(rec.parameters, want[i].params, strlen(want[i].params)) == 0,
		              "%s", rec.parameters);
	}
}
END_TEST

START_TEST(test_nvme_format_as_sent)
{
	const struct ws_nvme_info n = { .nsid = 1, .flbas = 0x31, .dps = 0x09 };
	struct ws_command_record rec;
	uint8_t sqe[64];
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), status;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ws_nvme_format(fd, &n, 2, 600000, &status), 0);
	close(fd);
	entry_of_seen(sqe);
	ws_cmd_nvme_format_record(&n, 2, &rec);
	ck_assert_str_eq(rec.name, "Format NVM");
	ck_assert(memcmp(rec.bytes, sqe, 64) == 0);
	/* FLBAS 31h: format 17 (LBAFU 1, LBAFL 1), MSET 1; DPS 09h: PI 1, PIL 1 */
	ck_assert_str_eq(rec.parameters,
	                 "NSID=1, LBAF=17, MSET=1, PI=1, PIL=1, SES=2 (cryptographic erase)");
}
END_TEST

static void hexcmp(const struct ws_command_record *rec, const uint8_t *want, size_t n)
{
	ck_assert_uint_eq(rec->n_bytes, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(rec->bytes[i] == want[i], "%s byte %zu: %02x, want %02x", rec->name,
		              i, rec->bytes[i], want[i]);
}

START_TEST(test_ata_sanitize_cdbs)
{
	/* 85h; PROTOCOL 3 (non-data) << 1 | EXTEND; CK_COND; FEATURE 15:8, 7:0; COUNT 15:8,
	 * 7:0; LBA 31:24, 7:0, 39:32, 15:8, 47:40, 23:16; DEVICE; COMMAND B4h; CONTROL */
	static const uint8_t crypto[16] = { 0x85, 0x07, 0x20, 0x00, 0x11, 0x00, 0x00, 0x43,
		                            0x70, 0x00, 0x79, 0x00, 0x72, 0x00, 0xb4, 0x00 };
	static const uint8_t block[16] = { 0x85, 0x07, 0x20, 0x00, 0x12, 0x00, 0x00, 0x42,
		                           0x72, 0x00, 0x45, 0x00, 0x6b, 0x00, 0xb4, 0x00 };
	static const uint8_t overwrite[16] = { 0x85, 0x07, 0x20, 0x00, 0x14, 0x00, 0x01, 0x00,
		                               0x00, 0x57, 0x00, 0x4f, 0x00, 0x00, 0xb4, 0x00 };
	struct ws_command_record rec;

	ws_cmd_ata_sanitize_record(NULL, WS_TECH_ATA_SANITIZE_CRYPTO, &rec);
	ck_assert_str_eq(rec.name, "SANITIZE DEVICE (CRYPTO SCRAMBLE EXT)");
	hexcmp(&rec, crypto, 16);
	ck_assert_ptr_nonnull(strstr(rec.parameters, "LBA=000043727970h (signature \"Cryp\")"));
	ws_cmd_ata_sanitize_record(NULL, WS_TECH_ATA_SANITIZE_BLOCK, &rec);
	hexcmp(&rec, block, 16);
	ck_assert_ptr_nonnull(strstr(rec.parameters, "(signature \"BkEr\")"));
	ws_cmd_ata_sanitize_record(NULL, WS_TECH_ATA_SANITIZE_OVERWRITE, &rec);
	hexcmp(&rec, overwrite, 16);
	ck_assert_ptr_nonnull(strstr(rec.parameters, "LBA 47:32=4F57h (signature \"OW\")"));
	ck_assert_ptr_nonnull(strstr(rec.parameters, "OVERWRITE LOOP COUNT 1, INVERT PATTERN 0"));
}
END_TEST

START_TEST(test_ata_security_records)
{
	/* SET PASSWORD: PROTOCOL 5 (PIO data-out) << 1 | EXTEND; BYT_BLOK | T_LENGTH in COUNT;
	 * COUNT 1; COMMAND F1h */
	static const uint8_t set_password[16] = { 0x85, 0x0b, 0x06, 0, 0, 0, 0x01, 0,
		                                  0,    0,    0,    0, 0, 0, 0xf1, 0 };
	const struct ws_ata_cmd c = { .protocol = WS_ATA_PIO_OUT, .command = 0xf1, .count = 1 };
	const struct ws_ata_cmd unit = { .protocol = WS_ATA_PIO_OUT, .command = 0xf4, .count = 1 };
	struct ws_command_record rec;

	ws_cmd_ata_security(&rec, &c, 0, "(one-time password, in security-passwords.log)");
	ck_assert_str_eq(rec.name, "SECURITY SET PASSWORD");
	hexcmp(&rec, set_password, 16);
	ck_assert_ptr_nonnull(
	    strstr(rec.parameters, "(one-time password, in security-passwords.log)"));
	ws_cmd_ata_security(&rec, &unit, 2, "(pw)");
	ck_assert_ptr_nonnull(
	    strstr(rec.parameters, "word 0=0002h (user password, enhanced erase)"));
}
END_TEST

START_TEST(test_scsi_sanitize_cdbs)
{
	static const uint8_t crypto[10] = { 0x48, 0x83, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t overwrite[10] = { 0x48, 0x81, 0, 0, 0, 0, 0, 0, 0x08, 0 };
	struct ws_command_record rec;

	ws_cmd_scsi_sanitize_record(NULL, WS_TECH_SCSI_SANITIZE_CRYPTO, &rec);
	ck_assert_str_eq(rec.interface, "SCSI");
	hexcmp(&rec, crypto, 10);
	ck_assert_ptr_nonnull(strstr(
	    rec.parameters, "SERVICE ACTION=03h (CRYPTOGRAPHIC ERASE), IMMED=1, ZNR=0, AUSE=0"));
	ws_cmd_scsi_sanitize_record(NULL, WS_TECH_SCSI_SANITIZE_OVERWRITE, &rec);
	hexcmp(&rec, overwrite, 10);
	ck_assert_ptr_nonnull(strstr(rec.parameters, "parameter list: 0100000400000000"));
}
END_TEST

START_TEST(test_result_keeps_what_was_sent)
{
	struct ws_result *res = calloc(1, sizeof(*res));
	struct ws_command_record rec, none = { 0 };

	ck_assert_ptr_nonnull(res);
	ws_cmd_scsi_sanitize_record(NULL, WS_TECH_SCSI_SANITIZE_BLOCK, &rec);
	rec.status = 5;
	ws_result_add_command(res, &none); /* never sent: no bytes */
	ck_assert_uint_eq(res->n_commands, 0);
	for (int i = 0; i < WS_MAX_COMMANDS + 2; i++)
		ws_result_add_command(res, &rec);
	ck_assert_uint_eq(res->n_commands, WS_MAX_COMMANDS);
	ck_assert_int_eq(res->commands[0].status, 5);
	ck_assert_int_gt(res->commands[0].sent_ns, 0);
	free(res);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("commands");
	TCase *tc = tcase_create("known answers");

	tcase_add_test(tc, test_nvme_sanitize_as_sent);
	tcase_add_test(tc, test_nvme_format_as_sent);
	tcase_add_test(tc, test_ata_sanitize_cdbs);
	tcase_add_test(tc, test_ata_security_records);
	tcase_add_test(tc, test_scsi_sanitize_cdbs);
	tcase_add_test(tc, test_result_keeps_what_was_sent);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
