# SPDX-License-Identifier: GPL-2.0
# GFP_ATOMIC failure in the mock switchdev's callback (failslab, only for
# the task that adds the route, only non-sleeping allocations): the route
# is not lost, it ends offload_failed, and the failure is counted; a
# multipath IPv6 route that loses one nexthop keeps the others.
ALL_TESTS="alloc_fail_add alloc_fail_multipath_del"

# Only the mock allocates in the chain.
setup() {
	ns_setup ns1 ns2 ns3
	detach
}

cleanup() {
	echo 0 >"$MOCK/attach"
}

alloc_fail_add() {
	plan 6
	local failed0 failed lost rc
	check "alloc failure: failslab available" test -d $FS
	echo 1 >"$MOCK/attach"
	# IPv6 allocates a tree node with GFP_ATOMIC for a new prefix: make
	# the prefix exist first, then replace its route under failslab.
	ip -n ns1 route add 2001:db8:9999::/48 via 2001:db8:1::2
	get failed0 alloc_failed "$MOCK/stats"
	printf 'route add 192.0.2.99/32 via 10.1.0.2\nroute replace 2001:db8:9999::/48 via 2001:db8:1:1::2\n' |
		failslab_ip -n ns1 -batch -
	rc=$?
	check "alloc failure: the route adds themselves succeed" test $rc -eq 0
	get failed alloc_failed "$MOCK/stats"
	get lost lost "$MOCK/stats"
	diag "alloc failure: alloc_failed $failed0 -> $failed, lost $lost"
	check "alloc failure: counted" test "$failed" -ge $((failed0 + 2))
	snap alloc "$MOCK"
	judge alloc "alloc failure: IPv4 route ends offload_failed" \
		route_has_flag ns1 254 rt_offload_failed 192.0.2.99/32
	judge alloc "alloc failure: IPv6 route ends offload_failed" \
		route_has_flag ns1 254 rt_offload_failed 2001:db8:9999::/48
	judge alloc "alloc failure: the table still equals the kernel" \
		compare mock_switchdev init ns1 ns2 ns3
	ipb ns1 <<EOF
route del 192.0.2.99/32
route del 2001:db8:9999::/48
EOF
	echo 0 >"$MOCK/attach"
}

# An IPv6 nexthop deleted from a multipath route: the mock learns which of
# the route's nexthops goes from a list it allocates (GFP_ATOMIC).  When
# that fails it cannot tell, so it forgets the route whole and has the
# namespace replayed: the route's other nexthop comes back.
alloc_fail_multipath_del() {
	plan 5
	local failed0 failed
	echo 0 >"$MOCK/attach"
	ip -n ns1 route add 2001:db8:9998::/48 nexthop via 2001:db8:1::2 nexthop via 2001:db8:1:1::2
	echo 1 >"$MOCK/attach"
	get failed0 alloc_failed "$MOCK/stats"
	failslab_ip -n ns1 route del 2001:db8:9998::/48 via 2001:db8:1:1::2
	check "alloc failure: one nexthop of an IPv6 multipath route deleted under failslab" test $? -eq 0
	check "alloc failure: the resyncs ran" resyncs_done
	get failed alloc_failed "$MOCK/stats"
	diag "alloc failure: multipath delete: alloc_failed $failed0 -> $failed"
	check "alloc failure: the multipath delete's failure counted" test "$failed" -gt "$failed0"
	snap alloc-mp "$MOCK"
	judge alloc-mp "alloc failure: the route's other nexthop is offloaded" \
		route_has_flag ns1 254 rt_offload 2001:db8:9998::/48
	judge alloc-mp "alloc failure: after the multipath delete the table equals the kernel" \
		compare mock_switchdev init ns1 ns2 ns3
	ip -n ns1 route del 2001:db8:9998::/48
}
