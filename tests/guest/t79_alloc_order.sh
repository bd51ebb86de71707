# SPDX-License-Identifier: GPL-2.0
# GFP_ATOMIC failures keep the mock switchdev's events in chain order
# (issue 9, defect 6).  Under failslab, add A, delete A, add A again (via
# another gateway): no work item can be allocated for any of the three.  The
# old code parked the adds in a LIFO and lost the delete, so the first,
# deleted route object ended in the table (a stale reference): detaching
# then cleared the flag of that dead route and left the kernel's current A
# flagged.  Now spare work items take the events' places in the queue: A
# ends offload_failed, the table holds the current A, detaching clears it.
plan 6
FS=/sys/kernel/debug/failslab
echo 0 >"$PROBE/attach"		# only the mock allocates in the chain
echo 1 >"$MOCK/attach"
get failed0 alloc_failed "$MOCK/stats"
get lost0 lost "$MOCK/stats"
echo 0 >$FS/verbose
echo Y >$FS/task-filter
echo Y >$FS/ignore-gfp-wait
echo 1 >$FS/interval
echo -1 >$FS/times
echo 100 >$FS/probability
printf 'route add 192.0.2.77/32 via 10.1.0.2\nroute del 192.0.2.77/32\nroute add 192.0.2.77/32 via 10.1.1.2\n' >/tmp/order.batch
bash -c 'echo 1 > /proc/self/make-it-fail; exec ip -n ns1 -batch /tmp/order.batch'
rc=$?
echo 0 >$FS/probability
check "alloc order: add, delete, add under failslab succeed" test $rc -eq 0
get failed alloc_failed "$MOCK/stats"
get lost lost "$MOCK/stats"
diag "alloc order: alloc_failed $failed0 -> $failed, lost $lost0 -> $lost"
check "alloc order: the three failures counted" test "$failed" -ge $((failed0 + 3))
check "alloc order: nothing lost" test "$lost" -eq "$lost0"
snap order "$MOCK"
judge order "alloc order: the current A ends offload_failed (its events applied in order)" \
	'"rt_offload_failed" in route("ns1", "192.0.2.77/32")["flags"]'
judge order "alloc order: the table equals the kernel" \
	'compare("mock_switchdev", "init", "ns1", "ns2", "ns3")'
echo 0 >"$MOCK/attach"
snap order-detach
judge order-detach "alloc order: detaching cleared A's flag (the table held the current A)" \
	'not [f for f in route("ns1", "192.0.2.77/32")["flags"] if f.startswith("rt_")]'
ip -n ns1 route del 192.0.2.77/32
