#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A changed .config rebuilds what it affects and nothing else (per-symbol
# dependencies, scripts/fixdep.py); an unchanged tree rebuilds nothing.
set -u
. "$SRC/tests/lib.sh"

o=$WORK/o
kmake "$o" tiny_defconfig && kmake "$o" || { cat "$WORK/make.out"; fail "first build"; finish; }

kmake "$o"
check "second make rebuilds nothing" bash -c "! grep -qE '^  (CC|LD) ' '$WORK/make.out'"

# GUEST_MEM_MB is read by core/config_check.c, not by core/main.c.
grep -q CONFIG_GUEST_MEM_MB "$SRC/core/config_check.c" || fail "test premise: config_check.c uses GUEST_MEM_MB"
grep -q CONFIG_GUEST_MEM_MB "$SRC/core/main.c" && fail "test premise: main.c does not use GUEST_MEM_MB"
sed 's/^CONFIG_GUEST_MEM_MB=.*/CONFIG_GUEST_MEM_MB=300/' "$SRC/configs/tiny_defconfig" >"$WORK/mem.defconfig"
echo 'CONFIG_DEFCONFIG_NAME="tiny"' >>"$WORK/mem.defconfig"
kmake "$o" defconfig DEFCONFIG="$WORK/mem.defconfig" && kmake "$o"
check "GUEST_MEM_MB change recompiles core/config_check.o" grep -q 'CC *core/config_check.o' "$WORK/make.out"
check "GUEST_MEM_MB change does not recompile core/main.o" bash -c "! grep -q 'CC *core/main.o' '$WORK/make.out'"
check "GUEST_MEM_MB change relinks keel" grep -q 'LD *keel' "$WORK/make.out"
check "the new value reached the image" grep -q '^CONFIG_GUEST_MEM_MB=300$' <("$o/keel" --print-config)

# DEFCONFIG_NAME is printed by main.c: it must recompile.
sed -i 's/^CONFIG_DEFCONFIG_NAME=.*/CONFIG_DEFCONFIG_NAME="renamed"/' "$WORK/mem.defconfig"
kmake "$o" defconfig DEFCONFIG="$WORK/mem.defconfig" && kmake "$o"
check "DEFCONFIG_NAME change recompiles core/main.o" grep -q 'CC *core/main.o' "$WORK/make.out"
check "DEFCONFIG_NAME change does not recompile core/log.o" bash -c "! grep -q 'CC *core/log.o' '$WORK/make.out'"
check "--version shows the new name" grep -q '(renamed_defconfig' <("$o/keel" --version)
finish
