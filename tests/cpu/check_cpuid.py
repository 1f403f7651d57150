#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check what the probe guest saw of its CPU against the configured model.

Three independent views are compared:
  - the guest: the probe's "cpuid: cpu=<apic> leaf=.. sub=.. eax=.." lines,
    decoded here the way Linux decodes them (vendor, family/model/stepping,
    brand string, feature bits);
  - the host: KVM_GET_SUPPORTED_CPUID read by this test itself
    (kvm_cpuid.py), which says which of the model's features must be there
    and which must have been dropped;
  - Keel: its --dump-cpuid (the table KVM holds, read back) and its
    warnings (features dropped; what KVM changed in the table).
The model's identity comes from the facts below (QEMU's definitions,
written out by hand); its feature list from arch/x86/cpu_models.txt (the
names and bit positions are QEMU's facts; the encoding and decoding are not
shared with Keel's C code).

A feature the model has is in the guest exactly when KVM supports it,
except where Keel reported that KVM changed the table (some KVMs force
features on KVM_SET_CPUID2): those changes must be exactly what the guest
sees, and the guest must see exactly Keel's read-back table.

usage: check_cpuid.py --model NAME [--features TEXT] --report FILE --dump FILE
                      --stderr FILE
Prints one line per check; exit status 1 if any failed.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts"))
import cpu_models  # noqa: E402
import kvm_cpuid  # noqa: E402

# QEMU's base definitions (target/i386/cpu.c builtin_x86_defs, "-v1"):
# vendor, family, model, stepping, level, xlevel, model id.
FACTS = {
    "qemu64": ("AuthenticAMD", 15, 107, 1, 0xd, 0x8000000a, "QEMU Virtual CPU version 2.5+"),
    "qemu32": ("GenuineIntel", 6, 6, 3, 4, 0x80000004, "QEMU Virtual CPU version 2.5+"),
    "kvm64": ("GenuineIntel", 15, 6, 1, 0xd, 0x80000008, "Common KVM processor"),
    "Broadwell": ("GenuineIntel", 6, 61, 2, 0xd, 0x80000008, "Intel Core Processor (Broadwell)"),
    "Skylake-Server": ("GenuineIntel", 6, 85, 4, 0xd, 0x80000008,
                       "Intel Xeon Processor (Skylake)"),
    "Icelake-Server": ("GenuineIntel", 6, 134, 0, 0xd, 0x80000008,
                       "Intel Xeon Processor (Icelake)"),
    "EPYC": ("AuthenticAMD", 23, 1, 2, 0xd, 0x8000001e, "AMD EPYC Processor"),
    "Dhyana": ("HygonGenuine", 24, 0, 1, 0xd, 0x8000001e, "Hygon Dhyana Processor"),
}
# Bits other code owns: the topology (HTT, CmpLegacy, TopologyExtensions)
# and the ones the CPU keeps up to date (APIC enable, OSXSAVE, OSPKE).
OWNED = {"1_EDX": (1 << 28) | (1 << 9), "1_ECX": 1 << 27, "7_0_ECX": 1 << 4,
         "8000_0001_ECX": (1 << 1) | (1 << 22)}
DYNAMIC = {(1, 0): {2: 1 << 27, 3: 1 << 9}, (7, 0): {2: 1 << 4},
           (0xd, 0): {1: 0xffffffff}, (0xd, 1): {1: 0xffffffff}}
AMD_ALIASES = 0x0183f3ff
NO_AUTOENABLE = {"1_EDX": 1 << 28, "8000_0001_ECX": 1 << 22, "KVM": 1 << 15}
LINE_RE = re.compile(r"cpuid: cpu=(\d+) leaf=0x([0-9a-f]+) sub=0x([0-9a-f]+) eax=0x([0-9a-f]+) "
                     r"ebx=0x([0-9a-f]+) ecx=0x([0-9a-f]+) edx=0x([0-9a-f]+)")
DUMP_RE = re.compile(r"^vcpu=(\d+) apic=(\d+) leaf=0x([0-9a-f]{8}) sub=0x([0-9a-f]+) "
                     r"eax=0x([0-9a-f]{8}) ebx=0x([0-9a-f]{8}) ecx=0x([0-9a-f]{8}) "
                     r"edx=0x([0-9a-f]{8})$")
REG = {"eax": 0, "ebx": 1, "ecx": 2, "edx": 3}

failures = 0


def check(ok, what):
    global failures
    print(f"    {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures += 1
    return ok


def parse_report(path):
    cpus = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE_RE.match(line.strip())
        if m:
            key = (int(m.group(2), 16), int(m.group(3), 16))
            cpus.setdefault(int(m.group(1)), {}).setdefault(
                key, tuple(int(m.group(i), 16) for i in range(4, 8)))
    return cpus


def parse_dump(path):
    """{apic: {(leaf, sub): regs}}; every non-comment line must parse."""
    vcpus, bad = {}, []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = DUMP_RE.match(line)
        if not m:
            bad.append(line)
            continue
        vcpus.setdefault(int(m.group(2)), {})[(int(m.group(3), 16), int(m.group(4), 16))] = \
            tuple(int(m.group(i), 16) for i in range(5, 9))
    return vcpus, bad


def text(regs):
    return b"".join(r.to_bytes(4, "little") for r in regs)


def decode_signature(eax):
    """Linux: x86_family(), x86_model(), x86_stepping()."""
    family = (eax >> 8) & 0xf
    if family == 0xf:
        family += (eax >> 20) & 0xff
    model = (eax >> 4) & 0xf
    if family >= 6:
        model += ((eax >> 16) & 0xf) << 4
    return family, model, eax & 0xf


def word_value(cat, w, leaves):
    word = cat.words[w]
    regs = leaves.get((word.leaf, word.sub))
    return None if regs is None else regs[REG[word.reg]]


def parse_keel_stderr(cat, path):
    """Keel's findings: dropped features per word; KVM's changes per word."""
    where = {w.where: i for i, w in enumerate(cat.words)}
    dropped = [0] * len(cat.words)
    plus = [0] * len(cat.words)
    minus = [0] * len(cat.words)
    other_changes, lines = [], []
    msr_dropped = False
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        lines.append(line)
        m = re.search(r"requested feature\(s\), (?:dropped|not booting): (.*)$", line)
        if m:
            for seg in m.group(1).split("; "):
                loc, _, names = seg.partition(": ")
                for n in names.split():
                    for w, bit in cat.index.get(n, []):
                        dropped[w] |= 1 << bit
        m = re.search(r"KVM changed the CPUID table .*the guest sees the changed values"
                      r"(?: \([^)]*\))?: (.*)$", line)
        if m:
            for seg in m.group(1).split("; "):
                loc, _, items = seg.partition(" ")
                if loc not in where:
                    other_changes.append(seg)
                    continue
                w = where[loc]
                for item in items.split():
                    sign, name = item[0], item[1:]
                    bm = re.match(r".*\[(\d+)\]$", name)
                    bits = [int(bm.group(1))] if bm else [b for x, b in cat.index[name] if x == w]
                    for b in bits:
                        (plus if sign == "+" else minus)[w] |= 1 << b
        if "KVM refused IA32_ARCH_CAPABILITIES" in line:
            msr_dropped = True
    return dropped, plus, minus, other_changes, msr_dropped, lines


def host_words(cat, supported, emulated=None):
    """What KVM can give per word, with what a VMM adds (as Keel documents)."""
    words = []
    for w in cat.words:
        v = 0
        if w.msr is None:
            regs = supported.get((w.leaf, w.sub))
            v = regs[REG[w.reg]] if regs else 0
            if emulated and (w.leaf, w.sub) in emulated:
                v |= emulated[(w.leaf, w.sub)][REG[w.reg]]
        words.append(v)
    i = cat.word("1_ECX")
    words[i] |= 1 << 31                                     # hypervisor
    if kvm_cpuid.check_extension(kvm_cpuid.KVM_CAP_TSC_DEADLINE_TIMER) > 0:
        words[i] |= 1 << 24
    else:
        words[i] &= ~(1 << 24)
    return words


def names(cat, w, mask):
    return " ".join(dict.fromkeys(cat.names_of(w, mask))) or "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--features", default="")
    ap.add_argument("--report", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--stderr", required=True)
    args = ap.parse_args()

    cat = cpu_models.Catalog()
    m = cpu_models.expand(cat, args.model, args.features)
    supported = kvm_cpuid.cpuid_table("supported")
    emulated = kvm_cpuid.cpuid_table("emulated") if m["passthrough"] == "max" else None
    host = host_words(cat, supported, emulated)
    guest = parse_report(args.report)
    dump, bad = parse_dump(args.dump)
    dropped_said, plus, minus, other, msr_dropped, _ = parse_keel_stderr(cat, args.stderr)

    check(guest, f"the probe reported CPUID leaves ({len(guest)} CPU(s))")
    check(not bad, f"every --dump-cpuid line has the documented format {bad[:1]}")
    check(sorted(dump) == sorted(guest),
          f"--dump-cpuid has the CPUs the guest reported (APIC IDs {sorted(dump)})")

    # What the guest must see of the model's identity.
    if m["passthrough"]:
        s0, s1 = supported[(0, 0)], supported[(1, 0)]
        vendor = text((s0[1], s0[3], s0[2])).decode()
        fms = decode_signature(s1[0])
        level, xlevel = s0[0], supported[(0x80000000, 0)][0]
        brand = text(sum((supported.get((0x80000002 + i, 0), (0, 0, 0, 0))
                          for i in range(3)), ())).rstrip(b"\0").decode(errors="replace")
        if not brand.strip():          # KVM has none: Keel gives the host CPU's (as Linux shows)
            brand = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                          if l.startswith("model name")), "")
    else:
        fact = FACTS[args.model]
        vendor, fms, level, xlevel, brand = fact[0], fact[1:4], fact[4], fact[5], fact[6]
        check(m["vendor"] == vendor and (m["family"], m["model"], m["stepping"]) == fms and
              m["model-id"] == brand, f"cpu_models.txt agrees with QEMU's {args.model}")
        level, xlevel = max(level, m["level"]), max(xlevel, m["xlevel"])

    for cpu, leaves in sorted(guest.items()):
        tag = f"cpu {cpu}"
        l0, l1 = leaves.get((0, 0)), leaves.get((1, 0))
        x0 = leaves.get((0x80000000, 0))
        if not check(l0 and l1 and x0, f"{tag}: leaves 0, 1, 0x80000000 reported"):
            continue
        gv = text((l0[1], l0[3], l0[2])).decode(errors="replace")
        check(gv == vendor, f"{tag}: vendor {gv} (want {vendor})")
        check(text((x0[1], x0[3], x0[2])).decode(errors="replace") in (vendor, "\0" * 12),
              f"{tag}: 0x80000000 vendor")
        got = decode_signature(l1[0])
        check(got == tuple(fms), f"{tag}: family/model/stepping {got} (want {tuple(fms)})")
        check(l0[0] == level, f"{tag}: level 0x{l0[0]:x} (want 0x{level:x})")
        # The topology code may raise xlevel to reach 0x8000001E on AMD.
        check(x0[0] == xlevel or (x0[0] == 0x8000001e and xlevel < x0[0] and
                                  vendor in ("AuthenticAMD", "HygonGenuine")),
              f"{tag}: xlevel 0x{x0[0]:x} (want 0x{xlevel:x})")
        b = [leaves.get((0x80000002 + i, 0)) for i in range(3)]
        # The BSP reports the model leaves (tests/guest/cpuid.c); APs may not yet.
        if xlevel >= 0x80000004 and (cpu == min(guest) or all(b)):
            if check(all(b), f"{tag}: brand string leaves reported"):
                gb = text(sum(b, ())).split(b"\0")[0].decode(errors="replace")
                check(gb.strip() == brand.strip(), f"{tag}: brand '{gb}' (want '{brand}')")

        # The guest sees exactly Keel's read-back table.
        dv = dump.get(cpu, {})
        diff = []
        for key, regs in sorted(leaves.items()):
            want = dv.get(key, (0, 0, 0, 0))
            ign = DYNAMIC.get(key, {})
            for r in range(4):
                if (regs[r] ^ want[r]) & ~ign.get(r, 0):
                    diff.append(f"0x{key[0]:x}.{key[1]} r{r} guest 0x{regs[r]:x} "
                                f"dump 0x{want[r]:x}")
        check(not diff, f"{tag}: {len(leaves)} leaves equal --dump-cpuid's read-back table "
                        f"{diff[:3]}")

        # Features: present exactly when KVM supports them, but for KVM's changes.
        if cpu != min(guest):
            continue
        final1 = 0
        for w, word in enumerate(cat.words):
            if word.msr is not None:
                continue
            g = word_value(cat, w, leaves)
            if g is None:
                continue
            req = m["words"][w]
            if m["passthrough"]:
                req |= host[w] & ~NO_AUTOENABLE.get(word.name, 0) & ~m["removed"][w]
            exp = req & host[w]
            if word.name == "7_0_EDX" and msr_dropped:
                exp &= ~(1 << 29)                       # arch-capabilities, MSR refused
            if word.name == "1_EDX":
                final1 = exp
            if (word.name == "8000_0001_EDX" and vendor == "AuthenticAMD"
                    and not m["passthrough"]):
                exp = (exp & ~AMD_ALIASES) | (final1 & AMD_ALIASES)
            ign = OWNED.get(word.name, 0)
            check((req & ~host[w]) == dropped_said[w],
                  f"{tag}: {word.where}: Keel's 'dropped' list is what KVM lacks: "
                  f"{names(cat, w, req & ~host[w])}")
            want = ((exp | plus[w]) & ~minus[w]) & ~ign
            changed = " ".join([f"+{n}" for n in cat.names_of(w, plus[w])] +
                               [f"-{n}" for n in cat.names_of(w, minus[w])])
            changed = f" (KVM changed {changed})" if changed else ""
            check((g & ~ign) == want,
                  f"{tag}: {word.where}: model features present exactly when supported"
                  f"{changed}" + ("" if (g & ~ign) == want else
                                  f": extra {names(cat, w, g & ~ign & ~want)}, "
                                  f"missing {names(cat, w, want & ~g & ~ign)}"))
            check(not (plus[w] & exp) and not (minus[w] & ~exp & ~ign),
                  f"{tag}: {word.where}: Keel's 'KVM changed' list is only changes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
