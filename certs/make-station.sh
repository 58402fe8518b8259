#!/usr/bin/env bash
# certs/make-station.sh - issue a station's signing key and certificate from a CA made by
# make-ca.sh.
#
#   certs/make-station.sh CA_DIR OUT_DIR [--cn "station-01"] [--days 730] [--ec]
#
# Writes OUT_DIR/signer.key (RSA 3072, or EC P-384 with --ec; mode 600) and
# OUT_DIR/signer.pem (keyUsage digitalSignature, extendedKeyUsage documentSigning
# 1.3.6.1.5.5.7.3.36), and copies the CA certificate to OUT_DIR/ca.pem. An existing
# OUT_DIR/signer.key or signer.pem is never overwritten (exit 1), as make-ca.sh keeps a CA
# key: a station's key signed certificates that must stay verifiable. Then:
#   wipeseal wipe --signer-key OUT_DIR/signer.key --signer-cert OUT_DIR/signer.pem ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: certs/make-station.sh CA_DIR OUT_DIR [--cn NAME] [--days N] [--ec]" >&2
	exit 2
}
[ $# -ge 2 ] || usage
ca=$1 out=$2
shift 2
cn="wipeseal station $(hostname)" days=730 alg=(-algorithm RSA -pkeyopt rsa_keygen_bits:3072)
while [ $# -gt 0 ]; do
	case $1 in
	--cn) cn=$2 && shift ;;
	--days) days=$2 && shift ;;
	--ec) alg=(-algorithm EC -pkeyopt ec_paramgen_curve:P-384) ;;
	*) usage ;;
	esac
	shift
done
for f in "$ca/ca.key" "$ca/ca.pem"; do
	[ -r "$f" ] || {
		echo "certs/make-station.sh: cannot read $f (make one with certs/make-ca.sh)" >&2
		exit 1
	}
done
if [ -e "$out/signer.key" ]; then
	echo "certs/make-station.sh: $out/signer.key exists; refusing to overwrite a station key" >&2
	exit 1
fi
if [ -e "$out/signer.pem" ]; then
	echo "certs/make-station.sh: $out/signer.pem exists; refusing to overwrite a station certificate" >&2
	exit 1
fi
mkdir -p "$out"
(umask 077 && openssl genpkey -quiet "${alg[@]}" -out "$out/signer.key")
openssl req -config "$here/openssl.cnf" -new -key "$out/signer.key" -subj "/CN=$cn" \
	-out "$out/signer.csr"
openssl x509 -req -in "$out/signer.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" \
	-CAcreateserial -CAserial "$out/ca.srl" -sha256 -days "$days" \
	-extfile "$here/openssl.cnf" -extensions v3_station -out "$out/signer.pem" 2>/dev/null
cp "$ca/ca.pem" "$out/ca.pem"
rm -f "$out/signer.csr" "$out/ca.srl"
echo "station signer: $out/signer.key, $out/signer.pem (CA: $out/ca.pem)"
