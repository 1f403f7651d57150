#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The SMP shape and NUMA nodes as the guest sees them: for a matrix of shapes the
# probe starts every present AP (INIT-SIPI-SIPI) and dumps each CPU's raw
# CPUID; tests/guest/check_topology.py decodes it the way Linux does and
# compares physical id / core id / threads with the configuration.
set -u
. "$SRC/tests/lib.sh"
. "$SRC/tests/kvm.sh"
kvm_init

# sockets dies cores threads online numa-nodes [model symbol]
SHAPES="
1 1 1 1 1 1
8 1 1 1 8 1
2 1 2 2 8 2
2 1 3 2 12 1
3 1 3 1 9 3
1 1 3 6 18 1
1 1 4 1 4 1
4 1 1 2 8 2
1 1 1 2 2 1
2 1 1 1 2 2
1 1 8 1 8 1
3 1 1 3 9 1
8 1 1 1 4 4
2 1 2 2 5 1
1 1 16 4 64 1
2 1 2 2 8 1 CPU_MODEL_BROADWELL
2 1 3 2 12 2 CPU_MODEL_SKYLAKE_SERVER
2 1 2 2 8 1 CPU_MODEL_EPYC
2 1 2 2 8 1 CPU_MODEL_CONROE
2 1 2 2 8 1 CPU_MODEL_OPTERON_G1
2 2 3 1 12 1 CPU_MODEL_SKYLAKE_SERVER
1 2 3 2 9 1
2 2 2 2 16 2 CPU_MODEL_EPYC
2 2 1 2 8 1 CPU_MODEL_CONROE
1 3 2 1 6 1 CPU_MODEL_BROADWELL
"

while read -r s dies c t n nodes model; do
	[ -n "$s" ] || continue
	max=$((s * dies * c * t))
	die=
	[ "$dies" = 1 ] || die=${dies}d
	name=${s}s${die}${c}c${t}t-${n}of${max}-${nodes}n${model:+-${model#CPU_MODEL_}}
	d=$WORK/$name.defconfig
	printf '%s\n' "CONFIG_NR_VCPUS=$n" "CONFIG_MAX_VCPUS=$max" "CONFIG_TOPO_SOCKETS=$s" \
		"CONFIG_TOPO_DIES=$dies" "CONFIG_TOPO_CORES=$c" "CONFIG_TOPO_THREADS=$t" "CONFIG_BOARD_PC2=y" \
		"CONFIG_ALLOW_OVERCOMMIT=y" "CONFIG_GUEST_MEM_MB=$((128 * nodes))" \
		"CONFIG_NUMA_NODES=$nodes" 'CONFIG_GUEST_KERNEL="tests/guest/probe.bzImage"' 'CONFIG_GUEST_INITRD=""' \
		"CONFIG_DEFCONFIG_NAME=\"$name\"" ${model:+"CONFIG_$model=y"} >"$d"
	# one build folder: a shape change recompiles only what depends on it
	if ! kmake "$WORK/obj" defconfig DEFCONFIG="$d" || ! kmake "$WORK/obj"; then
		sed 's/^/      | /' "$WORK/make.out"
		fail "$name: build"
		continue
	fi
	mkdir -p "$WORK/$name"
	cp "$WORK/obj/keel" "$WORK/obj/.config" "$WORK/$name/"
	kvm_run timeout -s KILL $((120 * KVM_SLOW)) "$WORK/$name/keel" </dev/null \
		>"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: keel exited with $rc"
		sed 's/^/      | /' "$WORK/$name.err" | head
		continue
	fi
	if (cd "$SRC/tests/guest" && /usr/bin/python3 check_topology.py "$WORK/$name.out" \
		"$WORK/$name/.config" && /usr/bin/python3 check_report.py "$WORK/$name.out" \
		"$WORK/$name/.config") >"$WORK/$name.check"; then
		pass "$name: $(grep -c "^    ok" "$WORK/$name.check") checks;$(grep decoded "$WORK/$name.check" |
			sed 's/.*decoded through/ decoded through/; s/:.*//')"
	else
		grep -E 'FAIL|decoded' "$WORK/$name.check" | head -12
		fail "$name: the guest's topology differs from the config"
	fi
done <<<"$SHAPES"
finish
