# SPDX-License-Identifier: GPL-2.0
# The example C listener (the model C drivers copy), alone on the chain (no
# probe, no mock: only it sets flags, only it holds routes):
#  cex_siblings   it holds every sibling (fib6_info) of an IPv6 multipath
#                 route, flags each, and releases each on its own delete:
#                 after `route del P via G1` the device of G1 can be deleted
#                 (a held sibling pins it: `ip link del` never returns,
#                 "waiting for x0 to become free"), and the path left keeps
#                 its rt_offload, for a route added multipath and one
#                 appended;
#  cex_displaced  a route pushed out of first place by a better one (lower
#                 metric, higher TOS) loses its flag, as netdevsim and mlxsw
#                 clear it: exactly one route per prefix is flagged (judged
#                 per route: prefix, table, metric, gateway, TOS), after an
#                 add, a replace and the delete of the better one, IPv4 and
#                 IPv6;
#  cex_unloaded   its unload leaves no flag.
ALL_TESTS="cex_siblings cex_displaced cex_unloaded"
NEEDS[cex_displaced]=cex_siblings
NEEDS[cex_unloaded]=cex_siblings
t65_rc=/tmp/t65-x0.rc

setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
}

cleanup() {
	example_unload
	ip -n ns3 link del x0 2>/dev/null
	ip -n ns3 link del x1 2>/dev/null
	:
}

_t65_x0_gone() { local rc; read -r rc <"$t65_rc" && [ "$rc" = 0 ]; }

# Two-path routes on devices of their own, one added multipath, one made
# of an add and an append; then the first path of each goes.
cex_siblings() {
	plan 7
	local p
	check "c example siblings: loads alone on the chain" insmod examples/c_listener/rfn_c_example.ko
	ipb ns3 <<EOF
link add x0 type dummy
link add x1 type dummy
link set x0 up
link set x1 up
addr add 2001:db8:65::1/64 dev x0 nodad
addr add 2001:db8:65:1::1/64 dev x1 nodad
route add 2001:db8:a65::/48 nexthop via 2001:db8:65::2 dev x0 nexthop via 2001:db8:65:1::2 dev x1
route add 2001:db8:a66::/48 via 2001:db8:65::2 dev x0
route append 2001:db8:a66::/48 via 2001:db8:65:1::2 dev x1
EOF
	snap t65-mp "$EX"
	judge t65-mp "c example siblings: holds both paths of each two-path route (nhs 2), as the kernel" \
		multipath_held rfn_c_example ns3 2 2001:db8:a65::/48 2001:db8:a66::/48
	ipb ns3 <<EOF
route del 2001:db8:a65::/48 via 2001:db8:65::2 dev x0
route del 2001:db8:a66::/48 via 2001:db8:65::2 dev x0
EOF
	snap t65-mpdel "$EX"
	for p in a65 a66; do
		judge t65-mpdel "c example siblings: 2001:db8:$p::/48 after its first path's delete: one path, via x1, rt_offload" \
			one_path_offloaded ns3 "2001:db8:$p::/48" 2001:db8:65:1::2 x1
	done
	judge t65-mpdel "c example siblings: holds one path of each (nhs 1), as the kernel" \
		compare_paths rfn_c_example ns3
	# x0's paths are deleted: a sibling still held pins x0, and its
	# deletion waits forever (in netdev_run_todo, without RTNL: the rest
	# runs on).
	: >"$t65_rc"
	{
		ip -n ns3 link del x0
		echo $? >"$t65_rc"
	} &
	check "c example siblings: x0, the device of the deleted paths, is deleted within 60 s (nothing holds it)" \
		wait_for 60 _t65_x0_gone
	snap t65-x0 "$EX"
	judge t65-x0 "c example siblings: without x0, the paths via x1 keep rt_offload; the example equals the kernel" \
		offloaded_and_compare rfn_c_example ns3 2001:db8:a65::/48 2001:db8:a66::/48
}

# A better route for the same prefix (a lower metric; IPv4 also a higher
# TOS, the same fib_info: only the old alias's key tells them apart) is
# notified ENTRY_REPLACE; the kernel keeps the old one.  one_flagged: the
# prefix, `metric` or `tos`, the flagged route, then all of them.
cex_displaced() {
	plan 9
	ipb ns3 <<EOF
route add 198.18.65.0/24 via 10.3.0.2 metric 100
route add 198.18.65.0/24 via 10.3.1.2 metric 50
route add 2001:db8:b65::/48 via 2001:db8:3::2 metric 100
route add 2001:db8:b65::/48 via 2001:db8:3:1::2 metric 50
route add 198.18.66.0/24 via 10.3.0.2
route add 198.18.66.0/24 tos 0x10 via 10.3.0.2
EOF
	snap t65-better "$EX"
	judge t65-better "c example siblings: IPv4, a better metric: only the metric 50 route is flagged" \
		one_flagged ns3 198.18.65.0/24 metric "50 10.3.1.2" "50 10.3.1.2" "100 10.3.0.2"
	judge t65-better "c example siblings: IPv6, a better metric: only the metric 50 route is flagged" \
		one_flagged ns3 2001:db8:b65::/48 metric "50 2001:db8:3:1::2" "50 2001:db8:3:1::2" "100 2001:db8:3::2"
	judge t65-better "c example siblings: IPv4, a higher TOS (same fib_info): only the TOS route is flagged" \
		one_flagged ns3 198.18.66.0/24 tos "tos 10.3.0.2" "notos 10.3.0.2" "tos 10.3.0.2"
	ipb ns3 <<EOF
route replace 198.18.65.0/24 via 10.3.0.3 metric 50
route replace 2001:db8:b65::/48 via 2001:db8:3::3 metric 50
EOF
	snap t65-replace "$EX"
	judge t65-replace "c example siblings: IPv4, route replace of the best: only it is flagged" \
		one_flagged ns3 198.18.65.0/24 metric "50 10.3.0.3" "50 10.3.0.3" "100 10.3.0.2"
	judge t65-replace "c example siblings: IPv6, route replace of the best: only it is flagged" \
		one_flagged ns3 2001:db8:b65::/48 metric "50 2001:db8:3::3" "50 2001:db8:3::3" "100 2001:db8:3::2"
	ipb ns3 <<EOF
route del 198.18.65.0/24 via 10.3.0.3 metric 50
route del 2001:db8:b65::/48 via 2001:db8:3::3 metric 50
route del 198.18.66.0/24 tos 0x10 via 10.3.0.2
EOF
	snap t65-worse "$EX"
	judge t65-worse "c example siblings: IPv4, the better one deleted: the metric 100 route is flagged again" \
		one_flagged ns3 198.18.65.0/24 metric "100 10.3.0.2" "100 10.3.0.2"
	judge t65-worse "c example siblings: IPv6, the better one deleted: the metric 100 route is flagged again" \
		one_flagged ns3 2001:db8:b65::/48 metric "100 2001:db8:3::2" "100 2001:db8:3::2"
	judge t65-worse "c example siblings: IPv4, the TOS route deleted: the TOS 0 route is flagged again" \
		one_flagged ns3 198.18.66.0/24 tos "notos 10.3.0.2" "notos 10.3.0.2"
	judge t65-worse "c example siblings: equals the kernel; every route it holds, and only those, carry a flag" \
		compare_and_flags_on_held rfn_c_example init ns1 ns2 ns3
}

cex_unloaded() {
	plan 2
	ipb ns3 <<EOF
route del 198.18.65.0/24
route del 2001:db8:b65::/48
route del 198.18.66.0/24
route del 2001:db8:a65::/48
route del 2001:db8:a66::/48
EOF
	check "c example siblings: unloads" rmmod rfn_c_example
	# Unloading released whatever it held: a deletion still waiting ends now.
	wait_for 60 _t65_x0_gone || diag "c example siblings: ip link del x0 still waits after the unload"
	ip -n ns3 link del x1
	snap t65-unload
	judge t65-unload "c example siblings: no flag left after unload" no_hw_flags init ns1 ns2 ns3
}
