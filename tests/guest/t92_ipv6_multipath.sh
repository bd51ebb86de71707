# SPDX-License-Identifier: GPL-2.0
# IPv6 multipath routes are notified nexthop by nexthop (issue 9, defect 4):
# `ip -6 route del P via G1` on a two-path route sends ENTRY_DEL for one
# sibling and `ip -6 route append` ENTRY_APPEND for one.  The old listeners
# removed the whole prefix on the first (the kernel still routes P via G2,
# and P lost its offload flag) and overwrote it on the second (nhs 1).
plan 9
echo 1 >"$PROBE/attach"
echo 1 >"$MOCK/attach"
modprobe_ex=examples/c_listener/rfn_c_example.ko
check "ipv6 multipath: example C listener loads" insmod "$modprobe_ex"
EX=/sys/kernel/debug/rfn_c_example
ipb ns2 <<EOF2
route add 2001:db8:a1::/48 nexthop via 2001:db8:2::2 dev d0 nexthop via 2001:db8:2:1::2 dev d1
route del 2001:db8:a1::/48 via 2001:db8:2::2 dev d0
route append 2001:db8:a2::/48 via 2001:db8:2::2 dev d0
route append 2001:db8:a2::/48 via 2001:db8:2:1::2 dev d1
route add 2001:db8:a3::/48 nexthop via 2001:db8:2::2 dev d0 nexthop via 2001:db8:2:1::2 dev d1
route replace 2001:db8:a3::/48 via 2001:db8:2:1::2 dev d1
EOF2
snap mp "$PROBE" "$MOCK" "$EX"
judge mp "ipv6 multipath: partial delete: the kernel still routes P via one nexthop" \
	'len(route("ns2", "2001:db8:a1::/48").get("nexthops", [])) == 0'
for l in probe mock_switchdev rfn_c_example; do
	judge mp "ipv6 multipath: $l holds every route with the kernel's nexthop count" \
		"nexthop_counts('$l', 'ns2') and compare('$l', 'ns2')"
done
judge mp "ipv6 multipath: the probe shows the remaining nexthop of P first" \
	'grep("probe", "routes", "^%d 6 254 2001:db8:a1::/48 .* nhs 1 dev %d via 2001:db8:2:1::2$" % (ino("ns2"), ifindex("ns2", "d1")))'
judge mp "ipv6 multipath: P is still offloaded (rt_offload)" \
	'"rt_offload" in route("ns2", "2001:db8:a1::/48")["flags"]'
judge mp "ipv6 multipath: the appended route is offloaded on both nexthops" \
	'"rt_offload" in route("ns2", "2001:db8:a2::/48")["flags"]'
ipb ns2 <<EOF2
route del 2001:db8:a1::/48
route del 2001:db8:a2::/48
route del 2001:db8:a3::/48
EOF2
check "ipv6 multipath: example C listener unloads" rmmod rfn_c_example
echo 0 >"$MOCK/attach"
