#!/usr/bin/env bash
# bench/operator-sign.sh - what an operator's card costs per drive: the same small wipe (a
# 4 MiB image file, one zero pass, no verification) N times signed by the station alone and
# N times with `--operator-card` on SoftHSM2 (through p11-kit's proxy, as a card through
# OpenSC would be reached), each run a new process: the card's module load, the login and
# its checks (CA, operator policy), the LOGIN audit line, the operator's CMS SignerInfo
# beside the station's, and the operator fields of the other lines are all in the
# difference.
#
#   bench/operator-sign.sh [BUILD_DIR] [N]      (default build/plain, 20)
#
# Prints the mean wall time per wipe of each and the difference. Needs softhsm2, opensc and
# libengine-pkcs11-openssl (scripts/deps.sh); everything is made in a temporary directory.
set -euo pipefail
bench=bench/operator-sign.sh build=${1:-$(dirname "$0")/../build/plain} n=${2:-20}
# shellcheck source=bench/token-common.sh
. "$(dirname "$0")/token-common.sh"
printf '[signer]\nkey = %s/station/signer.key\ncert = %s/station/signer.pem\n[operators]\nca = %s/ca/ca.pem\npin_file = %s/pin\n' \
	"$tmp" "$tmp" "$tmp" "$tmp" >"$tmp/ws.conf"
station=$(run --operator bench)
both=$(run --operator-card "pkcs11:token=bench;object=card")
# every one of the second kind has both signers
for f in "$tmp"/certs/*.json; do
	grep -q '"operator_card"' "$f" || continue
	[ "$(openssl cms -cmsout -print -inform PEM -in "$f.p7s" | grep -c d.issuerAndSerialNumber)" = 2 ] || {
		echo "bench/operator-sign.sh: $f has not two signers" >&2
		exit 1
	}
done
printf 'station key alone (RSA 3072):             %.3f s per wipe\n' "$station"
printf 'plus an operator card on SoftHSM2 (RSA):  %.3f s per wipe\n' "$both"
printf 'the login and the second signer add:      %.3f s per drive (N=%d)\n' \
	"$(awk -v a="$station" -v b="$both" 'BEGIN { print b - a }')" "$n"
