# SPDX-License-Identifier: GPL-2.0
# An IPv6 multipath append (`ip -6 route append P nexthop ... nexthop ...`)
# links its siblings, then notifies ENTRY_APPEND holding no lock
# (ip6_route_multipath_add()): a registration that replays in between gets
# the route with those siblings, then the same siblings again, live.
# fault_hold_append (test builds) holds the append between the two (a block
# ahead of the bridge on the namespace's kernel chain busy-waits), the
# probe registers for that namespace meanwhile, then the append goes on.
# The probe must hold each nexthop once, as the kernel does.
plan 6
P=2001:db8:b1::/48
check "append race: a one-path route" ip -n ns2 -6 route add $P via 2001:db8:2::2 dev d0
detach
ns_inode ino ns2
echo "$ino" >"$RFN/fault_hold_append"
ip -n ns2 -6 route append $P nexthop via 2001:db8:2:1::2 dev d1 nexthop via 2001:db8:2::3 dev d0 &
appender=$!
_holding() { local l; read -r l <"$RFN/fault_hold_append"; [ "${l##* }" -gt 0 ]; }
check "append race: the append is held after the kernel linked it" wait_for 5 _holding
echo "$ino" >"$PROBE/netns"
check "append race: the probe registers for the namespace meanwhile" attach
echo 0 >"$PROBE/netns"
echo 0 >"$RFN/fault_hold_append"
check "append race: the append completes" wait "$appender"
SNAP_NS=ns2 snap append-race "$PROBE"
judge append-race "append race: the probe holds each of the route's 3 nexthops once" \
	'nexthop_counts("probe", "ns2") and eq(len(route("ns2", "2001:db8:b1::/48")["nexthops"]), 3)'
judge append-race "append race: the probe equals the kernel" 'compare("probe", "ns2")'
ip -n ns2 -6 route del $P
detach
