# SPDX-License-Identifier: GPL-2.0
# GFP_ATOMIC failures keep the mock switchdev's events, in chain order
# (issue 9, defect 6).  Under failslab no work item can be allocated for an
# event.  The old code parked adds in a LIFO, kept a parked add's old place
# in the queue, and dropped deletes: add A then delete A left A in the
# table (a stale route object, and `ip route` no longer has A).  Now spare
# work items take the events' places in the queue: the delete is applied
# after the add, a later add of A ends offload_failed, and detaching clears
# the flag of the A the kernel has.
plan 7
FS=/sys/kernel/debug/failslab
echo 0 >"$PROBE/attach"		# only the mock allocates in the chain
echo 1 >"$MOCK/attach"
get failed0 alloc_failed "$MOCK/stats"
get lost0 lost "$MOCK/stats"
printf 'route add 192.0.2.77/32 via 10.1.0.2\nroute del 192.0.2.77/32\n' | failslab_ip -n ns1 -batch -
rc1=$?
snap order-del "$MOCK"
judge order-del "alloc order: add then delete of A: A is gone from the table too" \
	'compare("mock_switchdev", "init", "ns1", "ns2", "ns3")'
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
	'"rt_offload_failed" in route("ns1", "192.0.2.77/32")["flags"]'
judge order "alloc order: the table equals the kernel" \
	'compare("mock_switchdev", "init", "ns1", "ns2", "ns3")'
echo 0 >"$MOCK/attach"
snap order-detach
judge order-detach "alloc order: detaching cleared A's flag (the table held the current A)" \
	'not [f for f in route("ns1", "192.0.2.77/32")["flags"] if f.startswith("rt_")]'
ip -n ns1 route del 192.0.2.77/32
