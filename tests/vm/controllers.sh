# shellcheck shell=bash
# pass() never fails, so `test && pass || fail` is an if-then-else here (as in run.sh)
# shellcheck disable=SC2015,SC2054
# tests/vm/controllers.sh - the "sd" and "raid" cases of tests/vm/run.sh (sourced by it: they
# use run.sh's W, D, TIMEOUT, case_dir, make_target, make_stick, pass and fail): drives behind
# controllers, wiped through the real kernel's drivers as a technician's station wipes them.
#
# sd: an SD card through the kernel's MMC stack.
# QEMU gives the guest an SD host controller on PCI (-device sdhci-pci, an SD Host Controller
# Specification v2 controller of PCI class 0805h) holding an SD card (-device sd-card) whose
# medium is an image file the test made first: ext4 holding a file of lines that carry a
# marker unique to the run. In the guest: the image's sdhci-pci, sdhci, mmc_core and
# mmc_block modules (iso/drivers.list), udev, and wipeseal in auto mode from the data stick
# (clear, full verification, poweroff), booted straight from the kernel and initramfs. Then,
# on the host, from the files alone: the guest powered off by itself; the console named the
# card as mmcblk0 on transport mmc; every byte of the card's image reads back as the pattern
# (clear: zeros); the stick holds one certificate, which `openssl cms -verify` accepts against
# the test's CA and which says SUCCESS, an SD/MMC card (transport mmc, interface eMMC/SD),
# overwritten, Clear; the audit log has its SUCCESS line. The card is 32 MiB (QEMU wants a
# power of two): booting, wiping and reading it back under TCG takes about a minute.

# The card's medium: ext4 on 32 MiB holding a file of marker lines.
make_sd_card() { # MARKER
	mkdir -p "$D/files-sd"
	yes "$1" | head -n 20000 >"$D/files-sd/data.txt"
	rm -f "$D/sd.img"
	truncate -s 32M "$D/sd.img"
	mkfs.ext4 -q -F -d "$D/files-sd" "$D/sd.img"
}

run_sd() {
	local name=sd marker json n t0 pid
	case_dir "$name"
	make_sd_card "$marker-sd"
	grep -a -q "$marker" "$D/sd.img" || { fail "$name: the card's image holds no marker"; return; }
	make_stick cd || return
	timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 \
		-display none -no-reboot -serial "file:$D/console.log" \
		-kernel "$W/iso/iso/boot/vmlinuz" -initrd "$W/iso/iso/boot/initrd.img" \
		-append "console=ttyS0,115200n8 quiet wipeseal.medium=none" \
		-device qemu-xhci -device usb-storage,drive=st -drive "file=$D/stick.img,if=none,id=st,format=raw" \
		-device sdhci-pci -device sd-card,drive=sdcard -drive "if=none,id=sdcard,file=$D/sd.img,format=raw" \
		>"$D/qemu.log" 2>&1 &
	pid=$!
	t0=$SECONDS
	if wait "$pid"; then
		pass "$name: the guest powered off by itself after $((SECONDS - t0)) s"
	else
		fail "$name: the guest did not power off within $TIMEOUT s; console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 20
		return
	fi
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	grep -q 'mmcblk0.*, mmc, ' "$D/wipeseal.log" &&
		pass "$name: the station found the card as mmcblk0, transport mmc (the kernel's MMC stack)" ||
		fail "$name: the console names no mmcblk0 on transport mmc: $(grep -a mmc "$D/wipeseal.log")"
	grep -q 'auto mode ended, exit status 0' "$D/wipeseal.log" && pass "$name: auto mode ended with status 0" ||
		fail "$name: auto mode did not end with status 0: $(grep 'auto mode ended' "$D/wipeseal.log")"
	grep -a -q "$marker" "$D/sd.img" && fail "$name: the marker is still on the card" ||
		pass "$name: no marker left on the card"
	cmp -s -n "$(stat -c %s "$D/sd.img")" "$D/sd.img" /dev/zero &&
		pass "$name: all $(($(stat -c %s "$D/sd.img") / 1048576)) MiB of the card read back as the pattern (zeros)" ||
		fail "$name: the card does not read back as zeros: $(cmp "$D/sd.img" /dev/zero 2>&1 | head -n1)"

	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	n=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | wc -l)
	[ "$n" = 1 ] && pass "$name: one certificate on the stick" || fail "$name: $n certificates on the stick, not 1"
	json=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | head -n1)
	[ -n "$json" ] || return
	openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
		-CAfile "$W/pki/ca/ca.pem" -purpose any -out /dev/null 2>/dev/null &&
		pass "$name: $(basename "$json") verifies with openssl cms -verify" ||
		fail "$name: $(basename "$json") does not verify"
	check_sd_cert "$name" "$json"
	grep -q '"SUCCESS"' "$D/out/audit.log" 2>/dev/null && pass "$name: the audit log has a SUCCESS line" ||
		fail "$name: no SUCCESS line in the audit log"
}

# What the certificate says of the card and of the wipe: its keys, as the station writes
# them (pretty-printed, one "key": value a line; the key names docs/certificate.md's).
check_sd_cert() { # NAME JSON
	local f
	for f in '"status": "SUCCESS"' '"transport": "mmc"' '"interface": "eMMC/SD"' \
		'"media_type": "SD/MMC flash card"' '"method": "Clear"' '"technique": "overwrite"' \
		'"name": "mmcblk0"' '"mode": "full"' '"flash_media": "Overwrite on flash media is Clear'; do
		grep -q -F "$f" "$2" && pass "$1: the certificate says $f" ||
			fail "$1: the certificate does not say $f"
	done
	# sanitization.flash_media: overwrite on flash is Clear, and what Purge would need
	# (WS_CERT_FLASH_NOTE, docs/certificate.md "Flash media")
}

# raid: a logical drive of QEMU's LSI MegaRAID SAS 2108 (-device megasas-gen2, which presents
# each disk as a logical drive unless use_jbod is on) through the kernel's megaraid_sas, as
# discovery sees a real MegaRAID's (tests/fixtures/machine2 has one from a real controller's
# sysfs layout): the console lists it as "logical volume (megaraid_sas)"; auto mode overwrites
# it (clear, full verification); no marker is left; its certificate verifies and records
# media.controller (driver megaraid_sas, logical_volume true) and the media type "RAID
# logical volume". The refusal of firmware techniques on a volume is proven by the unit suite.
run_raid() {
	local name=raid marker json t0 pid f
	case_dir "$name"
	make_target lv "$marker-lv"
	make_stick cd || return
	timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 \
		-display none -no-reboot -serial "file:$D/console.log" \
		-kernel "$W/iso/iso/boot/vmlinuz" -initrd "$W/iso/iso/boot/initrd.img" \
		-append "console=ttyS0,115200n8 quiet wipeseal.medium=none" \
		-device qemu-xhci -device usb-storage,drive=st -drive "file=$D/stick.img,if=none,id=st,format=raw" \
		-device megasas-gen2,id=mr -drive "if=none,id=lv,file=$D/lv.img,format=raw" \
		-device scsi-hd,drive=lv,bus=mr.0,serial=WSRAIDLV01 >"$D/qemu.log" 2>&1 &
	pid=$!
	t0=$SECONDS
	if wait "$pid"; then
		pass "$name: the guest powered off by itself after $((SECONDS - t0)) s"
	else
		fail "$name: the guest did not power off within $TIMEOUT s; console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 20
		return
	fi
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	grep -q ', logical volume (megaraid_sas), strongest technique clear: to be wiped' "$D/wipeseal.log" &&
		pass "$name: the station lists the MegaRAID logical drive as a logical volume (megaraid_sas)" ||
		fail "$name: no logical volume (megaraid_sas) on the console: $(grep -a '/dev/sd' "$D/wipeseal.log")"
	grep -a -q "$marker" "$D/lv.img" && fail "$name: the marker is still on the logical volume" ||
		pass "$name: no marker left on the logical volume"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates "$D/out/" 2>/dev/null
	json=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | head -n1)
	if [ -n "$json" ] && openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
		-CAfile "$W/pki/ca/ca.pem" -purpose any -out /dev/null 2>/dev/null; then
		pass "$name: $(basename "$json") verifies with openssl cms -verify"
	else
		fail "$name: no certificate that verifies: ${json:-none}"
		return
	fi
	for f in '"driver": "megaraid_sas"' '"logical_volume": true' '"media_type": "RAID logical volume"' \
		'"method": "Clear"' '"status": "SUCCESS"'; do
		grep -q -F "$f" "$json" && pass "$name: the certificate says $f" ||
			fail "$name: the certificate does not say $f"
	done
}
