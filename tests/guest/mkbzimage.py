#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Assemble probe.bzImage: real-mode setup sectors + protected-mode image.

Usage: mkbzimage.py <setup.bin> <probe.bin> <out>

setup.bin holds the boot sector and the setup_header at 0x1f1 (setup.S);
probe.bin is the flat protected-mode image linked at LOAD_ADDR (head.S,
probe.lds), with an image info block at IMAGE_INFO_OFFSET. This fills the
computed header fields (setup_sects, syssize, init_size,
kernel_info_offset), checks every fixed field against boot.rst protocol
2.15, and writes the image. The output depends only on the inputs.
"""
import struct
import sys

LOAD_ADDR = 0x100000
IMAGE_INFO_OFFSET = 0x1F0
IMAGE_INFO_MAGIC = 0x4252504B  # "KPRB"
HDR_END = 0x26C
SECTOR = 512
PAGE = 4096

# Fixed header fields: (offset, struct format, value, name)
FIXED = [
    (0x1FE, "<H", 0xAA55, "boot_flag"),
    (0x202, "<I", 0x53726448, "header (HdrS)"),
    (0x206, "<H", 0x020F, "version"),
    (0x211, "<B", 0x01, "loadflags (LOADED_HIGH)"),
    (0x214, "<I", LOAD_ADDR, "code32_start"),
    (0x218, "<I", 0, "ramdisk_image"),
    (0x21C, "<I", 0, "ramdisk_size"),
    (0x228, "<I", 0, "cmd_line_ptr"),
    (0x22C, "<I", 0x7FFFFFFF, "initrd_addr_max"),
    (0x230, "<I", 0x200000, "kernel_alignment"),
    (0x234, "<B", 0, "relocatable_kernel"),
    (0x235, "<B", 12, "min_alignment"),
    (0x236, "<H", 0x0001, "xloadflags (XLF_KERNEL_64)"),
    (0x238, "<I", 2047, "cmdline_size"),
    (0x248, "<I", 0, "payload_offset"),
    (0x24C, "<I", 0, "payload_length"),
    (0x250, "<Q", 0, "setup_data"),
    (0x258, "<Q", LOAD_ADDR, "pref_address"),
    (0x264, "<I", 0, "handover_offset"),
]


def fail(msg):
    sys.stderr.write(f"mkbzimage: {msg}\n")
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        fail("usage: mkbzimage.py <setup.bin> <probe.bin> <out>")
    with open(sys.argv[1], "rb") as f:
        setup = bytearray(f.read())
    with open(sys.argv[2], "rb") as f:
        image = bytearray(f.read())

    if len(setup) < HDR_END:
        fail(f"setup is {len(setup)} bytes, shorter than the header")
    for off, fmt, want, name in FIXED:
        (got,) = struct.unpack_from(fmt, setup, off)
        if got != want:
            fail(f"{name} at 0x{off:03x} is 0x{got:x}, expected 0x{want:x}")
    if setup[0x200] != 0xEB or 0x202 + setup[0x201] != HDR_END:
        fail("the jump at 0x200 must be a short jump to the end of the header")

    # Setup: the boot sector plus at least one setup sector, whole sectors.
    setup += bytes(-len(setup) % SECTOR)
    if len(setup) < 2 * SECTOR:
        setup += bytes(2 * SECTOR - len(setup))
    setup_sects = len(setup) // SECTOR - 1
    if setup_sects > 0xFF:
        fail("setup too large")

    if len(image) < IMAGE_INFO_OFFSET + 16:
        fail("protected-mode image too short")
    magic, end, kernel_info, load = struct.unpack_from("<IIII", image, IMAGE_INFO_OFFSET)
    if magic != IMAGE_INFO_MAGIC or load != LOAD_ADDR:
        fail("no image info block at LOAD_ADDR + 0x1f0 (head.S)")
    if not (LOAD_ADDR + len(image) <= end and LOAD_ADDR <= kernel_info < LOAD_ADDR + len(image)):
        fail("image info block inconsistent with the image")
    if image[kernel_info - LOAD_ADDR:kernel_info - LOAD_ADDR + 4] != b"LToP":
        fail("kernel_info does not start with LToP")

    image += bytes(-len(image) % 16)
    syssize = len(image) // 16
    init_size = (end - LOAD_ADDR + PAGE - 1) // PAGE * PAGE

    struct.pack_into("<B", setup, 0x1F1, setup_sects)
    struct.pack_into("<I", setup, 0x1F4, syssize)
    struct.pack_into("<I", setup, 0x260, init_size)
    struct.pack_into("<I", setup, 0x268, kernel_info - LOAD_ADDR)

    with open(sys.argv[3], "wb") as f:
        f.write(setup + image)


if __name__ == "__main__":
    main()
