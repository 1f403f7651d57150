# SPDX-License-Identifier: GPL-2.0
"""Cross-symbol rules Kconfig cannot express.

Each rule appends one line per problem, naming the symbol and the fix.
The same rules are asserted again at compile time on the generated
headers (core/config_check.c), so a hand-edited header cannot slip by.
"""
import re

import cpulist

CMDLINE_MAX = 2047        # boot protocol 2.06+: cmdline_size 2047 + NUL
HOST_RESERVE_MB = 256     # RAM the host keeps beyond the guest
FEATURE_RE = re.compile(r"^[+-][a-z0-9][a-z0-9_.-]*$")


class Config:
    """Read-only view of the evaluated configuration."""

    def __init__(self, kconf):
        self.kconf = kconf

    def str(self, name):
        return self.kconf.syms[name].str_value

    def int(self, name):
        return int(self.str(name), 0)

    def bool(self, name):
        return self.str(name) == "y"


def _cpus(cfg, errors, name, board_cpus, board):
    """Parse a cpulist symbol; report syntax and board range problems."""
    try:
        cpus = cpulist.parse(cfg.str(name))
    except cpulist.CpuListError as e:
        errors.append(f"{name}: {e}")
        return []
    for cpu in cpus:
        if cpu >= board_cpus:
            errors.append(f"{name}: host CPU {cpu} does not exist: board {board} "
                          f"has CPUs {cpulist.fmt(range(board_cpus))}")
            break
    return cpus


def parse_pin_table(text):
    """Parse VCPU_PIN_TABLE into [(vcpu, [cpus], entry_text)].

    Raises ValueError with a message for a malformed entry.
    """
    entries = []
    for entry in text.split():
        vcpu, sep, cpus = entry.partition("=")
        if not sep or not vcpu.isdigit() or not cpus:
            raise ValueError(f"entry '{entry}' is not 'vcpu=cpulist' "
                             "(e.g. \"0=2 1=3 2=4-5,7\")")
        try:
            entries.append((int(vcpu), cpulist.parse(cpus), entry))
        except cpulist.CpuListError as e:
            raise ValueError(f"entry '{entry}': {e}") from None
    return entries


def check_topology(cfg, errors):
    nr, mx = cfg.int("NR_VCPUS"), cfg.int("MAX_VCPUS")
    s, c, t = cfg.int("TOPO_SOCKETS"), cfg.int("TOPO_CORES"), cfg.int("TOPO_THREADS")
    if nr > mx:
        errors.append(f"NR_VCPUS ({nr}) > MAX_VCPUS ({mx}): the vCPUs online at boot "
                      "cannot exceed the possible vCPUs; raise MAX_VCPUS or lower NR_VCPUS")
    if s * c * t != mx:
        errors.append(f"TOPO_SOCKETS*TOPO_CORES*TOPO_THREADS = {s}*{c}*{t} = {s * c * t}, "
                      f"but MAX_VCPUS = {mx}: the shape must hold exactly MAX_VCPUS "
                      "vCPUs; adjust the shape or MAX_VCPUS")


def check_board(cfg, errors):
    """The board description must be self-consistent. Returns its facts."""
    board = cfg.str("BOARD_NAME")
    n = cfg.int("BOARD_NR_CPUS")
    iso = set(_cpus(cfg, errors, "BOARD_ISOLATED_CPUS", n, board))
    hk = set(_cpus(cfg, errors, "BOARD_HOUSEKEEPING_CPUS", n, board))
    both = iso & hk
    if both:
        errors.append(f"BOARD_HOUSEKEEPING_CPUS: CPUs {cpulist.fmt(both)} are also in "
                      f"BOARD_ISOLATED_CPUS on board {board}: a CPU is one or the other")
    for name in ("BOARD_SMT_SIBLINGS", "BOARD_NUMA_NODES"):
        seen = set()
        for group in cfg.str(name).split():
            try:
                cpus = set(cpulist.parse(group))
            except cpulist.CpuListError as e:
                errors.append(f"{name}: group '{group}': {e}")
                continue
            if cpus & seen:
                errors.append(f"{name}: CPUs {cpulist.fmt(cpus & seen)} appear in two groups")
            bad = [x for x in cpus if x >= n]
            if bad:
                errors.append(f"{name}: host CPU {bad[0]} does not exist: board {board} "
                              f"has CPUs {cpulist.fmt(range(n))}")
            seen |= cpus
        if name == "BOARD_NUMA_NODES" and seen and seen != set(range(n)):
            missing = set(range(n)) - seen
            errors.append(f"BOARD_NUMA_NODES: CPUs {cpulist.fmt(missing)} of board {board} "
                          "are in no node: list every CPU in exactly one node")
    return board, n


def check_pinning(cfg, errors, board, board_cpus):
    mx = cfg.int("MAX_VCPUS")
    overcommit = cfg.bool("ALLOW_OVERCOMMIT")
    vmm = set(_cpus(cfg, errors, "VMM_CPUS", board_cpus, board))
    try:
        table = parse_pin_table(cfg.str("VCPU_PIN_TABLE"))
    except ValueError as e:
        errors.append(f"VCPU_PIN_TABLE: {e}")
        return

    if not table:
        usable = set(range(board_cpus)) - vmm or set(range(board_cpus))
        if mx > len(usable) and not overcommit:
            errors.append(f"MAX_VCPUS ({mx}) exceeds the {len(usable)} host CPU(s) "
                          f"({cpulist.fmt(usable)}) outside VMM_CPUS on board {board}: "
                          "that is over-commit; set ALLOW_OVERCOMMIT=y, use fewer vCPUs "
                          "or a bigger board")
        return

    owner = {}
    pinned = {}
    for vcpu, cpus, entry in table:
        if vcpu >= mx:
            errors.append(f"VCPU_PIN_TABLE: vCPU {vcpu} does not exist "
                          f"(MAX_VCPUS = {mx}: vCPUs 0-{mx - 1}); drop entry '{entry}'")
            continue
        if vcpu in pinned:
            errors.append(f"VCPU_PIN_TABLE: vCPU {vcpu} is pinned twice ('{pinned[vcpu][1]}' "
                          f"and '{entry}'): keep one entry per vCPU")
            continue
        pinned[vcpu] = (cpus, entry)
        for cpu in cpus:
            if cpu >= board_cpus:
                errors.append(f"VCPU_PIN_TABLE: vCPU {vcpu} is pinned to host CPU {cpu}, "
                              f"but board {board} has CPUs {cpulist.fmt(range(board_cpus))}")
                continue
            if cpu in owner and not overcommit:
                errors.append(f"VCPU_PIN_TABLE: vCPUs {owner[cpu]} and {vcpu} share host "
                              f"CPU {cpu} (over-commit): give each vCPU its own CPUs or "
                              "set ALLOW_OVERCOMMIT=y")
            owner.setdefault(cpu, vcpu)
    missing = [v for v in range(mx) if v not in pinned]
    if missing:
        errors.append(f"VCPU_PIN_TABLE: vCPU(s) {cpulist.fmt(missing)} have no entry: "
                      f"pin every vCPU 0-{mx - 1} (MAX_VCPUS) or leave the table empty")
    if not vmm:
        errors.append("VMM_CPUS is empty while vCPUs are pinned: name the housekeeping "
                      "CPUs the VMM's own threads run on (the board's: "
                      f"\"{cfg.str('BOARD_HOUSEKEEPING_CPUS')}\")")
    shared = vmm & set(owner)
    if shared:
        errors.append(f"VMM_CPUS ({cpulist.fmt(vmm)}) overlaps the pinned vCPU CPUs at host "
                      f"CPU(s) {cpulist.fmt(shared)}: the VMM's threads must stay off the "
                      "guest's CPUs; move them to housekeeping CPUs")


def check_guest(cfg, errors):
    mem = cfg.int("GUEST_MEM_MB")
    host = cfg.int("BOARD_MEM_MB")
    board = cfg.str("BOARD_NAME")
    if mem + HOST_RESERVE_MB > host:
        errors.append(f"GUEST_MEM_MB ({mem}) does not fit board {board}: it has {host} MiB "
                      f"and keeps at least {HOST_RESERVE_MB} MiB for the host; lower "
                      "GUEST_MEM_MB or pick the right board")
    if cfg.bool("GUEST_HUGEPAGES") and mem % 2:
        errors.append(f"GUEST_MEM_MB ({mem}) is not a multiple of 2 MiB, as GUEST_HUGEPAGES "
                      "needs: round it to an even number")
    cmdline = cfg.str("GUEST_CMDLINE")
    if len(cmdline.encode()) > CMDLINE_MAX:
        errors.append(f"GUEST_CMDLINE is {len(cmdline.encode())} bytes, more than the "
                      f"{CMDLINE_MAX} the boot protocol allows: shorten it")
    if not cfg.str("GUEST_KERNEL"):
        errors.append("GUEST_KERNEL is empty: name the guest bzImage")
    if not cfg.bool("GUEST_EMBED"):
        for name in ("GUEST_KERNEL", "GUEST_INITRD"):
            path = cfg.str(name)
            if path and not path.startswith("/"):
                errors.append(f"{name} (\"{path}\") must be an absolute path when GUEST_EMBED "
                              "is off: the image opens it at run time, from any directory")


def check_cpu_model(cfg, errors):
    feats = cfg.str("CPU_FEATURES").strip()
    if not feats:
        return
    for item in feats.split(","):
        if not FEATURE_RE.match(item.strip()):
            errors.append(f"CPU_FEATURES: '{item.strip()}' is not '+name' or '-name' "
                          "(QEMU feature names, e.g. \"+aes,-avx2\")")


def check(kconf):
    """Run every rule; return the list of error lines (empty when valid)."""
    cfg = Config(kconf)
    errors = []
    check_topology(cfg, errors)
    board, n = check_board(cfg, errors)
    check_pinning(cfg, errors, board, n)
    check_guest(cfg, errors)
    check_cpu_model(cfg, errors)
    return errors
