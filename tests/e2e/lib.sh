# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by tests/e2e/run.sh and tests/e2e/demo.sh. Source it.
. "$SRC/tests/defconfig.sh"

# e2e_defconfig <defconfig> <name> <out> <unpin>: write <out>, a defconfig
# derived from <defconfig> that boots the guest assets (guest/vmlinuz and
# guest/initramfs.cpio.gz of the build folder). With <unpin> = 1 a profile
# whose board is not pc2 keeps its guest-visible shape but runs unpinned on
# the 2-CPU pc2 board with over-commit allowed (inside the nested host,
# which has its own CPUs, pinning means nothing). Prints "unpinned" if it
# did that.
e2e_defconfig() {
	local src=$1 name=$2 out=$3 unpin=$4
	derive_defconfig "$src" "$out" "$unpin" "CONFIG_DEFCONFIG_NAME=\"$name\"" \
		'CONFIG_GUEST_KERNEL="guest/vmlinuz"' \
		'CONFIG_GUEST_INITRD="guest/initramfs.cpio.gz"' \
		'CONFIG_GUEST_CMDLINE="console=ttyS0 quiet panic=-1"'
}

# e2e_cfg <.config> <symbol>: the symbol's value, quotes removed
e2e_cfg() { sed -n "s/^CONFIG_$2=//p" "$1" | tr -d '"'; }

# e2e_guest <log> <key>: the value of the guest's "<key>: <value>" line
# (tests/e2e/README); the log may have run-nested's "[seconds] " prefixes
e2e_guest() { sed -n "s/^\(\[[0-9.]*\] \)\{0,1\}$2: //p" "$1" | head -1; }

# e2e_cpulist <n>: "0" or "0-<n-1>"
e2e_cpulist() { if [ "$1" -eq 1 ]; then echo 0; else echo "0-$(($1 - 1))"; fi; }

# e2e_model_identity <CPU_MODEL>: "vendor|family|model|stepping|model name"
# the guest's /proc/cpuinfo shows for that QEMU model (QEMU's definitions;
# BRIEF.md), or "" for a model without an entry yet: add models here
e2e_model_identity() {
	case $1 in
	qemu64) echo "AuthenticAMD|15|107|1|QEMU Virtual CPU version 2.5+" ;;
	Broadwell) echo "GenuineIntel|6|61|2|Intel Core Processor (Broadwell)" ;;
	Skylake-Server) echo "GenuineIntel|6|85|4|Intel Xeon Processor (Skylake)" ;;
	EPYC) echo "AuthenticAMD|23|1|2|AMD EPYC Processor" ;;
	*) echo "" ;;
	esac
}

# e2e_hw_virt: succeeds when /dev/kvm is backed by VMX or SVM hardware, so
# that Linux guests run on it directly; otherwise prints why not
e2e_hw_virt() {
	if [ -d /sys/module/kvm_pvm ]; then
		echo "/dev/kvm here is kvm_pvm, a software KVM that cannot run a Linux guest (NOTES.md)"
		return 1
	fi
	if ! grep -q -w -E 'vmx|svm' /proc/cpuinfo; then
		echo "this CPU has no hardware virtualization (no vmx or svm in /proc/cpuinfo)"
		return 1
	fi
	if [ ! -c /dev/kvm ]; then
		echo "/dev/kvm is missing (is kvm_intel or kvm_amd loaded?)"
		return 1
	fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "/dev/kvm is not accessible to $(id -un) (add the user to group kvm)"
		return 1
	fi
	return 0
}
