#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The DSDT describes exactly the devices the image has: built for several
# configurations, the tables (make acpi-dump: keel's own table code, no
# /dev/kvm) are disassembled with iasl (acpica-tools) and checked for the
# devices that must be there and those that must not.
set -u
. "$SRC/tests/lib.sh"

command -v iasl >/dev/null || { echo "SKIP: iasl not installed (apt-get install acpica-tools)"; exit 77; }

# tables <name> [CONFIG_ line...]: build the variant, dump and disassemble
# its tables into $WORK/<name>/tables; status 1 when that fails.
tables() {
	local name=$1 o=$WORK/$1
	shift
	mkdir -p "$o/tables"
	probe_defconfig "$SRC/configs/tiny_defconfig" "$WORK/$name.defconfig" 0 "$@" >/dev/null
	if ! kmake "$o" defconfig DEFCONFIG="$WORK/$name.defconfig" || ! kmake "$o" acpi-dump ||
		! "$o/tests/acpi/acpi_dump" "$o/tables" >"$o/dump.out" 2>&1 ||
		! (cd "$o/tables" && iasl -d DSDT.dat FACP.dat) >"$o/iasl.out" 2>&1; then
		sed 's/^/      | /' "$WORK/make.out" "$o/dump.out" "$o/iasl.out" 2>/dev/null | tail -20
		fail "$name: tables built and disassembled"
		return 1
	fi
	pass "$name: tables built and disassembled ($(paste -sd' ' "$o/dump.out" | sed 's/ bytes/B/g'))"
}

has() { grep -q "$2" "$WORK/$1/tables/DSDT.dsl"; }
fadt() { grep -q "$2" "$WORK/$1/tables/FACP.dsl"; }

if tables default; then
	check "default: COM1 (PNP0501) in the DSDT" has default 'EisaId ("PNP0501")'
	check "default: RTC (PNP0B00) in the DSDT" has default 'EisaId ("PNP0B00")'
	check "default: no virtio-mmio device" bash -c "! grep -q LNRO0005 '$WORK/default/tables/DSDT.dsl'"
	check "default: FADT says the CMOS RTC is present" fadt default 'CMOS RTC Not Present .*: 0'
	# issue 17: the Generic Event Device, its interrupt alone in _CRS, the
	# event selector, _EVT and the power button it notifies
	check "default: GED0 (ACPI0013) with _EVT notifying the power button (PNP0C0C)" \
		bash -c "sed -n '/Device (GED0)/,/^        }/p' '$WORK/default/tables/DSDT.dsl' >'$WORK/ged.dsl' &&
			 grep -q '\"ACPI0013\"' '$WORK/ged.dsl' && grep -q 'Method (_EVT, 1' '$WORK/ged.dsl' &&
			 grep -q 'Notify (PWRB, 0x80)' '$WORK/ged.dsl' && grep -q 'EisaId (\"PNP0C0C\")' '$WORK/ged.dsl' &&
			 grep -q 'OperationRegion (EREG, SystemIO, 0x0610, 0x04)' '$WORK/ged.dsl'"
	check "default: the GED's _CRS is its interrupt (GSI 10, edge) and nothing else" \
		bash -c "sed -n '/Name (_CRS/,/})/p' '$WORK/ged.dsl' | grep -c 'Interrupt (ResourceConsumer, Edge, ActiveHigh' | grep -qx 1 &&
			 ! sed -n '/Name (_CRS/,/})/p' '$WORK/ged.dsl' | grep -q 'IO (\|Memory32' &&
			 sed -n '/Name (_CRS/,/})/p' '$WORK/ged.dsl' | grep -q 0x0000000A"
	check "default (1 of 1 vCPU): no CPU hotplug: no processor devices, no CPUS, no GED CPU event" \
		bash -c "! grep -q 'ACPI0007\|ACPI0010\|Device (CPUS)\|CSCN' '$WORK/default/tables/DSDT.dsl'"
fi
# issue 17: CPU hot-add (MAX_VCPUS > NR_VCPUS): the processor container, a
# processor device per vCPU that is not present at boot, the GED's bit 1
if tables hotplug CONFIG_NR_VCPUS=4 CONFIG_MAX_VCPUS=8 CONFIG_TOPO_SOCKETS=8 \
	'CONFIG_VCPU_PIN_TABLE=""' CONFIG_ALLOW_OVERCOMMIT=y; then
	d=$WORK/hotplug/tables/DSDT.dsl
	check "hotplug (4 of 8): CPUS (ACPI0010) with its registers at port 0x620, 4 bytes" \
		bash -c "grep -q 'Device (CPUS)' '$d' && grep -q '\"ACPI0010\"' '$d' &&
			 grep -q 'OperationRegion (CREG, SystemIO, 0x0620, 0x04)' '$d'"
	check "hotplug: processor devices C004-C007 (ACPI0007), none for vCPUs 0-3" \
		bash -c "[ \$(grep -c '\"ACPI0007\"' '$d') = 4 ] &&
			 for i in 4 5 6 7; do grep -q \"Device (C00\$i)\" '$d' || exit 1; done &&
			 ! grep -q 'Device (C00[0-3])' '$d'"
	check "hotplug: each has _UID, _STA (its register's bit 0) and _MAT (its MADT entry, enabled)" \
		bash -c "for i in 4 5 6 7; do
			 sed -n \"/Device (C00\$i)/,/^            }/p\" '$d' >'$WORK/c.dsl'
			 grep -q \"Name (_UID, 0x0\$i)\" '$WORK/c.dsl' &&
			 grep -q \"If ((S00\$i & One))\" '$WORK/c.dsl' &&
			 grep -q \"0x00, 0x08, 0x0\$i, 0x0\$i, 0x01, 0x00, 0x00, 0x00\" '$WORK/c.dsl' || exit 1
			 done"
	check "hotplug: CSCN notifies each CPU being inserted (Notify (C00n, One)) and acknowledges it" \
		bash -c "sed -n '/Method (CSCN/,/^            }/p' '$d' >'$WORK/cscn.dsl' &&
			 for i in 4 5 6 7; do grep -q \"S00\$i = 0x02\" '$WORK/cscn.dsl' &&
			 grep -q \"Notify (C00\$i, One)\" '$WORK/cscn.dsl' || exit 1; done"
	check "hotplug: the GED's _EVT calls \\_SB.CPUS.CSCN on its bit 1" \
		bash -c "sed -n '/Method (_EVT/,/^            }/p' '$d' | grep -A3 'If ((Local0 & 0x02))' |
			 grep -q '\\\\_SB.CPUS.CSCN ()'"
fi
if tables no_serial '# CONFIG_SERIAL_8250 is not set'; then
	check "SERIAL_8250=n: no COM1/PNP0501 in the DSDT" \
		bash -c "! grep -q 'PNP0501\|COM1' '$WORK/no_serial/tables/DSDT.dsl'"
	check "SERIAL_8250=n: the RTC is still there" has no_serial 'EisaId ("PNP0B00")'
fi
if tables no_rtc '# CONFIG_RTC_CMOS is not set'; then
	check "RTC_CMOS=n: no RTC/PNP0B00 in the DSDT" \
		bash -c "! grep -q 'PNP0B00\|Device (RTC' '$WORK/no_rtc/tables/DSDT.dsl'"
	check "RTC_CMOS=n: FADT says no CMOS RTC" fadt no_rtc 'CMOS RTC Not Present .*: 1'
	check "RTC_CMOS=n: COM1 is still there" has no_rtc 'EisaId ("PNP0501")'
fi
if tables rng_only '# CONFIG_SERIAL_8250 is not set' '# CONFIG_RTC_CMOS is not set' \
	CONFIG_VIRTIO_RNG=y '# CONFIG_ACPI_GED is not set'; then
	check "ACPI_GED=n: no GED/ACPI0013 and no power button in the DSDT" \
		bash -c "! grep -q 'ACPI0013\|PNP0C0C\|GED0' '$WORK/rng_only/tables/DSDT.dsl'"
	check "SERIAL_8250=n RTC_CMOS=n VIRTIO_RNG=y: neither COM1 nor RTC" \
		bash -c "! grep -q 'PNP0501\|PNP0B00' '$WORK/rng_only/tables/DSDT.dsl'"
	check "VIRTIO_RNG=y: VR00 (LNRO0005) in the DSDT" has rng_only 'Device (VR00)'
	check "VIRTIO_RNG=y: VR00 at slot 0's window and GSI" \
		bash -c "grep -A14 'Device (VR00)' '$WORK/rng_only/tables/DSDT.dsl' | grep -q '0xD0000000' &&
			 grep -A20 'Device (VR00)' '$WORK/rng_only/tables/DSDT.dsl' | grep -q '0x00000010'"
fi
finish
