#!/usr/bin/env bash
# tests/vm/make-card.sh - an operator's smart card for QEMU's emulated reader: a key and an
# operator certificate from a CA made by certs/make-ca.sh (the v3_operator profile of
# certs/openssl.cnf), put into a new NSS database, which `-device ccid-card-emulated,
# backend=certificates` (libcacard) presents to the guest as a CAC card in a USB CCID reader.
#
#   tests/vm/make-card.sh CA_DIR DB_DIR PIN_FILE [--cn NAME] [--org ORG] [--bits 2048]
#                         [--nick operator]
#
# The card's PIN is the NSS database's password (libcacard's VERIFY checks it with
# PK11_Authenticate): PIN_FILE holds it (one line, mode 600). Writes DB_DIR/cert9.db and
# key4.db, DB_DIR/operator.pem (the certificate, for the host's checks), DB_DIR/nick (the
# nickname to name as cert1=). libcacard emulates RSA keys only (no EC on this card). A test
# key: made in a file and imported, never how a real card is enrolled (certs/make-operator.sh
# makes the key on the card).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: tests/vm/make-card.sh CA_DIR DB_DIR PIN_FILE [--cn NAME] [--org ORG]" \
		"[--bits N] [--nick NAME]" >&2
	exit 2
}
[ $# -ge 3 ] || usage
ca=$1 db=$2 pinfile=$3
shift 3
cn="VM Card Operator" org="wipeseal CI" bits=2048 nick=operator
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--cn) cn=$2 ;;
	--org) org=$2 ;;
	--bits) bits=$2 ;;
	--nick) nick=$2 ;;
	*) usage ;;
	esac
	shift 2
done
for t in certutil pk12util openssl; do
	command -v "$t" >/dev/null || { echo "tests/vm/make-card.sh: $t missing (libnss3-tools, openssl)" >&2; exit 2; }
done
[ -s "$pinfile" ] || { echo "tests/vm/make-card.sh: $pinfile: no PIN in it" >&2; exit 2; }
rm -rf "$db"
mkdir -p "$db"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(umask 077 && openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" -out "$tmp/op.key")
openssl req -config "$here/../../certs/openssl.cnf" -new -key "$tmp/op.key" \
	-subj "/CN=$cn/O=$org" -utf8 -out "$tmp/op.csr"
openssl x509 -req -in "$tmp/op.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial \
	-CAserial "$tmp/ca.srl" -sha256 -days 30 -extfile "$here/../../certs/openssl.cnf" \
	-extensions v3_operator -out "$db/operator.pem" 2>/dev/null
# the PKCS#12 file's own password is a throwaway; the database's is the PIN
echo transfer >"$tmp/p12.pass"
openssl pkcs12 -export -inkey "$tmp/op.key" -in "$db/operator.pem" -name "$nick" \
	-passout "file:$tmp/p12.pass" -out "$tmp/op.p12"
certutil -N -d "sql:$db" -f "$pinfile"
pk12util -i "$tmp/op.p12" -d "sql:$db" -k "$pinfile" -w "$tmp/p12.pass" >/dev/null
certutil -L -d "sql:$db" -n "$nick" >/dev/null
echo "$nick" >"$db/nick"
