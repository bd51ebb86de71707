# SPDX-License-Identifier: GPL-2.0
# IPv6 multipath routes are notified nexthop by nexthop: `ip -6 route del
# P via G1` on a two-path route sends ENTRY_DEL for one sibling and `ip -6
# route append` ENTRY_APPEND for one.  Every listener (the probe, the mock,
# the example C listener) keeps P with the nexthop left (and P its offload
# flag) and an appended route with both nexthops.
ALL_TESTS="ipv6_multipath"

setup() {
	ns_setup ns1 ns2 ns3
	listeners_on
}

cleanup() {
	example_unload
	listeners_off
}

ipv6_multipath() {
	plan 9
	local l
	check "ipv6 multipath: example C listener loads" insmod examples/c_listener/rfn_c_example.ko
	ipb ns2 <<EOF
route add 2001:db8:a1::/48 nexthop via 2001:db8:2::2 dev d0 nexthop via 2001:db8:2:1::2 dev d1
route del 2001:db8:a1::/48 via 2001:db8:2::2 dev d0
route append 2001:db8:a2::/48 via 2001:db8:2::2 dev d0
route append 2001:db8:a2::/48 via 2001:db8:2:1::2 dev d1
route add 2001:db8:a3::/48 nexthop via 2001:db8:2::2 dev d0 nexthop via 2001:db8:2:1::2 dev d1
route replace 2001:db8:a3::/48 via 2001:db8:2:1::2 dev d1
EOF
	snap mp "$PROBE" "$MOCK" "$EX"
	judge mp "ipv6 multipath: partial delete: the kernel still routes P via one nexthop" \
		single_path ns2 2001:db8:a1::/48
	for l in probe mock_switchdev rfn_c_example; do
		judge mp "ipv6 multipath: $l holds every route with the kernel's nexthop count" \
			compare_paths "$l" ns2
	done
	judge mp "ipv6 multipath: the probe shows the remaining nexthop of P first" \
		lines_match probe routes '^{ino ns2} 6 254 2001:db8:a1::/48 .* nhs 1 dev {ifindex ns2 d1} via 2001:db8:2:1::2$'
	judge mp "ipv6 multipath: P is still offloaded (rt_offload)" \
		route_has_flag ns2 254 rt_offload 2001:db8:a1::/48
	judge mp "ipv6 multipath: the appended route is offloaded on both nexthops" \
		route_has_flag ns2 254 rt_offload 2001:db8:a2::/48
	ipb ns2 <<EOF
route del 2001:db8:a1::/48
route del 2001:db8:a2::/48
route del 2001:db8:a3::/48
EOF
	check "ipv6 multipath: example C listener unloads" rmmod rfn_c_example
}
