#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What a Keel package says about its profile, from the validated .config.

  pkgdata.py vars <objtree>      shell assignments for scripts/deb/keel-pkg.sh
  pkgdata.py summary <objtree>   the pin/topology summary (doc/summary)
  pkgdata.py pins <objtree>      the pin table as data (share/keel/<name>/pins),
                                 read by every keel-* package's preinst
  pkgdata.py sandbox <objtree>   the systemd sandboxing of the profile's unit
                                 (keel.service.in's @SANDBOX@), from the table
                                 in unit_sandbox()

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


def host_path(path):
    """A path keel opens, as the unit sees it (relative: to WorkingDirectory=, "/")."""
    return os.path.normpath(path if path.startswith("/") else "/" + path)


def under(path, roots):
    return any(path == r or path.startswith(r + "/") for r in roots)


HOMES = ("/home", "/root", "/run/user")
TMPS = ("/tmp", "/var/tmp")


def unit_sandbox(cfg):
    """The systemd sandboxing of the unit: one table, (directive, value, why) per row.

    It adds what does not fight Keel's own sandbox (core/Kconfig.hardening):
    keel starts as root, opens /dev/kvm, the tap, the guest images and the
    disk images, may unshare namespaces, switch user and lock memory, then
    drops every capability and installs its seccomp filters itself. Every
    file the configuration names is derived here: nothing is listed twice.
    Not used, as they would fight it: PrivateDevices= (no /dev/kvm),
    PrivateUsers= (no capability on the host's devices), ProcSubset=pid
    (the pre-flight reads /proc/meminfo), User= (keel switches itself:
    SANDBOX_USER). The images must be readable (and writable) by root
    without CAP_DAC_OVERRIDE, which the unit does not give.
    """
    devs = config_rules.virtio_devices(cfg)
    net = any(kind == "net" for kind, _, _ in devs)
    reads, writes, devices = [], [], ["/dev/kvm rw"]
    if not cfg.bool("GUEST_EMBED"):
        reads += [host_path(cfg.str(s)) for s in ("GUEST_KERNEL", "GUEST_INITRD") if cfg.str(s)]
    for kind, _, prefix in devs:
        if kind != "blk":
            continue
        image = host_path(cfg.str(prefix + "_IMAGE"))
        ro = cfg.bool(prefix + "_READONLY")
        (reads if ro else writes).append(image)
        if under(image, ("/dev",)):
            devices.append(f"{image} {'r' if ro else 'rw'}")
    if net:
        devices.append("/dev/net/tun rw")
    files = reads + writes
    caps = ["CAP_SETPCAP"]
    caps += ["CAP_SYS_ADMIN"] if cfg.bool("SANDBOX_NAMESPACES") else []
    caps += ["CAP_SETUID", "CAP_SETGID"] if cfg.bool("SANDBOX_USER") else []
    caps += ["CAP_NET_ADMIN"] if net else []
    caps += ["CAP_SYS_NICE"] if cfg.bool("VCPU_SCHED_FIFO") else []
    caps += ["CAP_IPC_LOCK"] if cfg.bool("GUEST_MLOCK") or cfg.bool("VMM_MLOCKALL") else []
    ns = "mnt ipc uts net" if cfg.bool("SANDBOX_NAMESPACES") else "yes"
    rows = [
        ("DevicePolicy", "closed", "only the devices below (and /dev/null, /dev/zero, ...)"),
        ("DeviceAllow", devices, "/dev/kvm; the tap's /dev/net/tun; disk images that are "
         "block devices"),
        ("ProtectSystem", "strict", "the host's files read-only ..."),
        ("ReadWritePaths", ["-" + w for w in writes], "... but the writable disk images"),
        ("ProtectHome", "read-only" if any(under(f, HOMES) for f in files) else "yes",
         "no home directory (read-only: an image lives there)"),
        ("PrivateTmp", "no" if any(under(f, TMPS) for f in files) else "yes",
         "a /tmp of its own (not when an image lives in /tmp)"),
        ("PrivateNetwork", "no" if net else "yes",
         "no network (virtio-net: the tap is in the host's)"),
        ("RestrictAddressFamilies", "AF_UNIX" if net else "none",
         "no socket (virtio-net: musl's if_nametoindex() asks an AF_UNIX socket)"),
        ("IPAddressDeny", "any", "keel speaks no IP itself"),
        ("CapabilityBoundingSet", " ".join(caps), "what setup needs; keel drops them all after it"),
        ("AmbientCapabilities", "", "none"),
        ("RestrictNamespaces", ns, "only what SANDBOX_NAMESPACES unshares"),
        ("SystemCallArchitectures", "native", "x86-64 only, as keel's filters"),
        ("SystemCallFilter", "~@clock @cpu-emulation @debug @module @obsolete @raw-io "
         "@reboot @swap" + ("" if cfg.bool("SANDBOX_NAMESPACES") else " @mount"),
         "calls keel never makes, before its own filters are in (@mount: unless "
         "SANDBOX_NAMESPACES)"),
        ("PrivateMounts", "yes", "a mount namespace of its own"),
        ("MemoryDenyWriteExecute", "yes", "guest RAM is mapped read-write, never executable"),
        ("LockPersonality", "yes", "no personality change"),
        ("RestrictRealtime", "no" if cfg.bool("VCPU_SCHED_FIFO") else "yes",
         "real-time scheduling only for VCPU_SCHED_FIFO"),
        ("RestrictSUIDSGID", "yes", "no set-user-id files"),
        ("ProtectKernelTunables", "yes", "/proc/sys, /sys read-only"),
        ("ProtectKernelModules", "yes", "no module loading (load kvm, tun at boot)"),
        ("ProtectKernelLogs", "yes", "no kernel log"),
        ("ProtectControlGroups", "yes", "cgroups read-only"),
        ("ProtectClock", "yes", "no clock change"),
        ("ProtectHostname", "yes", "no host name change"),
        ("ProtectProc", "invisible", "no other process in /proc"),
        ("RemoveIPC", "yes", "no System V IPC left behind"),
        ("KeyringMode", "private", "no kernel keyring shared"),
        ("UMask", "0077", "nothing keel creates is readable by others"),
    ]
    return rows


def cmd_sandbox(p):
    print("# systemd sandboxing from the profile's configuration (scripts/deb/pkgdata.py:")
    print("# unit_sandbox), around keel's own (README, \"Hardening\").")
    for key, value, why in unit_sandbox(p.cfg):
        print(f"# {why}")
        values = value if isinstance(value, list) else [value]
        for v in values:
            print(f"{key}={v}")


COMMANDS = {"vars": cmd_vars, "summary": cmd_summary, "pins": cmd_pins, "sandbox": cmd_sandbox}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](Profile(load(sys.argv[2])))


if __name__ == "__main__":
    main()
