#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real Linux end to end: every defconfig in configs/ boots the Debian cloud
# kernel and the busybox initramfs (scripts/guest-assets.sh) under Keel,
# nested on both hosts of tests/e2e/run-nested: QEMU TCG with kvm_amd (every
# defconfig and shape) and Bochs with kvm_intel (configs/, two runs at a
# time), and the guest's own view of its CPUs (tests/e2e/README) is checked
# against the configuration.
#
# Environment: GUEST_CACHE (default <objtree>/guest-cache, shared by all
# cases and kept between runs), E2E_TIMEOUT (seconds per nested run,
# default 180; on the Intel host E2E_INTEL_TIMEOUT, default 900),
# E2E_FILTER (only defconfigs whose name contains it; "topology": only the
# Intel probe topology subset), E2E_HOSTS (default
# "amd intel"), E2E_INTEL (configs: the defconfigs of configs/, the
# default; all: the shapes too).
set -u
. "$SRC/tests/lib.sh"
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/e2e/crash.sh"

# Checks of features that arrive with later issues. Until a feature is
# done its checks print "todo" lines and do not fail; flip the switch in
# the change that completes the feature.
STRICT_TOPOLOGY=1 # issue 5: sockets/cores/threads, APIC IDs, NUMA nodes
STRICT_MODEL=1    # issue 6: CPU model (vendor, family, model, stepping, name)

OBJ=$(cd "$WORK/../.." && pwd)
export GUEST_CACHE=${GUEST_CACHE:-$OBJ/guest-cache}
TIMEOUT=${E2E_TIMEOUT:-180}
INTEL_TIMEOUT=${E2E_INTEL_TIMEOUT:-900}
HOSTS=" ${E2E_HOSTS:-amd intel} "
# Bochs is single-threaded: two runs at a time on 2 cores
INTEL_JOBS=2

# QEMU (TCG) runs the nested host; /dev/kvm is not needed. Missing QEMU is
# a failure, not a skip: "make check" installs it (scripts/deps.sh).
# Bochs and xorriso run the Intel one (scripts/deps.sh too).
need="qemu-system-x86_64:qemu-system-x86 cpio:cpio busybox:busybox-static"
case $HOSTS in *" intel "*) need="$need bochs-bin:bochs xorriso:xorriso" ;; esac
for c in $need; do
	if ! command -v "${c%%:*}" >/dev/null 2>&1; then
		fail "${c%%:*} is not installed: apt-get install ${c#*:} (scripts/deps.sh, run by make check)"
		finish
	fi
done

# defconfig_for <defconfig> <name>: the derived defconfig (tests/e2e/lib.sh)
defconfig_for() {
	local out=$WORK/$2.defconfig
	if [ "$(e2e_defconfig "$1" "$2" "$out" 1)" = unpinned ]; then
		echo "    note $(basename "$1"): its board is not pc2; booted unpinned on pc2" >&2
	fi
	echo "$out"
}

# build <name> <defconfig file>: guest assets and image in $WORK/<name>/
build() {
	if kmake "$WORK/$1" defconfig DEFCONFIG="$2" && kmake "$WORK/$1" guest-assets &&
		kmake "$WORK/$1"; then
		return 0
	fi
	sed 's/^/      | /' "$WORK/make.out" | tail -30
	fail "$1: build"
	return 1
}

# The case being checked: its build folder $WORK/$dir, its name in the
# output ($name: the defconfig's, "@intel" added on the Intel host), the
# run's log ($LOG), output ($OUT, $ERR) and keel status ($rc).
cfg() { e2e_cfg "$WORK/$dir/.config" "$1"; }
guest() { e2e_guest "$LOG" "$1"; }
# at <line start>: seconds since QEMU started when that line came
at() { sed -n "s/^\[\([0-9.]*\)\] $1.*/\1/p" "$LOG" | head -1; }
cpulist() { e2e_cpulist "$1"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "?"; else printf "%.1f", b - a }'; }

# expect <strict> <what> <expected> <got>: a check of a feature that may
# not be done yet
expect() {
	if [ "$3" = "$4" ]; then
		pass "$name: $2: $4"
	elif [ "$1" = 1 ]; then
		fail "$name: $2: guest shows '$4', expected '$3'"
	else
		printf '    todo %s\n' "$name: $2: guest shows '$4', expected '$3' (not enforced yet)"
	fi
}

check_boot() {
	check "$name: guest reached its init (KEEL-E2E: booted)" grep -q '\] KEEL-E2E: booted$' "$LOG"
	check "$name: guest init finished (KEEL-E2E: done)" grep -q '\] KEEL-E2E: done$' "$LOG"
}

check_status() {
	check "$name: keel exited with status 0 (guest power-off), got $rc" test "$rc" -eq 0
}

check_vcpus() {
	local nr max
	nr=$(cfg NR_VCPUS)
	max=$(cfg MAX_VCPUS)
	check "$name: logical CPU number in total = NR_VCPUS ($nr)" \
		test "$(guest 'logical CPU number in total')" = "$nr"
	check "$name: possible = $(cpulist "$max") (MAX_VCPUS $max)" \
		test "$(guest possible)" = "$(cpulist "$max")"
	check "$name: present = $(cpulist "$nr")" test "$(guest present)" = "$(cpulist "$nr")"
	check "$name: online = $(cpulist "$nr")" test "$(guest online)" = "$(cpulist "$nr")"
}

# log2ceil <n>: APIC ID bits of a level with n members (QEMU's encoding)
log2ceil() {
	local b=0
	while [ $((1 << b)) -lt "$1" ]; do b=$((b + 1)); done
	echo $b
}

# Issue 5: the shape the guest sees is the configured one, for every CPU
# model. vCPU i is socket i/(D*C*T), die i/(C*T)%D, core (i/T)%C, thread
# i%T; APIC IDs as QEMU encodes them (NOTES.md, "Topology encoding"). Linux
# numbers cores over the package (the die's bits above the core's) and
# shows the die in sysfs die_id: an Intel model's die in its package, an
# AMD model's node, which Keel (as QEMU) makes the socket (issue 17).
# cpu_ids <i> <amd>: "<socket> <core> <apicid> <die_id>" of vCPU i in the
# configured shape (amd 1: the guest's die_id is the socket)
cpu_ids() {
	local i=$1 c t d tb cb db so di co th
	c=$(cfg TOPO_CORES)
	t=$(cfg TOPO_THREADS)
	d=$(cfg TOPO_DIES)
	d=${d:-1}
	tb=$(log2ceil "$t")
	cb=$(log2ceil "$c")
	db=$(log2ceil "$d")
	so=$((i / (d * c * t)))
	di=$((i / (c * t) % d))
	co=$(((di << cb) | (i / t % c)))
	th=$((i % t))
	[ "$2" = 0 ] || di=$so
	echo "$so $co $(((so << (db + cb + tb)) | (co << tb) | th)) $di"
}

check_topology() {
	local nr i so di co ap per0=0 cores0="" sockets="" cpus="" nodes amd=0
	nr=$(cfg NR_VCPUS)
	nodes=$(cfg NUMA_NODES)
	case $(guest vendor_id) in AuthenticAMD | HygonGenuine) amd=1 ;; esac
	for ((i = 0; i < nr; i++)); do
		read -r so co ap di <<<"$(cpu_ids $i $amd)"
		case " $sockets " in *" $so "*) ;; *) sockets="$sockets $so" ;; esac
		if [ $so -eq 0 ]; then
			per0=$((per0 + 1))
			case " $cores0 " in *" $co "*) ;; *) cores0="$cores0 $co" ;; esac
		fi
		cpus="$cpus cpu$i:physical_id=$so,core_id=$co,apicid=$ap,die_id=$di"
	done
	local ncores
	ncores=$(echo $cores0 | wc -w)
	expect $STRICT_TOPOLOGY "physical CPU number in total (sockets)" \
		"$(echo $sockets | wc -w)" "$(guest 'physical CPU number in total')"
	expect $STRICT_TOPOLOGY "core number in a physical CPU" "$ncores" \
		"$(guest 'core number in a physical CPU')"
	expect $STRICT_TOPOLOGY "logical CPU number in a physical CPU" "$per0" \
		"$(guest 'logical CPU number in a physical CPU')"
	local ht="Hyper threading is NOT enabled."
	[ "$per0" -le "$ncores" ] || ht="Hyper threading is enabled."
	expect $STRICT_TOPOLOGY "hyper-threading line" "$ht" \
		"$(sed -n 's/^\[[0-9.]*\] \(Hyper threading is .*\)/\1/p' "$LOG" | head -1)"
	expect $STRICT_TOPOLOGY "per-CPU physical id, core id, APIC ID, sysfs die_id" "${cpus# }" \
		"$(sed -n 's/^\[[0-9.]*\] \(cpu[0-9]*\): physical_id=\(.*\) core_id=\(.*\) apicid=\(.*\) die_id=\(.*\)/\1:physical_id=\2,core_id=\3,apicid=\4,die_id=\5/p' "$LOG" | paste -sd' ')"
	expect $STRICT_TOPOLOGY "NUMA nodes" "${nodes:-1}" "$(guest 'numa nodes')"
}

# Issue 6: the guest sees the configured CPU model (its identity per model:
# e2e_model_identity in tests/e2e/lib.sh; models without an entry are
# reported only).
check_model() {
	local model want got
	model=$(cfg CPU_MODEL)
	want=$(e2e_model_identity "$model")
	got="$(guest vendor_id)|$(guest 'cpu family')|$(guest model)|$(guest stepping)|$(guest 'model name')"
	if [ -z "$want" ]; then
		printf '    note %s\n' "$name: CPU model $model: guest shows $got (no expectation yet)"
		return
	fi
	expect $STRICT_MODEL "CPU model $model (vendor|family|model|stepping|name)" "$want" "$got"
}

# The Intel host (Bochs, broadwell_ult) gives a guest what TCG cannot:
# xsave and the features that need it (QEMU's SVM does not intercept
# XSETBV: tests/e2e/README). What the model has (scripts/cpu_models.py,
# after CPU_FEATURES) and L1's CPU has (E2E-L1-FLAGS) must be in the
# guest's flags.
check_flags() {
	local model feats l1f got f
	model=$(cfg CPU_MODEL)
	feats=" $(/usr/bin/python3 "$SRC/scripts/cpu_models.py" show "$model" "$(cfg CPU_FEATURES)" |
		sed -n 's/^CPUID[^:]*: //p' | tr '\n' ' ') "
	l1f=" $(l1 FLAGS) "
	got=" $(guest flags) "
	for f in xsave avx avx2 fma; do
		case $feats in *" $f "*) ;; *) continue ;; esac
		if [ "$l1f" = "  " ]; then
			fail "$name: no E2E-L1-FLAGS line: cannot check $f"
			continue
		fi
		case $l1f in *" $f "*) ;; *)
			printf '    note %s\n' "$name: CPU model $model has $f, the Intel host's CPU does not"
			continue
			;;
		esac
		check "$name: guest flags include $f (CPU model $model has it, the host gives it)" \
			eval 'case "$got" in *" $f "*) true ;; *) false ;; esac'
	done
}

# view: one line of what the guest saw, for the README's table
view() {
	local f got=" $(guest flags) " note=""
	for f in xsave avx avx2 fma pcid invpcid rdseed adx smap hle rtm erms avx512f topoext; do
		case $got in *" $f "*) note="$note $f" ;; esac
	done
	printf '    view %s: %s family %s model %s "%s"; %s CPUs, %s sockets x %s cores, %s siblings, HT %s; flags of note:%s\n' \
		"$name" "$(guest vendor_id)" "$(guest 'cpu family')" "$(guest model)" \
		"$(guest 'model name')" "$(guest 'logical CPU number in total')" \
		"$(guest 'physical CPU number in total')" "$(guest 'core number in a physical CPU')" \
		"$(guest 'logical CPU number in a physical CPU')" \
		"$(sed -n 's/^\[[0-9.]*\] Hyper threading is \(.*\)\.$/\1/p' "$LOG" | head -1)" "${note:- none}"
}

# l1 <key>: the rest of the nested host's "E2E-L1-<key>: " line
l1() { sed -n "s/^\[[0-9.]*\] E2E-L1-$1: //p" "$LOG" | head -1; }

# Issue 9: the guest drives the configured virtio devices with its own
# modules (scripts/guest-init, tests/e2e/README "Devices"); the nested host
# checks the disk image and what came in over the tap.
check_virtio() {
	local want=0 mods="virtio_mmio" got m sz
	[ "$(cfg VIRTIO_BLK)" = y ] && want=$((want + 1)) && mods="$mods virtio_blk"
	[ "$(cfg VIRTIO_BLK2)" = y ] && want=$((want + 1))
	[ "$(cfg VIRTIO_NET)" = y ] && want=$((want + 1)) && mods="$mods virtio_net"
	[ "$(cfg VIRTIO_RNG)" = y ] && want=$((want + 1)) && mods="$mods virtio_rng"
	if [ $want = 0 ]; then
		check "$name: no virtio devices in the guest's DSDT" \
			test -z "$(guest 'virtio devices')"
		return
	fi
	got=" $(guest 'virtio modules') "
	for m in $mods; do
		check "$name: guest loaded $m" eval 'case "$got" in *" $m "*) true ;; *) false ;; esac'
	done
	check "$name: virtio devices: $want in the DSDT, all bound" \
		test "$(guest 'virtio devices')" = "$want in the DSDT, $want bound"
	if [ "$(cfg VIRTIO_BLK)" = y ]; then
		sz=$(l1 BLK | sed -n 's/.* size \([0-9]*\) .*/\1/p')
		check "$name: /dev/vda size = the image's (${sz:-?} bytes)" \
			test "$(guest 'vda size')" = "${sz:-none}"
		check "$name: /sys/block/vda/serial = VIRTIO_BLK_SERIAL ($(cfg VIRTIO_BLK_SERIAL))" \
			test "$(guest 'vda serial')" = "$(cfg VIRTIO_BLK_SERIAL)"
		got=$(guest 'vda pattern')
		if [ "$(cfg VIRTIO_BLK_READONLY)" = y ]; then
			check "$name: the guest sees a read-only disk (VIRTIO_BLK_READONLY)" \
				test "$got" = "read-only disk, not written"
		else
			check "$name: guest wrote its pattern to /dev/vda and read it back (O_DIRECT)" \
				eval 'case "$got" in *", read back OK") true ;; *) false ;; esac'
			m=$(echo "$got" | sed -n 's/^md5 \([0-9a-f]*\) at 8388608,.*/\1/p')
			check "$name: the image in L1 holds the guest's pattern at 8 MiB (md5 ${m:-?})" \
				test -n "$m" -a "$(l1 BLK | sed -n 's/.* md5 at 8388608 //p')" = "$m"
		fi
	fi
	if [ "$(cfg VIRTIO_NET)" = y ]; then
		got=$(guest 'net ping')
		check "$name: guest pings 10.0.2.1 over the tap with 0% loss ($got)" \
			eval 'case "$got" in *" 0% packet loss") true ;; *) false ;; esac'
		got=$(guest 'net sent' | sed -n 's/^\([0-9]*\) bytes md5 \([0-9a-f]*\) nc status 0 .*/\1 bytes md5 \2/p')
		check "$name: bulk TCP transfer: L1 received what the guest sent (${got:-nothing sent})" \
			test -n "$got" -a "$(l1 NET | sed 's/^[^ ]* received //')" = "$got"
	fi
	if [ "$(cfg VIRTIO_RNG)" = y ]; then
		got=$(guest hwrng)
		check "$name: /dev/hwrng is virtio_rng.0 and gives 64 bytes ($got)" eval \
			'case "$got" in "virtio_rng.0 read 64 bytes ("*0000000000000000*) false ;;
			"virtio_rng.0 read 64 bytes ("[0-9a-f]*) true ;; *) false ;; esac'
	fi
}

# check_quiet: the default profile boots quietly: no error-level kernel
# line, no keel warning (absent hardware is answered as absent, not logged)
check_quiet() {
	[ "$name" = tiny ] || return 0
	check "$name: no error-level kernel line (kernel errors: $(guest 'kernel errors'))" \
		test "$(guest 'kernel errors')" = 0
	# (the pre-flight's warnings are about L1, which is not booted isolated)
	check "$name: keel printed no warning or error about the guest" \
		bash -c "! grep -E 'keel: (warning|error):' '$LOG' | grep -qv 'keel: warning: pre-flight:'"
}

# check_case <host>: every check of one run, and its times
check_case() {
	local before=$fails
	[ -f "$LOG" ] || : >"$LOG"
	check_status
	check_boot
	check_vcpus
	check_topology
	check_model
	check_virtio
	[ "$1" = amd ] || check_flags
	[ "$1" = intel ] || check_quiet
	if [ "$fails" -ne "$before" ]; then
		echo "      run-nested: $(tail -1 "$OUT")"
		sed 's/^/      err | /' "$ERR" | tail -20
		grep -v '^\[[0-9.]*\] flags: ' "$LOG" | sed 's/^/      log | /' | tail -60
	fi
	grep -q 'retry' "$ERR" 2>/dev/null &&
		echo "    note $name: $(grep retry "$ERR" | head -1)"
	view
	printf '    time %s: build %s; L1 init %ss, L2 boot to marker %ss, whole nested run %ss\n' \
		"$name" "$build_time" "$(secs 0 "$(at 'E2E-L1: init')")" \
		"$(secs "$(at E2E-KEEL-START)" "$(at 'KEEL-E2E: booted')")" \
		"$(sed -n 's/.*(L1 wall \([0-9.]*\)s).*/\1/p' "$OUT")"
	[ -z "$(guest 'net sent')" ] || echo "    time $name: guest -> L1 bulk transfer: $(guest 'net sent')"
}

# intel_run <name>: one run on the Intel host, its status in <name>.intel.rc
intel_run() {
	local w=$WORK/$1.intel
	"$SRC/tests/e2e/run-nested" "$WORK/$1/keel" --host intel --quiet --log "$w.log" \
		--timeout "$INTEL_TIMEOUT" >"$w.out" 2>"$w.err"
	echo $? >"$w.rc"
}

# The probe topology matrix (tests/guest/topology.sh) on the Intel host, a
# representative subset: Intel models with leaf 0xB (Broadwell, and
# Skylake-Server with 2 NUMA nodes), a legacy leaf-4 model (Conroe), an AMD
# model (EPYC) and the default qemu64 with hot-pluggable CPUs on an Intel
# host. All in one L1 boot (run-nested --batch); decoded on this side by
# tests/guest/check_topology.py and check_report.py, as topology.sh does.
# sockets cores threads online numa-nodes [model symbol]
TOPO_INTEL="
2 2 2 8 1 CPU_MODEL_BROADWELL
2 3 2 12 2 CPU_MODEL_SKYLAKE_SERVER
2 2 2 8 1 CPU_MODEL_CONROE
2 2 2 8 1 CPU_MODEL_EPYC
8 1 1 4 4
"
TOPO=$WORK/topo-intel
topo_names=""

# topo_build: the probe images of TOPO_INTEL and their jobs in $TOPO
topo_build() {
	local s c t n nodes model max name d j=0
	mkdir -p "$TOPO"
	while read -r s c t n nodes model; do
		[ -n "$s" ] || continue
		max=$((s * c * t))
		name=${s}s${c}c${t}t-${n}of${max}-${nodes}n${model:+-${model#CPU_MODEL_}}
		d=$WORK/topo-$name.defconfig
		printf '%s\n' "CONFIG_NR_VCPUS=$n" "CONFIG_MAX_VCPUS=$max" "CONFIG_TOPO_SOCKETS=$s" \
			"CONFIG_TOPO_CORES=$c" "CONFIG_TOPO_THREADS=$t" "CONFIG_BOARD_PC2=y" \
			"CONFIG_ALLOW_OVERCOMMIT=y" "CONFIG_GUEST_MEM_MB=$((128 * nodes))" \
			"CONFIG_NUMA_NODES=$nodes" 'CONFIG_GUEST_KERNEL="tests/guest/probe.bzImage"' \
			'CONFIG_GUEST_INITRD=""' "CONFIG_DEFCONFIG_NAME=\"$name\"" \
			${model:+"CONFIG_$model=y"} >"$d"
		# one build folder: a shape change recompiles only what depends on it
		if ! kmake "$WORK/topo-obj" defconfig DEFCONFIG="$d" || ! kmake "$WORK/topo-obj"; then
			sed 's/^/      | /' "$WORK/make.out" | tail -20
			fail "topology $name@intel: build"
			continue
		fi
		j=$((j + 1))
		mkdir -p "$WORK/topo-$name"
		cp "$WORK/topo-obj/.config" "$WORK/topo-$name/"
		cp "$WORK/topo-obj/keel" "$TOPO/$name.keel"
		echo "timeout -s KILL 600 ./$name.keel" >"$TOPO/job.$j.sh"
		topo_names="$topo_names $j:$name"
	done <<<"$TOPO_INTEL"
}

# topo_check: decode each probe's dump, as tests/guest/topology.sh does
topo_check() {
	local jn j name
	echo "      run-nested: $(tail -1 "$TOPO.out")"
	for jn in $topo_names; do
		j=${jn%%:*}
		name=${jn#*:}
		if [ "$(cat "$TOPO/job.$j.rc" 2>/dev/null)" != 0 ]; then
			fail "topology $name@intel: keel exited with $(cat "$TOPO/job.$j.rc" 2>/dev/null || echo 'no status')"
			sed 's/^/      | /' "$TOPO/job.$j.err" 2>/dev/null | head
			continue
		fi
		if (cd "$SRC/tests/guest" && /usr/bin/python3 check_topology.py "$TOPO/job.$j.out" \
			"$WORK/topo-$name/.config" && /usr/bin/python3 check_report.py \
			"$TOPO/job.$j.out" "$WORK/topo-$name/.config") >"$TOPO/$name.check"; then
			pass "topology $name@intel: $(grep -c "^    ok" "$TOPO/$name.check") checks;$(grep decoded "$TOPO/$name.check" |
				sed 's/.*decoded through/ decoded through/; s/:.*//')"
		else
			grep -E 'FAIL|decoded' "$TOPO/$name.check" | head -12
			fail "topology $name@intel: the guest's topology differs from the config"
		fi
	done
	printf '    time topology@intel: %s probe images in one L1 boot, whole nested run %ss\n' \
		"$(echo $topo_names | wc -w)" "$(sed -n 's/.*(L1 wall \([0-9.]*\)s).*/\1/p' "$TOPO.out")"
}

# Issue 17: graceful stop. An image with a virtio-blk disk whose guest
# (keel.e2e=stop) writes the disk pattern with buffered writes, no sync,
# and waits; in L1, tests/e2e/l1-stop sends SIGTERM and reads the image
# after keel exited. With SHUTDOWN_TIMEOUT (default 30) keel presses the
# power button, the guest's acpid syncs and powers off: status 0 within
# the limit, the pattern in the image. The same with SHUTDOWN_TIMEOUT=0
# (the old behaviour: stop at once) is reported, not asserted. Both images
# run in one L1 boot (run-nested --batch).
STOP=$WORK/stop-batch
STOP_IMG=/tmp/keel-stop.img
stop_build() {
	local t name j=0
	mkdir -p "$STOP"
	cp "$SRC/tests/e2e/l1-stop" "$STOP/"
	for t in 30 0; do
		name=stop$t
		derive_defconfig "$SRC/configs/tiny_defconfig" "$WORK/$name.defconfig" 1 \
			"CONFIG_DEFCONFIG_NAME=\"$name\"" 'CONFIG_GUEST_KERNEL="guest/vmlinuz"' \
			'CONFIG_GUEST_INITRD="guest/initramfs.cpio.gz"' \
			'CONFIG_GUEST_CMDLINE="console=ttyS0 quiet panic=-1 keel.e2e=stop"' \
			CONFIG_VIRTIO_BLK=y "CONFIG_VIRTIO_BLK_IMAGE=\"$STOP_IMG\"" \
			"CONFIG_SHUTDOWN_TIMEOUT=$t" >/dev/null
		build "$name" "$WORK/$name.defconfig" || return 1
		j=$((j + 1))
		cp "$WORK/$name/keel" "$STOP/$name.keel"
		echo "sh ./l1-stop ./$name.keel $STOP_IMG" >"$STOP/job.$j.sh"
	done
	# job 3: a second signal stops at once. SIGINT right after the SIGTERM:
	# both pending together, keel takes them one after the other, so the
	# guest cannot have powered off in between (a SIGTERM would merge with
	# the first one; a delay would race with the guest's power-off)
	echo "sh ./l1-stop ./stop30.keel $STOP_IMG 0" >"$STOP/job.3.sh"
}

# stop_line <job>: its E2E-STOP line's fields (status, seconds, md5)
stop_line() {
	sed -n 's/^E2E-STOP: keel status \([0-9]*\), SIGTERM to exit \([0-9.]*\) s, image md5 at 8388608 \([0-9a-f]*\)$/\1 \2 \3/p' \
		"$STOP/job.$1.out" 2>/dev/null | head -1
}

stop_case() {
	local st secs md5 want line before=$fails
	stop_build || return
	"$SRC/tests/e2e/run-nested" - --batch "$STOP" --quiet --log "$STOP.log" \
		--timeout "$((TIMEOUT * 3))" >"$STOP.out" 2>"$STOP.err"
	echo "      run-nested: $(tail -1 "$STOP.out")"
	read -r st secs md5 <<<"$(stop_line 1)"
	want=$(sed -n 's/^stop pattern: md5 \([0-9a-f]*\) at 8388608, .*/\1/p' "$STOP/job.1.out" 2>/dev/null | head -1)
	check "stop30: the guest wrote its pattern, buffered (md5 ${want:-none})" test -n "$want"
	check "stop30: SIGTERM pressed the power button (keel's log)" \
		grep -q "pressed the guest's power button" "$STOP/job.1.out"
	check "stop30: the guest's acpid ran the power-button handler" \
		grep -q 'KEEL-E2E: power button' "$STOP/job.1.out"
	check "stop30: keel exited with status 0 (guest powered off), got ${st:-none}" test "${st:-x}" = 0
	check "stop30: within SHUTDOWN_TIMEOUT (30 s): ${secs:-?} s from SIGTERM to exit" \
		awk -v s="${secs:-99}" 'BEGIN { exit !(s < 30) }'
	check "stop30: the image in L1 holds the pattern at 8 MiB after exit (md5 ${md5:-none})" \
		test -n "$want" -a "${md5:-x}" = "$want"
	if [ "$fails" -ne "$before" ]; then
		sed 's/^/      err | /' "$STOP.err" | tail -10
		grep -v 'E2E-BATCH-\(OUT\|ERR\)' "$STOP.log" | sed 's/^/      log | /' | tail -30
		sed 's/^/      job1 | /' "$STOP/job.1.out" 2>/dev/null | tail -30
	fi
	printf '    time stop30: SIGTERM to exit %s s (power button, guest sync and power-off), keel status %s\n' \
		"${secs:-?}" "${st:-?}"
	read -r st secs md5 <<<"$(stop_line 2)"
	want=$(sed -n 's/^stop pattern: md5 \([0-9a-f]*\) at 8388608, .*/\1/p' "$STOP/job.2.out" 2>/dev/null | head -1)
	if [ -n "$want" ] && [ "$md5" = "$want" ]; then
		line="the pattern reached the image anyway"
	elif [ -n "$want" ]; then
		line="the 1 MiB pattern the guest had written (buffered) is NOT in the image (md5 $md5): lost"
	else
		line="no pattern written (guest output: $(grep -c . "$STOP/job.2.out" 2>/dev/null) lines)"
	fi
	printf '    note stop0 (SHUTDOWN_TIMEOUT=0, the old behaviour): keel status %s, SIGTERM to exit %s s; %s\n' \
		"${st:-?}" "${secs:-?}" "$line"
	read -r st secs md5 <<<"$(stop_line 3)"
	check "stop30, SIGTERM then SIGINT: the first pressed the button" \
		grep -q "pressed the guest's power button" "$STOP/job.3.out"
	check "stop30, SIGTERM then SIGINT: the second stopped it at once, status 143 or 130 (got ${st:-none})" \
		eval 'case "${st:-x}" in 130 | 143) grep -q "stopping the guest at once" "$STOP/job.3.out" ;; *) false ;; esac'
	printf '    time stop30, SIGTERM then SIGINT: SIGTERM to exit %s s\n' "${secs:-?}"
}

# Issue 17: CPU hot-add. hotplug_4of8 (4 of 8 vCPUs, one per socket) and
# a shape with sparse APIC IDs (2 sockets x 3 cores: 4 of 6, the next ones
# socket 1's cores 1 and 2, APIC IDs 5 and 6) boot a guest whose /init
# (keel.e2e=hotplugN) waits for new CPUs; in L1, tests/e2e/l1-hotplug
# sends keel SIGUSR2 and, once the guest brought that CPU online, the
# next one. The guest reports present/online after each and the new
# CPU's topology ids, checked here against the shape (cpu_ids, not keel's
# encoder). The shape image gets a third SIGUSR2 with all 6 present: keel
# logs that it adds none. Both in one L1 boot (run-nested --batch).
HP=$WORK/hotplug-batch
# name|defconfig|shape (CONFIG_ lines)|signals|CPUs added
HP_CASES="hotplug_4of8|$SRC/configs/hotplug_4of8_defconfig||2|2
hotplug_2s3c_4of6|$SRC/configs/hotplug_4of8_defconfig|CONFIG_MAX_VCPUS=6 CONFIG_TOPO_SOCKETS=2 CONFIG_TOPO_CORES=3 CONFIG_GUEST_MEM_MB=256|3|2"
hp_build() {
	local name def shape sig add j=0
	mkdir -p "$HP"
	cp "$SRC/tests/e2e/l1-hotplug" "$HP/"
	while IFS='|' read -r name def shape sig add; do
		# shellcheck disable=SC2086 # shape: one CONFIG_ line per word
		derive_defconfig "$def" "$WORK/hp-$name.defconfig" 1 \
			"CONFIG_DEFCONFIG_NAME=\"$name\"" 'CONFIG_GUEST_KERNEL="guest/vmlinuz"' \
			'CONFIG_GUEST_INITRD="guest/initramfs.cpio.gz"' \
			"CONFIG_GUEST_CMDLINE=\"console=ttyS0 quiet panic=-1 keel.e2e=hotplug$add\"" \
			$shape >/dev/null
		build "hp-$name" "$WORK/hp-$name.defconfig" || return 1
		j=$((j + 1))
		cp "$WORK/hp-$name/keel" "$HP/$name.keel"
		echo "sh ./l1-hotplug ./$name.keel $sig" >"$HP/job.$j.sh"
	done <<<"$HP_CASES"
}

# hp_check <job> <name> <signals> <added>: the checks of one image
hp_check() {
	local j=$1 name=$2 sig=$3 add=$4 o=$HP/job.$1.txt nr max k cpu want got amd=0 before=$fails
	dir=hp-$name
	# (the guest's lines come through its serial console: CR LF)
	tr -d '\r' <"$HP/job.$j.out" >"$o" 2>/dev/null
	nr=$(cfg NR_VCPUS)
	max=$(cfg MAX_VCPUS)
	grep -q '^vendor_id: \(AuthenticAMD\|HygonGenuine\)' "$o" 2>/dev/null && amd=1
	check "$name: the guest waited for CPUs (present $(cpulist "$nr"), online $(cpulist "$nr"))" \
		grep -qx "hotplug start: present $(cpulist "$nr"), online $(cpulist "$nr")" "$o"
	for ((k = 1; k <= add; k++)); do
		cpu=$((nr + k - 1))
		check "$name: SIGUSR2 $k: keel added vCPU $cpu (its log)" \
			grep -q "SIGUSR2: vCPU $cpu (APIC ID [0-9]*) added" "$o"
		got=$(sed -n "s/^hotplug $k: cpu$cpu online after .*: present \(.*\)/\1/p" "$o")
		check "$name: SIGUSR2 $k: the guest brought cpu$cpu online; present/online $(cpulist $((cpu + 1))) (got '${got:-nothing}')" \
			test "$got" = "$(cpulist $((cpu + 1))), online $(cpulist $((cpu + 1)))"
		read -r so co ap di <<<"$(cpu_ids $cpu $amd)"
		want="physical_id=$so core_id=$co apicid=$ap die_id=$di"
		got=$(sed -n "s/^hotplug cpu$cpu: //p" "$o")
		check "$name: cpu$cpu's topology ids are its place in the shape: $want (got '${got:-nothing}')" \
			test "$got" = "$want"
		printf '    time %s: %s\n' "$name" "$(grep "^hotplug $k: " "$o" | sed 's/: present.*//')"
	done
	if [ "$sig" -gt "$add" ]; then
		check "$name: SIGUSR2 with all $max vCPUs present: keel adds none and says so" \
			grep -q "SIGUSR2: all $max possible vCPUs are present (MAX_VCPUS): none added" "$o"
	fi
	check "$name: possible $(cpulist "$max"), present and online $(cpulist $((nr + add))) in the final report" \
		bash -c "grep -qx 'possible: $(cpulist "$max")' '$o' &&
			 grep -qx 'present: $(cpulist $((nr + add)))' '$o' &&
			 grep -qx 'online: $(cpulist $((nr + add)))' '$o'"
	check "$name: the guest finished and powered off: keel status 0" \
		grep -qx 'E2E-HOTPLUG: keel status 0' "$o"
	if [ "$fails" -ne "$before" ]; then
		sed 's/^/      job | /' "$o" 2>/dev/null | grep -v '^      job | flags' | tail -40
	fi
}

hotplug_case() {
	local name def shape sig add j=0
	hp_build || return
	"$SRC/tests/e2e/run-nested" - --batch "$HP" --quiet --log "$HP.log" \
		--timeout "$((TIMEOUT * 3))" >"$HP.out" 2>"$HP.err"
	echo "      run-nested: $(tail -1 "$HP.out")"
	while IFS='|' read -r name def shape sig add; do
		j=$((j + 1))
		hp_check $j "$name" "$sig" "$add"
	done <<<"$HP_CASES"
	[ -s "$HP/job.1.out" ] || sed 's/^/      log | /' "$HP.log" | tail -30
}

n=0
intel=""
for def in "$SRC"/configs/*_defconfig "$SRC"/tests/e2e/shapes/*_defconfig; do
	name=$(basename "$def" _defconfig)
	case $name in *"${E2E_FILTER:-}"*) ;; *) continue ;; esac
	n=$((n + 1))
	d=$(defconfig_for "$def" "$name") || continue
	start=$(date +%s)
	build "$name" "$d" || continue
	build_time=$(($(date +%s) - start))s
	echo "$build_time" >"$WORK/$name.build-time"
	case $HOSTS in *" intel "*)
		case $def:${E2E_INTEL:-configs} in
		"$SRC"/configs/*:* | *:all) intel="$intel $name" ;;
		esac
		;;
	esac
	case $HOSTS in *" amd "*) ;; *) continue ;; esac
	dir=$name
	LOG=$WORK/$name.log
	OUT=$WORK/$name.out
	ERR=$WORK/$name.err
	"$SRC/tests/e2e/run-nested" "$WORK/$name/keel" --quiet --log "$LOG" --timeout "$TIMEOUT" \
		>"$OUT" 2>"$ERR"
	rc=$?
	# The rare guest crash under nested software SVM (tests/e2e/crash.sh:
	# its signature only) is shown, not hidden, and the case runs once
	# more; any other crash fails.
	if [ $rc -eq 3 ] && [ "$(crash_signature "$LOG" "$LOG")" = "$E2E_RETRY_SIGNATURE" ]; then
		echo "    NOTE $name: guest crashed (keel status 3, $E2E_RETRY_SIGNATURE) under the nested harness; its log:"
		grep -E 'keel: (error|vCPU| )' "$LOG" | sed 's/^/      crash | /' | head -20
		cp "$LOG" "$WORK/$name.crash.log"
		"$SRC/tests/e2e/run-nested" "$WORK/$name/keel" --quiet --log "$LOG" \
			--timeout "$TIMEOUT" >"$OUT" 2>"$ERR"
		rc=$?
		echo "    NOTE $name: second run: keel status $rc"
	fi
	check_case amd
done
case stop:$HOSTS in *"${E2E_FILTER:-}"*:*" amd "*)
	n=$((n + 1))
	stop_case
	;;
esac
case hotplug-add:$HOSTS in *"${E2E_FILTER:-}"*:*" amd "*)
	n=$((n + 1))
	hotplug_case
	;;
esac
[ $n -gt 0 ] || [ "${E2E_FILTER:-}" = topology ] ||
	fail "no defconfig matched E2E_FILTER='${E2E_FILTER:-}'"

# The Intel host: the same images and checks, plus check_flags. Runs go
# side by side (INTEL_JOBS), the checks follow in order.
# The probe topology subset on Intel (E2E_INTEL_TOPO=0 leaves it out): its
# batch hands back every job's status since l1-init drains the console
# before powering off
if [ "${E2E_INTEL_TOPO:-1}" = 1 ]; then
	case $HOSTS:${E2E_FILTER:-} in *" intel ": | *" intel ":topology) topo_build ;; esac
else
	echo "    note: the Intel probe topology subset is off (E2E_INTEL_TOPO=0)"
fi
if [ -n "$intel$topo_names" ]; then
	echo "    Intel host (Bochs, kvm_intel):$intel${topo_names:+ topology}, $INTEL_JOBS at a time"
	for name in ${topo_names:+topology} $intel; do
		while [ "$(jobs -rp | wc -l)" -ge $INTEL_JOBS ]; do
			wait -n
		done
		if [ "$name" = topology ]; then
			"$SRC/tests/e2e/run-nested" - --host intel --batch "$TOPO" --quiet \
				--log "$TOPO.log" --timeout "$INTEL_TIMEOUT" >"$TOPO.out" 2>"$TOPO.err" &
		else
			intel_run "$name" &
		fi
	done
	wait
	[ -z "$topo_names" ] || topo_check
	for name in $intel; do
		dir=$name
		LOG=$WORK/$name.intel.log
		OUT=$WORK/$name.intel.out
		ERR=$WORK/$name.intel.err
		rc=$(cat "$WORK/$name.intel.rc" 2>/dev/null || echo none)
		build_time="(above)"
		name=$name@intel
		check_case intel
	done
fi
finish
