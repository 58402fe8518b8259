#!/usr/bin/env bash
# scripts/demo.sh - wipeseal's main job, start to finish, on a scratch disk it makes itself:
# a 64 MiB image with a GPT and a real ext4 file system full of files, attached as a loop
# device (or used as an image file where loop devices are unavailable), then listed, put
# through the safety gate, wiped, verified and certified.
# Nothing but the scratch disk is touched; it is detached and deleted at the end.
#
#   scripts/demo.sh [--image]     --image: skip the loop device, use the image file
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
. scripts/deps.sh

use_loop=1
case "${1:-}" in
--image) use_loop=0 ;;
"") ;;
*)
	echo "usage: scripts/demo.sh [--image]" >&2
	exit 2
	;;
esac

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}

step "installing missing packages and building"
ws_install_deps
cmake -S . -B build/plain -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/plain -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
ws=$PWD/build/plain/src/wipeseal

work=$(mktemp -d /tmp/wipeseal-demo.XXXXXX)
# the demo station's identity and audit log outlive the run
state=${XDG_STATE_HOME:-$HOME/.local/state}/wipeseal-demo
loop=
cleanup() {
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

step "making a scratch disk: GPT, one ext4 partition holding files"
mkdir -p "$work/files/home/alice"
seq 1 50000 >"$work/files/home/alice/ledger.csv"
echo "salary review 2026: confidential" >"$work/files/home/alice/payroll.txt"
truncate -s 64M "$work/disk.img"
printf 'label: gpt\n,,L\n' | sfdisk -q "$work/disk.img"
truncate -s 63M "$work/part.img"
mkfs.ext4 -q -F -L demo-data -d "$work/files" "$work/part.img"
dd if="$work/part.img" of="$work/disk.img" bs=1M seek=1 conv=notrunc status=none
rm "$work/part.img"
target=$work/disk.img
if [ "$use_loop" = 1 ] && [ "$(id -u)" = 0 ] && loop=$(losetup -f --show -P "$work/disk.img" 2>/dev/null); then
	target=$loop
	# kernels without partition parsers leave the table unread: add it as udisks would
	[ -e "${loop}p1" ] || partx -a "$loop" 2>/dev/null || true
	echo "attached as $loop"
else
	loop=
	echo "loop devices unavailable here: using the image file $target"
fi

step "list: what is on it, and may it be wiped?"
run "$ws" list "$target"

step "the safety gate, exactly as a wipe applies it (nothing is written)"
run "$ws" check "$target"

step "the station's signer: a demo CA and station key under $state (made once)"
if [ ! -r "$state/station/signer.key" ]; then
	certs/make-ca.sh "$state/ca" --cn "wipeseal demo CA" --demo
	certs/make-station.sh "$state/ca" "$state/station" --cn "wipeseal demo station"
else
	echo "reusing $state/station/signer.pem"
fi

step "wipe: one pass of zeros, flushed, a 10% sample read back, residue probe, signed"
certs=$PWD/certificates
run "$ws" wipe --method clear --verify sample --yes --cert-dir "$certs" \
	--signer-key "$state/station/signer.key" --signer-cert "$state/station/signer.pem" \
	--audit-log "$state/audit.log" --operator "Demo Operator" --organization "Example Org" \
	--destination internal-reuse "$target"

step "what is left: nothing libblkid recognises, and the first bytes read raw"
run "$ws" list "$target"
run blkid -p "$target" || echo "(blkid -p found nothing: exit $?)"
od -A d -t x1 -N 64 "$target"

step "the certificate, checked as an auditor would"
cert=$(find "$certs" -name "*.json" -newer "$work/disk.img" | sort | tail -n 1)
run "$ws" show "$cert"
run "$ws" verify --ca "$state/ca/ca.pem" "$cert"
run openssl cms -verify -binary -inform PEM -in "$cert.p7s" -content "$cert" \
	-CAfile "$state/ca/ca.pem" -purpose any -out /dev/null
run "$ws" verify --audit-log "$state/audit.log" --ca "$state/ca/ca.pem" --cert-dir "$certs"
step "done: the scratch disk is detached and deleted"
