#!/usr/bin/env bash
# iso/build.sh - build the bootable station image: a hybrid ISO (CD or USB stick written with
# dd; BIOS through ISOLINUX, UEFI through Debian's signed shim and GRUB, so that it boots with
# Secure Boot on) whose whole system is one initramfs: Debian's signed kernel and its storage
# modules, udev, busybox, kmod, and wipeseal with the libraries it links against.
#
#   iso/build.sh [--output FILE] [--usb-image FILE] [--binary WIPESEAL] [--work DIR]
#                [--cache DIR] [--netboot DIR [--config FILE] [--include SRC=DEST]...
#                [--append 'WORDS']]
#
# --netboot DIR also writes what a PXE server needs (iso/netboot.sh: the kernel, the same
# initramfs, a site initramfs with --config and --include's files, pxelinux and iPXE boot
# configs whose kernel command line ends with --append's WORDS).
#
# Everything in the image comes from Debian 12 packages fetched with `apt-get download` (the
# host's apt sources: the Debian package registry) and unpacked with dpkg-deb, never
# installed on the host, plus the wipeseal binary (built here in Release mode unless
# --binary names one). Libraries are found by following every binary's DT_NEEDED through
# the unpacked packages; a library none of them holds is looked up with `dpkg -S` and its
# package fetched too. docs/station.md says how to use the image; docs/architecture.md how
# it is made.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/wipeseal.iso
USB=
BIN=
WORK=$ROOT/build/iso
CACHE=
ARCH=x86_64-linux-gnu
NETBOOT=
NETBOOT_ARGS=()

usage() {
	sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}
die() {
	echo "iso/build.sh: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--output) OUT=$(realpath -m "${2:?--output needs a file}"); shift 2 ;;
	--usb-image) USB=$(realpath -m "${2:?--usb-image needs a file}"); shift 2 ;;
	--binary) BIN=$(realpath "${2:?--binary needs a file}"); shift 2 ;;
	--work) WORK=$(realpath -m "${2:?--work needs a directory}"); shift 2 ;;
	--cache) CACHE=$(realpath -m "${2:?--cache needs a directory}"); shift 2 ;;
	--netboot) NETBOOT=$(realpath -m "${2:?--netboot needs a directory}"); shift 2 ;;
	--config | --include | --append) NETBOOT_ARGS+=("$1" "${2?$1 needs a value}"); shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "iso/build.sh: unknown option '$1'; see iso/build.sh --help" >&2; exit 2 ;;
	esac
done
CACHE=${CACHE:-$WORK/debs}
START=$(date +%s)

[ ${#NETBOOT_ARGS[@]} = 0 ] || [ -n "$NETBOOT" ] || die "--config, --include and --append go with --netboot DIR"

# The host: Debian 12 (the image is made of its packages, fetched with the host's apt) with
# the tools below. What is missing is named as the Debian packages to install, all at once.
check_host() {
	local id ver tool pkg f missing=()
	id=$(. /etc/os-release 2>/dev/null && echo "${ID:-}")
	ver=$(. /etc/os-release 2>/dev/null && echo "${VERSION_ID:-}")
	if [ "$id" != debian ] || [ "$ver" != 12 ]; then
		die "this host is ${id:-unknown} ${ver:-}, not Debian 12 (bookworm): the image is made of Debian 12's packages, fetched with this host's apt; build it on Debian 12 (a container or VM will do)"
	fi
	for tool in xorriso:xorriso mkfs.vfat:dosfstools mcopy:mtools mmd:mtools cpio:cpio zstd:zstd \
		depmod:kmod readelf:binutils strip:binutils dpkg-deb:dpkg apt-get:apt; do
		command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
	done
	for f in /usr/lib/ISOLINUX/isolinux.bin:isolinux /usr/lib/ISOLINUX/isohdpfx.bin:isolinux \
		/usr/lib/syslinux/modules/bios/ldlinux.c32:syslinux-common; do
		[ -f "${f%%:*}" ] || missing+=("${f#*:}")
	done
	[ -z "$NETBOOT" ] || [ -f /usr/lib/PXELINUX/pxelinux.0 ] || missing+=(pxelinux)
	if [ -z "$BIN" ]; then
		for tool in cmake:cmake gcc:gcc pkg-config:pkgconf; do
			command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
		done
	fi
	[ ${#missing[@]} = 0 ] && return 0
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	local also=
	[ -n "$BIN" ] || also=" (building wipeseal also needs the -dev libraries scripts/deps.sh lists: . scripts/deps.sh && ws_install_deps; or name a binary with --binary)"
	die "missing Debian packages: ${missing[*]}; install them with: apt-get install ${missing[*]}$also"
}
check_host

step() { echo "==> iso: $*"; }

# ---- the wipeseal binary ---------------------------------------------------------------
if [ -z "$BIN" ]; then
	step "building wipeseal (Release)"
	cmake -S "$ROOT" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
	cmake --build "$WORK/build" -j"$(nproc)" --target wipeseal-cli >/dev/null
	BIN=$WORK/build/src/wipeseal
fi
[ -x "$BIN" ] || die "$BIN: not an executable"
if readelf -s "$BIN" | grep -q __asan_init; then
	die "$BIN is a sanitizer build: name a plain one with --binary"
fi

# ---- packages ----------------------------------------------------------------------------
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'; }
KPKG=$(kernel_package)
if [ -z "$KPKG" ]; then
	step "apt knows no kernel package yet: apt-get update"
	apt-get update -qq >/dev/null 2>&1 || true
	KPKG=$(kernel_package)
fi
[ -n "$KPKG" ] || die "apt knows no linux-image-amd64 even after apt-get update: check the apt sources"
KVER=${KPKG#linux-image-}
PACKAGES=(
	"$KPKG" shim-signed shim-helpers-amd64-signed grub-efi-amd64-signed
	busybox-static kmod udev libudev1 ncurses-base
)
PKGS=$WORK/pkgs
mkdir -p "$CACHE"
rm -rf "$PKGS"
mkdir -p "$PKGS"

# Fetch (unless cached) and unpack packages.
fetch() {
	local p missing=()
	for p in "$@"; do
		compgen -G "$CACHE/${p}_*.deb" >/dev/null || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		(cd "$CACHE" && apt-get download "${missing[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
			die "apt-get download ${missing[*]} failed"
	fi
	for p in "$@"; do
		for deb in "$CACHE/${p}"_*.deb; do
			dpkg-deb -x "$deb" "$PKGS"
		done
	done
}
step "fetching and unpacking ${#PACKAGES[@]} packages (kernel $KVER)"
fetch "${PACKAGES[@]}"

# ---- the root file system ------------------------------------------------------------------
R=$WORK/rootfs
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib/$ARCH,usr/lib/$ARCH,lib64,etc/wipeseal,proc,sys,dev,run,tmp,root,mnt}

# busybox: the shell, mount, setsid, poweroff, ... (kmod's tools replace its module applets)
install -m 0755 "$PKGS/bin/busybox" "$R/bin/busybox"
for applet in $("$R/bin/busybox" --list-full); do
	[ -e "$R/$applet" ] || ln -s /bin/busybox "$R/$applet"
done
install -m 0755 "$PKGS/bin/kmod" "$R/bin/kmod"
for t in modprobe depmod insmod lsmod rmmod modinfo; do
	rm -f "$R/sbin/$t" "$R/bin/$t"
	ln -s /bin/kmod "$R/sbin/$t"
done
# udev, as on a full system: its rules (persistent-storage: serials, by-id, by-label) and
# helpers (ata_id, scsi_id, cdrom_id); not the hardware database (vendor names only)
install -m 0755 "$PKGS/bin/udevadm" "$R/bin/udevadm"
mkdir -p "$R/lib/systemd" "$R/etc/udev"
ln -s /bin/udevadm "$R/lib/systemd/systemd-udevd"
cp -a "$PKGS/lib/udev" "$R/lib/udev"
rm -rf "$R/lib/udev/hwdb.d"
cp "$PKGS/etc/udev/udev.conf" "$R/etc/udev/"
# terminfo for the station's screen: the Linux console, serial terminals, xterm, screen
cp -a "$PKGS/lib/terminfo" "$R/lib/terminfo"
install -m 0755 "$BIN" "$R/usr/sbin/wipeseal"
strip --strip-unneeded "$R/usr/sbin/wipeseal"

# Smart cards (an operator's card, a station key on a card): a USB CCID reader through the
# CCID driver (libusb), pcscd between the readers and the programs, OpenSC's PKCS#11 module
# for the cards, registered with p11-kit, whose proxy module wipeseal loads through libp11.
# OpenSC loads libpcsclite and libp11 loads the proxy with dlopen(): no DT_NEEDED names
# them, so they are copied here. pkcs11-tool and opensc-tool come along for the shell (and
# the boot's list of readers); OpenSC's card-specific tools do not.
CARD_PACKAGES=(pcscd libccid libpcsclite1 libusb-1.0-0 opensc opensc-pkcs11 p11-kit p11-kit-modules
	libgcc-s1)
step "adding the smart-card stack (${CARD_PACKAGES[*]})"
fetch "${CARD_PACKAGES[@]}"
install -m 0755 "$PKGS/usr/sbin/pcscd" "$R/usr/sbin/pcscd"
CCID=usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents
mkdir -p "$R/$CCID/Linux" "$R/usr/lib/$ARCH/pkcs11" "$R/usr/share/p11-kit/modules" "$R/etc/opensc"
install -m 0755 "$PKGS/$CCID/Linux/libccid.so" "$R/$CCID/Linux/libccid.so"
# (Debian links it to /etc/libccid_Info.plist)
cp "$PKGS/etc/libccid_Info.plist" "$R/$CCID/Info.plist"
for f in libpcsclite.so.1 opensc-pkcs11.so; do
	cp -L "$PKGS/usr/lib/$ARCH/$f" "$R/usr/lib/$ARCH/$f"
done
# glibc loads libgcc_s when a thread ends with pthread_exit() (pcscd's do): without it pcscd
# aborts at the first client that goes away
cp -L "$PKGS/lib/$ARCH/libgcc_s.so.1" "$R/lib/$ARCH/libgcc_s.so.1"
ln -s ../opensc-pkcs11.so "$R/usr/lib/$ARCH/pkcs11/opensc-pkcs11.so"
# the proxy is libp11-kit itself under another name (as Debian ships it)
ln -s libp11-kit.so.0 "$R/usr/lib/$ARCH/p11-kit-proxy.so"
# OpenSC's module only: p11-kit's trust module would show the CA store as one more token
cp "$PKGS/usr/share/p11-kit/modules/opensc-pkcs11.module" "$R/usr/share/p11-kit/modules/"
# A reader that says it has a PIN pad makes OpenSC leave the PIN to it: QEMU's usb-ccid says
# so (bPINSupport 1) and answers PC_to_RDR_Secure "command not supported", and the station
# has its own keyboard and masked PIN field. The PIN goes to the card in a VERIFY command as
# with every other reader; docs/station.md#smart-cards.
cat >"$R/etc/opensc/opensc.conf" <<'OPENSC'
# iso/build.sh: the station types the PIN itself, also on readers with a PIN pad
app default {
	reader_driver pcsc {
		enable_pinpad = false;
	}
}
OPENSC
for t in pkcs11-tool opensc-tool p11-kit; do
	install -m 0755 "$PKGS/usr/bin/$t" "$R/usr/bin/$t"
done

# The PDF certificate beside every certificate (docs/pdf.md): cairo and pango come with the
# binary's libraries below; its font (DejaVu Sans, through fontconfig's configuration) and
# its German labels (the catalog msgfmt made in the binary's build directory, found through
# WIPESEAL_LOCALEDIR, which iso/init sets) are added here.
step "adding the PDF's fonts and labels"
fetch fonts-dejavu-core fontconfig-config
mkdir -p "$R/usr/share/fonts/truetype" "$R/etc" "$R/usr/share/wipeseal"
cp -a "$PKGS/usr/share/fonts/truetype/dejavu" "$R/usr/share/fonts/truetype/"
cp -a "$PKGS/etc/fonts" "$R/etc/fonts"
cp -a "$PKGS/usr/share/fontconfig" "$R/usr/share/" 2>/dev/null || true
LOCALES=$(dirname "$BIN")/../locale
[ -d "$LOCALES" ] || die "$LOCALES is missing: the binary's build directory holds no catalogs (msgfmt)"
cp -a "$LOCALES" "$R/usr/share/wipeseal/locale"

# The network and the clock (iso/net.sh, iso/register.sh; used only when the command line
# asks or the station booted from the network): busybox's udhcpc with our script, chrony's
# chronyd (sets the clock, then keeps the kernel's disciplined) and chronyc (for the shell:
# chronyc sources, tracking). chrony rather than busybox's ntpd, which Debian's
# busybox-static does not have: docs/station.md#a-station-booted-from-the-network.
add_network() {
	step "adding the network: DHCP (busybox udhcpc), NTP (chrony)"
	fetch chrony
	install -m 0755 "$PKGS/usr/sbin/chronyd" "$R/usr/sbin/chronyd"
	install -m 0755 "$PKGS/usr/bin/chronyc" "$R/usr/bin/chronyc"
	mkdir -p "$R/usr/share/wipeseal" "$R/var/lib/chrony"
	install -m 0755 "$ROOT/iso/udhcpc.script" "$R/usr/share/wipeseal/udhcpc.script"
	install -m 0644 "$ROOT/iso/net.sh" "$R/usr/share/wipeseal/net.sh"
	install -m 0644 "$ROOT/iso/register.sh" "$R/usr/share/wipeseal/register.sh"
}
add_network

# Libraries: every DT_NEEDED of every ELF file, found in the unpacked packages.
find_lib() { # SONAME [RUNPATH...]
	local so=$1 d
	shift
	for d in "$@" "/lib/$ARCH" "/usr/lib/$ARCH" /lib64; do
		if [ -e "$PKGS$d/$so" ]; then
			echo "$d/$so"
			return 0
		fi
	done
	return 1
}
# A round copies every library it finds and fetches, in one apt-get call, the packages of
# those it does not (one call per library took a minute of a fresh build); the next round
# copies those and looks at what they need in turn.
copy_libs() {
	local changed=1 f so path runpath pkg
	local -A fetched=() want=()
	while [ $changed = 1 ]; do
		changed=0
		want=()
		while IFS= read -r f; do
			runpath=$(readelf -d "$f" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p' | tr ':' ' ')
			for so in $(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
				# shellcheck disable=SC2086
				if ! path=$(find_lib "$so" $runpath); then
					pkg=$(dpkg -S "*/$so" 2>/dev/null | sed -n 's/^\([^:,]*\)\(:amd64\)\{0,1\}: .*/\1/p' | head -n1 || true)
					[ -n "$pkg" ] || die "no package found for $so (needed by ${f#"$R"})"
					[ -z "${fetched[$pkg]:-}" ] || die "$pkg does not hold $so"
					[ -n "${want[$pkg]:-}" ] || echo "    + $pkg (for $so)"
					want[$pkg]=1
					continue
				fi
				if [ ! -e "$R$path" ]; then
					mkdir -p "$(dirname "$R$path")"
					cp -L "$PKGS$path" "$R$path"
					changed=1
				fi
			done
		done < <(find "$R" -type f -perm -u+x -o -type f -name '*.so*' | while read -r x; do
			head -c4 "$x" | grep -q 'ELF' && echo "$x"
		done)
		if [ ${#want[@]} -gt 0 ]; then
			fetch "${!want[@]}"
			for pkg in "${!want[@]}"; do
				fetched[$pkg]=1
			done
			changed=1
		fi
	done
}
step "resolving libraries"
fetch libc6
cp -L "$PKGS/lib/$ARCH/ld-linux-x86-64.so.2" "$R/lib/$ARCH/"
ln -sf "/lib/$ARCH/ld-linux-x86-64.so.2" "$R/lib64/ld-linux-x86-64.so.2"
copy_libs

# Kernel modules: those listed in iso/modules.list and everything they depend on.
step "selecting kernel modules"
MODS=/lib/modules/$KVER
depmod -b "$PKGS" "$KVER"
# the drivers the image must have (iso/drivers.list): first in the kernel package
err=$(bash "$ROOT/iso/check-drivers.sh" "$PKGS$MODS" "$ROOT/iso/drivers.list" "$KPKG" 2>&1) ||
	die "$err"
declare -A want=()
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	if [ -d "$PKGS$MODS/kernel/$line" ]; then
		while IFS= read -r m; do want["${m#"$PKGS$MODS"/}"]=1; done < <(find "$PKGS$MODS/kernel/$line" -name '*.ko')
	elif [ -f "$PKGS$MODS/kernel/$line" ]; then
		want["kernel/$line"]=1
	else
		die "iso/modules.list: $line is not in $KPKG"
	fi
done <"$ROOT/iso/modules.list"
declare -A deps=() have=()
while IFS=: read -r m d; do deps[$m]=$d; done <"$PKGS$MODS/modules.dep"
queue=("${!want[@]}")
while [ ${#queue[@]} -gt 0 ]; do
	m=${queue[0]}
	queue=("${queue[@]:1}")
	[ -n "${have[$m]:-}" ] && continue
	have[$m]=1
	for dep in ${deps[$m]:-}; do
		[ -n "${have[$dep]:-}" ] || queue+=("$dep")
	done
done
for m in "${!have[@]}"; do
	mkdir -p "$(dirname "$R$MODS/$m")"
	cp "$PKGS$MODS/$m" "$R$MODS/$m"
done
cp "$PKGS$MODS"/modules.{order,builtin,builtin.modinfo} "$R$MODS/"
depmod -b "$R" "$KVER"
# ... then in the image, with what they depend on (iso/modules.list must select them)
err=$(bash "$ROOT/iso/check-drivers.sh" "$R$MODS" "$ROOT/iso/drivers.list" \
	"the image (iso/modules.list's selection from $KPKG)" 2>&1) || die "$err"

# ---- /init and /etc -------------------------------------------------------------------------
# the build ID: in the initramfs, in the ISO's /.disk/wipeseal-id (init finds its boot
# medium by it) and as the ISO 9660 volume set ID, which libblkid reads without mounting
# anything (every station here gets --protect-build-id: no medium holding it is a target)
BUILD_ID=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
install -m 0755 "$ROOT/iso/init" "$R/init"
echo "$BUILD_ID" >"$R/etc/wipeseal/build-id"
"$BIN" --version | sed 's/^wipeseal //' >"$R/etc/wipeseal/version"
: >"$R/etc/wipeseal/none.conf"
cat >"$R/etc/wipeseal/modules" <<'MODULES'
# loaded at boot whether or not udev asked (iso/build.sh)
nvme
vmd
ahci
ata_piix
sd_mod
sr_mod
sg
virtio_pci
virtio_blk
virtio_scsi
mpt3sas
megaraid_sas
xhci_pci
ehci_pci
ohci_pci
uhci_hcd
usb_storage
uas
usbhid
hid_generic
isofs
vfat
nls_cp437
nls_iso8859_1
nls_utf8
nls_ascii
efivarfs
MODULES
# the drivers the image must have (VMD, RAID controllers and HBAs, SD and eMMC): also loaded
# at boot, whatever udev finds
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ROOT/iso/drivers.list" >>"$R/etc/wipeseal/modules"
cat >"$R/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
PASSWD
# the groups udev's rules name
{
	echo "root:x:0:"
	n=1
	for g in tty disk cdrom tape dialout floppy audio video input kvm render sgx lp kmem; do
		echo "$g:x:$((n + 4)):"
		n=$((n + 1))
	done
} >"$R/etc/group"
echo wipeseal >"$R/etc/hostname"
cat >"$R/etc/profile" <<'PROFILE'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=${TERM:-linux}
echo "wipeseal boot image: 'wipeseal list', 'dmesg', 'cat /run/wipeseal/args.tty1'."
PS1='wipeseal# '
PROFILE

step "packing the initramfs"
ISO=$WORK/iso
rm -rf "$ISO"
mkdir -p "$ISO"/{boot/grub,EFI/boot,isolinux,.disk}
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | zstd -q -T0 -9 >"$ISO/boot/initrd.img"

# ---- the ISO -------------------------------------------------------------------------------
step "assembling the ISO"
cp "$PKGS/boot/vmlinuz-$KVER" "$ISO/boot/vmlinuz"
cp "$ROOT/iso/grub.cfg" "$ISO/boot/grub/grub.cfg"
echo "wipeseal station $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown) $BUILD_ID" >"$ISO/.disk/info"
echo "$BUILD_ID" >"$ISO/.disk/wipeseal-id"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$ISO/isolinux/"
cp "$ROOT/iso/isolinux.cfg" "$ISO/isolinux/isolinux.cfg"
# UEFI: shim (signed by Microsoft's UEFI CA) as the removable-media loader, Debian's signed
# GRUB for CDs (gcdx64: it finds /.disk/info and reads /boot/grub/grub.cfg) beside it
cp "$PKGS/usr/lib/shim/shimx64.efi.signed" "$ISO/EFI/boot/bootx64.efi"
cp "$PKGS/usr/lib/shim/mmx64.efi.signed" "$ISO/EFI/boot/mmx64.efi"
cp "$PKGS/usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed" "$ISO/EFI/boot/grubx64.efi"
EFIIMG=$ISO/boot/grub/efi.img
rm -f "$EFIIMG"
mkfs.vfat -C -n WSEFI "$EFIIMG" 10240 >/dev/null
mmd -i "$EFIIMG" ::/EFI ::/EFI/boot
mcopy -i "$EFIIMG" "$ISO/EFI/boot/bootx64.efi" "$ISO/EFI/boot/mmx64.efi" "$ISO/EFI/boot/grubx64.efi" ::/EFI/boot/

mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
xorriso -as mkisofs -quiet -o "$OUT" -r -J -joliet-long -V WIPESEAL_BOOT -volset "$BUILD_ID" \
	-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot -isohybrid-gpt-basdat \
	"$ISO" 2>&1 | grep -v '^xorriso : UPDATE' >&2 || true
[ -s "$OUT" ] || die "xorriso made no image"

# ---- --usb-image: the ISO plus a FAT partition labelled WIPESEAL ---------------------------
if [ -n "$USB" ]; then
	step "making the USB image"
	DATAIMG=$WORK/data.img
	rm -f "$DATAIMG"
	mkfs.vfat -C -n WIPESEAL "$DATAIMG" $((256 * 1024)) >/dev/null
	mmd -i "$DATAIMG" ::/station ::/certificates
	cat >"$WORK/wipeseal.conf" <<'CONF'
# wipeseal.conf on the data stick: see docs/station.md and docs/config.md.
# The station's signer goes in station/ (signer.key, signer.pem, chain.pem, ca.pem).
[operator]
# name = Dana Reyes
# organization = Example Corp IT
[station]
auto = no
# method = clear
# verify = sample
# when_done = poweroff
CONF
	mcopy -i "$DATAIMG" "$WORK/wipeseal.conf" ::/wipeseal.conf
	rm -f "$USB"
	# partitions: 1 the ISO, 2 the EFI system partition (the same efi.img, which UEFI
	# firmware looks for on a disk), 3 the data
	xorriso -as mkisofs -quiet -o "$USB" -r -J -joliet-long -V WIPESEAL_BOOT -volset "$BUILD_ID" \
		-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
		-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		-eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
		-append_partition 2 0xef "$EFIIMG" -append_partition 3 0x0c "$DATAIMG" \
		"$ISO" 2>&1 | grep -v '^xorriso : UPDATE' >&2 || true
	[ -s "$USB" ] || die "xorriso made no USB image"
fi

# ---- --netboot: what a PXE server needs (iso/netboot.sh) -------------------------------------
if [ -n "$NETBOOT" ]; then
	step "writing the network boot files"
	bash "$ROOT/iso/netboot.sh" --kernel "$ISO/boot/vmlinuz" --initrd "$ISO/boot/initrd.img" \
		"${NETBOOT_ARGS[@]}" "$NETBOOT" || die "iso/netboot.sh failed"
fi

END=$(date +%s)
SIZE=$(stat -c %s "$OUT")
echo "==> iso: $OUT: $((SIZE / 1048576)) MiB (initramfs $(($(stat -c %s "$ISO/boot/initrd.img") / 1048576)) MiB, kernel $KVER, ${#have[@]} modules), built in $((END - START)) s"
[ -z "$USB" ] || echo "==> iso: $USB: $(($(stat -c %s "$USB") / 1048576)) MiB, with a 256 MiB FAT partition labelled WIPESEAL"
