#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Arithmetic and the CSV of "make bench" (tests/bench/README).

  stats.py median V...                       the median
  stats.py row CSV METRIC UNIT KEEL PEER PEER_VALUE GOAL N
      append one row; ratio = KEEL/PEER_VALUE; GOAL "<=X" is on the
      ratio, "<=X<unit>" (e.g. "<=2MiB") on Keel's own value; "-": none
  stats.py table CSV                         the table, as text
  stats.py chart CSV DATAFILE                the ratios for gnuplot
"""
import csv
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


def chart(path, data):
    """index, label, ratio, goal (or -1), bar colour (goal met, missed, none):
    one line per row that has a ratio."""
    with open(data, "w") as f:
        i = 0
        for r in rows(path):
            ratio = num(r["ratio"])
            if ratio is None:
                continue
            m = re.fullmatch(r"<=([0-9.]+)", r["goal"])
            lines = textwrap.wrap(r["metric"], 22) + ["vs " + r["peer"]]
            label = "\\n".join(lines).replace('"', "'")
            color = {"yes": 0x2CA02C, "no": 0xFF7F0E}.get(r["goal_met"], 0x3A7DC9)
            f.write('%d "%s" %g %s %d\n' % (i, label, ratio, m.group(1) if m else "-1", color))
            i += 1


def main(a):
    if len(a) >= 2 and a[0] == "median":
        print(repr(statistics.median(float(x) for x in a[1:])))
    elif len(a) == 9 and a[0] == "row":
        row(*a[1:])
    elif len(a) == 2 and a[0] == "table":
        table(a[1])
    elif len(a) == 3 and a[0] == "chart":
        chart(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
