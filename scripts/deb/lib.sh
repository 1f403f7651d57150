# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by scripts/deb/keel-pkg.sh and release.sh (sourced): set ME first.

# die <message...>: "<ME>: error: <message>" on stderr, exit 1
die() {
	echo "$ME: error: $*" >&2
	exit 1
}
