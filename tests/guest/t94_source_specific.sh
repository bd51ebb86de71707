# SPDX-License-Identifier: GPL-2.0
# IPv6 source-specific routes: `ip -6 route add P from S` is notified under
# the same (table, prefix) as the plain route to P.  Listeners skip
# source-specific routes, as netdevsim does, and count them (`skipped` in
# stats): the plain route to P stays held through the source-specific
# route's add and delete.
ALL_TESTS="source_specific"

setup() {
	ns_setup ns1 ns2 ns3
	listeners_on
}

cleanup() {
	example_unload
	listeners_off
}

source_specific() {
	plan 6
	local l
	check "source-specific: example C listener loads" insmod examples/c_listener/rfn_c_example.ko
	ipb ns3 <<EOF
route add 2001:db8:b1::/48 via 2001:db8:3::2
route add 2001:db8:b1::/48 from 2001:db8:77::/48 via 2001:db8:3:1::2
route del 2001:db8:b1::/48 from 2001:db8:77::/48
route add 2001:db8:b2::/48 from 2001:db8:77::/48 via 2001:db8:3::2
EOF
	snap srcspec "$PROBE" "$MOCK" "$EX"
	for l in probe mock_switchdev rfn_c_example; do
		judge srcspec "source-specific: $l holds the plain route and no source-specific one" \
			compare_and_route "$l" ns3 2001:db8:b1::/48
	done
	judge srcspec "source-specific: each counted the three events it skipped" \
		stat_at_least skipped 3 probe mock_switchdev rfn_c_example
	ipb ns3 <<EOF
route del 2001:db8:b1::/48
route del 2001:db8:b2::/48 from 2001:db8:77::/48
EOF
	check "source-specific: example C listener unloads" rmmod rfn_c_example
}
