# SPDX-License-Identifier: GPL-2.0
# Namespaces created and deleted while attached.
exits0=$(stat_of netns_exits)
make_ns ns4 4
check "netns: a namespace created later is seen" \
	$FIBVIEW compare "$PROBE" init ns1 ns2 ns3 ns4
ino=$(stat -L -c %i /run/netns/ns3)
ip netns del ns3
# Namespace cleanup is asynchronous: wait for its exit event.
for _ in $(seq 100); do
	[ "$(stat_of netns_exits)" -gt "$exits0" ] && break
	sleep 0.2
done
check "netns: deleted namespace sent its exit" test "$(stat_of netns_exits)" -gt "$exits0"
check "netns: none of its routes or rules are left" \
	sh -c "! grep -q '^$ino ' $PROBE/routes $PROBE/rules"
ip netns del ns4
check "netns: the others still match" $FIBVIEW compare "$PROBE" init ns1 ns2
