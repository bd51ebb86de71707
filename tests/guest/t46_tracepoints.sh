# SPDX-License-Identifier: GPL-2.0
# The module's tracepoints (tracefs events/rust_fib_notifier/,
# Documentation/tracing.md), read from the trace buffer and held against
# what the module counted meanwhile (debugfs stats) and the namespaces'
# inodes: a registration (its tries, namespaces and replayed events), a
# resync under churn until EBUSY (each retry's namespace, cause and the
# family whose counter moved), a namespace whose bridge is deferred then
# attached, a veto and the resyncs it queues, and perf counting an event.
ALL_TESTS="trace_register trace_resync_ebusy trace_bridge trace_veto trace_perf"

T=/sys/kernel/tracing
EV=$T/events/rust_fib_notifier

setup() {
	ns_setup ns1 ns2 ns3
	# Only the churn moves counters in trace_resync_ebusy.
	check "setup: the namespaces earlier files deleted are gone" netns_settled
	[ -d "$T/events" ] || mount -t tracefs nodev "$T"
	echo 0 >"$MOCK/attach"
	detach
}

cleanup() {
	[ -d "$EV" ] && echo 0 >"$EV/enable"
	echo >"$T/trace"
	echo 0 >"$RFN/retry_all"
	echo 0 >"$MOCK/veto"
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
	detach
	ip netns del tr1 2>/dev/null
	ip netns del tr2 2>/dev/null
	return 0
}

# trace_start EVENT...: these events only, from an empty buffer.
trace_start() {
	local e
	echo 0 >"$EV/enable"
	for e; do echo 1 >"$EV/$e/enable"; done
	echo >"$T/trace"
}

# trace_lines VAR EVENT: VAR := the buffer's lines of EVENT (an array).
trace_lines() {
	local -n _out=$1
	local _all _l
	mapfile -t _all <"$T/trace"
	_out=()
	for _l in "${_all[@]}"; do
		[[ $_l == *" $2: "* ]] && _out+=("$_l")
	done
	return 0
}

# field VAR LINE KEY: VAR := the value of KEY=value in LINE.
field() {
	if [[ " $2 " =~ [[:space:]]$3=([^[:space:]]+) ]]; then
		printf -v "$1" '%s' "${BASH_REMATCH[1]}"
	else
		printf -v "$1" MISSING
		return 1
	fi
}

# sum_field VAR KEY LINE...: VAR := the sum of KEY over the lines.
sum_field() {
	local _var=$1 _key=$2 _v _s=0 _l
	shift 2
	for _l; do
		field _v "$_l" "$_key" || return 1
		_s=$((_s + _v))
	done
	printf -v "$_var" '%s' "$_s"
}

# counters VAR LINE: VAR := the line's per-family counters (`{0x5,0x0,...}`)
# as decimal words: IPv4, IPv6, rules, nexthops, IPv4 and IPv6 multicast
# routing.
counters() {
	local _c _w _out=()
	field _c "$2" counters || return 1
	_c=${_c#\{}
	_c=${_c%\}}
	IFS=, read -ra _w <<<"$_c"
	for _c in "${_w[@]}"; do _out+=($((_c))); done
	printf -v "$1" '%s' "${_out[*]}"
}

# A registration on a quiet system: one start and one end, whose tries,
# namespaces replayed and events replayed are what the module counted.
trace_register() {
	plan 8
	local tries0 nr0 rep0 nets tries nr rep starts ends nets_lines v ino1 found=0 l
	get tries0 tries "$RFN/stats"
	get nr0 nets_replayed "$RFN/stats"
	get rep0 replayed
	trace_start rfn_register_start rfn_register_end rfn_replay_net
	check "trace register: the probe attaches" attach
	echo 0 >"$EV/enable"
	get nets nets "$RFN/stats"
	get tries tries "$RFN/stats"
	get nr nets_replayed "$RFN/stats"
	get rep replayed
	trace_lines starts rfn_register_start
	trace_lines ends rfn_register_end
	trace_lines nets_lines rfn_replay_net
	diag "trace: ${starts[*]} | ${ends[*]}"
	check "trace register: one rfn_register_start, one rfn_register_end" \
		test "${#starts[@]}" -eq 1 -a "${#ends[@]}" -eq 1
	check "trace register: the start is a registration of every family" \
		eval '[[ ${starts[0]} == *" register nets="*" families=ipv4|ipv6|rules|nexthops|ipmr|ip6mr filter=0"* ]]'
	field v "${starts[0]}" nets
	check "trace register: the start's namespaces are the bridged ones ($nets)" test "$v" = "$nets"
	field v "${ends[0]}" ret
	check "trace register: the end says ret=0" test "$v" = 0
	field v "${ends[0]}" tries
	check "trace register: the end's tries are the module's ($((tries - tries0)))" \
		test "$v" -eq $((tries - tries0))
	field v "${ends[0]}" nets_replayed
	local ok_nets=1
	[ "$v" -eq $((nr - nr0)) ] && [ "${#nets_lines[@]}" -eq "$v" ] || ok_nets=0
	check "trace register: namespaces replayed: the module's ($((nr - nr0))), one rfn_replay_net each" \
		test "$ok_nets" = 1
	field v "${ends[0]}" events
	ns_inode ino1 ns1
	for l in "${nets_lines[@]}"; do [[ $l == *" net=$ino1 "* ]] && found=1; done
	check "trace register: events replayed: the probe's ($((rep - rep0))), ns1 among the namespaces" \
		test "$v" -eq $((rep - rep0)) -a "$found" = 1
}

# Resyncs of ns1 under churn in ns1-ns3 with retry_all (every try replays
# every namespace: long tries, retried for the churn), then one more whose
# five consistency checks find their namespaces changed
# (`fault_check_busy`: EBUSY under churn alone is a matter of chance); then
# every resync the failure queued is done.
trace_resync_ebusy() {
	plan 9
	local ino1 ino2 ino3 busy=0 k err ebusy0 ebusy tries0 tries nr0 nr
	local ebusys ends retries queued l v busy_ends=0 bad=() fam_bad=() c_now c_rep
	ns_inode ino1 ns1
	ns_inode ino2 ns2
	ns_inode ino3 ns3
	attach
	get ebusy0 ebusy "$RFN/stats"
	get tries0 tries "$RFN/stats"
	get nr0 nets_replayed "$RFN/stats"
	trace_start rfn_register_end rfn_replay_net rfn_retry rfn_ebusy rfn_resync_queued
	echo 1 >"$RFN/retry_all"
	churn_start ns1 1
	churn_start ns2 2
	churn_start ns3 3
	for ((k = 1; k <= 10; k++)); do
		err=$({ echo "$ino1" >"$PROBE/resync"; } 2>&1)
		said_ebusy "$err" && busy=$((busy + 1))
	done
	# None of them still queued: the five forced checks are this
	# resync's (resyncs of one listener take turns).
	resyncs_done || diag "trace resync: a resync still queued"
	forced_ebusy_resync "$PROBE" "$ino1"
	said_ebusy "$RESYNC_ERR" && busy=$((busy + 1))
	check "trace resync: the churn stopped" churn_stop
	echo 0 >"$RFN/retry_all"
	check "trace resync: resyncs of ns1 failed with EBUSY ($busy of 11, the last one's forced)" \
		said_ebusy "$RESYNC_ERR"
	check "trace resync: the failed resyncs were done again" resyncs_done
	echo 0 >"$EV/enable"
	get ebusy ebusy "$RFN/stats"
	get tries tries "$RFN/stats"
	get nr nets_replayed "$RFN/stats"
	trace_lines ebusys rfn_ebusy
	trace_lines ends rfn_register_end
	trace_lines retries rfn_retry
	trace_lines queued rfn_resync_queued
	diag "trace: ${#ebusys[@]} rfn_ebusy, ${#ends[@]} rfn_register_end, ${#retries[@]} rfn_retry, ${#queued[@]} rfn_resync_queued"
	diag "trace: first ebusy: ${ebusys[0]} | first retry: ${retries[0]}"
	check "trace resync: one rfn_ebusy per EBUSY counted ($((ebusy - ebusy0)))" \
		test "${#ebusys[@]}" -eq $((ebusy - ebusy0)) -a "${#ebusys[@]}" -gt 0
	for l in "${ebusys[@]}"; do
		[[ $l == *" resync tries=5 stale="[1-9]* ]] || bad+=("$l")
	done
	for l in "${ends[@]}"; do [[ $l == *" ret=-16 "* ]] && busy_ends=$((busy_ends + 1)); done
	check "trace resync: each rfn_ebusy is a resync's 5th try, ends with ret=-16" \
		test "${#bad[@]}" -eq 0 -a "$busy_ends" -eq "${#ebusys[@]}"
	sum_field k tries "${ends[@]}"
	sum_field v nets_replayed "${ends[@]}"
	check "trace resync: tries and namespaces replayed over the ends: the module's ($((tries - tries0)), $((nr - nr0)))" \
		test "$k" -eq $((tries - tries0)) -a "$v" -eq $((nr - nr0))
	# Each retry: a churned namespace whose count moved; its count when
	# replayed is that of the namespace's last rfn_replay_net before it,
	# and the families that moved since are IPv4 and IPv6 routes only
	# (the churn changes no rule and no nexthop object).
	bad=()
	local -A last_seq last_cnt
	local all cnt now rep cause net
	mapfile -t all <"$T/trace"
	for l in "${all[@]}"; do
		if [[ $l == *" rfn_replay_net: "* ]]; then
			field net "$l" net
			field last_seq[$net] "$l" seq
			counters "last_cnt[$net]" "$l"
		elif [[ $l == *" rfn_retry: "* ]]; then
			field net "$l" net; field cause "$l" cause
			field rep "$l" replayed; field now "$l" now
			counters cnt "$l"
			if [[ $net != "$ino1" && $net != "$ino2" && $net != "$ino3" ]] ||
				[ "$cause" != changed ] || [ "$now" -le "$rep" ] ||
				[ "$rep" != "${last_seq[$net]}" ]; then
				bad+=("$l")
				continue
			fi
			read -ra c_now <<<"$cnt"
			read -ra c_rep <<<"${last_cnt[$net]}"
			if [ "${c_now[2]}" != "${c_rep[2]}" ] || [ "${c_now[3]}" != "${c_rep[3]}" ] ||
				[ "${c_now[4]}" != "${c_rep[4]}" ] || [ "${c_now[5]}" != "${c_rep[5]}" ] ||
				[ $((c_now[0] + c_now[1])) -le $((c_rep[0] + c_rep[1])) ]; then
				fam_bad+=("$l (replayed: ${last_cnt[$net]})")
			fi
		fi
	done
	diag "trace: retries not as expected: ${bad[*]:0:3}"
	check "trace resync: ${#retries[@]} retries, each of a churned namespace whose count moved since its rfn_replay_net" \
		test "${#retries[@]}" -gt 0 -a "${#bad[@]}" -eq 0
	diag "trace: family counters not as expected: ${fam_bad[*]:0:3}"
	check "trace resync: in each retry the IPv4 or IPv6 route counter moved, no other" \
		test "${#fam_bad[@]}" -eq 0
	v=0
	# retry_all took the node off the chain: it missed every namespace.
	for l in "${queued[@]}"; do [[ $l == *" net=0 delay_ms=500"* ]] && v=1; done
	check "trace resync: the failed resync queued a resync of every namespace (net=0, in 500 ms)" test "$v" = 1
	detach
}

# A namespace whose bridge fails to attach once (fault_bridge_busy) is
# deferred, then attached; another attaches at once.
trace_bridge() {
	plan 6
	local ino deferred attached l v
	trace_start rfn_bridge_deferred rfn_bridge_attached
	echo 1 >"$RFN/fault_bridge_busy"
	check "trace bridge: ip netns add tr1 (its bridge fails once)" ip netns add tr1
	ns_inode ino tr1
	_tr1_attached() {
		trace_lines attached rfn_bridge_attached
		[[ ${attached[*]} == *" net=$ino "* ]]
	}
	check "trace bridge: tr1's bridge attached" wait_for 30 _tr1_attached
	trace_lines deferred rfn_bridge_deferred
	diag "trace: ${deferred[*]} | ${attached[*]}"
	v=0
	for l in "${deferred[@]}"; do [[ $l == *" net=$ino err=-16 failures=1 delay_ms="* ]] && v=1; done
	check "trace bridge: tr1 deferred: err=-16 failures=1" test "$v" = 1
	v=0
	for l in "${attached[@]}"; do [[ $l == *" net=$ino failures=1"* ]] && v=1; done
	check "trace bridge: tr1 attached after 1 failure" test "$v" = 1
	check "trace bridge: ip netns add tr2" ip netns add tr2
	ns_inode ino tr2
	trace_lines attached rfn_bridge_attached
	trace_lines deferred rfn_bridge_deferred
	v=0
	for l in "${attached[@]}"; do [[ $l == *" net=$ino failures=0"* ]] && v=1; done
	for l in "${deferred[@]}"; do [[ $l == *" net=$ino "* ]] && v=0; done
	check "trace bridge: tr2 attached at once, never deferred" test "$v" = 1
	ip netns del tr1
	ip netns del tr2
}

# A live IPv6 add refused by the full mock switchdev: one rfn_veto of ns1
# (IPv6, its errno, live), and a resync of ns1 queued for each listener.
trace_veto() {
	plan 4
	local ino1 vetoes queued rc l node
	local -A nodes=()
	ns_inode ino1 ns1
	attach
	mock_full
	trace_start rfn_veto rfn_resync_queued
	ip -n ns1 route add 2001:db8:e46::/48 via 2001:db8:1::2 2>/dev/null
	rc=$?
	echo 0 >"$EV/enable"
	trace_lines vetoes rfn_veto
	trace_lines queued rfn_resync_queued
	diag "trace: ${vetoes[*]} | ${queued[*]}"
	check "trace veto: the full mock refuses the add" test "$rc" -ne 0
	check "trace veto: one rfn_veto" test "${#vetoes[@]}" -eq 1
	check "trace veto: of ns1, IPv6, an errno, live" \
		eval '[[ ${vetoes[0]} == *" net=$ino1 event="*" family=ipv6 err=-"[1-9]*" replay=0"* ]]'
	for l in "${queued[@]}"; do
		[[ $l == *" net=$ino1 delay_ms=0"* ]] && field node "$l" node && nodes[$node]=1
	done
	check "trace veto: a resync of ns1 queued for each listener, the probe and the mock (${#nodes[@]})" \
		test "${#nodes[@]}" -eq 2
	echo 0 >"$MOCK/veto"
	echo 100000 >"$MOCK/capacity"
	resyncs_done
	echo 0 >"$MOCK/attach"
	detach
}

# perf sees the events: `perf list` names them, and `perf stat` counts one
# rfn_register_end for the attach it runs.
trace_perf() {
	plan 2
	local list out
	list=$(perf list 'rust_fib_notifier:*' 2>&1)
	check "trace perf: perf list shows rust_fib_notifier:rfn_register_end" \
		eval '[[ $list == *"rust_fib_notifier:rfn_register_end"* ]]'
	out=$(perf stat -x, -e rust_fib_notifier:rfn_register_end -- \
		sh -c "echo 1 >$PROBE/attach" 2>&1)
	diag "trace perf: $out"
	check "trace perf: perf stat counts 1 rfn_register_end for one attach" \
		eval '[[ $out == 1,*rust_fib_notifier:rfn_register_end* ]]'
	detach
}
