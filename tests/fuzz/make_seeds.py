#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the hand-made seeds of tests/fuzz/corpus/ (the committed files
are its output; crash regressions found later are added beside them).

usage: make_seeds.py [corpus-folder]   (default: tests/fuzz/corpus)
Input layouts: see the comment at the top of each fuzz_<name>.c.
"""
import os
import struct
import sys


def bzimage(setup_sects=1, pm=256, version=0x020F, xlf=1, pref=0x100000,
            init_size=0x10000, initrd_max=0x7FFFFFFF, cmdline_size=2047,
            syssize=None, jump=0x66):
    """A bzImage stub: setup header fields at their boot.rst offsets."""
    setup = ((setup_sects or 4) + 1) * 512
    k = bytearray(setup + pm)
    struct.pack_into("<B", k, 0x1F1, setup_sects)
    struct.pack_into("<I", k, 0x1F4, pm // 16 if syssize is None else syssize)
    struct.pack_into("<H", k, 0x1FE, 0xAA55)
    struct.pack_into("<BB", k, 0x200, 0xEB, jump)
    k[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", k, 0x206, version)
    struct.pack_into("<B", k, 0x211, 1)  # LOADED_HIGH
    struct.pack_into("<I", k, 0x22C, initrd_max)
    struct.pack_into("<H", k, 0x236, xlf)
    struct.pack_into("<I", k, 0x238, cmdline_size)
    struct.pack_into("<Q", k, 0x258, pref)
    struct.pack_into("<I", k, 0x260, init_size)
    for i in range(pm):
        k[setup + i] = (i * 7) & 0xFF
    return bytes(k)


def boot(flags, cmdline_len, initrd, kernel):
    return struct.pack("<BBH", flags, cmdline_len, initrd) + kernel


def pio_op(port_idx, width=1, data=None):
    w = {1: 0, 2: 1, 4: 2, 8: 3}[width]
    op = port_idx | w << 5
    if data is None:
        return bytes([op])
    return bytes([op | 0x80]) + data.to_bytes(width, "little")


# ports[] of fuzz_pio.c
COM = 0  # 0..7: 0x3f8..0x3ff
KBD_DATA, KBD_CMD, RTC_IDX, RTC_DATA, SLP_CTL, SLP_STS, RESET, POST = range(8, 16)


def host_input(data):
    return bytes([31, len(data)]) + data


# virtqueue: rings at DESC/AVAIL/USED, buffers from BUF (fuzz_virtqueue.c)
DESC, AVAIL, USED, BUF = 0x100, 0x200, 0x300, 0x400
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4


def vq_ram(descs, heads, avail_idx=None, extra=(), size=0x800):
    """Guest RAM: descriptors (addr, len, flags, next) at DESC, the avail ring."""
    ram = bytearray(size)
    for i, d in enumerate(descs):
        struct.pack_into("<QIHH", ram, DESC + 16 * i, *d)
    n = len(heads) if avail_idx is None else avail_idx
    struct.pack_into("<HH", ram, AVAIL, 0, n)
    for i, h in enumerate(heads):
        struct.pack_into("<H", ram, AVAIL + 4 + 2 * i, h)
    for addr, data in extra:
        ram[addr:addr + len(data)] = data
    return bytes(ram)


def vq(ops, ram, log2num=3, event_idx=False, indirect=False):
    flags = (1 if event_idx else 0) | (2 if indirect else 0)
    return struct.pack("<BHQQQB", flags, log2num, DESC, AVAIL, USED, len(ops)) + \
        bytes(ops) + ram


POP, SET_AVAIL, ENABLE, NEED, RESET = 0, 3, 4, 5, 6


SEEDS = {
    "boot": {
        "valid": boot(0, 20, 0x1000, bzimage()),
        "valid_high_ram": boot(2, 200, 0x100, bzimage(setup_sects=4, pm=1024)),
        "initrd_too_big": boot(1, 20, 0xFF00, bzimage()),
        "initrd_addr_max_low": boot(0, 20, 0x2000, bzimage(initrd_max=0x110000)),
        "protocol_2_06": boot(0, 20, 0, bzimage(version=0x0206, xlf=0)),
        "no_kernel_64": boot(0, 20, 0, bzimage(xlf=0)),
        "truncated": boot(0, 20, 0, bzimage(syssize=0x1000)),
        "setup_sects_0": boot(0, 20, 0, bzimage(setup_sects=0, pm=64)),
        "cmdline_too_long": boot(0, 255, 0, bzimage(cmdline_size=100)),
        "init_size_huge": boot(0, 20, 0, bzimage(init_size=0xFFFFFFFF)),
        "pref_address_top": boot(0, 20, 0, bzimage(pref=0xFFFFFFFFFFFFF000)),
        "short_jump": boot(0, 20, 0, bzimage(jump=0)),
        "not_bzimage": boot(0, 20, 0, bytes(1024)),
    },
    "virtqueue": {
        "out_in": vq([POP | 4 << 3, POP, NEED, ENABLE, POP],
                     vq_ram([(BUF, 16, F_NEXT, 1), (BUF + 0x100, 64, F_WRITE, 0)], [0])),
        "indirect": vq([POP | 1 << 3, NEED, POP],
                       vq_ram([(0x600, 32, F_INDIRECT, 0)], [0], extra=[
                           (0x600, struct.pack("<QIHHQIHH", BUF, 16, F_NEXT, 1,
                                               BUF + 0x100, 64, F_WRITE, 0))]),
                       indirect=True),
        "event_idx": vq([POP, POP, NEED, ENABLE, SET_AVAIL | 3 << 3, POP, NEED, RESET, POP],
                        vq_ram([(BUF, 8, 0, 0), (BUF + 8, 8, F_WRITE, 0),
                                (BUF + 16, 4, F_NEXT, 3), (BUF + 32, 4, F_WRITE, 0)],
                               [0, 1, 2]), event_idx=True),
        "loop": vq([POP, POP], vq_ram([(BUF, 8, F_NEXT, 1), (BUF, 8, F_NEXT, 0)], [0])),
        "high_ram": vq([POP], vq_ram([(0x100000000, 64, F_WRITE, 0)], [0])),
        "wrap": vq([POP] * 6, vq_ram([(BUF, 8, 0, 0)], [0, 0, 0], avail_idx=0xFFFF),
                   log2num=1),
    },
    "pio": {
        # Linux's 8250 probe and setup: DLAB, divisor, 8n1, FIFO, OUT2, IER.
        "uart_setup": b"".join([
            pio_op(COM + 3, 1, 0x80), pio_op(COM + 0, 1, 1), pio_op(COM + 1, 1, 0),
            pio_op(COM + 3, 1, 0x03), pio_op(COM + 2, 1, 0xC7), pio_op(COM + 4, 1, 0x0B),
            pio_op(COM + 1, 1, 0x0F), pio_op(COM + 2), pio_op(COM + 5), pio_op(COM + 6),
            pio_op(COM + 0, 1, 0x41), pio_op(COM + 2), pio_op(COM + 7, 1, 0x5A),
            pio_op(COM + 7)]),
        "uart_rx": b"".join([
            pio_op(COM + 2, 1, 0x07), pio_op(COM + 1, 1, 0x01), pio_op(COM + 4, 1, 0x08),
            host_input(b"hello, world\n" * 2), pio_op(COM + 2), pio_op(COM + 5),
            pio_op(COM + 0), pio_op(COM + 0), pio_op(COM + 0, 4), pio_op(COM + 5, 8)]),
        "uart_loopback": b"".join([
            pio_op(COM + 4, 1, 0x1F), pio_op(COM + 6), pio_op(COM + 0, 1, 0x55),
            pio_op(COM + 5), pio_op(COM + 0), host_input(b"x"), pio_op(COM + 4, 1, 0x03),
            pio_op(COM + 6)]),
        "kbd_reset": b"".join([
            pio_op(KBD_CMD), pio_op(KBD_CMD, 1, 0x60), pio_op(KBD_DATA, 1, 0x00),
            pio_op(KBD_CMD, 1, 0xD1), pio_op(KBD_DATA, 1, 0xDF), pio_op(KBD_DATA),
            pio_op(KBD_CMD, 1, 0xFE), pio_op(KBD_CMD, 4, 0xFEFEFEFE)]),
        "rtc_read_time": b"".join(
            [pio_op(RTC_IDX, 1, 0x0A), pio_op(RTC_DATA), pio_op(RTC_IDX, 1, 0x0B),
             pio_op(RTC_DATA), pio_op(RTC_DATA, 1, 0x86)]
            + [pio_op(RTC_IDX, 1, r) + pio_op(RTC_DATA) for r in (0, 2, 4, 6, 7, 8, 9, 0x32)]
            + [pio_op(RTC_IDX, 1, 0x0B), pio_op(RTC_DATA, 1, 0x02),
               pio_op(RTC_IDX, 1, 0x8E), pio_op(RTC_DATA, 1, 0x12), pio_op(RTC_DATA, 2)]),
        "acpi_poweroff": b"".join([
            pio_op(SLP_STS), pio_op(SLP_STS, 1, 0x80), pio_op(SLP_CTL),
            pio_op(SLP_CTL, 1, 5 << 2 | 0x20), pio_op(SLP_CTL, 2, 0x3434),
            pio_op(RESET), pio_op(RESET, 1, 0x02), pio_op(RESET, 1, 0x06),
            pio_op(POST, 1, 0x80), pio_op(16), pio_op(17, 8, 0x1122334455667788)]),
    },
}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    for target, seeds in SEEDS.items():
        os.makedirs(os.path.join(root, target), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(root, target, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
