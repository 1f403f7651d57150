# SPDX-License-Identifier: GPL-2.0
# make soak [SOAK_RUNS=N] [SOAK_SIGTERMS=M] [SOAK_E2E=K] [SOAK_SEED=S]:
# N probe-guest boots (default 200), M random SIGTERMs during boot
# (default 50), K real-Linux boots nested in QEMU (default 0); see
# tests/soak/soak.py. Builds and scratch files in $(O)/soak-work/.
SOAK_RUNS ?= 200
SOAK_SIGTERMS ?= 50
SOAK_E2E ?= 0

soak:
	$(Q)rm -rf $(objtree)/soak-work/soak
	$(Q)mkdir -p $(objtree)/soak-work
	$(Q)SRC=$(srctree) WORK=$(objtree)/soak-work SOAK_O=$(objtree)/soak-work/obj \
		SOAK_RUNS=$(SOAK_RUNS) SOAK_SIGTERMS=$(SOAK_SIGTERMS) SOAK_E2E=$(SOAK_E2E) \
		$(if $(SOAK_SEED),SOAK_SEED=$(SOAK_SEED)) $(srctree)/tests/soak/run.sh

.PHONY: soak
