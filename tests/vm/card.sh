# shellcheck shell=bash
# pass() never fails, so `test && pass || fail` is an if-then-else here (as in run.sh)
# shellcheck disable=SC2015
# tests/vm/card.sh - the "card" case of tests/vm/run.sh (sourced by it: it uses run.sh's W,
# D, TIMEOUT, make_target, make_stick, pass and fail): the boot image's smart-card stack
# exercised end to end, with a real USB CCID reader as the guest sees it.
#
# QEMU presents a USB smart-card reader (-device usb-ccid, a CCID 1.1 reader on the xhci
# bus) holding a card (-device ccid-card-emulated,backend=certificates: libcacard emulates
# a CAC card whose key and certificate sit in an NSS database on the host, made by
# tests/vm/make-card.sh from the test's CA with the operator profile). In the guest: the
# kernel's xhci driver, libusb, the CCID driver, pcscd, OpenSC's cac driver and PKCS#11
# module, p11-kit's proxy, libp11, and wipeseal. The station runs in auto mode with its
# signer key on the card (a pkcs11: URI in the stick's wipeseal.conf, the PIN in a mode-600
# file on the stick), so every signature of the boot (the trial one, the audit lines, the
# certificate) is made by the card. Checked: the console names the reader and the card,
# the disk is wiped, and the certificate on the stick verifies with `openssl cms -verify`
# against the CA, signed by the card's certificate (matched to its key by CKA_ID on the
# card, not named in the config).

# libcacard reads its whole configuration from one 200-byte string (QEMU's
# emulated_initialize_vcard_from_certificates()): the database's path must be short, so it
# lives in /tmp, not under the build directory.
CARD_PIN=271828

run_card() {
	local name=card marker db json n pid
	D=$W/$name
	rm -rf "$D"
	mkdir -p "$D"
	marker="WIPESEAL-VM-$name-$$-$RANDOM-MARKER"
	make_target virtio "$marker-virtio"
	(umask 077 && echo "$CARD_PIN" >"$D/card.pin")
	db=$(mktemp -d /tmp/ws-card.XXXXXX)
	if ! "$ROOT/tests/vm/make-card.sh" "$W/pki/ca" "$db" "$D/card.pin" --cn "VM Card Operator" \
		>"$D/make-card.log" 2>&1; then
		fail "$name: tests/vm/make-card.sh: $(tail -n 3 "$D/make-card.log")"
		rm -rf "$db"
		return
	fi
	make_stick cd || { rm -rf "$db"; return; }
	# the station's signer is the card: no key file on the stick, the URI and PIN file instead
	mdel -i "$STICK" ::/station/signer.key ::/station/signer.pem
	mcopy -o -i "$STICK" "$D/card.pin" ::/station/card.pin
	cat >"$D/wipeseal.conf" <<'CONF'
[operator]
name = VM Card Operator
organization = wipeseal CI
[signer]
key = pkcs11:token=VM%20Card%20Operator
pin_file = /run/wipeseal/data/station/card.pin
[station]
auto = yes
method = clear
verify = full
when_done = poweroff
CONF
	mcopy -o -i "$STICK" "$D/wipeseal.conf" ::/wipeseal.conf
	# cert1 is the operator's; libcacard skips nicknames the database does not hold, so the
	# card carries that one certificate (QEMU insists on three names)
	timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 \
		-display none -no-reboot -serial "file:$D/console.log" \
		-kernel "$W/iso/iso/boot/vmlinuz" -initrd "$W/iso/iso/boot/initrd.img" \
		-append "console=ttyS0,115200n8 quiet wipeseal.medium=none" \
		-device qemu-xhci -device usb-storage,drive=st -drive "file=$D/stick.img,if=none,id=st,format=raw" \
		-device usb-ccid,id=ccid \
		-device "ccid-card-emulated,backend=certificates,db=sql:$db,cert1=$(cat "$db/nick"),cert2=none,cert3=none" \
		-drive "file=$D/virtio.img,if=virtio,format=raw" >"$D/qemu.log" 2>&1 &
	pid=$!
	local t0=$SECONDS
	if wait "$pid"; then
		pass "$name: the guest powered off by itself after $((SECONDS - t0)) s"
	else
		fail "$name: the guest did not power off within $TIMEOUT s; console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 20
		cat "$D/qemu.log"
	fi
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	grep -q 'smart-card reader .*CCID.*: card "VM Card Operator" (serial [0-9a-f]*)' "$D/wipeseal.log" &&
		pass "$name: pcscd sees the USB CCID reader, OpenSC the card in it (through p11-kit)" ||
		fail "$name: the console names no CCID reader with the card: $(grep smart-card "$D/wipeseal.log")"
	grep -a -q "$marker" "$D/virtio.img" && fail "$name: the marker is still on the virtio disk" ||
		pass "$name: no marker left on the virtio disk"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	json=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | head -n1)
	if [ -n "$json" ] && openssl cms -verify -binary -inform PEM -in "$json.p7s" -content "$json" \
		-CAfile "$W/pki/ca/ca.pem" -purpose any -signer "$D/signers.pem" -out /dev/null 2>"$D/verify.err"; then
		pass "$name: $(basename "$json") verifies with openssl cms -verify"
		if [ "$(openssl x509 -in "$D/signers.pem" -noout -fingerprint -sha256)" = \
			"$(openssl x509 -in "$db/operator.pem" -noout -fingerprint -sha256)" ]; then
			pass "$name: signed by the card's key, its certificate the one on the card"
		else
			fail "$name: the signer is not the card's certificate"
		fi
		n=$(openssl cms -cmsout -print -inform PEM -in "$json.p7s" | grep -c '^ *d\.\(issuerAndSerialNumber\|subjectKeyIdentifier\):')
		echo "    ($n SignerInfo(s) in its SignedData)"
	else
		fail "$name: no certificate that verifies: ${json:-none} $(cat "$D/verify.err" 2>/dev/null)"
	fi
	grep -q SUCCESS "$D/out/audit.log" 2>/dev/null && pass "$name: the audit log on the stick has a SUCCESS line" ||
		fail "$name: no SUCCESS line in the audit log"
	rm -rf "$db"
}
