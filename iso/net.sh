# shellcheck shell=sh
# iso/net.sh - the network and the clock of the boot image, sourced by iso/init (which
# gives it say(), conf_get() and CMDLINE). Nothing here runs unless the kernel command line
# asks for the network (wipeseal.net=dhcp) or the station was booted from the network
# (BOOTIF=, which the PXE configs of `iso/build.sh --netboot` pass): a station booted from
# a stick without either starts no network at all, as before.
#
# 1. DHCP: busybox udhcpc on the interface the PXE firmware booted from (BOOTIF), else on
#    every Ethernet interface at once; iso/udhcpc.script configures the first lease and
#    records it, NTP servers (option 42) included, in /run/wipeseal/net/.
# 2. NTP, before any wipe, from the first of: wipeseal.ntp= on the command line (none: no
#    NTP at all), [station] ntp in the config, the DHCP server's NTP servers. chrony:
#    `chronyd -q` sets the clock from the first server that answers (bounded: NTP_WAIT
#    seconds each), then chronyd keeps running against that server so that the kernel's
#    clock stays disciplined; with `rtcsync` only, because on Linux chronyd clears the
#    kernel's STA_UNSYNC (the "synchronized" every certificate records, adjtimex(2)) only
#    then. The init waits (bounded) until the kernel says synchronized, and exports
#    WIPESEAL_NTP_SERVER, the server the clock was set from, which `wipeseal station`
#    writes into each certificate's station.clock: only a server that answered is named.

NET=no           # yes: the network was asked for
NET_DIR=${WS_NET_DIR:-/run/wipeseal/net}
NTP_ARG=         # wipeseal.ntp= as given
NTP=             # what came of it: synchronized, failed, none
NTP_WHY=         # when failed: one line, for the console and auto mode's refusal
DHCP_WAIT=30     # seconds for a first lease
NTP_WAIT=10      # seconds for a server to answer chronyd -q
SYNC_WAIT=60     # seconds for the kernel to say synchronized after that

# Whether the network is wanted: wipeseal.net=dhcp, or booted from the network (BOOTIF=);
# wipeseal.net=off (or any other value) keeps it down even then.
net_wanted() {
	for w in $CMDLINE; do
		case "$w" in
		wipeseal.net=dhcp | BOOTIF=*) NET=yes ;;
		wipeseal.net=*) NET=no; return 1 ;;
		wipeseal.ntp=*) NTP_ARG=${w#wipeseal.ntp=} ;;
		esac
	done
	[ $NET = yes ]
}

# The interface whose MAC address BOOTIF= names (01-52-54-00-12-34-56), or nothing.
boot_interface() {
	mac=$(echo "$CMDLINE" | sed -n 's/.*BOOTIF=01-\([0-9a-fA-F-]*\).*/\1/p' | tr 'A-F-' 'a-f:')
	[ -n "$mac" ] || return 0
	for n in /sys/class/net/*; do
		[ "$(cat "$n/address" 2>/dev/null)" = "$mac" ] && echo "${n##*/}" && return 0
	done
}

# Ethernet interfaces (ARPHRD_ETHER), loopback and virtual ones aside.
ethernets() {
	for n in /sys/class/net/*; do
		[ "$(cat "$n/type" 2>/dev/null)" = 1 ] || continue
		[ -e "$n/device" ] || continue
		echo "${n##*/}"
	done
}

# One field of a lease iso/udhcpc.script recorded, or "none".
lease() { # FILE FIELD
	v=$(sed -n "s/^$2='\(.*\)'\$/\1/p" "$1")
	echo "${v:-none}"
}

# DHCP on @ifaces in parallel; the first lease wins. Return: 0 with a lease.
dhcp() {
	mkdir -p "$NET_DIR"
	ip link set lo up
	ifaces=$(boot_interface)
	[ -n "$ifaces" ] || ifaces=$(ethernets)
	if [ -z "$ifaces" ]; then
		say "network: no Ethernet interface (is its driver in iso/modules.list?)"
		return 1
	fi
	for i in $ifaces; do
		ip link set dev "$i" up
		udhcpc -i "$i" -s "${WS_UDHCPC_SCRIPT:-/usr/share/wipeseal/udhcpc.script}" -O ntpsrv -x hostname:wipeseal \
			-t 10 -T 2 -n -p "$NET_DIR/udhcpc.$i.pid" >"$NET_DIR/udhcpc.$i.log" 2>&1 &
	done
	n=0
	while [ $n -lt $((DHCP_WAIT * 2)) ]; do
		for f in "$NET_DIR"/lease.*; do
			[ -f "$f" ] || continue
			say "network: $(lease "$f" interface) has $(lease "$f" ip) from DHCP server" \
				"$(lease "$f" serverid) (router $(lease "$f" router), DNS $(lease "$f" dns)," \
				"NTP $(lease "$f" ntpsrv))"
			return 0
		done
		sleep 0.5
		n=$((n + 1))
	done
	say "network: no DHCP lease on $(echo "$ifaces" | tr '\n' ' ')within $DHCP_WAIT s"
	return 1
}

# The NTP servers to try, one a line: wipeseal.ntp=, else [station] ntp, else DHCP's.
ntp_servers() {
	list=$NTP_ARG
	[ -n "$list" ] || list=$(conf_get station ntp)
	if [ -z "$list" ]; then
		for f in "$NET_DIR"/lease.*; do
			[ -f "$f" ] && [ "$(lease "$f" ntpsrv)" != none ] && list="$list $(lease "$f" ntpsrv)"
		done
	fi
	echo "$list" | tr ',' ' ' | tr -s ' ' '\n' | sed '/^$/d'
}

# chrony's words for SERVER, which is HOST or HOST:PORT ([V6]:PORT; a bare V6 address).
chrony_server() {
	case "$1" in
	\[*\]:*) h=${1%]:*}; echo "server ${h#[} port ${1##*]:} iburst" ;;
	*:*:*) echo "server $1 iburst" ;;
	*:*) echo "server ${1%:*} port ${1##*:} iburst" ;;
	*) echo "server $1 iburst" ;;
	esac
}

# Whether the kernel says its clock is synchronized, as cert.c asks it (adjtimex: the state
# is not TIME_ERROR and STA_UNSYNC is clear).
kernel_synchronized() {
	a=$(adjtimex 2>/dev/null)
	st=$(echo "$a" | sed -n 's/^ *status: *\([0-9]*\).*/\1/p')
	rv=$(echo "$a" | sed -n 's/^ *return value: *\([0-9]*\).*/\1/p')
	[ -n "$st" ] && [ $((st & 64)) = 0 ] && [ "$rv" != 5 ]
}

# Set the clock from the first server that answers, keep chronyd on it, wait for the
# kernel. Sets NTP (synchronized or failed), NTP_WHY, and exports WIPESEAL_NTP_SERVER.
ntp_start() {
	servers=$(ntp_servers)
	if [ -z "$servers" ]; then
		NTP=failed
		NTP_WHY="no NTP server is known (wipeseal.ntp=, [station] ntp, or the DHCP server's option 42)"
		say "clock: $NTP_WHY"
		return 1
	fi
	mkdir -p /run/chrony
	for s in $servers; do
		line=$(chrony_server "$s")
		if out=$(chronyd -q -u root -t "$NTP_WAIT" -f /dev/null "$line" 'cmdport 0' \
			'pidfile /run/chrony/set.pid' 2>&1); then
			step=$(echo "$out" | sed -n 's/.*System clock wrong by \([-0-9.]*\) seconds.*/\1/p')
			say "clock: set from NTP server $s (it was off by ${step:-?} s): $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
			printf '%s\nrtcsync\nmakestep 1 3\ncmdport 0\npidfile /run/chrony/chronyd.pid\n' \
				"$line" >/run/chrony/chrony.conf
			chronyd -u root -f /run/chrony/chrony.conf -l /run/chrony/chronyd.log
			WIPESEAL_NTP_SERVER=$s
			export WIPESEAL_NTP_SERVER
			ntp_wait_sync "$s"
			return
		fi
		say "clock: NTP server $s did not answer within $NTP_WAIT s"
	done
	NTP=failed
	NTP_WHY="no NTP server answered ($(echo "$servers" | tr '\n' ' ' | sed 's/ $//')): the clock is the station's own"
	say "clock: $NTP_WHY; certificates say synchronized: false"
	return 1
}

ntp_wait_sync() { # SERVER
	n=0
	while [ $n -lt "$SYNC_WAIT" ]; do
		if kernel_synchronized; then
			NTP=synchronized
			say "clock: synchronized (the kernel's clock is disciplined by chronyd from $1)"
			return 0
		fi
		sleep 1
		n=$((n + 1))
	done
	NTP=failed
	NTP_WHY="the clock was set from $1, but the kernel did not report it synchronized within $SYNC_WAIT s"
	say "clock: $NTP_WHY"
	return 1
}

# The network and the clock, when wanted (see the top of this file).
net_start() {
	net_wanted || return 0
	say "network: DHCP (wipeseal.net=dhcp or booted from the network)"
	dhcp
	case "$NTP_ARG" in
	none)
		NTP='none'
		say "clock: wipeseal.ntp=none: no NTP; certificates say synchronized: false"
		;;
	*) ntp_start ;;
	esac
	return 0
}

# Auto mode on a station that brought the network up wipes only with a synchronized clock,
# unless the command line said wipeseal.ntp=none. Return: 0 when it may wipe.
net_auto_allowed() {
	[ $NET = yes ] || return 0
	case "$NTP" in synchronized | none) return 0 ;; esac
	say "auto mode: the clock is not synchronized ($NTP_WHY): nothing is wiped, because the"
	say "certificates' times could not be trusted. Check the NTP server (tty2: chronyc"
	say "sources), or boot with wipeseal.ntp=none to wipe with the station's own clock."
	return 1
}
