# SPDX-License-Identifier: GPL-2.0
# The full mock's count of what it holds, while a resync replays into it.
# A veto has every listener resync the namespace: the mock forgets it and
# takes its replay again, while its work applies the first replayed routes
# on the other CPU.  In veto mode the mock refuses an add when the routes
# it holds plus those queued reach its capacity.  The old count added two
# counters, the table's (raised by each apply) and the queue's (lowered
# after it), so during each apply a route counted twice: the last route of
# a replay could be refused as if the table were full.  The mock then
# lacked a route the kernel has, had room again, and let the next add in
# (CI saw t73's IPv6 add accepted).  2000 routes in ns1, the mock full,
# then 12 refused adds, each followed by its resync: each must be the only
# veto counted (a replayed route refused is counted too), and the mock
# must stay full and equal the kernel.
plan 7
ROUNDS=12
echo 0 >"$MOCK/attach"
attach
# t74_routes VERB: `ip -batch` lines for the 2000 routes of this file.
t74_routes() {
	local j
	for ((j = 0; j < 2000; j++)); do
		echo "route $1 172.20.$((j / 250)).$((j % 250))/32 via 10.1.0.2"
	done
}
t74_routes add | ipb ns1
mock_full
get full offloaded "$MOCK/stats"
get vetoed0 vetoed "$MOCK/stats"
get resynced0 resynced "$RFN/stats"
diag "veto resync: the mock holds $full routes, as many as its capacity"
refused=0 counted=0 stayed_full=0
for ((i = 1; i <= ROUNDS; i++)); do
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
check "veto resync: the full mock refused every add" test "$refused" = $ROUNDS
check "veto resync: the resyncs ran" test "$resynced" -ge $((resynced0 + ROUNDS))
check "veto resync: one veto counted per add (no replayed route refused)" test "$counted" = $ROUNDS
check "veto resync: the mock stayed full" test "$stayed_full" = $ROUNDS
snap veto-resync "$PROBE" "$MOCK"
judge veto-resync "veto resync: the kernel has none of the refused routes" \
	'not [k for k in routes("ns1") if k.split()[-1] in {"192.0.2.%d/32" % i for i in range(101, 113)}]'
judge veto-resync "veto resync: the probe equals the kernel" 'compare("probe", "init", "ns1", "ns2", "ns3")'
judge veto-resync "veto resync: the mock equals the kernel" 'compare("mock_switchdev", "init", "ns1", "ns2", "ns3")'
echo 0 >"$MOCK/veto"
echo 0 >"$MOCK/attach"
echo 100000 >"$MOCK/capacity"
t74_routes del | ipb ns1
