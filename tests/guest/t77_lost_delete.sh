# SPDX-License-Identifier: GPL-2.0
# Issue 9, item 2: a delete the mock cannot queue (GFP_ATOMIC fails under
# failslab and no spare work item is left: `spares` 0) must end in a
# resync of its namespace, never in a stale entry that holds the route
# (and, through its fib_info, the route's device).  IPv4 and IPv6.
plan 7
detach
echo 1 >"$MOCK/attach"
ipb ns1 <<EOF2
route add 192.0.2.88/32 via 10.1.0.2
route add 2001:db8:9998::/48 via 2001:db8:1::2
EOF2
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
# The first lost delete asks for a resync of ns1; the second may arrive
# while that resync has ns1 muted (then its replay has the route gone).
check "lost delete: an event was lost (no spare)" test "$lost" -gt "$lost0"
check "lost delete: each lost event asked for a resync" test $((asked - asked0)) -eq $((lost - lost0))
check "lost delete: the resync ran" resyncs_done
snap lost-delete "$MOCK"
judge lost-delete "lost delete: the mock holds neither deleted route" \
	'not [l for l in lines("mock_switchdev", "routes") if "192.0.2.88/32" in l or "2001:db8:9998::/48" in l]'
judge lost-delete "lost delete: the mock equals the kernel" \
	'compare("mock_switchdev", "init", "ns1", "ns2", "ns3")'
judge lost-delete "lost delete: every mock route is flagged in the kernel (the first of its prefix), only those" \
	'eq(hwflagged("ns1"), best_of(listener("mock_switchdev", "ns1"), "ns1")) and hw_unique("ns1")'
echo 0 >"$MOCK/attach"
