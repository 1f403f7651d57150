# SPDX-License-Identifier: GPL-2.0
"""Cross-symbol rules Kconfig cannot express.

Each rule appends one line per problem, naming the symbol and the fix.
The same rules are asserted again at compile time on the generated
headers (core/config_check.c, core/pin.c), so a hand-edited header
cannot slip by. Some rules only warn (SMT placement, ISOLATION_POLICY_WARN):
their lines do not fail the build and are printed as "warning: ..." on
stderr (see check()).
"""
import re
import sys

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
    d = cfg.int("TOPO_DIES")
    if nr > mx:
        errors.append(f"NR_VCPUS ({nr}) > MAX_VCPUS ({mx}): the vCPUs online at boot "
                      "cannot exceed the possible vCPUs; raise MAX_VCPUS or lower NR_VCPUS")
    if s * d * c * t != mx:
        errors.append(f"TOPO_SOCKETS*TOPO_DIES*TOPO_CORES*TOPO_THREADS = {s}*{d}*{c}*{t} = "
                      f"{s * d * c * t}, but MAX_VCPUS = {mx}: the shape must hold exactly "
                      "MAX_VCPUS vCPUs (QEMU's rule); adjust the shape or MAX_VCPUS")


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


def isolation_policy(cfg):
    """'ignore', 'warn' or 'enforce' (the ISOLATION_POLICY choice)."""
    for policy in ("IGNORE", "WARN", "ENFORCE"):
        if cfg.bool(f"ISOLATION_POLICY_{policy}"):
            return policy.lower()
    return "enforce"


def _policy_problem(cfg, errors, warnings, text, fix):
    """One isolation problem: an error, a warning or nothing, per policy."""
    policy = isolation_policy(cfg)
    if policy == "enforce":
        errors.append(f"{text}: {fix}, or choose ISOLATION_POLICY_WARN")
    elif policy == "warn":
        warnings.append(f"{text}: {fix} (ISOLATION_POLICY_WARN: building anyway)")


def _vcpus_and_cpus(pinned, cpus):
    """'vCPU 0 on host CPU 2 is' / 'vCPUs 0-1 on host CPUs 2,4 are'."""
    vcpus = sorted(v for v, (c, _) in pinned.items() if set(c) & set(cpus))
    v = f"vCPU {vcpus[0]}" if len(vcpus) == 1 else f"vCPUs {cpulist.fmt(vcpus)}"
    c = f"host CPU {cpus[0]} is" if len(cpus) == 1 else f"host CPUs {cpulist.fmt(cpus)} are"
    return f"{v} on {c}"


def check_isolation(cfg, errors, warnings, board, board_cpus, pinned, vmm):
    """Pinned CPUs are isolated, VMM CPUs housekeeping (ISOLATION_POLICY).

    CPUs off the board, and VMM CPUs that overlap the pins, are reported
    by check_pinning() already.
    """
    try:
        iso = set(cpulist.parse(cfg.str("BOARD_ISOLATED_CPUS")))
        hk = set(cpulist.parse(cfg.str("BOARD_HOUSEKEEPING_CPUS")))
    except cpulist.CpuListError:
        return                                # reported by check_board()
    used = {cpu for cpus, _ in pinned.values() for cpu in cpus if cpu < board_cpus}
    outside = sorted(used - iso)
    if outside:
        _policy_problem(cfg, errors, warnings,
                        f"VCPU_PIN_TABLE: {_vcpus_and_cpus(pinned, outside)} outside board "
                        f"{board}'s isolated CPUs (BOARD_ISOLATED_CPUS=\"{cfg.str('BOARD_ISOLATED_CPUS')}\")",
                        "pin the vCPUs to isolated CPUs")
    not_hk = sorted(c for c in vmm - hk - used if c < board_cpus)
    if not_hk:
        _policy_problem(cfg, errors, warnings,
                        f"VMM_CPUS: host CPU(s) {cpulist.fmt(not_hk)} are not housekeeping CPUs of "
                        f"board {board} (BOARD_HOUSEKEEPING_CPUS=\"{cfg.str('BOARD_HOUSEKEEPING_CPUS')}\")",
                        "put the VMM's threads on housekeeping CPUs")


def _guest_core(cfg, vcpu):
    """(socket, core) of a guest vCPU index, as the topology numbers them
    (the core counted over the socket's dies)."""
    t, c, d = cfg.int("TOPO_THREADS"), cfg.int("TOPO_CORES"), cfg.int("TOPO_DIES")
    return vcpu // (t * c * d), (vcpu // t) % (c * d)


def _smt_groups(cfg):
    groups = []
    for group in cfg.str("BOARD_SMT_SIBLINGS").split():
        try:
            groups.append(set(cpulist.parse(group)))
        except cpulist.CpuListError:
            return []                         # reported by check_board()
    return groups


def check_smt(cfg, warnings, board, pinned):
    """SMT-aware placement: warnings only, the layout still works.

    a) vCPUs of different guest cores on sibling hyper-threads of one host
       core: the guest schedules them as independent cores, yet they
       compete for one core's execution units and caches;
    b) the threads of one guest core on different host cores when the
       board has SMT siblings that could hold them together.
    """
    groups = _smt_groups(cfg)
    if not groups or not pinned:
        return
    threads = cfg.int("TOPO_THREADS")

    def label(v):
        s, c = _guest_core(cfg, v)
        return f"vCPU {v} (guest socket {s} core {c})"

    for group in groups:
        on = {}                               # vCPU -> its CPUs in this host core
        for v, (cpus, _) in sorted(pinned.items()):
            mine = set(cpus) & group
            if mine:
                on[v] = mine
        bad = set()
        for v in on:
            for w in on:
                if (v < w and _guest_core(cfg, v) != _guest_core(cfg, w)
                        and any(a != b for a in on[v] for b in on[w])):
                    bad |= {v, w}
        if bad:
            cpus = set().union(*(on[v] for v in bad))
            warnings.append(f"VCPU_PIN_TABLE: {' and '.join(label(v) for v in sorted(bad))} "
                            f"run on host CPUs {cpulist.fmt(cpus)}, hyper-threads of one core "
                            f"of board {board} (BOARD_SMT_SIBLINGS): the guest sees separate "
                            "cores that share one; pin them to different host cores, or make "
                            "them threads of one guest core (TOPO_THREADS)")

    if threads < 2 or max(len(g) for g in groups) < threads:
        return                                # the board cannot hold a guest core on one core
    core_of = {cpu: i for i, group in enumerate(groups) for cpu in group}
    for first in range(0, cfg.int("MAX_VCPUS"), threads):
        members = [v for v in range(first, first + threads) if v in pinned]
        cpus = sorted({cpu for v in members for cpu in pinned[v][0]})
        cores = {core_of.get(cpu, ("alone", cpu)) for cpu in cpus}
        if len(members) < 2 or len(cores) < 2:
            continue
        s, c = _guest_core(cfg, first)
        hint = next((g for g in groups if cpus[0] in g and len(g) >= threads),
                    next(g for g in groups if len(g) >= threads))
        warnings.append(f"VCPU_PIN_TABLE: vCPUs {cpulist.fmt(members)}, the threads of guest "
                        f"socket {s} core {c}, run on host CPUs {cpulist.fmt(cpus)} of different "
                        f"host cores, though board {board} has SMT siblings "
                        "(BOARD_SMT_SIBLINGS): the guest shares caches between them that the "
                        "host does not; pin them to hyper-threads of one host core (e.g. CPUs "
                        f"{cpulist.fmt(hint)})")


def check_sched(cfg, warnings, pinned, shared):
    if not cfg.bool("VCPU_SCHED_FIFO"):
        return
    if not pinned:
        warnings.append("VCPU_SCHED_FIFO with an empty VCPU_PIN_TABLE: real-time vCPU threads "
                        "float over the host's CPUs and can starve its own work there; pin "
                        "them to isolated CPUs")
    elif shared:
        warnings.append(f"VCPU_SCHED_FIFO with vCPUs sharing host CPU(s) {cpulist.fmt(shared)} "
                        "(ALLOW_OVERCOMMIT): a busy real-time vCPU is not preempted by its "
                        "peer of the same priority; give each vCPU its own CPUs")


def check_test_build(cfg, errors, warnings):
    root = cfg.str("TEST_SYSFS_ROOT")
    if not root:
        return
    if not root.startswith("/"):
        errors.append(f"TEST_SYSFS_ROOT (\"{root}\") must be an absolute path (a fake sysfs "
                      "tree for tests), or empty in production images")
    else:
        warnings.append(f"TEST_SYSFS_ROOT=\"{root}\": this image reads the host's CPU facts "
                        "from a fake tree; a test build, never flash it on a host")


def check_pinning(cfg, errors, board, board_cpus, warnings=None):
    warnings = [] if warnings is None else warnings
    mx = cfg.int("MAX_VCPUS")
    overcommit = cfg.bool("ALLOW_OVERCOMMIT")
    vmm = set(_cpus(cfg, errors, "VMM_CPUS", board_cpus, board))
    try:
        table = parse_pin_table(cfg.str("VCPU_PIN_TABLE"))
    except ValueError as e:
        errors.append(f"VCPU_PIN_TABLE: {e}")
        return

    if not table:
        check_isolation(cfg, errors, warnings, board, board_cpus, {}, vmm)
        check_sched(cfg, warnings, {}, set())
        usable = set(range(board_cpus)) - vmm or set(range(board_cpus))
        if mx > len(usable) and not overcommit:
            errors.append(f"MAX_VCPUS ({mx}) exceeds the {len(usable)} host CPU(s) "
                          f"({cpulist.fmt(usable)}) outside VMM_CPUS on board {board}: "
                          "that is over-commit; set ALLOW_OVERCOMMIT=y, use fewer vCPUs "
                          "or a bigger board")
        return

    owner = {}
    pinned = {}
    shared_cpus = set()
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
            if cpu in owner:
                shared_cpus.add(cpu)
                if not overcommit:
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
    check_isolation(cfg, errors, warnings, board, board_cpus, pinned, vmm)
    check_smt(cfg, warnings, board, pinned)
    check_sched(cfg, warnings, pinned, set(shared_cpus))


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
    """CPU_MODEL has a table entry; CPU_FEATURES names features that exist."""
    import cpu_models                         # arch/x86/cpu_models.txt, cpu_features.txt

    try:
        cat = cpu_models.Catalog()
    except (cpu_models.DataError, OSError) as e:
        errors.append(f"CPU_MODEL: the model tables are broken: {e}")
        return
    model = cfg.str("CPU_MODEL")
    if model not in cat.models:
        errors.append(f"CPU_MODEL \"{model}\" has no entry in arch/x86/cpu_models.txt: "
                      "add one (see that file) or pick another model")
        return
    feats = cfg.str("CPU_FEATURES").strip()
    bad = [item.strip() for item in feats.split(",") if not FEATURE_RE.match(item.strip())]
    for item in bad if feats else []:
        errors.append(f"CPU_FEATURES: '{item}' is not '+name' or '-name' "
                      "(QEMU feature names, e.g. \"+aes,-avx2\")")
    if feats and bad:
        return
    problems = cpu_models.check_features(cat, feats)
    errors.extend(problems)
    if problems:
        return
    # Keel enters the guest kernel in 64-bit mode: a CPU without long mode cannot run it.
    sign = {cat.canonical(n): s for s, n in cpu_models.parse_features(feats)}.get("lm")
    m = cat.model(model)
    if sign == "-" or (sign is None and not m["passthrough"] and "lm" not in m["features"]):
        fix = ("drop \"-lm\" from CPU_FEATURES" if sign == "-" else
               "add \"+lm\" to CPU_FEATURES or pick a 64-bit model")
        errors.append(f"CPU_MODEL \"{model}\"{' with CPU_FEATURES' if feats else ''} has no long "
                      f"mode (lm): keel boots 64-bit kernels, which cannot run on it; {fix}")


def check_numa(cfg, errors):
    nodes, sockets = cfg.int("NUMA_NODES"), cfg.int("TOPO_SOCKETS")
    if sockets % nodes:
        errors.append(f"NUMA_NODES ({nodes}) does not divide TOPO_SOCKETS ({sockets}): "
                      "each node holds whole sockets; pick a divisor of TOPO_SOCKETS")
    if cfg.int("GUEST_MEM_MB") < 16 * nodes:
        errors.append(f"GUEST_MEM_MB ({cfg.int('GUEST_MEM_MB')}) gives less than 16 MiB to "
                      f"each of the {nodes} NUMA nodes: raise GUEST_MEM_MB")
    host = cfg.str("NUMA_HOST_NODES").split()
    if not host:
        return
    board_nodes = len(cfg.str("BOARD_NUMA_NODES").split()) or 1
    if len(host) != nodes:
        errors.append(f"NUMA_HOST_NODES names {len(host)} host node(s) for {nodes} guest "
                      "node(s): give one host node per guest node")
    for h in host:
        if not h.isdigit() or int(h) >= board_nodes:
            errors.append(f"NUMA_HOST_NODES: '{h}' is not a host node of board "
                          f"{cfg.str('BOARD_NAME')} (nodes 0-{board_nodes - 1})")
            break


VIRTIO_MAX_SLOTS = 8      # arch/x86/platform.h PLAT_VIRTIO_MAX_SLOTS
VIRTIO_BLK_SERIAL_MAX = 20  # virtio-blk GET_ID: 20 bytes
IFNAMSIZ = 16             # tap names: up to 15 bytes + NUL
MAC_RE = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
TAP_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


def virtio_devices(cfg):
    """The configured virtio devices in slot order: (kind, index, prefix)."""
    devs = []
    if cfg.bool("VIRTIO_BLK"):
        devs.append(("blk", 0, "VIRTIO_BLK"))
        if cfg.bool("VIRTIO_BLK2"):
            devs.append(("blk", 1, "VIRTIO_BLK2"))
    if cfg.bool("VIRTIO_NET"):
        devs.append(("net", 0, "VIRTIO_NET"))
    if cfg.bool("VIRTIO_RNG"):
        devs.append(("rng", 0, "VIRTIO_RNG"))
    return devs


def check_virtio(cfg, errors):
    devs = virtio_devices(cfg)
    if len(devs) > VIRTIO_MAX_SLOTS:
        errors.append(f"VIRTIO_*: {len(devs)} virtio devices, more than the "
                      f"{VIRTIO_MAX_SLOTS} virtio-mmio slots of the platform: turn some off")
    for kind, _, prefix in devs:
        if kind == "blk":
            image = cfg.str(f"{prefix}_IMAGE")
            serial = cfg.str(f"{prefix}_SERIAL")
            if not image:
                errors.append(f"{prefix}_IMAGE is empty: name the raw image file of the disk")
            if len(serial.encode()) > VIRTIO_BLK_SERIAL_MAX:
                errors.append(f"{prefix}_SERIAL (\"{serial}\") is {len(serial.encode())} "
                              f"bytes, more than the {VIRTIO_BLK_SERIAL_MAX} virtio-blk allows: "
                              "shorten it")
        elif kind == "net":
            tap = cfg.str("VIRTIO_NET_TAP")
            mac = cfg.str("VIRTIO_NET_MAC")
            if not tap or len(tap.encode()) >= IFNAMSIZ or not TAP_RE.match(tap):
                errors.append(f"VIRTIO_NET_TAP (\"{tap}\") is not a valid interface name: "
                              f"1 to {IFNAMSIZ - 1} characters of letters, digits, '_', '-' "
                              "and '.'")
            if not MAC_RE.match(mac):
                errors.append(f"VIRTIO_NET_MAC (\"{mac}\") is not six hex bytes separated "
                              "by ':' (e.g. \"52:54:00:12:34:56\")")
            elif int(mac[:2], 16) & 1:
                errors.append(f"VIRTIO_NET_MAC (\"{mac}\") is a multicast address (bit 0 of "
                              "the first byte is set): use a unicast one such as "
                              "52:54:00:xx:xx:xx")
            elif int(mac.replace(":", ""), 16) == 0:
                errors.append(f"VIRTIO_NET_MAC (\"{mac}\") is all zeroes: use a unicast "
                              "address such as 52:54:00:xx:xx:xx")


def check(kconf, warnings=None):
    """Run every rule; return the list of error lines (empty when valid).

    Warning lines go to the list `warnings` when one is given, else they
    are printed on stderr as "warning: ..." (they never fail the build).
    """
    cfg = Config(kconf)
    errors = []
    warns = [] if warnings is None else warnings
    check_topology(cfg, errors)
    board, n = check_board(cfg, errors)
    check_pinning(cfg, errors, board, n, warns)
    check_test_build(cfg, errors, warns)
    check_guest(cfg, errors)
    check_cpu_model(cfg, errors)
    check_numa(cfg, errors)
    check_virtio(cfg, errors)
    if warnings is None:
        for line in warns:
            print(f"warning: {line}", file=sys.stderr)
    return errors
