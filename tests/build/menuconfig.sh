#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make menuconfig" opens the menus and saves what the user sets, driven
# through tmux like a user at a terminal; an invalid choice made there is
# reported when menuconfig exits, and "make" then refuses it.
set -u
. "$SRC/tests/lib.sh"
if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux is not installed (scripts/deps.sh installs it)"
	exit 77
fi
sock=
t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -p -t mc; }
# wait_for <text>: until the screen shows it (10 s at most)
wait_for() {
	for _ in $(seq 100); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "      screen never showed '$1'; it shows:"
	screen | grep -v '^\s*$' | sed 's/^/      | /'
	return 1
}
keys() { t send-keys -t mc "$@"; sleep 0.3; }

# set_symbol <name> <value>: jump to a symbol, replace its value, save.
set_symbol() {
	keys / && keys "$1" && keys Enter && keys Enter
	wait_for "Range:" || return 1
	for _ in $(seq 8); do keys BSpace; done
	keys "$2" && keys Enter
	keys S && wait_for "Filename to save configuration to" && keys Enter &&
		wait_for "Configuration saved to" && keys Enter
}

# run_menuconfig <objdir>: start it in a 120x40 terminal
run_menuconfig() {
	[ -z "$sock" ] || t kill-server 2>/dev/null
	sock=$1/tmux.sock
	TERM=xterm t new-session -d -s mc -x 120 -y 40 \
		"make -C '$SRC' O='$1' menuconfig; echo MENUCONFIG-EXIT=\$?; sleep 60"
}

o=$WORK/ok
mkdir -p "$o"
run_menuconfig "$o"
if wait_for "Keel appliance VMM configuration"; then
	for m in "General setup" "Guest" "vCPUs and topology" "CPU model" \
		"Host board and pinning" "Devices" "Hardening"; do
		check "top menu shows '$m'" grep -qF "$m  --->" <(screen)
	done
	set_symbol GUEST_MEM_MB 512
	keys Q
	check "menuconfig exits and reports a valid .config" wait_for "/.config is valid"
	check "menuconfig exit status 0" wait_for "MENUCONFIG-EXIT=0"
	check ".config has the value typed in" grep -qx 'CONFIG_GUEST_MEM_MB=512' "$o/.config"
	if kmake "$o"; then
		check "the image carries it" grep -qx 'CONFIG_GUEST_MEM_MB=512' <("$o/keel" --print-config)
	else
		fail "make after menuconfig"
	fi
else
	fail "menuconfig did not open"
fi

# An over-committed choice (4 unpinned vCPUs on the 2-CPU board).
o=$WORK/bad
mkdir -p "$o"
run_menuconfig "$o"
if wait_for "Keel appliance VMM configuration"; then
	set_symbol NR_VCPUS 4
	keys Q
	check "menuconfig reports the broken rule on exit" \
		wait_for "error: MAX_VCPUS (4) exceeds the 1 host CPU(s)"
	wait_for "MENUCONFIG-EXIT=" >/dev/null
	check "menuconfig exit status non-zero" grep -q 'MENUCONFIG-EXIT=[1-9]' <(screen)
	kmake "$o"
	check "make refuses the saved .config" grep -q '^error: MAX_VCPUS (4) exceeds' "$WORK/make.out"
	check "no image" test ! -e "$o/keel"
else
	fail "menuconfig did not open (second run)"
fi
t kill-server 2>/dev/null
rm -f "$WORK"/*/tmux.sock
finish
