#!/usr/bin/env bash
# tests/iso/test-net.sh - the boot image's network code (iso/net.sh, iso/udhcpc.script) on
# the host, against a real DHCP server: busybox's udhcpd on one end of a veth pair, the
# image's udhcpc (the same busybox-static) on the other, both inside a network and mount
# namespace of the test's own (unshare -n -m), so nothing of the host's network, routes or
# resolv.conf is touched. The server hands out NTP servers (option 42), which QEMU's DHCP
# server in the VM test cannot: the lease must be configured and recorded with them, and
# iso/net.sh must choose its NTP servers in its documented order (wipeseal.ntp=, then
# [station] ntp, then DHCP's) and write chrony's server lines right. The clock is never set
# here (no chronyd runs). Needs root (namespaces); skips (77) without it or busybox.
# pass() never fails, so `test && pass || fail` is an if-then-else here (as in tests/vm/run.sh)
# shellcheck disable=SC2015
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FAILS=0
fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
pass() { echo "ok: $*"; }
check() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

[ "$(id -u)" = 0 ] || { echo "tests/iso/test-net.sh: skipped: needs root for a network namespace"; exit 77; }
BB=$(command -v busybox) || { echo "tests/iso/test-net.sh: skipped: no busybox (busybox-static, scripts/deps.sh)"; exit 77; }
if [ -z "${WS_NETNS:-}" ]; then
	exec unshare -n -m env WS_NETNS=1 bash "$0" "$@"
fi

T=$(mktemp -d /tmp/ws-net.XXXXXX)
cleanup() {
	for p in "$T"/net/udhcpc.*.pid "$T/udhcpd.pid"; do
		[ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
mount --make-rprivate / 2>/dev/null
mount -t sysfs sysfs /sys || { fail "mounting sysfs in the namespace"; exit 1; }
ip link set lo up
ip link add veth0 type veth peer name veth1 || { fail "no veth pair"; exit 1; }
ip addr add 192.0.2.1/24 dev veth0
ip link set veth0 up
cat >"$T/udhcpd.conf" <<CONF
start 192.0.2.100
end 192.0.2.110
interface veth0
lease_file $T/udhcpd.leases
pidfile $T/udhcpd.pid
opt subnet 255.255.255.0
opt router 192.0.2.1
opt dns 192.0.2.53
opt domain lab.example
opt ntpsrv 192.0.2.123 192.0.2.124
CONF
: >"$T/udhcpd.leases"
"$BB" udhcpd "$T/udhcpd.conf"
mkdir -p "$T/bin"
ln -s "$BB" "$T/bin/udhcpc"

# iso/net.sh as iso/init sources it, with init's say() and conf_get()
export WS_NET_DIR=$T/net WS_RESOLV=$T/resolv.conf WS_UDHCPC_SCRIPT=$ROOT/iso/udhcpc.script
PATH=$T/bin:$PATH
say() { echo "$*" >>"$T/console"; }
conf_get() { [ "$1.$2" = station.ntp ] && echo "${CONF_NTP:-}"; }
CMDLINE="console=ttyS0 quiet wipeseal.net=dhcp BOOTIF=01-$(tr ':' '-' </sys/class/net/veth1/address)"
# shellcheck source=iso/net.sh
. "$ROOT/iso/net.sh"

net_wanted && pass "wipeseal.net=dhcp asks for the network" || fail "net_wanted said no"
check "BOOTIF names the interface the firmware booted from" "$(boot_interface)" veth1
t0=$SECONDS
if dhcp; then
	pass "a lease after $((SECONDS - t0)) s"
	grep -q '^network: veth1 has 192.0.2.1[01][0-9]/24 from DHCP server 192.0.2.1 (router 192.0.2.1, DNS 192.0.2.53, NTP 192.0.2.123 192.0.2.124)$' "$T/console" &&
		pass "the console says what the lease holds" || fail "the console says: $(cat "$T/console")"
else
	fail "no lease: $(cat "$T/console") $(cat "$T"/net/udhcpc.*.log)"
fi
lease=$T/net/lease.veth1
check "the lease records the NTP servers (option 42)" "$(lease "$lease" ntpsrv)" "192.0.2.123 192.0.2.124"
check "... the router" "$(lease "$lease" router)" 192.0.2.1
check "... the DNS server" "$(lease "$lease" dns)" 192.0.2.53
case "$(lease "$lease" ip)" in
192.0.2.1[01][0-9]/24) pass "... the address $(lease "$lease" ip)" ;;
*) fail "the lease's address: $(lease "$lease" ip)" ;;
esac
ip -4 addr show dev veth1 | grep -q "inet $(lease "$lease" ip) " &&
	pass "veth1 has the address (ip addr)" || fail "veth1 lacks the address: $(ip -4 addr show dev veth1)"
check "the default route goes through the router (ip route)" \
	"$(ip route show default | awk '{ print $3, $5 }')" "192.0.2.1 veth1"
grep -q '^nameserver 192.0.2.53$' "$T/resolv.conf" && grep -q '^search lab.example$' "$T/resolv.conf" &&
	pass "resolv.conf names the DNS server and the domain" || fail "resolv.conf: $(cat "$T/resolv.conf")"

check "no wipeseal.ntp=, no [station] ntp: DHCP's NTP servers" "$(ntp_servers | tr '\n' ' ')" \
	"192.0.2.123 192.0.2.124 "
CONF_NTP="ntp1.example.org, ntp2.example.org"
check "[station] ntp before DHCP's" "$(ntp_servers | tr '\n' ' ')" "ntp1.example.org ntp2.example.org "
NTP_ARG="10.0.2.2:11123,[2001:db8::1]:123"
check "wipeseal.ntp= before [station] ntp" "$(ntp_servers | tr '\n' ' ')" "10.0.2.2:11123 [2001:db8::1]:123 "
check "host:port for chrony" "$(chrony_server 10.0.2.2:11123)" "server 10.0.2.2 port 11123 iburst"
check "[v6]:port for chrony" "$(chrony_server '[2001:db8::1]:123')" "server 2001:db8::1 port 123 iburst"
check "a bare IPv6 address for chrony" "$(chrony_server 2001:db8::2)" "server 2001:db8::2 iburst"
check "a name for chrony" "$(chrony_server ntp.example.org)" "server ntp.example.org iburst"
CMDLINE="console=ttyS0 quiet"
NET=no
net_wanted && fail "the network was wanted without wipeseal.net=dhcp or BOOTIF" ||
	pass "no network without wipeseal.net=dhcp or BOOTIF (a stick-booted station)"
CMDLINE="BOOTIF=01-aa-bb-cc-dd-ee-ff wipeseal.net=off"
NET=no
net_wanted && fail "wipeseal.net=off did not turn the network off" || pass "wipeseal.net=off wins over BOOTIF"

echo "tests/iso/test-net.sh: $FAILS failure(s)"
[ "$FAILS" = 0 ]
