# SPDX-License-Identifier: GPL-2.0
# An IPv6 multipath append (`ip -6 route append P nexthop ... nexthop ...`)
# links its siblings, then notifies ENTRY_APPEND holding no lock
# (ip6_route_multipath_add()): a registration that replays in between gets
# the route with those siblings, then the same siblings again, live.
# fault_hold_append (test builds) holds the append between the two (a block
# ahead of the bridge on the namespace's kernel chain busy-waits, up to
# 10 s); the probe and the mock register for that namespace meanwhile, the
# example C listener for every namespace; then the append goes on.  Each
# holds each nexthop once, as the kernel does.
ALL_TESTS="append_race"
P=2001:db8:b1::/48

setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
}

cleanup() {
	example_unload
	echo 0 >"$RFN/fault_hold_append"
	echo 0 >"$PROBE/netns"
	echo 0 >"$MOCK/netns"
	echo 0 >"$MOCK/attach"
	ip -n ns2 -6 route del $P 2>/dev/null
	detach
}

_holding() { local l; read -r l <"$RFN/fault_hold_append"; [ "${l##* }" -gt 0 ]; }

append_race() {
	plan 10
	local ino appender l
	check "append race: a one-path route" ip -n ns2 -6 route add $P via 2001:db8:2::2 dev d0
	ns_inode ino ns2
	echo "$ino" >"$RFN/fault_hold_append"
	ip -n ns2 -6 route append $P nexthop via 2001:db8:2:1::2 dev d1 nexthop via 2001:db8:2::3 dev d0 &
	appender=$!
	check "append race: the append is held after the kernel linked it" wait_for 5 _holding
	echo "$ino" >"$PROBE/netns"
	echo "$ino" >"$MOCK/netns"
	check "append race: the probe registers for the namespace meanwhile" attach
	check "append race: the mock too" eval "echo 1 >$MOCK/attach"
	check "append race: the example C listener, for every namespace" insmod examples/c_listener/rfn_c_example.ko
	check "append race: the append was still held" _holding
	echo 0 >"$RFN/fault_hold_append"
	check "append race: the append completes" wait "$appender"
	SNAP_NS=ns2 snap append-race "$PROBE" "$MOCK" "$EX"
	for l in probe mock_switchdev rfn_c_example; do
		judge append-race "append race: $l holds each of the route's 3 nexthops once" \
			paths_held_once "$l" ns2 $P 3
	done
}
