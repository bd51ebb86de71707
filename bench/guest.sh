#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the benchmark guest (the kernel without debug checkers): measures
# and records, never judges.  Every figure is taken in this boot together
# with its reference (the kernel's own mechanism, no listener, or
# netdevsim), so the host can report ratios (bench/report.py).
#
#   bench/guest.sh OUT RFN_KO BENCH_KO NSIM_KO BENCH SCALE [RUNS]
#
# BENCH: a comma-separated subset of replay,insert,flag,churn,teardown,
# resync, profile (memory is measured with insert and flag; profile is not
# in the default set).  SCALE: full, small or smoke.  RUNS: runs of each
# figure (default: the scale's).  A module given as `-` is built into the
# kernel (the native benchmark, scripts/bench-uml.sh): not loaded, and
# what needs netdevsim (insert, flag, teardown) cannot be measured.
# Records go to OUT/bench.raw (`kind=... key=value ...`, see
# bench/report.py); progress, with an estimate of the time left, to stdout.
set -u
out=$1 rfn_ko=$2 bench_ko=$3 nsim_ko=$4 bench=$5 scale=$6
RAW=$out/bench.raw
RFN=/sys/kernel/debug/rust_fib_notifier
RB=/sys/kernel/debug/rfn_bench
: >"$RAW"

case $scale in
full)
	replay_routes=(10000 100000 1000000) replay_nets=(1 8 64) replay6_routes=100000
	runs=3 n_insert=100000 churn_nets=16 churn_regs=5 teardown_nets=64
	resync_routes=100000 ;;
small)
	replay_routes=(1000 10000 100000) replay_nets=(1 8) replay6_routes=10000
	runs=3 n_insert=10000 churn_nets=16 churn_regs=5 teardown_nets=64
	resync_routes=100000 ;;
smoke)
	replay_routes=(1000) replay_nets=(1 2) replay6_routes=1000
	runs=1 n_insert=1000 churn_nets=4 churn_regs=2 teardown_nets=4
	resync_routes=1000 ;;
*) echo "bench: unknown scale $scale" >&2; exit 2 ;;
esac
[ -n "${7:-}" ] && runs=$7
# The native benchmark's knobs (scripts/bench-uml.sh: BENCH_ROUTES,
# BENCH_NETS, BENCH_ROUTES6 on the UML kernel's command line, in init's
# environment): the replay points, comma-separated, instead of the
# scale's; routes6=0 measures no IPv6 point.
[ -n "${rfn_routes:-}" ] && IFS=, read -ra replay_routes <<<"$rfn_routes"
[ -n "${rfn_nets:-}" ] && IFS=, read -ra replay_nets <<<"$rfn_nets"
[ -n "${rfn_routes6:-}" ] && replay6_routes=$rfn_routes6
# What is cheap and noisy under TCG (spreads of 20% between runs of one
# point) gets more runs: a replay takes milliseconds once its routes are
# in, an insertion without netdevsim a few seconds (netdevsim's takes
# minutes: it drains its flagging before its device goes).
many_runs=$((runs * 5))
churn_regs=$((churn_regs * runs / 3 + 1))
wants() { [[ ,$bench, == *,$1,* ]]; }

. "$(dirname "$0")/../tests/guest/builtins.sh"
record() { printf '%s\n' "$*" >>"$RAW"; }
# A step that failed ends the run: a figure measured on a set-up that did
# not happen would be wrong, not missing.
die() { echo "bench: $*" >&2; exit 1; }
# meminfo VAR FIELD: a /proc/meminfo field, in kB.
meminfo() {
	local _k _v _u
	while read -r _k _v _u; do
		[ "$_k" = "$2:" ] && { printf -v "$1" '%s' "$_v"; return 0; }
	done </proc/meminfo
	return 1
}

# Progress: the work is counted in route insertions (what takes the time
# under TCG); the estimate is the rate so far applied to what is left.
usecs bench_start
work_done=0 work_total=0
progress() {
	local now el left
	usecs now
	el=$(((now - bench_start) / 1000000))
	left=?
	[ "$work_done" -gt 0 ] && left=$((el * (work_total - work_done) / work_done))
	[ "$left" != "?" ] && [ "$left" -lt 0 ] && left=0
	printf 'bench: [%3d s, about %s s left] %s\n' "$el" "$left" "$*"
}

# routes_batch FAMILY FROM TO: `ip -batch` lines adding routes FROM..TO-1
# (IPv4 /32s from 100.0.0.0, IPv6 /64s under 2001:db8::/32), into a file
# on the guest's tmpfs, so that generating them is not timed.
BATCH=/tmp/bench.batch
routes_batch() {
	awk -v f="$1" -v a="$2" -v b="$3" 'BEGIN {
		for (k = a; k < b; k++)
			if (f == 4)
				printf "route add 100.%d.%d.%d/32 via 10.0.0.2\n", int(k / 65536), int(k / 256) % 256, k % 256
			else
				printf "route add 2001:db8:%x:%x::/64 via 2001:db8:ffff::2\n", int(k / 65536), k % 65536
	}' >"$BATCH"
}
# batch NS [FILE]: `ip -n NS -batch FILE` (default $BATCH), which stops at
# its first failing line: then the run ends.
batch() { ip -n "$1" -batch "${2:-$BATCH}" || die "ip -n $1 -batch ${2:-$BATCH}: a line failed"; }
# knob FILE VALUE: write a debugfs (or sysfs) file; a refused write ends
# the run.
knob() { echo "$2" >"$1" || die "echo $2 > $1 failed"; }
# make_net NS: a namespace with a link for the routes' gateways.
make_net() {
	ip netns add "$1" || die "ip netns add $1 failed"
	batch "$1" - <<EOF
link set lo up
link add d0 type dummy
link set d0 up
addr add 10.0.0.1/24 dev d0
addr add 2001:db8:ffff::1/64 dev d0 nodad
EOF
}
# fill NS FAMILY FROM TO: add those routes to NS; the time it took (us) in
# fill_us.  Where rfn_bench is built in (natively) its `fill` adds them
# in the kernel, the same routes through the same insertion functions
# without a system call per route.
fill() {
	local t0 t1 ino
	if [ -e "$RB/fill" ]; then
		ino=$(stat -L -c %i "/run/netns/$1") || die "fill: no inode for $1"
		usecs t0
		echo "$ino $2 $3 $(($4 - $3))" >"$RB/fill" || die "fill: $1 IPv$2 $3..$4 failed"
		usecs t1
	else
		routes_batch "$2" "$3" "$4"
		usecs t0
		batch "$1"
		usecs t1
	fi
	fill_us=$((t1 - t0))
	work_done=$((work_done + $4 - $3))
}
# del_nets: every named namespace deleted and dismantled: unlisted, then
# rfn_bench's barrier (a write to its `nets`) waits for the cleanup in
# progress.  A namespace still dismantling moves its counters, which the
# next registration would take for changes of its own (retries, EBUSY).
nets_unlisted() { local n; get n nets "$RB/nets" && [ "$n" -le "$nets_base" ]; }
del_nets() {
	ip -all netns delete 2>/dev/null
	wait_for 600 nets_unlisted || die "namespaces still listed 600 s after their deletion"
	knob "$RB/nets" 1
}

# The ways to replay, interleaved run by run (drift hits all alike): the
# kernel's, its control (one more call per event, by pointer: what the
# module's replay adds before a C listener), the module's to a C and to a
# Rust listener.
# timing FILE: a timed registration's clocks, as rfn_bench shows them: ns
# (wall-clock time), cpu (CPU time: natively only, else 0) and sw (how
# often the registering task gave the CPU to another: both clocks count
# what that one did meanwhile).
timing() { get ns ns "$1"; get cpu cpu_ns "$1"; get sw switches "$1"; }
replay_kernel_file() { # FILE
	local failed
	echo 1 >"$1" || return 1
	timing "$1"; get events events "$1"
	# A namespace whose own dump said EBUSY: not a complete replay.
	get failed failed "$1"
	[ "$failed" = 0 ]
}
replay_kernel() { replay_kernel_file "$RB/kernel_replay"; }
replay_wrapped() { replay_kernel_file "$RB/wrapped_replay"; }
replay_c() {
	echo 1 >"$RB/c_replay" || return 1
	timing "$RB/c_replay"; get events events "$RB/c_replay"
}
# Natively rfn_bench times the counter's registration (rust_replay: both
# clocks, as c_replay); else the counter's own time (wall-clock).
replay_rust() {
	if [ -e "$RB/rust_replay" ]; then
		echo 1 >"$RB/rust_replay" || return 1
		timing "$RB/rust_replay"
	else
		echo 1 >"$RFN/counter/attach" || return 1
		get ns register_ns "$RFN/counter/stats"
		cpu=0
	fi
	get events events "$RFN/counter/stats"
	knob "$RFN/counter/attach" 0
}
# Each round runs the four (kernel, control, C, Rust) back to back, in the
# orders below, one a round in turn, in whole cycles of three: over a
# cycle, the twelve runs in a row, each way runs after each other way once
# (each ordered pair of ways once, the last round's last run before the
# next first; no way right after itself).  A run is slower after some ways
# than after others (natively by up to 9%: what the run before left
# behind); rotating one order (k w c r, w c r k, ...), as this did before,
# kept each way after the same one, which the ratios then carried (the C
# listener after the control, measured 1.06 against the kernel that way,
# 1.02 balanced).  Its runs say their round (report.py pairs them by it).
replay_round=0
replay_orders=("0 1 2 3" "0 2 1 3" "1 0 3 2")
measure_replay() { # FAMILY ROUTES NETS
	local r k who ns cpu sw events ways=(kernel wrapped c rust) clocks order
	# Whole cycles of the three orders.
	for ((r = 0; r < (many_runs + 2) / 3 * 3; r++)); do
		replay_round=$((replay_round + 1))
		read -ra order <<<"${replay_orders[r % 3]}"
		for ((k = 0; k < 4; k++)); do
			who=${ways[order[k]]}
			if "replay_$who"; then
				clocks=
				[[ $cpu =~ ^[1-9][0-9]*$ ]] && clocks=" cpu_ns=$cpu switches=$sw"
				record "kind=replay family=ipv$1 routes=$2 nets=$3 who=$who round=$replay_round ns=$ns events=$events$clocks"
			else
				record "# replay family=ipv$1 routes=$2 nets=$3 who=$who failed"
			fi
		done
	done
	progress "replay: $2 IPv$1 routes over $3 namespaces measured"
}

# The namespaces' slab growth since they were made (the FIB's memory per
# route), and, untimed, the longest run of one namespace's replayed
# events, kernel and module (rfn_bench `sections`): the kernel dumps a
# namespace under one RCU read section.
measure_fib() { # FAMILY ROUTES NETS
	local s kn ke me r
	meminfo s SUnreclaim
	record "kind=fill family=ipv$1 routes=$2 nets=$3 slab_bytes=$(((s - slab_base) * 1024))"
	for ((r = 0; r < runs; r++)); do
		if echo 1 >"$RB/sections"; then
			get kn kernel_net_ns "$RB/sections"; get ke kernel_events_ns "$RB/sections"
			get me module_events_ns "$RB/sections"
			record "kind=sections family=ipv$1 routes=$2 nets=$3 kernel_net_ns=$kn kernel_events_ns=$ke module_events_ns=$me"
		else
			record "# sections family=ipv$1 routes=$2 nets=$3 failed"
		fi
	done
}

bench_replay() {
	local nets routes prev i per slab_base
	for nets in "${replay_nets[@]}"; do
		del_nets
		for ((i = 0; i < nets; i++)); do make_net "r$i"; done
		meminfo slab_base SUnreclaim
		prev=0
		for routes in "${replay_routes[@]}"; do
			per=$((routes / nets))
			progress "replay: filling $nets namespaces to $routes IPv4 routes"
			for ((i = 0; i < nets; i++)); do fill "r$i" 4 "$prev" "$per"; done
			prev=$per
			measure_replay 4 "$routes" "$nets"
			measure_fib 4 "$routes" "$nets"
		done
	done
	del_nets
	[ "$replay6_routes" -gt 0 ] || return 0
	nets=8 per=$((replay6_routes / 8))
	for ((i = 0; i < nets; i++)); do make_net "r$i"; done
	meminfo slab_base SUnreclaim
	for ((i = 0; i < nets; i++)); do fill "r$i" 6 0 "$per"; done
	measure_replay 6 "$replay6_routes" "$nets"
	measure_fib 6 "$replay6_routes" "$nets"
	del_nets
}

# Wait until the mock switchdev's queue is drained (its work done).
mock_idle() { get q queue_depth "$RFN/mock_switchdev/stats" && [ "$q" = 0 ]; }
drain_mock() { wait_for 600 mock_idle || die "the mock switchdev's queue did not drain in 600 s"; }
# flagged NS FLAG: how many of the benchmark's routes carry FLAG.
flagged() {
	local n
	n=$(ip -n "$1" route show table main | grep -c "^100\..* $2")
	[ "$n" -ge "$n_insert" ]
}

nsim_new() { # NS
	knob /sys/bus/netdevsim/new_device "4242 1"
	devlink dev reload netdevsim/netdevsim4242 netns "$1" || die "netdevsim: reload into $1 failed"
}
nsim_del() { knob /sys/bus/netdevsim/del_device 4242; }

# One insertion of n_insert routes into a fresh namespace, with WHO
# listening; records the rate and the slab growth.
insert_once() { # WHO
	local s0 s1 ns=ins
	del_nets
	make_net $ns
	case $1 in
	probe) knob "$RFN/probe/attach" 1 ;;
	mock) knob "$RFN/mock_switchdev/attach" 1 ;;
	netdevsim) nsim_new $ns ;;
	esac
	meminfo s0 SUnreclaim
	fill $ns 4 0 "$n_insert"
	meminfo s1 SUnreclaim
	record "kind=insert routes=$n_insert who=$1 ns=$((fill_us * 1000))"
	# The mock's and netdevsim's memory is measured once they flagged
	# every route (flag_once): here theirs is not all allocated yet.
	case $1 in
	none) record "kind=memory routes=$n_insert who=none slab_bytes=$(((s1 - s0) * 1024))" ;;
	probe)
		record "kind=memory routes=$n_insert who=probe slab_bytes=$(((s1 - s0) * 1024))"
		knob "$RFN/probe/attach" 0 ;;
	mock) drain_mock; knob "$RFN/mock_switchdev/attach" 0 ;;
	netdevsim) nsim_del ;;
	esac
	del_nets
}
bench_insert() {
	local r who
	for ((r = 0; r < many_runs; r++)); do
		for who in none probe mock; do
			insert_once $who
			progress "insert: $n_insert routes with $who"
		done
		# netdevsim's runs spread over the others'.
		if ((r % 5 == 0)); then
			insert_once netdevsim
			progress "insert: $n_insert routes with netdevsim"
		fi
	done
}

# From the start of an insertion until every route is flagged by WHO
# (offload by the mock, trap by netdevsim); the slab growth once flagged.
flag_once() { # WHO
	local t0 t1 s0 s1 ns=flg flag own
	del_nets
	make_net $ns
	if [ "$1" = mock ]; then
		knob "$RFN/mock_switchdev/attach" 1
		flag=rt_offload
	else
		nsim_new $ns
		flag=rt_trap
	fi
	routes_batch 4 0 "$n_insert"
	meminfo s0 SUnreclaim
	usecs t0
	batch $ns
	wait_for 1200 flagged $ns $flag || die "flag: $1 did not flag $n_insert routes in 1200 s"
	usecs t1
	meminfo s1 SUnreclaim
	work_done=$((work_done + n_insert))
	record "kind=flag routes=$n_insert who=$1 ns=$(((t1 - t0) * 1000))"
	# The mock's own accounting of its table (slab objects' sizes).
	own=
	if [ "$1" = mock ]; then
		get own table_bytes "$RFN/mock_switchdev/stats"
		own=" own_bytes=$own"
	fi
	record "kind=memory routes=$n_insert who=$1 slab_bytes=$(((s1 - s0) * 1024))$own"
	if [ "$1" = mock ]; then knob "$RFN/mock_switchdev/attach" 0; else nsim_del; fi
	del_nets
}
bench_flag() {
	local r
	for ((r = 0; r < runs; r++)); do
		flag_once mock
		flag_once netdevsim
		progress "flag: $n_insert routes, mock and netdevsim"
	done
}

# Late registrations of the counter while one namespace of churn_nets
# churns (adds and deletes in a loop), alternately with the module's
# per-namespace retry and with the kernel's (retry_all: flush the
# listener, replay every namespace again).
bench_churn() {
	local i r t0 e0 tries ebusy events pid mode ns
	del_nets
	for ((i = 0; i < churn_nets; i++)); do make_net "c$i"; fill "c$i" 4 0 1000; done
	# One churn batch adds 100 routes and deletes them again.
	routes_batch 4 500000 500100
	sed 's/^route add/route del/' "$BATCH" >/tmp/bench.del
	cat /tmp/bench.del >>"$BATCH"
	# Until killed; a failing batch ends it early, which the wait sees.
	(while ip -n c0 -batch "$BATCH" >/dev/null; do :; done) &
	pid=$!
	nap 1
	for ((r = 0; r < 2 * churn_regs; r++)); do
		mode=net
		((r % 2)) && mode=all
		knob "$RFN/retry_all" $((r % 2))
		get t0 tries "$RFN/stats"; get e0 ebusy "$RFN/stats"
		if echo 1 >"$RFN/counter/attach"; then
			get events replayed "$RFN/counter/stats"
			get ns register_ns "$RFN/counter/stats"
			knob "$RFN/counter/attach" 0
		else
			events=0 ns=0
		fi
		get tries tries "$RFN/stats"; get ebusy ebusy "$RFN/stats"
		record "kind=churn nets=$churn_nets mode=$mode registrations=1 tries=$((tries - t0)) ebusy=$((ebusy - e0)) events=$events register_ns=$ns"
	done
	knob "$RFN/retry_all" 0
	kill $pid
	wait $pid 2>/dev/null
	# 143: killed here (SIGTERM); anything else: a batch failed meanwhile.
	[ $? = 143 ] || die "churn: a batch in c0 failed during the registrations"
	progress "churn: $churn_regs late registrations while c0 churns"
	del_nets
}

# A resync of resync_routes IPv4 routes in one namespace, the mock
# switchdev attached, in flush mode (`reconcile` 0: the namespace is
# removed from its hardware table, then replayed into it) and in
# reconcile mode (1: marked stale, replayed, kept where unchanged, swept),
# alternately.  The mock counts its hardware writes and the routes that
# were absent from its table while the kernel had them, and how long
# (`absent_ns`, summed over the routes; `absent_ns_max`, the longest, over
# every resync so far).  ns: from the write to `resync` until the mock's
# queue is drained.
mock_drained() { # queue depth 0, polled without a pause for a while
	local k q
	for ((k = 0; k < 2000; k++)); do
		get q queue_depth "$RFN/mock_switchdev/stats" && [ "$q" = 0 ] && return 0
	done
	drain_mock
}
resync_stats() { # PREFIX
	local k
	for k in hw_writes absent absent_ns absent_ns_max marked swept; do
		get "${1}_$k" $k "$RFN/mock_switchdev/stats"
	done
}
bench_resync() {
	local ino r mode t0 t1 t2 n
	local b_hw_writes b_absent b_absent_ns b_absent_ns_max b_marked b_swept
	local a_hw_writes a_absent a_absent_ns a_absent_ns_max a_marked a_swept
	del_nets
	make_net rsy
	progress "resync: filling rsy with $resync_routes routes, the mock attached"
	knob "$RFN/mock_switchdev/attach" 1
	fill rsy 4 0 "$resync_routes"
	drain_mock
	get n routes "$RFN/mock_switchdev/stats"
	[ "$n" -ge "$resync_routes" ] || die "resync: the mock holds $n routes, not $resync_routes"
	ino=$(stat -L -c %i /run/netns/rsy) || die "resync: no inode for rsy"
	for ((r = 0; r < 2 * runs; r++)); do
		mode=$((r % 2))
		knob "$RFN/mock_switchdev/reconcile" $mode
		resync_stats b
		usecs t0
		echo "$ino" >"$RFN/mock_switchdev/resync" || die "resync: the write failed"
		usecs t1
		mock_drained
		usecs t2
		resync_stats a
		record "kind=resync routes=$n mode=$([ $mode = 1 ] && echo reconcile || echo flush)" \
			"ns=$(((t2 - t0) * 1000)) replay_ns=$(((t1 - t0) * 1000))" \
			"hw_writes=$((a_hw_writes - b_hw_writes)) absent=$((a_absent - b_absent))" \
			"absent_ns=$((a_absent_ns - b_absent_ns)) absent_ns_max=$a_absent_ns_max" \
			"marked=$((a_marked - b_marked)) swept=$((a_swept - b_swept))"
		progress "resync: $n routes, $([ $mode = 1 ] && echo reconcile || echo flush) mode"
	done
	knob "$RFN/mock_switchdev/reconcile" 1
	knob "$RFN/mock_switchdev/attach" 0
	del_nets
}

# Deleting teardown_nets namespaces until the kernel ran every pernet exit
# of them (rfn_bench/nets: they are unlisted first, then a write waits for
# the cleanup in progress), with and without the module (its bridge's exit
# work).
teardown_once() { # WHO
	local i t0 t1
	for ((i = 0; i < teardown_nets; i++)); do make_net "t$i"; done
	usecs t0
	del_nets
	usecs t1
	record "kind=teardown nets=$teardown_nets who=$1 ns=$(((t1 - t0) * 1000))"
}

# Where the time goes (BENCH=profile, not in the default set): system-wide
# perf profiles (cpu-clock: TCG has no PMU) of an insertion of n_insert
# routes without and with the mock switchdev (until its queue is drained),
# and of the replays of the largest configuration, kernel and module:
# OUT/profile-*.txt, the hottest kernel symbols.
profile() { # NAME COMMAND...
	local name=$1 pid
	shift
	perf record -q -a -g -e cpu-clock -o /tmp/perf.data >/dev/null 2>&1 &
	pid=$!
	nap 1
	"$@"
	kill -INT $pid
	wait $pid
	perf report -i /tmp/perf.data --stdio --no-children --sort sym -g none 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -40 >"$out/profile-$name.txt"
	progress "profile: $name"
}
insert_drained() { batch prf; drain_mock; }
bench_profile() {
	local i per=$((${replay_routes[-1]} / 8))
	command -v perf >/dev/null || { record "# profile: no perf in the guest"; return 0; }
	del_nets
	make_net prf
	routes_batch 4 0 "$n_insert"
	profile insert-none batch prf
	del_nets
	make_net prf
	knob "$RFN/mock_switchdev/attach" 1
	profile insert-mock insert_drained
	knob "$RFN/mock_switchdev/attach" 0
	del_nets
	for ((i = 0; i < 8; i++)); do make_net "r$i"; fill "r$i" 4 0 "$per"; done
	profile replay-kernel replay_kernel
	profile replay-c replay_c
	profile replay-rust replay_rust
	del_nets
}

# Where the time goes natively (BENCH=hot, scripts/bench-uml.sh, not in
# the default set): 100k IPv4 routes over 8 namespaces, each way to replay
# run hot_runs times, in blocks of 50 runs, the ways' blocks in turn (what
# drifts over the minutes the profile takes hits every way alike: run one
# way after the other, the walk's own samples differed by 25% between
# them); each block's start and end (the guest's realtime clock, which UML
# takes from the host's) a line of OUT/phases, for the host's perf to cut
# its profile of the UML process by.
bench_hot() {
	local b who r t0 t1 per=$((100000 / 8)) hot_runs=${RFN_HOT_RUNS:-300} block=50
	del_nets
	for ((b = 0; b < 8; b++)); do make_net "r$b"; fill "r$b" 4 0 "$per"; done
	: >"$out/phases"
	for ((b = 0; b < (hot_runs + block - 1) / block; b++)); do
		for who in kernel wrapped c rust; do
			usecs t0
			for ((r = 0; r < block; r++)); do "replay_$who" || die "hot: replay_$who failed"; done
			usecs t1
			echo "$who ${t0:0:-6}.${t0: -6} ${t1:0:-6}.${t1: -6} $block" >>"$out/phases"
		done
		progress "hot: $(((b + 1) * block)) replays of each way"
	done
	del_nets
}

# --- the run -------------------------------------------------------------
# None should be there; rfn_bench, which del_nets waits with, not yet.
ip -all netns delete 2>/dev/null
# Modules given as `-` are built in.
builtin=0
[ "$rfn_ko" = - ] && builtin=1
if [ $builtin = 1 ]; then
	for b in insert flag teardown profile; do
		wants $b && record "# $b: not measured (built-in modules, no netdevsim)"
	done
	bench=${bench//insert/} bench=${bench//flag/} bench=${bench//teardown/} bench=${bench//profile/}
fi
wants replay && work_total=$((work_total + ${#replay_nets[@]} * ${replay_routes[-1]} + replay6_routes))
wants insert && work_total=$((work_total + (many_runs * 3 + runs) * n_insert))
wants flag && work_total=$((work_total + runs * 2 * n_insert))
wants churn && work_total=$((work_total + churn_nets * 1000))
wants resync && work_total=$((work_total + resync_routes))
wants hot && work_total=$((work_total + 100000))
wants profile && work_total=$((work_total + 2 * n_insert + ${replay_routes[-1]}))

# rfn_bench looks the module's API up when it runs: it loads first.
[ $builtin = 1 ] || { insmod "$nsim_ko" && insmod "$bench_ko"; } || die "insmod netdevsim, rfn_bench failed"
get nets_base nets "$RB/nets" || die "rfn_bench/nets: no count of namespaces"
if wants teardown; then
	for ((r = 0; r < runs; r++)); do teardown_once without; done
	progress "teardown: $teardown_nets namespaces without the module"
fi
[ $builtin = 1 ] || insmod "$rfn_ko" || die "insmod rust_fib_notifier failed"
# Room for every route the benchmark offloads (the default is 4096).
knob "$RFN/mock_switchdev/capacity" 1000000
if wants teardown; then
	for ((r = 0; r < runs; r++)); do teardown_once with; done
	progress "teardown: $teardown_nets namespaces with the module"
fi
for b in replay insert flag churn resync hot profile; do
	wants $b || continue
	progress "$b: starting"
	"bench_$b"
done
[ $builtin = 1 ] || rmmod rfn_bench rust_fib_notifier netdevsim
progress "done"
