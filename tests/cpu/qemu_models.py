#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-check arch/x86/cpu_models.txt against the QEMU installed here.

QEMU's query-cpu-model-expansion ("full") gives each model's properties as
QEMU would configure the CPU: with -accel kvm, its features include what
QEMU adds under KVM (x2apic, kvmclock, ...; no svm or monitor), which is
what Keel's [defaults] reproduces. Vendor comes from a TCG expansion (under
KVM QEMU shows the host's vendor; Keel keeps the model's). The base model
is "<name>-v1"; the -noTSX models are QEMU's "-v2" of their base.

Prints "# QEMU <version>, accel <kvm|tcg>" then one line per check; exit
status 1 if any failed.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scripts"))
import cpu_models  # noqa: E402

failures = 0


def check(ok, what):
    global failures
    print(f"    {'ok  ' if ok else 'FAIL'} {what}")
    failures += not ok


def expand(names, accel):
    p = subprocess.Popen(["qemu-system-x86_64", "-machine", "pc", "-accel", accel,
                          "-nodefaults", "-display", "none", "-S", "-qmp", "stdio"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)

    def reply():
        while True:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError(f"QEMU ({accel}) ended early")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(name, **args):
        p.stdin.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        p.stdin.flush()
        return reply()

    try:
        greeting = reply()
        cmd("qmp_capabilities")
        out = {}
        # Keel's models are QEMU's under KVM, where kvm_default_props turns
        # svm off; TCG keeps it, and SVM raises min-xlevel to 0x8000000A
        model_props = {"svm": False} if accel == "tcg" else {}
        for n in names:
            r = cmd("query-cpu-model-expansion", type="full",
                    model={"name": n, "props": model_props})
            out[n] = r["return"]["model"]["props"] if "return" in r else None
        cmd("quit")
        v = greeting["QMP"]["version"]["qemu"]
        return out, f"{v['major']}.{v['minor']}.{v['micro']}"
    finally:
        p.kill()
        p.wait()


def qemu_name(name):
    return name[:-len("-noTSX")] + "-v2" if name.endswith("-noTSX") else name + "-v1"


def main():
    cat = cpu_models.Catalog()
    named = [n for n in cat.order if not cat.model(n)["passthrough"]]
    accel = "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "tcg"
    tcg, version = expand([qemu_name(n) for n in named], "tcg")
    props = tcg if accel == "tcg" else expand([qemu_name(n) for n in named], "kvm")[0]
    print(f"# QEMU {version}, accel {accel}")
    for name in named:
        q, t = props[qemu_name(name)], tcg[qemu_name(name)]
        if q is None or t is None:
            check(False, f"{name}: QEMU knows {qemu_name(name)}")
            continue
        m = cpu_models.expand(cat, name)
        check(m["vendor"] == t["vendor"], f"{name}: vendor {m['vendor']} (QEMU {t['vendor']})")
        ours = (m["family"], m["model"], m["stepping"], m["model-id"])
        theirs = (q["family"], q["model"], q["stepping"], q["model-id"])
        check(ours == theirs, f"{name}: family/model/stepping/model-id {ours} (QEMU {theirs})")
        check((m["level"], m["xlevel"]) == (q["min-level"], q["min-xlevel"]),
              f"{name}: level 0x{m['level']:x} xlevel 0x{m['xlevel']:x} "
              f"(QEMU 0x{q['min-level']:x} 0x{q['min-xlevel']:x})")
        if accel != "kvm":
            continue
        theirs = {cat.canonical(k) for k, v in q.items() if v is True and cat.canonical(k)}
        ours = {n for w in range(len(cat.words)) for n in cat.names_of(w, m["words"][w])}
        check(ours == theirs, f"{name}: {len(ours)} features as QEMU under KVM"
                              + ("" if ours == theirs else
                                 f": Keel only {sorted(ours - theirs)}, "
                                 f"QEMU only {sorted(theirs - ours)}"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
