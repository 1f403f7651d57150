# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Where the probe-guest suites run their images: directly on this
# machine's /dev/kvm, or nested, in an L1 session of tests/e2e/run-nested
# (QEMU TCG with AMD SVM, a Debian kernel with kvm_amd) when there is no
# usable /dev/kvm. Source it after tests/lib.sh and call kvm_init first.
#
#   KEEL_TEST_KVM=auto (default) | direct | nested   force a mode
#
# A suite runs its images through
#   kvm_run CMD ARGS...    one command; its stdout, stderr and status come
#                          back as if it had run here (redirect as usual)
#   kvm_call FUNC ARGS...  one of the suite's own bash functions, with the
#                          suite's variables and functions; its check/fail
#                          results count in this suite (fails)
# Both run in place in direct mode. In nested mode they run in one L1 that
# is booted at the first call and kept for the whole suite: the host's root
# is seen read-only (chroot), $WORK read-write at its own path, so paths,
# tools (bash, python3, timeout) and the suite's checks stay the same;
# /proc, /sys and /dev/kvm are L1's. The host-side checks of the output
# files do not change: only where the image runs does.
#
# KVM_SLOW is 1 in direct mode and 5 nested: multiply time limits by it.
# KVM_L1_APPEND (set before sourcing): arguments for L1's kernel command
# line (run-nested --l1-append), e.g. the bench's init_on_free=1.

KVM_MODE=
KVM_WHY=
KVM_SLOW=1
KVM_PID=
KVM_SPOOL=
KVM_BROKEN=
KVM_L1_APPEND=${KVM_L1_APPEND:-}
# host-side limit of one job; a job never takes this long unless L1 hung
KVM_JOB_LIMIT=${KVM_JOB_LIMIT:-900}

# kvm_usable: succeeds when /dev/kvm can run the probe guest here; else
# prints why not
kvm_usable() {
	if [ ! -e /dev/kvm ]; then
		echo "/dev/kvm is absent"
		return 1
	fi
	if [ ! -c /dev/kvm ]; then
		echo "/dev/kvm is not a character device"
		return 1
	fi
	if ! { : <>/dev/kvm; } 2>/dev/null; then
		echo "/dev/kvm cannot be opened read-write by $(id -un)"
		return 1
	fi
	return 0
}

# kvm_init: choose the mode, print it as the suite's first line and record
# it for tests/run ($WORK/.kvm-mode). Exits 77 (skip, loudly) only when
# nested is needed and impossible.
kvm_init() {
	local want=${KEEL_TEST_KVM:-auto} why
	case $want in
	auto)
		if why=$(kvm_usable); then
			KVM_MODE=direct
		else
			KVM_MODE=nested
			KVM_WHY="no usable /dev/kvm: $why"
		fi
		;;
	direct)
		if ! why=$(kvm_usable); then
			echo "error: KEEL_TEST_KVM=direct, but $why"
			exit 1
		fi
		KVM_MODE=direct
		;;
	nested)
		KVM_MODE=nested
		KVM_WHY="KEEL_TEST_KVM=nested"
		;;
	*)
		echo "error: KEEL_TEST_KVM='$want': use auto, direct or nested"
		exit 1
		;;
	esac
	if [ $KVM_MODE = direct ]; then
		echo "mode: direct (/dev/kvm)"
	else
		if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
			echo "SKIP: mode nested ($KVM_WHY), but qemu-system-x86_64 is not" \
				"installed (apt-get install qemu-system-x86, or scripts/deps.sh):" \
				"the images of this suite cannot run anywhere"
			exit 77
		fi
		echo "mode: nested ($KVM_WHY)"
		KVM_SLOW=5
	fi
	echo "$KVM_MODE" >"$WORK/.kvm-mode"
	# Boot L1 now, in this shell (not in a $(...) subshell, whose exit
	# would end it); it comes up while the suite builds its first image.
	[ $KVM_MODE = direct ] || kvm_start
}

# kvm_start: boot the L1 session (nested mode), once. An L1 that does not
# come up (a boot that hangs or panics: NOTES.md, the rare nested hang; a
# slow or loaded CI machine makes it likelier) is killed and booted again,
# KVM_START_TRIES times in all, before the suite's nested part is given up.
KVM_START_TRIES=3
kvm_start() {
	local try
	[ $KVM_MODE = nested ] || return 0
	[ -z "$KVM_BROKEN" ] || return 1
	if [ -n "$KVM_PID" ] && kill -0 "$KVM_PID" 2>/dev/null; then
		return 0
	fi
	for ((try = 1; try <= KVM_START_TRIES; try++)); do
		kvm_boot $try && return 0
	done
	echo "    error: no L1 session came up in $KVM_START_TRIES tries: the images" \
		"of this suite cannot run (logs: $KVM_SPOOL)"
	KVM_BROKEN=1
	return 1
}

# kvm_boot <try>: one boot of the L1 session; waits at most
# KVM_START_LIMIT seconds for its agent
KVM_START_LIMIT=${KVM_START_LIMIT:-120}
kvm_boot() {
	local i t0=$EPOCHSECONDS
	KVM_SPOOL=$WORK/.l1
	# the logs of a failed try stay for the report
	[ ! -d "$KVM_SPOOL" ] || [ "$1" = 1 ] || mv "$KVM_SPOOL" "$KVM_SPOOL.try$(($1 - 1))"
	rm -rf "$KVM_SPOOL"
	mkdir -p "$KVM_SPOOL"
	echo 0 >"$KVM_SPOOL/n"
	# 6 GiB: tests/guest/boot.sh gives a guest 4.5 GiB (only touched
	# pages cost host memory)
	"$SRC/tests/e2e/run-nested" - --share "$WORK" --mem 6G --timeout 7200 \
		--retries 0 --quiet --log "$KVM_SPOOL/l1.log" \
		${KVM_L1_APPEND:+--l1-append "$KVM_L1_APPEND"} \
		--cmd "sh /host$SRC/tests/e2e/l1-agent $KVM_SPOOL" \
		>"$KVM_SPOOL/run-nested.out" 2>&1 &
	KVM_PID=$!
	# a suite stopped by a signal ends its L1 too (bash runs the EXIT
	# trap on exit, not on death by an untrapped signal)
	trap kvm_stop EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
	for ((i = 0; i < KVM_START_LIMIT * 10; i++)); do
		[ -f "$KVM_SPOOL/ready" ] && break
		if ! kill -0 "$KVM_PID" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	if [ ! -f "$KVM_SPOOL/ready" ]; then
		if kill -0 "$KVM_PID" 2>/dev/null; then
			echo "    error: L1 session, try $1 of $KVM_START_TRIES: not up after" \
				"${KVM_START_LIMIT}s; stopped. Its console's last lines:"
		else
			echo "    error: L1 session, try $1 of $KVM_START_TRIES: it stopped" \
				"before it came up. Its console's last lines:"
		fi
		kvm_stop
		tail -n 12 "$KVM_SPOOL/l1.log" "$KVM_SPOOL/run-nested.out" 2>&1 | sed "s/^/      | /"
		return 1
	fi
	echo "    (L1 session up in $(sed 's/\..*//' "$KVM_SPOOL/ready")s of L1 uptime," \
		"$((EPOCHSECONDS - t0))s wall$([ "$1" = 1 ] || echo ", try $1"))"
}

# kvm_stop: end the L1 session (nested mode)
kvm_stop() {
	local i
	[ -n "$KVM_PID" ] || return 0
	touch "$KVM_SPOOL/stop"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$KVM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$KVM_PID" 2>/dev/null
	wait "$KVM_PID" 2>/dev/null
	KVM_PID=
}

# kvm_job <script>: run a bash script in L1; its stdout and stderr come out
# here, its status is returned. When L1 dies or hangs under a job (NOTES.md:
# a rare nested hang), a new session runs the job once more; 125 if that
# fails too.
kvm_job() {
	local rc
	kvm_job_once "$1"
	rc=$?
	[ $rc = 125 ] && [ -z "$KVM_PID" ] || return $rc
	echo "kvm: retrying the job in a new L1 session" >&2
	kvm_job_once "$1"
}

kvm_job_once() {
	local job i rc n
	kvm_start || return 125
	# the counter lives in the spool, so that jobs from $(...) count too
	n=$(($(cat "$KVM_SPOOL/n") + 1))
	echo $n >"$KVM_SPOOL/n"
	job=$KVM_SPOOL/job.$n
	printf '%s\n' "$1" >"$job.sh.tmp"
	mv "$job.sh.tmp" "$job.sh"
	for ((i = 0; i < KVM_JOB_LIMIT * 50; i++)); do
		[ -f "$job.rc" ] && break
		kill -0 "$KVM_PID" 2>/dev/null || break
		sleep 0.02
	done
	if [ ! -f "$job.rc" ]; then
		echo "kvm: the L1 session died or hung (job $n); last lines:" >&2
		tail -5 "$KVM_SPOOL/l1.log" | sed 's/^/    | /' >&2
		kill "$KVM_PID" 2>/dev/null
		wait "$KVM_PID" 2>/dev/null
		KVM_PID=
		return 125
	fi
	cat "$job.out"
	cat "$job.err" >&2
	rc=$(cat "$job.rc")
	return "$rc"
}

# kvm_prologue: the job script's start: this shell's variables, functions
# and directory
kvm_prologue() {
	local v
	echo 'set -u'
	# in L1 the job is "direct": kvm_run and kvm_call run in place there
	printf 'KVM_MODE=direct KVM_INSIDE=1 KVM_SLOW=%s\n' "$KVM_SLOW"
	for v in $(compgen -v); do
		case $v in
		BASH* | EUID | PPID | UID | SHELLOPTS | PIPESTATUS | FUNCNAME | GROUPS | \
			DIRSTACK | SECONDS | RANDOM | LINENO | SRANDOM | EPOCH* | HISTCMD | \
			COMP_* | OPTIND | OPTARG | _ | PWD | OLDPWD | SHLVL | KVM_*) continue ;;
		esac
		case $(declare -p "$v" 2>/dev/null) in
		"declare -"*r*" $v"*) continue ;;
		esac
		declare -p "$v" 2>/dev/null
	done
	declare -f
	printf 'cd %q || exit 125\n' "$PWD"
}

# kvm_run CMD ARGS...: run one command where the images run
kvm_run() {
	[ $KVM_MODE = nested ] || { "$@"; return; }
	local cmd
	cmd=$(printf '%q ' "$@")
	kvm_job "$(printf 'cd %q || exit 125\nexec %s\n' "$PWD" "$cmd")"
}

# kvm_call FUNC ARGS...: run one of this suite's functions where the images
# run; the failures it counts are added to this suite's
kvm_call() {
	[ $KVM_MODE = nested ] || { "$@"; return; }
	local rc f
	f=$WORK/.l1-fails.$BASHPID.$RANDOM
	kvm_job "$(kvm_prologue
		echo 'fails=0'
		printf '%q ' "$@"
		printf '\nkvm_rc=$?\necho "$fails" >%q\nexit $kvm_rc\n' "$f")"
	rc=$?
	if [ -f "$f" ]; then
		fails=$((fails + $(cat "$f")))
		rm -f "$f"
	else
		fail "$1: did not complete in L1 (status $rc)"
	fi
	return $rc
}
