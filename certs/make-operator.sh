#!/usr/bin/env bash
# certs/make-operator.sh - enrol an operator: a key made ON their token (a smart card, a USB
# token, SoftHSM2), a CSR signed by that key, an operator certificate from a CA made by
# make-ca.sh, and that certificate written back onto the token beside the key.
#
#   certs/make-operator.sh CA_DIR OUT_DIR --token LABEL --cn "Full Name"
#       [--org ORG] [--title TITLE] [--label card] [--id 01] [--key-type rsa:3072]
#       [--module PATH] [--pin-file FILE] [--days 730]
#
# The private key never leaves the token: pkcs11-tool --keypairgen makes it there, and
# openssl signs the CSR through libp11's engine. The PIN comes from --pin-file (mode 600)
# or is asked on the terminal; never from the command line. --key-type is what
# pkcs11-tool takes (rsa:3072, EC:secp384r1, EC:prime256v1); wipeseal's key policy
# (RSA of 2048 bits or more, EC P-256 or P-384) is checked when the key is used.
#
# The certificate (v3_operator in openssl.cnf): keyUsage digitalSignature, extended key
# usage documentSigning, and the certificate policy "wipeseal operator"
# 2.25.132859527251337822438817072382764904606 (docs/operators.md says why). Writes
# OUT_DIR/operator.pem and a copy of the CA certificate, OUT_DIR/ca.pem. Then:
#   wipeseal wipe --signer-key 'pkcs11:token=LABEL;object=card' ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: certs/make-operator.sh CA_DIR OUT_DIR --token LABEL --cn NAME [--org ORG]" \
		"[--title T] [--label L] [--id HEX] [--key-type T] [--module PATH]" \
		"[--pin-file FILE] [--days N]" >&2
	exit 2
}
die() {
	echo "certs/make-operator.sh: $*" >&2
	exit 1
}
[ $# -ge 2 ] || usage
ca=$1 out=$2
shift 2
token="" cn="" org="" title="" label=card id=01 keytype=rsa:3072 module="" pinfile="" days=730
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--token) token=$2 ;;
	--cn) cn=$2 ;;
	--org) org=$2 ;;
	--title) title=$2 ;;
	--label) label=$2 ;;
	--id) id=$2 ;;
	--key-type) keytype=$2 ;;
	--module) module=$2 ;;
	--pin-file) pinfile=$2 ;;
	--days) days=$2 ;;
	*) usage ;;
	esac
	shift 2
done
if [ -z "$token" ] || [ -z "$cn" ]; then usage; fi
[[ $id =~ ^([0-9a-fA-F]{2})+$ ]] || die "--id $id: an even number of hex digits"
for f in "$ca/ca.key" "$ca/ca.pem"; do
	[ -r "$f" ] || die "cannot read $f (make one with certs/make-ca.sh)"
done
for t in pkcs11-tool openssl; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install opensc openssl)"
done
# p11-kit's proxy reaches every module the system has registered (OpenSC, SoftHSM2, ...)
if [ -z "$module" ]; then
	module=$(pkg-config --variable=proxy_module p11-kit-1 2>/dev/null || true)
	[ -n "$module" ] || module=/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so
fi
[ -r "$module" ] || die "PKCS#11 module $module not found (apt-get install p11-kit-modules)"

# The PIN: never in argv. pkcs11-tool reads it from the environment (env:), the engine
# from a private config file in a private directory that is removed on exit.
if [ -n "$pinfile" ]; then
	[ -f "$pinfile" ] || die "PIN file $pinfile is not a regular file"
	mode=$(stat -c %a "$pinfile")
	[[ $mode =~ ^[0-7]00$ ]] || die "PIN file $pinfile is readable by group or others (mode $mode): chmod 600 it"
	WS_OPERATOR_PIN=$(head -n1 "$pinfile")
else
	[ -t 0 ] || die "no --pin-file and no terminal to ask for the PIN"
	read -rsp "PIN for token $token: " WS_OPERATOR_PIN
	echo >&2
fi
export WS_OPERATOR_PIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

p11() {
	pkcs11-tool --module "$module" --token-label "$token" --login --pin env:WS_OPERATOR_PIN "$@"
}

mkdir -p "$out"
p11 --keypairgen --key-type "$keytype" --id "$id" --label "$label" >/dev/null ||
	die "the token did not make the key (wrong PIN, or a key type it cannot make: $keytype)"

# the CSR, signed on the token through libp11's engine (proof that the key is there)
(
	umask 077
	printf '%s\n' 'openssl_conf = oc' '[oc]' 'engines = es' '[es]' 'pkcs11 = p11' '[p11]' \
		'engine_id = pkcs11' "MODULE_PATH = $module" "PIN = $WS_OPERATOR_PIN" 'init = 0' \
		'[req]' 'distinguished_name = dn' 'string_mask = utf8only' '[dn]' >"$tmp/engine.cnf"
)
subj="/CN=$cn"
[ -n "$title" ] && subj="$subj/title=$title"
[ -n "$org" ] && subj="$subj/O=$org"
OPENSSL_CONF="$tmp/engine.cnf" openssl req -new -engine pkcs11 -keyform engine \
	-key "pkcs11:token=$token;object=$label;type=private" -subj "$subj" -utf8 \
	-out "$tmp/operator.csr" 2>"$tmp/req.err" || {
	cat "$tmp/req.err" >&2
	die "the token did not sign the CSR"
}
openssl x509 -req -in "$tmp/operator.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" \
	-CAcreateserial -CAserial "$tmp/ca.srl" -sha256 -days "$days" \
	-extfile "$here/openssl.cnf" -extensions v3_operator -out "$out/operator.pem" 2>/dev/null
openssl x509 -in "$out/operator.pem" -outform DER -out "$tmp/operator.der"
p11 --write-object "$tmp/operator.der" --type cert --id "$id" --label "$label" >/dev/null ||
	die "the certificate could not be written onto the token"
cp "$ca/ca.pem" "$out/ca.pem"
echo "operator $cn: key and certificate on token $token (object $label, id $id);" \
	"certificate also in $out/operator.pem (CA: $out/ca.pem)"
