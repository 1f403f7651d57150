# SPDX-License-Identifier: GPL-2.0
# make acpi-dump: $(O)/tests/acpi/acpi_dump, the image's ACPI tables
# written to files without /dev/kvm (tests/acpi/acpi_dump.c). It is
# linked with the image's objects, so it builds the tables this
# configuration's keel would build.
ACPI_DUMP := $(objtree)/tests/acpi/acpi_dump
$(ACPI_DUMP): $(srctree)/tests/acpi/acpi_dump.c $(objtree)/keel
	$(quiet) LD tests/acpi/acpi_dump
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KEEL_CPPFLAGS) $(KEEL_CFLAGS) $(KEEL_LDFLAGS) -o $@ $< \
		$(filter-out $(objtree)/core/main.o,$(objs))
acpi-dump: $(ACPI_DUMP)
.PHONY: acpi-dump
