#!/usr/bin/env bash
# bench/verify-dir.sh - `wipeseal verify DIR` over a tree of really signed certificates: the
# time, certificates per second and peak memory (/usr/bin/time -v) at 10,000 and at N
# (default 100,000), so that what grows with the count shows. The certificates are made by
# bench/gen-certs from a real wipe's certificate (8 stations, each a series; a directory per
# 1,000), under $WS_BENCH_DATA (default /work/bench-data/verify-dir), removed at the end.
#
#   bench/verify-dir.sh [BUILD_DIR] [N]      (default build/plain, 100000)
#
# The tree is read warm (just written, in the page cache): the figure is the checking, not
# the disk. Needs about 0.9 GB per 100,000 certificates.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/plain} n=${2:-100000}
cli=$build/src/wipeseal gen=$build/bench/gen-certs
for f in "$cli" "$gen"; do
	[ -x "$f" ] || {
		echo "bench/verify-dir.sh: build first ($f is missing)" >&2
		exit 1
	}
done
data=${WS_BENCH_DATA:-/work/bench-data/verify-dir}
[ ! -e "$data" ] || {
	echo "bench/verify-dir.sh: $data exists: remove it or set WS_BENCH_DATA" >&2
	exit 1
}
mkdir -p "$data"
trap 'rm -rf "$data"' EXIT
# shellcheck source=bench/bench-certs.sh
. "$here/bench/bench-certs.sh"
bench_pki 8

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r); commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
for count in ${WS_BENCH_SMALL:-10000} "$n"; do
	start=$(date +%s.%N)
	"$gen" --template "$data/template.json" "${stations[@]}" --count "$count" \
		--out "$data/tree-$count"
	made=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	/usr/bin/time -v "$cli" verify --ca "$data/ca/ca.pem" "$data/tree-$count" \
		>"$data/out-$count" 2>"$data/time-$count" || {
		echo "bench/verify-dir.sh: verify failed over $count certificates:" >&2
		tail -n 3 "$data/out-$count" "$data/time-$count" >&2
		exit 1
	}
	ok=$(grep -c ': OK (signed by' "$data/out-$count")
	[ "$ok" = "$count" ] || {
		echo "bench/verify-dir.sh: $ok of $count verified" >&2
		exit 1
	}
	secs=$(wall "$data/time-$count")
	printf '%7d certificates: generated and signed in %5s s; verify %6.1f s, %5.0f certificates/s, peak RSS %6d KiB; %s; %s\n' \
		"$count" "$made" "$secs" "$(awk -v n="$count" -v s="$secs" 'BEGIN { print n / s }')" \
		"$(peak_rss "$data/time-$count")" "$(grep '^series:' "$data/out-$count")" \
		"$(tail -n 1 "$data/out-$count")"
	rm -rf "$data/tree-$count"
done
