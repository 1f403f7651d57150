#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian packages (scripts/deb/, README "Putting Keel on an edge host"):
#  1. make release of one profile from two checkouts at different paths:
#     the same bytes (images, .debs, SBOMs, SHA256SUMS); make release-verify
#  2. lintian: no error, warning or info left (overrides carry reasons)
#  3. the SBOM: SPDX 2.3 (schema + checksums) and every input named
#  4. systemd-analyze verify accepts the unit; its sandboxing, scored by
#     systemd-analyze security (tests/deb/unit.sh)
#  5. dpkg in a scratch root: two profiles side by side, a third whose pins
#     collide refused with the CPUs named, a fourth built for another board
#     refused with both boards' host parameters, -r / --purge leave nothing behind
#  6. make install: the same names, two profiles side by side
#  7. the README section's commands, run as written (host-changing commands
#     recorded by stubs, dpkg confined to a scratch root)
# Profiles use the probe guest (small images, no downloads), except the
# README's (edge_2s2c2t with the Debian guest: the kernel package is
# downloaded once into GUEST_CACHE), whose SBOM and lintian run in 7.
set -u
. "$SRC/tests/lib.sh"

for t in dpkg-deb lintian systemd-analyze xz; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed (scripts/deps.sh)"; exit 77; }
done
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
	{ echo "SKIP: python3-jsonschema is not installed (scripts/deps.sh)"; exit 77; }
export GUEST_CACHE=${GUEST_CACHE:-$WORK/guest-cache}

# Profiles on the 2-socket server board, probe guest: A and B pin disjoint
# isolated CPUs; C pins vCPUs 1 and 3 to host CPUs 3 and 19 (A's).
D=$WORK/defs
mkdir -p "$D"
probe_defconfig "$SRC/configs/edge_2s2c2t_defconfig" "$D/edge_a_defconfig" 0
probe_defconfig "$SRC/configs/edge_2s2c2t_defconfig" "$D/edge_b_defconfig" 0 \
	'CONFIG_VCPU_PIN_TABLE="0=4 1=20 2=5 3=21 4=12 5=28 6=13 7=29"'
probe_defconfig "$SRC/configs/edge_2s2c2t_defconfig" "$D/edge_c_defconfig" 0 \
	'CONFIG_VCPU_PIN_TABLE="0=6 1=19 2=7 3=3 4=14 5=30 6=15 7=31"'
# D is built for another board (edge-8): CPU 6, free of A's and B's pins,
# but its host kernel parameters differ from theirs.
probe_defconfig "$SRC/configs/tiny_defconfig" "$D/edge_d_defconfig" 0 \
	'# CONFIG_BOARD_PC2 is not set' CONFIG_BOARD_EDGE_8=y 'CONFIG_VCPU_PIN_TABLE="0=6"' \
	'CONFIG_VMM_CPUS="0"'

# 1. Two checkouts of the working tree at different paths, each a git
# repository with the same commit (same tree, author, dates: same hash).
when=$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || date +%s)
for side in a b; do
	t=$WORK/src-$side/checkout-$side
	mkdir -p "$t"
	(cd "$SRC" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$t")
	(cd "$t" && git init -q && git add -A &&
		GIT_AUTHOR_NAME=k GIT_AUTHOR_EMAIL=k@k GIT_COMMITTER_NAME=k GIT_COMMITTER_EMAIL=k@k \
			GIT_AUTHOR_DATE="@$when +0000" GIT_COMMITTER_DATE="@$when +0000" \
			git commit -q -m snapshot)
done
A=$WORK/src-a/checkout-a
B=$WORK/src-b/checkout-b
for side in a b; do
	t=$WORK/src-$side/checkout-$side
	if ! make -C "$t" O="$WORK/out-$side" RELEASE_DEFCONFIGS="$D/edge_a_defconfig" \
		release >"$WORK/release-$side.out" 2>&1; then
		sed 's/^/      | /' "$WORK/release-$side.out"
		fail "make release from checkout $side"
	fi
done
check "release: 4 files (image, .deb, SBOM, SHA256SUMS)" \
	test "$(ls "$WORK/out-a/release" | wc -l)" = 4
check "release: same bytes from two checkout paths ($(ls "$WORK/out-a/release" | tr '\n' ' '))" \
	diff -r "$WORK/out-a/release" "$WORK/out-b/release"
check "release: SHA256SUMS verifies" sh -c "cd '$WORK/out-a/release' && sha256sum -c --quiet SHA256SUMS"
debA=$(ls "$WORK"/out-a/release/keel-edge-a_*_amd64.deb)
printf '    .deb: %s, %s bytes\n' "$(basename "$debA")" "$(stat -c %s "$debA")"
if make -C "$A" O="$WORK/out-a" RELEASE_DEFCONFIGS="$D/edge_a_defconfig" \
	release-verify >"$WORK/verify.out" 2>&1; then
	check "release-verify: says every file is identical" grep -q 'VERIFY .* files identical' "$WORK/verify.out"
else
	sed 's/^/      | /' "$WORK/verify.out"
	fail "release-verify"
fi
# A changed byte is reported, naming the file.
printf x >>"$WORK/out-a/release/keel-edge-a.spdx.json"
make -C "$A" O="$WORK/out-a" RELEASE_DEFCONFIGS="$D/edge_a_defconfig" release-verify \
	>"$WORK/verify2.out" 2>&1
check "release-verify: a changed file fails, named" grep -q 'DIFFERS keel-edge-a.spdx.json' "$WORK/verify2.out"

# The other profiles, as packages (make deb).
for p in b c d; do
	o=$WORK/prof-$p
	if kmake "$o" defconfig DEFCONFIG="$D/edge_${p}_defconfig" && kmake "$o" -j2 deb; then
		eval "deb${p^^}=\$(cat \"\$o/deb/deb-path\")"
	else
		sed 's/^/      | /' "$WORK/make.out"
		fail "make deb of edge_$p"
		finish
	fi
done
check "deb: named keel-<profile>_<version>_amd64.deb" \
	test "$(basename "$debB" | sed 's/_.*_amd64\.deb$//')" = keel-edge-b

# 2. lintian
lintian --display-info --pedantic "$debA" "$debB" >"$WORK/lintian.out" 2>&1
check "lintian: no tag (E/W/I/P) on two packages" \
	test -z "$(grep -E '^[EWIPX]: ' "$WORK/lintian.out")"
grep -E '^[EWIPX]: ' "$WORK/lintian.out" | sed 's/^/      | /'

# 3. SBOM
X=$WORK/x-a
dpkg-deb -R "$debA" "$X"
inputs="keel musl-dev musl-tools gcc-12 cpp-12 binutils-x86-64-linux-gnu linux-libc-dev libseccomp-dev
	python3-kconfiglib dpkg .config"
check "SBOM: SPDX 2.3, checksums match the package, inputs named" \
	/usr/bin/python3 "$SRC/tests/deb/check_spdx.py" "$X/usr/share/doc/keel-edge-a/sbom.spdx.json" \
	"$X" $inputs
check "SBOM: the probe guest is an embedded input" \
	grep -q '"GUEST_KERNEL=tests/guest/probe.bzImage, embedded' "$X/usr/share/doc/keel-edge-a/sbom.spdx.json"
# The SBOM of a package with the Debian guest: section 7 (the README's).

# 4. systemd-analyze verify, in a root with systemd's own units
V=$WORK/verify-root
dpkg-deb -x "$debA" "$V"
cp -a /usr/lib/systemd/system/*.target /usr/lib/systemd/system/*.slice "$V/usr/lib/systemd/system/"
systemd-analyze verify --man=no --root="$V" "$V/usr/lib/systemd/system/keel-edge-a.service" \
	>"$WORK/verify-unit.out" 2>&1
check "systemd-analyze verify keel-edge-a.service: accepted, nothing to say" \
	test "$?:$(cat "$WORK/verify-unit.out")" = "0:"
check "unit: ExecStart is /usr/sbin/keel-edge-a, CPUAffinity= is VMM_CPUS" \
	sh -c "grep -qx 'ExecStart=/usr/sbin/keel-edge-a' '$V/usr/lib/systemd/system/keel-edge-a.service' &&
		grep -qx 'CPUAffinity=0-1,16-17' '$V/usr/lib/systemd/system/keel-edge-a.service'"

# 4b. the unit's systemd sandboxing, from the configuration
. "$SRC/tests/deb/unit.sh"

# 5. dpkg in a scratch root (maintainer scripts without chroot, DPKG_ROOT)
R=$WORK/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
: >"$R/var/lib/dpkg/status"
snapshot() { (cd "$R" && find . ! -path './var/lib/dpkg*' ! -path './var/log*' | sort); }
snapshot >"$WORK/before"
rdpkg() { dpkg --root="$R" --force-script-chrootless "$@"; }
rdpkg -i "$debA" >"$WORK/dpkg-a.out" 2>&1
check "dpkg -i keel-edge-a: installed although this host does not match" test $? = 0
check "postinst: ran keel-edge-a --check and printed its result" \
	grep -q 'keel-edge-a: pre-flight of this host (keel-edge-a --check, status [01])' "$WORK/dpkg-a.out"
check "postinst: enables nothing, says how" \
	grep -q 'not enabled; to start the guest now and at boot: systemctl enable --now keel-edge-a.service' \
	"$WORK/dpkg-a.out"
check "image, command, unit, GRUB drop-in, host-cmdline, pins, docs in place" sh -c "cd '$R' &&
	test -x usr/libexec/keel/edge-a/keel && test -L usr/sbin/keel-edge-a &&
	test -f usr/lib/systemd/system/keel-edge-a.service &&
	grep -q '^GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX isolcpus=managed_irq,domain,2-7' etc/default/grub.d/keel-edge-a.cfg &&
	test -s usr/share/keel/edge-a/host-cmdline && grep -qx 'vcpu-cpus 2 3 10 11 18 19 26 27' usr/share/keel/edge-a/pins &&
	test -s usr/share/doc/keel-edge-a/config && grep -q 'keel-vcpu7 *-> host CPU 27' usr/share/doc/keel-edge-a/summary"
check "/usr/sbin/keel-edge-a runs: --version" sh -c "'$R/usr/sbin/keel-edge-a' --version | grep -q 'edge_a'"
rdpkg -i "$debB" >"$WORK/dpkg-b.out" 2>&1
check "dpkg -i keel-edge-b: installs side by side (disjoint pins)" test $? = 0
# refused <p> <why> <what the refusal names> <its line>: dpkg -i of
# keel-edge-<p> fails, its error line is printed and says that
refused() {
	rdpkg -i "$(eval echo "\$deb${1^^}")" >"$WORK/dpkg-$1.out" 2>&1
	check "dpkg -i keel-edge-$1: refused ($2)" test $? != 0
	check "refusal names $3" grep -qF "$4" "$WORK/dpkg-$1.out"
	sed -n "/keel-edge-$1: error/p" "$WORK/dpkg-$1.out" | head -2 | sed 's/^/      | /'
}
refused c "pins collide" "the CPUs and the installed profile" \
	'keel-edge-c: error: host CPU collision with installed keel-edge-a: keel-edge-c pins vCPUs to host CPU(s) 3,19, which keel-edge-a pins its vCPUs to'
check "keel-edge-c is not installed, keel-edge-a and -b are" sh -c "
	! dpkg --root='$R' -s keel-edge-c 2>/dev/null | grep -q '^Status: install ok installed' &&
	dpkg --root='$R' -s keel-edge-a | grep -q '^Status: install ok installed' &&
	dpkg --root='$R' -s keel-edge-b | grep -q '^Status: install ok installed'"
refused d "another board" "both boards' host parameters" \
	"keel-edge-d: error: built for another board than installed keel-edge-a: its host kernel parameters are 'isolcpus=managed_irq,domain,1-3,5-7 nohz_full=1-3,5-7 rcu_nocbs=1-3,5-7 irqaffinity=0,4', keel-edge-a's are 'isolcpus=managed_irq,domain,2-7,10-15,18-23,26-31"
check "keel-edge-d is not installed" sh -c \
	"! dpkg --root='$R' -s keel-edge-d 2>/dev/null | grep -q '^Status: install ok installed'"
rdpkg -i "$debA" >"$WORK/dpkg-a2.out" 2>&1
check "dpkg -i keel-edge-a again (reinstall/upgrade path): accepted" test $? = 0
rdpkg -r keel-edge-a keel-edge-b >"$WORK/dpkg-r.out" 2>&1
check "dpkg -r: removed" test $? = 0
check "dpkg -r: only the conffile (GRUB drop-in) is kept" sh -c "cd '$R' &&
	test -f etc/default/grub.d/keel-edge-a.cfg && ! test -e usr/libexec/keel/edge-a"
rdpkg --purge keel-edge-a keel-edge-b keel-edge-c keel-edge-d >"$WORK/dpkg-p.out" 2>&1
check "dpkg --purge: purged" test $? = 0
snapshot >"$WORK/after"
check "dpkg -i/-r/--purge round trip leaves nothing behind" diff "$WORK/before" "$WORK/after"
check "dpkg database: no keel package installed or half-installed" \
	test -z "$(dpkg --root="$R" -l 'keel-*' 2>/dev/null | grep -v '^un ' | grep ' keel-')"

# 6. make install: the same names, side by side
for p in a b; do
	o=$WORK/prof-$p
	[ $p = a ] && o=$WORK/out-a/release-build/edge_a
	kmake "$o" install DESTDIR="$WORK/inst" PREFIX=/usr/local || fail "make install edge_$p"
done
check "make install: two profiles side by side" sh -c "cd '$WORK/inst/usr/local' &&
	cmp libexec/keel/edge-a/keel '$WORK/out-a/release/keel-edge-a' &&
	test \"\$(readlink sbin/keel-edge-b)\" = ../libexec/keel/edge-b/keel &&
	grep -qx 'ExecStart=/usr/local/sbin/keel-edge-a' lib/systemd/system/keel-edge-a.service &&
	grep -qx 'ExecStart=/usr/local/sbin/keel-edge-b' lib/systemd/system/keel-edge-b.service"

# 7. README: "Putting Keel on an edge host", its sh blocks run in order
. "$SRC/tests/deb/readme.sh"

finish
