#!/usr/bin/env bash
# tests/iso/test-drivers.sh - iso/check-drivers.sh, the check iso/build.sh makes that the
# kernel it packs (and then the image) carries every driver of iso/drivers.list: VMD, the
# RAID controllers and HBAs, SD and eMMC. On fake module trees made here, from the list
# itself: all there (as .ko, .ko.xz, built in, with "-" for "_" in a file name) passes; one
# driver taken away fails with one line naming it, and naming no other; a dependency
# modules.dep names but the tree lacks fails naming it and who needs it; an empty tree names
# them all. With `kernel` as argument (a second ctest), the same check on the real kernel
# package iso/build.sh packs, from the cache the VM suite fills (build/vm/debs) or
# WS_KERNEL_DEB; skipped (77) when there is none.
# pass() never fails, so `test && pass || fail` is an if-then-else here
# shellcheck disable=SC2015
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHECK=$ROOT/iso/check-drivers.sh
LIST=$ROOT/iso/drivers.list
FAILS=0
fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
pass() { echo "ok: $*"; }

T=$(mktemp -d /tmp/ws-drivers.XXXXXX)
trap 'rm -rf "$T"' EXIT

if [ "${1:-}" = kernel ]; then
	deb=${WS_KERNEL_DEB:-$(find "$ROOT/build/vm/debs" -name 'linux-image-[0-9]*.deb' 2>/dev/null | sort | tail -n1)}
	[ -n "$deb" ] && [ -f "$deb" ] || {
		echo "tests/iso/test-drivers.sh kernel: skipped: no kernel package cached (run tests/vm/run.sh once, or set WS_KERNEL_DEB)"
		exit 77
	}
	dpkg-deb -x "$deb" "$T/k" || { echo "FAIL: dpkg-deb -x $deb"; exit 1; }
	mods=$(find "$T/k/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n1)
	depmod -b "$T/k" "${mods##*/}" || { echo "FAIL: depmod"; exit 1; }
	if out=$(bash "$CHECK" "$mods" "$LIST" "${deb##*/}" 2>&1); then
		pass "${deb##*/} carries every driver of iso/drivers.list, with their dependencies"
	else
		fail "${deb##*/}: $out"
	fi
	echo "tests/iso/test-drivers.sh kernel: $FAILS failure(s)"
	[ "$FAILS" = 0 ]
	exit
fi

mapfile -t names < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$LIST")
[ "${#names[@]}" -ge 10 ] && pass "iso/drivers.list names ${#names[@]} drivers" ||
	fail "iso/drivers.list names only ${#names[@]} drivers"
for want in vmd megaraid_sas mpt3sas smartpqi hpsa aacraid sdhci_pci mmc_block; do
	printf '%s\n' "${names[@]}" | grep -qx "$want" || fail "iso/drivers.list lacks $want"
done

# A module tree holding every listed driver: most as .ko, one compressed, one named with
# "-" (sdhci-pci.ko, as Debian's is), one built in; smartpqi depends on scsi_transport_sas.
make_tree() { # DIR
	local d=$1/lib/modules/9.9.9-test n
	mkdir -p "$d/kernel/drivers/x"
	: >"$d/modules.builtin"
	for n in "${names[@]}"; do
		case "$n" in
		mmc_core) echo "kernel/drivers/mmc/core/mmc_core.ko" >>"$d/modules.builtin" ;;
		sdhci_pci) : >"$d/kernel/drivers/x/sdhci-pci.ko" ;;
		aacraid) : >"$d/kernel/drivers/x/aacraid.ko.xz" ;;
		*) : >"$d/kernel/drivers/x/$n.ko" ;;
		esac
	done
	mkdir -p "$d/kernel/drivers/scsi"
	: >"$d/kernel/drivers/scsi/scsi_transport_sas.ko"
	echo "kernel/drivers/x/smartpqi.ko: kernel/drivers/scsi/scsi_transport_sas.ko" >"$d/modules.dep"
	echo "$d"
}

run() { # DIR: the check's output in OUT, its status returned
	OUT=$(bash "$CHECK" "$1" "$LIST" "kernel 9.9.9-test" 2>&1)
}

full=$(make_tree "$T/full")
run "$full" && [ -z "$OUT" ] && pass "a tree with every driver passes, silently" ||
	fail "a complete tree was refused: $OUT"

rm "$full/kernel/drivers/x/hpsa.ko"
if run "$full"; then
	fail "a tree without hpsa passed"
else
	[ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] && pass "without hpsa: one line" ||
		fail "without hpsa: not one line: $OUT"
	case "$OUT" in
	"kernel 9.9.9-test lacks drivers the boot image needs: hpsa ("*) pass "it names hpsa and whose tree it is" ;;
	*) fail "without hpsa: $OUT" ;;
	esac
	case "$OUT" in *megaraid*|*vmd*|*mmc*) fail "it names drivers that are there: $OUT" ;; esac
fi
: >"$full/kernel/drivers/x/hpsa.ko"

rm "$full/kernel/drivers/scsi/scsi_transport_sas.ko"
run "$full" && fail "a dependency missing passed" || {
	[[ "$OUT" == *"scsi_transport_sas (needed by smartpqi)"* ]] &&
		pass "a missing dependency is named with who needs it" || fail "dependency: $OUT"
}
: >"$full/kernel/drivers/scsi/scsi_transport_sas.ko"

sed -i '/mmc_core/d' "$full/modules.builtin"
run "$full" && fail "mmc_core neither built in nor a .ko passed" || {
	[[ "$OUT" == *": mmc_core ("* ]] && pass "a driver that was built in and is no longer is missed" ||
		fail "mmc_core: $OUT"
}

mkdir -p "$T/empty/kernel"
run "$T/empty" && fail "an empty tree passed" || {
	n=0
	for want in "${names[@]}"; do [[ "$OUT" == *" $want"[,\ ]* ]] && n=$((n + 1)); done
	[ "$n" = "${#names[@]}" ] && pass "an empty tree: all ${#names[@]} named" || fail "an empty tree: $n of ${#names[@]} named: $OUT"
}

bash "$CHECK" "$T/nothing-here" "$LIST" >/dev/null 2>&1
[ $? = 2 ] && pass "no module tree: exit 2" || fail "no module tree: not exit 2"

echo "tests/iso/test-drivers.sh: $FAILS failure(s)"
[ "$FAILS" = 0 ]
