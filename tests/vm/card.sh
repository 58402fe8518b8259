# shellcheck shell=bash
# pass() never fails, so `test && pass || fail` is an if-then-else here (as in run.sh)
# shellcheck disable=SC2015,SC2054
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

# The card: CARD_DB (an NSS database in /tmp, removed by card_done) and CARD_ARGS (QEMU's
# reader holding it). cert1 is the operator's; libcacard skips nicknames the database does
# not hold, so the card carries that one certificate (QEMU insists on three names).
make_card() { # NAME
	(umask 077 && echo "$CARD_PIN" >"$D/card.pin")
	CARD_DB=$(mktemp -d /tmp/ws-card.XXXXXX)
	if ! "$ROOT/tests/vm/make-card.sh" "$W/pki/ca" "$CARD_DB" "$D/card.pin" --cn "VM Card Operator" \
		>"$D/make-card.log" 2>&1; then
		fail "$1: tests/vm/make-card.sh: $(tail -n 3 "$D/make-card.log")"
		card_done
		return 1
	fi
	CARD_ARGS=(-device usb-ccid,id=ccid
		-device "ccid-card-emulated,backend=certificates,db=sql:$CARD_DB,cert1=$(cat "$CARD_DB/nick"),cert2=none,cert3=none")
}
card_done() {
	cp "$CARD_DB/operator.pem" "$D/card-operator.pem" 2>/dev/null
	rm -rf "$CARD_DB"
}

# The certificate JSON verifies against the test's CA with openssl cms -verify; its signers'
# certificates go to $D/signers.pem, their count to CMS_SIGNERS.
cms_verify() { # JSON
	CMS_SIGNERS=$(openssl cms -cmsout -print -inform PEM -in "$1.p7s" 2>/dev/null |
		grep -c '^ *d\.\(issuerAndSerialNumber\|subjectKeyIdentifier\):')
	openssl cms -verify -binary -inform PEM -in "$1.p7s" -content "$1" -CAfile "$W/pki/ca/ca.pem" \
		-purpose any -signer "$D/signers.pem" -out /dev/null 2>"$D/verify.err"
}

# Whether the card's certificate is among the signers' certificates ($D/signers.pem).
card_signed() {
	local want f
	want=$(openssl x509 -in "$D/card-operator.pem" -noout -fingerprint -sha256)
	rm -f "$D"/signer-*.pem
	awk -v d="$D" '/BEGIN CERT/ { n++ } n { print > (d "/signer-" n ".pem") }' "$D/signers.pem"
	for f in "$D"/signer-*.pem; do
		[ "$(openssl x509 -in "$f" -noout -fingerprint -sha256 2>/dev/null)" = "$want" ] && return 0
	done
	return 1
}

# The station key on the card, in auto mode: the stick's wipeseal.conf names it by a pkcs11:
# URI (the card's token label) and its PIN file; no key file on the stick.
run_card() {
	local name=card marker json pid t0
	case_dir "$name"
	make_target virtio "$marker-virtio"
	make_card "$name" || return
	make_stick cd || { card_done; return; }
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
	timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 \
		-display none -no-reboot -serial "file:$D/console.log" \
		-kernel "$W/iso/iso/boot/vmlinuz" -initrd "$W/iso/iso/boot/initrd.img" \
		-append "console=ttyS0,115200n8 quiet wipeseal.medium=none" \
		-device qemu-xhci -device usb-storage,drive=st -drive "file=$D/stick.img,if=none,id=st,format=raw" \
		"${CARD_ARGS[@]}" -drive "file=$D/virtio.img,if=virtio,format=raw" >"$D/qemu.log" 2>&1 &
	pid=$!
	t0=$SECONDS
	if wait "$pid"; then
		pass "$name: the guest powered off by itself after $((SECONDS - t0)) s"
	else
		fail "$name: the guest did not power off within $TIMEOUT s; console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 20
	fi
	card_done
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	grep -q 'smart-card reader .*CCID.*: card "VM Card Operator" (serial [0-9a-f]*)' "$D/wipeseal.log" &&
		pass "$name: pcscd sees the USB CCID reader, OpenSC the card in it (through p11-kit)" ||
		fail "$name: the console names no CCID reader with the card: $(grep smart-card "$D/wipeseal.log")"
	grep -a -q "$marker" "$D/virtio.img" && fail "$name: the marker is still on the virtio disk" ||
		pass "$name: no marker left on the virtio disk"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	json=$(find "$D/out/certificates" -name '*.json' 2>/dev/null | head -n1)
	if [ -n "$json" ] && cms_verify "$json"; then
		pass "$name: $(basename "$json") verifies with openssl cms -verify ($CMS_SIGNERS signer)"
		card_signed && pass "$name: its signer is the card's key, with the certificate beside it on the card" ||
			fail "$name: the signer is not the card's certificate"
	else
		fail "$name: no certificate that verifies: ${json:-none} $(cat "$D/verify.err" 2>/dev/null)"
	fi
	grep -q SUCCESS "$D/out/audit.log" 2>/dev/null && pass "$name: the audit log (signed by the card) has a SUCCESS line" ||
		fail "$name: no SUCCESS line in the audit log"
}

# An operator logs in with the card at the station's login screen over the serial console
# (tmux, as run_station_serial): a wrong PIN first (refused, and audited), then the right
# one; then a wipe of a virtio disk; then the card's reader is unplugged (QEMU's monitor) and
# the station must lock. The station's key is the file on the stick; the certificate names
# the card's holder and carries the card's signature beside the station's.
# The login box is gone and the header names the operator, not locked.
logged_in() {
	local i
	for ((i = 0; i < 60; i++)); do
		# the serial line is 80 columns: the header may cut the name
		if ! screen | grep -q 'PIN:' && screen | head -n1 | grep -q ' VM Card Op'; then
			! screen | head -n1 | grep -q LOCKED
			return
		fi
		sleep 1
	done
	return 1
}

run_card_login() {
	local name=card-login marker json ok=yes
	case_dir "$name"
	make_target virtio "$marker-virtio"
	make_card "$name" || return
	make_stick cd || { card_done; return; }
	printf '[station]\nverify = full\n[operators]\nrequire_card = yes\nca = %s\n' \
		/run/wipeseal/data/station/ca.pem >"$D/wipeseal.conf"
	mcopy -o -i "$STICK" "$D/wipeseal.conf" ::/wipeseal.conf
	tm kill-server 2>/dev/null
	tm new-session -d -s vm -x 80 -y 24 \
		"qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 -nographic -no-reboot \
		-kernel $W/iso/iso/boot/vmlinuz -initrd $W/iso/iso/boot/initrd.img \
		-append 'console=ttyS0,115200n8 quiet wipeseal.medium=none' \
		-device qemu-xhci -drive file=$D/stick.img,if=none,id=st,format=raw -device usb-storage,drive=st \
		${CARD_ARGS[*]} \
		-drive file=$D/virtio.img,if=none,id=vd,format=raw -device virtio-blk-pci,drive=vd,serial=WSCARD0001 \
		2>$D/qemu.log; sleep 600"
	wait_screen 'PIN:' 240 && screen | grep -q 'Card "VM Card Operator" (serial [0-9a-f]*): VM Card Operator' &&
		pass "$name: the login box shows the card in the CCID reader and its holder" ||
		{ fail "$name: no login box with the card: $(screen | tr -s ' ')"; ok=no; }
	if [ $ok = yes ]; then
		tm send-keys -t vm -l 99999999
		tm send-keys -t vm Enter
		wait_screen 'login failed\|wrong PIN' 60
		screen | grep -q 'wrong PIN\|login failed' && screen | grep -q 'PIN:' &&
			pass "$name: a wrong PIN is refused: $(screen | grep -o 'token .*\(wrong PIN\|login failed\)[^|]*' | head -n1 | tr -s ' ')" ||
			fail "$name: a wrong PIN was not refused: $(screen | tr -s ' ')"
		tm send-keys -t vm -l "$CARD_PIN"
		tm send-keys -t vm Enter
		logged_in && pass "$name: the operator logged in with the card's PIN" ||
			{ fail "$name: the login did not succeed: $(screen | tr -s ' ')"; ok=no; }
	fi
	if [ $ok = yes ]; then
		cursor_to WSCARD0001 && tm send-keys -t vm Space
		wait_screen '1 of' 10 || { fail "$name: could not select the disk"; ok=no; }
	fi
	if [ $ok = yes ]; then
		start_wipe
		wait_screen 'Summary' 300 && pass "$name: the wipe ran to its summary" ||
			{ fail "$name: no summary: $(screen | tr -s ' ')"; ok=no; }
		sleep 2
	fi
	if [ $ok = yes ]; then
		# the card pulled: the reader unplugged from the USB bus (QEMU's monitor)
		tm send-keys -t vm x
		monitor "device_del ccid"
		wait_screen 'LOCKED\|Unlock' 60 && pass "$name: unplugging the card's reader locks the station" ||
			fail "$name: the station did not lock when the card's reader went: $(screen | tr -s ' ')"
	fi
	monitor quit
	tm kill-server 2>/dev/null
	card_done
	grep -a -q "$marker" "$D/virtio.img" && fail "$name: the marker is still on the virtio disk" ||
		pass "$name: no marker left on the virtio disk"
	mkdir -p "$D/out"
	mcopy -s -n -i "$STICK" ::/certificates ::/audit.log "$D/out/" 2>/dev/null
	json=$(find "$D/out/certificates" -name '*WSCARD0001.json' 2>/dev/null | head -n1)
	if [ -n "$json" ] && cms_verify "$json"; then
		pass "$name: $(basename "$json") verifies with openssl cms -verify ($CMS_SIGNERS signers)"
		grep -q '"VM Card Operator"' "$json" && pass "$name: the certificate names the card's holder" ||
			fail "$name: the certificate does not name the card's holder"
		[ "$CMS_SIGNERS" = 2 ] && card_signed &&
			pass "$name: two signers, the station's and the operator's card" ||
			fail "$name: not signed by both the station and the card ($CMS_SIGNERS signers)"
		"$BIN" verify --ca "$W/pki/ca/ca.pem" --require-operator "$json" >"$D/verify.out" 2>&1 &&
			grep -q 'and by operator VM Card Operator' "$D/verify.out" &&
			pass "$name: wipeseal verify --require-operator reports both signers" ||
			fail "$name: wipeseal verify --require-operator: $(cat "$D/verify.out")"
	else
		fail "$name: no certificate that verifies: ${json:-none} $(cat "$D/verify.err" 2>/dev/null)"
	fi
	grep -q '"LOGIN-FAILED"' "$D/out/audit.log" 2>/dev/null && grep -q '"LOGIN"' "$D/out/audit.log" &&
		! grep -q "$CARD_PIN" "$D/out/audit.log" &&
		pass "$name: the audit log has the failed and the successful login, and no PIN" ||
		fail "$name: the audit log lacks LOGIN-FAILED or LOGIN (or holds the PIN)"
	grep -q '"CARD-REMOVED"' "$D/out/audit.log" 2>/dev/null && pass "$name: the audit log has the card's removal" ||
		fail "$name: no CARD-REMOVED line in the audit log"
}
