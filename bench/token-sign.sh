#!/usr/bin/env bash
# bench/token-sign.sh - what a signer key on a token costs per certificate: the same small
# wipe (a 4 MiB image file, one zero pass, no verification) signed N times with a key file
# and N times with the same kind of key on SoftHSM2 (through p11-kit's proxy, as a card
# through OpenSC would be reached), each run a new process: the token's module load, login,
# the CMS signature and the audit log's two signed lines are all in the difference.
#
#   bench/token-sign.sh [BUILD_DIR] [N]      (default build/plain, 20)
#
# Prints the mean wall time per wipe of each and the difference. Needs softhsm2, opensc and
# libengine-pkcs11-openssl (scripts/deps.sh); everything is made in a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/plain} n=${2:-20}
cli=$build/src/wipeseal
[ -x "$cli" ] || {
	echo "bench/token-sign.sh: build first ($cli is missing)" >&2
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
"$here/certs/make-station.sh" "$tmp/ca" "$tmp/file" >/dev/null
"$here/certs/make-operator.sh" "$tmp/ca" "$tmp/token" --token bench --cn "Bench Operator" \
	--pin-file "$tmp/pin" >/dev/null
printf '[signer]\npin_file = %s/pin\n' "$tmp" >"$tmp/ws.conf"
truncate -s 4M "$tmp/disk.img"

# mean seconds per wipe over N runs of: wipe with the signer options "$@"
run() {
	local start end i
	start=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		"$cli" wipe --yes --config "$tmp/ws.conf" --verify none --audit-log "$tmp/audit.log" \
			--cert-dir "$tmp/certs" --operator bench --destination other "$@" \
			"$tmp/disk.img" >/dev/null
	done
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" -v n="$n" 'BEGIN { print (b - a) / n }'
}
file=$(run --signer-key "$tmp/file/signer.key" --signer-cert "$tmp/file/signer.pem")
token=$(run --signer-key "pkcs11:token=bench;object=card")
printf 'key file (RSA 3072):          %.3f s per wipe\n' "$file"
printf 'key on SoftHSM2 (RSA 3072):   %.3f s per wipe\n' "$token"
printf 'the token adds:               %.3f s per certificate (N=%d)\n' \
	"$(awk -v a="$file" -v b="$token" 'BEGIN { print b - a }')" "$n"
