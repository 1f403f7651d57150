# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/run.sh and tests/e2e/crash-ab.sh: one name for what
# a crashed real-Linux boot looked like, so the A/B's counts and the e2e
# retry speak of the same thing.

# crash_signature <console> <keel stderr>: one word (the same file twice
# where both are in one log)
crash_signature() {
	if grep -q 'triple fault' "$2"; then
		echo triple-fault
	elif grep -q 'KVM internal error' "$2"; then
		echo kvm-internal-error
	elif grep -q 'Kernel panic' "$1"; then
		echo guest-panic
	elif grep -q 'KEEL-E2E: booted' "$1"; then
		echo stopped-after-init
	else
		echo no-init
	fi
}

# The signature of the rare nested crash carried since the first e2e work
# (a triple fault on one vCPU of the 8-vCPU shape, about 1 run in 70
# under nested software SVM): the only status 3 the e2e suite runs again.
# Any other crash fails at once.
E2E_RETRY_SIGNATURE=triple-fault
