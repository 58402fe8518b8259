# shellcheck shell=bash
# tests/vm/lanes.sh - which case of tests/vm/run.sh runs when (sourced by run.sh after every
# case's file: it uses run.sh's W, pass, fail and FAILS and each case's run_* function).
# WS_VM_ONLY="bios station-serial" runs only those (the inner loop)
want() { [ -z "${WS_VM_ONLY:-}" ] || [[ " $WS_VM_ONLY " == *" $1 "* ]]; }
run_case() { # NAME
	case "$1" in
	bios) run_one bios cd ;;
	uefi) run_one uefi cd ;;
	usb-uefi) run_one uefi usb ;;
	fw-purge) run_firmware purge ;;
	fw-nvme-format-user-data) run_firmware nvme-format-user-data ;;
	cmdline-with-stick) run_cmdline with-stick ;;
	cmdline-no-stick) run_cmdline no-stick ;;
	two-sticks) run_two_sticks ;;
	station-serial) run_station_serial ;;
	card) run_card ;;
	card-login) run_card_login ;;
	netboot) run_netboot ;;
	sd) run_sd ;;
	raid) run_raid ;;
	esac
}
# A lane runs its cases one after another and leaves its count of failures in
# $W/lane-NAME.fails (none there: the lane itself died, which is a failure too).
run_lane() { # NAME CASE...
	local lane=$1 c
	shift
	FAILS=0
	# shellcheck disable=SC2034 # run.sh's tmux helpers read it
	TMUX_SOCK=wipeseal-vm-$$-$lane
	for c in "$@"; do
		want "$c" && run_case "$c"
	done
	echo "$FAILS" >"$W/lane-$lane.fails"
}
# Two guests at a time (WS_VM_LANES=1: one after another), each lane's lines prefixed with
# its name. The cases share nothing writable: each has its own $W/CASE directory, image
# copies, tmux server, ports (netboot asks for free ones) and card database; the ISO and
# the kernel they share are opened read-only. QEMU runs without KVM here, so a guest's
# boot is bound by one host core most of the time: two lanes cut the stage by a third
# (docs/performance.md, "The suite's time").
LANE_A=(bios uefi usb-uefi fw-purge fw-nvme-format-user-data cmdline-with-stick cmdline-no-stick)
LANE_B=(two-sticks station-serial card card-login netboot sd raid)
run_lanes() {
	local f lane_a
	rm -f "$W"/lane-*.fails
	if [ "${WS_VM_LANES:-2}" = 1 ]; then
		run_lane a "${LANE_A[@]}" "${LANE_B[@]}"
	else
		(run_lane a "${LANE_A[@]}") 2>&1 | sed -u 's/^/[vm a] /' &
		lane_a=$!
		(run_lane b "${LANE_B[@]}") 2>&1 | sed -u 's/^/[vm b] /' &
		wait "$lane_a" $!
	fi
	FAILS=0
	for f in "$W/lane-a.fails" "$W/lane-b.fails"; do
		[ "${WS_VM_LANES:-2}" = 1 ] && [ "$f" = "$W/lane-b.fails" ] && continue
		[ -s "$f" ] || { echo "FAIL: tests/vm lane $(basename "$f" .fails) ended early"; FAILS=$((FAILS + 1)); continue; }
		FAILS=$((FAILS + $(cat "$f")))
	done
}
