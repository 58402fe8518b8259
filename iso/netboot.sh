#!/usr/bin/env bash
# iso/netboot.sh - what a PXE server needs to boot wipeseal stations from the network,
# from the kernel and initramfs iso/build.sh made (`iso/build.sh --netboot DIR` runs it;
# it can also be run again on its own to change a site's settings without a new build):
#
#   iso/netboot.sh --kernel VMLINUZ --initrd INITRD DIR [--config FILE]
#                  [--include SRC=DEST]... [--append 'WORDS']
#
# DIR receives, for its TFTP (or HTTP) root:
#   vmlinuz, initrd.img     the image's kernel and initramfs, the same as the ISO's
#   site.img                a second initramfs (cpio) with the site's files: --config as
#                           /etc/wipeseal/wipeseal.conf (the station's settings when it has no
#                           data stick) and each --include SRC as DEST (mode 600: the
#                           register's client key, a token's PIN file, CAs)
#   pxelinux.0, ldlinux.c32, pxelinux.cfg/default   BIOS PXE (syslinux); DHCP boot file
#                           pxelinux.0
#   wipeseal.ipxe           an iPXE script (DHCP boot file for iPXE firmware, UEFI too)
# Both boot configs load the kernel with both initramfs files and the command line
#   console=ttyS0,115200n8 console=tty0 quiet wipeseal.medium=none wipeseal.net=dhcp WORDS
# plus BOOTIF= (the MAC address the firmware booted from). WORDS are --append's, such as
# wipeseal.auto=1, wipeseal.ntp=ntp.example.org, wipeseal.register=URL. docs/station.md's
# "A station booted from the network" says how to set a PXE server up.
set -euo pipefail

die() {
	echo "iso/netboot.sh: $*" >&2
	exit 2
}
usage() {
	sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

KERNEL='' INITRD='' DIR='' CONFIG='' APPEND=''
INCLUDES=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=${2:?--kernel needs a file}; shift 2 ;;
	--initrd) INITRD=${2:?--initrd needs a file}; shift 2 ;;
	--config) CONFIG=${2:?--config needs a file}; shift 2 ;;
	--include) INCLUDES+=("${2:?--include needs SRC=DEST}"); shift 2 ;;
	--append) APPEND=${2?--append needs words}; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) echo "iso/netboot.sh: unknown option '$1'; see iso/netboot.sh --help" >&2; exit 2 ;;
	*) [ -z "$DIR" ] || die "one directory only ('$DIR', then '$1')"; DIR=$1; shift ;;
	esac
done
[ -n "$DIR" ] || die "no output directory; see iso/netboot.sh --help"
[ -f "$KERNEL" ] || die "--kernel ${KERNEL:-(none)}: no such file (iso/build.sh makes it)"
[ -f "$INITRD" ] || die "--initrd ${INITRD:-(none)}: no such file (iso/build.sh makes it)"
PXELINUX=/usr/lib/PXELINUX/pxelinux.0
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
[ -f "$PXELINUX" ] || die "$PXELINUX is missing: apt-get install pxelinux"
[ -f "$LDLINUX" ] || die "$LDLINUX is missing: apt-get install syslinux-common"
command -v cpio >/dev/null || die "cpio is missing: apt-get install cpio"

# The site's files: a cpio archive the kernel unpacks over the image's initramfs.
site_layer() { # OUT
	local stage src dest inc
	stage=$(mktemp -d)
	mkdir -p "$stage/etc/wipeseal"
	if [ -n "$CONFIG" ]; then
		[ -f "$CONFIG" ] || { rm -rf "$stage"; die "--config $CONFIG: no such file"; }
		install -m 0644 "$CONFIG" "$stage/etc/wipeseal/wipeseal.conf"
	fi
	for inc in "${INCLUDES[@]}"; do
		src=${inc%%=*}
		dest=${inc#*=}
		if [ "$src" = "$inc" ] || [ "${dest#/}" = "$dest" ]; then
			rm -rf "$stage"
			die "--include $inc: write SRC=/absolute/path/in/the/image"
		fi
		[ -f "$src" ] || { rm -rf "$stage"; die "--include $inc: $src: no such file"; }
		mkdir -p "$stage$(dirname "$dest")"
		install -m 0600 "$src" "$stage$dest"
	done
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$1"
	rm -rf "$stage"
}

mkdir -p "$DIR/pxelinux.cfg"
cp "$KERNEL" "$DIR/vmlinuz"
cp "$INITRD" "$DIR/initrd.img"
site_layer "$DIR/site.img"
cp "$PXELINUX" "$LDLINUX" "$DIR/"
CMDLINE="console=ttyS0,115200n8 console=tty0 quiet wipeseal.medium=none wipeseal.net=dhcp${APPEND:+ $APPEND}"

cat >"$DIR/pxelinux.cfg/default" <<CFG
# pxelinux.cfg/default - BIOS PXE boot of a wipeseal station (iso/netboot.sh)
SERIAL 0 115200
DEFAULT wipeseal
PROMPT 0
TIMEOUT 0
LABEL wipeseal
	KERNEL vmlinuz
	INITRD initrd.img,site.img
	APPEND $CMDLINE
	IPAPPEND 2
CFG

cat >"$DIR/wipeseal.ipxe" <<IPXE
#!ipxe
# wipeseal.ipxe - iPXE boot of a wipeseal station (iso/netboot.sh); files beside this one
echo wipeseal station: loading the kernel and the initramfs over \${filename}
kernel vmlinuz initrd=initrd.img initrd=site.img $CMDLINE BOOTIF=01-\${netX/mac:hexhyp}
initrd initrd.img
initrd site.img
boot
IPXE
echo "==> netboot: $DIR: vmlinuz, initrd.img, site.img ($(stat -c %s "$DIR/site.img") bytes), pxelinux.0, wipeseal.ipxe"
