#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bench 5, image size: the static keel image (tiny_defconfig) without an
# embedded guest and with the default embedded Debian guest (kernel +
# initramfs), next to qemu-system-x86_64 plus the shared libraries it
# loads (ldd, each file counted once; not its firmware files, e.g. the
# microvm BIOS). Sizes do not vary: n=1.
set -u
. "$SRC/tests/bench/lib.sh"

# Without GUEST_EMBED the image opens its guest at run time from an
# absolute path; the files need not exist to build it.
build_keel size-noguest "# CONFIG_GUEST_EMBED is not set" \
	'CONFIG_GUEST_KERNEL="/var/lib/keel/vmlinuz"' \
	'CONFIG_GUEST_INITRD="/var/lib/keel/initramfs.cpio.gz"' || exit 1
kib() { echo $(($(stat -L -c %s "$1") / 1024)); }
k_bare=$(kib "$BENCH_DIR/build/size-noguest/keel")
k_guest=-
# The default guest: fetched Debian kernel and busybox initramfs (GUEST_CACHE).
if build_keel size-guest; then
	k_guest=$(kib "$BENCH_DIR/build/size-guest/keel")
else
	echo "bench: WARNING: no image with the embedded Debian guest (see the log above):" \
		"its size row says '-'" >&2
fi

q=- peer=-
if have_qemu; then
	bin=$(readlink -f "$(command -v "$QEMU")")
	files=$( (echo "$bin"; ldd "$bin" | grep -o '/[^ ]*') | xargs -n1 readlink -f | sort -u)
	q=$(($(echo "$files" | xargs stat -c %s | awk '{ s += $1 } END { print s }') / 1024))
	peer="qemu+$(($(echo "$files" | wc -l) - 1))libs"
fi
$STATS row "$BENCH_CSV" "image: keel without guest" KiB "$k_bare" "$peer" "$q" - 1
$STATS row "$BENCH_CSV" "image: keel + Debian guest" KiB "$k_guest" "$peer" "$q" - 1
