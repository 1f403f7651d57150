#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print the host kernel parameters the configured board needs.

  host_cmdline.py <objtree>      reads <objtree>/.config (validated)

The board's isolated CPUs (BOARD_ISOLATED_CPUS) get isolcpus= (kept off
the scheduler's load balancing and away from managed interrupts),
nohz_full= (no scheduler tick while one task runs) and rcu_nocbs= (RCU
callbacks run elsewhere); irqaffinity= keeps the other interrupts on the
housekeeping CPUs (BOARD_HOUSEKEEPING_CPUS). One line on stdout, to add
to the host's bootloader configuration (e.g. GRUB_CMDLINE_LINUX).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cpulist  # noqa: E402
import kconfig  # noqa: E402


def host_cmdline(iso, hk):
    """The parameters for cpulists iso and hk (normalised); [] when none."""
    params = []
    if iso:
        params += [f"isolcpus=managed_irq,domain,{iso}", f"nohz_full={iso}", f"rcu_nocbs={iso}"]
    if hk:
        params.append(f"irqaffinity={hk}")
    return params


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        kconf = kconfig.load_kconfig()
        kconfig.load_dotconfig(kconf, sys.argv[1])
        kconfig.validate(kconf)
    except kconfig.Rejected as e:
        for line in e.errors:
            print(f"error: {line}", file=sys.stderr)
        sys.exit(1)
    syms = kconf.syms
    board = syms["BOARD_NAME"].str_value
    iso = cpulist.fmt(cpulist.parse(syms["BOARD_ISOLATED_CPUS"].str_value))
    hk = cpulist.fmt(cpulist.parse(syms["BOARD_HOUSEKEEPING_CPUS"].str_value))
    if not iso:
        print(f"warning: board {board} isolates no CPUs (BOARD_ISOLATED_CPUS is empty): "
              "nothing to isolate", file=sys.stderr)
    print(" ".join(host_cmdline(iso, hk)))


if __name__ == "__main__":
    main()
