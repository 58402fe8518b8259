#!/usr/bin/env bash
# certs/make-csr.sh - a station key and a certificate signing request for an existing CA
# (the organization's own PKI rather than make-ca.sh).
#
#   certs/make-csr.sh OUT_DIR [--cn "station-01"] [--ec]
#
# Writes OUT_DIR/signer.key (RSA 3072 or EC P-384, mode 600) and OUT_DIR/signer.csr asking
# for keyUsage digitalSignature and extendedKeyUsage documentSigning (1.3.6.1.5.5.7.3.36).
# Send the CSR to the CA; install what comes back as OUT_DIR/signer.pem.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: certs/make-csr.sh OUT_DIR [--cn NAME] [--ec]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
out=$1
shift
cn="wipeseal station $(hostname)" alg=(-algorithm RSA -pkeyopt rsa_keygen_bits:3072)
while [ $# -gt 0 ]; do
	case $1 in
	--cn) cn=$2 && shift ;;
	--ec) alg=(-algorithm EC -pkeyopt ec_paramgen_curve:P-384) ;;
	*) usage ;;
	esac
	shift
done
mkdir -p "$out"
(umask 077 && openssl genpkey -quiet "${alg[@]}" -out "$out/signer.key")
openssl req -config "$here/openssl.cnf" -new -key "$out/signer.key" -subj "/CN=$cn" \
	-reqexts v3_station_req -out "$out/signer.csr"
echo "key: $out/signer.key; request: $out/signer.csr (send it to your CA)"
