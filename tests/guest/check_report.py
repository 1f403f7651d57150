#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the probe guest's serial report against the configuration.

This decoder shares no code with the VMM: it reads the .config text and
the report lines the probe printed from what it found in guest memory,
and derives what the guest should have seen on its own (APIC IDs by
QEMU's rule, the e820 total, the initrd checksum of the host file).

usage: check_report.py <report> <.config> [--initrd FILE]
Prints one line per check; exit status 1 if any failed.
"""
import argparse
import re
import sys

failures = 0


def check(ok, what):
    global failures
    print(f"    {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures += 1


def read_config(path):
    cfg = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^CONFIG_(\w+)=(.*)$", line.strip())
        if m:
            v = m.group(2)
            if v.startswith('"'):
                v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            cfg[m.group(1)] = v
    return cfg


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def num(s):
    return int(s, 0)


def apic_ids(sockets, cores, threads, dies=1):
    """QEMU's derivation: ceil(log2) bits per level, threads lowest, then
    cores, dies, sockets."""
    tb = (threads - 1).bit_length()
    cb = (cores - 1).bit_length()
    db = (dies - 1).bit_length()
    return [(s << (db + cb + tb)) | (d << (cb + tb)) | (c << tb) | t
            for s in range(sockets) for d in range(dies) for c in range(cores)
            for t in range(threads)]


def dies_of(cfg):
    return int(cfg.get("TOPO_DIES", "1"))


def fnv1a32(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("config")
    ap.add_argument("--initrd")
    args = ap.parse_args()
    cfg = read_config(args.config)
    lines = open(args.report, encoding="utf-8", errors="replace").read().splitlines()
    lines = [l.rstrip("\r") for l in lines]
    by = {}
    for l in lines:
        by.setdefault(l.split(":", 1)[0], []).append(l)

    check(any(l.startswith("probe: begin") for l in lines), "report begins")
    check("probe: end" in lines, "report ends (the probe ran to completion)")

    bp = fields(by.get("bp", ["bp:"])[0])
    check(num(bp.get("protocol", "0")) >= 0x20c, f"boot protocol {bp.get('protocol')}")
    check(bp.get("type_of_loader") == "0xff", "type_of_loader 0xff (undefined loader)")

    cmd = [l[len("cmdline: "):] for l in lines if l.startswith("cmdline: ")]
    check(cmd == [cfg["GUEST_CMDLINE"]], f"command line is GUEST_CMDLINE ({cmd})")

    # e820: usable RAM adds up to GUEST_MEM_MB minus the legacy holes
    e820 = [fields(l) for l in by.get("e820", [])]
    check(len(e820) == num(bp.get("e820_entries", "-1")), f"{len(e820)} e820 entries")
    usable = sum(num(e["size"]) for e in e820 if e["type"] == "1")
    mem = int(cfg["GUEST_MEM_MB"]) << 20
    holes = (0x100000 - 0x9fc00)     # EBDA, VGA and BIOS areas below 1 MiB
    check(usable == mem - holes, f"usable e820 RAM {usable:#x} == GUEST_MEM_MB - {holes:#x}")
    for e in e820:
        a, s = num(e["addr"]), num(e["size"])
        if e["type"] == "1":
            check(not (a < 0x100000000 and a + s > 0xc0000000),
                  f"no RAM in the PCI hole ({a:#x}+{s:#x})")

    # initrd: the bytes the guest sees are the host file's bytes
    if args.initrd:
        data = open(args.initrd, "rb").read()
        ini = [fields(l) for l in by.get("initrd", []) if "size=" in l]
        check(len(ini) == 1 and num(ini[0]["size"]) == len(data),
              f"initrd size {len(data)}")
        if ini:
            check(num(ini[0]["sum"]) == fnv1a32(data), "initrd checksum (FNV-1a) matches")
            check(num(ini[0]["addr"]) % 4096 == 0, "initrd page-aligned")
    else:
        check("initrd: none" in lines, "no initrd")

    # ACPI: every table found, every checksum right
    rsdp = [fields(l) for l in by.get("acpi", []) if l.startswith("acpi: rsdp")]
    check(len(rsdp) == 1 and rsdp[0].get("csum") == "ok" and rsdp[0].get("ext_csum") == "ok",
          "RSDP found, both checksums ok")
    check(rsdp and num(rsdp[0]["addr"]) == num(bp.get("acpi_rsdp_addr", "0")),
          "boot_params.acpi_rsdp_addr points at the RSDP")
    tables = [fields(l) for l in by.get("acpi", []) if l.startswith("acpi: table")]
    for t in tables:
        t.setdefault("sig", "????")         # "unreadable" lines have no signature
    sigs = sorted(t["sig"] for t in tables)
    for sig in ("APIC", "DSDT", "FACP"):
        check(sig in sigs, f"ACPI table {sig} present")
    for t in tables:
        if t["sig"] != "FACS":              # the FACS has no checksum
            check(t.get("csum") == "ok", f"ACPI {t['sig']} checksum ok")

    fadt = fields(by.get("fadt", ["fadt:"])[0])
    check(fadt.get("hw_reduced") == "1", "FADT: hardware-reduced ACPI")
    check(num(fadt.get("sleep_ctl", "0")) != 0, "FADT: sleep control register set")
    check(any(l.startswith("dsdt: s5=present") for l in lines), "DSDT has \\_S5")

    # MADT: one entry per possible vCPU, QEMU's APIC IDs, the first NR enabled
    nr, mx = int(cfg["NR_VCPUS"]), int(cfg["MAX_VCPUS"])
    want = apic_ids(int(cfg["TOPO_SOCKETS"]), int(cfg["TOPO_CORES"]), int(cfg["TOPO_THREADS"]),
                    dies_of(cfg))
    cpus = [fields(l) for l in by.get("madt", [])
            if l.startswith("madt: lapic ") or l.startswith("madt: x2apic ")]
    got = [num(c["apic"]) for c in cpus]
    check(got == want, f"MADT APIC IDs {got} == {want}")
    enabled = [num(c["flags"]) & 1 for c in cpus]
    check(enabled == [1] * nr + [0] * (mx - nr), f"first {nr} of {mx} CPUs enabled")
    # NUMA: SRAT/SLIT only with more than one node; nodes hold whole sockets
    nodes = int(cfg.get("NUMA_NODES", "1"))
    srat_cpu = [fields(l) for l in by.get("srat", []) if l.startswith("srat: cpu ")]
    srat_mem = [fields(l) for l in by.get("srat", []) if l.startswith("srat: mem ")]
    if nodes == 1:
        check(not srat_cpu and "SRAT" not in sigs and "SLIT" not in sigs, "one node: no SRAT/SLIT")
    else:
        per_node = int(cfg["TOPO_SOCKETS"]) // nodes
        per_sock = dies_of(cfg) * int(cfg["TOPO_CORES"]) * int(cfg["TOPO_THREADS"])
        want_nodes = {apic: (i // per_sock) // per_node for i, apic in enumerate(want)}
        got_nodes = {num(e["apic"]): num(e["node"]) for e in srat_cpu}
        check(got_nodes == want_nodes, f"SRAT: every possible vCPU in its socket's node "
              f"{got_nodes} == {want_nodes}")
        sizes = {}
        for e in srat_mem:
            sizes[num(e["node"])] = sizes.get(num(e["node"]), 0) + num(e["size"])
        slice_ = (mem // nodes) & ~((2 << 20) - 1)
        want_sizes = {n: slice_ if n < nodes - 1 else mem - slice_ * (nodes - 1)
                      for n in range(nodes)}
        check(sizes == want_sizes, f"SRAT: RAM per node {sizes} == {want_sizes}")
        for e in e820:
            if e["type"] != "1":
                continue
            a, z = num(e["addr"]), num(e["addr"]) + num(e["size"])
            covered = all(any(num(m["base"]) <= x <
                              num(m["base"]) + num(m["size"]) for m in srat_mem)
                          for x in (a, z - 1))
            check(covered, f"SRAT covers usable RAM {a:#x}-{z:#x}")
        rows = [l.split()[2:] for l in lines if l.startswith("slit: row=")]
        want_rows = [["10" if i == j else "20" for j in range(nodes)] for i in range(nodes)]
        check(rows == want_rows, f"SLIT distances {rows}")
    io = [fields(l) for l in by.get("madt", []) if l.startswith("madt: ioapic")]
    check(len(io) == 1 and num(io[0]["addr"]) == 0xfec00000, "one IOAPIC at 0xfec00000")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
