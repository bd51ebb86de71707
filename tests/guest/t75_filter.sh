# SPDX-License-Identifier: GPL-2.0
# A registration restricted to one namespace (mainline's semantics): the
# replay and the events of that namespace only.
plan 5
echo 0 >"$MOCK/attach"
ns_inode ino1 ns1
echo "$ino1" >"$MOCK/netns"
check "filter: attach to ns1 only" eval "echo 1 > $MOCK/attach"
snap filter-attach "$MOCK"
judge filter-attach "filter: the table equals ns1's routes" 'compare("mock_switchdev", "ns1")'
judge filter-attach "filter: nothing of another namespace" \
	"all(l.split()[0] == '$ino1' for l in lines('mock_switchdev', 'routes'))"
ip -n ns2 route add 192.0.2.32/27 via 10.2.0.2
ip -n ns1 route add 192.0.2.32/27 via 10.1.0.2
snap filter-add "$MOCK"
judge filter-add "filter: ns1's new route arrives, ns2's does not" \
	"compare('mock_switchdev', 'ns1') and all(l.split()[0] == '$ino1' for l in lines('mock_switchdev', 'routes'))"
judge filter-add "filter: ns2's new route is not flagged" \
	'"rt_offload" not in route("ns2", "192.0.2.32/27")["flags"]'
ip -n ns1 route del 192.0.2.32/27
ip -n ns2 route del 192.0.2.32/27
echo 0 >"$MOCK/attach"
echo 0 >"$MOCK/netns"
