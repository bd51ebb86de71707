# SPDX-License-Identifier: GPL-2.0
# IPv6 source-specific routes (issue 9, defect 7): `ip -6 route add P from S`
# is notified under the same (table, prefix) as the plain route to P.  The
# old listeners keyed them alike: the source-specific add overwrote the
# plain route's entry and its delete removed it, so the listeners lost a
# route the kernel still has.  Now they skip source-specific routes, as
# netdevsim does, and count them (`skipped` in stats).
plan 6
EX=/sys/kernel/debug/rfn_c_example
echo 1 >"$PROBE/attach"
echo 1 >"$MOCK/attach"
check "source-specific: example C listener loads" insmod examples/c_listener/rfn_c_example.ko
ipb ns3 <<EOF2
route add 2001:db8:b1::/48 via 2001:db8:3::2
route add 2001:db8:b1::/48 from 2001:db8:77::/48 via 2001:db8:3:1::2
route del 2001:db8:b1::/48 from 2001:db8:77::/48
route add 2001:db8:b2::/48 from 2001:db8:77::/48 via 2001:db8:3::2
EOF2
snap srcspec "$PROBE" "$MOCK" "$EX"
for l in probe mock_switchdev rfn_c_example; do
	judge srcspec "source-specific: $l holds the plain route and no source-specific one" \
		"compare('$l', 'ns3') and route('ns3', '2001:db8:b1::/48') is not None"
done
judge srcspec "source-specific: each counted the three events it skipped" \
	'all(stat(l, "skipped") >= 3 for l in ("probe", "mock_switchdev", "rfn_c_example"))'
ipb ns3 <<EOF2
route del 2001:db8:b1::/48
route del 2001:db8:b2::/48 from 2001:db8:77::/48
EOF2
check "source-specific: example C listener unloads" rmmod rfn_c_example
echo 0 >"$MOCK/attach"
