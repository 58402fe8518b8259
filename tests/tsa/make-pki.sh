#!/bin/sh
# tests/tsa/make-pki.sh DIR - the PKI of tests/integration/test-tsa.c, with openssl alone:
#   ca.pem/.key             the organization's CA, and station.pem/.key (documentSigning)
#   second.pem/.key         another signer it vouches for (a second SignerInfo)
#   tsa-ca.pem/.key         the TSA's CA, and tsa.pem/.key: the TSA (timeStamping, critical)
#   other-ca.pem            a CA that vouches for no TSA (the wrong --tsa-ca)
#   ts.cnf                  the `openssl ts -reply` configuration of that TSA
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"

ca() { # NAME SUBJECT
	openssl req -x509 -newkey rsa:3072 -nodes -keyout "$1.key" -out "$1.pem" -days 30 \
		-subj "$2" -addext 'basicConstraints=critical,CA:TRUE' \
		-addext 'keyUsage=critical,keyCertSign' 2>/dev/null
}

leaf() { # NAME SUBJECT ISSUER EXTENSIONS
	openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1.key"
	chmod 600 "$1.key"
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	printf 'basicConstraints=CA:FALSE\n%b\n' "$4" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
		-days 30 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}

ca ca '/CN=test CA'
ca tsa-ca '/CN=test TSA CA'
ca other-ca '/CN=test other CA'
leaf station '/CN=test station' ca \
	'keyUsage=critical,digitalSignature\nextendedKeyUsage=1.3.6.1.5.5.7.3.36'
leaf second '/CN=test second signer' ca \
	'keyUsage=critical,digitalSignature\nextendedKeyUsage=1.3.6.1.5.5.7.3.36'
leaf tsa '/O=wipeseal tests/CN=test TSA' tsa-ca \
	'keyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping'

echo 01 >tsaserial
cat >ts.cnf <<CNF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = $PWD
serial = \$dir/tsaserial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
certs = \$dir/tsa-ca.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1.1
other_policies = 1.3.6.1.4.1.55555.1.2
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
