# SPDX-License-Identifier: GPL-2.0
# A delete the mock cannot queue (GFP_ATOMIC fails under failslab and no
# spare work item is left: `spares` 0) ends in a resync of its namespace,
# never in a stale entry that holds the route (and, through its fib_info,
# the route's device).  IPv4 and IPv6.
ALL_TESTS="lost_delete"

setup() {
	ns_setup ns1 ns2 ns3
	detach
	echo 1 >"$MOCK/attach"
}

cleanup() {
	echo 256 >"$MOCK/spares"
	echo 0 >"$MOCK/attach"
}

lost_delete() {
	plan 7
	local lost0 asked0 lost asked rc
	ipb ns1 <<EOF
route add 192.0.2.88/32 via 10.1.0.2
route add 2001:db8:9998::/48 via 2001:db8:1::2
EOF
	get lost0 lost "$MOCK/stats"
	get asked0 resyncs_asked "$MOCK/stats"
	echo 0 >"$MOCK/spares"
	printf 'route del 192.0.2.88/32\nroute del 2001:db8:9998::/48\n' | failslab_ip -n ns1 -batch -
	rc=$?
	echo 256 >"$MOCK/spares"
	check "lost delete: the deletes themselves succeed" test $rc -eq 0
	get lost lost "$MOCK/stats"
	get asked resyncs_asked "$MOCK/stats"
	diag "lost delete: lost $lost0 -> $lost, resyncs asked $asked0 -> $asked"
	# The first lost delete asks for a resync of ns1; the second may
	# arrive while that resync has ns1 muted (then its replay has the
	# route gone).
	check "lost delete: an event was lost (no spare)" test "$lost" -gt "$lost0"
	check "lost delete: each lost event asked for a resync" test $((asked - asked0)) -eq $((lost - lost0))
	check "lost delete: the resync ran" resyncs_done
	snap lost-delete "$MOCK"
	judge lost-delete "lost delete: the mock holds neither deleted route" \
		no_line_has mock_switchdev routes 192.0.2.88/32 2001:db8:9998::/48
	judge lost-delete "lost delete: the mock equals the kernel" \
		compare mock_switchdev init ns1 ns2 ns3
	judge lost-delete "lost delete: every mock route is flagged in the kernel (the first of its prefix), only those" \
		flags_on_held mock_switchdev any ns1
}
