#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What this host's KVM supports, read by the tests themselves (ioctls on
/dev/kvm from Python), not through Keel.

usage: kvm_cpuid.py [supported|emulated]    print the table, one leaf a line
"""
import fcntl
import os
import struct
import sys

KVMIO = 0xAE


def _iowr(nr, size):
    return (3 << 30) | (size << 16) | (KVMIO << 8) | nr


KVM_CHECK_EXTENSION = (KVMIO << 8) | 0x03
KVM_GET_SUPPORTED_CPUID = _iowr(0x05, 8)
KVM_GET_EMULATED_CPUID = _iowr(0x09, 8)
KVM_CAP_TSC_DEADLINE_TIMER = 72
ENTRY = struct.Struct("<7I12x")             # struct kvm_cpuid_entry2 (40 bytes)


def _kvm():
    return os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)


def cpuid_table(kind="supported"):
    """{(leaf, subleaf): (eax, ebx, ecx, edx)} from KVM_GET_{SUPPORTED,EMULATED}_CPUID."""
    req = KVM_GET_SUPPORTED_CPUID if kind == "supported" else KVM_GET_EMULATED_CPUID
    fd = _kvm()
    try:
        n = 256
        while True:
            buf = bytearray(8 + ENTRY.size * n)
            struct.pack_into("<II", buf, 0, n, 0)
            try:
                fcntl.ioctl(fd, req, buf, True)
                break
            except OSError as e:
                if e.errno != 7 or n >= 4096:       # E2BIG
                    raise
                n *= 2
        nent = struct.unpack_from("<I", buf, 0)[0]
        table = {}
        for i in range(nent):
            fn, idx, _flags, a, b, c, d = ENTRY.unpack_from(buf, 8 + ENTRY.size * i)
            table[(fn, idx)] = (a, b, c, d)
        return table
    finally:
        os.close(fd)


def check_extension(cap):
    fd = _kvm()
    try:
        return fcntl.ioctl(fd, KVM_CHECK_EXTENSION, cap)
    finally:
        os.close(fd)


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "supported"
    for (fn, idx), regs in sorted(cpuid_table(kind).items()):
        print(f"leaf=0x{fn:08x} sub=0x{idx:x} " +
              " ".join(f"{r}=0x{v:08x}" for r, v in zip(("eax", "ebx", "ecx", "edx"), regs)))


if __name__ == "__main__":
    main()
