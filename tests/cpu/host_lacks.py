#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The CPU features this host's KVM does not support, among those named or
those of a model (QEMU's expansion in scripts/cpu_models.py); read from
/dev/kvm by the test itself (tests/cpu/kvm_cpuid.py), not through Keel.

usage: host_lacks.py <feature...>       the named features this host lacks
       host_lacks.py --model <Name>     the model's features this host lacks
Prints the names on one line, space-separated (empty: none lacking).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, HERE)
import check_cpuid  # noqa: E402
import cpu_models  # noqa: E402
import kvm_cpuid  # noqa: E402


def main():
    args = sys.argv[1:]
    if not args or (args[0] == "--model" and len(args) != 2):
        sys.exit(__doc__.strip())
    cat = cpu_models.Catalog()
    if args[0] == "--model":
        want = cpu_models.expand(cat, args[1])["words"]
    else:
        want = cat.words_of(args)
    host = check_cpuid.host_words(cat, kvm_cpuid.cpuid_table())
    print(" ".join(n for w in range(len(cat.words)) for n in cat.names_of(w, want[w] & ~host[w])))


if __name__ == "__main__":
    main()
