/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-nvme-kat.c - known answers for the NVMe commands nvme.c sends: the admin command
 * (opcode, NSID, command dwords) that reaches NVME_IOCTL_ADMIN_CMD, caught here by an
 * ioctl() of our own that libnvme's call resolves to, and compared with dwords written down
 * from the specification's figures.
 *
 * Sources:
 *   NVMe Base Specification 2.0, Sanitize command (admin opcode 84h): Command Dword 10
 *     SANACT 2:0 (001b exit failure mode, 010b block erase, 011b overwrite, 100b crypto
 *     erase), AUSE 3, OWPASS 7:4, OIPBP 8, NDAS 9; Command Dword 11 OVRPAT. NSID unused (0).
 *   NVMe NVM Command Set / Base 2.0, Format NVM (admin opcode 80h): Command Dword 10 LBAFL
 *     3:0, MSET 4, PI 7:5, PIL 8, SES 11:9 (000b none, 001b user data erase, 010b
 *     cryptographic erase), LBAFU 13:12; Identify Namespace FLBAS 3:0 + 6:5 the format,
 *     bit 4 extended metadata; DPS 2:0 PI type, bit 3 PI in the first bytes.
 *   nvme-cli nvme.c sanitize_cmd()/format_cmd() name the same fields (--sanact, --ause,
 *   --owpass, --oipbp, --no-dealloc; --lbaf, --ses, --pi, --pil, --ms).
 */
#include <check.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "purge-internal.h"
#include "testutil.h"

static struct nvme_passthru_cmd seen;
static int n_seen;

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
		n_seen++;
		return 0;
	}
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}

static int null_fd(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	memset(&seen, 0, sizeof(seen));
	n_seen = 0;
	return fd;
}

START_TEST(test_sanitize_dwords)
{
	static const struct {
		int sanact;
		uint32_t ovrpat;
		uint32_t cdw10; /* SANACT | OWPASS 1 << 4 (one pass; ignored unless overwrite) */
	} want[] = {
		{ 4, 0, 0x00000014 },          /* crypto erase */
		{ 2, 0, 0x00000012 },          /* block erase */
		{ 3, 0xdeadbeef, 0x00000013 }, /* overwrite, pattern in CDW11 */
		{ 1, 0, 0x00000011 },          /* exit failure mode */
	};

	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		int fd = null_fd(), status = -1;

		ck_assert_int_eq(
		    ws_nvme_sanitize_start(fd, want[i].sanact, want[i].ovrpat, &status), 0);
		ck_assert_int_eq(status, 0);
		ck_assert_int_eq(n_seen, 1);
		ck_assert_uint_eq(seen.opcode, 0x84);
		ck_assert_uint_eq(seen.nsid, 0);
		ck_assert_msg(seen.cdw10 == want[i].cdw10, "SANACT %d: CDW10 %08x, want %08x",
		              want[i].sanact, seen.cdw10, want[i].cdw10);
		ck_assert_uint_eq(seen.cdw11, want[i].ovrpat);
		ck_assert_uint_eq(seen.data_len, 0);
		close(fd);
	}
}
END_TEST

START_TEST(test_format_dwords)
{
	/* FLBAS 31h: format 1 (3:0) with 6:5 = 01b (LBAFU 1), extended metadata (bit 4);
	 * DPS 09h: PI type 1, in the first bytes. SES 010b, cryptographic erase:
	 * LBAFL 1 | MSET 1 << 4 | PI 1 << 5 | PIL 1 << 8 | SES 2 << 9 | LBAFU 1 << 12 */
	const struct ws_nvme_info n = { .nsid = 1, .flbas = 0x31, .dps = 0x09 };
	/* FLBAS 02h, DPS 0, SES 001b (user data erase): LBAFL 2 | SES 1 << 9 */
	const struct ws_nvme_info plain = { .nsid = 3, .flbas = 0x02 };
	int fd = null_fd(), status = -1;

	ck_assert_int_eq(ws_nvme_format(fd, &n, 2, 600000, &status), 0);
	ck_assert_int_eq(n_seen, 1);
	ck_assert_uint_eq(seen.opcode, 0x80);
	ck_assert_uint_eq(seen.nsid, 1);
	ck_assert_msg(seen.cdw10 == 0x1531, "CDW10 %08x, want 00001531", seen.cdw10);
	ck_assert_uint_eq(seen.timeout_ms, 600000);
	close(fd);
	fd = null_fd();
	ck_assert_int_eq(ws_nvme_format(fd, &plain, 1, 600000, &status), 0);
	ck_assert_uint_eq(seen.nsid, 3);
	ck_assert_msg(seen.cdw10 == 0x0202, "CDW10 %08x, want 00000202", seen.cdw10);
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nvme-kat");
	TCase *tc = tcase_create("known answers");

	tcase_add_test(tc, test_sanitize_dwords);
	tcase_add_test(tc, test_format_dwords);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
