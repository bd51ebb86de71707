# SPDX-License-Identifier: GPL-2.0
# GFP_ATOMIC failure in the mock switchdev's callback (failslab, only for
# the task that adds the route, only non-sleeping allocations): the route
# is not lost, it ends offload_failed, and the failure is counted.
MOCK=$RFN/mock_switchdev
FS=/sys/kernel/debug/failslab
if [ ! -d $FS ]; then
	not_ok "alloc failure: failslab available"
else
	echo 0 >"$PROBE/attach"		# only the mock allocates in the chain
	echo 1 >"$MOCK/attach"
	# IPv6 allocates a tree node with GFP_ATOMIC for a new prefix: make
	# the prefix exist first, then replace its route under failslab.
	ip -n ns1 -6 route add 2001:db8:9999::/48 via 2001:db8:1::2
	failed0=$(stat_of alloc_failed $MOCK/stats)
	echo 0 >$FS/verbose
	echo Y >$FS/task-filter
	echo Y >$FS/ignore-gfp-wait
	echo 1 >$FS/interval
	echo -1 >$FS/times
	echo 100 >$FS/probability
	# shellcheck disable=SC2016
	sh -c 'echo 1 > /proc/self/make-it-fail; exec ip -n ns1 route add 192.0.2.99/32 via 10.1.0.2'
	rc4=$?
	sh -c 'echo 1 > /proc/self/make-it-fail; exec ip -n ns1 -6 route replace 2001:db8:9999::/48 via 2001:db8:1:1::2'
	rc6=$?
	echo 0 >$FS/probability
	check "alloc failure: the route adds themselves succeed" test $rc4 -eq 0 -a $rc6 -eq 0
	diag "alloc failure: alloc_failed $failed0 -> $(stat_of alloc_failed $MOCK/stats), lost $(stat_of lost $MOCK/stats)"
	check "alloc failure: counted" test "$(stat_of alloc_failed $MOCK/stats)" -ge $((failed0 + 2))
	cat $MOCK/routes >/dev/null	# runs the queue dry
	check "alloc failure: IPv4 route ends offload_failed" \
		sh -c "ip -n ns1 -j route show 192.0.2.99/32 | grep -q rt_offload_failed"
	check "alloc failure: IPv6 route ends offload_failed" \
		sh -c "ip -n ns1 -6 -j route show 2001:db8:9999::/48 | grep -q rt_offload_failed"
	check "alloc failure: the table still equals the kernel" \
		$FIBVIEW compare "$MOCK" init ns1 ns2 ns3
	ip -n ns1 route del 192.0.2.99/32
	ip -n ns1 -6 route del 2001:db8:9999::/48
	echo 0 >"$MOCK/attach"
fi
