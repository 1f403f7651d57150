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


# virtio devices behind virtio-mmio (fuzz_virtio.h): register operations
MMIO = dict(features=0x010, features_sel=0x014, driver_features=0x020,
            driver_features_sel=0x024, queue_sel=0x030, queue_num=0x038,
            queue_ready=0x044, queue_notify=0x050, isr=0x060, isr_ack=0x064,
            status=0x070, desc_lo=0x080, desc_hi=0x084, driver_lo=0x090,
            driver_hi=0x094, device_lo=0x0A0, device_hi=0x0A4, generation=0x0FC)


def wr(reg, val):
    return bytes([0, MMIO[reg] // 4]) + struct.pack("<I", val)


def rd(reg):
    return bytes([1, MMIO[reg] // 4])


def cfg(off, width, val=None):
    w = {1: 0, 2: 1, 4: 2, 8: 3}[width]
    if val is None:
        return bytes([2 | w << 2]) + struct.pack("<H", 0x100 + off)
    return bytes([2 | w << 2 | 0x10]) + struct.pack("<H", 0x100 + off) + \
        val.to_bytes(width, "little")


def host(kind, arg=b"", q=0):
    return bytes([3 | kind << 2 | q << 4]) + arg


def driver_ok(features_lo, queues, num=8):
    """Linux's virtio_mmio probe and virtio_dev_probe, one ring set per queue."""
    ops = [wr("status", 0), wr("status", 1), wr("status", 3), rd("features"),
           wr("features_sel", 1), rd("features"),
           wr("driver_features_sel", 0), wr("driver_features", features_lo),
           wr("driver_features_sel", 1), wr("driver_features", 1),
           wr("status", 11), rd("status")]
    for q in range(queues):
        base = 0x1000 * q
        ops += [wr("queue_sel", q), wr("queue_num", num),
                wr("desc_lo", DESC + base), wr("desc_hi", 0),
                wr("driver_lo", AVAIL + base), wr("driver_hi", 0),
                wr("device_lo", USED + base), wr("device_hi", 0), wr("queue_ready", 1)]
    ops.append(wr("status", 15))
    return ops


def virtio(ops, ram):
    return bytes([len(ops)]) + b"".join(ops) + ram


def queue_ram(queues, size=0x3000):
    """queues: {q: (descs, heads)}; queue q's rings at DESC/AVAIL/USED + q * 0x1000."""
    ram = bytearray(size)
    for q, (descs, heads, extra) in queues.items():
        base = 0x1000 * q
        for i, d in enumerate(descs):
            struct.pack_into("<QIHH", ram, base + DESC + 16 * i, *d)
        struct.pack_into("<HH", ram, base + AVAIL, 0, len(heads))
        for i, h in enumerate(heads):
            struct.pack_into("<H", ram, base + AVAIL + 4 + 2 * i, h)
        for addr, data in extra:
            ram[addr:addr + len(data)] = data
    return bytes(ram)


def blk_req(i, type_, sector, data_len, data_write, hdr_at, data_at, status_at):
    """Three descriptors from index i: header, data, status (a Linux request)."""
    descs = [(hdr_at, 16, F_NEXT, i + 1)]
    if data_len:
        descs.append((data_at, data_len, F_NEXT | (F_WRITE if data_write else 0), i + 2))
    descs.append((status_at, 1, F_WRITE, 0))
    return descs, [(hdr_at, struct.pack("<IIQ", type_, 0, sector))]


def blk_seed():
    d, heads, extra = [], [], []
    for type_, sector, n, to_guest in ((1, 0, 512, False), (0, 0, 512, True), (4, 0, 0, False),
                                       (8, 0, 20, True), (0, 127, 512, True)):
        i = len(d)
        heads.append(i)
        descs, ex = blk_req(i, type_, sector, n, to_guest, 0x2000 + 16 * len(heads),
                            0x2400 + 0x200 * len(heads), 0x2100 + len(heads))
        d += descs
        extra += ex
    return d, heads, extra


# the vCPU exit dispatch (fuzz_exit.c): le16 RAM length, guest RAM, then exits.
# Port indexes as in pio above (ports[] of fuzz_exit.c), 16/17: PCI address/data.
def x_io(port_idx, size=1, count=1, out=False, data=b"", offset=None):
    b = (8 if out else 0) | (16 if offset is not None else 0)
    s = bytes([b, port_idx, size]) + struct.pack("<H", count)
    if offset is not None:
        s += struct.pack("<H", offset)
    return s + data


def x_mmio(reg, val=None, length=4):
    """An MMIO exit in the virtio window: a register of MMIO[] or a config offset."""
    off = MMIO[reg] if isinstance(reg, str) else reg
    if val is None:
        return bytes([1 | 8]) + struct.pack("<H", off) + bytes([length])
    return bytes([1 | 8 | 16]) + struct.pack("<H", off) + bytes([length]) + \
        struct.pack("<Q", val)


def x_exit(reason, event=0):
    return bytes([2, reason, event])


X_KICKS = bytes([3])


def x_input(data):
    return bytes([4, len(data)]) + data


def x_seed(ram, ops):
    return struct.pack("<H", len(ram)) + ram + b"".join(ops)


def x_driver_ok(features_lo, num=8):
    """driver_ok() above as MMIO exits of a vCPU."""
    ops = [x_mmio("status", 0), x_mmio("status", 1), x_mmio("status", 3),
           x_mmio("features"), x_mmio("features_sel", 1), x_mmio("features"),
           x_mmio("driver_features_sel", 0), x_mmio("driver_features", features_lo),
           x_mmio("driver_features_sel", 1), x_mmio("driver_features", 1),
           x_mmio("status", 11), x_mmio("status")]
    ops += [x_mmio("queue_sel", 0), x_mmio("queue_num", num), x_mmio("desc_lo", DESC),
            x_mmio("desc_hi", 0), x_mmio("driver_lo", AVAIL), x_mmio("driver_hi", 0),
            x_mmio("device_lo", USED), x_mmio("device_hi", 0), x_mmio("queue_ready", 1)]
    return ops + [x_mmio("status", 15)]


NET_HDR = 12


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
    "virtio_rng": {
        "read_entropy": virtio(driver_ok(0, 1) + [wr("queue_notify", 0), rd("isr"),
                                                   wr("isr_ack", 1), cfg(0, 4)],
                               queue_ram({0: ([(0x2000, 64, F_WRITE, 0),
                                               (0x2100, 16, F_WRITE, 0)], [0, 1], [])})),
        "indirect_event_idx": virtio(
            driver_ok(1 << 28 | 1 << 29, 1) + [wr("queue_notify", 0), host(1, q=0)],
            queue_ram({0: ([(0x2000, 32, F_INDIRECT, 0)], [0], [
                (0x2000, struct.pack("<QIHHQIHH", 0x2100, 16, F_NEXT | F_WRITE, 1,
                                     0x2200, 16, F_WRITE, 0))])})),
        "bad_accesses": virtio(driver_ok(0, 1, num=3) + [
            cfg(0, 8), cfg(0xE00, 4, 1), wr("queue_sel", 7), rd("queue_num"),
            wr("driver_features", 0xFFFFFFFF), wr("status", 15), rd("generation"),
            bytes([2 | 1 << 2]) + struct.pack("<H", 0x71), wr("status", 0)],
            queue_ram({})),
    },
    "virtio_blk": {
        "read_write_flush_id": virtio(
            driver_ok(1 << 9, 1, num=16) + [cfg(0, 8), cfg(0x14, 4), wr("queue_notify", 0),
                                            rd("isr")],
            queue_ram({0: blk_seed()})),
        "indirect": virtio(
            driver_ok(1 << 28, 1) + [wr("queue_notify", 0)],
            queue_ram({0: ([(0x2000, 48, F_INDIRECT, 0)], [0], [
                (0x2000, struct.pack("<QIHHQIHHQIHH", 0x2100, 16, F_NEXT, 1,
                                     0x2200, 1024, F_NEXT | F_WRITE, 2, 0x2800, 1, F_WRITE, 0)),
                (0x2100, struct.pack("<IIQ", 0, 0, 126))])})),
        "discard_zeroes": virtio(
            driver_ok(1 << 13 | 1 << 14, 1) + [wr("queue_notify", 0)],
            queue_ram({0: ([(0x2000, 16, F_NEXT, 1), (0x2100, 16, F_NEXT, 2),
                            (0x2200, 1, F_WRITE, 0), (0x2300, 16, F_NEXT, 4),
                            (0x2400, 16, F_NEXT, 5), (0x2500, 1, F_WRITE, 0)], [0, 3], [
                (0x2000, struct.pack("<IIQ", 11, 0, 0)),
                (0x2100, struct.pack("<QII", 8, 16, 0)),
                (0x2300, struct.pack("<IIQ", 13, 0, 0)),
                (0x2400, struct.pack("<QII", 100, 40, 1))])})),
    },
    "virtio_net": {
        # byte 0: device 0 (vnet_hdr) or 1 (plain frames)
        "tx_rx_vnet_hdr": b"\0" + virtio(
            driver_ok(1 << 5 | 1 << 16 | 1 << 0 | 1 << 1, 2) + [
                wr("queue_notify", 1), host(2, bytes([NET_HDR + 60]) + bytes(NET_HDR) +
                                            b"\xff" * 6 + b"\x52\x54\0\0\0\1" +
                                            b"\x08\x00" + bytes(46)),
                rd("isr"), cfg(0, 4), cfg(6, 2)],
            queue_ram({0: ([(0x2000, 1526, F_WRITE, 0), (0x2800, 1526, F_WRITE, 0)],
                           [0, 1], []),
                       1: ([(0x1800, NET_HDR, F_NEXT, 1), (0x1900, 60, 0, 0)], [0],
                           [(0x1900, b"\xff" * 6 + b"\x52\x54\0\x12\x34\x56" +
                             b"\x08\x06" + bytes(46))])})),
        "tx_rx_plain": b"\1" + virtio(
            driver_ok(1 << 5, 2) + [
                wr("queue_notify", 1), host(2, bytes([60]) + b"\xff" * 6 + bytes(54)),
                host(2, bytes([20]) + bytes(20)), rd("isr")],
            queue_ram({0: ([(0x2000, NET_HDR, F_NEXT | F_WRITE, 1),
                            (0x2100, 100, F_WRITE, 0)], [0], []),
                       1: ([(0x1800, NET_HDR + 60, 0, 0)], [0], [])})),
    },
    "exit": {
        # Linux's 8250 setup as single port exits, then rep outsb / rep insb.
        "uart_rep_outs_ins": x_seed(b"", [
            x_io(COM + 3, out=True, data=b"\x80"), x_io(COM + 0, out=True, data=b"\x01"),
            x_io(COM + 3, out=True, data=b"\x03"), x_io(COM + 2, out=True, data=b"\xc7"),
            x_io(COM + 4, out=True, data=b"\x0b"), x_io(COM + 1, out=True, data=b"\x01"),
            x_io(COM + 0, count=6, out=True, data=b"hello\n"), x_input(b"typed"),
            x_io(COM + 0, count=4), x_io(COM + 5, size=1, count=2), x_io(COM + 7, size=2),
            x_io(16, size=4, out=True, data=struct.pack("<I", 0x80000000)),
            x_io(17, size=4), x_io(KBD_CMD, out=True, data=b"\xfe")]),
        # virtio-blk brought up and served through MMIO exits (the requests of virtio_blk).
        "virtio_blk_mmio": x_seed(queue_ram({0: blk_seed()}), x_driver_ok(1 << 9, 16) + [
            x_mmio(0x100, length=8), x_mmio("queue_notify", 0), X_KICKS, x_mmio("isr"),
            x_mmio("isr_ack", 1), x_mmio(0x71, length=2), x_mmio(0)]),
        "other_exits": x_seed(b"", [x_exit(5), x_exit(10), x_exit(8), x_exit(17), x_exit(9),
                                    x_exit(24, 1), x_exit(24, 2), x_exit(24, 3),
                                    x_exit(200)]),
        # A port exit whose repeat count runs past kvm_run (found by this target).
        "regress_io_count_past_kvm_run": bytes([0, 0, 0x10, 6, 2, 0x42]),
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


# The device thread's loop (fuzz_loop.h): 7-byte operations, then guest RAM.
def lp(op):
    """An operation of fuzz_virtio.h's wr() or rd(), as fuzz_loop.h's."""
    return op + bytes(7 - len(op))


L_TURN, L_SETTLE = bytes([2]) + bytes(6), bytes([3]) + bytes(6)
L_STOP = bytes([6, 1]) + bytes(5)


def l_io_wr(reg, val):
    """A register write made while the device thread is in its backend."""
    return bytes([4, MMIO[reg] // 4]) + struct.pack("<I", val) + b"\0"


def l_kick(q):
    return bytes([6, 0, q]) + bytes(4)


def l_backend(*a):
    return bytes([7]) + bytes(a) + bytes(6 - len(a))


def loop(ops, ram):
    return bytes([len(ops)]) + b"".join(lp(o) for o in ops) + ram


def blk_flushes(n, desc=0x4000, avail=0x5000, used=0x6000):
    """Queue 0 of 128 at desc/avail/used, with n flush requests (header, status)."""
    ops = [o for o in driver_ok(1 << 9, 0) if o != wr("status", 15)] + [
        wr("queue_sel", 0), wr("queue_num", 128), wr("desc_lo", desc), wr("desc_hi", 0),
        wr("driver_lo", avail), wr("driver_hi", 0), wr("device_lo", used),
        wr("device_hi", 0), wr("queue_ready", 1), wr("status", 15)]
    ram = bytearray(0x7000)
    for k in range(n):
        struct.pack_into("<QIHHQIHH", ram, desc + 32 * k, 0x2000 + 16 * k, 16, F_NEXT,
                         2 * k + 1, 0x3000 + k, 1, F_WRITE, 0)
        struct.pack_into("<IIQ", ram, 0x2000 + 16 * k, 4, 0, 0)
        struct.pack_into("<H", ram, avail + 4 + 2 * k, 2 * k)
    struct.pack_into("<H", ram, avail + 2, n)
    return ops, bytes(ram)


def tap_frame(n, fill=0x5A):
    return l_backend(0, n & 0xFF, n >> 8, fill)


def tap_tx(kind, short=0, eintr=0):
    return l_backend(5, kind, short & 0xFF, short >> 8, eintr)


def net_ram():
    return queue_ram({0: ([(0x2000, 1526, F_WRITE, 0), (0x2800, 1526, F_WRITE, 0),
                           (0x3000, NET_HDR, F_NEXT | F_WRITE, 3), (0x3100, 100, F_WRITE, 0)],
                          [0, 1, 2], []),
                      1: ([(0x1800, NET_HDR, F_NEXT, 1), (0x1900, 60, 0, 0)], [0],
                          [(0x1900, b"\xff" * 6 + b"\x52\x54\0\x12\x34\x56" +
                            b"\x08\x06" + bytes(46))])}, size=0x4000)


BLK_UP = driver_ok(1 << 9, 1, num=16)
NET_UP = driver_ok(1 << 5 | 1 << 16 | 1 << 0 | 1 << 1, 2)
SEEDS["virtio_loop"] = {
    "requests": loop(BLK_UP + [wr("queue_notify", 0), L_TURN, rd("isr"),
                               wr("isr_ack", 1), L_SETTLE], queue_ram({0: blk_seed()})),
    "reset_during_io": loop(BLK_UP + [l_io_wr("status", 0), wr("queue_notify", 0),
                                      L_SETTLE], queue_ram({0: blk_seed()})),
    "queue_ready_0_during_io": loop(
        BLK_UP + [l_io_wr("queue_ready", 0), l_io_wr("queue_ready", 1),
                  wr("queue_notify", 0), L_SETTLE], queue_ram({0: blk_seed()})),
    # 40 requests: 32 in the kick's turn, the rest resumed in the next one.
    "resume_past_budget": loop(blk_flushes(40)[0] + [
        wr("queue_notify", 0), L_TURN, L_STOP, L_TURN, L_SETTLE], blk_flushes(40)[1]),
    "kick_before_driver_ok": loop(BLK_UP[:-1] + [
        l_kick(0), L_TURN, wr("status", 15), l_kick(0), l_kick(1), L_SETTLE],
        queue_ram({0: blk_seed()})),
}
SEEDS["tap"] = {
    # byte 0: device 0 (vnet header) or 1 (plain frames)
    "rx_tx_vnet_hdr": b"\0" + loop(NET_UP + [
        wr("queue_notify", 1), tap_frame(NET_HDR + 60), L_TURN, tap_frame(3000),
        l_backend(1, 3), l_backend(2, 2), tap_frame(40), L_SETTLE, rd("isr")], net_ram()),
    "rx_tx_plain": b"\1" + loop(driver_ok(1 << 5, 2) + [
        tap_tx(0), wr("queue_notify", 1), tap_frame(60), tap_frame(100), L_SETTLE],
        net_ram()),
    "tap_errors": b"\0" + loop(NET_UP + [
        l_backend(3), l_backend(6), L_TURN, wr("queue_notify", 0), l_backend(4),
        tap_frame(60), L_SETTLE, tap_tx(2), tap_tx(3, 0, 2), wr("queue_notify", 1),
        L_SETTLE], net_ram()),
    "reset_during_rx": b"\1" + loop(driver_ok(1 << 5, 2) + [
        tap_frame(60), l_io_wr("status", 0), L_TURN, L_SETTLE], net_ram()),
    # A short tap write was dropped without a line (found by this target).
    "regress_tx_short_write": b"\1" + loop(driver_ok(1 << 5, 2) + [
        tap_tx(1, 20), wr("queue_notify", 1), L_SETTLE], net_ram()),
    "no_rx_buffer": b"\0" + loop(NET_UP[:-1] + [
        wr("status", 15)] + [tap_frame(60)] * 8 + [L_SETTLE], net_ram()),
}


# console input (fuzz_console.c): byte 0 bit 0 a terminal, then operations.
def c_type(data):
    return bytes([0, len(data)]) + data


def c_flood(chunks, value):
    return bytes([1, chunks - 1, value])


def c_sink(n):
    return bytes([2, n])


C_TURN, C_WAKE, C_SETTLE, C_EOF, C_SINK_ALL = b"\3", b"\4", b"\5", b"\6", b"\7"
SEEDS["console"] = {
    "typed_and_escape": b"\1" + c_type(b"hello") + C_TURN + c_sink(2) + C_TURN + C_WAKE +
    c_sink(255) + C_SETTLE + c_type(b"ls\1\1\1q\r\1x"),
    "escape_split": b"\1" + c_sink(255) + c_type(b"ab\1") + C_TURN + c_type(b"xcd") +
    C_TURN + c_type(b"\1") + C_SETTLE + c_type(b"X"),
    "flood_full_fifo": b"\1" + c_flood(80, 0x61) + C_SETTLE + c_type(b"\1x") + C_SETTLE +
    C_SINK_ALL + C_WAKE + C_SETTLE,
    "not_a_terminal": b"\0" + c_flood(80, 0x62) + c_sink(100) + C_SETTLE + c_type(b"\1x") +
    C_WAKE + c_sink(255) + C_SETTLE,
    "eof": b"\0" + c_type(b"last words") + C_EOF + c_sink(3) + C_SETTLE + C_WAKE + C_TURN,
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
