# SPDX-License-Identifier: GPL-2.0
# libFuzzer targets (tests/fuzz/README): tests/fuzz/fuzz_<name>.c, built
# with clang -fsanitize=fuzzer,address,undefined and linked with the Keel
# sources listed in fuzz_<name>-srcs plus tests/fuzz/stubs.c (and their
# fuzz_<name>-cflags, -ldflags). They read no configuration.
#
#   make fuzz FUZZ_SECONDS=N     run every target N seconds (default 60),
#                                FUZZ_JOBS at a time (default 1)
#   make fuzz-build              only build them, into $(O)/tests/fuzz/

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -I$(srctree) -I$(srctree)/tests/fuzz

fuzz_boot-srcs := arch/x86/boot.c core/memory.c
fuzz_pio-srcs := core/bus.c devices/serial8250.c devices/i8042.c devices/rtc_cmos.c \
	devices/acpi_pm.c devices/pci_host.c
fuzz_pio-ldflags := -Wl,--wrap=bus_register
fuzz_console-srcs := core/console.c tests/unit/host_stubs.c
fuzz-targets := boot pio console

# The virtio targets, once their sources are in the tree.
-include $(wildcard $(srctree)/tests/fuzz/virtio.mk)

fuzz-bins := $(addprefix $(objtree)/tests/fuzz/fuzz_,$(fuzz-targets))

$(objtree)/tests/fuzz/fuzz_%: $(srctree)/tests/fuzz/fuzz_%.c $$(addprefix $(srctree)/,$$(fuzz_$$*-srcs)) \
		$(srctree)/tests/fuzz/stubs.c $(wildcard $(srctree)/tests/fuzz/*.h)
	$(quiet) FUZZCC tests/fuzz/fuzz_$*
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(fuzz_$*-cflags) -o $@ $(filter %.c,$^) $(fuzz_$*-ldflags)

fuzz-build: $(fuzz-bins)

fuzz:
	$(Q)SRC=$(srctree) WORK=$(objtree)/fuzz-work FUZZ_O=$(objtree) \
		FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) $(srctree)/tests/fuzz/run.sh

# By name: in an in-tree build $(objtree)/tests/fuzz holds the sources.
fuzz-clean:
	$(Q)rm -f $(fuzz-bins)
	$(Q)rm -rf $(objtree)/fuzz-work
clean: fuzz-clean

.PHONY: fuzz fuzz-build fuzz-clean
