#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Arithmetic and the CSV of "make bench" (tests/bench/README).

  stats.py median V...                       the median
  stats.py row CSV METRIC UNIT KEEL PEER PEER_VALUE GOAL N
      append one row; ratio = KEEL/PEER_VALUE; GOAL "<=X" is on the
      ratio, "<=X<unit>" (e.g. "<=2MiB") on Keel's own value; "-": none
  stats.py table CSV                         the table, as text
  stats.py chart CSV DATAFILE                Keel's advantage per row, for gnuplot
  stats.py exits LOG PATTERN CSV             the exits of the nested exits
      and io cases (tests/bench/nested-l1: its console LOG, the hist files
      <prefix>.<vmm>.<run>[.<phase>].hist that PATTERN matches): per phase
      (boot, or the io figure) and VMM, the median over its counted runs
      of each reason, port, MMIO page and MSR, as CSV
      (phase,vmm,kind,item,count,runs) and as a table on stdout
  stats.py exitchart CSV DATAFILE            the boot phase of exits.csv for
      gnuplot: the total and the reasons (most first), one count per VMM
"""
import csv
import glob
import re
import statistics
import sys
import textwrap

HEADER = ["metric", "unit", "keel", "peer", "peer_value", "ratio", "goal", "goal_met", "n"]


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def fmt(v):
    if v is None:
        return "-"
    if v == 0 or abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    if abs(v) >= 1:
        return "%.2f" % v
    return "%.3f" % v


def goal_met(goal, keel, ratio, unit):
    m = re.fullmatch(r"(<=|>=)([0-9.]+)(.*)", goal)
    if not m:
        return "-"
    op, limit, gunit = m.group(1), float(m.group(2)), m.group(3)
    value = keel if gunit else ratio
    if gunit and gunit != unit:
        sys.exit("stats.py: goal %s: unit %s is not the row's unit %s" % (goal, gunit, unit))
    if value is None:
        return "-"
    ok = value <= limit if op == "<=" else value >= limit
    return "yes" if ok else "no"


def row(path, metric, unit, keel, peer, peer_value, goal, n):
    if "," in metric:
        sys.exit("stats.py: a metric name may not hold a comma: " + metric)
    k, p = num(keel), num(peer_value)
    ratio = k / p if k is not None and p else None
    new = not open(path, "a+").tell()
    with open(path, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(HEADER)
        w.writerow([metric, unit, fmt(k) if k is not None else "-", peer or "-",
                    fmt(p), "%.3f" % ratio if ratio is not None else "-", goal or "-",
                    goal_met(goal, k, ratio, unit), n])


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f)]


def table(path):
    rs = rows(path)
    cols = ["metric", "unit", "keel", "peer", "peer_value", "ratio", "goal", "goal_met", "n"]
    head = ["metric", "unit", "Keel", "peer", "peer value", "ratio", "goal", "met", "n"]
    width = [max(len(h), *(len(r[c]) for r in rs)) if rs else len(h) for h, c in zip(head, cols)]
    line = lambda vals: "  ".join(v.ljust(w) if i < 2 or i == 3 else v.rjust(w)
                                  for i, (v, w) in enumerate(zip(vals, width))).rstrip()
    out = [line(head), line(["-" * w for w in width])]
    out += [line([r[c] for c in cols]) for r in rs]
    print("\n".join(out))


# Units where more is better for Keel (throughputs); in every other row
# (times, sizes, counts) less is.
HIGHER_IS_BETTER = ("MB/s", "Mbit/s", "IOPS")


def chart(path, data):
    """index, label, Keel's advantage, its goal (or -1), bar colour (goal
    met, missed, none): one line per row that has a ratio. The advantage
    reads one way on every row, higher is better: peer / Keel for times,
    sizes and counts, Keel / peer for throughputs; a goal "<=X" on a
    time's ratio is an advantage of at least 1/X."""
    with open(data, "w") as f:
        i = 0
        for r in rows(path):
            ratio = num(r["ratio"])
            if not ratio:
                continue
            up = r["unit"] in HIGHER_IS_BETTER
            adv = ratio if up else 1 / ratio
            m = re.fullmatch(r"(<=|>=)([0-9.]+)", r["goal"])
            goal = -1
            if m and float(m.group(2)):
                goal = float(m.group(2)) if up else 1 / float(m.group(2))
            lines = textwrap.wrap(r["metric"], 22) + ["vs " + r["peer"]]
            label = "\\n".join(lines).replace('"', "'")
            color = {"yes": 0x2CA02C, "no": 0xFF7F0E}.get(r["goal_met"], 0x3A7DC9)
            f.write('%d "%s" %g %g %d\n' % (i, label, adv, goal, color))
            i += 1


# SVM exit codes (AMD APM vol. 2, appendix C), as L1's kvm_exit event
# gives them: the L1 of tests/e2e/run-nested is an AMD (SVM) host.
SVM_EXITS = {0x060: "external interrupt", 0x061: "NMI", 0x063: "INIT", 0x065: "CR0 selective write",
             0x064: "interrupt window (VINTR)", 0x06e: "RDTSC", 0x072: "CPUID",
             0x073: "RSM", 0x077: "PAUSE", 0x078: "HLT", 0x079: "INVLPG", 0x07b: "I/O port",
             0x07c: "MSR", 0x07f: "shutdown", 0x081: "VMMCALL", 0x087: "RDTSCP",
             0x089: "WBINVD", 0x08d: "XSETBV", 0x400: "nested page fault (RAM, MMIO)"}


def svm_exit(code):
    if code in SVM_EXITS:
        return SVM_EXITS[code]
    if code < 0x10:
        return "CR%d read" % code
    if code < 0x20:
        return "CR%d write" % (code - 0x10)
    if code < 0x40:
        return "DR%d %s" % (code & 0xf, "read" if code < 0x30 else "write")
    if code < 0x60:
        return "exception %d" % (code - 0x40)
    return "exit %#x" % code


BEGIN_END = re.compile(r"\[[0-9.]+\] E2E-BENCH-(BEGIN|END) \S+ (\S+) (\d+)(?: status (\d+))?")


def exit_items(key, entry):
    """(kind, item) and count of one histogram entry, or None"""
    f = dict(re.findall(r"(\w+): +(\d+)", entry))
    n = int(f.pop("hitcount"))
    if key == "kvm_exit:exit_reason":
        return ("reason", svm_exit(int(f["exit_reason"]))), n
    if key == "kvm_exit:info1":  # SVM IOIO EXITINFO1: port, IN bit 0, size
        v = int(f["info1"])
        size = {1: 1, 2: 2, 4: 4}.get(v >> 4 & 7, 0)
        return ("port", "%#06x %s%d" % (v >> 16, "in" if v & 1 else "out", 8 * size)), n
    if key == "kvm_exit:info2":
        return ("mmio", "%#x" % (int(f["info2"]) & ~0xfff)), n
    if key == "kvm_msr:ecx,write":
        return ("msr", "%#x %s" % (int(f["ecx"]), "write" if f["write"] != "0" else "read")), n
    return None


def hist_file(path):
    """the counts of one exits.<vmm>.<run>.hist (ftrace hist files of the
    kvm_exit and kvm_msr events, one after the other; in the io case
    "# tap <counter> <n>" lines after them, from nested-l1)"""
    c, key = {}, None
    for line in open(path, errors="replace"):
        m = re.match(r"# trigger info: hist:keys=([^:]*):", line)
        if m:
            ev = "kvm_msr" if "ecx" in m.group(1) else "kvm_exit"
            key = ev + ":" + m.group(1)
            continue
        m = re.match(r"# tap (\w+) (\d+)$", line)
        if m:
            c[("tap", m.group(1))] = int(m.group(2))
            continue
        m = re.match(r" *Dropped: *([1-9][0-9]*)", line)
        if m:
            c[("dropped", key)] = c.get(("dropped", key), 0) + int(m.group(1))
        elif line.startswith("{") and key:
            it = exit_items(key, line)
            if it:
                c[it[0]] = c.get(it[0], 0) + it[1]
    for d in ("rx", "tx"):
        if c.get(("tap", d + "_packets")):
            c[("tap", d + "_bytes_per_frame")] = round(
                c[("tap", d + "_bytes")] / c[("tap", d + "_packets")])
    return c


def count(n):
    return "%d" % n if n == int(n) else "%.1f" % n


def exit_runs(log, pattern):
    """{(vmm, phase): [counts of each counted run]} from the hist files
    <prefix>.<vmm>.<run>[.<phase>].hist that match pattern; run 0 is the
    warm-up, and a run counts when its VMM ended with status 0 (LOG)"""
    status = {}
    for line in open(log, errors="replace"):
        m = BEGIN_END.match(line)
        if m and m.group(1) == "END":
            status[(m.group(2), m.group(3))] = int(m.group(4))
    runs = {}
    for path in sorted(glob.glob(pattern)):
        parts = path.rsplit("/", 1)[1].split(".")
        vmm, run = parts[1], parts[2]
        phase = parts[3] if len(parts) > 4 else "boot"
        if run != "0" and status.get((vmm, run)) == 0:
            runs.setdefault((vmm, phase), []).append(hist_file(path))
    return runs


def vmm_order(vmms):
    """Keel first, then its peers in the order of the tables"""
    order = ("keel", "microvm", "pc")
    return sorted(vmms, key=lambda v: (order.index(v) if v in order else 9, v))


def exits(log, pattern, out):
    runs = exit_runs(log, pattern)
    if not runs:
        sys.exit("stats.py: exits: no counted run in %s (%s)" % (pattern, log))
    vmms = vmm_order({v for v, _ in runs})
    phases = sorted({p for _, p in runs})
    med = {}
    for (v, ph), rs in runs.items():
        for it in set().union(*rs):
            med[(ph, v) + it] = statistics.median(c.get(it, 0) for c in rs)
        med[(ph, v, "total", "exits")] = statistics.median(
            sum(n for (k, _), n in c.items() if k == "reason") for c in rs)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["phase", "vmm", "kind", "item", "count", "runs"])
        for (ph, v, k, item), n in sorted(med.items()):
            w.writerow([ph, v, k, item, count(n), len(runs[(v, ph)])])
    for ph in phases:
        if len(phases) > 1:
            print("== %s" % ph)
        for kind, title in (("total", "exits"), ("reason", "by reason"),
                            ("port", "I/O port exits by port"),
                            ("mmio", "MMIO page faults by 4 KiB page (above 3 GiB)"),
                            ("msr", "MSR exits by MSR"),
                            ("tap", "L1's tap (rx: frames the guest sent)"),
                            ("dropped", "DROPPED entries")):
            items = sorted({i for (p, _, k, i) in med if p == ph and k == kind},
                           key=lambda i: -max(med.get((ph, v, kind, i), 0) for v in vmms))
            if not items:
                continue
            most = 25 if len(phases) == 1 else 8
            print("%-44s %s" % (title, " ".join("%9s" % v for v in vmms)))
            for i in items[:most]:
                print("  %-42s %s" % (i, " ".join("%9s" % count(med.get((ph, v, kind, i), 0))
                                                 for v in vmms)))
            if len(items) > most:
                print("  (%d more in %s)" % (len(items) - most, out))
    print("medians over %s counted runs" % ", ".join(
        "%s %d" % (v, max(len(rs) for (w, _), rs in runs.items() if w == v)) for v in vmms))


def exitchart(path, data):
    """label, then one count per VMM (keel, microvm, pc; 0 where one had
    none): the total exits of a boot, then each reason, most first (the
    9 largest, the rest as "other"). The header line names the VMMs, for
    the chart's key."""
    med, vmms = {}, set()
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["phase"] != "boot" or r["kind"] not in ("total", "reason"):
                continue
            vmms.add(r["vmm"])
            item = "total" if r["kind"] == "total" else r["item"]
            med[(item, r["vmm"])] = float(r["count"])
    if not med:
        sys.exit("stats.py: exitchart: no boot exits in %s" % path)
    vmms = vmm_order(vmms)
    items = sorted({i for i, _ in med}, key=lambda i: (i != "total",
                                                      -max(med.get((i, v), 0) for v in vmms)))
    # the total and the 9 largest reasons; the rest as one bar
    if len(items) > 11:
        for v in vmms:
            med[("other", v)] = sum(med.get((i, v), 0) for i in items[10:])
        items = items[:10] + ["other"]
    with open(data, "w") as f:
        f.write("label %s\n" % " ".join(vmms))
        for i in items:
            label = "\\n".join(textwrap.wrap(i, 14)).replace('"', "'")
            f.write('"%s" %s\n' % (label, " ".join("%g" % med.get((i, v), 0) for v in vmms)))


def main(a):
    if len(a) >= 2 and a[0] == "median":
        print(repr(statistics.median(float(x) for x in a[1:])))
    elif len(a) == 9 and a[0] == "row":
        row(*a[1:])
    elif len(a) == 2 and a[0] == "table":
        table(a[1])
    elif len(a) == 3 and a[0] == "chart":
        chart(a[1], a[2])
    elif len(a) == 3 and a[0] == "exitchart":
        exitchart(a[1], a[2])
    elif len(a) == 4 and a[0] == "exits":
        exits(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
