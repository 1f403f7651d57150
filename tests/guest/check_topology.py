#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Decode the probe's per-CPU CPUID dump the way Linux does and compare
the resulting topology with the configuration.

Linux (arch/x86/kernel/cpu/topology.c, intel.c, amd.c, common.c) takes the
package and core of each CPU from its x2APIC ID and the level shifts of
leaf 0xB (0x1F when present); without those leaves it uses leaf 1's
logical count, leaf 4's core count (Intel) or 0x80000008's ApicIdCoreIdSize
and 0x8000001E (AMD). The die ID (sysfs die_id) comes from a die level of
leaf 0x1F; an AMD kernel takes it from 0x8000001E's node ID (TOPOEXT) or
the package, and from a die level only when it read leaf 0x1F. This file
re-implements that decoding on the raw register values; it shares nothing
with Keel's encoder.

usage: check_topology.py <report> <.config>
"""
import re
import sys

from check_report import apic_ids, check, read_config
import check_report


def count_order(n):
    return (n - 1).bit_length() if n > 1 else 0


def parse_cpuid(lines):
    cpus = {}
    for l in lines:
        m = re.match(r"cpuid: cpu=(\d+) leaf=0x([0-9a-f]+) sub=0x([0-9a-f]+) "
                     r"eax=0x([0-9a-f]+) ebx=0x([0-9a-f]+) ecx=0x([0-9a-f]+) edx=0x([0-9a-f]+)", l)
        if m:
            cpu = int(m.group(1))
            key = (int(m.group(2), 16), int(m.group(3), 16))
            regs = tuple(int(m.group(i), 16) for i in range(4, 8))
            cpus.setdefault(cpu, {}).setdefault(key, regs)   # first dump wins
    return cpus


def vendor_of(leaves):
    _, b, c, d = leaves.get((0, 0), (0, 0, 0, 0))
    return b"".join(x.to_bytes(4, "little") for x in (b, d, c)).decode(errors="replace")


def decode(leaves):
    """(apic id, package, core, threads per core, die, path) as Linux would find them."""
    maxleaf = leaves.get((0, 0), (0,))[0]
    a1, b1, c1, d1 = leaves.get((1, 0), (0, 0, 0, 0))
    initial = b1 >> 24
    amd = vendor_of(leaves) in ("AuthenticAMD", "HygonGenuine")
    topoext = bool(leaves.get((0x80000001, 0), (0, 0, 0, 0))[2] & (1 << 22))
    node = None
    if amd and topoext and (0x8000001E, 0) in leaves:
        node = leaves[(0x8000001E, 0)][2] & 0xff
    for leaf in (0x1F, 0xB):
        if maxleaf >= leaf and leaves.get((leaf, 0), (0, 0))[1] != 0:
            smt_shift = core_plus = die_plus = pkg_shift = None
            x2apic = leaves[(leaf, 0)][3]
            for sub in range(8):
                ea, eb, ec, ed = leaves.get((leaf, sub), (0, 0, 0, 0))
                ltype = (ec >> 8) & 0xff
                if ltype == 0:
                    break
                if ltype == 1:
                    smt_shift = ea & 0x1f
                if ltype == 2:
                    core_plus = ea & 0x1f
                if ltype == 5:
                    die_plus = ea & 0x1f
                pkg_shift = ea & 0x1f      # the last valid level spans the package
            smt_shift = smt_shift or 0
            core_mask = (1 << (pkg_shift - smt_shift)) - 1
            tpc = 1 << smt_shift
            if amd and (0x8000001E, 0) in leaves:
                tpc = ((leaves[(0x8000001E, 0)][1] >> 8) & 0xff) + 1
            pkg = x2apic >> pkg_shift
            if die_plus is not None and core_plus is not None:
                die = (x2apic >> core_plus) & ((1 << (die_plus - core_plus)) - 1)
            elif amd:
                die = node if node is not None else pkg
            else:
                die = 0
            return (x2apic, pkg, (x2apic >> smt_shift) & core_mask, tpc, die,
                    f"leaf {leaf:#x}")
    # legacy: leaf 1 logical count, then leaf 4 (Intel) / 0x80000008 (AMD)
    siblings = (b1 >> 16) & 0xff if d1 & (1 << 28) else 1
    if amd:
        ecx8 = leaves.get((0x80000008, 0), (0, 0, 0, 0))[2]
        bits = (ecx8 >> 12) & 0xf or count_order((ecx8 & 0xff) + 1)
        tpc = 1
        if (0x8000001E, 0) in leaves and topoext:
            tpc = ((leaves[(0x8000001E, 0)][1] >> 8) & 0xff) + 1
        pkg = initial >> bits
        return (initial, pkg, (initial & ((1 << bits) - 1)) >> count_order(tpc),
                tpc, node if node is not None else pkg, "AMD legacy")
    cores = ((leaves.get((4, 0), (0,))[0] >> 26) + 1) if maxleaf >= 4 else 1
    tpc = max(siblings // cores, 1)
    pkg_bits = count_order(siblings)
    smt_bits = count_order(tpc)
    return (initial, initial >> pkg_bits, (initial >> smt_bits) & ((1 << (pkg_bits - smt_bits)) - 1),
            tpc, 0, "Intel legacy")


def main():
    report, config = sys.argv[1], sys.argv[2]
    cfg = read_config(config)
    lines = open(report, encoding="utf-8", errors="replace").read().splitlines()
    s, c, t = int(cfg["TOPO_SOCKETS"]), int(cfg["TOPO_CORES"]), int(cfg["TOPO_THREADS"])
    d = check_report.dies_of(cfg)
    nr = int(cfg["NR_VCPUS"])
    ids = apic_ids(s, c, t, d)
    cb = count_order(c)
    cpus = parse_cpuid(lines)

    want_present = ids[:nr]
    check(sorted(cpus) == sorted(want_present),
          f"every present vCPU ran and dumped CPUID: {sorted(cpus)} == {sorted(want_present)}")
    check(any(l == f"smp: done started={nr - 1} of={nr - 1}" for l in lines),
          f"{nr - 1} APs started through INIT-SIPI-SIPI")
    seen = {}
    dies0 = set()
    how = set()
    per_pkg = d * c * t
    for index, apic in enumerate(want_present):
        if apic not in cpus:
            continue
        got_id, pkg, core, tpc, die, path = decode(cpus[apic])
        how.add(path)
        # Linux numbers cores over the package: the die's bits sit above the core's
        want_pkg, want_die = index // per_pkg, (index // (c * t)) % d
        want_core = (want_die << cb) | ((index // t) % c)
        check(got_id == apic, f"cpu {index}: CPUID APIC ID {got_id} == {apic}")
        check((pkg, core) == (want_pkg, want_core),
              f"cpu {index}: physical id {pkg}, core id {core} == {want_pkg}, {want_core}")
        check(tpc == t, f"cpu {index}: threads per core {tpc} == {t}")
        # an AMD kernel's die ID is the node ID, which Keel (as QEMU) makes the socket
        if vendor_of(cpus[apic]) in ("AuthenticAMD", "HygonGenuine"):
            want_die = want_pkg
        check(die == want_die, f"cpu {index}: die id {die} == {want_die}")
        seen.setdefault(pkg, []).append(core)
        if pkg == 0:
            dies0.add(die)
    # the /proc/cpuinfo summary (cpu-info.sh) over the present CPUs
    phys = len(seen)
    cores0 = len(set(seen.get(0, [])))
    sib0 = len(seen.get(0, []))
    want_phys = len({i // per_pkg for i in range(nr)})
    want_sib0 = min(nr, per_pkg)
    check(phys == want_phys, f"physical CPUs {phys} == {want_phys}")
    check(sib0 == want_sib0, f"siblings of package 0: {sib0} == {want_sib0}")
    check(cores0 == -(-want_sib0 // t), f"cores of package 0: {cores0}")
    amd0 = want_present and vendor_of(cpus.get(want_present[0], {})) in ("AuthenticAMD",
                                                                         "HygonGenuine")
    want_dies0 = 1 if amd0 else -(-want_sib0 // (c * t))
    check(len(dies0) == want_dies0, f"dies of package 0: {len(dies0)} == {want_dies0}")
    print(f"    decoded through {', '.join(sorted(how))}: {s}s x {d}d x {c}c x {t}t, "
          f"{nr} present")
    sys.exit(1 if check_report.failures else 0)


if __name__ == "__main__":
    main()
