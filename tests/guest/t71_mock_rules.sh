# SPDX-License-Identifier: GPL-2.0
# The mock switchdev against netdevsim and mlxsw, alone on the chain (the
# probe detached), in ns1; flags judged per route (prefix, table, TOS,
# metric, nexthops), never per prefix.
#  rules_displaced  A better route for a prefix (a lower metric, a TOS;
#                   `route replace` of another metric) is notified
#                   ENTRY_REPLACE while the kernel keeps the old one: the
#                   old one loses its flag (netdevsim, mlxsw), and gets it
#                   back when the better one goes.
#  rules_types      Flags by route type as mlxsw sets them (unreachable,
#                   prohibit, IPv6 throw: rt_trap; blackhole: rt_offload, a
#                   discard entry; IPv4 throw: rt_offload_failed); IPv6
#                   multicast routes ignored (no entry, no flag).
#  rules_append     An IPv6 append to a route held takes no place
#                   (netdevsim counts REPLACE only): it succeeds on a full
#                   table in veto mode.
#  event_delay      event_delay_us is capped (5000 us), and its busy-waits
#                   are budgeted.
# hw_routes NS TABLE PREFIX ROUTE...: the kernel's routes to PREFIX, in its
# order, each `METRIC TOS VIA FLAGS` (tests/host/checks.py).
ALL_TESTS="rules_displaced rules_types rules_append event_delay"
NEEDS[rules_types]=rules_displaced
ALL="init ns1 ns2 ns3"

setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
	echo 0 >"$MOCK/netns"
	echo 0 >"$MOCK/veto"
	echo 100000 >"$MOCK/capacity"
}

cleanup() {
	echo 0 >"$MOCK/event_delay_us"
	echo 0 >"$MOCK/veto"
	echo 100000 >"$MOCK/capacity"
	echo 0 >"$MOCK/attach"
}

# A better route for the same prefix, then the old one again.
rules_displaced() {
	plan 8
	check "mock rules: the mock attaches, alone on the chain" eval "echo 1 > $MOCK/attach"
	ipb ns1 <<EOF
route add 198.18.71.0/24 via 10.1.0.2 metric 100
route add 2001:db8:71::/48 via 2001:db8:1::2 metric 100
route add 198.18.72.0/24 via 10.1.0.2
EOF
	ipb ns1 <<EOF
route add 198.18.71.0/24 via 10.1.1.2 metric 50
route add 2001:db8:71::/48 via 2001:db8:1:1::2 metric 50
route add 198.18.72.0/24 tos 0x10 via 10.1.1.2
EOF
	snap rules-better "$MOCK"
	judge rules-better "replace: IPv4: the better route (metric 50) flagged, the one it pushed out of first place (metric 100) not" \
		hw_routes ns1 254 198.18.71.0/24 "50 0 10.1.1.2@d1 rt_offload" "100 0 10.1.0.2@d0 -"
	judge rules-better "replace: IPv6: the better route (metric 50) flagged, the one it pushed out of first place (metric 100) not" \
		hw_routes ns1 254 2001:db8:71::/48 "50 0 2001:db8:1:1::2@d1 rt_offload" "100 0 2001:db8:1::2@d0 -"
	judge rules-better "replace: IPv4: a TOS route goes first: it alone is flagged, rt_trap (mlxsw traps TOS routes)" \
		hw_routes ns1 254 198.18.72.0/24 "* * 10.1.1.2@d1 rt_trap" "* * 10.1.0.2@d0 -"
	ipb ns1 <<EOF
route del 198.18.71.0/24 via 10.1.1.2 metric 50
route del 2001:db8:71::/48 via 2001:db8:1:1::2 metric 50
route del 198.18.72.0/24 tos 0x10
EOF
	snap rules-back "$MOCK"
	judge rules-back "replace: with the better routes deleted, the remaining ones are flagged again (IPv4, IPv6, TOS)" \
		hw_routes ns1 254 198.18.71.0/24 "100 0 10.1.0.2@d0 rt_offload" \; \
		2001:db8:71::/48 "100 0 2001:db8:1::2@d0 rt_offload" \; \
		198.18.72.0/24 "0 0 10.1.0.2@d0 rt_offload"
	# `route replace` of a metric the prefix has no route with adds one.
	ipb ns1 <<EOF
route replace 198.18.71.0/24 via 10.1.1.2 metric 50
route replace 2001:db8:71::/48 via 2001:db8:1:1::2 metric 50
EOF
	snap rules-replace "$MOCK"
	judge rules-replace "route replace: a better route added by replace is flagged alone (IPv4, IPv6)" \
		hw_routes ns1 254 198.18.71.0/24 "50 0 10.1.1.2@d1 rt_offload" "100 0 10.1.0.2@d0 -" \; \
		2001:db8:71::/48 "50 0 2001:db8:1:1::2@d1 rt_offload" "100 0 2001:db8:1::2@d0 -"
	# ... and of the first route itself (another gateway): still one flag.
	ipb ns1 <<EOF
route replace 198.18.71.0/24 via 10.1.0.3 metric 50
route replace 2001:db8:71::/48 via 2001:db8:1::3 metric 50
EOF
	snap rules-replace2 "$MOCK"
	judge rules-replace2 "route replace: the first route replaced in place: the new one flagged alone (IPv4, IPv6)" \
		hw_routes ns1 254 198.18.71.0/24 "50 0 10.1.0.3@d0 rt_offload" "100 0 10.1.0.2@d0 -" \; \
		2001:db8:71::/48 "50 0 2001:db8:1::3@d0 rt_offload" "100 0 2001:db8:1::2@d0 -"
	judge rules-replace2 "replace: no (prefix, table, TOS) has two flagged routes; every namespace flagged per route as the mock's rules say; the table equals the kernel" \
		mock_unique_consistent $ALL
}

# Route types, as mlxsw flags them; IPv6 multicast ignored.  Then the
# routes of this case and of rules_displaced go.
rules_types() {
	plan 6
	echo 1 >"$MOCK/attach"
	ipb ns1 <<EOF
route add unreachable 198.18.73.0/24
route add prohibit 198.18.74.0/24
route add blackhole 198.18.75.0/24
route add throw 198.18.76.0/24
route add unreachable 2001:db8:73::/48
route add prohibit 2001:db8:74::/48
route add blackhole 2001:db8:75::/48
route add throw 2001:db8:76::/48
route add ff3e::/32 dev d0
EOF
	snap rules-types "$MOCK"
	judge rules-types "types: IPv4 unreachable, prohibit rt_trap; blackhole rt_offload; throw rt_offload_failed (mlxsw)" \
		first_route_flags ns1 254 198.18.73.0/24 rt_trap 198.18.74.0/24 rt_trap \
		198.18.75.0/24 rt_offload 198.18.76.0/24 rt_offload_failed
	judge rules-types "types: IPv6 unreachable, prohibit, throw rt_trap; blackhole rt_offload (mlxsw)" \
		first_route_flags ns1 254 2001:db8:73::/48 rt_trap 2001:db8:74::/48 rt_trap \
		2001:db8:76::/48 rt_trap 2001:db8:75::/48 rt_offload
	judge rules-types "types: IPv6 multicast routes (ff00::/8 of each device, ff3e::/32) carry no flag and are not in the table" \
		mock_ignores_multicast ns1 2 ff3e::/32
	judge rules-types "types: every namespace flagged per route as the mock's rules say; the table equals the kernel" \
		mock_consistent_paths $ALL
	# A late registration (replay) flags them the same way.
	echo 0 >"$MOCK/attach"
	check "types: the mock attaches again (replay)" eval "echo 1 > $MOCK/attach"
	snap rules-types-replay "$MOCK"
	judge rules-types-replay "types: after a replay, every namespace flagged per route as the mock's rules say" \
		mock_consistent $ALL
	ipb ns1 <<EOF
route del 198.18.71.0/24 metric 50
route del 198.18.71.0/24 metric 100
route del 2001:db8:71::/48 metric 50
route del 2001:db8:71::/48 metric 100
route del 198.18.72.0/24
route del 198.18.73.0/24
route del 198.18.74.0/24
route del 198.18.75.0/24
route del 198.18.76.0/24
route del 2001:db8:73::/48
route del 2001:db8:74::/48
route del 2001:db8:75::/48
route del 2001:db8:76::/48
route del ff3e::/32 dev d0
EOF
}

# An IPv6 append at full capacity, veto on.
rules_append() {
	plan 4
	local held msg rc
	echo 1 >"$MOCK/attach"
	ip -n ns1 route add 2001:db8:77::/48 via 2001:db8:1::2
	read -r _ <"$MOCK/routes"
	get held offloaded "$MOCK/stats"
	echo "$held" >"$MOCK/capacity"
	echo 1 >"$MOCK/veto"
	msg=$(ip -n ns1 -6 route append 2001:db8:77::/48 via 2001:db8:1:1::2 2>&1)
	rc=$?
	diag "append: capacity $held, ip -6 route append said: $msg"
	check "append: an IPv6 append to a route held succeeds on a full table (veto on)" test $rc -eq 0
	msg=$(ip -n ns1 route add 2001:db8:78::/48 via 2001:db8:1::2 2>&1)
	rc=$?
	check "append: and took no place: the next new route is refused" \
		test $rc -ne 0 -a "${msg/*hardware route table is full*/yes}" = yes
	snap rules-append "$MOCK"
	judge rules-append "append: the two-path route is offloaded, held with both nexthops, the table as full as before" \
		mock_append_held ns1 2001:db8:77::/48 2001:db8:1::2@d0,2001:db8:1:1::2@d1 "$held"
	ip -n ns1 -6 route del 2001:db8:77::/48 via 2001:db8:1::2
	snap rules-append-del "$MOCK"
	judge rules-append-del "append: the first nexthop deleted, the appended one (flagged at the append) remains, offloaded" \
		mock_route_paths ns1 2001:db8:77::/48 2001:db8:1:1::2@d1
	echo 0 >"$MOCK/veto"
	echo 100000 >"$MOCK/capacity"
	ip -n ns1 route del 2001:db8:77::/48
}

# event_delay_us: at most 5000 us; a longer value is refused (EINVAL) and
# changes nothing; busy-waits past the budget are skipped.
event_delay() {
	plan 4
	local bad=0 v msg d skipped0 skipped t0 t1
	echo 1 >"$MOCK/attach"
	echo 1234 >"$MOCK/event_delay_us"
	for v in 5001 10000 1000000 4294967296; do
		if printf '%s' "$v" 2>/dev/null >"$MOCK/event_delay_us"; then
			diag "event_delay_us accepted $v"
			bad=$((bad + 1))
		fi
	done
	msg=$({ printf 5001 >"$MOCK/event_delay_us"; } 2>&1)
	check "event_delay_us: values above the cap (5000 us) are refused, with EINVAL" \
		test $bad -eq 0 -a "${msg/*Invalid argument*/yes}" = yes
	read -r d <"$MOCK/event_delay_us"
	check "event_delay_us: and the knob keeps its value" test "$d" = 1234
	check "event_delay_us: the cap itself is accepted" eval "echo 5000 > $MOCK/event_delay_us"
	get skipped0 delays_skipped "$MOCK/stats"
	echo 0 >"$MOCK/attach"
	usecs t0
	echo 1 >"$MOCK/attach"
	usecs t1
	get skipped delays_skipped "$MOCK/stats"
	diag "event_delay_us: a replay with 5000 us a route took $(((t1 - t0) / 1000)) ms; delays skipped $skipped0 -> $skipped"
	check "event_delay_us: a replay (back-to-back events, one RCU section a namespace) skips the busy-waits past the budget" \
		test "$skipped" -gt "$skipped0"
	echo 0 >"$MOCK/event_delay_us"
}
