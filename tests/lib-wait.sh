# Waiting for a condition rather than for a fixed time. A test that sleeps
# a fixed time and then signals a process fails when the machine is loaded
# (the process has not got that far yet); these poll for what the sleep was
# waiting for, with a generous upper bound that fails saying what did not
# happen. Sourced by tests/lib.sh, and by tests that do not source that one
# (after defining fail).

# poll_until SECONDS CMD...: runs CMD every 50 ms until it succeeds
# (returns 0) or SECONDS of wall-clock time have passed (returns 1). CMD
# may call fail itself to give up at once (the process it waits on has
# gone, say).
poll_until() {
	local end=$(( ${EPOCHREALTIME//[.,]/} + $1 * 1000000 ))
	shift
	until "$@"; do
		(( ${EPOCHREALTIME//[.,]/} < end )) || return 1
		sleep 0.05
	done
}

# wait_until SECONDS WHAT CMD...: poll_until, and after SECONDS fails:
# "WHAT: not within SECONDS s".
wait_until() {
	local secs=$1 what=$2
	shift 2
	poll_until "$secs" "$@" || fail "$what: not within $secs s"
}

# proc_ticks PID: the CPU time (user + system, all threads) the process
# has used, in clock ticks; fails when there is no such process.
proc_ticks() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }		# the name may hold spaces: fields from the state on
	set -- $s
	echo $(( ${12} + ${13} ))
}

lib_ticks_reach() {
	local t
	t=$(proc_ticks "$1") || fail "process $1 ended before it used its CPU time"
	[ "$t" -ge "$2" ]
}

# wait_cpu PID TICKS [SECONDS]: until the process has used TICKS more clock
# ticks of CPU time than now: it has run that long (and, with a profiler
# on it, has been sampled).
wait_cpu() {
	local t0
	t0=$(proc_ticks "$1") || fail "no process $1 to wait for"
	wait_until "${3:-60}" "process $1 using $2 ticks of CPU time" \
		lib_ticks_reach "$1" $((t0 + $2))
}

lib_comm_is() {
	local c
	c=$(cat "/proc/$1/comm" 2>/dev/null) || fail "process $1 ended before it was named '$2'"
	[ "$c" = "$2" ]
}

# wait_comm PID NAME [SECONDS]: until the process is named NAME (it has
# exec'd NAME, or named itself so: tinyvm's "CPU 0/KVM" before its run).
wait_comm() {
	wait_until "${3:-60}" "process $1 named '$2'" lib_comm_is "$1" "$2"
}

lib_child_named() {
	kill -0 "$1" 2>/dev/null || fail "process $1 ended before it started '$2'"
	CHILD=$(pgrep -P "$1" -x "$2" | head -n1)
	[ -n "$CHILD" ]
}

# wait_child PID NAME [SECONDS]: until process PID has a child named NAME
# (a command it started has exec'd); sets CHILD to the child's pid.
wait_child() {
	CHILD=
	wait_until "${3:-60}" "process $1 running '$2'" lib_child_named "$1" "$2"
}

lib_lines_match() {
	local n
	n=$(grep -c -E -- "$2" "$1" 2>/dev/null) || [ -n "$n" ] || n=0
	[ "$n" -ge "$3" ]
}

# wait_lines FILE REGEX [COUNT] [SECONDS]: until at least COUNT (default
# 1) lines of FILE match REGEX (extended).
wait_lines() {
	wait_until "${4:-60}" "$1: ${3:-1} line(s) matching /$2/" lib_lines_match "$1" "$2" "${3:-1}"
}

# lib_syscall_nrs NAME: the numbers system call NAME may go by on this
# machine (poll: poll and ppoll, as libc chooses).
lib_syscall_nrs() {
	case $(uname -m):$1 in
	x86_64:open) echo "2 257" ;;	# open, openat
	x86_64:write) echo 1 ;;
	x86_64:poll) echo "7 271" ;;
	aarch64:open) echo 56 ;;
	aarch64:write) echo 64 ;;
	aarch64:poll) echo 73 ;;
	*) return 1 ;;
	esac
}

# lib_blocked_in PID NAME [PATH]: a thread of PID sleeps in system call
# NAME (open, write, poll), for a write on a descriptor of PATH when given.
lib_blocked_in() {
	local pid=$1 nrs=$2 path=${3:-} t st line nr
	kill -0 "$pid" 2>/dev/null || fail "process $pid ended before it blocked"
	for t in /proc/"$pid"/task/*; do
		st=$(cat "$t/stat" 2>/dev/null) || continue
		st=${st##*) }
		[ "${st%% *}" = S ] || continue
		line=$(cat "$t/syscall" 2>/dev/null) || continue
		set -- $line
		for nr in $nrs; do
			[ "$1" = "$nr" ] || continue
			[ -z "$path" ] && return 0
			[ "$(readlink "/proc/$pid/fd/$(( $2 ))" 2>/dev/null)" = "$path" ] && return 0
		done
	done
	return 1
}

# wait_blocked PID NAME [PATH] [SECONDS]: until a thread of PID sleeps in
# system call NAME (open: a FIFO without a reader; write: a full pipe, on
# PATH, an absolute path, when given; poll: waiting for events). Skips the
# test where /proc does not show system calls (another architecture, not
# root).
wait_blocked() {
	local nrs
	nrs=$(lib_syscall_nrs "$2") || skip "no system call numbers for $(uname -m) here"
	if ! cat "/proc/$1/syscall" >/dev/null 2>&1; then
		kill -0 "$1" 2>/dev/null || fail "process $1 ended before it blocked in $2"
		skip "cannot read /proc/$1/syscall (it needs root)"
	fi
	wait_until "${4:-60}" "process $1 blocked in $2${3:+ on $3}" lib_blocked_in "$1" "$nrs" "${3:-}"
}
