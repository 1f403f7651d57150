# SPDX-License-Identifier: GPL-2.0
#
# The probe guest (tests/guest/README), a make fragment for the top-level
# Makefile:
#
#   include $(srctree)/tests/guest/guest.mk
#
# Uses $(srctree), $(objtree), $(Q) and $(quiet) from the includer; builds
# with the host gcc (HOSTCC), never musl-gcc. Provides:
#
#   $(PROBE_BZIMAGE)     $(objtree)/tests/guest/probe.bzImage
#   probe-guest          phony: builds $(PROBE_BZIMAGE)
#   probe-guest-clean    phony: removes $(objtree)/tests/guest build output
#
# Including this file does not change the default goal.

probe-saved-goal := $(.DEFAULT_GOAL)

HOSTCC ?= gcc
PROBE_OBJCOPY ?= objcopy
PROBE_PYTHON ?= /usr/bin/python3

PROBE_SRC := $(srctree)/tests/guest
PROBE_OUT := $(objtree)/tests/guest
PROBE_BZIMAGE := $(PROBE_OUT)/probe.bzImage

# head.o first: the linker script places its .head.text at LOAD_ADDR anyway.
probe-c := probe boot acpi madt numa power fault print serial lib clock smp cpuid virtio \
	virtio_dev virtio_bad bench
PROBE_OBJS := $(PROBE_OUT)/head.o $(PROBE_OUT)/ap.o $(addprefix $(PROBE_OUT)/,$(addsuffix .o,$(probe-c)))
PROBE_SETUP_OBJ := $(PROBE_OUT)/setup.o

# No SSE/x87/POPCNT/BMI/CRC32 (the PVM emulator cannot run them: NOTES.md),
# no red zone, nothing from the host. Zero-initialised data goes to .data:
# .bss is never cleared.
PROBE_CFLAGS := -m64 -ffreestanding -nostdlib -nostdinc -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-mgeneral-regs-only -mno-sse -mno-mmx -mno-80387 -mno-popcnt -mno-bmi \
	-mno-bmi2 -mno-crc32 -mno-red-zone -O2 -Wall -Wextra -Werror -std=gnu11 \
	-fno-common -fno-zero-initialized-in-bss -fno-tree-loop-distribute-patterns \
	-fno-jump-tables -ffile-prefix-map=$(srctree)/= -Werror=date-time
PROBE_AFLAGS := -m64 -nostdinc -D__ASSEMBLY__ -ffile-prefix-map=$(srctree)/=
PROBE_CPPFLAGS := -I$(PROBE_SRC)
PROBE_LDFLAGS := -m64 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

$(addprefix $(PROBE_OUT)/,$(addsuffix .o,$(probe-c))): $(PROBE_OUT)/%.o: \
		$(PROBE_SRC)/%.c $(PROBE_SRC)/guest.mk
	$(quiet) CC tests/guest/$*.o
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(PROBE_CPPFLAGS) $(PROBE_CFLAGS) -MMD -MP -MF $@.d -c -o $@ $<

$(PROBE_OUT)/head.o $(PROBE_OUT)/ap.o $(PROBE_SETUP_OBJ): $(PROBE_OUT)/%.o: $(PROBE_SRC)/%.S $(PROBE_SRC)/guest.mk
	$(quiet) AS tests/guest/$*.o
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(PROBE_CPPFLAGS) $(PROBE_AFLAGS) -MMD -MP -MF $@.d -c -o $@ $<

$(PROBE_OUT)/probe.elf: $(PROBE_OBJS) $(PROBE_SRC)/probe.lds
	$(quiet) LD tests/guest/probe.elf
	$(Q)$(HOSTCC) $(PROBE_LDFLAGS) -T $(PROBE_SRC)/probe.lds -o $@ $(PROBE_OBJS)

$(PROBE_OUT)/setup.elf: $(PROBE_SETUP_OBJ) $(PROBE_SRC)/setup.lds
	$(quiet) LD tests/guest/setup.elf
	$(Q)$(HOSTCC) $(PROBE_LDFLAGS) -T $(PROBE_SRC)/setup.lds -o $@ $(PROBE_SETUP_OBJ)

$(PROBE_OUT)/probe.bin $(PROBE_OUT)/setup.bin: $(PROBE_OUT)/%.bin: $(PROBE_OUT)/%.elf
	$(quiet) OBJCOPY tests/guest/$*.bin
	$(Q)$(PROBE_OBJCOPY) -O binary $< $@

$(PROBE_BZIMAGE): $(PROBE_OUT)/setup.bin $(PROBE_OUT)/probe.bin $(PROBE_SRC)/mkbzimage.py
	$(quiet) BUILD tests/guest/probe.bzImage
	$(Q)$(PROBE_PYTHON) $(PROBE_SRC)/mkbzimage.py $(PROBE_OUT)/setup.bin \
		$(PROBE_OUT)/probe.bin $@.tmp
	$(Q)mv $@.tmp $@

probe-guest: $(PROBE_BZIMAGE)

probe-guest-clean:
	$(Q)rm -f $(PROBE_OUT)/*.o $(PROBE_OUT)/*.o.d $(PROBE_OUT)/*.elf \
		$(PROBE_OUT)/*.bin $(PROBE_BZIMAGE) $(PROBE_BZIMAGE).tmp

.PHONY: probe-guest probe-guest-clean

-include $(addsuffix .d,$(PROBE_OBJS) $(PROBE_SETUP_OBJ))

.DEFAULT_GOAL := $(probe-saved-goal)
