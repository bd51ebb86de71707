# SPDX-License-Identifier: GPL-2.0
# A registration restricted to one namespace (mainline's semantics): the
# replay and the events of that namespace only.
ALL_TESTS="filter_replay filter_live"
NEEDS[filter_live]=filter_replay

setup() {
	local ino1
	ns_setup ns1 ns2 ns3
	echo 0 >"$MOCK/attach"
	ns_inode ino1 ns1
	echo "$ino1" >"$MOCK/netns"
}

cleanup() {
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
}

filter_replay() {
	plan 3
	check "filter: attach to ns1 only" eval "echo 1 > $MOCK/attach"
	snap filter-attach "$MOCK"
	judge filter-attach "filter: the table equals ns1's routes" compare mock_switchdev ns1
	judge filter-attach "filter: nothing of another namespace" only_namespace mock_switchdev ns1 routes
}

filter_live() {
	plan 2
	ip -n ns2 route add 192.0.2.32/27 via 10.2.0.2
	ip -n ns1 route add 192.0.2.32/27 via 10.1.0.2
	snap filter-add "$MOCK"
	judge filter-add "filter: ns1's new route arrives, ns2's does not" compare_only mock_switchdev ns1
	judge filter-add "filter: ns2's new route is not flagged" route_lacks_flag ns2 254 rt_offload 192.0.2.32/27
	ip -n ns1 route del 192.0.2.32/27
	ip -n ns2 route del 192.0.2.32/27
}
