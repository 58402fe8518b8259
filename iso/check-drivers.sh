#!/usr/bin/env bash
# iso/check-drivers.sh - whether a kernel module tree carries the drivers a list names:
#
#   iso/check-drivers.sh MODDIR [LIST] [WHAT]
#
# MODDIR is a /lib/modules/VERSION directory (unpacked from the kernel package, or the
# image's); LIST is iso/drivers.list (one module name a line, '#' comments). A driver is
# there when modules.builtin names it (built into the kernel) or its .ko (also .ko.xz,
# .ko.zst, .ko.gz) is under MODDIR/kernel, and every module modules.dep lists for it is
# there too. "-" and "_" are the same in a module name, as for modprobe. Prints nothing and
# exits 0 when all are there; otherwise one line on stderr naming what is missing, WHAT
# (default: the tree's path) saying whose tree it is, and exits 1. Exit 2: MODDIR or LIST
# unreadable. iso/build.sh runs it on the kernel package and on the image;
# tests/iso/test-drivers.sh runs it on fake trees.
set -uo pipefail

MODDIR=${1:?usage: iso/check-drivers.sh MODDIR [LIST] [WHAT]}
LIST=${2:-$(dirname "$0")/drivers.list}
WHAT=${3:-$MODDIR}
[ -d "$MODDIR/kernel" ] || [ -f "$MODDIR/modules.builtin" ] || {
	echo "iso/check-drivers.sh: $MODDIR holds no kernel/ and no modules.builtin: not a module tree" >&2
	exit 2
}
[ -r "$LIST" ] || { echo "iso/check-drivers.sh: cannot read $LIST" >&2; exit 2; }

# a module's name from its path, into NAME (no subshell: a kernel has thousands):
# kernel/drivers/mmc/host/sdhci-pci.ko.xz -> sdhci_pci
modname() {
	NAME=${1##*/}
	NAME=${NAME%%.ko*}
	NAME=${NAME//-/_}
}

declare -A builtin=() file=() deps=()
if [ -f "$MODDIR/modules.builtin" ]; then
	while IFS= read -r p; do
		modname "$p"
		builtin[$NAME]=1
	done <"$MODDIR/modules.builtin"
fi
if [ -d "$MODDIR/kernel" ]; then
	while IFS= read -r p; do
		modname "$p"
		file[$NAME]=${p#"$MODDIR"/}
	done < <(find "$MODDIR/kernel" -name '*.ko*')
fi
if [ -f "$MODDIR/modules.dep" ]; then
	while IFS=: read -r m d; do
		modname "$m"
		deps[$NAME]=$d
	done <"$MODDIR/modules.dep"
fi

missing=()
while IFS= read -r line; do
	line=${line%%#*}
	line=${line//[[:space:]]/}
	[ -n "$line" ] || continue
	name=${line//-/_}
	if [ -n "${builtin[$name]:-}" ]; then
		continue
	fi
	if [ -z "${file[$name]:-}" ]; then
		missing+=("$name")
		continue
	fi
	for dep in ${deps[$name]:-}; do
		modname "$dep"
		[ -e "$MODDIR/$dep" ] || missing+=("$NAME (needed by $name)")
	done
done <"$LIST"

[ ${#missing[@]} = 0 ] && exit 0
names=$(printf '%s, ' "${missing[@]}")
echo "$WHAT lacks drivers the boot image needs: ${names%, } (neither built in, as modules.builtin says, nor a .ko under kernel/; ${LIST##*/} lists them)" >&2
exit 1
