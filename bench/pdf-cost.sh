#!/usr/bin/env bash
# bench/pdf-cost.sh - what the PDF certificate costs per drive: the same small wipe (a 4 MiB
# image file, one zero pass, no verification) N times with `[certificate] pdf = no` and N
# times with the signed PDF written beside the certificate (cairo, pango, the QR code, the
# PAdES signature), each run a new process, so font loading is in the difference; then
# `wipeseal pdf` alone on one certificate, N times, in English and German.
#
#   bench/pdf-cost.sh [BUILD_DIR] [N]      (default build/plain, 20)
#
# Prints the mean wall time of each and the differences; everything is made in a temporary
# directory.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/plain} n=${2:-20}
cli=$build/src/wipeseal
[ -x "$cli" ] || {
	echo "bench/pdf-cost.sh: build first ($cli is missing)" >&2
	exit 1
}
export WIPESEAL_LOCALEDIR=$build/locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/certs/make-ca.sh" "$tmp/ca" >/dev/null
"$here/certs/make-station.sh" "$tmp/ca" "$tmp/station" >/dev/null
truncate -s 4M "$tmp/disk.img"

# mean seconds over N runs of the command "$@"
mean() {
	local start end i
	start=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null
	done
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" -v n="$n" 'BEGIN { print (b - a) / n }'
}
wipe() { # yes|no
	printf '[signer]\nkey = %s/station/signer.key\ncert = %s/station/signer.pem\n[certificate]\npdf = %s\n' \
		"$tmp" "$tmp" "$1" >"$tmp/ws.conf"
	"$cli" wipe --yes --config "$tmp/ws.conf" --verify none --audit-log "$tmp/audit.log" \
		--cert-dir "$tmp/certs-$1" --operator bench --destination other "$tmp/disk.img"
}
without=$(mean wipe no)
with=$(mean wipe yes)
[ "$(find "$tmp/certs-yes" -name '*.pdf' | wc -l)" = "$n" ] || {
	echo "bench/pdf-cost.sh: not every wipe wrote its PDF" >&2
	exit 1
}
cert=$(find "$tmp/certs-no" -name '*.json' | head -n1)
pdf() { "$cli" pdf --config "$tmp/ws.conf" --lang "$1" --force --out "$tmp/one.pdf" "$cert"; }
en=$(mean pdf en)
de=$(mean pdf de)
printf 'wipe, certificate alone:          %.3f s per wipe\n' "$without"
printf 'wipe, certificate and its PDF:    %.3f s per wipe\n' "$with"
printf 'the PDF adds:                     %.3f s per drive (N=%d)\n' \
	"$(awk -v a="$without" -v b="$with" 'BEGIN { print b - a }')" "$n"
printf 'wipeseal pdf alone, en / de:      %.3f / %.3f s per certificate\n' "$en" "$de"
