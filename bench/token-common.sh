# shellcheck shell=bash disable=SC2154 # bench, build and n come from the script sourcing it
# bench/token-common.sh - what bench/token-sign.sh and bench/operator-sign.sh share, sourced
# by both after setting $bench (the script's name), $build and $n: a temporary directory
# with SoftHSM2 holding one token "bench" (PIN 1234 in $tmp/pin), a CA ($tmp/ca), a
# station key file ($tmp/station), an operator key and certificate on the token (object
# "card"), a 4 MiB image file, and run(), the mean wall time of N wipes.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli=$build/src/wipeseal
[ -x "$cli" ] || {
	echo "$bench: build first ($cli is missing)" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOFTHSM2_CONF=$tmp/softhsm2.conf
mkdir -p "$tmp/store"
printf 'directories.tokendir = %s/store\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$tmp" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 87654321 >/dev/null
(umask 077 && echo 1234 >"$tmp/pin")
"$here/certs/make-ca.sh" "$tmp/ca" >/dev/null
"$here/certs/make-station.sh" "$tmp/ca" "$tmp/station" >/dev/null
"$here/certs/make-operator.sh" "$tmp/ca" "$tmp/op" --token bench --cn "Bench Operator" \
	--pin-file "$tmp/pin" >/dev/null
truncate -s 4M "$tmp/disk.img"

# mean seconds per wipe over N runs of: wipe with $tmp/ws.conf and the options "$@"
run() {
	local start end i
	start=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		"$cli" wipe --yes --config "$tmp/ws.conf" --verify none --audit-log "$tmp/audit.log" \
			--cert-dir "$tmp/certs" --destination other "$@" "$tmp/disk.img" >/dev/null
	done
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" -v n="$n" 'BEGIN { print (b - a) / n }'
}
