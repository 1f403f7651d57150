#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What a Keel package says about its profile, from the validated .config.

  pkgdata.py vars <objtree>      shell assignments for scripts/deb/keel-pkg.sh
  pkgdata.py summary <objtree>   the pin/topology summary (doc/summary)
  pkgdata.py pins <objtree>      the pin table as data (share/keel/<name>/pins),
                                 read by every keel-* package's preinst

The profile's name in file and package names is DEFCONFIG_NAME in lower
case with '_' as '-' (Debian package names have no '_'):
edge_2s2c2t_defconfig -> keel-edge-2s2c2t.
"""
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import config_rules  # noqa: E402
import cpulist  # noqa: E402
import host_cmdline  # noqa: E402
import kconfig  # noqa: E402

PKG_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def load(objtree):
    try:
        kconf = kconfig.load_kconfig()
        kconfig.load_dotconfig(kconf, objtree)
        kconfig.validate(kconf)
    except kconfig.Rejected as e:
        for line in e.errors:
            print(f"error: {line}", file=sys.stderr)
        sys.exit(1)
    return config_rules.Config(kconf)


class Profile:
    """The facts of one configuration that its package carries."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.defconfig = cfg.str("DEFCONFIG_NAME")
        self.name = self.defconfig.lower().replace("_", "-")
        if not PKG_NAME_RE.match("keel-" + self.name):
            sys.exit(f"error: DEFCONFIG_NAME: '{self.defconfig}' does not give a Debian package "
                     "name (keel-<name>: letters, digits, '+', '-', '.'): rename the defconfig")
        self.board = cfg.str("BOARD_NAME")
        self.board_cpus = cfg.int("BOARD_NR_CPUS")
        self.isolated = cpulist.parse(cfg.str("BOARD_ISOLATED_CPUS"))
        self.housekeeping = cpulist.parse(cfg.str("BOARD_HOUSEKEEPING_CPUS"))
        self.table = sorted(config_rules.parse_pin_table(cfg.str("VCPU_PIN_TABLE")))
        self.vcpu_cpus = sorted({c for _, cpus, _ in self.table for c in cpus})
        self.vmm_cpus = cpulist.parse(cfg.str("VMM_CPUS"))
        board = set(range(self.board_cpus))
        self.float_cpus = sorted(board - set(self.vmm_cpus) or board)
        iso = cpulist.fmt(self.isolated)
        hk = cpulist.fmt(self.housekeeping)
        self.host_cmdline = " ".join(host_cmdline.host_cmdline(iso, hk))


def words(cpus):
    return " ".join(str(c) for c in cpus)


STOP_MARGIN = 15          # seconds: keel stopping the VM after SHUTDOWN_TIMEOUT


def stop_timeout(cfg):
    """The unit's TimeoutStopSec=: the guest's SHUTDOWN_TIMEOUT (when it has
    a power button) plus a margin, so systemd never SIGKILLs a guest that
    is still shutting down."""
    wait = cfg.int("SHUTDOWN_TIMEOUT") if cfg.bool("ACPI_GED") else 0
    return wait + STOP_MARGIN


def cmd_vars(p):
    cfg = p.cfg
    out = {
        "PROFILE": p.defconfig,
        "NAME": p.name,
        "PKG": "keel-" + p.name,
        "BOARD": p.board,
        "HOST_CMDLINE": p.host_cmdline,
        "VCPU_CPUS": words(p.vcpu_cpus),
        "VMM_CPUS": words(p.vmm_cpus),
        "VMM_CPULIST": cpulist.fmt(p.vmm_cpus),
        "NR_VCPUS": cfg.str("NR_VCPUS"),
        "CPU_MODEL": cfg.str("CPU_MODEL"),
        "GUEST_EMBED": cfg.str("GUEST_EMBED"),
        "GUEST_KERNEL": cfg.str("GUEST_KERNEL"),
        "GUEST_INITRD": cfg.str("GUEST_INITRD"),
        "SECCOMP": cfg.str("SECCOMP"),
        "STOP_TIMEOUT": str(stop_timeout(cfg)),
    }
    for k, v in out.items():
        print(f"{k}={shlex.quote(v)}")


def cmd_summary(p):
    cfg = p.cfg
    dies = cfg.int("TOPO_DIES")
    shape = (f"{cfg.int('TOPO_SOCKETS')} socket(s) x "
             f"{f'{dies} die(s) x ' if dies > 1 else ''}{cfg.int('TOPO_CORES')} core(s) x "
             f"{cfg.int('TOPO_THREADS')} thread(s)")
    feats = cfg.str("CPU_FEATURES") or "none"
    lines = [
        f"Keel profile {p.defconfig} (package keel-{p.name})",
        "",
        f"board          {p.board}: {p.board_cpus} host CPUs, isolated "
        f"{cpulist.fmt(p.isolated) or 'none'}, housekeeping {cpulist.fmt(p.housekeeping) or 'none'}",
        f"guest vCPUs    {cfg.int('NR_VCPUS')} online at boot, {cfg.int('MAX_VCPUS')} possible",
        f"topology       {shape}, {cfg.int('NUMA_NODES')} NUMA node(s)",
        f"CPU model      {cfg.str('CPU_MODEL')} (extra features: {feats}"
        f"{', enforced' if cfg.bool('CPU_MODEL_ENFORCE') else ''})",
        f"guest memory   {cfg.int('GUEST_MEM_MB')} MiB",
        f"isolation      {config_rules.isolation_policy(cfg)} (ISOLATION_POLICY)",
        f"VMM threads    host CPUs {cpulist.fmt(p.vmm_cpus) or 'none'} (VMM_CPUS)",
    ]
    if p.table:
        lines.append(f"vCPU pins      host CPUs {cpulist.fmt(p.vcpu_cpus)} (VCPU_PIN_TABLE)")
        for vcpu, cpus, _ in p.table:
            lines.append(f"  keel-vcpu{vcpu:<5} -> host CPU {cpulist.fmt(cpus)}")
    else:
        lines.append(f"vCPU pins      none: the vCPUs float over host CPUs "
                     f"{cpulist.fmt(p.float_cpus)}")
    lines.append(f"host cmdline   {p.host_cmdline or '(none)'}")
    print("\n".join(lines))


def cmd_pins(p):
    print(f"# Keel pin table of keel-{p.name} ({p.defconfig}_defconfig, board {p.board}).")
    print("# Read by the preinst of every keel-* package: two installed profiles")
    print("# must not pin a vCPU to a host CPU the other pins (vCPUs or VMM_CPUS).")
    print(f"package keel-{p.name}")
    print(f"board {p.board}")
    print(f"vcpu-cpus {words(p.vcpu_cpus)}".rstrip())
    print(f"vmm-cpus {words(p.vmm_cpus)}".rstrip())
    for vcpu, cpus, _ in p.table:
        print(f"vcpu {vcpu} {words(cpus)}")


COMMANDS = {"vars": cmd_vars, "summary": cmd_summary, "pins": cmd_pins}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](Profile(load(sys.argv[2])))


if __name__ == "__main__":
    main()
