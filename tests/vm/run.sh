#!/usr/bin/env bash
# tests/vm/run.sh - the boot image, booted as a technician's station boots it: iso/build.sh
# builds the ISO and the USB image, then QEMU (software emulation, no KVM) boots the ISO as
# a CD, once with BIOS (SeaBIOS) and once with UEFI (OVMF with Microsoft's keys, Secure Boot
# enforced), and the USB image as a USB stick with UEFI Secure Boot (its own third partition
# is then the data stick, and the stick itself must be left alone), with
#   - an NVMe disk, a SATA disk on AHCI and a virtio disk, each holding ext4 with files that
#     carry a marker unique to the run;
#   - a USB stick (usb-storage on xhci) with the FAT file system WIPESEAL: a signer from a CA
#     this test made with openssl, and a wipeseal.conf asking for auto mode and poweroff,
#     with Windows line endings (for `purge`, docs/station.md's example, verbatim).
# The guest must power off by itself. Then, on the host, from the image files alone: no
# marker is left on any target, the ISO (or the USB image's boot partitions) and the stick's
# station/ files are unchanged, and
# the stick holds one certificate per target that `openssl cms -verify` accepts against the
# test's CA, and an audit log with a SUCCESS line for each. Needs no root: the disks are
# image files and the stick is read with mtools. The "netboot" case (tests/vm/netboot.sh)
# boots the image from the network instead, with the test's PostgreSQL and NTP server.
#
#   tests/vm/run.sh [--binary WIPESEAL] [--keep]      (WS_VM_TIMEOUT: seconds per boot;
#                                                      WS_VM_ONLY: the scenarios to run)
# pass() never fails, so `test && pass || fail` is an if-then-else here; QEMU arguments
# hold commas inside one word (SC2054)
# shellcheck disable=SC2015,SC2054
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build/src/wipeseal
KEEP=no
TIMEOUT=${WS_VM_TIMEOUT:-240}
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
EXTRA=()
TARGETS=()
START=$(date +%s)

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
pass() { echo "ok: $*"; }

for tool in qemu-system-x86_64 mcopy mkfs.vfat mkfs.ext4 openssl tmux; do
	command -v "$tool" >/dev/null || { echo "tests/vm/run.sh: $tool missing (scripts/deps.sh)" >&2; exit 2; }
done
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
[ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || { echo "tests/vm/run.sh: OVMF missing (ovmf)" >&2; exit 2; }

# ---- the image and the PKI -----------------------------------------------------------------
ISO=$W/wipeseal.iso
USBIMG=$W/wipeseal-usb.img
bash "$ROOT/iso/build.sh" --output "$ISO" --usb-image "$USBIMG" --binary "$BIN" --work "$W/iso" \
	--cache "$W/debs" --netboot "$W/pxe" || { echo "FAIL: iso/build.sh"; exit 1; }
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

# The data stick: a FAT file system labelled WIPESEAL on its own USB stick (cd), or the
# USB image's third partition (usb). mtools reaches it at an offset: no loop device.
make_stick() { # cd | usb
	local start
	rm -f "$D/stick.img"
	if [ "$1" = usb ]; then
		cp "$USBIMG" "$D/stick.img"
		start=$(sfdisk -d "$D/stick.img" | sed -n 's/.*stick.img3 : start= *\([0-9]*\),.*/\1/p')
		[ -n "$start" ] || { fail "usb: the USB image has no third partition"; return 1; }
		STICK="$D/stick.img@@$((start * 512))"
		BOOTAREA=$((start * 512))
	else
		truncate -s 64M "$D/stick.img"
		mkfs.vfat -n WIPESEAL "$D/stick.img" >/dev/null
		STICK=$D/stick.img
		BOOTAREA=0
	fi
	mmd -D o -i "$STICK" ::/station 2>/dev/null
	mcopy -o -i "$STICK" "$W/pki/st/signer.key" "$W/pki/st/signer.pem" ::/station/
	mcopy -o -i "$STICK" "$W/pki/ca/ca.pem" ::/station/ca.pem
	# saved as on Windows (CRLF): the image reads it with wipeseal's parser, as the station
	# does, and must still see auto mode and poweroff
	sed 's/$/\r/' >"$D/wipeseal.conf" <<CONF
[operator]
name = VM Test Operator
organization = wipeseal CI
[station]
auto = yes
method = ${METHOD:-clear}
verify = full
when_done = poweroff
CONF
	mcopy -o -i "$STICK" "$D/wipeseal.conf" ::/wipeseal.conf
}

# What must not change: the ISO, or the part of the USB image before its data partition.
boot_sum() {
	if [ "$BOOTAREA" = 0 ]; then sha256sum <"$ISO"; else head -c "$BOOTAREA" "$D/stick.img" | sha256sum; fi
}

station_sums() {
	local f
	for f in signer.key signer.pem ca.pem; do
		mtype -i "$STICK" "::/station/$f" | sha256sum
	done
	mtype -i "$STICK" ::/wipeseal.conf | sha256sum
}

# The three targets every boot has: NVMe, SATA on AHCI, virtio (QEMU arguments, in TARGETS).
set_targets() {
	TARGETS=(-drive "file=$D/nvme.img,if=none,id=nv,format=raw" -device nvme,serial=WSNVME0001,drive=nv
		-drive "file=$D/sata.img,if=none,id=sa,format=raw" -device ide-hd,drive=sa,bus=ide.1
		-drive "file=$D/virtio.img,if=virtio,format=raw")
}

boot() { # bios | uefi, cd | usb
	local fw=$1 medium=$2 t0 t1 rc
	local -a firmware=() machine=(-machine q35) media=()
	if [ "$fw" = uefi ]; then
		cp "$OVMF_VARS" "$D/vars.fd"
		machine=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
		firmware=(-drive "if=pflash,format=raw,unit=0,file=$OVMF_CODE,readonly=on"
			-drive "if=pflash,format=raw,unit=1,file=$D/vars.fd")
	fi
	if [ "$medium" = cd ]; then
		media=(-drive "file=$ISO,if=none,id=cd,format=raw,readonly=on"
			-device ide-cd,drive=cd,bus=ide.2,bootindex=0
			-drive "file=$D/stick.img,if=none,id=st,format=raw" -device usb-storage,drive=st)
	else
		media=(-drive "file=$D/stick.img,if=none,id=st,format=raw"
			-device usb-storage,drive=st,bootindex=0)
	fi
	set_targets
	t0=$(date +%s)
	timeout "$TIMEOUT" qemu-system-x86_64 "${machine[@]}" -accel tcg -cpu max -smp 2 -m 1024 \
		"${firmware[@]}" -display none -no-reboot -serial "file:$D/console.log" \
		-device qemu-xhci "${media[@]}" \
		"${TARGETS[@]}" "${EXTRA[@]}" >"$D/qemu.log" 2>&1
	rc=$?
	t1=$(date +%s)
	BOOT_SECONDS=$((t1 - t0))
	return $rc
}

run_one() { # bios | uefi, cd | usb
	local fw=$1 medium=$2 marker d n json before
	local name=$fw
	[ "$medium" = usb ] && name=usb-$fw
	case_dir "$name"
	for d in nvme sata virtio; do make_target "$d" "$marker-$d"; done
	make_stick "$medium" || return
	station_sums >"$D/station.before"
	before=$(boot_sum)

	if boot "$fw" "$medium"; then
		pass "$name: the guest powered off by itself after $BOOT_SECONDS s"
	else
		fail "$name: the guest did not power off within $TIMEOUT s (exit $?); console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 30
		return
	fi
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	if [ "$fw" = uefi ]; then
		if grep -q 'firmware: UEFI, Secure Boot on' "$D/wipeseal.log"; then
			pass "$name: booted with Secure Boot on (shim, GRUB and the kernel were checked)"
		else
			fail "$name: the guest did not report Secure Boot on: $(grep firmware "$D/wipeseal.log")"
		fi
	else
		grep -q 'firmware: BIOS' "$D/wipeseal.log" && pass "$name: booted through BIOS" ||
			fail "$name: the guest did not report BIOS"
	fi
	for d in nvme sata virtio; do
		if grep -a -q "$marker" "$D/$d.img"; then
			fail "$name: the marker is still on the $d disk"
		else
			pass "$name: no marker left on the $d disk"
		fi
	done
	[ "$(sha256sum <"$ISO")" = "$ISO_SHA" ] && pass "$name: the ISO is unchanged" ||
		fail "$name: the ISO changed"
	if [ "$medium" = usb ]; then
		[ "$(boot_sum)" = "$before" ] && pass "$name: the stick's boot partitions are unchanged" ||
			fail "$name: the stick's boot partitions changed"
		grep -q ", usb, strongest technique [a-z+-]*: skipped: boot image (holds this station's image, build id $(cat "$W/iso/iso/.disk/wipeseal-id")" "$D/wipeseal.log" &&
			pass "$name: the station skipped the stick it booted from (its build ID)" ||
			fail "$name: the station did not say it skipped its own stick"
	fi
	station_sums >"$D/station.after"
	cmp -s "$D/station.before" "$D/station.after" && pass "$name: the stick's station files are unchanged" ||
		fail "$name: the stick's station files changed"

	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	n=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | wc -l)
	[ "$n" = 3 ] && pass "$name: three certificates on the stick" ||
		fail "$name: $n certificates on the stick, not 3"
	for json in "$D"/out/certificates/*.json; do
		[ -e "$json" ] || continue
		if openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
			-CAfile "$W/pki/ca/ca.pem" -purpose any -out /dev/null 2>/dev/null; then
			pass "$name: $(basename "$json") verifies with openssl cms -verify"
		else
			fail "$name: $(basename "$json") does not verify"
		fi
		grep -q '"SUCCESS"' "$json" || fail "$name: $(basename "$json") does not say SUCCESS"
		# the image has no time service: the certificate must say the clock was its own
		grep -q '"synchronized": false' "$json" ||
			fail "$name: $(basename "$json") does not say the clock was unsynchronized"
	done
	for want in WSNVME0001 QM00003 vda; do
		compgen -G "$D/out/certificates/*$want*.json" >/dev/null ||
			fail "$name: no certificate names $want"
	done
	n=$(grep -c SUCCESS "$D/out/audit.log" 2>/dev/null)
	[ "$n" = 3 ] && pass "$name: the audit log on the stick has 3 SUCCESS lines" ||
		fail "$name: the audit log has ${n:-no} SUCCESS lines"
}

# The firmware techniques through a real kernel: QEMU's NVMe device (Format NVM zero-fills,
# no Sanitize, SANICAP and FNA 0), its AHCI disk and a virtio-scsi disk (no security,
# sanitize or HPA commands), and a virtio disk (no pass-through at all). `purge` must be
# refused on every one without touching it; `nvme-format-user-data` must erase the NVMe
# disk through the kernel's NVMe driver and be refused on the others. BIOS, from the CD.
run_firmware() { # METHOD
	local name=fw-$1 d marker json n
	METHOD=$1
	case_dir "$name"
	for d in nvme sata virtio scsi; do make_target "$d" "$marker-$d"; done
	make_stick cd || return
	if [ "$1" = purge ]; then
		# the [station] example of docs/station.md, copied verbatim: auto mode, purge, poweroff
		awk '/^```ini$/ { on = 1; next } /^```/ { on = 0 } on' "$ROOT/docs/station.md" >"$D/wipeseal.conf"
		grep -q '^auto = yes$' "$D/wipeseal.conf" || fail "$name: no auto = yes in docs/station.md's example"
		mcopy -o -i "$STICK" "$D/wipeseal.conf" ::/wipeseal.conf
	fi
	EXTRA=(-device virtio-scsi-pci,id=vs -drive "file=$D/scsi.img,if=none,id=sc,format=raw"
		-device scsi-hd,drive=sc,bus=vs.0,serial=WSSCSI0001)
	if boot bios cd; then
		pass "$name: the guest powered off by itself after $BOOT_SECONDS s"
	else
		fail "$name: the guest did not power off within $TIMEOUT s; console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 30
		EXTRA=()
		METHOD=
		return
	fi
	EXTRA=()
	METHOD=
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	grep -q 'auto mode ended, exit status 3' "$D/wipeseal.log" &&
		pass "$name: auto mode ended with exit status 3 (refusals)" ||
		fail "$name: auto mode did not end with status 3: $(grep 'auto mode ended' "$D/wipeseal.log")"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	for d in sata virtio scsi; do
		grep -a -q "$marker-$d" "$D/$d.img" && pass "$name: the $d disk was not touched" ||
			fail "$name: the marker is gone from the $d disk"
	done
	if [ "$1" = purge ]; then
		grep -a -q "$marker-nvme" "$D/nvme.img" && pass "$name: the nvme disk was not touched" ||
			fail "$name: the marker is gone from the nvme disk"
		n=$(grep -c 'REFUSED' "$D/wipeseal.log")
		[ "$n" -ge 4 ] && pass "$name: every drive refused on the console" ||
			fail "$name: $n REFUSED lines on the console, not 4"
		n=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | wc -l)
		[ "$n" = 0 ] && pass "$name: no certificate" || fail "$name: $n certificates"
		n=$(grep -c REFUSED "$D/out/audit.log" 2>/dev/null)
		[ "$n" = 4 ] && pass "$name: four REFUSED lines in the audit log" ||
			fail "$name: ${n:-no} REFUSED lines in the audit log, not 4"
	else
		grep -a -q "$marker-nvme" "$D/nvme.img" && fail "$name: the marker is still on the nvme disk" ||
			pass "$name: no marker left on the nvme disk (Format NVM through the kernel)"
		json=$(find "$D/out/certificates" -name '*WSNVME0001.json' | head -n1)
		if [ -n "$json" ] && openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
			-CAfile "$W/pki/ca/ca.pem" -purpose any -out /dev/null 2>/dev/null &&
			grep -q '"nvme-format-user-data' "$json" && grep -q '"SUCCESS"' "$json"; then
			pass "$name: the NVMe certificate verifies and says nvme-format-user-data, SUCCESS"
		else
			fail "$name: no verifying nvme-format-user-data SUCCESS certificate for the NVMe disk"
		fi
		n=$(grep -c 'REFUSED' "$D/wipeseal.log")
		[ "$n" -ge 3 ] && pass "$name: the other three refused on the console" ||
			fail "$name: $n REFUSED lines on the console, not 3"
	fi
}

# The kernel command line instead of the stick's wipeseal.conf (PXE, sticks without one),
# booted straight from the kernel and initramfs (no medium: wipeseal.medium=none).
# With the stick's signer: the command line's method and operator reach the certificates,
# and a second USB stick holding a copy of the image (a spare boot stick, not mounted: the
# image was not booted from it) is left alone by its build ID.
# Without any data stick: auto mode must refuse, say why on the console, and not power off.
run_cmdline() { # with-stick | no-stick
	local name=cmdline-$1 d marker json t0
	case_dir "$name"
	for d in nvme sata virtio; do make_target "$d" "$marker-$d"; done
	make_stick cd || return
	mdel -i "$STICK" ::/wipeseal.conf
	local -a stick=(-device usb-storage,drive=st -drive "file=$D/stick.img,if=none,id=st,format=raw")
	[ "$1" = no-stick ] && stick=()
	if [ "$1" = with-stick ]; then
		cp "$ISO" "$D/spare-boot.img"
		stick+=(-device usb-storage,drive=sb,serial=SPAREBOOT1
			-drive "file=$D/spare-boot.img,if=none,id=sb,format=raw")
	fi
	set_targets
	qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 -display none -no-reboot \
		-serial "file:$D/console.log" -kernel "$W/iso/iso/boot/vmlinuz" \
		-initrd "$W/iso/iso/boot/initrd.img" \
		-append "console=ttyS0,115200n8 quiet wipeseal.medium=none wipeseal.auto=1 wipeseal.method=zero wipeseal.verify=full wipeseal.operator=\"Kernel Cmdline Operator\" wipeseal.when_done=poweroff" \
		-device qemu-xhci "${stick[@]}" \
		"${TARGETS[@]}" >"$D/qemu.log" 2>&1 &
	local qemu=$! t0
	t0=$(date +%s)
	if [ "$1" = no-stick ]; then
		wait_refusal "$qemu" "$name" 'nothing is'
		grep -a -q 'auto mode: no data stick' "$D/console.log" &&
			pass "$name: the console says there is no data stick" ||
			fail "$name: the console does not say why nothing was wiped"
		for d in nvme sata virtio; do
			grep -a -q "$marker-$d" "$D/$d.img" && pass "$name: the $d disk was not touched" ||
				fail "$name: the marker is gone from the $d disk"
		done
		return
	fi
	if timeout "$TIMEOUT" tail --pid="$qemu" -f /dev/null; then
		wait "$qemu" && pass "$name: the guest powered off by itself after $(($(date +%s) - t0)) s" ||
			fail "$name: QEMU failed"
	else
		kill "$qemu"
		fail "$name: the guest did not power off within $TIMEOUT s"
		return
	fi
	for d in nvme sata virtio; do
		grep -a -q "$marker-$d" "$D/$d.img" && fail "$name: the marker is still on the $d disk" ||
			pass "$name: no marker left on the $d disk"
	done
	cmp -s "$ISO" "$D/spare-boot.img" && pass "$name: the spare boot stick is unchanged" ||
		fail "$name: the spare boot stick changed"
	grep -a -q 'SPAREBOOT1, .*skipped: boot image (holds this station' "$D/console.log" &&
		pass "$name: the station skipped the spare boot stick: it holds this image" ||
		fail "$name: the station did not say it skipped the spare boot stick"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates "$D/out/" 2>/dev/null
	json=$(find "$D/out/certificates" -name '*WSNVME0001.json' | head -n1)
	if [ -n "$json" ] && grep -q '"Kernel Cmdline Operator"' "$json" &&
		grep -q '"details": "zero: ' "$json"; then
		pass "$name: the certificate names the command line's operator and method"
	else
		fail "$name: the certificate lacks the command line's operator or method"
	fi
}

# Wait for WORDS on the console of the guest QEMU runs as PID: it must say why and stay up
# (no poweroff that would take the reason away), then it is stopped.
wait_refusal() { # PID NAME WORDS
	local qemu=$1 t0
	t0=$(date +%s)
	while kill -0 "$qemu" 2>/dev/null && [ $(($(date +%s) - t0)) -lt "$TIMEOUT" ]; do
		grep -a -q "$3" "$D/console.log" 2>/dev/null && break
		sleep 1
	done
	BOOT_SECONDS=$(($(date +%s) - t0))
	sleep 5
	if kill -0 "$qemu" 2>/dev/null; then
		pass "$2: said why after $BOOT_SECONDS s, still running 5 s later (no poweroff that would hide it)"
		kill "$qemu"
	else
		fail "$2: the guest powered off (or died) after refusing"
	fi
	wait "$qemu" 2>/dev/null
}

# Two data sticks, the stick and a spare copy of it (both FAT labelled WIPESEAL), beside the
# targets, auto mode on the command line: which one is the station's is not clear, so none
# is mounted, auto mode says so and stops, and neither stick nor any target is written.
run_two_sticks() {
	local name=two-sticks d marker sums
	case_dir "$name"
	for d in nvme sata virtio; do make_target "$d" "$marker-$d"; done
	make_stick cd || return
	cp "$D/stick.img" "$D/spare.img"
	sums=$(sha256sum "$D/stick.img" "$D/spare.img")
	set_targets
	qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 -display none -no-reboot \
		-serial "file:$D/console.log" -kernel "$W/iso/iso/boot/vmlinuz" \
		-initrd "$W/iso/iso/boot/initrd.img" \
		-append "console=ttyS0,115200n8 quiet wipeseal.medium=none wipeseal.auto=1 wipeseal.when_done=poweroff" \
		-device qemu-xhci -device usb-storage,drive=st -drive "file=$D/stick.img,if=none,id=st,format=raw" \
		-device usb-storage,drive=sp -drive "file=$D/spare.img,if=none,id=sp,format=raw" \
		"${TARGETS[@]}" >"$D/qemu.log" 2>&1 &
	wait_refusal $! "$name" 'more than one data stick'
	grep -a -q 'auto mode: more than one data stick' "$D/console.log" &&
		pass "$name: the console says there is more than one data stick" ||
		fail "$name: the console does not say why nothing was wiped"
	[ "$(sha256sum "$D/stick.img" "$D/spare.img")" = "$sums" ] &&
		pass "$name: neither stick changed" || fail "$name: a stick changed"
	for d in nvme sata virtio; do
		grep -a -q "$marker-$d" "$D/$d.img" && pass "$name: the $d disk was not touched" ||
			fail "$name: the marker is gone from the $d disk"
	done
}

# The station's screen on the serial console of a booted image, driven as a technician
# would (tmux: send-keys, capture-pane), with real hot-plug: a USB disk added through
# QEMU's monitor appears on the screen; started with the SATA disk, it is pulled
# (device_del) in the middle of its wipe: it must end FAILED ("disappeared") and be marked
# gone, while the SATA disk ends SUCCESS; both get signed certificates on the stick.
TMUX_SOCK=wipeseal-vm-$$
tm() { tmux -L "$TMUX_SOCK" "$@"; }
screen() { tm capture-pane -p -t vm 2>/dev/null; }
# A fresh $W/NAME as $D, and the case's marker in $marker (the calling case's local).
case_dir() { # NAME
	D=$W/$1
	rm -rf "$D"
	mkdir -p "$D"
	marker="WIPESEAL-VM-$1-$$-$RANDOM-MARKER"
}

# On the station: start the selected wipes and type the confirmation.
start_wipe() {
	tm send-keys -t vm s
	wait_screen 'Type WIPE' 10
	tm send-keys -t vm -l WIPE
	tm send-keys -t vm Enter
}

wait_screen() { # TEXT SECONDS
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		screen | grep -q -- "$1" && return 0
		sleep 0.5
	done
	return 1
}
monitor() { # a QEMU monitor command (Ctrl-A c switches the serial line to the monitor)
	tm send-keys -t vm C-a c
	sleep 0.5
	tm send-keys -t vm -l "$1"
	tm send-keys -t vm Enter
	sleep 1
	tm send-keys -t vm C-a c
	sleep 0.5
	tm send-keys -t vm C-l # the station draws its whole screen again
}
cursor_to() { # move the station's cursor to the row that mentions TEXT
	local i
	tm send-keys -t vm Home
	for ((i = 0; i < 12; i++)); do
		sleep 0.5
		screen | grep '^>' | grep -q -- "$1" && return 0
		tm send-keys -t vm j
	done
	return 1
}

summary_settled() {
	local i
	for ((i = 1; i <= 60; i++)); do
		screen | grep -q 'disappeared' && screen | grep -q 'SUCCESS' && return 0
		((i % 20 == 0)) && tm send-keys -t vm C-l
		sleep 0.5
	done
	return 1
}

run_station_serial() {
	local name=station-serial marker json ok
	case_dir "$name"
	make_target sata "$marker-sata"
	make_target hot "$marker-hot"
	truncate -s 1G "$D/hot.img"
	METHOD=clear
	make_stick cd || return
	METHOD=
	# no auto mode: the technician drives the station
	printf '[operator]\nname = VM Test Operator\n[station]\nverify = full\n' >"$D/wipeseal.conf"
	mcopy -o -i "$STICK" "$D/wipeseal.conf" ::/wipeseal.conf
	tm kill-server 2>/dev/null
	tm new-session -d -s vm -x 80 -y 24 \
		"qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 -nographic -no-reboot \
		-drive file=$ISO,if=none,id=cd,format=raw,readonly=on -device ide-cd,drive=cd,bus=ide.2,bootindex=0 \
		-device qemu-xhci -drive file=$D/stick.img,if=none,id=st,format=raw -device usb-storage,drive=st \
		-drive file=$D/sata.img,if=none,id=sa,format=raw -device ide-hd,drive=sa,bus=ide.1 \
		2>$D/qemu.log; sleep 600"
	ok=yes
	wait_screen 'boot:' 60 || { fail "$name: no ISOLINUX prompt on the serial line"; ok=no; }
	if [ $ok = yes ]; then
		tm send-keys -t vm -l serial
		tm send-keys -t vm Enter
		wait_screen 'hot-plug: udev events' 120 &&
			pass "$name: the station's screen came up on the serial console (udev hot-plug)" ||
			{ fail "$name: no station screen on the serial console"; ok=no; }
	fi
	if [ $ok = yes ]; then
		monitor "drive_add 0 if=none,id=hp,file=$D/hot.img,format=raw"
		monitor "device_add usb-storage,drive=hp,id=hpdev,serial=HOTPLUG01"
		wait_screen 'HOTPLUG01' 60 && pass "$name: a USB disk plugged in appeared on the screen" ||
			{ fail "$name: the plugged-in USB disk did not appear"; ok=no; }
	fi
	if [ $ok = yes ]; then
		# three passes and a full read-back on 1 GiB: long enough to pull it mid-wipe
		tm send-keys -t vm m
		wait_screen 'dod-3pass' 10
		tm send-keys -t vm j j j j Enter
		cursor_to QM00003 && tm send-keys -t vm Space
		cursor_to HOTPLUG01 && tm send-keys -t vm Space
		wait_screen '2 of' 10 || { fail "$name: could not select the two disks"; ok=no; }
	fi
	if [ $ok = yes ]; then
		start_wipe
		wait_screen '/3 write' 60 || { fail "$name: the wipes did not start"; ok=no; }
	fi
	if [ $ok = yes ]; then
		monitor "device_del hpdev"
		if wait_screen 'Summary' 180; then
			# the serial line draws the summary row by row: its title can be on the screen
			# before its rows are; read it once both outcomes are there or 30 s have passed
			# (asking for a redraw every 10 s), never on the title alone
			summary_settled
			screen >"$D/summary.txt"
			grep -A2 'FAILED' "$D/summary.txt" | grep -q 'disappeared' &&
				pass "$name: the pulled disk ended FAILED: the device disappeared" ||
				fail "$name: the pulled disk did not end FAILED with a reason: $(cat "$D/summary.txt")"
			grep -q 'SUCCESS' "$D/summary.txt" && pass "$name: the SATA disk ended SUCCESS" ||
				fail "$name: the SATA disk did not succeed"
			tm send-keys -t vm x
			wait_screen 'gone, was FA' 20 && pass "$name: the pulled disk's row says gone" ||
				fail "$name: the pulled disk's row does not say gone"
		else
			fail "$name: no summary; the screen: $(screen)"
		fi
	fi
	monitor quit
	tm kill-server 2>/dev/null
	grep -a -q "$marker-sata" "$D/sata.img" && fail "$name: the marker is still on the SATA disk" ||
		pass "$name: no marker left on the SATA disk"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates "$D/out/" 2>/dev/null
	for json in "$D"/out/certificates/*QM00003.json "$D"/out/certificates/*HOTPLUG01.json; do
		if [ -e "$json" ] && openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
			-CAfile "$W/pki/ca/ca.pem" -purpose any -out /dev/null 2>/dev/null; then
			pass "$name: $(basename "$json") verifies ($(grep -o '"status": "[A-Z]*"' "$json" | head -n1))"
		else
			fail "$name: no verifying certificate $(basename "$json")"
		fi
	done
}

# the smart-card case: run_card
# shellcheck source=tests/vm/card.sh
. "$ROOT/tests/vm/card.sh"
# the network boot: run_netboot
# shellcheck source=tests/vm/netboot.sh
. "$ROOT/tests/vm/netboot.sh"
# drives behind controllers: an SD card on QEMU's SDHCI (run_sd), a MegaRAID volume (run_raid)
# shellcheck source=tests/vm/controllers.sh
. "$ROOT/tests/vm/controllers.sh"

# WS_VM_ONLY="bios station-serial" runs only those (the inner loop)
want() { [ -z "${WS_VM_ONLY:-}" ] || [[ " $WS_VM_ONLY " == *" $1 "* ]]; }
want bios && run_one bios cd
want uefi && run_one uefi cd
want usb-uefi && run_one uefi usb
want fw-purge && run_firmware purge
want fw-nvme-format-user-data && run_firmware nvme-format-user-data
want cmdline-with-stick && run_cmdline with-stick
want cmdline-no-stick && run_cmdline no-stick
want two-sticks && run_two_sticks
want station-serial && run_station_serial
want card && run_card
want card-login && run_card_login
want netboot && run_netboot
want sd && run_sd
want raid && run_raid

END=$(date +%s)
echo "tests/vm: $FAILS failure(s), $((END - START)) s in all (ISO $(($(stat -c %s "$ISO") / 1048576)) MiB)"
[ "$KEEP" = yes ] || rm -rf "$W/bios" "$W/uefi" "$W/usb-uefi" "$W"/fw-* "$W"/cmdline-* "$W/two-sticks" "$W/station-serial" "$W"/card* "$W/netboot" "$W/sd" "$W/raid" "$W/pxe" "$W/iso/rootfs" "$W/iso/pkgs"
[ "$FAILS" = 0 ]
