#!/usr/bin/env bash
# tests/pkg/test-deb.sh - the Debian package, as a user gets it: built by cpack, checked by
# lintian, installed with apt-get, used from the installed paths, purged without a trace.
#
#   tests/pkg/test-deb.sh [--build DIR]
#
# 1. builds the .deb: cmake (Release, prefix /usr, no tests) in DIR (default build/deb),
#    then `cpack -G DEB`;
# 2. lintian: any error fails (warnings are printed; docs/release.md lists those left);
# 3. `apt-get install -y ./wipeseal_*.deb` on this machine (a throw-away mmdebstrap chroot
#    took 172 s to make here before anything was installed in it: too slow for the suite;
#    docs/release.md), only when no wipeseal is installed already: otherwise it skips
#    (exit 77) and touches nothing;
# 4. from the installed paths, with no WIPESEAL_LOCALEDIR: `wipeseal --version`; a CA and a
#    station made by /usr/share/wipeseal/certs; `wipeseal wipe` of an image file (reading
#    the installed /etc/wipeseal/wipeseal.conf); `wipeseal verify --ca` of its certificate
#    and `openssl cms -verify` of its signature; a German PDF, whose title pdftotext must
#    find (the catalog found where the binary looks: /usr/share/locale);
# 5. `apt-get purge -y wipeseal`, and the packages apt installed for it: every path
#    `dpkg -L` listed is gone, except directories other packages own; /etc/wipeseal is gone;
#    the list of installed packages is the one before.
# Needs root (apt-get). Prints how long each step took.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build/deb
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$(realpath -m "${2:?--build needs a directory}") && shift 2 ;;
	*) echo "usage: tests/pkg/test-deb.sh [--build DIR]" >&2 && exit 2 ;;
	esac
done
fail() {
	echo "FAIL: tests/pkg/test-deb.sh: $*" >&2
	exit 1
}
skip() {
	echo "SKIP: tests/pkg/test-deb.sh: $*"
	exit 77
}
T0=$(date +%s)
lap() { echo "==> pkg: $* ($(($(date +%s) - T0)) s)"; }

[ "$(id -u)" -eq 0 ] || skip "needs root to install the package with apt-get"
if dpkg-query -W -f='${Status}' wipeseal 2>/dev/null | grep -q installed || [ -e /usr/bin/wipeseal ]; then
	skip "wipeseal is installed on this machine already: the test installs and purges it, so it runs only where it is not"
fi
for t in cpack lintian apt-get pdftotext openssl; do
	command -v "$t" >/dev/null || fail "$t is missing: run scripts/deps.sh (ws_install_deps)"
done

tmp=$(mktemp -d /tmp/wipeseal-pkg.XXXXXX)
installed=no
cleanup() {
	local rc=$?
	# never leave the package behind, whatever failed
	if [ $installed = yes ]; then
		apt-get purge -y -qq wipeseal >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT INT TERM

# ---- 1. build -----------------------------------------------------------------------------
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DWS_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 >/dev/null
rm -f "$BUILD"/wipeseal_*.deb
(cd "$BUILD" && cpack -G DEB >/dev/null) || fail "cpack -G DEB failed"
deb=$(ls "$BUILD"/wipeseal_*_amd64.deb)
lap "built $(basename "$deb") ($(($(stat -c %s "$deb") / 1024)) KiB)"

# ---- 2. lintian ---------------------------------------------------------------------------
lintian --fail-on error --suppress-tags-from-file "$ROOT/tests/pkg/lintian-accepted" \
	"$deb" >"$tmp/lintian" 2>&1 || {
	cat "$tmp/lintian" >&2
	fail "lintian reports errors"
}
grep -v "running with root privileges" "$tmp/lintian" | sed 's/^/    lintian: /' || true
lap "lintian: no errors, $(grep -c '^W:' "$tmp/lintian" || true) warnings beyond those accepted"

# ---- 3. install ---------------------------------------------------------------------------
dpkg-query -W -f='${Package}\n' | sort >"$tmp/before"
installed=yes
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$tmp/apt" 2>&1 || {
	cat "$tmp/apt" >&2
	fail "apt-get install $deb failed"
}
dpkg -L wipeseal | sort >"$tmp/files"
dpkg-query -W -f='${Conffiles}\n' wipeseal | grep -q '/etc/wipeseal/wipeseal.conf' ||
	fail "/etc/wipeseal/wipeseal.conf is not a conffile"
for f in /usr/bin/wipeseal /usr/share/man/man8/wipeseal.8.gz /usr/share/locale/de/LC_MESSAGES/wipeseal.mo \
	/usr/share/wipeseal/certs/make-stick.sh /usr/share/doc/wipeseal/copyright; do
	grep -qx "$f" "$tmp/files" || fail "the package does not install $f"
done
lap "installed: $(wc -l <"$tmp/files") paths"

# ---- 4. use -------------------------------------------------------------------------------
cd "$tmp"
unset WIPESEAL_LOCALEDIR
ver=$(/usr/bin/wipeseal --version)
case $ver in "wipeseal 0."* | "wipeseal "[1-9]*) ;; *) fail "wipeseal --version: '$ver'" ;; esac
/usr/share/wipeseal/certs/make-ca.sh "$tmp/ca" --cn "pkg test CA" >/dev/null
/usr/share/wipeseal/certs/make-station.sh "$tmp/ca" "$tmp/station" --cn "pkg test station" >/dev/null
truncate -s 16M "$tmp/disk.img"
/usr/bin/wipeseal wipe --yes --verify full --cert-dir "$tmp/certs" --audit-log "$tmp/audit.log" \
	--signer-key "$tmp/station/signer.key" --signer-cert "$tmp/station/signer.pem" \
	"$tmp/disk.img" >"$tmp/wipe.out" 2>&1 || {
	cat "$tmp/wipe.out" >&2
	fail "the installed wipeseal wipe failed"
}
cert=$(ls "$tmp"/certs/*.json)
/usr/bin/wipeseal verify --ca "$tmp/ca/ca.pem" "$cert" >/dev/null || fail "wipeseal verify refuses $cert"
openssl cms -verify -binary -inform PEM -in "$cert.p7s" -content "$cert" -CAfile "$tmp/ca/ca.pem" \
	-purpose any -out /dev/null 2>/dev/null || fail "openssl cms -verify refuses $cert.p7s"
/usr/bin/wipeseal pdf --lang de --unsigned --out "$tmp/de.pdf" "$cert" >/dev/null 2>&1 ||
	fail "wipeseal pdf --lang de failed: is the catalog where the binary looks?"
pdftotext "$tmp/de.pdf" - | grep -q 'Zertifikats-ID:' ||
	fail "the German PDF lacks its German labels (Zertifikats-ID): the installed catalog was not read"
lap "used: $ver; a wipe certified, verified by wipeseal and openssl; a German PDF"
cd /

# ---- 5. purge -----------------------------------------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq wipeseal >/dev/null 2>&1 || fail "apt-get purge wipeseal failed"
installed=no
dpkg-query -W -f='${Package}\n' | sort >"$tmp/after"
new=$(comm -13 "$tmp/before" "$tmp/after" | tr '\n' ' ')
if [ -n "$new" ]; then
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $new >/dev/null 2>&1 || fail "cannot purge $new"
	echo "    purged what apt installed for it: $new"
fi
left=0
while IFS= read -r p; do
	[ "$p" = /. ] && continue
	if [ -d "$p" ]; then
		dpkg -S "$p" >/dev/null 2>&1 && continue # another package's directory
		echo "left behind: $p (a directory no package owns)" >&2
		left=1
	elif [ -e "$p" ] || [ -L "$p" ]; then
		echo "left behind: $p" >&2
		left=1
	fi
done <"$tmp/files"
[ ! -e /etc/wipeseal ] || { echo "left behind: /etc/wipeseal" >&2 && left=1; }
[ $left = 0 ] || fail "the purge left files behind"
dpkg-query -W -f='${Package}\n' | sort | cmp -s - "$tmp/before" || fail "the installed packages differ from before"
lap "purged: nothing left of $(wc -l <"$tmp/files") paths"
echo "PASS: tests/pkg/test-deb.sh in $(($(date +%s) - T0)) s"
