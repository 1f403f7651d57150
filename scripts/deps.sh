#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages Keel needs, when they are missing.
# Idempotent; runs "apt-get update" at most once, and only if something
# is missing. Used by "make check" and "make demo".
set -eu

# package:command-or-file that proves it is installed
NEEDS="
musl-tools:/usr/bin/musl-gcc
python3-kconfiglib:/usr/lib/python3/dist-packages/kconfiglib.py
libseccomp-dev:/usr/include/seccomp.h
make:/usr/bin/make
gcc:/usr/bin/gcc
binutils:/usr/bin/readelf
tmux:/usr/bin/tmux
clang-format:/usr/bin/clang-format
git:/usr/bin/git
acpica-tools:/usr/bin/iasl
linux-libc-dev:/usr/include/linux/kvm.h
qemu-system-x86:/usr/bin/qemu-system-x86_64
busybox-static:/bin/busybox
cpio:/usr/bin/cpio
util-linux:/usr/bin/flock
gzip:/usr/bin/gzip
clang-14:/usr/bin/clang-14
clang:/usr/bin/clang
libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
gnuplot-nox:/usr/bin/gnuplot
bochs:/usr/bin/bochs
bochsbios:/usr/share/bochs/BIOS-bochs-latest
vgabios:/usr/share/vgabios/vgabios.bin
isolinux:/usr/lib/ISOLINUX/isolinux.bin
syslinux-common:/usr/lib/syslinux/modules/bios/ldlinux.c32
xorriso:/usr/bin/xorriso
lintian:/usr/bin/lintian
python3-jsonschema:/usr/lib/python3/dist-packages/jsonschema/__init__.py
reprepro:/usr/bin/reprepro
systemd:/usr/bin/systemd-analyze
xz-utils:/usr/bin/xz
strace:/usr/bin/strace
"

missing=""
for pair in $NEEDS; do
	pkg=${pair%%:*}
	file=${pair#*:}
	[ -e "$file" ] || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "deps: installing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps: error: not root and no sudo; as root run:" >&2
		echo "  apt-get update && apt-get install -y$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
