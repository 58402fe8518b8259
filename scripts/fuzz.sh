#!/usr/bin/env bash
# scripts/fuzz.sh - build the libFuzzer harnesses with clang and run each for a while.
#
#   scripts/fuzz.sh [SECONDS]      default 30 per harness; scripts/test.sh runs it
#
# The seed corpus is made fresh: a throw-away CA and station (certs/), a real signed
# certificate of a wipe of a small image file and its audit log, the same certificate with
# an operator's signature beside the station's, and a few broken variants of each. Crashes, leaks and timeouts fail the run; their inputs are left in
# build/fuzz/artifacts/HARNESS/.
# Harnesses: fuzz-verify (certificates), fuzz-audit (the audit log); then the parsers of
# what devices and files say: fuzz-sense (sense data), fuzz-identify (IDENTIFY DEVICE data,
# seeded with the real drives' dumps of tests/unit/test-ata-kat.c), fuzz-config
# (configuration text, seeded with the example of docs/config.md) and fuzz-opal (TCG Level 0
# Discovery responses, seeded with an Opal 2 and a Pyrite 2 response); fuzz-sigcache (the DER
# of a signature parsed with the trust's certificate cache and by OpenSSL, which must agree,
# seeded with the signatures above).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=$PWD/build/fuzz
CC=clang cmake -S . -B "$out" -DWS_FUZZ=ON -DWS_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$out" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

work=$(mktemp -d /tmp/wipeseal-fuzz.XXXXXX)
trap '[ -n "${WS_FUZZ_KEEP:-}" ] || rm -rf "$work"' EXIT
certs/make-ca.sh "$work/ca" --demo >/dev/null
certs/make-station.sh "$work/ca" "$work/st" >/dev/null
truncate -s 4M "$work/disk.img"
ASAN_OPTIONS=detect_leaks=0 "$out/src/wipeseal" wipe --yes --verify none --cert-dir "$work/certs" \
	--signer-key "$work/st/signer.key" --signer-cert "$work/st/signer.pem" \
	--audit-log "$work/audit.log" "$work/disk.img" >/dev/null
mkdir -p "$work/corpus" "$out/artifacts"
seed() { # name, document file, signature file
	perl -e 'print pack("V", -s $ARGV[0])' "$2" >"$work/corpus/$1"
	cat "$2" "$3" >>"$work/corpus/$1"
}
doc=$(ls "$work"/certs/*.json)
seed real "$doc" "$doc.p7s"
head -c 200 "$doc" >"$work/short.json" && seed truncated "$work/short.json" "$doc.p7s"
printf '{"schema": "wipeseal-certificate/2"}' >"$work/min.json" && seed minimal "$work/min.json" "$doc.p7s"
printf '{"schema": "wipeseal-certificate/1"}' >"$work/min1.json" && seed minimal1 "$work/min1.json" "$doc.p7s"
head -c 300 "$doc.p7s" >"$work/short.p7s" && seed shortsig "$doc" "$work/short.p7s"
# two signers, the station's and an operator's (a file key with the operator marking): the
# per-signer checks of src/lib/verify-signers.c
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/op.key" -subj /CN=fuzz-operator \
	-out "$work/op.csr" 2>/dev/null
openssl x509 -req -in "$work/op.csr" -CA "$work/ca/ca.pem" -CAkey "$work/ca/ca.key" \
	-CAcreateserial -CAserial "$work/op.srl" -extfile certs/openssl.cnf -extensions v3_operator \
	-out "$work/op.pem" 2>/dev/null
openssl cms -resign -binary -inform PEM -in "$doc.p7s" -signer "$work/op.pem" \
	-inkey "$work/op.key" -outform PEM -out "$work/two.p7s" && seed two "$doc" "$work/two.p7s"

# the audit log: a real one (a SIGNER line, STARTED and SUCCESS lines), torn, unsigned
mkdir -p "$work/audit-corpus"
cp "$work/audit.log" "$work/audit-corpus/real"
head -c 700 "$work/audit.log" >"$work/audit-corpus/torn"
sed 's/,"signature":"[^"]*"}$/}/' "$work/audit.log" >"$work/audit-corpus/unsigned"

# run NAME CORPUS MAX_LEN: one harness for the given seconds; crashes, leaks and timeouts
# leave crash-*, leak-*, timeout-* files behind and fail the run
run() {
	echo "==> $1 for ${seconds}s"
	rm -rf "$out/artifacts/$1" && mkdir -p "$out/artifacts/$1"
	(cd "$out/artifacts/$1" && WS_FUZZ_CA="$work/ca/ca.pem" "$out/tests/fuzz/$1" \
		-max_total_time="$seconds" -max_len="$3" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 "$2" >"$work/$1.log" 2>&1) || true
	grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' \
		"$work/$1.log" || true
	if compgen -G "$out/artifacts/$1/crash-*" >/dev/null ||
		compgen -G "$out/artifacts/$1/leak-*" >/dev/null ||
		compgen -G "$out/artifacts/$1/timeout-*" >/dev/null; then
		sed -n '/==ERROR/,/^SUMMARY/p' "$work/$1.log" | head -120 >&2
		echo "$1 found a failing input: $out/artifacts/$1" >&2
		return 1
	fi
}
# the device and file parsers' seeds
mkdir -p "$work/sense" "$work/identify" "$work/config" "$work/opal"
# sense: [length][EXTEND<<7] then the bytes (SAT-4 ATA Status Return; SPC-4 fixed format)
printf '\x16\x80\x72\x01\x00\x1d\x00\x00\x00\x0e\x09\x0c\x01\x00\x00\x00\xd1\xaf\x01\xbe\x00\xc0\x40\x50' >"$work/sense/ata-ext"
printf '\x12\x00\x70\x00\x02\x00\x00\x00\x00\x0a\x00\x00\x00\x00\x04\x1b\x00\x80\x80\x00' >"$work/sense/fixed"
# identify: the words of the dumps in test-ata-kat.c, as the drive sends them (little-endian)
for dump in toshiba_mk4025gas samsung_870qvo; do
	perl -ne 'print pack("v*", map { hex } /0x([0-9a-f]{4})/g) if /\b'"$dump"'\[256\]/ .. /^};/' \
		tests/unit/test-ata-kat.c >"$work/identify/$dump"
done
# opal: the 48-byte header, TPer, Locking (enabled, locked, media encryption), Opal SSC V2;
# and TPer, Pyrite SSC V2, Data Removal Mechanism (overwrite and crypto erase)
{ printf '\x00\x00\x00\x60\x00\x00\x00\x01'; head -c 40 /dev/zero
	printf '\x00\x01\x10\x0c\x11'; head -c 11 /dev/zero
	printf '\x00\x02\x10\x0c\x0f'; head -c 11 /dev/zero
	printf '\x02\x03\x20\x10\x10\x00\x00\x01'; head -c 12 /dev/zero; } >"$work/opal/opal2"
{ printf '\x00\x00\x00\x74\x00\x00\x00\x01'; head -c 40 /dev/zero
	printf '\x00\x01\x10\x0c\x11'; head -c 11 /dev/zero
	printf '\x03\x03\x10\x10\x10\x00\x00\x01'; head -c 12 /dev/zero
	printf '\x04\x04\x10\x20\x00\x00\x05\x04\x00\x1e\x00\x00\x00\x03'; head -c 22 /dev/zero; } >"$work/opal/pyrite2"
# sigcache: the DER of the signatures (one signer, two)
mkdir -p "$work/sigcache"
for s in "$doc.p7s" "$work/two.p7s" "$work/short.p7s"; do
	openssl cms -cmsout -inform PEM -in "$s" -outform DER -out "$work/sigcache/$(basename "$s").der" 2>/dev/null || true
done
awk '/^```ini/ { n++; next } /^```/ { if (n == 2) exit } n == 2' docs/config.md >"$work/config/example"

failed=0
run fuzz-verify "$work/corpus" 65536 || failed=1
run fuzz-audit "$work/audit-corpus" 65536 || failed=1
for h in sense identify config opal; do
	run "fuzz-$h" "$work/$h" 4096 || failed=1
done
run fuzz-sigcache "$work/sigcache" 16384 || failed=1
[ "$failed" = 0 ] || exit 1
echo "==> fuzzing found nothing"
