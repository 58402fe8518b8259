# shellcheck shell=bash
# scripts/deps.sh - the Debian 12 packages wipeseal needs to build, test and demonstrate,
# installed with apt-get only when missing. Sourced by scripts/test.sh and scripts/demo.sh.

WS_PACKAGES=(
	# build
	gcc make cmake pkgconf git
	libudev-dev libblkid-dev libssl-dev libnvme-dev libjson-c-dev
	# RFC 3161 timestamps: HTTP(S) to the TSA (src/lib/tsa.c)
	libcurl4-openssl-dev
	# signer keys on PKCS#11 tokens (src/lib/pkcs11.c): libp11, p11-kit and its proxy module;
	# OpenSC for cards (and pkcs11-tool), libp11's engine for certs/make-operator.sh's CSR,
	# SoftHSM2 as the token in tests/integration/test-token.c
	libp11-dev libp11-kit-dev p11-kit p11-kit-modules opensc opensc-pkcs11
	libengine-pkcs11-openssl softhsm2
	# the station's screen (src/tui)
	libncurses-dev
	# the PDF certificate (src/lib/pdf-*.c): cairo, pango, libqrencode, its fonts, msgfmt
	# for its labels (po/); checked in tests/integration/test-pdf.c with poppler's pdfsig,
	# pdftotext and pdftoppm, qpdf, zbarimg, and NSS's certutil (libnss3-tools, below);
	# the drive label sheet (src/lib/labels*.c) too: its QR codes by libqrencode, read back
	# in tests/*/test-labels*.c by pdftoppm and zbarimg (zbar-tools), pdftotext and pdfinfo
	libcairo2-dev libpango1.0-dev libqrencode-dev fonts-dejavu-core gettext
	poppler-utils qpdf zbar-tools
	# tests; clang and its runtime for the libFuzzer harnesses (scripts/fuzz.sh)
	check clang-format shellcheck clang libclang-rt-14-dev perl
	# the station, driven as an operator would (tests/integration/test-station.c)
	tmux
	# verify's HTML report rendered by a real browser, headless (test-verify-audit.c)
	chromium
	# scratch disks: losetup, swapon (mount), sfdisk (fdisk), partx, blkid, mkswap, findmnt
	# (util-linux), mkfs.ext4 (e2fsprogs), mkfs.vfat (dosfstools)
	mount fdisk util-linux e2fsprogs dosfstools
	# reading devices back independently: cmp (diffutils), the AES keystream (openssl);
	# hdparm, an ATA encoder that is not ours, against the simulated SATA drive
	diffutils openssl hdparm
	# the boot image (iso/build.sh): the ISO, its boot loaders' BIOS half, the EFI image,
	# the initramfs, kernel-module dependencies (depmod), ELF dependencies (readelf)
	xorriso isolinux syslinux-common mtools cpio zstd kmod binutils
	# the central register (src/lib/register*.c): libpq; the PostgreSQL server the suite
	# starts of its own (tests/pg/pg-server.sh: initdb, pg_ctl, psql)
	libpq-dev postgresql postgresql-client
	# the Debian package (cmake/Packaging.cmake, tests/pkg/test-deb.sh): dpkg-shlibdeps
	# (dpkg-dev) for its Depends, Debian's package checker
	dpkg-dev lintian
	# booting it (tests/vm/run.sh): QEMU, and OVMF for UEFI with Secure Boot
	# and the emulated smart card of its "card" case: NSS's certutil and pk12util (tests/vm/make-card.sh)
	qemu-system-x86 ovmf libnss3-tools
	# the network boot (iso/build.sh --netboot, tests/vm/netboot.sh): pxelinux for BIOS PXE,
	# the iPXE option ROMs QEMU's NICs boot from, chrony as the test's NTP server, ss
	# (iproute2) to find free ports
	pxelinux ipxe-qemu chrony iproute2
	# the image's DHCP client against busybox's DHCP server in a network namespace (tests/iso)
	busybox-static
)

ws_install_deps() {
	local missing=() p
	for p in "${WS_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "wipeseal: missing Debian packages: ${missing[*]}; run as root or install them" >&2
		return 1
	fi
	echo "==> installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
		apt-get update -qq >/dev/null &&
			apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
	}
}
