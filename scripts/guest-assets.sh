#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest assets for real Linux guests (tests/e2e/README): a stock Debian
# kernel fetched WITHOUT installing it (apt-get download + dpkg-deb), and a
# busybox initramfs. Nothing is installed on the host.
#
# usage: scripts/guest-assets.sh kernel <out>       the cloud kernel (bzImage)
#        scripts/guest-assets.sh initramfs <out>    busybox + virtio modules,
#                                                   /init = scripts/guest-init
#                                                   (cpio newc; gzip if <out>
#                                                   ends in .gz)
#        scripts/guest-assets.sh host <dir> [module...]
#            the standard kernel for the nested host (tests/e2e/run-nested):
#            <dir>/vmlinux (uncompressed, boots through PVH), <dir>/root/
#            (lib/modules: the kvm modules and any given, with modules.dep),
#            <dir>/load (modules in load order, paths inside root/)
#
# The kernel version is pinned in scripts/guest-kernel.conf. Downloaded
# .deb files are cached in $GUEST_CACHE (default: <out's folder>/../guest-cache),
# shared by any number of build folders. The output is reproducible: the
# same inputs give the same bytes (fixed mtimes, sorted cpio, gzip -n).
set -eu

SCRIPTS=$(cd "$(dirname "$0")" && pwd)
. "$SCRIPTS/guest-kernel.conf"
ABI=$GUEST_KERNEL_ABI
PKGVER=$GUEST_KERNEL_PKGVER
EPOCH=${SOURCE_DATE_EPOCH:-0}
export LC_ALL=C

# Modules of the guest initramfs: the virtio devices, the ACPI power button
# and evdev (which acpid reads it through); their dependencies are added
# from .modinfo.
GUEST_MODULES="virtio_pci virtio_mmio virtio_blk virtio_net virtio-rng virtio_console button evdev"
# Those /init loads (with insmod, in this order after their dependencies,
# listed in /etc/virtio-modules) when the DSDT has virtio-mmio devices.
GUEST_LOAD_MODULES="virtio_mmio virtio_blk virtio_net virtio-rng"
# Those /init loads at boot for the power button (/etc/acpi-modules).
GUEST_ACPI_MODULES="evdev button"
# Modules of the nested host, in load order (NOTES.md).
HOST_MODULES="irqbypass kvm ccp kvm-amd"

die() {
	echo "guest-assets: error: $*" >&2
	exit 1
}

# need <command> <Debian package>
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' is not installed: apt-get install $2 (or run scripts/deps.sh)"
}

usage() {
	sed -n '/^# usage:/,/^# The kernel/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# A work folder removed on exit.
TMP=
cleanup() { [ -z "$TMP" ] || rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mktmp() { [ -n "$TMP" ] || TMP=$(mktemp -d "${TMPDIR:-/tmp}/guest-assets.XXXXXX"); }

# fetch <flavour>: the .deb of linux-image-$ABI-<flavour> (unsigned, or the
# signed one if the archive has no unsigned package) into $GUEST_CACHE;
# sets DEB and KVER. Serialised by a lock: build folders share the cache.
fetch() {
	KVER=$ABI-$1
	need apt-get apt
	need dpkg-deb dpkg
	need flock util-linux
	mkdir -p "$GUEST_CACHE"
	[ -e "$GUEST_CACHE/.gitignore" ] || echo '*' >"$GUEST_CACHE/.gitignore"
	exec 9>"$GUEST_CACHE/.lock"
	flock 9
	for pkg in linux-image-$KVER-unsigned linux-image-$KVER; do
		DEB=$GUEST_CACHE/${pkg}_${PKGVER}_amd64.deb
		[ -s "$DEB" ] && break
	done
	if [ ! -s "$DEB" ]; then
		mktmp
		mkdir -p "$TMP/dl"
		download "$1" ||
			{ [ "$(id -u)" = 0 ] && echo "  APT     apt-get update (package lists may be stale)" >&2 &&
				apt-get update -qq >>"$TMP/dl.log" 2>&1 && download "$1"; } ||
			{
				sed 's/^/    | /' "$TMP/dl.log" >&2
				die "cannot download the guest kernel package (tried:$tried)." \
					"Fix: run 'apt-get update' (as root) and retry; if the archive no longer" \
					"has version $PKGVER, pick one from 'apt-cache policy linux-image-$1'" \
					"and set it in scripts/guest-kernel.conf; or put the .deb into $GUEST_CACHE"
			}
	fi
	flock -u 9
}

# download <flavour>: apt-get download the unsigned package, else the
# signed one, into $GUEST_CACHE; sets DEB and $tried (what it asked for)
download() {
	local pkg f
	tried=
	for pkg in linux-image-$KVER-unsigned linux-image-$KVER; do
		echo "  FETCH   $pkg=$PKGVER (apt-get download, into $GUEST_CACHE)" >&2
		tried="$tried $pkg=$PKGVER"
		if (cd "$TMP/dl" && apt-get download -q=2 "$pkg=$PKGVER") >>"$TMP/dl.log" 2>&1; then
			for f in "$TMP/dl/${pkg}"_*.deb; do
				DEB=$GUEST_CACHE/${pkg}_${PKGVER}_amd64.deb
				mv "$f" "$DEB.tmp"
				mv "$DEB.tmp" "$DEB"
				return 0
			done
		fi
	done
	return 1
}

# modpattern <module name>: tar wildcard matching its file (- and _ mix)
modpattern() {
	echo "./lib/modules/$KVER/*/$(echo "$1" | sed 's/[-_]/[-_]/g').ko"
}

# Module lookups stay inside this shell: a fork costs milliseconds here,
# and a guest build asks thousands of them. MODS maps a module name ('-'
# as '_') to its file below the root extract last filled; DEPS caches
# what a file's .modinfo depends on. Results come back in REPLY.
declare -A MODS=() DEPS=()

# modindex <root>: MODS from the .ko files below <root>
modindex() {
	local f n
	MODS=()
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%.ko}
		n=${n//-/_}
		[ -n "${MODS[$n]:-}" ] || MODS[$n]=$f
	done < <(find "$1/lib/modules/$KVER" -name '*.ko' 2>/dev/null | sort)
}

# modfile <module name>: REPLY = its file below the indexed root, or ""
modfile() {
	local n=${1//-/_}
	REPLY=${MODS[$n]:-}
}

# moddeps <file>: REPLY = the module names it depends on (its .modinfo)
moddeps() {
	if [ -z "${DEPS[$1]+set}" ]; then
		objcopy -O binary -j .modinfo "$1" "$TMP/modinfo" ||
			die "cannot read .modinfo of $1 (objcopy: apt-get install binutils)"
		DEPS[$1]=$(tr '\0' '\n' <"$TMP/modinfo" | sed -n 's/^depends=//p' | tr ',' ' ')
	fi
	REPLY=${DEPS[$1]}
}

# extract <root> <module...>: the kernel image, config and the modules with
# everything they depend on from $DEB into <root>; writes <root>/order
# (module files in load order, dependencies first) and modules.dep.
extract() {
	root=$1
	shift
	need objcopy binutils
	mktmp
	rm -rf "$root"
	mkdir -p "$root"
	dpkg-deb --fsys-tarfile "$DEB" >"$TMP/pkg.tar" ||
		die "$DEB is not a valid .deb: delete it and retry (it is downloaded again)"
	tar -x -f "$TMP/pkg.tar" -C "$root" --wildcards "./boot/vmlinuz-$KVER" \
		"./boot/config-$KVER" ||
		die "$DEB has no ./boot/vmlinuz-$KVER: is scripts/guest-kernel.conf right?"
	modindex "$root"
	want=$*
	while :; do
		missing=
		for m in $want; do
			modfile "$m"
			[ -n "$REPLY" ] || missing="$missing $m"
		done
		if [ -n "$missing" ]; then
			pats=
			for m in $missing; do
				pats="$pats $(modpattern "$m")"
			done
			# shellcheck disable=SC2086
			tar -x -f "$TMP/pkg.tar" -C "$root" --wildcards $pats 2>/dev/null || true
			modindex "$root"
			for m in $missing; do
				modfile "$m"
				[ -n "$REPLY" ] ||
					die "module $m is not in $(basename "$DEB") (built in, or misspelt?)"
			done
		fi
		new=
		for m in $want; do
			modfile "$m"
			moddeps "$REPLY"
			for d in $REPLY; do
				case " $want $new " in
				*" $d "*) ;;
				*) new="$new $d" ;;
				esac
			done
		done
		[ -n "$new" ] || break
		want="$want$new"
	done
	# load order: depth first, dependencies before their users
	ORDER=()
	for m in "$@"; do
		visit "$m"
	done
	printf '%s\n' "${ORDER[@]#"$root/"}" >"$root/order"
	local mods=("${ORDER[@]}") f dep
	: >"$root/lib/modules/$KVER/modules.dep"
	for f in "${mods[@]}"; do
		CLOSURE=()
		closure "$f"
		# modprobe loads a line's dependencies from the last to the first
		dep="${f#"$root/lib/modules/$KVER/"}:"
		for ((i = ${#CLOSURE[@]} - 1; i >= 0; i--)); do
			[ "${CLOSURE[i]}" = "$f" ] || dep="$dep ${CLOSURE[i]#"$root/lib/modules/$KVER/"}"
		done
		echo "$dep" >>"$root/lib/modules/$KVER/modules.dep"
	done
}

# member <word> <list...>: whether the word is one of the list
member() {
	local w=$1 x
	shift
	for x; do
		[ "$x" = "$w" ] && return 0
	done
	return 1
}

# visit <module>: append its file to ORDER after its deps
visit() {
	local f d
	modfile "$1"
	f=$REPLY
	member "$f" ${ORDER[@]+"${ORDER[@]}"} && return 0
	moddeps "$f"
	for d in $REPLY; do
		visit "$d"
	done
	ORDER+=("$f")
}

# closure <file>: append the file and all it depends on to CLOSURE, in
# load order
closure() {
	local d
	member "$1" ${CLOSURE[@]+"${CLOSURE[@]}"} && return 0
	moddeps "$1"
	for d in $REPLY; do
		modfile "$d"
		closure "$REPLY"
	done
	CLOSURE+=("$1")
}

# pack <staging dir> <out>: cpio newc, sorted, owner 0, fixed mtimes;
# gzip -n when <out> ends in .gz
pack() {
	need cpio cpio
	find "$1" -exec touch -h -d "@$EPOCH" {} +
	(cd "$1" && find . -mindepth 1 -print0 | sort -z |
		cpio --null -o -H newc --reproducible -R 0:0 --quiet) >"$2.cpio" ||
		die "cpio failed writing $2"
	case $2 in
	*.gz)
		need gzip gzip
		gzip -n -9 -c "$2.cpio" >"$2.tmp"
		rm -f "$2.cpio"
		;;
	*) mv "$2.cpio" "$2.tmp" ;;
	esac
	mv "$2.tmp" "$2"
}

# busybox_root <staging dir>: static busybox with every applet as a link
busybox_root() {
	bb=/bin/busybox
	need busybox busybox-static
	[ -x "$bb" ] || die "$bb is missing: apt-get install busybox-static"
	if readelf -l "$bb" 2>/dev/null | grep -q INTERP; then
		die "$bb is dynamically linked (package busybox): apt-get install busybox-static"
	fi
	mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin" "$1/dev" "$1/proc" \
		"$1/sys" "$1/tmp" "$1/run" "$1/root" "$1/etc"
	cp "$bb" "$1/bin/busybox"
	chmod 0755 "$1/bin/busybox"
	local links=() a
	for a in $("$bb" --list-full); do
		case $a in
		bin/busybox | linuxrc) ;;
		*) links+=("$1/$a") ;;
		esac
	done
	# one process for the few hundred links, not one ln each
	need python3 python3
	/usr/bin/python3 -c 'import os, sys
for link in sys.argv[1:]:
    os.symlink("/bin/busybox", link)' "${links[@]}"
}

# outdir <file>: make its folder, mark generated folders as such for git
outdir() {
	mkdir -p "$(dirname "$1")"
	[ -e "$(dirname "$1")/.gitignore" ] || echo '*' >"$(dirname "$1")/.gitignore"
}

[ $# -ge 2 ] || usage
cmd=$1
out=$2
shift 2
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
: "${GUEST_CACHE:=$(dirname "$(dirname "$out")")/guest-cache}"
case $GUEST_CACHE in /*) ;; *) GUEST_CACHE=$(pwd)/$GUEST_CACHE ;; esac

case $cmd in
kernel)
	fetch cloud-amd64
	mktmp
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$TMP" "./boot/vmlinuz-$KVER" ||
		die "$DEB has no ./boot/vmlinuz-$KVER: delete it and retry"
	outdir "$out"
	cp "$TMP/boot/vmlinuz-$KVER" "$out.tmp"
	mv "$out.tmp" "$out"
	;;
initramfs)
	fetch cloud-amd64
	mktmp
	extract "$TMP/pkg" $GUEST_MODULES
	st=$TMP/root
	busybox_root "$st"
	cp "$SCRIPTS/guest-init" "$st/init"
	chmod 0755 "$st/init"
	mkdir -p "$st/lib/modules/$KVER"
	while read -r f; do
		mkdir -p "$st/$(dirname "$f")"
		cp "$TMP/pkg/$f" "$st/$f"
		chmod 0644 "$st/$f"
	done <"$TMP/pkg/order"
	cp "$TMP/pkg/lib/modules/$KVER/modules.dep" "$st/lib/modules/$KVER/"
	ORDER=()
	for m in $GUEST_LOAD_MODULES; do
		visit "$m"
	done
	printf '%s\n' "${ORDER[@]#"$TMP/pkg"}" >"$st/etc/virtio-modules"
	ORDER=()
	for m in $GUEST_ACPI_MODULES; do
		visit "$m"
	done
	printf '%s\n' "${ORDER[@]#"$TMP/pkg"}" >"$st/etc/acpi-modules"
	outdir "$out"
	pack "$st" "$out"
	;;
host)
	[ -n "$(echo "$*" | tr -d 'a-zA-Z0-9_ -')" ] && die "bad module name in '$*'"
	fetch amd64
	mktmp
	extract "$TMP/pkg" $HOST_MODULES "$@"
	need python3 python3
	mkdir -p "$out"
	/usr/bin/python3 "$SCRIPTS/extract-vmlinux.py" "$TMP/pkg/boot/vmlinuz-$KVER" \
		"$out/vmlinux"
	rm -rf "$out/root"
	mkdir -p "$out/root/lib/modules/$KVER"
	while read -r f; do
		mkdir -p "$out/root/$(dirname "$f")"
		cp "$TMP/pkg/$f" "$out/root/$f"
	done <"$TMP/pkg/order"
	cp "$TMP/pkg/lib/modules/$KVER/modules.dep" "$out/root/lib/modules/$KVER/"
	sed 's|^|/|' "$TMP/pkg/order" >"$out/load"
	echo "$KVER $PKGVER" >"$out/version"
	;;
*)
	usage
	;;
esac
