#!/usr/bin/env bash
# certs/make-ca.sh - create an organization CA for signing station certificates.
#
#   certs/make-ca.sh DIR [--cn "Example Org wipeseal CA"] [--days 3650] [--demo]
#
# Writes DIR/ca.key (RSA 3072, mode 600) and DIR/ca.pem. --demo puts "DEMO" in the name:
# certificates signed under it say so, and `wipeseal verify` reports it. Keep ca.key
# offline; stations only ever need ca.pem (to chain to) and their own key.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: certs/make-ca.sh DIR [--cn NAME] [--days N] [--demo]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
dir=$1
shift
cn="wipeseal organization CA" days=3650 demo=0
while [ $# -gt 0 ]; do
	case $1 in
	--cn) cn=$2 && shift ;;
	--days) days=$2 && shift ;;
	--demo) demo=1 ;;
	*) usage ;;
	esac
	shift
done
[ "$demo" = 1 ] && cn="$cn DEMO (not for production)"
if [ -e "$dir/ca.key" ]; then
	echo "certs/make-ca.sh: $dir/ca.key exists; refusing to overwrite a CA key" >&2
	exit 1
fi
mkdir -p "$dir"
(umask 077 && openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$dir/ca.key")
openssl req -config "$here/openssl.cnf" -new -x509 -key "$dir/ca.key" -sha256 -days "$days" \
	-subj "/CN=$cn" -extensions v3_ca -out "$dir/ca.pem"
echo "CA: $dir/ca.pem (key $dir/ca.key, keep it offline)"
