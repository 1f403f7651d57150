# SPDX-License-Identifier: GPL-2.0
"""The kernel's cpulist syntax ("0-3,8,10-11"), parsed and printed."""


class CpuListError(ValueError):
    pass


def parse(text):
    """Return the sorted list of CPU numbers in a cpulist string.

    Raises CpuListError naming the offending part. An empty string is the
    empty list.
    """
    cpus = set()
    text = text.strip()
    if not text:
        return []
    for part in text.split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise CpuListError(f"'{part}' is not a CPU number or range "
                               "(expected e.g. \"0-3,8\")")
        first = int(lo)
        last = int(hi) if sep else first
        if last < first:
            raise CpuListError(f"range '{part}' runs backwards")
        cpus.update(range(first, last + 1))
    return sorted(cpus)


def fmt(cpus):
    """Print CPU numbers as a cpulist: [0, 1, 2, 5] -> "0-2,5"."""
    cpus = sorted(set(cpus))
    out = []
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(out)
