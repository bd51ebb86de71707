# SPDX-License-Identifier: GPL-2.0
# GFP_ATOMIC failures keep the mock switchdev's events, in chain order.
# Under failslab no work item can be allocated for an event: spare work
# items take the events' places in the queue, so add A then delete A
# leaves no A in the table, a later add of A ends offload_failed, and
# detaching clears the flag of the A the kernel has.
ALL_TESTS="alloc_order"

# Only the mock allocates in the chain.
setup() {
	ns_setup ns1 ns2 ns3
	detach
	echo 1 >"$MOCK/attach"
}

cleanup() {
	echo 0 >"$MOCK/attach"
}

alloc_order() {
	plan 7
	local failed0 lost0 failed lost rc1 rc2
	get failed0 alloc_failed "$MOCK/stats"
	get lost0 lost "$MOCK/stats"
	printf 'route add 192.0.2.77/32 via 10.1.0.2\nroute del 192.0.2.77/32\n' | failslab_ip -n ns1 -batch -
	rc1=$?
	snap order-del "$MOCK"
	judge order-del "alloc order: add then delete of A: A is gone from the table too" \
		compare mock_switchdev init ns1 ns2 ns3
	printf 'route add 192.0.2.77/32 via 10.1.1.2\n' | failslab_ip -n ns1 -batch -
	rc2=$?
	check "alloc order: add, delete, add under failslab succeed" test $rc1 -eq 0 -a $rc2 -eq 0
	get failed alloc_failed "$MOCK/stats"
	get lost lost "$MOCK/stats"
	diag "alloc order: alloc_failed $failed0 -> $failed, lost $lost0 -> $lost"
	check "alloc order: the three failures counted" test "$failed" -ge $((failed0 + 3))
	check "alloc order: nothing lost" test "$lost" -eq "$lost0"
	snap order "$MOCK"
	judge order "alloc order: the current A ends offload_failed" \
		route_has_flag ns1 254 rt_offload_failed 192.0.2.77/32
	judge order "alloc order: the table equals the kernel" compare mock_switchdev init ns1 ns2 ns3
	echo 0 >"$MOCK/attach"
	snap order-detach
	judge order-detach "alloc order: detaching cleared A's flag (the table held the current A)" \
		route_unflagged ns1 254 192.0.2.77/32
	ip -n ns1 route del 192.0.2.77/32
}
