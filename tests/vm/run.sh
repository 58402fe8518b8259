#!/usr/bin/env bash
# tests/vm/run.sh - the boot image, booted as a technician's station boots it: iso/build.sh
# builds the ISO, then QEMU (software emulation, no KVM) boots it as a CD, once with BIOS
# (SeaBIOS) and once with UEFI (OVMF with Microsoft's keys, Secure Boot enforced), with
#   - an NVMe disk, a SATA disk on AHCI and a virtio disk, each holding ext4 with files that
#     carry a marker unique to the run;
#   - a USB stick (usb-storage on xhci) with the FAT file system WIPESEAL: a signer from a CA
#     this test made with openssl, and a wipeseal.conf asking for auto mode and poweroff.
# The guest must power off by itself. Then, on the host, from the image files alone: no
# marker is left on any target, the ISO and the stick's station/ files are unchanged, and
# the stick holds one certificate per target that `openssl cms -verify` accepts against the
# test's CA, and an audit log with a SUCCESS line for each. Needs no root: the disks are
# image files and the stick is read with mtools.
#
#   tests/vm/run.sh [--binary WIPESEAL] [--keep]      (WS_VM_TIMEOUT: seconds per boot)
# pass() never fails, so `test && pass || fail` is an if-then-else here
# shellcheck disable=SC2015
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build/src/wipeseal
KEEP=no
TIMEOUT=${WS_VM_TIMEOUT:-420}
while [ $# -gt 0 ]; do
	case "$1" in
	--binary) BIN=$(realpath "$2"); shift 2 ;;
	--keep) KEEP=yes; shift ;;
	*) echo "tests/vm/run.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
W=$ROOT/build/vm
mkdir -p "$W"
FAILS=0
START=$(date +%s)

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
pass() { echo "ok: $*"; }

for tool in qemu-system-x86_64 mcopy mkfs.vfat mkfs.ext4 openssl; do
	command -v "$tool" >/dev/null || { echo "tests/vm/run.sh: $tool missing (scripts/deps.sh)" >&2; exit 2; }
done
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
[ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || { echo "tests/vm/run.sh: OVMF missing (ovmf)" >&2; exit 2; }

# ---- the image and the PKI -----------------------------------------------------------------
ISO=$W/wipeseal.iso
bash "$ROOT/iso/build.sh" --output "$ISO" --binary "$BIN" --work "$W/iso" --cache "$W/debs" ||
	{ echo "FAIL: iso/build.sh"; exit 1; }
ISO_SHA=$(sha256sum <"$ISO")
rm -rf "$W/pki"
"$ROOT/certs/make-ca.sh" "$W/pki/ca" >/dev/null 2>&1 &&
	"$ROOT/certs/make-station.sh" "$W/pki/ca" "$W/pki/st" >/dev/null 2>&1 ||
	{ echo "FAIL: making the test PKI"; exit 1; }

# ---- one boot ------------------------------------------------------------------------------
# A target: ext4 holding a file of marker lines.
make_target() { # NAME MARKER
	local dir=$D/files-$1
	mkdir -p "$dir"
	yes "$2" | head -n 20000 >"$dir/data.txt"
	rm -f "$D/$1.img"
	truncate -s 64M "$D/$1.img"
	mkfs.ext4 -q -F -d "$dir" "$D/$1.img"
}

make_stick() {
	rm -f "$D/stick.img"
	truncate -s 64M "$D/stick.img"
	mkfs.vfat -n WIPESEAL "$D/stick.img" >/dev/null
	mmd -i "$D/stick.img" ::/station
	mcopy -i "$D/stick.img" "$W/pki/st/signer.key" "$W/pki/st/signer.pem" ::/station/
	mcopy -i "$D/stick.img" "$W/pki/ca/ca.pem" ::/station/ca.pem
	cat >"$D/wipeseal.conf" <<'CONF'
[operator]
name = VM Test Operator
organization = wipeseal CI
[station]
auto = yes
method = clear
verify = full
when_done = poweroff
CONF
	mcopy -i "$D/stick.img" "$D/wipeseal.conf" ::/wipeseal.conf
}

station_sums() {
	local f
	for f in signer.key signer.pem ca.pem; do
		mtype -i "$D/stick.img" "::/station/$f" | sha256sum
	done
	mtype -i "$D/stick.img" ::/wipeseal.conf | sha256sum
}

boot() { # bios | uefi
	local fw=$1 t0 t1 rc
	local -a firmware=() machine=(-machine q35)
	if [ "$fw" = uefi ]; then
		cp "$OVMF_VARS" "$D/vars.fd"
		# shellcheck disable=SC2054 # commas inside one QEMU argument
		machine=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
		firmware=(-drive "if=pflash,format=raw,unit=0,file=$OVMF_CODE,readonly=on"
			-drive "if=pflash,format=raw,unit=1,file=$D/vars.fd")
	fi
	t0=$(date +%s)
	timeout "$TIMEOUT" qemu-system-x86_64 "${machine[@]}" -accel tcg -cpu max -smp 2 -m 1024 \
		"${firmware[@]}" -display none -no-reboot -serial "file:$D/console.log" \
		-drive "file=$ISO,if=none,id=cd,format=raw,readonly=on" -device ide-cd,drive=cd,bus=ide.2 \
		-boot d \
		-drive "file=$D/nvme.img,if=none,id=nv,format=raw" -device nvme,serial=WSNVME0001,drive=nv \
		-drive "file=$D/sata.img,if=none,id=sa,format=raw" -device ide-hd,drive=sa,bus=ide.1 \
		-drive "file=$D/virtio.img,if=virtio,format=raw" \
		-device qemu-xhci -drive "file=$D/stick.img,if=none,id=st,format=raw" \
		-device usb-storage,drive=st >"$D/qemu.log" 2>&1
	rc=$?
	t1=$(date +%s)
	BOOT_SECONDS=$((t1 - t0))
	return $rc
}

run_one() { # bios | uefi
	local fw=$1 marker d n json
	D=$W/$fw
	rm -rf "$D"
	mkdir -p "$D"
	marker="WIPESEAL-VM-$fw-$$-$RANDOM-MARKER"
	for d in nvme sata virtio; do make_target "$d" "$marker-$d"; done
	make_stick
	station_sums >"$D/station.before"

	if boot "$fw"; then
		pass "$fw: the guest powered off by itself after $BOOT_SECONDS s"
	else
		fail "$fw: the guest did not power off within $TIMEOUT s (exit $?); console:"
		tr -d '\r' <"$D/console.log" | grep -a -v '^\[' | tail -n 30
		return
	fi
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	if [ "$fw" = uefi ]; then
		if grep -q 'firmware: UEFI, Secure Boot on' "$D/wipeseal.log"; then
			pass "uefi: booted with Secure Boot on (shim, GRUB and the kernel were checked)"
		else
			fail "uefi: the guest did not report Secure Boot on: $(grep firmware "$D/wipeseal.log")"
		fi
	else
		grep -q 'firmware: BIOS' "$D/wipeseal.log" && pass "bios: booted through BIOS" ||
			fail "bios: the guest did not report BIOS"
	fi
	for d in nvme sata virtio; do
		if grep -a -q "$marker" "$D/$d.img"; then
			fail "$fw: the marker is still on the $d disk"
		else
			pass "$fw: no marker left on the $d disk"
		fi
	done
	[ "$(sha256sum <"$ISO")" = "$ISO_SHA" ] && pass "$fw: the ISO is unchanged" ||
		fail "$fw: the ISO changed"
	station_sums >"$D/station.after"
	cmp -s "$D/station.before" "$D/station.after" && pass "$fw: the stick's station files are unchanged" ||
		fail "$fw: the stick's station files changed"

	mkdir -p "$D/out"
	mcopy -s -n -i "$D/stick.img" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	n=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | wc -l)
	[ "$n" = 3 ] && pass "$fw: three certificates on the stick" ||
		fail "$fw: $n certificates on the stick, not 3"
	for json in "$D"/out/certificates/*.json; do
		[ -e "$json" ] || continue
		if openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
			-CAfile "$W/pki/ca/ca.pem" -purpose any -out /dev/null 2>/dev/null; then
			pass "$fw: $(basename "$json") verifies with openssl cms -verify"
		else
			fail "$fw: $(basename "$json") does not verify"
		fi
		grep -q '"SUCCESS"' "$json" || fail "$fw: $(basename "$json") does not say SUCCESS"
	done
	for want in WSNVME0001 QM00003 vda; do
		compgen -G "$D/out/certificates/*$want*.json" >/dev/null ||
			fail "$fw: no certificate names $want"
	done
	n=$(grep -c SUCCESS "$D/out/audit.log" 2>/dev/null)
	[ "$n" = 3 ] && pass "$fw: the audit log on the stick has 3 SUCCESS lines" ||
		fail "$fw: the audit log has ${n:-no} SUCCESS lines"
}

run_one bios
run_one uefi

END=$(date +%s)
echo "tests/vm: $FAILS failure(s), $((END - START)) s in all (ISO $(($(stat -c %s "$ISO") / 1048576)) MiB)"
[ "$KEEP" = yes ] || rm -rf "$W/bios" "$W/uefi" "$W/iso/rootfs" "$W/iso/pkgs"
[ "$FAILS" = 0 ]
