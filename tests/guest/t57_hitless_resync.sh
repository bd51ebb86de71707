# SPDX-License-Identifier: GPL-2.0
# Hitless repairs: the mock switchdev in reconcile mode (`reconcile` 1)
# marks a namespace stale before it is replayed again, keeps each route
# the replay gives unchanged (no hardware write, no flag change), and
# sweeps what is still stale once the replay is consistent.  A namespace
# hl1 with 3000 routes is resynced in a loop, with and without light churn:
# the mock equals the kernel after each resync, no route that stayed in
# the kernel was ever absent from its hardware table (`absent` stays 0) and
# only changed routes are written (`hw_writes`); in flush mode (`reconcile`
# 0) every resync writes every route twice and makes each absent.  Then a
# registration retried under churn, a failed (EBUSY) resync and its retry, a
# veto's resync, a namespace deleted while it is reconciled, and the
# mock's `routes` file while resyncs run.
ALL_TESTS="reconcile_resync flush_resync routes_steady registration_retried \
ebusy_then_retry veto_resync netns_dies"

# How many routes hl1 has besides make_ns's.
T57_V4=2000
T57_V6=1000

# t57_routes VERB: `ip -batch` lines for hl1's many routes.
t57_routes() {
	local j
	for ((j = 0; j < T57_V4; j++)); do
		echo "route $1 172.21.$((j / 250)).$((j % 250))/32 via 10.57.0.2"
	done
	for ((j = 0; j < T57_V6; j++)); do
		printf 'route %s 2001:db8:5700:%x::/64 via 2001:db8:57::2\n' "$1" "$j"
	done
}

setup() {
	ns_setup ns1 ns2 ns3
	check "setup: namespace hl1" make_ns hl1 57
	t57_routes add | ipb hl1
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
	echo 1 >"$MOCK/reconcile"
	check "setup: the mock attached" eval 'echo 1 >"$MOCK/attach"'
	read -r _ <"$MOCK/routes"
}

cleanup() {
	echo 0 >"$RFN/retry_all"
	echo 0 >"$MOCK/event_delay_us"
	echo 0 >"$MOCK/veto"
	echo 100000 >"$MOCK/capacity"
	echo 1 >"$MOCK/reconcile"
	ip netns del hl2 2>/dev/null
	# hl1's many routes go first, synchronously: a namespace dismantled
	# in the background would make the next file's registrations retry.
	local ino
	if ns_inode ino hl1 2>/dev/null; then
		t57_routes del | ip -n hl1 -batch - 2>/dev/null
		ip netns del hl1
		wait_for 60 _t57_gone "$ino"
	fi
	echo 0 >"$MOCK/attach"
	:
}

# t57_held VAR INO: VAR := the routes the mock holds of namespace INO.
t57_held() {
	local _l _n=0 _lines
	mapfile -t _lines <"$MOCK/routes"
	for _l in "${_lines[@]}"; do [[ $_l == "$2 "* ]] && _n=$((_n + 1)); done
	printf -v "$1" '%s' "$_n"
}

# t57_stats PREFIX: PREFIX_writes, PREFIX_absent, PREFIX_marked,
# PREFIX_swept := the mock's counters.
t57_stats() {
	local k
	for k in writes absent marked swept; do
		[ $k = writes ] && get "${1}_$k" hw_writes "$MOCK/stats" && continue
		get "${1}_$k" $k "$MOCK/stats"
	done
}

# t57_resync INO: resync the namespace in the mock (an EBUSY is tried
# again by the module), and wait until it is done and applied.
t57_resync() {
	echo "$1" >"$MOCK/resync" 2>/dev/null
	resyncs_done
}

# A resync loop in reconcile mode: the first resyncs without churn write
# nothing at all; the others, under light churn, write about what the
# churn changed; none makes a route absent; the mock equals the kernel
# after each.
reconcile_resync() {
	local rounds=4 ino held k b_writes b_absent b_marked b_swept a_writes a_absent a_marked a_swept
	local quiet=0 churned=0 writes=0 absent=0 churn_ok=0 t0 t1
	plan $((rounds + 6))
	echo 1 >"$MOCK/reconcile"
	ns_inode ino hl1
	t57_held held "$ino"
	diag "reconcile: the mock holds $held routes of hl1"
	for ((k = 1; k <= 2; k++)); do
		t57_stats b
		usecs t0
		t57_resync "$ino"
		usecs t1
		t57_stats a
		diag "reconcile: quiet resync $k: $((a_writes - b_writes)) hw_writes," \
			"$((a_absent - b_absent)) absent, $((a_marked - b_marked)) marked," \
			"$((a_swept - b_swept)) swept, $(((t1 - t0) / 1000)) ms"
		[ $((a_writes - b_writes)) = 0 ] && [ $((a_absent - b_absent)) = 0 ] &&
			[ $((a_marked - b_marked)) -ge "$held" ] && quiet=$((quiet + 1))
	done
	check "reconcile: a resync of an unchanged namespace writes nothing, marks every route" \
		test "$quiet" = 2
	for ((k = 1; k <= rounds; k++)); do
		# Churn that runs during the resync, stopped before the
		# comparison (the mock applies live events a tick late).
		churn_start hl1 57 5
		wait_for 60 _churned hl1
		t57_stats b
		usecs t0
		t57_resync "$ino"
		usecs t1
		t57_stats a
		churn_stop && churn_ok=$((churn_ok + 1))
		diag "reconcile: resync $k under churn: $((a_writes - b_writes)) hw_writes," \
			"$((a_absent - b_absent)) absent, $((a_swept - b_swept)) swept, $(((t1 - t0) / 1000)) ms"
		writes=$((writes + a_writes - b_writes))
		absent=$((absent + a_absent - b_absent))
		churned=$((churned + 1))
		resyncs_done
		SNAP_NS=hl1 snap "reconcile-$k" "$MOCK"
		judge "reconcile-$k" "reconcile: after resync $k under churn the mock equals the kernel, flags per route" \
			mock_consistent hl1
	done
	check "reconcile: the churn ran in every round" test "$churn_ok" = $rounds
	check "reconcile: $churned resyncs under churn" test "$churned" = $rounds
	check "reconcile: no route absent from the hardware ($absent)" test "$absent" = 0
	# The churn's own writes (about 20 a round) are most of it.
	check "reconcile: $writes hw_writes in $rounds resyncs, far fewer than the $held routes" \
		test "$writes" -lt $((held / 2))
	resyncs_done
	SNAP_NS=hl1 snap reconcile-end "$MOCK"
	judge reconcile-end "reconcile: at the end the mock equals the kernel, flags per route" \
		mock_consistent hl1
}

# The contrast: in flush mode every resync removes every route of the
# namespace from the hardware and writes it again.
flush_resync() {
	local rounds=3 ino held k b_writes b_absent b_marked b_swept a_writes a_absent a_marked a_swept
	local every=0 t0 t1
	plan 3
	echo 0 >"$MOCK/reconcile"
	ns_inode ino hl1
	t57_held held "$ino"
	for ((k = 1; k <= rounds; k++)); do
		t57_stats b
		usecs t0
		t57_resync "$ino"
		usecs t1
		t57_stats a
		diag "flush: resync $k: $((a_writes - b_writes)) hw_writes," \
			"$((a_absent - b_absent)) absent of $held routes, $(((t1 - t0) / 1000)) ms"
		[ $((a_absent - b_absent)) = "$held" ] &&
			[ $((a_writes - b_writes)) -ge $((2 * held)) ] && every=$((every + 1))
	done
	echo 1 >"$MOCK/reconcile"
	check "flush: each of $rounds resyncs made all $held routes absent and wrote each twice (at least)" \
		test "$every" = $rounds
	check "flush: nothing marked or swept" test "$a_marked$a_swept" = "$b_marked$b_swept"
	SNAP_NS=hl1 snap flush-end "$MOCK"
	judge flush-end "flush: the mock equals the kernel, flags per route" mock_consistent hl1
}

# The mock's `routes` file, read while resyncs of hl1 run, is the same
# each time in reconcile mode: no route leaves the table or changes state.
routes_steady() {
	local ino before now reads=0 same=0 pid
	plan 2
	echo 1 >"$MOCK/reconcile"
	ns_inode ino hl1
	mapfile -t before <"$MOCK/routes"
	(for k in 1 2 3 4 5 6; do echo "$ino" >"$MOCK/resync"; done) 2>/dev/null &
	pid=$!
	while [ -e "/proc/$pid" ] || [ $reads -lt 3 ]; do
		mapfile -t now <"$MOCK/routes"
		reads=$((reads + 1))
		[ "${now[*]}" = "${before[*]}" ] && same=$((same + 1))
		[ $reads -ge 40 ] && break
	done
	wait "$pid"
	diag "routes steady: $same of $reads reads during 6 resyncs equal the table before"
	check "routes steady: every read during the resyncs is the table before" \
		test "$same" = "$reads"
	check "routes steady: the resyncs ended" resyncs_done
}

# A registration retried while hl1 churns (its first check made to find
# every namespace changed): the retry marks and sweeps; the mock ends
# equal to the kernel, nothing absent.
registration_retried() {
	local tries0 tries retried=0 absent0 absent
	plan 5
	echo 1 >"$MOCK/reconcile"
	get absent0 absent "$MOCK/stats"
	churn_start hl1 57 10
	echo 0 >"$MOCK/attach"
	get tries0 registration_tries "$MOCK/stats"
	# Its first check finds every namespace changed (`fault_check_busy`:
	# under churn alone a retry came in about one attach of 20, too close
	# to chance); hl1's churn goes on meanwhile.
	echo 1 >"$RFN/fault_check_busy"
	echo 1 >"$MOCK/attach" 2>/dev/null
	get tries registration_tries "$MOCK/stats"
	retried=$((tries - tries0))
	check "registration retried: the churn ran" churn_stop
	check "registration retried: an attach under churn was retried ($retried tries)" \
		test "$retried" -gt 1
	echo 1 >"$MOCK/attach" 2>/dev/null
	check "registration retried: attached" resyncs_done
	get absent absent "$MOCK/stats"
	check "registration retried: no route absent ($((absent - absent0)))" test "$absent" = "$absent0"
	snap registration-retried "$MOCK"
	judge registration-retried "registration retried: the mock equals the kernel in every namespace" \
		mock_consistent init ns1 ns2 ns3 hl1
}

# A resync that fails (EBUSY: hl1 kept changing during every try of a
# slowed replay) is tried again once the churn stops: the mock ends equal
# to the kernel.  With retry_all (every try replays every namespace), as
# t53 provokes it.
ebusy_then_retry() {
	local ino absent0 absent
	plan 5
	echo 1 >"$MOCK/reconcile"
	ns_inode ino hl1
	get absent0 absent "$MOCK/stats"
	churn_start hl1 57 20
	# The resync marks hl1, replays it five times and gives up (EBUSY),
	# its marks kept.
	forced_ebusy_resync "$MOCK" "$ino"
	check "ebusy: the churn ran" churn_stop
	check "ebusy: the resync of hl1 failed with EBUSY ($RESYNC_ERR)" \
		said_ebusy "$RESYNC_ERR"
	check "ebusy: the failed resync was done again" resyncs_done
	get absent absent "$MOCK/stats"
	check "ebusy: no route was ever absent from the hardware ($absent0 -> $absent)" \
		test "$absent" = "$absent0"
	snap ebusy "$MOCK"
	judge ebusy "ebusy: the mock equals the kernel in every namespace" \
		mock_consistent init ns1 ns2 ns3 hl1
}

# A veto's resync in reconcile mode: the mock full (veto mode), each
# refused add has hl1 resynced; the replay refuses nothing, writes
# nothing, and the mock stays full and equal to the kernel.
veto_resync() {
	local rounds=3 i full vetoed0 vetoed writes0 writes absent0 absent refused=0 held
	plan 6
	echo 1 >"$MOCK/reconcile"
	echo 0 >"$MOCK/attach"
	mock_full
	get full offloaded "$MOCK/stats"
	get vetoed0 vetoed "$MOCK/stats"
	get writes0 hw_writes "$MOCK/stats"
	get absent0 absent "$MOCK/stats"
	for ((i = 1; i <= rounds; i++)); do
		ip -n hl1 route add 192.0.2.$((200 + i))/32 via 10.57.0.2 2>/dev/null && break
		refused=$i
		resyncs_done || break
	done
	get vetoed vetoed "$MOCK/stats"
	get writes hw_writes "$MOCK/stats"
	get absent absent "$MOCK/stats"
	get held offloaded "$MOCK/stats"
	diag "veto: $refused refused, $((vetoed - vetoed0)) vetoes, $((writes - writes0)) hw_writes," \
		"$((absent - absent0)) absent, $held of $full held"
	check "veto: the full mock refused every add" test "$refused" = $rounds
	check "veto: one veto per add (no replayed route refused)" test $((vetoed - vetoed0)) = $rounds
	check "veto: the resyncs wrote nothing, nothing absent" test $((writes - writes0))$((absent - absent0)) = 00
	check "veto: the mock stayed full" test "$held" = "$full"
	echo 0 >"$MOCK/veto"
	echo 100000 >"$MOCK/capacity"
	SNAP_NS=hl1 snap veto "$MOCK"
	judge veto "veto: the kernel has none of the refused routes" \
		kernel_lacks_prefixes hl1 192.0.2.201/32 192.0.2.202/32 192.0.2.203/32
	judge veto "veto: the mock equals the kernel, flags per route" mock_consistent hl1
}

# A namespace deleted while the mock reconciles it (a slowed replay):
# nothing of it stays in the mock's table.
_t57_gone() { local n; t57_held n "$1" && [ "$n" = 0 ]; }
netns_dies() {
	local ino held pid j k
	plan 5
	echo 1 >"$MOCK/reconcile"
	check "netns dies: namespace hl2" make_ns hl2 58
	for ((j = 0; j < 1000; j++)); do echo "route add 172.22.$((j / 250)).$((j % 250))/32 via 10.58.0.2"; done |
		ipb hl2
	ns_inode ino hl2
	resyncs_done
	t57_held held "$ino"
	echo 100 >"$MOCK/event_delay_us"
	(for k in 1 2 3; do echo "$ino" >"$MOCK/resync"; done) 2>/dev/null &
	pid=$!
	nap 0.3
	check "netns dies: hl2 deleted during its resyncs" ip netns del hl2
	wait "$pid"
	echo 0 >"$MOCK/event_delay_us"
	check "netns dies: the resyncs ended" resyncs_done
	diag "netns dies: the mock held $held routes of hl2"
	check "netns dies: nothing of hl2 left in the mock" wait_for 60 _t57_gone "$ino"
	SNAP_NS=hl1 snap netns-dies "$MOCK"
	judge netns-dies "netns dies: the mock equals the kernel in hl1" mock_consistent hl1
}
