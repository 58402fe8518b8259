# shellcheck shell=bash
# pass() never fails, so `test && pass || fail` is an if-then-else here (as in run.sh)
# shellcheck disable=SC2015,SC2054
# tests/vm/netboot.sh - the "netboot" case of tests/vm/run.sh (sourced by it, after card.sh:
# it uses run.sh's W, D, BIN, ROOT, TIMEOUT, case_dir, make_target, set_targets, pass, fail
# and card.sh's make_card, card_done, cms_verify): a station booted from the network, as
# docs/station.md's "A station booted from the network" sets one up, with real parts only.
#
# On the host, each of the test's own, on loopback, stopped after:
#   - PostgreSQL (tests/pg/pg-server.sh: TLS, client certificates), `wipeseal register
#     init`, a station role with its client certificate;
#   - an NTP server: chronyd from Debian's chrony with its own config in the case's
#     directory, never touching the host's clock (-x), `local stratum 8`, a port of the
#     test's on 127.0.0.1;
#   - a TFTP root made by iso/netboot.sh from the image's kernel and initramfs, with a site
#     initramfs holding the station's wipeseal.conf, the register's CA, the station's client
#     certificate and key, the test CA and the card's PIN file.
# QEMU (user networking only: its DHCP and TFTP server, boot file wipeseal.ipxe; the guest
# reaches the host's loopback as 10.0.2.2) boots SeaBIOS, then the iPXE option ROM of
# Debian's ipxe-qemu on an e1000 NIC, which loads the kernel and both initramfs files over
# TFTP. The station: DHCP, its clock from the test's NTP server, auto mode, the three
# targets wiped, signed by the emulated smart card (card.sh), sent to the register; it
# powers off once the register holds everything. Then the test finds every certificate in
# the register (psql as the owner), checks the stored bytes with `openssl cms -verify`
# against the test's CA, and that each says its clock was synchronized from that server.

NB_PG=
NB_NTP_PID=

# The test's NTP server on 127.0.0.1:NB_NTP_PORT (chronyd -x: it never sets the host's clock).
nb_ntp_start() {
	NB_NTP_PORT=$(nb_free_port udp)
	mkdir -p "$D/ntp"
	cat >"$D/ntp/chrony.conf" <<CONF
# the netboot case's NTP server (tests/vm/netboot.sh): serves this host's clock, sets nothing
local stratum 8
allow 127.0.0.1
bindaddress 127.0.0.1
port $NB_NTP_PORT
cmdport 0
pidfile $D/ntp/chronyd.pid
CONF
	chronyd -x -u root -f "$D/ntp/chrony.conf" -l "$D/ntp/chronyd.log" || return 1
	local i
	for ((i = 0; i < 50; i++)); do
		[ -s "$D/ntp/chronyd.pid" ] && NB_NTP_PID=$(cat "$D/ntp/chronyd.pid") && return 0
		sleep 0.1
	done
	return 1
}

nb_ntp_stop() {
	[ -n "$NB_NTP_PID" ] && kill "$NB_NTP_PID" 2>/dev/null
	NB_NTP_PID=
}

# A port nobody listens on (TCP or UDP), from the ephemeral range.
nb_free_port() { # tcp | udp
	local p flag=-tln
	[ "$1" = udp ] && flag=-uln
	while :; do
		p=$((20000 + RANDOM % 20000))
		ss -H "$flag" "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}

nb_cleanup() {
	nb_ntp_stop
	[ -n "$NB_PG" ] && bash "$ROOT/tests/pg/pg-server.sh" stop "$NB_PG" >/dev/null 2>&1
	NB_PG=
	card_done
}

# psql as the register's owner: one value per line, fields separated by |.
nb_sql() {
	psql "$WS_PG_OWNER_URL" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

run_netboot() {
	local name=netboot marker d t0 t_kernel=0 qemu n id json ok=yes
	case_dir "$name"
	for t in chronyd psql ss; do
		command -v "$t" >/dev/null || { fail "$name: $t missing (scripts/deps.sh: chrony, postgresql, iproute2)"; return; }
	done
	[ -f /usr/lib/ipxe/qemu/efi-e1000.rom ] || { fail "$name: the iPXE ROM is missing (ipxe-qemu)"; return; }
	for d in nvme sata virtio; do make_target "$d" "$marker-$d"; done

	# the register: its server, schema, and a station role with a client certificate
	NB_PG=$(mktemp -u /tmp/ws-pg.XXXXXX)
	if ! bash "$ROOT/tests/pg/pg-server.sh" start "$NB_PG" >"$D/pg.log" 2>&1; then
		fail "$name: tests/pg/pg-server.sh start: $(tail -n 3 "$D/pg.log")"
		NB_PG=
		return
	fi
	# shellcheck disable=SC1091
	. "$NB_PG/env"
	nb_register_setup || { nb_cleanup; return; }
	nb_ntp_start || { fail "$name: the test's chronyd did not start: $(cat "$D/ntp/chronyd.log")"; nb_cleanup; return; }
	make_card "$name" || { nb_cleanup; return; }
	nb_tftp || { nb_cleanup; return; }

	set_targets
	t0=$SECONDS
	qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 -display none -no-reboot \
		-serial "file:$D/console.log" -boot n \
		-netdev "user,id=n0,tftp=$D/tftp,bootfile=wipeseal.ipxe" \
		-device "e1000,netdev=n0,romfile=/usr/lib/ipxe/qemu/efi-e1000.rom,bootindex=0" \
		-device qemu-xhci "${CARD_ARGS[@]}" "${TARGETS[@]}" >"$D/qemu.log" 2>&1 &
	qemu=$!
	while kill -0 "$qemu" 2>/dev/null && [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
		[ "$t_kernel" = 0 ] && grep -a -q 'wipeseal: wipeseal boot image' "$D/console.log" 2>/dev/null &&
			t_kernel=$((SECONDS - t0))
		sleep 1
	done
	if kill -0 "$qemu" 2>/dev/null; then
		kill "$qemu"
		wait "$qemu" 2>/dev/null
		fail "$name: the guest did not power off within $TIMEOUT s; console:"
		tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' | tail -n 30
		ok=no
	else
		wait "$qemu" && pass "$name: the guest powered off by itself after $((SECONDS - t0)) s (network boot to the image's first line: $t_kernel s)" ||
			{ fail "$name: QEMU failed: $(tail -n 3 "$D/qemu.log")"; ok=no; }
	fi
	nb_ntp_stop
	tr -d '\r' <"$D/console.log" | grep -a '^wipeseal' >"$D/wipeseal.log"
	grep -q "network: .* has 10.0.2.15/24 from DHCP server" "$D/wipeseal.log" &&
		pass "$name: DHCP gave the station its address" ||
		fail "$name: no DHCP lease on the console"
	grep -q "clock: set from NTP server 10.0.2.2:$NB_NTP_PORT" "$D/wipeseal.log" &&
		grep -q "clock: synchronized" "$D/wipeseal.log" &&
		pass "$name: the clock was set from the test's NTP server and the kernel says synchronized" ||
		fail "$name: the clock was not set and synchronized from 10.0.2.2:$NB_NTP_PORT"
	grep -q 'smart-card reader .*: card "VM Card Operator"' "$D/wipeseal.log" &&
		pass "$name: the card is in the station's reader" || fail "$name: the console names no card"
	for d in nvme sata virtio; do
		grep -a -q "$marker-$d" "$D/$d.img" && fail "$name: the marker is still on the $d disk" ||
			pass "$name: no marker left on the $d disk"
	done
	[ $ok = yes ] && { grep -q 'register: holds every certificate of this station; nothing waits' "$D/wipeseal.log" &&
		pass "$name: the station said the register holds everything before powering off" ||
		fail "$name: the station did not say the register holds everything"; }
	nb_check_register
	nb_cleanup
}

# The certificates in the register: three, one per target, each verifying with openssl
# from the stored bytes, each with a synchronized clock set from the test's NTP server.
nb_check_register() {
	local name=netboot n id sync ntp json
	n=$(nb_sql "SELECT count(*) FROM certificates")
	[ "$n" = 3 ] && pass "$name: the register holds three certificates" ||
		fail "$name: the register holds ${n:-no} certificates, not 3"
	mkdir -p "$D/reg"
	while IFS='|' read -r id sync ntp; do
		[ -n "$id" ] || continue
		json=$D/reg/$id.json
		nb_sql "SELECT encode(json, 'base64') FROM certificates WHERE certificate_id = '$id'" |
			base64 -d >"$json"
		nb_sql "SELECT encode(p7s, 'base64') FROM certificates WHERE certificate_id = '$id'" |
			base64 -d >"$json.p7s"
		if cms_verify "$json"; then
			pass "$name: $id: the stored bytes verify with openssl cms -verify"
		else
			fail "$name: $id: the stored bytes do not verify: $(cat "$D/verify.err")"
		fi
		[ "$sync" = t ] && [ "$ntp" = "10.0.2.2:$NB_NTP_PORT" ] &&
			grep -q "\"ntp_server\": \"10.0.2.2:$NB_NTP_PORT\"" "$json" &&
			grep -q '"synchronized": true' "$json" &&
			pass "$name: $id: clock_synchronized true, ntp_server 10.0.2.2:$NB_NTP_PORT" ||
			fail "$name: $id: clock_synchronized '$sync', ntp_server '$ntp' (want t, 10.0.2.2:$NB_NTP_PORT)"
	done < <(nb_sql "SELECT certificate_id, clock_synchronized, ntp_server FROM certificates")
}

# The register's schema (`wipeseal register init` as the owner) and the station's role, a
# member of the station group, with a client certificate whose CN is its name.
nb_register_setup() {
	if ! "$BIN" register init --register "$WS_PG_OWNER_URL" >"$D/init.log" 2>&1; then
		fail "netboot: wipeseal register init: $(tail -n 3 "$D/init.log")"
		return 1
	fi
	nb_sql "CREATE ROLE station01 LOGIN IN ROLE wipeseal_station" >"$D/role.log" 2>&1 ||
		{ fail "netboot: the station role: $(cat "$D/role.log")"; return 1; }
	bash "$ROOT/tests/pg/pg-server.sh" client "$NB_PG" station01 >"$D/station-url" 2>"$D/client.log" ||
		{ fail "netboot: the station's client certificate: $(cat "$D/client.log")"; return 1; }
	NB_DB=$(sed -n 's|^postgres\(ql\)\{0,1\}://[^/]*/\([^?]*\).*|\2|p' <<<"$WS_PG_OWNER_URL")
}

# The TFTP root: iso/netboot.sh with the station's settings, as a site would run it. The
# register is reached as 10.0.2.2 (the server's certificate names that address).
nb_tftp() {
	local r=/etc/wipeseal/register f
	for f in vmlinuz initrd.img site.img pxelinux.0 ldlinux.c32 pxelinux.cfg/default wipeseal.ipxe; do
		[ -s "$W/pxe/$f" ] || { fail "netboot: iso/build.sh --netboot wrote no $f"; return 1; }
	done
	grep -q '^	IPAPPEND 2' "$W/pxe/pxelinux.cfg/default" &&
		grep -q '^kernel vmlinuz .*wipeseal.net=dhcp .*BOOTIF=' "$W/pxe/wipeseal.ipxe" &&
		pass "netboot: iso/build.sh --netboot wrote the PXE tree (pxelinux and iPXE)" ||
		fail "netboot: the PXE boot configs lack BOOTIF or wipeseal.net=dhcp"
	cat >"$D/site.conf" <<CONF
# the netboot case's station (tests/vm/netboot.sh): no data stick, a card, the register
[operator]
name = VM Netboot Operator
organization = wipeseal CI
[signer]
key = pkcs11:token=VM%20Card%20Operator
pin_file = /etc/wipeseal/card.pin
[station]
method = clear
verify = full
[register]
url = postgresql://station01@10.0.2.2:$WS_PG_PORT/${NB_DB:-wipeseal}
ca = $r/ca.pem
cert = $r/station.crt
key = $r/station.key
verify_ca = $r/org-ca.pem
retry = 5s
CONF
	if ! bash "$ROOT/iso/netboot.sh" --kernel "$W/iso/iso/boot/vmlinuz" \
		--initrd "$W/iso/iso/boot/initrd.img" "$D/tftp" --config "$D/site.conf" \
		--include "$D/card.pin=/etc/wipeseal/card.pin" --include "$WS_PG_CA=$r/ca.pem" \
		--include "$NB_PG/tls/station01.crt=$r/station.crt" \
		--include "$NB_PG/tls/station01.key=$r/station.key" \
		--include "$W/pki/ca/ca.pem=$r/org-ca.pem" \
		--append "wipeseal.auto=1 wipeseal.when_done=poweroff wipeseal.ntp=10.0.2.2:$NB_NTP_PORT" \
		>"$D/netboot.log" 2>&1; then
		fail "netboot: iso/netboot.sh: $(tail -n 3 "$D/netboot.log")"
		return 1
	fi
	cmp -s "$D/tftp/initrd.img" "$W/iso/iso/boot/initrd.img" &&
		pass "netboot: the PXE tree's initramfs is the ISO's; the site's files are in site.img" ||
		fail "netboot: the PXE tree's initramfs differs from the ISO's"
}
