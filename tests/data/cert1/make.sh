#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make.sh - how the schema 1 fixtures beside this script were made, once, with the code of
# issue #15 (commit 7fe8106, before certificate schema 2): a long-lived test CA and station
# key, a SUCCESS overwrite of an image file, and a Purge (nvme-sanitize-crypto) of a loop
# device answered by the NVMe simulator. Kept as the record of their making; run again with
# today's code it would make schema 2 certificates. Needs root (the loop device).
#
#   tests/data/cert1/make.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'losetup -j "$work/purge.img" -O NAME -n | xargs -r -n1 losetup -d; rm -rf "$work"' EXIT
cd "$work"

# the PKI: an EC P-256 CA and station, valid for 100 years (verify checks the chain at the
# signing time; the long validity only spares anyone the question)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
	-out ca.pem -days 36500 -subj '/CN=wipeseal schema 1 fixture CA' \
	-addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' \
	2>/dev/null
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out station.key
chmod 600 station.key
openssl req -new -key station.key -subj '/O=Fixture Org/CN=fixture station' -out station.csr
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=1.3.6.1.5.5.7.3.36\n' >ext
openssl x509 -req -in station.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 \
	-extfile ext -out station.pem 2>/dev/null

printf '[operator]\nname = Erika Mustermann\ntitle = Technician\norganization = Fixture Org\nlocation = Lab 2\nphone = +49 30 1234567\n[media]\nsource = PC-4711\nclassification = internal\ndata_backed_up = no\ndestination = recycling\n' >wipeseal.conf
common="--yes --json --config $work/wipeseal.conf --signer-key $work/station.key --signer-cert $work/station.pem --audit-log $work/audit.log --cert-dir $work/certs"

# 1. a SUCCESS overwrite (clear) of an image file
truncate -s 8M overwrite.img
# shellcheck disable=SC2086
"$build/src/wipeseal" wipe $common --asset-tag INV-0001 -m clear overwrite.img >/dev/null

# 2. a Purge: NVMe Sanitize crypto erase, answered by the simulator
truncate -s 32M purge.img
dev=$(losetup --show -f purge.img)
# shellcheck disable=SC2086
LD_PRELOAD="$build/tests/nvmesim/nvmesim.so" WS_NVMESIM_PATH="$dev" WS_NVMESIM_PROFILE=full \
	WS_NVMESIM_STATE="$work/sim.state" WS_NVMESIM_SECONDS=1 \
	"$build/src/wipeseal" wipe $common --asset-tag INV-0002 --poll-interval 100 \
	-m nvme-sanitize-crypto "$dev" >/dev/null
losetup -d "$dev"

cp ca.pem "$here/ca.pem"
n=0
for f in certs/*.json; do
	case "$(grep -o '"technique": "[a-z-]*"' "$f" | head -1)" in
	*overwrite*) name=overwrite ;;
	*) name=purge ;;
	esac
	cp "$f" "$here/$name.json"
	cp "$f.p7s" "$here/$name.json.p7s"
	n=$((n + 1))
done
echo "made $n certificates in $here"
