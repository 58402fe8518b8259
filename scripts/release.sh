#!/usr/bin/env bash
# scripts/release.sh - build a release from a clean tree: the .deb, the ISO and the USB
# image, their SHA256SUMS and its detached CMS signature (docs/release.md).
#
#   scripts/release.sh --out DIR --key KEY --cert CERT [--chain FILE] [--ca FILE]
#                      [--rev REV] [--cache DIR]
#
# Refuses a tree with uncommitted changes: a release is a commit (REV, default HEAD), and
# it is built from a fresh clone of it in a temporary directory, never in the developer's
# build directories. Writes into DIR (which must not exist, or be empty):
#   wipeseal_VERSION-1_amd64.deb        cpack -G DEB (cmake/Packaging.cmake)
#   wipeseal-VERSION.iso                iso/build.sh --output, with the .deb's binary
#   wipeseal-VERSION-usb.img            iso/build.sh --usb-image
#   SHA256SUMS                          sha256sum's format: `sha256sum -c SHA256SUMS`
#   SHA256SUMS.p7s                      a detached CMS signature of SHA256SUMS (PEM,
#                                       SHA-256), made with KEY and CERT (+ --chain)
# --ca FILE: the signature is verified against it before the script says it is done.
# --cache DIR: iso/build.sh's package cache (kept between releases). Check a release with
#   openssl cms -verify -binary -inform PEM -in SHA256SUMS.p7s -content SHA256SUMS \
#       -CAfile release-ca.pem -purpose any -out /dev/null && sha256sum -c SHA256SUMS
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="" KEY="" CERT="" CHAIN="" CA="" REV=HEAD CACHE=""
usage() {
	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}
die() {
	echo "scripts/release.sh: $*" >&2
	exit 1
}
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage 0 ;;
	--out | --key | --cert | --chain | --ca | --rev | --cache) [ $# -ge 2 ] || usage 2 ;;
	*) echo "scripts/release.sh: unknown option '$1'; see --help" >&2 && exit 2 ;;
	esac
	case $1 in
	--out) OUT=$(realpath -m "$2") ;;
	--key) KEY=$(realpath "$2") ;;
	--cert) CERT=$(realpath "$2") ;;
	--chain) CHAIN=$(realpath "$2") ;;
	--ca) CA=$(realpath "$2") ;;
	--rev) REV=$2 ;;
	--cache) CACHE=$(realpath -m "$2") ;;
	esac
	shift 2
done
if [ -z "$OUT" ] || [ -z "$KEY" ] || [ -z "$CERT" ]; then usage 2; fi
[ -f "$KEY" ] || die "--key $KEY: no such file"
[ -f "$CERT" ] || die "--cert $CERT: no such file"
mode=$(stat -c %a "$KEY")
[[ $mode =~ ^[0-7]00$ ]] || die "release key $KEY is readable by group or others (mode $mode): chmod 600 it"
openssl x509 -in "$CERT" -noout -checkend 0 >/dev/null 2>&1 || die "release certificate $CERT has expired or cannot be read"
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then die "--out $OUT is not empty"; fi

# ---- a clean tree, a fresh clone --------------------------------------------------------
cd "$ROOT"
[ -z "$(git status --porcelain --untracked-files=normal)" ] ||
	die "the tree has uncommitted changes (git status): commit or stash them; a release is a commit"
COMMIT=$(git rev-parse --verify "$REV^{commit}") || die "--rev $REV: not a commit"
T0=$(date +%s)
lap() { echo "==> release: $* ($(($(date +%s) - T0)) s)"; }
tmp=$(mktemp -d /tmp/wipeseal-release.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --no-checkout "$ROOT" "$tmp/src"
git -C "$tmp/src" checkout --quiet --detach "$COMMIT"
VERSION=$(sed -n 's/^project(wipeseal VERSION \([0-9.]*\).*/\1/p' "$tmp/src/CMakeLists.txt")
[ -n "$VERSION" ] || die "no version in CMakeLists.txt's project()"
lap "wipeseal $VERSION, commit $(git -C "$tmp/src" describe --always --abbrev=12)"
mkdir -p "$OUT"

# ---- the .deb ---------------------------------------------------------------------------
cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DWS_TESTS=OFF >/dev/null
cmake --build "$tmp/build" -j"$(nproc)" >/dev/null
(cd "$tmp/build" && cpack -G DEB >/dev/null)
cp "$tmp"/build/wipeseal_*.deb "$OUT/"
lap "built $(basename "$OUT"/wipeseal_*.deb)"

# ---- the ISO and the USB image, with the same binary --------------------------------------
"$tmp/src/iso/build.sh" --binary "$tmp/build/src/wipeseal" --work "$tmp/iso" \
	${CACHE:+--cache "$CACHE"} --output "$OUT/wipeseal-$VERSION.iso" \
	--usb-image "$OUT/wipeseal-$VERSION-usb.img" | sed 's/^/    /'
lap "built the ISO and the USB image"

# ---- SHA256SUMS and its signature -------------------------------------------------------
(cd "$OUT" && sha256sum -- *.deb *.iso *.img >SHA256SUMS)
openssl cms -sign -binary -md sha256 -in "$OUT/SHA256SUMS" -signer "$CERT" -inkey "$KEY" \
	${CHAIN:+-certfile "$CHAIN"} -outform PEM -out "$OUT/SHA256SUMS.p7s" ||
	die "openssl cms -sign failed with $KEY and $CERT"
if [ -n "$CA" ]; then
	openssl cms -verify -binary -inform PEM -in "$OUT/SHA256SUMS.p7s" -content "$OUT/SHA256SUMS" \
		-CAfile "$CA" -purpose any -out /dev/null 2>/dev/null ||
		die "SHA256SUMS.p7s does not verify against $CA"
	(cd "$OUT" && sha256sum --quiet -c SHA256SUMS) || die "SHA256SUMS does not match the files"
fi
lap "SHA256SUMS signed by $(openssl x509 -in "$CERT" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
find "$OUT" -maxdepth 1 -type f -printf '    %f  %s bytes\n' | sort
