#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Rewrite a gcc -MMD dependency file the way Kbuild's fixdep does.

Every object would depend on autoconf.h, which changes with any symbol.
Instead, drop autoconf.h and make the object depend on the per-symbol
stamp files $(O)/include/config/<sym>.h (kconfiglib's sync_deps) of each
CONFIG_ symbol its sources mention, so a changed .config rebuilds only
the objects that use a changed symbol.

Usage: fixdep.py <depfile> <objtree>
"""
import re
import sys

SYM_RE = re.compile(rb"\bCONFIG_([A-Za-z0-9_]+)")


def main():
    depfile, objtree = sys.argv[1], sys.argv[2]
    with open(depfile, encoding="utf-8") as f:
        text = f.read().replace("\\\n", " ")
    target, _, prereqs = text.partition(":")
    files = [p for p in prereqs.split() if not p.endswith("/generated/autoconf.h")]
    syms = set()
    for path in files:
        with open(path, "rb") as f:
            syms.update(m.group(1).decode() for m in SYM_RE.finditer(f.read()))
    out = [f"{target.strip()}: \\"]
    out += [f"  {p} \\" for p in files]
    out += [f"  $(wildcard {objtree}/include/config/{s.lower().replace('_', '/')}.h) \\"
            for s in sorted(syms)]
    out.append("")
    out += [f"{p}:" for p in files[1:]]     # like -MP: removed headers are not fatal
    with open(depfile, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
