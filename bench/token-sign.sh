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
bench=bench/token-sign.sh build=${1:-$(dirname "$0")/../build/plain} n=${2:-20}
# shellcheck source=bench/token-common.sh
. "$(dirname "$0")/token-common.sh"
printf '[signer]\npin_file = %s/pin\n' "$tmp" >"$tmp/ws.conf"
file=$(run --operator bench --signer-key "$tmp/station/signer.key" \
	--signer-cert "$tmp/station/signer.pem")
token=$(run --operator bench --signer-key "pkcs11:token=bench;object=card")
printf 'key file (RSA 3072):          %.3f s per wipe\n' "$file"
printf 'key on SoftHSM2 (RSA 3072):   %.3f s per wipe\n' "$token"
printf 'the token adds:               %.3f s per certificate (N=%d)\n' \
	"$(awk -v a="$file" -v b="$token" 'BEGIN { print b - a }')" "$n"
