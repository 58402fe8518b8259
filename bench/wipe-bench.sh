#!/usr/bin/env bash
# bench/wipe-bench.sh - how fast wipeseal's Clear runs against the tools people compare it
# with, on the same targets, in one run:
#   ram   a loop device over a pre-filled file in /dev/shm (the device is never the limit)
#   disk  an image file on the file system holding /var/tmp
# For each: dd's zero write (oflag=direct, bs=4M) and direct read, wipeseal's zero pass,
# random pass, full and 10% sampled verification, `shred -n1`, and nwipe's zero method;
# then four RAM targets at once against four parallel dd runs, and wipeseal's peak memory.
# Prints the figures and the ratios the project targets (docs/performance.md).
#
#   bench/wipe-bench.sh [--ram-gib N] [--disk-gib N] [--reps N] [--no-nwipe]
#
# Needs root (loop devices). Only touches files and loop devices it creates, and removes
# them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

ram_gib=4 disk_gib=2 reps=5 nwipe=1
while [ $# -gt 0 ]; do
	case $1 in
	--ram-gib) ram_gib=$2 && shift ;;
	--disk-gib) disk_gib=$2 && shift ;;
	--reps) reps=$2 && shift ;;
	--no-nwipe) nwipe=0 ;;
	*)
		echo "usage: bench/wipe-bench.sh [--ram-gib N] [--disk-gib N] [--reps N] [--no-nwipe]" >&2
		exit 2
		;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || {
	echo "bench/wipe-bench.sh: needs root for loop devices" >&2
	exit 2
}

# shellcheck source=scripts/deps.sh
. scripts/deps.sh
WS_PACKAGES+=(jq time bc coreutils)
[ "$nwipe" = 1 ] && WS_PACKAGES+=(nwipe)
ws_install_deps
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/bench -j "$(nproc)" >/dev/null
ws=$PWD/build/bench/src/wipeseal

work=$(mktemp -d /var/tmp/wipeseal-bench.XXXXXX)
shm=$(mktemp -d /dev/shm/wipeseal-bench.XXXXXX)
loops=()
cleanup() {
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$work" "$shm"
}
trap cleanup EXIT

now() { date +%s%N; }
# seconds taken by a command (its output discarded)
timed() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}
# best (smallest) of $reps runs
best() {
	local b="" t i
	for ((i = 0; i < reps; i++)); do
		t=$(timed "$@")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
mbps() { echo "scale=0; $1 / $2 / 1000000" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }
# a wipeseal run; its result line (JSON) on stdout
ws_json() { "$ws" wipe --yes --unsigned --json --cert-dir "$work/certs" "$@" | tail -n 1; }

# best of $reps `wipe -m METHOD --verify none`: "wall-seconds pass-bytes-per-second", the
# smallest wall time and the highest pass throughput (write + flush) from the result
ws_best() {
	local bw="" bp=0 t0 t1 w p i
	for ((i = 0; i < reps; i++)); do
		t0=$(now)
		p=$(ws_json -m "$1" --verify none "$2" | jq -r '.result.passes[0].throughput_bytes_per_second')
		t1=$(now)
		w=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
		if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc)" = 1 ]; then bw=$w; fi
		[ "$p" -gt "$bp" ] && bp=$p
	done
	echo "$bw $bp"
}

# best of $reps verifications (after a zero pass): "seconds bytes-checked" of the fastest
ws_verify_best() {
	local b="" bytes=0 j d i
	for ((i = 0; i < reps; i++)); do
		j=$(ws_json -m zero --verify "$1" "$2")
		d=$(echo "$j" | jq -r '.result.verification | (.bytes_checked / .throughput_bytes_per_second * 1000 | round / 1000)')
		if [ -z "$b" ] || [ "$(echo "$d < $b" | bc)" = 1 ]; then
			b=$d
			bytes=$(echo "$j" | jq -r '.result.verification.bytes_checked')
		fi
	done
	echo "$b $bytes"
}

prefill() { # file, GiB: allocate every page/block so that first-touch costs are not measured
	dd if=/dev/zero of="$1" bs=4M count=$(($2 * 256)) status=none
}

declare -A R
bench_target() { # name, path, bytes
	local name=$1 t=$2 bytes=$3 j
	echo "== $name: $t ($((bytes >> 20)) MiB)" >&2
	R[$name.dd_write]=$(best dd if=/dev/zero of="$t" bs=4M oflag=direct conv=notrunc count=$((bytes >> 22)))
	R[$name.dd_read]=$(best dd if="$t" of=/dev/null bs=4M iflag=direct)
	read -r "R[$name.ws_zero]" "R[$name.ws_zero_pass]" < <(ws_best zero "$t")
	read -r "R[$name.ws_random]" "R[$name.ws_random_pass]" < <(ws_best random "$t")
	read -r "R[$name.ws_full]" "R[$name.ws_full_bytes]" < <(ws_verify_best full "$t")
	read -r "R[$name.ws_sample]" "R[$name.ws_sample_bytes]" < <(ws_verify_best sample "$t")
	R[$name.shred]=$(best shred -n1 "$t")
	if [ "$nwipe" = 1 ] && [ -b "$t" ]; then
		R[$name.nwipe]=$(timed nwipe --autonuke --nogui --nowait --noblank --verify=off -m zero "$t")
	else
		R[$name.nwipe]=""
	fi
	R[$name.bytes]=$bytes
}

report_target() {
	local n=$1 b=${R[$1.bytes]}
	printf '\n%s (%d MiB)\n' "$n" $((b >> 20))
	printf '  %-34s %8s s %7s MB/s\n' \
		"dd zero write (oflag=direct 4M)" "${R[$n.dd_write]}" "$(mbps "$b" "${R[$n.dd_write]}")" \
		"dd read (iflag=direct 4M)" "${R[$n.dd_read]}" "$(mbps "$b" "${R[$n.dd_read]}")" \
		"wipeseal zero pass (whole command)" "${R[$n.ws_zero]}" "$(mbps "$b" "${R[$n.ws_zero]}")" \
		"wipeseal zero pass (write+flush)" "$(echo "scale=3; $b / ${R[$n.ws_zero_pass]}" | bc)" \
		"$((R[$n.ws_zero_pass] / 1000000))" \
		"wipeseal random pass (whole cmd)" "${R[$n.ws_random]}" "$(mbps "$b" "${R[$n.ws_random]}")" \
		"wipeseal random pass (write+flush)" "$(echo "scale=3; $b / ${R[$n.ws_random_pass]}" | bc)" \
		"$((R[$n.ws_random_pass] / 1000000))" \
		"wipeseal full verification" "${R[$n.ws_full]}" "$(mbps "${R[$n.ws_full_bytes]}" "${R[$n.ws_full]}")" \
		"wipeseal 10% sample verification" "${R[$n.ws_sample]}" "$(mbps "${R[$n.ws_sample_bytes]}" "${R[$n.ws_sample]}")" \
		"shred -n1 (random)" "${R[$n.shred]}" "$(mbps "$b" "${R[$n.shred]}")"
	if [ -n "${R[$n.nwipe]}" ]; then
		printf '  %-34s %8s s %7s MB/s\n' "nwipe -m zero (whole command)" "${R[$n.nwipe]}" \
			"$(mbps "$b" "${R[$n.nwipe]}")"
	fi
	printf '  %-52s %5s (target >= 0.95)\n' "zero pass / dd zero (throughput, pass)" \
		"$(echo "scale=2; ${R[$n.ws_zero_pass]} / ($b / ${R[$n.dd_write]})" | bc)" \
		"zero pass / dd zero (whole command)" "$(ratio "${R[$n.dd_write]}" "${R[$n.ws_zero]}")"
	printf '  %-52s %5s (target >= 0.90)\n' "random pass / dd zero (throughput, pass)" \
		"$(echo "scale=2; ${R[$n.ws_random_pass]} / ($b / ${R[$n.dd_write]})" | bc)" \
		"random pass / dd zero (whole command)" "$(ratio "${R[$n.dd_write]}" "${R[$n.ws_random]}")"
	printf '  %-52s %5s (target >= 0.90)\n' "full verification / dd read" \
		"$(echo "scale=2; (${R[$n.ws_full_bytes]} / ${R[$n.ws_full]}) / ($b / ${R[$n.dd_read]})" | bc)"
	printf '  %-52s %5s (target <= 0.15)\n' "sample time / full verification time" \
		"$(ratio "${R[$n.ws_sample]}" "${R[$n.ws_full]}")"
	printf '  %-52s %5s\n' "random pass / shred -n1 (speed-up)" \
		"$(ratio "${R[$n.shred]}" "${R[$n.ws_random]}")"
}

# ---- single targets ------------------------------------------------------------------------
prefill "$shm/ram.img" "$ram_gib"
ram=$(losetup -f --show "$shm/ram.img")
loops+=("$ram")
bench_target ram "$ram" $((ram_gib << 30))
prefill "$work/disk.img" "$disk_gib"
bench_target disk "$work/disk.img" $((disk_gib << 30))
losetup -d "$ram" && loops=()
rm -f "$shm/ram.img"

# ---- four at once --------------------------------------------------------------------------
four=()
for i in 1 2 3 4; do
	prefill "$shm/p$i.img" 1
	l=$(losetup -f --show "$shm/p$i.img")
	loops+=("$l")
	four+=("$l")
done
par_dd() {
	for l in "${four[@]}"; do dd if=/dev/zero of="$l" bs=4M oflag=direct status=none & done
	wait
}
echo "== four RAM targets at once" >&2
R[four.dd]=$(best par_dd)
R[four.ws]=$(best "$ws" wipe --yes --unsigned -m zero --verify none --cert-dir "$work/certs" "${four[@]}")

# ---- memory --------------------------------------------------------------------------------
mem1=$(/usr/bin/time -f %M "$ws" wipe --yes --unsigned -m random --verify full --cert-dir "$work/certs" \
	"${four[0]}" 2>&1 >/dev/null | tail -n 1)
mem4=$(/usr/bin/time -f %M "$ws" wipe --yes --unsigned -m random --verify full --cert-dir "$work/certs" \
	"${four[@]}" 2>&1 >/dev/null | tail -n 1)

# ---- report --------------------------------------------------------------------------------
echo
echo "wipeseal $("$ws" --version | cut -d' ' -f2-), $(nproc) CPUs, kernel $(uname -r), $(date -u +%FT%TZ)"
echo "best of $reps runs; 'whole command' rows time the process (gate, pass, flush, probe,"
echo "result file); 'write+flush' and verification rows are the phase times from the result."
report_target ram
report_target disk
printf '\nfour RAM targets of 1024 MiB at once\n'
printf '  %-34s %8s s\n' "4 x dd zero (parallel)" "${R[four.dd]}" "wipeseal wipe A B C D" "${R[four.ws]}"
printf '  %-52s %5s (target >= 0.90)\n' "wipeseal / parallel dd (throughput ratio)" \
	"$(ratio "${R[four.dd]}" "${R[four.ws]}")"
printf '\npeak memory (max RSS)\n'
printf '  %-52s %6d KiB (target <= 65536)\n' "one target, random + full verify" "$mem1"
printf '  %-52s %6d KiB per target\n' "four targets, random + full verify" $((mem4 / 4))
