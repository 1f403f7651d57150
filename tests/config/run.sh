#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad configurations must fail the build, one "error:" line per problem
# with the expected text, and leave no .config or image that looks good.
#  1. every tests/config/*.defconfig through "make defconfig DEFCONFIG=";
#  2. a hand-edited .config through "make";
#  3. corrupted generated headers through the compile-time assertions.
set -u
. "$SRC/tests/lib.sh"

seed=$WORK/seed
kmake "$seed" tiny_defconfig && kmake "$seed" || { cat "$WORK/make.out"; fail "seed build"; finish; }

for bad in "$SRC"/tests/config/*.defconfig; do
	name=$(basename "$bad" .defconfig)
	o=$WORK/$name
	rm -rf "$o"
	cp -a "$seed" "$o"               # a good .config and image to be removed
	if kmake "$o" defconfig DEFCONFIG="$bad"; then
		fail "$name: accepted"
		continue
	fi
	ok=1
	nexp=0
	while IFS= read -r exp; do
		nexp=$((nexp + 1))
		grep -qF -- "$exp" "$WORK/make.out" || { echo "      missing: $exp"; ok=0; }
	done < <(sed -n 's/^# expect: //p' "$bad")
	# one error line per problem: lines that share one message count once
	nerr=$(grep -c '^error: ' "$WORK/make.out")
	[ "$nexp" -gt 0 ] || { echo "      no '# expect:' line in $bad"; ok=0; }
	[ "$nerr" -eq 1 ] || { echo "      $nerr error lines, expected 1"; ok=0; }
	[ ! -e "$o/.config" ] || { echo "      .config left behind"; ok=0; }
	[ ! -e "$o/keel" ] || { echo "      image left behind"; ok=0; }
	if [ $ok = 1 ]; then
		pass "$name: $(sed -n 's/^# \(Rule\|Malformed\): //p' "$bad")"
	else
		sed 's/^/      | /' "$WORK/make.out"
		fail "$name"
	fi
	rm -rf "$o"
done

# 2. A hand-edited .config is re-validated by "make": the image goes away,
# the .config stays for the user to fix.
o=$WORK/hand-edited
cp -a "$seed" "$o"
sed -i 's/^CONFIG_NR_VCPUS=1$/CONFIG_NR_VCPUS=3/' "$o/.config"
if kmake "$o"; then
	fail "hand-edited .config (NR_VCPUS=3 > MAX_VCPUS=1) accepted by make"
else
	check "hand-edited .config fails make with the rule's message" \
		grep -qF 'error: NR_VCPUS (3) > MAX_VCPUS (1)' "$WORK/make.out"
	check "hand-edited .config: image removed" test ! -e "$o/keel"
	check "hand-edited .config: .config kept for fixing" test -e "$o/.config"
fi

# 3. The compile-time assertions catch a corrupted generated header.
# assert_case <name> <defconfig> <header> <sed expression> <expected message>
assert_case() {
	name=$1 def=$2 hdr=$3 expr=$4 msg=$5
	o=$WORK/assert-$name
	printf '%s\n' "$def" | tr ';' '\n' >"$WORK/$name.defconfig"
	if ! kmake "$o" defconfig DEFCONFIG="$WORK/$name.defconfig" || ! kmake "$o"; then
		sed 's/^/      | /' "$WORK/make.out"
		fail "static assert $name: the good config did not build"
		return
	fi
	sed -i "$expr" "$o/include/generated/$hdr"
	if musl-gcc -std=c11 -I"$SRC" -I"$o/include" -include "$o/include/generated/autoconf.h" \
		-c -o /dev/null "$SRC/core/config_check.c" 2>"$WORK/cc.out"; then
		fail "static assert $name: corrupted $hdr compiled"
	else
		check "static assert $name: '$msg'" grep -qF -- "$msg" "$WORK/cc.out"
	fi
}
assert_case topo "CONFIG_NR_VCPUS=1" autoconf.h \
	's/#define CONFIG_TOPO_SOCKETS 1/#define CONFIG_TOPO_SOCKETS 2/' \
	'TOPO: SOCKETS*DIES*CORES*THREADS (2*1*1*1) != MAX_VCPUS (1)'
assert_case overlap 'CONFIG_BOARD_EDGE_4=y;CONFIG_NR_VCPUS=2;CONFIG_TOPO_SOCKETS=2;CONFIG_VCPU_PIN_TABLE="0=1 1=2"' \
	keel_pins.h 's/#define KEEL_PIN_1_W0 .*/#define KEEL_PIN_1_W0 0x2ULL/' \
	'two vCPUs share a host CPU without ALLOW_OVERCOMMIT'
assert_case vmm 'CONFIG_BOARD_EDGE_4=y;CONFIG_VCPU_PIN_TABLE="0=1"' \
	keel_pins.h 's/#define KEEL_VMM_CPUS_W0 .*/#define KEEL_VMM_CPUS_W0 0x3ULL/' \
	'VMM_CPUS overlaps the pinned vCPU CPUs'
assert_case board 'CONFIG_BOARD_EDGE_4=y;CONFIG_VCPU_PIN_TABLE="0=1"' \
	keel_pins.h 's/#define KEEL_PIN_0_W0 .*/#define KEEL_PIN_0_W0 0x200ULL/' \
	'a vCPU is pinned to a host CPU the board lacks'

finish
