# SPDX-License-Identifier: GPL-2.0
# The full mock's count of what it holds, while a resync replays into it.
# A veto has every listener resync the namespace: the mock forgets it and
# takes its replay again, while its work applies the first replayed routes
# on the other CPU.  In veto mode the mock refuses an add when the routes
# it holds plus those queued reach its capacity, counting each route once
# while its work applies it (were it counted in the table and in the queue
# at once, the last route of a replay could be refused as if the table were
# full: the mock would lack a route the kernel has, have room again, and
# let the next add in).  2000 routes in ns1, the mock full, then 12 refused
# adds, each followed by its resync: each is the only veto counted (a
# replayed route refused is counted too), and the mock stays full and
# equal to the kernel.
ALL_TESTS="veto_resync_full"

# t74_routes VERB: `ip -batch` lines for the 2000 routes of this file.
t74_routes() {
	local j
	for ((j = 0; j < 2000; j++)); do
		echo "route $1 172.20.$((j / 250)).$((j % 250))/32 via 10.1.0.2"
	done
}

setup() {
	ns_setup ns1 ns2 ns3
	echo 0 >"$MOCK/attach"
	attach
	t74_routes add | ipb ns1
}

cleanup() {
	echo 0 >"$MOCK/veto"
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
	detach
	t74_routes del | ipb ns1
}

veto_resync_full() {
	local rounds=12 full vetoed0 resynced0 refused=0 counted=0 stayed_full=0 i vetoed held resynced
	plan 7
	mock_full
	get full offloaded "$MOCK/stats"
	get vetoed0 vetoed "$MOCK/stats"
	get resynced0 resynced "$RFN/stats"
	diag "veto resync: the mock holds $full routes, as many as its capacity"
	for ((i = 1; i <= rounds; i++)); do
		if ip -n ns1 route add 192.0.2.$((100 + i))/32 via 10.1.0.2 2>/dev/null; then
			diag "veto resync: round $i: the add was accepted"
			ip -n ns1 route del 192.0.2.$((100 + i))/32
			break
		fi
		refused=$i
		resyncs_done || break
		get vetoed vetoed "$MOCK/stats"
		get held offloaded "$MOCK/stats"
		[ "$vetoed" = $((vetoed0 + i)) ] && counted=$i
		[ "$held" = "$full" ] && stayed_full=$i
		if [ "$counted" != "$i" ] || [ "$stayed_full" != "$i" ]; then
			diag "veto resync: round $i: $((vetoed - vetoed0)) vetoes, the mock holds $held of $full"
			break
		fi
	done
	get resynced resynced "$RFN/stats"
	diag "veto resync: $((resynced - resynced0)) resyncs in $refused rounds"
	check "veto resync: the full mock refused every add" test "$refused" = $rounds
	check "veto resync: the resyncs ran" test "$resynced" -ge $((resynced0 + rounds))
	check "veto resync: one veto counted per add (no replayed route refused)" test "$counted" = $rounds
	check "veto resync: the mock stayed full" test "$stayed_full" = $rounds
	snap veto-resync "$PROBE" "$MOCK"
	judge veto-resync "veto resync: the kernel has none of the refused routes" \
		kernel_lacks_prefixes ns1 $(for ((i = 101; i <= 112; i++)); do printf '192.0.2.%d/32 ' $i; done)
	judge veto-resync "veto resync: the probe equals the kernel" compare probe init ns1 ns2 ns3
	judge veto-resync "veto resync: the mock equals the kernel" compare mock_switchdev init ns1 ns2 ns3
}
