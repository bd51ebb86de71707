# SPDX-License-Identifier: GPL-2.0
# Issue 21, items 2 and 3, for the example C listener (the model C drivers
# copy), alone on the chain (no probe, no mock: only it sets flags, only it
# holds routes):
#  2. it holds every sibling (fib6_info) of an IPv6 multipath route, flags
#     each, and releases each on its own delete: after `route del P via G1`
#     the device of G1 can be deleted (a held sibling pins it: `ip link del`
#     never returns, "waiting for x0 to become free"), and the path left
#     keeps its rt_offload, for a route added multipath and one appended;
#  3. a route pushed out of first place by a better one (lower metric,
#     higher TOS) loses its flag, as netdevsim and mlxsw clear it: exactly
#     one route per prefix is flagged (judged per route: prefix, table,
#     metric, gateway, TOS), after an add, a replace and the delete of the
#     better one, IPv4 and IPv6.
plan 18
EX=/sys/kernel/debug/rfn_c_example
read -r t65_probe <"$PROBE/attach"
read -r t65_mock <"$MOCK/attach"
echo 0 >"$PROBE/attach"
echo 0 >"$MOCK/attach"
check "c example siblings: loads alone on the chain" insmod examples/c_listener/rfn_c_example.ko

# t65_hw PREFIX FIELDS: the judge expression for FIELDS (a Python tuple
# over r, a route of `ip -j route`) of each route of ns3's main table to
# PREFIX that carries a hardware flag; t65_all: of every route to PREFIX.
t65_hw() {
	printf '[%s for r in kroutes("ns3") if r["prefix"] == "%s" and r["tb"] == 254 and any(f in r.get("flags", []) for f in ("rt_offload", "rt_trap", "rt_offload_failed"))]' "$2" "$1"
}
t65_all() {
	printf 'sorted([%s for r in kroutes("ns3") if r["prefix"] == "%s" and r["tb"] == 254])' "$2" "$1"
}
MG='(r.get("metric", 0), r.get("gateway"))'
TG='("tos" in r, r.get("gateway"))'
# t65_one PREFIX FIELDS WANT_ALL WANT_FLAGGED: both lists as expected.
t65_one() {
	printf 'eq(%s, %s) and eq(%s, %s)' "$(t65_all "$1" "$2")" "$3" "$(t65_hw "$1" "$2")" "$4"
}

# Item 2: two-path routes on devices of their own, one added multipath,
# one made of an add and an append; then the first path of each goes.
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
	'eq([len(route("ns3", p).get("nexthops", [])) for p in ("2001:db8:a65::/48", "2001:db8:a66::/48")], [2, 2])
	and nexthop_counts("rfn_c_example", "ns3") and compare("rfn_c_example", "ns3")'
ipb ns3 <<EOF
route del 2001:db8:a65::/48 via 2001:db8:65::2 dev x0
route del 2001:db8:a66::/48 via 2001:db8:65::2 dev x0
EOF
snap t65-mpdel "$EX"
for p in a65 a66; do
	judge t65-mpdel "c example siblings: 2001:db8:$p::/48 after its first path's delete: one path, via x1, rt_offload" \
		"eq([(r.get(\"gateway\"), r.get(\"dev\"), \"nexthops\" in r, \"rt_offload\" in r.get(\"flags\", [])) for r in kroutes(\"ns3\") if r[\"prefix\"] == \"2001:db8:$p::/48\"],
		[(\"2001:db8:65:1::2\", \"x1\", False, True)])"
done
judge t65-mpdel "c example siblings: holds one path of each (nhs 1), as the kernel" \
	'nexthop_counts("rfn_c_example", "ns3") and compare("rfn_c_example", "ns3")'
# x0's paths are deleted: a sibling still held pins x0, and its deletion
# waits forever (in netdev_run_todo, without RTNL: the rest runs on).
t65_rc=/tmp/t65-x0.rc
: >"$t65_rc"
{
	ip -n ns3 link del x0
	echo $? >"$t65_rc"
} &
_t65_x0_gone() { local rc; read -r rc <"$t65_rc" && [ "$rc" = 0 ]; }
check "c example siblings: x0, the device of the deleted paths, is deleted within 60 s (nothing holds it)" \
	wait_for 60 _t65_x0_gone
snap t65-x0 "$EX"
judge t65-x0 "c example siblings: without x0, the paths via x1 keep rt_offload; the example equals the kernel" \
	'all("rt_offload" in route("ns3", p)["flags"] for p in ("2001:db8:a65::/48", "2001:db8:a66::/48"))
	and nexthop_counts("rfn_c_example", "ns3") and compare("rfn_c_example", "ns3")'

# Item 3: a better route for the same prefix (a lower metric; IPv4 also a
# higher TOS, the same fib_info: only the old alias's key tells them
# apart) is notified ENTRY_REPLACE; the kernel keeps the old one.
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
	"$(t65_one 198.18.65.0/24 "$MG" '[(50, "10.3.1.2"), (100, "10.3.0.2")]' '[(50, "10.3.1.2")]')"
judge t65-better "c example siblings: IPv6, a better metric: only the metric 50 route is flagged" \
	"$(t65_one 2001:db8:b65::/48 "$MG" '[(50, "2001:db8:3:1::2"), (100, "2001:db8:3::2")]' '[(50, "2001:db8:3:1::2")]')"
judge t65-better "c example siblings: IPv4, a higher TOS (same fib_info): only the TOS route is flagged" \
	"$(t65_one 198.18.66.0/24 "$TG" '[(False, "10.3.0.2"), (True, "10.3.0.2")]' '[(True, "10.3.0.2")]')"
ipb ns3 <<EOF
route replace 198.18.65.0/24 via 10.3.0.3 metric 50
route replace 2001:db8:b65::/48 via 2001:db8:3::3 metric 50
EOF
snap t65-replace "$EX"
judge t65-replace "c example siblings: IPv4, route replace of the best: only it is flagged" \
	"$(t65_one 198.18.65.0/24 "$MG" '[(50, "10.3.0.3"), (100, "10.3.0.2")]' '[(50, "10.3.0.3")]')"
judge t65-replace "c example siblings: IPv6, route replace of the best: only it is flagged" \
	"$(t65_one 2001:db8:b65::/48 "$MG" '[(50, "2001:db8:3::3"), (100, "2001:db8:3::2")]' '[(50, "2001:db8:3::3")]')"
ipb ns3 <<EOF
route del 198.18.65.0/24 via 10.3.0.3 metric 50
route del 2001:db8:b65::/48 via 2001:db8:3::3 metric 50
route del 198.18.66.0/24 tos 0x10 via 10.3.0.2
EOF
snap t65-worse "$EX"
judge t65-worse "c example siblings: IPv4, the better one deleted: the metric 100 route is flagged again" \
	"$(t65_one 198.18.65.0/24 "$MG" '[(100, "10.3.0.2")]' '[(100, "10.3.0.2")]')"
judge t65-worse "c example siblings: IPv6, the better one deleted: the metric 100 route is flagged again" \
	"$(t65_one 2001:db8:b65::/48 "$MG" '[(100, "2001:db8:3::2")]' '[(100, "2001:db8:3::2")]')"
judge t65-worse "c example siblings: IPv4, the TOS route deleted: the TOS 0 route is flagged again" \
	"$(t65_one 198.18.66.0/24 "$TG" '[(False, "10.3.0.2")]' '[(False, "10.3.0.2")]')"
judge t65-worse "c example siblings: equals the kernel; every route it holds, and only those, carry a flag" \
	'compare("rfn_c_example", "init", "ns1", "ns2", "ns3")
	and hw_unique("init", "ns1", "ns2", "ns3")
	and eq(hwflagged("init", "ns1", "ns2", "ns3"),
	best_of({k for k in listener("rfn_c_example", "init", "ns1", "ns2", "ns3") if k.startswith("route")},
	"init", "ns1", "ns2", "ns3"))'

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
judge t65-unload "c example siblings: no flag left after unload" 'eq(hwflagged("init", "ns1", "ns2", "ns3"), set())'
echo "$t65_probe" >"$PROBE/attach"
echo "$t65_mock" >"$MOCK/attach"
