#!/usr/bin/env bash
# certs/make-stick.sh - write a station's data stick: a FAT file system labelled WIPESEAL
# holding station/ (the signer from make-station.sh, or a token's settings instead of a
# key), wipeseal.conf and an empty certificates/ (docs/station.md#the-data-stick).
#
#   certs/make-stick.sh TARGET --config FILE [--signer DIR] [--ca FILE] [--chain FILE]
#       [--size MIB] [--max-gib N] [--overwrite]
#
# TARGET is the stick's device (/dev/sdX: the whole stick) or an image file (made, of
# --size MiB (default 256), when it does not exist; write it with dd later). Nothing else
# is ever written. A device must pass `wipeseal check` (not mounted, not in use, not the
# system's disk, ...), be at most --max-gib GiB (default 256: larger is not a stick), and
# one that holds a file system or partition table needs --overwrite. The stick is then made
# as one FAT file system over the whole of TARGET (wipefs, mkfs.vfat) and filled with
# mtools, without mounting anything:
#   station/signer.key, signer.pem, chain.pem (if any) from --signer DIR (make-station.sh's
#   OUT_DIR); without --signer, wipeseal.conf must name a pkcs11: key ([signer] key);
#   station/ca.pem from --ca FILE or DIR/ca.pem; wipeseal.conf from --config FILE (checked
#   with `wipeseal config check` first); certificates/, empty.
# Then check it: wipeseal stick check TARGET. WIPESEAL names the wipeseal binary (default:
# the one on PATH).
set -euo pipefail
WIPESEAL=${WIPESEAL:-wipeseal}
usage() {
	echo "usage: certs/make-stick.sh TARGET --config FILE [--signer DIR] [--ca FILE]" \
		"[--chain FILE] [--size MIB] [--max-gib N] [--overwrite]" >&2
	exit 2
}
die() {
	echo "certs/make-stick.sh: $*" >&2
	exit 1
}
[ $# -ge 1 ] || usage
target=$1
shift
config="" signer="" ca="" chain="" size=256 maxgib=256 overwrite=0
while [ $# -gt 0 ]; do
	case $1 in
	--overwrite) overwrite=1 && shift && continue ;;
	--config | --signer | --ca | --chain | --size | --max-gib) [ $# -ge 2 ] || usage ;;
	*) usage ;;
	esac
	case $1 in
	--config) config=$2 ;;
	--signer) signer=$2 ;;
	--ca) ca=$2 ;;
	--chain) chain=$2 ;;
	--size) size=$2 ;;
	--max-gib) maxgib=$2 ;;
	esac
	shift 2
done
[ -n "$config" ] || usage
if ! [[ $size =~ ^[0-9]+$ ]] || [ "$size" -lt 16 ]; then
	die "--size $size: a whole number of MiB, 16 or more"
fi
[[ $maxgib =~ ^[0-9]+$ ]] || die "--max-gib $maxgib: a whole number"
for t in "$WIPESEAL" mkfs.vfat mcopy mmd wipefs blkid; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install wipeseal dosfstools mtools util-linux)"
done

# ---- what goes on it, checked before anything is written ----------------------------------
[ -f "$config" ] || die "--config $config: no such file"
err=$("$WIPESEAL" config check --config "$config" 2>&1 >/dev/null) ||
	die "--config: ${err#wipeseal config: }; nothing was written"
files=()
if [ -n "$signer" ]; then
	for f in signer.key signer.pem; do
		[ -f "$signer/$f" ] || die "--signer $signer: no $f there (certs/make-station.sh makes both)"
		files+=("$signer/$f")
	done
	[ -n "$ca" ] || ca=$signer/ca.pem
	if [ -z "$chain" ] && [ -f "$signer/chain.pem" ]; then chain=$signer/chain.pem; fi
else
	key=$("$WIPESEAL" config get --config "$config" signer key 2>/dev/null || true)
	case $key in
	pkcs11:* | PKCS11:*) ;;
	*) die "no --signer DIR, and $config names no pkcs11: key in [signer]: the station would not start" ;;
	esac
fi
[ -n "$ca" ] || die "no --ca FILE (the organization's CA certificate, station/ca.pem)"
[ -f "$ca" ] || die "--ca $ca: no such file"
[ -z "$chain" ] || [ -f "$chain" ] || die "--chain $chain: no such file"

# ---- the target: a device that passes the gate, or an image file ----------------------------
if [ -b "$target" ]; then
	bytes=$(blockdev --getsize64 "$target")
	[ "$bytes" -le $((maxgib << 30)) ] ||
		die "$target is $((bytes >> 30)) GiB, larger than a stick (--max-gib $maxgib): is it the right device?"
	out=$("$WIPESEAL" check "$target" 2>&1) ||
		die "wipeseal check refuses $target: $(echo "$out" | tail -n1); nothing was written"
elif [ -e "$target" ] && [ ! -f "$target" ]; then
	die "$target is neither a block device nor a regular file"
elif [ ! -e "$target" ]; then
	truncate -s "${size}M" "$target"
fi
if [ -n "$(blkid -p -o value -s TYPE "$target" 2>/dev/null)$(blkid -p -o value -s PTTYPE "$target" 2>/dev/null)" ] &&
	[ "$overwrite" != 1 ]; then
	die "$target holds a file system or partition table ($(blkid -p -o export "$target" 2>/dev/null |
		grep -E '^(TYPE|PTTYPE|LABEL)=' | tr '\n' ' ')): add --overwrite to erase it"
fi

# ---- write it -----------------------------------------------------------------------------
# mtools' output only when it fails (on a device it also says it could not get a geometry)
mt() {
	local err
	err=$("$@" 2>&1 >/dev/null) || die "$1 failed: $err"
}
wipefs -a -q "$target"
mkfs.vfat -I -n WIPESEAL "$target" >/dev/null
export MTOOLS_SKIP_CHECK=1
mt mmd -i "$target" ::/station ::/certificates
mt mcopy -i "$target" "${files[@]}" "$ca" ::/station/
[ "$(basename "$ca")" = ca.pem ] || mt mren -i "$target" "::/station/$(basename "$ca")" ::/station/ca.pem
[ -z "$chain" ] || mt mcopy -i "$target" "$chain" ::/station/chain.pem
mt mcopy -i "$target" "$config" ::/wipeseal.conf
sync
echo "data stick: $target (FAT, label WIPESEAL): station/ $(mdir -i "$target" -b ::/station 2>/dev/null |
	sed 's|.*/||' | tr '\n' ' ')wipeseal.conf certificates/; check it: wipeseal stick check $target"
