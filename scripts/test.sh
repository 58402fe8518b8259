#!/usr/bin/env bash
# scripts/test.sh - install what is missing, build, and run the whole suite twice: a plain
# build and an AddressSanitizer + UndefinedBehaviorSanitizer build; then fuzz the
# certificate verifier for WS_FUZZ_SECONDS (default 5 per harness); the Debian package is tested after
# the plain suite (tests/pkg/test-deb.sh); then build the boot image and boot
# it under QEMU with BIOS and with UEFI Secure Boot (tests/vm/run.sh). Exits non-zero on any
# failure. Loop-device tests need root; without it they are reported as skipped.
#
#   scripts/test.sh           everything (what CI runs)
#   scripts/test.sh --quick   the plain build's suites only: the inner loop
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
quick=no
[ "${1:-}" = --quick ] && quick=yes
ws_install_deps

jobs=$(nproc 2>/dev/null || echo 2)
run_suite() { # name, cmake options...
	local name=$1
	shift
	echo "==> build ($name)"
	cmake -S . -B "build/$name" "$@" >/dev/null
	cmake --build "build/$name" -j "$jobs" >/dev/null
	echo "==> test ($name)"
	# the loop-device suites in two lanes (RESOURCE_LOCK loopdev, loopdev-b: docs/testing.md),
	# a suite that attaches none beside them; most of a suite's time is spent waiting
	ctest --test-dir "build/$name" --output-on-failure --timeout 600 -j "$((jobs + 1))"
}

run_suite plain -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ $quick = no ]; then
	# the .deb, built, linted, installed, used and purged (docs/release.md); 77: skipped
	echo "==> test (Debian package)"
	bash tests/pkg/test-deb.sh || [ $? = 77 ]
fi
if [ $quick = yes ]; then
	echo "==> quick: the plain suites passed (no sanitizers, clang, fuzzing or boot image)"
	exit 0
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON
# clang's warnings are not gcc's: the whole tree, tests included, must build warning-free
# with both (built only; the suites above ran the gcc builds)
echo "==> build (clang)"
CC=clang cmake -S . -B build/clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/clang -j "$jobs" >/dev/null
# the certificate reader and verifier under libFuzzer, for a short while
bash scripts/fuzz.sh "${WS_FUZZ_SECONDS:-5}"
# the boot image, booted under QEMU (software emulation) as a CD, BIOS and UEFI
echo "==> boot image (tests/vm)"
bash tests/vm/run.sh --binary build/plain/src/wipeseal
echo "==> all suites passed"
