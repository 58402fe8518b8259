#!/bin/sh
# mmc-ns.sh - run a command where loop devices are an eMMC (or an SD card) named mmcblk0, as
# the product finds one: /sys/class/block/mmcblk0 (and mmcblk0boot0, mmcblk0boot1) with
# their dev, size, uevent, subsystem, device/type and force_ro files, /sys/dev/block/MAJ:MIN pointing at
# them, /dev/mmcblk0... nodes with the loop devices' numbers, and no udev database.
#
# It must run as root inside a private mount namespace, made by its caller:
#
#   WS_MMCNS_USER=/dev/loop3 [WS_MMCNS_BOOT0=/dev/loop4 WS_MMCNS_BOOT1=/dev/loop5]
#   [WS_MMCNS_TYPE=MMC|SD] [WS_MMCNS_PRELOAD=mmcsim.so] [WS_MMCNS_ENV="VAR=value ..."]
#   unshare -m sh mmc-ns.sh COMMAND ARGS...
#
# Every mount is a tmpfs over a directory of the namespace's own view (/sys/class/block,
# /sys/dev/block, /run/udev, /dev), mount propagation private: the host's /sys and /dev are
# never written. COMMAND runs with WS_MMCNS_PRELOAD in LD_PRELOAD and WS_MMCNS_ENV in its
# environment; force_ro files are left in WS_MMCNS_STATE (a directory outside the namespace's
# tmpfs) when it is set, for the test to read after COMMAND ends: the tmpfs goes with the
# namespace.
set -eu

die() {
	echo "mmc-ns.sh: $*" >&2
	exit 2
}

[ -n "${WS_MMCNS_USER:-}" ] || die "WS_MMCNS_USER names no loop device"
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
	die "not in a private mount namespace: run it as unshare -m sh mmc-ns.sh ..."
mount --make-rprivate /

# "MAJ:MIN" and 512-byte sectors of a block device, read before /dev is covered
majmin() {
	printf '%d:%d' "0x$(stat -L -c %t "$1")" "0x$(stat -L -c %T "$1")"
}
type=${WS_MMCNS_TYPE:-MMC}
user_mm=$(majmin "$WS_MMCNS_USER")
user_sz=$(blockdev --getsz "$WS_MMCNS_USER")
boot_mm0="" boot_mm1="" boot_sz0="" boot_sz1=""
if [ -n "${WS_MMCNS_BOOT0:-}" ]; then
	boot_mm0=$(majmin "$WS_MMCNS_BOOT0")
	boot_sz0=$(blockdev --getsz "$WS_MMCNS_BOOT0")
fi
if [ -n "${WS_MMCNS_BOOT1:-}" ]; then
	boot_mm1=$(majmin "$WS_MMCNS_BOOT1")
	boot_sz1=$(blockdev --getsz "$WS_MMCNS_BOOT1")
fi

mount -t tmpfs -o mode=755 wsmmc /sys/class/block
mount -t tmpfs -o mode=755 wsmmc /sys/dev/block
if [ -d /run/udev ]; then
	mount -t tmpfs -o mode=755 wsmmc /run/udev
fi
mount -t tmpfs -o mode=755 wsmmc /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr

# disk NAME MAJ:MIN SECTORS: one whole disk as the MMC block driver shows it
disk() {
	d=/sys/class/block/$1
	mkdir -p "$d/queue" "$d/device"
	echo "$2" >"$d/dev"
	ln -s ../../../class/block "$d/subsystem" # libudev's subsystem: the link's last name
	echo "$3" >"$d/size"
	printf 'MAJOR=%s\nMINOR=%s\nDEVNAME=%s\nDEVTYPE=disk\n' "${2%:*}" "${2#*:}" "$1" >"$d/uevent"
	echo 0 >"$d/ro"
	echo 0 >"$d/removable"
	echo 0 >"$d/queue/rotational"
	echo 512 >"$d/queue/logical_block_size"
	echo 512 >"$d/queue/physical_block_size"
	echo "$type" >"$d/device/type"
	echo WSSIM8 >"$d/device/name"
	echo 0x5753494d >"$d/device/serial"
	if [ "$type" = MMC ]; then
		echo 0x40ff8080 >"$d/device/ocr" # sector access mode (bit 30)
	fi
	ln -s "$d" "/sys/dev/block/$2"
	mknod -m 660 "/dev/$1" b "${2%:*}" "${2#*:}"
}
# boot NAME MAJ:MIN SECTORS: a boot partition, read-only as the kernel makes it
boot() {
	[ -n "$2" ] || return 0
	disk "$1" "$2" "$3"
	echo 1 >"/sys/class/block/$1/force_ro"
}
disk mmcblk0 "$user_mm" "$user_sz"
boot mmcblk0boot0 "$boot_mm0" "$boot_sz0"
boot mmcblk0boot1 "$boot_mm1" "$boot_sz1"

# shellcheck disable=SC2086 # WS_MMCNS_ENV is a list of assignments
env LD_PRELOAD="${WS_MMCNS_PRELOAD:-}" ${WS_MMCNS_ENV:-} "$@" && rc=0 || rc=$?
if [ -n "${WS_MMCNS_STATE:-}" ]; then
	for f in /sys/class/block/mmcblk0boot*/force_ro; do
		[ -e "$f" ] || continue
		n=${f#/sys/class/block/}
		cp "$f" "$WS_MMCNS_STATE/${n%/force_ro}.force_ro"
	done
fi
exit "$rc"
