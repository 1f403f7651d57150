# SPDX-License-Identifier: GPL-2.0
#
# Real Linux end to end (tests/e2e/README), a make fragment for the
# top-level Makefile. Provides:
#
#   demo    from a fresh machine: Debian packages, guest assets, build
#           edge_2s2c2t_defconfig in DEMO_O (default $(objtree)/build/demo),
#           boot it (on /dev/kvm if the host has hardware virtualization,
#           else nested under QEMU TCG with kvm_amd; DEMO_HOST=intel: nested
#           under Bochs with kvm_intel, DEMO_HOST=amd: always nested under
#           QEMU) and show the guest's view of its CPUs next to the
#           configuration (tests/e2e/demo.sh)
#
# The end-to-end suite itself is tests/e2e/run.sh in "make check"; alone:
# tests/run <objtree> e2e. Including this file does not change the default
# goal.

demo-dir = $(abspath $(or $(DEMO_O),$(objtree)/build/demo))

demo:
	$(Q)$(srctree)/tests/e2e/demo.sh $(demo-dir)

.PHONY: demo
